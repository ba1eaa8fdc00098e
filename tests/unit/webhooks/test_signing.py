"""Signatures follow Standard Webhooks: checked against the reference library."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from service.webhooks.signing import new_secret, signature_headers


def test_signatures_verify_with_the_reference_library() -> None:
    secret = new_secret()
    body = b'{"type":"comment.decided","data":{}}'
    headers = signature_headers([secret], "evt_1", int(time.time()), body)

    assert Webhook(secret).verify(body, headers) == {"type": "comment.decided", "data": {}}


def test_each_secret_signs_during_a_rotation() -> None:
    old, new = new_secret(), new_secret()
    body = b"{}"
    headers = signature_headers([new, old], "evt_2", int(time.time()), body)

    assert len(headers["webhook-signature"].split()) == 2
    assert Webhook(old).verify(body, headers) == {}
    assert Webhook(new).verify(body, headers) == {}
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)


def test_a_changed_body_or_an_old_timestamp_fails() -> None:
    secret = new_secret()
    headers = signature_headers([secret], "evt_3", int(time.time()), b"{}")

    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(b"{ }", headers)
    old = signature_headers(
        [secret], "evt_3", int((datetime.now(UTC) - timedelta(minutes=6)).timestamp()), b"{}"
    )
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(b"{}", old)
