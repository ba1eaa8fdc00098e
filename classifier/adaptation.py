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
        self._all = NormalisedBatch(normalise_texts(self.texts))
        self.logits = prior.calibrated_logits(self._all)
        self._views: dict[int, tuple[Any, Any]] = {}

    @property
    def prior_proba(self) -> npt.NDArray[np.float64]:
        """The prior's probabilities of every decided comment."""
        proba: npt.NDArray[np.float64] = expit(self.logits)
        return proba

    def view(self, upto: int | None = None) -> tuple[Any, Any]:
        """The site's n-gram views fitted on the oldest ``upto`` decisions (all by default),
        and the matrix of *every* decided comment under them; computed once per ``upto``.

        Fitting a vocabulary reads no label, so cross-fitting shares one view across its folds;
        the time-ordered evaluation uses a view fitted on the older decisions only.
        """
        upto = len(self.texts) if upto is None else upto
        if upto not in self._views:
            features = SiteModel(self.prior, **self.params).site_features()
            features.fit(self._batch(np.arange(upto)))
            self._views[upto] = (features, features.transform(self._all))
        return self._views[upto]

    def choose_c(self, upto: int | None = None) -> tuple[tuple[str, float], ...]:
        """Per label, the ``C`` whose head, fitted on the older 80% of the oldest ``upto``
        decisions, predicts the newest 20% of them best (log loss); labels it cannot judge keep
        the default."""
        chosen = np.arange(len(self.texts) if upto is None else upto)
        split = time_split(len(chosen), RECENT_SHARE)
        if split.recent < MIN_VALIDATION_ROWS:
            return ()
        older, newer = chosen[: split.older], chosen[split.older :]
        _, matrix = self.view(upto)
        picks: list[tuple[str, float]] = []
        for column, label in enumerate(self.prior.labels):
            best = self._best_c(column, older, newer, matrix)
            if best is not None:
                picks.append((label, best))
        return tuple(picks)

    def _best_c(
        self,
        column: int,
        older: npt.NDArray[np.int64],
        newer: npt.NDArray[np.int64],
        matrix: Any,
    ) -> float | None:
        train = older[~np.isnan(self.targets[older, column])]
        check = newer[~np.isnan(self.targets[newer, column])]
        y, y_held = self.targets[train, column], self.targets[check, column]
        if min(int(y.sum()), int((1 - y).sum())) < 5 or len(np.unique(y_held)) < 2:
            return None
        offset = np.clip(self.logits[train, column], -30, 30)
        offset_held = np.clip(self.logits[check, column], -30, 30)
        losses: list[float] = []
        start = None
        for c in C_GRID:  # ascending, each fit starting from the last: few iterations each
            start = fit_offset_logistic(matrix[train], y.astype(np.int64), offset, C=c, start=start)
            z = offset_logits(start, offset_held, matrix[check])
            losses.append(-float(np.mean(y_held * log_expit(z) + (1 - y_held) * log_expit(-z))))
        return C_GRID[int(np.argmin(losses))]

    def _batch(self, rows: npt.NDArray[np.int64]) -> NormalisedBatch:
        return NormalisedBatch([self._all[i] for i in rows])

    def fit(
        self, upto: int | None = None, label_c: tuple[tuple[str, float], ...] = ()
    ) -> SiteModel | None:
        """A site model fitted on the oldest ``upto`` decisions (all by default), with the view
        fitted on them; None when they teach no label. ``label_c`` (from :meth:`choose_c`) sets
        each head's penalty."""
        rows = np.arange(len(self.texts) if upto is None else upto)
        return self._fit_rows(rows, self.view(upto), label_c)

    def _fit_rows(
        self,
        rows: npt.NDArray[np.int64],
        view: tuple[Any, Any],
        label_c: tuple[tuple[str, float], ...],
    ) -> SiteModel | None:
        features, matrix = view
        model = SiteModel(self.prior, **{**self.params, "label_C": label_c})
        try:
            return model.fit_matrix(features, matrix[rows], self.targets[rows], self.logits[rows])
        except TrainingError:
            return None

    def out_of_fold(
        self,
        upto: int | None = None,
        label_c: tuple[tuple[str, float], ...] = (),
        folds: int = 3,
        seed: int = 0,
    ) -> npt.NDArray[np.float64]:
        """The probabilities of the oldest ``upto`` decisions (all by default), each from a head
        fitted on the other folds of them.

        Labels a fold's training rows do not teach keep the prior's probability for that fold's
        held-out rows, as the deployed model would. Returns one row per decision.
        """
        chosen = np.arange(len(self.texts) if upto is None else upto)
        proba = self.prior_proba[chosen]
        splits = min(folds, len(chosen))
        if splits < 2:
            return proba
        view = self.view(upto)
        splitter = KFold(n_splits=splits, shuffle=True, random_state=seed)
        for number, (train, held) in enumerate(splitter.split(chosen), start=1):
            self._progress(f"cross-fitting fold {number} of {splits}")
            model = self._fit_rows(chosen[train], view, label_c)
            if model is not None:
                logits = model.logits_from_matrix(view[1][chosen[held]], self.logits[chosen[held]])
                proba[held] = expit(logits)
        return proba

    def score(self, model: SiteModel, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """``model``'s probabilities of the given decided comments (the prior scored once, the
        view's matrix reused when ``model`` was fitted here)."""
        matrix = next(
            (m for features, m in self._views.values() if features is model.features_), None
        )
        if matrix is None:
            logits = model.logits_from_prior(self._batch(rows), self.logits[rows])
        else:
            logits = model.logits_from_matrix(matrix[rows], self.logits[rows])
        proba: npt.NDArray[np.float64] = expit(logits)
        return proba
