from __future__ import annotations

import dataclasses

import pytest

from service.domain import AuthorPolicy, Status
from service.settings import Settings
from service.verdict.phases import moderation_phases
from service.verdict.phases.author_policy import author_policy, author_trust
from service.verdict.phases.classifier_error import classifier_error
from service.verdict.phases.rules import Rules
from service.verdict.phases.watched_words import WatchedWords
from service.verdict.pipeline import (
    CommentFacts,
    Outcome,
    Phase,
    Say,
    combine,
    merge_evidence,
    run_phases,
)
from tests.unit.service.verdict.facts import facts, policy

SPAM_PITCH = "Made 300% profit with my account manager, WhatsApp +1 555 010 0199"
LINK = "More at https://example.org/rates"


def test_combine_approves_when_no_phase_says_anything() -> None:
    assert combine([None, None]) == Outcome(Status.APPROVED, [])


def test_combine_withholds_with_the_holds_in_phase_order() -> None:
    assert combine([Say(("links",)), None, Say(("new_author", "links"))]) == Outcome(
        Status.WITHHELD,
        ["links", "new_author"],
    )


def test_combine_puts_a_decisions_reasons_before_earlier_holds() -> None:
    said = [Say(("links",)), Say(("spam",), Status.SPAM), Say(("never",), Status.APPROVED)]
    assert combine(said) == Outcome(Status.SPAM, ["spam", "links"])


def test_run_phases_stops_at_the_first_decision() -> None:
    ran: list[str] = []

    def phase(name: str, say: Say | None) -> Phase:
        def run(_: CommentFacts) -> Say | None:
            ran.append(name)
            return say

        return run

    phases = [phase("a", None), phase("b", Say((), Status.APPROVED)), phase("c", None)]
    assert run_phases(phases, facts()) == Outcome(Status.APPROVED, [])
    assert ran == ["a", "b"]


def test_phases_run_policy_words_article_history_error_language_rules_then_thresholds() -> None:
    phases = moderation_phases(Settings())
    assert phases[0] is author_policy
    assert isinstance(phases[1], WatchedWords)
    assert phases[2] is author_trust
    assert [type(p).__name__ for p in phases[3:5]] == ["ArticlePolicy", "AuthorHistory"]
    assert phases[5] is classifier_error
    assert [type(p).__name__ for p in phases[6:]] == ["Language", "Rules", "Thresholds"]
    assert isinstance(phases[7], Rules)


@pytest.mark.parametrize(
    "scores", [{"spam": 0.0, "toxic": 0.0}, {"spam": 0.5, "toxic": 0.1}, {"spam": 0.9999}]
)
def test_order_a_banned_authors_comment_is_rejected_whatever_its_scores(
    scores: dict[str, float],
) -> None:
    banned = facts(SPAM_PITCH, scores, author_policy=policy(AuthorPolicy.BAN))
    assert run_phases(moderation_phases(Settings()), banned) == Outcome(
        Status.REJECTED,
        ["banned_author"],
    )


def test_order_a_banned_authors_comment_is_rejected_even_when_the_model_failed() -> None:
    banned = facts(error="model broke", author_policy=policy(AuthorPolicy.BAN))
    assert run_phases(moderation_phases(Settings()), banned) == Outcome(
        Status.REJECTED,
        ["banned_author"],
    )


def test_order_premoderation_holds_what_the_thresholds_would_reject() -> None:
    spam = facts(SPAM_PITCH, {"spam": 0.9999}, author_policy=policy(AuthorPolicy.PREMODERATE))
    assert run_phases(moderation_phases(Settings()), spam) == Outcome(
        Status.WITHHELD, ["premoderated"]
    )


def test_order_a_trusted_authors_link_is_not_held_by_the_rules() -> None:
    trusted = facts(LINK, author_policy=policy(AuthorPolicy.TRUST))
    phases = moderation_phases(Settings())
    assert run_phases(phases, trusted) == Outcome(Status.APPROVED, [])
    assert run_phases(phases, dataclasses.replace(trusted, policy=None)) == Outcome(
        Status.WITHHELD,
        ["links"],
    )


def test_order_rule_reasons_follow_the_thresholds_reasons() -> None:
    spam = facts(SPAM_PITCH, {"spam": 0.9999, "toxic": 0.6}, account_age_days=0.5)
    assert run_phases(moderation_phases(Settings()), spam) == Outcome(
        Status.SPAM,
        ["spam", "toxic", "contact_details", "new_author"],
    )


def test_merge_evidence_adds_spans_and_notes_and_keeps_other_members() -> None:
    model = {
        "labels": {"toxic": [{"text": "idiot"}]},
        "rules": [{"rule": "links"}],
        "language": {"code": "de"},
    }
    words = {"rules": [{"rule": "suspect_word"}], "notes": ["ran out of time"]}
    assert merge_evidence([None, words]) is words
    assert merge_evidence([None, None]) is None
    assert merge_evidence([model, words]) == {
        "labels": {"toxic": [{"text": "idiot"}]},
        "rules": [{"rule": "links"}, {"rule": "suspect_word"}],
        "language": {"code": "de"},
        "notes": ["ran out of time"],
    }
