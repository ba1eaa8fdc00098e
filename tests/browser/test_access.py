"""What a browser may not do: an unsafe request without the session's CSRF token is refused,
and a moderator cannot open the ops pages. Also: the ops pages work for ops (screenshot of the
stats page), and every page carries the strict security headers."""

from __future__ import annotations

import uuid
from typing import Any

from service.http.web.headers import CONTENT_SECURITY_POLICY
from tests.browser.conftest import Service, save_screenshot, sign_in


def test_post_without_csrf_token_is_refused(service: Service, new_context: Any) -> None:
    comment = service.held(f"csrf-{uuid.uuid4().hex[:8]}", "reader", "A question on fees.")
    page = sign_in(new_context(), service, "alice")
    path = f"/v1/comments/{comment}/decision"
    refused = page.evaluate(
        """async (path) => {
             const r = await fetch(path, {
               method: "POST",
               headers: {"Content-Type": "application/json"},
               body: JSON.stringify({decision: "approve"}),
             });
             return {status: r.status, body: await r.json()};
           }""",
        path,
    )
    assert refused["status"] == 403
    assert refused["body"]["code"] == "csrf-failed"
    also_refused = page.request.post(service.url + path, data={"decision": "approve"})
    assert also_refused.status == 403
    assert service.call("GET", f"/v1/comments/{comment}")["status"] == "withheld"


def test_moderator_cannot_open_ops_pages(service: Service, new_context: Any) -> None:
    page = sign_in(new_context(), service, "alice")
    assert page.locator(".nav a[href='/ui/ops/stats']").is_hidden()
    for path in ("/ui/ops/stats", "/ui/ops/audit", "/ui/ops/models", "/ui/ops/webhooks"):
        response = page.goto(service.url + path)
        assert response is not None
        assert response.status == 403
        assert "Not allowed" in page.locator("h1").inner_text()
    assert page.request.get(service.url + "/v1/stats").status == 403


def test_signed_out_browser_is_sent_to_sign_in(service: Service, new_context: Any) -> None:
    page = new_context().new_page()
    page.goto(service.url + "/ui/ops/stats?hours=24")
    page.wait_for_url("**/ui/login?next=**")
    assert "next=%2Fui%2Fops%2Fstats%3Fhours%3D24" in page.url


def test_ops_pages_render_with_strict_headers(service: Service, new_context: Any) -> None:
    article = f"stats-{uuid.uuid4().hex[:8]}"
    held = [service.held(article, f"r{n}", f"Question {n} about the fund fees?") for n in range(3)]
    moderator = sign_in(new_context(), service, "bob", f"/ui/?queue=review&article_id={article}")
    for key in ("j", "a", "s", "a"):  # approve, spam, approve: human decisions for the charts
        moderator.keyboard.press(key)
    moderator.locator(".card.decided").nth(2).wait_for()
    statuses = sorted(service.call("GET", f"/v1/comments/{i}")["status"] for i in held)
    assert statuses == ["approved", "approved", "spam"]
    page = sign_in(new_context(), service, "olga", "/ui/ops/stats")
    page.locator("#chart-hours svg").wait_for()
    assert page.locator(".figure").count() == 4
    page.locator("#chart-moderators svg text", has_text="bob").wait_for()
    save_screenshot(page, "stats")
    response = page.goto(service.url + "/ui/ops/models")
    assert response is not None
    headers = response.headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("#models tbody tr", has_text="champion").count() == 1
    save_screenshot(page, "models")
    assert page.script_errors == []


def test_ui_without_slash_and_static_files(service: Service, new_context: Any) -> None:
    page = new_context().new_page()
    page.goto(service.url + "/ui")
    page.wait_for_url("**/ui/login?next=%2Fui%2F")
    script = page.request.get(service.url + "/ui/static/workspace.js")
    assert script.status == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert page.request.get(service.url + "/ui/static/nope.js").status == 404
    api = page.request.get(service.url + "/healthz")  # the API's answers carry the policy too
    assert api.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert api.headers["x-frame-options"] == "DENY"
