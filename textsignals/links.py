"""Which host a link points at, and whether ops allow it."""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlsplit

# What a link may end with that is punctuation of the sentence around it, not part of the URL.
_TRAILING = ".,;:!?)]}'\""


def link_host(link: str) -> str | None:
    """The lower-case host a link names (``https://www.sec.gov/x.pdf`` → ``www.sec.gov``).

    Bare domains (``quick-profit.xyz``) and ``www.`` links without a scheme count too. None when
    no host can be read from it.
    """
    candidate = link.strip().rstrip(_TRAILING)
    if "://" not in candidate:
        candidate = f"http://{candidate}"
    try:
        host = urlsplit(candidate).hostname  # drops user-info: "sec.gov@evil.xyz" is evil.xyz
    except ValueError:
        return None
    return host.rstrip(".").lower() if host else None


def is_allowlisted(host: str | None, allowlist: Collection[str]) -> bool:
    """Whether ``host`` is an allowlisted domain or one of its subdomains.

    ``sec.gov`` allows ``sec.gov`` and ``www.sec.gov``, never ``sec.gov.evil.xyz`` or
    ``notsec.gov``.
    """
    if not host:
        return False
    return any(host == domain or host.endswith(f".{domain}") for domain in allowlist)
