"""Article settings: what a site or its moderators set for one article (issue 12)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from service.domain.articles import ArticleSettings
from service.models import ArticleSettingsRow
from service.store.prebuilt import read_rows

ArticleKey = tuple[str, str]  # (site_id, article_id)

_ARTICLES = ArticleSettingsRow.__table__.c
# Read for every batch (intake's refusals, a worker's verdicts): built once
# (service/store/prebuilt.py). Two plain INs (see ``authors.policies_for``); pairs not asked for
# are dropped.
# Parameters ``sites`` and ``articles``; intake's admission reads it in a statement of its own
# (service/store/admission.py).
ASKED_FOR_WHERE = (
    _ARTICLES.site_id.in_(bindparam("sites", expanding=True)),
    _ARTICLES.article_id.in_(bindparam("articles", expanding=True)),
)
_FOR_ARTICLES = select(ArticleSettingsRow.__table__).where(*ASKED_FOR_WHERE)


def get_settings(session: Session, site_id: str, article_id: str) -> ArticleSettings:
    """The article's settings (the defaults when none were set)."""
    row = session.get(ArticleSettingsRow, (site_id, article_id))
    return _settings(row) if row is not None else ArticleSettings(site_id, article_id)


def settings_for(session: Session, keys: Iterable[ArticleKey]) -> dict[ArticleKey, ArticleSettings]:
    """The settings of many articles in one query, for those that have any (a batch)."""
    wanted = set(keys)
    if not wanted:
        return {}
    rows = read_rows(
        session,
        _FOR_ARTICLES,
        {
            "sites": sorted({site for site, _ in wanted}),
            "articles": sorted({article for _, article in wanted}),
        },
    )
    return {
        (r.site_id, r.article_id): _settings(r) for r in rows if (r.site_id, r.article_id) in wanted
    }


def set_settings(
    session: Session, settings: ArticleSettings, *, actor: str, now: datetime
) -> ArticleSettings:
    """Create or replace the article's settings, signed by ``actor`` at ``now``."""
    row = session.get(ArticleSettingsRow, (settings.site_id, settings.article_id))
    if row is None:
        row = ArticleSettingsRow(site_id=settings.site_id, article_id=settings.article_id)
        session.add(row)
    row.premoderate = settings.premoderate
    row.premoderate_links = settings.premoderate_links
    row.closed = settings.closed
    row.set_by = actor
    row.set_at = now
    session.flush()
    return _settings(row)


def _settings(row: ArticleSettingsRow | Row[Any]) -> ArticleSettings:
    return ArticleSettings(
        site_id=row.site_id,
        article_id=row.article_id,
        premoderate=row.premoderate,
        premoderate_links=row.premoderate_links,
        closed=row.closed,
        set_by=row.set_by,
        set_at=row.set_at,
    )
