"""Ops keep a site's watched words on their own page; a moderator's card then shows exactly
which word matched (never just "possible banned word")."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from tests.browser.conftest import Service, save_screenshot, sign_in


def _add(page: Any, kind: str, text: str) -> None:
    box = page.locator(f"[data-kind='{kind}']")
    box.locator("textarea").fill(text)
    box.get_by_role("button", name=f"Add to {kind}").click()


def test_ops_keep_watched_words_and_moderators_see_the_match(
    service: Service, new_context: Callable[[], Any]
) -> None:
    ops = sign_in(new_context(), service, "olga", "/ui/ops/watched-words?site=news")
    banned = ops.locator("[data-kind='banned']")
    suspect = ops.locator("[data-kind='suspect']")

    _add(ops, "banned", "!?!")  # folds to nothing: refused, said beside the form
    error = banned.locator(".form-error")
    error.wait_for()
    assert "Line 1" in error.inner_text()
    assert "must contain a letter or a digit" in error.inner_text()
    _add(ops, "banned", "scumbag\nthrowaway")
    banned.locator("tr", has_text="throwaway").wait_for()
    _add(ops, "suspect", "moon soon")
    suspect.locator("tr", has_text="moon soon").wait_for()
    banned.get_by_role("button", name="Remove throwaway").click()
    banned.locator("tr", has_text="throwaway").wait_for(state="detached")

    assert banned.locator("tbody tr").all_inner_texts()[0].startswith("scumbag")
    assert banned.locator(".count").inner_text() == "1"
    assert "version 3" in ops.locator("#list-version").inner_text()
    save_screenshot(ops, "watched-words-page")
    ops.set_viewport_size({"width": 390, "height": 844})  # a phone: the lists stack, nothing clips
    assert ops.evaluate("document.documentElement.scrollWidth") <= 390
    save_screenshot(ops, "watched-words-page-phone")
    ops.set_viewport_size({"width": 1280, "height": 900})
    assert ops.script_errors == []

    article = f"words-{uuid.uuid4().hex[:6]}"
    rejected = service.post_comment(article, "rude-1", "What a s c u m b a g move that was.")
    held = service.post_comment(article, "hopeful-1", "This coin goes to the m0on soon, trust me.")
    assert service.wait_status(rejected) == "rejected"
    assert service.wait_status(held) == "withheld"

    mod = sign_in(new_context(), service, "alice", f"/ui/?queue=review&article_id={article}")
    card = mod.locator(f"li.card[data-id='{held}']")
    mark = card.locator("mark.ev-rule", has_text="m0on soon")
    mark.wait_for()
    assert mark.get_attribute("data-label") == "suspect word “moon soon”"
    assert "suspect_word" in card.locator(".reasons").inner_text()
    mark.focus()  # the tooltip shows on focus as on hover
    save_screenshot(mod, "watched-words-card", full_page=False)
    mod.goto(f"{service.url}/ui/?queue=rejected&article_id={article}")
    mod.wait_for_selector("body[data-ready='1']")
    card = mod.locator(f"li.card[data-id='{rejected}']")
    mark = card.locator("mark.ev-rule", has_text="s c u m b a g")
    mark.wait_for()
    assert mark.get_attribute("data-label") == "banned word “scumbag”"
    assert mod.script_errors == []

    # Leave the shared service's site without a list for the other browser tests.
    for kind in ("banned", "suspect"):
        for name in ops.locator(f"[data-kind='{kind}'] td.phrase").all_inner_texts():
            ops.locator(f"[data-kind='{kind}']").get_by_role(
                "button", name=f"Remove {name}"
            ).click()
            ops.locator(f"[data-kind='{kind}'] tr", has_text=name).wait_for(state="detached")
