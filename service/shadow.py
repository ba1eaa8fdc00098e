"""Shadow scoring: a challenger model scores what the champion decides, and acts on nothing.

Workers store the challenger's scores next to the champion's (``scores`` is keyed by comment,
model version and label); ops compare the two against what moderators decided since.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.orm import Session, sessionmaker

from service.domain import Classification, ModelVersion
from service.settings import Settings
from service.store import registry
from service.store import shadow as shadow_store
from service.transaction import transaction

CHALLENGER = "challenger"


class Shadow:
    """Use cases of the challenger model: who it is, its scores, how it compares."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        self.sessions = sessions
        self.settings = settings

    def challenger(self) -> ModelVersion | None:
        """The version that scores in shadow, if one is set."""
        with transaction(self.sessions) as session:
            return registry.version_for_alias(session, CHALLENGER)

    def record_scores(self, results: Sequence[Classification]) -> int:
        """Store successful scores under their model version; returns how many comments."""
        by_version: dict[str, dict[str, Mapping[str, float]]] = {}
        for result in results:
            if result.error is None and result.model_version is not None:
                by_version.setdefault(result.model_version, {})[result.comment_id] = result.scores
        if not by_version:
            return 0
        with transaction(self.sessions) as session:
            return sum(
                shadow_store.insert_scores(session, version, scores)
                for version, scores in by_version.items()
            )
