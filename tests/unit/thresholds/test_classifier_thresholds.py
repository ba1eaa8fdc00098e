"""Thresholds hit their target on the scores they were computed from, and are the tightest."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from classifier.thresholds import (
    operating_point,
    threshold_for_precision,
    threshold_for_recall,
)


def synthetic(
    seed: int, n: int = 4000, rate: float = 0.2
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Overlapping score distributions, with ties (scores rounded to 3 places)."""
    rng = np.random.default_rng(seed)
    truth = (rng.random(n) < rate).astype(np.int64)
    raw = np.where(truth == 1, rng.beta(5, 2, n), rng.beta(2, 5, n))
    return np.round(raw, 3).astype(np.float64), truth


def precision_at(scores: npt.NDArray[np.float64], truth: npt.NDArray[np.int64], t: float) -> float:
    flagged = scores >= t
    return float(truth[flagged].sum() / flagged.sum())


def recall_at(scores: npt.NDArray[np.float64], truth: npt.NDArray[np.int64], t: float) -> float:
    return float(truth[scores >= t].sum() / truth.sum())


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("target", [0.8, 0.9, 0.95])
def test_precision_threshold_hits_target_and_is_the_lowest(seed: int, target: float) -> None:
    scores, truth = synthetic(seed)
    t = threshold_for_precision(scores, truth, target, min_support=10)
    assert t is not None
    assert precision_at(scores, truth, t) >= target
    assert truth[scores >= t].sum() >= 10
    # Tightest: no lower observed score reaches the target (with the same support).
    for lower in np.unique(scores[scores < t]):
        assert precision_at(scores, truth, float(lower)) < target


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("target", [0.5, 0.9, 0.95, 1.0])
def test_recall_threshold_hits_target_and_is_the_highest(seed: int, target: float) -> None:
    scores, truth = synthetic(seed)
    t = threshold_for_recall(scores, truth, target)
    assert recall_at(scores, truth, t) >= target
    higher = np.unique(scores[scores > t])
    if higher.size:
        assert recall_at(scores, truth, float(higher.min())) < target


def test_unreachable_precision_is_none() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.6])
    truth = np.array([0, 1, 0, 1])
    assert threshold_for_precision(scores, truth, 0.99, min_support=1) is None


def test_precision_needs_support() -> None:
    scores = np.array([0.99, 0.5, 0.4, 0.3])
    truth = np.array([1, 1, 0, 1])
    assert threshold_for_precision(scores, truth, 1.0, min_support=1) == 0.5
    assert threshold_for_precision(scores, truth, 1.0, min_support=3) is None


def test_ties_are_flagged_together() -> None:
    scores = np.array([0.9, 0.7, 0.7, 0.1])
    truth = np.array([1, 1, 0, 0])
    # 0.7 flags both tied rows (precision 2/3), so a 0.9 target stops at 0.9.
    assert threshold_for_precision(scores, truth, 0.9, min_support=1) == 0.9
    assert threshold_for_recall(scores, truth, 1.0) == 0.7


def test_operating_point_matches_the_definition() -> None:
    scores, truth = synthetic(3)
    point = operating_point(scores, truth, 0.6)
    assert point.precision == pytest.approx(precision_at(scores, truth, 0.6))
    assert point.recall == pytest.approx(recall_at(scores, truth, 0.6))
    assert (point.flagged, point.positives) == (int((scores >= 0.6).sum()), int(truth.sum()))


@pytest.mark.parametrize(
    ("scores", "truth", "target", "message"),
    [
        ([0.1, 0.2], [0, 1, 1], 0.9, "same length"),
        ([0.1, 0.2], [0, 2], 0.9, "0 or 1"),
        ([0.1, 0.2], [0, 1], 0.0, "must be in"),
        ([0.1, 0.2], [0, 1], 1.5, "must be in"),
        ([], [], 0.9, "no labelled scores"),
    ],
)
def test_bad_input_raises(
    scores: list[float], truth: list[int], target: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        threshold_for_precision(scores, truth, target)


def test_recall_without_positives_raises() -> None:
    with pytest.raises(ValueError, match="no positive"):
        threshold_for_recall([0.1, 0.2], [0, 0], 0.9)
