"""The quality report behind ``commentdesk eval`` and ``bench/quality``.

One run trains, on the fixed content-hash train split of every dataset in a data folder:
the plain baseline (:mod:`classifier.baseline`), the model on the public data, and (optionally) the
model on the public data plus the team's synthetic domain examples. Each is scored on every test
split, the domain examples' included, so the effect of those examples is visible on both sides.
Per dataset and label it reports ROC-AUC, PR-AUC, precision/recall at the operating thresholds and
the expected calibration error; per model, training time, scoring throughput, artifact size and the
peak memory of a fresh process that loads the artifact and scores (what a worker pays).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import expit
from sklearn.metrics import average_precision_score, roc_auc_score

from classifier.artifact import save_model
from classifier.baseline import BaselineModel
from classifier.calibration import expected_calibration_error
from classifier.datasets import Dataset, load_datasets, load_domain_examples
from classifier.evaluation import Scorer
from classifier.model import DEFAULT_LABELS, TextModel
from classifier.training import _training_rows, train_prior_on

__all__ = [
    "DEFAULT_OPERATING_POINTS",
    "TARGET_ROC_AUC",
    "LabelQuality",
    "ModelCost",
    "QualityReport",
    "evaluate_all",
]

# The service's default bands: withhold for review from 0.5, auto-reject spam from 0.99. Used for
# every label unless the caller passes the thresholds a model version was stored with.
DEFAULT_OPERATING_POINTS: tuple[float, ...] = (0.5, 0.99)
# Issue 3's targets (ROC-AUC on the test split); the report marks rows that miss them.
TARGET_ROC_AUC: Mapping[tuple[str, str], float] = {
    ("jigsaw_toxic_comments_subset", "toxic"): 0.975,
    ("davidson_hate_offensive", "toxic"): 0.988,
    ("olid_offenseval2019", "toxic"): 0.85,
    ("youtube_spam_collection", "spam"): 0.995,
    ("sms_spam_collection", "spam"): 0.995,
}
BASELINE = "baseline"
PUBLIC = "model"
WITH_DOMAIN = "model+domain"
_SINGLE_SAMPLE = 300
_BATCH_SIZE = 500
# Runs in a fresh interpreter: load the artifact, score the texts in batches, report peak RSS in
# KiB. VmHWM is this process's own high-water mark; getrusage's ru_maxrss is not, because Linux
# carries the parent's peak across fork/exec and the parent here holds several trained models.
_WORKER_PROBE = """
import json, resource, sys
from pathlib import Path
from classifier.artifact import load_model
model = load_model(Path(sys.argv[1]))
texts = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
for start in range(0, len(texts), 500):
    model.predict_proba(texts[start:start + 500])
try:
    status = Path("/proc/self/status").read_text().splitlines()
    print(next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")))
except (OSError, StopIteration):
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


@dataclass(frozen=True)
class OperatingPoint:
    """Precision and recall of ``score >= threshold`` on one test split."""

    threshold: float
    flagged: int
    precision: float | None
    recall: float | None


@dataclass(frozen=True)
class LabelQuality:
    """Held-out metrics of one model on one dataset's test split for one label."""

    dataset: str
    label: str
    n_test: int
    positives: int
    roc_auc: float | None
    pr_auc: float | None
    ece_raw: float | None
    ece: float | None
    operating_points: tuple[OperatingPoint, ...]


@dataclass(frozen=True)
class ModelCost:
    """What a model costs to train, store and run."""

    train_seconds: float
    batch_per_second: float | None = None
    single_per_second: float | None = None
    artifact_bytes: int | None = None
    worker_max_rss_mb: float | None = None


@dataclass(frozen=True)
class QualityReport:
    """Everything ``commentdesk eval`` prints, per model variant."""

    data_dir: str
    labels: tuple[str, ...]
    metrics: dict[str, list[LabelQuality]] = field(default_factory=dict)
    costs: dict[str, ModelCost] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready builtins."""
        return asdict(self)


def _rounded(value: float) -> float:
    return round(float(value), 4)


def _operating_point(
    truth: npt.NDArray[np.int64], score: npt.NDArray[np.float64], t: float
) -> OperatingPoint:
    flagged = score >= t
    hits = int((flagged & (truth == 1)).sum())
    n_flagged, positives = int(flagged.sum()), int(truth.sum())
    return OperatingPoint(
        threshold=t,
        flagged=n_flagged,
        precision=_rounded(hits / n_flagged) if n_flagged else None,
        recall=_rounded(hits / positives) if positives else None,
    )


def label_quality(
    dataset: str,
    label: str,
    truth: npt.NDArray[np.int64],
    proba: npt.NDArray[np.float64],
    raw_proba: npt.NDArray[np.float64],
    thresholds: Sequence[float],
) -> LabelQuality:
    """Compute every per-label metric of one test split.

    Parameters
    ----------
    dataset, label : str
        Names for the report.
    truth : ndarray of int
        0/1 truth of the labelled test rows.
    proba, raw_proba : ndarray
        Calibrated and uncalibrated probabilities (equal for an uncalibrated model).
    thresholds : sequence of float
        Operating points for precision and recall.

    Returns
    -------
    LabelQuality
        AUCs are ``None`` when the split holds a single class.
    """
    positives = int(truth.sum())
    has_both = 0 < positives < len(truth)
    return LabelQuality(
        dataset=dataset,
        label=label,
        n_test=len(truth),
        positives=positives,
        roc_auc=_rounded(roc_auc_score(truth, proba)) if has_both else None,
        pr_auc=_rounded(average_precision_score(truth, proba)) if has_both else None,
        ece_raw=_rounded(expected_calibration_error(truth, raw_proba)) if len(truth) else None,
        ece=_rounded(expected_calibration_error(truth, proba)) if len(truth) else None,
        operating_points=tuple(_operating_point(truth, proba, t) for t in thresholds),
    )


def score_datasets(
    model: Scorer,
    datasets: Sequence[Dataset],
    thresholds: Mapping[str, Sequence[float]],
) -> list[LabelQuality]:
    """Score every dataset's test split with ``model`` and compute each label's metrics.

    Parameters
    ----------
    model : TextModel or BaselineModel
        Fitted model. For a :class:`TextModel` the uncalibrated ECE comes from its raw margins.
    datasets : sequence of Dataset
        Only labels both the model and the dataset carry are scored.
    thresholds : mapping of label to thresholds
        Operating points per label (:data:`DEFAULT_OPERATING_POINTS` when a label is absent).

    Returns
    -------
    list of LabelQuality
    """
    rows: list[LabelQuality] = []
    for ds in datasets:
        labels = [label for label in model.labels if ds.has_label(label)]
        if not labels:
            continue
        texts = [t for t, is_test in zip(ds.texts, ds.is_test, strict=True) if is_test]
        proba = model.predict_proba(texts)
        raw = expit(model.decision_function(texts)) if isinstance(model, TextModel) else proba
        for label in labels:
            truth = ds.labels[label][ds.is_test]
            known = ~np.isnan(truth)
            column = model.labels.index(label)
            rows.append(
                label_quality(
                    ds.name,
                    label,
                    truth[known].astype(np.int64),
                    proba[known, column],
                    raw[known, column],
                    thresholds.get(label, DEFAULT_OPERATING_POINTS),
                )
            )
    return rows


def _throughput(model: TextModel, texts: Sequence[str]) -> tuple[float, float]:
    start = time.perf_counter()
    for offset in range(0, len(texts), _BATCH_SIZE):
        model.predict_proba(texts[offset : offset + _BATCH_SIZE])
    batched = len(texts) / (time.perf_counter() - start)
    sample = texts[:_SINGLE_SAMPLE]
    start = time.perf_counter()
    for text in sample:
        model.predict_proba([text])
    single = len(sample) / (time.perf_counter() - start)
    return round(batched), round(single)


def _worker_rss_mb(artifact: Path, texts: Sequence[str], workdir: Path) -> float:
    sample = workdir / "texts.json"
    sample.write_text(json.dumps(list(texts)), encoding="utf-8")
    package_root = str(Path(__file__).resolve().parent.parent)
    path = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    # Our own interpreter on our own probe script; the arguments are paths we just wrote.
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", _WORKER_PROBE, str(artifact), str(sample)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=600,
    )
    return round(int(result.stdout.strip().splitlines()[-1]) / 1024, 1)


def _model_cost(model: TextModel, seconds: float, texts: Sequence[str]) -> ModelCost:
    batched, single = _throughput(model, texts)
    with tempfile.TemporaryDirectory(prefix="commentdesk-eval-") as tmp:
        artifact = Path(tmp) / "model.skops"
        save_model(model, artifact)
        return ModelCost(
            train_seconds=round(seconds, 1),
            batch_per_second=batched,
            single_per_second=single,
            artifact_bytes=artifact.stat().st_size,
            worker_max_rss_mb=_worker_rss_mb(artifact, texts, Path(tmp)),
        )


def _timed_model(datasets: Sequence[Dataset], labels: Sequence[str]) -> tuple[TextModel, float]:
    start = time.perf_counter()
    model = train_prior_on(datasets, labels=labels)
    return model, time.perf_counter() - start


def evaluate_all(
    data_dir: Path,
    *,
    with_domain: bool,
    labels: Sequence[str] = DEFAULT_LABELS,
    thresholds: Mapping[str, Sequence[float]] | None = None,
) -> QualityReport:
    """Train the baseline and the model(s) on the train splits and report held-out quality.

    Parameters
    ----------
    data_dir : Path
        Folder of dataset folders (``../shared/data``).
    with_domain : bool
        Also train a model on the public data plus the synthetic domain examples, and report it
        next to the one trained without them.
    labels : sequence of str
        Labels to learn; those no dataset carries are dropped.
    thresholds : mapping of label to thresholds, optional
        Operating points per label; default :data:`DEFAULT_OPERATING_POINTS`.

    Returns
    -------
    QualityReport
        Metrics per variant (``baseline``, ``model`` and, with the domain examples,
        ``model+domain``) on every test split, including the domain examples'.
    """
    thresholds = thresholds or {}
    public = load_datasets(Path(data_dir), labels)
    domain = load_domain_examples(labels)
    scored = [*public, domain]
    report = QualityReport(data_dir=str(data_dir), labels=tuple(labels))

    start = time.perf_counter()
    carried = tuple(label for label in labels if any(ds.has_label(label) for ds in public))
    texts, targets, _ = _training_rows(public, carried)
    baseline = BaselineModel(carried).fit(texts, targets)
    report.costs[BASELINE] = ModelCost(train_seconds=round(time.perf_counter() - start, 1))
    report.metrics[BASELINE] = score_datasets(baseline, scored, thresholds)
    del baseline, texts, targets  # free the baseline's large vocabulary before the next fit

    sample = [t for ds in scored for t, test in zip(ds.texts, ds.is_test, strict=True) if test]
    variants = {PUBLIC: public, WITH_DOMAIN: [*public, domain]} if with_domain else {PUBLIC: public}
    for name, training_data in variants.items():
        model, seconds = _timed_model(training_data, labels)
        report.metrics[name] = score_datasets(model, scored, thresholds)
        report.costs[name] = _model_cost(model, seconds, sample)
    return report
