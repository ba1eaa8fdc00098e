"""What moderators narrow their work by, and what a queue card shows: plain values, no I/O."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from service.domain import Comment
from service.domain.articles import ArticleSettings
from service.domain.reports import ReportState


@dataclasses.dataclass(frozen=True)
class QueueFilter:
    """Optional narrowing of a queue listing."""

    article_id: str | None = None
    author_id: str | None = None
    label: str | None = None
    min_score: float | None = None
    text: str | None = None  # the body contains this, case-insensitively
    reason: str | None = None  # a reason code the comment is held (or was decided) for


@dataclasses.dataclass(frozen=True)
class AuditFilter:
    """Optional narrowing of the action log."""

    comment_id: str | None = None
    actor: str | None = None  # "system" selects the automatic actions
    kind: str | None = None


@dataclasses.dataclass(frozen=True)
class CardReport:
    """One reader's report as a moderator sees it: why, in their words, and when (not who)."""

    reason: str
    note: str | None
    created_at: datetime
    state: ReportState = ReportState.OPEN
    weight: float = 1.0  # how much the reporter's word counts towards the threshold


@dataclasses.dataclass(frozen=True)
class CardDetails:
    """The scores of the version that decided, the evidence behind them, the parent comment,
    and the reasons the system gave (a moderator's decision replaces the comment's reasons)."""

    scores: dict[str, float]
    evidence: dict[str, Any] | None
    parent: Comment | None
    system_reasons: list[str]
    reports: list[CardReport]
    article: ArticleSettings | None = None  # its article's settings, when any was set
