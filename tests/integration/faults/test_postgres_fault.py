"""Issue 9: PostgreSQL stopped and started under steady load, with a cluster of the test's own
(initdb on a free port). Clients get prompt 503 problems while it is down, nothing accepted is
lost or decided twice, and the API and workers reconnect by themselves."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.faults.stack import (
    Load,
    Process,
    Valkey,
    assert_every_accepted_comment_decided_once,
    assert_fast_problems,
    free_port,
    migrate,
    post_comment,
    start_service,
    wait_for,
)

RATE = 60.0


def _cluster_user() -> list[str]:
    """The prefix that runs PostgreSQL's tools: they refuse to run as root."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no postgres user to run a cluster as")
    return ["runuser", "-u", "postgres", "--"]


class Cluster:
    """A throwaway PostgreSQL cluster on 127.0.0.1:<free port>."""

    def __init__(self, root: Path) -> None:
        self.port = free_port()
        self.data = root / "pgdata"
        self.log = root / "pg.log"
        self.socket_dir = root / "pgsock"
        self.run = _cluster_user()

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        for path in (self.data, self.socket_dir):
            path.mkdir(parents=True)
        self.log.touch()
        if self.run:
            for path in (self.data, self.socket_dir, self.log):
                shutil.chown(path, "postgres", "postgres")
        self._tool("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off")  # fmt: skip
        self._tool("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                   "-w", "-t", "60", "start")  # fmt: skip

    def stop(self) -> None:
        self._tool("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def _tool(self, *args: str) -> None:
        subprocess.run([*self.run, *args], check=True, capture_output=True, timeout=120)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if shutil.which("initdb") is None or shutil.which("pg_ctl") is None:
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed")
    # Not under pytest's tmp_path: its folders are private to root, and the cluster runs as
    # the postgres user.
    root = Path(tempfile.mkdtemp(prefix="commentdesk-pg-"))
    root.chmod(0o755)
    made = Cluster(root)
    try:
        made.init()
        made.start()
        yield made
    finally:
        subprocess.run([*made.run, "pg_ctl", "-D", str(made.data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60, check=False)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


def test_postgresql_stopped_and_started_under_load(
    cluster: Cluster, valkey: Valkey, fault_dir: Path, processes: list[Process]
) -> None:
    migrate(cluster.url, fault_dir)
    service = start_service(cluster.url, valkey.url, fault_dir)
    processes.extend([service.api, *service.workers])

    with Load(service.url, service.key, RATE) as load:
        time.sleep(2)
        cluster.stop()
        wait_for(lambda: bool(load.failures()), 10, "clients told the database is down")
        time.sleep(2)
        cluster.start()
        wait_for(lambda: post_comment(service.url, service.key, "probe").status == 202, 30,
                 "the API writing again")  # fmt: skip
        time.sleep(2)

    assert {o.code.split(" ")[0] for o in load.failures()} == {"storage-unavailable"}
    assert_fast_problems(load.outcomes)
    assert all(w.popen.poll() is None for w in service.workers)
    assert_every_accepted_comment_decided_once(service.database_url, load.accepted())
