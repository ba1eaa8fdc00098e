"""Response shapes of sessions, live events, stats, health and API keys (wire Structs).

Member order is the order clients have always received; ``UNSET`` members are left out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from msgspec import Meta

from service.domain import Role
from service.http.wire import Response_


class Session(Response_):
    """The caller, and for a browser session its CSRF token."""

    username: str
    role: Role
    csrf_token: Annotated[str | None, Meta(description=(
        "send as X-CSRF-Token; null for an API key"))]  # fmt: skip
    expires_at: datetime | None


class LiveEvent(Response_):
    """One live event, served as text/event-stream: ``event: <type>`` and ``data: <data as
    JSON>`` lines and a blank line; ``: keepalive`` comment lines every 15 s."""

    type: Literal["classified", "decided", "undone", "claimed", "released", "reported"]
    data: dict[str, Any]


class HourCount(Response_):
    """Decisions in one UTC hour."""

    hour: datetime
    automatic: int
    human: int


class TimeToDecision(Response_):
    """Seconds from submission to decision."""

    p50: float | None
    p90: float | None
    count: int


class ModeratorCount(Response_):
    """One moderator's standing decisions."""

    actor: str
    decisions: int
    approved: int
    rejected: int
    spam: int


class Stats(Response_):
    """Decisions per hour, time to decision, automatic share, overturns."""

    since: datetime
    hours: list[HourCount]
    time_to_decision_seconds: TimeToDecision
    automatic_share: Annotated[float | None, Meta(description="settled by the system / settled")]
    overturn_rate: Annotated[
        float | None,
        Meta(
            description=("overturns / human decisions on comments the system approved or rejected")
        ),
    ]
    overturns: int
    per_moderator: list[ModeratorCount]


class Health(Response_):
    """The process is up."""

    status: Literal["ok"]


class Readiness(Response_):
    """Every dependency is ready."""

    status: Literal["ready"]
    checks: dict[str, dict[str, Any]]


class Key(Response_):
    """An API key (never the key itself)."""

    id: int
    name: str
    role: Role
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class KeyList(Response_):
    """Every API key."""

    items: list[Key]


OpenApi = Annotated[dict[str, Any], Meta(description="This document.")]
