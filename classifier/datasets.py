"""Loading the labelled datasets and splitting them by content.

Each dataset is a folder holding a ``normalized.csv`` with columns ``id,text,<label>...``. A label
cell is ``0``, ``1`` or empty; empty means the dataset does not label that dimension, and such rows
are kept as ``NaN`` so they never train or evaluate that label.
"""

from __future__ import annotations

import csv
import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from classifier.errors import DatasetError
from classifier.text import normalise_text

__all__ = [
    "DATA_FILE_NAME",
    "DATA_LANGUAGES",
    "DOMAIN_EXAMPLES_DIR",
    "TEST_PERCENT",
    "Dataset",
    "data_manifest",
    "file_sha256",
    "is_test_text",
    "load_dataset",
    "load_datasets",
    "load_domain_examples",
    "split_key",
    "split_test_mask",
]

DATA_FILE_NAME = "normalized.csv"
# The team's own synthetic crypto/finance comments (see its README), kept apart from public data.
DOMAIN_EXAMPLES_DIR = Path(__file__).parent / "domain_examples"
# The languages of the public datasets and the domain examples (ISO 639 codes): what a model
# trained on them can read, declared in its metadata as ``languages``.
DATA_LANGUAGES = ("en",)
# Fixed forever: changing it moves texts between train and test and breaks comparability of
# metrics across model versions.
TEST_PERCENT = 20
_LABEL_VALUES = {"": math.nan, "0": 0.0, "1": 1.0}
# Some Jigsaw comments exceed the csv module's default 128 KiB field limit.
_CSV_FIELD_LIMIT = 16 * 1024 * 1024


@dataclass(frozen=True)
class Dataset:
    """One labelled dataset read from ``<data_dir>/<name>/normalized.csv``.

    Attributes
    ----------
    name : str
        Folder name, e.g. ``"sms_spam_collection"``.
    path : Path
        The ``normalized.csv`` file the rows came from.
    texts : tuple of str
        Raw texts, in file order.
    labels : mapping of str to ndarray
        Per label, a float array aligned with ``texts``: ``1.0``/``0.0``, or ``NaN`` where the
        dataset does not label that row.
    is_test : ndarray of bool
        Content-hash split, see :func:`is_test_text`.
    label_weight : mapping of str to float
        Per label, the weight of this dataset's rows when training (default 1): labels inferred
        rather than annotated (see :func:`classifier.training.with_weak_spam_negatives`) count
        for less.
    """

    name: str
    path: Path
    texts: tuple[str, ...]
    labels: Mapping[str, npt.NDArray[np.float64]]
    is_test: npt.NDArray[np.bool_] = field(repr=False)
    label_weight: Mapping[str, float] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.texts)

    def has_label(self, label: str) -> bool:
        """Return True if at least one row carries a value for ``label``."""
        values = self.labels.get(label)
        return values is not None and bool(np.any(~np.isnan(values)))


def split_key(text: str) -> str:
    """Return the text the split hashes: normalised and case-folded, so near-copies share a side."""
    return normalise_text(text).casefold()


def is_test_text(text: str) -> bool:
    """Return True if ``text`` belongs to the test split.

    Parameters
    ----------
    text : str
        Raw text (normalised internally).

    Returns
    -------
    bool
        True for about ``TEST_PERCENT`` % of distinct texts. Depends only on the content, so
        duplicate texts always land on the same side, in every dataset and every run.
    """
    digest = hashlib.sha256(split_key(text).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % 100 < TEST_PERCENT


def split_test_mask(texts: Iterable[str]) -> npt.NDArray[np.bool_]:
    """Return a boolean array, True where :func:`is_test_text` is True."""
    return np.fromiter((is_test_text(t) for t in texts), dtype=np.bool_)


def file_sha256(path: Path) -> str:
    """Return the hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _parse_label(value: str, *, path: Path, line: int, column: str) -> float:
    try:
        return _LABEL_VALUES[value.strip()]
    except KeyError:
        raise DatasetError(
            f"{path}:{line}: column {column!r} must be 0, 1 or empty, got {value!r}"
        ) from None


def _read_rows(path: Path, labels: Sequence[str]) -> tuple[list[str], dict[str, list[float]]]:
    texts: list[str] = []
    values: dict[str, list[float]] = {label: [] for label in labels}
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or "text" not in reader.fieldnames:
            raise DatasetError(f"{path}: header must contain a 'text' column")
        present = [label for label in labels if label in reader.fieldnames]
        for row in reader:
            texts.append(row["text"] or "")
            for label in labels:
                cell = (row[label] or "") if label in present else ""
                line = reader.line_num
                values[label].append(_parse_label(cell, path=path, line=line, column=label))
    return texts, values


def load_dataset(folder: Path, labels: Sequence[str] = ("spam", "toxic")) -> Dataset:
    """Read one dataset folder.

    Parameters
    ----------
    folder : Path
        Folder containing ``normalized.csv``.
    labels : sequence of str
        Label columns to read; a column missing from the file counts as unlabelled.

    Returns
    -------
    Dataset

    Raises
    ------
    DatasetError
        If the file is missing, not UTF-8 CSV, or a label cell is not 0/1/empty.
    """
    path = folder / DATA_FILE_NAME
    try:
        texts, values = _read_rows(path, labels)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DatasetError(f"cannot read dataset file {path}: {exc}") from exc
    arrays = {label: np.asarray(v, dtype=np.float64) for label, v in values.items()}
    return Dataset(folder.name, path, tuple(texts), arrays, split_test_mask(texts))


def load_datasets(data_dir: Path, labels: Sequence[str] = ("spam", "toxic")) -> list[Dataset]:
    """Read every ``<data_dir>/*/normalized.csv``, sorted by folder name.

    Parameters
    ----------
    data_dir : Path
        Directory of dataset folders (e.g. ``../shared/data``).
    labels : sequence of str
        Label columns to read.

    Returns
    -------
    list of Dataset

    Raises
    ------
    DatasetError
        If ``data_dir`` holds no dataset folder, or a file is malformed.
    """
    if not data_dir.is_dir():
        raise DatasetError(f"data directory {data_dir} does not exist")
    folders = sorted(p for p in data_dir.iterdir() if (p / DATA_FILE_NAME).is_file())
    if not folders:
        raise DatasetError(f"no */{DATA_FILE_NAME} found under {data_dir}")
    return [load_dataset(folder, labels) for folder in folders]


def load_domain_examples(labels: Sequence[str] = ("spam", "toxic")) -> Dataset:
    """Read the synthetic, team-written crypto/finance comments shipped with this package.

    Parameters
    ----------
    labels : sequence of str
        Label columns to read (it carries ``spam`` and ``toxic``).

    Returns
    -------
    Dataset
        Named ``domain_examples``, split by content hash like every other dataset.
    """
    return load_dataset(DOMAIN_EXAMPLES_DIR, labels)


def data_manifest(datasets: Sequence[Dataset]) -> list[dict[str, object]]:
    """Describe the exact data used: one entry per dataset with its file's rows and sha256.

    Parameters
    ----------
    datasets : sequence of Dataset

    Returns
    -------
    list of dict
        Keys ``dataset``, ``file`` (``<name>/normalized.csv``), ``rows``, ``sha256``,
        ``labels`` (labels it carries) and ``test_rows``.
    """
    return [
        {
            "dataset": ds.name,
            "file": f"{ds.name}/{ds.path.name}",
            "rows": len(ds),
            "sha256": file_sha256(ds.path),
            "labels": [label for label in ds.labels if ds.has_label(label)],
            "test_rows": int(ds.is_test.sum()),
        }
        for ds in datasets
    ]
