from __future__ import annotations

import dataclasses

from service.domain import Status
from service.settings import DEFAULT_THRESHOLDS, LabelThreshold, Settings
from service.verdict.evidence import RejectEvidence
from service.verdict.phases.thresholds import Thresholds
from service.verdict.pipeline import Say
from tests.unit.service.verdict.facts import facts

SPAM_PITCH = "Made 300% profit with my account manager, WhatsApp +1 555 010 0199"
TOXIC = {**DEFAULT_THRESHOLDS, "toxic": LabelThreshold(0.5, 0.9)}


def phase(**changes: object) -> Thresholds:
    return Thresholds(RejectEvidence(dataclasses.replace(Settings(), **changes)))  # type: ignore[arg-type]


def test_thresholds_have_no_say_below_every_band() -> None:
    assert phase()(facts(SPAM_PITCH, {"spam": 0.49, "toxic": 0.49})) is None


def test_thresholds_withhold_between_the_bands() -> None:
    assert phase()(facts(scores={"spam": 0.7, "toxic": 0.6})) == Say(
        ("spam", "toxic"), Status.WITHHELD
    )


def test_thresholds_reject_spam_with_evidence_in_the_text() -> None:
    assert phase()(facts(SPAM_PITCH, {"spam": 0.995, "toxic": 0.6})) == Say(
        ("spam", "toxic"), Status.SPAM
    )


def test_thresholds_hold_a_reject_score_without_evidence() -> None:
    assert phase()(facts("Rates will fall.", {"spam": 0.9999})) == Say(("spam",), Status.WITHHELD)


def test_thresholds_reject_toxicity_only_with_a_banned_word() -> None:
    banning = phase(banned_words=frozenset({"scumbag"}))
    said = banning(facts("you scumbag", {"toxic": 0.95}, bands=TOXIC))
    assert said == Say(("toxic",), Status.REJECTED)
    assert banning(facts("you fool", {"toxic": 0.95}, bands=TOXIC)) == Say(
        ("toxic",), Status.WITHHELD
    )


def test_thresholds_use_the_bands_of_the_facts() -> None:
    strict = {"spam": LabelThreshold(0.1, None)}
    assert phase()(facts(scores={"spam": 0.2}, bands=strict)) == Say(("spam",), Status.WITHHELD)
