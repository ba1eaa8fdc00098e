"""The training job through a real RQ worker on real Redis, and a retrain that learns."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from pathlib import Path

import numpy as np

from classifier import load_model
from service.domain import Decision
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.settings import Settings
from service.training_queue import TRAIN_QUEUE
from tests.integration.workers.worker_factories import make_comment
from tests.unit.lifecycle.corpus import HAM
from workers.context import WorkerContext
from workers.registration import register_artifact
from workers.training import Progress, TrainingRequest, run_training

# A scam the public sets never saw, in words made up for this test.
SCAM = [
    f"{opening} the Orchid Harbor circle pays {rate} weekly, ask {contact}"
    for opening, rate, contact in itertools.product(
        ["Friends", "Listen", "Honestly", "Trust me", "Folks"],
        ["9%", "12%", "15%", "20%"],
        ["auntie Vell", "coach Brannigan", "mentor Oduya"],
    )
]
PROBE = "Everyone, the Orchid Harbor circle pays 30% weekly, ask uncle Ferro"


def decide_all(moderation: Moderation, bodies: list[str], decision: Decision) -> None:
    for stored in moderation.store([make_comment(body) for body in bodies]):
        moderation.decide(
            stored.comment_id, decision=decision, actor="mod-ann", reason=None, note=None,
            expected_version=None,
        )  # fmt: skip


def test_training_job_registers_a_version_with_both_evaluations(
    lifecycle: Lifecycle,
    moderation: Moderation,
    installed: WorkerContext,
    burst: Callable[[str], bool],
) -> None:
    first = run_training(lifecycle, installed.settings, TrainingRequest(), Progress(None))
    lifecycle.promote(first.id, "ops-olu")
    decide_all(moderation, SCAM[:6], Decision.SPAM)

    job_id = lifecycle.start_training(
        note="with decisions", extra_labels_csv="text,spam\nDM me for 10x returns,1\n", actor="ops"
    )
    burst(TRAIN_QUEUE)

    job = lifecycle.training_job(job_id)
    assert (job.status, job.stage, job.percent, job.error) == ("finished", "done", 100, None)
    assert job.messages[-1] == f"registered {job.version_id}"
    version = lifecycle.version(str(job.version_id))
    assert version.aliases == ()  # registered, not promoted
    assert version.metrics["champion"]["version_id"] == first.id
    assert set(version.metrics["candidate"]) >= {"tiny_spam", "tiny_toxic"}
    assert version.metrics["champion"]["results"].keys() == version.metrics["candidate"].keys()
    manifest = version.data_manifest
    assert manifest["moderator_decisions"]["used"] == 6
    assert manifest["moderator_decisions"]["upto_action_id"] is not None
    assert manifest["uploaded_labels"]["rows"] == 1
    assert (manifest["note"], manifest["requested_by"], manifest["job_id"]) == (
        "with decisions", "ops", job_id
    )  # fmt: skip
    assert Path(version.artifact_path).parent == (installed.settings.data_dir / "models").resolve()


def test_training_job_without_data_fails_clearly(
    lifecycle: Lifecycle,
    installed: WorkerContext,
    burst: Callable[[str], bool],
    tmp_path: Path,
) -> None:
    settings = dataclasses.replace(installed.settings, training_data=tmp_path / "missing")
    object.__setattr__(installed, "settings", settings)

    job_id = lifecycle.start_training(note=None, extra_labels_csv=None, actor="ops")
    burst(TRAIN_QUEUE)

    job = lifecycle.training_job(job_id)
    assert job.status == "failed"
    assert job.version_id is None
    assert "COMMENTDESK_TRAINING_DATA" in str(job.error)
    assert lifecycle.history() == []


def spam_score(version_path: str, text: str) -> float:
    return float(load_model(Path(version_path)).predict_proba([text])[0, 0])


def test_a_retrain_with_moderator_decisions_learns_them(
    lifecycle: Lifecycle, moderation: Moderation, train_settings: Settings
) -> None:
    before = run_training(lifecycle, train_settings, TrainingRequest(), Progress(None))
    decide_all(moderation, SCAM, Decision.SPAM)
    decide_all(moderation, [f"{h}, agreed" for h in HAM[:20]], Decision.APPROVE)

    after = run_training(lifecycle, train_settings, TrainingRequest(), Progress(None))

    old, new = spam_score(before.artifact_path, PROBE), spam_score(after.artifact_path, PROBE)
    assert new > old + 0.2, (old, new)
    assert new > 0.5
    ordinary = spam_score(after.artifact_path, "The chart was well sourced, thanks")
    assert ordinary < 0.5
    assert np.isfinite([old, new]).all()


def test_a_registered_artifact_can_be_promoted_by_the_job_s_successor(
    lifecycle: Lifecycle, train_settings: Settings, tmp_path: Path
) -> None:
    version = run_training(lifecycle, train_settings, TrainingRequest(), Progress(None))
    again = register_artifact(lifecycle, train_settings, Path(version.artifact_path), {})

    assert again.artifact_sha256 == version.artifact_sha256
