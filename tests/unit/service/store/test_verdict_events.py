"""A verdict's outbox rows, built directly, are those the general path (full payload, then
``stored_events.pack``) writes: every column but the random event id, the packed payload
compared as JSON text (member order included)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from service.db import _compact_json
from service.domain import Reason, Status, stored_events
from service.domain.changes import DECIDED, CommentRef, Decider, Transition, transition_events
from service.domain.statements import Statement, StatementCode
from service.store import outbox, verdict_events

AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

_REASONS = st.lists(st.sampled_from([r.value for r in Reason]) | st.text(max_size=12), max_size=4)
_STATEMENTS = st.none() | st.builds(
    Statement, st.sampled_from(list(StatementCode)), st.text(max_size=20), st.booleans()
)


@st.composite
def _verdicts(draw: st.DrawFn) -> Transition:
    ref = CommentRef(
        id=draw(st.uuids()).__str__(),
        site_id=draw(st.sampled_from(["news-site", "other"])),
        article_id=draw(st.text(min_size=1, max_size=10)),
        parent_id=draw(st.none() | st.uuids().map(str)),
        revision=draw(st.integers(1, 5)),
        version=draw(st.integers(2, 9)),
    )
    return Transition(
        ref,
        Status.PENDING,
        draw(st.sampled_from(sorted(DECIDED))),
        draw(_REASONS),
        draw(st.sampled_from(list(Decider))),
        AT,
        draw(st.none() | st.sampled_from(["v-1", "2026-11-01-champion"])),
        draw(_STATEMENTS),
    )


def _general(change: Transition) -> list[dict[str, Any]]:
    # outbox.record's rows: transition_events, then outbox._row (which packs).
    return [outbox._row(event) for event in transition_events(change)]


def _comparable(row: dict[str, Any]) -> dict[str, Any]:
    assert len(row["event_id"]) == 16
    return {**row, "event_id": None, "packed": json.dumps(row["packed"])}


@given(st.lists(_verdicts(), min_size=1, max_size=6))
def test_a_verdicts_rows_are_those_the_general_path_writes(changes: list[Transition]) -> None:
    wordings: dict[Any, Any] = {}
    for change in changes:
        direct = verdict_events.verdict_rows(change, wordings)
        general = _general(change)

        assert [_comparable(r) for r in direct] == [_comparable(r) for r in general]
        # As stored: the engine's JSON text of the payload, byte for byte.
        assert [_compact_json(r["packed"]) for r in direct] == [
            _compact_json(r["packed"]) for r in general
        ]


def test_the_rows_of_the_usual_verdicts() -> None:
    ref = CommentRef("0b2c3d4e-0000-4000-8000-000000000001", "news-site", "a-1", None, 1, 2)
    withheld = Transition(ref, Status.PENDING, Status.WITHHELD, ["links"], Decider.MODEL, AT, "v")
    spam = Transition(ref, Status.PENDING, Status.SPAM, ["spam"], Decider.MODEL, AT, "v")
    approved = Transition(ref, Status.PENDING, Status.APPROVED, [], Decider.SYSTEM, AT)

    rows = {c.to_status: verdict_events.verdict_rows(c, {}) for c in (withheld, spam, approved)}

    assert [r["kind"] for r in rows[Status.WITHHELD]] == [
        "comment.decided",
        "comment.entered_queue",
    ]
    assert rows[Status.SPAM][0]["packed"]["statement_of_reasons"] == 1  # the frozen wording
    assert "statement" in rows[Status.SPAM][0]["packed"]
    assert "reasons" not in rows[Status.APPROVED][0]["packed"]  # empty: a default
    for change in (withheld, spam, approved):
        for row, event in zip(rows[change.to_status], transition_events(change), strict=True):
            assert stored_events.unpack(row["kind"], ref.id, row["packed"]) == dict(event.data)
