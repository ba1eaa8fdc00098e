"""The scorer the API's pre-submit check (POST /v1/check) uses: the champion, loaded lazily.

Lives at the top of the house: it uses the workers' model cache and scoring, which the service
may not import, and is handed to the app through service.check.CheckScorer.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from service.db import engine_from_settings, session_factory
from service.domain import Classification, Comment
from service.lifecycle import Lifecycle
from service.settings import Settings
from service.verdict.explanation import Explainer

if TYPE_CHECKING:
    from classifier.language import LanguageIdentifier
    from workers.model_cache import ModelCache


class ChampionScorer:
    """Scores with the current champion; loads it on first use, follows promotions."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._cache: ModelCache | None = None
        self._languages: LanguageIdentifier | None = None
        self._lock = threading.Lock()

    def __call__(
        self, comments: Sequence[Comment]
    ) -> tuple[list[Classification], Explainer | None]:
        """Scores and the explainer of the model that made them."""
        # Imported on first use: an API process that never checks never loads scikit-learn.
        from workers.language import accepted_languages, with_languages
        from workers.scoring import explainer, score_batch

        model = self._models().get()
        accepted = accepted_languages(self._settings, model)
        results = with_languages(
            score_batch(comments, model), comments, self._identifier(), accepted
        )
        return results, explainer(model, results)

    def _identifier(self) -> LanguageIdentifier:
        from classifier.language import LanguageIdentifier

        with self._lock:
            if self._languages is None:
                self._languages = LanguageIdentifier()  # loads its model on first use
            return self._languages

    def _models(self) -> ModelCache:
        from workers.artifacts import artifact_cache
        from workers.model_cache import ModelCache

        with self._lock:  # the first requests may arrive together; load once
            if self._cache is None:
                sessions = session_factory(engine_from_settings(self._settings))
                lifecycle = Lifecycle(sessions)
                # The API host loads the champion like a worker: from the database by sha256,
                # cached under its own data directory.
                artifacts = artifact_cache(lifecycle, self._settings)
                self._cache = ModelCache(
                    lifecycle.alias,
                    poll_seconds=self._settings.model_poll_seconds,
                    loader=artifacts.load,
                )
            return self._cache
