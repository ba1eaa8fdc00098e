"""How webhooks are delivered (``COMMENTDESK_WEBHOOK_*``, issue 11)."""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Mapping

from service.setting_parsers import non_negative_float, positive_float, positive_int
from service.setting_spec import setting, values_from_env

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(raw: str) -> tuple[IpNetwork, ...]:
    """Comma-separated CIDR networks, e.g. ``127.0.0.1/32,10.0.0.0/8``."""
    try:
        return tuple(
            ipaddress.ip_network(part.strip(), strict=False)
            for part in raw.split(",")
            if part.strip()
        )
    except ValueError as exc:
        raise ValueError(f"expected CIDR networks, e.g. 10.0.0.0/8: {exc}") from exc


@dataclasses.dataclass(frozen=True)
class WebhookSettings:
    """How webhooks are delivered."""

    allowed_networks: tuple[IpNetwork, ...] = setting(
        "WEBHOOK_ALLOWED_NETWORKS", (), parse_networks,
        "CIDR networks webhook URLs may resolve to although loopback/private/link-local "
        "(`10.0.0.0/8,127.0.0.1/32`). Unset: only public addresses (the SSRF guard). Checked at "
        "registration and before every request; deliveries connect to the checked address.",
    )  # fmt: skip
    timeout_seconds: float = setting(
        "WEBHOOK_TIMEOUT_SECONDS", 10.0, positive_float,
        "connect and read timeout of one webhook request; longer counts as a failed attempt.",
    )  # fmt: skip
    backoff_base_seconds: float = setting(
        "WEBHOOK_BACKOFF_BASE_SECONDS", 2.0, positive_float,
        "retry waits: base * 2^(n-1), capped by `COMMENTDESK_WEBHOOK_BACKOFF_MAX_SECONDS`, half "
        'of it random ("equal jitter"): an event is retried after about 2, 4, 8, … s, then '
        "hourly. The same backoff spaces an endpoint's attempts after a failure.",
    )  # fmt: skip
    backoff_max_seconds: float = setting(
        "WEBHOOK_BACKOFF_MAX_SECONDS", 3600.0, positive_float,
        "the longest retry wait (see `COMMENTDESK_WEBHOOK_BACKOFF_BASE_SECONDS`).",
    )  # fmt: skip
    max_attempts: int = setting(
        "WEBHOOK_MAX_ATTEMPTS", 20, positive_int,
        "attempts per event and endpoint before it is marked `failed` (redeliver to try again).",
    )  # fmt: skip
    disable_after: int = setting(
        "WEBHOOK_DISABLE_AFTER", 15, positive_int,
        "consecutive failed attempts (with the backoff, about 5 hours of failure) that disable "
        "an endpoint, with the reason on it; its pending events wait for `enable`.",
    )  # fmt: skip
    poll_seconds: float = setting(
        "WEBHOOK_POLL_SECONDS", 1.0, positive_float,
        "how often one webhook worker (across hosts, a Redis lock) dispatches: numbers new "
        "events, enqueues runs for endpoints with something due.",
    )  # fmt: skip
    lease_seconds: float = setting(
        "WEBHOOK_LEASE_SECONDS", 60.0, positive_float,
        "how long a delivery run owns its endpoint (one run per endpoint at a time); a killed "
        "worker's endpoint is taken over after it. A run stops after half of it.",
    )  # fmt: skip
    secret_overlap_seconds: float = setting(
        "WEBHOOK_SECRET_OVERLAP_SECONDS", 24 * 3600.0, non_negative_float,
        "after a secret rotation, how long the old secret signs beside the new one.",
    )  # fmt: skip
    log_retention_days: float = setting(
        "WEBHOOK_LOG_RETENTION_DAYS", 30.0, positive_float,
        "how long the delivery log (attempts) is kept.",
    )  # fmt: skip

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> WebhookSettings:
        """``COMMENTDESK_WEBHOOK_*``."""
        return cls(**values_from_env(cls, environ))
