from __future__ import annotations

from typing import Any

from service.domain import DetectedLanguage, Status
from service.settings import Settings
from service.verdict.maker import VerdictMaker
from tests.unit.service.verdict.facts import facts

GERMAN = DetectedLanguage("de", 0.99871, 96)


def test_a_language_hold_carries_the_language_as_evidence() -> None:
    [verdict] = VerdictMaker(Settings()).verdicts([facts(language=GERMAN)])
    assert (verdict.status, verdict.reasons) == (Status.WITHHELD, ["unsupported_language"])
    assert verdict.evidence == {
        "labels": {},
        "rules": [],
        "language": {"code": "de", "confidence": 0.9987, "letters": 96},
    }


def test_language_evidence_joins_the_models_explanation() -> None:
    explained = {"labels": {"spam": [{"start": 0, "end": 4}]}, "rules": []}

    def explain(comments: Any, reasons: Any) -> list[Any]:
        return [explained for _ in comments]

    held = facts(scores={"spam": 0.7, "toxic": 0.0}, language=GERMAN)
    [verdict] = VerdictMaker(Settings()).verdicts([held], explain)
    assert verdict.reasons == ["spam", "unsupported_language"]
    assert verdict.evidence is not None
    assert verdict.evidence["labels"] == explained["labels"]
    assert verdict.evidence["language"]["code"] == "de"


def test_no_language_evidence_without_a_language_hold() -> None:
    english = DetectedLanguage("en", 0.999, 200)
    approved, spam = VerdictMaker(Settings()).verdicts(
        [facts(language=english), facts(scores={"spam": 0.7}, language=english)]
    )
    assert approved.evidence is None
    assert spam.evidence is None or "language" not in spam.evidence
