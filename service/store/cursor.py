"""Opaque pagination cursors: the sort key and id of the last row on the previous page."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from service.errors import FieldError, ValidationError


def encode_cursor(*key: Any) -> str:
    """Encode a sort key as an opaque URL-safe token."""
    raw = json.dumps(list(key), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str, arity: int) -> list[Any]:
    """Decode a cursor made by :func:`encode_cursor`; a forged or stale one is a 422."""
    try:
        padded = token + "=" * (-len(token) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise _invalid() from exc
    if not isinstance(key, list) or len(key) != arity:
        raise _invalid()
    return key


def _invalid() -> ValidationError:
    return ValidationError([FieldError("/cursor", "is not a cursor this service issued")])
