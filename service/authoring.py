"""What a site does on its author's behalf after submitting: edit a comment, delete it.

An edit within the site's edit window keeps the previous body as a revision and sends the
comment back through moderation (it leaves the site until a new verdict publishes it again);
a deletion hides the comment for good and, by setting, erases its text at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from service.clock import utcnow
from service.domain.revisions import Revision
from service.queue import GuardedQueue
from service.settings import Settings
from service.store import edits, erasure
from service.store.edits import Changed
from service.transaction import transaction


class Authoring:
    """Edits and deletions requested by a site."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        queue: GuardedQueue | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.queue = queue
        self.clock = clock

    def edit(self, site_id: str, comment_id: str, body: str) -> Changed:
        """Replace the body within the edit window; the new revision is moderated again."""
        window = timedelta(seconds=self.settings.site(site_id).edit_window_seconds)
        with transaction(self.sessions) as session:
            changed = edits.edit_comment(
                session, comment_id, site_id, body, window=window, now=self.clock()
            )
        if changed.is_new and self.queue is not None:
            # Its own job id: the comment's earlier job may still be queued or running. A lost
            # enqueue is swept like any pending comment.
            revision = changed.comment.revision
            self.queue.enqueue_classify([comment_id], suffix=f"-r{revision}")
        return changed

    def delete(self, site_id: str, comment_id: str) -> Changed:
        """Hide the comment for good (idempotent); erase its text now if the site says so."""
        now = self.clock()
        with transaction(self.sessions) as session:
            changed = edits.delete_comment(session, comment_id, site_id, now)
            if changed.is_new and self.settings.site(site_id).erase_deleted:
                note = "deleted by its author; text erased at once (COMMENTDESK_ERASE_DELETED)"
                erasure.erase_text(session, [comment_id], actor=site_id, note=note, now=now)
        return changed

    def revisions(self, comment_id: str) -> list[Revision]:
        """Every body a comment had, oldest first (for moderators)."""
        with transaction(self.sessions) as session:
            return edits.revisions(session, comment_id)
