"""Watched words: per-site lists of words and phrases that reject or hold a comment."""

from __future__ import annotations

import dataclasses
import enum
from datetime import datetime

# Limits on what ops may put in a list: a phrase is a few words, and a list stays small enough
# to compile in milliseconds (a 5,000-entry list compiles in about 0.1 s, once per version).
PHRASE_MAX_CHARS = 100
PHRASE_MAX_WORDS = 8
LIST_MAX_ENTRIES = 5_000


class WatchKind(enum.StrEnum):
    """What a match does to a comment."""

    BANNED = "banned"  # rejected, reason banned_word
    SUSPECT = "suspect"  # held for review, reason suspect_word


@dataclasses.dataclass(frozen=True)
class WatchedWord:
    """One entry of a site's list, as ops wrote it."""

    id: int
    site_id: str
    kind: WatchKind
    phrase: str
    added_by: str
    added_at: datetime


@dataclasses.dataclass(frozen=True)
class WatchList:
    """A site's whole list at one version (the version goes up with every change)."""

    site_id: str
    version: int
    words: tuple[WatchedWord, ...]
    updated_at: datetime | None = None
    updated_by: str | None = None


@dataclasses.dataclass(frozen=True)
class WatchedMatch:
    """Where a list entry matched a comment: ``text`` is ``body[start:end]``, as written."""

    start: int
    end: int
    text: str
    phrase: str  # the list entry it matched
    kind: WatchKind
