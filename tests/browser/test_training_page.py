"""Ops train a version from the models page, follow its progress, read the gate's comparison, and
force a promotion the gate refuses, giving a reason that lands in the alias history.

The site's decisions are made so the candidate is worse: the older ones are the opposite of the
newest ones (scam pitches approved, ordinary comments marked spam), so a head trained on the older
80% turns the prior around and ranks the newest pitches below ordinary comments."""

from __future__ import annotations

import itertools
import re
import uuid
from typing import Any

from tests.browser.conftest import Service, save_screenshot, sign_in
from tests.browser.test_models_page import aliases, restore, row, session_call

PITCHES = [
    f"{who} made me {gain}% profit in a week, {channel}"
    for who, gain, channel in itertools.product(
        ["My account manager", "Mrs Laura the trader", "The recovery expert", "Coach Vell",
         "Our fund mentor"],
        ["300", "450", "700"],
        ["WhatsApp +1 555 010 0199", "Telegram me now", "email win@fastcoin.example",
         "visit quick-profit.xyz"],
    )
]  # fmt: skip
ORDINARY = [
    f"{opening} {topic} {ending}"
    for opening, topic, ending in itertools.product(
        ["I think", "Good point:", "Honestly,", "To be fair,", "As the article says,"],
        ["the ETF inflows matter more than the halving", "rates drive everything this year",
         "custody rules in the EU are the real story"],
        ["this week.", "for small savers.", "and the author says so.", "in my view."],
    )
]  # fmt: skip


def decide_all(page: Any, service: Service, decisions: list[tuple[str, str]]) -> None:
    """Submit every comment, then decide each once the worker has (in this order: decision
    order is the time order retraining reads)."""
    article = f"train-{uuid.uuid4().hex[:6]}"
    comments = [
        service.post_comment(article, f"reader-{uuid.uuid4().hex[:8]}", body)
        for body, _ in decisions
    ]
    for comment, (_, decision) in zip(comments, decisions, strict=True):
        service.wait_status(comment)
        body = {"decision": decision}
        session_call(page, service, "POST", f"/v1/comments/{comment}/decision", body)


def test_train_from_the_page_and_force_a_refused_promotion(
    service: Service, new_context: Any
) -> None:
    moderator = sign_in(new_context(), service, "alice")  # a moderator's session to decide with
    older = [(p, "approve") for p in PITCHES[:40]] + [(o, "spam") for o in ORDINARY[:40]]
    newer = [
        item for pair in zip(PITCHES[40:], ORDINARY[40:], strict=True)
        for item in ((pair[0], "spam"), (pair[1], "approve"))
    ]  # fmt: skip
    decide_all(moderator, service, older + newer)

    page = sign_in(new_context(), service, "olga", "/ui/ops/models")
    prompts: list[str] = []

    def answer(dialog: Any) -> None:
        prompts.append(dialog.type)
        if dialog.type == "prompt":
            dialog.accept("the moderators' policy changed on Monday")
        else:
            dialog.accept()

    page.on("dialog", answer)
    champion = aliases(page, service)["champion"]
    before = {m["id"] for m in session_call(page, service, "GET", "/v1/models")["items"]}
    try:
        page.fill("#train input[name=note]", "from the browser")
        page.click("#train-start")
        ended = re.compile(r"^(finished|failed|stopped|canceled) ")
        page.locator("#train-stage", has_text=ended).wait_for(timeout=300_000)
        stage = page.locator("#train-stage").inner_text()
        assert stage.startswith("finished"), (stage, page.locator("#train-messages").inner_text())
        assert page.locator("#train-bar").get_attribute("value") == "100"
        messages = page.locator("#train-messages li").all_inner_texts()
        assert any("cross-fitting fold" in m for m in messages)
        assert messages[-1].startswith("registered m-")
        items = session_call(page, service, "GET", "/v1/models")["items"]
        [version] = [m["id"] for m in items if m["id"] not in before]
        row(page, version).wait_for()
        comparison = row(page, version).locator("td").nth(3)
        assert comparison.locator(".gate-worse").inner_text() == "worse"
        assert "spam ROC-AUC" in comparison.inner_text()
        save_screenshot(page, "models-trained")

        row(page, version).get_by_role("button", name="Promote").click()
        row(page, version).locator(".alias-champion").wait_for()
        assert prompts == ["confirm", "prompt"]
        assert aliases(page, service)["champion"] == version
        history = page.locator("#history tbody tr").first.inner_text().split("\t")
        assert history[1:] == [
            "champion", "promote", version, champion, "olga",
            "the moderators' policy changed on Monday",
        ]  # fmt: skip
        save_screenshot(page, "models-forced")
    finally:
        restore(page, service, champion)
    assert page.script_errors == []
