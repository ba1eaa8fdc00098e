"""An author's history on a site, read in bounded slices for the verdict phases (issue 12).

Both reads take one statement for a whole batch of authors: a UNION ALL of one LIMITed select
per author, each an index range scan on ``ix_comments_site_author_created``, so neither cost
grows with how much an author has posted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, literal, select, union_all
from sqlalchemy.orm import Session

from service.domain import Status
from service.domain.authors import RecentHistory
from service.identity import author_key
from service.models import CommentRow

AuthorKey = tuple[str, str]  # (site_id, author_id)

DECIDED = (Status.APPROVED, Status.REPORTED, Status.REJECTED, Status.SPAM)
REJECTED = frozenset({Status.REJECTED.value, Status.SPAM.value})
# SQLite refuses a compound select of more than 500 terms; a batch's authors go in chunks.
_CHUNK = 200


def first_comments(
    session: Session, authors: Iterable[AuthorKey], count: int
) -> dict[AuthorKey, list[str]]:
    """The ids of each author's first ``count`` comments on the site, oldest first."""

    def first(site: str, key: str) -> Select[*tuple[Any, ...]]:
        return (
            select(CommentRow.created_at, CommentRow.id)
            .where(CommentRow.site_id == site, CommentRow.author_key == key)
            .order_by(CommentRow.created_at, CommentRow.id)
            .limit(count)
        )

    found = _per_author(session, authors, first)
    # A UNION ALL keeps no order of its terms' rows: sort each author's again.
    return {author: [row[1] for row in sorted(rows)] for author, rows in found.items()}


def recent_history(
    session: Session, authors: Iterable[AuthorKey], last: int, since: datetime
) -> dict[AuthorKey, RecentHistory]:
    """How each author's latest ``last`` decided comments posted since ``since`` went."""
    decided = [s.value for s in DECIDED]

    def latest(site: str, key: str) -> Select[*tuple[Any, ...]]:
        return (
            select(CommentRow.status)
            .where(
                CommentRow.site_id == site,
                CommentRow.author_key == key,
                CommentRow.created_at >= since,
                CommentRow.status.in_(decided),
            )
            .order_by(CommentRow.created_at.desc())
            .limit(last)
        )

    found = _per_author(session, authors, latest)
    return {
        author: RecentHistory(len(rows), sum(row[0] in REJECTED for row in rows))
        for author, rows in found.items()
    }


def _per_author(
    session: Session,
    authors: Iterable[AuthorKey],
    query: Callable[[str, str], Select[*tuple[Any, ...]]],
) -> dict[AuthorKey, list[tuple[Any, ...]]]:
    """``query``'s rows for each author (by the ids asked for), one statement per chunk."""
    asked = {(site, author): (site, author_key(author)) for site, author in set(authors)}
    keys = sorted(set(asked.values()))
    rows_by_key: dict[tuple[str, str], list[tuple[Any, ...]]] = {key: [] for key in keys}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        # Each LIMITed select is wrapped as a subquery (SQLite allows no ORDER BY/LIMIT on a
        # compound's terms) and tagged with its position to route its rows back.
        parts = []
        for position, (site, key) in enumerate(chunk):
            inner = query(site, key).subquery()
            parts.append(select(literal(position).label("position"), *inner.c))
        for position, *values in session.execute(union_all(*parts)):
            rows_by_key[chunk[position]].append(tuple(values))
    return {asked_for: rows_by_key[key] for asked_for, key in asked.items()}
