"""Webhook signatures, as the Standard Webhooks specification defines them.

Headers ``webhook-id`` (the event id: the same on every retry, for de-duplication),
``webhook-timestamp`` (Unix seconds of this attempt) and ``webhook-signature``: one
``v1,<base64 HMAC-SHA256>`` per secret, space-separated, of ``<id>.<timestamp>.<raw body>``.
Secrets are ``whsec_`` + base64 of 32 random bytes; the base64 part decoded is the HMAC key.
Receivers can verify with any Standard Webhooks library or the code in docs/integration.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Sequence

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret


def new_secret() -> str:
    """A fresh signing secret."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """One ``v1,<base64>`` signature."""
    content = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_headers(
    secrets_: Sequence[str], event_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The three headers of a signed request (a signature per secret)."""
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(s, event_id, timestamp, body) for s in secrets_),
    }


def _key(secret: str) -> bytes:
    try:
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error as exc:
        raise ValueError("a webhook secret is whsec_ followed by base64") from exc
