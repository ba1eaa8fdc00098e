"""The system verdict on a batch of scored comments: facts read once, phases decide.

``Moderation.record_classifications`` (and the pre-submit check) call ``read`` inside a
transaction, then ``verdicts`` outside it, so the model's explanation never holds one open.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.domain import Classification, Comment, Reason
from service.settings import Settings
from service.store.decisions import SystemVerdict
from service.verdict.explanation import Explainer, Judged, held_evidence
from service.verdict.facts import read_facts
from service.verdict.phases import moderation_phases
from service.verdict.phases.language import language_evidence
from service.verdict.pipeline import CommentFacts, merge_evidence, run_phases
from service.wordmatch.cache import MatcherCache


class VerdictMaker:
    """Decides each scored comment of a batch by running the moderation phases over its facts."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.phases = moderation_phases(settings)
        self.lists = MatcherCache()  # compiled watched-word lists, per site and version

    def read(
        self,
        session: Session,
        results: Sequence[Classification],
        comments: Sequence[Comment] | None = None,
        *,
        now: datetime,
    ) -> list[CommentFacts]:
        """The facts of each result still pending at ``now`` (see ``read_facts``)."""
        return read_facts(session, self.settings, results, comments, self.lists, now=now)

    def verdicts(
        self, facts: Sequence[CommentFacts], explain: Explainer | None = None
    ) -> list[SystemVerdict]:
        """The verdict (status, reasons, scores, evidence) of each comment of ``facts``.

        ``explain`` is called once, with the comments the phases withheld or rejected.
        """
        outcomes = [run_phases(self.phases, f) for f in facts]
        judged: list[Judged] = [
            (f, o.status, o.reasons) for f, o in zip(facts, outcomes, strict=True)
        ]
        explained = with_languages(held_evidence(judged, explain), judged)
        return [
            SystemVerdict(
                f.comment.id, o.status, o.reasons, f.result.scores, f.result.model_version,
                # the phases' own evidence (a watched word) stands beside the model's
                merge_evidence([explained.get(f.comment.id), o.evidence]),
            )
            for f, o in zip(facts, outcomes, strict=True)
        ]  # fmt: skip


def with_languages(
    evidence: dict[str, Mapping[str, Any]], judged: Sequence[Judged]
) -> dict[str, Mapping[str, Any]]:
    """``evidence`` plus, for each comment held for its language, the language identified."""
    for f, _, reasons in judged:
        found = f.result.language
        if found is not None and Reason.UNSUPPORTED_LANGUAGE.value in reasons:
            given = evidence.get(f.comment.id) or {"labels": {}, "rules": []}
            evidence[f.comment.id] = {**given, "language": language_evidence(found)}
    return evidence
