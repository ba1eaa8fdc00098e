"""The language benchmark's interval and its use of the phase's own rule."""

from __future__ import annotations

import pytest

from bench.language import held, wilson
from classifier.language import Identification


def test_wilson_interval_matches_known_values() -> None:
    low, high = wilson(0, 28)
    assert low == 0.0
    assert high == pytest.approx(0.1206, abs=1e-4)
    low, high = wilson(7, 5000)
    assert low == pytest.approx(0.00068, abs=1e-5)
    assert high == pytest.approx(0.00288, abs=1e-5)
    assert wilson(0, 0) == (0.0, 1.0)


def test_held_follows_the_phase_and_the_grid_bounds() -> None:
    german = Identification("de", 0.95, 60)
    assert held(german)
    assert not held(german, confidence=0.99)
    assert not held(german, letters=80)
    assert not held(Identification("en", 0.999, 400))
