from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from service.domain import AuthorPolicy, Status
from service.verdict.phases.author_policy import author_policy, author_trust
from service.verdict.pipeline import Say
from tests.unit.service.verdict.facts import facts, policy


def test_author_policy_has_no_say_without_a_policy() -> None:
    assert author_policy(facts()) is None


def test_author_policy_ban_rejects() -> None:
    assert author_policy(facts(author_policy=policy(AuthorPolicy.BAN))) == Say(
        ("banned_author",), Status.REJECTED
    )


def test_author_policy_premoderate_holds_even_a_failed_classification() -> None:
    said = author_policy(facts(error="boom", author_policy=policy(AuthorPolicy.PREMODERATE)))
    assert said == Say(("premoderated",), Status.WITHHELD)


def test_author_policy_trust_approves_below_the_authors_threshold_only() -> None:
    trusted = policy(AuthorPolicy.TRUST, trust_threshold=0.3)
    assert author_trust(facts(scores={"spam": 0.2}, author_policy=trusted)) == Say(
        (), Status.APPROVED
    )
    assert author_trust(facts(scores={"spam": 0.35}, author_policy=trusted)) is None


def test_author_policy_trust_defaults_to_half() -> None:
    trusted = policy(AuthorPolicy.TRUST)
    assert author_trust(facts(scores={"spam": 0.49}, author_policy=trusted)) is not None
    assert author_trust(facts(scores={"spam": 0.5}, author_policy=trusted)) is None


def test_author_policy_trust_never_approves_an_unscored_comment() -> None:
    assert author_trust(facts(error="boom", author_policy=policy(AuthorPolicy.TRUST))) is None


def test_author_policy_suspend_rejects_a_comment_stored_before_it_began() -> None:
    said = author_policy(facts(author_policy=policy(AuthorPolicy.SUSPEND)))
    assert said == Say(("suspended_author",), Status.REJECTED)


def test_author_policy_is_active_until_it_expires() -> None:
    setting = dataclasses.replace(
        policy(AuthorPolicy.PREMODERATE), expires_at=datetime(2026, 2, 1, tzinfo=UTC)
    )
    assert setting.is_active(datetime(2026, 1, 31, 23, 59, tzinfo=UTC))
    assert not setting.is_active(datetime(2026, 2, 1, tzinfo=UTC))
    assert policy(AuthorPolicy.BAN).is_active(datetime(2100, 1, 1, tzinfo=UTC))


def test_trust_is_not_a_restriction_and_a_restriction_is_not_trust() -> None:
    assert (
        author_policy(facts(scores={"spam": 0.1}, author_policy=policy(AuthorPolicy.TRUST))) is None
    )
    assert author_trust(facts(author_policy=policy(AuthorPolicy.BAN))) is None
