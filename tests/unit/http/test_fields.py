"""Array fields: validated item by item, documented as JSON Schema arrays."""

from __future__ import annotations

import pytest

from service.errors import ValidationError
from service.http.fields import Field, field_schema, parse_body

TAGS = {
    "tags": Field("array", "Tags.", max_length=2, items=Field("string", "A tag.", max_length=3)),
}


def test_array_field_accepts_valid_items() -> None:
    assert parse_body(TAGS, {"tags": ["a", "bcd"]}) == {"tags": ["a", "bcd"]}


@pytest.mark.parametrize(
    ("tags", "pointer", "problem"),
    [
        ("a", "/tags", "must be an array"),
        (["a", "b", "c"], "/tags", "must have at most 2 items"),
        (["a", 7], "/tags/1", "must be a string"),
        (["abcd"], "/tags/0", "must be at most 3 characters (got 4)"),
    ],
)
def test_array_field_points_at_the_bad_part(tags: object, pointer: str, problem: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_body(TAGS, {"tags": tags})
    assert [(e.pointer, e.detail) for e in raised.value.errors] == [(pointer, problem)]


def test_array_field_schema_describes_items_and_limit() -> None:
    schema = field_schema(TAGS["tags"])
    assert schema["type"] == "array"
    assert schema["maxItems"] == 2
    assert schema["items"]["type"] == "string"
    assert schema["items"]["maxLength"] == 3
