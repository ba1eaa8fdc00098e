"""Phase 4, author history: the site's rules about who is still new or recently troublesome.

``first_comments`` holds each author's first N comments on a site
(``COMMENTDESK_FIRST_COMMENTS_HELD``); ``recent_rejections`` holds an author's comments while
their recent rejection share passes ``COMMENTDESK_RECENT_REJECTIONS``. Both only hold. The facts
are bounded reads made once per batch (``service.verdict.facts``); the hold ends by itself as the
counted comments age out of the window, so nothing is stored to be undone later.
"""

from __future__ import annotations

from service.domain import Reason
from service.settings import Settings
from service.verdict.pipeline import CommentFacts, Say


class AuthorHistory:
    """The holds the author's history on the comment's site calls for."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def __call__(self, facts: CommentFacts) -> Say | None:
        """``first_comments`` and/or ``recent_rejections``, or nothing."""
        site = self._settings.site(facts.comment.site_id)
        reasons: list[str] = []
        earlier = facts.earlier_comments
        if earlier is not None and earlier < site.first_comments_held:
            reasons.append(Reason.FIRST_COMMENTS.value)
        rule = site.recent_rejections
        if rule is not None and rule.is_tripped(facts.history):
            reasons.append(Reason.RECENT_REJECTIONS.value)
        return Say(tuple(reasons)) if reasons else None
