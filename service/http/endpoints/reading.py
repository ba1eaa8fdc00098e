"""Reading for sites (issue 11): many statuses in one request, and the pre-submit check."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.http import integration_responses, render
from service.http.call import ApiRoute, Call
from service.http.roles import SITE
from service.http.schemas import Submission, new_comment, submission
from service.http.wire import LINE, JsonResponse, Request
from service.settings import Settings

LOOKUP_MAX = 500
ID_MAX = 36


class LookupRequest(Request):
    """``POST /v1/comments/lookup``."""

    ids: Annotated[
        list[Annotated[str, LINE, Meta(max_length=ID_MAX, description="A comment id.")]],
        Meta(max_length=LOOKUP_MAX, description="Comment ids."),
    ]


def routes(settings: Settings) -> list[ApiRoute]:
    """This module's operations, added to the route table."""
    return [
        ApiRoute("POST", "/v1/comments/lookup", lookup_comments, SITE,
                 f"The status of up to {LOOKUP_MAX} of the site's comments at once",
                 response=integration_responses.Lookup, body=LookupRequest, errors=(413,)),
        ApiRoute("POST", "/v1/check", check_comment, SITE,
                 "The verdict, scores and reasons a comment would get now; nothing is stored",
                 response=integration_responses.CheckResult, body=submission(settings),
                 errors=(403, 409, 413, 503)),
    ]  # fmt: skip


async def lookup_comments(call: Call) -> Response:
    """Each known id's status; ``missing`` lists unknown ids (and other sites')."""
    ids = list(dict.fromkeys(call.body_as(LookupRequest).ids))
    found = await run_in_threadpool(call.resources.moderation.lookup, call.caller.name, ids)
    by_id = {c.id: c for c in found}
    appeals = await run_in_threadpool(call.resources.appeals.latest, list(by_id))
    return JsonResponse(
        integration_responses.Lookup(
            items=[render.comment_status(by_id[i], appeals.get(i)) for i in ids if i in by_id],
            missing=[i for i in ids if i not in by_id],
        )
    )


async def check_comment(call: Call) -> Response:
    """Score and decide the submission as the workers would, without storing it."""
    item = new_comment(call.body_as(Submission), call.caller.name, call.raw_body, None)
    result = await run_in_threadpool(call.resources.pre_check.check, item)
    return JsonResponse(
        integration_responses.CheckResult(
            verdict=result.verdict,
            status=result.status,
            reasons=result.reasons,
            scores=dict(result.scores),
            model_version=result.model_version,
            evidence=render.evidence_spans(result.evidence),
        )
    )
