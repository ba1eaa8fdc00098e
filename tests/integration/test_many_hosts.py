"""Many machines sharing nothing but PostgreSQL and Redis: two `commentdesk api` and three
`commentdesk worker` processes, each with its own empty data directory, one PostgreSQL database
and one Redis reached through a Sentinel. Comments flow to both APIs while ops register a new
model version from yet another data directory and promote it; every worker fetches the artifact
from the database and switches, and every accepted comment gets exactly one system decision."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from classifier import DEFAULT_MODEL_DIR
from classifier.artifact import artifact_sha256
from service.auth import generate_api_key
from service.db import create_db_engine, session_factory
from service.domain import Role
from service.heartbeat import loaded_models
from service.queue import connect_redis
from service.store.keys import add_api_key
from tests.integration.servers import (
    SENTINEL_MASTER,
    Server,
    free_port,
    needs_redis_server,
    start_redis,
    start_sentinel,
    wait_for,
)

pytestmark = [pytest.mark.postgres, needs_redis_server]

WORKERS = ("host-a.worker", "host-b.worker", "host-c.worker")
NEW_VERSION = "m-many-hosts"
SHIPPED = DEFAULT_MODEL_DIR / "default.skops"
SWITCH_TIMEOUT = 30.0


@dataclasses.dataclass
class Cluster:
    """The processes of the test, and where everything is."""

    root: Path
    env: dict[str, str]
    api_urls: list[str]
    processes: dict[str, subprocess.Popen[bytes]]

    def command(self, name: str, *args: str, timeout: float = 60) -> str:
        """Run a one-off `commentdesk` command from its own data directory (an ops host)."""
        env = self.env | {"COMMENTDESK_DATA_DIR": str(self.root / name)}
        done = subprocess.run(
            [sys.executable, "-m", "commentdesk", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, f"commentdesk {' '.join(args)}:\n{done.stdout}{done.stderr}"
        return done.stdout

    def logs(self) -> str:
        return "\n".join(
            f"--- {name} ---\n{(self.root / name / 'process.log').read_text()[-3000:]}"
            for name in self.processes
        )


@pytest.fixture
def one_redis(tmp_path: Path) -> Iterator[str]:
    """One Redis, reached through a Sentinel as a multi-host layout would reach it."""
    servers: list[Server] = [start_redis(tmp_path / "redis")]
    try:
        servers.append(start_sentinel(tmp_path / "sentinel", servers[0].port))
        yield f"redis+sentinel://127.0.0.1:{servers[1].port}/{SENTINEL_MASTER}/0"
    finally:
        for server in reversed(servers):
            server.stop()


@pytest.fixture
def cluster(tmp_path: Path, postgres_url: str, one_redis: str) -> Iterator[Cluster]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMENTDESK_")}
    env.update(
        DATABASE_URL=postgres_url,
        REDIS_URL=one_redis,
        COMMENTDESK_MODEL_POLL_SECONDS="1",
        COMMENTDESK_SWEEP_INTERVAL_SECONDS="2",
        COMMENTDESK_WORKER_NICE="0",
    )
    cluster = Cluster(tmp_path, env, [], {})
    cluster.command("ops-host", "migrate")  # the shipped model becomes champion
    try:
        for index in (1, 2):
            port = free_port()
            cluster.api_urls.append(f"http://127.0.0.1:{port}")
            _start(cluster, f"api-host-{index}", "api", "--port", str(port))
        for name in WORKERS:
            _start(cluster, name, "worker", "--name", name)
        yield cluster
    finally:
        _stop_all(cluster.processes)


def _start(cluster: Cluster, name: str, *args: str) -> None:
    data_dir = cluster.root / name
    data_dir.mkdir()
    env = cluster.env | {"COMMENTDESK_DATA_DIR": str(data_dir)}
    with (data_dir / "process.log").open("wb") as log:
        cluster.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "commentdesk", *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _stop_all(processes: dict[str, subprocess.Popen[bytes]]) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _site_key(postgres_url: str) -> str:
    engine = create_db_engine(postgres_url)
    try:
        token, digest, prefix = generate_api_key()
        with session_factory(engine).begin() as session:
            add_api_key(
                session,
                name="news",
                role=Role.SITE,
                key_hash=digest,
                prefix=prefix,
                now=datetime.now(UTC),
            )
        return token
    finally:
        engine.dispose()


def _post(url: str, key: str, body: str, author: str) -> str | None:
    # One author per comment: the flood limits (10 a minute per author) are not under test here.
    payload = {"article_id": "btc-etf", "author": {"id": author, "display_name": "R"}}
    request = urllib.request.Request(
        f"{url}/v1/comments",
        data=json.dumps(payload | {"body": body}).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return str(json.loads(response.read())["id"]) if response.status == 202 else None
    except (urllib.error.URLError, TimeoutError):
        return None  # not accepted: not counted, and nothing is owed to it


class Load:
    """Submits comments to one API until stopped, remembering what was accepted and when."""

    def __init__(self, url: str, key: str, stop: threading.Event) -> None:
        self.accepted: list[tuple[float, str]] = []
        self.refused = 0
        self._thread = threading.Thread(target=self._run, args=(url, key, stop), daemon=True)
        self._thread.start()

    def _run(self, url: str, key: str, stop: threading.Event) -> None:
        number = 0
        while not stop.is_set():
            number += 1
            sent_at = time.monotonic()
            body = f"Comment {number} on the ETF flows from {url}."
            comment_id = _post(url, key, body, f"reader-{url.rsplit(':', 1)[-1]}-{number}")
            if comment_id is None:
                self.refused += 1
            else:
                self.accepted.append((sent_at, comment_id))
            time.sleep(0.04)

    def join(self) -> None:
        self._thread.join(timeout=30)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError):
        return False


def _heartbeats(redis_url: str) -> dict[str, str]:
    client = connect_redis(redis_url)
    try:
        return loaded_models(client)
    finally:
        client.close()


def _candidate(path: Path) -> Path:
    """A new version: the shipped model's weights at their real size (megabytes), in an
    artifact whose bytes differ (one more member in its zip, which loading ignores)."""
    shutil.copyfile(SHIPPED, path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("provenance.txt", "a version promoted by the many-hosts test")
    return path


def _decisions(postgres_url: str) -> dict[str, tuple[str, str | None, int]]:
    """Comment id → (status, model_version, number of system decisions)."""
    engine = create_db_engine(postgres_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT c.id, c.status, c.model_version, "
                    "(SELECT count(*) FROM moderation_actions a "
                    " WHERE a.comment_id = c.id AND a.kind = 'classified') "
                    "FROM comments c"
                )
            ).all()
    finally:
        engine.dispose()
    # Plain SQL reads PostgreSQL's uuid column as uuid.UUID (migration 0022): ids are text here.
    return {str(row[0]): (row[1], row[2], int(row[3])) for row in rows}


def test_two_apis_and_three_workers_on_separate_hosts_switch_models_and_lose_nothing(
    cluster: Cluster, postgres_url: str, one_redis: str, tmp_path: Path
) -> None:
    key = _site_key(postgres_url)
    try:
        wait_for(lambda: all(_healthy(url) for url in cluster.api_urls), "both APIs", 60)
        wait_for(lambda: set(_heartbeats(one_redis)) == set(WORKERS), "three workers", 60)
    except AssertionError:
        raise AssertionError(cluster.logs()) from None
    (shipped_id,) = set(_heartbeats(one_redis).values())  # migrate made it champion
    candidate = _candidate(tmp_path / "candidate.skops")
    stop = threading.Event()
    loads = [Load(url, key, stop) for url in cluster.api_urls]
    time.sleep(2)  # comments flow before the change...

    cluster.command("ops-host", "register", str(candidate), "--id", NEW_VERSION)
    sha256 = artifact_sha256(candidate)
    candidate.unlink()  # the file was on the ops host only: workers must get it elsewhere
    cluster.command("ops-host", "promote", NEW_VERSION)
    promoted_at = time.monotonic()
    try:
        wait_for(
            lambda: _heartbeats(one_redis) == dict.fromkeys(WORKERS, NEW_VERSION),
            "every worker to load the promoted version",
            SWITCH_TIMEOUT,
        )
    except AssertionError:
        raise AssertionError(cluster.logs()) from None
    switched_at = time.monotonic()
    time.sleep(2)  # ...during it, and after it
    stop.set()
    for load in loads:
        load.join()

    accepted = {comment_id: sent_at for load in loads for sent_at, comment_id in load.accepted}
    assert all(len(load.accepted) > 20 for load in loads)  # both APIs took comments throughout
    wait_for(
        lambda: all(status != "pending" for status, _, _ in _decisions(postgres_url).values()),
        "every accepted comment to be decided",
        30,
    )
    decisions = _decisions(postgres_url)
    assert set(decisions) == set(accepted)  # nothing lost, nothing invented
    assert {count for _, _, count in decisions.values()} == {1}  # one system decision each
    after = {decisions[c][1] for c, sent_at in accepted.items() if sent_at > switched_at}
    before = {decisions[c][1] for c, sent_at in accepted.items() if sent_at < promoted_at}
    assert after == {NEW_VERSION}
    assert shipped_id in before
    for name in WORKERS:  # each fetched the bytes into its own data directory
        assert artifact_sha256(tmp_path / name / "models" / "sha256" / f"{sha256}.skops") == sha256
    for name in ("ops-host", "api-host-1", "api-host-2"):
        assert not (tmp_path / name / "models").exists()
    status = cluster.command("ops-host", "status")
    assert "workers with a model: 3" in status
    assert all(f"{name}: {NEW_VERSION}" in status for name in WORKERS)
    print(
        f"\n{len(accepted)} comments accepted, switch {switched_at - promoted_at:.1f}s "
        f"after promote, {sum(load.refused for load in loads)} refused"
    )
