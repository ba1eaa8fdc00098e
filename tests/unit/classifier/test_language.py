from __future__ import annotations

import pytest

from classifier.language import (
    UNDETERMINED,
    WINDOW_CHARS,
    LanguageIdentifier,
    windows,
    words_of,
)
from tests.language_samples import non_english


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("BTC to 100k!!! 🚀🚀🚀", "to k"),
        ("see https://example.org/a?b=1 and www.example.com/x", "see and"),
        ("mail me: reader@example.com", "mail me"),
        ("HODL. WAGMI. LFG 🔥", ""),
        ("don't buy l\u2019euro at 1.05", "don't buy l\u2019euro at"),
        ("Die Zinsen steigen", "Die Zinsen steigen"),
    ],
)
def test_words_of_keeps_only_words(text: str, words: str) -> None:
    assert words_of(text) == words


def test_windows_read_the_start_and_the_end_of_a_long_text() -> None:
    words = " ".join(["start"] * 40 + ["middle"] * 40 + ["end"] * 40)
    head, tail = windows(words)
    assert set(head.split()) == {"start"}
    assert set(tail.split()) == {"end"}
    assert max(len(head), len(tail)) <= WINDOW_CHARS
    assert windows("short text") == ["short text"]


@pytest.mark.parametrize(("language", "text"), non_english())
def test_identifies_each_non_english_comment(
    identifier: LanguageIdentifier, language: str, text: str
) -> None:
    found = identifier.identify(text)
    assert found.language == language
    assert found.confidence >= 0.9
    assert found.letters >= 40


def test_says_undetermined_when_start_and_end_disagree(identifier: LanguageIdentifier) -> None:
    english = "I read the whole report on the rate decision and the bank's forecast this morning. "
    german = "Ich habe den ganzen Bericht über die Zinsentscheidung heute morgen gelesen. "
    found = identifier.identify(english * 3 + german * 3)
    assert found.language == UNDETERMINED
    assert found.letters > 300


def test_reads_only_the_start_when_it_is_a_settled_language(
    identifier: LanguageIdentifier,
) -> None:
    english = "I read the whole report on the rate decision and the bank's forecast this morning. "
    german = "Ich habe den ganzen Bericht über die Zinsentscheidung heute morgen gelesen. "
    assert identifier.identify(english * 3 + german * 3, frozenset({"en"})).language == "en"
    assert identifier.identify(german * 3 + english * 3, frozenset({"en"})).language == UNDETERMINED


def test_says_undetermined_without_words(identifier: LanguageIdentifier) -> None:
    found = identifier.identify("🚀🚀 100% +12.5% $BTC https://example.com")
    assert (found.language, found.confidence, found.letters) == (UNDETERMINED, 0.0, 0)


def test_is_deterministic_across_instances(identifier: LanguageIdentifier) -> None:
    texts = [text for _, text in non_english()[::7]]
    other = LanguageIdentifier()
    assert [identifier.identify(t) for t in texts] == [other.identify(t) for t in texts]
