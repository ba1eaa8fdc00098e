"""The route table as Starlette matches it: every path is answered by its own route."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Match, Route

from service.http.routes import api_routes, starlette_routes
from service.settings import Settings

ROUTES = starlette_routes(api_routes(Settings()))


def _example(path: str) -> str:
    """A concrete URL of ``path``: each parameter becomes a plain segment."""
    return re.sub(r"\{[^}]+\}", "x1", path)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.path)
def test_a_path_is_matched_first_by_its_own_route(route: Route) -> None:
    scope = {"type": "http", "path": _example(route.path), "method": "OPTIONS"}
    # Starlette answers a method a path lacks from the first route whose path matches, so that
    # route's Allow header is what the client sees.
    first = next(r for r in ROUTES if r.matches(scope)[0] is not Match.NONE)
    assert first.path == route.path
