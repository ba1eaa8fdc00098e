from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.errors import ValidationError
from service.store.cursor import decode_cursor, encode_cursor, moment, number, row_id, sequence

ID = "019ad5c0-0000-7000-8000-0000000000ab"  # a comment id: a UUID in lowercase canonical text


def test_cursor_round_trips_its_key() -> None:
    token = encode_cursor(0.75, ID)
    assert decode_cursor(token, number, row_id) == [0.75, ID]
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert decode_cursor(encode_cursor(when.isoformat(), ID), moment, row_id) == [when, ID]
    assert decode_cursor(encode_cursor(7), sequence) == [7]


@pytest.mark.parametrize(
    "token",
    [
        "not base64 !!",
        "W10",
        encode_cursor(1, 2, 3),
        encode_cursor("x", "id"),  # well-formed, but a string where a number belongs
        encode_cursor(0.5, 7),  # a number where an id belongs
        encode_cursor(0.5, "a\u0000b"),  # NUL: the database would refuse it
        encode_cursor(0.5, "abc"),  # not a comment id: the column would refuse it (issue 10)
        encode_cursor(0.5, ID.upper()),  # not the text the service writes
        encode_cursor(0.5, ID.replace("-", "")),
        encode_cursor(float("inf"), "id"),
        encode_cursor(True, "id"),
    ],
)
def test_decode_cursor_rejects_forged_tokens(token: str) -> None:
    with pytest.raises(ValidationError) as raised:
        decode_cursor(token, number, row_id)
    assert raised.value.errors[0].pointer == "/cursor"


@pytest.mark.parametrize("key", [("2026-01-01T00:00:00", "id"), ("yesterday", "id"), (5, "id")])
def test_timestamp_cursors_must_be_aware_iso_times(key: tuple[object, str]) -> None:
    with pytest.raises(ValidationError):
        decode_cursor(encode_cursor(*key), moment, row_id)


@pytest.mark.parametrize("value", [-1, 2**63, "5", 1.5])
def test_action_cursors_must_be_non_negative_64_bit_integers(value: object) -> None:
    with pytest.raises(ValidationError):
        decode_cursor(encode_cursor(value), sequence)
