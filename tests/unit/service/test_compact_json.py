"""The engine's JSON serializer (one encoder made once) writes what ``json.dumps`` with the
compact separators wrote before, byte for byte: stored JSON does not change."""

from __future__ import annotations

import functools
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from service.db import _compact_json

_BEFORE = functools.partial(json.dumps, separators=(",", ":"))

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(_JSON)
def test_the_serializer_writes_what_json_dumps_wrote(value: Any) -> None:
    assert _compact_json(value) == _BEFORE(value)


def test_what_a_worker_writes_is_unchanged() -> None:
    statement = {"code": "spam", "explanation": "Réclame « ici » \u2028", "automated": True}
    for value in (["spam", "link"], statement, {"spam": 0.1234567890123, "toxic": 1e-300}, {}):
        assert _compact_json(value) == _BEFORE(value)
    assert _compact_json(statement) == (
        '{"code":"spam","explanation":"R\\u00e9clame \\u00ab ici \\u00bb \\u2028","automated":true}'
    )
