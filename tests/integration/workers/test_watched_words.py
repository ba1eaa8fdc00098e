"""Watched words through a real RQ worker, on SQLite and PostgreSQL: banned rejects, suspect
holds, a check out of time holds; the matched words are the recorded evidence."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import pytest
from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from service.domain import Action, ActionKind, ModelVersion, Status
from service.domain.watched_words import WatchKind
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.queue import GuardedQueue, JobQueue
from service.settings import Settings
from service.watched_words import WatchedWords
from tests.intake import submit
from tests.integration.workers.worker_factories import FakeScorer, make_comment
from workers.context import WorkerContext, install
from workers.model_cache import ModelCache


def _verdict(moderation: Moderation, comment_id: str) -> Action:
    [action] = [
        a for a in moderation.moderation_view(comment_id).actions if a.kind is ActionKind.CLASSIFIED
    ]
    return action


@pytest.fixture
def lists(moderation: Moderation) -> WatchedWords:
    words = WatchedWords(moderation.sessions)
    words.replace("site-1", banned=["scumbag", "rug pull"], suspect=["moon soon"], actor="ops")
    return words


def test_a_worker_rejects_banned_and_holds_suspect_words_with_evidence(
    moderation: Moderation,
    lists: WatchedWords,
    worker_context: WorkerContext,
    champion: ModelVersion,
    run_burst: Callable[[], bool],
) -> None:
    banned, suspect, clean, elsewhere = submit(
        moderation,
        [
            make_comment("This project is a R.U.G P-U-L-L, a total scumb@g move."),
            make_comment("Going to the m o o n soon!"),
            make_comment("A classic case of bass-ackwards assessment."),
            make_comment("scumbag", site_id="site-2"),  # another site's list is its own
        ],
    )

    assert run_burst()

    rejected = moderation.get_comment(banned.comment_id)
    assert (rejected.status, rejected.reasons) == (Status.REJECTED, ("banned_word",))
    spans = _verdict(moderation, banned.comment_id).evidence
    assert spans is not None
    assert [(s["text"], s["rule"], s["detail"]) for s in spans["rules"]] == [
        ("R.U.G P-U-L-L", "banned_word", "rug pull"),
        ("scumb@g", "banned_word", "scumbag"),
    ]
    held = moderation.get_comment(suspect.comment_id)
    assert (held.status, held.reasons) == (Status.WITHHELD, ("suspect_word",))
    evidence = _verdict(moderation, suspect.comment_id).evidence
    assert evidence is not None
    assert evidence["rules"][0]["text"] == "m o o n soon"
    assert moderation.get_comment(clean.comment_id).status is Status.APPROVED
    assert moderation.get_comment(elsewhere.comment_id).status is Status.APPROVED


def test_a_change_to_the_list_applies_from_the_next_batch(
    moderation: Moderation,
    lists: WatchedWords,
    worker_context: WorkerContext,
    champion: ModelVersion,
    run_burst: Callable[[], bool],
) -> None:
    (before,) = submit(moderation, [make_comment("Honestly, what a grifter.")])
    run_burst()
    lists.add("site-1", WatchKind.BANNED, ["grifter"], actor="ops")
    (after,) = submit(moderation, [make_comment("Honestly, what a grifter.")])
    run_burst()

    assert moderation.get_comment(before.comment_id).status is Status.APPROVED
    assert moderation.get_comment(after.comment_id).status is Status.REJECTED


@pytest.fixture
def hurried(
    sessions: sessionmaker[Session],
    settings: Settings,
    job_queue: JobQueue,
    redis: Redis,
    scorers: dict[str, FakeScorer],
) -> Iterator[Moderation]:
    """A worker installed whose watched-word check has no time at all."""
    hurried = dataclasses.replace(settings, watched_words_budget_seconds=1e-9)
    moderation = Moderation(sessions, hurried, GuardedQueue(job_queue))
    models = ModelCache(
        Lifecycle(sessions).alias,
        poll_seconds=settings.model_poll_seconds,
        loader=lambda v: scorers[v.id],
    )
    install(WorkerContext("hurried-worker", hurried, moderation, redis, models))
    yield moderation
    install(None)


def test_a_check_out_of_time_holds_the_comment_and_says_so(
    hurried: Moderation,
    lists: WatchedWords,
    champion: ModelVersion,
    run_burst: Callable[[], bool],
) -> None:
    (stored,) = submit(hurried, [make_comment("A perfectly clean remark about rates.")])

    assert run_burst()

    held = hurried.get_comment(stored.comment_id)
    assert (held.status, held.reasons) == (Status.WITHHELD, ("watched_words_timeout",))
    evidence = _verdict(hurried, stored.comment_id).evidence
    assert evidence is not None
    assert "did not finish within its 1e-06 ms budget" in evidence["notes"][0]
