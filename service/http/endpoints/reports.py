"""Moderators dismissing readers' reports (a site files them: endpoints/comments.py)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.http import workspace_responses as out
from service.http.call import ApiRoute, Call
from service.http.render import comment_fields
from service.http.roles import MODERATOR
from service.http.schemas import AuditNote, SeenVersion, expected_version
from service.http.wire import JsonResponse, Request
from service.settings import Settings


def routes(_settings: Settings) -> list[ApiRoute]:
    """This module's operations, added to the route table."""
    return [
        ApiRoute("POST", "/v1/comments/{comment_id}/reports/dismiss", dismiss_reports, MODERATOR,
                 "Dismiss a comment's open reports (published again if they took it to review)",
                 response=out.ReportsDismissed, body=DismissRequest, errors=(404, 409, 413),
                 headers={"If-Match": 'The comment version seen, as "<version>".'}),
    ]  # fmt: skip


class DismissRequest(Request):
    """``POST /v1/comments/{id}/reports/dismiss``."""

    note: AuditNote | None = None
    expected_version: SeenVersion | None = None


async def dismiss_reports(call: Call) -> Response:
    """Dismiss the open reports; each counts against its reporter's weight from now on."""
    body = call.body_as(DismissRequest)
    version = expected_version(body.expected_version, call.request.headers.get("if-match"))
    dismissed = await run_in_threadpool(
        call.resources.workspace.dismiss_reports,
        call.path_param("comment_id"),
        actor=call.caller.name,
        note=body.note,
        expected_version=version,
    )
    return JsonResponse(
        out.ReportsDismissed(**comment_fields(dismissed.comment), dismissed=dismissed.dismissed),
        headers={"ETag": f'"{dismissed.comment.version}"'},
    )
