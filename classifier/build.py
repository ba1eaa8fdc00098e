"""Building the shipped default model: train, evaluate, save, and document in one call."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from classifier.artifact import save_model
from classifier.datasets import load_datasets
from classifier.evaluation import evaluate
from classifier.model import DEFAULT_LABELS
from classifier.training import train_on_datasets

__all__ = [
    "ARTIFACT_NAME",
    "DEFAULT_MODEL_DIR",
    "METADATA_NAME",
    "MODEL_CARD_NAME",
    "REBUILD_COMMAND",
    "build_default_model",
    "render_model_card",
]

DEFAULT_MODEL_DIR = Path(__file__).parent / "default_model"
ARTIFACT_NAME = "default.skops"
METADATA_NAME = "default.json"
MODEL_CARD_NAME = "MODEL_CARD.md"
REBUILD_COMMAND = "commentdesk train --data ../shared/data"

_KNOWN_LIMITS = (
    "No training data comes from a news or finance site, and none contains crypto-scam spam "
    "(giveaways, 'recovery experts', wallet addresses, WhatsApp/Telegram contacts): expect "
    "weaker spam recall on the product's real traffic.",
    "Base rates are not natural (YouTube 51% spam, Davidson 83% toxic, Jigsaw subset 34% toxic) "
    "and training uses balanced class weights: scores rank well but are not calibrated "
    "probabilities of a live comment stream. Set thresholds on the site's own data.",
    "`toxic` mixes three definitions (Jigsaw toxicity, Davidson hate/offensive, OLID offensive "
    "incl. untargeted profanity) and inherits their documented label noise and identity-term "
    "and dialect bias.",
    "`@handles`, OLID `@USER`/`URL` placeholders and `RT` markers are stripped before scoring, so "
    "mentions of messaging handles are not yet a signal.",
    "Metrics are on a content-hash split of each dataset (20% test), not on OLID's official test "
    "set, so they are not directly comparable with published results.",
)


def _metrics_rows(metrics: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> list[str]:
    rows = [
        "| dataset | label | n_test | positives | ROC-AUC | PR-AUC |",
        "|---|---|---|---|---|---|",
    ]
    for dataset, per_label in metrics.items():
        for label, m in per_label.items():
            rows.append(
                f"| {dataset} | {label} | {m['n_test']} | {m['positives']} "
                f"| {m['roc_auc']} | {m['pr_auc']} |"
            )
    return rows


def _manifest_rows(manifest: Sequence[Mapping[str, Any]]) -> list[str]:
    rows = ["| file | rows | test rows | labels | sha256 |", "|---|---|---|---|---|"]
    for entry in manifest:
        labels = ", ".join(entry["labels"])
        rows.append(
            f"| `{entry['file']}` | {entry['rows']} | {entry['test_rows']} | {labels} "
            f"| `{entry['sha256']}` |"
        )
    return rows


def render_model_card(card: Mapping[str, Any]) -> str:
    """Render ``default.json``'s content as the Markdown model card.

    Parameters
    ----------
    card : mapping
        The metadata written to ``default.json``.

    Returns
    -------
    str
        Markdown text.
    """
    versions = "\n".join(f"- {name} {v}" for name, v in card["library_versions"].items())
    limits = "\n".join(f"- {limit}" for limit in _KNOWN_LIMITS)
    lines = [
        f"# Comment Desk default text model `{card['version_id']}`",
        "",
        "Multi-label comment classifier: shared TF-IDF word 1-2-grams + char_wb 2-5-grams + "
        "engineered counts (links, phone-like numbers, wallet-like tokens, e-mails, shouting, "
        "repetition), fitted once on all training texts, into a logistic regression per label. "
        "Output: one probability per label.",
        "",
        f"- Labels: {', '.join(f'`{label}`' for label in card['labels'])}",
        f"- Artifact: `{ARTIFACT_NAME}` (skops), sha256 `{card['sha256']}`",
        f"- Created: {card['created_at']}",
        f"- Split: {card['split']}; trained on the train side only.",
        "",
        "## Data manifest",
        "",
        *_manifest_rows(card["data_manifest"]),
        "",
        "## Metrics (held-out content-hash test split)",
        "",
        *_metrics_rows(card["metrics"]),
        "",
        "## Rebuild",
        "",
        f"```\n{REBUILD_COMMAND}\n```",
        "",
        "## Library versions",
        "",
        versions,
        "",
        "## Known limits",
        "",
        limits,
        "",
    ]
    return "\n".join(lines)


def build_default_model(
    data_dir: Path, out_dir: Path, *, labels: Sequence[str] = DEFAULT_LABELS
) -> Path:
    """Train, evaluate and save the default model with its metadata and model card.

    Parameters
    ----------
    data_dir : Path
        Directory of dataset folders (``../shared/data``).
    out_dir : Path
        Where to write ``default.skops``, ``default.json`` and ``MODEL_CARD.md``
        (normally :data:`DEFAULT_MODEL_DIR`).
    labels : sequence of str
        Labels to learn.

    Returns
    -------
    Path
        Path of the written ``default.skops``.
    """
    datasets = load_datasets(Path(data_dir), labels)
    model = train_on_datasets(datasets, labels=labels)
    model.metadata["metrics"] = evaluate(model, datasets)
    out_dir = Path(out_dir)
    artifact = out_dir / ARTIFACT_NAME
    sha256 = save_model(model, artifact)
    card: dict[str, Any] = {
        "version_id": f"v0-{sha256[:12]}",
        "artifact": ARTIFACT_NAME,
        "sha256": sha256,
        "rebuild_command": REBUILD_COMMAND,
        **model.metadata,
    }
    (out_dir / METADATA_NAME).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    (out_dir / MODEL_CARD_NAME).write_text(render_model_card(card), encoding="utf-8")
    return artifact
