"""Bursts of near-duplicates across authors, held as a group at verdict time.

When a worker records a batch, each comment's cluster keys are stored, then every key of the
batch is counted over the site's last ``DUPLICATE_BURST`` seconds (one aggregate query, which
returns only the clusters with enough comments by enough distinct authors). A comment in such a
cluster is held (reason ``flood``).
The batch in which a cluster first reaches the threshold also holds the rest of it: still
pending ones will be held by their verdict, published ones leave the site (a ``held`` action).
Later members are held as they come, so the group is held once, not on every batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from service.domain import Comment, Reason
from service.flood.duplicates import fingerprint
from service.settings import Settings
from service.site_settings import DuplicateBurst
from service.store import fingerprints
from service.store.fingerprints import Cluster, Sketch


def burst_holds(
    session: Session, settings: Settings, comments: Sequence[Comment], now: datetime
) -> dict[str, str]:
    """Store the batch's keys and find its bursts; returns the batch's ids to hold (→ reason)."""
    sketches = [
        Sketch(c.id, c.site_id, c.author.id, frozenset(values), c.created_at)
        for c in comments
        if settings.site(c.site_id).duplicate_burst is not None and (values := fingerprint(c.body))
    ]
    fingerprints.add(session, sketches)
    held: dict[str, str] = {}
    for site_id in sorted({s.site_id for s in sketches}):
        burst = settings.site(site_id).duplicate_burst
        assert burst is not None
        mine = [s for s in sketches if s.site_id == site_id]
        held.update(_site_bursts(session, site_id, burst, mine, now))
    return held


def _site_bursts(
    session: Session, site_id: str, burst: DuplicateBurst, sketches: list[Sketch], now: datetime
) -> dict[str, str]:
    since = now - timedelta(seconds=burst.seconds)
    values = {v for s in sketches for v in s.values}
    counted = fingerprints.clusters(
        session, site_id, values, since, Cluster(burst.comments, burst.authors)
    )
    bursting = set(counted)  # only the clusters that reach both thresholds are counted
    held = {s.comment_id: Reason.FLOOD.value for s in sketches if s.values & bursting}
    batch_ids = {s.comment_id for s in sketches}
    for value in sorted(bursting):
        in_batch = sum(value in s.values for s in sketches)
        if counted[value].comments - in_batch < burst.comments:  # it crossed in this batch
            earlier = set(fingerprints.members(session, site_id, value, since)) - batch_ids
            fingerprints.hold(session, sorted(earlier), now)
    return held
