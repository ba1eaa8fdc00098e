"""Retraining as a site runs it: its own decisions on top of the champion's prior, judged on the
newest decisions, registered with its own bands, never promoted."""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from classifier.artifact import save_model
from classifier.site import SiteModel
from classifier.training import train_model
from service.domain import Alias, Decision, ModelVersion
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.promotion import EVALUATION, PromotionRefusedError
from service.settings import Settings
from service.training_queue import TRAIN_QUEUE
from tests.factories import write_dataset
from tests.integration.lifecycle.corpus import HAM, POLITE, write_corpus
from tests.integration.workers.worker_factories import make_comment
from workers.artifacts import ArtifactCache
from workers.context import WorkerContext
from workers.registration import register_artifact
from workers.training import Progress, TrainingJobError, TrainingRequest, run_training

# A scam the prior never saw, in words made up for this test.
SCAM = [
    f"{opening} the Orchid Harbor circle pays {rate} weekly, ask {contact}"
    for opening, rate, contact in itertools.product(
        ["Friends", "Listen", "Honestly", "Trust me", "Folks"],
        ["9%", "12%", "15%", "20%"],
        ["auntie Vell", "coach Brannigan", "mentor Oduya"],
    )
]
PROBE = "Everyone, the Orchid Harbor circle pays 30% weekly, ask uncle Ferro"
ORDINARY = [f"{h}, agreed" for h in HAM] + [f"{p}, thanks" for p in POLITE]


def decide(moderation: Moderation, bodies: list[tuple[str, Decision]]) -> None:
    """Store and decide each comment, in this order (decision order is time order)."""
    stored = moderation.store([make_comment(body) for body, _ in bodies])
    for item, (_, decision) in zip(stored, bodies, strict=True):
        moderation.decide(
            item.comment_id, decision=decision, actor="mod-ann", reason=None, note=None,
            expected_version=None,
        )  # fmt: skip


def interleave(spam: list[str], ham: list[str], decision: Decision) -> list[tuple[str, Decision]]:
    """Spam decided as ``decision`` and ham approved, mixed evenly over time."""
    pairs = itertools.zip_longest(spam, ham)
    return [
        item
        for s, h in pairs
        for item in ((s, decision), (h, Decision.APPROVE))
        if item[0] is not None
    ]


def labels_csv(rows: list[tuple[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["text", "spam"])
    writer.writerows(rows)
    return out.getvalue()


def stored_model(lifecycle: Lifecycle, version: ModelVersion, host: Path) -> Any:
    """The version's model as a worker on another host loads it: from the database."""
    return ArtifactCache(lifecycle.artifact, host).load(version)


def spam_score(model: Any, text: str) -> float:
    return float(model.predict_proba([text])[0, model.labels.index("spam")])


def test_retraining_on_a_fresh_install_learns_the_site_decisions_alone(
    lifecycle: Lifecycle,
    moderation: Moderation,
    site_settings: Settings,
    prior_champion: ModelVersion,
    tmp_path: Path,
) -> None:
    decide(moderation, interleave(SCAM, ORDINARY, Decision.SPAM))

    version = run_training(lifecycle, site_settings, TrainingRequest(), Progress(None))

    model = stored_model(lifecycle, version, tmp_path / "worker-host")
    assert isinstance(model, SiteModel)
    assert version.aliases == ()  # registered, never promoted
    assert lifecycle.alias(Alias.CHAMPION) == lifecycle.version(prior_champion.id)
    prior = stored_model(lifecycle, prior_champion, tmp_path / "worker-host")
    before, after = spam_score(prior, PROBE), spam_score(model, PROBE)
    assert after > max(0.5, before + 0.2), (before, after)
    assert spam_score(model, "The chart was well sourced, thanks") < 0.5
    evaluation = version.metrics[EVALUATION]
    assert evaluation["champion"] == prior_champion.id
    rows = len(SCAM) + len(ORDINARY)
    recent = round(rows * 0.2)
    assert evaluation["decisions"] == {"rows": rows, "older": rows - recent, "recent": recent}
    assert evaluation["verdict"] in {"better", "not_worse"}
    spam = evaluation["labels"]["spam"]
    assert spam["candidate"]["value"] > spam["champion"]["value"]
    assert spam["difference"]["low"] <= spam["difference"]["value"] <= spam["difference"]["high"]
    assert set(evaluation["outcomes"]) >= {"approved_held", "rejected_caught"}
    assert version.metrics["candidate"] == {}  # no public data on a fresh install
    bands = version.thresholds["spam"]
    assert 0.0 < bands["withhold"] < 1.0
    assert bands["targets"]["withhold"].startswith(f"recall={site_settings.target_hold_recall:g}")
    held = bands["achieved"]["withhold"]["approved_held"]
    assert held <= site_settings.target_max_approved_held
    assert version.data_manifest["moderator_decisions"]["used"] == rows
    assert version.data_manifest["public_data"] is None


def test_retraining_with_nothing_to_learn_from_says_so(
    lifecycle: Lifecycle, site_settings: Settings, prior_champion: ModelVersion
) -> None:
    with pytest.raises(TrainingJobError, match="nothing to learn from"):
        run_training(lifecycle, site_settings, TrainingRequest(), Progress(None))
    assert [v.id for v in lifecycle.models()] == [prior_champion.id]


def test_decisions_that_teach_no_label_are_refused_with_counts(
    lifecycle: Lifecycle,
    moderation: Moderation,
    site_settings: Settings,
    prior_champion: ModelVersion,
) -> None:
    decide(moderation, [(body, Decision.APPROVE) for body in ORDINARY[:12]])

    with pytest.raises(TrainingJobError, match=r"spam: 0 of 12 decisions"):
        run_training(lifecycle, site_settings, TrainingRequest(), Progress(None))


def test_training_job_reports_progress_and_reads_an_uploaded_labels_file(
    lifecycle: Lifecycle,
    moderation: Moderation,
    installed: WorkerContext,
    prior_champion: ModelVersion,
    burst: Callable[[str], bool],
) -> None:
    object.__setattr__(
        installed, "settings", dataclasses.replace(installed.settings, training_data=None)
    )
    labelled = [(s, "1") for s in SCAM[:30]] + [(h, "0") for h in ORDINARY[:30]]
    upload = lifecycle.store_training_upload(labels_csv(labelled), "ops-olu")
    decide(moderation, interleave(SCAM[30:], ORDINARY[30:], Decision.SPAM))

    job_id = lifecycle.start_training(
        note="with the archive", extra_labels_csv=None, actor="ops", upload_id=upload.id
    )
    burst(TRAIN_QUEUE)

    job = lifecycle.training_job(job_id)
    assert (job.status, job.stage, job.percent, job.error) == ("finished", "done", 100, None)
    assert any("cross-fitting fold" in m for m in job.messages)
    assert job.messages[-1].startswith(f"registered {job.version_id}")
    version = lifecycle.version(str(job.version_id))
    manifest = version.data_manifest
    assert manifest["uploaded_labels"] == {"rows": 60, "upload_id": upload.id}
    assert manifest["moderator_decisions"]["used"] == 30 + len(ORDINARY[30:])
    assert (manifest["note"], manifest["requested_by"], manifest["job_id"]) == (
        "with the archive", "ops", job_id
    )  # fmt: skip
    assert version.artifact_path == f"db:{version.artifact_sha256}"
    assert lifecycle.artifact(version.artifact_sha256) is not None  # any worker host can load it


def test_training_job_without_anything_to_learn_fails_clearly(
    lifecycle: Lifecycle,
    installed: WorkerContext,
    prior_champion: ModelVersion,
    burst: Callable[[str], bool],
) -> None:
    object.__setattr__(
        installed, "settings", dataclasses.replace(installed.settings, training_data=None)
    )

    job_id = lifecycle.start_training(note=None, extra_labels_csv=None, actor="ops")
    burst(TRAIN_QUEUE)

    job = lifecycle.training_job(job_id)
    assert job.status == "failed"
    assert "nothing to learn from" in str(job.error)


@pytest.fixture
def scam_aware_champion(
    lifecycle: Lifecycle, site_settings: Settings, tmp_path: Path
) -> ModelVersion:
    """A champion whose prior already knows the scam as spam."""
    root = write_corpus(tmp_path / "aware")
    write_dataset(root / "tiny_scam", [(s, "1", "") for s in SCAM] + [(h, "0", "") for h in HAM])
    path = tmp_path / "aware.skops"
    save_model(train_model(root), path)
    version = register_artifact(lifecycle, path, {"id": "v0-aware"})
    lifecycle.promote(version.id, "migrate")
    return version


def test_a_candidate_worse_on_the_newest_decisions_is_refused_until_forced(
    lifecycle: Lifecycle,
    moderation: Moderation,
    site_settings: Settings,
    scam_aware_champion: ModelVersion,
) -> None:
    # The older decisions are the opposite of the newest ones (a policy reversed, or a batch of
    # mislabelled imports): the scam approved and ordinary comments marked spam. A candidate
    # trained on them turns the prior around, so on the newest decisions it ranks the scam below
    # ordinary comments: worse than the champion, beyond the interval.
    older = [(s, Decision.APPROVE) for s in SCAM[:44]]
    older += [(o, Decision.SPAM) for o in ORDINARY[:40]]
    newer = interleave(SCAM[44:], ORDINARY[40:], Decision.SPAM)
    decide(moderation, older + newer)

    version = run_training(lifecycle, site_settings, TrainingRequest(), Progress(None))

    evaluation = version.metrics[EVALUATION]
    assert evaluation["verdict"] == "worse", evaluation
    assert evaluation["labels"]["spam"]["difference"]["high"] < 0
    with pytest.raises(PromotionRefusedError, match="worse than v0-aware"):
        lifecycle.promote(version.id, "ops-olu")
    assert lifecycle.alias(Alias.CHAMPION) == lifecycle.version(scam_aware_champion.id)

    event = lifecycle.promote(version.id, "ops-olu", force_reason="policy changed on Monday")

    assert (event.version_id, event.reason) == (version.id, "policy changed on Monday")
    assert lifecycle.history("champion", 1)[0].reason == "policy changed on Monday"


def test_public_data_retrains_the_prior_with_the_domain_examples(
    lifecycle: Lifecycle, site_settings: Settings, prior_champion: ModelVersion, tmp_path: Path
) -> None:
    settings = dataclasses.replace(site_settings, training_data=write_corpus(tmp_path / "public"))

    version = run_training(lifecycle, settings, TrainingRequest(), Progress(None))

    assert set(version.metrics["candidate"]) >= {"tiny_spam", "tiny_toxic", "domain_examples"}
    assert version.metrics["champion"]["version_id"] == prior_champion.id
    assert version.metrics[EVALUATION]["verdict"] == "not_evaluated"
    datasets = {entry["dataset"] for entry in version.data_manifest["public_data"]}
    assert datasets == {"tiny_spam", "tiny_toxic", "domain_examples"}
