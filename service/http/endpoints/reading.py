"""Reading for sites (issue 11): many statuses in one request, and the pre-submit check."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from service.http import render
from service.http.call import ApiRoute, Call
from service.http.fields import Field, Fields
from service.http.roles import SITE
from service.http.schemas import new_comment, submission_fields
from service.settings import Settings

LOOKUP_MAX = 500
ID_MAX = 36


def routes(_settings: Settings) -> list[ApiRoute]:
    """This module's operations, added to the route table."""
    return [
        ApiRoute("POST", "/v1/comments/lookup", lookup_comments, SITE,
                 f"The status of up to {LOOKUP_MAX} of the site's comments at once",
                 response="Lookup", body=lookup_fields, errors=(413,)),
        ApiRoute("POST", "/v1/check", check_comment, SITE,
                 "The verdict, scores and reasons a comment would get now; nothing is stored",
                 response="CheckResult", body=submission_fields, errors=(413, 503)),
    ]  # fmt: skip


LOOKUP_FIELDS: Fields = {
    "ids": Field("array", "Comment ids.", required=True, max_length=LOOKUP_MAX,
                 items=Field("string", "A comment id.", max_length=ID_MAX)),
}  # fmt: skip


def lookup_fields(_settings: Settings) -> Fields:
    """Fields of ``POST /v1/comments/lookup``."""
    return LOOKUP_FIELDS


async def lookup_comments(call: Call) -> Response:
    """Each known id's status; ``missing`` lists unknown ids (and other sites')."""
    ids = list(dict.fromkeys(call.body["ids"]))
    found = await run_in_threadpool(call.resources.moderation.lookup, call.caller.name, ids)
    by_id = {c.id: c for c in found}
    return JSONResponse(
        {
            "items": [render.comment_status(by_id[i]) for i in ids if i in by_id],
            "missing": [i for i in ids if i not in by_id],
        }
    )


async def check_comment(call: Call) -> Response:
    """Score and decide the submission as the workers would, without storing it."""
    item = new_comment(call.body, call.caller.name, call.payload, None)
    result = await run_in_threadpool(call.resources.pre_check.check, item)
    return JSONResponse(
        {
            "verdict": result.verdict,
            "status": result.status.value,
            "reasons": result.reasons,
            "scores": dict(result.scores),
            "model_version": result.model_version,
            "evidence": render.evidence_spans(result.evidence),
        }
    )
