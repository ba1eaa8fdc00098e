"""What moderators narrow their work by, and what a queue card shows: plain values, no I/O."""

from __future__ import annotations

import dataclasses
from typing import Any

from service.domain import Comment


@dataclasses.dataclass(frozen=True)
class QueueFilter:
    """Optional narrowing of a queue listing."""

    article_id: str | None = None
    author_id: str | None = None
    label: str | None = None
    min_score: float | None = None


@dataclasses.dataclass(frozen=True)
class AuditFilter:
    """Optional narrowing of the action log."""

    comment_id: str | None = None
    actor: str | None = None  # "system" selects the automatic actions
    kind: str | None = None


@dataclasses.dataclass(frozen=True)
class CardDetails:
    """The scores of the version that decided, the evidence behind them, the parent comment."""

    scores: dict[str, float]
    evidence: dict[str, Any] | None
    parent: Comment | None
