"""GDPR and retention: erase an author, export what is kept about them, erase old text.

Every erasure is logged: an ``erased`` action per comment, an ``erasures`` record under the
anonymised key, and an ``author.erased`` event to the site (webhooks, change feed).
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from service.clock import utcnow
from service.domain import Action, Status
from service.domain.changes import EventType, new_event
from service.settings import Settings
from service.site_settings import SiteSettings
from service.store import author_notes, erasure, outbox
from service.transaction import transaction

RETENTION_BATCH = 1000

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class ErasureReceipt:
    """What an author erasure did."""

    erasure_id: str
    site_id: str
    author_key: str  # what replaced the author id; nothing links it to the person
    comments: int
    erased_at: datetime


class Privacy:
    """Erasure, export and retention of personal data."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.clock = clock

    def erase_author(self, site_id: str, author_id: str, actor: str) -> ErasureReceipt:
        """Erase every comment's text and who wrote it; decisions stay under a random key."""
        now = self.clock()
        receipt = ErasureReceipt(
            erasure_id=str(uuid.uuid4()),
            site_id=site_id,
            author_key=f"erased-{uuid.uuid4().hex[:20]}",
            comments=0,
            erased_at=now,
        )
        with transaction(self.sessions) as session:
            ids = erasure.author_comment_ids(session, site_id, author_id)
            note = f"author erased (erasure {receipt.erasure_id})"
            erasure.erase_text(session, ids, actor=actor, note=note, now=now)
            erasure.anonymise_author(session, site_id, author_id, receipt.author_key, ids)
            author_notes.erase_notes(session, site_id, author_id)
            receipt = dataclasses.replace(receipt, comments=len(ids))
            erasure.add_erasure(
                session,
                erasure_id=receipt.erasure_id,
                site_id=site_id,
                author_key=receipt.author_key,
                requested_by=actor,
                comments=receipt.comments,
                now=now,
            )
            data = {"erasure_id": receipt.erasure_id, "author_key": receipt.author_key,
                    "comments": receipt.comments}  # fmt: skip
            outbox.add_events(
                session, [new_event(site_id, EventType.AUTHOR_ERASED, data, now, None)]
            )
        return receipt

    def export_author(self, site_id: str, author_id: str) -> dict[str, Any]:
        """Everything kept about an author on a site, as one JSON document."""
        with transaction(self.sessions) as session:
            rows = erasure.export_rows(session, site_id, author_id)
            notes = author_notes.notes_for(session, site_id, author_id, limit=None)
        # Logged without the author id: the log is kept longer than an erasure would allow.
        log.info("export for site %s: %d comment(s)", site_id, len(rows["comments"]))
        document = _export_document(site_id, author_id, rows, self.clock())
        # Moderators' notes are data about the person, so the person may read them.
        document["moderator_notes"] = [
            {"note": n.body, "written_at": _time(n.written_at)} for n in reversed(notes)
        ]
        return document

    def apply_retention(self) -> int:
        """Erase the text of deleted and rejected comments past each site's retention."""
        now = self.clock()
        sites = self.settings.sites
        total = self._retain(sites.default, None, list(sites.overrides), now)
        for site_id, site in sites.overrides.items():
            total += self._retain(site, [site_id], [], now)
        return total

    def _retain(
        self, site: SiteSettings, sites: list[str] | None, others: list[str], now: datetime
    ) -> int:
        rules = [([Status.DELETED.value], site.deleted_retention_days, "deleted")]
        if site.rejected_retention_days is not None:
            rejected = [Status.REJECTED.value, Status.SPAM.value]
            rules.append((rejected, site.rejected_retention_days, "rejected"))
        erased = 0
        for statuses, days, what in rules:
            with transaction(self.sessions) as session:
                ids = erasure.expired_text(
                    session,
                    statuses=statuses,
                    older_than=now - timedelta(days=days),
                    sites=sites,
                    except_sites=others,
                    limit=RETENTION_BATCH,
                )
                note = f"retention: {what} comments' text is kept {days:g} days"
                erased += erasure.erase_text(session, ids, actor=None, note=note, now=now)
        return erased


def _erased(receipt: ErasureReceipt) -> dict[str, Any]:
    return {
        "erasure_id": receipt.erasure_id,
        "author_key": receipt.author_key,
        "comments": receipt.comments,
    }


def _export_document(
    site_id: str, author_id: str, rows: dict[str, Any], now: datetime
) -> dict[str, Any]:
    policy = rows["policy"]
    return {
        "site_id": site_id,
        "author_id": author_id,
        "exported_at": _time(now),
        "comments": [_comment(c) for c in rows["comments"]],
        "reports_made": [
            {
                "comment_id": r.comment_id,
                "reason": r.reason,
                "note": r.note,
                "created_at": _time(r.created_at),
                "state": r.state,
            }
            for r in rows["reports_made"]
        ],
        # How moderators judged the author's reports: what their reports' weight comes from.
        "reports_judged": _judged(rows["reporter"]),
        "policy": None
        if policy is None
        else {
            "policy": policy.policy,
            "note": policy.note,
            "set_at": _time(policy.set_at),
            "expires_at": _time(policy.expires_at),
        },
    }


def _judged(reporter: Any) -> dict[str, int]:
    if reporter is None:
        return {"upheld": 0, "dismissed": 0}
    return {"upheld": reporter.upheld, "dismissed": reporter.dismissed}


def _comment(found: dict[str, Any]) -> dict[str, Any]:
    row = found["row"]
    return {
        "id": row.id,
        "article_id": row.article_id,
        "parent_id": row.parent_id,
        "author": {"id": row.author_id, "display_name": row.author_name,
                   "email_hash": row.author_email_hash,
                   "account_age_days": row.author_account_age_days, "karma": row.author_karma},
        "body": row.body,
        "language": row.language,
        "revision": row.revision,
        "earlier_revisions": [
            {"revision": r.revision, "body": r.body, "submitted_at": _time(r.created_at),
             "replaced_at": _time(r.replaced_at)}
            for r in found["revisions"]
        ],
        "status": row.status,
        "reasons": list(row.reasons or []),
        "statement": row.statement,
        "created_at": _time(row.created_at),
        "decided_at": _time(row.decided_at),
        "deleted_at": _time(row.deleted_at),
        "text_erased_at": _time(row.erased_at),
        "envelope": {"ip": row.envelope_ip, "user_agent": row.envelope_user_agent,
                     "referrer": row.envelope_referrer, "permalink": row.envelope_permalink},
        "history": [_history(a) for a in found["actions"]],
        "appeals": [
            {"text": a.body, "status": a.status, "filed_at": _time(a.filed_at),
             "decided_at": _time(a.decided_at), "reply": a.reply}
            for a in found["appeals"]
        ],
    }  # fmt: skip


def _history(action: Action) -> dict[str, Any]:
    # Who acted, as a kind: moderators' and keys' names are theirs, not the author's data.
    by = "system" if action.actor is None else "site" if action.kind in _SITE_KINDS else "moderator"
    return {
        "what": action.kind.value,
        "from_status": None if action.from_status is None else action.from_status.value,
        "to_status": None if action.to_status is None else action.to_status.value,
        "reasons": list(action.reasons),
        "by": by,
        "at": _time(action.created_at),
    }


_SITE_KINDS = frozenset({"edited", "deleted", "erased", "appealed"})


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")
