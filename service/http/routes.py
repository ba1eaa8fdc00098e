"""The route table: every operation, the roles it admits, and what it accepts."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from service.http import model_responses as model_out
from service.http import ops_responses as ops_out
from service.http import queries, schemas
from service.http import responses as out
from service.http.call import SLASHED_PARAMS, ApiRoute, as_endpoint
from service.http.endpoints import (
    appeals,
    article_settings,
    articles,
    authoring,
    changes,
    comments,
    events,
    health,
    keys,
    lifecycle,
    moderation,
    ops,
    privacy,
    queues,
    reading,
    reports,
    session,
    shadow,
    watched_words,
    webhooks,
    workspace,
)
from service.http.roles import MODERATOR, OPS, PUBLIC, SITE
from service.settings import Settings

FIRST_ITEM = "$response.body#/items/0/id"  # OpenAPI link expression: a page's first comment


def api_routes(settings: Settings) -> list[ApiRoute]:
    """Every operation of the API (query limits come from settings)."""
    return [
        ApiRoute("POST", "/v1/comments", comments.submit_comment, SITE,
                 "Submit a comment for moderation", status=202, response=out.Accepted,
                 body=schemas.submission(settings), errors=(403, 409, 413, 429),
                 headers={"Idempotency-Key": "Same key and body on a retry: same comment."},
                 links={"GetComment": ("get_comment", {"comment_id": "$response.body#/id"}),
                        "ReportComment": ("report_comment",
                                          {"comment_id": "$response.body#/id"})}),
        ApiRoute("GET", "/v1/comments/{comment_id}", comments.get_comment, SITE,
                 "A comment's moderation status", response=out.CommentStatus, errors=(404,)),
        ApiRoute("GET", "/v1/articles/{article_id}/comments", articles.list_article_comments,
                 SITE, "Approved comments of an article, threaded, with counts",
                 response=out.Threads, query=articles.article_query(settings)),
        ApiRoute("POST", "/v1/comments/{comment_id}/reports", comments.report_comment, SITE,
                 "Report a comment", status=202, response=out.ReportReceipt,
                 body=schemas.ReportRequest, errors=(404, 413)),
        ApiRoute("GET", "/v1/queues", queues.list_queues, MODERATOR,
                 "Every queue's count and oldest age", response=out.QueueOverview),
        ApiRoute("GET", "/v1/queues/{name}", queues.list_queue, MODERATOR,
                 "One page of a moderation queue", response=out.CommentPage,
                 query=queries.paged(queries.QueueQuery, settings), errors=(404,),
                 links={"ModerationView": ("get_moderation_view", {"comment_id": FIRST_ITEM}),
                        "Decide": ("decide_comment", {"comment_id": FIRST_ITEM})}),
        ApiRoute("GET", "/v1/comments/{comment_id}/moderation", moderation.get_moderation_view,
                 MODERATOR, "Everything needed to judge a comment", response=out.ModerationView,
                 errors=(404,)),
        ApiRoute("POST", "/v1/comments/{comment_id}/decision", moderation.decide_comment,
                 MODERATOR, "Decide a comment", response=out.DecidedComment,
                 body=schemas.DecisionRequest, errors=(404, 409, 413),
                 headers={"If-Match": 'The comment version decided on, as "<version>".'}),
        ApiRoute("GET", "/v1/models", ops.list_models, OPS, "Registered model versions",
                 response=model_out.ModelList),
        ApiRoute("GET", "/v1/audit", ops.list_audit, OPS, "The moderation action log",
                 response=out.ActionPage, query=queries.paged(queries.AuditQuery, settings)),
        *lifecycle.routes(settings),
        *shadow.routes(settings),
        *workspace.routes(settings),
        *events.routes(settings),
        *keys.routes(settings),
        *session.routes(settings),
        *webhooks.routes(settings),
        *changes.routes(settings),
        *appeals.routes(settings),
        *authoring.routes(settings),
        *article_settings.routes(settings),
        *privacy.routes(settings),
        *reading.routes(settings),
        *reports.routes(settings),
        *watched_words.routes(settings),
        ApiRoute("GET", "/healthz", health.healthz, PUBLIC, "Liveness", response=ops_out.Health),
        ApiRoute("GET", "/readyz", health.readyz, PUBLIC, "Readiness of every dependency",
                 response=ops_out.Readiness, errors=(503,)),
        ApiRoute("GET", "/openapi.json", health.openapi_document, PUBLIC,
                 "This document", response=ops_out.OpenApi),
    ]  # fmt: skip


def starlette_routes(routes: list[ApiRoute]) -> list[Route]:
    """Starlette routes enforcing each declaration: one per path, whatever its methods, so a
    405 lists every method of the path in ``Allow``. Paths with fewer parameters come first
    (``/v1/comments/lookup`` before ``/v1/comments/{comment_id}``, or a method the first does
    not have would be answered with the second's ``Allow``); paths whose parameters take the rest
    of the URL ("/" included) come last, longest first, so they never shadow a more specific path
    (``/v1/authors/{site_id}/{author_id}/policy`` before ``/v1/authors/{site_id}/{author_id}``)."""
    by_path: dict[str, list[ApiRoute]] = {}
    for route in routes:
        by_path.setdefault(route.route_path, []).append(route)

    def specificity(path: str) -> tuple[bool, int, int]:
        takes_the_rest = any(f"{{{name}:" in path for name in SLASHED_PARAMS)
        return takes_the_rest, 0 if takes_the_rest else path.count("{"), -len(path)

    ordered = sorted(by_path.items(), key=lambda item: specificity(item[0]))
    return [_path_route(path, declared) for path, declared in ordered]


def _path_route(path: str, declared: list[ApiRoute]) -> Route:
    if len(declared) == 1:
        (only,) = declared
        return Route(path, as_endpoint(only), methods=[only.method], name=only.operation_id)
    endpoints = {route.method: as_endpoint(route) for route in declared}

    async def by_method(request: Request) -> Response:
        return await endpoints[request.method if request.method != "HEAD" else "GET"](request)

    name = "+".join(route.operation_id for route in declared)
    return Route(path, by_method, methods=list(endpoints), name=name)
