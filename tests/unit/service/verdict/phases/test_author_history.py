from __future__ import annotations

import dataclasses

import pytest

from service.domain import AuthorPolicy, Status
from service.domain.authors import RecentHistory
from service.settings import Settings
from service.site_settings import RecentRejections, SiteSettings, parse_recent_rejections
from service.verdict.phases import moderation_phases
from service.verdict.phases.author_history import AuthorHistory
from service.verdict.pipeline import Outcome, Say, run_phases
from tests.unit.service.verdict.facts import facts, policy

RULE = RecentRejections(share=0.5, min_decided=3, last=10, seconds=86400.0)


def _settings(first: int = 0, recent: RecentRejections | None = None) -> Settings:
    site = SiteSettings(first_comments_held=first, recent_rejections=recent)
    return dataclasses.replace(
        Settings(), sites=dataclasses.replace(Settings().sites, default=site)
    )


def test_author_history_says_nothing_with_both_rules_off() -> None:
    phase = AuthorHistory(_settings())
    assert phase(facts(earlier_comments=0, history=RecentHistory(5, 5))) is None


@pytest.mark.parametrize(("earlier", "is_held"), [(0, True), (2, True), (3, False), (9, False)])
def test_author_history_holds_an_authors_first_comments(earlier: int, is_held: bool) -> None:
    said = AuthorHistory(_settings(first=3))(facts(earlier_comments=earlier))
    assert said == (Say(("first_comments",)) if is_held else None)


def test_author_history_first_comments_needs_the_count() -> None:
    assert AuthorHistory(_settings(first=3))(facts(earlier_comments=None)) is None


@pytest.mark.parametrize(
    ("decided", "rejected", "is_held"),
    [(3, 2, True), (4, 2, True), (4, 1, False), (2, 2, False), (0, 0, False)],
)
def test_author_history_holds_after_recent_rejections(
    decided: int, rejected: int, is_held: bool
) -> None:
    said = AuthorHistory(_settings(recent=RULE))(facts(history=RecentHistory(decided, rejected)))
    assert said == (Say(("recent_rejections",)) if is_held else None)


def test_author_history_gives_both_reasons_in_a_stable_order() -> None:
    phase = AuthorHistory(_settings(first=1, recent=RULE))
    said = phase(facts(earlier_comments=0, history=RecentHistory(3, 3)))
    assert said == Say(("first_comments", "recent_rejections"))


def test_a_trusted_author_skips_the_history_holds() -> None:
    phases = moderation_phases(_settings(first=5, recent=RULE))
    trusted = facts(
        author_policy=policy(AuthorPolicy.TRUST),
        earlier_comments=0,
        history=RecentHistory(3, 3),
    )
    assert run_phases(phases, trusted) == Outcome(Status.APPROVED, [])


def test_recent_rejections_setting_parses_and_checks_its_parts() -> None:
    assert parse_recent_rejections("0.5:3:10:604800") == RecentRejections(0.5, 3, 10, 604800.0)
    for bad in ("0.5:3:10", "1.5:3:10:60", "0.5:0:10:60", "0.5:5:3:60", "0.5:3:10:-1"):
        with pytest.raises(ValueError, match=r"."):
            parse_recent_rejections(bad)


def test_site_settings_read_the_history_rules_from_the_environment() -> None:
    site = SiteSettings.from_env(
        {"COMMENTDESK_FIRST_COMMENTS_HELD": "2", "COMMENTDESK_RECENT_REJECTIONS": "0.4:2:5:3600"}
    )
    assert site.first_comments_held == 2
    assert site.recent_rejections == RecentRejections(0.4, 2, 5, 3600.0)
    assert SiteSettings.from_env({"COMMENTDESK_RECENT_REJECTIONS": "off"}).recent_rejections is None
