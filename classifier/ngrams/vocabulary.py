"""Fitting an n-gram vocabulary the way scikit-learn's ``CountVectorizer`` selects it.

Every distinct n-gram of the training documents is counted by hash: its document frequency
(``df``, for ``min_df``/``max_df``) and its total count (``tf``, for ``max_features``). The
documents are counted in chunks (:func:`classifier.ngrams.extraction.chunks`), so memory follows
the chunk, not the corpus. The selection then follows ``CountVectorizer.fit`` step by step: the
df bounds, then, when more terms remain than ``max_features``, the ones with the largest total
count, taken by the same ``(-tf).argsort()[:max_features]`` over the same float32 array in the
same (alphabetical) order, so even ties at the cut fall the same way; the kept terms are sorted
alphabetically and a term's column is its rank.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from classifier.codepoints import Codes
from classifier.ngrams.extraction import Ngrams, chunks, term_strings
from classifier.ngrams.hashing import Hashes, substring_hashes

__all__ = ["HashCollisionError", "Vocabulary", "fit_vocabulary"]

Index = npt.NDArray[np.intp]
Extractor = Callable[[Sequence[str]], Ngrams]


class HashCollisionError(Exception):
    """Two different n-grams of the training documents share a hash (refit with another base)."""


class Vocabulary(NamedTuple):
    """The fitted vocabulary: terms in column order and their document frequencies."""

    terms: list[str]
    document_frequency: npt.NDArray[np.int64]


class _Counts(NamedTuple):
    """Per distinct n-gram (sorted by hash): counts, a second hash, and one occurrence."""

    hashes: Hashes
    checks: Hashes
    df: npt.NDArray[np.int64]
    tf: npt.NDArray[np.int64]
    starts: Index
    lengths: Index


def _group_starts(keys: Hashes) -> Index:
    """Where each run of equal values starts in sorted ``keys``."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))


def _check(checks: Hashes, firsts: Index) -> None:
    """Raise if one hash group holds occurrences with different second hashes."""
    group_of = np.repeat(np.arange(len(firsts)), np.diff(np.append(firsts, len(checks))))
    if np.any(checks != checks[firsts][group_of]):
        raise HashCollisionError("two different n-grams share a hash")


def _count_chunk(grams: Ngrams, bases: tuple[int, int], offset: int) -> _Counts:
    hashes = substring_hashes(grams.stream, grams.starts, grams.lengths, bases[0])
    # Stable: within a hash group, occurrences stay in document order, so counting the
    # document changes counts the documents.
    order = np.argsort(hashes, kind="stable")
    hashes, docs = hashes[order], grams.docs[order]
    firsts = _group_starts(hashes)
    new_doc = np.ones(len(docs), dtype=np.int64)
    new_doc[1:] = docs[1:] != docs[:-1]
    new_doc[firsts] = 1
    checks = substring_hashes(grams.stream, grams.starts, grams.lengths, bases[1])[order]
    _check(checks, firsts)
    chosen = order[firsts]
    return _Counts(
        hashes=hashes[firsts],
        checks=checks[firsts],
        df=np.add.reduceat(new_doc, firsts) if len(firsts) else new_doc[:0],
        tf=np.diff(np.append(firsts, len(hashes))).astype(np.int64),
        starts=grams.starts[chosen] + offset,
        lengths=grams.lengths[chosen],
    )


def _merge(parts: list[_Counts]) -> _Counts:
    joined = _Counts(*(np.concatenate(columns) for columns in zip(*parts, strict=True)))
    order = np.argsort(joined.hashes, kind="stable")
    hashes = joined.hashes[order]
    firsts = _group_starts(hashes)
    checks = joined.checks[order]
    _check(checks, firsts)
    if len(firsts) == 0:
        return joined
    chosen = order[firsts]
    return _Counts(
        hashes=hashes[firsts],
        checks=checks[firsts],
        df=np.add.reduceat(joined.df[order], firsts),
        tf=np.add.reduceat(joined.tf[order], firsts),
        starts=joined.starts[chosen],
        lengths=joined.lengths[chosen],
    )


def _count(
    documents: Sequence[str], extract: Extractor, bases: tuple[int, int]
) -> tuple[_Counts, Codes]:
    parts: list[_Counts] = []
    streams: list[Codes] = []
    offset = 0
    for chunk in chunks(documents):
        grams = extract(documents[chunk])
        parts.append(_count_chunk(grams, bases, offset))
        streams.append(grams.stream)
        offset += len(grams.stream)
    stream = np.concatenate(streams) if streams else np.zeros(0, dtype=np.uint32)
    return _merge(parts), stream


def _document_bounds(n_documents: int, min_df: float, max_df: float) -> tuple[float, float]:
    # CountVectorizer's reading: an integer is a count of documents, a float a proportion.
    high = max_df if isinstance(max_df, numbers.Integral) else max_df * n_documents
    low = min_df if isinstance(min_df, numbers.Integral) else min_df * n_documents
    if high < low:
        raise ValueError("max_df corresponds to < documents than min_df")
    return low, high


def _most_frequent(tf: npt.NDArray[np.int64], limit: int) -> Index:
    """Positions of the ``limit`` largest counts, exactly as ``CountVectorizer`` picks them."""
    # CountVectorizer sums a float32 count matrix and argsorts with numpy's default kind; the
    # same call on the same values in the same order breaks ties the same way.
    totals = tf.astype(np.float32)
    return np.sort((-totals).argsort()[:limit])


def fit_vocabulary(
    documents: Sequence[str],
    extract: Extractor,
    bases: tuple[int, int],
    *,
    min_df: float,
    max_df: float,
    max_features: int | None,
) -> Vocabulary:
    """Select the vocabulary of ``documents`` as ``CountVectorizer.fit`` would.

    Raises
    ------
    HashCollisionError
        If two different n-grams of ``documents`` share a hash under ``bases[0]``.
    ValueError
        With scikit-learn's messages: no n-gram at all, ``max_df`` below ``min_df``, or no
        term left after pruning.
    """
    counts, stream = _count(documents, extract, bases)
    if len(counts.hashes) == 0:
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    low, high = _document_bounds(len(documents), min_df, max_df)
    candidates = np.flatnonzero((counts.df <= high) & (counts.df >= low))
    terms = term_strings(stream, counts.starts[candidates], counts.lengths[candidates])
    alphabetical = np.array(sorted(range(len(terms)), key=terms.__getitem__), dtype=np.intp)
    candidates = candidates[alphabetical]
    if max_features is not None and len(candidates) > max_features:
        kept = _most_frequent(counts.tf[candidates], max_features)
        alphabetical, candidates = alphabetical[kept], candidates[kept]
    if len(candidates) == 0:
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
    return Vocabulary([terms[i] for i in alphabetical], counts.df[candidates])
