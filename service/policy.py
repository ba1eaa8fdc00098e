"""The automatic moderation policy: scores and rule hits in, a status and reasons out.

Machines hold, humans judge: a comment is approved only when every score is below its withhold
band and no hold rule fired; it is rejected only above a reject threshold that ops set *and* with
specific evidence for that label in its text (``service.evidence``): a score alone holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from service.domain import AuthorPolicy, Reason, Status
from service.settings import LabelThreshold

# A trusted author's comment skips review while every score stays below this (unless set).
DEFAULT_TRUST_THRESHOLD = 0.5


def apply_policy(
    scores: Mapping[str, float],
    thresholds: Mapping[str, LabelThreshold],
    rule_reasons: Sequence[Reason],
    hold_rules: frozenset[str],
    has_evidence: Callable[[str], bool],
) -> tuple[Status, list[str]]:
    """Decide a status and the reasons for it.

    ``has_evidence(label)`` says whether the comment's text backs rejecting it for ``label``; a
    label over its reject band without evidence only withholds.
    """
    rejecting = [
        label
        for label, score in scores.items()
        if (band := thresholds.get(label))
        and band.reject is not None
        and score >= band.reject
        and has_evidence(label)
    ]
    withholding = [
        label
        for label, score in scores.items()
        if (band := thresholds.get(label)) and score >= band.withhold
    ]
    rules = [r.value for r in rule_reasons if r.value in hold_rules]
    if rejecting:
        status = Status.SPAM if "spam" in rejecting else Status.REJECTED
        return status, _unique([*rejecting, *withholding, *rules])
    if withholding or rules:
        return Status.WITHHELD, _unique([*withholding, *rules])
    return Status.APPROVED, []


def author_verdict(
    policy: AuthorPolicy | None, trust_threshold: float | None, scores: Mapping[str, float]
) -> tuple[Status, list[str]] | None:
    """The verdict an author policy forces, or None when the normal policy decides.

    ``ban`` and ``premoderate`` hold whatever the model says (even when it failed); ``trust``
    approves only a scored comment whose every score is below the author's threshold.
    """
    if policy is AuthorPolicy.BAN:
        return Status.REJECTED, [Reason.BANNED_AUTHOR.value]
    if policy is AuthorPolicy.PREMODERATE:
        return Status.WITHHELD, [Reason.PREMODERATED.value]
    threshold = DEFAULT_TRUST_THRESHOLD if trust_threshold is None else trust_threshold
    if policy is AuthorPolicy.TRUST and scores and all(s < threshold for s in scores.values()):
        return Status.APPROVED, []
    return None


def failed_classification() -> tuple[Status, list[str]]:
    """Fail closed: a comment the model could not score goes to a human."""
    return Status.WITHHELD, [Reason.CLASSIFIER_ERROR.value]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
