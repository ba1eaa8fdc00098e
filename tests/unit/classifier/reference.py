"""The regex implementations the vectorised text code replaced, as the tests' reference.

``normalise_text``, ``fold_texts`` and ``text_stats`` as they were before they were sped up
(commit cf55a76), sharing the patterns that still define them in ``classifier``. The new code
must give the same output character for character (``text_stats``: value for value, per text).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from classifier import features, folding, text

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WHITESPACE = re.compile(r"\s+")
_LEET_TOKEN = re.compile(r"(?<![\w@$.])(?=[\w@$]*[^\W\d_])(?=[\w@$]*[013457@$])[\w@$]{2,}+(?!\.\w)")
_REPEATS = re.compile(r"([^\W\d_]|[^\w\s])\1{2,}")


def normalise_text(raw: str) -> str:
    """The regex-per-step normalisation."""
    out = text._HTML_TAG.sub(" ", raw)
    out = html.unescape(out)
    out = unicodedata.normalize("NFKC", out)
    out = _INVISIBLE.sub("", out)
    out = _CONTROL.sub("", out)
    out = re.sub('""', '"', out)
    out = text._OLID_USER.sub(" ", out)
    out = text._OLID_URL.sub(" ", out)
    out = text._RETWEET.sub(" ", out)
    out = text._HANDLE.sub(" ", out)
    out = _WHITESPACE.sub(" ", out).strip()
    if len(out) >= 2 and out[0] == '"' and out[-1] == '"':
        out = out[1:-1].strip()
    return out


def fold_texts(texts: Sequence[str]) -> list[str]:
    """The regex folding over the newline-joined batch."""
    if not texts:
        return []
    blob = "\n".join(texts).translate(folding._CONFUSABLES)
    blob = _LEET_TOKEN.sub(lambda m: m.group().translate(folding._LEET), blob)
    blob = folding._SPACED.sub(folding._unspace_match, blob)
    blob = _REPEATS.sub(r"\1\1", blob)
    return blob.lower().split("\n")


def _counts(pattern: re.Pattern[str], blob: str) -> float:
    return float(sum(1 for _ in pattern.finditer(blob)))


def text_stats_of(one: str, *, legacy: bool = False) -> npt.NDArray[np.float64]:
    """One text's signals, each pattern run over the whole text."""
    lower = one.translate(features._ASCII_LOWER)
    counts = {
        name: _counts(pattern, lower if name in features._CASELESS else one)
        for name, pattern in features._PATTERNS.items()
    }
    upper = len(re.findall("[A-Z]", one))
    letters = upper + len(re.findall("[a-z]", one))
    ratio = upper / letters if letters else 0.0
    if legacy:
        digits = len(re.findall("[0-9]", one))
        columns = [*counts.values(), float(digits), float(len(one))]
        return np.array([*np.log1p(columns), ratio])
    capped = [np.log1p(min(counts[name], features.MAX_COUNT)) for name in features._COUNTED]
    per_hundred = 100.0 * counts["exclamations"] / len(one) if one else 0.0
    density = min(per_hundred / features._EXCLAMATION_SATURATION, 1.0)
    ratio *= min(letters / features._SHOUT_MIN_LETTERS, 1.0)
    return np.array([*capped, density, ratio])
