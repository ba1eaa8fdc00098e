"""Paired bootstrap figures: exact on the rows themselves, intervals that cover the truth."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from classifier.bootstrap import paired_auc, paired_ratio, resample_weights, weighted_auc


def _scores(rows: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, rows)
    return truth, np.round(truth + rng.normal(0, noise, rows), 1)  # rounding makes ties


def test_weighted_auc_equals_scikit_learn_on_a_resample() -> None:
    truth, score = _scores(500, 1.0, 0)
    drawn = np.random.default_rng(1).integers(0, 500, 500)
    counts = np.bincount(drawn, minlength=500).astype(float)
    assert weighted_auc(truth, score, np.ones((1, 500)))[0] == pytest.approx(
        roc_auc_score(truth, score)
    )
    assert weighted_auc(truth, score, counts[None])[0] == pytest.approx(
        roc_auc_score(truth[drawn], score[drawn])
    )


def test_weighted_auc_is_nan_without_both_classes() -> None:
    assert np.isnan(weighted_auc(np.ones(4, dtype=np.int64), np.arange(4.0), np.ones((1, 4)))[0])


def test_paired_auc_separates_a_real_difference_from_noise() -> None:
    truth, good = _scores(2000, 0.8, 2)
    worse = good + np.random.default_rng(3).normal(0, 1.5, 2000)
    weights = resample_weights(2000, 400, 4)
    better = paired_auc(truth, worse, good, weights).difference
    same = paired_auc(truth, good, good, weights).difference
    assert better.value is not None
    assert better.low is not None
    assert better.low > 0
    assert (same.value, same.low, same.high) == (0.0, 0.0, 0.0)


def test_paired_ratio_compares_shares_on_the_same_rows() -> None:
    flagged = np.array([True, True, False, False])
    rejected = np.array([True, False, False, False])
    estimate = paired_ratio(
        (flagged & rejected, flagged), (flagged, flagged), resample_weights(4, 50, 5)
    )
    assert estimate.first.value == pytest.approx(0.5)
    assert estimate.second.value == pytest.approx(1.0)
    assert estimate.difference.value == pytest.approx(0.5)
