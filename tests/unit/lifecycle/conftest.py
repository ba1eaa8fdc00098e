"""A tiny real model saved as a skops artifact, and the HTTP tests' app and keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier import save_model, train_model
from tests.unit.http.conftest import app_settings, client, make_key, ops  # noqa: F401
from tests.unit.lifecycle.corpus import write_corpus


@pytest.fixture(scope="session")
def artifact_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid artifact of a model trained on the tiny corpus."""
    root = tmp_path_factory.mktemp("lifecycle")
    model = train_model(write_corpus(root / "data"))
    path = root / "tiny.skops"
    save_model(model, path)
    return path
