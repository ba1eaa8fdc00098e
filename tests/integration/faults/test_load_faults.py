"""Issue 9: faults under steady load, with real processes. Each test asserts that no accepted
comment is lost or decided twice, that clients got prompt answers (202, or a 503 problem, never
a 500 or a hang), and that the service recovered without anyone restarting it by hand."""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.faults.stack import (
    Load,
    Process,
    Service,
    Valkey,
    assert_every_accepted_comment_decided_once,
    assert_fast_problems,
    post_comment,
    start_service,
    wait_for,
)

RATE = 60.0  # comments/s: steady, and light enough for a shared 2-core machine


@pytest.fixture
def service(
    sqlite_url: str, valkey: Valkey, fault_dir: Path, processes: list[Process]
) -> Iterator[Service]:
    started = start_service(sqlite_url, valkey.url, fault_dir)
    processes.extend([started.api, *started.workers])
    yield started
    processes.append(started.api)  # a restarted one too


def test_sigkill_of_a_worker_mid_batch(service: Service) -> None:
    with Load(service.url, service.key, RATE) as load:
        time.sleep(3)
        service.workers[0].kill()  # whatever batch it held is abandoned mid-way
        time.sleep(4)
    assert load.failures() == []
    # The other worker takes the queue; the sweeper re-enqueues what the dead one held.
    assert_every_accepted_comment_decided_once(service.database_url, load.accepted())


def test_kill_9_of_redis_and_a_restart(service: Service, valkey: Valkey) -> None:
    with Load(service.url, service.key, RATE) as load:
        time.sleep(2)
        valkey.kill()
        time.sleep(4)  # comments keep being accepted: they are durable in the database
        valkey.start()
        time.sleep(2)
    assert load.failures() == []
    assert_fast_problems(load.outcomes)
    assert all(w.popen.poll() is None for w in service.workers)  # they rode it out
    assert_every_accepted_comment_decided_once(service.database_url, load.accepted())


def test_sigkill_of_the_api(service: Service) -> None:
    with Load(service.url, service.key, RATE) as load:
        time.sleep(2)
        service.api.kill()
        time.sleep(1)
        service.restart_api()  # what `up` (test_up.py) or a container runtime does
        time.sleep(2)
    refused = [o for o in load.failures() if o.status != 0]  # 0: no answer while it was down
    assert refused == []
    assert_fast_problems(load.outcomes, limit_seconds=16)  # a request cut off mid-way times out
    assert_every_accepted_comment_decided_once(service.database_url, load.accepted())


def test_a_full_disk_is_a_prompt_503_and_recovers(service: Service) -> None:
    pid = service.api.popen.pid
    soft, hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)
    with Load(service.url, service.key, RATE) as load:
        time.sleep(2)
        # The API process may no longer grow any file: SQLite's next write fails as it would
        # on a full disk (Python ignores SIGXFSZ, so the write returns EFBIG).
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (0, hard))
        wait_for(lambda: _not_ready(service.url), 10, "readiness noticing refused writes")
        time.sleep(2)
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (soft, hard))
        time.sleep(3)
    refused = load.failures()
    assert refused, "the API accepted comments it could not write"
    assert_fast_problems(load.outcomes)
    assert {o.code.split(" ")[0] for o in refused} == {"storage-unavailable"}
    assert post_comment(service.url, service.key, "after").status == 202  # recovered
    assert_every_accepted_comment_decided_once(service.database_url, load.accepted())


def _not_ready(url: str) -> bool:
    import json
    import urllib.error
    import urllib.request

    try:
        urllib.request.urlopen(f"{url}/readyz", timeout=2).close()
    except urllib.error.HTTPError as exc:
        checks = json.loads(exc.read())["checks"]
        return not checks["database"]["ok"]
    return False
