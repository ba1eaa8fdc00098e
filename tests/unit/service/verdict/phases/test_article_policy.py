from __future__ import annotations

import dataclasses

from service.domain import Status
from service.settings import Settings
from service.verdict.phases import moderation_phases
from service.verdict.phases.article_policy import ArticlePolicy
from service.verdict.pipeline import Outcome, Say, run_phases
from tests.unit.service.verdict.facts import article, facts

LINK = "Background at https://example.org/rates"
phase = ArticlePolicy(Settings())


def test_article_policy_has_no_say_without_settings_or_with_the_defaults() -> None:
    assert phase(facts(LINK)) is None
    assert phase(facts(LINK, article=article())) is None


def test_article_policy_premoderate_holds_every_comment() -> None:
    assert phase(facts(article=article(premoderate=True))) == Say(("article_premoderated",))


def test_article_policy_premoderate_links_holds_only_a_comment_with_a_link() -> None:
    links = article(premoderate_links=True)
    assert phase(facts(LINK, article=links)) == Say(("article_premoderated_links",))
    assert phase(facts("No link at all here.", article=links)) is None


def test_article_policy_premoderate_links_spares_a_host_the_site_allows() -> None:
    allowing = ArticlePolicy(
        dataclasses.replace(Settings(), link_allowlist=frozenset({"example.org"}))
    )
    assert allowing(facts(LINK, article=article(premoderate_links=True))) is None


def test_article_policy_gives_both_reasons_when_both_apply() -> None:
    both = article(premoderate=True, premoderate_links=True)
    assert phase(facts(LINK, article=both)) == Say(
        ("article_premoderated", "article_premoderated_links")
    )


def test_article_premoderation_holds_a_clean_comment_but_a_spam_rejection_still_decides() -> None:
    phases = moderation_phases(Settings())
    held = article(premoderate=True)
    assert run_phases(phases, facts(article=held)) == Outcome(
        Status.WITHHELD, ["article_premoderated"]
    )
    pitch = "Made 300% profit with my account manager, WhatsApp +1 555 010 0199"
    status, reasons, _ = run_phases(phases, facts(pitch, scores={"spam": 0.9999}, article=held))
    assert status is Status.SPAM
    assert reasons[0] == "spam"
    assert "article_premoderated" in reasons
