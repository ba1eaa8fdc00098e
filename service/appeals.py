"""Use cases of appeals (EU Digital Services Act, art. 20): file, list, decide, read.

Each runs in one transaction and raises only ``service.errors`` types; the site hears of every
step through the outbox (webhooks and the change feed), written in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from service.clock import utcnow
from service.domain import Comment, Page
from service.domain.appeals import Appeal, AppealCard, AppealDecision, AppealOutcome, AppealStatus
from service.errors import AppealOpenError
from service.store import appeals, comments
from service.transaction import transaction


class Appeals:
    """Appeals against rejections, from the site's filing to a moderator's outcome."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.clock = clock

    def file(self, comment_id: str, site_id: str, text: str, filed_by: str) -> Appeal:
        """The site files an appeal for the author of its rejected comment."""
        try:
            with transaction(self.sessions) as session:
                appeal = appeals.file_appeal(
                    session, comment_id, site_id, text, filed_by, self.clock()
                )
        except IntegrityError as exc:  # a racing request opened one after our check
            raise AppealOpenError(f"comment {comment_id!r} already has an open appeal") from exc
        return appeal

    def queue(self, status: AppealStatus, cursor: str | None, limit: int) -> Page[AppealCard]:
        """One page of appeals of a status, oldest first, with their comments."""
        with transaction(self.sessions) as session:
            return appeals.list_appeals(session, status, cursor, limit)

    def decide(
        self, appeal_id: int, outcome: AppealOutcome, actor: str, reply: str | None
    ) -> Appeal:
        """Uphold or overturn an appeal (another moderator than the original's, in a team)."""
        with transaction(self.sessions) as session:
            decision = AppealDecision(outcome, actor, reply, appeals.team_size(session))
            return appeals.decide_appeal(session, appeal_id, decision, self.clock())

    def comment_with_appeal(
        self, comment_id: str, site_id: str | None
    ) -> tuple[Comment, Appeal | None]:
        """One comment (a site: only its own) and its latest appeal."""
        with transaction(self.sessions) as session:
            comment = comments.get_comment(session, comment_id, site_id)
            return comment, appeals.latest_appeals(session, [comment_id]).get(comment_id)

    def latest(self, comment_ids: Sequence[str]) -> dict[str, Appeal]:
        """Each comment's latest appeal (comments never appealed are left out)."""
        with transaction(self.sessions) as session:
            return appeals.latest_appeals(session, comment_ids)
