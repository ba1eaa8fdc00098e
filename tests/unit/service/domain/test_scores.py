"""Stored scores: six decimals cut down, so six-decimal thresholds judge them as the exact ones."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from service.domain.scores import SCORE_DECIMALS, stored_score, stored_scores

SCORES = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
GRID = st.integers(min_value=0, max_value=10**SCORE_DECIMALS).map(
    lambda k: round(k / 10**SCORE_DECIMALS, SCORE_DECIMALS)
)


@given(SCORES)
def test_a_stored_score_is_the_grid_value_at_or_below_the_score(score: float) -> None:
    stored = stored_score(score)

    assert stored <= score
    assert score - stored < 10.0**-SCORE_DECIMALS
    assert round(stored, SCORE_DECIMALS) == stored


@given(SCORES, GRID)
def test_every_six_decimal_threshold_judges_the_stored_score_as_the_exact_one(
    score: float, threshold: float
) -> None:
    assert (stored_score(score) >= threshold) == (score >= threshold)


@given(GRID)
def test_a_threshold_itself_is_stored_unchanged(threshold: float) -> None:
    assert stored_score(threshold) == threshold


def test_the_cases_rounding_to_nearest_gets_wrong() -> None:
    # Rounded to nearest these would read as 0.5 and 1.0: over a band the exact score is under.
    assert stored_score(0.49999999) == 0.499999
    assert stored_score(0.9999999997) == 0.999999
    assert stored_score(1.0) == 1.0
    assert stored_score(4e-7) == 0.0


def test_seven_labels_as_stored_json_are_compact() -> None:
    exact = {
        "spam": 0.9999824900843888,
        "toxic": 0.00048263142394408274,
        "severe_toxic": 0.0005012637843210982,
        "obscene": 0.0013721654893227374,
        "threat": 6.163917820482837e-05,
        "insult": 0.0024601877765392845,
        "identity_hate": 0.0003184321794417361,
    }

    def size(scores: dict[str, float]) -> int:
        return len(json.dumps(scores, separators=(",", ":")))

    stored = stored_scores(exact)

    assert list(stored) == list(exact)
    assert stored["spam"] == 0.999982
    assert stored["threat"] == 6.1e-05
    assert size(exact) > 200
    assert size(stored) <= 140  # 136: the seven names are 82 of them
