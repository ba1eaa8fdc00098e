"""Use cases against real SQLite/PostgreSQL and a real Redis."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import pytest
from redis import Redis
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from service.domain import SUBMISSION_ID, ActionKind, Author, Comment, Decision, Queue, Status
from service.domain.queues import AuditFilter, QueueFilter
from service.errors import IdempotencyConflictError, StaleDecisionError, ValidationError
from service.models import ActionRow
from service.moderation import Moderation
from service.store.shadow import insert_scores
from tests.factories import new_comment, scores
from tests.intake import submit


def submit_one(moderation: Moderation, **overrides: object) -> str:
    (stored,) = submit(moderation, [new_comment(**overrides)])
    return stored.comment_id


def test_submit_commits_then_enqueues_one_job_per_batch(
    moderation: Moderation, redis: Redis
) -> None:
    stored = submit(moderation, [new_comment() for _ in range(5)])
    assert all(s.is_new and s.status is Status.PENDING for s in stored)
    assert redis.llen("rq:queue:classify") == 1
    history = moderation.moderation_view(stored[0].comment_id).actions
    assert [a.kind for a in history] == [ActionKind.SUBMITTED]


def test_intake_stores_no_submitted_action_and_the_history_derives_it(
    moderation: Moderation, redis: Redis
) -> None:
    stored = submit(moderation, [new_comment() for _ in range(3)])
    with moderation.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ActionRow)) == 0

    view = moderation.moderation_view(stored[1].comment_id)
    [entry] = view.actions
    assert (entry.id, entry.kind, entry.comment_id) == (
        SUBMISSION_ID,
        ActionKind.SUBMITTED,
        stored[1].comment_id,
    )
    assert (entry.actor, entry.from_status, entry.to_status) == (None, None, Status.PENDING)
    assert entry.created_at == view.comment.created_at
    assert (entry.reasons, entry.note, entry.statement) == ((), None, None)


def test_submit_replays_an_idempotency_key(moderation: Moderation, redis: Redis) -> None:
    item = new_comment(idempotency_key="k-1", request_hash="1" * 64)
    first = submit(moderation, [item])[0]
    again = submit(moderation, [item])[0]
    assert again.comment_id == first.comment_id
    assert not again.is_new
    assert redis.llen("rq:queue:classify") == 1


def test_submit_same_key_in_one_batch_stores_once(moderation: Moderation) -> None:
    item = new_comment(idempotency_key="k-2", request_hash="2" * 64)
    first, second = submit(moderation, [item, item])
    assert first.comment_id == second.comment_id
    assert (first.is_new, second.is_new) == (True, False)


def test_submit_reused_key_with_other_body_conflicts(moderation: Moderation) -> None:
    submit(moderation, [new_comment(idempotency_key="k-3", request_hash="a" * 64)])
    with pytest.raises(IdempotencyConflictError):
        submit(moderation, [new_comment(idempotency_key="k-3", request_hash="b" * 64)])


def test_submit_reply_must_be_on_same_article(moderation: Moderation) -> None:
    parent = submit_one(moderation, article_id="a-1")
    with pytest.raises(ValidationError):
        submit(moderation, [new_comment(article_id="a-2", parent_id=parent)])


def test_record_classifications_is_idempotent(moderation: Moderation) -> None:
    comment_id = submit_one(moderation)
    assert moderation.record_classifications([scores(comment_id)]) == 1
    assert moderation.record_classifications([scores(comment_id, spam=0.9)]) == 0
    view = moderation.moderation_view(comment_id)
    assert view.comment.status is Status.APPROVED
    assert [a.kind for a in view.actions].count(ActionKind.CLASSIFIED) == 1
    assert view.scores == {"v-test": {"spam": 0.01, "toxic": 0.01}}


def test_record_classifications_explains_only_held_comments_in_one_call(
    moderation: Moderation,
) -> None:
    clean, held, rejected = (submit_one(moderation, body=f"comment {i}") for i in range(3))
    calls: list[list[str]] = []
    reasons_given: dict[str, list[str]] = {}

    def explain(
        comments: Sequence[Comment], reasons: Sequence[Sequence[str]]
    ) -> list[Mapping[str, Any] | None]:
        calls.append([c.id for c in comments])
        reasons_given.update({c.id: list(why) for c, why in zip(comments, reasons, strict=True)})
        return [
            {"labels": {"spam": [{"start": 0, "end": 7, "text": c.body[:7]}]}, "rules": []}
            for c in comments
        ]

    results = [scores(clean), scores(held, spam=0.7), scores(rejected, spam=0.999)]
    assert moderation.record_classifications(results, explain=explain) == 3
    assert len(calls) == 1
    assert sorted(calls[0]) == sorted([held, rejected])
    assert reasons_given == {held: ["spam"], rejected: ["spam"]}  # what the explainer is told
    for comment_id in (held, rejected):
        view = moderation.moderation_view(comment_id)
        assert view.comment.status is not Status.APPROVED
        (classified,) = [a for a in view.actions if a.kind is ActionKind.CLASSIFIED]
        assert classified.evidence == {
            "labels": {"spam": [{"start": 0, "end": 7, "text": "comment"}]},
            "rules": [],
        }
    view = moderation.moderation_view(clean)
    assert view.comment.status is Status.APPROVED
    assert all(a.evidence is None for a in view.actions)


def test_record_classifications_flags_repeat_post_by_same_author(moderation: Moderation) -> None:
    author = Author("same-author", "Same")
    first = submit_one(moderation, author=author, body="Buy now, limited offer!")
    second = submit_one(moderation, author=author, body="buy now,   LIMITED offer!")
    moderation.record_classifications([scores(first), scores(second)])
    assert moderation.get_comment(first).status is Status.APPROVED
    repeat = moderation.get_comment(second)
    assert (repeat.status, repeat.reasons) == (Status.WITHHELD, ("repeat_post",))


def test_published_lists_approved_threads_with_cursor(moderation: Moderation) -> None:
    roots = [submit_one(moderation, article_id="thread") for _ in range(3)]
    reply = submit_one(moderation, article_id="thread", parent_id=roots[0])
    hidden = submit_one(moderation, article_id="thread")
    moderation.record_classifications([scores(c) for c in [*roots, reply]])
    moderation.record_classifications([scores(hidden, spam=0.8)])
    first, counts = moderation.published("news-site", "thread", None, 2)
    assert [c.id for c in first.items] == [roots[0], reply, roots[1]]
    assert first.next_cursor is not None
    assert counts == (4, 3)  # approved comments, of which threads (the held one not counted)
    second, _ = moderation.published("news-site", "thread", first.next_cursor, 2)
    assert [c.id for c in second.items] == [roots[2]]
    assert second.next_cursor is None


def test_decide_conflicts_when_another_moderator_decided(moderation: Moderation) -> None:
    comment_id = submit_one(moderation)
    moderation.record_classifications([scores(comment_id, spam=0.7)])
    version = moderation.get_comment(comment_id).version
    decided = moderation.decide(
        comment_id,
        decision=Decision.APPROVE,
        actor="alice",
        reason=None,
        note=None,
        expected_version=version,
    )
    assert decided.comment.status is Status.APPROVED
    for stale_view in (version, None):  # the version alice saw, or no version at all
        with pytest.raises(StaleDecisionError):
            moderation.decide(
                comment_id,
                decision=Decision.SPAM,
                actor="bob",
                reason="spam",
                note=None,
                expected_version=stale_view,
            )
    assert moderation.get_comment(comment_id).status is Status.APPROVED


def test_decide_same_moderator_repeating_is_idempotent(moderation: Moderation) -> None:
    comment_id = submit_one(moderation)

    def reject() -> Comment:
        return moderation.decide(
            comment_id,
            decision=Decision.REJECT,
            actor="alice",
            reason="toxic",
            note="n",
            expected_version=None,
        ).comment

    first, again = reject(), reject()
    assert first.version == again.version
    decided = moderation.audit(AuditFilter(comment_id=comment_id, kind="decided"), None, 10)
    assert len(decided.items) == 1


def test_reports_reopen_an_approved_comment_at_threshold(moderation: Moderation) -> None:
    comment_id = submit_one(moderation)
    moderation.record_classifications([scores(comment_id)])
    threshold = moderation.settings.report_threshold
    for n in range(threshold - 1):
        moderation.report("news-site", comment_id, f"reader-{n}", "abuse", None)
    is_new, _ = moderation.report("news-site", comment_id, "reader-0", "abuse", None)
    assert not is_new  # one report per reader
    assert moderation.get_comment(comment_id).status is Status.APPROVED
    moderation.report("news-site", comment_id, "reader-last", "abuse", None)
    reopened = moderation.get_comment(comment_id)
    assert (reopened.status, reopened.reasons) == (Status.REPORTED, ("reported", "abuse"))


def test_queue_page_filters_sorts_and_paginates(moderation: Moderation) -> None:
    ids = [submit_one(moderation, article_id="q") for _ in range(4)]
    risks = [0.6, 0.9, 0.7, 0.8]
    moderation.record_classifications([scores(c, spam=r) for c, r in zip(ids, risks, strict=True)])
    by_risk = moderation.queue_page(Queue.REVIEW, QueueFilter(article_id="q"), "risk", None, 3)
    assert [c.risk for c in by_risk.items] == [0.9, 0.8, 0.7]
    rest = moderation.queue_page(
        Queue.REVIEW, QueueFilter(article_id="q"), "risk", by_risk.next_cursor, 3
    )
    assert [c.risk for c in rest.items] == [0.6]
    high = moderation.queue_page(
        Queue.REVIEW, QueueFilter(label="spam", min_score=0.75), "age", None, 10
    )
    assert sorted(c.id for c in high.items) == sorted([ids[1], ids[3]])
    overview = {q.queue: q.count for q in moderation.queue_overview()}
    assert overview[Queue.REVIEW] == 4


def test_risk_pages_go_on_by_id_through_equal_risks(moderation: Moderation) -> None:
    # The cursor's id is compared as the column stores it (16 bytes since 0022, issue 10): as
    # text, SQLite put every blob after it (later pages lost their ties) and PostgreSQL refused.
    ids = [submit_one(moderation, article_id="tie") for _ in range(5)]
    moderation.record_classifications([scores(c, spam=0.7) for c in ids])
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        page = moderation.queue_page(Queue.REVIEW, QueueFilter(article_id="tie"), "risk", cursor, 2)
        seen += [c.id for c in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == sorted(ids, reverse=True)


def test_queue_filters_read_the_deciding_versions_scores(moderation: Moderation) -> None:
    calm, toxic = submit_one(moderation, article_id="f"), submit_one(moderation, article_id="f")
    moderation.record_classifications(
        [scores(calm, spam=0.6, toxic=0.1), scores(toxic, spam=0.6, toxic=0.95)]
    )
    with moderation.sessions.begin() as session:  # a challenger's scores are not the queue's
        insert_scores(session, "v-challenger", {calm: {"toxic": 0.99, "threat": 0.9}})

    def ids(**narrowing: Any) -> list[str]:
        found = QueueFilter(article_id="f", **narrowing)
        return sorted(
            c.id for c in moderation.queue_page(Queue.REVIEW, found, "age", None, 9).items
        )

    assert ids(label="toxic", min_score=0.9) == [toxic]
    assert ids(label="toxic") == sorted([calm, toxic])
    assert ids(label="threat") == []
    assert ids(min_score=0.9) == [toxic]
    assert ids(min_score=0.5) == sorted([calm, toxic])


def test_sweep_reenqueues_stale_pending(moderation: Moderation, redis: Redis) -> None:
    offline = Moderation(moderation.sessions, moderation.settings, None)  # Redis "down"
    comment_id = submit_one(offline)
    assert redis.llen("rq:queue:classify") == 0
    later = moderation.clock() + timedelta(seconds=moderation.settings.sweep_after_seconds + 1)
    sweeping = Moderation(moderation.sessions, moderation.settings, moderation.queue, lambda: later)
    assert sweeping.sweep() == 1
    assert redis.llen("rq:queue:classify") == 1
    assert moderation.get_comment(comment_id).status is Status.PENDING


def test_purge_envelopes_after_retention(moderation: Moderation) -> None:
    submit_one(moderation)
    assert moderation.purge_envelopes() == 0
    later = moderation.clock() + timedelta(days=moderation.settings.envelope_retention_days + 1)
    purging = Moderation(moderation.sessions, moderation.settings, None, lambda: later)
    assert purging.purge_envelopes() == 1
    assert purging.purge_envelopes() == 0


def test_record_classifications_falls_back_when_part_of_batch_is_taken(
    moderation: Moderation,
) -> None:
    first, second = submit_one(moderation), submit_one(moderation)
    # The second result for `first` finds it decided by the first: the bulk write sees fewer
    # changed rows than verdicts, rolls back, and records the rest one by one.
    recorded = moderation.record_classifications(
        [scores(first), scores(first, spam=0.9), scores(second)]
    )
    assert recorded == 2
    view = moderation.moderation_view(first)
    assert [a.kind for a in view.actions] == [ActionKind.SUBMITTED, ActionKind.CLASSIFIED]
    assert view.comment.status is Status.APPROVED
    assert moderation.get_comment(second).status is Status.APPROVED


def test_sweep_waits_while_jobs_are_queued(moderation: Moderation, redis: Redis) -> None:
    submit_one(moderation)  # its job is waiting: workers are behind, not broken
    later = moderation.clock() + timedelta(seconds=moderation.settings.sweep_after_seconds + 1)
    sweeping = Moderation(moderation.sessions, moderation.settings, moderation.queue, lambda: later)
    assert sweeping.sweep() == 0
    assert redis.llen("rq:queue:classify") == 1


class TransactionWatch:
    """Counts the sessions of a sessionmaker that are inside a database transaction."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.open: set[int] = set()
        event.listen(sessions, "after_begin", self._began)
        event.listen(sessions, "after_transaction_end", self._ended)

    def _began(self, session: Session, _transaction: object, _connection: object) -> None:
        self.open.add(id(session))

    def _ended(self, session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            self.open.discard(id(session))


def test_record_classifications_explains_outside_any_transaction(
    moderation: Moderation, sessions: sessionmaker[Session]
) -> None:
    held = submit_one(moderation)
    watch = TransactionWatch(sessions)
    open_while_explaining: list[int] = []

    def explain(
        comments: Sequence[Comment], _reasons: Sequence[Sequence[str]]
    ) -> list[Mapping[str, Any] | None]:
        open_while_explaining.append(len(watch.open))
        return [{"labels": {}, "rules": []} for _ in comments]

    assert moderation.record_classifications([scores(held, spam=0.7)], explain=explain) == 1
    assert open_while_explaining == [0]
    assert moderation.get_comment(held).status is Status.WITHHELD


def test_record_classifications_explains_once_when_the_batch_falls_back(
    moderation: Moderation,
) -> None:
    first, second = submit_one(moderation), submit_one(moderation)
    calls: list[list[str]] = []

    def explain(
        comments: Sequence[Comment], _reasons: Sequence[Sequence[str]]
    ) -> list[Mapping[str, Any] | None]:
        calls.append([c.id for c in comments])
        return [{"labels": {}, "rules": [{"start": 0, "end": 1}]} for _ in comments]

    results = [scores(first, spam=0.7), scores(first, spam=0.8), scores(second, spam=0.7)]
    assert moderation.record_classifications(results, explain=explain) == 2
    assert len(calls) == 1
    for comment_id in (first, second):
        (classified,) = [
            a
            for a in moderation.moderation_view(comment_id).actions
            if a.kind is ActionKind.CLASSIFIED
        ]
        assert classified.evidence == {"labels": {}, "rules": [{"start": 0, "end": 1}]}


def test_pending_reads_each_comment_as_a_single_read_does(moderation: Moderation) -> None:
    # A worker's batch read selects plain rows instead of ORM entities: every field must come
    # out as get_comment gives it.
    parent = submit_one(moderation)
    author = Author("author-p", "Reader P", email_hash="e" * 64, account_age_days=2.5, karma=7)
    (reply,) = submit(
        moderation,
        [new_comment(author=author, parent_id=parent, language=None, hold="flood", body="Ü ok")],
    )
    ids = [parent, reply.comment_id]

    pending = moderation.pending(ids)

    assert sorted(pending, key=lambda c: c.id) == sorted(
        (moderation.get_comment(cid) for cid in ids), key=lambda c: c.id
    )
    assert {c.id: c.hold for c in pending}[reply.comment_id] == "flood"
