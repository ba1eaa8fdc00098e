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
    assert len(kinds("")) == 4


def test_audit_pages_newest_first_with_a_cursor(
    client: TestClient, site: Headers, ops: Headers
) -> None:
    for _ in range(3):
        post_comment(client, site)
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
