"""The author panel's policy form: a moderator bans an author, the worker then rejects that
author's next comment as banned_author, and removing the policy leaves the author with none."""

from __future__ import annotations

import uuid
from typing import Any

from tests.browser.conftest import Service, save_screenshot, sign_in

SITE = "news"  # the site key's name is its site id


def author_record(page: Any, service: Service, author: str) -> Any:
    """`GET /v1/authors/{site}/{author}` with the page's session."""
    response = page.request.get(f"{service.url}/v1/authors/{SITE}/{author}")
    assert response.ok, f"{response.status} {response.text()}"
    return response.json()


def test_ban_from_the_author_panel_rejects_new_comments(service: Service, new_context: Any) -> None:
    article = f"policy-{uuid.uuid4().hex[:8]}"
    author = f"banned-{uuid.uuid4().hex[:8]}"
    held = service.held(article, author, "A question about the fund fees?")
    page = sign_in(
        new_context(), service, "alice", f"/ui/?queue=review&sort=age&article_id={article}"
    )
    card = page.locator(f".card[data-id='{held}']")
    card.locator("button[data-action=author]").click()
    form = page.locator("#side form.policy")
    form.wait_for()
    assert "No policy" in form.inner_text()
    assert form.locator("[data-remove]").count() == 0

    form.locator("select[name=policy]").select_option("ban")
    form.locator("input[name=note]").fill("spam links in every thread")
    form.locator("button[type=submit]").click()
    page.locator("#side form.policy", has_text="Current: ban (set by alice)").wait_for()
    policy = author_record(page, service, author)["policy"]
    assert policy["policy"] == "ban"
    assert policy["set_by"] == "alice"
    assert policy["note"] == "spam links in every thread"
    save_screenshot(page, "author-policy")

    later = service.post_comment(article, author, "Another question about the fund fees?")
    assert service.wait_status(later) == "rejected"
    assert service.call("GET", f"/v1/comments/{later}")["reasons"] == ["banned_author"]

    page.locator("#side form.policy [data-remove]").click()
    page.locator("#side form.policy", has_text="No policy").wait_for()
    assert page.locator("#side form.policy [data-remove]").count() == 0
    assert author_record(page, service, author)["policy"] is None
    assert page.script_errors == []
