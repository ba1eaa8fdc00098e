from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from service.auth import Authenticator, digest_key, generate_api_key, require_role
from service.db import create_db_engine, session_factory
from service.domain import ApiClient, Role
from service.errors import AuthenticationError, PermissionDeniedError
from service.models import ApiKeyRow
from service.store.keys import add_api_key


@pytest.fixture
def key_sessions(tmp_path: Path, sqlite_template: Path) -> sessionmaker[Session]:
    path = tmp_path / "keys.db"
    path.write_bytes(sqlite_template.read_bytes())
    return session_factory(create_db_engine(f"sqlite:///{path}"))


def store_key(sessions: sessionmaker[Session], role: Role = Role.SITE) -> str:
    token, digest, prefix = generate_api_key()
    with sessions.begin() as session:
        add_api_key(
            session, name="n", role=role, key_hash=digest, prefix=prefix, now=datetime.now(UTC)
        )
    return token


def test_generate_api_key_stores_only_a_digest() -> None:
    token, digest, prefix = generate_api_key()
    assert token.startswith("cdk_")
    assert len(token) > 40
    assert digest == digest_key(token) != token
    assert token.startswith(prefix)
    assert len(prefix) < 12


def test_authenticate_known_key_and_caches_it(key_sessions: sessionmaker[Session]) -> None:
    now = [0.0]
    authenticator = Authenticator(key_sessions, cache_seconds=30, clock=lambda: now[0])
    token = store_key(key_sessions)
    assert authenticator.cached(token) is None
    client = authenticator.authenticate(token)
    assert client.role is Role.SITE
    assert authenticator.cached(token) == client
    now[0] = 31.0
    assert authenticator.cached(token) is None  # revocation takes effect within the cache time


@pytest.mark.parametrize("token", [None, "", "cdk_unknown"])
def test_authenticate_rejects_missing_or_unknown_keys(
    key_sessions: sessionmaker[Session], token: str | None
) -> None:
    with pytest.raises(AuthenticationError):
        Authenticator(key_sessions, cache_seconds=30).authenticate(token)


def test_authenticate_rejects_revoked_key(key_sessions: sessionmaker[Session]) -> None:
    token = store_key(key_sessions)
    with key_sessions.begin() as session:
        session.query(ApiKeyRow).update({"revoked_at": datetime.now(UTC)})
    with pytest.raises(AuthenticationError):
        Authenticator(key_sessions, cache_seconds=0).authenticate(token)


def test_require_role_names_the_needed_roles() -> None:
    with pytest.raises(PermissionDeniedError, match="moderator"):
        require_role(ApiClient(1, "site", Role.SITE), Role.MODERATOR)
