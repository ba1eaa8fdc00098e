"""Issue 10: the outbox rows of a batch of verdicts, built directly (service/store/
verdict_events.py), are stored as the general path (``outbox.record``) stored them, on SQLite
and PostgreSQL: two like batches, one recorded each way, leave the same events."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from service.domain import Author
from service.domain.changes import Transition
from service.models import OUTBOX
from service.moderation import Moderation
from service.store import outbox, verdict_events
from tests.factories import SPAM_PITCH, new_comment, scores
from tests.intake import submit


def _batch(moderation: Moderation, parent_id: str, n: int) -> list[Any]:
    """A reply, a spam, a toxic and a plain comment (distinct authors and bodies per batch)."""
    author = Author(f"batch-{n}", "Batch")
    stored = submit(
        moderation,
        [
            new_comment(parent_id=parent_id),
            new_comment(author=author, body=f"{SPAM_PITCH} ({n})"),
            new_comment(body=f"You are all idiots {n}"),
            new_comment(),
        ],
    )
    ids = [s.comment_id for s in stored]
    return [
        scores(ids[0]),
        scores(ids[1], spam=0.995),
        scores(ids[2], toxic=0.7),
        scores(ids[3]),
    ]


def _events(engine: Engine) -> list[tuple[str, str, str]]:
    """Every event after the accepted ones, in order: kind, site and payload as JSON text."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(OUTBOX.c.kind, OUTBOX.c.site_id, OUTBOX.c.packed).order_by(OUTBOX.c.id)
        )
        return [(k, s, json.dumps(p)) for k, s, p in rows if k != "comment.accepted"]


def test_verdict_events_are_stored_as_the_general_path_stored_them(
    moderation: Moderation, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    [parent] = submit(moderation, [new_comment()])
    moderation.record_classifications([scores(parent.comment_id)])
    before = len(_events(engine))
    general, direct = (
        _batch(moderation, parent.comment_id, 1),
        _batch(moderation, parent.comment_id, 2),
    )

    def through_general_path(session: Session, changes: list[Transition]) -> None:
        outbox.record(session, changes)

    with monkeypatch.context() as patched:
        patched.setattr(verdict_events, "record_verdicts", through_general_path)
        assert moderation.record_classifications(general) == 4
    written_generally = _events(engine)[before:]
    assert moderation.record_classifications(direct) == 4
    written_directly = _events(engine)[before + len(written_generally) :]

    assert written_directly == written_generally
    kinds = [kind for kind, _, _ in written_directly]
    assert "comment.entered_queue" in kinds
    assert any('"statement"' in payload for _, _, payload in written_directly)
    assert any('"parent_id"' in payload for _, _, payload in written_directly)
