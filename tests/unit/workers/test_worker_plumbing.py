"""Context install/current, the periodic thread, the sweep decision and settings checks."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path

import pytest

from service.errors import SettingsError
from service.settings import Settings
from workers.context import NoWorkerContextError, current, install, require_redis_url
from workers.periodic import Periodic
from workers.sweeper import SweepLock, sweep_if_leader


def test_current_without_installed_context_raises() -> None:
    install(None)

    with pytest.raises(NoWorkerContextError, match="run_worker"):
        current()


def test_require_redis_url_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="REDIS_URL"):
        require_redis_url(Settings(data_dir=tmp_path))
    assert require_redis_url(Settings(redis_url="redis://h:1")) == "redis://h:1"


class StubLock(SweepLock):
    def __init__(self, wins: bool) -> None:
        self.wins = wins

    def try_acquire(self) -> bool:
        return self.wins


def test_sweep_if_leader_sweeps_only_with_the_lock() -> None:
    def sweep() -> Mapping[str, int]:
        return {"requeued": 3}

    assert sweep_if_leader(StubLock(True), sweep) == {"requeued": 3}
    assert sweep_if_leader(StubLock(False), sweep) is None


def test_periodic_survives_a_failing_action_and_stops_on_the_event() -> None:
    calls: list[int] = []
    stop = threading.Event()

    def action() -> None:
        calls.append(1)
        if len(calls) == 3:
            stop.set()
        raise RuntimeError("Redis is down")

    thread = Periodic("test", action, 0.001, stop)
    thread.start()
    thread.join(timeout=2)

    assert not thread.is_alive()
    assert len(calls) == 3
