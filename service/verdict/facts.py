"""What the phases look at, read for a whole batch with one query per kind of fact."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from service.domain import Classification, Comment
from service.domain.authors import RecentHistory
from service.settings import LabelThreshold, Settings
from service.store import articles, authors, decisions, history, queues, watched_words
from service.store.registry import thresholds_and_languages
from service.thresholds import effective_thresholds
from service.verdict.phases.language import declared_languages
from service.verdict.pipeline import CommentFacts
from service.wordmatch.cache import MatcherCache


def read_facts(
    session: Session,
    settings: Settings,
    results: Sequence[Classification],
    comments: Sequence[Comment] | None = None,
    lists: MatcherCache | None = None,
    *,
    now: datetime,
) -> list[CommentFacts]:
    """The facts of each result whose comment is still pending, in the order of ``results``.

    ``comments`` are the pending comments when the caller has just read them (saves a query);
    decided or unknown ids are left out (and the conditional UPDATE skips any decided since).
    ``lists`` keeps the sites' compiled watched-word lists between batches (without it every
    batch compiles them again).
    Policies are those in force at ``now``.
    """
    if comments is None:
        comments = decisions.pending_comments(session, [r.comment_id for r in results])
    pending = {c.id: c for c in comments}
    window = timedelta(seconds=settings.repeat_window_seconds)
    repeats = queues.repeat_posts(session, list(comments), window)
    policies = authors.policies_for(session, {(c.site_id, c.author.id) for c in comments}, now)
    pages = articles.settings_for(session, {(c.site_id, c.article_id) for c in comments})
    earlier = _earlier_comments(session, settings, comments)
    recent = _recent_histories(session, settings, comments, now)
    versions = {r.model_version for r in results if r.model_version is not None}
    stored, declared = thresholds_and_languages(session, versions)
    sites = {c.site_id for c in comments}
    matchers = (lists or MatcherCache()).matchers(
        watched_words.versions_for(session, sites),
        lambda stale: watched_words.lists_for(session, stale),
    )

    @functools.cache  # resolved once per (version, site) of the batch
    def bands(version: str | None, site_id: str) -> Mapping[str, LabelThreshold]:
        return effective_thresholds(
            settings.thresholds, stored.get(version or ""), settings.site_thresholds.get(site_id)
        )

    return [
        CommentFacts(
            comment=comment,
            result=result,
            bands=bands(result.model_version, comment.site_id),
            policy=policies.get((comment.site_id, comment.author.id)),
            is_repeat=comment.id in repeats,
            languages=declared_languages(declared.get(result.model_version or "")),
            watched=matchers.get(comment.site_id),
            article=pages.get((comment.site_id, comment.article_id)),
            earlier_comments=earlier.get(comment.id),
            history=recent.get((comment.site_id, comment.author.id)),
        )
        for result in results
        if (comment := pending.get(result.comment_id)) is not None
    ]


def _earlier_comments(
    session: Session, settings: Settings, comments: Sequence[Comment]
) -> dict[str, int]:
    """How many comments each comment's author posted on its site before it, up to the site's
    first-comments count; comments of sites without the rule are left out.

    One query per distinct count in the batch (sites rarely differ): each author's first N
    comments, which also places a comment that is not stored (the pre-submit check) after them.
    """
    by_count: dict[int, list[Comment]] = {}
    for comment in comments:
        count = settings.site(comment.site_id).first_comments_held
        if count:
            by_count.setdefault(count, []).append(comment)
    earlier: dict[str, int] = {}
    for count, group in by_count.items():
        firsts = history.first_comments(session, {(c.site_id, c.author.id) for c in group}, count)
        for comment in group:
            ids = firsts.get((comment.site_id, comment.author.id), [])
            earlier[comment.id] = ids.index(comment.id) if comment.id in ids else len(ids)
    return earlier


def _recent_histories(
    session: Session, settings: Settings, comments: Sequence[Comment], now: datetime
) -> dict[tuple[str, str], RecentHistory]:
    """Each author's recent decided comments, for sites with the recent-history trigger (one
    query per distinct rule in the batch)."""
    by_rule: dict[tuple[int, float], set[tuple[str, str]]] = {}
    for comment in comments:
        rule = settings.site(comment.site_id).recent_rejections
        if rule is not None:
            by_rule.setdefault((rule.last, rule.seconds), set()).add(
                (comment.site_id, comment.author.id)
            )
    found: dict[tuple[str, str], RecentHistory] = {}
    for (last, seconds), group in by_rule.items():
        found.update(history.recent_history(session, group, last, now - timedelta(seconds=seconds)))
    return found
