"""Response shapes of the watched-word lists (wire Structs)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta

from service.domain.watched_words import WatchKind
from service.http.wire import Response_


class WatchedWord(Response_):
    """One entry of a site's list, as ops wrote it."""

    id: int
    kind: WatchKind
    phrase: str
    added_by: str
    added_at: datetime


class WatchList(Response_):
    """A site's banned and suspect words and phrases."""

    site_id: str
    version: Annotated[
        int, Meta(description="goes up with every change; 0: the site never had a list")
    ]
    updated_at: datetime | None
    updated_by: str | None
    banned: Annotated[list[WatchedWord], Meta(description="a match rejects (banned_word)")]
    suspect: Annotated[list[WatchedWord], Meta(description="a match holds (suspect_word)")]
    max_entries: Annotated[int, Meta(description="most entries a list may hold")]
