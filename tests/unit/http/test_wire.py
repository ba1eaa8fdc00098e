"""The wire Structs: what they refuse, in which words, and that every string is guarded."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

from service.errors import MalformedRequestError, ValidationError
from service.http.call import ApiRoute
from service.http.decoding import decode_body, decode_query
from service.http.queries import QueueQuery, paged
from service.http.routes import api_routes
from service.http.schemas import submission
from service.http.wire import COMMENT_ID, LINE, TEXT
from service.settings import Settings

SETTINGS = Settings(max_comment_chars=500, max_page_size=50)


def comment_payload(**overrides: Any) -> dict[str, Any]:
    """A valid submission; override any top-level member."""
    payload: dict[str, Any] = {
        "article_id": "btc-etf",
        "author": {"id": "u-1", "display_name": "Reader 1"},
        "body": "Thoughtful comment.",
    }
    return payload | overrides


def faults(raw: bytes, shape: type[Any] | None = None) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as raised:
        decode_body(raw, shape or submission(SETTINGS))
    return [(e.pointer, e.detail) for e in raised.value.errors]


def test_a_null_body_is_not_an_object() -> None:
    assert faults(b"null") == [("", "must be a JSON object")]


def test_malformed_json_is_a_400_with_the_parser_s_words() -> None:
    with pytest.raises(MalformedRequestError, match="not valid JSON"):
        decode_body(b'{"article_id": "a",', submission(SETTINGS))


def test_text_that_normalises_past_its_limit_is_refused_at_its_member() -> None:
    # U+FDFA is one character that NFKC turns into 18: 12 of them fit the raw limit of 200.
    payload = comment_payload(author={"id": "u-1", "display_name": "\ufdfa" * 12})
    assert faults(json.dumps(payload).encode()) == [
        ("/author/display_name", "must be at most 200 characters (got 216)")
    ]


def test_settings_limits_apply_to_the_comment_body() -> None:
    payload = comment_payload(body="x" * 501)
    assert faults(json.dumps(payload).encode()) == [
        ("/body", "must be at most 500 characters (got 501)")
    ]


@pytest.mark.parametrize(
    ("params", "fault"),
    [
        ({"limit": "abc"}, ("/query/limit", "must be an integer")),
        ({"limit": "51"}, ("/query/limit", "must be at most 50")),
        ({"min_score": "1.5"}, ("/query/min_score", "must be at most 1")),
        ({"sort": "size"}, ("/query/sort", "must be one of: age, risk")),
        ({"cursor": ""}, ("/query/cursor", "must not be empty")),
        # msgspec's lax mode would have read these as absent and as a number.
        ({"sort": "null"}, ("/query/sort", "must be one of: age, risk")),
        ({"limit": "5.0"}, ("/query/limit", "must be an integer")),
    ],
)
def test_query_faults_point_at_the_parameter(
    params: dict[str, str], fault: tuple[str, str]
) -> None:
    with pytest.raises(ValidationError) as raised:
        decode_query(params, paged(QueueQuery, SETTINGS))
    assert [(e.pointer, e.detail) for e in raised.value.errors] == [fault]


def _strings(kind: msgspec.inspect.Type, where: str) -> list[tuple[str, str | None]]:
    """Every string member of a request shape, with its pattern."""
    if isinstance(kind, msgspec.inspect.Metadata):
        return _strings(kind.type, where)
    if isinstance(kind, msgspec.inspect.UnionType):
        return [s for t in kind.types for s in _strings(t, where)]
    if isinstance(kind, msgspec.inspect.ListType):
        return _strings(kind.item_type, f"{where}/0")
    if isinstance(kind, msgspec.inspect.StructType):
        return [s for f in kind.fields for s in _strings(f.type, f"{where}/{f.name}")]
    if isinstance(kind, msgspec.inspect.StrType):
        return [(where, kind.pattern)]
    return []


@pytest.mark.parametrize("route", api_routes(SETTINGS), ids=lambda r: f"{r.method} {r.path}")
def test_every_request_string_refuses_what_storage_cannot_hold(route: ApiRoute) -> None:
    # Issue 9's hardening rests on these patterns: a string member without one would take NUL
    # and control characters straight to the database.
    shapes = [route.query] + ([route.body] if route.body is not None else [])
    for shape in shapes:
        for where, pattern in _strings(msgspec.inspect.type_info(shape), shape.__name__):
            # A comment id's pattern allows only hex digits and hyphens.
            assert pattern in (LINE.pattern, TEXT.pattern, COMMENT_ID.pattern), where
