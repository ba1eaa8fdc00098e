"""The frozen wording of stored statements never changes: events already delivered are read
back with it (service/domain/statement_wording_v1.py)."""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

from service.domain import Status, statement_wording_v1
from service.domain.changes import Decider, decided_by, statement_of_reasons

_DECIDERS: list[dict[str, Any]] = [
    {"type": "model", "model_version": "v0-d4240dc0b60b"},
    {"type": "model", "model_version": None},
    {"type": "system"},
    {"type": "human", "role": "moderator"},
    {"type": "site"},
]
_STATUSES = [*statement_wording_v1.OUTCOME, "some_new_status"]
_REASON_LISTS = [
    [],
    *[[r] for r in statement_wording_v1.GROUNDS],
    ["spam", "links"],
    ["toxic", "insult", "reported"],
    ["a_reason_it_does_not_know"],
]


def _every_sentence() -> list[str]:
    sentences = []
    for status, reasons, decider in itertools.product(_STATUSES, _REASON_LISTS, _DECIDERS):
        sentence = statement_wording_v1.statement(status, reasons, decider)
        assert sentence is not None
        sentences.append(sentence)
    return sentences


def test_every_sentence_it_makes_is_pinned() -> None:
    digest = hashlib.sha256("\n".join(_every_sentence()).encode()).hexdigest()

    # Never update this digest: a stored event would read back with other words. Put new
    # wording in a statement_wording_v2 that service/domain/changes.py then speaks in.
    assert digest == "e88ae288af91be133b3a0c54b8a004d0674bbd5764c02708a2b6eb482debc2b1"


def test_a_decider_it_does_not_know_has_no_statement() -> None:
    assert statement_wording_v1.statement("withheld", [], {"type": "robot"}) is None


def test_todays_wording_is_still_v1_so_decided_events_store_compactly() -> None:
    # When this fails, changes.py's wording moved on: events still reach sites right (they are
    # stored with their text), only larger; a statement_wording_v2 would pack them again.
    for status, reasons, decider in itertools.product(Status, _REASON_LISTS, Decider):
        model_version = "v0-1" if decider is Decider.MODEL else None
        live = statement_of_reasons(status, reasons, decider, model_version)
        frozen = statement_wording_v1.statement(
            status.value, reasons, decided_by(decider, model_version)
        )
        assert frozen == live, (status, reasons, decider)
