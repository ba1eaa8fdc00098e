"""Scoring cost per comment at news-comment length, by stage, against scikit-learn's vectorizer.

Scores news-length comments (:mod:`bench.news_corpus`) in batches with a model artifact (the
shipped one by default) twice, with the same vocabulary, idf and coefficients: once with
:class:`classifier.ngrams.FoldedNgramTfidfVectorizer` n-gram views and once with scikit-learn's
``TfidfVectorizer`` (:class:`classifier.vectorizer.FoldedTfidfVectorizer`, the views of
artifacts saved before), converted from one another. It checks both give the same
probabilities, then prints CPU microseconds per comment for each stage and comments per
CPU-second of the whole ``predict_proba``, with the ratio::

    python -m bench.scoring --data ../shared/data [--model PATH] [--comments 2000] [--json out]

The comments are assembled from the texts of ``--datasets`` under ``--data`` (by default the
Jigsaw comments, the closest to news comments), or without ``--data`` from
:mod:`bench.corpus`'s templates.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.news_corpus import news_comments, template_pieces
from classifier import DEFAULT_MODEL_DIR
from classifier.artifact import load_model, save_model
from classifier.datasets import load_datasets
from classifier.model import TextModel
from classifier.ngrams import FoldedNgramTfidfVectorizer, NgramTfidfVectorizer
from classifier.site import SiteModel
from classifier.text import NormalisedBatch, fold_texts, normalise_texts
from classifier.vectorizer import FoldedTfidfVectorizer

STAGES = ("normalise", "fold", "word view", "char view", "signals", "rest")
# The settings both vectorizers share (all of NgramTfidfVectorizer's parameters).
_SETTINGS = tuple(NgramTfidfVectorizer().get_params())


def _to_ngrams(view: Any) -> Any:
    if isinstance(view, NgramTfidfVectorizer):
        return view
    settings = {name: getattr(view, name) for name in _SETTINGS}
    return FoldedNgramTfidfVectorizer.from_terms(
        view.get_feature_names_out(), view.idf_, **settings
    )


def _to_scikit_learn(view: Any) -> Any:
    if not isinstance(view, NgramTfidfVectorizer):
        return view
    settings = {name: getattr(view, name) for name in _SETTINGS}
    terms = [str(term) for term in view.get_feature_names_out()]
    legacy = FoldedTfidfVectorizer(vocabulary=terms, dtype=np.float32, **settings)
    legacy.idf_ = view.idf_
    return legacy


def _with_views(model: TextModel, convert: Callable[[Any], Any]) -> TextModel:
    """A copy of ``model`` whose word and char views are converted by ``convert``."""
    variant = copy.deepcopy(model)
    variant.features_.transformer_list = [
        (name, convert(view) if name in ("word", "char") else view)
        for name, view in variant.features_.transformer_list
    ]
    return variant


def _cpu(work: Callable[[], object], repeats: int) -> float:
    """Best CPU seconds of ``repeats`` runs (the least disturbed by other processes)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def _stage_work(model: TextModel, batches: list[list[str]]) -> dict[str, Callable[[], object]]:
    views = dict(model.features_.transformer_list)
    normalised = [normalise_texts(b) for b in batches]

    def folded_batches() -> list[NormalisedBatch]:
        ready = [NormalisedBatch(n) for n in normalised]
        for batch in ready:
            batch.folded()
        return ready

    ready = folded_batches()
    return {
        "normalise": lambda: [normalise_texts(b) for b in batches],
        "fold": lambda: [fold_texts(n) for n in normalised],
        "word view": lambda: [views["word"].transform(b) for b in ready],
        "char view": lambda: [views["char"].transform(b) for b in ready],
        "signals": lambda: [views["stats"].transform(b) for b in ready],
        "total": lambda: [model.predict_proba(b) for b in batches],
    }


def measure(
    model: TextModel, comments: Sequence[str], batch: int, repeats: int
) -> dict[str, float]:
    """CPU microseconds per comment of each stage of ``model.predict_proba`` and in total."""
    batches = [list(comments[i : i + batch]) for i in range(0, len(comments), batch)]
    model.predict_proba(batches[0])  # first use builds lookup tables
    work = _stage_work(model, batches)
    micros = {name: _cpu(run, repeats) / len(comments) * 1e6 for name, run in work.items()}
    micros["rest"] = micros["total"] - sum(micros[s] for s in STAGES if s != "rest")
    return micros


def _comments(
    data: str | None, datasets: Sequence[str], count: int, seed: int
) -> tuple[list[str], str]:
    if data is None:
        return news_comments(count, seed, template_pieces(5000, seed)), "bench.corpus templates"
    chosen = [ds for ds in load_datasets(Path(data)) if ds.name in datasets]
    missing = set(datasets) - {ds.name for ds in chosen}
    if missing:
        raise SystemExit(f"bench.scoring: no dataset {sorted(missing)} under {data}")
    pieces = [text for ds in chosen for text in ds.texts]
    return news_comments(count, seed, pieces), f"texts of {', '.join(datasets)}"


def _render(result: dict[str, Any]) -> str:
    fast, base = result["ngrams"], result["scikit_learn"]
    lines = [
        f"{result['comments']} comments from {result['source']}: length median "
        f"{result['median_chars']:.0f}, mean {result['mean_chars']:.0f}, p99 "
        f"{result['p99_chars']:.0f}, max {result['max_chars']}; batches of {result['batch']}, "
        f"best of {result['repeats']} (CPU time); model {result['model']}",
        f"same probabilities: max |difference| {result['max_abs_proba_difference']:.2e}",
        "",
        "| stage | classifier.ngrams µs/comment | scikit-learn µs/comment | ratio |",
        "|---|---|---|---|",
    ]
    for stage in (*STAGES, "total"):
        lines.append(
            f"| {stage} | {fast[stage]:,.1f} | {base[stage]:,.1f} | "
            f"{base[stage] / fast[stage]:.2f}x |"
        )
    rate, base_rate = 1e6 / fast["total"], 1e6 / base["total"]
    lines.append(
        f"| comments per CPU-second | {rate:,.0f} | {base_rate:,.0f} | {rate / base_rate:.2f}x |"
    )
    return "\n".join(lines) + "\n"


def site_model_cost(
    prior: Any, comments: Sequence[str], args: argparse.Namespace
) -> dict[str, Any]:
    """The cost of what a site runs after retraining: the prior plus site heads (word and char
    views of its own) for spam and toxic, fitted on other news-length comments labelled by the
    prior's own top scores (the labels do not change the cost, only the heads' existence)."""
    decisions, _ = _comments(args.data, args.datasets, args.site_decisions, args.seed + 1)
    proba = prior.predict_proba(decisions)
    targets = np.full(proba.shape, np.nan)
    for label, share in (("spam", 0.1), ("toxic", 0.2)):
        column = list(prior.labels).index(label)
        targets[:, column] = proba[:, column] >= np.quantile(proba[:, column], 1 - share)
    site = SiteModel(prior).fit(decisions, targets)
    batches = [list(comments[i : i + args.batch]) for i in range(0, len(comments), args.batch)]
    site.predict_proba(batches[0])
    prior_micros = _cpu(lambda: [prior.predict_proba(b) for b in batches], args.repeats)
    site_micros = _cpu(lambda: [site.predict_proba(b) for b in batches], args.repeats)
    with tempfile.TemporaryDirectory() as tmp:
        size = Path(tmp, "site.skops")
        save_model(site, size)
        artifact_bytes = size.stat().st_size
    return {
        "decisions": len(decisions),
        "heads": list(site.adapted_labels()),
        "prior_us_per_comment": prior_micros / len(comments) * 1e6,
        "site_us_per_comment": site_micros / len(comments) * 1e6,
        "artifact_bytes": artifact_bytes,
    }


def _render_site(cost: dict[str, Any]) -> str:
    prior, site = cost["prior_us_per_comment"], cost["site_us_per_comment"]
    return (
        f"\nafter retraining (prior + site heads for {', '.join(cost['heads'])}, fitted on "
        f"{cost['decisions']} decisions): {site:,.1f} µs per comment, {1e6 / site:,.0f} "
        f"comments per CPU-second ({site / prior:.2f}x the prior alone, {prior:,.1f} µs, in "
        f"the same run); artifact {cost['artifact_bytes'] / 1e6:.1f} MB\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the scoring benchmark; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bench.scoring", description=__doc__)
    parser.add_argument("--data", help="folder of datasets whose texts make the comments")
    parser.add_argument("--datasets", nargs="+", default=["jigsaw_toxic_comments_subset"])
    parser.add_argument("--model", default=str(DEFAULT_MODEL_DIR / "default.skops"))
    parser.add_argument("--comments", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--site-decisions", type=int, default=3000, help="decisions the site heads are fitted on"
    )
    parser.add_argument("--json", help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)
    if args.data is not None and not Path(args.data).is_dir():
        print(f"bench.scoring: --data {args.data} is not a folder", file=sys.stderr)
        return 2
    if args.comments < 1 or args.batch < 1 or args.repeats < 1:
        print("bench.scoring: --comments, --batch and --repeats must be positive", file=sys.stderr)
        return 2
    model = load_model(Path(args.model))
    comments, source = _comments(args.data, args.datasets, args.comments, args.seed)
    fast, base = _with_views(model, _to_ngrams), _with_views(model, _to_scikit_learn)
    difference = np.abs(fast.predict_proba(comments) - base.predict_proba(comments)).max()
    lengths = np.array([len(c) for c in comments])
    result = {
        "model": args.model,
        "source": source,
        "comments": len(comments),
        "batch": args.batch,
        "repeats": args.repeats,
        "median_chars": float(np.median(lengths)),
        "mean_chars": float(lengths.mean()),
        "p99_chars": float(np.percentile(lengths, 99)),
        "max_chars": int(lengths.max()),
        "max_abs_proba_difference": float(difference),
        "ngrams": measure(fast, comments, args.batch, args.repeats),
        "scikit_learn": measure(base, comments, args.batch, args.repeats),
    }
    result["site_model"] = site_model_cost(model, comments, args)
    sys.stdout.write(_render(result))
    sys.stdout.write(_render_site(result["site_model"]))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
