"""The browser workspace (issue 4): sign-in pages, the UI's pages and its static files."""

from __future__ import annotations

from starlette.routing import BaseRoute

from service.http.web import login, pages
from service.settings import Settings


def web_routes(settings: Settings) -> list[BaseRoute]:  # noqa: ARG001 (stub until filled)
    """Every non-API route of the browser workspace."""
    # Sign-in first: the pages mount all of /ui, and a mount matches every path under it.
    return [*login.routes(), *pages.page_routes()]
