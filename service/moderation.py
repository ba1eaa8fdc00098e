"""Use cases: what the article site, moderators, ops and workers can do.

Every use case runs in one transaction (recording verdicts in two: the facts are read, then the
verdicts written, with the model's explanation between) and raises only ``service.errors`` types.
Enqueueing happens after the commit and never decides the outcome: the sweeper covers a failed
enqueue.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from service import metrics
from service.clock import utcnow
from service.domain import (
    Action,
    Classification,
    Comment,
    Decision,
    NewComment,
    Page,
    Queue,
    Reason,
    Status,
)
from service.domain.authors import AuthorRecord
from service.domain.decisions import Decided
from service.domain.queues import AuditFilter, CardReport, QueueFilter
from service.domain.statements import StatementCode, moderator_statement
from service.domain.threads import ThreadEntry
from service.events import EventSink, NoEvents
from service.flood.bursts import burst_holds
from service.flood.holds import apply_holds
from service.queue import GuardedQueue
from service.settings import Settings
from service.store import cards, comments, decisions, fingerprints, maintenance, queues, reports
from service.store.comments import Stored
from service.store.queues import Sort
from service.transaction import transaction
from service.verdict.explanation import Explainer
from service.verdict.maker import VerdictMaker

# Keys deleted per transaction, so a purge never holds a long write lock.
FINGERPRINT_PURGE_BATCH = 10_000


@dataclasses.dataclass(frozen=True)
class QueueOverview:
    """A queue's size and the age of its oldest item."""

    queue: Queue
    count: int
    oldest_age_seconds: float | None


@dataclasses.dataclass(frozen=True)
class ModerationView:
    """Everything a moderator needs to judge one comment."""

    comment: Comment
    scores: dict[str, dict[str, float]]
    actions: list[Action]
    author: AuthorRecord
    parent: Comment | None = None  # thread context: the comment this one replies to
    reports: list[CardReport] = dataclasses.field(default_factory=list)  # readers', oldest first


class Moderation:
    """The application core, shared by the HTTP API, the workers and the CLI."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        queue: GuardedQueue | None = None,
        clock: Callable[[], datetime] = utcnow,
        events: EventSink | None = None,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.queue = queue
        self.clock = clock
        self.events: EventSink = events if events is not None else NoEvents()
        self._verdict_maker = VerdictMaker(settings)

    def _transaction(self) -> AbstractContextManager[Session]:
        return transaction(self.sessions)

    # -- article site -------------------------------------------------------------------------

    def store(self, items: Sequence[NewComment]) -> list[Stored]:
        """Store submissions durably in one transaction (enqueueing is the caller's next step)."""
        try:
            return self._store(items)
        except IntegrityError:
            # Another API process stored the same Idempotency-Key between our read and write;
            # a second pass sees it and replays it.
            return self._store(items)

    def _store(self, items: Sequence[NewComment]) -> list[Stored]:
        with self._transaction() as session:
            return comments.insert_comments(session, items, self.clock())

    def enqueue(self, comment_ids: Sequence[str]) -> None:
        """Enqueue classification in batches; failures are left to the sweeper."""
        if self.queue is None:
            return
        size = self.settings.classify_batch_max
        for start in range(0, len(comment_ids), size):
            self.queue.enqueue_classify(comment_ids[start : start + size])

    def get_comment(self, comment_id: str, site_id: str | None = None) -> Comment:
        """One comment (a site sees only its own)."""
        with self._transaction() as session:
            return comments.get_comment(session, comment_id, site_id)

    def published(
        self,
        site_id: str,
        article_id: str,
        cursor: str | None,
        limit: int,
        newest_first: bool = False,
    ) -> tuple[Page[ThreadEntry], tuple[int, int]]:
        """What the site may show under an article, and its (comments, threads) counts."""
        with self._transaction() as session:
            page = comments.list_published_threads(
                session, site_id, article_id, cursor, limit, newest_first
            )
            return page, comments.article_counts(session, site_id, article_id)

    def lookup(self, site_id: str, comment_ids: Sequence[str]) -> list[Comment]:
        """Many of the site's comments at once (unknown ids are left out)."""
        with self._transaction() as session:
            return comments.site_comments(session, site_id, comment_ids)

    def report(
        self, site_id: str, comment_id: str, reporter_id: str, reason: str, note: str | None
    ) -> tuple[bool, Comment]:
        """A reader flags a comment; returns whether the report was new."""
        with self._transaction() as session:
            reported = reports.add_report(
                session,
                site_id,
                comment_id,
                reporter_id=reporter_id,
                reason=reason,
                note=note,
                threshold=self.settings.report_threshold,
                now=self.clock(),
            )
        if reported.reopened:
            self.events.publish("reported", {"comment_id": comment_id})
        return reported.is_new, reported.comment

    # -- moderators ---------------------------------------------------------------------------

    def queue_overview(self) -> list[QueueOverview]:
        """Every queue's count and oldest age."""
        now = self.clock()
        with self._transaction() as session:
            summary = queues.summarise_queues(session)
        return [
            QueueOverview(
                queue,
                summary[queue.status].count,
                _age(now, summary[queue.status].oldest_created_at),
            )
            for queue in Queue
        ]

    def queue_page(
        self, queue: Queue, filters: QueueFilter, sort: Sort, cursor: str | None, limit: int
    ) -> Page[Comment]:
        """One page of a queue."""
        with self._transaction() as session:
            return queues.list_queue(session, queue.status, filters, sort, cursor, limit)

    def moderation_view(self, comment_id: str) -> ModerationView:
        """Scores, reasons, history and the author's record for one comment."""
        with self._transaction() as session:
            comment = comments.get_comment(session, comment_id)
            parent_id = comment.parent_id
            return ModerationView(
                comment=comment,
                scores=queues.scores_for(session, comment_id),
                actions=queues.actions_for(session, comment),
                author=queues.author_record(session, comment.author.id, comment.site_id),
                parent=comments.get_comment(session, parent_id) if parent_id else None,
                reports=cards.reports_of(session, [comment_id]).get(comment_id, []),
            )

    def decide(
        self,
        comment_id: str,
        *,
        decision: Decision,
        actor: str,
        reason: str | None,
        note: str | None,
        expected_version: int | None,
        statement_code: StatementCode | None = None,
        explanation: str | None = None,
    ) -> Decided:
        """Record a moderator's decision as a batch of one (undoable); stale ones are a 409.

        A rejection's statement of reasons takes ``statement_code`` (or, without one, the code
        ``reason`` implies) and the moderator's ``explanation`` for the author.
        """
        reasons = [reason] if reason else [Reason.MODERATOR.value]
        statement = moderator_statement(decision.status, reasons, statement_code, explanation)
        with self._transaction() as session:
            decided = decisions.apply_decision(
                session,
                comment_id,
                to_status=decision.status,
                actor=actor,
                reasons=reasons,
                note=note,
                expected_version=expected_version,
                now=self.clock(),
                batch_id=str(uuid.uuid4()),
                statement=statement,
            )
        metrics.record_decisions([decision.status.value], "moderator")
        self.events.publish(
            "decided",
            {"comment_ids": [comment_id], "status": decision.status.value, "actor": actor},
        )
        return decided

    # -- ops ------------------------------------------------------------------------------------

    def audit(self, filters: AuditFilter, cursor: str | None, limit: int) -> Page[Action]:
        """The action log, newest first."""
        with self._transaction() as session:
            return queues.list_actions(session, filters, cursor, limit)

    def oldest_pending(self) -> datetime | None:
        """When the oldest comment still awaiting a decision was accepted."""
        with self._transaction() as session:
            return queues.oldest_pending(session)

    # -- workers ------------------------------------------------------------------------------

    def pending(self, comment_ids: Sequence[str]) -> list[Comment]:
        """The given comments that still await classification."""
        with self._transaction() as session:
            return decisions.pending_comments(session, comment_ids)

    def record_classifications(
        self,
        results: Sequence[Classification],
        comments: Sequence[Comment] | None = None,
        explain: Explainer | None = None,
    ) -> int:
        """Apply rules and policy to scores and record one system verdict per comment.

        ``comments`` are the pending comments the results are for, when the caller has just
        read them (saves a query). Idempotent: a comment that is no longer pending is skipped,
        whatever ``comments`` says. ``explain`` is called once, outside any transaction, with the
        comments the policy withheld or rejected (approved ones get no evidence) and its evidence
        is recorded with their verdicts. Returns how many verdicts were recorded.
        """
        now = self.clock()
        scored = {c.id: c.revision for c in comments} if comments is not None else {}
        with self._transaction() as session:
            facts = self._verdict_maker.read(session, results, comments, now=now)
        # Decided and explained between the transactions: explaining may take a while, and no
        # transaction may stay open for it (on PostgreSQL, a pooled connection idle in
        # transaction). The conditional UPDATE below skips any comment decided or edited meanwhile.
        verdicts = self._verdict_maker.verdicts(facts, explain)
        try:
            with self._transaction() as session:
                verdicts = self._finish(session, verdicts, scored, comments)
                decisions.record_system_verdicts(session, verdicts, now)
        except decisions.PartialBatchError:
            # Rare: a duplicate job, an edit or a moderator changed some of these meanwhile. The
            # batch was rolled back; record what is still pending one comment at a time.
            verdicts = self._record_one_by_one(verdicts, now, scored)
        metrics.record_decisions((v.status.value for v in verdicts), "system")
        self._publish_classified(verdicts)
        return len(verdicts)

    def _finish(
        self,
        session: Session,
        verdicts: list[decisions.SystemVerdict],
        scored: Mapping[str, int],
        comments: Sequence[Comment] | None,
    ) -> list[decisions.SystemVerdict]:
        """Verdicts tied to the revision that was scored, with intake and burst holds applied."""
        verdicts = [
            dataclasses.replace(v, revision=scored.get(v.comment_id, v.revision)) for v in verdicts
        ]
        ids = {v.comment_id for v in verdicts}
        if comments is None:
            comments = decisions.pending_comments(session, sorted(ids))
        decided = [c for c in comments if c.id in ids]
        held = {c.id: c.hold for c in decided if c.hold is not None}
        held.update(burst_holds(session, self.settings, decided, self.clock()))
        return apply_holds(verdicts, held)

    def _record_one_by_one(
        self,
        verdicts: list[decisions.SystemVerdict],
        now: datetime,
        scored: Mapping[str, int],
    ) -> list[decisions.SystemVerdict]:
        recorded: list[decisions.SystemVerdict] = []
        with self._transaction() as session:
            for verdict in self._finish(session, verdicts, scored, None):
                try:
                    decisions.record_system_verdicts(session, [verdict], now)
                except decisions.PartialBatchError:
                    continue  # decided by someone else: nothing was written for it
                recorded.append(verdict)
        return recorded

    def _publish_classified(self, verdicts: Sequence[decisions.SystemVerdict]) -> None:
        """Tell open moderator screens what a committed batch added to their queues."""
        if not verdicts:
            return
        statuses = [v.status for v in verdicts]
        self.events.publish(
            "classified",
            {
                "withheld": [v.comment_id for v in verdicts if v.status is Status.WITHHELD],
                "rejected": sum(s in (Status.REJECTED, Status.SPAM) for s in statuses),
                "approved": statuses.count(Status.APPROVED),
            },
        )

    def sweep(self, limit: int = 10_000) -> int:
        """Re-enqueue comments left pending too long (Redis was down, a worker died).

        Skipped while jobs wait in the queue: then workers are merely behind, and duplicate
        jobs would only deepen the backlog. Once it drains, anything still stuck is swept.
        """
        if self.queue is None or self.queue.waiting() != 0:
            return 0
        cutoff = self.clock() - timedelta(seconds=self.settings.sweep_after_seconds)
        with self._transaction() as session:
            stale = maintenance.stale_pending_ids(session, cutoff, limit)
        self.enqueue(stale)
        return len(stale)

    def purge_envelopes(self) -> int:
        """Drop as-submitted envelopes past their retention period."""
        now = self.clock()
        cutoff = now - timedelta(days=self.settings.envelope_retention_days)
        with self._transaction() as session:
            return maintenance.purge_envelopes(session, cutoff, now)

    def purge_fingerprints(self) -> int:
        """Drop near-duplicate keys older than every site's burst window: nothing counts them.

        Without this the keys (two rows per comment) outgrew everything but the comments.
        """
        cutoff = self.clock() - timedelta(seconds=self.settings.longest_burst_window_seconds)
        purged = 0
        while True:
            with self._transaction() as session:
                done = fingerprints.purge(session, cutoff, FINGERPRINT_PURGE_BATCH)
            purged += done
            if done < FINGERPRINT_PURGE_BATCH:
                return purged


def _age(now: datetime, oldest: datetime | None) -> float | None:
    return None if oldest is None else max(0.0, (now - oldest).total_seconds())
