"""What an article site does: submit comments, read their status, report them."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.http import render, responses
from service.http.call import Call
from service.http.flood import flood_checked
from service.http.schemas import ReportRequest, Submission, idempotency_key, new_comment
from service.http.wire import JsonResponse


async def submit_comment(call: Call) -> Response:
    """Store a comment for moderation; 202 once committed, 200 for an idempotent replay."""
    key = idempotency_key(call.request.headers.get("idempotency-key"))
    submission = call.body_as(Submission)
    item = await flood_checked(call, new_comment(submission, call.caller.name, call.raw_body, key))
    # Intake groups concurrent submissions into one transaction and one enqueue per batch.
    stored = await call.resources.intake.submit(item)
    location = f"/v1/comments/{stored.comment_id}"
    return JsonResponse(
        responses.Accepted(id=stored.comment_id, status=stored.status, replayed=not stored.is_new),
        status_code=202 if stored.is_new else 200,
        headers={"Location": location},
    )


async def get_comment(call: Call) -> Response:
    """One of the site's own comments, with its status."""
    comment, appeal = await run_in_threadpool(
        call.resources.appeals.comment_with_appeal, call.path_param("comment_id"), call.caller.name
    )
    return JsonResponse(render.comment_status(comment, appeal))


async def report_comment(call: Call) -> Response:
    """A reader flags a comment; 202 for a new report, 200 if this reader already reported it."""
    report = call.body_as(ReportRequest)
    is_new, comment = await run_in_threadpool(
        call.resources.moderation.report,
        call.caller.name,
        call.path_param("comment_id"),
        report.reporter_id,
        report.reason,
        report.note,
    )
    return JsonResponse(
        responses.ReportReceipt(comment_id=comment.id, status=comment.status, duplicate=not is_new),
        status_code=202 if is_new else 200,
    )
