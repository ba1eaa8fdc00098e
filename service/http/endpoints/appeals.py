"""Appeals: the site files one for an author; moderators list and decide them."""

from __future__ import annotations

from typing import Annotated, Any

from msgspec import Meta
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.domain.appeals import APPEAL_TEXT_MAX, Appeal, AppealCard, AppealOutcome, AppealStatus
from service.errors import NotFoundError
from service.http import appeal_responses as out
from service.http import render
from service.http.call import ApiRoute, Call
from service.http.paging import cursor_pointer, page_args
from service.http.queries import PageQuery, paged
from service.http.responses import SiteAppeal
from service.http.roles import MODERATOR, SITE
from service.http.schemas import EXPLANATION_MAX
from service.http.wire import TEXT, JsonResponse, Request
from service.settings import Settings


class AppealRequest(Request):
    """``POST /v1/comments/{comment_id}/appeals``."""

    text: Annotated[
        str,
        TEXT,
        Meta(
            max_length=APPEAL_TEXT_MAX,
            description="The author's appeal, in their words (shown to moderators only).",
        ),
    ]


class AppealDecisionRequest(Request):
    """``POST /v1/appeals/{appeal_id}/decision``."""

    outcome: Annotated[
        AppealOutcome,
        Meta(
            description="upheld: the rejection stands; overturned: the comment is approved.",
            examples=["overturned"],
        ),
    ]
    reply: (
        Annotated[
            str,
            TEXT,
            Meta(max_length=EXPLANATION_MAX, description="Words for the author on the outcome."),
        ]
        | None
    ) = None


class AppealQuery(PageQuery):
    """Query parameters of ``GET /v1/appeals``."""

    status: Annotated[AppealStatus, Meta(description="Appeals of this status (default open).")] = (
        AppealStatus.OPEN
    )


def routes(settings: Settings) -> list[ApiRoute]:
    """This module's operations, added to the route table."""
    return [
        ApiRoute("POST", "/v1/comments/{comment_id}/appeals", file_appeal, SITE,
                 "File an appeal for the author of a rejected comment", status=201,
                 response=SiteAppeal, body=AppealRequest, errors=(404, 409, 413)),
        ApiRoute("GET", "/v1/appeals", list_appeals, MODERATOR,
                 "The appeals queue, oldest first", response=out.AppealPage,
                 query=paged(AppealQuery, settings)),
        ApiRoute("POST", "/v1/appeals/{appeal_id}/decision", decide_appeal, MODERATOR,
                 "Uphold or overturn an appeal", response=out.Appeal,
                 body=AppealDecisionRequest, errors=(403, 404, 409, 413)),
    ]  # fmt: skip


async def file_appeal(call: Call) -> Response:
    """Open an appeal on one of the site's rejected comments; 409 unless one may be opened."""
    appeal = await run_in_threadpool(
        call.resources.appeals.file,
        call.path_param("comment_id"),
        call.caller.name,
        call.body_as(AppealRequest).text,
        call.caller.name,
    )
    site = render.site_appeal(appeal)
    return JsonResponse(
        site, status_code=201, headers={"Location": f"/v1/comments/{appeal.comment_id}"}
    )


async def list_appeals(call: Call) -> Response:
    """Appeals of one status (open by default), each with its comment and the original decision."""
    cursor, limit = page_args(call)
    status = call.query_as(AppealQuery).status
    with cursor_pointer():
        page = await run_in_threadpool(call.resources.appeals.queue, status, cursor, limit)
    items = [_card(card) for card in page.items]
    return JsonResponse(out.AppealPage(items=items, next_cursor=page.next_cursor))


async def decide_appeal(call: Call) -> Response:
    """Uphold or overturn; 403 for the moderator whose decision is appealed (in a team)."""
    raw = call.path_param("appeal_id")
    if not raw.isdigit() or len(raw) > 18:
        raise NotFoundError(f"there is no appeal {raw!r}")
    body = call.body_as(AppealDecisionRequest)
    appeal = await run_in_threadpool(
        call.resources.appeals.decide, int(raw), body.outcome, call.caller.name, body.reply
    )
    return JsonResponse(out.Appeal(**_appeal_fields(appeal)))


def _card(card: AppealCard) -> out.AppealCard:
    return out.AppealCard(**_appeal_fields(card.appeal), comment=render.comment_full(card.comment))


def _appeal_fields(appeal: Appeal) -> dict[str, Any]:
    original = appeal.original
    return {
        "id": appeal.id,
        "comment_id": appeal.comment_id,
        "site_id": appeal.site_id,
        "status": appeal.status,
        "text": appeal.text,
        "filed_at": render.utc(appeal.filed_at),
        "original": out.OriginalDecision(
            action_id=original.action_id,
            status=original.status,
            reasons=list(original.reasons),
            statement=render.statement(original.statement),
            decided_by=original.decided_by,
            decided_at=render.utc(original.decided_at),
        ),
        "decided_by": appeal.decided_by,
        "decided_at": render.maybe_utc(appeal.decided_at),
        "reply": appeal.reply,
    }
