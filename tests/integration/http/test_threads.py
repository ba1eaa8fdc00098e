"""A reported or rejected comment's approved replies stay published (issue 12): nothing re-queues
or hides them, and the article listing keeps the hidden parent's place without its text."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from service.domain import Decision
from service.moderation import Moderation
from tests.integration.http.conftest import Headers, approve, post_comment

PARENT_BODY = "The parent comment that readers will report."


def report_three_times(client: TestClient, site: Headers, comment_id: str) -> None:
    for reader in ("r-1", "r-2", "r-3"):
        client.post(
            f"/v1/comments/{comment_id}/reports",
            json={"reporter_id": reader, "reason": "abuse"},
            headers=site,
        )


def state(moderation: Moderation, comment_id: str) -> tuple[str, int, int]:
    """Status, version and length of the action log: any change to the comment moves one."""
    view = moderation.moderation_view(comment_id)
    return view.comment.status.value, view.comment.version, len(view.actions)


def thread(client: TestClient, site: Headers, article: str) -> dict[str, Any]:
    body = client.get(f"/v1/articles/{article}/comments", headers=site).json()
    (only,) = body["items"]
    return dict(only)


def test_a_reported_comments_approved_replies_stay_published(
    client: TestClient, site: Headers, moderation: Moderation
) -> None:
    root = post_comment(client, site, article_id="t-1", body=PARENT_BODY)
    reply = post_comment(client, site, article_id="t-1", parent_id=root)
    nested = post_comment(client, site, article_id="t-1", parent_id=reply)
    for comment_id in (root, reply, nested):
        approve(moderation, comment_id)
    before = {c: state(moderation, c) for c in (reply, nested)}

    report_three_times(client, site, root)

    assert state(moderation, root)[0] == "reported"
    assert {c: state(moderation, c) for c in (reply, nested)} == before  # untouched
    top = thread(client, site, "t-1")
    assert (top["id"], top["available"], top["author"], top["body"]) == (root, False, None, None)
    assert [r["id"] for r in top["replies"]] == [reply]
    assert top["replies"][0]["available"] is True
    assert [r["id"] for r in top["replies"][0]["replies"]] == [nested]
    listing = client.get("/v1/articles/t-1/comments", headers=site).json()
    assert PARENT_BODY not in str(listing)
    assert listing["counts"] == {"comments": 2, "threads": 0}  # published ones only


def test_a_rejected_replys_approved_replies_stay_under_its_place(
    client: TestClient, site: Headers, moderation: Moderation
) -> None:
    root = post_comment(client, site, article_id="t-2")
    middle = post_comment(client, site, article_id="t-2", parent_id=root, body=PARENT_BODY)
    leaf = post_comment(client, site, article_id="t-2", parent_id=middle)
    lonely = post_comment(client, site, article_id="t-2", parent_id=root)  # no replies
    for comment_id in (root, middle, leaf, lonely):
        approve(moderation, comment_id)
    leaf_before = state(moderation, leaf)

    for comment_id in (middle, lonely):
        moderation.decide(
            comment_id, decision=Decision.REJECT, actor="mod-ann", reason="toxic", note=None,
            expected_version=moderation.get_comment(comment_id).version,
        )  # fmt: skip

    assert state(moderation, leaf) == leaf_before
    top = thread(client, site, "t-2")
    assert (top["id"], top["available"]) == (root, True)
    (placeholder,) = top["replies"]  # the rejected reply without replies is simply gone
    assert (placeholder["id"], placeholder["available"], placeholder["body"]) == (
        middle, False, None,
    )  # fmt: skip
    assert [r["id"] for r in placeholder["replies"]] == [leaf]
    assert PARENT_BODY not in str(top)


def test_a_hidden_comment_without_published_replies_is_not_listed(
    client: TestClient, site: Headers, moderation: Moderation
) -> None:
    root = post_comment(client, site, article_id="t-3")
    post_comment(client, site, article_id="t-3", parent_id=root)  # pending: not published
    approve(moderation, root)
    report_three_times(client, site, root)
    body = client.get("/v1/articles/t-3/comments", headers=site).json()
    assert body["items"] == []


def test_dismissing_the_reports_shows_the_parent_again(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    root = post_comment(client, site, article_id="t-4", body=PARENT_BODY)
    reply = post_comment(client, site, article_id="t-4", parent_id=root)
    for comment_id in (root, reply):
        approve(moderation, comment_id)
    report_three_times(client, site, root)
    client.post(f"/v1/comments/{root}/reports/dismiss", json={}, headers=moderator)
    top = thread(client, site, "t-4")
    assert (top["available"], top["body"]) == (True, PARENT_BODY)
    assert [r["id"] for r in top["replies"]] == [reply]
