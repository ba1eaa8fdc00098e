"""The team's own comments for testing language identification (``tests/data/language``).

``non_english.tsv``: comments in ten languages the shipped model was not trained on, as
``(ISO 639 code, comment)``; ``english_hard.tsv``: English comments an identifier may mistake
(tickers, slang, links, numbers, emoji, a few foreign words), as ``(kind, comment)``. Written for
these tests and ``bench.language``; no dataset rows.
"""

from __future__ import annotations

from pathlib import Path

SAMPLES_DIR = Path(__file__).parent / "data" / "language"


def read_samples(name: str, folder: Path = SAMPLES_DIR) -> list[tuple[str, str]]:
    """The ``(tag, text)`` rows of ``<folder>/<name>.tsv``; ``#`` lines are comments."""
    rows = []
    for line in (folder / f"{name}.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            tag, text = line.split("\t", 1)
            rows.append((tag, text))
    return rows


def non_english() -> list[tuple[str, str]]:
    """``(language, comment)`` for each non-English comment."""
    return read_samples("non_english")


def english_hard() -> list[tuple[str, str]]:
    """``(kind, comment)`` for each hard English comment."""
    return read_samples("english_hard")
