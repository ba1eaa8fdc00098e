"""The article panel and a timed suspension from the author panel (issue 12): a moderator closes
an article (the site's next comment is a 409 comments-closed), reopens it premoderated (the worker
then holds a clean comment as article_premoderated), and suspends an author for a day (the site's
next comment by them is a 403 author-suspended)."""

from __future__ import annotations

import json
import time
import urllib.error
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.browser.conftest import Service, save_screenshot, sign_in

SITE = "news"


def refused(service: Service, article: str, author: str) -> dict[str, Any]:
    """The problem the site gets back for a comment it may not post."""
    with pytest.raises(urllib.error.HTTPError) as error:
        service.post_comment(article, author, "A calm question about the fees?")
    problem: dict[str, Any] = json.loads(error.value.read())
    assert problem["status"] == error.value.code
    return problem


def saved_switches(service: Service, article: str, timeout: float = 10.0, **wanted: bool) -> bool:
    """Whether the article's stored settings reach ``wanted`` within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        settings = service.call("GET", f"/v1/articles/{article}/settings")
        if all(settings[name] is value for name, value in wanted.items()):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def open_card(service: Service, new_context: Any, article: str, author: str) -> tuple[Any, Any]:
    held = service.held(article, author, "A question about the fund fees?")
    page = sign_in(
        new_context(), service, "alice", f"/ui/?queue=review&sort=age&article_id={article}"
    )
    return page, page.locator(f".card[data-id='{held}']")


def test_a_moderator_closes_then_premoderates_an_article(
    service: Service, new_context: Any
) -> None:
    article = f"art-{uuid.uuid4().hex[:8]}"
    page, card = open_card(service, new_context, article, f"a-{uuid.uuid4().hex[:8]}")

    card.locator("button[data-action=article]").click()
    form = page.locator("#side form.article-settings")
    form.wait_for()
    assert "Never set" in form.inner_text()
    form.locator("input[name=closed]").check()
    form.locator("button[type=submit]").click()
    page.locator("#side form.article-settings", has_text="Set by alice").wait_for()
    save_screenshot(page, "article-settings")

    assert refused(service, article, "someone-else")["code"] == "comments-closed"

    form = page.locator("#side form.article-settings")
    form.locator("input[name=closed]").uncheck()
    form.locator("input[name=premoderate]").check()
    form.locator("button[type=submit]").click()
    # The boxes are checked by the clicks themselves, before the save: wait for the save.
    assert saved_switches(service, article, closed=False, premoderate=True)

    later = service.post_comment(article, "regular-reader", "Thanks, a clear explainer.")
    assert service.wait_status(later) == "withheld"
    assert "article_premoderated" in service.call("GET", f"/v1/comments/{later}")["reasons"]
    # The queue's cards say what the article asks, and the held comment says why.
    page.reload()
    held = page.locator(f".card[data-id='{later}']")
    held.locator(".article-flags", has_text="article premoderated").wait_for()
    assert "article_premoderated" in held.locator(".reasons").inner_text()
    save_screenshot(page, "article-premoderated-card")
    assert page.script_errors == []


def test_a_moderator_suspends_an_author_for_a_day(service: Service, new_context: Any) -> None:
    article = f"sus-{uuid.uuid4().hex[:8]}"
    author = f"s-{uuid.uuid4().hex[:8]}"
    page, card = open_card(service, new_context, article, author)

    card.locator("button[data-action=author]").click()
    form = page.locator("#side form.policy")
    form.wait_for()
    form.locator("select[name=policy]").select_option("suspend")
    assert form.locator("select[name=days]").input_value() == "1"  # never open-ended
    assert form.locator("select[name=days] option[value='']").is_disabled()
    form.locator("button[type=submit]").click()
    page.locator("#side form.policy", has_text="Current: suspend until").wait_for()
    save_screenshot(page, "author-suspended")

    problem = refused(service, article, author)
    assert problem["code"] == "author-suspended"
    policy = page.request.get(f"{service.url}/v1/authors/{SITE}/{author}").json()["policy"]
    until = datetime.fromisoformat(problem["suspended_until"])
    assert until == datetime.fromisoformat(policy["expires_at"])
    assert timedelta(hours=23) < until - datetime.now(UTC) <= timedelta(days=1)
    assert page.script_errors == []
