"""The application factory: ``create_app(settings)``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware

from service.errors import CommentDeskError
from service.http.openapi import build_document
from service.http.problems import handle_http_error, handle_service_error
from service.http.resources import close_resources, open_resources
from service.http.routes import api_routes, starlette_routes
from service.http.trace import TraceMiddleware
from service.http.web import web_routes
from service.settings import Settings


def create_app(settings: Settings) -> Starlette:
    """The API as an ASGI app; connections open in its lifespan, not here."""
    routes = api_routes(settings)
    document = build_document(routes, settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.resources = open_resources(settings, document)
        try:
            yield
        finally:
            await close_resources(app.state.resources)

    return Starlette(
        routes=[*starlette_routes(routes), *web_routes(settings)],
        middleware=[Middleware(TraceMiddleware)],
        exception_handlers={
            CommentDeskError: handle_service_error,
            HTTPException: handle_http_error,
        },
        lifespan=lifespan,
    )
