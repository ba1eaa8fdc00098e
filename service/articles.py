"""Use cases of per-article settings (issue 12): premoderate all, premoderate links, close.

A site sets them for its own articles (its API key names the site), moderators for any site's.
They apply from the next submission (closed) or the next verdict (premoderation): comments
already decided stay as they are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from service.clock import utcnow
from service.domain.articles import ArticleSettings
from service.store import articles
from service.transaction import transaction


class Articles:
    """Read and set an article's settings."""

    def __init__(
        self, sessions: sessionmaker[Session], clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.sessions = sessions
        self.clock = clock

    def settings(self, site_id: str, article_id: str) -> ArticleSettings:
        """The article's settings (the defaults, unsigned, when none were set)."""
        with transaction(self.sessions) as session:
            return articles.get_settings(session, site_id, article_id)

    def set_settings(self, wanted: ArticleSettings, actor: str) -> ArticleSettings:
        """Replace the article's settings with ``wanted`` (its ``set_by``/``set_at`` are ours)."""
        unsigned = dataclasses.replace(wanted, set_by=None, set_at=None)
        with transaction(self.sessions) as session:
            return articles.set_settings(session, unsigned, actor=actor, now=self.clock())
