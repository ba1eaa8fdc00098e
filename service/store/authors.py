"""Author policies: moderators' standing instructions for one author of one site."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, delete, or_, select
from sqlalchemy.orm import Session

from service.domain import AuthorPolicy
from service.domain.authors import AuthorPolicySetting
from service.identity import author_key
from service.models import AuthorPolicyRow
from service.store.prebuilt import read_rows

AuthorKey = tuple[str, str]  # (site_id, author_id)

_POLICIES = AuthorPolicyRow.__table__.c
# Every batch (intake's refusals, a worker's verdicts) reads policies: built once
# (service/store/prebuilt.py). Two plain INs rather than a row-value IN: a batch is mostly one
# site, and a 64-pair row IN cost intake ~4 ms a batch on PostgreSQL; pairs that were not asked
# for are dropped. Oldest first: where look-alike ids have policies, the one set last wins.
# IN_FORCE_WHERE takes the parameters ``sites``, ``keys`` (author keys) and ``now``; intake's
# admission reads it in a statement of its own (service/store/admission.py).
IN_FORCE_WHERE = (
    _POLICIES.site_id.in_(bindparam("sites", expanding=True)),
    _POLICIES.author_key.in_(bindparam("keys", expanding=True)),
    or_(_POLICIES.expires_at.is_(None), _POLICIES.expires_at > bindparam("now")),
)
_IN_FORCE = select(AuthorPolicyRow.__table__).where(*IN_FORCE_WHERE).order_by(_POLICIES.set_at)


def get_policy(
    session: Session, site_id: str, author_id: str, now: datetime
) -> AuthorPolicySetting | None:
    """The author's policy, if one is set and has not expired at ``now``."""
    row = session.get(AuthorPolicyRow, (site_id, author_id))
    setting = _setting(row) if row is not None else None
    return setting if setting is not None and setting.is_active(now) else None


def policies_for(
    session: Session, keys: Iterable[AuthorKey], now: datetime
) -> dict[AuthorKey, AuthorPolicySetting]:
    """The policies in force at ``now`` of many authors in one query (a worker's batch, an
    intake batch), by the ids asked for.

    Authors are matched on their normalised key (service.identity), so a policy set for
    ``u-ban`` also holds for ``U-BAN`` or a fullwidth ``u-ban``; where several look-alike ids
    have policies, the one set last wins. An expired policy is left out: expiry is a comparison
    with ``now``, so nothing has to run when a policy ends.
    """
    asked = {(site, author): (site, author_key(author)) for site, author in set(keys)}
    if not asked:
        return {}
    wanted = set(asked.values())
    rows = read_rows(
        session,
        _IN_FORCE,
        {
            "sites": sorted({site for site, _ in wanted}),
            "keys": sorted({key for _, key in wanted}),
            "now": now,
        },
    )
    by_key = {  # the latest one wins
        (r.site_id, r.author_key): _setting(r) for r in rows if (r.site_id, r.author_key) in wanted
    }
    return {asked_for: by_key[key] for asked_for, key in asked.items() if key in by_key}


def set_policy(session: Session, setting: AuthorPolicySetting) -> AuthorPolicySetting:
    """Create or replace the author's policy."""
    row = session.get(AuthorPolicyRow, (setting.site_id, setting.author_id))
    if row is None:
        row = AuthorPolicyRow(
            site_id=setting.site_id,
            author_id=setting.author_id,
            author_key=author_key(setting.author_id),
        )
        session.add(row)
    row.policy = setting.policy.value
    row.trust_threshold = setting.trust_threshold
    row.note = setting.note
    row.set_by = setting.set_by
    row.set_at = setting.set_at
    row.expires_at = setting.expires_at
    session.flush()
    return _setting(row)


def delete_policy(session: Session, site_id: str, author_id: str) -> bool:
    """Remove the author's policy; False when there was none."""
    result = session.execute(
        delete(AuthorPolicyRow).where(
            AuthorPolicyRow.site_id == site_id, AuthorPolicyRow.author_id == author_id
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _setting(row: AuthorPolicyRow | Row[Any]) -> AuthorPolicySetting:
    return AuthorPolicySetting(
        site_id=row.site_id,
        author_id=row.author_id,
        policy=AuthorPolicy(row.policy),
        trust_threshold=row.trust_threshold,
        note=row.note,
        set_by=row.set_by,
        set_at=row.set_at,
        expires_at=row.expires_at,
    )
