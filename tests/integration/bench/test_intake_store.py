"""bench.intake_store: it times storing every comment it is given, as intake stores them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bench.intake_store import store_cpu, submissions
from service.models import COMMENTS, OUTBOX
from service.moderation import Moderation
from service.settings import Settings


def test_store_cpu_stores_each_comment_once_with_its_event(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    items = submissions(5)

    cpu = store_cpu(Moderation(sessions, settings), items, batch=2)

    assert cpu > 0
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(COMMENTS)) == 5
        assert session.scalar(select(func.count()).select_from(OUTBOX)) == 5
