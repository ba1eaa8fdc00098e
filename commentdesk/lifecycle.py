"""`commentdesk models / promote / rollback / register`: the model lifecycle from a shell."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from service.db import engine_from_settings, session_factory
from service.domain import AliasEvent, ModelVersion
from service.lifecycle import Lifecycle
from service.settings import Settings

Printer = Callable[[str], None]


def cli_actor() -> str:
    """Who an alias move from the command line is recorded as."""
    return f"cli:{getpass.getuser()}"


@contextmanager
def open_lifecycle(settings: Settings) -> Iterator[Lifecycle]:
    """Lifecycle use cases over the configured database (no Redis needed)."""
    engine = engine_from_settings(settings)
    try:
        yield Lifecycle(session_factory(engine))
    finally:
        engine.dispose()


def print_models(settings: Settings, out: Printer) -> int:
    """One line per version, newest first: id, aliases, created, mean ROC-AUC per label."""
    with open_lifecycle(settings) as lifecycle:
        versions = lifecycle.models()
    if not versions:
        out("no model versions registered (run `commentdesk migrate`)")
    for version in versions:
        out(describe(version))
    return 0


def describe(version: ModelVersion) -> str:
    """A one-line summary of a version."""
    aliases = ",".join(version.aliases) or "-"
    aucs = " ".join(f"{label}={auc:.3f}" for label, auc in mean_aucs(version.metrics).items())
    created = version.created_at.strftime("%Y-%m-%d %H:%M")
    return f"{version.id:<36} {aliases:<18} {created}  ROC-AUC {aucs or 'n/a'}"


def mean_aucs(metrics: Mapping[str, Any]) -> dict[str, float]:
    """Mean test ROC-AUC per label over datasets, from a trained or a shipped version."""
    results = metrics.get("candidate", metrics)  # trained versions nest their own results
    values: dict[str, list[float]] = {}
    for per_label in results.values() if isinstance(results, Mapping) else ():
        for label, scores in per_label.items() if isinstance(per_label, Mapping) else ():
            auc = scores.get("roc_auc") if isinstance(scores, Mapping) else None
            if isinstance(auc, int | float):
                values.setdefault(label, []).append(float(auc))
    return {label: sum(v) / len(v) for label, v in sorted(values.items())}


def promote(settings: Settings, version_id: str, out: Printer) -> int:
    """Make a version the champion."""
    with open_lifecycle(settings) as lifecycle:
        out(moved(lifecycle.promote(version_id, cli_actor())))
    return 0


def rollback(settings: Settings, out: Printer) -> int:
    """Move the champion back to the one before it."""
    with open_lifecycle(settings) as lifecycle:
        out(moved(lifecycle.rollback(cli_actor())))
    return 0


def moved(event: AliasEvent) -> str:
    """What an alias move did, in words."""
    if event.id is None:
        return f"{event.alias} already is {event.version_id}; nothing changed"
    return f"{event.alias}: {event.previous_version_id or '-'} -> {event.version_id or '-'}"


def register(settings: Settings, path: Path, version_id: str | None, out: Printer) -> int:
    """Verify and register an artifact file (it does not become champion)."""
    from workers.registration import register_artifact

    with open_lifecycle(settings) as lifecycle:
        version = register_artifact(lifecycle, settings, path, {"id": version_id})
    out(f"registered {version.id} (sha256 {version.artifact_sha256}) at {version.artifact_path}")
    return 0
