"""The system verdict on a batch of scored comments: author policies, rules, thresholds.

Pure decision logic over what one transaction reads (pending comments, repeat posts, author
policies, the scoring versions' stored bands); ``Moderation.record_classifications`` writes what
it returns.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from service.domain import Classification, Comment, Status
from service.domain.authors import AuthorPolicySetting
from service.evidence import RejectEvidence
from service.policy import apply_policy, author_verdict, failed_classification
from service.rules import rule_hits
from service.settings import LabelThreshold, Settings
from service.store import authors, decisions, queues
from service.store.registry import version_thresholds
from service.thresholds import effective_thresholds

# Given the comments the policy withheld or rejected and, per comment, the reasons it was held
# (the model labels among them are the ones worth explaining), one evidence mapping (or None) per
# comment; see Classification.evidence. Supplied by the workers, which hold the model.
Explainer = Callable[
    [Sequence[Comment], Sequence[Sequence[str]]], Sequence[Mapping[str, Any] | None]
]


@dataclasses.dataclass(frozen=True)
class _BatchFacts:
    """What deciding a batch needs besides the scores, read once for the whole batch."""

    pending: dict[str, Comment]
    repeats: set[str]
    policies: Mapping[tuple[str, str], AuthorPolicySetting]
    bands: Callable[[str | None, str], Mapping[str, LabelThreshold]]


class VerdictMaker:
    """Decides each scored comment of a batch with one query per kind of fact it needs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.evidence = RejectEvidence(settings)

    def verdicts(
        self,
        session: Session,
        results: Sequence[Classification],
        comments: Sequence[Comment] | None = None,
        explain: Explainer | None = None,
    ) -> list[decisions.SystemVerdict]:
        """The verdict (status, reasons, scores, evidence) of each result still pending."""
        facts = self._facts(session, results, comments)
        decided: list[tuple[Comment, Classification, Status, list[str]]] = []
        for result in results:
            comment = facts.pending.get(result.comment_id)
            if comment is None:
                continue  # decided meanwhile, or unknown
            status, reasons = self._verdict(
                comment,
                result,
                comment.id in facts.repeats,
                facts.bands(result.model_version, comment.site_id),
                facts.policies.get((comment.site_id, comment.author.id)),
            )
            decided.append((comment, result, status, reasons))
        evidence = _evidence(decided, explain)
        return [
            decisions.SystemVerdict(
                comment.id, status, reasons, result.scores, result.model_version,
                evidence.get(comment.id),
            )
            for comment, result, status, reasons in decided
        ]  # fmt: skip

    def _facts(
        self,
        session: Session,
        results: Sequence[Classification],
        comments: Sequence[Comment] | None,
    ) -> _BatchFacts:
        # One query per kind of fact for the whole batch; decided or unknown ids are left out
        # (and the conditional UPDATE skips any decided since ``comments`` was read).
        if comments is None:
            comments = decisions.pending_comments(session, [r.comment_id for r in results])
        window = timedelta(seconds=self.settings.repeat_window_seconds)
        stored = version_thresholds(
            session, {r.model_version for r in results if r.model_version is not None}
        )

        @functools.cache  # resolved once per (version, site) of the batch
        def bands(version: str | None, site_id: str) -> Mapping[str, LabelThreshold]:
            return effective_thresholds(
                self.settings.thresholds,
                stored.get(version or ""),
                self.settings.site_thresholds.get(site_id),
            )

        return _BatchFacts(
            pending={c.id: c for c in comments},
            repeats=queues.repeat_posts(session, list(comments), window),
            policies=authors.policies_for(session, {(c.site_id, c.author.id) for c in comments}),
            bands=bands,
        )

    def _verdict(
        self,
        comment: Comment,
        result: Classification,
        is_repeat: bool,
        thresholds: Mapping[str, LabelThreshold],
        policy: AuthorPolicySetting | None = None,
    ) -> tuple[Status, list[str]]:
        if policy is not None:
            scored = result.scores if result.error is None else {}
            forced = author_verdict(policy.policy, policy.trust_threshold, scored)
            if forced is not None:
                return forced
        if result.error is not None:
            return failed_classification()
        hits = rule_hits(
            comment,
            is_repeat=is_repeat,
            new_author_days=self.settings.new_author_days,
            link_allowlist=self.settings.links_allowed_for(comment.site_id),
        )
        return apply_policy(
            result.scores,
            thresholds,
            hits,
            self.settings.hold_rules,
            self.evidence.checker(comment.body, comment.site_id),
        )


def _evidence(
    decided: Sequence[tuple[Comment, Classification, Status, list[str]]],
    explain: Explainer | None,
) -> dict[str, Mapping[str, Any]]:
    """Evidence of the withheld or rejected comments: given, or from one ``explain`` call."""
    held = [(c, r, why) for c, r, status, why in decided if status is not Status.APPROVED]
    found = {c.id: r.evidence for c, r, _ in held if r.evidence is not None}
    missing = [(c, why) for c, r, why in held if r.evidence is None and r.error is None]
    if explain is not None and missing:
        comments = [c for c, _ in missing]
        explained = explain(comments, [why for _, why in missing])
        for comment, evidence in zip(comments, explained, strict=True):
            if evidence is not None:
                found[comment.id] = evidence
    return found
