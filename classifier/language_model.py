"""py3langid's model, scoring a batch of texts with one array walk instead of a loop per byte.

py3langid finds a text's byte n-grams with an Aho-Corasick automaton walked one byte at a time
in Python: at a news comment's length that loop was most of the identification's cost. The
automaton's state after a byte depends only on the last :data:`DEPTH` bytes read (no n-gram it
finds is longer; :func:`check_depth` verifies the bound, a test runs it on the shipped model): so
the state at every position of every text is found at once, with ``DEPTH`` array look-ups over the
whole batch, each text starting after a :data:`RESET` byte that sends any state back to the
start. Counting, scoring and the normalisation are py3langid's own, in the same order and the
same float32 arithmetic, so every (language, probability) is bit for bit the one py3langid's
``classify`` gives (``tests/unit/classifier/test_language_model.py`` compares them).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

# The longest n-gram the shipped model's automaton recognises, in bytes: after this many bytes
# the state no longer depends on where the walk started.
DEPTH = 6
# Never a byte of UTF-8: the shipped automaton goes back to its start state on it from any state.
RESET = 0xFF

Index = npt.NDArray[np.intp]
States = npt.NDArray[np.uint32]  # the automaton's transition table


class AutomatonError(ValueError):
    """The model's automaton does not have the properties the batched walk relies on."""


class BatchedLanguageModel:
    """Classifies many texts at once; answers exactly as ``py3langid``'s ``classify``."""

    def __init__(self, model: Any) -> None:
        if not model._norm_probs or model.min_confidence is not None:
            raise AutomatonError("only a model with norm_probs and no min_confidence is batched")
        self._model = model
        self._next = np.frombuffer(model.tk_nextmove, dtype=np.uint32)
        self._rows = np.asarray(model._rowbase, dtype=np.intp)
        self._output = np.asarray(model.tk_output, dtype=np.intp)
        check_reset(self._next, self._rows, self._output)

    def classify_many(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """The (language, probability) of each text, as ``model.classify(text)`` gives it."""
        if len(texts) < 2:
            # One text: py3langid's own loop costs less than the walk's fixed array set-up.
            return [(str(found[0]), float(found[1])) for found in map(self._model.classify, texts)]
        encoded = [self._model._encode(text) for text in texts]
        features, counts, bounds = self._feature_counts(encoded)
        scores = np.stack(
            [
                self._raw_scores(features[start:end], counts[start:end])
                for start, end in itertools.pairwise(bounds.tolist())
            ]
        )
        return self._decide(scores, [len(data) for data in encoded])

    def _states(self, encoded: Sequence[bytes]) -> tuple[Index, Index]:
        """The automaton's state after each byte of the batch, and the text each byte is of."""
        separator = bytes([RESET])
        stream = np.frombuffer(separator * (DEPTH - 1) + separator.join(encoded), dtype=np.uint8)
        positions = len(stream) - (DEPTH - 1)
        states = np.zeros(positions, dtype=np.intp)
        for step in range(DEPTH):  # the window of DEPTH bytes ending at each position
            states = self._next[self._rows[states] + stream[step : step + positions]]
        lengths = np.fromiter(map(len, encoded), dtype=np.intp, count=len(encoded))
        texts = np.repeat(np.arange(len(encoded)), lengths + 1)[:positions]
        return states.astype(np.intp), texts

    def _feature_counts(self, encoded: Sequence[bytes]) -> tuple[Index, Index, Index]:
        """Each text's features and counts in the order of first occurrence (as ``Counter``
        keeps them), concatenated, and where each text's run starts and ends."""
        states, texts = self._states(encoded)
        found = self._output[states]
        at = np.flatnonzero(found >= 0)
        features, owners = found[at], texts[at]
        # Grouped by text then feature; stable, so each group starts at its first occurrence.
        order = np.lexsort((features, owners))
        features, owners = features[order], owners[order]
        first = np.ones(len(features), dtype=bool)
        first[1:] = (features[1:] != features[:-1]) | (owners[1:] != owners[:-1])
        starts = np.flatnonzero(first)
        counts = np.diff(np.append(starts, len(features)))
        by_occurrence = np.argsort(order[starts], kind="stable")
        owners = owners[starts][by_occurrence]
        bounds = np.searchsorted(owners, np.arange(len(encoded) + 1))
        return features[starts][by_occurrence], counts[by_occurrence], bounds

    def _raw_scores(self, features: Index, counts: Index) -> npt.NDArray[np.float32]:
        """py3langid's ``_raw_score`` (norm_probs) of one text's counted features: one product
        per text, as py3langid computes it, so the sums are added in the same order."""
        model = self._model
        if not len(features):
            return np.full(len(model.nb_classes), 0.0, dtype=np.float32)
        scores: npt.NDArray[np.float32] = (
            np.log1p(counts.astype(np.float32)) @ model.nb_ptc[features] + model.nb_pc
        )
        return scores

    def _decide(self, scores: npt.NDArray[np.float32], sizes: list[int]) -> list[tuple[str, float]]:
        """py3langid's ``_decide`` and ``classify`` (norm_probs, no min_confidence) for a row of
        raw scores per text of ``sizes`` bytes, every row at once (element by element and
        along each row, so each row comes out as py3langid's one-text arithmetic does)."""
        model = self._model
        # py3langid multiplies by a Python float, which float32 arrays take as float32.
        scores *= np.array([1.0 / math.sqrt(size or 1) for size in sizes], np.float32)[:, None]
        np.exp(scores - scores.max(axis=1, keepdims=True), out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        for i, j in model._alias_pairs:
            scores[:, i] += scores[:, j]
            scores[:, j] = 0.0
        best = scores.argmax(axis=1)
        probabilities = scores[np.arange(len(sizes)), best].tolist()
        return [
            (str(model.nb_classes[b]), float(p))
            for b, p in zip(best.tolist(), probabilities, strict=True)
        ]


def check_reset(next_state: States, rows: Index, output: Index) -> None:
    """Raise unless :data:`RESET` leads every state to the start state, which has no output."""
    if output[0] >= 0 or np.any(next_state[rows + RESET] != 0):
        raise AutomatonError(f"byte {RESET:#x} does not reset the automaton")


def check_depth(next_state: States, rows: Index) -> None:
    """Raise if a state lies deeper than :data:`DEPTH` bytes from the start (1-2 s: a test
    runs it on the shipped model, not every load).

    In an Aho-Corasick automaton a state stands for the longest suffix of the input that is a
    prefix of a pattern, so its depth bounds how far back the state depends on the input.
    """
    depth = np.full(len(rows), -1, dtype=np.intp)
    depth[0] = 0
    frontier = np.zeros(1, dtype=np.intp)
    every_byte = np.arange(256, dtype=np.intp)
    for level in range(1, DEPTH + 2):
        reached = np.unique(next_state[(rows[frontier][:, None] + every_byte).ravel()])
        frontier = reached[depth[reached] < 0].astype(np.intp)
        if not len(frontier):
            return
        if level > DEPTH:
            raise AutomatonError(f"states lie deeper than {DEPTH} bytes")
        depth[frontier] = level
