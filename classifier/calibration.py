"""Turning a linear classifier's margins into calibrated probabilities, and measuring calibration.

Each label's logistic regression is trained with balanced class weights on a mix of sources with
arbitrary base rates, so its raw probabilities rank well but are not frequencies. Platt scaling
fits ``p = sigmoid(a * margin + b)`` on *out-of-fold* margins of the training rows (the same thing
``CalibratedClassifierCV(method="sigmoid", ensemble=False)`` does), never on the test split. The
map is monotonic, so rankings, ROC-AUC and per-feature contributions to the margin are unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from sklearn.model_selection import StratifiedKFold

__all__ = ["expected_calibration_error", "out_of_fold_margins", "platt_scaling"]

FloatArray = npt.NDArray[np.float64]


def out_of_fold_margins(
    fit_margin: Callable[[npt.NDArray[np.int64], npt.NDArray[np.int64]], FloatArray],
    y: npt.NDArray[np.int64],
    *,
    folds: int,
    random_state: int,
) -> FloatArray:
    """Return each row's margin from a classifier that did not see that row.

    Parameters
    ----------
    fit_margin : callable
        ``fit_margin(train_index, score_index)`` fits on the rows ``train_index`` and returns the
        margins (decision function) of the rows ``score_index``.
    y : ndarray of int
        0/1 targets, used to stratify the folds.
    folds : int
        Number of folds.
    random_state : int
        Seed of the fold shuffle.

    Returns
    -------
    ndarray of shape (len(y),)
    """
    margins = np.empty(len(y), dtype=np.float64)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
    for train_index, score_index in splitter.split(np.zeros(len(y)), y):
        margins[score_index] = fit_margin(train_index, score_index)
    return margins


def platt_scaling(
    margins: FloatArray, y: npt.NDArray[np.int64], weight: FloatArray | None = None
) -> tuple[float, float]:
    """Fit Platt's sigmoid ``p = sigmoid(a * margin + b)`` by maximum likelihood.

    Parameters
    ----------
    margins : ndarray
        Out-of-fold decision-function values.
    y : ndarray of int
        0/1 targets.
    weight : ndarray, optional
        Each row's weight in the likelihood (default 1).

    Returns
    -------
    tuple of float
        ``(a, b)``.

    Notes
    -----
    Uses Platt's smoothed targets ``(n+ + 1) / (n+ + 2)`` and ``1 / (n- + 2)`` so a separable
    training set does not push the slope to infinity.
    """
    w = np.ones(len(y)) if weight is None else np.asarray(weight, dtype=np.float64)
    positives = float(w[y == 1].sum())
    negatives = float(w[y != 1].sum())
    target = np.where(y == 1, (positives + 1.0) / (positives + 2.0), 1.0 / (negatives + 2.0))

    def loss(params: FloatArray) -> tuple[float, FloatArray]:
        z = params[0] * margins + params[1]
        value = -float(np.sum(w * (target * log_expit(z) + (1.0 - target) * log_expit(-z))))
        residual = w * (expit(z) - target)
        return value, np.array([np.dot(residual, margins), residual.sum()])

    prior = np.log((negatives + 1.0) / (positives + 1.0))
    result = minimize(loss, np.array([1.0, -prior]), jac=True, method="L-BFGS-B")
    return float(result.x[0]), float(result.x[1])


def expected_calibration_error(
    y: npt.NDArray[np.int64], proba: FloatArray, *, bins: int = 10
) -> float:
    """Return the expected calibration error over equal-width probability bins.

    Parameters
    ----------
    y : ndarray of int
        0/1 truth.
    proba : ndarray
        Predicted probability of class 1.
    bins : int
        Number of equal-width bins on [0, 1].

    Returns
    -------
    float
        ``sum_b (n_b / n) * |mean(y in b) - mean(proba in b)|``; 0 is perfectly calibrated.
    """
    if len(y) == 0:
        return float("nan")
    index = np.minimum((proba * bins).astype(np.int64), bins - 1)
    hits = np.bincount(index, weights=y.astype(np.float64), minlength=bins)
    confidence = np.bincount(index, weights=proba, minlength=bins)
    return float(np.abs(hits - confidence).sum() / len(y))
