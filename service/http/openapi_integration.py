"""JSON Schemas of the site-integration responses (issue 11), merged into the document's
components by openapi_components.py (mirrors integration_render.py and the reading routes)."""

from __future__ import annotations

from typing import Any

from service.domain import Status
from service.domain.changes import EventType
from service.domain.webhooks import DeliveryStatus


def _obj(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _page(item: str, **extra: Any) -> dict[str, Any]:
    return _obj(["items", "next_cursor"], items={"type": "array", "items": _ref(item)},
                next_cursor={"type": ["string", "null"]}, **extra)  # fmt: skip


STR = {"type": "string"}
NSTR = {"type": ["string", "null"]}
INT = {"type": "integer"}
NINT = {"type": ["integer", "null"]}
TIME = {"type": "string", "format": "date-time"}
NTIME = {"type": ["string", "null"], "format": "date-time"}
STATUS = {"type": "string", "enum": [s.value for s in Status]}
EVENTS = {"type": "array", "items": {"type": "string", "enum": [t.value for t in EventType]}}

_WEBHOOK = {
    "id": STR, "site_id": STR, "url": STR, "description": NSTR, "events": EVENTS,
    "enabled": {"type": "boolean"}, "disabled_at": NTIME,
    "disabled_reason": {**NSTR, "description": "why it was disabled"},
    "consecutive_failures": INT, "retry_at": NTIME, "last_success_at": NTIME,
    "last_failure_at": NTIME, "secret_hint": STR, "previous_secret_until": NTIME,
    "created_by": STR, "created_at": TIME,
}  # fmt: skip
_WEBHOOK_REQUIRED = ["id", "site_id", "url", "events", "enabled", "disabled_reason"]

INTEGRATION_SCHEMAS: dict[str, Any] = {
    "Webhook": _obj(_WEBHOOK_REQUIRED, **_WEBHOOK),
    "WebhookWithSecret": _obj([*_WEBHOOK_REQUIRED, "secret"], **_WEBHOOK, secret={
        **STR, "description": "whsec_…: shown only now; verify signatures with it"}),
    "WebhookList": _obj(["items"], items={"type": "array", "items": _ref("Webhook")}),
    "WebhookAttempt": _obj(
        ["id", "event_id", "event_type", "attempted_at", "status_code", "success"], id=INT,
        delivery_id=NINT, event_id=STR, event_type=STR, attempted_at=TIME,
        duration_ms={"type": "number"}, status_code=NINT, success={"type": "boolean"},
        error=NSTR, response_excerpt=NSTR),
    "AttemptPage": _page("WebhookAttempt"),
    "WebhookDelivery": _obj(
        ["id", "event_id", "event_type", "sequence", "status", "attempts"], id=INT,
        event_id=STR, event_type=STR, sequence=INT, comment_id=NSTR,
        status={"type": "string", "enum": [s.value for s in DeliveryStatus]}, attempts=INT,
        next_attempt_at=TIME, last_status_code=NINT, last_error=NSTR, created_at=TIME,
        delivered_at=NTIME),
    "DeliveryPage": _page("WebhookDelivery"),
    "Redelivered": _obj(["webhook_id", "redelivering"], webhook_id=STR, redelivering=INT),
    "Event": _obj(
        ["id", "type", "created_at", "site_id", "sequence", "data"],
        id={**STR, "description": "the same on every delivery: de-duplicate on it"},
        type={"type": "string", "enum": [t.value for t in EventType]}, created_at=TIME,
        site_id=STR, sequence={**INT, "description": "commit order across the site's events"},
        data={"type": "object", "description": "see docs/integration.md for each type"}),
    "ChangePage": _page("Event", has_more={"type": "boolean"}),
    "Deleted": _obj(["id", "status"], id=STR, status=STATUS),
    "Revisions": _obj(
        ["comment_id", "revisions", "diffs"], comment_id=STR,
        revisions={"type": "array", "items": _obj(
            ["revision", "body", "submitted_at", "replaced_at"], revision=INT, body=STR,
            submitted_at=TIME, replaced_at={**NTIME, "description": "null: the current body"})},
        diffs={"type": "array", "items": _obj(["from", "to", "diff"], **{
            "from": INT, "to": INT, "diff": {**STR, "description": "unified diff"}})}),
    "AuthorExport": {"type": "object", "description": "site_id, author_id, exported_at, "
                     "comments (with earlier revisions, envelope and history), reports_made, "
                     "policy: see docs/integration.md"},
    "Lookup": _obj(["items", "missing"], items={"type": "array", "items": _ref("CommentStatus")},
                   missing={"type": "array", "items": STR}),
    "CheckResult": _obj(
        ["verdict", "status", "reasons", "scores", "model_version", "evidence"],
        verdict={"type": "string", "enum": ["approve", "withhold", "reject"]}, status=STATUS,
        reasons={"type": "array", "items": STR},
        scores={"type": "object", "additionalProperties": {"type": "number"}},
        model_version=NSTR, evidence={"type": ["object", "null"], "description":
                                      "spans of the body behind a hold: labels, rules"}),
    "Erasure": _obj(["erasure_id", "author_key", "comments", "erased_at"], erasure_id=STR,
                    author_key=STR, comments=INT, erased_at=TIME),
}  # fmt: skip
