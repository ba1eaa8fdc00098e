"""The real app over a real database (SQLite, and PostgreSQL when configured) and a real Redis."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from service.auth import generate_api_key
from service.domain import Classification, Decision, Role
from service.http import create_app
from service.moderation import Moderation
from service.settings import Settings
from service.store.keys import add_api_key
from tests.integration.http.contract import ResponseContract, document_for

Headers = dict[str, str]
_numbers = itertools.count(1)


@pytest.fixture
def app_settings(settings: Settings, test_redis_url: str) -> Settings:
    return with_small_limits(settings, test_redis_url)


def with_small_limits(settings: Settings, redis_url: str) -> Settings:
    """``settings`` on ``redis_url`` with small limits, so the limit tests stay small too."""
    return dataclasses.replace(
        settings,
        redis_url=redis_url,
        max_body_bytes=4096,
        max_comment_chars=500,
        max_page_size=50,
        enqueue_linger_seconds=0.02,
    )


@pytest.fixture
def contract(app_settings: Settings) -> ResponseContract:
    """The OpenAPI document of the app under test, as a checker of its responses."""
    return ResponseContract(document_for(app_settings))


def checked(client: TestClient, contract: ResponseContract) -> TestClient:
    """``client``, failing any request whose response its OpenAPI document does not describe."""
    client.event_hooks = {"request": [], "response": [contract.check]}
    return client


@pytest.fixture
def client(app_settings: Settings, contract: ResponseContract) -> Iterator[TestClient]:
    """The app; every response it gives a test must be one its OpenAPI document describes."""
    with TestClient(create_app(app_settings)) as test_client:
        yield checked(test_client, contract)


def make_site_key(database_url: str, name: str = "news-site") -> Headers:
    """A site key stored straight into the database at ``database_url``."""
    return {"Authorization": f"Bearer {make_role_key(database_url, Role.SITE, name)}"}


def make_role_key(database_url: str, role: Role, name: str = "") -> str:
    """A key of ``role`` stored straight into the database at ``database_url``."""
    from service.db import create_db_engine, session_factory

    engine = create_db_engine(database_url)
    try:
        token, digest, prefix = generate_api_key()
        with session_factory(engine).begin() as session:
            add_api_key(
                session, name=name or f"contract-{role.value}", role=role, key_hash=digest,
                prefix=prefix, now=datetime.now(UTC),
            )  # fmt: skip
    finally:
        engine.dispose()
    return token


@pytest.fixture
def make_key(sessions: sessionmaker[Session]) -> Callable[[Role, str], Headers]:
    """Create an API key for a named client; returns the Authorization header for it."""

    def make(role: Role, name: str) -> Headers:
        token, digest, prefix = generate_api_key()
        with sessions.begin() as session:
            add_api_key(
                session, name=name, role=role, key_hash=digest, prefix=prefix, now=datetime.now(UTC)
            )
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def site(make_key: Callable[[Role, str], Headers]) -> Headers:
    return make_key(Role.SITE, "news-site")


@pytest.fixture
def moderator(make_key: Callable[[Role, str], Headers]) -> Headers:
    return make_key(Role.MODERATOR, "mod-ann")


@pytest.fixture
def ops(make_key: Callable[[Role, str], Headers]) -> Headers:
    return make_key(Role.OPS, "ops-olu")


def comment_payload(**overrides: Any) -> dict[str, Any]:
    """A valid submission; override any top-level field."""
    n = next(_numbers)
    payload: dict[str, Any] = {
        "article_id": "btc-etf",
        "author": {"id": f"u-{n}", "display_name": f"Reader {n}"},
        "body": f"Thoughtful comment number {n}.",
    }
    payload.update(overrides)
    return payload


def post_comment(client: TestClient, headers: Headers, **overrides: Any) -> str:
    """Submit a comment and return its id."""
    response = client.post("/v1/comments", json=comment_payload(**overrides), headers=headers)
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def approve(moderation: Moderation, comment_id: str) -> None:
    """Publish a comment as a moderator would."""
    moderation.decide(
        comment_id,
        decision=Decision.APPROVE,
        actor="mod-setup",
        reason=None,
        note=None,
        expected_version=None,
    )


def classify(moderation: Moderation, comment_id: str, **scores: float) -> None:
    """Record a model's scores for a comment, as a worker would."""
    moderation.record_classifications([Classification(comment_id, scores, "m-test-1")])
