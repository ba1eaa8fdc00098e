"""The SSRF guard: which webhook URLs are refused, at registration and at every delivery."""

from __future__ import annotations

import ipaddress

import pytest

from service.webhooks.sender import Sender
from service.webhooks.targets import Resolver, TargetRefusedError, check_target

PUBLIC = "93.184.216.34"


def resolver(*addresses: str) -> Resolver:
    """A resolver that answers every name with these addresses."""

    def resolve(_host: str, _port: int) -> list[str]:
        return list(addresses)

    return resolve


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.9", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("fe80::1", "link-local"),
        ("::ffff:10.0.0.1", "private"),  # IPv4-mapped IPv6
        ("0.0.0.0", "not a public address"),  # noqa: S104 - an address to refuse
        ("100.64.0.1", "not a public address"),  # carrier-grade NAT
        ("224.0.0.1", "not a public address"),
    ],
)
def test_non_public_addresses_are_refused(address: str, why: str) -> None:
    with pytest.raises(TargetRefusedError, match=why):
        check_target("https://hooks.example/in", (), resolver(address))


def test_a_name_is_refused_if_any_of_its_addresses_is_private() -> None:
    with pytest.raises(TargetRefusedError, match=r"resolves to 10\.0\.0\.5"):
        check_target("https://hooks.example/in", (), resolver(PUBLIC, "10.0.0.5"))


def test_a_public_address_is_accepted_and_pinned() -> None:
    target = check_target("https://hooks.example:8443/in?x=1", (), resolver(PUBLIC))

    assert (target.address, target.host, target.port) == (PUBLIC, "hooks.example", 8443)
    assert target.path == "/in?x=1"
    assert target.host_header == "hooks.example:8443"


def test_allowed_networks_let_a_private_target_through() -> None:
    allowed = (ipaddress.ip_network("10.0.0.0/8"),)

    target = check_target("http://intranet.example/hook", allowed, resolver("10.9.8.7"))

    assert target.address == "10.9.8.7"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://hooks.example/", "http:// or https://"),
        ("https:///nohost", "must name a host"),
        ("https://user:pw@hooks.example/", "credentials"),
        ("https://hooks.example:99999/", "not a valid URL"),
        ("https://hooks.example/#frag", "fragment"),
        ("https://" + "a" * 2100 + ".example/", "at most 2048"),
    ],
)
def test_malformed_urls_are_refused(url: str, why: str) -> None:
    with pytest.raises(TargetRefusedError, match=why):
        check_target(url, (), resolver(PUBLIC))


def test_a_name_that_resolves_to_a_private_address_is_refused_at_send_time() -> None:
    # Checked again at every delivery: a name registered while public cannot be rebound.
    sender = Sender((), 0.5, resolver("10.0.0.7"))

    outcome = sender.post("https://rebinding.example/hook", b"{}", {})

    assert outcome.status_code is None
    assert outcome.error is not None
    assert "refused target" in outcome.error
    assert "10.0.0.7" in outcome.error
