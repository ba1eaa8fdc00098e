"""A TF-IDF vectorizer whose fitted vocabulary serialises compactly with skops.

skops writes a Python ``dict`` as one JSON node per key *and* per key type, so a 100k-term
``vocabulary_`` becomes tens of MB and takes a minute to dump. This subclass stores the vocabulary
as two numeric arrays (UTF-32 code points of the concatenated terms and each term's length), which
skops saves as ``.npy`` files, and rebuilds the dict on load. Behaviour is otherwise unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from classifier.text import folded

__all__ = ["CompactTfidfVectorizer", "FoldedTfidfVectorizer"]

_CODES = "vocabulary_codes_"
_LENGTHS = "vocabulary_lengths_"


def _pack(vocabulary: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    terms = sorted(vocabulary, key=vocabulary.__getitem__)
    # Indices must be exactly 0..n-1, or rebuilding from positions would silently misalign.
    if [vocabulary[t] for t in terms] != list(range(len(terms))):
        raise ValueError("vocabulary_ indices are not contiguous; cannot pack it")
    codes = np.frombuffer("".join(terms).encode("utf-32-le"), dtype=np.uint32).copy()
    lengths = np.fromiter(map(len, terms), dtype=np.int32, count=len(terms))
    return codes, lengths


def _unpack(codes: np.ndarray, lengths: np.ndarray) -> dict[str, int]:
    joined = np.asarray(codes, dtype="<u4").tobytes().decode("utf-32-le")
    ends = np.cumsum(lengths, dtype=np.int64).tolist()
    starts = [0, *ends[:-1]]
    return {joined[s:e]: i for i, (s, e) in enumerate(zip(starts, ends, strict=True))}


class CompactTfidfVectorizer(TfidfVectorizer):  # type: ignore[misc]
    """:class:`~sklearn.feature_extraction.text.TfidfVectorizer` with compact serialisation."""

    def __getstate__(self) -> dict[str, Any]:
        state: dict[str, Any] = dict(super().__getstate__())
        vocabulary = state.pop("vocabulary_", None)
        if vocabulary is not None:
            state[_CODES], state[_LENGTHS] = _pack(vocabulary)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        if _CODES in state:
            state["vocabulary_"] = _unpack(state.pop(_CODES), state.pop(_LENGTHS))
        super().__setstate__(state)


class FoldedTfidfVectorizer(CompactTfidfVectorizer):
    """:class:`CompactTfidfVectorizer` that reads the evasion-folded copy of each text.

    The whole batch is folded once (see :func:`classifier.text.fold_texts`) before tokenising, so
    ``fr33 b1tc0in``, ``f r e e`` and Cyrillic look-alikes share n-grams with the plain spelling.
    Expects normalised texts, like the rest of the feature union.
    """

    def fit(self, raw_documents: Any, y: Any = None) -> FoldedTfidfVectorizer:
        """Fit the vocabulary and idf on the folded texts."""
        super().fit(folded(raw_documents), y)
        return self

    def fit_transform(self, raw_documents: Any, y: Any = None) -> Any:
        """Fit on the folded texts and return their TF-IDF matrix."""
        return super().fit_transform(folded(raw_documents), y)

    def transform(self, raw_documents: Any) -> Any:
        """Return the TF-IDF matrix of the folded texts."""
        return super().transform(folded(raw_documents))
