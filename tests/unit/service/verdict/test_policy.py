from __future__ import annotations

import dataclasses

from service.domain import Reason, Status
from service.settings import DEFAULT_THRESHOLDS, LabelThreshold, Settings
from service.verdict.evidence import RejectEvidence
from service.verdict.phases import moderation_phases
from service.verdict.pipeline import run_phases
from service.verdict.policy import apply_policy
from tests.unit.service.verdict.facts import facts

ALL_RULES = frozenset({"links", "repeat_post", "new_author"})


def evidence(label: str) -> bool:
    """Every label has evidence: these tests are about the bands."""
    return True


def no_evidence(label: str) -> bool:
    return False


def test_apply_policy_approves_clear_comment() -> None:
    status, reasons = apply_policy(
        {"spam": 0.1, "toxic": 0.2}, DEFAULT_THRESHOLDS, [], ALL_RULES, evidence
    )
    assert (status, reasons) == (Status.APPROVED, [])


def test_apply_policy_withholds_between_bands_with_label_reason() -> None:
    status, reasons = apply_policy(
        {"spam": 0.7, "toxic": 0.1}, DEFAULT_THRESHOLDS, [], ALL_RULES, evidence
    )
    assert (status, reasons) == (Status.WITHHELD, ["spam"])


def test_apply_policy_rejects_spam_only_above_reject_threshold() -> None:
    status, reasons = apply_policy(
        {"spam": 0.995, "toxic": 0.1}, DEFAULT_THRESHOLDS, [], ALL_RULES, evidence
    )
    assert (status, reasons) == (Status.SPAM, ["spam"])


def test_apply_policy_holds_a_reject_score_without_evidence() -> None:
    status, reasons = apply_policy(
        {"spam": 0.9999, "toxic": 0.1}, DEFAULT_THRESHOLDS, [], ALL_RULES, no_evidence
    )
    assert (status, reasons) == (Status.WITHHELD, ["spam"])


def test_apply_policy_asks_for_evidence_only_for_labels_over_their_reject_band() -> None:
    asked: list[str] = []

    def record(label: str) -> bool:
        asked.append(label)
        return True

    thresholds = {**DEFAULT_THRESHOLDS, "toxic": LabelThreshold(0.5, 0.9)}
    apply_policy({"spam": 0.995, "toxic": 0.6}, thresholds, [], ALL_RULES, record)
    assert asked == ["spam"]


def test_apply_policy_never_rejects_a_label_without_reject_threshold() -> None:
    status, _ = apply_policy(
        {"spam": 0.0, "toxic": 0.9999}, DEFAULT_THRESHOLDS, [], ALL_RULES, evidence
    )
    assert status is Status.WITHHELD


def test_apply_policy_rejects_non_spam_label_as_rejected() -> None:
    thresholds = {**DEFAULT_THRESHOLDS, "toxic": LabelThreshold(0.5, 0.9)}
    status, reasons = apply_policy(
        {"spam": 0.0, "toxic": 0.95}, thresholds, [], ALL_RULES, evidence
    )
    assert (status, reasons) == (Status.REJECTED, ["toxic"])


def test_apply_policy_hold_rule_withholds_clean_scores() -> None:
    status, reasons = apply_policy(
        {"spam": 0.1}, DEFAULT_THRESHOLDS, [Reason.LINKS], ALL_RULES, evidence
    )
    assert (status, reasons) == (Status.WITHHELD, ["links"])


def test_apply_policy_ignores_rules_that_are_not_hold_rules() -> None:
    status, _ = apply_policy(
        {"spam": 0.1}, DEFAULT_THRESHOLDS, [Reason.LINKS], frozenset(), evidence
    )
    assert status is Status.APPROVED


def test_apply_policy_agrees_with_the_live_phases_on_the_same_scores() -> None:
    settings = dataclasses.replace(Settings(), hold_rules=frozenset())  # replays fire no rule
    phases = moderation_phases(settings)
    evidence = RejectEvidence(settings)
    bodies = ["Rates will fall.", "WhatsApp +1 555 010 0199 for 300% profit"]
    grid = [0.0, 0.3, 0.5, 0.7, 0.99, 0.999]
    for body in bodies:
        for spam in grid:
            for toxic in grid:
                said = facts(body, {"spam": spam, "toxic": toxic})
                replayed = apply_policy(
                    said.result.scores,
                    said.bands,
                    [],
                    frozenset(),
                    evidence.checker(body, said.comment.site_id),
                )
                live = run_phases(phases, said)
                assert replayed == (live.status, live.reasons)
