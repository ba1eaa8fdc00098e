"""Who may call a route: the role tuples every route declaration names."""

from __future__ import annotations

from service.domain import Role

SITE = (Role.SITE,)
MODERATOR = (Role.MODERATOR, Role.OPS)  # ops may do all a moderator may
OPS = (Role.OPS,)
PUBLIC: tuple[Role, ...] = ()
SITE_OR_OPS = (Role.SITE, Role.OPS)  # a site for itself, ops for any site
