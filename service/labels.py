"""The use cases of the moderator-labels file: export a page of it, import one back.

Which labels a decision implies is ``service.domain.labels.decision_labels``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from service.domain.labels import CurrentDecision, LabelRecord
from service.label_file import LabelRow
from service.store import decisions
from service.store import labels as labels_store
from service.transaction import transaction


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
