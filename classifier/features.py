"""Engineered signals n-grams capture poorly: links, phone numbers, wallets, scam calls, shouting.

Every signal is bounded whatever the length of the comment: a pattern's count is capped at
:data:`MAX_COUNT` before ``log1p``, exclamation marks are a density, and the upper-case share needs
a few letters before it counts. Length and digit counts are deliberately *not* signals: the public
spam sets' spam is longer and more numeric than their ham, so a model given those counts learnt
"long = spam" and auto-rejected long, clean news comments (issue 8). A signal must describe what
the comment says, not how much of it there is.

:class:`TextStatsTransformer` is stateless and lives in this package so a skops artifact can name
it in its trusted-types list. It avoids a regex pass per comment: all texts are joined into one
string; a cheap *prefilter* regex (it starts with a literal or a character class, which ``re``
scans for quickly, unlike the ``\\b``-led patterns, tried at every position) finds the comments
that can hold a match, and the pattern runs on those alone, each on its own span of the string.
Single characters and runs of one character are counted on a code-point array with numpy.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, TransformerMixin

from classifier.codepoints import WORD, Codes, char_classes, decode, encode
from textsignals import ASCII_LOWER, CASELESS, PATTERNS
from textsignals.patterns import PREFILTERS, SHORTEST_WALLET

__all__ = [
    "FEATURE_NAMES",
    "LEGACY_FEATURE_NAMES",
    "MAX_COUNT",
    "TextStatsTransformer",
    "text_stats",
]

# Each pattern is matched within one comment's span of the joined string (a pattern with \\s
# could otherwise run from the end of one comment into the next).
_SEPARATOR = "\n"

# The patterns are the shared text-signal vocabulary (``textsignals``): the policy reads the same
# ones as evidence before an automatic rejection.
_PATTERNS = PATTERNS
_CASELESS = CASELESS
_ASCII_LOWER = ASCII_LOWER

# Counted patterns; exclamation marks are a density instead (see text_stats).
_COUNTED = tuple(name for name in _PATTERNS if name != "exclamations")
FEATURE_NAMES: tuple[str, ...] = (
    *(f"log1p_{name}" for name in _COUNTED),
    "exclamation_density",
    "upper_ratio",
)
# The columns of artifacts trained before the signals were bounded (issue 8).
LEGACY_FEATURE_NAMES: tuple[str, ...] = (
    *(f"log1p_{name}" for name in _PATTERNS),
    "log1p_digits",
    "log1p_length",
    "upper_ratio",
)
# A fourth link or wallet says no more than the third; an uncapped count grows with length.
MAX_COUNT = 3
# Exclamation marks per 100 characters at which the density signal saturates.
_EXCLAMATION_SATURATION = 5.0
# Letters a comment needs before its upper-case share counts fully ("OK" is not shouting).
_SHOUT_MIN_LETTERS = 20


class _Batch(NamedTuple):
    """The texts joined into one string, its ASCII-lower-cased copy and its code points."""

    blob: str
    lower: str
    codes: Codes
    starts: npt.NDArray[np.intp]
    lengths: npt.NDArray[np.intp]

    @classmethod
    def of(cls, texts: Sequence[str]) -> _Batch:
        lengths = np.fromiter(map(len, texts), dtype=np.intp, count=len(texts))
        blob = _SEPARATOR.join(texts)
        codes = encode(blob)
        # re.IGNORECASE made each caseless pattern about twice as slow; an ASCII-only lower
        # case keeps every offset (str.lower() may not, e.g. for "İ").
        lower = decode(codes + 32 * ((codes >= 65) & (codes <= 90)).astype(np.uint32))
        starts = np.cumsum(lengths + 1) - (lengths + 1)
        return cls(blob, lower, codes, starts, lengths)

    def source(self, name: str) -> str:
        return self.lower if name in _CASELESS else self.blob

    def owners(self, positions: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
        return np.searchsorted(self.starts, positions, side="right") - 1

    def per_text(self, positions: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
        """How many of ``positions`` (offsets into ``blob``) fall in each text."""
        counts = np.bincount(self.owners(positions), minlength=len(self.starts))
        return counts.astype(np.float64)

    def count_where(self, mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
        """How many characters of each text ``mask`` (one flag per code point) marks."""
        totals = np.concatenate(([0], np.cumsum(mask)))
        counts: npt.NDArray[np.float64] = totals[self.starts + self.lengths] - totals[self.starts]
        return counts.astype(np.float64)


def _regex_candidates(name: str, batch: _Batch) -> npt.NDArray[np.intp]:
    """The texts where ``PREFILTERS[name]`` matches."""
    hits = np.fromiter(
        (m.start() for m in PREFILTERS[name].finditer(batch.source(name))), dtype=np.intp
    )
    return np.flatnonzero(batch.per_text(hits))


def _wallet_candidates(batch: _Batch) -> npt.NDArray[np.intp]:
    """The texts with a run of word characters as long as the shortest wallet address."""
    word = (char_classes()[batch.codes] & WORD) != 0
    edges = np.diff(word.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return np.flatnonzero(batch.per_text(starts[ends - starts >= SHORTEST_WALLET]))


_CANDIDATES: dict[str, Callable[[_Batch], npt.NDArray[np.intp]]] = {
    **{name: functools.partial(_regex_candidates, name) for name in PREFILTERS},
    "wallet_like": _wallet_candidates,
}


def _pattern_counts(name: str, batch: _Batch) -> npt.NDArray[np.float64]:
    """Matches of ``_PATTERNS[name]`` in each text, searched only where a match can be."""
    counts = np.zeros(len(batch.starts))
    pattern, source = _PATTERNS[name], batch.source(name)
    for row in _CANDIDATES[name](batch).tolist():
        start = int(batch.starts[row])
        counts[row] = len(pattern.findall(source, start, start + int(batch.lengths[row])))
    return counts


def _exclamation_counts(batch: _Batch) -> npt.NDArray[np.float64]:
    return batch.count_where(batch.codes == ord("!"))


def _repeat_counts(batch: _Batch) -> npt.NDArray[np.float64]:
    """Matches of ``(.)\\1{3,}``: runs of one character (not a newline) four or more long."""
    codes = batch.codes
    if len(codes) < 4:
        return np.zeros(len(batch.starts))
    starts = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1])))
    ends = np.append(starts[1:], len(codes))
    runs = starts[(ends - starts >= 4) & (codes[starts] != ord("\n"))]
    return batch.per_text(runs)


def _counts(name: str, batch: _Batch) -> npt.NDArray[np.float64]:
    if name == "exclamations":
        return _exclamation_counts(batch)
    if name == "repeated_chars":
        return _repeat_counts(batch)
    return _pattern_counts(name, batch)


def _char_class_counts(
    batch: _Batch,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    codes = batch.codes
    upper = (codes >= 65) & (codes <= 90)
    lower = (codes >= 97) & (codes <= 122)
    # ASCII only: cheap, and non-Latin scripts have no case to shout with anyway.
    return batch.count_where(upper), batch.count_where(upper | lower)


def _legacy_stats(
    batch: _Batch, counts: dict[str, npt.NDArray[np.float64]], upper_ratio: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """The unbounded signals of models trained before issue 8, so their artifacts still load.

    Pattern counts, digits and length, each ``log1p`` of the raw count, in the old column order.
    """
    digits = batch.count_where((batch.codes >= 48) & (batch.codes <= 57))
    columns = [counts[name] for name in _PATTERNS] + [digits, batch.lengths.astype(np.float64)]
    return np.column_stack([np.log1p(c) for c in columns] + [upper_ratio])


def text_stats(texts: Sequence[str], *, legacy: bool = False) -> npt.NDArray[np.float64]:
    """Compute the engineered features for normalised texts.

    Parameters
    ----------
    texts : sequence of str
        Normalised texts (see :func:`classifier.text.normalise_text`).

    Returns
    -------
    ndarray of shape (n_texts, len(FEATURE_NAMES))
        Pattern counts capped at :data:`MAX_COUNT` on a ``log1p`` scale (comparable with TF-IDF
        magnitudes), the exclamation-mark density (per 100 characters, saturating at 1.0) and
        the share of ASCII letters that are upper case (damped below 20 letters). None of them
        grows with the length of a text that repeats the same content, and each text's row
        depends on that text alone.
    legacy : bool
        Return the unbounded signals of artifacts trained before these (see
        :class:`TextStatsTransformer`) instead.
    """
    n = len(texts)
    if n == 0:
        return np.zeros((0, len(LEGACY_FEATURE_NAMES if legacy else FEATURE_NAMES)))
    batch = _Batch.of(texts)
    counts = {name: _counts(name, batch) for name in _PATTERNS}
    upper, letters = _char_class_counts(batch)
    upper_ratio = np.divide(upper, letters, out=np.zeros(n), where=letters > 0)
    if legacy:
        return _legacy_stats(batch, counts, upper_ratio)
    capped = [np.log1p(np.minimum(counts[name], MAX_COUNT)) for name in _COUNTED]
    lengths = batch.lengths
    per_hundred = np.divide(
        100.0 * counts["exclamations"], lengths, out=np.zeros(n), where=lengths > 0
    )
    density = np.minimum(per_hundred / _EXCLAMATION_SATURATION, 1.0)
    upper_ratio *= np.minimum(letters / _SHOUT_MIN_LETTERS, 1.0)
    return np.column_stack([*capped, density, upper_ratio])


class TextStatsTransformer(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Stateless scikit-learn transformer wrapping :func:`text_stats`.

    Takes a sequence of normalised texts and returns a dense float array; ``fit`` learns nothing.

    Parameters
    ----------
    bounded : bool
        The bounded signals of :data:`FEATURE_NAMES` (default). An artifact saved before this
        parameter existed loads without the attribute and keeps the unbounded signals it was
        trained on (:data:`LEGACY_FEATURE_NAMES`), so a registered older version still scores.
    """

    def __init__(self, bounded: bool = True) -> None:
        self.bounded = bounded

    def _is_legacy(self) -> bool:
        return not getattr(self, "bounded", False)

    def fit(self, X: Sequence[str], y: Any = None) -> TextStatsTransformer:  # noqa: N803
        """Return ``self``; there is nothing to learn."""
        return self

    def transform(self, X: Sequence[str]) -> npt.NDArray[np.float64]:  # noqa: N803
        """Return the engineered features of ``X``, shape ``(len(X), len(FEATURE_NAMES))``."""
        return text_stats(list(X), legacy=self._is_legacy())

    def get_feature_names_out(self, input_features: Any = None) -> npt.NDArray[np.object_]:
        """Return the feature names, for explanations of linear models."""
        names = LEGACY_FEATURE_NAMES if self._is_legacy() else FEATURE_NAMES
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags
