"""Issue 12: intake refuses a closed article's comments and a suspended author's, per item, in the
batch's own transaction, and the facts of a batch cost the same queries whatever its size."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator, Sequence
from datetime import UTC, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event

from service.articles import Articles
from service.clock import utcnow
from service.domain import Author, AuthorPolicy, NewComment
from service.domain.articles import ArticleSettings
from service.domain.authors import AuthorPolicySetting
from service.errors import AuthorSuspendedError, CommentsClosedError
from service.intake import Intake
from service.moderation import Moderation
from service.settings import Settings
from service.site_settings import RecentRejections, SiteSettings
from service.store import admission, authors
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
    item = dataclasses.replace(new_comment(), idempotency_key="k-1", request_hash="1" * 64)
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


def test_the_policy_set_last_among_look_alike_ids_decides_a_suspension(
    moderation: Moderation, settings: Settings
) -> None:
    workspace = Workspace(moderation.sessions, settings)
    _suspend(moderation, settings, "u-back")
    workspace.set_policy(  # later, for a look-alike id: it lifts the suspension
        SITE, "U-BACK", policy=AuthorPolicy.TRUST, trust_threshold=0.5, note=None, actor="mod"
    )
    workspace.set_policy(
        SITE, "u-gone", policy=AuthorPolicy.TRUST, trust_threshold=0.5, note=None, actor="mod"
    )
    _suspend(moderation, settings, "U-GONE")  # later: it holds

    results, _ = _through_intake(
        moderation,
        [new_comment(author=Author("u-back", "Back")), new_comment(author=Author("u-gone", "G"))],
    )

    assert isinstance(results[0], Stored)
    assert isinstance(results[1], AuthorSuspendedError)


def test_only_a_suspension_in_force_on_the_site_and_a_closed_article_of_the_site_refuse(
    moderation: Moderation,
) -> None:
    past = utcnow() - timedelta(minutes=1)
    with transaction(moderation.sessions) as session:
        authors.set_policy(
            session,
            AuthorPolicySetting(SITE, "u-was", AuthorPolicy.SUSPEND, None, None, "mod", past, past),
        )
    now = utcnow()
    articles = Articles(moderation.sessions)
    articles.set_settings(ArticleSettings("other-site", "article-1", closed=True), "mod")
    articles.set_settings(ArticleSettings(SITE, "open", premoderate=True), "mod")
    items = [
        new_comment(author=Author("u-was", "Was suspended")),  # the suspension has ended
        new_comment(article_id="article-1"),  # closed on another site only
        new_comment(article_id="open"),  # has settings, but is not closed
    ]

    results, batches = _through_intake(moderation, items)

    assert batches == [3]
    assert all(isinstance(r, Stored) and r.is_new for r in results), results
    with transaction(moderation.sessions) as session:
        assert admission.refusals(session, [(SITE, "open", "u-was")], now) == {}


def test_a_suspension_refusal_names_its_author_and_end(
    moderation: Moderation, settings: Settings
) -> None:
    _suspend(moderation, settings, "u-away")
    with transaction(moderation.sessions) as session:
        [policy] = authors.policies_for(session, [(SITE, "u-away")], utcnow()).values()
        refused = admission.refusals(session, [(SITE, "a", "ok"), (SITE, "a", "U-AWAY")], utcnow())

    assert policy.expires_at is not None
    stamp = policy.expires_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    assert list(refused) == [1]
    assert isinstance(refused[1], AuthorSuspendedError)
    assert str(refused[1]) == f"author 'U-AWAY' is suspended until {stamp}"
    assert refused[1].extensions == {"suspended_until": stamp}


def test_intake_refusals_cost_the_same_queries_for_one_comment_or_many(
    moderation: Moderation, statements: list[str]
) -> None:
    def queries_for(count: int) -> int:
        postings = [(SITE, f"article-{n}", f"author-{n}") for n in range(count)]
        with transaction(moderation.sessions) as session:
            statements.clear()
            assert admission.refusals(session, postings, utcnow()) == {}
            return len(statements)

    assert queries_for(1) == queries_for(40) == 1  # both kinds of refusal in one statement
