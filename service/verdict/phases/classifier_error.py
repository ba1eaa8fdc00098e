"""Phase 5, classifier error: fail closed, a comment the model could not score goes to a human."""

from __future__ import annotations

from service.domain import Reason, Status
from service.verdict.pipeline import CommentFacts, Say

FAILED = Say((Reason.CLASSIFIER_ERROR.value,), Status.WITHHELD)


def classifier_error(facts: CommentFacts) -> Say | None:
    """Withhold a comment whose classification failed; nothing to say about a scored one."""
    return FAILED if facts.result.error is not None else None
