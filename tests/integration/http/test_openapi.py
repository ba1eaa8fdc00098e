"""The OpenAPI document describes every route, and its request fields are what the parser takes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.integration.http.conftest import Headers, post_comment


def sample(schema: dict[str, Any], document: dict[str, Any]) -> Any:
    """A valid value for a documented schema: every property filled in."""
    if "$ref" in schema:
        return sample(document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], document)
    if "anyOf" in schema:  # an optional member may also be null
        return sample(next(s for s in schema["anyOf"] if s.get("type") != "null"), document)
    if "examples" in schema:
        return schema["examples"][0]
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("type") == "object":
        return {name: sample(prop, document) for name, prop in schema["properties"].items()}
    if schema.get("type") == "array":
        return [sample(schema["items"], document)]
    if schema.get("type") == "string":
        return "x"
    return schema.get("minimum", 1)


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def test_openapi_describes_every_route_with_its_methods(
    client: TestClient, document: dict[str, Any]
) -> None:
    assert document["openapi"] == "3.1.0"
    served = {
        (re.sub(r":\w+}", "}", route.path), method.lower())  # ids that may hold "/" (call.py)
        for route in client.app.routes  # type: ignore[attr-defined]
        # HTML pages and Prometheus text are not the JSON API
        if isinstance(route, Route)
        and not route.path.startswith("/ui/")
        and route.path != "/metrics"
        for method in route.methods or ()
        if method != "HEAD"
    }
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert served == documented


def test_openapi_documents_security_errors_and_path_parameters(
    document: dict[str, Any],
) -> None:
    queue = document["paths"]["/v1/queues/{name}"]["get"]
    assert queue["security"] == [{"bearer": []}, {"session": []}]  # a key or a signed-in person
    assert queue["x-roles"] == ["moderator", "ops"]
    submit = document["paths"]["/v1/comments"]["post"]
    assert submit["security"] == [{"bearer": []}]  # sites never sign in
    session = document["components"]["securitySchemes"]["session"]
    assert (session["in"], session["name"]) == ("cookie", "cd_session")
    assert {p["name"] for p in queue["parameters"] if p["in"] == "path"} == {"name"}
    problem = queue["responses"]["422"]["content"]["application/problem+json"]
    assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert {"401", "403", "404", "422", "500"} <= set(queue["responses"])
    assert document["paths"]["/healthz"]["get"]["security"] == []
    refs = {
        response["content"][media]["schema"]["$ref"].rsplit("/", 1)[1]
        for path in document["paths"].values()
        for op in path.values()
        for response in op["responses"].values()
        for media in response.get("content", {})  # a 204 has none
        if "$ref" in response["content"][media]["schema"]  # CSV and JSON Lines are strings
    }
    assert refs <= set(document["components"]["schemas"])


def test_openapi_has_no_content_for_204_and_names_the_export_types(
    document: dict[str, Any],
) -> None:
    # Issue 9, defect 10: schemathesis found both.
    release = document["paths"]["/v1/comments/{comment_id}/claim"]["delete"]["responses"]["204"]
    assert "content" not in release
    export = document["paths"]["/v1/labels/export"]["get"]["responses"]["200"]["content"]
    assert set(export) == {"text/csv", "application/x-ndjson"}


def body_schema(document: dict[str, Any], path: str) -> dict[str, Any]:
    content = document["paths"][path]["post"]["requestBody"]["content"]
    name = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    return dict(document["components"]["schemas"][name])


def test_openapi_submission_fields_are_exactly_what_the_parser_accepts(
    client: TestClient, site: Headers, document: dict[str, Any]
) -> None:
    schema = body_schema(document, "/v1/comments")
    full = sample(schema, document) | {
        "parent_id": post_comment(client, site, article_id="btc-etf-approved")
    }

    assert client.post("/v1/comments", json=full, headers=site).status_code == 202
    undocumented = client.post("/v1/comments", json=full | {"score": 1}, headers=site)
    assert undocumented.json()["errors"] == [
        {"pointer": "/score", "detail": "is not a known field"}
    ]
    for name in schema["required"]:
        missing = {k: v for k, v in full.items() if k != name}
        response = client.post("/v1/comments", json=missing, headers=site)
        assert response.json()["errors"] == [{"pointer": f"/{name}", "detail": "is required"}]


def test_openapi_report_and_decision_fields_are_what_the_parser_accepts(
    client: TestClient, site: Headers, moderator: Headers, document: dict[str, Any]
) -> None:
    comment_id = post_comment(client, site)
    report = sample(body_schema(document, "/v1/comments/{comment_id}/reports"), document)
    decision = sample(body_schema(document, "/v1/comments/{comment_id}/decision"), document)
    decision["expected_version"] = 1
    # Every field filled in: a statement of reasons belongs to a rejection (an approval with
    # one is a 422).
    decision["decision"] = "reject"

    reported = client.post(f"/v1/comments/{comment_id}/reports", json=report, headers=site)
    decided = client.post(f"/v1/comments/{comment_id}/decision", json=decision, headers=moderator)

    assert (reported.status_code, decided.status_code) == (202, 200)


@pytest.mark.parametrize(
    ("template", "path", "role"),
    [
        ("/v1/queues/{name}", "/v1/queues/review", "moderator"),
        ("/v1/audit", "/v1/audit", "ops"),
        ("/v1/articles/{article_id}/comments", "/v1/articles/a-1/comments", "site"),
    ],
)
def test_openapi_query_parameters_are_what_the_parser_accepts(
    client: TestClient,
    document: dict[str, Any],
    template: str,
    path: str,
    role: str,
    request: pytest.FixtureRequest,
) -> None:
    headers: Headers = request.getfixturevalue(role)
    params = [p for p in document["paths"][template]["get"]["parameters"] if p["in"] == "query"]
    # A cursor must come from the server, so it is the one parameter not sampled here.
    query = {p["name"]: sample(p["schema"], document) for p in params if p["name"] != "cursor"}

    assert client.get(path, params=query, headers=headers).status_code == 200
    response = client.get(path, params={"undocumented": "1"}, headers=headers)
    assert response.json()["errors"] == [
        {"pointer": "/query/undocumented", "detail": "is not a known parameter"}
    ]
