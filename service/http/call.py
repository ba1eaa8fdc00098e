"""The declaration of an API route, and the one wrapper that runs every handler.

A route declares its roles, query, body and response shapes (wire Structs) as data; the wrapper
enforces them (auth → query → body) before the handler runs, and openapi.py documents the same
data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response

from service.domain import ApiClient, Role
from service.domain.comment_ids import is_comment_id
from service.errors import AuthenticationError, FieldError, NotFoundError, ValidationError
from service.http.auth import authorise
from service.http.body import read_body
from service.http.decoding import decode_body, decode_query
from service.http.resources import Resources, resources_of
from service.http.wire import Request as RequestShape
from service.http.wire import Shape, character_problem
from service.settings import Settings


@dataclasses.dataclass(frozen=True)
class Call:
    """One parsed request, as a handler sees it."""

    request: Request
    resources: Resources
    client: ApiClient | None
    query: RequestShape
    body: RequestShape | None
    raw_body: bytes  # the JSON body as sent (b"" without one)

    @property
    def caller(self) -> ApiClient:
        """The authenticated client (every non-public route has one)."""
        if self.client is None:
            raise AuthenticationError("this route needs an API key")
        return self.client

    def body_as(self, shape: type[Shape]) -> Shape:
        """The decoded body, as the route declared it."""
        return _declared(self.body, shape)

    def query_as(self, shape: type[Shape]) -> Shape:
        """The decoded query string, as the route declared it."""
        return _declared(self.query, shape)

    def path_param(self, name: str) -> str:
        """A path parameter, as a string."""
        return str(self.request.path_params[name])


def _declared(value: object, shape: type[Shape]) -> Shape:
    if not isinstance(value, shape):
        raise TypeError(f"the route declares {type(value).__name__}, not {shape.__name__}")
    return value


class NoQuery(RequestShape):
    """A route without query parameters: any parameter is an unknown one."""


Handler = Callable[[Call], Awaitable[Response]]


class AuthorIdConvertor(Convertor[str]):
    """An author id that may hold "/", but cannot end in "/policy", "/notes" or "/notes/<id>"
    (those are the policy and notes paths of the author before them)."""

    regex = r"[^/](?:(?!/(?:policy|notes(?:/[^/]*)?)$).)*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


class CommentIdConvertor(Convertor[str]):
    """A path segment that may name a comment: any, but the fixed segment of a sibling path
    (``/v1/comments/lookup``). A method ``lookup`` lacks is then answered 405 by its own path,
    as the document (where a comment id is a UUID) says, not 404 as an unknown comment; other
    segments reach ``check_path_params``, which answers them."""

    regex = r"(?!lookup(?:/|$))[^/]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("author_id", AuthorIdConvertor())
register_url_convertor("comment_id", CommentIdConvertor())
# Ids a site chooses (an article id is often its URL path) may contain "/", sent as %2F; the
# server decodes it before routing, so these parameters match across slashes.
SLASHED_PARAMS = {"article_id": "path", "author_id": "author_id"}
# Parameters that match one segment, but not every segment.
SEGMENT_PARAMS = {"comment_id": "comment_id"}


@dataclasses.dataclass(frozen=True)
class ApiRoute:
    """One operation of the API: what it accepts, who may call it, and how it is documented."""

    method: str
    path: str
    handler: Handler
    roles: tuple[Role, ...]  # empty: public
    summary: str
    status: int = 200
    response: type[Any] | None = None  # its success body's Struct; None: no body (204)
    query: type[RequestShape] = NoQuery
    body: type[RequestShape] | None = None
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
        """The path as Starlette matches it: site ids that may hold "/" take the rest of it, and
        a comment id is not a sibling path's fixed segment."""
        path = self.path
        for name, convertor in (SLASHED_PARAMS | SEGMENT_PARAMS).items():
            path = path.replace(f"{{{name}}}", f"{{{name}:{convertor}}}")
        return path

    @property
    def operation_id(self) -> str:
        """A stable operation id: the handler's name."""
        return self.handler.__name__


async def _raw_body(request: Request, route: ApiRoute, settings: Settings) -> bytes:
    if route.body_optional and request.headers.get("content-length") in (None, "0"):
        return b"{}"
    return await read_body(request, settings.max_body_bytes, settings.request_timeout_seconds)


# Path parameters are ids and names; none of ours is longer than this.
PATH_PARAM_MAX = 400


def check_path_params(params: Mapping[str, Any]) -> None:
    """Raise ValidationError for a path parameter no stored id could equal (NUL, controls),
    NotFoundError for a comment id that is not one."""
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
    comment_id = params.get("comment_id")
    if comment_id is not None and not is_comment_id(comment_id):
        # Not a comment id (the uppercase form of one neither: ids are compared exactly), so
        # no comment has it: the 404 an unknown id gets, before a query could refuse it.
        raise NotFoundError(f"comment {str(comment_id)[:PATH_PARAM_MAX]!r} does not exist")


def as_endpoint(route: ApiRoute) -> Callable[[Request], Awaitable[Response]]:
    """The Starlette endpoint that enforces ``route``'s declaration, then calls its handler."""

    async def endpoint(request: Request) -> Response:
        resources = resources_of(request)
        client = None
        if route.roles:
            client = await authorise(request, resources.authenticator, route.roles)
        check_path_params(request.path_params)
        query = decode_query(request.query_params, route.query)
        raw, body = b"", None
        if route.body is not None:
            raw = await _raw_body(request, route, resources.settings)
            body = decode_body(raw, route.body)
        return await route.handler(Call(request, resources, client, query, body, raw))

    endpoint.__name__ = route.operation_id
    return endpoint
