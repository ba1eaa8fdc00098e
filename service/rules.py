"""Rule signals that add reasons next to the model's scores."""

from __future__ import annotations

import re

from service.domain import Comment, Reason

# A URL scheme, a www. host, or a bare domain with a common TLD followed by a path or boundary.
_LINK = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|co|xyz|info|biz|me|ly|gg|app|finance|exchange)\b",
    re.IGNORECASE,
)


def has_link(body: str) -> bool:
    """Whether the body carries a link or a bare domain."""
    return _LINK.search(body) is not None


def rule_hits(comment: Comment, *, is_repeat: bool, new_author_days: float) -> list[Reason]:
    """The rule reasons that apply to a comment, in a stable order."""
    hits: list[Reason] = []
    if has_link(comment.body):
        hits.append(Reason.LINKS)
    if is_repeat:
        hits.append(Reason.REPEAT_POST)
    age = comment.author.account_age_days
    if age is not None and age < new_author_days:
        hits.append(Reason.NEW_AUTHOR)
    return hits
