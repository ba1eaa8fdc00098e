"""The ops models page: a second registered version (a copy of the shipped artifact, registered
with `commentdesk register`) shows beside the champion, runs as challenger in the shadow
comparison, is promoted from the page and rolled back again. The champion is restored whatever
happens, since every browser test shares the one service."""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from classifier import DEFAULT_MODEL_DIR
from tests.browser.conftest import Service, save_screenshot, sign_in


def session_call(page: Any, service: Service, method: str, path: str, body: Any = None) -> Any:
    """One API request with the page's session cookie (and its CSRF token when unsafe)."""
    headers = {}
    if method != "GET":
        token = page.request.get(service.url + "/v1/session").json()["csrf_token"]
        headers["X-CSRF-Token"] = token
    response = page.request.fetch(service.url + path, method=method, headers=headers, data=body)
    assert response.ok, f"{method} {path}: {response.status} {response.text()}"
    return response.json()


def aliases(page: Any, service: Service) -> dict[str, str]:
    """Alias name → version id, as `GET /v1/models` reports them."""
    models = session_call(page, service, "GET", "/v1/models")["items"]
    return {alias: m["id"] for m in models for alias in m["aliases"]}


def row(page: Any, version: str) -> Any:
    return page.locator("#models tbody tr").filter(has=page.get_by_text(version, exact=True))


def page_champion(page: Any) -> str:
    return str(
        page.locator("#models tbody tr", has=page.locator(".alias-champion"))
        .locator("code")
        .inner_text()
    )


def shadow_compared(page: Any, service: Service, version: str, article: str) -> int:
    """Feed the challenger moderator-decided comments until the comparison counts one."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        held = service.held(article, f"reader-{uuid.uuid4().hex[:6]}", "A question on fund fees?")
        decision = {"decision": "approve"}
        session_call(page, service, "POST", f"/v1/comments/{held}/decision", decision)
        for _ in range(20):  # shadow scores are written just after the champion's verdict
            compared = int(
                session_call(page, service, "GET", f"/v1/models/{version}/shadow")["compared"]
            )
            if compared:
                return compared
            time.sleep(0.25)
    raise AssertionError(f"the challenger {version} scored no decided comment within 60s")


def restore(page: Any, service: Service, champion: str) -> None:
    """Put the aliases back as they were before the test."""
    now = aliases(page, service)
    if "challenger" in now:
        session_call(page, service, "DELETE", "/v1/models/challenger")
    if now.get("champion") != champion:
        session_call(page, service, "POST", f"/v1/models/{champion}/promote")


def test_promote_and_roll_back_from_the_models_page(
    service: Service, new_context: Any, tmp_path: Path
) -> None:
    version = f"copy-{uuid.uuid4().hex[:8]}"
    artifact = tmp_path / "copy.skops"
    shutil.copyfile(DEFAULT_MODEL_DIR / "default.skops", artifact)
    service.cli("register", str(artifact), "--id", version)
    page = sign_in(new_context(), service, "olga", "/ui/ops/models")
    dialogs: list[str] = []

    def accept(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    before = aliases(page, service)
    champion = before["champion"]
    assert "challenger" not in before
    try:
        session_call(page, service, "POST", f"/v1/models/{version}/challenger")
        compared = shadow_compared(page, service, version, f"shadow-{version}")
        page.reload()
        page.wait_for_selector("body[data-ready='1']")
        shadow = page.locator("#shadow").inner_text()
        assert f"Challenger {version} vs champion {champion}: {compared} moderator" in shadow
        assert page.locator("#shadow table tbody tr").count() >= 1
        save_screenshot(page, "models-shadow")
        assert row(page, champion).locator(".alias-champion").count() == 1
        assert "mean " in row(page, champion).locator("td").nth(4).inner_text()
        assert row(page, version).locator(".alias-challenger").count() == 1
        # `commentdesk register` records no evaluation: the page says so rather than inventing one.
        comparison = row(page, version).locator("td").nth(3).inner_text()
        assert comparison == "not compared (registered, not trained)"
        assert row(page, version).locator("td").nth(4).inner_text() == "none"

        row(page, version).get_by_role("button", name="Promote").click()
        row(page, version).locator(".alias-champion").wait_for()
        assert page_champion(page) == version
        assert row(page, champion).get_by_role("button", name="Promote").count() == 1
        assert "No challenger is set" in page.locator("#shadow").inner_text()
        assert page.locator(".toast", has_text=f"{version} is now the champion.").count() == 1
        assert aliases(page, service) == {"champion": version}
        # Promoting the challenger also unsets that alias: two history rows, same moment.
        history = page.locator("#history tbody tr").nth(1).inner_text().split("\t")
        assert history[1:] == ["champion", "promote", version, champion, "olga", ""]
        save_screenshot(page, "models-promoted")

        assert page.locator("#rollback").inner_text() == f"Roll back champion to {champion}"
        page.click("#rollback")
        row(page, champion).locator(".alias-champion").wait_for()
        assert page_champion(page) == champion
        assert aliases(page, service) == {"champion": champion}
        history = page.locator("#history tbody tr").first.inner_text().split("\t")
        assert history[1:] == ["champion", "rollback", champion, version, "olga", ""]
        assert dialogs == [
            f"Make {version} the champion? Workers switch to it within seconds.",
            f"Make {champion} the champion again? Workers switch to it within seconds.",
        ]
        row(page, version).get_by_role("button", name="Make challenger").click()
        row(page, version).locator(".alias-challenger").wait_for()
        assert aliases(page, service) == {"champion": champion, "challenger": version}
        row(page, version).get_by_role("button", name="Stop challenging").click()
        page.locator("#shadow", has_text="No challenger is set").wait_for()
        assert aliases(page, service) == {"champion": champion}
    finally:
        restore(page, service, champion)
    assert page.script_errors == []
