from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from service.domain import Role
from service.moderation import Moderation
from tests.integration.http.conftest import Headers, classify, post_comment


def test_moderation_view_has_scores_reasons_history_and_author(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    comment_id = post_comment(client, site, author={"id": "u-5", "display_name": "Five"})
    post_comment(client, site, author={"id": "u-5", "display_name": "Five"})
    classify(moderation, comment_id, spam=0.7, toxic=0.2)

    response = client.get(f"/v1/comments/{comment_id}/moderation", headers=moderator)

    assert response.status_code == 200
    body = response.json()
    assert response.headers["etag"] == f'"{body["comment"]["version"]}"'
    assert body["scores"] == {"m-test-1": {"spam": 0.7, "toxic": 0.2}}
    assert body["reasons"] == ["spam"]
    assert body["model_version"] == "m-test-1"
    assert [a["kind"] for a in body["actions"]] == ["submitted", "classified"]
    assert body["actions"][1]["actor"] is None
    assert body["author"]["id"] == "u-5"
    assert body["author"]["counts"] == {"pending": 1, "withheld": 1}
    assert len(body["author"]["recent"]) == 2


def test_decision_approves_and_records_the_moderator(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    comment_id = post_comment(client, site)
    response = client.post(
        f"/v1/comments/{comment_id}/decision",
        json={"decision": "approve", "note": "fine"},
        headers=moderator,
    )

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    [decided] = [a for a in moderation.moderation_view(comment_id).actions if a.kind == "decided"]
    assert (decided.actor, decided.note, decided.reasons) == ("mod-ann", "fine", ("moderator",))


def test_decision_by_a_second_moderator_is_a_409(
    client: TestClient,
    site: Headers,
    moderator: Headers,
    make_key: Callable[[Role, str], Headers],
) -> None:
    comment_id = post_comment(client, site)
    other = make_key(Role.MODERATOR, "mod-bo")
    url = f"/v1/comments/{comment_id}/decision"
    assert client.post(url, json={"decision": "approve"}, headers=moderator).status_code == 200

    response = client.post(url, json={"decision": "spam"}, headers=other)

    assert response.status_code == 409
    assert response.json()["code"] == "stale-decision"


def test_decision_on_a_stale_expected_version_is_a_409(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    comment_id = post_comment(client, site)
    classify(moderation, comment_id, spam=0.7)  # version 1 → 2 behind the moderator's back
    url = f"/v1/comments/{comment_id}/decision"

    stale = client.post(url, json={"decision": "reject", "expected_version": 1}, headers=moderator)
    stale_header = client.post(
        url, json={"decision": "reject"}, headers={**moderator, "If-Match": '"1"'}
    )
    fresh = client.post(url, json={"decision": "reject"}, headers={**moderator, "If-Match": '"2"'})

    assert (stale.status_code, stale_header.status_code) == (409, 409)
    assert fresh.status_code == 200
    assert fresh.headers["etag"] == '"3"'


def test_decision_rejects_unknown_decisions_and_bad_if_match(
    client: TestClient, site: Headers, moderator: Headers
) -> None:
    comment_id = post_comment(client, site)
    url = f"/v1/comments/{comment_id}/decision"

    bad_value = client.post(url, json={"decision": "maybe"}, headers=moderator)
    bad_header = client.post(
        url, json={"decision": "approve"}, headers={**moderator, "If-Match": "*"}
    )
    assert bad_value.json()["errors"][0]["pointer"] == "/decision"
    assert bad_header.json()["errors"][0]["pointer"] == "/headers/if-match"


def test_decision_on_an_unknown_comment_is_404(client: TestClient, moderator: Headers) -> None:
    response = client.post(
        "/v1/comments/nope/decision", json={"decision": "approve"}, headers=moderator
    )
    assert response.status_code == 404
