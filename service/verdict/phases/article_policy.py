"""Phase 3, article policy: what the site or its moderators set for the comment's article.

An article may hold every comment (``article_premoderated``) or those carrying a link to a host
the site's allowlist does not name (``article_premoderated_links``, by the links rule's own
detection). Both only hold: the thresholds may still reject, and a trusted author's comment was
approved by the author policy before this phase runs. Closing an article refuses comments at
intake, so a closed article says nothing here.
"""

from __future__ import annotations

from service.domain import Reason
from service.settings import Settings
from service.verdict.phases.rules import has_link
from service.verdict.pipeline import CommentFacts, Say


class ArticlePolicy:
    """The holds an article's settings ask for, with the site's link allowlist."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def __call__(self, facts: CommentFacts) -> Say | None:
        """A hold for each setting of the article that applies to this comment."""
        article = facts.article
        if article is None:
            return None
        reasons: list[str] = []
        if article.premoderate:
            reasons.append(Reason.ARTICLE_PREMODERATED.value)
        site_id = facts.comment.site_id
        if article.premoderate_links and has_link(
            facts.comment.body, self._settings.links_allowed_for(site_id)
        ):
            reasons.append(Reason.ARTICLE_PREMODERATED_LINKS.value)
        return Say(tuple(reasons)) if reasons else None
