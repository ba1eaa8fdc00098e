"""Webhook endpoints of the API (issue 11): a site manages its own, ops manage any site's."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from service.domain import Role
from service.domain.webhooks import DeliveryStatus, Redelivery
from service.errors import FieldError, ValidationError
from service.http import integration_render as render
from service.http.call import ApiRoute, Call
from service.http.fields import Field, Fields
from service.http.paging import cursor_pointer, page_args
from service.http.roles import SITE_OR_OPS
from service.http.schemas import page_fields
from service.settings import Settings
from service.webhooks.endpoints import EVENT_TYPES, EndpointChange
from service.webhooks.targets import URL_MAX

SITE_ID_MAX = 100
DESCRIPTION_MAX = 500
EVENT_ID_MAX = 36


def routes(settings: Settings) -> list[ApiRoute]:
    """This module's operations, added to the route table."""
    one = "/v1/webhooks/{webhook_id}"
    return [
        ApiRoute("GET", "/v1/webhooks", list_webhooks, SITE_OR_OPS,
                 "Webhook endpoints (a site's own; ops: every site's, or one site's)",
                 response="WebhookList", query=list_query(settings)),
        ApiRoute("POST", "/v1/webhooks", create_webhook, SITE_OR_OPS,
                 "Register a webhook endpoint; the answer carries its signing secret",
                 status=201, response="WebhookWithSecret", body=create_fields, errors=(413,)),
        ApiRoute("GET", one, get_webhook, SITE_OR_OPS, "One webhook endpoint",
                 response="Webhook", errors=(404,)),
        ApiRoute("PATCH", one, change_webhook, SITE_OR_OPS,
                 "Change a webhook's URL, event types or description", response="Webhook",
                 body=change_fields, errors=(404, 413)),
        ApiRoute("DELETE", one, delete_webhook, SITE_OR_OPS,
                 "Remove a webhook, its pending deliveries and its log", status=204,
                 response="NoContent", errors=(404,)),
        ApiRoute("POST", f"{one}/enable", enable_webhook, SITE_OR_OPS,
                 "Enable a webhook again (pending deliveries resume)", response="Webhook",
                 errors=(404,)),
        ApiRoute("POST", f"{one}/disable", disable_webhook, SITE_OR_OPS,
                 "Stop sending to a webhook", response="Webhook", errors=(404,)),
        ApiRoute("POST", f"{one}/rotate-secret", rotate_secret, SITE_OR_OPS,
                 "A new signing secret; the old one still signs during the overlap",
                 response="WebhookWithSecret", errors=(404,)),
        ApiRoute("POST", f"{one}/ping", ping_webhook, SITE_OR_OPS,
                 "Send a signed test event now and return the logged attempt",
                 response="WebhookAttempt", errors=(404,)),
        ApiRoute("GET", f"{one}/deliveries", list_deliveries, SITE_OR_OPS,
                 "The webhook's deliveries, newest event first", response="DeliveryPage",
                 query=deliveries_query(settings), errors=(404,)),
        ApiRoute("GET", f"{one}/attempts", list_attempts, SITE_OR_OPS,
                 "The webhook's delivery log (every request and its answer), newest first",
                 response="AttemptPage", query=page_fields(settings), errors=(404,)),
        ApiRoute("POST", f"{one}/redeliver", redeliver, SITE_OR_OPS,
                 "Send one event, or every event of a time range, again",
                 response="Redelivered", body=redeliver_fields, errors=(404, 413)),
    ]  # fmt: skip


_URL = Field(
    "string",
    "Where to POST events: http(s), resolving to a public address.",
    max_length=URL_MAX,
    example="https://news.example/hooks/commentdesk",
)
_EVENTS = Field(
    "array",
    "Event types to send (none: all).",
    max_length=len(EVENT_TYPES),
    items=Field("string", "An event type.", choices=EVENT_TYPES),
)
_DESCRIPTION = Field("string", "A note for people.", max_length=DESCRIPTION_MAX)

CREATE_FIELDS: Fields = {
    "url": dataclasses.replace(_URL, required=True),
    "events": _EVENTS,
    "description": _DESCRIPTION,
    "site_id": Field("string", "ops only: the site this endpoint is for.",
                     max_length=SITE_ID_MAX),
}  # fmt: skip

CHANGE_FIELDS: Fields = {"url": _URL, "events": _EVENTS, "description": _DESCRIPTION}

REDELIVER_FIELDS: Fields = {
    "event_id": Field("string", "This event (its id, as in webhook-id).", max_length=EVENT_ID_MAX),
    "since": Field("string", "Events created at or after this time (ISO 8601).", max_length=40,
                   example="2026-01-02T03:00:00Z"),
    "until": Field("string", "Events created before this time (ISO 8601).", max_length=40,
                   example="2026-01-02T04:00:00Z"),
}  # fmt: skip


def create_fields(_settings: Settings) -> Fields:
    """Fields of ``POST /v1/webhooks``."""
    return CREATE_FIELDS


def change_fields(_settings: Settings) -> Fields:
    """Fields of ``PATCH /v1/webhooks/{webhook_id}``."""
    return CHANGE_FIELDS


def redeliver_fields(_settings: Settings) -> Fields:
    """Fields of ``POST /v1/webhooks/{webhook_id}/redeliver``."""
    return REDELIVER_FIELDS


def list_query(_settings: Settings) -> Fields:
    """Query parameters of ``GET /v1/webhooks``."""
    return {"site_id": Field("string", "ops only: one site's endpoints.", max_length=SITE_ID_MAX)}


def deliveries_query(settings: Settings) -> Fields:
    """Query parameters of ``GET /v1/webhooks/{webhook_id}/deliveries``."""
    statuses = tuple(s.value for s in DeliveryStatus)
    return {
        "status": Field("string", "Only deliveries in this state.", choices=statuses),
        **page_fields(settings),
    }


def scope(call: Call) -> str | None:
    """The site a caller may act for: a site only for itself, ops for any (None)."""
    return call.caller.name if call.caller.role is Role.SITE else None


async def list_webhooks(call: Call) -> Response:
    """A site's endpoints, or (ops) every site's or one site's."""
    site_id = scope(call)
    if site_id is None:
        site_id = call.query["site_id"]
    elif call.query["site_id"] not in (None, site_id):
        raise _ops_only("/query/site_id")
    endpoints = await run_in_threadpool(call.resources.webhooks.list, site_id)
    return JSONResponse({"items": [render.webhook(e) for e in endpoints]})


async def create_webhook(call: Call) -> Response:
    """Register an endpoint (201, with its secret, shown this once)."""
    site_id = _site_for_create(call)
    endpoint = await run_in_threadpool(
        lambda: call.resources.webhooks.create(
            site_id,
            call.body["url"],
            events=call.body["events"] or [],
            description=call.body["description"],
            actor=call.caller.name,
        )
    )
    return JSONResponse(
        render.webhook(endpoint, with_secret=True),
        status_code=201,
        headers={"Location": f"/v1/webhooks/{endpoint.id}"},
    )


def _site_for_create(call: Call) -> str:
    given = call.body["site_id"]
    own = scope(call)
    if own is not None:
        if given not in (None, own):
            raise _ops_only("/site_id")
        return own
    if given is None:
        raise ValidationError([FieldError("/site_id", "is required for an ops key")])
    return str(given)


async def get_webhook(call: Call) -> Response:
    """One endpoint."""
    endpoint = await run_in_threadpool(call.resources.webhooks.get, _id(call), scope(call))
    return JSONResponse(render.webhook(endpoint))


async def change_webhook(call: Call) -> Response:
    """Change URL, events or description (the URL is checked again)."""
    change = EndpointChange(
        url=call.body["url"], events=call.body["events"], description=call.body["description"]
    )
    return await _changed(call, change)


async def enable_webhook(call: Call) -> Response:
    """Enable (clears the failure count; pending deliveries resume)."""
    return await _changed(call, EndpointChange(enabled=True))


async def disable_webhook(call: Call) -> Response:
    """Disable by hand."""
    return await _changed(call, EndpointChange(enabled=False))


async def _changed(call: Call, change: EndpointChange) -> Response:
    endpoint = await run_in_threadpool(
        call.resources.webhooks.change, _id(call), scope(call), change
    )
    return JSONResponse(render.webhook(endpoint))


async def delete_webhook(call: Call) -> Response:
    """Remove an endpoint."""
    await run_in_threadpool(call.resources.webhooks.delete, _id(call), scope(call))
    return Response(status_code=204)


async def rotate_secret(call: Call) -> Response:
    """A new secret (returned once); both sign until the overlap ends."""
    endpoint = await run_in_threadpool(
        call.resources.webhooks.rotate_secret, _id(call), scope(call)
    )
    return JSONResponse(render.webhook(endpoint, with_secret=True))


async def ping_webhook(call: Call) -> Response:
    """Send a test event and answer with what came back."""
    attempt = await run_in_threadpool(call.resources.webhooks.ping, _id(call), scope(call))
    return JSONResponse(render.attempt(attempt))


async def list_deliveries(call: Call) -> Response:
    """The endpoint's deliveries."""
    cursor, limit = page_args(call)
    with cursor_pointer():
        page = await run_in_threadpool(
            call.resources.webhooks.deliveries,
            _id(call),
            scope(call),
            call.query["status"],
            cursor,
            limit,
        )
    return JSONResponse(render.delivery_page(page))


async def list_attempts(call: Call) -> Response:
    """The endpoint's delivery log."""
    cursor, limit = page_args(call)
    with cursor_pointer():
        page = await run_in_threadpool(
            call.resources.webhooks.attempts, _id(call), scope(call), cursor, limit
        )
    return JSONResponse(render.attempt_page(page))


async def redeliver(call: Call) -> Response:
    """Make one event, or a time range of events, pending again for this endpoint."""
    which = redelivery(call.body)
    count = await run_in_threadpool(
        call.resources.webhooks.redeliver, _id(call), scope(call), which
    )
    return JSONResponse({"webhook_id": _id(call), "redelivering": count})


def redelivery(body: dict[str, Any]) -> Redelivery:
    """Exactly one event id, or a time range with at least one end."""
    since, until = _time(body["since"], "/since"), _time(body["until"], "/until")
    if (body["event_id"] is None) == (since is None and until is None):
        raise ValidationError(
            [FieldError("", "give either event_id, or since and/or until (a time range)")]
        )
    if since is not None and until is not None and until <= since:
        raise ValidationError([FieldError("/until", "must be later than since")])
    return Redelivery(event_id=body["event_id"], since=since, until=until)


def _time(value: str | None, pointer: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError([FieldError(pointer, "must be an ISO 8601 time")]) from exc
    if parsed.tzinfo is None:
        raise ValidationError([FieldError(pointer, "must name its time zone (e.g. Z)")])
    return parsed


def _id(call: Call) -> str:
    return call.path_param("webhook_id")


def _ops_only(pointer: str) -> ValidationError:
    return ValidationError([FieldError(pointer, "a site key acts only for its own site")])
