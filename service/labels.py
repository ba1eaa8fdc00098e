"""Moderator decisions as labels, and the use cases of the labels file (export, import).

A human approve is a negative for every label; a spam decision a positive for ``spam``; a reject
a positive for each label given as its reason (a toxicity sub-label implies ``toxic``) and a
negative for ``spam`` (the moderator chose reject, not spam). Anything else is unknown (None).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from service.domain import Status
from service.store import decisions
from service.store import labels as labels_store
from service.store.labels import CurrentDecision, LabelRecord
from service.transaction import transaction

if TYPE_CHECKING:
    from service.label_file import LabelRow

LABELS = ("spam", "toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate")
TOXIC_SUBLABELS = frozenset(LABELS[2:])

LabelValues = dict[str, int | None]


def decision_labels(status: Status, reasons: Sequence[str]) -> LabelValues:
    """Each label as 1, 0 or None (the decision does not say) for a moderator's decision."""
    if status is Status.APPROVED:
        return dict.fromkeys(LABELS, 0)
    given = set(reasons)
    if given & TOXIC_SUBLABELS:
        given.add("toxic")
    labels: LabelValues = {label: 1 if label in given else None for label in LABELS}
    if status is Status.SPAM:
        labels["spam"] = 1
    elif labels["spam"] is None:
        labels["spam"] = 0
    return labels


@dataclasses.dataclass(frozen=True)
class ImportResult:
    """What an import did: decisions recorded, rows already decided the same way, unknown ids."""

    recorded: int
    unchanged: int
    missing: list[LabelRow]


class Labels:
    """Use cases of the moderator-labels file: export a page of it, import one back."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.sessions = sessions
        self.clock = clock

    def export_page(self, after_action_id: int, limit: int) -> list[LabelRecord]:
        """Up to ``limit`` labelled comments whose latest decision is after that action id."""
        with transaction(self.sessions) as session:
            return labels_store.labelled_page(session, after_action_id, limit)

    def import_rows(self, rows: Sequence[LabelRow], source: str) -> ImportResult:
        """Record each row as a human decision, all in one transaction.

        Rows for comments that do not exist are skipped (returned as ``missing``); rows whose
        comment's latest human decision is already the same decision and reasons are skipped
        too. A decision by someone else meanwhile (StaleDecisionError) rolls everything back.
        """
        now = self.clock()
        recorded = unchanged = 0
        missing: list[LabelRow] = []
        with transaction(self.sessions) as session:
            current = labels_store.current_decisions(session, [r.comment_id for r in rows])
            for row in rows:
                state = current.get(row.comment_id)
                if state is None:
                    missing.append(row)
                elif (state.status, state.reasons) == (row.decision.status, row.reasons):
                    unchanged += 1
                else:
                    _record(session, row, state, f"imported from {source} line {row.line}", now)
                    recorded += 1
        return ImportResult(recorded, unchanged, missing)


def _record(
    session: Session, row: LabelRow, state: CurrentDecision, note: str, now: datetime
) -> None:
    details = [f"decided_at {row.decided_at}" if row.decided_at else "", _action(row)]
    decisions.apply_decision(
        session,
        row.comment_id,
        to_status=row.decision.status,
        actor=row.actor,
        reasons=row.reasons,
        note="; ".join(filter(None, [note, *details])),
        # The file is the newer word: overturn whatever is there, unless it changes meanwhile.
        expected_version=state.version,
        now=now,
    )


def _action(row: LabelRow) -> str:
    return f"exported as action {row.action_id}" if row.action_id else ""
