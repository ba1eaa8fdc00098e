"""The classifier tests' tiny models, shared with the benchmark tests."""

from tests.unit.classifier.conftest import data_dir, legacy_model, tiny_model

__all__ = ["data_dir", "legacy_model", "tiny_model"]
