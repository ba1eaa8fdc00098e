"""Issue 12: intake refuses a closed article's comments and a suspended author's, per item, in the
batch's own transaction, and the facts of a batch cost the same queries whatever its size."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event

from service.articles import Articles
from service.clock import utcnow
from service.domain import Author, AuthorPolicy, NewComment
from service.domain.articles import ArticleSettings
from service.errors import AuthorSuspendedError, CommentsClosedError
from service.intake import Intake
from service.moderation import Moderation
from service.settings import Settings
from service.site_settings import RecentRejections, SiteSettings
from service.store.comments import Stored
from service.transaction import transaction
from service.verdict.facts import read_facts
from service.workspace import Workspace
from tests.factories import new_comment, scores

SITE = "news-site"  # new_comment's site


def _through_intake(
    moderation: Moderation, items: Sequence[NewComment]
) -> tuple[list[Stored | BaseException], list[int]]:
    """Each item's outcome, and the size of every batch intake wrote."""
    batches: list[int] = []

    def store(batch: Sequence[NewComment]) -> list[Stored]:
        batches.append(len(batch))
        return moderation.store(batch)

    async def scenario() -> list[Stored | BaseException]:
        intake = Intake(store, None, max_batch=64)
        results = await asyncio.gather(
            *(intake.submit(item) for item in items), return_exceptions=True
        )
        await intake.close()
        return results

    return asyncio.run(scenario()), batches


def _suspend(moderation: Moderation, settings: Settings, author_id: str) -> None:
    Workspace(moderation.sessions, settings).set_policy(
        SITE, author_id, policy=AuthorPolicy.SUSPEND, trust_threshold=None, note=None,
        actor="mod", expires_at=utcnow() + timedelta(hours=1),
    )  # fmt: skip


def test_refusals_fail_only_their_senders_in_one_batch(
    moderation: Moderation, settings: Settings
) -> None:
    Articles(moderation.sessions).set_settings(ArticleSettings(SITE, "shut", closed=True), "mod")
    _suspend(moderation, settings, "u-away")
    items = [
        new_comment(),
        new_comment(article_id="shut"),
        new_comment(author=Author("U-AWAY", "Look-alike id")),  # the author key matches
        new_comment(),
    ]

    results, batches = _through_intake(moderation, items)

    assert batches == [4]  # written together: no one-by-one fallback
    assert isinstance(results[1], CommentsClosedError)
    assert isinstance(results[2], AuthorSuspendedError)
    stored = [r for r in results if isinstance(r, Stored)]
    assert [moderation.get_comment(s.comment_id).body for s in stored] == [
        items[0].body,
        items[3].body,
    ]


def test_a_retry_of_a_comment_stored_before_closing_is_replayed_not_refused(
    moderation: Moderation,
) -> None:
    item = dataclasses.replace(new_comment(), idempotency_key="k-1", request_hash="h-1")
    [first] = moderation.store([item])
    Articles(moderation.sessions).set_settings(
        ArticleSettings(SITE, item.article_id, closed=True), "mod"
    )

    [again], _ = _through_intake(moderation, [item])

    assert isinstance(again, Stored)
    assert (again.comment_id, again.is_new) == (first.comment_id, False)


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine runs while the test does."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_a_batchs_facts_cost_the_same_queries_for_one_author_or_many(
    moderation: Moderation, settings: Settings, statements: list[str]
) -> None:
    site = SiteSettings(
        first_comments_held=3, recent_rejections=RecentRejections(0.5, 2, 10, 3600.0)
    )
    ruled = dataclasses.replace(settings, sites=dataclasses.replace(settings.sites, default=site))

    def queries_for(items: list[NewComment]) -> int:
        stored = moderation.store(items)
        results = [scores(s.comment_id) for s in stored]
        statements.clear()
        with transaction(moderation.sessions) as session:
            facts = read_facts(session, ruled, results, now=utcnow())
        assert [f.earlier_comments for f in facts] == [0] * len(items)
        return len(statements)

    one = queries_for([new_comment()])
    many = queries_for([new_comment() for _ in range(40)])

    assert many == one
