from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.special import expit

from classifier.calibration import (
    expected_calibration_error,
    out_of_fold_margins,
    platt_scaling,
)


def test_expected_calibration_error_is_zero_when_frequencies_match() -> None:
    y = np.array([0, 0, 0, 1] * 25)  # 25% positives, all scored 0.25
    assert expected_calibration_error(y, np.full(100, 0.25)) == 0.0


def test_expected_calibration_error_measures_overconfidence() -> None:
    y = np.array([0, 1] * 50)  # half right, all scored 0.95
    assert np.isclose(expected_calibration_error(y, np.full(100, 0.95)), 0.45)


def test_platt_scaling_recovers_a_known_sigmoid() -> None:
    rng = np.random.default_rng(0)
    margins = rng.normal(size=20_000)
    y = (rng.random(20_000) < expit(2.0 * margins - 1.0)).astype(np.int64)
    a, b = platt_scaling(margins, y)
    assert abs(a - 2.0) < 0.15
    assert abs(b + 1.0) < 0.1
    assert expected_calibration_error(y, expit(a * margins + b)) < 0.02


def test_out_of_fold_margins_never_scores_a_row_it_trained_on() -> None:
    y = np.array([0, 1] * 30)
    seen: list[tuple[set[int], set[int]]] = []

    def fit_margin(
        train: npt.NDArray[np.int64], score: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float64]:
        seen.append((set(train.tolist()), set(score.tolist())))
        return score.astype(np.float64)

    margins = out_of_fold_margins(fit_margin, y, folds=3, random_state=0)
    assert margins.tolist() == list(range(60))
    assert len(seen) == 3
    assert all(not train & score for train, score in seen)
