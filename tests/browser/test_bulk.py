"""A bulk decision on everything by one author in the queue: the count is shown first, the
decision applies to all of them at once, and one undo takes it all back."""

from __future__ import annotations

import uuid
from typing import Any

from tests.browser.conftest import Service, sign_in


def test_bulk_by_author_previews_applies_and_undoes(service: Service, new_context: Any) -> None:
    article = f"bulk-{uuid.uuid4().hex[:8]}"
    flooder = f"flooder-{uuid.uuid4().hex[:6]}"
    theirs = [
        service.held(article, flooder, f"Same old story number {n}, nothing new here.")
        for n in range(3)
    ]
    other = service.held(article, "bystander", "A calm question about the ETF fees.")

    page = sign_in(new_context(), service, "alice", f"/ui/?queue=review&article_id={article}")
    page.locator(f".card[data-id='{theirs[0]}']").click()
    page.click("#bulk-author")
    page.locator("#bulk-count", has_text="3 in this queue").wait_for()

    page.click("#bulk-reject")
    dialog = page.locator("#bulk-dialog")
    dialog.wait_for(state="visible")
    assert "Reject 3 comments" in page.locator("#bulk-summary").inner_text()
    assert all(service.call("GET", f"/v1/comments/{i}")["status"] == "withheld" for i in theirs)
    page.click("#bulk-confirm")
    page.locator(".toast", has_text="Decided 3 comments").wait_for()
    assert [service.call("GET", f"/v1/comments/{i}")["status"] for i in theirs] == ["rejected"] * 3
    assert service.call("GET", f"/v1/comments/{other}")["status"] == "withheld"
    for comment_id in theirs:
        assert page.locator(f".card.decided[data-id='{comment_id}']").count() == 1

    page.locator(".toast", has_text="Decided 3").get_by_role("button", name="Undo").click()
    page.locator(".toast", has_text="Undone (3)").wait_for()
    assert [service.call("GET", f"/v1/comments/{i}")["status"] for i in theirs] == ["withheld"] * 3
    assert page.locator("#cards .card.decided").count() == 0
    assert page.script_errors == []
