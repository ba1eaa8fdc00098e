"""What the phases look at, read for a whole batch with one query per kind of fact."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import timedelta

from sqlalchemy.orm import Session

from service.domain import Classification, Comment
from service.settings import LabelThreshold, Settings
from service.store import authors, decisions, queues, watched_words
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
) -> list[CommentFacts]:
    """The facts of each result whose comment is still pending, in the order of ``results``.

    ``comments`` are the pending comments when the caller has just read them (saves a query);
    decided or unknown ids are left out (and the conditional UPDATE skips any decided since).
    ``lists`` keeps the sites' compiled watched-word lists between batches (without it every
    batch compiles them again).
    """
    if comments is None:
        comments = decisions.pending_comments(session, [r.comment_id for r in results])
    pending = {c.id: c for c in comments}
    window = timedelta(seconds=settings.repeat_window_seconds)
    repeats = queues.repeat_posts(session, list(comments), window)
    policies = authors.policies_for(session, {(c.site_id, c.author.id) for c in comments})
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
        )
        for result in results
        if (comment := pending.get(result.comment_id)) is not None
    ]
