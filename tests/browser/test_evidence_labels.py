"""Issue 13: each evidence span shows the label it is evidence of, on hover and on focus, and a
span is whole words (never letters inside a word)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.browser.conftest import Service, save_screenshot, sign_in

TOXIC = "Your assessment was ridiculed by everyone, you stupid idiot."
LINKED = "Good summary of the ETF flows, more charts at quick-profit.xyz today."


def _tooltip(mark: Any) -> str:
    return str(mark.evaluate("m => getComputedStyle(m, '::after').content"))


def test_each_span_names_its_label_on_hover_and_focus(service: Service, new_context: Any) -> None:
    article = f"ev-{uuid.uuid4().hex[:8]}"
    toxic = service.held(article, "reader-toxic", TOXIC)
    linked = service.held(article, "reader-linked", LINKED)
    page = sign_in(new_context(), service, "alice", f"/ui/?queue=review&article_id={article}")
    toxic_marks = page.locator(f".card[data-id='{toxic}'] .body mark.ev")
    toxic_marks.first.wait_for()
    marked = toxic_marks.all_inner_texts()
    assert any("idiot" in text for text in marked), marked
    # Whole words only: "ridiculed" is not marked for the "idi" inside it, nor "you"/"Your".
    assert all(text.strip().lower() not in {"you", "your", "idi"} for text in marked), marked
    for text in marked:
        at = TOXIC.index(text)
        assert not TOXIC[at - 1 : at].isalnum()
        assert not TOXIC[at + len(text) :][:1].isalnum()

    first = toxic_marks.first
    assert "toxic" in (first.get_attribute("data-label") or "")
    assert first.get_attribute("tabindex") == "0"
    first.hover()
    assert "toxic" in _tooltip(first)

    link = page.locator(f".card[data-id='{linked}'] .body mark.ev-rule")
    link.first.wait_for()
    link.first.focus()
    assert "link quick-profit.xyz" in _tooltip(link.first)
    assert link.first.get_attribute("title", timeout=1000).startswith("evidence: ")
    first.hover()
    save_screenshot(page, "evidence-labels")
    assert page.script_errors == []
