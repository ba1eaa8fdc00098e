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
from scipy.special import expit, log_expit
from sklearn.model_selection import KFold

from classifier.errors import TrainingError
from classifier.model import TextModel
from classifier.offset_logistic import fit_offset_logistic, offset_logits
from classifier.pipeline import build_site_features
from classifier.site import SiteModel
from classifier.text import NormalisedBatch, normalise_texts

__all__ = ["SiteTrainer", "TimeSplit", "time_split"]

# The share of a site's decisions, newest first, a candidate is evaluated on.
RECENT_SHARE = 0.2
# Penalties tried for a site head's n-gram weights: the best differed by site (OLID preferred 1,
# Davidson 30, SMS 100 among 0.3-100 at 1,000 decisions), so each fit chooses on the decisions.
C_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)
# Fewest newest decisions the choice of C is validated on; below it the default stays.
MIN_VALIDATION_ROWS = 20

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

    def choose_c(self, rows: npt.NDArray[np.int64] | None = None) -> tuple[tuple[str, float], ...]:
        """Per label, the ``C`` whose head, fitted on the older 80% of ``rows``, predicts the
        newest 20% best (log loss); labels it cannot judge keep the default."""
        chosen = np.arange(len(self.texts)) if rows is None else np.asarray(rows)
        split = time_split(len(chosen), RECENT_SHARE)
        if split.recent < MIN_VALIDATION_ROWS:
            return ()
        older, newer = chosen[: split.older], chosen[split.older :]
        features = build_site_features()
        fitted = features.fit_transform(self._batch(older))
        held = features.transform(self._batch(newer))
        picks: list[tuple[str, float]] = []
        for column, label in enumerate(self.prior.labels):
            best = self._best_c(column, older, newer, fitted, held)
            if best is not None:
                picks.append((label, best))
        return tuple(picks)

    def _best_c(
        self,
        column: int,
        older: npt.NDArray[np.int64],
        newer: npt.NDArray[np.int64],
        fitted: Any,
        held: Any,
    ) -> float | None:
        train = ~np.isnan(self.targets[older, column])
        check = ~np.isnan(self.targets[newer, column])
        y, y_held = self.targets[older[train], column], self.targets[newer[check], column]
        if min(int(y.sum()), int((1 - y).sum())) < 5 or len(np.unique(y_held)) < 2:
            return None
        offset = np.clip(self.logits[older[train], column], -30, 30)
        offset_held = np.clip(self.logits[newer[check], column], -30, 30)
        losses: list[float] = []
        start = None
        for c in C_GRID:  # ascending, each fit starting from the last: few iterations each
            start = fit_offset_logistic(fitted[train], y.astype(np.int64), offset, C=c, start=start)
            z = offset_logits(start, offset_held, held[check])
            losses.append(-float(np.mean(y_held * log_expit(z) + (1 - y_held) * log_expit(-z))))
        return C_GRID[int(np.argmin(losses))]

    def _batch(self, rows: npt.NDArray[np.int64]) -> NormalisedBatch:
        return NormalisedBatch(normalise_texts([self.texts[i] for i in rows]))

    def fit(
        self,
        rows: npt.NDArray[np.int64] | slice | None = None,
        label_c: tuple[tuple[str, float], ...] = (),
    ) -> SiteModel | None:
        """A site model fitted on ``rows`` (all by default); None when they teach no label.

        ``label_c`` (from :meth:`choose_c`) sets each head's penalty.
        """
        chosen = slice(None) if rows is None else rows
        texts = [self.texts[i] for i in np.arange(len(self.texts))[chosen]]
        model = SiteModel(self.prior, **{**self.params, "label_C": label_c})
        try:
            return model.fit(texts, self.targets[chosen], prior_logits=self.logits[chosen])
        except TrainingError:
            return None

    def out_of_fold(
        self,
        rows: npt.NDArray[np.int64] | None = None,
        label_c: tuple[tuple[str, float], ...] = (),
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
            model = self.fit(chosen[train], label_c)
            if model is not None:
                proba[held] = self.score(model, chosen[held])
        return proba

    def score(self, model: SiteModel, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """``model``'s probabilities of the given decided comments (the prior scored once)."""
        batch = NormalisedBatch(normalise_texts([self.texts[i] for i in rows]))
        logits = model.logits_from_prior(batch, self.logits[rows])
        proba: npt.NDArray[np.float64] = expit(logits)
        return proba
