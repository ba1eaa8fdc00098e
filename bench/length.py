"""Clean comments of every length: how many would be rejected or held, and does length move the
spam score?

Clean rows are the test-split rows of every public dataset (and the team's domain examples) that
no label marks positive. They are scored through the workers' path (the model's probabilities,
the default bands, the evidence rule for automatic rejection, the default link allowlist), by
natural length bucket and as concatenations of k clean rows (the baseline is k = 1: the same
kind of text at its natural length, in the same run; a length "raises" the score only when the
bootstrap interval of its mean lies wholly above the baseline's):

    python -m bench.length --data ../shared/data [--model PATH] [--json out.json]

Target (issue 8): at most 0.1% of clean comments rejected automatically in every bucket, and a
spam score that does not rise when clean text gets longer.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.report import publish
from classifier import DEFAULT_MODEL_DIR
from classifier.artifact import load_model
from classifier.datasets import Dataset, load_datasets, load_domain_examples
from service.domain import Status
from service.settings import Settings
from workers.adaptation import SiteRows, Verdicts

BUCKETS = ((0, 200), (200, 800), (800, 2000), (2000, 10**9))
CONCATENATIONS = (1, 2, 4, 8, 16, 32)
SAMPLES = 500
SEED = 11


def clean_test_texts(datasets: Sequence[Dataset]) -> list[str]:
    """Test-split texts that carry at least one label and no positive one, deduplicated."""
    texts: list[str] = []
    for ds in datasets:
        columns = [ds.labels[label] for label in ds.labels if ds.has_label(label)]
        if not columns:
            continue
        labels = np.column_stack(columns)
        known = ~np.all(np.isnan(labels), axis=1)
        clean = known & ~np.any(labels == 1, axis=1)
        texts += [t for t, keep in zip(ds.texts, clean & ds.is_test, strict=True) if keep]
    return list(dict.fromkeys(texts))


def _mean_interval(values: np.ndarray, resamples: int = 2000) -> tuple[float, float]:
    """A 95% bootstrap percentile interval of the mean."""
    rng = np.random.default_rng(SEED)
    draws = rng.integers(0, len(values), size=(resamples, len(values)))
    means = values[draws].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def _measure(model: Any, verdicts: Verdicts, texts: list[str]) -> dict[str, Any]:
    proba = np.asarray(model.predict_proba(texts), dtype=np.float64)
    labels = tuple(model.labels)
    rows = SiteRows(
        texts,
        [Status.APPROVED] * len(texts),
        [""] * len(texts),
        np.zeros((len(texts), len(labels))),
    )
    decided = verdicts.of(rows, labels, proba, None)
    spam = proba[:, labels.index("spam")]
    low, high = _mean_interval(spam)
    return {
        "rows": len(texts),
        "mean_chars": round(float(np.mean([len(t) for t in texts])), 0),
        "mean_spam": round(float(spam.mean()), 4),
        "mean_spam_interval": [round(low, 4), round(high, 4)],
        "spam_over_0_99": round(float(np.mean(spam >= 0.99)), 4),
        "auto_rejected": round(float(np.mean(decided == Verdicts.REJECT)), 4),
        "held": round(float(np.mean(decided == Verdicts.WITHHOLD)), 4),
    }


def run(data: Path, model_path: Path) -> dict[str, Any]:
    """Score the clean texts by bucket and by concatenation; returns the report."""
    model = load_model(model_path)
    labels = tuple(model.labels)
    datasets = [*load_datasets(data, labels), load_domain_examples(labels)]
    clean = clean_test_texts(datasets)
    verdicts = Verdicts(Settings())
    lengths = np.array([len(t) for t in clean])
    buckets = {
        f"[{low}, {high})": _measure(
            model, verdicts, [t for t, n in zip(clean, lengths, strict=True) if low <= n < high]
        )
        for low, high in BUCKETS
    }
    rng = random.Random(SEED)
    concatenated = {
        str(k): _measure(model, verdicts, [" ".join(rng.sample(clean, k)) for _ in range(SAMPLES)])
        for k in CONCATENATIONS
    }
    base = concatenated["1"]["mean_spam_interval"]
    for entry in concatenated.values():
        # "Rises" only when the whole interval is above the baseline's (k = 1, same run).
        entry["rises_above_k1"] = entry["mean_spam_interval"][0] > base[1]
    return {"model": str(model_path), "buckets": buckets, "concatenations": concatenated}


def render(report: dict[str, Any]) -> str:
    """The report as Markdown tables."""
    head = "| {} | rows | mean chars | mean spam [95% CI] | spam ≥ 0.99 | auto-rejected | held |"
    lines = [f"model: `{report['model']}`", "", head.format("length"), "|---" * 7 + "|"]
    for name, m in report["buckets"].items():
        lines.append(_row(name, m))
    lines += ["", head.format("k clean rows joined") + " above k=1? |", "|---" * 8 + "|"]
    for k, m in report["concatenations"].items():
        lines.append(_row(k, m) + f" {'yes' if m['rises_above_k1'] else 'no'} |")
    return "\n".join(lines) + "\n"


def _row(name: str, m: dict[str, Any]) -> str:
    return (
        f"| {name} | {m['rows']} | {m['mean_chars']:.0f} | {m['mean_spam']:.4f} "
        f"[{m['mean_spam_interval'][0]:.4f}, {m['mean_spam_interval'][1]:.4f}] "
        f"| {m['spam_over_0_99']:.2%} | {m['auto_rejected']:.2%} | {m['held']:.2%} |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bench.length", description=__doc__)
    parser.add_argument("--data", default="../shared/data", help="folder of labelled datasets")
    parser.add_argument("--model", default=str(DEFAULT_MODEL_DIR / "default.skops"))
    parser.add_argument("--json", help="also write the report as JSON to this file")
    args = parser.parse_args(argv)
    data = Path(args.data)
    if not data.is_dir():
        print(f"bench.length: --data {data} is not a folder", file=sys.stderr)
        return 2
    report = run(data, Path(args.model))
    publish(report, render(report), args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
