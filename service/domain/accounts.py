"""Who may act: people who sign in, their browser sessions, API keys. Plain values, no I/O."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from service.domain import Role


@dataclasses.dataclass(frozen=True)
class User:
    """A person who may sign in."""

    id: int
    username: str
    role: Role


@dataclasses.dataclass(frozen=True)
class Account:
    """An account as an administrator sees it (``disabled_at`` None while it may sign in)."""

    username: str
    role: Role
    created_at: datetime
    disabled_at: datetime | None


@dataclasses.dataclass(frozen=True)
class WebSession:
    """A signed-in browser session (the cookie token itself is only known to the browser)."""

    user: User
    csrf_token: str
    expires_at: datetime


@dataclasses.dataclass(frozen=True)
class KeyRecord:
    """A stored key as ops see it: never the key itself, only its display prefix."""

    id: int
    name: str
    role: Role
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    key_hash: str = dataclasses.field(repr=False)
