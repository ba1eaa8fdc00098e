"""Issue 12, reports that mean something: a reported card lists each report with its weight, and
a moderator dismisses them from the card; the comment is published again and the reports stay,
marked dismissed, with their reporters' weight lowered."""

from __future__ import annotations

import time
import uuid
from typing import Any

from tests.browser.conftest import Service, save_screenshot, sign_in

LAPTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
BODY = "Useful piece on custody risk, thanks. The bit on cold wallets was new to me."
NOTES = ["Rude to the author <i>again</i>", None, "Off topic"]


def published(service: Service, article: str) -> str:
    """A comment from a long-standing account, which the model publishes."""
    author = f"regular-{uuid.uuid4().hex[:6]}"
    comment_id = str(
        service.call("POST", "/v1/comments", {
            "article_id": article,
            "author": {"id": author, "display_name": "Regular", "account_age_days": 900},
            "body": BODY,
        })["id"]
    )  # fmt: skip
    assert service.wait_status(comment_id) == "approved"
    return comment_id


def reported(service: Service, article: str) -> str:
    comment_id = published(service, article)
    for n, note in enumerate(NOTES):
        service.call("POST", f"/v1/comments/{comment_id}/reports",
                     {"reporter_id": f"reader-{uuid.uuid4().hex[:6]}-{n}", "reason": "abuse",
                      "note": note})  # fmt: skip
    assert service.call("GET", f"/v1/comments/{comment_id}")["status"] == "reported"
    return comment_id


def wait_status(service: Service, comment_id: str, status: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while service.call("GET", f"/v1/comments/{comment_id}")["status"] != status:
        assert time.monotonic() < deadline, f"{comment_id} never became {status}"
        time.sleep(0.1)


def test_a_moderator_dismisses_reports_from_the_card(service: Service, new_context: Any) -> None:
    article = f"reported-{uuid.uuid4().hex[:8]}"
    comment_id = reported(service, article)
    page = sign_in(new_context(), service, "alice", f"/ui/?queue=reported&article_id={article}")
    page.set_viewport_size(LAPTOP)
    card = page.locator(f".card[data-id='{comment_id}']")
    card.locator(".reports summary", has_text="3 reports").wait_for()
    items = card.locator(".reports li").all_inner_texts()
    assert items[0].startswith("abuse Rude to the author <i>again</i>")  # text, not markup
    assert all("weight 1.0" in item for item in items)
    dismiss = card.locator("button[data-action=dismiss]")
    assert dismiss.is_visible()
    save_screenshot(page, "reports-laptop")
    page.set_viewport_size(PHONE)
    save_screenshot(page, "reports-phone")
    page.set_viewport_size(LAPTOP)

    dismiss.click()

    card.locator(".outcome", has_text="Dismissed 3 reports — published again").wait_for()
    wait_status(service, comment_id, "approved")
    card.locator(".reports summary", has_text="3 reports (0 open)").wait_for()
    assert not dismiss.is_visible()
    save_screenshot(page, "reports-dismissed")
    assert page.script_errors == []


def test_the_d_key_dismisses_and_the_card_shows_the_lowered_weights(
    service: Service, new_context: Any
) -> None:
    article = f"reported-{uuid.uuid4().hex[:8]}"
    comment_id = reported(service, article)
    page = sign_in(new_context(), service, "bob", f"/ui/?queue=reported&article_id={article}")
    card = page.locator(f".card[data-id='{comment_id}']")
    card.locator(".reports summary", has_text="3 reports").wait_for()
    card.click()
    page.keyboard.press("d")
    card.locator(".outcome", has_text="published again").wait_for()

    approved = sign_in(new_context(), service, "bob", f"/ui/?queue=approved&article_id={article}")
    box = approved.locator(f".card[data-id='{comment_id}'] .reports")
    box.locator("summary", has_text="3 reports (0 open)").wait_for()
    items = box.locator("li").all_inner_texts()
    # The state is shown in capitals (CSS), so inner text has it so.
    assert all("DISMISSED weight 0.8" in item for item in items), items
    assert not approved.locator(
        f".card[data-id='{comment_id}'] button[data-action=dismiss]"
    ).is_visible()
    save_screenshot(approved, "reports-after-dismissal")
    assert page.script_errors == []
    assert approved.script_errors == []
