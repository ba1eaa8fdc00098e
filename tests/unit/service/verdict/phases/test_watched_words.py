"""Phase 2, watched words: banned rejects, suspect or a timeout holds; the words are evidence."""

from __future__ import annotations

import dataclasses

from service.domain import AuthorPolicy, Status
from service.domain.watched_words import WatchKind
from service.settings import Settings
from service.verdict.phases import moderation_phases
from service.verdict.phases.watched_words import WatchedWords
from service.verdict.pipeline import run_phases
from service.wordmatch.matcher import WordMatcher
from tests.unit.service.verdict.facts import facts, policy

LIST = WordMatcher([("scumbag", WatchKind.BANNED), ("moon soon", WatchKind.SUSPECT)])
PHASE = WatchedWords(Settings())


def test_a_banned_word_rejects_with_the_span_and_the_entry() -> None:
    said = PHASE(facts("You are a SCUMB@G, sir.", watched=LIST))
    assert said is not None
    assert (said.reasons, said.status) == (("banned_word",), Status.REJECTED)
    assert said.evidence == {
        "rules": [
            {"start": 10, "end": 17, "text": "SCUMB@G", "weight": 1.0, "kind": "rule",
             "rule": "banned_word", "detail": "scumbag"},
        ]
    }  # fmt: skip


def test_a_suspect_phrase_holds_without_deciding() -> None:
    said = PHASE(facts("This coin goes to the m o o n soon", watched=LIST))
    assert said is not None
    assert (said.reasons, said.status) == (("suspect_word",), None)
    assert said.evidence is not None
    assert [s["text"] for s in said.evidence["rules"]] == ["m o o n soon"]


def test_both_kinds_give_both_reasons_and_reject() -> None:
    said = PHASE(facts("scumbag, moon soon", watched=LIST))
    assert said is not None
    assert (said.reasons, said.status) == (("banned_word", "suspect_word"), Status.REJECTED)


def test_no_list_or_no_match_says_nothing() -> None:
    assert PHASE(facts("scumbag")) is None
    assert PHASE(facts("A fair point about rates.", watched=LIST)) is None


def test_a_check_out_of_time_holds_and_says_so() -> None:
    hurried = WatchedWords(dataclasses.replace(Settings(), watched_words_budget_seconds=1e-9))
    said = hurried(facts("scumbag " * 200, watched=LIST))
    assert said is not None
    assert (said.reasons, said.status) == (("watched_words_timeout",), None)
    assert said.evidence is not None
    assert "did not finish within its 1e-06 ms budget" in said.evidence["notes"][0]


def test_a_banned_word_rejects_even_a_comment_the_model_failed_on() -> None:
    outcome = run_phases(
        moderation_phases(Settings()), facts("scumbag", error="boom", watched=LIST)
    )
    assert (outcome.status, outcome.reasons) == (Status.REJECTED, ["banned_word"])
    assert outcome.evidence is not None


def test_a_suspect_word_stands_beside_a_later_decision_and_its_evidence_is_kept() -> None:
    outcome = run_phases(
        moderation_phases(Settings()), facts("moon soon", {"spam": 0.999}, watched=LIST)
    )
    # no spam evidence in the text, so the band only withholds; the hold's evidence stays
    assert (outcome.status, outcome.reasons) == (Status.WITHHELD, ["spam", "suspect_word"])
    assert outcome.evidence is not None
    assert outcome.evidence["rules"][0]["detail"] == "moon soon"


def test_a_banned_word_rejects_a_trusted_authors_comment() -> None:
    trusted = facts("You scumbag.", {"spam": 0.01, "toxic": 0.2}, watched=LIST,
                    author_policy=policy(AuthorPolicy.TRUST))  # fmt: skip
    outcome = run_phases(moderation_phases(Settings()), trusted)
    assert (outcome.status, outcome.reasons) == (Status.REJECTED, ["banned_word"])
    no_words = dataclasses.replace(trusted, watched=None)
    assert run_phases(moderation_phases(Settings()), no_words).status is Status.APPROVED
