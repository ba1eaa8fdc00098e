"""Ops statistics over a window of whole UTC hours: who decides, how fast, how often overturned.

A moderator decision that was later undone counts as never made (an undo takes back the latest
standing decision on its comment, as in ``service.store.decisions``).
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from service.clock import utcnow
from service.domain import ActionKind, Status
from service.store import stats as store
from service.store.stats import SETTLED, HumanAction
from service.transaction import transaction

MAX_HOURS = 720


@dataclasses.dataclass(frozen=True)
class HourCount:
    """Decisions made in one UTC hour."""

    hour: datetime
    automatic: int
    human: int


@dataclasses.dataclass(frozen=True)
class Percentiles:
    """Seconds from submission to a moderator's decision (None without decisions)."""

    p50: float | None
    p90: float | None
    count: int


@dataclasses.dataclass(frozen=True)
class ModeratorCount:
    """One moderator's standing decisions in the window."""

    actor: str
    decisions: int
    approved: int
    rejected: int
    spam: int


@dataclasses.dataclass(frozen=True)
class Stats:
    """Everything ``GET /v1/stats`` reports."""

    since: datetime
    hours: list[HourCount]
    time_to_decision: Percentiles
    automatic_share: float | None  # None: nothing was settled in the window
    overturn_rate: float | None  # None: no moderator decided a system-settled comment
    overturns: int
    per_moderator: list[ModeratorCount]


def window_start(now: datetime, hours: int) -> datetime:
    """The start of the first of ``hours`` whole UTC hours ending with the current one."""
    current = now.replace(minute=0, second=0, microsecond=0)
    return current - timedelta(hours=hours - 1)


class ModerationStats:
    """The statistics use case over one database."""

    def __init__(
        self, sessions: sessionmaker[Session], clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.sessions = sessions
        self.clock = clock

    def last_hours(self, hours: int) -> Stats:
        """The statistics of the last ``hours`` UTC hours (the current, partial one included)."""
        return moderation_stats(self.sessions, hours, self.clock)


def moderation_stats(
    sessions: sessionmaker[Session], hours: int, clock: Callable[[], datetime]
) -> Stats:
    """The statistics of the last ``hours`` UTC hours (the current, partial one included)."""
    since = window_start(clock(), hours)
    with transaction(sessions) as session:
        verdicts = dict(store.hourly_verdicts(session, since))
        by_system = store.settled_by_system(session, since)
        decisions = standing_decisions(store.human_actions(session, since))
        system = store.system_verdicts(session, [d.comment_id for d in decisions])
    on_settled = [d for d in decisions if system.get(d.comment_id) in SETTLED]
    overturns = sum(d.to_status != system[d.comment_id] for d in on_settled)
    by_human = len({d.comment_id for d in decisions})
    human_hours = Counter(_hour(d.created_at) for d in decisions)
    return Stats(
        since=since,
        hours=[
            HourCount(hour, verdicts.get(hour, 0), human_hours.get(hour, 0))
            for hour in (since + timedelta(hours=i) for i in range(hours))
        ],
        time_to_decision=_time_to_decision(decisions),
        automatic_share=_ratio(by_system, by_system + by_human),
        overturn_rate=_ratio(overturns, len(on_settled)),
        overturns=overturns,
        per_moderator=_per_moderator(decisions),
    )


def standing_decisions(actions: Sequence[HumanAction]) -> list[HumanAction]:
    """The decisions no undo took back (``actions`` oldest first)."""
    stacks: dict[str, list[HumanAction]] = defaultdict(list)
    for action in actions:
        stack = stacks[action.comment_id]
        if action.kind is ActionKind.DECIDED:
            stack.append(action)
        elif stack:
            stack.pop()
    return sorted((d for stack in stacks.values() for d in stack), key=lambda d: d.id)


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _time_to_decision(decisions: Sequence[HumanAction]) -> Percentiles:
    waits = [(d.created_at - d.comment_created_at).total_seconds() for d in decisions]
    return Percentiles(percentile(waits, 0.5), percentile(waits, 0.9), len(waits))


def _per_moderator(decisions: Sequence[HumanAction]) -> list[ModeratorCount]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for decision in decisions:
        counts[decision.actor or ""][decision.to_status or ""] += 1
    rows = [
        ModeratorCount(
            actor,
            sum(c.values()),
            c[Status.APPROVED.value],
            c[Status.REJECTED.value],
            c[Status.SPAM.value],
        )
        for actor, c in counts.items()
    ]
    return sorted(rows, key=lambda r: (-r.decisions, r.actor))


def _hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None
