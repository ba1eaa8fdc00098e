"""How fast a moderator's browser shows the review queue with 10,000 held comments.

``python -m bench.queue_render --comments 10000 [--repetitions 20]``

Seeds N withheld comments (as ``bench.queue_page`` does) into a temporary SQLite database, runs
the real API (``commentdesk api``) on loopback with an embedded Valkey, signs a moderator in
with Debian's Chromium (headless, driven by Playwright) and loads ``/ui/?queue=review`` afresh
each repetition. Times are taken inside the page (``performance.now()``, from navigation start,
by a MutationObserver the bench installs), so they are what a moderator waits for without the
automation's own round trips: (1) the first card in the DOM and (2) all 25 cards of the first
page filled with their scores and evidence. The baseline, measured in the same run and browser,
is the same page on an empty queue (``reported``) until its "nothing here" line shows: the
page's fixed cost (HTML, modules, session, counts), so the ratio is what 10,000 held comments
add. The round trip of ``/healthz`` in the browser is printed for scale.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2 as httpx

from bench.backing import start_redis
from bench.queue_page import Timing, seed
from service.db import create_db_engine, session_factory
from service.domain import Role
from service.users import Users

CHROMIUM = "/usr/bin/chromium"
USERNAME = "bench-moderator"
CARDS = 25  # the workspace's page size (PAGE_SIZE in static/queue.js)
PASSWORD = "bench-password-1"  # noqa: S105 (a throwaway account in a temporary database)
MARKS = f"""
(() => {{
  const marks = {{}};
  window.__benchMarks = marks;
  new MutationObserver(() => {{
    const cards = [...document.querySelectorAll('#cards > .card')];
    if (cards.length && marks.first === undefined) marks.first = performance.now();
    const empty = document.getElementById('queue-empty');
    if (empty && !empty.hidden && marks.empty === undefined) marks.empty = performance.now();
    if (marks.filled === undefined && cards.length >= {CARDS}
        && cards.every((card) => card.querySelector('.scores').childElementCount > 0)) {{
      marks.filled = performance.now();
    }}
  }}).observe(document, {{ childList: true, subtree: true, attributes: true }});
}})();
"""
# Functions, not bare expressions, everywhere Playwright evaluates in the page: it runs bare
# expressions with eval, which the workspace's Content-Security-Policy forbids.
ALL_FILLED = "() => window.__benchMarks && window.__benchMarks.filled !== undefined"
EMPTY_SHOWN = "() => window.__benchMarks && window.__benchMarks.empty !== undefined"


def add_user(database_url: str) -> None:
    """The moderator the browser signs in as."""
    engine = create_db_engine(database_url)
    Users(session_factory(engine), 3600.0).create_user(USERNAME, PASSWORD, Role.MODERATOR)
    engine.dispose()


@contextmanager
def api_server(database_url: str, redis_url: str, work_dir: Path, port: int) -> Iterator[str]:
    """``commentdesk api`` on loopback until the block ends; yields its base URL."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        COMMENTDESK_REDIS_URL=redis_url,
        COMMENTDESK_DATA_DIR=str(work_dir),
        COMMENTDESK_PORT=str(port),
        COMMENTDESK_LOG_LEVEL="WARNING",
    )
    process = subprocess.Popen([sys.executable, "-m", "commentdesk", "api"], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"commentdesk api exited with {process.returncode}")
        try:
            httpx.get(f"{url}/healthz", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("commentdesk api did not answer /healthz within 30 s")


def measure(url: str, repetitions: int) -> list[Timing]:
    """Sign in once, then time fresh page loads (the first three warm up, not counted)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(MARKS)  # injected by the browser: not subject to the page's CSP
        _sign_in(context.new_page(), url)
        samples: dict[str, list[float]] = {"healthz": [], "empty": [], "first": [], "filled": []}
        for _ in range(repetitions + 3):
            _load_once(context, url, samples)
        browser.close()
    return [
        Timing("empty queue shown (baseline)", samples["empty"][3:]),
        Timing("GET /healthz round trip (scale)", samples["healthz"][3:]),
        Timing("review queue: first card shown", samples["first"][3:]),
        Timing(f"review queue: {CARDS} cards filled", samples["filled"][3:]),
    ]


def _sign_in(page: Any, url: str) -> None:
    page.goto(f"{url}/ui/login")
    page.fill("#username", USERNAME)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/ui/**")
    page.close()


def _load_once(context: Any, url: str, samples: dict[str, list[float]]) -> None:
    page = context.new_page()
    page.goto(f"{url}/healthz")
    samples["healthz"].append(
        page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
            " return n.responseEnd - n.requestStart; }"
        )
    )
    page.goto(f"{url}/ui/?queue=reported", wait_until="commit")
    page.wait_for_function(EMPTY_SHOWN, timeout=30_000)
    samples["empty"].append(page.evaluate("() => window.__benchMarks.empty"))
    page.goto(f"{url}/ui/?queue=review&sort=risk", wait_until="commit")
    page.wait_for_function(ALL_FILLED, timeout=30_000)
    marks = page.evaluate("() => window.__benchMarks")
    samples["first"].append(marks["first"])
    samples["filled"].append(marks["filled"])
    page.close()


def main() -> None:
    """Seed, serve, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--repetitions", type=int, default=20)
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        work_dir = Path(tmp)
        database_url = f"sqlite:///{work_dir / 'bench.db'}"
        seed(database_url, args.comments, random.Random(4))
        add_user(database_url)
        redis = start_redis(None, work_dir)
        try:
            with api_server(database_url, redis.url, work_dir, args.port) as url:
                timings = measure(url, args.repetitions)
        finally:
            redis.close()
    print(f"\nSQLite, {args.comments:,} withheld comments, {args.repetitions} page loads each")
    baseline = statistics.median(timings[0].samples)
    print(f"{'measure':<34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'x base':>8}")
    for timing in timings:
        print(timing.row(baseline))


if __name__ == "__main__":
    main()
