"""Site simulation: does learning a site's decisions beat the prior on the site's later comments?

Each public dataset in turn plays "the site". The prior is trained the way the shipped model is
(public data + the team's domain examples + down-weighted weak spam negatives), but *without*
that dataset. The site's rows arrive as moderator decisions in a fixed random order; the last
30% of that order (at most 3,000 rows) are "later comments" no step ever trains on. After 100,
300, 1,000 and 3,000 decisions the production retraining path runs on the decisions so far
(``SiteTrainer`` + out-of-fold bands + the promotion gate's time-ordered judgement against the
prior), and every version is scored on the later comments:

- ROC-AUC of the site's label for the prior, the site model and a plain baseline trained on the
  decisions alone (TF-IDF + logistic regression), with paired bootstrap intervals;
- what each would have done, at its own bands, under the workers' policy and evidence rule:
  automatic-reject precision, share of approved comments held, share of rejected ones caught;
- the gate's verdict (from the decisions only) next to the truth on the later comments.

    python -m bench.adaptation --data ../shared/data [--steps 100,300,1000,3000]
        [--sites youtube_spam_collection,...] [--cache DIR] [--json out.json]

The priors take a minute or two each to train; ``--cache DIR`` keeps them between runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from classifier.adaptation import SiteTrainer
from classifier.artifact import load_model, save_model
from classifier.baseline import BaselineModel
from classifier.datasets import Dataset, load_datasets, load_domain_examples
from classifier.model import TextModel
from classifier.training import train_prior_on
from service.domain import Status
from service.settings import Settings
from workers.adaptation import SiteRows, adapt, compare, site_bands

LABELS = ("spam", "toxic")
DEFAULT_STEPS = (100, 300, 1000, 3000)
LATER_SHARE = 0.3
LATER_MAX = 3000
SEED = 7


@dataclass(frozen=True)
class Site:
    """One dataset playing a site: its label and its rows in arrival order."""

    name: str
    label: str
    rows: SiteRows

    def split(self) -> int:
        """Index of the first later comment."""
        return len(self.rows) - min(LATER_MAX, round(len(self.rows) * LATER_SHARE))


def _site(dataset: Dataset) -> Site:
    label = "spam" if dataset.has_label("spam") else "toxic"
    truth = dataset.labels[label]
    order = np.random.default_rng(SEED).permutation(np.flatnonzero(~np.isnan(truth)))
    targets = np.full((len(order), len(LABELS)), np.nan)
    targets[:, LABELS.index(label)] = truth[order]
    if label == "toxic":
        targets[:, 0] = 0.0  # a toxicity site's moderators rejected abuse, never as spam
    rejected = Status.SPAM if label == "spam" else Status.REJECTED
    statuses = [rejected if truth[i] == 1 else Status.APPROVED for i in order]
    texts = [dataset.texts[i] for i in order]
    return Site(dataset.name, label, SiteRows(texts, statuses, [""] * len(texts), targets))


def _prior(site: str, public: Sequence[Dataset], domain: Dataset, cache: Path | None) -> TextModel:
    path = cache / f"prior-without-{site}.skops" if cache else None
    if path is not None and path.is_file():
        model = load_model(path)
        assert isinstance(model, TextModel)
        return model
    others = [ds for ds in public if ds.name != site]
    model = train_prior_on([*others, domain], labels=LABELS)
    if path is not None:
        save_model(model, path)
    return model


def _baseline(rows: SiteRows, label: str) -> BaselineModel | None:
    column = LABELS.index(label)
    truth = rows.targets[:, column]
    if len(np.unique(truth)) < 2:
        return None
    return BaselineModel((label,)).fit(rows.texts, truth.reshape(-1, 1))


def _baseline_proba(model: BaselineModel | None, texts: list[str], label: str) -> Any:
    proba = np.full((len(texts), len(LABELS)), np.nan)
    if model is not None:
        proba[:, LABELS.index(label)] = model.predict_proba(texts)[:, 0]
    return proba


def _step(
    site: Site, prior: TextModel, prior_later: npt.NDArray[np.float64], decisions: int
) -> dict[str, Any]:
    settings = Settings()
    start = time.perf_counter()
    rows = site.rows.take(slice(0, decisions))
    later = site.rows.take(slice(site.split(), None))
    trainer = SiteTrainer(prior, rows.texts, rows.targets)
    # The production path (workers.training): judge on the decisions, fit on all, bands.
    adaptation = adapt(trainer, rows, prior, {}, settings, lambda _: None)
    gate, label_c = adaptation.evaluation, adaptation.label_c
    model = trainer.fit(label_c=label_c)
    bands = site_bands(rows, LABELS, adaptation.out_of_sample, settings) if model else {}
    seconds = time.perf_counter() - start
    model_later = model.predict_proba(later.texts) if model else prior_later
    truth = compare(later, LABELS, (prior_later, {}), (model_later, bands), settings)
    baseline = _baseline(rows, site.label)
    plain = compare(
        later,
        LABELS,
        (prior_later, {}),
        (_baseline_proba(baseline, later.texts, site.label), {}),
        settings,
    )
    return {
        "decisions": decisions,
        "label_c": dict(label_c),
        "train_seconds": round(seconds, 1),
        "later": truth,
        "baseline_auc": plain["labels"].get(site.label, {}).get("candidate"),
        "gate": {"verdict": gate["verdict"], "labels": gate["labels"]},
    }


def _agrees(step: dict[str, Any], label: str) -> bool:
    """The gate's verdict against the later comments: promote ⇒ not worse there; refuse ⇒
    worse there (point estimates)."""
    later = step["later"]["labels"].get(label, {}).get("difference", {}).get("value")
    if later is None:
        return True
    if step["gate"]["verdict"] == "worse":
        return bool(later < 0)
    if step["gate"]["verdict"] == "better":
        return bool(later > 0)
    return True


def run(
    data: Path, steps: Sequence[int], sites: Sequence[str], cache: Path | None
) -> dict[str, Any]:
    """Every site, every step; returns the JSON report."""
    public = load_datasets(data, LABELS)
    domain = load_domain_examples(LABELS)
    report: dict[str, Any] = {"steps": list(steps), "sites": {}}
    for dataset in public:
        if sites and dataset.name not in sites:
            continue
        site = _site(dataset)
        print(f"\n## {site.name} ({site.label}): {len(site.rows)} rows", flush=True)
        prior = _prior(site.name, public, domain, cache)
        later = site.rows.take(slice(site.split(), None))
        prior_later = prior.predict_proba(later.texts)
        results = []
        for decisions in steps:
            if decisions > site.split():
                break
            result = _step(site, prior, prior_later, decisions)
            result["gate_agrees"] = _agrees(result, site.label)
            results.append(result)
            print(_line(result, site.label), flush=True)
        report["sites"][site.name] = {"label": site.label, "later": len(later), "steps": results}
    report["summary"] = _summary(report)
    return report


def _fmt(estimate: dict[str, Any] | None) -> str:
    if not estimate or estimate.get("value") is None:
        return "-"
    return f"{estimate['value']:.3f} [{estimate['low']:.3f}, {estimate['high']:.3f}]"


def _line(step: dict[str, Any], label: str) -> str:
    auc = step["later"]["labels"].get(label, {})
    outcomes = step["later"]["outcomes"]

    def pair(name: str) -> str:
        o = outcomes.get(name, {})
        return f"{_fmt(o.get('champion'))} → {_fmt(o.get('candidate'))}"

    return (
        f"{step['decisions']:>5} decisions ({step['train_seconds']}s, C {step['label_c']}): "
        f"ROC-AUC prior "
        f"{_fmt(auc.get('champion'))}, site {_fmt(auc.get('candidate'))}, "
        f"diff {_fmt(auc.get('difference'))}, baseline {_fmt(step['baseline_auc'])}\n"
        f"      auto-reject precision {pair('auto_reject_precision')}; approved held "
        f"{pair('approved_held')}; rejected caught {pair('rejected_caught')}\n"
        f"      gate (from the decisions): {step['gate']['verdict']}; agrees with later: "
        f"{step['gate_agrees']}"
    )


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    at_1000, worse, disagree = [], [], []
    for name, site in report["sites"].items():
        for step in site["steps"]:
            entry = step["later"]["labels"].get(site["label"], {}).get("difference", {})
            if entry.get("high") is not None and entry["high"] < 0:
                worse.append(f"{name}@{step['decisions']}")
            if step["decisions"] == 1000 and entry.get("value") is not None:
                at_1000.append(entry["value"])
            if not step["gate_agrees"]:
                disagree.append(f"{name}@{step['decisions']}")
    return {
        "mean_auc_gain_at_1000": round(float(np.mean(at_1000)), 4) if at_1000 else None,
        "sites_at_1000": len(at_1000),
        "worse_than_prior_beyond_interval": worse,
        "gate_disagrees_with_later": disagree,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the site simulation; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bench.adaptation", description=__doc__)
    parser.add_argument("--data", default="../shared/data", help="folder of labelled datasets")
    parser.add_argument("--steps", default=",".join(map(str, DEFAULT_STEPS)))
    parser.add_argument("--sites", default="", help="comma-separated dataset names (default all)")
    parser.add_argument("--cache", help="folder that keeps the trained priors between runs")
    parser.add_argument("--json", help="also write the report as JSON to this file")
    args = parser.parse_args(argv)
    data = Path(args.data)
    if not data.is_dir():
        print(f"bench.adaptation: --data {data} is not a folder", file=sys.stderr)
        return 2
    steps = [int(s) for s in args.steps.split(",") if s]
    cache = Path(args.cache) if args.cache else None
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    sites = [s for s in args.sites.split(",") if s]
    report = run(data, steps, sites, cache)
    summary = report["summary"]
    print("\n## Summary\n" + json.dumps(summary, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
