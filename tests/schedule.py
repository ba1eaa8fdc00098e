"""The order tests run in, and how CI's `-n 3 --dist loadfile` hands them to its workers.

xdist's loadfile sends whole files to whichever worker is free, most tests first. That put the
slowest files, which have few tests (Schemathesis per role, the many-hosts cluster, a browser
test that trains a model), at the end, where one worker ran them while the other had nothing
left to do; and it interleaved the browser files with others, so a worker that went back to the
browser package started its service and Chromium again each time (package scope). Here the
browser package is one unit (one service, one Chromium), and the slowest units go out first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest

BROWSER_PACKAGE = "tests/browser"
# The slowest units in CI (seconds of test time summed per file, README command with PostgreSQL
# and Chromium, 2026-11-30), slowest first. A unit not listed goes after these, the ones with most
# tests first (xdist's own order): being left out only costs time, at the end of the run, where a
# long unit keeps one worker busy while the others have nothing left.
SLOWEST_FIRST = (
    "tests/contract/test_schemathesis.py",  # 186 s: a Schemathesis run per role
    BROWSER_PACKAGE,  # 158 s: a service, Chromium and 19 files of pages
    "tests/integration/faults/test_load_faults.py",  # 135 s: a cluster under load, per fault
    "tests/integration/test_up.py",  # 107 s: `commentdesk up`, twice
    "tests/integration/test_many_hosts.py",  # 91 s: five processes, a Sentinel, a model switch
    "tests/unit/classifier/test_text_equivalence.py",  # every text of every public dataset
    "tests/integration/faults/test_postgres_fault.py",  # a PostgreSQL server of its own
    "tests/integration/webhooks/test_delivery.py",
    "tests/integration/faults/test_worker_faults.py",
    "tests/integration/http/test_revocation.py",
    "tests/integration/workers/test_worker_process.py",
    "tests/integration/webhooks/test_faults.py",
    "tests/integration/test_sentinel.py",
    "tests/integration/http/test_sessions.py",
    "tests/integration/http/test_hostile_input.py",
    "tests/unit/bench/test_news_corpus.py",
    "tests/integration/http/test_reports.py",
    "tests/integration/test_server_timeouts.py",
    "tests/unit/textsignals/test_prefilters.py",  # 28 s
)


def unit_of(nodeid: str) -> str:
    """The unit of work a test belongs to: its file, or the whole browser package."""
    if nodeid.startswith(BROWSER_PACKAGE + "/"):
        return BROWSER_PACKAGE
    return nodeid.split("::", 1)[0]


def slowest_first(items: Sequence[pytest.Item]) -> list[pytest.Item]:
    """``items`` with the units of SLOWEST_FIRST first, then by number of tests; a unit's tests
    stay together and in their order (the sort is stable)."""
    sizes = Counter(unit_of(item.nodeid) for item in items)

    def rank(item: pytest.Item) -> tuple[int, int]:
        unit = unit_of(item.nodeid)
        known = SLOWEST_FIRST.index(unit) if unit in SLOWEST_FIRST else len(SLOWEST_FIRST)
        return known, -sizes[unit]

    return sorted(items, key=rank)


def make_scheduler(config: pytest.Config, log: Any) -> Any:
    """xdist's loadfile scheduling over :func:`unit_of`'s units, in collection order (which
    :func:`slowest_first` made) instead of xdist's most-tests-first."""
    from xdist.scheduler import LoadFileScheduling

    class SlowestFirstScheduling(LoadFileScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)

    config.option.loadscopereorder = False
    return SlowestFirstScheduling(config, log)
