"""The route table: every operation, the roles it admits, and what it accepts."""

from __future__ import annotations

from starlette.routing import Route

from service.http import schemas
from service.http.call import ApiRoute, as_endpoint
from service.http.endpoints import (
    articles,
    comments,
    events,
    health,
    keys,
    lifecycle,
    moderation,
    ops,
    queues,
    session,
    shadow,
    workspace,
)
from service.http.roles import MODERATOR, OPS, PUBLIC, SITE
from service.settings import Settings


def api_routes(settings: Settings) -> list[ApiRoute]:
    """Every operation of the API (query limits come from settings)."""
    return [
        ApiRoute("POST", "/v1/comments", comments.submit_comment, SITE,
                 "Submit a comment for moderation", status=202, response="Accepted",
                 body=schemas.submission_fields, errors=(409, 413),
                 headers={"Idempotency-Key": "Same key and body on a retry: same comment."}),
        ApiRoute("GET", "/v1/comments/{comment_id}", comments.get_comment, SITE,
                 "A comment's moderation status", response="CommentStatus", errors=(404,)),
        ApiRoute("GET", "/v1/articles/{article_id}/comments", articles.list_article_comments,
                 SITE, "Approved comments of an article, threaded", response="Threads",
                 query=schemas.page_fields(settings)),
        ApiRoute("POST", "/v1/comments/{comment_id}/reports", comments.report_comment, SITE,
                 "Report a comment", status=202, response="ReportReceipt",
                 body=schemas.report_fields, errors=(404, 413)),
        ApiRoute("GET", "/v1/queues", queues.list_queues, MODERATOR,
                 "Every queue's count and oldest age", response="QueueOverview"),
        ApiRoute("GET", "/v1/queues/{name}", queues.list_queue, MODERATOR,
                 "One page of a moderation queue", response="CommentPage",
                 query=schemas.queue_query(settings), errors=(404,)),
        ApiRoute("GET", "/v1/comments/{comment_id}/moderation", moderation.get_moderation_view,
                 MODERATOR, "Everything needed to judge a comment", response="ModerationView",
                 errors=(404,)),
        ApiRoute("POST", "/v1/comments/{comment_id}/decision", moderation.decide_comment,
                 MODERATOR, "Decide a comment", response="Comment",
                 body=schemas.decision_fields, errors=(404, 409, 413),
                 headers={"If-Match": 'The comment version decided on, as "<version>".'}),
        ApiRoute("GET", "/v1/models", ops.list_models, OPS, "Registered model versions",
                 response="ModelList"),
        ApiRoute("GET", "/v1/audit", ops.list_audit, OPS, "The moderation action log",
                 response="ActionPage", query=schemas.audit_query(settings)),
        *lifecycle.routes(settings),
        *shadow.routes(settings),
        *workspace.routes(settings),
        *events.routes(settings),
        *keys.routes(settings),
        *session.routes(settings),
        ApiRoute("GET", "/healthz", health.healthz, PUBLIC, "Liveness", response="Health"),
        ApiRoute("GET", "/readyz", health.readyz, PUBLIC, "Readiness of every dependency",
                 response="Readiness", errors=(503,)),
        ApiRoute("GET", "/openapi.json", health.openapi_document, PUBLIC,
                 "This document", response="OpenApi"),
    ]  # fmt: skip


def starlette_routes(routes: list[ApiRoute]) -> list[Route]:
    """Starlette routes enforcing each declaration."""
    return [
        Route(r.route_path, as_endpoint(r), methods=[r.method], name=r.operation_id) for r in routes
    ]
