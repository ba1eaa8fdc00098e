"""Where in a comment a person would point: a per-word span-probability model.

A classifier's coefficients say which n-grams raise a label's score, not which words a moderator
would mark: "you" and "are" carry weight in a toxic model because insults are addressed to
someone, and a char n-gram such as "idi" also sits inside "ridiculed". :class:`SpanModel` answers
the other question. It is a logistic regression over each *whole word* (its case-folded form,
its char 3-5-grams, the words before and after it), fitted on news comments whose toxic spans
crowd annotators marked (``civil_comments_toxic_spans``, the content-hash training part only),
and it gives each word the probability that a person marks it.

Its weights are a small JSON file inside the package (``default_model/spans.json``), so a user's
install needs no dataset; ``python -m classifier.span_training --data ../shared/data`` rebuilds
it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = [
    "DEFAULT_SPANS_PATH",
    "SpanModel",
    "Word",
    "context_features",
    "load_span_model",
    "own_features",
    "phrases",
    "words",
]

DEFAULT_SPANS_PATH = Path(__file__).parent / "default_model" / "spans.json"
SPANS_FORMAT = 1
# A word: letters and digits, with inner apostrophes ("don't", "Trump's"). Spans are made of these,
# so no span ever starts or ends between two word characters.
_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")
_CHAR_NGRAMS = (3, 4, 5)
_START, _END = "^", "$"


class Word(NamedTuple):
    """One word of a text: ``text[start:end]``, and the case-folded form the model reads."""

    start: int
    end: int
    key: str


def words(text: str) -> list[Word]:
    """The words of ``text`` with their offsets."""
    return [Word(m.start(), m.end(), m.group().casefold()) for m in _WORD.finditer(text)]


def phrases(text: str, found: Sequence[Word], picked: Sequence[bool]) -> list[tuple[int, int]]:
    """Picked words as ``(start, end)`` spans; neighbours apart only by spaces form one phrase."""
    spans: list[tuple[int, int]] = []
    previous = -1
    for index, (word, is_picked) in enumerate(zip(found, picked, strict=True)):
        if not is_picked:
            continue
        if spans and previous == index - 1 and not text[spans[-1][1] : word.start].strip():
            spans[-1] = (spans[-1][0], word.end)
        else:
            spans.append((word.start, word.end))
        previous = index
    return spans


def own_features(key: str) -> list[str]:
    """The features of a word on its own: its form and its char n-grams (with edge marks)."""
    padded = f"<{key}>"
    grams = [f"c={padded[i : i + n]}" for n in _CHAR_NGRAMS for i in range(len(padded) - n + 1)]
    return [f"w={key}", *dict.fromkeys(grams)]


def context_features(keys: Sequence[str], index: int) -> tuple[str, str]:
    """The features of a word's neighbours: the word before and the word after it."""
    before = keys[index - 1] if index > 0 else _START
    after = keys[index + 1] if index + 1 < len(keys) else _END
    return f"p={before}", f"n={after}"


@dataclass(frozen=True)
class SpanModel:
    """Per-word probability that a person marks the word, and the rule that picks words.

    Attributes
    ----------
    weights : mapping of str to float
        Logistic-regression weight of each feature (see :func:`own_features` and
        :func:`context_features`); absent features weigh 0.
    intercept : float
        The regression's intercept.
    threshold : float
        A word is picked when its probability is at least ``threshold`` ...
    relative : float
        ... and at least ``relative`` times the highest probability among the candidates; when
        no word passes, the most probable candidate is picked alone.
    metadata : mapping
        Provenance: data manifest, split, parameters, cross-validated and held-out char-F1.
    """

    weights: Mapping[str, float]
    intercept: float
    threshold: float
    relative: float
    metadata: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __hash__(self) -> int:
        return id(self)

    @functools.cached_property
    def _scores(self) -> tuple[Any, Any, Any]:
        """Per-word parts of a logit, cached (a worker sees the same words again and again):
        the word's own features, and what it adds as the word before or after another one."""
        weights = self.weights
        cache = functools.lru_cache(maxsize=100_000)

        @cache
        def own(key: str) -> float:
            return sum(weights.get(name, 0.0) for name in own_features(key))

        @cache
        def as_before(key: str) -> float:
            return weights.get(f"p={key}", 0.0)

        @cache
        def as_after(key: str) -> float:
            return weights.get(f"n={key}", 0.0)

        return own, as_before, as_after

    def probabilities(self, found: Sequence[Word]) -> npt.NDArray[np.float64]:
        """The probability of each word of one text being marked, in order."""
        own, as_before, as_after = self._scores
        keys = [w.key for w in found]
        logits = np.array([self.intercept + own(key) for key in keys], dtype=np.float64)
        # Word i reads the word before it ("p=" feature) and the word after it ("n=").
        logits += [as_before(key) for key in [_START, *keys[:-1]]]
        logits += [as_after(key) for key in [*keys[1:], _END]]
        return np.asarray(1.0 / (1.0 + np.exp(-logits)), dtype=np.float64)

    def pick(
        self, probabilities: npt.NDArray[np.float64], candidates: npt.NDArray[np.bool_]
    ) -> npt.NDArray[np.bool_]:
        """Which words to mark among the ``candidates`` (never an empty pick when any is)."""
        if not candidates.any():
            return candidates
        masked = np.where(candidates, probabilities, -1.0)
        best = float(masked.max())
        picked = masked >= max(self.threshold, self.relative * best)
        if not picked.any():
            picked = masked == best
        return np.asarray(picked & candidates, dtype=np.bool_)

    def to_json(self) -> dict[str, Any]:
        """The model as a JSON-ready mapping (weights rounded to 4 decimals)."""
        return {
            "format": SPANS_FORMAT,
            "intercept": round(self.intercept, 6),
            "threshold": self.threshold,
            "relative": self.relative,
            "metadata": dict(self.metadata),
            "weights": {name: round(value, 4) for name, value in sorted(self.weights.items())},
        }

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> SpanModel:
        """Read :meth:`to_json`'s mapping back; refuses another format."""
        if document.get("format") != SPANS_FORMAT:
            raise ValueError(f"span model format {document.get('format')!r}, want {SPANS_FORMAT}")
        return cls(
            weights={str(k): float(v) for k, v in document["weights"].items()},
            intercept=float(document["intercept"]),
            threshold=float(document["threshold"]),
            relative=float(document["relative"]),
            metadata=dict(document.get("metadata", {})),
        )


@functools.cache
def load_span_model(path: Path = DEFAULT_SPANS_PATH) -> SpanModel:
    """The span model stored at ``path`` (the packaged one by default), read once per process."""
    return SpanModel.from_json(json.loads(path.read_text(encoding="utf-8")))
