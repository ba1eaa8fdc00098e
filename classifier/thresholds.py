"""Score thresholds that meet a precision or recall target on labelled scores.

A comment is flagged for a label when ``score >= threshold``. Every candidate threshold is one of
the observed scores, so the operating point this module reports is exactly the one the policy
gets on the same data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "OperatingPoint",
    "operating_point",
    "threshold_for_precision",
    "threshold_for_recall",
]

#: Default minimum number of true positives at or above a precision threshold.
MIN_SUPPORT = 10


@dataclass(frozen=True)
class OperatingPoint:
    """What ``score >= threshold`` achieves on labelled scores.

    Attributes
    ----------
    threshold : float
        The threshold.
    precision : float or None
        Share of flagged rows that are positive; ``None`` when nothing is flagged.
    recall : float or None
        Share of positive rows that are flagged; ``None`` when there are no positives.
    flagged : int
        Rows at or above the threshold.
    positives : int
        Positive rows in the data.
    """

    threshold: float
    precision: float | None
    recall: float | None
    flagged: int
    positives: int


def _validate(
    scores: npt.ArrayLike, labels: npt.ArrayLike, target: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    if s.ndim != 1 or s.shape != y.shape:
        raise ValueError(f"scores {s.shape} and labels {y.shape} must be 1-D of the same length")
    if s.size == 0:
        raise ValueError("no labelled scores")
    if not np.all(np.isfinite(s)):
        raise ValueError("scores must be finite")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("labels must be 0 or 1")
    if not 0.0 < target <= 1.0:
        raise ValueError(f"target {target} must be in (0, 1]")
    return s, y == 1


def _cumulative(
    s: npt.NDArray[np.float64], y: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Distinct scores (descending), and true positives and flagged counts at each of them."""
    order = np.argsort(-s, kind="stable")
    sorted_scores, sorted_truth = s[order], y[order]
    true_positives = np.cumsum(sorted_truth, dtype=np.int64)
    # The last index of each run of equal scores: a threshold flags all ties together.
    ends = np.flatnonzero(np.r_[sorted_scores[1:] != sorted_scores[:-1], True])
    return sorted_scores[ends], true_positives[ends], (ends + 1).astype(np.int64)


def threshold_for_precision(
    scores: npt.ArrayLike,
    labels: npt.ArrayLike,
    target: float,
    *,
    min_support: int = MIN_SUPPORT,
) -> float | None:
    """Return the lowest threshold whose precision reaches ``target``.

    Parameters
    ----------
    scores : array_like of float
        One score per row.
    labels : array_like of {0, 1}
        The truth for each row.
    target : float
        Precision to reach, in (0, 1].
    min_support : int, default 10
        Fewest true positives at or above the threshold for its precision to count: a precision
        measured on a handful of rows is not evidence.

    Returns
    -------
    float or None
        The lowest observed score ``t`` such that rows with ``score >= t`` have precision
        ``>= target`` and at least ``min_support`` true positives; ``None`` if no threshold does.

    Raises
    ------
    ValueError
        If the inputs are not 1-D and aligned, labels are not 0/1, or ``target`` is out of range.
    """
    s, y = _validate(scores, labels, target)
    candidates, true_positives, flagged = _cumulative(s, y)
    meets = (true_positives / flagged >= target) & (true_positives >= max(min_support, 1))
    if not meets.any():
        return None
    # Candidates are descending, so the last qualifying one is the lowest threshold.
    return float(candidates[np.flatnonzero(meets)[-1]])


def threshold_for_recall(scores: npt.ArrayLike, labels: npt.ArrayLike, target: float) -> float:
    """Return the highest threshold whose recall reaches ``target``.

    Parameters
    ----------
    scores : array_like of float
        One score per row.
    labels : array_like of {0, 1}
        The truth for each row; at least one must be positive.
    target : float
        Recall to reach, in (0, 1].

    Returns
    -------
    float
        The highest observed score ``t`` such that rows with ``score >= t`` hold at least
        ``target`` of the positives. Always exists: the lowest score flags every row.

    Raises
    ------
    ValueError
        If there are no positives, or the inputs are invalid (see :func:`threshold_for_precision`).
    """
    s, y = _validate(scores, labels, target)
    positives = int(y.sum())
    if positives == 0:
        raise ValueError("no positive rows: recall is undefined")
    candidates, true_positives, _ = _cumulative(s, y)
    # Recall only grows as the threshold falls: the first qualifying candidate is the highest.
    return float(candidates[np.argmax(true_positives / positives >= target)])


def operating_point(
    scores: npt.ArrayLike, labels: npt.ArrayLike, threshold: float
) -> OperatingPoint:
    """Return precision and recall of ``score >= threshold``.

    Parameters
    ----------
    scores : array_like of float
        One score per row.
    labels : array_like of {0, 1}
        The truth for each row.
    threshold : float
        The threshold to evaluate.

    Returns
    -------
    OperatingPoint
    """
    s, y = _validate(scores, labels, 1.0)
    flagged = s >= threshold
    n_flagged, positives = int(flagged.sum()), int(y.sum())
    hits = int((flagged & y).sum())
    return OperatingPoint(
        threshold=float(threshold),
        precision=hits / n_flagged if n_flagged else None,
        recall=hits / positives if positives else None,
        flagged=n_flagged,
        positives=positives,
    )
