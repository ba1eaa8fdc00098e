from __future__ import annotations

import dataclasses

from service.settings import Settings, parse_words
from service.verdict.evidence import RejectEvidence


def settings(**changes: object) -> Settings:
    return dataclasses.replace(Settings(), **changes)  # type: ignore[arg-type]


def test_spam_evidence_honours_the_site_allowlist() -> None:
    evidence = RejectEvidence(settings(site_link_allowlists={"news": frozenset({"example.org"})}))
    body = "details at https://example.org/report"
    assert evidence.checker(body, "news")("spam") is False
    assert evidence.checker(body, "other-site")("spam") is True


def test_toxicity_needs_a_banned_word() -> None:
    body = "You absolute Clown, sit down"
    assert RejectEvidence(settings()).checker(body, "s")("toxic") is False
    banned = RejectEvidence(settings(banned_words=parse_words("clown, sit  down")))
    assert banned.checker(body, "s")("insult") is True
    assert banned.banned_words(body) == ["Clown", "sit down"]


def test_banned_words_match_whole_words_only() -> None:
    evidence = RejectEvidence(settings(banned_words=parse_words("ass")))
    assert evidence.banned_words("a classic assessment") == []
    assert evidence.banned_words("what an ass.") == ["ass"]


def test_checker_searches_each_kind_of_evidence_once() -> None:
    calls: list[str] = []

    class Counting(RejectEvidence):
        def spam_signals(self, body: str, site_id: str) -> list:  # type: ignore[type-arg]
            calls.append(body)
            return super().spam_signals(body, site_id)

    check = Counting(settings()).checker("WhatsApp me", "s")
    assert check("spam")
    assert check("spam")
    assert calls == ["WhatsApp me"]
