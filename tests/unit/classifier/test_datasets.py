from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from classifier.datasets import (
    DOMAIN_EXAMPLES_DIR,
    data_manifest,
    file_sha256,
    is_test_text,
    load_dataset,
    load_datasets,
    load_domain_examples,
    split_test_mask,
)
from classifier.errors import DatasetError

MakeDataset = Callable[[Sequence[tuple[str, str, str]]], Path]


def test_is_test_text_is_deterministic_and_about_twenty_percent() -> None:
    texts = [f"comment number {i} about the economy" for i in range(4000)]
    first = split_test_mask(texts)
    assert np.array_equal(first, split_test_mask(texts))
    assert 0.17 < first.mean() < 0.23


def test_is_test_text_puts_variants_of_a_text_on_one_side() -> None:
    variants = [
        "Buy now at shop dot com",
        "  buy NOW at shop dot com ",
        "@spammer Buy now at shop dot com",
    ]
    assert len({is_test_text(v) for v in variants}) == 1


def test_load_dataset_duplicates_never_straddle_the_split(make_dataset: MakeDataset) -> None:
    rows = [(f"message {i % 50}", str(i % 2), "") for i in range(300)]
    ds = load_dataset(make_dataset(rows))
    side_by_text: dict[str, set[bool]] = {}
    for text, is_test in zip(ds.texts, ds.is_test, strict=True):
        side_by_text.setdefault(text, set()).add(bool(is_test))
    assert all(len(sides) == 1 for sides in side_by_text.values())


def test_load_dataset_reads_empty_labels_as_nan(make_dataset: MakeDataset) -> None:
    ds = load_dataset(make_dataset([("hello there", "1", ""), ("bye", "0", "")]))
    assert ds.labels["spam"].tolist() == [1.0, 0.0]
    assert all(math.isnan(v) for v in ds.labels["toxic"])
    assert ds.has_label("spam")
    assert not ds.has_label("toxic")


def test_load_dataset_rejects_bad_label_naming_file_and_value(make_dataset: MakeDataset) -> None:
    folder = make_dataset([("hello", "yes", "")])
    with pytest.raises(DatasetError, match=r"normalized\.csv:2.*'spam'.*'yes'"):
        load_dataset(folder)


def test_load_datasets_requires_a_dataset(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"no \*/normalized\.csv"):
        load_datasets(tmp_path)
    with pytest.raises(DatasetError, match="does not exist"):
        load_datasets(tmp_path / "missing")


def test_data_manifest_records_rows_and_sha256(data_dir: Path) -> None:
    datasets = load_datasets(data_dir)
    manifest = data_manifest(datasets)
    assert [entry["dataset"] for entry in manifest] == ["synthetic_spam", "synthetic_toxic"]
    first = manifest[0]
    assert first["rows"] == len(datasets[0])
    assert first["sha256"] == file_sha256(datasets[0].path)
    assert first["labels"] == ["spam"]


def test_load_domain_examples_is_a_labelled_synthetic_set() -> None:
    ds = load_domain_examples()
    assert ds.name == "domain_examples"
    assert 300 <= len(ds) <= 500
    spam, toxic = ds.labels["spam"], ds.labels["toxic"]
    assert not np.isnan(spam).any()
    assert not np.isnan(toxic).any()
    assert spam.sum() >= 50
    assert toxic.sum() >= 30
    assert not (spam.astype(bool) & toxic.astype(bool)).any()
    assert 0 < ds.is_test.sum() < len(ds)
    assert (DOMAIN_EXAMPLES_DIR / "README.md").is_file()
