"""Statements of reasons and appeals over HTTP: what the site reads, files and hears (issue 12)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from service.domain import Role
from service.moderation import Moderation
from tests.integration.http.conftest import Headers, classify, post_comment


def reject(client: TestClient, moderator: Headers, comment_id: str, **extra: Any) -> Any:
    body = {"decision": "reject", "reason": "insult", **extra}
    response = client.post(f"/v1/comments/{comment_id}/decision", json=body, headers=moderator)
    assert response.status_code == 200, response.text
    return response.json()


def held_comment(client: TestClient, site: Headers, moderation: Moderation) -> str:
    comment_id = post_comment(client, site)
    classify(moderation, comment_id, spam=0.7)
    return comment_id


def file(
    client: TestClient, site: Headers, comment_id: str, text: str = "Please look again."
) -> Any:
    return client.post(f"/v1/comments/{comment_id}/appeals", json={"text": text}, headers=site)


def test_a_rejection_reaches_the_site_with_its_statement(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    comment_id = held_comment(client, site, moderation)
    decided = reject(
        client,
        moderator,
        comment_id,
        statement_code="harassment",
        explanation="It targets a reader.",
    )
    statement = {
        "code": "harassment",
        "explanation": "Rejected by a human moderator: harassment or threats. It targets a reader.",
        "automated": False,
    }
    assert decided["statement"] == statement

    read = client.get(f"/v1/comments/{comment_id}", headers=site).json()
    assert (read["status"], read["statement"], read["appeal"]) == ("rejected", statement, None)
    looked = client.post("/v1/comments/lookup", json={"ids": [comment_id]}, headers=site).json()
    assert looked["items"][0]["statement"] == statement
    events = client.get("/v1/changes", headers=site).json()["items"]
    rejected = [e for e in events if e["type"] == "comment.decided"][-1]
    assert rejected["data"]["statement"] == statement
    assert rejected["data"]["statement_of_reasons"]  # the plain string stays for old clients


def test_the_site_files_an_appeal_and_reads_its_outcome(
    client: TestClient,
    site: Headers,
    moderator: Headers,
    moderation: Moderation,
    make_key: Callable[[Role, str], Headers],
) -> None:
    other_moderator = make_key(Role.MODERATOR, "mod-ben")
    comment_id = held_comment(client, site, moderation)
    reject(client, moderator, comment_id)

    filed = file(client, site, comment_id)
    assert filed.status_code == 201, filed.text
    appeal = filed.json()
    assert (appeal["comment_id"], appeal["status"], appeal["decided_at"]) == (
        comment_id,
        "open",
        None,
    )
    assert client.get(f"/v1/comments/{comment_id}", headers=site).json()["appeal"] == appeal

    queue = client.get("/v1/appeals", headers=other_moderator).json()
    (card,) = queue["items"]
    assert card["text"] == "Please look again."
    assert card["original"]["decided_by"] == "mod-ann"
    assert card["original"]["statement"]["code"] == "abusive"
    assert card["comment"]["id"] == comment_id

    decided = client.post(
        f"/v1/appeals/{appeal['id']}/decision",
        json={"outcome": "overturned", "reply": "Quoting is fine."},
        headers=other_moderator,
    )
    assert decided.status_code == 200, decided.text
    assert (decided.json()["status"], decided.json()["decided_by"]) == ("overturned", "mod-ben")

    read = client.get(f"/v1/comments/{comment_id}", headers=site).json()
    assert (read["status"], read["statement"]) == ("approved", None)
    assert (read["appeal"]["status"], read["appeal"]["reply"]) == ("overturned", "Quoting is fine.")
    feed = [
        (e["type"], e["data"]["comment"]["status"])
        for e in client.get("/v1/changes", headers=site).json()["items"]
        if e["type"] in ("comment.appealed", "comment.decided", "comment.appeal_decided")
    ]
    assert feed[-3:] == [
        ("comment.appealed", "rejected"),
        ("comment.decided", "approved"),
        ("comment.appeal_decided", "approved"),
    ]
    assert client.get("/v1/appeals", headers=other_moderator).json()["items"] == []
    closed = client.get("/v1/appeals?status=overturned", headers=other_moderator).json()
    assert [c["id"] for c in closed["items"]] == [appeal["id"]]


def test_the_original_moderator_is_refused_in_a_team(
    client: TestClient,
    site: Headers,
    moderator: Headers,
    moderation: Moderation,
    make_key: Callable[[Role, str], Headers],
) -> None:
    make_key(Role.MODERATOR, "mod-ben")  # a team of two
    comment_id = held_comment(client, site, moderation)
    reject(client, moderator, comment_id)
    appeal = file(client, site, comment_id).json()

    refused = client.post(
        f"/v1/appeals/{appeal['id']}/decision", json={"outcome": "upheld"}, headers=moderator
    )

    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "same-moderator"
    assert "another moderator" in refused.json()["detail"]


def test_filing_is_refused_unless_the_comment_is_rejected_and_unappealed(
    client: TestClient,
    site: Headers,
    moderator: Headers,
    moderation: Moderation,
    make_key: Callable[[Role, str], Headers],
) -> None:
    held = held_comment(client, site, moderation)
    not_rejected = file(client, site, held)
    assert (not_rejected.status_code, not_rejected.json()["code"]) == (409, "not-rejected")

    reject(client, moderator, held)
    assert file(client, site, held).status_code == 201
    twice = file(client, site, held)
    assert (twice.status_code, twice.json()["code"]) == (409, "appeal-open")

    other_site = make_key(Role.SITE, "other-site")
    assert file(client, other_site, held).status_code == 404
    assert file(client, site, "no-such-comment").status_code == 404


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({}, "/text"),
        ({"text": ""}, "/text"),
        ({"text": "x" * 5001}, "/text"),
        ({"text": "fine", "extra": 1}, "/extra"),
    ],
)
def test_bad_appeals_are_422_with_a_pointer(
    client: TestClient,
    site: Headers,
    moderator: Headers,
    moderation: Moderation,
    body: dict[str, Any],
    pointer: str,
) -> None:
    comment_id = held_comment(client, site, moderation)
    reject(client, moderator, comment_id)
    response = client.post(f"/v1/comments/{comment_id}/appeals", json=body, headers=site)
    assert response.status_code in (413, 422), response.text
    if response.status_code == 422:
        assert [e["pointer"] for e in response.json()["errors"]] == [pointer]


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"outcome": "maybe"}, "/outcome"),
        ({}, "/outcome"),
        ({"outcome": "upheld", "reply": "x" * 1001}, "/reply"),
    ],
)
def test_bad_appeal_decisions_are_422(
    client: TestClient, moderator: Headers, body: dict[str, Any], pointer: str
) -> None:
    response = client.post("/v1/appeals/1/decision", json=body, headers=moderator)
    assert response.status_code == 422, response.text
    assert [e["pointer"] for e in response.json()["errors"]] == [pointer]


def test_decision_statements_are_checked(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    comment_id = held_comment(client, site, moderation)
    path = f"/v1/comments/{comment_id}/decision"
    unknown = client.post(
        path, json={"decision": "reject", "statement_code": "rude"}, headers=moderator
    )
    assert unknown.status_code == 422
    assert [e["pointer"] for e in unknown.json()["errors"]] == ["/statement_code"]
    approve_with = client.post(
        path, json={"decision": "approve", "explanation": "Nice."}, headers=moderator
    )
    assert approve_with.status_code == 422
    assert [e["pointer"] for e in approve_with.json()["errors"]] == ["/explanation"]
    spam = client.post(path, json={"decision": "spam"}, headers=moderator).json()
    assert (spam["status"], spam["statement"]["code"]) == ("spam", "spam")


def test_appeal_routes_admit_their_roles_only(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    comment_id = held_comment(client, site, moderation)
    reject(client, moderator, comment_id)
    assert file(client, moderator, comment_id).status_code == 403
    assert client.get("/v1/appeals", headers=site).status_code == 403
    decided = client.post("/v1/appeals/1/decision", json={"outcome": "upheld"}, headers=site)
    assert decided.status_code == 403
    assert client.get("/v1/appeals").status_code == 401
    assert (
        client.post(
            "/v1/appeals/x1/decision", json={"outcome": "upheld"}, headers=moderator
        ).status_code
        == 404
    )
