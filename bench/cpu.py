"""CPU seconds (user + system) of process trees, read from /proc/<pid>/stat."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name sits in parentheses and may contain spaces: split after the last one.
    return raw.rsplit(")", 1)[1].split()


def _parents() -> dict[int, int]:
    parents: dict[int, int] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))) is not None:
            parents[int(entry.name)] = int(fields[1])
    return parents


def _tree(roots: Iterable[int], parents: Mapping[int, int]) -> set[int]:
    members = set(roots)
    for _ in range(16):  # process trees here are 2-3 levels deep; 16 bounds the walk
        grown = members | {pid for pid, ppid in parents.items() if ppid in members}
        if grown == members:
            break
        members = grown
    return members


def _cpu_seconds(pid: int) -> float:
    fields = _stat_fields(pid)
    if fields is None:
        return 0.0
    # utime, stime, and the same for children already reaped (cutime, cstime).
    return sum(int(f) for f in fields[11:15]) / CLOCK_TICKS


class CpuMeter:
    """Samples the CPU time of named components, each a set of root pids and their children."""

    def __init__(self, components: Mapping[str, Sequence[int]]) -> None:
        self._components = dict(components)

    def sample(self) -> dict[str, float]:
        """CPU seconds used so far by each component (including descendants)."""
        parents = _parents()
        return {
            name: sum(_cpu_seconds(pid) for pid in _tree(roots, parents))
            for name, roots in self._components.items()
        }


def cpu_by_pid(pids: Iterable[int]) -> dict[int, float]:
    """CPU seconds used so far by each of these processes (not their children)."""
    return {pid: _cpu_seconds(pid) for pid in pids}


def spent_by_pids(before: Mapping[int, float], after: Mapping[int, float]) -> float:
    """CPU seconds between two :func:`cpu_by_pid` samples; a process first seen in ``after``
    counts from zero (it started in between), one gone by then is not counted."""
    return sum(max(0.0, used - before.get(pid, 0.0)) for pid, used in after.items())


def spent(before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, float]:
    """CPU seconds per component between two samples."""
    return {name: max(0.0, after[name] - before.get(name, 0.0)) for name in after}


def postgres_server_pids() -> list[int]:
    """The PostgreSQL postmaster(s) on this machine: their trees hold every backend, and their
    reaped-children CPU holds the backends that have exited."""
    names: dict[int, str] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                names[int(entry.name)] = (entry / "comm").read_text().strip()
            except OSError:
                continue
    parents = _parents()
    return [
        pid
        for pid, name in names.items()
        if name == "postgres" and names.get(parents.get(pid, 0)) != "postgres"
    ]
