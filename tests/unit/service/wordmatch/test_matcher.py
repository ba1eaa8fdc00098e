"""The watched-word matcher: evasions it sees through, whole words only, phrases, the budget."""

from __future__ import annotations

import itertools

import pytest

from service.domain.watched_words import WatchKind
from service.wordmatch.matcher import WordMatcher

BANNED, SUSPECT = WatchKind.BANNED, WatchKind.SUSPECT
LIST = WordMatcher(
    [
        ("bitch", BANNED),
        ("ass", BANNED),
        ("kill yourself", BANNED),
        ("fuck off", BANNED),
        ("butt", SUSPECT),
        ("free money", SUSPECT),
        ("Crétin", SUSPECT),
        ("shit", SUSPECT),
    ]
)


def found(text: str, matcher: WordMatcher = LIST) -> list[tuple[str, str]]:
    """(the words as written, the list entry) of every match."""
    search = matcher.search(text, budget=1.0)
    assert search.finished
    return [(m.text, m.phrase) for m in search.matches]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("What a bitch.", "bitch"),
        ("What a BiTcH.", "BiTcH"),  # case
        ("You b**tch!", "b**tch"),  # masked letters, more masks than letters hidden
        ("You b*tch!", "b*tch"),
        ("a b##ch", "b##ch"),
        ("b i t c h please", "b i t c h"),  # spaced letters
        ("b.i.t.c.h", "b.i.t.c.h"),
        ("what a b i t c h", "b i t c h"),  # a spaced word after a one-letter word
        ("b1tch", "b1tch"),  # leetspeak
        ("b\u0456tch", "b\u0456tch"),  # a Cyrillic i
        ("biiiiitch", "biiiiitch"),  # stretched letters
        ("b\u200bitch", "b\u200bitch"),  # a zero-width space inside
        ("\uff42\uff49\uff54\uff43\uff48", "\uff42\uff49\uff54\uff43\uff48"),  # fullwidth
    ],
)
def test_search_sees_through_evasions(text: str, written: str) -> None:
    assert found(text) == [(written, "bitch")]


def test_search_folds_accents_both_ways() -> None:
    assert found("quel cretin") == [("cretin", "Crétin")]
    assert found("QUEL CRÉTIN") == [("CRÉTIN", "Crétin")]


@pytest.mark.parametrize(
    "text",
    [
        "a class act",  # no Scunthorpe: "ass" inside a word
        "an assessment of the bass line",
        "but not that",  # "but" is not a stretched "butt"
        "bitching about rates",  # a longer word is another word
        "s*** happens",  # one letter shown: could be anything
        "****",
        "killing yourself slowly with debt",  # a phrase is whole words too
    ],
)
def test_search_matches_whole_words_only(text: str) -> None:
    assert found(text) == []


def test_search_finds_phrases_across_any_separators() -> None:
    assert found("kill   yourself") == [("kill   yourself", "kill yourself")]
    assert found("KILL-yourself now") == [("KILL-yourself", "kill yourself")]
    assert found("f**k off, mate") == [("f**k off", "fuck off")]
    assert found("fr33 m0ney here") == [("fr33 m0ney", "free money")]


def test_search_reports_offsets_into_the_original_text() -> None:
    text = "Ünïcode first, then a b i t c h and an @ss."
    search = LIST.search(text, budget=1.0)
    assert [(text[m.start : m.end], m.kind) for m in search.matches] == [
        ("b i t c h", BANNED),
        ("@ss", BANNED),
    ]
    assert all(m.text == text[m.start : m.end] for m in search.matches)


def test_search_names_each_kind_found() -> None:
    kinds = {m.kind for m in LIST.search("shit, you ass", budget=1.0).matches}
    assert kinds == {BANNED, SUSPECT}


def test_search_gives_up_when_the_budget_runs_out() -> None:
    ticks = itertools.count()
    search = LIST.search("a perfectly long comment " * 40, budget=0.5, clock=lambda: next(ticks))
    assert not search.finished
    assert search.matches == ()


def test_search_with_an_empty_list_finds_nothing_at_once() -> None:
    empty = WordMatcher([])
    assert empty.size == 0
    assert empty.search("bitch", budget=0.0).finished


def test_entries_that_fold_to_nothing_are_left_out() -> None:
    assert WordMatcher([("!!!", BANNED), ("ass", BANNED)]).size == 1
