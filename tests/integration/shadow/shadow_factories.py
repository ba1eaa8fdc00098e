"""Test data for shadow tests: a challenger that disagrees with the champion, alias setting."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from service.moderation import utcnow
from service.shadow import CHALLENGER
from service.store import registry
from tests.integration.workers.worker_factories import LABELS

CHALLENGER_ID = "v-challenger"


class ChallengerScorer:
    """Calls anything about "market" spam, so acting on it would visibly change verdicts."""

    labels = LABELS

    def __init__(self, *, fail: bool = False) -> None:
        self.fail = fail
        self.calls: list[int] = []

    def predict_proba(self, texts: Sequence[str]) -> Any:
        self.calls.append(len(texts))
        if self.fail:
            raise RuntimeError("challenger exploded")
        spam = np.array(["market" in t.casefold() for t in texts], dtype=np.float64)
        return np.column_stack([0.005 + 0.99 * spam, np.full(len(texts), 0.03)])


def set_challenger(sessions: sessionmaker[Session], version_id: str) -> None:
    """Point the challenger alias at a registered version."""
    with sessions.begin() as session:
        registry.set_alias(session, CHALLENGER, version_id, utcnow())
