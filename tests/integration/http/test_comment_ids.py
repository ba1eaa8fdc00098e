"""Issue 10: comment ids are stored as their 16 bytes, and a string from a client that is not
one (a comment id is a UUID in lowercase canonical text) is answered as an unknown id always
was: 404 in a path, 422 as a reply's parent or in a cursor, missing from a lookup, matching
nothing in a filter or a bulk selection. Never a 500. An uppercase UUID is not the same comment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from service.domain import Role
from service.domain.comment_ids import COMMENT_ID_PATTERN
from service.http.routes import api_routes
from service.moderation import Moderation
from service.settings import Settings
from service.store.cursor import encode_cursor
from tests.integration.http.conftest import Headers, classify, post_comment

MALFORMED = [
    "nope",
    "'; drop table comments; --",
    "z" * 36,  # as long as an id, not hex
    "zzzzzzzz-zzzz-7zzz-8zzz-zzzzzzzzzzzz",  # its shape, not hex
    "019ad5c00000700080000000000000ab",  # the 32 digits without the dashes
    "{019ad5c0-0000-7000-8000-0000000000ab}",  # longer than an id: 422 where a field has one
]
FITTING = MALFORMED[:5]  # those a body or query field of at most 36 characters takes


def _problem(response: Any, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    if code is not None:
        assert response.json()["code"] == code


def _comment_routes(settings: Settings) -> list[tuple[str, str, Role]]:
    """Every operation with a comment id in its path, and a role it admits."""
    return [
        (route.method, route.path, route.roles[0])
        for route in api_routes(settings)
        if "{comment_id}" in route.path
    ]


def _call(client: TestClient, method: str, path: str, comment_id: str, headers: Headers) -> Any:
    url = path.replace("{comment_id}", quote(comment_id, safe=""))
    if method in ("POST", "PATCH", "PUT"):
        return client.request(method, url, json={}, headers=headers)
    return client.request(method, url, headers=headers)


def test_every_path_answers_a_malformed_or_uppercase_comment_id_as_an_unknown_one(
    client: TestClient,
    site: Headers,
    app_settings: Settings,
    make_key: Callable[[Role, str], Headers],
) -> None:
    existing = post_comment(client, site)
    keys = {Role.SITE: site} | {
        role: make_key(role, f"ids-{role.value}") for role in (Role.MODERATOR, Role.OPS)
    }
    routes = _comment_routes(app_settings)
    assert len(routes) >= 10  # get, edit, delete, revisions, report, appeal, view, decide, …

    for method, path, role in routes:
        for comment_id in [*MALFORMED, existing.upper()]:
            response = _call(client, method, path, comment_id, keys[role])
            _problem(response, 404, "not-found")
    # The lowercase id is the comment.
    assert client.get(f"/v1/comments/{existing}", headers=site).json()["id"] == existing


@pytest.mark.parametrize("parent_id", [*FITTING, "UPPER"])
def test_a_reply_to_a_malformed_parent_id_is_a_422_as_to_an_unknown_one(
    client: TestClient, site: Headers, parent_id: str
) -> None:
    if parent_id == "UPPER":
        parent_id = post_comment(client, site).upper()
    response = client.post(
        "/v1/comments",
        json={
            "article_id": "btc-etf",
            "author": {"id": "u-1", "display_name": "Ann"},
            "body": "A reply.",
            "parent_id": parent_id,
        },
        headers=site,
    )
    _problem(response, 422)
    [error] = response.json()["errors"]
    assert error["pointer"] == "/parent_id"
    assert error["detail"] == "must be a comment id as the service gave it"


def test_a_lookup_lists_malformed_ids_as_missing(client: TestClient, site: Headers) -> None:
    existing = post_comment(client, site)
    asked = [existing, *FITTING, existing.upper()]

    response = client.post("/v1/comments/lookup", json={"ids": asked}, headers=site)

    assert response.status_code == 200, response.text
    assert [item["id"] for item in response.json()["items"]] == [existing]
    assert response.json()["missing"] == asked[1:]


def test_a_bulk_selection_of_malformed_ids_selects_nothing(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    held = post_comment(client, site)
    classify(moderation, held, spam=0.8)
    select = {"ids": [*FITTING, held.upper(), held]}

    preview = client.post(
        "/v1/queues/review/bulk/preview", json={"select": select}, headers=moderator
    )
    none = client.post(
        "/v1/queues/review/bulk/preview",
        json={"select": {"ids": FITTING}},
        headers=moderator,
    )

    assert preview.json() == {"count": 1, "comment_ids": [held]}
    assert none.json() == {"count": 0, "comment_ids": []}


@pytest.mark.parametrize("comment_id", FITTING)
def test_the_audit_of_a_malformed_comment_id_is_empty(
    client: TestClient, ops: Headers, comment_id: str
) -> None:
    for kind in ("", "&kind=submitted"):
        response = client.get(
            f"/v1/audit?comment_id={quote(comment_id, safe='')}{kind}", headers=ops
        )
        assert response.status_code == 200, response.text
        assert response.json()["items"] == []


@pytest.mark.parametrize("comment_id", [*MALFORMED, "019AD5C0-0000-7000-8000-0000000000AB"])
def test_a_cursor_carrying_a_malformed_comment_id_is_a_422(
    client: TestClient, site: Headers, moderator: Headers, comment_id: str
) -> None:
    at = "2026-11-30T12:00:00+00:00"
    by_age = encode_cursor(at, comment_id)
    by_risk = encode_cursor(0.5, comment_id)
    newest = encode_cursor(at, comment_id, True)

    for response in (
        client.get(f"/v1/queues/pending?sort=age&cursor={by_age}", headers=moderator),
        client.get(f"/v1/queues/pending?sort=risk&cursor={by_risk}", headers=moderator),
        client.get(f"/v1/articles/a-1/comments?cursor={by_age}", headers=site),
        client.get(f"/v1/articles/a-1/comments?order=newest&cursor={newest}", headers=site),
    ):
        _problem(response, 422)


ID_MEMBERS = {"comment_id", "parent_id", "root_id", "comment_ids"}
# Shapes whose own `id` is a comment's.
COMMENT_SHAPES = {"Accepted", "CommentStatus", "Comment", "ThreadedComment", "QueuedComment"}


def _string_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The string schema inside an optional member or a list."""
    if "anyOf" in schema:
        return _string_schema(next(s for s in schema["anyOf"] if s.get("type") != "null"))
    if schema.get("type") == "array":
        return _string_schema(schema["items"])
    return schema


def test_the_document_gives_every_comment_id_its_pattern(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    members = [
        (f"{shape}/{name}", _string_schema(prop))
        for shape, schema in document["components"]["schemas"].items()
        for name, prop in schema.get("properties", {}).items()
        if name in ID_MEMBERS or (name == "id" and shape in COMMENT_SHAPES)
    ]
    parameters = [
        (f"{path} {method}", parameter["schema"])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for parameter in operation["parameters"]
        if parameter["name"] == "comment_id" and parameter["in"] == "path"
    ]
    assert len(members) >= 15
    assert len(parameters) >= 10
    for where, schema in members + parameters:
        assert schema.get("pattern") == COMMENT_ID_PATTERN, where
        assert schema.get("format") == "uuid", where


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_a_method_the_lookup_path_lacks_is_a_405_not_an_unknown_comment(
    client: TestClient, site: Headers, method: str
) -> None:
    # "lookup" is not a comment id (the document's pattern says so), so the path is the lookup's.
    response = client.request(method, "/v1/comments/lookup", headers=site)
    _problem(response, 405)
    assert response.headers["allow"] == "POST"
