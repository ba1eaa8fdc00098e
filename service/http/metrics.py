"""HTTP metrics (requests by route template and status, latency) and the /metrics endpoint."""

from __future__ import annotations

import time

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service import metrics
from service.clock import utcnow
from service.heartbeat import loaded_models
from service.http.resources import Resources, resources_of

UNMATCHED = "unmatched"  # one label for every path no route matched (unbounded otherwise)


class MetricsMiddleware:
    """Counts every HTTP request by method, matched route template and status, and times it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_counted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_counted)
        finally:
            method, route = scope["method"], _route_template(scope)
            metrics.HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
            metrics.HTTP_LATENCY.labels(method=method, route=route).observe(
                time.perf_counter() - started
            )


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return f"{scope.get('root_path', '')}{path}" if path is not None else UNMATCHED


async def serve_metrics(request: Request) -> Response:
    """Prometheus text format: every process's counters, then the state read now."""
    resources = resources_of(request)
    counted = _counted(resources)
    state = CollectorRegistry()
    state.register(_state_collector(resources))
    body = counted + await run_in_threadpool(generate_latest, state)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def _counted(resources: Resources) -> bytes:
    if resources.settings.metrics_dir is None:
        return generate_latest(metrics.REGISTRY)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(resources.settings.metrics_dir))  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def _state_collector(resources: Resources) -> metrics.StateCollector:
    queue, redis = resources.moderation.queue, resources.redis
    return metrics.StateCollector(
        queue_depth=(lambda: queue.queue.waiting()) if queue is not None else lambda: None,
        oldest_pending=resources.moderation.oldest_pending,
        worker_models=(lambda: loaded_models(redis)) if redis is not None else lambda: None,
        now=utcnow,
    )
