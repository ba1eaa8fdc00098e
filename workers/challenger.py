"""Shadow scoring in the worker: the challenger scores each classify batch and decides nothing.

The challenger is loaded once per process by a second :class:`ModelCache`, keyed on the
``challenger`` alias and polled like the champion's. Its scores go to the ``scores`` table under
its own version; status, reasons and actions stay the champion's. Whatever goes wrong here is
logged and skipped: the champion's verdicts are already recorded when shadow scoring runs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.orm import Session, sessionmaker

from service.domain import Alias, Comment
from service.lifecycle import Lifecycle
from service.settings import Settings
from service.shadow import Shadow
from workers.model_cache import LoadedModel, Loader, ModelCache
from workers.scoring import score_batch

log = logging.getLogger(__name__)


class ShadowScorer:
    """Scores batches with the challenger (one ``predict_proba`` per batch) and stores them."""

    def __init__(self, shadow: Shadow, models: ModelCache) -> None:
        self.shadow = shadow
        self.models = models

    def score(self, comments: Sequence[Comment], champion: LoadedModel | None) -> int:
        """Store the challenger's scores for ``comments``; returns how many were stored.

        Never raises: a challenger that fails to load, to score or to store is logged and the
        batch is skipped (its comments stay unscored by the challenger).
        """
        try:
            return self._score(comments, champion)
        except Exception:  # the shadow must never cost the champion path a retry
            log.exception("shadow scoring of %d comment(s) failed, skipped", len(comments))
            return 0

    def _score(self, comments: Sequence[Comment], champion: LoadedModel | None) -> int:
        challenger = self.models.get() if comments else None
        if challenger is None:
            return 0
        if champion is not None and challenger.version.id == champion.version.id:
            return 0  # promoted: its scores are already the champion's
        results = score_batch(comments, challenger)
        return self.shadow.record_scores([r for r in results if r.error is None])


def build_shadow_scorer(
    sessions: sessionmaker[Session], settings: Settings, *, loader: Loader
) -> ShadowScorer:
    """A shadow scorer whose model cache follows the ``challenger`` alias."""
    models = ModelCache(
        Lifecycle(sessions).alias,
        poll_seconds=settings.model_poll_seconds,
        alias=Alias.CHALLENGER,
        loader=loader,
    )
    return ShadowScorer(Shadow(sessions, settings), models)
