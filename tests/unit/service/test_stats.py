"""The pure parts of the ops statistics: percentiles, the window, undone decisions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.domain import ActionKind
from service.stats import percentile, standing_decisions, window_start
from service.store.stats import HumanAction

T = datetime(2026, 3, 4, 10, 37, 12, tzinfo=UTC)


def action(id_: int, comment_id: str, kind: ActionKind) -> HumanAction:
    return HumanAction(id_, comment_id, kind, "mod-ann", "approved", T, T)


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [([], 0.5, None), ([7.0], 0.9, 7.0), ([1.0, 2.0, 3.0, 4.0], 0.5, 2.5), ([10.0, 0.0], 0.9, 9.0)],
)
def test_percentile_interpolates_between_ranks(
    values: list[float], fraction: float, expected: float | None
) -> None:
    assert percentile(values, fraction) == expected


def test_window_starts_on_a_whole_hour_and_includes_the_current_one() -> None:
    assert window_start(T, 1) == datetime(2026, 3, 4, 10, tzinfo=UTC)
    assert window_start(T, 24) == datetime(2026, 3, 3, 11, tzinfo=UTC)


def test_an_undo_takes_back_the_latest_standing_decision_only() -> None:
    decided, undone = ActionKind.DECIDED, ActionKind.UNDONE
    actions = [
        action(1, "a", decided),
        action(2, "a", decided),
        action(3, "a", undone),
        action(4, "b", undone),  # its decision is older than the window: nothing to take back
        action(5, "b", decided),
    ]
    assert [d.id for d in standing_decisions(actions)] == [1, 5]
