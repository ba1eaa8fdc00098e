"""The workspace endpoints over the real app: claims, undo, bulk, authors, thread context."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from service.domain import Role
from service.http import create_app
from service.moderation import Moderation
from service.settings import Settings
from tests.integration.http.conftest import Headers, classify, post_comment


def held(client: TestClient, site: Headers, moderation: Moderation, **overrides: Any) -> str:
    comment_id = post_comment(client, site, **overrides)
    classify(moderation, comment_id, spam=0.7)
    return comment_id


def decide(client: TestClient, headers: Headers, comment_id: str, **body: Any) -> dict[str, Any]:
    response = client.post(
        f"/v1/comments/{comment_id}/decision", json={"decision": "reject", **body}, headers=headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_claim_extend_conflict_release_and_queue_listing(
    client: TestClient,
    site: Headers,
    moderator: Headers,
    moderation: Moderation,
    make_key: Callable[[Role, str], Headers],
) -> None:
    comment_id = held(client, site, moderation)
    other = make_key(Role.MODERATOR, "mod-bo")
    url = f"/v1/comments/{comment_id}/claim"

    taken = client.post(url, headers=moderator)
    extended = client.post(url, headers=moderator)
    refused = client.post(url, headers=other)
    listing = client.get("/v1/queues/review", headers=other).json()["items"]

    assert taken.status_code == extended.status_code == 200
    assert taken.json()["claimed_by"] == "mod-ann"
    assert taken.json()["expires_at"].endswith("Z")
    assert refused.status_code == 409
    problem = refused.json()
    assert (problem["code"], problem["claimed_by"]) == ("claimed", "mod-ann")
    assert problem["expires_at"].endswith("Z")
    assert [(i["id"], i["claimed_by"]) for i in listing] == [(comment_id, "mod-ann")]
    assert listing[0]["claim_expires_at"] is not None

    assert client.delete(url, headers=other).status_code == 409
    assert client.delete(url, headers=moderator).status_code == 204
    assert client.delete(url, headers=moderator).status_code == 204  # unclaimed: a no-op
    listing = client.get("/v1/queues/review", headers=other).json()["items"]
    assert (listing[0]["claimed_by"], listing[0]["claim_expires_at"]) == (None, None)


def test_claim_of_an_unknown_comment_is_404_and_ops_may_claim(
    client: TestClient, site: Headers, ops: Headers, moderation: Moderation
) -> None:
    comment_id = held(client, site, moderation)

    assert client.post("/v1/comments/nope/claim", headers=ops).status_code == 404
    assert client.post(f"/v1/comments/{comment_id}/claim", headers=ops).status_code == 200
    assert client.post(f"/v1/comments/{comment_id}/claim", headers=site).status_code == 403


def test_decision_offers_undo_and_undo_restores_the_comment(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    comment_id = held(client, site, moderation)

    undo = decide(client, moderator, comment_id)["undo"]
    response = client.post(f"/v1/decisions/{undo['batch_id']}/undo", headers=moderator)
    again = client.post(f"/v1/decisions/{undo['batch_id']}/undo", headers=moderator)

    assert undo["until"].endswith("Z")
    assert response.status_code == 200
    assert response.json()["batch_id"] == undo["batch_id"]
    assert response.json()["undone"] == 1
    assert moderation.get_comment(comment_id).status.value == "withheld"
    assert again.status_code == 409
    audit = moderation.moderation_view(comment_id).actions
    assert audit[-1].kind.value == "undone"
    assert audit[-1].actor == "mod-ann"


def test_undo_by_another_user_is_403_and_unknown_batch_404(
    client: TestClient,
    site: Headers,
    moderator: Headers,
    moderation: Moderation,
    make_key: Callable[[Role, str], Headers],
) -> None:
    comment_id = held(client, site, moderation)
    batch_id = decide(client, moderator, comment_id)["undo"]["batch_id"]
    other = make_key(Role.MODERATOR, "mod-bo")

    foreign = client.post(f"/v1/decisions/{batch_id}/undo", headers=other)
    unknown = client.post("/v1/decisions/nope/undo", headers=moderator)

    assert (foreign.status_code, foreign.json()["code"]) == (403, "forbidden")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not-found")
    assert moderation.get_comment(comment_id).status.value == "rejected"


def test_undo_after_another_change_is_409_stale_decision(
    client: TestClient,
    site: Headers,
    moderator: Headers,
    moderation: Moderation,
    make_key: Callable[[Role, str], Headers],
) -> None:
    comment_id = held(client, site, moderation)
    first = decide(client, moderator, comment_id)
    other = make_key(Role.MODERATOR, "mod-bo")
    decide(client, other, comment_id, decision="approve", expected_version=first["version"])

    response = client.post(f"/v1/decisions/{first['undo']['batch_id']}/undo", headers=moderator)

    assert (response.status_code, response.json()["code"]) == (409, "stale-decision")
    assert moderation.get_comment(comment_id).status.value == "approved"


def test_undo_after_the_window_is_409_undo_expired(
    app_settings: Settings, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    no_window = dataclasses.replace(app_settings, undo_window_seconds=0)
    with TestClient(create_app(no_window)) as client:
        comment_id = held(client, site, moderation)
        batch_id = decide(client, moderator, comment_id)["undo"]["batch_id"]

        response = client.post(f"/v1/decisions/{batch_id}/undo", headers=moderator)

    assert (response.status_code, response.json()["code"]) == (409, "undo-expired")
    assert moderation.get_comment(comment_id).status.value == "rejected"


def test_bulk_preview_apply_count_changed_and_undo(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    author = {"id": "u-wave", "display_name": "Wave"}
    ids = [held(client, site, moderation, author=author) for _ in range(2)]
    linked = held(client, site, moderation, body="buy at coins-now.example/deal")
    select = {"site_id": "news-site", "author_id": "u-wave"}

    preview = client.post(
        "/v1/queues/review/bulk/preview", json={"select": select}, headers=moderator
    )
    by_link = client.post(
        "/v1/queues/review/bulk/preview", json={"select": {"link": "coins-now.example"}},
        headers=moderator,
    )  # fmt: skip
    stale = client.post(
        "/v1/queues/review/bulk",
        json={"select": select, "decision": "spam", "expected_count": 3},
        headers=moderator,
    )
    applied = client.post(
        "/v1/queues/review/bulk",
        json={"select": select, "decision": "spam", "reasons": ["spam"], "expected_count": 2},
        headers=moderator,
    )

    assert preview.status_code == 200
    assert (preview.json()["count"], sorted(preview.json()["comment_ids"])) == (2, sorted(ids))
    assert by_link.json() == {"count": 1, "comment_ids": [linked]}
    assert (stale.status_code, stale.json()["code"], stale.json()["count"]) == (
        409, "count-changed", 2,
    )  # fmt: skip
    assert applied.status_code == 200
    receipt = applied.json()
    assert receipt["decided"] == 2
    assert receipt["undo_until"].endswith("Z")
    assert {moderation.get_comment(c).status.value for c in ids} == {"spam"}

    undone = client.post(f"/v1/decisions/{receipt['batch_id']}/undo", headers=moderator)
    assert undone.json()["undone"] == 2
    assert {moderation.get_comment(c).status.value for c in ids} == {"withheld"}


def test_bulk_bodies_are_validated_with_pointers(client: TestClient, moderator: Headers) -> None:
    both = client.post(
        "/v1/queues/review/bulk/preview",
        json={"select": {"ids": ["a"], "link": "x.example"}},
        headers=moderator,
    )
    bad = client.post(
        "/v1/queues/review/bulk",
        json={"select": {"ids": [1]}, "decision": "maybe", "reasons": "spam", "extra": 1},
        headers=moderator,
    )
    too_many = client.post(
        "/v1/queues/review/bulk/preview",
        json={"select": {"ids": [str(n) for n in range(501)]}},
        headers=moderator,
    )
    unknown_queue = client.post(
        "/v1/queues/nope/bulk/preview", json={"select": {"ids": ["a"]}}, headers=moderator
    )

    assert both.status_code == 422
    assert [e["pointer"] for e in both.json()["errors"]] == ["/select"]
    assert bad.status_code == 422
    assert {e["pointer"] for e in bad.json()["errors"]} == {
        "/select/ids/0", "/reasons", "/decision", "/expected_count", "/extra",
    }  # fmt: skip
    assert too_many.json()["errors"][0]["pointer"] == "/select/ids"
    assert unknown_queue.status_code == 404


def test_author_record_and_policy_lifecycle(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    held(client, site, moderation, author={"id": "u-7", "display_name": "Seven"})
    url = "/v1/authors/news-site/u-7"

    empty = client.get(url, headers=moderator).json()
    put = client.put(
        f"{url}/policy", json={"policy": "trust", "trust_threshold": 0.2, "note": "regular"},
        headers=moderator,
    )  # fmt: skip
    with_policy = client.get(url, headers=moderator).json()
    invalid = client.put(f"{url}/policy", json={"policy": "adore"}, headers=moderator)
    deleted = client.delete(f"{url}/policy", headers=moderator)

    assert (empty["site_id"], empty["author_id"], empty["policy"]) == ("news-site", "u-7", None)
    assert empty["counts"] == {"withheld": 1}
    assert len(empty["recent"]) == 1
    assert put.status_code == 200
    assert put.json()["policy"] == "trust"
    assert put.json()["trust_threshold"] == 0.2
    assert put.json()["set_by"] == "mod-ann"
    assert with_policy["policy"] == put.json()
    assert (invalid.status_code, invalid.json()["errors"][0]["pointer"]) == (422, "/policy")
    assert deleted.status_code == 204
    assert client.get(url, headers=moderator).json()["policy"] is None


def test_author_notes_are_kept_listed_newest_first_and_removed(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    url = "/v1/authors/news-site/u-9"

    warned = {"note": "Warned by mail on 3 May."}
    first = client.post(f"{url}/notes", json=warned, headers=moderator)
    second = client.post(f"{url}/notes", json={"note": " Second\nline "}, headers=moderator)
    listed = client.get(url, headers=moderator).json()["notes"]
    other_author = client.get("/v1/authors/news-site/u-10", headers=moderator).json()["notes"]
    empty = client.post(f"{url}/notes", json={"note": ""}, headers=moderator)
    by_site = client.post(f"{url}/notes", json={"note": "hello"}, headers=site)
    removed = client.delete(f"{url}/notes/{first.json()['id']}", headers=moderator)
    again = client.delete(f"{url}/notes/{first.json()['id']}", headers=moderator)
    wrong_author = client.delete(
        f"/v1/authors/news-site/u-10/notes/{second.json()['id']}", headers=moderator
    )
    not_a_number = client.delete(f"{url}/notes/abc", headers=moderator)

    assert first.status_code == 201, first.text
    assert first.json()["written_by"] == "mod-ann"
    assert [n["note"] for n in listed] == ["Second\nline", "Warned by mail on 3 May."]
    assert other_author == []
    assert (empty.status_code, empty.json()["errors"][0]["pointer"]) == (422, "/note")
    assert by_site.status_code == 403
    assert (removed.status_code, again.status_code, wrong_author.status_code) == (204, 404, 404)
    assert not_a_number.status_code == 404
    assert [n["id"] for n in client.get(url, headers=moderator).json()["notes"]] == [
        second.json()["id"]
    ]


def test_moderation_view_has_the_parent_comment(
    client: TestClient, site: Headers, moderator: Headers
) -> None:
    parent = post_comment(client, site, article_id="a-thread")
    reply = post_comment(client, site, article_id="a-thread", parent_id=parent)

    view = client.get(f"/v1/comments/{reply}/moderation", headers=moderator).json()
    top = client.get(f"/v1/comments/{parent}/moderation", headers=moderator).json()

    assert view["parent"]["id"] == parent
    assert top["parent"] is None
