"""The text/event-stream framing of published events."""

from __future__ import annotations

from service.http.sse import decode_event, sse_event


def test_an_event_is_one_event_line_and_one_data_line() -> None:
    text = sse_event("decided", {"comment_ids": ["c-1"], "note": "two\nlines"})
    assert text == 'event: decided\ndata: {"comment_ids":["c-1"],"note":"two\\nlines"}\n\n'


def test_malformed_messages_are_skipped() -> None:
    assert decode_event(b'{"type": "reported", "data": {"comment_id": "c"}}') == (
        "reported",
        {"comment_id": "c"},
    )
    assert decode_event(b"not json") is None
    assert decode_event(b'{"data": {}}') is None
    assert decode_event(b"[1]") is None
