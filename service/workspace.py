"""Use cases of the moderator workspace: claims, undo, bulk decisions, dismissing reports,
author policies and notes.

Like ``Moderation``, each use case runs in one transaction and raises only ``service.errors``
types; events go out after the commit (they are a courtesy, the database is the record).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from service import metrics
from service.claims import Claim, Claims
from service.clock import utcnow
from service.domain import AuthorPolicy, Comment, Decision, Queue, Reason, Status
from service.domain.authors import AuthorNote, AuthorPolicySetting, AuthorRecord, RecentHistory
from service.domain.decisions import Selection
from service.domain.queues import CardDetails
from service.domain.reports import Dismissed
from service.errors import FieldError, NotFoundError, UnavailableError, ValidationError
from service.events import EventSink, NoEvents
from service.settings import Settings
from service.store import (
    author_notes,
    authors,
    bulk,
    cards,
    comments,
    dismissal,
    history,
    queues,
    undo,
)
from service.store.bulk import BulkDecision
from service.transaction import transaction
from service.verdict.phases.author_policy import DEFAULT_TRUST_THRESHOLD


@dataclasses.dataclass(frozen=True)
class BulkPreview:
    """How many comments a selection matches now, and (up to the cap) which."""

    count: int
    comment_ids: list[str]


@dataclasses.dataclass(frozen=True)
class BatchReceipt:
    """A recorded batch of decisions and until when its moderator may undo it."""

    batch_id: str
    comment_ids: list[str]
    undo_until: datetime


@dataclasses.dataclass(frozen=True)
class AuthorView:
    """An author's record in one site and the policy moderators set for them."""

    site_id: str
    record: AuthorRecord
    policy: AuthorPolicySetting | None  # the policy in force (an expired one is not)
    notes: list[AuthorNote]
    # Their recent decided comments as the site's recent-history trigger counts them, and
    # whether that holds their comments now (None: the site has no such trigger).
    recent: RecentHistory | None = None
    is_held_for_recent_rejections: bool = False


class Workspace:
    """What moderators do beyond judging one comment: claim, undo, bulk, author policies."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        claims: Claims | None = None,
        events: EventSink | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.claims = claims
        self.events: EventSink = events if events is not None else NoEvents()
        self.clock = clock

    # -- claims -----------------------------------------------------------------------------

    def claim(self, comment_id: str, username: str) -> Claim:
        """Claim a comment (or extend one's own claim); ClaimedError when another holds it."""
        with transaction(self.sessions) as session:
            comments.get_comment(session, comment_id)  # 404 for an unknown comment
        claim = self._claims().claim(comment_id, username)
        self.events.publish("claimed", _claim_event(claim))
        return claim

    def release(self, comment_id: str, username: str) -> None:
        """Drop one's own claim (a no-op when unclaimed); ClaimedError when another's."""
        if self._claims().release(comment_id, username):
            self.events.publish(
                "released", {"comment_id": comment_id, "claimed_by": username, "expires_at": None}
            )

    def claims_for(self, comment_ids: Sequence[str]) -> dict[str, Claim]:
        """The live claims on these comments (none when claims are not configured)."""
        return self.claims.lookup(comment_ids) if self.claims is not None else {}

    def card_details(self, page: Sequence[Comment]) -> dict[str, CardDetails]:
        """Scores, evidence and parent of every comment of a queue page, in three queries."""
        with transaction(self.sessions) as session:
            return cards.card_details(session, page)

    def _claims(self) -> Claims:
        if self.claims is None:
            raise UnavailableError("claims need Redis, and none is configured")
        return self.claims

    # -- undo and bulk ------------------------------------------------------------------------

    def undo(self, batch_id: str, actor: str) -> list[str]:
        """Take back one's own batch of decisions within the undo window; returns the ids."""
        window = timedelta(seconds=self.settings.undo_window_seconds)
        with transaction(self.sessions) as session:
            ids = undo.undo_batch(session, batch_id, actor=actor, window=window, now=self.clock())
        self.events.publish("undone", {"comment_ids": ids, "actor": actor})
        return ids

    def bulk_preview(self, queue: Queue, selection: Selection) -> BulkPreview:
        """Count the comments of ``queue`` the selection matches (and list the first ones)."""
        with transaction(self.sessions) as session:
            count, ids = bulk.preview(session, queue.status, selection)
        return BulkPreview(count, ids)

    def bulk_apply(
        self,
        queue: Queue,
        selection: Selection,
        *,
        decision: Decision,
        reasons: Sequence[str],
        note: str | None,
        actor: str,
        expected_count: int,
    ) -> BatchReceipt:
        """Decide the selected comments as one batch; CountChangedError if the count moved."""
        now = self.clock()
        recorded = BulkDecision(
            to_status=decision.status,
            actor=actor,
            reasons=list(reasons) or [Reason.MODERATOR.value],
            note=note,
            batch_id=str(uuid.uuid4()),
        )
        with transaction(self.sessions) as session:
            ids = bulk.apply_bulk(
                session, queue.status, selection, recorded, expected_count=expected_count, now=now
            )
        if ids:
            metrics.record_decisions([decision.status.value] * len(ids), "moderator")
            self.events.publish(
                "decided", {"comment_ids": ids, "status": decision.status.value, "actor": actor}
            )
        window = timedelta(seconds=self.settings.undo_window_seconds)
        return BatchReceipt(recorded.batch_id, ids, now + window)

    # -- reports ------------------------------------------------------------------------------

    def dismiss_reports(
        self, comment_id: str, *, actor: str, note: str | None, expected_version: int | None
    ) -> Dismissed:
        """Dismiss a comment's open reports; one that reports took to review is published again."""
        with transaction(self.sessions) as session:
            dismissed = dismissal.dismiss_reports(
                session,
                comment_id,
                actor=actor,
                note=note,
                expected_version=expected_version,
                batch_id=str(uuid.uuid4()),
                now=self.clock(),
            )
        if dismissed.comment.status is Status.APPROVED and dismissed.batch_id is not None:
            # Open screens drop the card from the reported queue as they do for a decision.
            self.events.publish(
                "decided",
                {"comment_ids": [comment_id], "status": Status.APPROVED.value, "actor": actor},
            )
        return dismissed

    # -- authors ------------------------------------------------------------------------------

    def author(self, site_id: str, author_id: str) -> AuthorView:
        """An author's counts, latest comments and policy (empty for an unknown author)."""
        now = self.clock()
        rule = self.settings.site(site_id).recent_rejections
        with transaction(self.sessions) as session:
            recent = None
            if rule is not None:
                since = now - timedelta(seconds=rule.seconds)
                found = history.recent_history(session, [(site_id, author_id)], rule.last, since)
                recent = found[(site_id, author_id)]
            return AuthorView(
                site_id,
                queues.author_record(session, author_id, site_id),
                authors.get_policy(session, site_id, author_id, now),
                author_notes.notes_for(session, site_id, author_id),
                recent=recent,
                is_held_for_recent_rejections=rule is not None and rule.is_tripped(recent),
            )

    def add_note(self, site_id: str, author_id: str, body: str, actor: str) -> AuthorNote:
        """Keep a moderator's private note on an author (shown to moderators only)."""
        with transaction(self.sessions) as session:
            return author_notes.add_note(session, site_id, author_id, body, actor, self.clock())

    def delete_note(self, site_id: str, author_id: str, note_id: int) -> None:
        """Remove a note on an author; 404 when this author has no such note."""
        with transaction(self.sessions) as session:
            if not author_notes.delete_note(session, site_id, author_id, note_id):
                raise NotFoundError(f"author {author_id!r} has no note {note_id}")

    def set_policy(
        self,
        site_id: str,
        author_id: str,
        *,
        policy: AuthorPolicy,
        trust_threshold: float | None,
        note: str | None,
        actor: str,
        expires_at: datetime | None = None,
    ) -> AuthorPolicySetting:
        """Set an author's policy; it applies to comments classified (a suspension: submitted)
        from now on, until ``expires_at`` if given (a suspension must have one)."""
        now = self.clock()
        _check_expiry(policy, expires_at, now)
        setting = AuthorPolicySetting(
            site_id=site_id,
            author_id=author_id,
            policy=policy,
            trust_threshold=_threshold(policy, trust_threshold),
            note=note,
            set_by=actor,
            set_at=now,
            expires_at=expires_at,
        )
        with transaction(self.sessions) as session:
            return authors.set_policy(session, setting)

    def delete_policy(self, site_id: str, author_id: str) -> bool:
        """Remove an author's policy; False when none was set."""
        with transaction(self.sessions) as session:
            return authors.delete_policy(session, site_id, author_id)


def _check_expiry(policy: AuthorPolicy, expires_at: datetime | None, now: datetime) -> None:
    """A suspension needs an end; any end must be in the future (else nothing would apply)."""
    if expires_at is None and policy is AuthorPolicy.SUSPEND:
        raise ValidationError([FieldError("/expires_at", "a suspension needs an end time")])
    if expires_at is not None and expires_at <= now:
        raise ValidationError([FieldError("/expires_at", "must be in the future")])


def _threshold(policy: AuthorPolicy, given: float | None) -> float | None:
    """Only ``trust`` has a threshold; stored resolved, so the record shows what applies."""
    if policy is not AuthorPolicy.TRUST:
        return None
    return DEFAULT_TRUST_THRESHOLD if given is None else given


def _claim_event(claim: Claim) -> dict[str, str]:
    stamp = claim.expires_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return {"comment_id": claim.comment_id, "claimed_by": claim.claimed_by, "expires_at": stamp}
