"""Issue 12: a rejection's statement of reasons from the reject dialog, and the appeals queue
(the original moderator is refused in a team, another one overturns) at both widths."""

from __future__ import annotations

import uuid
from typing import Any

from tests.browser.conftest import Service, save_screenshot, sign_in

EXPLANATION = "It singles out another reader <b>by name</b>."


def reject_in_workspace(service: Service, new_context: Any) -> str:
    """alice rejects a held comment with a ground and words for the author."""
    article = f"ap-{uuid.uuid4().hex[:8]}"
    comment_id = service.held(article, "reader-ap", "You again? Everyone here knows what you are.")
    page = sign_in(new_context(), service, "alice", f"/ui/?queue=review&article_id={article}")
    page.locator(f".card[data-id='{comment_id}']").wait_for()
    page.keyboard.press("j")
    page.wait_for_selector(f".card.focused[data-id='{comment_id}']")
    page.keyboard.press("r")
    page.wait_for_selector("#reason-dialog[open]")
    page.select_option("#reason-form select[name=statement_code]", "harassment")
    page.fill("#reason-form input[name=explanation]", EXPLANATION)
    page.click(".reason-choice[data-reason='insult']")
    page.wait_for_selector(f".card.decided[data-id='{comment_id}']")
    assert page.script_errors == []
    return comment_id


def test_an_appeal_is_decided_by_another_moderator_and_published(
    service: Service, new_context: Any
) -> None:
    comment_id = reject_in_workspace(service, new_context)
    read = service.call("GET", f"/v1/comments/{comment_id}")
    assert read["statement"]["code"] == "harassment"
    assert read["statement"]["explanation"].endswith(EXPLANATION)
    appeal = service.call(
        "POST", f"/v1/comments/{comment_id}/appeals", {"text": "I was <i>quoting</i> him."}
    )

    # alice made the decision: her card says so, and the service refuses her.
    alice = sign_in(new_context(), service, "alice", "/ui/appeals")
    card = alice.locator(f".appeal[data-appeal='{appeal['id']}']")
    card.wait_for()
    assert "You made the original decision" in card.inner_text()
    card.locator("button[data-outcome=upheld]").click()
    refused = card.locator(".outcome.conflict")
    refused.wait_for()
    assert "Another moderator must decide this appeal" in refused.inner_text()
    save_screenshot(alice, "appeals-refused-original-moderator")

    bob = sign_in(new_context(), service, "bob", "/ui/appeals")
    card = bob.locator(f".appeal[data-appeal='{appeal['id']}']")
    card.wait_for()
    text = card.inner_text()
    assert "rejected by alice" in text
    assert "harassment" in text
    assert EXPLANATION in text
    assert "I was <i>quoting</i> him." in text
    assert card.locator("b, i").count() == 0
    shots = []
    for name, (width, height) in {"1366": (1366, 800), "390": (390, 844)}.items():
        bob.set_viewport_size({"width": width, "height": height})
        shots.append(save_screenshot(bob, f"appeals-queue-{name}"))
        overflow = bob.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the appeals page scrolls sideways at {width}px"
    card.locator("input[name=reply]").fill("Quoting is fine here.")
    card.locator("button[data-outcome=overturned]").click()
    card.locator(".outcome:not(.conflict)").filter(has_text="Overturned").wait_for()

    after = service.call("GET", f"/v1/comments/{comment_id}")
    assert (after["status"], after["statement"]) == ("approved", None)
    assert (after["appeal"]["status"], after["appeal"]["reply"]) == (
        "overturned",
        "Quoting is fine here.",
    )
    assert all(shot.stat().st_size > 0 for shot in shots)
    assert alice.script_errors == []
    assert bob.script_errors == []
