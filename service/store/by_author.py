"""Which comments an author id names, spelled so that ``ix_comments_site_author_created`` finds
them (issue 10: the comments table keeps no other index by author).

Every comment's ``author_key`` is ``service.identity.author_key(author_id)`` (an erasure sets
both, see ``store.erasure.anonymise_author``), so ``site_id = ? AND author_key = ?`` narrows the
index to the look-alike ids of one author, and ``author_id = ?`` keeps exactly the id asked for:
the same rows as ``author_id = ?`` alone, read from a few index entries instead of a table scan.
"""

from __future__ import annotations

import functools

from sqlalchemy import ColumnElement, Select, func, select

from service.identity import author_key
from service.models import CommentRow


def on_site(site_id: str, author_id: str) -> list[ColumnElement[bool]]:
    """The comments ``author_id`` wrote on ``site_id``."""
    return [
        CommentRow.site_id == site_id,
        CommentRow.author_key == author_key(author_id),
        CommentRow.author_id == author_id,
    ]


def on_any_site(author_id: str) -> list[ColumnElement[bool]]:
    """The comments ``author_id`` wrote on any site (the moderators' queues span every site):
    one index range per site, the sites found by :func:`sites`."""
    return [
        CommentRow.site_id.in_(sites()),
        CommentRow.author_key == author_key(author_id),
        CommentRow.author_id == author_id,
    ]


@functools.cache
def sites() -> Select[tuple[str | None]]:
    """Every site with comments (and a NULL that ends the walk): each step is one index seek for
    the next site after the last one, so finding a handful of sites never reads the comments.
    Built once: it takes no parameters, and building it cost more than running it."""
    first = select(func.min(CommentRow.site_id).label("site_id")).cte("sites", recursive=True)
    # ORDER BY … LIMIT 1, not min(): SQLite's min() over a range reads the whole range.
    after = (
        select(CommentRow.site_id)
        .where(CommentRow.site_id > first.c.site_id)
        .order_by(CommentRow.site_id)
        .limit(1)
    )
    following = select(after.scalar_subquery()).where(first.c.site_id.is_not(None))
    walk = first.union_all(following)
    return select(walk.c.site_id)
