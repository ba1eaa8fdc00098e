"""The declaration of an API route, and the one wrapper that runs every handler.

A route declares its roles, query parameters and body fields as data; the wrapper enforces them
(auth → query → body) before the handler runs, and openapi.py documents the same data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response

from service.domain import ApiClient, Role
from service.errors import AuthenticationError, FieldError, ValidationError
from service.http.auth import authorise
from service.http.body import read_json
from service.http.fields import Fields, character_problem, parse_body, parse_query
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


class AuthorIdConvertor(Convertor[str]):
    """An author id that may hold "/", but cannot end in "/policy" (that is the policy path)."""

    regex = r"[^/](?:(?!/policy$).)*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("author_id", AuthorIdConvertor())
# Ids a site chooses (an article id is often its URL path) may contain "/", sent as %2F; the
# server decodes it before routing, so these parameters match across slashes.
SLASHED_PARAMS = {"article_id": "path", "author_id": "author_id"}
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
    # What a success answers in; anything but JSON is documented as a string of that type.
    media_types: tuple[str, ...] = ("application/json",)
    # OpenAPI links from the success answer: name → (operationId, {parameter: expression}),
    # e.g. a new comment's id into GET /v1/comments/{comment_id} (stateful API tests use them).
    links: Mapping[str, tuple[str, Mapping[str, str]]] = dataclasses.field(default_factory=dict)

    @property
    def route_path(self) -> str:
        """The path as Starlette matches it: site ids that may hold "/" take the rest of it."""
        path = self.path
        for name, convertor in SLASHED_PARAMS.items():
            path = path.replace(f"{{{name}}}", f"{{{name}:{convertor}}}")
        return path

    @property
    def operation_id(self) -> str:
        """A stable operation id: the handler's name."""
        return self.handler.__name__


async def _payload(request: Request, route: ApiRoute, settings: Settings) -> Any:
    if route.body_optional and request.headers.get("content-length") in (None, "0"):
        return {}
    return await read_json(request, settings.max_body_bytes, settings.request_timeout_seconds)


# Path parameters are ids and names; none of ours is longer than this.
PATH_PARAM_MAX = 400


def check_path_params(params: Mapping[str, Any]) -> None:
    """Raise ValidationError for a path parameter no stored id could equal (NUL, controls)."""
    errors = []
    for name, value in params.items():
        text = str(value)
        problem = character_problem(text, "line")
        if problem is None and len(text) > PATH_PARAM_MAX:
            problem = f"must be at most {PATH_PARAM_MAX} characters"
        if problem is not None:
            errors.append(FieldError(f"/path/{name}", problem))
    if errors:
        raise ValidationError(errors)


def as_endpoint(route: ApiRoute) -> Callable[[Request], Awaitable[Response]]:
    """The Starlette endpoint that enforces ``route``'s declaration, then calls its handler."""

    async def endpoint(request: Request) -> Response:
        resources = resources_of(request)
        client = None
        if route.roles:
            client = await authorise(request, resources.authenticator, route.roles)
        check_path_params(request.path_params)
        query = parse_query(route.query, request.query_params)
        payload: Any = None
        body: dict[str, Any] = {}
        if route.body is not None:
            payload = await _payload(request, route, resources.settings)
            body = parse_body(route.body(resources.settings), payload)
        return await route.handler(Call(request, resources, client, query, body, payload))

    endpoint.__name__ = route.operation_id
    return endpoint
