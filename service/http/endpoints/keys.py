"""API keys for ops: list them, revoke one (every API process stops accepting it at once)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.domain.accounts import KeyRecord
from service.errors import NotFoundError
from service.http import ops_responses as ops_out
from service.http.call import ApiRoute, Call
from service.http.render import maybe_utc, utc
from service.http.roles import OPS
from service.http.wire import JsonResponse
from service.settings import Settings


def routes(settings: Settings) -> list[ApiRoute]:  # noqa: ARG001 (same signature as the others)
    """This module's operations, added to the route table."""
    return [
        ApiRoute("GET", "/v1/keys", list_keys, OPS, "API keys (never the keys themselves)",
                 response=ops_out.KeyList),
        ApiRoute("POST", "/v1/keys/{key_id}/revoke", revoke_key, OPS,
                 "Revoke an API key: refused by every API process within a second",
                 response=ops_out.Key, errors=(404,)),
    ]  # fmt: skip


async def list_keys(call: Call) -> Response:
    """Every key, revoked ones included."""
    keys = await run_in_threadpool(call.resources.keys.list_keys)
    return JsonResponse(ops_out.KeyList(items=[render_key(k) for k in keys]))


async def revoke_key(call: Call) -> Response:
    """Revoke one key by id; this process forgets it at once, the others when Redis tells them."""
    raw = call.path_param("key_id")
    if not raw.isdigit() or len(raw) > 18:
        raise NotFoundError(f"there is no API key {raw!r}")
    record = await run_in_threadpool(call.resources.keys.revoke, int(raw))
    call.resources.authenticator.forget(record.key_hash)
    return JsonResponse(render_key(record))


def render_key(key: KeyRecord) -> ops_out.Key:
    """A key as a response: id, name, role, display prefix, when created and revoked."""
    return ops_out.Key(
        id=key.id,
        name=key.name,
        role=key.role,
        prefix=key.prefix,
        created_at=utc(key.created_at),
        revoked_at=maybe_utc(key.revoked_at),
    )
