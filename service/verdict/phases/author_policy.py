"""Author policy: what moderators set for an author wins over the model and the rules.

``ban`` rejects and ``premoderate`` holds whatever the model says (even when it failed), first of
all phases; ``trust`` approves a scored comment whose every score is below the author's threshold,
right after the site's watched words (a banned word still rejects a trusted author's comment).
``suspend`` refuses submissions at intake; a comment stored before the suspension began and
classified during it is rejected like a banned author's. An expired policy never reaches here
(``service.store.authors.policies_for`` leaves it out).
"""

from __future__ import annotations

from service.domain import AuthorPolicy, Reason, Status
from service.verdict.pipeline import CommentFacts, Say

# A trusted author's comment skips review while every score stays below this (unless set).
DEFAULT_TRUST_THRESHOLD = 0.5


def author_policy(facts: CommentFacts) -> Say | None:
    """What the comment's author's restriction forces: ban and suspend reject, premoderate holds."""
    if facts.policy is None:
        return None
    policy = facts.policy.policy
    if policy is AuthorPolicy.BAN:
        return Say((Reason.BANNED_AUTHOR.value,), Status.REJECTED)
    if policy is AuthorPolicy.SUSPEND:
        return Say((Reason.SUSPENDED_AUTHOR.value,), Status.REJECTED)
    if policy is AuthorPolicy.PREMODERATE:
        return Say((Reason.PREMODERATED.value,), Status.WITHHELD)
    return None


def author_trust(facts: CommentFacts) -> Say | None:
    """A trusted author's scored comment is approved while every score is below their threshold.

    It runs after the watched words: trust spares an author review, not the site's banned words.
    """
    if facts.policy is None or facts.policy.policy is not AuthorPolicy.TRUST:
        return None
    if facts.result.error is not None or not facts.result.scores:
        return None
    threshold = facts.policy.trust_threshold
    limit = DEFAULT_TRUST_THRESHOLD if threshold is None else threshold
    if all(score < limit for score in facts.result.scores.values()):
        return Say((), Status.APPROVED)
    return None
