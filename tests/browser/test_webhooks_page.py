"""Ops see every site's webhooks in the workspace: a disabled one says why, a ping from the page
reaches a real receiver and shows in the delivery log, and it can be enabled again. Moderators
see an edited comment's changes on its card."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from tests.browser.conftest import Service, save_screenshot, sign_in
from tests.integration.webhooks.receiver import running_receiver


def test_ops_see_a_disabled_webhook_ping_it_and_enable_it(
    service: Service, new_context: Callable[[], Any]
) -> None:
    with running_receiver() as receiver:
        hook = service.call("POST", "/v1/webhooks", {"url": receiver.url})
        service.call("POST", f"/v1/webhooks/{hook['id']}/disable")
        page = sign_in(new_context(), service, "olga", "/ui/ops/webhooks")
        row = page.locator(f"#webhooks tr[data-id='{hook['id']}']")

        assert row.locator("td").nth(0).inner_text() == "news"
        assert "disabled by hand" in row.inner_text()
        row.get_by_role("button", name="Ping").click()
        page.locator("#webhook-log tbody tr").first.wait_for()
        log = page.locator("#webhook-log tbody tr").first.inner_text()
        save_screenshot(page, "webhooks-page")
        row.get_by_role("button", name="Enable").click()
        page.locator(f"#webhooks tr[data-id='{hook['id']}'] .status-approved").wait_for()

        assert "webhook.ping" in log
        assert "HTTP 200" in log
        assert [r.event["type"] for r in receiver.requests] == ["webhook.ping"]
        assert page.script_errors == []
        service.call("DELETE", f"/v1/webhooks/{hook['id']}")


def test_a_moderator_sees_what_an_edit_changed(
    service: Service, new_context: Callable[[], Any]
) -> None:
    article = f"edit-{uuid.uuid4().hex[:6]}"
    comment_id = service.held(article, f"reader-{uuid.uuid4().hex[:6]}", "Fees are too high here.")
    service.call("PATCH", f"/v1/comments/{comment_id}", {"body": "Fees are far too high here."})
    assert service.wait_status(comment_id) == "withheld"
    page = sign_in(new_context(), service, "alice", f"/ui/?queue=review&article_id={article}")

    card = page.locator(f"li.card[data-id='{comment_id}']")
    card.locator(".revisions summary").click()
    diff = card.locator(".revisions pre.diff")
    diff.wait_for()
    page.wait_for_function("d => d.textContent.length > 0", arg=diff.element_handle())

    text = diff.inner_text()
    assert "-Fees are too high here." in text
    assert "+Fees are far too high here." in text
    assert page.script_errors == []
