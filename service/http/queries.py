"""Query shapes of the core API's listings (wire Structs): pages, queues, the audit log, the
shadow comparison and the labels export, and their conversion into domain filters."""

from __future__ import annotations

import functools
from typing import Annotated, Literal, TypeVar

from msgspec import Meta

from service.domain import ActionKind, Queue
from service.domain.queues import AuditFilter, QueueFilter
from service.errors import NotFoundError
from service.http.schemas import REASON_CODE
from service.http.wire import (
    INT64_MAX,
    LINE,
    TEXT,
    Request,
    normalised,
    with_limits,
)
from service.settings import Settings


class PageQuery(Request):
    """The ``cursor`` and ``limit`` query parameters every listing takes."""

    cursor: (
        Annotated[
            str, LINE, Meta(description=("Opaque cursor from the previous page's next_cursor."))
        ]
        | None
    ) = None
    limit: Annotated[int, Meta(ge=1, description="Page size.")] | None = None


PageQueryShape = TypeVar("PageQueryShape", bound=PageQuery)


def paged(shape: type[PageQueryShape], settings: Settings) -> type[PageQueryShape]:
    """A listing's query with the page size limits of ``settings``."""
    return _paged(shape, settings.max_page_size, settings.default_page_size)


@functools.cache
def _paged(shape: type[PageQueryShape], maximum: int, default: int) -> type[PageQueryShape]:
    return with_limits(shape, limit=Meta(le=maximum, description=f"Page size (default {default})."))


class QueueQuery(PageQuery):
    """Query parameters of ``GET /v1/queues/{name}``."""

    article_id: (
        Annotated[str, LINE, Meta(max_length=200, description="Only comments on this article.")]
        | None
    ) = None
    author_id: (
        Annotated[str, LINE, Meta(max_length=200, description="Only comments by this author.")]
        | None
    ) = None
    label: (
        Annotated[
            str,
            LINE,
            Meta(max_length=32, description=("Only comments scored for this label (e.g. spam).")),
        ]
        | None
    ) = None
    min_score: (
        Annotated[
            float,
            Meta(
                ge=0,
                le=1,
                description=("Only comments with a score (of `label`, or any) at least this high."),
            ),
        ]
        | None
    ) = None
    q: (
        Annotated[
            str,
            TEXT,
            Meta(
                max_length=200,
                description="Only comments whose text contains this, ignoring case "
                "(`%` and `_` are literal).",
            ),
        ]
        | None
    ) = None
    reason: (
        Annotated[
            str,
            LINE,
            Meta(
                max_length=32,
                description="Only comments held (or decided) for this reason code ([a-z_]), "
                "e.g. links or new_author.",
            ),
        ]
        | None
    ) = None
    sort: (
        Annotated[
            Literal["risk", "age"],
            Meta(description=("risk (highest first, default) or age (oldest first).")),
        ]
        | None
    ) = None
    include: (
        Annotated[
            Literal["details"],
            Meta(
                description=(
                    "details: each item also carries `details` (its scores, evidence and parent), "
                    "so a screen of cards needs one request, not one per card."
                )
            ),
        ]
        | None
    ) = None

    def __post_init__(self) -> None:
        if self.q is not None:  # searched as the stored bodies are kept: NFKC, stripped
            self.q = normalised(self.q, "q", 200)
        if self.reason is not None and not REASON_CODE.fullmatch(self.reason):
            # The filter matches the quoted code in the reasons' JSON text: only [a-z_] is safe.
            raise ValueError("`reason` must be a reason code ([a-z_]+)")


class AuditQuery(PageQuery):
    """Query parameters of ``GET /v1/audit``."""

    comment_id: (
        Annotated[str, LINE, Meta(max_length=36, description="Only actions on this comment.")]
        | None
    ) = None
    actor: (
        Annotated[
            str,
            LINE,
            Meta(max_length=200, description=("Only actions by this client name, or 'system'.")),
        ]
        | None
    ) = None
    kind: (
        Annotated[
            ActionKind,
            Meta(
                description=(
                    "Only actions of this kind. `submitted` needs `comment_id`: a submission is"
                    " not stored as an action but derived from its comment (its created_at), so"
                    " only one comment's log has it, as its oldest entry (id 0)."
                )
            ),
        ]
        | None
    ) = None

    def __post_init__(self) -> None:
        if self.kind is ActionKind.SUBMITTED and self.comment_id is None:
            # Refused, not answered empty: the log across comments lists stored actions only.
            raise ValueError(
                "`kind=submitted` needs `comment_id`: submissions are derived from comments,"
                " not stored in the log across comments"
            )


def queue_filter(query: QueueQuery) -> QueueFilter:
    """The filters of a queue listing."""
    return QueueFilter(
        article_id=query.article_id,
        author_id=query.author_id,
        label=query.label,
        min_score=query.min_score,
        text=query.q,
        reason=query.reason,
    )


def audit_filter(query: AuditQuery) -> AuditFilter:
    """The filters of an audit listing."""
    return AuditFilter(comment_id=query.comment_id, actor=query.actor, kind=query.kind)


def queue_named(name: str) -> Queue:
    """The queue called ``name``; unknown names are a 404 (the queue does not exist)."""
    try:
        return Queue(name)
    except ValueError as exc:
        known = ", ".join(q.value for q in Queue)
        raise NotFoundError(f"there is no queue {name!r} (queues: {known})") from exc


class ShadowQuery(Request):
    """Query parameters of ``GET /v1/models/{version_id}/shadow``."""

    champion: (
        Annotated[
            str,
            LINE,
            Meta(
                max_length=80,
                description=("Compare against this version instead of the current champion."),
            ),
        ]
        | None
    ) = None


class LabelsExportQuery(Request):
    """Query parameters of ``GET /v1/labels/export``."""

    format: (
        Annotated[Literal["csv", "jsonl"], Meta(description="csv (default) or jsonl.")] | None
    ) = None
    after: (
        Annotated[
            int,
            Meta(
                ge=0,
                le=INT64_MAX,
                description=(
                    "Only comments whose latest decision has an action id above this (incremental)."
                ),
            ),
        ]
        | None
    ) = None
