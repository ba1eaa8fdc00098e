from __future__ import annotations

import time
from collections.abc import Iterator

from redis import Redis
from starlette.testclient import TestClient

from service.moderation import Moderation
from tests.factories import eventually
from tests.integration.http.conftest import Headers, comment_payload, post_comment

CLASSIFY_QUEUE = "rq:queue:classify"
ENQUEUE_SETTLE_SECONDS = 0.2  # several times the enqueue linger of the test app


def test_submit_returns_202_after_storing_and_enqueueing(
    client: TestClient, site: Headers, moderation: Moderation, redis: Redis
) -> None:
    response = client.post("/v1/comments", json=comment_payload(body="Nice"), headers=site)

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "pending"
    assert body["replayed"] is False
    assert response.headers["location"] == f"/v1/comments/{body['id']}"
    stored = moderation.get_comment(body["id"])
    assert stored.site_id == "news-site"
    assert stored.body == "Nice"
    eventually(lambda: redis.llen(CLASSIFY_QUEUE) == 1)  # enqueued after the answer, not before


def test_submit_normalises_body_with_nfkc_and_strips_it(
    client: TestClient, site: Headers, moderation: Moderation
) -> None:
    # Fullwidth letters and the "fi" ligature, written as escapes so the source stays plain.
    body = "  \uff46\uff55\uff4c\uff4c width \ufb01ne \n"
    comment_id = post_comment(client, site, body=body)
    assert moderation.get_comment(comment_id).body == "full width fine"


def test_submit_stores_author_envelope_and_reply(
    client: TestClient, site: Headers, moderation: Moderation
) -> None:
    parent = post_comment(client, site, article_id="a-1")
    author = {"id": "u-9", "display_name": "Nine", "email_hash": "ab", "account_age_days": 1.5,
              "karma": 3}  # fmt: skip
    envelope = {"ip": "203.0.113.9", "user_agent": "UA", "referrer": "r", "permalink": "p"}
    reply = post_comment(
        client, site, article_id="a-1", author=author, parent_id=parent, language="en",
        envelope=envelope,
    )  # fmt: skip
    stored = moderation.get_comment(reply)
    assert (stored.parent_id, stored.root_id, stored.language) == (parent, parent, "en")
    assert stored.author.karma == 3
    assert stored.author.account_age_days == 1.5


def test_submit_reports_every_invalid_field_by_pointer(client: TestClient, site: Headers) -> None:
    payload = {
        "author": {"id": "", "display_name": 7, "karma": 1.5, "extra": 1},
        "body": "   ",
        "envelope": {"ip": "x" * 65},
        "surprise": True,
    }
    response = client.post("/v1/comments", json=payload, headers=site)

    assert response.status_code == 422
    pointers = {e["pointer"]: e["detail"] for e in response.json()["errors"]}
    assert set(pointers) == {
        "/article_id", "/author/id", "/author/display_name", "/author/karma", "/author/extra",
        "/body", "/envelope/ip", "/surprise",
    }  # fmt: skip
    assert pointers["/article_id"] == "is required"
    assert pointers["/body"] == "must not be empty"


def test_submit_rejects_a_body_longer_than_max_comment_chars(
    client: TestClient, site: Headers
) -> None:
    response = client.post("/v1/comments", json=comment_payload(body="x" * 501), headers=site)

    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/body"


def test_submit_rejects_a_parent_on_another_article(client: TestClient, site: Headers) -> None:
    parent = post_comment(client, site, article_id="a-1")
    response = client.post(
        "/v1/comments", json=comment_payload(article_id="a-2", parent_id=parent), headers=site
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/parent_id"


def test_submit_refuses_a_declared_content_length_over_the_limit(
    client: TestClient, site: Headers
) -> None:
    response = client.post(
        "/v1/comments", content=b"{" + b" " * 5000 + b"}",
        headers={**site, "Content-Type": "application/json"},
    )  # fmt: skip
    assert response.status_code == 413
    assert response.json()["code"] == "payload-too-large"


def test_submit_counts_streamed_bytes_without_content_length(
    client: TestClient, site: Headers
) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b" " * 1000

    headers = {**site, "Content-Type": "application/json"}
    response = client.post("/v1/comments", content=chunks(), headers=headers)
    assert "content-length" not in response.request.headers
    assert response.status_code == 413


def test_submit_rejects_malformed_json_with_400(client: TestClient, site: Headers) -> None:
    headers = {**site, "Content-Type": "application/json"}
    response = client.post("/v1/comments", content=b'{"body": ', headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == "malformed-request"


def test_submit_rejects_a_json_array_with_a_root_pointer(client: TestClient, site: Headers) -> None:
    response = client.post("/v1/comments", json=[1], headers=site)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"pointer": "", "detail": "must be a JSON object"}]


def test_submit_replays_the_same_idempotency_key(
    client: TestClient, site: Headers, moderation: Moderation, redis: Redis
) -> None:
    payload = comment_payload()
    headers = {**site, "Idempotency-Key": "retry-1"}
    first = client.post("/v1/comments", json=payload, headers=headers)
    # Same content, different key order: the canonical JSON is what must match.
    reordered = dict(reversed(list(payload.items())))
    second = client.post("/v1/comments", json=reordered, headers=headers)

    assert (first.status_code, second.status_code) == (202, 200)
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["replayed"] is True
    assert moderation.queue_overview()[0].count == 1  # one pending comment
    eventually(lambda: redis.llen(CLASSIFY_QUEUE) == 1)
    time.sleep(ENQUEUE_SETTLE_SECONDS)  # a second job would have been enqueued by now
    assert redis.llen(CLASSIFY_QUEUE) == 1


def test_submit_refuses_a_reused_idempotency_key_with_a_new_body(
    client: TestClient, site: Headers
) -> None:
    headers = {**site, "Idempotency-Key": "retry-2"}
    client.post("/v1/comments", json=comment_payload(body="one"), headers=headers)
    response = client.post("/v1/comments", json=comment_payload(body="two"), headers=headers)

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency-key-reused"


def test_submit_rejects_an_overlong_idempotency_key(client: TestClient, site: Headers) -> None:
    headers = {**site, "Idempotency-Key": "k" * 201}
    response = client.post("/v1/comments", json=comment_payload(), headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/headers/idempotency-key"
