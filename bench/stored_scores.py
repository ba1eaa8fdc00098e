"""What storing scores to six decimals costs in judgement and saves in bytes (issue 10).

``python -m bench.stored_scores --data ../shared/data [--per-dataset 3000] [--comments 3000]``

1. **Judgement.** The shipped model scores up to ``--per-dataset`` content-hash test texts of
   each dataset; per label, ROC-AUC and average precision of the exact scores against the same
   scores stored each way (cut down or rounded to nearest, six or four decimals), and how many
   ``score >= threshold`` answers change, at fixed bands (0.2 … 0.999) and at bands learned the
   way ``workers/adaptation.py`` learns them (precision 0.9, recall 0.9 and 0.95, rounded to six
   decimals).
2. **Bytes.** ``--comments`` news-length comments (bodies from the Jigsaw texts) go through the
   real store (``Moderation.store``, then ``record_classifications`` with the model's scores of
   their bodies) into a fresh SQLite database, once with the scores as stored and once exact
   (the store's rounding replaced by ``dict``, the code before); ``dbstat`` gives each table's
   bytes per comment.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from unittest import mock

import numpy as np
import numpy.typing as npt
from sklearn.metrics import average_precision_score, roc_auc_score
from sqlalchemy.orm import sessionmaker

from bench.news_corpus import news_comments
from bench.storage import DatabaseSize
from classifier import DEFAULT_MODEL_DIR
from classifier.artifact import load_model
from classifier.datasets import Dataset, load_datasets
from classifier.evaluation import Scorer
from classifier.thresholds import threshold_for_precision, threshold_for_recall
from service.db import create_db_engine
from service.domain import Author, Classification, Envelope, NewComment
from service.domain.scores import stored_score
from service.migrate import upgrade_to_head
from service.moderation import Moderation
from service.settings import Settings

FloatArray = npt.NDArray[np.float64]
FIXED_BANDS = (0.2, 0.5, 0.6, 0.8, 0.9, 0.95, 0.99, 0.999)


def _cut(decimals: int) -> Callable[[float], float]:
    step = 10.0**-decimals

    def cut(score: float) -> float:
        nearest = round(score, decimals)
        return round(nearest - step, decimals) if nearest > score else nearest

    return cut


WAYS: dict[str, Callable[[float], float]] = {
    "cut to 6 (stored)": stored_score,
    "nearest 6": lambda s: round(s, 6),
    "cut to 4": _cut(4),
    "nearest 4": lambda s: round(s, 4),
}


def _learned_bands(scores: FloatArray, truth: npt.NDArray[np.int64]) -> list[float]:
    precise = threshold_for_precision(scores, truth, 0.9)
    return [
        round(precise if precise is not None else 1.0, 6),
        round(threshold_for_recall(scores, truth, 0.9), 6),
        round(threshold_for_recall(scores, truth, 0.95), 6),
    ]


def _pooled(
    model: Scorer, labels: Sequence[str], datasets: Sequence[Dataset], per_dataset: int
) -> dict[str, tuple[FloatArray, npt.NDArray[np.int64]]]:
    rng = np.random.default_rng(0)
    scores: dict[str, list[FloatArray]] = {label: [] for label in labels}
    truths: dict[str, list[npt.NDArray[np.int64]]] = {label: [] for label in labels}
    for dataset in datasets:
        rows = np.flatnonzero(dataset.is_test)
        if len(rows) > per_dataset:
            rows = np.sort(rng.choice(rows, per_dataset, replace=False))
        proba = np.asarray(model.predict_proba([dataset.texts[i] for i in rows]), dtype=np.float64)
        for column, label in enumerate(labels):
            if dataset.has_label(label):
                truth = dataset.labels[label][rows]
                known = ~np.isnan(truth)
                scores[label].append(proba[known, column])
                truths[label].append(truth[known].astype(np.int64))
    return {
        label: (np.concatenate(scores[label]), np.concatenate(truths[label]))
        for label in labels
        if scores[label]
    }


def judgement(data: Path, per_dataset: int) -> None:
    """Print ranking metrics and changed threshold answers, exact against each stored way."""
    model = load_model(DEFAULT_MODEL_DIR / "default.skops")
    labels = list(model.labels)
    pooled = _pooled(model, labels, load_datasets(data, labels), per_dataset)
    changed = dict.fromkeys(WAYS, 0)
    answers = 0
    for label, (exact, truth) in pooled.items():
        if not 0 < truth.sum() < len(truth):
            continue
        bands = [*FIXED_BANDS, *_learned_bands(exact, truth)]
        auc, ap = roc_auc_score(truth, exact), average_precision_score(truth, exact)
        print(f"{label}: {len(truth)} scores, {int(truth.sum())} positive; ROC-AUC {auc:.6f}")
        for way, store in WAYS.items():
            stored = np.array([store(float(s)) for s in exact])
            flips = sum(int(((exact >= b) != (stored >= b)).sum()) for b in bands)
            changed[way] += flips
            print(
                f"  {way:18} ROC-AUC {roc_auc_score(truth, stored) - auc:+.1e}, "
                f"AP {average_precision_score(truth, stored) - ap:+.1e}, "
                f"{flips} of {len(bands) * len(exact)} band answers changed"
            )
        answers += len(bands) * len(exact)
    print(f"band answers changed of {answers}: {changed}")


def _store_and_classify(
    bodies: Sequence[str], proba: FloatArray, labels: Sequence[str]
) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/stored_scores.db"
        engine = create_db_engine(url)
        upgrade_to_head(engine)
        settings = Settings(data_dir=Path(tmp), database_url=url)
        moderation = Moderation(sessionmaker(engine, expire_on_commit=False), settings, None)
        size = DatabaseSize(url)
        before = size.by_table()
        ids = [
            stored.comment_id
            for start in range(0, len(bodies), 200)
            for stored in moderation.store(
                [_comment(i, bodies[i]) for i in range(start, min(start + 200, len(bodies)))]
            )
        ]
        for start in range(0, len(ids), 50):
            moderation.record_classifications(
                [
                    Classification(cid, dict(zip(labels, proba[i].tolist(), strict=True)), "v0")
                    for i, cid in enumerate(ids[start : start + 50], start)
                ]
            )
        after = size.by_table()
        size.close()
        engine.dispose()
    return {table: after[table] - before.get(table, 0) for table in after}


def _comment(index: int, body: str) -> NewComment:
    return NewComment(
        site_id="news-site",
        article_id=f"article-{index % 50}",
        author=Author(f"author-{index}", f"Reader {index}"),
        body=body,
        language="en",
        parent_id=None,
        envelope=Envelope(ip="192.0.2.1", user_agent="bench"),
    )


def storage(data: Path, count: int) -> None:
    """Print bytes per comment of the tables that hold scores, exact against stored."""
    model = load_model(DEFAULT_MODEL_DIR / "default.skops")
    labels = list(model.labels)
    jigsaw = load_datasets(data)
    pieces = [t for d in jigsaw if d.name.startswith("jigsaw") for t in d.texts]
    bodies = news_comments(count, 7, pieces or [t for d in jigsaw for t in d.texts])
    proba = np.asarray(model.predict_proba(bodies), dtype=np.float64)
    print(f"{count} comments, mean body {np.mean([len(b) for b in bodies]):.0f} characters")
    with mock.patch("service.store.decisions.stored_scores", dict):
        exact = _store_and_classify(bodies, proba, labels)
    stored = _store_and_classify(bodies, proba, labels)
    for table in ("comment_scores", "moderation_actions"):
        print(
            f"  {table}: {exact[table] / count:.1f} → {stored[table] / count:.1f} bytes per comment"
        )
    one = dict(zip(labels, proba[0].tolist(), strict=True))
    print(
        f"  one scores object: {len(json.dumps(one, separators=(',', ':')))} → "
        f"{len(json.dumps({k: stored_score(v) for k, v in one.items()}, separators=(',', ':')))}"
        " bytes"
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run both measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, required=True, help="e.g. ../shared/data")
    parser.add_argument("--per-dataset", type=int, default=3000)
    parser.add_argument("--comments", type=int, default=3000)
    args = parser.parse_args(argv)
    judgement(args.data, args.per_dataset)
    storage(args.data, args.comments)


if __name__ == "__main__":
    main()
