"""Issue 12: a comment held for its language says, on its reason chip, which language the
identifier found and how sure it was (the real API, worker and shipped models)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.browser.conftest import Service, save_screenshot, sign_in

GERMAN = (
    "Die Zentralbank hat die Zinsen schon wieder erhöht, und trotzdem steigen die Mieten in "
    "meiner Stadt jeden Monat weiter."
)


def test_a_language_hold_names_the_language_on_its_chip(service: Service, new_context: Any) -> None:
    article = f"lang-{uuid.uuid4().hex[:8]}"
    held = service.held(article, "reader-german", GERMAN)
    page = sign_in(new_context(), service, "alice", f"/ui/?queue=review&article_id={article}")

    chip = page.locator(f".card[data-id='{held}'] .reason-unsupported_language")
    chip.wait_for()
    page.wait_for_function(
        "c => c.textContent.includes('(')", arg=chip.element_handle(), timeout=5000
    )
    assert chip.inner_text().startswith("unsupported language: de (")
    assert (chip.get_attribute("title") or "").startswith("identified as de, ")
    save_screenshot(page, "language-hold")
    assert page.script_errors == []
