"""Whether new text may be stored at all: closed articles and suspended authors (issue 12).

Read in the transaction that would store the text, for a whole intake batch at once, with one
query per kind of refusal: a refusal is decided on what is committed with the comments and costs
no query per request.

Intake runs these two reads for every batch, so they are built once, as Core statements with
expanding IN parameters, and read only the columns a refusal needs: building the statement,
its cache key and ORM objects each time cost ~0.6 ms of CPU a batch, a fifth of the API's CPU
per comment at 500 comments/s (issue 10, bench/api_cpu.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from service.domain import AuthorPolicy
from service.errors import AuthorSuspendedError, CommentDeskError, CommentsClosedError
from service.identity import author_key
from service.models import ArticleSettingsRow, AuthorPolicyRow

Posting = tuple[str, str, str]  # (site_id, article_id, author_id)

_ARTICLES = ArticleSettingsRow.__table__.c
_POLICIES = AuthorPolicyRow.__table__.c
# Two plain INs (see ``authors.policies_for``); pairs that were not asked for are dropped.
_CLOSED_ARTICLES = select(_ARTICLES.site_id, _ARTICLES.article_id).where(
    _ARTICLES.closed,
    _ARTICLES.site_id.in_(bindparam("sites", expanding=True)),
    _ARTICLES.article_id.in_(bindparam("articles", expanding=True)),
)
# Every policy in force, not only suspensions: as in ``authors.policies_for``, the one set last
# among look-alike author ids wins, so a later policy of another kind lifts a suspension.
_POLICIES_IN_FORCE = (
    select(_POLICIES.site_id, _POLICIES.author_key, _POLICIES.policy, _POLICIES.expires_at)
    .where(
        _POLICIES.site_id.in_(bindparam("sites", expanding=True)),
        _POLICIES.author_key.in_(bindparam("keys", expanding=True)),
        or_(_POLICIES.expires_at.is_(None), _POLICIES.expires_at > bindparam("now")),
    )
    .order_by(_POLICIES.set_at)
)


def refusals(
    session: Session, postings: Sequence[Posting], now: datetime
) -> dict[int, CommentDeskError]:
    """Why each refused posting (by its index in ``postings``) may not be stored at ``now``.

    A closed article wins over a suspension: closing is about the article, so the site should
    show it whoever the author is.
    """
    if not postings:
        return {}
    if session.autoflush:  # Core statements on the connection skip the session's autoflush
        session.flush()
    closed = _closed_articles(session, {(site, article) for site, article, _ in postings})
    keys = {author: author_key(author) for _, _, author in postings}
    suspended = _suspensions(session, {(site, keys[author]) for site, _, author in postings}, now)
    refused: dict[int, CommentDeskError] = {}
    for index, (site, article, author) in enumerate(postings):
        suspended_until = suspended.get((site, keys[author]))
        if (site, article) in closed:
            refused[index] = CommentsClosedError(f"article {article!r} takes no comments")
        elif suspended_until is not None:
            refused[index] = AuthorSuspendedError(author, suspended_until)
    return refused


def _closed_articles(session: Session, wanted: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The closed articles among ``wanted`` ((site_id, article_id) pairs)."""
    rows = session.connection().execute(
        _CLOSED_ARTICLES,
        {"sites": sorted({s for s, _ in wanted}), "articles": sorted({a for _, a in wanted})},
    )
    return {(site, article) for site, article in rows if (site, article) in wanted}


def _suspensions(
    session: Session, wanted: set[tuple[str, str]], now: datetime
) -> dict[tuple[str, str], datetime]:
    """When the suspension in force at ``now`` ends, by (site_id, author_key), among ``wanted``."""
    sites, keys = sorted({s for s, _ in wanted}), sorted({k for _, k in wanted})
    rows = session.connection().execute(
        _POLICIES_IN_FORCE, {"sites": sites, "keys": keys, "now": now}
    )
    latest = {(site, key): (policy, ends) for site, key, policy, ends in rows}  # set_at order
    return {
        # The use case stores every suspension with an end; ``now`` only satisfies typing.
        pair: ends or now
        for pair, (policy, ends) in latest.items()
        if pair in wanted and policy == AuthorPolicy.SUSPEND.value
    }


def check_posting(session: Session, posting: Posting, now: datetime) -> None:
    """Raise the refusal of one posting (an edit, a pre-submit check), if it is refused."""
    refused = refusals(session, [posting], now)
    if refused:
        raise refused[0]
