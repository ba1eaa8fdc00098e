"""Issue 12's holds and refusals through a real RQ worker, on SQLite and PostgreSQL: article
settings, first comments, recent rejections, and timed author policies."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta

import pytest

from service.articles import Articles
from service.clock import utcnow
from service.domain import Author, AuthorPolicy, Decision, ModelVersion, Status
from service.domain.articles import ArticleSettings
from service.domain.authors import RecentHistory
from service.errors import AuthorSuspendedError, CommentsClosedError
from service.moderation import Moderation
from service.settings import Settings
from service.site_settings import RecentRejections, SiteSettings
from service.workspace import Workspace
from tests.intake import submit
from tests.integration.workers.worker_factories import make_comment
from workers.context import WorkerContext

SITE = "site-1"  # make_comment's site
LINK = "Details at https://example.org/offer for anyone curious."


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Site-1 holds every author's first two comments, and trips the recent-history trigger
    at half of at least two decided comments within the hour."""
    site = SiteSettings(
        first_comments_held=2,
        recent_rejections=RecentRejections(share=0.5, min_decided=2, last=5, seconds=3600.0),
    )
    return dataclasses.replace(settings, sites=dataclasses.replace(settings.sites, default=site))


def _statuses(moderation: Moderation, ids: list[str]) -> list[tuple[Status, tuple[str, ...]]]:
    return [
        (comment.status, comment.reasons)
        for comment in (moderation.get_comment(comment_id) for comment_id in ids)
    ]


def _veteran(name: str) -> Author:
    """An author whose first comments are behind them (so first_comments does not hold)."""
    return Author(name, "Reader")


def _past_first_comments(moderation: Moderation, author: Author) -> None:
    stored = submit(moderation, [make_comment(f"Warm-up {i}.", author=author) for i in range(2)])
    for item in stored:
        moderation.decide(
            item.comment_id, decision=Decision.APPROVE, actor="mod", reason=None, note=None,
            expected_version=None,
        )  # fmt: skip


def test_article_settings_hold_every_comment_or_those_with_links(
    moderation: Moderation,
    worker_context: WorkerContext,
    champion: ModelVersion,
    run_burst: Callable[[], bool],
) -> None:
    author = _veteran("u-article")
    _past_first_comments(moderation, author)
    articles = Articles(moderation.sessions)
    articles.set_settings(ArticleSettings(SITE, "held", premoderate=True), "mod")
    articles.set_settings(ArticleSettings(SITE, "links", premoderate_links=True), "mod")
    stored = submit(moderation, [
        make_comment("A calm remark.", author=author, article_id="held"),
        make_comment(LINK, author=author, article_id="links"),
        make_comment("No link here.", author=author, article_id="links"),
        make_comment("An open article.", author=author, article_id="open"),
    ])  # fmt: skip

    assert run_burst()

    assert _statuses(moderation, [s.comment_id for s in stored]) == [
        (Status.WITHHELD, ("article_premoderated",)),
        (Status.WITHHELD, ("article_premoderated_links", "links")),
        (Status.APPROVED, ()),
        (Status.APPROVED, ()),
    ]


def test_a_closed_article_refuses_comments_and_edits_but_not_other_articles(
    moderation: Moderation, worker_context: WorkerContext, champion: ModelVersion
) -> None:
    author = _veteran("u-closed")
    [earlier] = submit(moderation, [make_comment("Before closing.", author=author)])
    Articles(moderation.sessions).set_settings(ArticleSettings(SITE, "article-1", closed=True), "m")

    with pytest.raises(CommentsClosedError):
        submit(moderation, [make_comment("After closing.", author=author)])
    [elsewhere] = submit(moderation, [make_comment("Elsewhere.", author=author, article_id="b")])

    assert elsewhere.is_new
    assert moderation.get_comment(earlier.comment_id).status is Status.PENDING


def test_an_authors_first_comments_are_held_even_within_one_batch(
    moderation: Moderation,
    worker_context: WorkerContext,
    champion: ModelVersion,
    run_burst: Callable[[], bool],
) -> None:
    author = Author("u-first", "Reader")
    # One intake batch: the three share a creation time, so which two come first is the ids'
    # order; exactly two of them are the author's first.
    stored = submit(moderation, [make_comment(f"Comment {i}.", author=author) for i in range(3)])
    [other] = submit(moderation, [make_comment("Someone else's first.")])
    assert run_burst()
    [later] = submit(moderation, [make_comment("Comment 4.", author=author)])
    assert run_burst()

    assert sorted(_statuses(moderation, [s.comment_id for s in stored])) == [
        (Status.APPROVED, ()),
        (Status.WITHHELD, ("first_comments",)),
        (Status.WITHHELD, ("first_comments",)),
    ]
    assert _statuses(moderation, [later.comment_id, other.comment_id]) == [
        (Status.APPROVED, ()),
        (Status.WITHHELD, ("first_comments",)),
    ]


def test_recent_rejections_hold_an_author_until_approvals_dilute_them(
    moderation: Moderation,
    settings: Settings,
    worker_context: WorkerContext,
    champion: ModelVersion,
    run_burst: Callable[[], bool],
) -> None:
    author = _veteran("u-recent")
    _past_first_comments(moderation, author)  # two approved: the share starts at 0
    submit(moderation, [make_comment(f"GIVEAWAY number {i}", author=author) for i in range(2)])
    assert run_burst()  # two spam of four decided: the share reaches one half

    [held] = submit(moderation, [make_comment("A calm remark now.", author=author)])
    assert run_burst()
    assert _statuses(moderation, [held.comment_id]) == [(Status.WITHHELD, ("recent_rejections",))]
    panel = Workspace(moderation.sessions, settings).author(SITE, author.id)
    assert panel.recent == RecentHistory(decided=4, rejected=2)
    assert panel.is_held_for_recent_rejections

    moderation.decide(
        held.comment_id, decision=Decision.APPROVE, actor="mod", reason=None, note=None,
        expected_version=None,
    )  # fmt: skip
    [after] = submit(moderation, [make_comment("Another calm remark.", author=author)])
    assert run_burst()  # 2 of 5 decided were rejected: below one half
    assert _statuses(moderation, [after.comment_id]) == [(Status.APPROVED, ())]


def test_timed_policies_apply_until_they_expire_without_any_job(
    moderation: Moderation,
    settings: Settings,
    worker_context: WorkerContext,
    champion: ModelVersion,
    run_burst: Callable[[], bool],
) -> None:
    now = utcnow()
    earlier = Workspace(moderation.sessions, settings, clock=lambda: now - timedelta(hours=2))
    lapsed, current = _veteran("u-lapsed"), _veteran("u-current")
    for author in (lapsed, current):
        _past_first_comments(moderation, author)
    earlier.set_policy(
        SITE, lapsed.id, policy=AuthorPolicy.BAN, trust_threshold=None, note=None,
        actor="mod", expires_at=now - timedelta(hours=1),
    )  # fmt: skip
    earlier.set_policy(
        SITE, current.id, policy=AuthorPolicy.PREMODERATE, trust_threshold=None, note=None,
        actor="mod", expires_at=now + timedelta(hours=1),
    )  # fmt: skip
    stored = submit(moderation, [
        make_comment("The ban has ended.", author=lapsed),
        make_comment("Still premoderated.", author=current),
    ])  # fmt: skip

    assert run_burst()

    assert _statuses(moderation, [s.comment_id for s in stored]) == [
        (Status.APPROVED, ()),
        (Status.WITHHELD, ("premoderated",)),
    ]


def test_a_suspension_refuses_new_comments_and_rejects_one_stored_before_it(
    moderation: Moderation,
    settings: Settings,
    worker_context: WorkerContext,
    champion: ModelVersion,
    run_burst: Callable[[], bool],
) -> None:
    author = _veteran("u-suspended")
    _past_first_comments(moderation, author)
    [before] = submit(moderation, [make_comment("Posted just in time.", author=author)])
    until = utcnow() + timedelta(days=1)
    Workspace(moderation.sessions, settings).set_policy(
        SITE, author.id, policy=AuthorPolicy.SUSPEND, trust_threshold=None, note="cooling off",
        actor="mod", expires_at=until,
    )  # fmt: skip

    with pytest.raises(AuthorSuspendedError) as refused:
        submit(moderation, [make_comment("Posted while suspended.", author=author)])
    assert run_burst()

    assert refused.value.extensions["suspended_until"].startswith(until.date().isoformat())
    assert _statuses(moderation, [before.comment_id]) == [(Status.REJECTED, ("suspended_author",))]
