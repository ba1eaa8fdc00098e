"""Bursts of near-duplicates across authors, held as a group at verdict time.

When a worker records a batch, each comment's fingerprint is stored and compared with the
site's comments of the last ``DUPLICATE_BURST`` seconds. A comment with enough near-duplicates
by enough distinct authors is held (reason ``flood``), and so is the rest of its group: still
pending ones will be held by their verdict, published ones leave the site (a ``held`` action).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from service.domain import Comment, Reason
from service.flood.duplicates import fingerprint, is_near_duplicate
from service.settings import Settings
from service.store import fingerprints
from service.store.fingerprints import Sketch


def burst_holds(
    session: Session, settings: Settings, comments: Sequence[Comment], now: datetime
) -> dict[str, str]:
    """Fingerprint the batch and find its bursts; returns the batch's ids to hold (→ reason)."""
    sketches = [
        Sketch(c.id, c.site_id, c.author.id, frozenset(values), c.created_at)
        for c in comments
        if settings.site(c.site_id).duplicate_burst is not None and (values := fingerprint(c.body))
    ]
    fingerprints.add(session, sketches)
    held: dict[str, str] = {}
    for site_id in {s.site_id for s in sketches}:
        mine = [s for s in sketches if s.site_id == site_id]
        held.update(_site_bursts(session, settings, site_id, mine, now))
    return held


def _site_bursts(
    session: Session, settings: Settings, site_id: str, sketches: list[Sketch], now: datetime
) -> dict[str, str]:
    burst = settings.site(site_id).duplicate_burst
    assert burst is not None
    since = now - timedelta(seconds=burst.seconds)
    found = fingerprints.recent(session, site_id, {v for s in sketches for v in s.values}, since)
    batch_ids = {s.comment_id for s in sketches}
    held: dict[str, str] = {}
    elsewhere: set[str] = set()
    for sketch in sketches:
        group = {
            cid: author
            for cid, (author, shared) in found.items()
            if cid == sketch.comment_id or is_near_duplicate(set(sketch.values), shared)
        }
        if len(group) >= burst.comments and len(set(group.values())) >= burst.authors:
            held[sketch.comment_id] = Reason.FLOOD.value
            elsewhere |= set(group) - batch_ids
    fingerprints.hold(session, sorted(elsewhere), now)
    return held
