"""classify_comments through a real RQ worker, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

from redis import Redis
from sqlalchemy import Engine, event

from service.domain import Action, ActionKind, Classification, ModelVersion, Status
from service.moderation import Moderation
from service.queue import JobQueue
from tests.intake import submit
from tests.integration.workers.worker_factories import FakeScorer, make_comment
from workers import jobs
from workers.context import WorkerContext
from workers.scoring import NO_MODEL


def _system_actions(moderation: Moderation, comment_id: str) -> list[Action]:
    actions = moderation.moderation_view(comment_id).actions
    return [a for a in actions if a.kind is ActionKind.CLASSIFIED]


def test_classify_job_records_one_system_action_per_comment(
    moderation: Moderation,
    worker_context: WorkerContext,
    champion: ModelVersion,
    run_burst: Callable[[], bool],
) -> None:
    clean, spammy = submit(
        moderation, [make_comment(), make_comment("Crypto GIVEAWAY: send 1 BTC, get 2 back")]
    )

    assert run_burst()

    assert moderation.get_comment(clean.comment_id).status is Status.APPROVED
    spam = moderation.get_comment(spammy.comment_id)
    assert spam.status is Status.SPAM
    assert spam.model_version == champion.id
    assert "spam" in spam.reasons
    (action,) = _system_actions(moderation, spammy.comment_id)
    assert action.actor is None
    assert action.model_version == champion.id
    assert set(action.scores) == {"spam", "toxic"}
    assert action.scores["spam"] > 0.99
    assert len(_system_actions(moderation, clean.comment_id)) == 1


def test_classify_job_scores_a_batch_in_one_model_call(
    moderation: Moderation,
    worker_context: WorkerContext,
    champion: ModelVersion,
    scorers: dict[str, FakeScorer],
) -> None:
    stored = submit(moderation, [make_comment(f"comment number {i}") for i in range(20)])

    result = jobs.classify_comments([s.comment_id for s in stored])

    assert result == {"recorded": 20, "skipped": 0}
    assert scorers[champion.id].calls == [20]


def test_classify_job_run_twice_records_one_decision(
    moderation: Moderation,
    worker_context: WorkerContext,
    champion: ModelVersion,
    job_queue: JobQueue,
    run_burst: Callable[[], bool],
) -> None:
    (stored,) = submit(moderation, [make_comment()])
    run_burst()

    job_queue.enqueue_classify([stored.comment_id])
    run_burst()
    again = jobs.classify_comments([stored.comment_id])

    assert again == {"recorded": 0, "skipped": 1}
    assert len(_system_actions(moderation, stored.comment_id)) == 1


def test_classify_job_skips_unknown_ids(
    worker_context: WorkerContext, champion: ModelVersion
) -> None:
    assert jobs.classify_comments(["no-such-comment"]) == {"recorded": 0, "skipped": 1}


def test_classify_job_with_failing_model_withholds_with_classifier_error(
    moderation: Moderation,
    worker_context: WorkerContext,
    champion: ModelVersion,
    scorers: dict[str, FakeScorer],
    run_burst: Callable[[], bool],
) -> None:
    scorers[champion.id] = FakeScorer(fail=True)
    (stored,) = submit(moderation, [make_comment()])

    run_burst()

    comment = moderation.get_comment(stored.comment_id)
    assert comment.status is Status.WITHHELD
    assert comment.reasons == ("classifier_error",)
    (action,) = _system_actions(moderation, stored.comment_id)
    assert action.model_version is None


def test_classify_job_without_champion_withholds_with_classifier_error(
    moderation: Moderation, worker_context: WorkerContext, run_burst: Callable[[], bool]
) -> None:
    (stored,) = submit(moderation, [make_comment()])

    run_burst()

    comment = moderation.get_comment(stored.comment_id)
    assert comment.status is Status.WITHHELD
    assert comment.reasons == ("classifier_error",)


def test_failed_classification_is_recorded_with_its_error(
    moderation: Moderation, worker_context: WorkerContext
) -> None:
    (stored,) = submit(moderation, [make_comment()])

    moderation.record_classifications([Classification(stored.comment_id, {}, None, NO_MODEL)])

    assert moderation.get_comment(stored.comment_id).status is Status.WITHHELD


def test_classify_job_leaves_the_queue_empty(
    moderation: Moderation,
    worker_context: WorkerContext,
    champion: ModelVersion,
    redis: Redis,
    run_burst: Callable[[], bool],
) -> None:
    submit(moderation, [make_comment(), make_comment()])

    run_burst()

    assert redis.llen("rq:queue:classify") == 0
    assert moderation.pending([]) == []


def test_classify_job_reads_the_database_a_fixed_number_of_times(
    moderation: Moderation, worker_context: WorkerContext, champion: ModelVersion, engine: Engine
) -> None:
    stored = submit(moderation, [make_comment(f"comment number {i}") for i in range(30)])
    selects: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: _count_select(selects, args[2]))

    jobs.classify_comments([s.comment_id for s in stored])

    # No per-comment reads: pending (job), pending + repeat posts + author policies + the sites'
    # watched-word list versions + article settings (recording), the batch's article ids for the
    # outbox events, champion alias. (The first-comments and recent-history reads are off by
    # default; each adds one when on.)
    assert len(selects) <= 9, selects


def _count_select(selects: list[str], statement: str) -> None:
    if statement.lstrip().upper().startswith("SELECT"):
        selects.append(statement)
