"""Training a :class:`TextModel` on the train split of the labelled datasets."""

from __future__ import annotations

import dataclasses
import platform
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from classifier.datasets import (
    DATA_LANGUAGES,
    TEST_PERCENT,
    Dataset,
    data_manifest,
    load_datasets,
    load_domain_examples,
)
from classifier.errors import TrainingError
from classifier.model import DEFAULT_LABELS, TextModel

__all__ = [
    "library_versions",
    "train_model",
    "train_on_datasets",
    "train_prior",
    "train_prior_on",
    "with_weak_spam_negatives",
]

_LIBRARIES = ("scikit-learn", "skops", "numpy", "scipy")


def library_versions() -> dict[str, str]:
    """Return the versions of Python and the libraries a saved model depends on."""
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _training_rows(
    datasets: Sequence[Dataset], labels: Sequence[str]
) -> tuple[list[str], npt.NDArray[np.float64], dict[str, dict[str, int]]]:
    texts, targets, _, used = _weighted_training_rows(datasets, labels)
    return texts, targets, used


def _weighted_training_rows(
    datasets: Sequence[Dataset], labels: Sequence[str]
) -> tuple[list[str], npt.NDArray[np.float64], npt.NDArray[np.float64], dict[str, dict[str, int]]]:
    texts: list[str] = []
    blocks: list[npt.NDArray[np.float64]] = []
    weights: list[npt.NDArray[np.float64]] = []
    used: dict[str, dict[str, int]] = {}
    for ds in datasets:
        train = ~ds.is_test
        nan = np.full(len(ds), np.nan)
        block = np.column_stack([ds.labels.get(label, nan)[train] for label in labels])
        # Rows labelled for none of the requested labels teach nothing; drop them early.
        keep = ~np.all(np.isnan(block), axis=1)
        if not keep.any():
            continue
        train_texts = np.asarray(ds.texts, dtype=object)[train]
        texts.extend(train_texts[keep].tolist())
        blocks.append(block[keep])
        row_weight = [ds.label_weight.get(label, 1.0) for label in labels]
        weights.append(np.tile(row_weight, (int(keep.sum()), 1)))
        used[ds.name] = {
            label: int((~np.isnan(block[keep, j])).sum()) for j, label in enumerate(labels)
        }
    if not blocks:
        raise TrainingError(f"no dataset labels any of {list(labels)}")
    return texts, np.vstack(blocks), np.vstack(weights), used


def train_on_datasets(
    datasets: Sequence[Dataset],
    *,
    labels: Sequence[str] = DEFAULT_LABELS,
    progress: Callable[[str], None] | None = None,
    **params: Any,
) -> TextModel:
    """Train a model on the train split of already-loaded datasets.

    Parameters
    ----------
    datasets : sequence of Dataset
        Datasets to train on; each contributes the labels it carries.
    labels : sequence of str
        Labels to learn, in output-column order; those no dataset carries are dropped.
    progress : callable, optional
        Called with a message before each step of the fit.
    **params
        Hyper-parameters passed to :class:`TextModel`.

    Returns
    -------
    TextModel
        Fitted model whose ``metadata`` holds ``created_at``, ``labels``, ``library_versions``,
        ``data_manifest``, ``split`` and ``train_rows`` (per dataset and label).

    Raises
    ------
    TrainingError
        If no dataset carries any of ``labels``, or a label has only one class.
    """
    # A label no dataset carries (e.g. the toxicity sub-labels on spam-only data) is left out
    # rather than trained on nothing; the model's ``labels`` say what it scores.
    labels = [label for label in labels if any(ds.has_label(label) for ds in datasets)]
    texts, targets, weights, used = _weighted_training_rows(datasets, labels)
    model = TextModel(tuple(labels), **params).fit(
        texts, targets, progress=progress, sample_weight=weights
    )
    model.metadata.update(
        {
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "labels": list(labels),
            "library_versions": library_versions(),
            "data_manifest": data_manifest(datasets),
            "languages": list(DATA_LANGUAGES),
            "split": f"sha256(casefold(normalise_text(text))) % 100 < {TEST_PERCENT} is test",
            "train_rows": used,
        }
    )
    return model


# Weight of a toxicity corpus's rows as spam negatives, per row, next to 1 for an annotated row.
# Their being ordinary (non-commercial) posts is inferred, not annotated; and at full weight their
# 40k rows drowned the SMS and YouTube ham the spam head must separate spam from (SMS ROC-AUC
# 0.998 -> 0.992). Without them the spam head never sees long, ordinary discussion and scores
# it as spam (issue 8).
WEAK_SPAM_WEIGHT = 0.1
# With the weak negatives the spam head has five times the rows; less regularisation (C=16 vs
# 4) keeps a clean comment's spam score flat as the comment grows (mean over 32 joined clean
# comments 0.016, vs 0.021 at C=4) at the same SMS and YouTube ROC-AUC.
SPAM_C = 16.0


def with_weak_spam_negatives(
    datasets: Sequence[Dataset], weight: float = WEAK_SPAM_WEIGHT
) -> list[Dataset]:
    """The datasets, with each toxicity corpus's rows also counted as (down-weighted) non-spam.

    A dataset that labels ``toxic`` but not ``spam`` (talk-page comments, tweets) holds ordinary
    discussion of every length, abusive or not, and no advertising: exactly the negatives a spam
    head trained on short SMS and YouTube ham lacks.
    """
    out: list[Dataset] = []
    for ds in datasets:
        if ds.has_label("toxic") and not ds.has_label("spam"):
            labels = {**ds.labels, "spam": np.zeros(len(ds))}
            ds = dataclasses.replace(
                ds, labels=labels, label_weight={**ds.label_weight, "spam": weight}
            )
        out.append(ds)
    return out


def train_prior(
    data_dir: Path,
    *,
    labels: Sequence[str] = DEFAULT_LABELS,
    progress: Callable[[str], None] | None = None,
) -> tuple[TextModel, list[Dataset]]:
    """Train a prior the way the shipped model is built: public data plus the domain examples.

    Parameters
    ----------
    data_dir : Path
        Directory of public dataset folders.
    labels : sequence of str
        Labels to learn.
    progress : callable, optional
        Called with a message before each step of the fit.

    Returns
    -------
    tuple of (TextModel, list of Dataset)
        The model and every dataset it was trained on (their test splits evaluate it).
    """
    datasets = [*load_datasets(data_dir, labels), load_domain_examples(labels)]
    return train_prior_on(datasets, labels=labels, progress=progress), datasets


def train_prior_on(
    datasets: Sequence[Dataset],
    *,
    labels: Sequence[str] = DEFAULT_LABELS,
    progress: Callable[[str], None] | None = None,
) -> TextModel:
    """Train a prior on already-loaded datasets with the shipped model's recipe.

    The recipe: every dataset's train split, each toxicity corpus also as down-weighted spam
    negatives (:func:`with_weak_spam_negatives`), and the spam head regularised less than the
    toxicity heads (:data:`SPAM_C`).
    """
    return train_on_datasets(
        with_weak_spam_negatives(datasets), labels=labels, progress=progress, C=SPAM_C
    )


def train_model(data_dir: Path, *, labels: Sequence[str] = DEFAULT_LABELS) -> TextModel:
    """Train a model on the train split of every dataset under ``data_dir``.

    Parameters
    ----------
    data_dir : Path
        Directory of dataset folders, each holding ``normalized.csv``.
    labels : sequence of str
        Labels to learn; each is trained on the datasets that label it.

    Returns
    -------
    TextModel
        Fitted model with provenance in ``metadata`` (see :func:`train_on_datasets`).
    """
    return train_on_datasets(load_datasets(data_dir, labels), labels=labels)
