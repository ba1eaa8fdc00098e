"""The baseline: a bare Starlette app whose POST parses JSON and does one async LPUSH.

This is the "bare Starlette POST→Redis ceiling" the service is compared with. It accepts the
same requests as ``POST /v1/comments`` (the body is parsed, the Authorization header ignored).
Run it with ``uvicorn bench.baseline_app:create --factory``; ``BENCH_REDIS_URL`` names Redis.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator

import redis.asyncio as aioredis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

LIST_KEY = "bench:baseline"


def create() -> Starlette:
    """Build the baseline app (uvicorn factory)."""
    client = aioredis.Redis.from_url(os.environ["BENCH_REDIS_URL"])
    counter = iter(range(1 << 62))

    async def post_comment(request: Request) -> Response:
        payload = json.loads(await request.body())
        comment_id = f"b{next(counter)}"
        await client.lpush(LIST_KEY, json.dumps({"id": comment_id, "a": payload["article_id"]}))
        return JSONResponse({"id": comment_id, "status": "pending"}, status_code=202)

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"ok": True})

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        await client.aclose()

    routes = [
        Route("/v1/comments", post_comment, methods=["POST"]),
        Route("/healthz", healthz),
        Route("/readyz", healthz),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
