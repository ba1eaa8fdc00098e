from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from classifier.quality import (
    BASELINE,
    PUBLIC,
    WITH_DOMAIN,
    QualityReport,
    evaluate_all,
    label_quality,
)
from classifier.quality_report import render_report, run_eval


@pytest.fixture(scope="module")
def report(data_dir: Path) -> QualityReport:
    return evaluate_all(data_dir, with_domain=True)


def test_label_quality_reports_precision_and_recall_at_each_threshold() -> None:
    truth = np.array([1, 1, 0, 0, 1])
    proba = np.array([0.995, 0.6, 0.7, 0.1, 0.2])
    quality = label_quality("d", "spam", truth, proba, proba, (0.5, 0.99))
    at_half, at_reject = quality.operating_points
    assert (at_half.flagged, at_half.precision, at_half.recall) == (3, 0.6667, 0.6667)
    assert (at_reject.flagged, at_reject.precision, at_reject.recall) == (1, 1.0, 0.3333)
    assert quality.positives == 3
    assert quality.roc_auc == pytest.approx(4 / 6, abs=1e-4)


def test_label_quality_handles_a_single_class_split() -> None:
    quality = label_quality("d", "spam", np.zeros(3, np.int64), np.zeros(3), np.zeros(3), (0.5,))
    assert quality.roc_auc is None
    assert quality.pr_auc is None
    assert quality.operating_points[0].precision is None


def test_evaluate_all_scores_every_variant_on_every_test_split(report: QualityReport) -> None:
    assert list(report.metrics) == [BASELINE, PUBLIC, WITH_DOMAIN]
    for rows in report.metrics.values():
        keys = {(q.dataset, q.label) for q in rows}
        assert keys == {
            ("synthetic_spam", "spam"),
            ("synthetic_toxic", "toxic"),
            ("domain_examples", "spam"),
            ("domain_examples", "toxic"),
        }
    model_rows = report.metrics[WITH_DOMAIN]
    assert all(q.ece is not None and 0 <= q.ece <= 1 for q in model_rows)
    assert all(len(q.operating_points) == 2 for q in model_rows)


def test_evaluate_all_measures_costs(report: QualityReport) -> None:
    cost = report.costs[WITH_DOMAIN]
    assert cost.train_seconds >= 0
    assert cost.batch_per_second
    assert cost.single_per_second
    assert cost.artifact_bytes
    assert cost.artifact_bytes > 1000
    # A fresh interpreter with numpy, scipy and scikit-learn loaded is tens of MB at least.
    assert cost.worker_max_rss_mb
    assert cost.worker_max_rss_mb > 20
    assert report.costs[BASELINE].artifact_bytes is None


def test_render_report_has_a_row_per_dataset_label_and_costs(report: QualityReport) -> None:
    text = render_report(report)
    assert "| synthetic_spam | spam |" in text
    assert "| domain_examples | toxic |" in text
    assert "P@0.5 | R@0.5 | P@0.99 | R@0.99 | ECE raw | ECE calibrated" in text
    assert f"| {WITH_DOMAIN} |" in text
    assert report.as_dict()["costs"][PUBLIC]["train_seconds"] >= 0


def test_evaluate_all_without_domain_trains_only_the_public_model(data_dir: Path) -> None:
    report = evaluate_all(data_dir, with_domain=False, thresholds={"spam": (0.3,)})
    assert list(report.metrics) == [BASELINE, PUBLIC]
    spam = [q for q in report.metrics[PUBLIC] if q.label == "spam"]
    assert all(len(q.operating_points) == 1 for q in spam)


def test_run_eval_writes_the_report(data_dir: Path) -> None:
    out = io.StringIO()
    assert run_eval(data_dir, out, with_domain=False) == 0
    assert out.getvalue().startswith("# Comment Desk quality report")


def test_run_eval_reports_unusable_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert run_eval(tmp_path / "missing", out, with_domain=False) == 2
    assert out.getvalue() == ""
    assert "does not exist" in capsys.readouterr().err
