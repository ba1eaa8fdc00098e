"""Issue 12 over HTTP: article settings (site and moderators), 409 comments-closed, 403
author-suspended, and timed author policies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from service.domain import AuthorPolicy, Role
from service.moderation import Moderation
from service.settings import Settings
from service.workspace import Workspace
from tests.integration.http.conftest import Headers, comment_payload, post_comment

OWN = "/v1/articles/{}/settings"
ANY = "/v1/sites/news-site/articles/{}/settings"
PROBLEM = "application/problem+json"


def _pending(client: TestClient, moderator: Headers) -> int:
    queues = client.get("/v1/queues", headers=moderator).json()["queues"]
    return int(next(q["count"] for q in queues if q["name"] == "pending"))


def test_a_site_sets_its_own_articles_and_moderators_see_them(
    client: TestClient, site: Headers, moderator: Headers
) -> None:
    assert client.get(OWN.format("a-1"), headers=site).json() == {
        "site_id": "news-site", "article_id": "a-1", "premoderate": False,
        "premoderate_links": False, "closed": False, "set_by": None, "set_at": None,
    }  # fmt: skip

    response = client.put(OWN.format("a-1"), json={"premoderate_links": True}, headers=site)

    assert response.status_code == 200, response.text
    seen = client.get(ANY.format("a-1"), headers=moderator).json()
    assert (seen["premoderate_links"], seen["premoderate"], seen["set_by"]) == (
        True, False, "news-site",
    )  # fmt: skip


def test_another_sites_key_reaches_only_its_own_article_of_that_id(
    client: TestClient, site: Headers, make_key: Callable[[Role, str], Headers]
) -> None:
    other = make_key(Role.SITE, "other-site")
    client.put(OWN.format("shared-id"), json={"closed": True}, headers=site)

    theirs = client.get(OWN.format("shared-id"), headers=other).json()

    assert (theirs["site_id"], theirs["closed"]) == ("other-site", False)
    post_comment(client, other, article_id="shared-id")  # their article stays open


def test_moderators_set_any_sites_article_and_put_replaces_the_whole_settings(
    client: TestClient, site: Headers, moderator: Headers
) -> None:
    client.put(ANY.format("a-2"), json={"premoderate": True, "closed": True}, headers=moderator)
    client.put(ANY.format("a-2"), json={"premoderate": True}, headers=moderator)

    mine = client.get(OWN.format("a-2"), headers=site).json()

    assert (mine["premoderate"], mine["closed"], mine["set_by"]) == (True, False, "mod-ann")


def test_article_settings_admit_only_their_roles(
    client: TestClient, site: Headers, moderator: Headers
) -> None:
    assert client.get(OWN.format("a-1"), headers=moderator).status_code == 403
    assert client.put(ANY.format("a-1"), json={}, headers=site).status_code == 403
    assert client.get(ANY.format("a-1")).status_code == 401


def test_bad_article_settings_are_a_422_problem(client: TestClient, site: Headers) -> None:
    wrong_type = client.put(OWN.format("a-1"), json={"closed": "yes"}, headers=site)
    too_long = client.put(OWN.format("a" * 201), json={"closed": True}, headers=site)

    for response, pointer in ((wrong_type, "/closed"), (too_long, "/path/article_id")):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == PROBLEM
        assert [e["pointer"] for e in response.json()["errors"]] == [pointer]


def test_a_closed_article_answers_409_and_stores_nothing(
    client: TestClient, site: Headers, moderator: Headers
) -> None:
    reply_to = post_comment(client, site, article_id="a-closing")
    client.put(OWN.format("a-closing"), json={"closed": True}, headers=site)
    before = _pending(client, moderator)

    refused = client.post(
        "/v1/comments", json=comment_payload(article_id="a-closing"), headers=site
    )
    edit = client.patch(f"/v1/comments/{reply_to}", json={"body": "Changed."}, headers=site)

    for response in (refused, edit):
        assert response.status_code == 409, response.text
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"].endswith("/comments-closed")
    assert _pending(client, moderator) == before
    assert client.delete(f"/v1/comments/{reply_to}", headers=site).status_code == 200


def test_a_suspended_author_gets_403_with_the_end_time_until_it_passes(
    client: TestClient,
    site: Headers,
    moderator: Headers,
    moderation: Moderation,
    sessions: sessionmaker[Session],
    app_settings: Settings,
) -> None:
    earlier_post = post_comment(client, site, author={"id": "u-s", "display_name": "S"})
    until = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    stamp = until.isoformat().replace("+00:00", "Z")
    body = {"policy": "suspend", "expires_at": stamp, "note": "two days off"}
    assert (
        client.put("/v1/authors/news-site/u-s/policy", json=body, headers=moderator).json()[
            "expires_at"
        ]
        == stamp
    )
    payload = comment_payload(author={"id": "u-s", "display_name": "S"})

    refused = client.post("/v1/comments", json=payload, headers=site)

    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"] == PROBLEM
    problem = refused.json()
    assert (problem["code"], problem["suspended_until"]) == ("author-suspended", stamp)
    edit = client.patch(f"/v1/comments/{earlier_post}", json={"body": "Changed."}, headers=site)
    assert (edit.status_code, edit.json()["code"]) == (403, "author-suspended")
    # A suspension set two hours ago for one hour has ended: nothing applies any more.
    earlier = datetime.now(UTC) - timedelta(hours=2)
    Workspace(sessions, app_settings, clock=lambda: earlier).set_policy(
        "news-site", "u-s", policy=AuthorPolicy.SUSPEND, trust_threshold=None, note=None,
        actor="mod", expires_at=earlier + timedelta(hours=1),
    )  # fmt: skip
    assert client.post("/v1/comments", json=payload, headers=site).status_code == 202
    assert client.get("/v1/authors/news-site/u-s", headers=moderator).json()["policy"] is None


def test_a_timed_policy_needs_a_future_end_and_a_suspension_needs_one(
    client: TestClient, moderator: Headers
) -> None:
    path = "/v1/authors/news-site/u-t/policy"
    cases = [
        {"policy": "suspend"},
        {"policy": "premoderate", "expires_at": "2020-01-01T00:00:00Z"},
        {"policy": "ban", "expires_at": "2099-01-01T00:00:00"},  # no time zone
    ]
    for body in cases:
        response = client.put(path, json=body, headers=moderator)
        assert response.status_code == 422, (body, response.text)
        assert [e["pointer"] for e in response.json()["errors"]] == ["/expires_at"]

    kept = client.put(
        path,
        json={"policy": "premoderate", "expires_at": "2099-01-01T00:00:00Z"},
        headers=moderator,
    )
    assert kept.json()["expires_at"] == "2099-01-01T00:00:00Z"
    view = client.get("/v1/authors/news-site/u-t", headers=moderator).json()
    assert view["policy"]["policy"] == "premoderate"
    assert view["recent_rejections"] is None  # the site has no recent-history trigger


def test_the_authors_data_export_shows_when_their_policy_ends(
    client: TestClient, site: Headers, moderator: Headers
) -> None:
    body = {"policy": "suspend", "expires_at": "2099-01-01T00:00:00Z"}
    client.put("/v1/authors/news-site/u-x/policy", json=body, headers=moderator)

    export = client.get("/v1/privacy/authors/u-x", headers=site).json()

    assert export["policy"]["policy"] == "suspend"
    assert export["policy"]["expires_at"] == "2099-01-01T00:00:00Z"
