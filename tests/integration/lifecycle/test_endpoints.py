"""The lifecycle endpoints over the real app: promote, rollback, challenger, history, training."""

from __future__ import annotations

from typing import Any

import pytest
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer
from starlette.testclient import TestClient

from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.promotion import EVALUATION
from service.training_queue import TRAIN_JOB, TRAIN_QUEUE
from tests.factories import model_version
from tests.integration.http.conftest import Headers


@pytest.fixture
def registered(moderation: Moderation) -> None:
    for version_id in ("v1", "v2"):
        Lifecycle(moderation.sessions).register(model_version(version_id), champion_if_unset=True)


def aliases(client: TestClient, ops: Headers) -> dict[str, list[str]]:
    items = client.get("/v1/models", headers=ops).json()["items"]
    return {m["id"]: m["aliases"] for m in items}


def test_promote_then_rollback_over_http(
    client: TestClient, ops: Headers, registered: None
) -> None:
    def rollback_to() -> str | None:
        found = client.get("/v1/models/history", headers=ops).json()["rollback_to"]
        return None if found is None else str(found)

    before = rollback_to()
    promoted = client.post("/v1/models/v2/promote", headers=ops)
    assert promoted.status_code == 200, promoted.text
    assert before is None
    assert rollback_to() == "v1"
    assert promoted.json() | {"id": 0, "created_at": ""} == {
        "id": 0, "changed": True, "alias": "champion", "kind": "promote", "version_id": "v2",
        "previous_version_id": "v1", "actor": "ops-olu", "created_at": "", "reason": None,
    }  # fmt: skip
    assert aliases(client, ops) == {"v1": [], "v2": ["champion"]}

    rolled = client.post("/v1/models/rollback", headers=ops)
    assert (rolled.status_code, rolled.json()["version_id"]) == (200, "v1")
    again = client.post("/v1/models/rollback", headers=ops)
    assert (again.status_code, again.json()["code"]) == (409, "no-previous-champion")
    assert rollback_to() is None

    history = client.get("/v1/models/history?alias=champion", headers=ops).json()["items"]
    assert [(e["kind"], e["version_id"], e["actor"]) for e in history] == [
        ("rollback", "v1", "ops-olu"), ("promote", "v2", "ops-olu"), ("set", "v1", None),
    ]  # fmt: skip


def test_promote_an_unknown_version_is_404(
    client: TestClient, ops: Headers, registered: None
) -> None:
    assert client.post("/v1/models/nope/promote", headers=ops).status_code == 404


def test_challenger_set_and_unset(client: TestClient, ops: Headers, registered: None) -> None:
    assert client.post("/v1/models/v1/challenger", headers=ops).status_code == 409  # champion
    assert client.post("/v1/models/v2/challenger", headers=ops).json()["alias"] == "challenger"
    assert aliases(client, ops)["v2"] == ["challenger"]

    removed = client.delete("/v1/models/challenger", headers=ops).json()
    assert (removed["changed"], removed["previous_version_id"]) == (True, "v2")
    assert client.delete("/v1/models/challenger", headers=ops).json()["changed"] is False


def test_start_training_enqueues_on_the_train_queue(
    client: TestClient, ops: Headers, redis: Redis
) -> None:
    body: dict[str, Any] = {"note": "march", "extra_labels_csv": "text,spam\nDM me now,1\n"}
    response = client.post("/v1/models", json=body, headers=ops)

    assert response.status_code == 202, response.text
    job_id = response.json()["job_id"]
    [job] = Queue(TRAIN_QUEUE, connection=redis, serializer=JSONSerializer).get_jobs()
    assert (job.id, job.func_name, job.timeout) == (job_id, TRAIN_JOB, 7200)
    assert job.kwargs["requested_by"] == "ops-olu"
    status = client.get(f"/v1/models/jobs/{job_id}", headers=ops).json()
    assert (status["status"], status["percent"], status["version_id"]) == ("queued", 0, None)


def test_start_training_refuses_a_csv_it_cannot_use(client: TestClient, ops: Headers) -> None:
    response = client.post("/v1/models", json={"extra_labels_csv": "a,b\n1,2\n"}, headers=ops)

    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/extra_labels_csv"


@pytest.mark.parametrize("job_id", ["train-" + "0" * 32, "classify-abc", "x"])
def test_unknown_training_jobs_are_404(client: TestClient, ops: Headers, job_id: str) -> None:
    assert client.get(f"/v1/models/jobs/{job_id}", headers=ops).status_code == 404


@pytest.fixture
def judged_worse(moderation: Moderation, registered: None) -> None:
    """v3: trained, and judged worse than v1 on the site's newest decisions."""
    evaluation = {
        "verdict": "worse", "champion": "v1", "why": ["spam ROC-AUC -0.0400 [-0.0700, -0.0100]"],
        "labels": {}, "outcomes": {},
    }  # fmt: skip
    Lifecycle(moderation.sessions).register(
        model_version("v3", metrics={EVALUATION: evaluation}), champion_if_unset=True
    )


def test_promoting_a_version_the_gate_refuses_is_a_409_until_forced(
    client: TestClient, ops: Headers, judged_worse: None
) -> None:
    client.post("/v1/models/v1/promote", headers=ops)

    refused = client.post("/v1/models/v3/promote", headers=ops)

    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "promotion-refused"
    assert "worse than v1" in refused.json()["detail"]
    assert aliases(client, ops)["v1"] == ["champion"]

    forced = client.post(
        "/v1/models/v3/promote", json={"force_reason": "the March wave"}, headers=ops
    )

    assert forced.status_code == 200, forced.text
    assert (forced.json()["version_id"], forced.json()["reason"]) == ("v3", "the March wave")
    history = client.get("/v1/models/history", headers=ops).json()["items"]
    assert history[0]["reason"] == "the March wave"


def test_the_models_list_carries_each_version_s_evaluation(
    client: TestClient, ops: Headers, judged_worse: None
) -> None:
    items = {m["id"]: m for m in client.get("/v1/models", headers=ops).json()["items"]}
    assert items["v3"]["evaluation"]["verdict"] == "worse"
    assert items["v1"]["evaluation"] is None


def test_a_labels_file_is_uploaded_as_csv_and_named_when_training(
    client: TestClient, ops: Headers, redis: Redis
) -> None:
    csv_text = "text,spam\n" + "".join(f"comment number {i},{i % 2}\n" for i in range(5000))
    assert len(csv_text) > 64 * 1024  # more than a JSON body may carry

    uploaded = client.post(
        "/v1/models/uploads", content=csv_text, headers={**ops, "Content-Type": "text/csv"}
    )

    assert uploaded.status_code == 201, uploaded.text
    upload = uploaded.json()
    assert upload["rows"] == 5000
    started = client.post("/v1/models", json={"labels_upload": upload["upload_id"]}, headers=ops)
    assert started.status_code == 202, started.text
    [job] = Queue(TRAIN_QUEUE, connection=redis, serializer=JSONSerializer).get_jobs()
    assert job.kwargs["upload_id"] == upload["upload_id"]


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        ("text,spam\nhi,1\n", "application/json", 415, "unsupported-media-type"),
        ("text,spam\nhi,maybe\n", "text/csv", 422, "validation-failed"),
        ("a,b\n1,2\n", "text/csv", 422, "validation-failed"),
        (b"text,spam\n\xff\xfe,1\n", "text/csv", 400, "malformed-request"),
    ],
)
def test_a_labels_upload_it_cannot_use_is_refused(
    client: TestClient,
    ops: Headers,
    content: str | bytes,
    content_type: str,
    status: int,
    code: str,
) -> None:
    response = client.post(
        "/v1/models/uploads", content=content, headers={**ops, "Content-Type": content_type}
    )
    assert response.status_code == status, response.text
    assert response.json()["code"] == code


def test_training_with_an_unknown_upload_is_a_404(client: TestClient, ops: Headers) -> None:
    response = client.post("/v1/models", json={"labels_upload": "upload-nope"}, headers=ops)
    assert response.status_code == 404
