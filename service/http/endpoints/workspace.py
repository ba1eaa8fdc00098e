"""Moderator workspace endpoints (issue 4): claims, undo, bulk decisions, author policies.

Their routes are declared here and joined into the table.
"""

from __future__ import annotations

from service.http.call import ApiRoute
from service.settings import Settings


def routes(settings: Settings) -> list[ApiRoute]:  # noqa: ARG001 (stub until filled)
    """This module's operations, added to the route table."""
    return []
