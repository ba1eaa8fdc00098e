from __future__ import annotations

import csv
from pathlib import Path

from classifier.datasets import load_datasets
from classifier.evaluation import evaluate
from classifier.model import DEFAULT_LABELS, TextModel
from classifier.training import train_on_datasets
from tests.unit.classifier.conftest import POLITE, TOXIC


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


def test_train_on_datasets_drops_labels_no_dataset_carries(tiny_model: TextModel) -> None:
    # tiny_model asked for DEFAULT_LABELS; the synthetic data labels only spam and toxic.
    assert len(DEFAULT_LABELS) > 2
    assert tiny_model.labels == ("spam", "toxic")


def test_train_on_datasets_learns_a_sub_label_from_the_dataset_that_has_it(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "with_insult"
    folder.mkdir()
    rows = [(t, "1", "1" if i % 2 else "0") for i, t in enumerate(TOXIC)]
    rows += [(t, "0", "0") for t in POLITE]
    with (folder / "normalized.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "toxic", "insult"])
        writer.writerows(
            (f"r{i}", text, toxic, insult) for i, (text, toxic, insult) in enumerate(rows)
        )
    datasets = load_datasets(tmp_path, DEFAULT_LABELS)
    model = train_on_datasets(datasets, labels=DEFAULT_LABELS)
    assert model.labels == ("toxic", "insult")
    assert model.n_train_["insult"] == model.n_train_["toxic"]
