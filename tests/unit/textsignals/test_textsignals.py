from __future__ import annotations

import pytest

from textsignals import find_signals, is_allowlisted, link_host, spam_evidence


@pytest.mark.parametrize(
    ("link", "host"),
    [
        ("https://www.sec.gov/Archives/x.pdf", "www.sec.gov"),
        ("www.Reuters.com/markets", "www.reuters.com"),
        ("quick-profit.xyz", "quick-profit.xyz"),
        ("https://sec.gov@evil.xyz/", "evil.xyz"),
        ("https://example.com).", "example.com"),
        ("https://[::1", None),
    ],
)
def test_link_host_reads_the_host(link: str, host: str | None) -> None:
    assert link_host(link) == host


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("sec.gov", True),
        ("www.sec.gov", True),
        ("sec.gov.evil.xyz", False),
        ("notsec.gov", False),
        (None, False),
    ],
)
def test_is_allowlisted_matches_domains_and_subdomains(host: str | None, allowed: bool) -> None:
    assert is_allowlisted(host, {"sec.gov"}) is allowed


def test_find_signals_returns_spans_of_the_text_in_order() -> None:
    text = "Mrs Laura, my Account Manager, doubled my BTC. WhatsApp +1 (555) 010-0199"
    signals = find_signals(text)
    assert [s.name for s in signals] == [
        "scam_roles",
        "promised_returns",
        "messaging_apps",
        "phone_like",
    ]
    assert all(text[s.start : s.end] == s.text for s in signals)


def test_spam_evidence_skips_allowlisted_links_only() -> None:
    cited = "Per the filing at https://www.sec.gov/x.pdf the ETF holds 12,000 BTC."
    assert spam_evidence(cited, {"sec.gov"}) == []
    assert [s.name for s in spam_evidence(cited)] == ["links"]
    pitch = cited + " Telegram me for 300% profit"
    assert {s.name for s in spam_evidence(pitch, {"sec.gov"})} == {
        "messaging_apps",
        "promised_returns",
    }


def test_spam_evidence_finds_nothing_in_long_clean_text() -> None:
    clean = "The ETF inflows explain most of the move; volumes were 12,000 BTC on 3 March. " * 50
    assert spam_evidence(clean) == []
