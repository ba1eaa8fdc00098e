"""Test data for shadow tests: a challenger that disagrees with the champion, alias setting."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from service.clock import utcnow
from service.domain import Alias
from service.store import registry
from tests.integration.workers.worker_factories import FakeScorer

CHALLENGER_ID = "v-challenger"


def ChallengerScorer(*, fail: bool = False) -> FakeScorer:  # noqa: N802 (reads as a class)
    """Calls anything about "market" spam, so acting on it would visibly change verdicts."""
    return FakeScorer(fail=fail, keyword="market", spam_range=(0.005, 0.995), toxic=0.03)


def set_challenger(sessions: sessionmaker[Session], version_id: str) -> None:
    """Point the challenger alias at a registered version."""
    with sessions.begin() as session:
        registry.set_alias(session, Alias.CHALLENGER, version_id, utcnow())
