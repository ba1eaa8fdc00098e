"""Model lifecycle endpoints (issue 3): train, promote, roll back, challenger, history.

Every alias move records the calling key's name as its actor (``GET /v1/models/history``).
"""

from __future__ import annotations

import functools

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from service.errors import MalformedRequestError, UnsupportedMediaTypeError
from service.http import render
from service.http.body import read_bounded
from service.http.call import ApiRoute, Call
from service.http.fields import Field, Fields
from service.http.roles import OPS
from service.lifecycle import CHALLENGER, CHAMPION, Lifecycle
from service.settings import Settings
from service.training_queue import TrainingQueue

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
                 response="TrainingJobAccepted", body=training_fields, body_optional=True,
                 errors=(404, 413, 503)),
        ApiRoute("POST", "/v1/models/uploads", upload_labels, OPS,
                 "Store a labelled CSV for training (larger than a JSON body may be)",
                 status=201, response="TrainingUpload", raw_body="text/csv"),
        ApiRoute("GET", "/v1/models/jobs/{job_id}", get_training_job, OPS,
                 "A training job's status, progress and registered version",
                 response="TrainingJob", errors=(404, 503)),
        ApiRoute("GET", "/v1/models/history", list_alias_events, OPS,
                 "Every move of the champion and challenger aliases, newest first",
                 response="AliasEventList", query=history_query(settings)),
        ApiRoute("POST", "/v1/models/{version_id}/promote", promote_model, OPS,
                 "Make a version the champion (the promotion gate may refuse: 409)",
                 response="AliasEvent", body=promotion_fields, body_optional=True,
                 errors=(404, 409)),
        ApiRoute("POST", "/v1/models/rollback", rollback_champion, OPS,
                 "Move the champion back to the previous one", response="AliasEvent",
                 errors=(409,)),
        ApiRoute("POST", "/v1/models/{version_id}/challenger", set_challenger, OPS,
                 "Make a version the challenger (shadow scoring)", response="AliasEvent",
                 errors=(404, 409)),
        ApiRoute("DELETE", "/v1/models/challenger", unset_challenger, OPS,
                 "Stop shadow scoring: remove the challenger", response="AliasEvent"),
    ]  # fmt: skip


def training_fields(settings: Settings) -> Fields:
    """Fields of ``POST /v1/models`` (an inline CSV is bounded by the request body limit; a
    larger one goes through ``POST /v1/models/uploads``)."""
    return {
        "note": Field("string", "Why this version is trained, for the registry.",
                      max_length=NOTE_MAX, text="text", example="add March moderator decisions"),
        "extra_labels_csv": Field(
            "string", "Extra labelled rows as CSV: a header with `text` and label columns "
                      "(`spam`, `toxic`, …), cells 0, 1 or empty; older than every decision.",
            max_length=settings.max_body_bytes, text="text",
            example="text,spam\nDM me for 10x returns,1\n"),
        "labels_upload": Field(
            "string", "The id of a labels file stored by `POST /v1/models/uploads`.",
            max_length=UPLOAD_ID_MAX, example="upload-0f6b1c2d3e4f40a1b2c3d4e5f6a7b8c9"),
    }  # fmt: skip


def promotion_fields(_settings: Settings) -> Fields:
    """Fields of ``POST /v1/models/{version_id}/promote`` (the body is optional)."""
    return {
        "force_reason": Field(
            "string", "Promote although the gate refuses (worse on the site's newest decisions, "
                      "or judged against another champion); kept in the alias history.",
            max_length=NOTE_MAX, example="the March spam wave needs the new scam words now"),
    }  # fmt: skip


def history_query(settings: Settings) -> Fields:
    """Query parameters of ``GET /v1/models/history``."""
    return {
        "alias": Field("string", "Only moves of this alias.", choices=(CHAMPION, CHALLENGER)),
        "limit": Field("integer", "How many events (default 50).", minimum=1,
                       maximum=min(HISTORY_MAX, settings.max_page_size)),
    }  # fmt: skip


def lifecycle_of(call: Call) -> Lifecycle:
    """The lifecycle use cases over this process's database and Redis."""
    redis = call.resources.redis
    training = TrainingQueue(redis) if redis is not None else None
    return Lifecycle(call.resources.sessions, training=training)


async def start_training(call: Call) -> Response:
    """Enqueue a training run; poll ``GET /v1/models/jobs/{job_id}`` for progress."""
    job_id = await run_in_threadpool(
        lifecycle_of(call).start_training,
        note=call.body.get("note"),
        extra_labels_csv=call.body.get("extra_labels_csv"),
        actor=call.caller.name,
        upload_id=call.body.get("labels_upload"),
    )
    body = {"job_id": job_id, "status": "queued"}
    return JSONResponse(body, status_code=202, headers={"Location": f"/v1/models/jobs/{job_id}"})


async def get_training_job(call: Call) -> Response:
    """Status, stage, percent, messages, and the version once registered."""
    job = await run_in_threadpool(lifecycle_of(call).training_job, call.path_param("job_id"))
    return JSONResponse(render.training_job(job))


async def list_alias_events(call: Call) -> Response:
    """Who moved which alias, when, from what to what."""
    lifecycle = lifecycle_of(call)
    events = await run_in_threadpool(
        lifecycle.history, call.query["alias"], call.query["limit"] or 50
    )
    rollback_to = await run_in_threadpool(lifecycle.rollback_target)
    return JSONResponse(
        {"items": [render.alias_event(e) for e in events], "rollback_to": rollback_to}
    )


async def promote_model(call: Call) -> Response:
    """Point ``champion`` at a version; workers switch within their poll interval."""
    event = await run_in_threadpool(
        functools.partial(
            lifecycle_of(call).promote,
            call.path_param("version_id"),
            call.caller.name,
            force_reason=call.body.get("force_reason"),
        )
    )
    return JSONResponse(render.alias_event(event))


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
        lifecycle_of(call).store_training_upload, text, call.caller.name
    )
    return JSONResponse(render.training_upload(upload), status_code=201)


async def rollback_champion(call: Call) -> Response:
    """Point ``champion`` back at the version before it (409 when there is none)."""
    event = await run_in_threadpool(lifecycle_of(call).rollback, call.caller.name)
    return JSONResponse(render.alias_event(event))


async def set_challenger(call: Call) -> Response:
    """Point ``challenger`` at a version."""
    event = await run_in_threadpool(
        lifecycle_of(call).set_challenger, call.path_param("version_id"), call.caller.name
    )
    return JSONResponse(render.alias_event(event))


async def unset_challenger(call: Call) -> Response:
    """Remove ``challenger`` (a no-op when none is set)."""
    event = await run_in_threadpool(lifecycle_of(call).unset_challenger, call.caller.name)
    return JSONResponse(render.alias_event(event))
