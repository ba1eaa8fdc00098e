"""Use cases of the watched-word lists: ops read and change a site's banned and suspect words.

Every change bumps the list's version in the same transaction, so a worker compiles a list once
per version (``service.verdict.facts``) and sees a change from its next batch on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from service.clock import utcnow
from service.domain.watched_words import (
    LIST_MAX_ENTRIES,
    PHRASE_MAX_CHARS,
    PHRASE_MAX_WORDS,
    WatchKind,
    WatchList,
)
from service.errors import FieldError, NotFoundError, ValidationError, WatchListChangedError
from service.store import watched_words as store
from service.store.watched_words import NewEntry
from service.transaction import transaction
from service.wordmatch.folding import fold_entry


class WatchedWords:
    """Read, add to, remove from and replace a site's watched-word list."""

    def __init__(
        self, sessions: sessionmaker[Session], clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.sessions = sessions
        self.clock = clock

    def get(self, site_id: str) -> WatchList:
        """The site's list (version 0 and empty when it never had one)."""
        with transaction(self.sessions) as session:
            return store.watch_list(session, site_id)

    def add(self, site_id: str, kind: WatchKind, phrases: Sequence[str], actor: str) -> WatchList:
        """Add phrases of one kind; a phrase listed already (as it folds) takes this kind."""
        entries = checked_entries(phrases, kind, "/phrases")
        with transaction(self.sessions) as session:
            store.add_entries(session, site_id, entries, actor, self.clock())
            # Counted under the list's lock, after the add; past the cap it all rolls back.
            _check_size(store.count_entries(session, site_id), "/phrases")
            return store.watch_list(session, site_id)

    def remove(self, site_id: str, word_id: int, actor: str) -> WatchList:
        """Remove one entry; NotFoundError (nothing changed) when the list has no such entry."""
        with transaction(self.sessions) as session:
            if not store.remove_entry(session, site_id, word_id, actor, self.clock()):
                raise NotFoundError(f"site {site_id!r} has no watched word {word_id}")
            return store.watch_list(session, site_id)

    def replace(
        self,
        site_id: str,
        banned: Sequence[str],
        suspect: Sequence[str],
        actor: str,
        expected_version: int | None = None,
    ) -> WatchList:
        """Make the list exactly these phrases (banned wins where both name the same words);
        with ``expected_version``, WatchListChangedError if the list is at another one."""
        entries = _checked_lists(banned, suspect)
        unique = {e.folded: e for e in reversed(entries)}  # the first (banned) one stays
        _check_size(len(unique), "")
        with transaction(self.sessions) as session:
            # Compared under the list's lock, which the replace takes first: two replaces of one
            # version cannot both pass. A refusal rolls the replace back.
            version = store.replace_entries(
                session, site_id, list(unique.values()), actor, self.clock()
            )
            if expected_version is not None and version != expected_version + 1:
                raise WatchListChangedError(
                    f"the list is at version {version - 1}, not {expected_version}"
                )
            return store.watch_list(session, site_id)


def _checked_lists(banned: Sequence[str], suspect: Sequence[str]) -> list[NewEntry]:
    """Both lists' phrases as entries; ValidationError naming every phrase at fault in either."""
    entries: list[NewEntry] = []
    errors: list[FieldError] = []
    for phrases, kind, pointer in (
        (banned, WatchKind.BANNED, "/banned"),
        (suspect, WatchKind.SUSPECT, "/suspect"),
    ):
        try:
            entries.extend(checked_entries(phrases, kind, pointer))
        except ValidationError as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationError(errors)
    return entries


def checked_entries(phrases: Sequence[str], kind: WatchKind, pointer: str) -> list[NewEntry]:
    """The phrases as entries to store; ValidationError naming every phrase at fault."""
    errors: list[FieldError] = []
    entries: list[NewEntry] = []
    for index, phrase in enumerate(phrases):
        at = f"{pointer}/{index}"
        written = " ".join(phrase.split())
        folded = fold_entry(written)
        if not written:
            errors.append(FieldError(at, "must not be empty"))
        elif len(written) > PHRASE_MAX_CHARS:
            errors.append(FieldError(at, f"must be at most {PHRASE_MAX_CHARS} characters"))
        elif not folded:
            errors.append(FieldError(at, "must contain a letter or a digit"))
        elif len(folded.split()) > PHRASE_MAX_WORDS:
            errors.append(FieldError(at, f"must be at most {PHRASE_MAX_WORDS} words"))
        else:
            entries.append(NewEntry(written, folded, kind))
    if errors:
        raise ValidationError(errors)
    return entries


def _check_size(size: int, pointer: str) -> None:
    if size > LIST_MAX_ENTRIES:
        raise ValidationError(
            [FieldError(pointer, f"a list holds at most {LIST_MAX_ENTRIES} entries, not {size}")]
        )
