"""Phase 1, author policy: what moderators set for an author wins over everything else.

``ban`` rejects and ``premoderate`` holds whatever the model says (even when it failed); ``trust``
approves a scored comment whose every score is below the author's threshold, before any rule.
``suspend`` refuses submissions at intake; a comment stored before the suspension began and
classified during it is rejected like a banned author's. An expired policy never reaches here
(``service.store.authors.policies_for`` leaves it out).
"""

from __future__ import annotations

from collections.abc import Mapping

from service.domain import AuthorPolicy, Reason, Status
from service.verdict.pipeline import CommentFacts, Say

# A trusted author's comment skips review while every score stays below this (unless set).
DEFAULT_TRUST_THRESHOLD = 0.5


def author_policy(facts: CommentFacts) -> Say | None:
    """The decision the comment's author policy forces, if any."""
    if facts.policy is None:
        return None
    scored = facts.result.scores if facts.result.error is None else {}
    return author_verdict(facts.policy.policy, facts.policy.trust_threshold, scored)


def author_verdict(
    policy: AuthorPolicy | None, trust_threshold: float | None, scores: Mapping[str, float]
) -> Say | None:
    """The decision a policy forces for a comment with ``scores`` (empty: not scored)."""
    if policy is AuthorPolicy.BAN:
        return Say((Reason.BANNED_AUTHOR.value,), Status.REJECTED)
    if policy is AuthorPolicy.SUSPEND:
        return Say((Reason.SUSPENDED_AUTHOR.value,), Status.REJECTED)
    if policy is AuthorPolicy.PREMODERATE:
        return Say((Reason.PREMODERATED.value,), Status.WITHHELD)
    threshold = DEFAULT_TRUST_THRESHOLD if trust_threshold is None else trust_threshold
    if policy is AuthorPolicy.TRUST and scores and all(s < threshold for s in scores.values()):
        return Say((), Status.APPROVED)
    return None
