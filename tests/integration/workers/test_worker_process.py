"""run_worker end to end, and the real shipped default model."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from redis import Redis

from classifier import DEFAULT_MODEL_DIR
from classifier.artifact import artifact_sha256
from service.domain import ModelVersion, Status
from service.heartbeat import loaded_models
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.settings import Settings
from tests.intake import submit
from tests.integration.workers.worker_factories import FakeScorer, make_comment, make_version
from workers.__main__ import run_worker
from workers.context import WorkerContext, current, install
from workers.heartbeat import beat
from workers.model_cache import ModelCache

DEFAULT_ARTIFACT = DEFAULT_MODEL_DIR / "default.skops"
needs_default_model = pytest.mark.skipif(
    not DEFAULT_ARTIFACT.exists(),
    reason=f"the default model is not built yet ({DEFAULT_ARTIFACT} is missing)",
)


def _default_version() -> ModelVersion:
    metadata_path = DEFAULT_MODEL_DIR / "default.json"
    metadata = json.loads(metadata_path.read_text()) if metadata_path.exists() else {}
    return make_version(
        "default",
        artifact_path="builtin:default.skops",
        artifact_sha256=artifact_sha256(DEFAULT_ARTIFACT),
        labels=tuple(metadata.get("labels", ())),
    )


@pytest.fixture
def worker_settings(settings: Settings, test_redis_url: str) -> Settings:
    return dataclasses.replace(settings, redis_url=test_redis_url)


def test_run_worker_without_champion_fails_closed_and_cleans_up(
    moderation: Moderation, worker_settings: Settings
) -> None:
    (stored,) = submit(moderation, [make_comment()])

    run_worker(worker_settings, burst=True, name="burst-worker")

    comment = moderation.get_comment(stored.comment_id)
    assert comment.status is Status.WITHHELD
    assert comment.reasons == ("classifier_error",)
    with pytest.raises(RuntimeError, match="no worker context"):
        current()


@needs_default_model
def test_run_worker_with_the_shipped_default_model(
    moderation: Moderation, worker_settings: Settings, redis: Redis
) -> None:
    version = _default_version()
    Lifecycle(moderation.sessions).register(version, champion_if_unset=True)
    stored = submit(
        moderation,
        [make_comment(), make_comment("FREE crypto giveaway!!! WhatsApp +1 555 0100 now")],
    )

    run_worker(worker_settings, burst=True, name="burst-worker")

    for item in stored:
        comment = moderation.get_comment(item.comment_id)
        assert comment.status is not Status.PENDING
        assert comment.model_version == version.id
        assert set(moderation.moderation_view(item.comment_id).scores[version.id]) >= {"spam"}
    assert loaded_models(redis) == {"burst-worker": version.id}


def test_heartbeat_announces_the_loaded_model(
    worker_context: WorkerContext, champion: ModelVersion, redis: Redis
) -> None:
    beat(redis, worker_context.name, worker_context.models)

    assert loaded_models(redis) == {worker_context.name: champion.id}


def test_heartbeat_without_model_announces_nothing(moderation: Moderation, redis: Redis) -> None:
    models = ModelCache(
        Lifecycle(moderation.sessions).alias, poll_seconds=1, loader=lambda _v: FakeScorer()
    )

    beat(redis, "idle-worker", models)

    assert loaded_models(redis) == {}


def test_installed_context_is_current(worker_context: WorkerContext) -> None:
    assert current() is worker_context
    install(None)
    with pytest.raises(RuntimeError):
        current()
    install(worker_context)


@pytest.mark.parametrize("delay", [0.0, 1.0], ids=["while-starting", "while-idle"])
def test_python_m_workers_stops_cleanly_on_sigterm(
    delay: float, worker_settings: Settings, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": worker_settings.effective_database_url,
        "REDIS_URL": str(worker_settings.redis_url),
        "COMMENTDESK_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(Path(__file__).parents[3]),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "workers"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        lines = _read_until(process, "taking jobs")
        time.sleep(delay)
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=20)
    finally:
        process.kill()
        process.wait()
        if process.stderr is not None:
            process.stderr.close()

    assert process.returncode == 0, lines + rest
    assert "stopped" in rest


def _read_until(process: subprocess.Popen[str], marker: str) -> str:
    assert process.stderr is not None
    seen = ""
    for line in process.stderr:
        seen += line
        if marker in line:
            return seen
    raise AssertionError(f"worker ended before {marker!r}:\n{seen}")


def test_worker_process_runs_below_the_api_priority() -> None:
    # The entry point lowers the process's own priority; a child shows it without touching ours.
    probe = (
        "import os; from workers.__main__ import lower_priority; "
        "lower_priority(7); print(os.nice(0))"
    )
    before = os.nice(0)
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert int(shown) == min(19, before + 7)
    assert os.nice(0) == before
