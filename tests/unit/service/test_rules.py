from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from service.domain import Author, Comment, Reason, Status
from service.rules import has_link, rule_hits


def make_comment(body: str, account_age_days: float | None = None) -> Comment:
    return Comment(
        id="c1",
        site_id="site",
        article_id="a1",
        parent_id=None,
        root_id="c1",
        author=Author("u1", "Reader", account_age_days=account_age_days),
        body=body,
        language="en",
        status=Status.PENDING,
        reasons=(),
        risk=None,
        model_version=None,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        decided_at=None,
        version=1,
    )


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
