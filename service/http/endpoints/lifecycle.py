"""Model lifecycle endpoints (issue 3): train, promote, roll back, challenger, history.

Every alias move records the calling key's name as its actor (``GET /v1/models/history``).
"""

from __future__ import annotations

import functools
from typing import Annotated

from msgspec import Meta
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.domain import Alias
from service.errors import MalformedRequestError, UnsupportedMediaTypeError
from service.http import model_responses as model_out
from service.http import render
from service.http.body import read_bounded
from service.http.call import ApiRoute, Call
from service.http.roles import OPS
from service.http.wire import LINE, TEXT, JsonResponse, Request, with_limits
from service.settings import Settings

NOTE_MAX = 2000
UPLOAD_ID_MAX = 80
# A labels file may be tens of MB from an ops key (authenticated before the body is read): it gets
# more time to arrive than an ordinary body's COMMENTDESK_REQUEST_TIMEOUT_SECONDS.
UPLOAD_TIMEOUT_SECONDS = 600.0
HISTORY_MAX = 200


def routes(settings: Settings) -> list[ApiRoute]:
    """This module's operations, added to the route table."""
    return [
        ApiRoute("POST", "/v1/models", start_training, OPS,
                 "Train a new model version (a job on the train queue)", status=202,
                 response=model_out.TrainingJobAccepted, body=TrainingRequest, body_optional=True,
                 errors=(404, 413, 503)),
        ApiRoute("POST", "/v1/models/uploads", upload_labels, OPS,
                 "Store a labelled CSV for training (larger than a JSON body may be)",
                 status=201, response=model_out.TrainingUpload, raw_body="text/csv"),
        ApiRoute("GET", "/v1/models/jobs/{job_id}", get_training_job, OPS,
                 "A training job's status, progress and registered version",
                 response=model_out.TrainingJob, errors=(404, 503)),
        ApiRoute("GET", "/v1/models/history", list_alias_events, OPS,
                 "Every move of the champion and challenger aliases, newest first",
                 response=model_out.AliasEventList, query=history_query(settings)),
        ApiRoute("POST", "/v1/models/{version_id}/promote", promote_model, OPS,
                 "Make a version the champion (the promotion gate may refuse: 409)",
                 response=model_out.AliasEvent, body=PromotionRequest, body_optional=True,
                 errors=(404, 409)),
        ApiRoute("POST", "/v1/models/rollback", rollback_champion, OPS,
                 "Move the champion back to the previous one", response=model_out.AliasEvent,
                 errors=(409,)),
        ApiRoute("POST", "/v1/models/{version_id}/challenger", set_challenger, OPS,
                 "Make a version the challenger (shadow scoring)", response=model_out.AliasEvent,
                 errors=(404, 409)),
        ApiRoute("DELETE", "/v1/models/challenger", unset_challenger, OPS,
                 "Stop shadow scoring: remove the challenger", response=model_out.AliasEvent),
    ]  # fmt: skip


class TrainingRequest(Request):
    """``POST /v1/models`` (an inline CSV is bounded by the request body limit; a larger one
    goes through ``POST /v1/models/uploads``)."""

    note: (
        Annotated[
            str,
            TEXT,
            Meta(
                max_length=NOTE_MAX,
                description=("Why this version is trained, for the registry."),
                examples=["add March moderator decisions"],
            ),
        ]
        | None
    ) = None
    extra_labels_csv: (
        Annotated[
            str,
            TEXT,
            Meta(
                description=(
                    "Extra labelled rows as CSV: a header with `text` and label columns "
                    "(`spam`, `toxic`, …), cells 0, 1 or empty; older than every decision."
                ),
                examples=["text,spam\nDM me for 10x returns,1\n"],
            ),
        ]
        | None
    ) = None
    labels_upload: (
        Annotated[
            str,
            LINE,
            Meta(
                max_length=UPLOAD_ID_MAX,
                description=("The id of a labels file stored by `POST /v1/models/uploads`."),
                examples=["upload-0f6b1c2d3e4f40a1b2c3d4e5f6a7b8c9"],
            ),
        ]
        | None
    ) = None


class PromotionRequest(Request):
    """``POST /v1/models/{version_id}/promote`` (the body is optional)."""

    force_reason: (
        Annotated[
            str,
            LINE,
            Meta(
                max_length=NOTE_MAX,
                description=(
                    "Promote although the gate refuses (worse on the site's newest decisions, "
                    "or judged against another champion); kept in the alias history."
                ),
                examples=["the March spam wave needs the new scam words now"],
            ),
        ]
        | None
    ) = None


class HistoryQuery(Request):
    """Query parameters of ``GET /v1/models/history``."""

    alias: Annotated[Alias, Meta(description="Only moves of this alias.")] | None = None
    limit: Annotated[int, Meta(ge=1, description="How many events (default 50).")] | None = None


def history_query(settings: Settings) -> type[HistoryQuery]:
    """``HistoryQuery`` bounded by ``settings``' page size."""
    return _history_query(min(HISTORY_MAX, settings.max_page_size))


@functools.cache
def _history_query(maximum: int) -> type[HistoryQuery]:
    return with_limits(HistoryQuery, limit=Meta(le=maximum))


async def start_training(call: Call) -> Response:
    """Enqueue a training run; poll ``GET /v1/models/jobs/{job_id}`` for progress."""
    body = call.body_as(TrainingRequest)
    job_id = await run_in_threadpool(
        call.resources.lifecycle.start_training,
        note=body.note,
        extra_labels_csv=body.extra_labels_csv,
        actor=call.caller.name,
        upload_id=body.labels_upload,
    )
    accepted = model_out.TrainingJobAccepted(job_id=job_id, status="queued")
    return JsonResponse(
        accepted, status_code=202, headers={"Location": f"/v1/models/jobs/{job_id}"}
    )


async def get_training_job(call: Call) -> Response:
    """Status, stage, percent, messages, and the version once registered."""
    job = await run_in_threadpool(call.resources.lifecycle.training_job, call.path_param("job_id"))
    return JsonResponse(render.training_job(job))


async def list_alias_events(call: Call) -> Response:
    """Who moved which alias, when, from what to what."""
    query = call.query_as(HistoryQuery)
    lifecycle = call.resources.lifecycle
    events = await run_in_threadpool(lifecycle.history, query.alias, query.limit or 50)
    rollback_to = await run_in_threadpool(lifecycle.rollback_target)
    return JsonResponse(
        model_out.AliasEventList(
            items=[render.alias_event(e) for e in events], rollback_to=rollback_to
        )
    )


async def promote_model(call: Call) -> Response:
    """Point ``champion`` at a version; workers switch within their poll interval."""
    event = await run_in_threadpool(
        functools.partial(
            call.resources.lifecycle.promote,
            call.path_param("version_id"),
            call.caller.name,
            force_reason=call.body_as(PromotionRequest).force_reason,
        )
    )
    return JsonResponse(render.alias_event(event))


async def upload_labels(call: Call) -> Response:
    """Store a labels CSV (``text/csv``, UTF-8) for ``POST /v1/models`` to train on."""
    media_type = call.request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "text/csv":
        raise UnsupportedMediaTypeError("send the labels file as text/csv (UTF-8)")
    settings = call.resources.settings
    raw = await read_bounded(call.request, settings.max_upload_bytes, UPLOAD_TIMEOUT_SECONDS)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedRequestError(f"the labels file is not UTF-8: {exc}") from exc
    upload = await run_in_threadpool(
        call.resources.lifecycle.store_training_upload, text, call.caller.name
    )
    return JsonResponse(render.training_upload(upload), status_code=201)


async def rollback_champion(call: Call) -> Response:
    """Point ``champion`` back at the version before it (409 when there is none)."""
    event = await run_in_threadpool(call.resources.lifecycle.rollback, call.caller.name)
    return JsonResponse(render.alias_event(event))


async def set_challenger(call: Call) -> Response:
    """Point ``challenger`` at a version."""
    event = await run_in_threadpool(
        call.resources.lifecycle.set_challenger, call.path_param("version_id"), call.caller.name
    )
    return JsonResponse(render.alias_event(event))


async def unset_challenger(call: Call) -> Response:
    """Remove ``challenger`` (a no-op when none is set)."""
    event = await run_in_threadpool(call.resources.lifecycle.unset_challenger, call.caller.name)
    return JsonResponse(render.alias_event(event))
