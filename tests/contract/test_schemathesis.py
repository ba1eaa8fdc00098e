"""Schemathesis against the live API with each role's key: every check, every phase (examples,
coverage, fuzzing, stateful), 0 failures. Issue 9: the OpenAPI document is the contract.

A real `commentdesk api` process and a worker (so /readyz is ready) over SQLite and a Valkey
of the test session; bounded by a fixed seed and example count per operation. Each role's run
covers the operations that role may call: the others answer it 403 before reading anything,
which tests/integration/http/test_permissions.py checks for every route and caller, against
the same document; generating cases for them took over half of each run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.backing import flush_database
from service.domain import Role
from service.http.routes import api_routes
from service.settings import Settings
from tests.conftest import per_process_redis_url
from tests.integration.http.conftest import comment_payload, make_role_key
from tests.integration.http.test_events_stream import start_api, stop_api

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
MAX_EXAMPLES = "8"
SEED = "20261129"
pytestmark = pytest.mark.skipif(not SCHEMATHESIS.exists(), reason="schemathesis not installed")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[tuple[str, str]]:
    """The API and one worker on a migrated SQLite file with the shipped champion, on a flushed
    Redis database. One for every role's run: starting them was a third of each run's time, and
    the contract must hold whatever the runs before left behind."""
    data_dir = tmp_path_factory.mktemp("contract")
    database_url = f"sqlite:///{data_dir / 'commentdesk.db'}"
    test_redis_url = per_process_redis_url(redis_url)
    flush_database(test_redis_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMENTDESK_")}
    env.update(DATABASE_URL=database_url, COMMENTDESK_DATA_DIR=str(data_dir),
               REDIS_URL=test_redis_url, COMMENTDESK_WORKER_NICE="0")  # fmt: skip
    run = [sys.executable, "-m", "commentdesk"]
    subprocess.run([*run, "migrate"], env=env, check=True, capture_output=True, timeout=120)
    worker = subprocess.Popen([*run, "worker"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    url, api = start_api(database_url, test_redis_url, data_dir)
    try:
        deadline = time.monotonic() + 60
        while not _ready(url) and time.monotonic() < deadline:  # the worker loads its model
            time.sleep(0.5)
        _load_the_check_model(url, make_role_key(database_url, Role.SITE, "warm-up"))
        yield url, database_url
    finally:
        stop_api(api)
        worker.terminate()
        worker.wait(timeout=30)
        flush_database(test_redis_url)


def schemathesis(url: str, key: str, role: Role, workdir: Path) -> subprocess.CompletedProcess[str]:
    command = [
        str(SCHEMATHESIS), "--config-file", str(CONFIG), "run", f"{url}/openapi.json",
        *callable_by(role), "-H", f"Authorization: Bearer {key}", "--checks", "all",
        "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", MAX_EXAMPLES,
        "--seed", SEED, "--workers", "1", "--request-timeout", "15",
        "--generation-database", "none", "--no-color", "--output-truncate", "true",
        "--wait-for-schema", "30",
    ]  # fmt: skip
    # Run where its caches and reports may go: never in the source tree.
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False,
                          cwd=workdir)  # fmt: skip


def callable_by(role: Role) -> list[str]:
    """Schemathesis's filter for the operations ``role`` may call (and the public ones)."""
    routes = api_routes(Settings())
    names = [f"{r.method} {r.path}" for r in routes if not r.roles or role in r.roles]
    return [argument for name in names for argument in ("--include-name", name)]


@pytest.mark.parametrize("role", list(Role))
def test_the_live_api_keeps_its_openapi_contract(
    live: tuple[str, str], role: Role, tmp_path: Path
) -> None:
    url, database_url = live
    result = schemathesis(url, make_role_key(database_url, role), role, tmp_path)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def _load_the_check_model(url: str, key: str) -> None:
    """Ask for one pre-submit check. The API loads its model on the first (an API that is never
    asked loads no scikit-learn): seconds, 15 under load, over the 10 s every answer is held to."""
    body = json.dumps(comment_payload()).encode()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    request = urllib.request.Request(f"{url}/v1/check", body, headers, method="POST")
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 200


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False
