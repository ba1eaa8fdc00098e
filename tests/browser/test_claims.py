"""Two moderators contend for one card: the one who claims it first decides it; the other sees
a clear conflict on the card and their decision is not recorded."""

from __future__ import annotations

import uuid
from typing import Any

from tests.browser.conftest import Service, sign_in


def test_two_moderators_one_card_one_wins(service: Service, new_context: Any) -> None:
    article = f"claim-{uuid.uuid4().hex[:8]}"
    held = {
        service.held(article, "first", "Which exchange had the outage last night?"),
        service.held(article, "second", "Did the outage affect withdrawals too?"),
    }
    path = f"/ui/?queue=review&article_id={article}"
    alice = sign_in(new_context(), service, "alice", path)
    bob = sign_in(new_context(), service, "bob", path)
    bob.locator(".card").nth(1).wait_for()

    alice.keyboard.press("j")
    alice.locator(".card.focused .claim", has_text="yours").wait_for()
    contested = alice.locator(".card.focused").get_attribute("data-id")
    assert contested in held
    alice_card = alice.locator(f".card[data-id='{contested}']")
    bob_card = bob.locator(f".card[data-id='{contested}']")
    bob_card.locator(".claim", has_text="claimed by alice").wait_for()  # live claim event

    bob.keyboard.press("j")  # j skips the card alice holds
    bob.locator(".card.focused .claim", has_text="yours").wait_for()
    assert bob.locator(".card.focused").get_attribute("data-id") == (held - {contested}).pop()

    bob_card.locator("button[data-action=approve]").click()
    conflict = bob_card.locator(".conflict")
    conflict.wait_for(state="visible")
    assert "alice" in conflict.inner_text()
    assert "claimed by alice" in bob_card.locator(".claim").inner_text()

    alice.keyboard.press("r")
    alice.keyboard.press("1")
    alice_card.locator(".outcome:not([hidden])").wait_for()

    bob_card.locator(".outcome:not([hidden])").wait_for()  # the decided event reached bob
    assert "alice" in bob_card.locator(".outcome").inner_text()
    assert service.call("GET", f"/v1/comments/{contested}")["status"] == "rejected"
    assert alice.script_errors == []
    assert bob.script_errors == []
