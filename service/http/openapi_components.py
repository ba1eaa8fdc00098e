"""JSON Schemas of the API's responses, for the OpenAPI document (mirrors render.py)."""

from __future__ import annotations

from typing import Any

from service.domain import ActionKind, AuthorPolicy, Status
from service.http.openapi_integration import INTEGRATION_SCHEMAS


def _obj(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _page(item: str) -> dict[str, Any]:
    return _obj(
        ["items", "next_cursor"],
        items={"type": "array", "items": _ref(item)},
        next_cursor={"type": ["string", "null"]},
    )


STR = {"type": "string"}
NSTR = {"type": ["string", "null"]}
TIME = {"type": "string", "format": "date-time"}
NTIME = {"type": ["string", "null"], "format": "date-time"}
STRS = {"type": "array", "items": STR}
STATUS = {"type": "string", "enum": [s.value for s in Status]}
NUMBERS = {"type": "object", "additionalProperties": {"type": "number"}}
NNUM = {"type": ["number", "null"]}
BRIEF_AUTHOR = _obj(["id", "display_name"], id=STR, display_name=STR)

SCHEMAS: dict[str, Any] = {
    "Accepted": _obj(["id", "status", "replayed"], id=STR, status=STATUS,
                     replayed={"type": "boolean"}),
    "CommentStatus": _obj(
        ["id", "status", "reasons", "created_at"], id=STR, article_id=STR, parent_id=NSTR,
        author=BRIEF_AUTHOR, body=STR, language=NSTR, status=STATUS, reasons=STRS,
        created_at=TIME, decided_at=NTIME,
        revision={"type": "integer", "description": "1 as submitted, +1 per edit"}),
    "Comment": _obj(
        ["id", "status", "version"], id=STR, site_id=STR, article_id=STR, parent_id=NSTR,
        root_id=STR, author={"type": "object"}, body=STR, language=NSTR, status=STATUS,
        reasons=STRS, risk={"type": ["number", "null"]}, model_version=NSTR,
        version={"type": "integer"}, created_at=TIME, decided_at=NTIME,
        claimed_by={**NSTR, "description": "queue listings: who holds the claim"},
        claim_expires_at={**NTIME, "description": "queue listings: when the claim lapses"},
        details={"type": "object", "description": "queue listings with include=details: "
                 "{scores: {label: value}, evidence, parent: Comment | null, system_reasons: the "
                 "reasons of the latest automatic verdict, kept after a moderator's decision, "
                 "reports: [{reason, note, created_at}] readers' reports, oldest first}"},
        undo={"type": ["object", "null"], "description": "decision responses: "
              "{batch_id, until} for POST /v1/decisions/{batch_id}/undo"}),
    "ThreadedComment": _obj(
        ["id", "replies"], id=STR, parent_id=NSTR, author=BRIEF_AUTHOR, body=STR,
        language=NSTR, created_at=TIME,
        replies={"type": "array", "items": _ref("ThreadedComment")}),
    "Threads": {**_page("ThreadedComment"), "properties": {
        **_page("ThreadedComment")["properties"],
        "counts": _obj(["comments", "threads"], comments={"type": "integer"},
                       threads={"type": "integer"})}},
    "ReportReceipt": _obj(["comment_id", "status", "duplicate"], comment_id=STR,
                          status=STATUS, duplicate={"type": "boolean"}),
    "QueueOverview": _obj(["queues"], queues={"type": "array", "items": _obj(
        ["name", "count", "oldest_age_seconds"], name=STR, count={"type": "integer"},
        oldest_age_seconds={"type": ["number", "null"]})}),
    "CommentPage": _page("Comment"),
    "Action": _obj(
        ["id", "comment_id", "kind", "actor", "created_at"], id={"type": "integer"},
        comment_id=STR, kind={"type": "string", "enum": [k.value for k in ActionKind]},
        actor={"type": ["string", "null"], "description": "null: the system"},
        from_status={**STATUS, "type": ["string", "null"]},
        to_status={**STATUS, "type": ["string", "null"]}, reasons=STRS, model_version=NSTR,
        scores=NUMBERS, note=NSTR, created_at=TIME),
    "ActionPage": _page("Action"),
    "ModerationView": _obj(
        ["comment", "scores", "reasons", "actions", "author"], comment=_ref("Comment"),
        scores={"type": "object", "additionalProperties": NUMBERS,
                "description": "model version → label → score"},
        reasons=STRS, model_version=NSTR, actions={"type": "array", "items": _ref("Action")},
        author=_obj(["id", "counts", "recent"], id=STR,
                    counts={"type": "object", "additionalProperties": {"type": "integer"}},
                    recent={"type": "array", "items": _ref("Comment")}),
        parent={"anyOf": [_ref("Comment"), {"type": "null"}],
                "description": "the comment this one replies to"}),
    "Claim": _obj(["comment_id", "claimed_by", "expires_at"], comment_id=STR, claimed_by=STR,
                  expires_at=TIME),
    "NoContent": {"type": "null", "description": "204: no body"},
    "Undone": _obj(["batch_id", "undone"], batch_id=STR, undone={"type": "integer"},
                   comment_ids=STRS),
    "BulkPreview": _obj(["count", "comment_ids"], count={"type": "integer"},
                        comment_ids={**STRS, "maxItems": 500}),
    "BulkReceipt": _obj(["batch_id", "decided", "undo_until"], batch_id=STR,
                        decided={"type": "integer"}, undo_until=TIME),
    "AuthorPolicy": _obj(
        ["policy", "trust_threshold", "note", "set_by", "set_at"],
        policy={"type": "string", "enum": [p.value for p in AuthorPolicy]},
        trust_threshold=NNUM, note=NSTR, set_by=STR, set_at=TIME),
    "AuthorView": _obj(
        ["site_id", "author_id", "counts", "recent", "policy", "notes"], site_id=STR,
        author_id=STR, counts={"type": "object", "additionalProperties": {"type": "integer"}},
        recent={"type": "array", "items": _ref("Comment")},
        policy={"anyOf": [_ref("AuthorPolicy"), {"type": "null"}]},
        notes={"type": "array", "items": _ref("AuthorNote"),
               "description": "moderators' private notes, newest first (up to 50)"}),
    "AuthorNote": _obj(["id", "note", "written_by", "written_at"], id={"type": "integer"},
                       note=STR, written_by=STR, written_at=TIME),
    "ModelList": _obj(["items"], items={"type": "array", "items": _obj(
        ["id", "artifact_sha256", "labels", "created_at", "aliases"], id=STR,
        artifact_sha256=STR, artifact_path=STR, labels=STRS, metrics={"type": "object"},
        data_manifest={"type": "object"}, library_versions={"type": "object"},
        created_at=TIME, aliases=STRS, thresholds={"type": "object"},
        evaluation={"type": ["object", "null"], "description":
                    "the promotion gate's comparison with the champion on the site's newest "
                    "decisions (verdict, ROC-AUC per label and outcomes with intervals)"})}),
    "TrainingUpload": _obj(
        ["upload_id", "rows", "sha256", "created_at"], upload_id=STR,
        rows={"type": "integer"}, sha256=STR, created_at=TIME),
    "AliasEvent": _obj(
        ["id", "changed", "alias", "kind", "version_id", "previous_version_id", "actor",
         "created_at", "reason"], id={"type": ["integer", "null"]}, changed={"type": "boolean"},
        alias={"type": "string", "enum": ["champion", "challenger"]},
        kind={"type": "string", "enum": ["set", "promote", "rollback", "unset"]},
        version_id=NSTR, previous_version_id=NSTR, actor=NSTR, created_at=TIME,
        reason={"type": ["string", "null"], "description": "why a refused promotion was forced"}),
    "AliasEventList": _obj(
        ["items", "rollback_to"], items={"type": "array", "items": _ref("AliasEvent")},
        rollback_to={**NSTR, "description": "the version POST /v1/models/rollback would make "
                     "champion now; null when there is nothing to roll back to"}),
    "TrainingJobAccepted": _obj(["job_id", "status"], job_id=STR, status=STR),
    "TrainingJob": _obj(
        ["job_id", "status", "stage", "percent", "messages", "version_id", "error"],
        job_id=STR, status=STR, stage=NSTR, percent={"type": "integer"}, messages=STRS,
        version_id=NSTR, error=NSTR, enqueued_at=NTIME, started_at=NTIME, ended_at=NTIME),
    "ShadowComparison": _obj(
        ["challenger", "champion", "compared", "agreeing", "agreement", "changed", "verdicts",
         "labels"], challenger=STR, champion=NSTR,
        compared={"type": "integer", "description": "moderator-decided comments both scored"},
        agreeing={"type": "integer"}, agreement=NNUM,
        changed=_obj(["total", "toward_moderator", "away_from_moderator"],
                     total={"type": "integer"}, toward_moderator={"type": "integer"},
                     away_from_moderator={"type": "integer"}),
        verdicts={"type": "object", "description": "model → verdict → count",
                  "additionalProperties": {"type": "object",
                                           "additionalProperties": {"type": "integer"}}},
        labels={"type": "object", "description": "label → counts of each model",
                "additionalProperties": _obj(
                    ["positives", "negatives", "champion", "challenger"],
                    positives={"type": "integer"}, negatives={"type": "integer"},
                    champion=_ref("LabelCounts"), challenger=_ref("LabelCounts"))}),
    "LabelCounts": _obj(
        ["precision", "recall", "true_positives", "false_positives", "false_negatives"],
        precision=NNUM, recall=NNUM, true_positives={"type": "integer"},
        false_positives={"type": "integer"}, false_negatives={"type": "integer"}),
    "LabelRecord": {**_obj(
        ["comment_id", "site_id", "article_id", "body", "decision", "reasons", "labels",
         "moderator", "decided_at", "action_id"], comment_id=STR, site_id=STR, article_id=STR,
        body=STR, decision={"type": "string", "enum": ["approve", "reject", "spam"]},
        reasons=STRS, labels={"type": "object", "additionalProperties": {
            "type": ["integer", "null"], "enum": [0, 1, None]}},
        moderator=STR, decided_at=TIME, action_id={"type": "integer"}),
        "description": "One line of the export: served as text/csv (labels as label_<name> "
                       "columns, reasons joined by ';') or application/x-ndjson (this object "
                       "per line), not as one JSON document."},
    "Session": _obj(["username", "role", "csrf_token", "expires_at"], username=STR,
                    role={"type": "string", "enum": ["moderator", "ops"]}, csrf_token={
                        **NSTR, "description": "send as X-CSRF-Token; null for an API key"},
                    expires_at=NTIME),
    "EventStream": {**_obj(["type", "data"], type={"type": "string", "enum": [
        "classified", "decided", "undone", "claimed", "released", "reported"]},
        data={"type": "object"}),
        "description": "One live event. Served as text/event-stream, not JSON: each event is "
                       "`event: <type>` and `data: <data as JSON>` lines and a blank line; "
                       "`: keepalive` comment lines every 15 s."},
    "Stats": _obj(
        ["since", "hours", "time_to_decision_seconds", "automatic_share", "overturn_rate",
         "overturns", "per_moderator"], since=TIME,
        hours={"type": "array", "items": _obj(["hour", "automatic", "human"], hour=TIME,
                                              automatic={"type": "integer"},
                                              human={"type": "integer"})},
        time_to_decision_seconds=_obj(["p50", "p90", "count"], p50=NNUM, p90=NNUM,
                                      count={"type": "integer"}),
        automatic_share={**NNUM, "description": "settled by the system / settled"},
        overturn_rate={**NNUM, "description": "overturns / human decisions on comments the "
                                              "system approved or rejected"},
        overturns={"type": "integer"},
        per_moderator={"type": "array", "items": _obj(
            ["actor", "decisions", "approved", "rejected", "spam"], actor=STR,
            decisions={"type": "integer"}, approved={"type": "integer"},
            rejected={"type": "integer"}, spam={"type": "integer"})}),
    "Health": _obj(["status"], status={"const": "ok"}),
    "Key": _obj(["id", "name", "role", "prefix", "created_at", "revoked_at"],
                id={"type": "integer"}, name=STR, role={"type": "string",
                "enum": ["site", "moderator", "ops"]}, prefix=STR, created_at=TIME,
                revoked_at=NTIME),
    "KeyList": _obj(["items"], items={"type": "array", "items": _ref("Key")}),
    "Readiness": _obj(["status", "checks"], status={"const": "ready"},
                      checks={"type": "object"}),
    "OpenApi": {"type": "object"},
    "Problem": _obj(
        ["type", "title", "status", "detail", "instance", "code", "trace_id"],
        type={"type": "string", "format": "uri"}, title=STR, status={"type": "integer"},
        detail=STR, instance=STR, code=STR, trace_id=STR,
        errors={"type": "array", "items": _obj(["pointer", "detail"], pointer=STR,
                                               detail=STR)},
        checks={"type": "object", "description": "readiness checks (503 from /readyz)"}),
}  # fmt: skip

SCHEMAS.update(INTEGRATION_SCHEMAS)
