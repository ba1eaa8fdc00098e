"""Issue 10: a worker's per-batch reads run on statements built once (Core rows). Each must
return exactly what the ORM query it replaced returned; the old queries are kept here, as they
were, to compare with on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, sessionmaker

from service.domain import Author, Comment, Status
from service.domain.changes import CommentRef
from service.models import CommentRow, ModelVersionRow, WatchListRow
from service.moderation import Moderation
from service.store import decisions, outbox, queues, watched_words
from service.store.comment_keys import in_comment_ids
from service.store.convert import COMMENT_COLUMNS, to_comment
from service.store.registry import thresholds_and_languages
from tests.factories import new_comment, scores
from tests.intake import submit

SITE = "news-site"
WINDOW = timedelta(hours=1)


@pytest.fixture
def stored(moderation: Moderation) -> list[str]:
    """Pending and decided comments: repeats of one author, a reply, a rejected one (with a
    statement of reasons), and a hand-made id that names no comment."""
    repeat = "The same words, posted again by the same author."
    author = Author("again", "Again")
    first = submit(moderation, [new_comment(author=author, body=repeat)])
    moderation.record_classifications([scores(first[0].comment_id)])
    rejected = submit(moderation, [new_comment(body="Buy now, cheap offers!")])
    moderation.record_classifications([scores(rejected[0].comment_id, spam=0.99)])
    batch = submit(
        moderation,
        [
            new_comment(author=author, body=repeat),
            new_comment(author=author, body="Something new from this author."),
            new_comment(),
        ],
    )
    reply = submit(moderation, [new_comment(parent_id=batch[2].comment_id)])
    ids = [s.comment_id for s in (*first, *rejected, *batch, *reply)]
    return [*ids, "not-a-comment-id"]


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions.begin() as session:
        yield session


def _old_pending_comments(session: Session, comment_ids: list[str]) -> list[Comment]:
    rows = session.execute(
        select(*COMMENT_COLUMNS).where(
            in_comment_ids(CommentRow.id, comment_ids),
            CommentRow.status == Status.PENDING.value,
        )
    ).all()
    return [to_comment(r) for r in rows]


def test_pending_comments_are_those_the_orm_query_read(session: Session, stored: list[str]) -> None:
    new = decisions.pending_comments(session, stored)

    assert sorted(new, key=lambda c: c.id) == sorted(
        _old_pending_comments(session, stored), key=lambda c: c.id
    )
    assert {c.status for c in new} == {Status.PENDING}
    assert len(new) == 4
    assert decisions.pending_comments(session, ["not-a-comment-id"]) == []


def _old_repeat_posts(session: Session, batch: list[Comment], window: timedelta) -> set[str]:
    this, other = aliased(CommentRow, name="this"), aliased(CommentRow, name="other")
    query = (
        select(this.id, this.created_at, other.created_at)
        .join(
            other,
            (other.author_key == this.author_key)
            & (other.site_id == this.site_id)
            & (other.body_sha256 == this.body_sha256)
            & (other.id != this.id)
            & (other.created_at <= this.created_at),
        )
        .where(
            this.id.in_([c.id for c in batch]),
            other.created_at >= min(c.created_at for c in batch) - window,
        )
    )
    return {cid for cid, created, seen in session.execute(query) if seen >= created - window}


@pytest.mark.parametrize("window", [WINDOW, timedelta(0)])
def test_repeat_posts_are_those_the_orm_query_found(
    session: Session, stored: list[str], window: timedelta
) -> None:
    batch = decisions.pending_comments(session, stored)

    found = queues.repeat_posts(session, batch, window)

    assert found == _old_repeat_posts(session, batch, window)
    assert len(found) == (1 if window else 0)


def _old_thresholds_and_languages(
    session: Session, ids: list[str]
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    rows = session.execute(
        select(ModelVersionRow.id, ModelVersionRow.thresholds, ModelVersionRow.data_manifest).where(
            ModelVersionRow.id.in_(ids)
        )
    ).all()
    thresholds = {version_id: dict(stored or {}) for version_id, stored, _ in rows}
    languages = {version_id: (manifest or {}).get("languages") for version_id, _, manifest in rows}
    return thresholds, languages


def test_thresholds_and_languages_are_those_the_orm_query_read(session: Session) -> None:
    now = datetime.now(UTC)
    for n, manifest in enumerate([{"languages": ["en", "de"]}, {"rows": 3}, {}]):
        session.add(
            ModelVersionRow(
                id=f"v-{n}", artifact_sha256="0" * 64, artifact_path="a", data_manifest=manifest,
                thresholds={"spam": {"reject": 0.9}} if n == 0 else {}, created_at=now,
            )
        )  # fmt: skip
    ids = ["v-0", "v-1", "v-2", "v-unknown"]

    found = thresholds_and_languages(session, ids)

    assert found == _old_thresholds_and_languages(session, ids)
    assert found[0]["v-0"] == {"spam": {"reject": 0.9}}
    assert found[1] == {"v-0": ["en", "de"], "v-1": None, "v-2": None}


def test_watch_list_versions_are_those_the_orm_query_read(session: Session) -> None:
    now = datetime.now(UTC)
    for n, site in enumerate(["a-site", "b-site"]):
        session.add(WatchListRow(site_id=site, version=n + 5, updated_by="ed", updated_at=now))
    sites = {"a-site", "b-site", "c-site"}
    old = select(WatchListRow.site_id, WatchListRow.version).where(
        WatchListRow.site_id.in_(sorted(sites))
    )

    found = watched_words.versions_for(session, sites)

    assert found == {site_id: int(version) for site_id, version in session.execute(old)}
    assert found == {"a-site": 5, "b-site": 6}


def test_comment_refs_are_those_the_orm_query_read(session: Session, stored: list[str]) -> None:
    ids = stored[:-1]  # the service's ids only, as the store passes
    rows = session.execute(
        select(
            CommentRow.id,
            CommentRow.site_id,
            CommentRow.article_id,
            CommentRow.parent_id,
            CommentRow.revision,
            CommentRow.version,
        ).where(CommentRow.id.in_(ids))
    ).all()

    found = outbox.comment_refs(session, ids)

    assert found == {row.id: CommentRef(*row) for row in rows}
    assert len(found) == 6
    assert any(ref.parent_id is not None for ref in found.values())
