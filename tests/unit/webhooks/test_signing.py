"""Signatures follow Standard Webhooks: checked against the reference library."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook

from service.webhooks.signing import new_secret, signature_headers, verify


def test_signatures_verify_with_the_reference_library() -> None:
    secret = new_secret()
    body = b'{"type":"comment.decided","data":{}}'
    headers = signature_headers([secret], "evt_1", int(time.time()), body)

    assert Webhook(secret).verify(body, headers) == {"type": "comment.decided", "data": {}}
    assert verify(secret, headers, body, time.time())


def test_each_secret_signs_during_a_rotation() -> None:
    old, new = new_secret(), new_secret()
    body = b"{}"
    headers = signature_headers([new, old], "evt_2", int(time.time()), body)

    assert len(headers["webhook-signature"].split()) == 2
    assert verify(old, headers, body, time.time())
    assert verify(new, headers, body, time.time())
    assert not verify(new_secret(), headers, body, time.time())


def test_a_changed_body_or_an_old_timestamp_fails() -> None:
    secret = new_secret()
    stamp = int(time.time())
    headers = signature_headers([secret], "evt_3", stamp, b"{}")

    assert not verify(secret, headers, b"{ }", time.time())
    assert not verify(secret, headers, b"{}", stamp + 301)  # outside the 5-minute tolerance
    old = signature_headers(
        [secret], "evt_3", int((datetime.now(UTC) - timedelta(minutes=6)).timestamp()), b"{}"
    )
    with pytest.raises(Exception, match="too old"):
        Webhook(secret).verify(b"{}", old)
