"""The end-to-end story of issue 2, through the real HTTP API, a real RQ worker, the shipped
model, real Redis/Valkey and SQLite or PostgreSQL: a site posts a clean comment and a spammy one,
the worker classifies both, the clean one is shown, the spammy one waits in a moderator queue
with its reasons, a moderator approves it, and the audit log shows every step."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from redis import Redis
from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from commentdesk.bootstrap import shipped_model_version
from service.auth import generate_api_key
from service.domain import Role
from service.http import create_app
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.queue import CLASSIFY_QUEUE
from service.settings import Settings
from service.store.keys import add_api_key
from tests.factories import eventually
from workers.context import build_context, install

CLEAN = "Thanks for the clear write-up on the ETF flows; the chart on page two helped a lot."
SPAMMY = (
    "EARN 5 BTC DAILY!!! My account manager doubled my bitcoin in 24 hours. Contact him on "
    "WhatsApp +1 555 0100 or visit www.quick-profit-btc.xyz to claim your bonus now!!!"
)


@pytest.fixture
def story_settings(settings: Settings, test_redis_url: str) -> Settings:
    return dataclasses.replace(settings, redis_url=test_redis_url, enqueue_linger_seconds=0.01)


@pytest.fixture
def keys(sessions: sessionmaker[Session]) -> dict[Role, dict[str, str]]:
    headers = {}
    for role in Role:
        token, digest, prefix = generate_api_key()
        with sessions.begin() as session:
            add_api_key(
                session,
                name=f"news-{role.value}",
                role=role,
                key_hash=digest,
                prefix=prefix,
                now=datetime.now(UTC),
            )
        headers[role] = {"Authorization": f"Bearer {token}"}
    return headers


@pytest.fixture
def client(story_settings: Settings, moderation: Moderation) -> Iterator[TestClient]:
    # What `commentdesk migrate` does.
    Lifecycle(moderation.sessions).register(shipped_model_version(), champion_if_unset=True)
    context = build_context(story_settings, "story-worker")  # loads the real skops model
    install(context)
    try:
        with TestClient(create_app(story_settings)) as test_client:
            yield test_client
    finally:
        install(None)
        context.close()


def run_worker(redis: Redis) -> None:
    eventually(lambda: redis.llen(f"rq:queue:{CLASSIFY_QUEUE}") > 0)
    SimpleWorker([CLASSIFY_QUEUE], connection=redis, serializer=JSONSerializer).work(burst=True)


def post(client: TestClient, headers: dict[str, str], author: str, body: str) -> str:
    payload = {"article_id": "btc-etf", "author": {"id": author, "display_name": author}}
    response = client.post("/v1/comments", json={**payload, "body": body}, headers=headers)
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def get(client: TestClient, headers: dict[str, str], path: str) -> Any:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_story_site_worker_moderator_audit(
    client: TestClient, keys: dict[Role, dict[str, str]], redis: Redis
) -> None:
    site, moderator, ops = keys[Role.SITE], keys[Role.MODERATOR], keys[Role.OPS]
    clean_id = post(client, site, "ann", CLEAN)
    spam_id = post(client, site, "max", SPAMMY)
    run_worker(redis)

    clean = get(client, site, f"/v1/comments/{clean_id}")
    spammy = get(client, site, f"/v1/comments/{spam_id}")
    assert clean["status"] == "approved"
    assert spammy["status"] in {"withheld", "spam"}
    assert "spam" in spammy["reasons"]
    assert "links" in spammy["reasons"]

    shown = get(client, site, "/v1/articles/btc-etf/comments")["items"]
    assert [c["id"] for c in shown] == [clean_id]

    queue = "review" if spammy["status"] == "withheld" else "spam"
    held = get(client, moderator, f"/v1/queues/{queue}")["items"]
    assert [c["id"] for c in held] == [spam_id]
    assert held[0]["reasons"] == spammy["reasons"]

    view = get(client, moderator, f"/v1/comments/{spam_id}/moderation")
    version_id = shipped_model_version().id
    assert view["model_version"] == version_id
    assert view["scores"][version_id]["spam"] >= 0.5
    assert view["scores"][version_id]["spam"] > get_spam_score(client, moderator, clean_id)

    decided = client.post(
        f"/v1/comments/{spam_id}/decision",
        json={"decision": "approve", "note": "a reader's real experience"},
        headers={**moderator, "If-Match": f'"{view["comment"]["version"]}"'},
    )
    assert decided.status_code == 200, decided.text
    shown = get(client, site, "/v1/articles/btc-etf/comments")["items"]
    assert {c["id"] for c in shown} == {clean_id, spam_id}

    audit = get(client, ops, "/v1/audit?limit=50")["items"]
    steps = [(a["comment_id"], a["kind"], a["actor"], a["to_status"]) for a in reversed(audit)]
    # Submissions are not stored actions (issue 10): the log across comments starts with the
    # verdicts, and one comment's log ends with its submission, derived from the comment.
    assert len(steps) == 3
    # Both verdicts come from one job; their order within it is not part of the contract.
    assert set(steps[:2]) == {
        (clean_id, "classified", None, "approved"),
        (spam_id, "classified", None, spammy["status"]),
    }
    assert steps[2] == (spam_id, "decided", "news-moderator", "approved")
    history = get(client, ops, f"/v1/audit?comment_id={spam_id}")["items"]
    assert [a["kind"] for a in reversed(history)] == ["submitted", "classified", "decided"]


def get_spam_score(client: TestClient, headers: dict[str, str], comment_id: str) -> float:
    view = get(client, headers, f"/v1/comments/{comment_id}/moderation")
    return float(view["scores"][view["model_version"]]["spam"])


def test_withheld_comment_shows_evidence_spans_of_its_stored_body(
    client: TestClient, keys: dict[Role, dict[str, str]], redis: Redis
) -> None:
    site, moderator = keys[Role.SITE], keys[Role.MODERATOR]
    wallet = "0x52908400098527886E0F7030069857D2E4169EE7"
    # Non-ASCII before the spans: offsets count code points of the body as stored.
    scam = f"Ünïcödé ✨ {SPAMMY} Send 0.1 ETH to {wallet} for the airdrop."
    clean_id = post(client, site, "ann", CLEAN)
    scam_id = post(client, site, "max", scam)
    run_worker(redis)

    view = get(client, moderator, f"/v1/comments/{scam_id}/moderation")
    assert view["comment"]["status"] in {"withheld", "spam"}
    body = view["comment"]["body"]
    assert body == scam
    evidence = view["evidence"]
    spam_spans = evidence["labels"]["spam"]
    assert spam_spans
    # The labels that held the comment are explained, and any other that scored >= 0.5.
    scored = view["scores"][view["model_version"]]
    assert set(evidence["labels"]) == (set(view["reasons"]) & set(scored)) | {
        label for label, score in scored.items() if score >= 0.5
    }
    rules = evidence["rules"]
    for span in [*spam_spans, *rules, *(s for v in evidence["labels"].values() for s in v)]:
        assert body[span["start"] : span["end"]] == span["text"], span
        assert set(span) >= {"start", "end", "text", "weight", "kind"}
    assert all(s["weight"] > 0 for s in spam_spans)
    # Spam names its signals first (a link with its host), then the words the label credited.
    kinds = [s["kind"] for s in spam_spans]
    assert kinds == sorted(kinds, key=lambda kind: kind != "rule"), kinds
    assert {"rule": "links", "detail": "www.quick-profit-btc.xyz"}.items() <= next(
        s for s in spam_spans if s.get("rule") == "links"
    ).items()
    hits = {(r["rule"], r["text"]) for r in rules}
    assert ("wallet_like", wallet) in hits
    assert ("messaging_apps", "WhatsApp") in hits
    assert ("links", "www.quick-profit-btc.xyz") in hits
    assert all(r["kind"] == "rule" for r in rules)

    approved = get(client, moderator, f"/v1/comments/{clean_id}/moderation")
    assert approved["comment"]["status"] == "approved"
    assert approved["evidence"] is None
