"""Learning a site's policy from its decisions: time-ordered splits and cross-fitted scores.

Everything a retraining run needs besides I/O and the moderation policy: fitting a
:class:`~classifier.site.SiteModel` on a prior with the prior's scores computed once, the split
that evaluates a candidate the way it will be used (trained on older decisions, scored on the
newest), and out-of-fold scores of every decision for choosing score bands on data the scoring
head did not see.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import expit
from sklearn.model_selection import KFold

from classifier.errors import TrainingError
from classifier.model import TextModel
from classifier.site import SiteModel
from classifier.text import NormalisedBatch, normalise_texts

__all__ = ["SiteTrainer", "TimeSplit", "time_split"]

# The share of a site's decisions, newest first, a candidate is evaluated on.
RECENT_SHARE = 0.2

Progress = Callable[[str], None]


@dataclass(frozen=True)
class TimeSplit:
    """Rows ``[0, older)`` train the evaluated candidate; ``[older, rows)`` judge it."""

    rows: int
    older: int

    @property
    def recent(self) -> int:
        """How many of the newest rows are held out."""
        return self.rows - self.older


def time_split(rows: int, recent_share: float = RECENT_SHARE) -> TimeSplit:
    """Hold out the newest ``recent_share`` of ``rows`` (at least one row, if there are two)."""
    if rows < 2:
        return TimeSplit(rows, rows)
    recent = min(rows - 1, max(1, round(rows * recent_share)))
    return TimeSplit(rows, rows - recent)


def _nothing(message: str) -> None:
    del message


class SiteTrainer:
    """Fits site heads on one prior, scoring the prior once for every fit that follows.

    Parameters
    ----------
    prior : TextModel
        The model the heads start from.
    texts : sequence of str
        Every decided comment, oldest first.
    targets : array-like of shape (len(texts), len(prior.labels))
        ``1``/``0``/``NaN`` per label.
    progress : callable, optional
        Called with a short message as work proceeds.
    **params
        Passed to :class:`SiteModel` (``C``, ``prior_scale``, ...).
    """

    def __init__(
        self,
        prior: TextModel,
        texts: Sequence[str],
        targets: npt.ArrayLike,
        progress: Progress = _nothing,
        **params: Any,
    ) -> None:
        self.prior = prior
        self.texts = list(texts)
        self.targets = np.asarray(targets, dtype=np.float64).reshape(
            len(self.texts), len(prior.labels)
        )
        self.params = params
        self._progress = progress
        progress(f"scoring {len(self.texts)} decided comments with the prior")
        self.logits = prior.calibrated_logits(NormalisedBatch(normalise_texts(self.texts)))

    @property
    def prior_proba(self) -> npt.NDArray[np.float64]:
        """The prior's probabilities of every decided comment."""
        proba: npt.NDArray[np.float64] = expit(self.logits)
        return proba

    def fit(self, rows: npt.NDArray[np.int64] | slice | None = None) -> SiteModel | None:
        """A site model fitted on ``rows`` (all by default); None when they teach no label."""
        chosen = slice(None) if rows is None else rows
        texts = [self.texts[i] for i in np.arange(len(self.texts))[chosen]]
        model = SiteModel(self.prior, **self.params)
        try:
            return model.fit(texts, self.targets[chosen], prior_logits=self.logits[chosen])
        except TrainingError:
            return None

    def out_of_fold(
        self,
        rows: npt.NDArray[np.int64] | None = None,
        folds: int = 5,
        seed: int = 0,
    ) -> npt.NDArray[np.float64]:
        """The probabilities of ``rows`` (all by default), each from a head fitted without it.

        Only ``rows`` take part: each fold's head is fitted on the other folds of ``rows``.
        Labels a fold's training rows do not teach keep the prior's probability for that fold's
        held-out rows, as the deployed model would. Returns one row per entry of ``rows``.
        """
        chosen = np.arange(len(self.texts)) if rows is None else np.asarray(rows)
        proba = self.prior_proba[chosen]
        splits = min(folds, len(chosen))
        if splits < 2:
            return proba
        splitter = KFold(n_splits=splits, shuffle=True, random_state=seed)
        for number, (train, held) in enumerate(splitter.split(chosen), start=1):
            self._progress(f"cross-fitting fold {number} of {splits}")
            model = self.fit(chosen[train])
            if model is not None:
                proba[held] = self.score(model, chosen[held])
        return proba

    def score(self, model: SiteModel, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """``model``'s probabilities of the given decided comments (the prior scored once)."""
        batch = NormalisedBatch(normalise_texts([self.texts[i] for i in rows]))
        logits = model.logits_from_prior(batch, self.logits[rows])
        proba: npt.NDArray[np.float64] = expit(logits)
        return proba
