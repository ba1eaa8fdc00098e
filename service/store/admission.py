"""Whether new text may be stored at all: closed articles and suspended authors (issue 12).

Read in the transaction that would store the text, for a whole intake batch at once, with one
query for both kinds of refusal: a refusal is decided on what is committed with the comments and
costs no query per request.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import (
    String,
    literal_column,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from service.domain import AuthorPolicy
from service.errors import AuthorSuspendedError, CommentDeskError, CommentsClosedError
from service.identity import author_key
from service.models import ArticleSettingsRow, AuthorPolicyRow
from service.store import articles, authors
from service.store.prebuilt import read_rows

Posting = tuple[str, str, str]  # (site_id, article_id, author_id)

_POLICIES = AuthorPolicyRow.__table__.c
_ARTICLES = ArticleSettingsRow.__table__.c
# The author policies in force and the closed articles of a batch in one statement, one round
# trip per intake batch instead of two (issue 10): the conditions of ``authors.policies_for`` and
# ``articles.settings_for``, read together. Policies come first: a UNION's result types are its
# first SELECT's, and SQLite needs them to read the times back. Oldest first: where look-alike ids
# have policies, the one set last wins. The author key (32 bytes, a bytea on PostgreSQL:
# HexDigest) and the article id (text) have a column each: PostgreSQL's UNION does not match
# bytea with text.
_REFUSING = union_all(
    select(
        literal_column("'author'", String).label("kind"),
        _POLICIES.site_id,
        _POLICIES.author_key.label("author_key"),
        null().label("article_id"),
        _POLICIES.policy,
        _POLICIES.expires_at,
        _POLICIES.set_at,
    ).where(*authors.IN_FORCE_WHERE),
    select(
        literal_column("'article'", String),
        _ARTICLES.site_id,
        null(),
        _ARTICLES.article_id,
        null(),
        null(),
        null(),
    ).where(*articles.ASKED_FOR_WHERE, _ARTICLES.closed.is_(true())),
).order_by("kind", "set_at")


def refusals(
    session: Session, postings: Sequence[Posting], now: datetime
) -> dict[int, CommentDeskError]:
    """Why each refused posting (by its index in ``postings``) may not be stored at ``now``.

    A closed article wins over a suspension: closing is about the article, so the site should
    show it whoever the author is.
    """
    if not postings:
        return {}
    closed, suspended = _closed_and_suspended(session, postings, now)
    refused: dict[int, CommentDeskError] = {}
    for index, (site, article, author) in enumerate(postings):
        by_key = (site, author_key(author))
        if (site, article) in closed:
            refused[index] = CommentsClosedError(f"article {article!r} takes no comments")
        elif by_key in suspended:
            # The use case stores every suspension with an end; ``now`` only satisfies typing.
            refused[index] = AuthorSuspendedError(author, suspended[by_key] or now)
    return refused


def _closed_and_suspended(
    session: Session, postings: Sequence[Posting], now: datetime
) -> tuple[set[tuple[str, str]], dict[tuple[str, str], datetime | None]]:
    """The closed (site, article) pairs asked for, and the (site, author key) pairs asked for
    whose policy in force is a suspension, with its end."""
    asked_articles = {(site, article) for site, article, _ in postings}
    keys = {(site, author_key(author)) for site, _, author in postings}
    rows = read_rows(
        session,
        _REFUSING,
        {
            "sites": sorted({site for site, _, _ in postings}),
            "articles": sorted({article for _, article in asked_articles}),
            "keys": sorted({key for _, key in keys}),
            "now": now,
        },
    )
    closed = {(r.site_id, r.article_id) for r in rows if r.kind == "article"} & asked_articles
    latest = {(r.site_id, r.author_key): r for r in rows if r.kind == "author"}  # last set wins
    suspended = {
        pair: row.expires_at
        for pair, row in latest.items()
        if pair in keys and AuthorPolicy(row.policy) is AuthorPolicy.SUSPEND
    }
    return closed, suspended


def check_posting(session: Session, posting: Posting, now: datetime) -> None:
    """Raise the refusal of one posting (an edit, a pre-submit check), if it is refused."""
    refused = refusals(session, [posting], now)
    if refused:
        raise refused[0]
