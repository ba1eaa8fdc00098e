"""Whether new text may be stored at all: closed articles and suspended authors (issue 12).

Read in the transaction that would store the text, for a whole intake batch at once, with one
query per kind of refusal: a refusal is decided on what is committed with the comments and costs
no query per request.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from service.domain import AuthorPolicy
from service.errors import AuthorSuspendedError, CommentDeskError, CommentsClosedError
from service.store import articles, authors

Posting = tuple[str, str, str]  # (site_id, article_id, author_id)


def refusals(
    session: Session, postings: Sequence[Posting], now: datetime
) -> dict[int, CommentDeskError]:
    """Why each refused posting (by its index in ``postings``) may not be stored at ``now``.

    A closed article wins over a suspension: closing is about the article, so the site should
    show it whoever the author is.
    """
    if not postings:
        return {}
    found = articles.settings_for(session, {(site, article) for site, article, _ in postings})
    closed = {key for key, settings in found.items() if settings.closed}
    policies = authors.policies_for(session, {(site, author) for site, _, author in postings}, now)
    refused: dict[int, CommentDeskError] = {}
    for index, (site, article, author) in enumerate(postings):
        policy = policies.get((site, author))
        if (site, article) in closed:
            refused[index] = CommentsClosedError(f"article {article!r} takes no comments")
        elif policy is not None and policy.policy is AuthorPolicy.SUSPEND:
            # The use case stores every suspension with an end; ``now`` only satisfies typing.
            refused[index] = AuthorSuspendedError(author, policy.expires_at or now)
    return refused


def check_posting(session: Session, posting: Posting, now: datetime) -> None:
    """Raise the refusal of one posting (an edit, a pre-submit check), if it is refused."""
    refused = refusals(session, [posting], now)
    if refused:
        raise refused[0]
