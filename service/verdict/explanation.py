"""Evidence for the comments a verdict holds back, from the model that scored them.

Explaining costs a search per top feature of each label that held a comment, so it runs between
the transaction that reads the facts and the one that writes the verdicts, never inside either.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from service.domain import Comment, Status
from service.verdict.pipeline import CommentFacts

# Given the comments the policy withheld or rejected and, per comment, the reasons it was held
# (the model labels among them are the ones worth explaining), one evidence mapping (or None) per
# comment; see Classification.evidence. Supplied by the workers, which hold the model.
Explainer = Callable[
    [Sequence[Comment], Sequence[Sequence[str]]], Sequence[Mapping[str, Any] | None]
]

Judged = tuple[CommentFacts, Status, list[str]]


def held_evidence(
    judged: Sequence[Judged], explain: Explainer | None
) -> dict[str, Mapping[str, Any]]:
    """Evidence of the withheld or rejected comments, by id: given, or from one ``explain`` call."""
    held = [(f, why) for f, status, why in judged if status is not Status.APPROVED]
    found = {f.comment.id: f.result.evidence for f, _ in held if f.result.evidence is not None}
    missing = [
        (f.comment, why) for f, why in held if f.result.evidence is None and f.result.error is None
    ]
    if explain is not None and missing:
        comments = [c for c, _ in missing]
        explained = explain(comments, [why for _, why in missing])
        for comment, evidence in zip(comments, explained, strict=True):
            if evidence is not None:
                found[comment.id] = evidence
    return found
