"""An author's history on a site, read in bounded slices for the verdict phases (issue 12).

Both reads take one statement for a whole batch of authors: a UNION ALL of one LIMITed select
per author, each an index range scan on ``ix_comments_site_author_created`` that stops after
its limit, so neither cost grows with how much an author has posted.

The statements are built once per shape (a kind of read and a number of authors, rounded up to a
few sizes) with bound parameters, and reused: building and compiling a 100-term union each time
cost more than running it, and an identical statement text lets PostgreSQL's driver prepare it
once instead of planning it for every batch.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import CompoundSelect, Integer, Select, bindparam, literal_column, select, union_all
from sqlalchemy.orm import Session

from service.domain import Status
from service.domain.authors import RecentHistory
from service.identity import author_key
from service.models import CommentRow

AuthorKey = tuple[str, str]  # (site_id, author_id)
Rows = Select[*tuple[Any, ...]]
PerAuthor = CompoundSelect[*tuple[Any, ...]]

DECIDED = [s.value for s in (Status.APPROVED, Status.REPORTED, Status.REJECTED, Status.SPAM)]
REJECTED = frozenset({Status.REJECTED.value, Status.SPAM.value})
# Statement sizes (authors per statement); the largest keeps SQLite under its limit of 500 terms
# in a compound select. A batch's authors fill the smallest size that holds them, or several.
_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 200)


def first_comments(
    session: Session, authors: Iterable[AuthorKey], count: int
) -> dict[AuthorKey, list[str]]:
    """The ids of each author's first ``count`` comments on the site, oldest first."""
    found = _per_author(session, authors, _first_statement, {"n": count})
    # A UNION ALL keeps no order of its terms' rows: sort each author's again.
    return {author: [row[1] for row in sorted(rows)] for author, rows in found.items()}


def recent_history(
    session: Session, authors: Iterable[AuthorKey], last: int, since: datetime
) -> dict[AuthorKey, RecentHistory]:
    """How each author's latest ``last`` decided comments posted since ``since`` went."""
    found = _per_author(
        session, authors, _recent_statement, {"n": last, "since": since, "decided": DECIDED}
    )
    return {
        author: RecentHistory(len(rows), sum(row[0] in REJECTED for row in rows))
        for author, rows in found.items()
    }


def _first(site: Any, key: Any) -> Rows:
    return (
        select(CommentRow.created_at, CommentRow.id)
        .where(CommentRow.site_id == site, CommentRow.author_key == key)
        .order_by(CommentRow.created_at, CommentRow.id)
        .limit(bindparam("n", type_=Integer))
    )


def _recent(site: Any, key: Any) -> Rows:
    return (
        select(CommentRow.status)
        .where(
            CommentRow.site_id == site,
            CommentRow.author_key == key,
            CommentRow.created_at >= bindparam("since", type_=CommentRow.created_at.type),
            CommentRow.status.in_(bindparam("decided", expanding=True)),
        )
        .order_by(CommentRow.created_at.desc())
        .limit(bindparam("n", type_=Integer))
    )


def _union(part: Callable[[Any, Any], Rows], size: int) -> PerAuthor:
    # Each LIMITed select is wrapped as a subquery (SQLite allows no ORDER BY/LIMIT on a
    # compound's terms) and tagged with its position, to route its rows back to its author.
    parts = []
    for position in range(size):
        site = bindparam(f"s{position}", type_=CommentRow.site_id.type)
        key = bindparam(f"k{position}", type_=CommentRow.author_key.type)
        inner = part(site, key).subquery()
        parts.append(select(literal_column(str(position), Integer).label("position"), *inner.c))
    return union_all(*parts)


@functools.cache
def _first_statement(size: int) -> PerAuthor:
    return _union(_first, size)


@functools.cache
def _recent_statement(size: int) -> PerAuthor:
    return _union(_recent, size)


def _per_author(
    session: Session,
    authors: Iterable[AuthorKey],
    statement: Callable[[int], PerAuthor],
    params: dict[str, Any],
) -> dict[AuthorKey, list[tuple[Any, ...]]]:
    """The statement's rows for each author (by the ids asked for), one statement per chunk."""
    asked = {(site, author): (site, author_key(author)) for site, author in set(authors)}
    keys = sorted(set(asked.values()))
    rows_by_key: dict[tuple[str, str], list[tuple[Any, ...]]] = {key: [] for key in keys}
    largest = _SIZES[-1]
    for start in range(0, len(keys), largest):
        chunk = keys[start : start + largest]
        size = _SIZES[bisect.bisect_left(_SIZES, len(chunk))]
        # Unused terms repeat the last author; their rows are dropped by position.
        padded = chunk + [chunk[-1]] * (size - len(chunk))
        bound = {**params}
        for position, (site, key) in enumerate(padded):
            bound[f"s{position}"], bound[f"k{position}"] = site, key
        for position, *values in session.execute(statement(size), bound):
            if position < len(chunk):
                rows_by_key[chunk[position]].append(tuple(values))
    return {asked_for: rows_by_key[key] for asked_for, key in asked.items()}
