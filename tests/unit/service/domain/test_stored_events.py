"""A packed outbox payload reads back as exactly the JSON the event was written with."""

from __future__ import annotations

import json
from typing import Any

import pytest

from service.domain import stored_events
from service.domain.changes import EventType
from tests.outbox_events import every_kind


def _json(value: Any) -> str:
    # Member order matters: the change feed prints the members in their stored order.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@pytest.mark.parametrize("event", every_kind(), ids=lambda e: e.type.value)
def test_every_kind_reads_back_exactly_after_a_json_round_trip(event: Any) -> None:
    stored = json.loads(_json(stored_events.pack(event.type.value, event.comment_id, event.data)))

    assert _json(stored_events.unpack(event.type, event.comment_id, stored)) == _json(event.data)


def test_the_stored_payload_leaves_out_what_the_row_or_a_default_says() -> None:
    events = [e for e in every_kind() if e.type is EventType.COMMENT_ACCEPTED]
    (accepted,) = events

    stored = stored_events.pack(accepted.type.value, accepted.comment_id, accepted.data)

    assert stored == {
        "comment": {"article_id": "news-0179", "status": "pending", "revision": 1, "version": 2}
    }
    assert len(_json(stored)) < len(_json(accepted.data)) / 2


def test_a_row_written_before_0017_reads_as_it_is() -> None:
    for event in every_kind():
        assert stored_events.unpack(event.type.value, event.comment_id, event.data) == event.data


def test_a_payload_that_would_not_read_back_is_kept_whole() -> None:
    # The comment lacks parent_id (not null: absent): packing would add it back on reading.
    data = {"comment": {"id": "c", "article_id": "a", "status": "approved"}, "reasons": []}

    assert stored_events.pack("comment.decided", "c", data) == data
    # Another row's comment id is not left out either.
    assert stored_events.pack("comment.decided", "other", data) == data


def test_a_comment_without_its_id_cannot_be_stored() -> None:
    with pytest.raises(ValueError, match="cannot be stored"):
        stored_events.pack("comment.decided", "c", {"comment": {"article_id": "a"}})


def test_an_event_id_is_its_16_bytes() -> None:
    event_id = "evt_" + "0123456789abcdef" * 2

    stored = stored_events.id_bytes(event_id)

    assert len(stored) == 16
    assert stored_events.id_text(stored) == event_id
    assert stored_events.parse_id(event_id) == stored


@pytest.mark.parametrize("wrong", ["evt_nope", "evt_" + "A" * 32, "evt_" + "0" * 31, "x" * 36])
def test_anything_else_is_no_event_id(wrong: str) -> None:
    assert stored_events.parse_id(wrong) is None
    with pytest.raises(ValueError, match="not an event id"):
        stored_events.id_bytes(wrong)


def test_a_statement_of_reasons_in_the_frozen_wording_is_stored_as_its_number() -> None:
    decided = [e for e in every_kind() if e.type is EventType.COMMENT_DECIDED]

    stored = [stored_events.pack(e.type.value, e.comment_id, e.data) for e in decided]

    assert {s["statement_of_reasons"] for s in stored} == {1}
    assert all(isinstance(e.data["statement_of_reasons"], str) for e in decided)


def test_a_statement_in_other_words_is_stored_as_written() -> None:
    (event, *_) = [e for e in every_kind() if e.type is EventType.COMMENT_DECIDED]
    reworded = {**event.data, "statement_of_reasons": "Held, in the words of a later release."}

    stored = stored_events.pack(event.type.value, event.comment_id, reworded)

    assert stored["statement_of_reasons"] == "Held, in the words of a later release."
    assert _json(stored_events.unpack(event.type.value, event.comment_id, stored)) == _json(
        reworded
    )


def test_every_kind_has_its_fixed_stored_number() -> None:
    # Stored numbers are forever (migration 0019): changing one would read old rows as another
    # kind. A new kind takes the next number, here and in KIND_CODES.
    assert stored_events.KIND_CODES == {
        "comment.accepted": 1,
        "comment.decided": 2,
        "comment.entered_queue": 3,
        "comment.left_queue": 4,
        "comment.edited": 5,
        "comment.deleted": 6,
        "comment.appealed": 7,
        "comment.appeal_decided": 8,
        "author.erased": 9,
    }
    assert set(stored_events.KIND_CODES) == {kind.value for kind in EventType}
    for kind, code in stored_events.KIND_CODES.items():
        assert stored_events.kind_of_code(stored_events.kind_code(kind)) == kind == EventType(kind)
        assert stored_events.kind_code(EventType(kind)) == code


def test_a_kind_or_number_without_a_pair_is_refused() -> None:
    with pytest.raises(ValueError, match=r"comment\.liked"):
        stored_events.kind_code("comment.liked")
    with pytest.raises(ValueError, match="10"):
        stored_events.kind_of_code(10)
    with pytest.raises(ValueError, match="0"):
        stored_events.kind_of_code(0)
