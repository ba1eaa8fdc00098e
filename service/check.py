"""The pre-submit check: the scores and reasons a comment would get, without storing it.

The service cannot score (it never imports the model), so the scorer comes in through this
seam: the top-level wiring (commentdesk/asgi.py) injects one that scores with the champion. The
verdict is the real one: ``VerdictMaker`` with the site's bands and the author's policy.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from service.clock import utcnow
from service.domain import Classification, Comment, NewComment, Status
from service.errors import UnavailableError
from service.settings import Settings
from service.store import admission
from service.transaction import transaction
from service.verdict.explanation import Explainer
from service.verdict.maker import VerdictMaker


class CheckScorer(Protocol):
    """Scores comments with the model that decides (and explains those held back)."""

    def __call__(
        self, comments: Sequence[Comment]
    ) -> tuple[list[Classification], Explainer | None]:
        """One classification per comment, and the explainer of the same model."""


class CheckUnavailableError(UnavailableError):
    """The API process has no scorer (or no model to score with)."""

    code = "check-unavailable"
    title = "Pre-submit check unavailable"


_VERDICT = {
    Status.APPROVED: "approve",
    Status.WITHHELD: "withhold",
    Status.REJECTED: "reject",
    Status.SPAM: "reject",
}


@dataclasses.dataclass(frozen=True)
class CheckResult:
    """What would happen to the comment if it were submitted now."""

    verdict: str  # approve | withhold | reject
    status: Status
    reasons: list[str]
    scores: Mapping[str, float]
    model_version: str | None
    evidence: Mapping[str, Any] | None


class PreCheck:
    """Scores and decides a submission without storing anything."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        scorer: CheckScorer | None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.scorer = scorer
        self.clock = clock
        self._verdicts = VerdictMaker(settings)

    def check(self, item: NewComment) -> CheckResult:
        """The verdict the automatic policy would give this submission now."""
        if self.scorer is None:
            raise CheckUnavailableError("this API process has no model to check comments with")
        with transaction(self.sessions) as session:
            # What the submission would get: the same 409/403 before any scoring.
            admission.check_posting(
                session, (item.site_id, item.article_id, item.author.id), self.clock()
            )
        comment = self._transient(item)
        results, explain = self.scorer([comment])
        if results and results[0].model_version is None and results[0].error:
            raise CheckUnavailableError(f"the model could not score: {results[0].error}")
        with transaction(self.sessions) as session:
            facts = self._verdicts.read(session, results, [comment], now=self.clock())
        [verdict] = self._verdicts.verdicts(facts, explain)  # explained outside the transaction
        return CheckResult(
            verdict=_VERDICT.get(verdict.status, "withhold"),
            status=verdict.status,
            reasons=list(verdict.reasons),
            scores=dict(verdict.scores),
            model_version=verdict.model_version,
            evidence=verdict.evidence,
        )

    def _transient(self, item: NewComment) -> Comment:
        # A comment id no stored comment has (theirs are version 7): the facts' queries bind it
        # to comment-id columns, which take only a UUID (issue 10).
        check_id = str(uuid.uuid4())
        return Comment(
            id=check_id,
            site_id=item.site_id,
            article_id=item.article_id,
            parent_id=item.parent_id,
            root_id=item.parent_id or check_id,
            author=item.author,
            body=item.body,
            language=item.language,
            status=Status.PENDING,
            reasons=(),
            risk=None,
            model_version=None,
            created_at=self.clock(),
            decided_at=None,
            version=1,
        )
