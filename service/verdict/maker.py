"""The system verdict on a batch of scored comments: facts read once, phases decide.

``Moderation.record_classifications`` (and the pre-submit check) call ``read`` inside a
transaction, then ``verdicts`` outside it, so the model's explanation never holds one open.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from service.domain import Classification, Comment
from service.settings import Settings
from service.store.decisions import SystemVerdict
from service.verdict.explanation import Explainer, Judged, held_evidence
from service.verdict.facts import read_facts
from service.verdict.phases import moderation_phases
from service.verdict.pipeline import CommentFacts, run_phases


class VerdictMaker:
    """Decides each scored comment of a batch by running the moderation phases over its facts."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.phases = moderation_phases(settings)

    def read(
        self,
        session: Session,
        results: Sequence[Classification],
        comments: Sequence[Comment] | None = None,
    ) -> list[CommentFacts]:
        """The facts of each result still pending (see ``read_facts``)."""
        return read_facts(session, self.settings, results, comments)

    def verdicts(
        self, facts: Sequence[CommentFacts], explain: Explainer | None = None
    ) -> list[SystemVerdict]:
        """The verdict (status, reasons, scores, evidence) of each comment of ``facts``.

        ``explain`` is called once, with the comments the phases withheld or rejected.
        """
        judged: list[Judged] = [(f, *run_phases(self.phases, f)) for f in facts]
        evidence = held_evidence(judged, explain)
        return [
            SystemVerdict(
                f.comment.id, status, reasons, f.result.scores, f.result.model_version,
                evidence.get(f.comment.id),
            )
            for f, status, reasons in judged
        ]  # fmt: skip
