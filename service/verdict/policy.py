"""The policy on scores alone: for verdicts without a comment's facts.

The shadow comparison and the evaluation of a retrained version replay what a model's scores
would decide; they run the same holds and bands as the pipeline's last two phases, folded the
same way, so a replay can never disagree with a live verdict on the same scores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from service.domain import Reason, Status
from service.settings import LabelThreshold
from service.verdict.evidence import HasEvidence
from service.verdict.phases.rules import hold
from service.verdict.phases.thresholds import band_verdict
from service.verdict.pipeline import combine


def apply_policy(
    scores: Mapping[str, float],
    thresholds: Mapping[str, LabelThreshold],
    rule_reasons: Sequence[Reason],
    hold_rules: frozenset[str],
    has_evidence: HasEvidence,
) -> tuple[Status, list[str]]:
    """The status and reasons for ``scores`` with the rules in ``rule_reasons`` fired.

    ``has_evidence(label)`` says whether the comment's text backs rejecting it for ``label``; a
    label over its reject band without evidence only withholds.
    """
    outcome = combine(
        [hold(rule_reasons, hold_rules), band_verdict(scores, thresholds, has_evidence)]
    )
    return outcome.status, outcome.reasons
