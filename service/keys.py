"""API keys as ops manage them: creation, listing, and revocation that every API process hears.

Each API process caches keys it has looked up (``COMMENTDESK_KEY_CACHE_SECONDS``). Revoking
publishes the key's digest on ``KEYS_CHANNEL``; every API process's event hub drops it from its
cache at once, so a revoked key stops working everywhere within the time Redis takes to
deliver a message. Without Redis, the cache's own expiry is the delay.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.orm import Session, sessionmaker

from service.auth import digest_key, generate_api_key
from service.clock import utcnow
from service.domain import Role
from service.domain.accounts import KeyRecord
from service.errors import FieldError, NotFoundError, ValidationError
from service.store import keys as store
from service.transaction import transaction

KEYS_CHANNEL = "commentdesk:keys-revoked"
# A key's name is the site id of its comments, or the actor of its decisions; it appears in
# URLs (/v1/authors/{site_id}/...) and in the audit log.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}")
NAME_RULE = "1-100 characters: letters, digits and . _ @ + -, starting with a letter or digit"

log = logging.getLogger(__name__)


def check_key_name(name: str) -> str:
    """``name`` if a key may be called that; ValidationError otherwise."""
    if not NAME_PATTERN.fullmatch(name):
        raise ValidationError([FieldError("/name", f"must be {NAME_RULE} (got {name!r})")])
    return name


class ApiKeys:
    """Creating, listing and revoking keys; revocations are announced to every API process."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        redis: Redis | None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._sessions = sessions
        self._redis = redis
        self._clock = clock

    def create(self, name: str, role: Role) -> str:
        """Create a key and return its plaintext (shown once, stored only as a digest)."""
        check_key_name(name)
        token, digest, prefix = generate_api_key()
        with transaction(self._sessions) as session:
            store.add_api_key(
                session, name=name, role=role, key_hash=digest, prefix=prefix, now=self._clock()
            )
        return token

    def any_exist(self) -> bool:
        """Whether any key was ever created (revoked ones count)."""
        with transaction(self._sessions) as session:
            return store.has_api_keys(session)

    def list_keys(self) -> list[KeyRecord]:
        """Every key, revoked ones included."""
        with transaction(self._sessions) as session:
            return store.list_api_keys(session)

    def revoke(self, key_id: int) -> KeyRecord:
        """Revoke a key by id (idempotent); NotFoundError if there is none."""
        with transaction(self._sessions) as session:
            record = store.revoke_api_key(session, key_id, self._clock())
        if record is None:
            raise NotFoundError(f"there is no API key {key_id}")
        announce_revoked(self._redis, record.key_hash)
        return record

    def find(self, selector: str) -> KeyRecord:
        """The one key a CLI argument names: its id, its display prefix, or the key itself."""
        selector = selector.strip()
        with transaction(self._sessions) as session:
            found = store.matching_keys(
                session,
                key_id=int(selector) if selector.isdigit() else None,
                prefix=selector,
                key_hash=digest_key(selector),
            )
        if not found:
            raise NotFoundError(f"no API key has the id, prefix or value {selector!r}")
        if len(found) > 1:
            ids = ", ".join(str(k.id) for k in found)
            raise ValidationError([FieldError("/key", f"matches several keys ({ids}): give an id")])
        return found[0]


def announce_revoked(redis: Redis | None, key_hash: str) -> None:
    """Tell every API process to forget a cached key; a Redis failure is logged, not raised."""
    if redis is None:
        return
    try:
        redis.publish(KEYS_CHANNEL, key_hash)
    except RedisError:
        log.warning("revocation not announced (Redis unavailable): API processes keep a cached "
                    "key up to COMMENTDESK_KEY_CACHE_SECONDS", exc_info=True)  # fmt: skip
