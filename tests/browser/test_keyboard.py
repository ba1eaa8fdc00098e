"""A moderator signs in, works a queue of held comments by keyboard only, and an ops user sees
those decisions in the audit log page."""

from __future__ import annotations

import uuid
from typing import Any

from tests.browser.conftest import Service, save_screenshot, sign_in

BODIES = [
    "First time here: the ETF flows chart is hard to read on a phone. Any chance of a table?",
    "Interesting point about the halving, though miners seem fine for now.",
    "I disagree on custody risk; compare the fees at www.coinfees-table.example/etf first.",
]


def test_sign_in_work_queue_by_keyboard_and_see_audit(service: Service, new_context: Any) -> None:
    article = f"kb-{uuid.uuid4().hex[:8]}"
    ids = [service.held(article, f"reader-{i}", body) for i, body in enumerate(BODIES)]

    page = sign_in(
        new_context(), service, "alice", f"/ui/?queue=review&sort=age&article_id={article}"
    )
    cards = page.locator("#cards > .card")
    assert cards.count() == 3
    page.wait_for_selector("#cards .card .scores > *")  # details (scores, evidence) loaded
    page.wait_for_selector("#cards .card mark.ev")  # the link rule's span is highlighted
    save_screenshot(page, "queue")
    page.set_viewport_size({"width": 390, "height": 844})
    save_screenshot(page, "queue-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    order = [cards.nth(i).get_attribute("data-id") for i in range(3)]
    assert sorted(order) == sorted(ids)
    ids = order  # the queue's own order (age: oldest withheld first)

    page.keyboard.press("j")  # focus the first (oldest) card
    page.wait_for_selector(f".card.focused[data-id='{ids[0]}']")
    page.keyboard.press("a")
    page.wait_for_selector(f".card.decided[data-id='{ids[0]}']")
    page.wait_for_selector(f".card.focused[data-id='{ids[1]}']")  # focus moved on by itself

    page.keyboard.press("r")  # reject with a reason from the picker, by number key
    page.wait_for_selector("#reason-dialog[open]")
    page.keyboard.press("2")  # insult
    page.wait_for_selector(f".card.decided[data-id='{ids[1]}']")

    page.keyboard.press("s")
    page.wait_for_selector(f".card.decided[data-id='{ids[2]}']")
    page.keyboard.press("u")  # take the spam back, then decide again
    page.wait_for_selector(f".card.focused:not(.decided)[data-id='{ids[2]}']")
    assert service.call("GET", f"/v1/comments/{ids[2]}")["status"] == "withheld"
    page.keyboard.press("s")
    page.wait_for_selector(f".card.decided[data-id='{ids[2]}']")

    page.keyboard.press("?")
    assert page.locator("#help-dialog").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#help-dialog").is_visible()
    assert page.script_errors == []

    statuses = [service.call("GET", f"/v1/comments/{i}")["status"] for i in ids]
    assert statuses == ["approved", "rejected", "spam"]

    ops = sign_in(new_context(), service, "olga", f"/ui/ops/audit?comment_id={ids[1]}")
    rows = ops.locator("#audit tbody tr")
    rows.filter(has_text="decided").first.wait_for()
    decided = rows.filter(has_text="decided").first.inner_text()
    assert "alice" in decided
    assert "insult" in decided
    assert "withheld → rejected" in decided

    ops.fill("input[name=comment_id]", "")
    ops.fill("input[name=actor]", "alice")
    ops.click("#audit-filters button[type=submit]")
    ops.locator("#audit tbody tr", has_text=ids[2][:13]).first.wait_for()
    texts = ops.locator("#audit tbody tr").all_inner_texts()
    assert all("alice" in text for text in texts)
    assert {ids[0][:13], ids[1][:13], ids[2][:13]} <= {t.split("\t")[1] for t in texts}
