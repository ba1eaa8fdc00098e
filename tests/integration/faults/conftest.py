"""Fixtures for fault tests: a migrated SQLite database and a Valkey of the test's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from commentdesk import bootstrap
from service.settings import Settings
from tests.conftest import fresh_database
from tests.integration.faults.stack import Process, Valkey, child_env


@pytest.fixture
def fault_dir(tmp_path: Path) -> Path:
    (tmp_path / "logs").mkdir()
    return tmp_path


@pytest.fixture
def sqlite_url(request: pytest.FixtureRequest, fault_dir: Path) -> str:
    """A database as ``commentdesk migrate`` leaves it, made in process from the session's
    migrated copy (the command would take ~4 s, most of it starting Python)."""
    url = fresh_database(request, "sqlite", fault_dir)
    bootstrap.migrate(Settings(data_dir=fault_dir, database_url=url))
    return url


@pytest.fixture
def valkey(fault_dir: Path) -> Iterator[Valkey]:
    server = Valkey(fault_dir / "valkey")
    (fault_dir / "valkey").mkdir()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def env(sqlite_url: str, valkey: Valkey, fault_dir: Path) -> dict[str, str]:
    return child_env(sqlite_url, valkey.url, fault_dir)


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    """Every process a test starts; all are killed at the end, whatever happened."""
    started: list[Process] = []
    yield started
    for process in started:
        process.kill()
