from __future__ import annotations

import dataclasses

import pytest

from service.domain import Author, Reason
from service.settings import Settings
from service.verdict.phases.rules import Rules, has_link, rule_hits
from service.verdict.pipeline import Say
from tests.unit.service.verdict.facts import comment as make_comment
from tests.unit.service.verdict.facts import facts


@pytest.mark.parametrize(
    "body",
    [
        "see https://example.org/x",
        "go to www.example.com now",
        "join coinflip-bonus.xyz today",
        "message RECOVERY.finance for help",
    ],
)
def test_has_link_finds_links_and_bare_domains(body: str) -> None:
    assert has_link(body)


@pytest.mark.parametrize("body", ["Bitcoin fell 3% today.", "e.g. this, or that", "v2.0 ships"])
def test_has_link_ignores_ordinary_text(body: str) -> None:
    assert not has_link(body)


def test_rule_hits_reports_each_rule_in_order() -> None:
    comment = make_comment("visit www.example.com", account_age_days=0.5)
    hits = rule_hits(comment, is_repeat=True, new_author_days=2)
    assert hits == [Reason.LINKS, Reason.REPEAT_POST, Reason.NEW_AUTHOR]


def test_rule_hits_new_author_needs_the_site_to_send_an_age() -> None:
    comment = make_comment("plain words")
    assert rule_hits(comment, is_repeat=False, new_author_days=2) == []
    older = dataclasses.replace(comment, author=Author("u1", "R", account_age_days=30))
    assert rule_hits(older, is_repeat=False, new_author_days=2) == []


@pytest.mark.parametrize(
    "body",
    [
        "the filing: https://www.sec.gov/Archives/edgar/data/1/x.pdf",
        "as reuters.com reported",
        "see https://markets.reuters.com/x",
    ],
)
def test_has_link_ignores_allowlisted_hosts(body: str) -> None:
    assert has_link(body)
    assert not has_link(body, {"sec.gov", "reuters.com"})


@pytest.mark.parametrize(
    "body",
    [
        "https://sec.gov.claim-now.xyz/login",
        "https://sec.gov@claim-now.xyz/",
        "notsec.gov.example.com",
        "https://www.sec.gov/x and quick-profit.xyz",
    ],
)
def test_has_link_is_not_fooled_by_look_alike_hosts(body: str) -> None:
    assert has_link(body, {"sec.gov"})


def test_rule_hits_links_rule_uses_the_allowlist() -> None:
    comment = make_comment("source: https://www.sec.gov/x.pdf")
    assert rule_hits(comment, is_repeat=False, new_author_days=2, link_allowlist={"sec.gov"}) == []


@pytest.mark.parametrize(
    "body",
    [
        "Great analysis. Also, my mentor helped me, WhatsApp +1 555 010 0199",
        "write to recover@funds-back.example",
        "send it to 0x" + "ab" * 20,
        "find us on telegram",
    ],
)
def test_rule_hits_hold_contact_details_anywhere_in_the_text(body: str) -> None:
    long_body = "The ETF inflows explain most of the move this week. " * 20 + body
    hits = rule_hits(make_comment(long_body), is_repeat=False, new_author_days=2)
    assert Reason.CONTACT_DETAILS in hits


def test_rule_hits_ignore_dates_and_figures() -> None:
    body = "On 2024-03-05 BTC hit $68,000; from 2019 - 2024 it rose 1,200%."
    assert rule_hits(make_comment(body), is_repeat=False, new_author_days=2) == []


def test_rules_phase_holds_with_the_enabled_rules_that_fire() -> None:
    settings = dataclasses.replace(Settings(), hold_rules=frozenset({"new_author"}))
    said = Rules(settings)(facts("see https://example.org/x", account_age_days=0.5, is_repeat=True))
    assert said == Say(("new_author",))


def test_rules_phase_has_no_say_when_no_enabled_rule_fires() -> None:
    assert Rules(Settings())(facts("A fair point about rates.")) is None
