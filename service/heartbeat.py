"""Workers announce in Redis which model version they have loaded; readiness checks read it."""

from __future__ import annotations

from redis import Redis
from redis.exceptions import RedisError

from service.errors import QueueError

KEY_PREFIX = "commentdesk:model-loaded:"
TTL_SECONDS = 60


def announce_model(redis: Redis, worker_name: str, model_version: str) -> None:
    """Record that ``worker_name`` holds ``model_version``; expires unless renewed."""
    try:
        redis.set(KEY_PREFIX + worker_name, model_version, ex=TTL_SECONDS)
    except RedisError as exc:
        raise QueueError(f"could not record worker heartbeat: {exc}") from exc


def loaded_models(redis: Redis) -> dict[str, str]:
    """Worker name → model version, for every worker heard from within the TTL."""
    try:
        keys = list(redis.scan_iter(match=KEY_PREFIX + "*", count=100))
        values = redis.mget(keys) if keys else []
    except RedisError as exc:
        raise QueueError(f"could not read worker heartbeats: {exc}") from exc
    return {
        _text(key)[len(KEY_PREFIX) :]: _text(value)
        for key, value in zip(keys, values, strict=True)
        if value is not None
    }


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
