"""Claims in a real Redis: take, extend, conflict, release, expire, list."""

from __future__ import annotations

import time

import pytest
from redis import Redis
from redis.client import PubSub

from service.claims import Claims
from service.errors import ClaimedError
from service.events import RedisEvents
from service.moderation import Moderation
from service.workspace import Workspace
from tests.factories import new_comment, next_event
from tests.intake import submit


def test_claim_is_taken_extended_by_its_holder_and_refused_to_others(redis: Redis) -> None:
    claims = Claims(redis, 60)

    first = claims.claim("c-1", "ann")
    redis.pexpire("claim:c-1", 1000)  # let time pass: the extension must reset the TTL
    again = claims.claim("c-1", "ann")
    with pytest.raises(ClaimedError) as raised:
        claims.claim("c-1", "bo")

    assert (first.claimed_by, again.claimed_by) == ("ann", "ann")
    assert redis.pttl("claim:c-1") > 50_000
    assert redis.get("claim:c-1") == b"ann"
    assert raised.value.extensions["claimed_by"] == "ann"
    assert raised.value.extensions["expires_at"].endswith("Z")


def test_release_only_by_the_holder_and_a_no_op_when_unclaimed(redis: Redis) -> None:
    claims = Claims(redis, 60)
    claims.claim("c-2", "ann")

    with pytest.raises(ClaimedError):
        claims.release("c-2", "bo")
    assert claims.release("c-2", "ann") is True
    assert claims.release("c-2", "ann") is False
    assert claims.claim("c-2", "bo").claimed_by == "bo"


def test_claim_expires_after_its_ttl(redis: Redis) -> None:
    claims = Claims(redis, 0.2)
    claims.claim("c-3", "ann")
    time.sleep(0.3)

    assert claims.lookup(["c-3"]) == {}
    assert claims.claim("c-3", "bo").claimed_by == "bo"


def test_lookup_finds_the_live_claims_of_a_page(redis: Redis) -> None:
    claims = Claims(redis, 60)
    claims.claim("c-4", "ann")
    claims.claim("c-6", "bo")

    found = claims.lookup(["c-4", "c-5", "c-6"])

    assert {cid: c.claimed_by for cid, c in found.items()} == {"c-4": "ann", "c-6": "bo"}
    assert claims.lookup([]) == {}


def test_workspace_claims_publish_claimed_and_released(
    moderation: Moderation, redis: Redis, events: PubSub
) -> None:
    [stored] = submit(moderation, [new_comment()])
    workspace = Workspace(
        moderation.sessions, moderation.settings, Claims(redis, 60), RedisEvents(redis)
    )
    claim = workspace.claim(stored.comment_id, "ann")
    workspace.release(stored.comment_id, "ann")

    kinds = [next_event(events) for _ in range(2)]
    assert kinds[0]["type"] == "claimed"
    assert kinds[0]["data"]["comment_id"] == claim.comment_id
    assert kinds[0]["data"]["claimed_by"] == "ann"
    assert kinds[1] == {
        "type": "released",
        "data": {"comment_id": stored.comment_id, "claimed_by": "ann", "expires_at": None},
    }
