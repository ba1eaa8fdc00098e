"""Exponential backoff with jitter for webhook retries."""

from __future__ import annotations

import random
from datetime import timedelta


def backoff(
    failures: int, base_seconds: float, max_seconds: float, rng: random.Random
) -> timedelta:
    """The wait after the ``failures``-th consecutive failure: base * 2^(failures - 1), capped,
    with "equal jitter" (half fixed, half random) so that endpoints that failed together do not
    retry together, and a retry never comes sooner than half the nominal wait."""
    nominal = min(max_seconds, base_seconds * 2 ** max(0, failures - 1))
    return timedelta(seconds=nominal / 2 + rng.uniform(0, nominal / 2))
