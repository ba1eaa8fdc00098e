"""Training a :class:`TextModel` on the train split of the labelled datasets."""

from __future__ import annotations

import platform
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from classifier.datasets import TEST_PERCENT, Dataset, data_manifest, load_datasets
from classifier.errors import TrainingError
from classifier.model import DEFAULT_LABELS, TextModel

__all__ = ["library_versions", "train_model", "train_on_datasets"]

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
    texts: list[str] = []
    blocks: list[npt.NDArray[np.float64]] = []
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
        used[ds.name] = {
            label: int((~np.isnan(block[keep, j])).sum()) for j, label in enumerate(labels)
        }
    if not blocks:
        raise TrainingError(f"no dataset labels any of {list(labels)}")
    return texts, np.vstack(blocks), used


def train_on_datasets(
    datasets: Sequence[Dataset], *, labels: Sequence[str] = DEFAULT_LABELS, **params: Any
) -> TextModel:
    """Train a model on the train split of already-loaded datasets.

    Parameters
    ----------
    datasets : sequence of Dataset
        Datasets to train on; each contributes the labels it carries.
    labels : sequence of str
        Labels to learn, in output-column order; those no dataset carries are dropped.
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
    texts, targets, used = _training_rows(datasets, labels)
    model = TextModel(tuple(labels), **params).fit(texts, targets)
    model.metadata.update(
        {
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "labels": list(labels),
            "library_versions": library_versions(),
            "data_manifest": data_manifest(datasets),
            "split": f"sha256(casefold(normalise_text(text))) % 100 < {TEST_PERCENT} is test",
            "train_rows": used,
        }
    )
    return model


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
