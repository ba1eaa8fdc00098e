"""Phase 7, thresholds: the model's scores against the bands of the comment's site and version.

Machines hold, humans judge: a score at or above its label's withhold band holds the comment; one
at or above a reject band that ops set rejects it only with specific evidence for that label in
its text (``service.verdict.evidence``): a score alone holds. With no score over a band this phase
says nothing, so the comment is approved unless an earlier phase held it.
"""

from __future__ import annotations

from collections.abc import Mapping

from service.domain import Status
from service.settings import LabelThreshold
from service.verdict.evidence import HasEvidence, RejectEvidence
from service.verdict.pipeline import CommentFacts, Say


class Thresholds:
    """Bands per label, with the evidence that lets a reject band reject."""

    def __init__(self, evidence: RejectEvidence) -> None:
        self._evidence = evidence

    def __call__(self, facts: CommentFacts) -> Say | None:
        """Reject (with evidence) or withhold by the bands; None when every score is below them."""
        comment = facts.comment
        has_evidence = self._evidence.checker(comment.body, comment.site_id)
        return band_verdict(facts.result.scores, facts.bands, has_evidence)


def band_verdict(
    scores: Mapping[str, float],
    bands: Mapping[str, LabelThreshold],
    has_evidence: HasEvidence,
) -> Say | None:
    """The decision the bands give ``scores``; ``has_evidence(label)`` is asked only for labels
    over their reject band."""
    rejecting = [
        label
        for label, score in scores.items()
        if (band := bands.get(label))
        and band.reject is not None
        and score >= band.reject
        and has_evidence(label)
    ]
    withholding = [
        label
        for label, score in scores.items()
        if (band := bands.get(label)) and score >= band.withhold
    ]
    if rejecting:
        status = Status.SPAM if "spam" in rejecting else Status.REJECTED
        return Say(tuple(dict.fromkeys([*rejecting, *withholding])), status)
    if withholding:
        return Say(tuple(withholding), Status.WITHHELD)
    return None
