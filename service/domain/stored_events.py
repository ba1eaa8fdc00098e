"""How an event is kept in the outbox, in fewer bytes than sites receive it (issue 10).

Sites must get the same bytes whatever is stored (webhooks promise the same body on every
attempt, across an upgrade too), so what is left out of a stored row is only what is a fact of
the row itself or a fixed default, and :func:`unpack` puts it back in the same place:

- the event id ``evt_<32 hex>`` is kept as its 16 bytes (:func:`id_bytes`, :func:`id_text`);
- the kind (``comment.decided``) is kept as its number in :data:`KIND_CODES` (since 0019);
- ``comment.id`` is the row's ``comment_id`` column;
- ``comment.parent_id`` is left out when null (a top-level comment);
- in a status change's event, ``previous_status`` when null and ``reasons`` when empty; in
  ``comment.decided``, a null ``statement`` (its last member);
- in ``comment.decided``, a ``statement_of_reasons`` that the frozen wording of
  service/domain/statement_wording_v1.py makes from the event's own status, reasons and
  ``decided_by`` is stored as the number of that wording (a later release may speak in a new
  wording, an event may not; the frozen module never changes, so the text read back is always
  the text written).

Everything else is kept as written. A payload is packed only when unpacking gives it back
exactly, member order included (the change feed keeps that order); any other payload is kept
whole, and a payload whose ``comment`` still has its ``id`` is read as it is, which is how every
row written before 0017 reads.

Pure functions, no I/O: the store and migrations 0017 and 0019 use them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from service.domain import statement_wording_v1

_ID_PREFIX = "evt_"
_ID_PATTERN = re.compile(r"evt_[0-9a-f]{32}")

# The events of a status change (service.domain.changes._event): comment, previous_status,
# reasons, then the members of the kind.
_TRANSITION_KINDS = frozenset(
    {
        "comment.accepted",
        "comment.decided",
        "comment.entered_queue",
        "comment.left_queue",
        "comment.edited",
        "comment.deleted",
    }
)
_DECIDED = "comment.decided"

# The number each kind of event is stored as (migration 0019). Fixed: a stored number must read
# back as the same kind in every later release, so a new kind takes the next number and no
# number is ever reused or reassigned (tests/unit/service/domain/test_stored_events.py pins it).
KIND_CODES: Mapping[str, int] = {
    "comment.accepted": 1,
    "comment.decided": 2,
    "comment.entered_queue": 3,
    "comment.left_queue": 4,
    "comment.edited": 5,
    "comment.deleted": 6,
    "comment.appealed": 7,
    "comment.appeal_decided": 8,
    "author.erased": 9,
}
_KIND_OF_CODE = {code: kind for kind, code in KIND_CODES.items()}


def id_bytes(event_id: str) -> bytes:
    """The 16 bytes an event id ``evt_<32 lower-case hex>`` is stored as (ValueError else)."""
    if not _ID_PATTERN.fullmatch(event_id):
        raise ValueError(f"not an event id: {event_id!r}")
    return bytes.fromhex(event_id[len(_ID_PREFIX) :])


def parse_id(event_id: str) -> bytes | None:
    """The stored form of an id a caller gave, or None when it cannot be an event's id."""
    try:
        return id_bytes(event_id)
    except ValueError:
        return None


def id_text(stored: bytes) -> str:
    """The event id as sites know it."""
    return _ID_PREFIX + bytes(stored).hex()


def kind_code(kind: str) -> int:
    """The number a kind of event is stored as (ValueError for a kind without one)."""
    code = KIND_CODES.get(str(kind))
    if code is None:
        raise ValueError(f"no stored number for the event kind {kind!r}")
    return code


def kind_of_code(code: int) -> str:
    """The kind of event a stored number stands for (ValueError for an unknown number)."""
    kind = _KIND_OF_CODE.get(code)
    if kind is None:
        raise ValueError(f"no event kind is stored as {code!r}")
    return kind


def pack(kind: str, comment_id: str | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """The payload to store for an event: packed when that reads back exactly, else whole."""
    packed = _packed(kind, comment_id, data)
    if packed is not None and _same(unpack(kind, comment_id, packed), data):
        return packed
    whole = dict(data)
    if not _same(unpack(kind, comment_id, whole), data):
        # Only a comment without its id could get here: it would read back with one.
        raise ValueError(f"a {kind} payload that cannot be stored as it is: {whole!r}")
    return whole


def unpack(kind: str, comment_id: str | None, stored: Mapping[str, Any]) -> dict[str, Any]:
    """The payload sites receive, from what :func:`pack` stored (or a row from before 0017)."""
    comment = stored.get("comment")
    if comment_id is None or not isinstance(comment, dict) or "id" in comment:
        return dict(stored)
    full_comment = {
        "id": comment_id,
        "article_id": comment.get("article_id"),
        "parent_id": comment.get("parent_id"),
        **{k: v for k, v in comment.items() if k not in ("article_id", "parent_id")},
    }
    data: dict[str, Any] = {"comment": full_comment}
    if kind in _TRANSITION_KINDS:
        data["previous_status"] = stored.get("previous_status")
        data["reasons"] = stored.get("reasons", [])
    data.update((k, v) for k, v in stored.items() if k not in data)
    if kind == _DECIDED:
        data.setdefault("statement", None)
        if _is_wording_number(data.get("statement_of_reasons")):
            data["statement_of_reasons"] = _wording_v1(data)
    return data


def _packed(kind: str, comment_id: str | None, data: Mapping[str, Any]) -> dict[str, Any] | None:
    comment = data.get("comment")
    if comment_id is None or not isinstance(comment, dict) or comment.get("id") != comment_id:
        return None
    packed_comment = {k: v for k, v in comment.items() if k != "id"}
    if packed_comment.get("parent_id", "") is None:
        del packed_comment["parent_id"]
    packed: dict[str, Any] = {"comment": packed_comment}
    for key, value in data.items():
        if key == "comment" or _is_default(kind, key, value):
            continue
        packed[key] = value
    text = data.get("statement_of_reasons")
    if kind == _DECIDED and isinstance(text, str) and text == _wording_v1(data):
        packed["statement_of_reasons"] = statement_wording_v1.VERSION
    return packed


def _wording_v1(data: Mapping[str, Any]) -> str | None:
    """The frozen wording's statement for a decided event's payload (None if it has none)."""
    comment, reasons, decided_by = data.get("comment"), data.get("reasons"), data.get("decided_by")
    if not (isinstance(comment, dict) and isinstance(comment.get("status"), str)):
        return None
    if not (isinstance(reasons, list) and all(isinstance(r, str) for r in reasons)):
        return None
    if not isinstance(decided_by, dict):
        return None
    return statement_wording_v1.statement(comment["status"], reasons, decided_by)


def _is_wording_number(value: Any) -> bool:
    return type(value) is int and value == statement_wording_v1.VERSION


def _is_default(kind: str, key: str, value: Any) -> bool:
    if kind in _TRANSITION_KINDS and (key, value) in (("previous_status", None), ("reasons", [])):
        return True
    return kind == _DECIDED and key == "statement" and value is None


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    # As stored and as the change feed prints it: JSON, member order included.
    return json.dumps(a) == json.dumps(b)
