"""Evidence a moderator would point at: the explainer's spans against crowd-marked toxic spans.

The test part (content hash) of ``civil_comments_toxic_spans`` is scored with SemEval-2021
Task 5's per-comment character F1, for:

- the project as deployed: the comments the workers' policy holds (default bands, shipped model),
  with the spans of every toxicity label that contributed (``explain_decision``); a comment the
  policy approves gets no evidence;
- the project always explaining ``toxic``;
- the span model alone (every word a candidate, no label credit);
- a word list learned in the same run from the training part (words inside marked spans in at
  least half of at least three uses), the issue's baseline.

It also prints the share of spans that start or end inside a word, the explanation cost per held
comment next to the cost of scoring the same comments (same run, so the ratio carries across
machines), and how many comments held on any public test split got no evidence at all::

    python -m bench.evidence --data ../shared/data [--model PATH] [--json out.json]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.report import publish
from classifier import DEFAULT_MODEL_DIR
from classifier.artifact import load_model
from classifier.datasets import is_test_text, load_datasets
from classifier.explain import SPAM, Evidence, explain, explain_decision
from classifier.span_training import (
    SPANS_DIR,
    SPANS_FILE,
    MarkedText,
    load_marked,
    mean_char_f1,
    offsets,
    predict,
)
from classifier.spans import load_span_model, words
from service.settings import Settings
from service.thresholds import effective_thresholds
from service.verdict.evidence import RejectEvidence
from service.verdict.policy import apply_policy

# Comments explained per call, as a worker's classify job carries them.
BATCH = 50
_INSIDE = re.compile(r"\w")


def learned_word_list(rows: Sequence[MarkedText], min_uses: int = 3) -> frozenset[str]:
    """Words inside a marked span in at least half of at least ``min_uses`` uses."""
    uses: Counter[str] = Counter()
    marked: Counter[str] = Counter()
    for row in rows:
        for word in words(row.text):
            uses[word.key] += 1
            inside = sum(1 for i in range(word.start, word.end) if i in row.gold)
            marked[word.key] += 2 * inside >= word.end - word.start
    return frozenset(w for w, n in uses.items() if n >= min_uses and 2 * marked[w] >= n)


def word_list_offsets(text: str, listed: frozenset[str]) -> set[int]:
    """The offsets of every listed word in ``text``."""
    return offsets([(w.start, w.end) for w in words(text) if w.key in listed])


def cuts_a_word(text: str, span: Evidence) -> bool:
    """True when the span starts or ends between two word characters."""

    def inside(at: int) -> bool:
        return 0 < at < len(text) and bool(_INSIDE.match(text[at - 1]) and _INSIDE.match(text[at]))

    return inside(span.start) or inside(span.end)


Scores = dict[str, float]


def held_reasons(
    model: Any, texts: Sequence[str], settings: Settings
) -> tuple[list[list[str]], list[Scores]]:
    """Per text, the reasons the workers' policy holds or rejects it for ([] when approved),
    and its scores."""
    proba = np.asarray(model.predict_proba(list(texts)), dtype=np.float64)
    bands = effective_thresholds(settings.thresholds, None, None)
    evidence = RejectEvidence(settings)
    reasons, scores = [], []
    for text, row in zip(texts, proba, strict=True):
        scored = dict(zip(model.labels, row.tolist(), strict=True))
        _, why = apply_policy(scored, bands, [], settings.hold_rules, evidence.checker(text, ""))
        reasons.append(why)
        scores.append(scored)
    return reasons, scores


def _toxicity_offsets(found: dict[str, list[Evidence]]) -> set[int]:
    return offsets(
        [(e.start, e.end) for label, spans in found.items() if label != SPAM for e in spans]
    )


def _batched(
    model: Any, texts: Sequence[str], held: Sequence[Sequence[str]], scores: Sequence[Scores]
) -> list[dict[str, list[Evidence]]]:
    """As the workers explain: a batch at a time, with the scores the decision was made with."""
    found: list[dict[str, list[Evidence]]] = []
    for start in range(0, len(texts), BATCH):
        batch = slice(start, start + BATCH)
        found += explain_decision(model, texts[batch], held[batch], scores=scores[batch])
    return found


def _seconds(work: Any) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


def cost(
    model: Any, texts: Sequence[str], held: Sequence[Sequence[str]], scores: Sequence[Scores]
) -> dict[str, float]:
    """CPU µs per held comment: explaining (a first pass, then with the words cached) vs
    scoring the same comments."""
    count = max(len(texts), 1)

    def score() -> None:
        for start in range(0, len(texts), BATCH):
            model.predict_proba(list(texts[start : start + BATCH]))

    cold = _seconds(lambda: _batched(model, texts, held, scores))
    warm = min(_seconds(lambda: _batched(model, texts, held, scores)) for _ in range(3))
    scoring = min(_seconds(score) for _ in range(3))
    return {
        "explain_first_pass_us": round(cold / count * 1e6, 1),
        "explain_us": round(warm / count * 1e6, 1),
        "score_us": round(scoring / count * 1e6, 1),
        "explain_to_score": round(warm / scoring, 2) if scoring else float("nan"),
    }


def unexplained_holds(model: Any, data: Path, settings: Settings) -> dict[str, int]:
    """Held or rejected test-split comments of every public dataset that got no span at all."""
    texts = sorted(
        {
            t
            for ds in load_datasets(data, tuple(model.labels))
            for t, is_test in zip(ds.texts, ds.is_test, strict=True)
            if is_test
        }
    )
    reasons, scores = held_reasons(model, texts, settings)
    held = [i for i, why in enumerate(reasons) if why]
    found = _batched(
        model, [texts[i] for i in held], [reasons[i] for i in held], [scores[i] for i in held]
    )
    empty = sum(1 for spans in found if not any(spans.values()))
    return {"test_comments": len(texts), "held": len(held), "held_without_evidence": empty}


def run(data: Path, model_path: Path) -> dict[str, Any]:
    """Every figure of the report."""
    model = load_model(model_path)
    settings = Settings()
    rows = load_marked(data)
    train = [r for r in rows if not is_test_text(r.text)]
    test = [r for r in rows if is_test_text(r.text)]
    texts = [r.text for r in test]
    listed = learned_word_list(train)
    reasons, scores = held_reasons(model, texts, settings)
    is_held = [bool(why) for why in reasons]
    held = [i for i, h in enumerate(is_held) if h]
    # First, while no word of these comments is cached yet: the first pass is a cold one.
    spent = cost(
        model, [texts[i] for i in held], [reasons[i] for i in held], [scores[i] for i in held]
    )
    deployed = _batched(model, texts, reasons, scores)
    always = explain(model, texts, ["toxic"])
    spans = [
        (text, e)
        for text, found in zip(texts * 2, deployed + always, strict=True)
        for label_spans in found.values()
        for e in label_spans
    ]
    return {
        "model": str(model_path),
        "data": f"{SPANS_DIR}/{SPANS_FILE}",
        "train_rows": len(train),
        "test_rows": len(test),
        "held_share": round(float(np.mean(is_held)), 4),
        "char_f1": {
            "deployed": round(mean_char_f1([_toxicity_offsets(f) for f in deployed], test), 4),
            "deployed_on_held": round(
                mean_char_f1(
                    [_toxicity_offsets(f) for f, h in zip(deployed, is_held, strict=True) if h],
                    [r for r, h in zip(test, is_held, strict=True) if h],
                ),
                4,
            ),
            "always_explain_toxic": round(
                mean_char_f1([_toxicity_offsets(f) for f in always], test), 4
            ),
            "span_model_alone": round(mean_char_f1(predict(load_span_model(), test), test), 4),
            "learned_word_list": round(
                mean_char_f1([word_list_offsets(t, listed) for t in texts], test), 4
            ),
        },
        "word_list_size": len(listed),
        "spans": len(spans),
        "spans_cutting_a_word": sum(cuts_a_word(text, e) for text, e in spans),
        "spans_per_explained_comment": round(
            sum(len(s) for f in always for s in f.values()) / max(len(always), 1), 2
        ),
        "cost_per_held_comment": spent,
        "holds": unexplained_holds(model, data, settings),
    }


def render(report: dict[str, Any]) -> str:
    """The report as Markdown."""
    f1 = report["char_f1"]
    cost_ = report["cost_per_held_comment"]
    holds = report["holds"]
    lines = [
        f"model: `{report['model']}`; data: `{report['data']}` test part "
        f"({report['test_rows']} comments; {report['train_rows']} train the word list)",
        "",
        "| system | char-F1 |",
        "|---|---|",
        f"| as deployed (held {report['held_share']:.1%}; toxicity labels that contributed) "
        f"| **{f1['deployed']:.4f}** |",
        f"| as deployed, on the held comments only | {f1['deployed_on_held']:.4f} |",
        f"| always explaining `toxic` | **{f1['always_explain_toxic']:.4f}** |",
        f"| span model alone (every word a candidate) | {f1['span_model_alone']:.4f} |",
        f"| word list learned from the training part ({report['word_list_size']} words) "
        f"| {f1['learned_word_list']:.4f} |",
        "",
        f"spans: {report['spans']}, starting or ending inside a word: "
        f"{report['spans_cutting_a_word']}; spans per explained comment: "
        f"{report['spans_per_explained_comment']}",
        f"explanation per held comment (batches of {BATCH}, CPU): {cost_['explain_us']:.0f} µs "
        f"warm, {cost_['explain_first_pass_us']:.0f} µs first pass; scoring the same comments "
        f"{cost_['score_us']:.0f} µs; explain / score = {cost_['explain_to_score']:.2f}",
        f"public test splits: {holds['held']} of {holds['test_comments']} comments held, "
        f"{holds['held_without_evidence']} of them without any evidence span",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bench.evidence", description=__doc__)
    parser.add_argument("--data", default="../shared/data", help="folder of labelled datasets")
    parser.add_argument("--model", default=str(DEFAULT_MODEL_DIR / "default.skops"))
    parser.add_argument("--json", help="also write the report as JSON to this file")
    args = parser.parse_args(argv)
    data = Path(args.data)
    if not (data / SPANS_DIR / SPANS_FILE).is_file():
        print(f"bench.evidence: no {SPANS_DIR}/{SPANS_FILE} under {data}", file=sys.stderr)
        return 2
    report = run(data, Path(args.model))
    publish(report, render(report), args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
