"""moderation_stats on a seeded history with known answers, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from service.domain import ActionKind, Decision, Status
from service.models import ActionRow
from service.moderation import Moderation
from service.settings import Settings
from service.stats import ModeratorCount, Percentiles, Stats, moderation_stats
from tests.factories import SPAM_PITCH, new_comment, scores

NOW = datetime.now(UTC)
BASE = NOW - timedelta(hours=3)  # every comment is submitted then


class History:
    """Writes comments, verdicts and decisions at chosen times through the use cases."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        self.sessions = sessions
        self.settings = settings

    def at(self, minutes: int) -> Moderation:
        moment = BASE + timedelta(minutes=minutes)
        return Moderation(self.sessions, self.settings, clock=lambda: moment)

    def classified(self, status: Status, spam: float) -> str:
        # An automatic rejection needs evidence in the text, so the comments it rejects carry some.
        body = {"body": SPAM_PITCH} if status is Status.SPAM else {}
        [stored] = self.at(0).store([new_comment(**body)])
        self.at(1).record_classifications([scores(stored.comment_id, spam=spam)])
        assert self.at(1).get_comment(stored.comment_id).status is status
        return stored.comment_id

    def decide(self, comment_id: str, decision: Decision, actor: str, minutes: int) -> None:
        self.at(minutes).decide(
            comment_id,
            decision=decision,
            actor=actor,
            reason=None,
            note=None,
            expected_version=None,
        )

    def undo(self, comment_id: str, actor: str, minutes: int) -> None:
        with self.sessions.begin() as session:  # the undo use case's log entry, nothing more
            session.add(
                ActionRow(
                    comment_id=comment_id,
                    kind=ActionKind.UNDONE.value,
                    actor=actor,
                    created_at=BASE + timedelta(minutes=minutes),
                )
            )


@pytest.fixture
def stats(sessions: sessionmaker[Session], settings: Settings) -> tuple[Stats, list[datetime]]:
    """The seeded history's stats over 24 hours, and the times of its standing decisions."""
    history = History(sessions, settings)
    history.classified(Status.APPROVED, spam=0.01)  # settled by the system
    overturned = history.classified(Status.SPAM, spam=0.995)
    held = history.classified(Status.WITHHELD, spam=0.6)
    confirmed = history.classified(Status.SPAM, spam=0.995)
    undone = history.classified(Status.WITHHELD, spam=0.6)
    history.decide(overturned, Decision.APPROVE, "mod-ann", minutes=10)  # 600 s, an overturn
    history.decide(held, Decision.REJECT, "mod-ann", minutes=30)  # 1800 s, withheld: no overturn
    history.decide(confirmed, Decision.SPAM, "mod-bob", minutes=60)  # 3600 s, agrees
    history.decide(undone, Decision.APPROVE, "mod-bob", minutes=20)
    history.undo(undone, "mod-bob", minutes=21)  # as if never decided
    decided_at = [BASE + timedelta(minutes=m) for m in (10, 30, 60)]
    return moderation_stats(sessions, 24, lambda: NOW), decided_at


def test_stats_count_human_decisions_without_undone_ones(
    stats: tuple[Stats, list[datetime]],
) -> None:
    result, _ = stats
    assert result.per_moderator == [
        ModeratorCount("mod-ann", decisions=2, approved=1, rejected=1, spam=0),
        ModeratorCount("mod-bob", decisions=1, approved=0, rejected=0, spam=1),
    ]


def test_stats_time_to_decision_percentiles(stats: tuple[Stats, list[datetime]]) -> None:
    result, _ = stats
    # 600, 1800, 3600 s: the median, and 80 % of the way from 1800 to 3600.
    assert result.time_to_decision == Percentiles(p50=1800.0, p90=3240.0, count=3)


def test_stats_overturns_only_count_system_settled_comments(
    stats: tuple[Stats, list[datetime]],
) -> None:
    result, _ = stats
    assert result.overturns == 1
    assert result.overturn_rate == 0.5  # of the two system-settled comments a human decided
    assert result.automatic_share == 0.25  # 1 settled by the system, 3 by moderators


def test_stats_hours_split_automatic_and_human(stats: tuple[Stats, list[datetime]]) -> None:
    result, decided_at = stats
    assert len(result.hours) == 24
    assert result.since == NOW.replace(minute=0, second=0, microsecond=0) - timedelta(hours=23)
    assert [h.hour for h in result.hours] == [result.since + timedelta(hours=i) for i in range(24)]
    automatic = {h.hour: h.automatic for h in result.hours if h.automatic}
    human = {h.hour: h.human for h in result.hours if h.human}
    verdict_hour = (BASE + timedelta(minutes=1)).replace(minute=0, second=0, microsecond=0)
    assert automatic == {verdict_hour: 5}
    assert human == Counter(t.replace(minute=0, second=0, microsecond=0) for t in decided_at)


def test_stats_of_an_empty_window_have_no_ratios(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    result = moderation_stats(sessions, 1, lambda: NOW)
    assert result.hours[0].automatic == result.hours[0].human == 0
    assert result.time_to_decision == Percentiles(None, None, 0)
    assert result.automatic_share is None
    assert result.overturn_rate is None
    assert result.per_moderator == []
