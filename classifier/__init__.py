"""Comment Desk text classifier: pure ML, no HTTP, queue or database code.

Public API::

    normalise_text(text) -> str
    train_model(data_dir, *, labels=("spam", "toxic")) -> TextModel
    TextModel.predict_proba(texts) -> ndarray (n, len(labels))
    evaluate(model, datasets) -> dict
    save_model(model, path) -> str  /  load_model(path) -> TextModel
    build_default_model(data_dir, out_dir) -> Path
"""

from __future__ import annotations

from classifier.artifact import TRUSTED_TYPES, artifact_sha256, load_model, save_model
from classifier.build import DEFAULT_MODEL_DIR, build_default_model
from classifier.datasets import Dataset, is_test_text, load_datasets
from classifier.errors import (
    ArtifactError,
    ClassifierError,
    DatasetError,
    TrainingError,
    UntrustedArtifactError,
)
from classifier.evaluation import evaluate
from classifier.model import DEFAULT_LABELS, TextModel
from classifier.text import normalise_text
from classifier.training import train_model, train_on_datasets

__all__ = [
    "DEFAULT_LABELS",
    "DEFAULT_MODEL_DIR",
    "TRUSTED_TYPES",
    "ArtifactError",
    "ClassifierError",
    "Dataset",
    "DatasetError",
    "TextModel",
    "TrainingError",
    "UntrustedArtifactError",
    "artifact_sha256",
    "build_default_model",
    "evaluate",
    "is_test_text",
    "load_datasets",
    "load_model",
    "normalise_text",
    "save_model",
    "train_model",
    "train_on_datasets",
]
