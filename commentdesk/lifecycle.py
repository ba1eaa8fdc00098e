"""`commentdesk models / promote / rollback / register`: the model lifecycle from a shell."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from commentdesk.comparison import describe_evaluation
from service.db import open_engine, session_factory
from service.domain import AliasEvent, ModelVersion
from service.lifecycle import Lifecycle
from service.promotion import EVALUATION, evaluation_of
from service.settings import Settings

Printer = Callable[[str], None]


def cli_actor() -> str:
    """Who an alias move from the command line is recorded as."""
    return f"cli:{getpass.getuser()}"


@contextmanager
def open_lifecycle(settings: Settings) -> Iterator[Lifecycle]:
    """Lifecycle use cases over the configured database (no Redis needed)."""
    with open_engine(settings) as engine:
        yield Lifecycle(session_factory(engine))


def print_models(settings: Settings, out: Printer) -> int:
    """One line per version, newest first, and under a trained one its comparison with the
    champion on the site's newest decisions (what the promotion gate reads)."""
    with open_lifecycle(settings) as lifecycle:
        versions = lifecycle.models()
    if not versions:
        out("no model versions registered (run `commentdesk migrate`)")
    shared = shared_datasets(versions)
    for version in versions:
        out(describe(version, shared))
        evaluation = evaluation_of(version)
        if evaluation is not None:
            for line in describe_evaluation(evaluation):
                out(f"    {line}")
    return 0


def describe(version: ModelVersion, datasets: frozenset[str] | None = None) -> str:
    """A one-line summary of a version: aliases, created, mean public ROC-AUC per label over
    ``datasets`` (the same datasets for every version listed, or it would compare apples with
    oranges)."""
    aliases = ",".join(version.aliases) or "-"
    means = mean_aucs(version.metrics, datasets)
    aucs = " ".join(f"{label}={auc:.3f}" for label, auc in means.items())
    created = version.created_at.strftime("%Y-%m-%d %H:%M")
    public = f"public ROC-AUC {aucs}" if aucs else "no public test results"
    return f"{version.id:<36} {aliases:<18} {created}  {public}"


def _public_results(metrics: Mapping[str, Any]) -> Mapping[str, Any]:
    results = metrics.get("candidate", metrics)  # trained versions nest their own results
    if not isinstance(results, Mapping):
        return {}
    return {k: v for k, v in results.items() if isinstance(v, Mapping) and k != EVALUATION}


def shared_datasets(versions: Sequence[ModelVersion]) -> frozenset[str]:
    """The public datasets every version with public results was scored on."""
    sets = [frozenset(_public_results(v.metrics)) for v in versions]
    sets = [s for s in sets if s]
    return frozenset.intersection(*sets) if sets else frozenset()


def mean_aucs(
    metrics: Mapping[str, Any], datasets: frozenset[str] | None = None
) -> dict[str, float]:
    """Mean test ROC-AUC per label over the given datasets (all by default)."""
    values: dict[str, list[float]] = {}
    for dataset, per_label in _public_results(metrics).items():
        if datasets is not None and dataset not in datasets:
            continue
        for label, scores in per_label.items():
            auc = scores.get("roc_auc") if isinstance(scores, Mapping) else None
            if isinstance(auc, int | float):
                values.setdefault(label, []).append(float(auc))
    return {label: sum(v) / len(v) for label, v in sorted(values.items())}


def promote(
    settings: Settings, version_id: str, out: Printer, force_reason: str | None = None
) -> int:
    """Make a version the champion (``force_reason``: past a refusing promotion gate)."""
    with open_lifecycle(settings) as lifecycle:
        out(moved(lifecycle.promote(version_id, cli_actor(), force_reason=force_reason)))
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
    line = f"{event.alias}: {event.previous_version_id or '-'} -> {event.version_id or '-'}"
    return f"{line} (forced: {event.reason})" if event.reason else line


def register(settings: Settings, path: Path, version_id: str | None, out: Printer) -> int:
    """Verify and register an artifact file (it does not become champion)."""
    from workers.registration import register_artifact

    with open_lifecycle(settings) as lifecycle:
        version = register_artifact(lifecycle, path, {"id": version_id})
    out(f"registered {version.id} (sha256 {version.artifact_sha256}), stored in the database")
    return 0
