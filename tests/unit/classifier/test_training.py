from __future__ import annotations

from pathlib import Path

from classifier.datasets import load_datasets
from classifier.evaluation import evaluate
from classifier.model import TextModel


def test_train_model_records_provenance(tiny_model: TextModel) -> None:
    metadata = tiny_model.metadata
    assert metadata["labels"] == ["spam", "toxic"]
    assert {"created_at", "library_versions", "data_manifest", "split"} <= metadata.keys()
    train_rows = metadata["train_rows"]
    assert isinstance(train_rows, dict)
    # Each dataset trains only the label it carries.
    assert train_rows["synthetic_spam"]["toxic"] == 0
    assert train_rows["synthetic_toxic"]["spam"] == 0
    assert tiny_model.n_train_["spam"] == train_rows["synthetic_spam"]["spam"]


def test_evaluate_reports_each_labelled_dataset(tiny_model: TextModel, data_dir: Path) -> None:
    datasets = load_datasets(data_dir)
    results = evaluate(tiny_model, datasets)
    assert set(results) == {"synthetic_spam", "synthetic_toxic"}
    assert set(results["synthetic_spam"]) == {"spam"}
    spam = results["synthetic_spam"]["spam"]
    assert spam["n_test"] == int(datasets[0].is_test.sum())
    assert {"positives", "roc_auc", "pr_auc"} <= spam.keys()
