"""Bootstrap confidence intervals for comparing two models on the same labelled rows.

A site's recent decisions are few (hundreds, not tens of thousands), so a point ROC-AUC or a
precision on them says little: every figure the promotion gate reads comes with a percentile
interval from resampling the rows. Comparisons are *paired*: each resample reweights the same
rows for both models, so the interval of a difference is much tighter than two separate
intervals would suggest, and "worse beyond the interval" means the whole interval is below zero.

Resampling is done with multinomial row weights (a resample is a vector of how often each row was
drawn), which turns every statistic into weighted sums over rows sorted once, so a thousand
resamples of ten thousand rows take a fraction of a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "Estimate",
    "paired_auc",
    "paired_ratio",
    "resample_weights",
    "weighted_auc",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Estimate:
    """A figure on the rows themselves and its bootstrap percentile interval."""

    value: float | None
    low: float | None
    high: float | None

    def as_dict(self) -> dict[str, float | None]:
        """JSON-ready, rounded to 4 decimals."""
        return {
            key: None if v is None else round(v, 4)
            for key, v in (("value", self.value), ("low", self.low), ("high", self.high))
        }


def resample_weights(rows: int, resamples: int, seed: int) -> FloatArray:
    """How often each row is drawn in each resample: shape ``(resamples, rows)``."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, rows, size=(resamples, rows))
    weights = np.zeros((resamples, rows), dtype=np.float64)
    np.add.at(weights, (np.arange(resamples)[:, None], draws), 1.0)
    return weights


def weighted_auc(
    truth: npt.NDArray[np.int64], score: FloatArray, weights: FloatArray
) -> FloatArray:
    """ROC-AUC of ``score`` against 0/1 ``truth`` under each row of ``weights``.

    Ties count one half, as in scikit-learn. A weighting with no positive or no negative weight
    gives NaN.
    """
    weights = np.atleast_2d(weights)
    order = np.argsort(score, kind="stable")
    sorted_score, sorted_truth = score[order], truth[order]
    starts = np.flatnonzero(np.r_[True, sorted_score[1:] != sorted_score[:-1]])
    w = weights[:, order]
    positive = np.add.reduceat(w * (sorted_truth == 1), starts, axis=1)
    negative = np.add.reduceat(w * (sorted_truth == 0), starts, axis=1)
    below = np.cumsum(negative, axis=1) - negative
    wins = np.sum(positive * (below + 0.5 * negative), axis=1)
    pairs = positive.sum(axis=1) * negative.sum(axis=1)
    auc: FloatArray = np.divide(wins, pairs, out=np.full(len(weights), np.nan), where=pairs > 0)
    return auc


def _interval(values: FloatArray, level: float) -> tuple[float | None, float | None]:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return None, None
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(finite, [tail, 100.0 - tail])
    return float(low), float(high)


def _point(values: FloatArray) -> float | None:
    return float(values[0]) if np.isfinite(values[0]) else None


@dataclass(frozen=True)
class PairedEstimate:
    """Two models' figures on the same rows, and their difference (second minus first)."""

    first: Estimate
    second: Estimate
    difference: Estimate

    def as_dict(self) -> dict[str, dict[str, float | None]]:
        """JSON-ready."""
        return {
            "first": self.first.as_dict(),
            "second": self.second.as_dict(),
            "difference": self.difference.as_dict(),
        }


def _paired(first: FloatArray, second: FloatArray, level: float) -> PairedEstimate:
    # Index 0 is the unweighted rows themselves; the rest are resamples.
    def estimate(values: FloatArray) -> Estimate:
        return Estimate(_point(values), *_interval(values[1:], level))

    return PairedEstimate(estimate(first), estimate(second), estimate(second - first))


def _with_identity(weights: FloatArray) -> FloatArray:
    return np.vstack([np.ones((1, weights.shape[1])), weights])


def paired_auc(
    truth: npt.NDArray[np.int64],
    first: FloatArray,
    second: FloatArray,
    weights: FloatArray,
    *,
    level: float = 0.95,
) -> PairedEstimate:
    """ROC-AUC of two score vectors on the same rows, with paired bootstrap intervals.

    Parameters
    ----------
    truth : ndarray of int
        0/1 truth per row.
    first, second : ndarray
        Each model's score per row.
    weights : ndarray of shape (resamples, rows)
        From :func:`resample_weights`; the same for every statistic that must be paired.
    level : float
        Coverage of the percentile intervals.

    Returns
    -------
    PairedEstimate
        ``difference`` is ``second - first``.
    """
    everything = _with_identity(weights)
    return _paired(
        weighted_auc(truth, first, everything), weighted_auc(truth, second, everything), level
    )


def paired_ratio(
    numerator: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]],
    denominator: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]],
    weights: FloatArray,
    *,
    level: float = 0.95,
) -> PairedEstimate:
    """A share of rows (``numerator`` among ``denominator``) for two models, paired.

    Each argument holds one boolean mask per model; e.g. for automatic-reject precision the
    numerator is "rejected by the model and by the moderator", the denominator "rejected by the
    model". A resample whose denominator is empty gives no value (left out of the interval).
    """
    everything = _with_identity(weights)

    def shares(num: npt.NDArray[np.bool_], den: npt.NDArray[np.bool_]) -> FloatArray:
        top, bottom = everything @ num.astype(np.float64), everything @ den.astype(np.float64)
        share: FloatArray = np.divide(
            top, bottom, out=np.full(len(everything), np.nan), where=bottom > 0
        )
        return share

    return _paired(
        shares(numerator[0], denominator[0]), shares(numerator[1], denominator[1]), level
    )
