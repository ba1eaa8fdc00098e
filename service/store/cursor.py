"""Opaque pagination cursors: the sort key and id of the last row on the previous page.

A cursor comes back from the client, so decoding checks the type of every part: a forged but
well-formed cursor is a 422, never a query the database refuses. :func:`created_after` is the
keyset clause that turns a (created_at, id) cursor back into "the rows after it".
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from service.domain.comment_ids import is_comment_id
from service.errors import FieldError, ValidationError
from service.models import CommentRow

Part = Callable[[Any], Any]  # checks and converts one decoded part; ValueError if wrong


def encode_cursor(*key: Any) -> str:
    """Encode a sort key as an opaque URL-safe token."""
    raw = json.dumps(list(key), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str, *parts: Part) -> list[Any]:
    """Decode a cursor made by :func:`encode_cursor`, one ``parts`` checker per element."""
    try:
        padded = token + "=" * (-len(token) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(key, list) or len(key) != len(parts):
            raise ValueError("wrong shape")
        return [part(value) for part, value in zip(parts, key, strict=True)]
    except (binascii.Error, ValueError, UnicodeDecodeError, TypeError) as exc:
        raise _invalid() from exc


def row_id(value: Any) -> str:
    """A comment id part: a comment id as the service writes them (see CommentId)."""
    if not is_comment_id(value):
        raise ValueError("not a comment id")
    return str(value)


def moment(value: Any) -> datetime:
    """A timestamp part, as ``datetime.isoformat`` wrote it (timezone-aware)."""
    if not isinstance(value, str):
        raise ValueError("not a timestamp")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("naive timestamp")
    return parsed


def number(value: Any) -> float:
    """A finite number part (a risk score)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError("not a number")
    return float(value)


def sequence(value: Any) -> int:
    """A non-negative integer part that fits a 64-bit column (an action id)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
        raise ValueError("not an action id")
    return value


def created_after(at: datetime, last_id: str, *, newest_first: bool = False) -> ColumnElement[bool]:
    """Comments after ``(at, last_id)`` in (created_at, id) order, or before it newest first."""
    same_time = CommentRow.created_at == at
    if newest_first:
        return or_(CommentRow.created_at < at, and_(same_time, CommentRow.id < last_id))
    return or_(CommentRow.created_at > at, and_(same_time, CommentRow.id > last_id))


def _invalid() -> ValidationError:
    return ValidationError([FieldError("/cursor", "is not a cursor this service issued")])
