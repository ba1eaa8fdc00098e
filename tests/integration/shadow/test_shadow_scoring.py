"""Shadow scoring through a real RQ worker: challenger scores are stored and never acted on."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy.orm import Session, sessionmaker

from service.domain import Classification, ModelVersion
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.queue import CLASSIFY_QUEUE
from service.settings import Settings
from service.shadow import Shadow
from tests.intake import submit
from tests.integration.shadow.shadow_factories import (
    CHALLENGER_ID,
    ChallengerScorer,
    set_challenger,
)
from tests.integration.workers.worker_factories import make_comment, make_version
from workers import jobs
from workers.context import WorkerContext
from workers.model_cache import Scorer

BODIES = [
    "A thoughtful remark about the market.",
    "Crypto GIVEAWAY: send 1 BTC, get 2 back",
    "The market priced this in weeks ago.",
    "Thanks for the clear write-up.",
]


def _outcome(moderation: Moderation, comment_id: str) -> tuple[Any, ...]:
    """Everything a verdict leaves behind, minus ids and times."""
    view = moderation.moderation_view(comment_id)
    actions = [
        (a.kind, a.actor, a.from_status, a.to_status, a.reasons, a.model_version, dict(a.scores))
        for a in view.actions
    ]
    comment = view.comment
    return (comment.status, comment.reasons, comment.risk, comment.model_version, actions)


def _submit(moderation: Moderation) -> list[str]:
    return [s.comment_id for s in submit(moderation, [make_comment(b) for b in BODIES])]


def test_shadow_scores_are_recorded_and_never_acted_on(
    moderation: Moderation,
    shadow_context: WorkerContext,
    champion: ModelVersion,
    scorers: dict[str, Scorer],
    run_burst: Callable[[], bool],
    sessions: sessionmaker[Session],
) -> None:
    without = _submit(moderation)
    assert run_burst()
    Lifecycle(moderation.sessions).register(make_version(CHALLENGER_ID))
    set_challenger(sessions, CHALLENGER_ID)
    assert shadow_context.shadow is not None
    shadow_context.shadow.models.refresh()  # what the next poll would do
    shadowed = _submit(moderation)
    assert run_burst()

    for before, after in zip(without, shadowed, strict=True):
        assert _outcome(moderation, after) == _outcome(moderation, before)
        scores = moderation.moderation_view(after).scores
        assert set(scores) == {champion.id, CHALLENGER_ID}
        assert set(moderation.moderation_view(before).scores) == {champion.id}
    market = moderation.moderation_view(shadowed[2]).scores
    assert market[CHALLENGER_ID]["spam"] > 0.99  # it would have rejected this one
    assert scorers[CHALLENGER_ID].calls == [len(BODIES)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("breakage", ["scorer-raises", "artifact-missing", "wrong-shape"], ids=str)
def test_challenger_failure_does_not_break_classification(
    moderation: Moderation,
    shadow_context: WorkerContext,
    champion: ModelVersion,
    challenger: ModelVersion,
    scorers: dict[str, Scorer],
    run_burst: Callable[[], bool],
    redis: Redis,
    breakage: str,
) -> None:
    if breakage == "scorer-raises":
        scorers[CHALLENGER_ID] = ChallengerScorer(fail=True)
    elif breakage == "artifact-missing":
        del scorers[CHALLENGER_ID]
    else:
        scorers[CHALLENGER_ID].labels = ("spam",)  # type: ignore[misc]  # one column short

    clean, spammy, *_ = _submit(moderation)
    assert run_burst()

    assert moderation.get_comment(clean).status.value == "approved"
    assert moderation.get_comment(spammy).status.value == "spam"
    assert set(moderation.moderation_view(clean).scores) == {champion.id}
    assert Queue(CLASSIFY_QUEUE, connection=redis).failed_job_registry.count == 0


def test_challenger_equal_to_champion_stores_nothing_twice(
    moderation: Moderation,
    shadow_context: WorkerContext,
    champion: ModelVersion,
    sessions: sessionmaker[Session],
) -> None:
    set_challenger(sessions, champion.id)
    ids = _submit(moderation)

    result = jobs.classify_comments(ids)

    assert result == {"recorded": len(ids), "skipped": 0}
    assert set(moderation.moderation_view(ids[0]).scores) == {champion.id}


def test_shadow_record_scores_is_idempotent(
    moderation: Moderation,
    sessions: sessionmaker[Session],
    settings: Settings,
    challenger: ModelVersion,
) -> None:
    (stored,) = submit(moderation, [make_comment()])
    shadow = Shadow(sessions, settings)
    result = Classification(stored.comment_id, {"spam": 0.2, "toxic": 0.1}, challenger.id)

    assert shadow.record_scores([result]) == 1
    assert shadow.record_scores([result]) == 0
    assert moderation.moderation_view(stored.comment_id).scores == {
        challenger.id: {"spam": 0.2, "toxic": 0.1}
    }


def test_shadow_storage_failure_is_logged_and_skipped(
    moderation: Moderation,
    shadow_context: WorkerContext,
    champion: ModelVersion,
    challenger: ModelVersion,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ids = _submit(moderation)
    comments = moderation.pending(ids)
    ghost = [dataclasses.replace(comments[0], id="no-such-comment")]
    assert shadow_context.shadow is not None
    champion_model = shadow_context.models.get()

    with caplog.at_level(logging.ERROR):
        stored = shadow_context.shadow.score(ghost, champion_model)

    assert stored == 0
    assert "shadow scoring" in caplog.text
