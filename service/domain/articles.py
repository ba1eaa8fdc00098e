"""What a site or its moderators set for one article: plain values, no I/O."""

from __future__ import annotations

import dataclasses
from datetime import datetime


@dataclasses.dataclass(frozen=True)
class ArticleSettings:
    """How one article of one site takes comments. ``set_by`` None: never set (the defaults)."""

    site_id: str
    article_id: str
    premoderate: bool = False  # hold every comment for a moderator
    premoderate_links: bool = False  # hold the comments that carry a link
    closed: bool = False  # take no new comments (409 comments-closed), nor edits
    set_by: str | None = None
    set_at: datetime | None = None

    @property
    def is_default(self) -> bool:
        """Whether nothing is asked of this article's comments beyond the site's policy."""
        return not (self.premoderate or self.premoderate_links or self.closed)
