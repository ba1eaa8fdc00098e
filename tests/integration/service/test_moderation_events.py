"""Use cases publish events after they commit: `classified` per batch, `reported` on reopening."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from service.domain import Decision, Status
from service.moderation import Moderation
from service.settings import Settings
from tests.factories import new_comment, scores


class RecordedEvents:
    """An EventSink that keeps what it is given."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def publish(self, kind: str, data: Mapping[str, Any]) -> None:
        self.events.append((kind, dict(data)))


def publishing(
    sessions: sessionmaker[Session], settings: Settings
) -> tuple[Moderation, RecordedEvents]:
    sink = RecordedEvents()
    return Moderation(sessions, settings, events=sink), sink


def test_a_batch_partly_decided_meanwhile_publishes_only_what_it_recorded(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    moderation, sink = publishing(sessions, settings)
    first, second = (s.comment_id for s in moderation.store([new_comment(), new_comment()]))
    moderation.decide(
        first,
        decision=Decision.REJECT,
        actor="mod-ann",
        reason=None,
        note=None,
        expected_version=None,
    )
    sink.events.clear()

    recorded = moderation.record_classifications(
        [scores(first, spam=0.6), scores(second, spam=0.6)]
    )

    assert recorded == 1
    assert sink.events == [("classified", {"withheld": [second], "rejected": 0, "approved": 0})]


def test_a_report_that_reopens_a_comment_is_published_once(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    moderation, sink = publishing(sessions, dataclasses.replace(settings, report_threshold=2))
    [stored] = moderation.store([new_comment()])
    moderation.record_classifications([scores(stored.comment_id)])
    sink.events.clear()

    def report(reporter: str) -> Status:
        _, comment = moderation.report("news-site", stored.comment_id, reporter, "spam", None)
        return comment.status

    assert report("reader-1") is Status.APPROVED
    assert sink.events == []
    assert report("reader-2") is Status.REPORTED
    assert report("reader-3") is Status.REPORTED
    assert sink.events == [("reported", {"comment_id": stored.comment_id})]
