"""Rendering the quality report as Markdown, and ``commentdesk eval`` (evaluate, then render)."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from classifier.errors import ClassifierError
from classifier.quality import (
    BASELINE,
    TARGET_ROC_AUC,
    LabelQuality,
    ModelCost,
    QualityReport,
    evaluate_all,
)

__all__ = ["render_report", "run_eval"]


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def _ranking_table(report: QualityReport) -> list[str]:
    variants = list(report.metrics)
    head = (
        " | ".join(f"{v} ROC" for v in variants) + " | " + " | ".join(f"{v} PR" for v in variants)
    )
    lines = [
        f"| dataset | label | n test | positives | target ROC | {head} | misses |",
        "|---|---|---|---|---|" + "---|" * (2 * len(variants)) + "---|",
    ]
    by_key = {v: {(q.dataset, q.label): q for q in report.metrics[v]} for v in variants}
    for key, first in by_key[variants[-1]].items():
        rows = [by_key[v].get(key) for v in variants]
        target = TARGET_ROC_AUC.get(key)
        base = by_key.get(BASELINE, {}).get(key)
        misses = []
        for variant, row in zip(variants, rows, strict=True):
            if variant == BASELINE or row is None or row.roc_auc is None:
                continue
            if target is not None and row.roc_auc < target:
                misses.append(f"{variant} < target")
            if base is not None and base.roc_auc is not None and row.roc_auc < base.roc_auc:
                misses.append(f"{variant} < baseline")
        rocs = " | ".join(_cell(r.roc_auc if r else None) for r in rows)
        prs = " | ".join(_cell(r.pr_auc if r else None) for r in rows)
        lines.append(
            f"| {key[0]} | {key[1]} | {first.n_test} | {first.positives} "
            f"| {_cell(target)} | {rocs} | {prs} | {'; '.join(misses) or '-'} |"
        )
    return lines


def _operating_table(rows: Sequence[LabelQuality]) -> list[str]:
    points = rows[0].operating_points if rows else ()
    head = " | ".join(f"P@{p.threshold:g} | R@{p.threshold:g}" for p in points)
    lines = [
        f"| dataset | label | {head} | ECE raw | ECE calibrated |",
        "|---|---|" + "---|---|" * len(points) + "---|---|",
    ]
    for q in rows:
        cells = " | ".join(f"{_cell(p.precision)} | {_cell(p.recall)}" for p in q.operating_points)
        lines.append(f"| {q.dataset} | {q.label} | {cells} | {_cell(q.ece_raw)} | {_cell(q.ece)} |")
    return lines


def _cost_table(costs: Mapping[str, ModelCost]) -> list[str]:
    lines = [
        "| variant | train s | scored/s batched | scored/s single | file MB | worker RSS MB |",
        "|---|---|---|---|---|---|",
    ]
    for name, c in costs.items():
        size = "-" if c.artifact_bytes is None else f"{c.artifact_bytes / 1e6:.1f}"
        cells = [c.batch_per_second, c.single_per_second, size, c.worker_max_rss_mb]
        rest = " | ".join("-" if v is None else str(v) for v in cells)
        lines.append(f"| {name} | {c.train_seconds} | {rest} |")
    return lines


def render_report(report: QualityReport) -> str:
    """Render a :class:`QualityReport` as Markdown tables.

    Parameters
    ----------
    report : QualityReport

    Returns
    -------
    str
        Ranking metrics of every variant side by side (with targets and misses), then
        precision/recall at the operating points and calibration error per variant, then costs.
    """
    lines = [
        "# Comment Desk quality report",
        "",
        f"Data: `{report.data_dir}` + the synthetic `domain_examples`; content-hash split, "
        "trained on the train side, scored on the test side. `baseline` = TF-IDF word 1-2 + "
        "char 2-5 + logistic regression; `model` = the shipped pipeline on the public data; "
        "`model+domain` = the same plus the domain examples' train split.",
        "",
        "## Ranking (ROC-AUC, PR-AUC = average precision)",
        "",
        *_ranking_table(report),
    ]
    for variant, rows in report.metrics.items():
        lines += ["", f"## Operating points and calibration error (10 bins): {variant}", ""]
        lines += _operating_table(rows)
    lines += ["", "## Cost", "", *_cost_table(report.costs), ""]
    return "\n".join(lines)


def run_eval(
    data_dir: Path,
    out: TextIO,
    *,
    with_domain: bool = True,
    thresholds: Mapping[str, Sequence[float]] | None = None,
) -> int:
    """Run :func:`evaluate_all` and write the Markdown report to ``out``: ``commentdesk eval``.

    Parameters
    ----------
    data_dir : Path
        Folder of dataset folders.
    out : text stream
        Where the report goes (``sys.stdout`` for the CLI).
    with_domain : bool
        Report the model trained with the domain examples next to the one without.
    thresholds : mapping of label to thresholds, optional
        Operating points per label.

    Returns
    -------
    int
        Exit status: 0 when the report was written, 2 when the data cannot be used (the reason
        goes to ``sys.stderr``).
    """
    try:
        report = evaluate_all(Path(data_dir), with_domain=with_domain, thresholds=thresholds)
    except ClassifierError as exc:
        print(f"commentdesk eval: {exc}", file=sys.stderr)
        return 2
    out.write(render_report(report))
    return 0
