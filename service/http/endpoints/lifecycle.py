"""Model lifecycle endpoints (issue 3). Their routes are declared here and joined into the table."""

from __future__ import annotations

from service.http.call import ApiRoute
from service.settings import Settings


def routes(_settings: Settings) -> list[ApiRoute]:
    """This module's operations, added to the route table."""
    return []
