"""Where webhooks may go: http(s) URLs whose host resolves only to public addresses (SSRF guard).

A webhook URL is chosen by a site, and the service POSTs to it from inside the operator's
network, so a URL naming (or resolving to) a loopback, private, link-local or otherwise
non-global address would let a site probe that network. Such targets are refused when a
webhook is registered and again at every delivery (the name may resolve differently later),
unless the address is in ``COMMENTDESK_WEBHOOK_ALLOWED_NETWORKS``. Deliveries connect to the
address that was checked, never to a second lookup of the name.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import socket
from collections.abc import Callable, Sequence
from urllib.parse import SplitResult, urlsplit

from service.webhook_settings import IpNetwork

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]  # host, port → addresses
URL_MAX = 2048


class TargetRefusedError(Exception):
    """A webhook URL that is malformed, or whose host resolves to a refused address."""


@dataclasses.dataclass(frozen=True)
class Target:
    """A checked webhook URL: connect to ``address``, speak to ``host``."""

    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent in the request line
    address: str

    @property
    def host_header(self) -> str:
        """The Host header the URL implies."""
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host``."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetRefusedError(f"{host} does not resolve: {exc}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def parse_url(url: str) -> SplitResult:
    """A syntactically acceptable webhook URL, split; TargetRefusedError otherwise."""
    if len(url) > URL_MAX:
        raise TargetRefusedError(f"must be at most {URL_MAX} characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise TargetRefusedError(f"is not a valid URL: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise TargetRefusedError("must be an http:// or https:// URL")
    if not parts.hostname:
        raise TargetRefusedError("must name a host")
    if parts.username is not None or parts.password is not None:
        raise TargetRefusedError("must not carry credentials (sign requests, don't embed them)")
    if parts.fragment:
        raise TargetRefusedError("must not have a #fragment")
    return parts


def check_target(
    url: str, allowed: Sequence[IpNetwork], resolve: Resolver = system_resolver
) -> Target:
    """Resolve ``url`` and refuse it unless every address it names is allowed."""
    parts = parse_url(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port)
    if not addresses:
        raise TargetRefusedError(f"{host} does not resolve")
    for address in addresses:
        refusal = refusal_of(address, allowed)
        if refusal is not None:
            raise TargetRefusedError(
                f"{host} resolves to {address}, {refusal}; set "
                "COMMENTDESK_WEBHOOK_ALLOWED_NETWORKS to allow it"
            )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, addresses[0])


def refusal_of(address: str, allowed: Sequence[IpNetwork]) -> str | None:
    """Why an address is refused (None: it is global, or in an allowed network)."""
    ip: IpAddress = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip.version == net.version and ip in net for net in allowed):
        return None
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return "not a public address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:
        return "not a public address"
    return None
