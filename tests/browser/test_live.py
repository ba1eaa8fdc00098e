"""Live updates: a comment the worker withholds while the page is open shows up behind an
"N new" banner, without a reload and without moving the moderator's place."""

from __future__ import annotations

import uuid
from typing import Any

from tests.browser.conftest import Service, sign_in


def test_withheld_comment_appears_without_reload(service: Service, new_context: Any) -> None:
    article = f"live-{uuid.uuid4().hex[:8]}"
    first = service.held(article, "early-reader", "Is the custody fee mentioned anywhere?")
    page = sign_in(new_context(), service, "alice", f"/ui/?queue=review&article_id={article}")
    page.locator(f".card[data-id='{first}']").wait_for()
    page.keyboard.press("j")
    page.wait_for_selector(f".card.focused[data-id='{first}']")
    page.evaluate("window.__sameDocument = true")

    late = service.post_comment(article, "late-reader", "Just arrived: what about the fees?")
    banner = page.locator("#new-banner")
    banner.wait_for(state="visible", timeout=30_000)  # classified by the worker, pushed over SSE
    assert page.locator("#new-count").inner_text() == "1 new"
    assert page.locator(f".card[data-id='{late}']").count() == 0  # the list did not move
    assert page.locator(".card.focused").get_attribute("data-id") == first

    page.click("#new-show")
    page.locator(f".card[data-id='{late}']").wait_for()
    assert banner.is_hidden()
    assert page.locator(".card.focused").get_attribute("data-id") == first
    assert page.evaluate("window.__sameDocument") is True  # no reload happened
    assert page.script_errors == []
