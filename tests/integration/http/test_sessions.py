"""Browser sessions end to end: sign-in form, cookies, CSRF, session auth on the API, sign-out."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from service.domain import Role
from service.http import create_app
from service.models import WebSessionRow
from service.settings import Settings
from tests.integration.http.conftest import Headers, post_comment
from tests.integration.http.signin import PASSWORD, create_user, login_token, sign_in


@pytest.fixture
def ann(sessions: sessionmaker[Session]) -> str:
    return create_user(sessions, Role.MODERATOR, "ann").username


def test_login_form_is_plain_escaped_html_with_a_login_token(client: TestClient) -> None:
    response = client.get('/ui/login?next=/ui/"><script>alert(1)</script>')

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    assert "<script" not in response.text
    assert "style=" not in response.text
    assert '<link rel="stylesheet" href="/ui/static/app.css">' in response.text
    assert 'value="/ui/&quot;&gt;&lt;script&gt;' in response.text
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("cd_login_csrf=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/ui/login" in cookie


def test_login_sets_an_httponly_strict_session_cookie(client: TestClient, ann: str) -> None:
    form = {"username": ann, "password": PASSWORD, "csrf": login_token(client)}

    response = client.post("/ui/login", data=form, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/ui/"
    [session_cookie] = [c for c in response.headers.get_list("set-cookie") if "cd_session=" in c]
    assert "HttpOnly" in session_cookie
    assert "SameSite=strict" in session_cookie
    assert "Path=/" in session_cookie
    assert "Secure" not in session_cookie
    me = client.get("/v1/session").json()
    assert (me["username"], me["role"]) == ("ann", "moderator")
    assert len(me["csrf_token"]) >= 43
    assert me["expires_at"].endswith("Z")


def test_session_cookie_is_secure_when_configured(
    app_settings: Settings, sessions: sessionmaker[Session]
) -> None:
    create_user(sessions, Role.MODERATOR, "ann")
    app = create_app(dataclasses.replace(app_settings, cookie_secure=True))
    with TestClient(app, base_url="https://testserver") as client:
        form = {"username": "ann", "password": PASSWORD, "csrf": login_token(client)}
        response = client.post("/ui/login", data=form, follow_redirects=False)

    assert response.status_code == 303
    assert "Secure" in response.headers["set-cookie"]


@pytest.mark.parametrize(
    ("next_path", "location"),
    [
        ("/ui/ops/audit?kind=decided", "/ui/ops/audit?kind=decided"),
        ("https://evil.example/ui/", "/ui/"),
        ("//evil.example/ui/", "/ui/"),
        ("/ui/\\evil", "/ui/"),
        ("/v1/queues", "/ui/"),
    ],
)
def test_login_goes_on_only_to_workspace_paths(
    client: TestClient, ann: str, next_path: str, location: str
) -> None:
    form = {"username": ann, "password": PASSWORD, "csrf": login_token(client), "next": next_path}

    response = client.post("/ui/login", data=form, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == location


@pytest.mark.parametrize(
    ("username", "password"), [("ann", "wrong password"), ("nobody", PASSWORD)]
)
def test_login_with_bad_credentials_shows_one_generic_error(
    client: TestClient, ann: str, username: str, password: str
) -> None:
    form = {"username": username, "password": password, "csrf": login_token(client)}

    response = client.post("/ui/login", data=form, follow_redirects=False)

    assert response.status_code == 401
    assert "Wrong username or password." in response.text
    assert "cd_session" not in response.headers.get("set-cookie", "")
    assert client.get("/v1/session").status_code == 401


def test_login_without_the_login_token_is_refused(client: TestClient, ann: str) -> None:
    missing = client.post("/ui/login", data={"username": ann, "password": PASSWORD})
    login_token(client)  # the cookie is set, but the field below does not match it
    forged = client.post(
        "/ui/login", data={"username": ann, "password": PASSWORD, "csrf": "forged"}
    )

    assert missing.status_code == forged.status_code == 403
    assert "expired" in forged.text
    assert "cd_session" not in client.cookies


def test_session_authenticates_moderator_reads(
    client: TestClient, ann: str, moderator: Headers
) -> None:
    sign_in(client, ann)

    response = client.get("/v1/queues")

    assert response.status_code == 200
    assert response.json() == client.get("/v1/queues", headers=moderator).json()


def test_unsafe_request_needs_the_session_csrf_token(
    client: TestClient, ann: str, site: Headers
) -> None:
    csrf = sign_in(client, ann)
    comment_id = post_comment(client, site)
    url = f"/v1/comments/{comment_id}/decision"

    missing = client.post(url, json={"decision": "approve"})
    wrong = client.post(url, json={"decision": "approve"}, headers={"X-CSRF-Token": "nope"})
    right = client.post(url, json={"decision": "approve"}, headers={"X-CSRF-Token": csrf})

    assert (missing.status_code, missing.json()["code"]) == (403, "csrf-failed")
    assert (wrong.status_code, wrong.json()["code"]) == (403, "csrf-failed")
    assert right.status_code == 200, right.text
    assert right.json()["status"] == "approved"


def test_decision_by_session_records_the_username(
    client: TestClient, sessions: sessionmaker[Session], site: Headers, ops: Headers
) -> None:
    create_user(sessions, Role.OPS, "olu")
    csrf = sign_in(client, "olu")
    comment_id = post_comment(client, site)

    decided = client.post(
        f"/v1/comments/{comment_id}/decision",
        json={"decision": "reject", "reason": "spam"},
        headers={"X-CSRF-Token": csrf},
    )
    audit = client.get(f"/v1/audit?comment_id={comment_id}&kind=decided")

    assert decided.status_code == 200, decided.text  # ops may do what a moderator may
    assert [a["actor"] for a in audit.json()["items"]] == ["olu"]


def test_moderator_session_cannot_use_ops_routes(client: TestClient, ann: str) -> None:
    csrf = sign_in(client, ann)

    assert client.get("/v1/models").status_code == 403
    promote = client.post("/v1/models/rollback", headers={"X-CSRF-Token": csrf})
    assert (promote.status_code, promote.json()["code"]) == (403, "forbidden")


def test_logout_needs_the_csrf_token_then_ends_the_session(client: TestClient, ann: str) -> None:
    csrf = sign_in(client, ann)
    token = client.cookies["cd_session"]

    refused = client.post("/ui/logout", data={"csrf": "wrong"}, follow_redirects=False)
    assert (refused.status_code, refused.json()["code"]) == (403, "csrf-failed")
    assert client.get("/v1/queues").status_code == 200

    response = client.post("/ui/logout", data={"csrf": csrf}, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/ui/login"
    assert 'cd_session=""' in response.headers["set-cookie"]
    client.cookies.set("cd_session", token)  # a copy of the old cookie is worthless now
    assert client.get("/v1/queues").status_code == 401


def test_expired_session_is_refused(
    client: TestClient, ann: str, sessions: sessionmaker[Session]
) -> None:
    sign_in(client, ann)
    with sessions.begin() as session:
        session.execute(update(WebSessionRow).values(expires_at=WebSessionRow.created_at))

    response = client.get("/v1/queues")

    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert client.get("/ui/login").status_code == 200  # the form, not a redirect onwards


def test_signed_in_browser_skips_the_login_form(client: TestClient, ann: str) -> None:
    sign_in(client, ann)

    response = client.get("/ui/login?next=/ui/ops/stats", follow_redirects=False)

    assert (response.status_code, response.headers["location"]) == (303, "/ui/ops/stats")


def test_session_endpoint_needs_a_caller_and_tells_keys_apart(
    client: TestClient, moderator: Headers, site: Headers
) -> None:
    assert client.get("/v1/session").status_code == 401
    assert client.get("/v1/session", headers=site).status_code == 403
    assert client.get("/v1/session", headers=moderator).json() == {
        "username": "mod-ann",
        "role": "moderator",
        "csrf_token": None,
        "expires_at": None,
    }


def test_api_key_wins_over_a_session_cookie_and_needs_no_csrf(
    client: TestClient, ann: str, site: Headers, moderator: Headers
) -> None:
    sign_in(client, ann)
    comment_id = post_comment(client, site)

    response = client.post(
        f"/v1/comments/{comment_id}/decision", json={"decision": "approve"}, headers=moderator
    )

    assert response.status_code == 200
    assert client.get("/v1/session", headers=site).status_code == 403  # the key, not the cookie
