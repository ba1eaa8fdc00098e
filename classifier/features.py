"""Engineered signals n-grams capture poorly: links, phone numbers, wallets, scam calls, shouting.

Every signal is bounded whatever the length of the comment: a pattern's count is capped at
:data:`MAX_COUNT` before ``log1p``, exclamation marks are a density, and the upper-case share needs
a few letters before it counts. Length and digit counts are deliberately *not* signals: the public
spam sets' spam is longer and more numeric than their ham, so a model given those counts learnt
"long = spam" and auto-rejected long, clean news comments (issue 8). A signal must describe what
the comment says, not how much of it there is.

:class:`TextStatsTransformer` is stateless and lives in this package so a skops artifact can name
it in its trusted-types list. It avoids a Python loop per comment: all texts are joined into one
string, regexes run once over it, and match positions are mapped back to comments with
``searchsorted``; character classes are counted on a code-point array with ``bincount``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, TransformerMixin

from textsignals import ASCII_LOWER, CASELESS, PATTERNS

__all__ = [
    "FEATURE_NAMES",
    "LEGACY_FEATURE_NAMES",
    "MAX_COUNT",
    "TextStatsTransformer",
    "text_stats",
]

# Texts are normalised (whitespace collapsed) before they get here, so a newline never occurs
# inside a text and no pattern below can match across two comments.
_SEPARATOR = "\n"

# The patterns are the shared text-signal vocabulary (``textsignals``): the policy reads the same
# ones as evidence before an automatic rejection. Exclamation marks are a density, not a count.
_COUNTED = tuple(name for name in PATTERNS if name != "exclamations")
FEATURE_NAMES: tuple[str, ...] = (
    *(f"log1p_{name}" for name in _COUNTED),
    "exclamation_density",
    "upper_ratio",
)
# The columns of artifacts trained before the signals were bounded (issue 8).
LEGACY_FEATURE_NAMES: tuple[str, ...] = (
    *(f"log1p_{name}" for name in PATTERNS),
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


def _count_matches(
    pattern: re.Pattern[str], blob: str, starts: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    positions = np.fromiter((m.start() for m in pattern.finditer(blob)), dtype=np.int64)
    owners = np.searchsorted(starts, positions, side="right") - 1
    return np.bincount(owners, minlength=len(starts)).astype(np.float64)


def _char_class_counts(
    blob: str, lengths: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    codes = np.frombuffer(blob.encode("utf-32-le"), dtype=np.uint32)
    owners = np.repeat(np.arange(len(lengths)), lengths + 1)[: len(codes)]
    n = len(lengths)
    upper = (codes >= 65) & (codes <= 90)
    lower = (codes >= 97) & (codes <= 122)

    # ASCII only: cheap, and non-Latin scripts have no case to shout with anyway.
    def count(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
        return np.bincount(owners, weights=mask, minlength=n).astype(np.float64)

    return count(upper), count(upper | lower)


def _legacy_stats(
    texts: Sequence[str],
    blob: str,
    starts: npt.NDArray[np.int64],
    lower: str,
    exclamations: npt.NDArray[np.float64],
    upper_ratio: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """The unbounded signals of models trained before issue 8, so their artifacts still load.

    Pattern counts, digits and length, each ``log1p`` of the raw count, in the old column order.
    """
    counts = [
        exclamations
        if name == "exclamations"
        else _count_matches(pattern, lower if name in CASELESS else blob, starts)
        for name, pattern in PATTERNS.items()
    ]
    codes = np.frombuffer(blob.encode("utf-32-le"), dtype=np.uint32)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    owners = np.repeat(np.arange(len(texts)), lengths + 1)[: len(codes)]
    digit = (codes >= 48) & (codes <= 57)
    digits = np.bincount(owners, weights=digit, minlength=len(texts)).astype(np.float64)
    columns = [*counts, digits, lengths.astype(np.float64)]
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
        grows with the length of a text that repeats the same content.
    legacy : bool
        Return the unbounded signals of artifacts trained before these (see
        :class:`TextStatsTransformer`) instead.
    """
    n = len(texts)
    if n == 0:
        return np.zeros((0, len(LEGACY_FEATURE_NAMES if legacy else FEATURE_NAMES)))
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1])).astype(np.int64)
    blob = _SEPARATOR.join(texts)
    lower = blob.translate(ASCII_LOWER)
    counts = [
        np.log1p(
            np.minimum(
                _count_matches(PATTERNS[name], lower if name in CASELESS else blob, starts),
                MAX_COUNT,
            )
        )
        for name in _COUNTED
    ]
    exclamations = _count_matches(PATTERNS["exclamations"], blob, starts)
    upper, letters = _char_class_counts(blob, lengths)
    upper_ratio = np.divide(upper, letters, out=np.zeros(n), where=letters > 0)
    if legacy:
        return _legacy_stats(texts, blob, starts, lower, exclamations, upper_ratio)
    per_hundred = np.divide(100.0 * exclamations, lengths, out=np.zeros(n), where=lengths > 0)
    density = np.minimum(per_hundred / _EXCLAMATION_SATURATION, 1.0)
    upper_ratio *= np.minimum(letters / _SHOUT_MIN_LETTERS, 1.0)
    return np.column_stack([*counts, density, upper_ratio])


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
