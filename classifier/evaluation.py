"""Held-out metrics per dataset and label, on the content-hash test split."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt
from sklearn.metrics import average_precision_score, roc_auc_score

from classifier.datasets import Dataset

__all__ = ["Scorer", "evaluate"]


class Scorer(Protocol):
    """What scoring a test split needs: label names and batched probabilities."""

    @property
    def labels(self) -> tuple[str, ...]: ...

    def predict_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float64]: ...


def _scores(y_true: np.ndarray, y_score: np.ndarray) -> dict[str, float | int | None]:
    positives = int(y_true.sum())
    # AUCs are undefined when the test split holds a single class; report None, not a crash.
    has_both = 0 < positives < len(y_true)
    return {
        "n_test": len(y_true),
        "positives": positives,
        "roc_auc": round(float(roc_auc_score(y_true, y_score)), 4) if has_both else None,
        "pr_auc": round(float(average_precision_score(y_true, y_score)), 4) if has_both else None,
    }


def evaluate(
    model: Scorer, datasets: Sequence[Dataset]
) -> dict[str, dict[str, dict[str, float | int | None]]]:
    """Score each dataset's test split and compute ranking metrics per label.

    Parameters
    ----------
    model : TextModel or SiteModel
        Fitted model (anything with ``labels`` and ``predict_proba``).
    datasets : sequence of Dataset
        Datasets to evaluate on; only labels that both the model and the dataset carry are scored.

    Returns
    -------
    dict
        ``{dataset: {label: {"n_test", "positives", "roc_auc", "pr_auc"}}}``. AUCs are ``None``
        when the test split holds a single class. PR-AUC is average precision.
    """
    results: dict[str, dict[str, dict[str, float | int | None]]] = {}
    for ds in datasets:
        labels = [label for label in model.labels if ds.has_label(label)]
        if not labels:
            continue
        test_texts = [t for t, is_test in zip(ds.texts, ds.is_test, strict=True) if is_test]
        proba = model.predict_proba(test_texts)
        per_label: dict[str, dict[str, float | int | None]] = {}
        for label in labels:
            truth = ds.labels[label][ds.is_test]
            known = ~np.isnan(truth)
            column = proba[known, model.labels.index(label)]
            per_label[label] = _scores(truth[known].astype(np.int64), column)
        results[ds.name] = per_label
    return results
