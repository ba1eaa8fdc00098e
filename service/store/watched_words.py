"""Sites' watched-word lists: entries, and the version every change bumps."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.domain.watched_words import WatchedWord, WatchKind, WatchList
from service.models import WatchedWordRow, WatchListRow
from service.store.prebuilt import read_rows


class NewEntry(NamedTuple):
    """An entry to store: the phrase as written, its folded words and its kind."""

    phrase: str
    folded: str
    kind: WatchKind


def watch_list(session: Session, site_id: str) -> WatchList:
    """The site's list (version 0 and no words when it never had one)."""
    return lists_for(session, [site_id]).get(site_id) or WatchList(site_id, 0, ())


def count_entries(session: Session, site_id: str) -> int:
    """How many entries the site's list holds."""
    query = select(func.count()).where(WatchedWordRow.site_id == site_id)
    return int(session.scalar(query) or 0)


def versions_for(session: Session, site_ids: Collection[str]) -> dict[str, int]:
    """The list version of each of these sites that has a list."""
    rows = read_rows(session, _VERSIONS_FOR, {"sites": sorted(site_ids)})
    return {row.site_id: int(row.version) for row in rows}


# A worker reads it for every batch: built once (service/store/prebuilt.py).
_LISTS = WatchListRow.__table__.c
_VERSIONS_FOR = select(_LISTS.site_id, _LISTS.version).where(
    _LISTS.site_id.in_(bindparam("sites", expanding=True))
)


def lists_for(session: Session, site_ids: Collection[str]) -> dict[str, WatchList]:
    """The whole lists of these sites that have one, in two queries."""
    heads = session.scalars(select(WatchListRow).where(WatchListRow.site_id.in_(sorted(site_ids))))
    found = {h.site_id: h for h in heads}
    words: dict[str, list[WatchedWord]] = {site_id: [] for site_id in found}
    rows = session.scalars(select(WatchedWordRow).where(WatchedWordRow.site_id.in_(sorted(found))))
    for row in rows:
        words[row.site_id].append(_word(row))
    # Sorted here, not by the database: collations differ between backends and locales.
    return {
        site_id: WatchList(
            site_id,
            h.version,
            tuple(sorted(words[site_id], key=lambda w: (w.kind, w.phrase.casefold(), w.id))),
            h.updated_at,
            h.updated_by,
        )
        for site_id, h in found.items()
    }


def add_entries(
    session: Session, site_id: str, entries: Sequence[NewEntry], by: str, at: datetime
) -> int:
    """Add entries (an entry whose words are listed already takes the new kind); the new version."""
    version = _bump(session, site_id, by, at)
    _insert(session, site_id, entries, by, at)
    return version


def _insert(
    session: Session, site_id: str, entries: Sequence[NewEntry], by: str, at: datetime
) -> None:
    existing = {
        row.folded: row
        for row in session.scalars(
            select(WatchedWordRow).where(
                WatchedWordRow.site_id == site_id,
                WatchedWordRow.folded.in_([e.folded for e in entries]),
            )
        )
    }
    for entry in entries:
        row = existing.get(entry.folded)
        if row is None:
            row = WatchedWordRow(
                site_id=site_id,
                kind=entry.kind.value,
                phrase=entry.phrase,
                folded=entry.folded,
                added_by=by,
                added_at=at,
            )
            session.add(row)
            existing[entry.folded] = row
        elif row.kind != entry.kind.value:
            row.kind, row.phrase, row.added_by, row.added_at = (
                entry.kind.value,
                entry.phrase,
                by,
                at,
            )
    session.flush()


def remove_entry(session: Session, site_id: str, word_id: int, by: str, at: datetime) -> bool:
    """Remove one entry of the site's list; False when the list has no such entry (the caller
    rolls back: the version moved only if something was removed)."""
    _bump(session, site_id, by, at)  # the list's lock first, as every change takes it
    result = session.execute(
        delete(WatchedWordRow).where(
            WatchedWordRow.id == word_id, WatchedWordRow.site_id == site_id
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def replace_entries(
    session: Session, site_id: str, entries: Sequence[NewEntry], by: str, at: datetime
) -> int:
    """Make the site's list exactly ``entries``; the new version."""
    version = _bump(session, site_id, by, at)
    session.execute(delete(WatchedWordRow).where(WatchedWordRow.site_id == site_id))
    _insert(session, site_id, entries, by, at)
    return version


def _bump(session: Session, site_id: str, by: str, at: datetime) -> int:
    """The site's list version plus one; the UPDATE also locks the row until the commit, so
    concurrent changes to one list are serialised."""
    changed = update(WatchListRow).where(WatchListRow.site_id == site_id)
    statement = changed.values(
        version=WatchListRow.version + 1, updated_by=by, updated_at=at
    ).returning(WatchListRow.version)
    version = session.execute(statement).scalar()
    if version is not None:
        return int(version)
    values = {"site_id": site_id, "version": 0, "updated_by": by, "updated_at": at}
    insert: Any = (
        postgresql.insert(WatchListRow)
        if session.get_bind().dialect.name == "postgresql"
        else sqlite.insert(WatchListRow)
    )
    # Two first changes at once: the second insert finds the first one's row and bumps it.
    session.execute(insert.values(values).on_conflict_do_nothing(index_elements=["site_id"]))
    return int(session.execute(statement).scalar_one())


def _word(row: WatchedWordRow) -> WatchedWord:
    return WatchedWord(
        id=row.id,
        site_id=row.site_id,
        kind=WatchKind(row.kind),
        phrase=row.phrase,
        added_by=row.added_by,
        added_at=row.added_at,
    )
