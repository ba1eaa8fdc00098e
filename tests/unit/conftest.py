"""Unit tests touch no Redis and no database: the rule is checked, not just hoped for.

A test here that asks for a storage fixture fails at collection time, and one that opens a network
connection anyway fails when it tries. Tests that need either belong in ``tests/integration``.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

_UNIT_ROOT = Path(__file__).parent
STORAGE_FIXTURES = frozenset(
    {
        "database_url",
        "engine",
        "sessions",
        "sqlite_template",
        "postgres_engine",
        "postgres_url",
        "redis",
        "redis_url",
        "test_redis_url",
        "job_queue",
        "moderation",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if not item.path.is_relative_to(_UNIT_ROOT):
            continue
        used = STORAGE_FIXTURES & set(getattr(item, "fixturenames", ()))
        if used:
            message = f"{item.nodeid} is a unit test but uses {sorted(used)}"
            raise pytest.UsageError(f"{message}: move it to tests/integration")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse connections (TCP and Unix sockets alike: Valkey listens on either)."""

    def refuse(self: socket.socket, address: object) -> None:
        raise AssertionError(f"a unit test opened a connection to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
