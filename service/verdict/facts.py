"""What the phases look at, read for a whole batch with one query per kind of fact."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from service.domain import Classification, Comment
from service.domain.articles import ArticleSettings
from service.domain.authors import AuthorPolicySetting, RecentHistory
from service.settings import LabelThreshold, Settings
from service.store import articles, authors, decisions, history, queues, watched_words
from service.store.registry import thresholds_and_languages
from service.thresholds import effective_thresholds
from service.verdict.phases.language import declared_languages
from service.verdict.pipeline import CommentFacts
from service.wordmatch.cache import MatcherCache
from service.wordmatch.matcher import WordMatcher


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
    batch = _read_batch(session, settings, comments, results, lists, now)
    return [
        batch.facts(comment, result)
        for result in results
        if (comment := pending.get(result.comment_id)) is not None
    ]


@dataclasses.dataclass(frozen=True)
class _BatchFacts:
    """What one batch's queries found, keyed as :meth:`facts` looks it up."""

    settings: Settings
    repeats: set[str]
    policies: Mapping[tuple[str, str], AuthorPolicySetting]
    pages: Mapping[tuple[str, str], ArticleSettings]
    earlier: Mapping[str, int]
    recent: Mapping[tuple[str, str], RecentHistory]
    stored_bands: Mapping[str, Mapping[str, Any]]
    declared: Mapping[str, Any]
    matchers: Mapping[str, WordMatcher]

    def facts(self, comment: Comment, result: Classification) -> CommentFacts:
        """One comment's facts."""
        author = (comment.site_id, comment.author.id)
        return CommentFacts(
            comment=comment,
            result=result,
            bands=self.bands(result.model_version, comment.site_id),
            policy=self.policies.get(author),
            is_repeat=comment.id in self.repeats,
            languages=declared_languages(self.declared.get(result.model_version or "")),
            watched=self.matchers.get(comment.site_id),
            article=self.pages.get((comment.site_id, comment.article_id)),
            earlier_comments=self.earlier.get(comment.id),
            history=self.recent.get(author),
        )

    # Resolved once per (version, site) of the batch.
    resolved_bands: dict[tuple[str | None, str], Mapping[str, LabelThreshold]] = dataclasses.field(
        default_factory=dict
    )

    def bands(self, version: str | None, site_id: str) -> Mapping[str, LabelThreshold]:
        """The thresholds a version's verdicts use on a site."""
        key = (version, site_id)
        if key not in self.resolved_bands:
            self.resolved_bands[key] = effective_thresholds(
                self.settings.thresholds,
                self.stored_bands.get(version or ""),
                self.settings.site_thresholds.get(site_id),
            )
        return self.resolved_bands[key]


def _read_batch(
    session: Session,
    settings: Settings,
    comments: Sequence[Comment],
    results: Sequence[Classification],
    lists: MatcherCache | None,
    now: datetime,
) -> _BatchFacts:
    """Every kind of fact of a batch, one query (or a few) each."""
    versions = {r.model_version for r in results if r.model_version is not None}
    stored, declared = thresholds_and_languages(session, versions)
    sites = {c.site_id for c in comments}
    window = timedelta(seconds=settings.repeat_window_seconds)
    return _BatchFacts(
        settings=settings,
        repeats=queues.repeat_posts(session, list(comments), window),
        policies=authors.policies_for(session, {(c.site_id, c.author.id) for c in comments}, now),
        pages=articles.settings_for(session, {(c.site_id, c.article_id) for c in comments}),
        earlier=_earlier_comments(session, settings, comments),
        recent=_recent_histories(session, settings, comments, now),
        stored_bands=stored,
        declared=declared,
        matchers=(lists or MatcherCache()).matchers(
            watched_words.versions_for(session, sites),
            lambda stale: watched_words.lists_for(session, stale),
        ),
    )


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
