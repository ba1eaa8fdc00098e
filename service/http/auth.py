"""Bearer-token authentication and role checks for API routes."""

from __future__ import annotations

from collections.abc import Collection

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from service.auth import Authenticator, require_role
from service.domain import ApiClient, Role
from service.errors import AuthenticationError


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, if there is one."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("the Authorization header must be 'Bearer <key>'")
    return token.strip()


async def authorise(
    request: Request, authenticator: Authenticator, roles: Collection[Role]
) -> ApiClient:
    """The authenticated client, if its role is one of ``roles``; else 401 or 403."""
    token = bearer_token(request)
    # A cache hit stays on the event loop; a miss queries the database, so it runs off it.
    client = authenticator.cached(token)
    if client is None:
        client = await run_in_threadpool(authenticator.authenticate, token)
    require_role(client, *roles)
    return client
