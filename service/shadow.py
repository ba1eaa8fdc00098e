"""Shadow scoring: a challenger model scores what the champion decides, and acts on nothing.

Workers store the challenger's scores next to the champion's (``scores`` is keyed by comment,
model version and label); ops compare the two against what moderators decided since.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.orm import Session, sessionmaker

from service.comparison import ShadowComparison, Tally
from service.domain import Alias, Classification
from service.errors import NotFoundError
from service.settings import Settings
from service.store import registry
from service.store import shadow as shadow_store
from service.store.registry import version_thresholds
from service.transaction import transaction

COMPARE_CHUNK = 1000  # decided comments read per query, so memory stays flat


class Shadow:
    """Use cases of the challenger model: who it is, its scores, how it compares."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        self.sessions = sessions
        self.settings = settings

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

    def compare(self, version_id: str, champion_id: str | None = None) -> ShadowComparison:
        """Compare a version with the champion (or ``champion_id``) on moderator decisions.

        Covers every comment a moderator decided that both versions scored; empty (all
        zeros) when there are none or no champion is set. Each version's verdicts use its own
        effective bands. Unknown versions are a NotFoundError.
        """
        with transaction(self.sessions) as session:
            champion_id = self._against(session, version_id, champion_id)
            # Each model is judged with its own bands, as the workers would decide with it.
            stored = version_thresholds(session, [v for v in (version_id, champion_id) if v])
            tally = Tally(self.settings, version_id, champion_id, stored)
            after: str | None = None  # from the first comment (ids are UUIDs: no "" below them)
            while champion_id is not None:
                chunk = shadow_store.labelled_scores(
                    session, version_id, champion_id, after, COMPARE_CHUNK
                )
                for item in chunk:
                    tally.add(item)
                if len(chunk) < COMPARE_CHUNK:
                    break
                after = chunk[-1].comment_id
        return tally.finish()

    def _against(self, session: Session, version_id: str, champion_id: str | None) -> str | None:
        for known in (version_id, champion_id):
            if known is not None and not shadow_store.version_exists(session, known):
                raise NotFoundError(f"model version {known!r} is not registered")
        if champion_id is not None:
            return champion_id
        champion = registry.version_for_alias(session, Alias.CHAMPION)
        return champion.id if champion is not None else None
