"""Comments are hostile input: script and HTML payloads in a body, a display name, a reply's
parent and a moderator's note render as inert text in the queue, the author panel and the audit
page; nothing they carry ever runs."""

from __future__ import annotations

import uuid
from typing import Any

from tests.browser.conftest import Service, save_screenshot, sign_in

IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "<script>window.__pwned=1</script>"
BODY = f"Look at this {IMG} and {SCRIPT} then tell me."
NAME = '<img src=x onerror="window.__pwned=2">'
NOTE = '<svg onload="window.__pwned=3">'


def assert_inert(page: Any) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("main img, main script, main svg[onload]").count() == 0


def test_payloads_render_as_text_everywhere(service: Service, new_context: Any) -> None:
    article = f"xss-{uuid.uuid4().hex[:8]}"
    author = f"mallory-{uuid.uuid4().hex[:6]}"
    payload = service.post_comment(article, author, BODY, name=NAME)
    assert service.wait_status(payload) == "withheld"
    reply_body = f"Replying to that. {SCRIPT}"
    reply = service.post_comment(article, "replier", reply_body, parent_id=payload)
    assert service.wait_status(reply) == "withheld"

    page = sign_in(
        new_context(), service, "alice", f"/ui/?queue=review&sort=age&article_id={article}"
    )
    card = page.locator(f".card[data-id='{payload}']")
    card.locator(".scores > *").first.wait_for()  # details loaded (scores may be folded)
    assert card.locator(".body").inner_text() == BODY
    assert card.locator("button[data-action=author]").inner_text() == NAME
    reply_card = page.locator(f".card[data-id='{reply}']")
    reply_card.locator(".parent:not([hidden])").wait_for()
    assert BODY in reply_card.locator(".parent").inner_text()
    assert_inert(page)

    card.locator("button[data-action=author]").click()
    page.locator("#side .recent li").first.wait_for()
    assert BODY in page.locator("#side .recent").inner_text()
    assert NAME in page.locator("#side-title").inner_text()
    save_screenshot(page, "author-panel")
    assert_inert(page)
    page.keyboard.press("Escape")

    card.click()
    page.keyboard.press("r")
    page.fill("#reason-form input[name=note]", NOTE)
    page.click("#reason-options button[data-reason=toxic]")
    card.locator(".outcome:not([hidden])").wait_for()
    assert_inert(page)

    ops = sign_in(new_context(), service, "olga", f"/ui/ops/audit?comment_id={payload}")
    ops.locator("#audit tbody tr", has_text="decided").wait_for()
    assert ops.locator("#audit-comment .body").inner_text() == BODY
    assert NOTE in ops.locator("#audit tbody tr", has_text="decided").inner_text()
    assert_inert(ops)
    assert page.script_errors == []
    assert ops.script_errors == []
