"""The outbox rows of a batch of system verdicts, built directly (issue 10).

A worker writes one ``comment.decided`` event per verdict, and a ``comment.entered_queue`` after
it for each withheld one. The general path (``outbox.record``) builds each event's full payload
and then packs it (service/domain/stored_events.py), checking every packing with an unpack and
two JSON encodings: ~7% of a worker's CPU per comment (bench.worker_cpu). For a verdict (a
pending comment decided) the packed form is known in advance, so these rows are built as
``pack`` keeps them; tests/unit/service/store/test_verdict_events.py compares them with the
general path's. Any other change goes the general way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from service.domain import Status, statement_wording_v1
from service.domain.changes import (
    DECIDED,
    QUEUE_OF,
    EventType,
    Transition,
    decided_by,
    statement_of_reasons,
)
from service.store import outbox

_DECIDED = EventType.COMMENT_DECIDED.value
_ENTERED_QUEUE = EventType.COMMENT_ENTERED_QUEUE.value
_PENDING = Status.PENDING.value

# A batch's verdicts share a few (status, reasons, decider, model version): their wording once.
_WordingKey = tuple[Status, tuple[str, ...], str, str | None]


def record_verdicts(session: Session, changes: Sequence[Transition]) -> None:
    """Append the events of these changes, as ``outbox.record(session, changes)`` would."""
    if not all(_is_verdict(change) for change in changes):
        outbox.record(session, changes)
        return
    wordings: dict[_WordingKey, str | int] = {}
    rows = [row for change in changes for row in verdict_rows(change, wordings)]
    outbox.add_packed(session, rows)


def _is_verdict(change: Transition) -> bool:
    # From pending to a decided status: one comment.decided (no queue left), then the queue
    # entered, if any; nothing else of transition_events applies.
    return change.from_status is Status.PENDING and change.to_status in DECIDED


def verdict_rows(
    change: Transition, wordings: dict[_WordingKey, str | int]
) -> list[dict[str, Any]]:
    """The outbox rows of one verdict (``_is_verdict``), as ``outbox.record`` writes them."""
    comment = outbox.packed_comment(change.comment, change.to_status.value)
    # previous_status is "pending", never the null pack leaves out; empty reasons are left out.
    common: dict[str, Any] = {"comment": comment, "previous_status": _PENDING}
    if change.reasons:
        common["reasons"] = list(change.reasons)
    decided = {
        **common,
        "decided_by": decided_by(change.decider, change.model_version),
        "statement_of_reasons": _stored_wording(change, wordings),
    }
    statement = change.rejection_statement()
    if statement is not None:  # a null statement (its last member) is left out
        decided["statement"] = statement.as_json()
    rows = [_row(change, _DECIDED, decided)]
    queue = QUEUE_OF.get(change.to_status)
    if queue is not None:
        rows.append(_row(change, _ENTERED_QUEUE, {**common, "queue": queue}))
    return rows


def _stored_wording(change: Transition, wordings: dict[_WordingKey, str | int]) -> str | int:
    """The statement of reasons as pack stores it: the frozen wording's number when it reads
    the same as that wording, else the text."""
    key = (change.to_status, tuple(change.reasons), change.decider.value, change.model_version)
    stored = wordings.get(key)
    if stored is None:
        text = statement_of_reasons(
            change.to_status, change.reasons, change.decider, change.model_version
        )
        frozen = statement_wording_v1.statement(
            change.to_status.value,
            list(change.reasons),
            decided_by(change.decider, change.model_version),
        )
        stored = wordings[key] = statement_wording_v1.VERSION if text == frozen else text
    return stored


def _row(change: Transition, kind: str, packed: dict[str, Any]) -> dict[str, Any]:
    return outbox.packed_row(change.comment, kind, packed, change.at)
