"""Webhook endpoints of the API (issue 11): a site manages its own, ops manage any site's."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.domain import Role
from service.domain.changes import EventType
from service.domain.webhooks import DeliveryStatus, Redelivery
from service.errors import FieldError, ValidationError
from service.http import integration_render as render
from service.http import integration_responses as out
from service.http.call import ApiRoute, Call
from service.http.paging import cursor_pointer, page_args
from service.http.queries import PageQuery, paged
from service.http.roles import SITE_OR_OPS
from service.http.wire import LINE, JsonResponse, Request
from service.settings import Settings
from service.webhooks.endpoints import EndpointChange
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
                 response=out.WebhookList, query=ListQuery),
        ApiRoute("POST", "/v1/webhooks", create_webhook, SITE_OR_OPS,
                 "Register a webhook endpoint; the answer carries its signing secret",
                 status=201, response=out.WebhookWithSecret, body=CreateRequest, errors=(413,)),
        ApiRoute("GET", one, get_webhook, SITE_OR_OPS, "One webhook endpoint",
                 response=out.Webhook, errors=(404,)),
        ApiRoute("PATCH", one, change_webhook, SITE_OR_OPS,
                 "Change a webhook's URL, event types or description", response=out.Webhook,
                 body=ChangeRequest, errors=(404, 413)),
        ApiRoute("DELETE", one, delete_webhook, SITE_OR_OPS,
                 "Remove a webhook, its pending deliveries and its log", status=204,
                 errors=(404,)),
        ApiRoute("POST", f"{one}/enable", enable_webhook, SITE_OR_OPS,
                 "Enable a webhook again (pending deliveries resume)", response=out.Webhook,
                 errors=(404,)),
        ApiRoute("POST", f"{one}/disable", disable_webhook, SITE_OR_OPS,
                 "Stop sending to a webhook", response=out.Webhook, errors=(404,)),
        ApiRoute("POST", f"{one}/rotate-secret", rotate_secret, SITE_OR_OPS,
                 "A new signing secret; the old one still signs during the overlap",
                 response=out.WebhookWithSecret, errors=(404,)),
        ApiRoute("POST", f"{one}/ping", ping_webhook, SITE_OR_OPS,
                 "Send a signed test event now and return the logged attempt",
                 response=out.WebhookAttempt, errors=(404,)),
        ApiRoute("GET", f"{one}/deliveries", list_deliveries, SITE_OR_OPS,
                 "The webhook's deliveries, newest event first", response=out.DeliveryPage,
                 query=paged(DeliveriesQuery, settings), errors=(404,)),
        ApiRoute("GET", f"{one}/attempts", list_attempts, SITE_OR_OPS,
                 "The webhook's delivery log (every request and its answer), newest first",
                 response=out.AttemptPage, query=paged(PageQuery, settings), errors=(404,)),
        ApiRoute("POST", f"{one}/redeliver", redeliver, SITE_OR_OPS,
                 "Send one event, or every event of a time range, again",
                 response=out.Redelivered, body=RedeliverRequest, errors=(404, 413)),
    ]  # fmt: skip


Url = Annotated[
    str,
    LINE,
    Meta(
        max_length=URL_MAX,
        description=("Where to POST events: http(s), resolving to a public address."),
        examples=["https://news.example/hooks/commentdesk"],
    ),
]
EventTypes = Annotated[
    list[EventType], Meta(max_length=len(EventType), description="Event types to send (none: all).")
]
Description = Annotated[
    str, LINE, Meta(max_length=DESCRIPTION_MAX, description="A note for people.")
]


class CreateRequest(Request):
    """``POST /v1/webhooks``."""

    url: Url
    events: EventTypes | None = None
    description: Description | None = None
    site_id: (
        Annotated[
            str,
            LINE,
            Meta(max_length=SITE_ID_MAX, description=("ops only: the site this endpoint is for.")),
        ]
        | None
    ) = None


class ChangeRequest(Request):
    """``PATCH /v1/webhooks/{webhook_id}``."""

    url: Url | None = None
    events: EventTypes | None = None
    description: Description | None = None


class RedeliverRequest(Request):
    """``POST /v1/webhooks/{webhook_id}/redeliver``."""

    event_id: (
        Annotated[
            str,
            LINE,
            Meta(max_length=EVENT_ID_MAX, description=("This event (its id, as in webhook-id).")),
        ]
        | None
    ) = None
    since: (
        Annotated[
            str,
            LINE,
            Meta(
                max_length=40,
                description=("Events created at or after this time (ISO 8601)."),
                examples=["2026-01-02T03:00:00Z"],
            ),
        ]
        | None
    ) = None
    until: (
        Annotated[
            str,
            LINE,
            Meta(
                max_length=40,
                description=("Events created before this time (ISO 8601)."),
                examples=["2026-01-02T04:00:00Z"],
            ),
        ]
        | None
    ) = None


class ListQuery(Request):
    """Query parameters of ``GET /v1/webhooks``."""

    site_id: (
        Annotated[
            str, LINE, Meta(max_length=SITE_ID_MAX, description=("ops only: one site's endpoints."))
        ]
        | None
    ) = None


class DeliveriesQuery(PageQuery):
    """Query parameters of ``GET /v1/webhooks/{webhook_id}/deliveries``."""

    status: Annotated[DeliveryStatus, Meta(description="Only deliveries in this state.")] | None = (
        None
    )


def scope(call: Call) -> str | None:
    """The site a caller may act for: a site only for itself, ops for any (None)."""
    return call.caller.name if call.caller.role is Role.SITE else None


async def list_webhooks(call: Call) -> Response:
    """A site's endpoints, or (ops) every site's or one site's."""
    site_id, asked = scope(call), call.query_as(ListQuery).site_id
    if site_id is None:
        site_id = asked
    elif asked not in (None, site_id):
        raise _ops_only("/query/site_id")
    endpoints = await run_in_threadpool(call.resources.webhooks.list, site_id)
    return JsonResponse(render.webhook_list(endpoints))


async def create_webhook(call: Call) -> Response:
    """Register an endpoint (201, with its secret, shown this once)."""
    body = call.body_as(CreateRequest)
    site_id = _site_for_create(call, body.site_id)
    endpoint = await run_in_threadpool(
        lambda: call.resources.webhooks.create(
            site_id,
            body.url,
            events=[e.value for e in body.events or []],
            description=body.description,
            actor=call.caller.name,
        )
    )
    return JsonResponse(
        render.webhook(endpoint, with_secret=True),
        status_code=201,
        headers={"Location": f"/v1/webhooks/{endpoint.id}"},
    )


def _site_for_create(call: Call, given: str | None) -> str:
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
    return JsonResponse(render.webhook(endpoint))


async def change_webhook(call: Call) -> Response:
    """Change URL, events or description (the URL is checked again)."""
    body = call.body_as(ChangeRequest)
    events = [e.value for e in body.events] if body.events is not None else None
    change = EndpointChange(url=body.url, events=events, description=body.description)
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
    return JsonResponse(render.webhook(endpoint))


async def delete_webhook(call: Call) -> Response:
    """Remove an endpoint."""
    await run_in_threadpool(call.resources.webhooks.delete, _id(call), scope(call))
    return Response(status_code=204)


async def rotate_secret(call: Call) -> Response:
    """A new secret (returned once); both sign until the overlap ends."""
    endpoint = await run_in_threadpool(
        call.resources.webhooks.rotate_secret, _id(call), scope(call)
    )
    return JsonResponse(render.webhook(endpoint, with_secret=True))


async def ping_webhook(call: Call) -> Response:
    """Send a test event and answer with what came back."""
    attempt = await run_in_threadpool(call.resources.webhooks.ping, _id(call), scope(call))
    return JsonResponse(render.attempt(attempt))


async def list_deliveries(call: Call) -> Response:
    """The endpoint's deliveries."""
    cursor, limit = page_args(call)
    with cursor_pointer():
        page = await run_in_threadpool(
            call.resources.webhooks.deliveries,
            _id(call),
            scope(call),
            call.query_as(DeliveriesQuery).status,
            cursor,
            limit,
        )
    return JsonResponse(render.delivery_page(page))


async def list_attempts(call: Call) -> Response:
    """The endpoint's delivery log."""
    cursor, limit = page_args(call)
    with cursor_pointer():
        page = await run_in_threadpool(
            call.resources.webhooks.attempts, _id(call), scope(call), cursor, limit
        )
    return JsonResponse(render.attempt_page(page))


async def redeliver(call: Call) -> Response:
    """Make one event, or a time range of events, pending again for this endpoint."""
    which = redelivery(call.body_as(RedeliverRequest))
    count = await run_in_threadpool(
        call.resources.webhooks.redeliver, _id(call), scope(call), which
    )
    return JsonResponse(out.Redelivered(webhook_id=_id(call), redelivering=count))


def redelivery(body: RedeliverRequest) -> Redelivery:
    """Exactly one event id, or a time range with at least one end."""
    since, until = _time(body.since, "/since"), _time(body.until, "/until")
    if (body.event_id is None) == (since is None and until is None):
        raise ValidationError(
            [FieldError("", "give either event_id, or since and/or until (a time range)")]
        )
    if since is not None and until is not None and until <= since:
        raise ValidationError([FieldError("/until", "must be later than since")])
    return Redelivery(event_id=body.event_id, since=since, until=until)


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
