"""What an article site does: submit comments, read their status, report them."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from service.http import render
from service.http.call import Call
from service.http.flood import flood_checked
from service.http.schemas import idempotency_key, new_comment


async def submit_comment(call: Call) -> Response:
    """Store a comment for moderation; 202 once committed, 200 for an idempotent replay."""
    key = idempotency_key(call.request.headers.get("idempotency-key"))
    item = await flood_checked(call, new_comment(call.body, call.caller.name, call.payload, key))
    # Intake groups concurrent submissions into one transaction and one enqueue per batch.
    stored = await call.resources.intake.submit(item)
    location = f"/v1/comments/{stored.comment_id}"
    return JSONResponse(
        {"id": stored.comment_id, "status": stored.status.value, "replayed": not stored.is_new},
        status_code=202 if stored.is_new else 200,
        headers={"Location": location},
    )


async def get_comment(call: Call) -> Response:
    """One of the site's own comments, with its status."""
    comment = await run_in_threadpool(
        call.resources.moderation.get_comment, call.path_param("comment_id"), call.caller.name
    )
    return JSONResponse(render.comment_status(comment))


async def report_comment(call: Call) -> Response:
    """A reader flags a comment; 202 for a new report, 200 if this reader already reported it."""
    is_new, comment = await run_in_threadpool(
        call.resources.moderation.report,
        call.caller.name,
        call.path_param("comment_id"),
        call.body["reporter_id"],
        call.body["reason"],
        call.body["note"],
    )
    return JSONResponse(
        {"comment_id": comment.id, "status": comment.status.value, "duplicate": not is_new},
        status_code=202 if is_new else 200,
    )
