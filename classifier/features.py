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
import string
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, TransformerMixin

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

_BASE58 = "[1-9A-HJ-NP-Za-km-z]"
_PATTERNS: dict[str, re.Pattern[str]] = {
    "links": re.compile(
        r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|io|ly|me|co|info|biz|xyz|ru|gg|app"
        r"|top|site|online|live|pro|vip|club|link|click|finance|exchange)\b"
    ),
    "phone_like": re.compile(r"\+?\d[\d ().-]{7,}\d"),
    # Bitcoin (legacy base58 and bech32), Ethereum-style 0x + 40 hex, and TRON (T + 33 base58).
    "wallet_like": re.compile(
        rf"\b(?:0x[0-9a-fA-F]{{40}}|bc1[02-9ac-hj-np-z]{{25,60}}|[13]{_BASE58}{{25,34}}"
        rf"|T{_BASE58}{{33}})\b"
    ),
    "emails": re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b"),
    # Messaging apps scammers move victims to; plain "signal" is finance jargon, so not counted.
    "messaging_apps": re.compile(
        r"\b(?:whats\s?app|telegram|wechat|viber|kik|snapchat|signal\s+app)\b|\b(?:t|wa)\.me/"
    ),
    "contact_calls": re.compile(
        r"\b(?:dm|pm|inbox|message|text|contact|call|reach(?:\s+out\s+to)?|write\s+to|"
        r"chat\s+with)\s+(?:me|him|her|us|them)\b|\bdm\s+(?:for|now)\b"
    ),
    "promised_returns": re.compile(
        r"\b\d{2,5}\s?%\s*(?:profit|returns?|roi|gains?|interest|bonus)\b"
        r"|\bdoubled?\s+(?:your|my|his|her|their)\b"
        r"|\bguarantee(?:d|s)?\s+(?:\w+\s+)?(?:returns?|profits?|income|payouts?)\b"
        r"|\b(?:daily|weekly)\s+(?:profits?|returns?|income|payouts?)\b"
        r"|\brisk[- ]free\b|\bpassive\s+income\b"
    ),
    "scam_roles": re.compile(
        r"\b(?:account|investment|fund|portfolio|trading)\s+(?:manager|expert|mentor)\b"
        r"|\brecovery\s+(?:expert|specialist|agent|service|hacker|company)\b"
        r"|\brecover(?:ed)?\s+(?:my|your|his|her|lost|stolen)\b|\bgiveaway\b|\bairdrop\b"
    ),
    "exclamations": re.compile(r"!"),
    "repeated_chars": re.compile(r"(.)\1{3,}"),
}

# These run on an ASCII-lower-cased copy with lower-case patterns: re.IGNORECASE made each of them
# about twice as slow, and str.translate keeps every offset (str.lower() may not, e.g. for "İ").
_CASELESS = frozenset(
    {"links", "messaging_apps", "contact_calls", "promised_returns", "scam_roles"}
)
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)

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
        else _count_matches(pattern, lower if name in _CASELESS else blob, starts)
        for name, pattern in _PATTERNS.items()
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
    lower = blob.translate(_ASCII_LOWER)
    counts = [
        np.log1p(
            np.minimum(
                _count_matches(_PATTERNS[name], lower if name in _CASELESS else blob, starts),
                MAX_COUNT,
            )
        )
        for name in _COUNTED
    ]
    exclamations = _count_matches(_PATTERNS["exclamations"], blob, starts)
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
