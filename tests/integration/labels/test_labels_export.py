"""GET /v1/labels/export: the latest human decision per comment, as CSV or JSON Lines."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.integration.http.conftest import Headers
from tests.integration.labels.conftest import TRICKY_BODY, Decided


def export(client: TestClient, ops: Headers, file_format: str, **params: Any) -> str:
    response = client.get(
        "/v1/labels/export", params={"format": file_format, **params}, headers=ops
    )
    assert response.status_code == 200, response.text
    return response.text


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line]


def test_export_jsonl_has_the_latest_human_decision_of_each_comment(
    decided: Decided, client: TestClient, ops: Headers
) -> None:
    records = {r["comment_id"]: r for r in jsonl(export(client, ops, "jsonl"))}

    assert set(records) == {
        decided.approved,
        decided.rejected_toxic,
        decided.spam,
        decided.overturned,
    }
    overturned = records[decided.overturned]
    assert (overturned["decision"], overturned["reasons"], overturned["moderator"]) == (
        "reject",
        ["insult"],
        "mod-bo",
    )
    assert overturned["labels"]["insult"] == overturned["labels"]["toxic"] == 1
    assert overturned["labels"]["spam"] == 0
    assert records[decided.approved]["labels"] == dict.fromkeys(overturned["labels"], 0)
    assert records[decided.spam]["labels"]["spam"] == 1
    assert records[decided.spam]["labels"]["toxic"] is None
    assert records[decided.rejected_toxic]["body"] == TRICKY_BODY
    assert [r["action_id"] for r in records.values()] == sorted(
        r["action_id"] for r in records.values()
    )


def test_export_csv_keeps_bodies_intact_and_labels_as_columns(
    decided: Decided, client: TestClient, ops: Headers
) -> None:
    response = client.get("/v1/labels/export", headers=ops)  # csv is the default

    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = {r["comment_id"]: r for r in csv.DictReader(io.StringIO(response.text, newline=""))}
    toxic = rows[decided.rejected_toxic]
    assert toxic["body"] == TRICKY_BODY
    assert (toxic["decision"], toxic["reasons"], toxic["label_toxic"], toxic["label_spam"]) == (
        "reject",
        "toxic",
        "1",
        "0",
    )
    assert rows[decided.spam]["label_threat"] == ""


def test_export_pages_through_everything_and_resumes_after_an_action_id(
    decided: Decided, client: TestClient, ops: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = export(client, ops, "jsonl")
    monkeypatch.setattr("service.http.endpoints.labels.EXPORT_PAGE", 1)

    assert export(client, ops, "jsonl") == whole
    first, *rest = jsonl(whole)
    assert jsonl(export(client, ops, "jsonl", after=first["action_id"])) == rest


def test_export_rejects_an_unknown_format(client: TestClient, ops: Headers) -> None:
    response = client.get("/v1/labels/export", params={"format": "xml"}, headers=ops)

    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/query/format"


def test_export_is_empty_without_decisions(client: TestClient, ops: Headers) -> None:
    assert export(client, ops, "jsonl") == ""
    assert export(client, ops, "csv").splitlines()[0].startswith("comment_id,site_id,article_id")
