"""API keys: generation, hashing and authentication with a short-lived cache."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from service.domain import ApiClient, Role
from service.errors import AuthenticationError, PermissionDeniedError
from service.store.keys import find_api_key
from service.transaction import transaction

KEY_PREFIX = "cdk_"


def generate_api_key() -> tuple[str, str, str]:
    """A new key: (plaintext shown once, SHA-256 digest to store, short prefix to display)."""
    token = KEY_PREFIX + secrets.token_urlsafe(32)
    return token, digest_key(token), token[: len(KEY_PREFIX) + 6]


def digest_key(token: str) -> str:
    """The stored form of a key. Keys are 256-bit random, so a plain SHA-256 is enough."""
    return hashlib.sha256(token.encode()).hexdigest()


def require_role(client: ApiClient, *roles: Role) -> None:
    """Raise PermissionDeniedError unless the client has one of ``roles``."""
    if client.role not in roles:
        allowed = ", ".join(r.value for r in roles)
        raise PermissionDeniedError(f"role {client.role.value!r} may not do this (needs {allowed})")


class Authenticator:
    """Resolves bearer tokens to clients; caches hits for ``cache_seconds`` (revocation delay)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        cache_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._cache: dict[str, tuple[ApiClient, float]] = {}
        self._lock = threading.Lock()

    def authenticate(self, token: str | None) -> ApiClient:
        """The client for ``token``, or AuthenticationError."""
        if not token:
            raise AuthenticationError("send an API key as 'Authorization: Bearer <key>'")
        digest = digest_key(token)
        cached = self._cached(digest)
        if cached is not None:
            return cached
        with transaction(self._sessions) as session:  # an outage is a 503, not a 500
            found = find_api_key(session, digest)
        if found is None or not hmac.compare_digest(found[1], digest):
            raise AuthenticationError("the API key is not valid")
        self._remember(digest, found[0])
        return found[0]

    def cached(self, token: str | None) -> ApiClient | None:
        """The client for ``token`` if it is in the cache; never touches the database."""
        return self._cached(digest_key(token)) if token else None

    def forget(self, digest: str | bytes) -> None:
        """Drop a key from the cache (it was revoked, possibly by another process)."""
        key = digest.decode() if isinstance(digest, bytes) else digest
        with self._lock:
            self._cache.pop(key, None)

    def _cached(self, digest: str) -> ApiClient | None:
        with self._lock:
            entry = self._cache.get(digest)
        if entry is None or entry[1] < self._clock():
            return None
        return entry[0]

    def _remember(self, digest: str, client: ApiClient) -> None:
        if self._cache_seconds <= 0:
            return
        with self._lock:
            if len(self._cache) > 10_000:  # bound memory against key-guessing floods
                self._cache.clear()
            self._cache[digest] = (client, self._clock() + self._cache_seconds)
