"""One site's watched words compiled into an Aho-Corasick automaton, and the search with a budget.

pyahocorasick (a long-kept C extension, BSD-licensed, wheels for every platform) finds every list
entry in one pass over the folded comment whatever the list's length, where a regular-expression
alternation tries each entry at each position. Entries and comments are folded alike
(``folding``); an entry is stored as its folded words, and a match counts only where it is whole
words ("class" holds no "ass").
Stretched letters are folded to one (``fuuuck``), and a match must have written each letter at
least as often as the entry does, so "but" never matches "butt".
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Sequence

import ahocorasick

from service.domain.watched_words import WatchedMatch, WatchKind
from service.wordmatch.folding import (
    collapse_runs,
    finish_quickly,
    fold,
    fold_entry,
    vocabulary_guess,
)

Clock = Callable[[], float]


@dataclasses.dataclass(frozen=True)
class Search:
    """What a search found; ``finished`` False: the budget ran out before it could say."""

    matches: tuple[WatchedMatch, ...]
    finished: bool = True


@dataclasses.dataclass(frozen=True)
class _Entry:
    phrase: str  # as ops wrote it: what a moderator is shown
    kind: WatchKind
    runs: tuple[int, ...]  # how often each letter of the collapsed key is written in a row


class _OutOfTimeError(Exception):
    pass


class WordMatcher:
    """The compiled list of one site at one version; immutable, so one per version is shared."""

    def __init__(self, entries: Iterable[tuple[str, WatchKind]]) -> None:
        self._automaton = ahocorasick.Automaton()
        keys: dict[str, list[_Entry]] = {}
        words: set[str] = set()  # every word of every entry: what a masked word may hide
        singles: set[str] = set()  # entries of one word, which a masked word can match alone
        for phrase, kind in entries:
            folded = fold_entry(phrase)
            if not folded:
                continue
            key, runs = collapse_runs(folded)
            keys.setdefault(key, []).append(_Entry(phrase, kind, runs))
            words.update(folded.split())
            if " " not in folded:
                singles.add(folded)
        for key, found in keys.items():
            self._automaton.add_word(key, (key, tuple(found)))
        self.size = sum(len(found) for found in keys.values())
        if keys:
            self._automaton.make_automaton()
        self._guess = vocabulary_guess(words, singles)

    def search(self, text: str, budget: float, clock: Clock = time.perf_counter) -> Search:
        """Every entry found in ``text`` (original offsets), giving up after ``budget`` seconds."""
        if self.size == 0:
            return Search(())
        deadline = clock() + budget

        def check() -> None:
            if clock() > deadline:
                raise _OutOfTimeError

        try:
            return Search(tuple(self._search(text, check)))
        except _OutOfTimeError:
            return Search((), finished=False)

    def _search(self, text: str, check: Callable[[], None]) -> list[WatchedMatch]:
        # Most comments match nothing: find that out on the folded text alone, and map offsets
        # only for a comment that may hold a match.
        folded = fold(text)
        quick, has_spaced = finish_quickly(folded.text, self._guess)
        check()
        if not self._may_match(quick, has_spaced):
            return []
        folded = folded.unmask(self._guess).join_spaced()
        check()
        folded = folded.separate().collapse()
        check()
        found: list[WatchedMatch] = []
        for count, (last, (key, entries)) in enumerate(self._automaton.iter(folded.text), 1):
            first = last - len(key) + 1
            if not folded.is_word(first, last):
                continue  # "ass" in "class"
            seen = [folded.run(i) for i in range(first, last + 1)]
            for entry in entries:
                if _written_enough(seen, entry.runs):
                    start, end = folded.span(first, last)
                    found.append(
                        WatchedMatch(start, end, text[start:end], entry.phrase, entry.kind)
                    )
            if count % 64 == 0:
                check()
        check()
        return _distinct(found)

    def _may_match(self, folded: str, has_spaced: bool) -> bool:
        """Whether an entry occurs in ``folded`` as whole words (anywhere, if letters were
        spaced out: their joins are word boundaries the bare text no longer shows)."""
        for last, (key, _) in self._automaton.iter(folded):
            first = last - len(key) + 1
            if has_spaced or (folded[first - 1] == " " and folded[last + 1] == " "):
                return True
        return False


def _written_enough(seen: Sequence[int], wanted: Sequence[int]) -> bool:
    return all(s >= w for s, w in zip(seen, wanted, strict=True))


def _distinct(found: list[WatchedMatch]) -> list[WatchedMatch]:
    """One match per span and kind (two entries folding alike name the same words), in order."""
    seen: dict[tuple[int, int, WatchKind], WatchedMatch] = {}
    for match in sorted(found, key=lambda m: (m.start, -m.end)):
        seen.setdefault((match.start, match.end, match.kind), match)
    return list(seen.values())
