"""Database growth per 1,000 comments, by table."""

from __future__ import annotations

from bench.storage import growth_per_1000


def test_growth_per_1000_counts_new_and_grown_tables_largest_first() -> None:
    before = {"comments": 1000, "scores": 500, "users": 4096}
    after = {"comments": 6000, "scores": 500, "users": 4096, "comment_scores": 9000}

    growth = growth_per_1000(before, after, comments=2)

    assert growth == {"total": 7_000_000, "comment_scores": 4_500_000, "comments": 2_500_000}
    assert list(growth)[1:] == ["comment_scores", "comments"]


def test_windowed_tables_are_listed_but_left_out_of_the_total() -> None:
    growth = growth_per_1000({}, {"comments": 4000, "comment_fingerprints": 2000}, comments=1)

    assert growth == {"total": 4_000_000, "comments": 4_000_000, "comment_fingerprints": 2_000_000}
