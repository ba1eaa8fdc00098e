"""Every n-gram of a batch of documents, as substrings of one code-point stream, without a loop.

scikit-learn's analyzers build one Python string per n-gram. Here a batch becomes one ``uint32``
stream and each n-gram occurrence a ``(start, length)`` pair into it, so hashing and counting run
as array operations. The two analyzers reproduce scikit-learn's exactly (``lowercase=True``,
default ``token_pattern``):

- ``char_wb``: each whitespace-separated word is padded with one space on both sides and
  n-grams never leave a padded word; a padded word shorter than the smallest ``n`` is one n-gram
  on its own (scikit-learn's "short word" rule).
- ``word``: tokens are the maximal runs of two or more ``\\w`` characters (what
  ``(?u)\\b\\w\\w+\\b`` finds); an n-gram is ``n`` consecutive tokens of one document joined by
  single spaces.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from classifier.codepoints import BOUNDARY, SPACE, WORD, Codes, char_classes, decode, encode

__all__ = ["Ngrams", "char_wb_ngrams", "chunks", "term_strings", "word_ngrams"]

Index = npt.NDArray[np.intp]

_SPACE_CODE = ord(" ")
# Characters extracted at once: the arrays of one chunk take ~150 bytes per character, so this
# bounds a transform or a fit to tens of MB whatever the batch (a scoring batch of 500 news
# comments is one chunk).
CHUNK_CHARACTERS = 500_000
# Separates terms when they are decoded in one go; no n-gram holds it (char_wb words and word
# tokens contain no whitespace, and their padding and joins are plain spaces).
_TERM_SEPARATOR = "\n"


class Ngrams(NamedTuple):
    """N-gram occurrences of a batch: ``stream[starts[i] : starts[i] + lengths[i]]``.

    ``docs[i]`` is the document of occurrence ``i``; occurrences are ordered by document.
    """

    stream: Codes
    starts: Index
    lengths: Index
    docs: Index


def _joined(docs: Sequence[str]) -> tuple[Codes, Index]:
    """Lower-cased documents joined by one space, and where each one starts."""
    lowered = list(map(str.lower, docs))
    lengths = np.fromiter(map(len, lowered), dtype=np.intp, count=len(lowered))
    starts = np.cumsum(lengths + 1) - (lengths + 1)
    return encode(" ".join(lowered)), starts


def chunks(documents: Sequence[str]) -> list[slice]:
    """Consecutive slices of ``documents`` of about :data:`CHUNK_CHARACTERS` (at least one each)."""
    if not documents:
        return []
    budget = CHUNK_CHARACTERS
    lengths = np.fromiter(map(len, documents), dtype=np.intp, count=len(documents))
    totals = np.cumsum(lengths + 1)
    cuts = np.searchsorted(totals, np.arange(budget, int(totals[-1]), budget), side="right")
    edges = np.unique(np.concatenate(([0], cuts, [len(documents)]))).tolist()
    return [slice(start, end) for start, end in itertools.pairwise(edges)]


def _runs(mask: npt.NDArray[np.bool_]) -> tuple[Index, Index]:
    """Start and end (exclusive) of each maximal run of True."""
    edges = np.diff(mask.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def _owner(doc_starts: Index, positions: Index) -> Index:
    """Index of the document each position of the joined text belongs to."""
    return np.searchsorted(doc_starts, positions, side="right") - 1


def _empty(stream: Codes) -> Ngrams:
    nothing = np.zeros(0, dtype=np.intp)
    return Ngrams(stream, nothing, nothing, nothing)


def _fitting(room: Index, sizes: Index) -> tuple[Index, Index]:
    """Every (position, size) with ``size <= room[position]``, ordered by position."""
    # One column per size, raveled: a broadcast comparison or np.nonzero on the 2-D table
    # costs several times more than these.
    table = np.stack([room >= size for size in sizes.tolist()], axis=1)
    cells = np.flatnonzero(table)
    positions = cells // len(sizes)
    return positions, cells - positions * len(sizes) + sizes[0]


def _segments(codes: Codes, starts: Index, lengths: Index, pad: int) -> tuple[Codes, Index]:
    """Copy ``codes[starts[i] : starts[i] + lengths[i]]`` into one stream, ``pad`` cells apart.

    Returns the stream and where each copy starts in it; the ``pad`` cells after each copy are
    left as whatever follows it in ``codes`` (callers overwrite them).
    """
    widths = lengths + pad
    offsets = np.cumsum(widths) - widths
    source = np.repeat(starts - offsets, widths) + np.arange(int(widths.sum()))
    return np.take(codes, source, mode="clip"), offsets


def char_wb_ngrams(docs: Sequence[str], ngram_range: tuple[int, int]) -> Ngrams:
    """Return the ``char_wb`` n-grams of ``docs``, as scikit-learn's analyzer makes them.

    The stream holds each word as ``" " + word + " "`` followed by :data:`BOUNDARY`.
    """
    low, high = ngram_range
    codes, doc_starts = _joined(docs)
    word_starts, word_ends = _runs((char_classes()[codes] & SPACE) == 0)
    if len(word_starts) == 0:
        return _empty(codes[:0])
    padded = word_ends - word_starts + 2
    # One space before and after each word, then the boundary: copies start one cell early.
    stream, offsets = _segments(codes, word_starts - 1, padded, 1)
    stream[offsets] = _SPACE_CODE
    stream[offsets + padded - 1] = _SPACE_CODE
    stream[offsets + padded] = BOUNDARY
    # Room left in the padded word from each position of the stream.
    room = np.repeat(offsets + padded, padded + 1) - np.arange(len(stream))
    sizes = np.arange(low, high + 1)
    positions, lengths = _fitting(room, sizes)
    short = padded < low
    if short.any():
        # A padded word shorter than every n is one n-gram (scikit-learn's analyzer breaks out
        # of its loop after emitting it), so it is counted once, not once per n.
        positions = np.concatenate([positions, offsets[short]])
        lengths = np.concatenate([lengths, padded[short]])
        order = np.argsort(positions, kind="stable")
        positions, lengths = positions[order], lengths[order]
    word_docs = _owner(doc_starts, word_starts)
    docs_of_position = np.repeat(word_docs, padded + 1)
    return Ngrams(stream, positions, lengths, docs_of_position[positions])


def word_ngrams(docs: Sequence[str], ngram_range: tuple[int, int]) -> Ngrams:
    """Return the word n-grams of ``docs``, as scikit-learn's default analyzer makes them.

    The stream holds every token followed by one space; an n-gram is the substring from the
    start of its first token to the end of its last.
    """
    low, high = ngram_range
    codes, doc_starts = _joined(docs)
    token_starts, token_ends = _runs((char_classes()[codes] & WORD) != 0)
    token_lengths = token_ends - token_starts
    keep = token_lengths >= 2
    token_starts, token_lengths = token_starts[keep], token_lengths[keep]
    if len(token_starts) == 0:
        return _empty(codes[:0])
    stream, offsets = _segments(codes, token_starts, token_lengths, 1)
    stream[offsets + token_lengths] = _SPACE_CODE
    token_docs = _owner(doc_starts, token_starts)
    count = len(token_starts)
    # Token i starts an n-gram of n tokens when token i + n - 1 exists in the same document.
    first = np.arange(count)[:, None]
    last = first + (np.arange(low, high + 1) - 1)[None, :]
    inside = last < count
    last = np.minimum(last, count - 1)
    same_doc = token_docs[first] == token_docs[last]
    cells = np.flatnonzero(inside & same_doc)
    firsts, lasts = cells // (high - low + 1), last.ravel()[cells]
    starts = offsets[firsts]
    lengths = offsets[lasts] + token_lengths[lasts] - starts
    return Ngrams(stream, starts, lengths, token_docs[firsts])


def term_strings(stream: Codes, starts: Index, lengths: Index) -> list[str]:
    """Return ``stream[starts[i] : starts[i] + lengths[i]]`` as strings, decoded in one go."""
    if len(starts) == 0:
        return []
    joined, offsets = _segments(stream, starts, lengths, 1)
    joined[offsets + lengths] = ord(_TERM_SEPARATOR)
    return decode(joined[:-1]).split(_TERM_SEPARATOR)
