"""The declaration of an API route, and the one wrapper that runs every handler.

A route declares its roles, query parameters and body fields as data; the wrapper enforces them
(auth → query → body) before the handler runs, and openapi.py documents the same data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from service.domain import ApiClient, Role
from service.errors import AuthenticationError
from service.http.auth import authorise
from service.http.body import read_json
from service.http.fields import Fields, parse_body, parse_query
from service.http.resources import Resources, resources_of
from service.settings import Settings


@dataclasses.dataclass(frozen=True)
class Call:
    """One parsed request, as a handler sees it."""

    request: Request
    resources: Resources
    client: ApiClient | None
    query: dict[str, Any]
    body: dict[str, Any]
    payload: Any  # the decoded JSON body as sent, before validation

    @property
    def caller(self) -> ApiClient:
        """The authenticated client (every non-public route has one)."""
        if self.client is None:
            raise AuthenticationError("this route needs an API key")
        return self.client

    def path_param(self, name: str) -> str:
        """A path parameter, as a string."""
        return str(self.request.path_params[name])


Handler = Callable[[Call], Awaitable[Response]]
BodyFields = Callable[[Settings], Fields]


@dataclasses.dataclass(frozen=True)
class ApiRoute:
    """One operation of the API: what it accepts, who may call it, and how it is documented."""

    method: str
    path: str
    handler: Handler
    roles: tuple[Role, ...]  # empty: public
    summary: str
    status: int = 200
    response: str = ""  # the name of its success schema in openapi components
    query: Fields = dataclasses.field(default_factory=dict)
    body: BodyFields | None = None
    body_optional: bool = False  # an empty body counts as {} (every field then optional)
    raw_body: str = ""  # media type of a body the handler reads itself (documented as a string)
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)  # documented headers
    errors: tuple[int, ...] = ()  # documented error statuses besides the common ones

    @property
    def operation_id(self) -> str:
        """A stable operation id: the handler's name."""
        return self.handler.__name__


async def _payload(request: Request, route: ApiRoute, max_bytes: int) -> Any:
    if route.body_optional and request.headers.get("content-length") in (None, "0"):
        return {}
    return await read_json(request, max_bytes)


def as_endpoint(route: ApiRoute) -> Callable[[Request], Awaitable[Response]]:
    """The Starlette endpoint that enforces ``route``'s declaration, then calls its handler."""

    async def endpoint(request: Request) -> Response:
        resources = resources_of(request)
        client = None
        if route.roles:
            client = await authorise(request, resources.authenticator, route.roles)
        query = parse_query(route.query, request.query_params)
        payload: Any = None
        body: dict[str, Any] = {}
        if route.body is not None:
            payload = await _payload(request, route, resources.settings.max_body_bytes)
            body = parse_body(route.body(resources.settings), payload)
        return await route.handler(Call(request, resources, client, query, body, payload))

    endpoint.__name__ = route.operation_id
    return endpoint
