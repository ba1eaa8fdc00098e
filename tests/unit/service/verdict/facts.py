"""Comment facts for phase tests: a clean scored comment unless a test says otherwise."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from service.domain import (
    Author,
    AuthorPolicy,
    Classification,
    Comment,
    DetectedLanguage,
    Status,
)
from service.domain.articles import ArticleSettings
from service.domain.authors import AuthorPolicySetting, RecentHistory
from service.settings import DEFAULT_THRESHOLDS, LabelThreshold
from service.verdict.pipeline import CommentFacts
from service.wordmatch.matcher import WordMatcher

CLEAN = {"spam": 0.01, "toxic": 0.01}


def comment(body: str = "A fair point about rates.", **author: Any) -> Comment:
    return Comment(
        id="c1",
        site_id="news",
        article_id="a1",
        parent_id=None,
        root_id="c1",
        author=Author("u1", "Reader", **author),
        body=body,
        language="en",
        status=Status.PENDING,
        reasons=(),
        risk=None,
        model_version=None,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        decided_at=None,
        version=1,
    )


def policy(kind: AuthorPolicy, trust_threshold: float | None = None) -> AuthorPolicySetting:
    return AuthorPolicySetting(
        "news", "u1", kind, trust_threshold, None, "mod", datetime(2026, 1, 1, tzinfo=UTC)
    )


def facts(
    body: str = "A fair point about rates.",
    scores: Mapping[str, float] = CLEAN,
    *,
    error: str | None = None,
    author_policy: AuthorPolicySetting | None = None,
    is_repeat: bool = False,
    bands: Mapping[str, LabelThreshold] = DEFAULT_THRESHOLDS,
    account_age_days: float | None = None,
    language: DetectedLanguage | None = None,
    languages: frozenset[str] = frozenset({"en"}),
    watched: WordMatcher | None = None,
    article: ArticleSettings | None = None,
    earlier_comments: int | None = None,
    history: RecentHistory | None = None,
) -> CommentFacts:
    result = (
        Classification("c1", {}, None, error=error, language=language)
        if error is not None
        else Classification("c1", scores, "v-test", language=language)
    )
    return CommentFacts(
        comment=comment(body, account_age_days=account_age_days),
        result=result,
        bands=bands,
        policy=author_policy,
        is_repeat=is_repeat,
        languages=languages,
        watched=watched,
        article=article,
        earlier_comments=earlier_comments,
        history=history,
    )


def article(
    *, premoderate: bool = False, premoderate_links: bool = False, closed: bool = False
) -> ArticleSettings:
    """The settings of the facts' article (``news``/``a1``)."""
    return ArticleSettings("news", "a1", premoderate, premoderate_links, closed)
