from __future__ import annotations

import pytest

from service.errors import ValidationError
from service.store.cursor import decode_cursor, encode_cursor


def test_cursor_round_trips_its_key() -> None:
    token = encode_cursor(0.75, "abc")
    assert decode_cursor(token, 2) == [0.75, "abc"]


@pytest.mark.parametrize("token", ["not base64 !!", "W10", encode_cursor(1, 2, 3)])
def test_decode_cursor_rejects_forged_tokens(token: str) -> None:
    with pytest.raises(ValidationError) as raised:
        decode_cursor(token, 2)
    assert raised.value.errors[0].pointer == "/cursor"
