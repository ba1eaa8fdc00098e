"""Issue 9, defect 12: the focus outline follows the card keys act on after a reject, claims are
given back when the moderator leaves the page, and an undone decision's toast goes away."""

from __future__ import annotations

import time
import uuid
from typing import Any

from tests.browser.conftest import Service, sign_in


def open_queue(service: Service, new_context: Any, user: str, count: int) -> tuple[Any, list[str]]:
    article = f"ws-{uuid.uuid4().hex[:8]}"
    for n in range(count):
        service.held(article, f"reader-{n}", f"A held remark number {n} about the ETF flows.")
    page = sign_in(new_context(), service, user, f"/ui/?queue=review&sort=age&article_id={article}")
    cards = page.locator("#cards > .card")
    cards.nth(count - 1).wait_for()
    return page, [cards.nth(i).get_attribute("data-id") for i in range(count)]


def test_after_a_reject_the_outline_is_on_the_card_keys_act_on(
    service: Service, new_context: Any
) -> None:
    page, ids = open_queue(service, new_context, "alice", 3)
    page.keyboard.press("j")
    page.wait_for_selector(f".card.focused[data-id='{ids[0]}']")
    page.keyboard.press("r")
    page.wait_for_selector("#reason-dialog[open]")
    page.keyboard.press("2")
    page.wait_for_selector(f".card.decided[data-id='{ids[0]}']")
    page.wait_for_selector(f".card.focused[data-id='{ids[1]}']")
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.dataset.id === id", arg=ids[1]
    )
    page.keyboard.press("a")  # acts on the card the moderator is looking at
    page.wait_for_selector(f".card.decided[data-id='{ids[1]}']")
    assert service.call("GET", f"/v1/comments/{ids[1]}")["status"] == "approved"
    assert page.script_errors == []


def test_leaving_the_page_gives_the_claim_back(service: Service, new_context: Any) -> None:
    page, ids = open_queue(service, new_context, "alice", 1)
    page.keyboard.press("j")
    page.wait_for_selector(f".card.focused[data-id='{ids[0]}']")
    moderator = service.cli("create-key", "--role", "moderator", "--name", "claim-watcher")
    key = moderator.strip().splitlines()[-1]

    def claimed_by() -> str | None:
        listing = service.call("GET", "/v1/queues/review?sort=age&limit=200", key=key)
        claimant: str | None = next(
            i.get("claimed_by") for i in listing["items"] if i["id"] == ids[0]
        )
        return claimant

    _eventually(lambda: claimed_by() == "alice", "alice's claim")
    page.goto("about:blank")  # pagehide: the claim goes back now, not minutes later
    _eventually(lambda: claimed_by() is None, "the claim released")


def _eventually(check: Any, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what}: not within {timeout}s"
        time.sleep(0.1)


def test_an_undone_decisions_toast_goes_away(service: Service, new_context: Any) -> None:
    page, ids = open_queue(service, new_context, "alice", 1)
    page.keyboard.press("j")
    page.wait_for_selector(f".card.focused[data-id='{ids[0]}']")
    page.keyboard.press("a")
    page.wait_for_selector(".toast:has-text('Approved.')")
    page.keyboard.press("u")
    page.wait_for_selector(".toast:has-text('Undone')")
    assert page.locator(".toast:has-text('Approved.')").count() == 0
