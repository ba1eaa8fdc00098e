"""Issue 9, defect 3: a Valkey left running by a SIGKILLed `up` is stopped before a new one
starts on the same data directory (two servers on one append-only file would corrupt it)."""

from __future__ import annotations

import os
from pathlib import Path

from commentdesk.embedded import PID_FILE, EmbeddedRedis


def test_a_new_embedded_valkey_stops_the_one_a_killed_up_left(tmp_path: Path) -> None:
    orphan = EmbeddedRedis(tmp_path)
    orphan.start()
    orphan_pid = orphan.pid
    assert orphan_pid is not None
    # `up` was SIGKILLed: nothing stopped its Valkey, and only the pid file remembers it.
    successor = EmbeddedRedis(tmp_path)
    try:
        successor.start()
        assert not _alive(orphan_pid)
        assert (tmp_path / PID_FILE).read_text().strip() == str(successor.pid)
    finally:
        successor.stop()
        orphan.stop()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (killed, not yet reaped by its Popen) counts as gone.
    return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
