"""Earlier bodies of an edited comment: plain values, no I/O."""

from __future__ import annotations

import dataclasses
from datetime import datetime


@dataclasses.dataclass(frozen=True)
class Revision:
    """A body a comment had, and when it was submitted and replaced (None: current)."""

    revision: int
    body: str
    submitted_at: datetime
    replaced_at: datetime | None
