from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from service.domain import Role
from service.moderation import Moderation
from tests.integration.http.conftest import Headers, approve, classify, post_comment


def test_get_comment_shows_status_and_no_reasons_while_pending(
    client: TestClient, site: Headers
) -> None:
    comment_id = post_comment(client, site, body="hello there")
    body = client.get(f"/v1/comments/{comment_id}", headers=site).json()

    assert body["id"] == comment_id
    assert body["status"] == "pending"
    assert body["reasons"] == []
    assert body["created_at"].endswith("Z")


def test_get_comment_shows_reasons_once_decided(
    client: TestClient, site: Headers, moderation: Moderation
) -> None:
    comment_id = post_comment(client, site)
    classify(moderation, comment_id, spam=0.8, toxic=0.1)
    body = client.get(f"/v1/comments/{comment_id}", headers=site).json()

    assert body["status"] == "withheld"
    assert body["reasons"] == ["spam"]
    assert body["decided_at"].endswith("Z")


def test_get_comment_hides_other_sites_comments(
    client: TestClient, site: Headers, make_key: Callable[[Role, str], Headers]
) -> None:
    comment_id = post_comment(client, site)
    other_site = make_key(Role.SITE, "other-site")

    response = client.get(f"/v1/comments/{comment_id}", headers=other_site)
    assert response.status_code == 404
    assert response.json()["code"] == "not-found"


def test_article_comments_lists_only_approved_comments_threaded(
    client: TestClient, site: Headers, moderation: Moderation
) -> None:
    root = post_comment(client, site, article_id="a-1")
    reply = post_comment(client, site, article_id="a-1", parent_id=root)
    nested = post_comment(client, site, article_id="a-1", parent_id=reply)
    hidden_reply = post_comment(client, site, article_id="a-1", parent_id=root)
    post_comment(client, site, article_id="a-1")  # pending: not shown
    approved_elsewhere = post_comment(client, site, article_id="a-2")
    for comment_id in (root, reply, nested, approved_elsewhere):
        approve(moderation, comment_id)

    body = client.get("/v1/articles/a-1/comments", headers=site).json()

    assert body["next_cursor"] is None
    [thread] = body["items"]
    assert thread["id"] == root
    assert [r["id"] for r in thread["replies"]] == [reply]
    assert [r["id"] for r in thread["replies"][0]["replies"]] == [nested]
    assert hidden_reply not in str(body)


def test_article_comments_paginates_threads_with_a_cursor(
    client: TestClient, site: Headers, moderation: Moderation
) -> None:
    roots = [post_comment(client, site, article_id="a-3") for _ in range(5)]
    for comment_id in roots:
        approve(moderation, comment_id)

    seen: list[str] = []
    url = "/v1/articles/a-3/comments?limit=2"
    while url:
        body = client.get(url, headers=site).json()
        assert len(body["items"]) <= 2
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        url = f"/v1/articles/a-3/comments?limit=2&cursor={cursor}" if cursor else ""
    assert seen == roots


def test_article_comments_rejects_bad_paging_by_query_pointer(
    client: TestClient, site: Headers
) -> None:
    response = client.get("/v1/articles/a/comments?limit=51&cursor=nonsense", headers=site)
    assert response.status_code == 422
    assert {e["pointer"] for e in response.json()["errors"]} == {"/query/limit"}

    response = client.get("/v1/articles/a/comments?cursor=bm9uc2Vuc2U", headers=site)
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == ["/query/cursor"]


def test_report_is_202_when_new_and_200_when_repeated(
    client: TestClient, site: Headers, moderation: Moderation
) -> None:
    comment_id = post_comment(client, site)
    report = {"reporter_id": "u-77", "reason": "spam", "note": "looks like a scam"}
    first = client.post(f"/v1/comments/{comment_id}/reports", json=report, headers=site)
    again = client.post(f"/v1/comments/{comment_id}/reports", json=report, headers=site)

    assert first.status_code == 202
    assert first.json() == {"comment_id": comment_id, "status": "pending", "duplicate": False}
    assert again.status_code == 200
    assert again.json()["duplicate"] is True


def test_report_reopens_an_approved_comment_at_the_threshold(
    client: TestClient, site: Headers, moderation: Moderation
) -> None:
    comment_id = post_comment(client, site)
    approve(moderation, comment_id)
    for reader in ("r1", "r2", "r3"):
        response = client.post(
            f"/v1/comments/{comment_id}/reports",
            json={"reporter_id": reader, "reason": "abuse"},
            headers=site,
        )
    assert response.json()["status"] == "reported"


def test_report_on_an_unknown_comment_is_404(client: TestClient, site: Headers) -> None:
    response = client.post(
        "/v1/comments/nope/reports", json={"reporter_id": "r", "reason": "spam"}, headers=site
    )
    assert response.status_code == 404


def test_report_requires_reporter_and_reason(client: TestClient, site: Headers) -> None:
    comment_id = post_comment(client, site)
    response = client.post(f"/v1/comments/{comment_id}/reports", json={}, headers=site)
    assert response.status_code == 422
    assert {e["pointer"] for e in response.json()["errors"]} == {"/reporter_id", "/reason"}
