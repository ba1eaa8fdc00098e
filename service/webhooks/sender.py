"""Sending one signed webhook request: urllib3, connected to the address the SSRF guard checked.

urllib3 lets a pool connect to an IP address while TLS still checks the certificate for (and
sends SNI of) the URL's host name, so a name that resolves to a public address when checked
cannot be switched to a private one for the connection itself. Redirects are not followed (a
3xx is a failed attempt) and urllib3 does not retry: retries are ours, spaced by backoff.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence

import urllib3
from urllib3.exceptions import HTTPError

from service.webhook_settings import IpNetwork
from service.webhooks.targets import (
    Resolver,
    Target,
    TargetRefusedError,
    check_target,
    system_resolver,
)

USER_AGENT = "CommentDesk-Webhooks/1"
EXCERPT_CHARS = 500
POOLS_MAX = 64  # keep-alive pools per worker process (one per endpoint address)


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What one request got: a status code, or the error that prevented one."""

    status_code: int | None
    error: str | None
    duration_ms: float
    excerpt: str | None = None

    @property
    def is_success(self) -> bool:
        """A 2xx answer."""
        return self.status_code is not None and 200 <= self.status_code < 300

    def summary(self) -> str:
        """One line for logs and an endpoint's disabled reason."""
        if self.status_code is not None:
            return f"HTTP {self.status_code}"
        return self.error or "no answer"


class Sender:
    """POSTs bodies to webhook URLs, re-checking each target before connecting."""

    def __init__(
        self,
        allowed: Sequence[IpNetwork],
        timeout_seconds: float,
        resolve: Resolver = system_resolver,
    ) -> None:
        self._allowed = tuple(allowed)
        self._timeout = urllib3.Timeout(connect=timeout_seconds, read=timeout_seconds)
        self._resolve = resolve
        self._pools: OrderedDict[tuple[str, str, int, str], urllib3.HTTPConnectionPool] = (
            OrderedDict()
        )
        self._lock = threading.Lock()

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> Outcome:
        """Send one request; never raises for a network or target problem."""
        started = time.perf_counter()
        try:
            target = check_target(url, self._allowed, self._resolve)
            response = self._pool(target).urlopen(
                "POST",
                target.path,
                body=body,
                headers={
                    "Host": target.host_header,
                    "Content-Type": "application/json",
                    "User-Agent": USER_AGENT,
                    **headers,
                },
                redirect=False,
                retries=False,
                timeout=self._timeout,
                preload_content=True,
            )
        except TargetRefusedError as exc:
            return Outcome(None, f"refused target: {exc}", _ms(started))
        except HTTPError as exc:
            return Outcome(None, _describe(exc), _ms(started))
        text = response.data[:EXCERPT_CHARS].decode("utf-8", errors="replace")
        return Outcome(response.status, None, _ms(started), text or None)

    def _pool(self, target: Target) -> urllib3.HTTPConnectionPool:
        key = (target.scheme, target.address, target.port, target.host)
        with self._lock:
            pool = self._pools.get(key)
            if pool is None:
                pool = self._new_pool(target)
                self._pools[key] = pool
                if len(self._pools) > POOLS_MAX:
                    self._pools.popitem(last=False)[1].close()
            self._pools.move_to_end(key)
            return pool

    def _new_pool(self, target: Target) -> urllib3.HTTPConnectionPool:
        if target.scheme == "https":
            return urllib3.HTTPSConnectionPool(
                target.address,
                target.port,
                server_hostname=target.host,  # SNI and certificate check for the name
                cert_reqs="CERT_REQUIRED",
                maxsize=2,
            )
        return urllib3.HTTPConnectionPool(target.address, target.port, maxsize=2)

    def close(self) -> None:
        """Close every kept-alive connection."""
        with self._lock:
            for pool in self._pools.values():
                pool.close()
            self._pools.clear()


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _describe(exc: HTTPError) -> str:
    reason = getattr(exc, "reason", None)
    return f"{type(exc).__name__}: {reason or exc}"
