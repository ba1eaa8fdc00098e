from __future__ import annotations

import pytest

from classifier.language import LanguageIdentifier
from service.domain import DetectedLanguage, Status
from service.settings import Settings
from service.verdict.phases import moderation_phases
from service.verdict.phases.language import MIN_CONFIDENCE, MIN_LETTERS, Language
from service.verdict.pipeline import CommentFacts, Outcome, Say, run_phases
from tests.language_samples import english_hard
from tests.unit.service.verdict.facts import facts

HOLD = Say(("unsupported_language",))
GERMAN = DetectedLanguage("de", 0.999, 120)


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


def identified(identifier: LanguageIdentifier, body: str) -> CommentFacts:
    """The facts of ``body`` with its language found as the workers find it."""
    found = identifier.identify(body)
    return facts(body, language=DetectedLanguage(found.language, found.confidence, found.letters))


def test_language_holds_a_confident_unsupported_language() -> None:
    assert Language(Settings())(facts(language=GERMAN)) == HOLD


@pytest.mark.parametrize(
    "found",
    [
        DetectedLanguage("en", 0.999, 120),  # supported
        DetectedLanguage("de", MIN_CONFIDENCE - 0.01, 120),  # not sure enough
        DetectedLanguage("de", 0.999, MIN_LETTERS - 1),  # too little to read
        DetectedLanguage("und", 0.999, 400),  # start and end disagree
        DetectedLanguage("zxx", 0.999, 400),  # no linguistic content
    ],
)
def test_language_says_nothing_unless_sure(found: DetectedLanguage) -> None:
    assert Language(Settings())(facts(language=found)) is None


def test_language_says_nothing_when_the_worker_did_not_identify() -> None:
    assert Language(Settings())(facts(language=None)) is None


def test_language_supported_set_is_the_model_versions_unless_set() -> None:
    german_model = facts(language=GERMAN, languages=frozenset({"en", "de"}))
    assert Language(Settings())(german_model) is None
    english_only = Settings(supported_languages=frozenset({"en"}))
    assert Language(english_only)(german_model) == HOLD
    assert Language(Settings(supported_languages=frozenset({"*"})))(facts(language=GERMAN)) is None


def test_language_hold_never_decides_and_a_rejection_keeps_it() -> None:
    phases = moderation_phases(Settings())
    assert run_phases(phases, facts(language=GERMAN)) == Outcome(
        Status.WITHHELD,
        ["unsupported_language"],
    )
    spam = facts("FREE BTC: WhatsApp +1 555 0100", {"spam": 0.999}, language=GERMAN)
    status, reasons, _ = run_phases(phases, spam)
    assert status is Status.SPAM
    assert reasons == ["spam", "unsupported_language", "contact_details"]


@pytest.mark.parametrize(
    "body",
    [
        "Ich finde den Artikel ziemlich einseitig, weil die Risiken für Kleinanleger kaum "
        "erwähnt werden.",
        "No entiendo por qué el gobierno sigue subiendo los impuestos mientras los salarios se "
        "quedan iguales.",
        "Не понимаю, почему банк снова поднял ставку, если цены всё равно растут каждый месяц.",  # noqa: RUF001
    ],
)
def test_language_holds_clear_german_spanish_and_russian(
    identifier: LanguageIdentifier, body: str
) -> None:
    assert Language(Settings())(identified(identifier, body)) == HOLD


@pytest.mark.parametrize(("kind", "body"), english_hard())
def test_language_never_holds_hard_english(
    identifier: LanguageIdentifier, kind: str, body: str
) -> None:
    assert Language(Settings())(identified(identifier, body)) is None, kind


@pytest.mark.parametrize(
    "body",
    ["Danke!", "¡Qué buena noticia!", "Спасибо, отлично", "Merci 🙏"],
)
def test_language_never_holds_short_text(identifier: LanguageIdentifier, body: str) -> None:
    found = identified(identifier, body)
    assert Language(Settings())(found) is None
