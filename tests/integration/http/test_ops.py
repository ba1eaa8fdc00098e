from __future__ import annotations

from datetime import UTC, datetime

from starlette.testclient import TestClient

from service.domain import ModelVersion
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from tests.integration.http.conftest import Headers, classify, post_comment


def model_version(version_id: str = "m-test-1") -> ModelVersion:
    """A registered model's record (no artifact is needed to list it)."""
    return ModelVersion(
        id=version_id,
        artifact_sha256="0" * 64,
        artifact_path=f"models/{version_id}.skops",
        labels=("spam", "toxic"),
        metrics={"spam": {"f1": 0.9}},
        data_manifest={},
        library_versions={"scikit-learn": "1.9.1"},
        created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    )


def test_models_lists_versions_with_aliases(
    client: TestClient, ops: Headers, moderation: Moderation
) -> None:
    Lifecycle(moderation.sessions).register(model_version(), champion_if_unset=True)
    body = client.get("/v1/models", headers=ops).json()

    [model] = body["items"]
    assert model["id"] == "m-test-1"
    assert model["aliases"] == ["champion"]
    assert model["created_at"] == "2026-01-02T03:04:05Z"


def test_audit_filters_by_comment_actor_and_kind(
    client: TestClient, site: Headers, moderator: Headers, ops: Headers, moderation: Moderation
) -> None:
    first = post_comment(client, site)
    second = post_comment(client, site)
    classify(moderation, first, spam=0.1)
    client.post(f"/v1/comments/{second}/decision", json={"decision": "spam"}, headers=moderator)

    def kinds(query: str) -> list[tuple[str, str]]:
        response = client.get(f"/v1/audit{query}", headers=ops)
        assert response.status_code == 200, response.text
        return [(a["comment_id"], a["kind"]) for a in response.json()["items"]]

    assert kinds(f"?comment_id={first}") == [(first, "classified"), (first, "submitted")]
    assert kinds("?actor=system&kind=classified") == [(first, "classified")]
    assert kinds("?actor=mod-ann") == [(second, "decided")]
    # Across comments the log lists stored actions; a submission is derived from its comment.
    assert kinds("") == [(second, "decided"), (first, "classified")]


def test_one_comments_audit_ends_with_its_submission_on_the_last_page(
    client: TestClient, site: Headers, moderator: Headers, ops: Headers, moderation: Moderation
) -> None:
    comment_id = post_comment(client, site)
    classify(moderation, comment_id, spam=0.1)
    client.post(f"/v1/comments/{comment_id}/decision", json={"decision": "spam"}, headers=moderator)
    created_at = client.get(f"/v1/comments/{comment_id}", headers=site).json()["created_at"]

    def page(query: str) -> tuple[list[tuple[int, str]], str | None]:
        response = client.get(f"/v1/audit?comment_id={comment_id}&{query}", headers=ops)
        assert response.status_code == 200, response.text
        body = response.json()
        return [(a["id"], a["kind"]) for a in body["items"]], body["next_cursor"]

    first, cursor = page("limit=2")
    assert [kind for _, kind in first] == ["decided", "classified"]
    second, last = page(f"limit=2&cursor={cursor}")
    assert second == [(0, "submitted")]  # derived from the comment row: id 0, below any stored
    assert last is None
    whole, _ = page("limit=3")
    assert whole == first + second
    [submitted] = client.get(
        f"/v1/audit?comment_id={comment_id}&kind=submitted", headers=ops
    ).json()["items"]
    assert submitted["actor"] is None
    assert (submitted["from_status"], submitted["to_status"]) == (None, "pending")
    assert submitted["created_at"] == created_at
    assert page("actor=mod-ann")[0] == [first[0]]  # a moderator did not submit it
    assert page("actor=system")[0] == [first[1], (0, "submitted")]


def test_audit_refuses_kind_submitted_across_comments(client: TestClient, ops: Headers) -> None:
    response = client.get("/v1/audit?kind=submitted", headers=ops)
    assert response.status_code == 422
    assert "comment_id" in response.text


def test_audit_pages_newest_first_with_a_cursor(
    client: TestClient, site: Headers, ops: Headers, moderation: Moderation
) -> None:
    for _ in range(3):
        classify(moderation, post_comment(client, site), spam=0.1)
    first = client.get("/v1/audit?limit=2", headers=ops).json()
    second = client.get(f"/v1/audit?limit=2&cursor={first['next_cursor']}", headers=ops).json()

    ids = [a["id"] for a in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True)
    assert len(ids) == 3
    assert second["next_cursor"] is None


def test_audit_rejects_an_unknown_kind(client: TestClient, ops: Headers) -> None:
    response = client.get("/v1/audit?kind=exploded", headers=ops)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/query/kind"
