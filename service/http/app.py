"""The application factory: ``create_app(settings)``."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Route

from service.check import CheckScorer
from service.errors import CommentDeskError
from service.http.metrics import MetricsMiddleware, serve_metrics
from service.http.openapi import build_document
from service.http.problems import handle_http_error, handle_service_error
from service.http.resources import close_resources, open_resources
from service.http.routes import api_routes, starlette_routes
from service.http.sse import watch_server_shutdown
from service.http.trace import TraceMiddleware
from service.http.web import web_routes
from service.http.web.headers import SecurityHeadersMiddleware
from service.settings import Settings


def create_app(settings: Settings, check_scorer: CheckScorer | None = None) -> Starlette:
    """The API as an ASGI app; connections open in its lifespan, not here.

    ``check_scorer`` scores for ``POST /v1/check`` (without it that route answers 503).
    """
    routes = api_routes(settings)
    # Built on the first GET /openapi.json, not at start-up: nothing else reads it, and msgspec
    # takes ~0.1 s to derive it, which every app a test builds would pay again.
    document = functools.cache(lambda: build_document(routes, settings))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.resources = open_resources(settings, document, check_scorer)
        if app.state.resources.live is not None:
            app.state.resources.live.start()
        # Event streams must end when shutdown begins, before uvicorn waits for open responses.
        restore_signals = watch_server_shutdown(app.state.resources.stopping)
        try:
            yield
        finally:
            restore_signals()
            await close_resources(app.state.resources)

    return Starlette(
        routes=[
            *starlette_routes(routes),
            *web_routes(settings),
            # Prometheus text, not JSON: outside the API's route table and its OpenAPI document.
            Route("/metrics", serve_metrics, methods=["GET"], name="metrics"),
        ],
        middleware=[
            Middleware(MetricsMiddleware),
            Middleware(TraceMiddleware),
            Middleware(SecurityHeadersMiddleware),
        ],
        exception_handlers={
            CommentDeskError: handle_service_error,
            HTTPException: handle_http_error,
        },
        lifespan=lifespan,
    )
