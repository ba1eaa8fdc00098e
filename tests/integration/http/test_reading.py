"""Reading for sites: newest-first listings with counts, batch lookups, the pre-submit check."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from service.domain import Classification, Comment, Role
from service.http import create_app
from service.models import CommentRow
from service.moderation import Moderation
from service.settings import Settings
from service.verdict.explanation import Explainer
from tests.integration.http.conftest import Headers, approve, comment_payload, post_comment


def test_article_listing_newest_first_with_counts(
    client: TestClient, site: Headers, moderation: Moderation
) -> None:
    roots = [post_comment(client, site, article_id="a-9") for _ in range(3)]
    reply = post_comment(client, site, article_id="a-9", parent_id=roots[0])
    for comment_id in [*roots, reply]:
        approve(moderation, comment_id)
    post_comment(client, site, article_id="a-9")  # pending: neither listed nor counted

    seen: list[str] = []
    url = "/v1/articles/a-9/comments?order=newest&limit=2"
    while url:
        body = client.get(url, headers=site).json()
        assert body["counts"] == {"comments": 4, "threads": 3}
        seen += [t["id"] for t in body["items"]]
        cursor = body["next_cursor"]
        url = f"/v1/articles/a-9/comments?order=newest&limit=2&cursor={cursor}" if cursor else ""

    assert seen == list(reversed(roots))
    oldest = client.get("/v1/articles/a-9/comments", headers=site).json()
    assert [t["id"] for t in oldest["items"]] == roots
    assert [r["id"] for r in oldest["items"][0]["replies"]] == [reply]


def test_a_cursor_of_one_order_is_refused_in_the_other(
    client: TestClient, site: Headers, moderation: Moderation
) -> None:
    for comment_id in [post_comment(client, site, article_id="a-8") for _ in range(3)]:
        approve(moderation, comment_id)
    cursor = client.get("/v1/articles/a-8/comments?limit=1", headers=site).json()["next_cursor"]

    response = client.get(f"/v1/articles/a-8/comments?order=newest&cursor={cursor}", headers=site)

    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/query/cursor"


def test_lookup_answers_up_to_500_statuses_at_once(
    client: TestClient, site: Headers, make_key: Callable[[Role, str], Headers]
) -> None:
    mine = [post_comment(client, site) for _ in range(3)]
    theirs = post_comment(client, make_key(Role.SITE, "other-site"))
    ids = [*mine, theirs, "no-such-id"]

    body = client.post("/v1/comments/lookup", json={"ids": ids}, headers=site).json()
    too_many = client.post("/v1/comments/lookup", json={"ids": ["x"] * 501}, headers=site)

    assert [c["id"] for c in body["items"]] == mine
    assert {c["status"] for c in body["items"]} == {"pending"}
    assert body["missing"] == [theirs, "no-such-id"]
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["pointer"] == "/ids"


class KeywordScorer:
    """A scorer at the seam the API takes (service.check.CheckScorer)."""

    def __call__(
        self, comments: Sequence[Comment]
    ) -> tuple[list[Classification], Explainer | None]:
        results = [
            Classification(c.id, {"spam": 0.995 if "giveaway" in c.body else 0.01}, "m-check")
            for c in comments
        ]
        return results, None


@pytest.fixture
def check_client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings, check_scorer=KeywordScorer())) as client:
        yield client


def test_check_gives_the_verdict_without_storing_anything(
    check_client: TestClient, site: Headers, sessions: sessionmaker[Session]
) -> None:
    spam = comment_payload(body="Free giveaway, visit quick-profit.xyz")
    fine = comment_payload(body="A careful point about inflation.")

    rejected = check_client.post("/v1/check", json=spam, headers=site)
    approved = check_client.post("/v1/check", json=fine, headers=site).json()

    assert rejected.status_code == 200
    assert rejected.json()["verdict"] == "reject"
    assert rejected.json()["reasons"] == ["spam", "links"]
    assert rejected.json()["model_version"] == "m-check"
    assert (approved["verdict"], approved["reasons"]) == ("approve", [])
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(CommentRow)) == 0


def test_check_answers_a_closed_articles_409_before_scoring(
    check_client: TestClient, site: Headers
) -> None:
    check_client.put("/v1/articles/shut/settings", json={"closed": True}, headers=site)

    response = check_client.post("/v1/check", json=comment_payload(article_id="shut"), headers=site)

    assert response.status_code == 409, response.text
    assert response.json()["code"] == "comments-closed"


def test_check_without_a_scorer_is_a_503(client: TestClient, site: Headers) -> None:
    response = client.post("/v1/check", json=comment_payload(), headers=site)

    assert response.status_code == 503
    assert response.json()["code"] == "check-unavailable"


def test_check_validates_like_a_submission(check_client: TestClient, site: Headers) -> None:
    response = check_client.post("/v1/check", json={"body": "x"}, headers=site)

    assert response.status_code == 422
    assert {"pointer": "/article_id", "detail": "is required"} in response.json()["errors"]


def test_edit_and_delete_through_the_api(
    client: TestClient, site: Headers, moderator: Headers, app_settings: Settings
) -> None:
    comment_id = post_comment(client, site, body="First words.")

    edited = client.patch(
        f"/v1/comments/{comment_id}", json={"body": "Second words."}, headers=site
    )
    same = client.patch(f"/v1/comments/{comment_id}", json={"body": "Second words."}, headers=site)
    revisions = client.get(f"/v1/comments/{comment_id}/revisions", headers=moderator).json()
    deleted = client.delete(f"/v1/comments/{comment_id}", headers=site)
    after = client.patch(f"/v1/comments/{comment_id}", json={"body": "Third."}, headers=site)

    assert (edited.json()["revision"], edited.json()["edited"]) == (2, True)
    assert same.json()["edited"] is False
    assert [r["body"] for r in revisions["revisions"]] == ["First words.", "Second words."]
    assert "-First words." in revisions["diffs"][0]["diff"]
    assert "+Second words." in revisions["diffs"][0]["diff"]
    assert deleted.json() == {"id": comment_id, "status": "deleted"}
    assert (after.status_code, after.json()["code"]) == (409, "comment-deleted")


def test_an_edit_after_the_window_is_refused(app_settings: Settings, site: Headers) -> None:
    closed = dataclasses.replace(app_settings.sites.default, edit_window_seconds=0)
    settings = dataclasses.replace(
        app_settings, sites=dataclasses.replace(app_settings.sites, default=closed)
    )
    with TestClient(create_app(settings)) as client:
        comment_id = post_comment(client, site)
        response = client.patch(f"/v1/comments/{comment_id}", json={"body": "new"}, headers=site)

    assert (response.status_code, response.json()["code"]) == (409, "edit-window-closed")


def test_privacy_export_and_erasure_through_the_api(client: TestClient, site: Headers) -> None:
    post_comment(client, site, author={"id": "u-gdpr", "display_name": "Greta"}, body="Mine.")

    export = client.get("/v1/privacy/authors/u-gdpr", headers=site)
    erased = client.delete("/v1/privacy/authors/u-gdpr", headers=site).json()
    empty = client.get("/v1/privacy/authors/u-gdpr", headers=site).json()

    assert export.headers["content-disposition"].startswith("attachment")
    assert [c["body"] for c in export.json()["comments"]] == ["Mine."]
    assert erased["comments"] == 1
    assert erased["author_key"].startswith("erased-")
    assert empty["comments"] == []


def test_an_edit_keeps_the_line_breaks_a_submission_may_have(
    client: TestClient, site: Headers
) -> None:
    # The edit body was declared as a single line, so a comment with paragraphs could only be
    # edited into one without them.
    comment_id = post_comment(client, site, body="First paragraph.\n\nSecond one.")
    edited = client.patch(
        f"/v1/comments/{comment_id}", json={"body": "First paragraph.\n\nSecond, edited."},
        headers=site,
    )  # fmt: skip
    assert edited.status_code == 200, edited.text
    assert edited.json()["body"] == "First paragraph.\n\nSecond, edited."


def test_check_of_a_reply_to_a_malformed_parent_id_is_not_a_500(
    check_client: TestClient, site: Headers
) -> None:
    # Comment ids are stored as 16 bytes since 0022: a string that is not one is no fault of the
    # server. The check refuses it as the submission would: 422 at /parent_id.
    for parent_id in ("nope", "z" * 36, "019AD5C0-0000-7000-8000-0000000000AB"):
        payload = comment_payload(body="A careful point about inflation.", parent_id=parent_id)
        response = check_client.post("/v1/check", json=payload, headers=site)
        assert response.status_code == 422, response.text
        assert [e["pointer"] for e in response.json()["errors"]] == ["/parent_id"]
