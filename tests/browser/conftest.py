"""The real service for browser tests: `commentdesk api` and `commentdesk worker` processes on a
temporary SQLite file and the test Valkey, with the shipped model, users and a site key; and
Debian's Chromium driven by Playwright.

Without /usr/bin/chromium (or the playwright package) the browser tests are skipped, unless
COMMENTDESK_TEST_BROWSER=1 says they must run (CI), in which case they fail.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from redis import Redis

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_DB = 12  # a Redis database of its own, away from the per-test one
START_TIMEOUT = 120.0
PASSWORD = "correct horse battery staple"
USERS = {"alice": "moderator", "bob": "moderator", "olga": "ops"}
ARTIFACTS = Path(__file__).parent / "artifacts"


def _require_browser() -> None:
    required = os.environ.get("COMMENTDESK_TEST_BROWSER") == "1"
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("the playwright package is missing (pip install -e '.[dev]')")
    if missing and required:
        pytest.fail("COMMENTDESK_TEST_BROWSER=1 but " + "; ".join(missing))
    if missing:
        pytest.skip("browser tests need Chromium: " + "; ".join(missing))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Service:
    """The running API and worker, and what tests need to feed them."""

    def __init__(self, url: str, site_key: str, env: dict[str, str]) -> None:
        self.url = url
        self.site_key = site_key
        self.env = env

    def cli(self, *args: str) -> str:
        """Run a `commentdesk` command against this service's data directory and Valkey."""
        return _run(list(args), self.env)

    def call(self, method: str, path: str, body: Any = None, key: str | None = None) -> Any:
        """One JSON request with an API key (the site key by default)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {key or self.site_key}")
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")

    def post_comment(
        self, article: str, author: str, body: str, name: str | None = None, **extra: Any
    ) -> str:
        """Submit a comment from a brand-new account (so the new-author rule holds it)."""
        payload = {
            "article_id": article,
            "author": {"id": author, "display_name": name or author, "account_age_days": 0},
            "body": body,
            **extra,
        }
        return str(self.call("POST", "/v1/comments", payload)["id"])

    def wait_status(self, comment_id: str, timeout: float = 60.0) -> str:
        """The comment's status once the worker has classified it (bounded wait)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = str(self.call("GET", f"/v1/comments/{comment_id}")["status"])
            if status != "pending":
                return status
            time.sleep(0.2)
        raise AssertionError(f"comment {comment_id} was not classified within {timeout}s")

    def held(self, article: str, author: str, body: str) -> str:
        """A comment the worker has withheld for review."""
        comment_id = self.post_comment(article, author, body)
        status = self.wait_status(comment_id)
        assert status == "withheld", f"expected withheld, got {status} for {body!r}"
        return comment_id


def _run(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "commentdesk", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"commentdesk {args[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _wait_ready(url: str, processes: list[subprocess.Popen[bytes]], logs: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            break
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    text = "\n".join(f"--- {log.name}\n{log.read_text()}" for log in sorted(logs.glob("*.log")))
    raise AssertionError(f"the service did not become ready:\n{text}")


# Package scope: both end when the browser tests do. Playwright's sync API keeps an event loop
# running on the main thread while it is open, which would break later tests that use asyncio.
@pytest.fixture(scope="package")
def service(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[Service]:
    """API + worker processes against a fresh SQLite file and the test Valkey."""
    _require_browser()
    data = tmp_path_factory.mktemp("browser-service")
    redis = urlsplit(redis_url)._replace(path=f"/{BROWSER_DB}").geturl()
    Redis.from_url(redis).flushdb()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        COMMENTDESK_DATA_DIR=str(data),
        COMMENTDESK_REDIS_URL=redis,
        COMMENTDESK_PORT=str(port),
        COMMENTDESK_MODEL_POLL_SECONDS="1",
        COMMENTDESK_ENQUEUE_LINGER_MS="5",
        COMMENTDESK_SWEEP_INTERVAL_SECONDS="1",
        COMMENTDESK_WEBHOOK_ALLOWED_NETWORKS="127.0.0.0/8",  # the webhooks page pings loopback
    )
    _run(["migrate"], env)
    site_key = _run(["create-key", "--role", "site", "--name", "news"], env).strip().split()[-1]
    for username, role in USERS.items():
        _run(["create-user", "--role", role, "--password-stdin", username], env, PASSWORD + "\n")
    processes: list[subprocess.Popen[bytes]] = []
    try:
        # The worker also runs training jobs (the models page trains a version).
        commands = {"api": ["api"], "worker": ["worker", "--queues", "classify,train"]}
        for name, command in commands.items():
            with (data / f"{name}.log").open("wb") as log:  # the child keeps its own descriptor
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "commentdesk", *command],
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        url = f"http://127.0.0.1:{port}"
        _wait_ready(url, processes, data)
        yield Service(url, site_key, env)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        Redis.from_url(redis).flushdb()


@pytest.fixture(scope="package")
def browser(service: Service) -> Iterator[Any]:
    """Debian's Chromium, headless (never a browser downloaded by Playwright)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


@pytest.fixture
def new_context(browser: Any) -> Iterator[Any]:
    """A factory of fresh browser contexts (separate cookie jars), closed after the test."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def sign_in(context: Any, service: Service, username: str, path: str = "/ui/") -> Any:
    """A page of ``context`` signed in as ``username`` and showing ``path`` (ready)."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{service.url}{path}")
    page.wait_for_url("**/ui/login**")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{path.split('?')[0]}**")
    page.wait_for_selector("body[data-ready='1']")
    if path == "/ui/" or path.startswith("/ui/?"):  # the workspace: wait until it is live too
        page.wait_for_selector("body[data-live='1']")
    page.script_errors = errors
    return page


def save_screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """A screenshot in tests/browser/artifacts/ (kept by CI, ignored by git): the full page, or
    the viewport alone where fixed elements (a sheet, toasts) must show where the user sees them."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
