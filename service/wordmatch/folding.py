"""Folding a comment for watched-word matching, keeping where every folded letter came from.

The classifier folds evasions for its n-grams (``classifier/folding.py``) but throws the offsets
away, and a moderator must see the very characters that matched. This fold undoes the same
evasions (case, accents, Cyrillic/Greek look-alikes, leetspeak inside words, spaced-out letters,
stretched letters) and keeps, for each folded character, the span of the original text it
stands for. Masked letters (``b**ch``) need the word list, so ``Folded.unmask`` takes it.

Every step is a regular expression or ``str`` method over the whole text (C loops); Python
loops run only over matches, and over characters only for text outside ASCII.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping

from anyascii import anyascii

from textsignals.letters import CONFUSABLE_LETTERS, LEET_LETTERS

# Characters that stand for a hidden letter inside a word: "f*ck", "b#tch".
MASKS = "*#%"
# A word with masked letters: starts with a letter, then letters and masks, ends on either.
_MASKED = re.compile(rf"(?<![^\W_])[^\W\d_][^\W\d_{MASKS}]*[{MASKS}][^\W\d_{MASKS}]*(?:[{MASKS}]"
                     rf"[^\W\d_{MASKS}]*)*(?![^\W_])")  # fmt: skip
# Digits and symbols used as letters inside a word that also holds a letter ("fr33", "@ss").
# (Only words holding a leet character are tried; the callback checks for a letter.)
_LEET_WORD = re.compile(r"(?<![\w@$])[\w@$]*[013457@$][\w@$]*")
_LETTER = re.compile(r"[^\W\d_]")
# "sh!t": an exclamation mark between letters is an i.
_BANG = re.compile(r"(?<=[^\W\d_])!(?=[^\W\d_])")
# Three or more single letters split by one repeated separator: "b i t c h", "b.i.t.c.h".
_SPACED = re.compile(r"(?<![^\W_])[^\W\d_]([ ._-])(?:[^\W\d_]\1)+[^\W\d_](?![^\W_])")
_MASK_RUN = re.compile(rf"[{re.escape(MASKS)}]+")
_SEPARATORS = re.compile(r"[\W_]+")
_LONG_SEPARATORS = re.compile(r"[\W_]{2,}")
_RUN = re.compile(r"(.)\1+")
_EACH_RUN = re.compile(r"(.)\1*")


@dataclasses.dataclass(frozen=True)
class Folded:
    """A folded text: ``text[i]`` stands for ``original[starts[i]:ends[i]]``.

    ``runs[i]`` is how many times the letter was written in a row (``"fuuuck"``: ``u`` is 3;
    absent: once), set by ``collapse``; ``spaced`` holds the letters written apart from their
    neighbours (``b i t c h``), set by ``join_spaced``: a word may start or end at such a letter.
    """

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    runs: Mapping[int, int] = dataclasses.field(default_factory=dict)
    spaced: frozenset[int] = frozenset()

    def span(self, first: int, last: int) -> tuple[int, int]:
        """The original span of folded characters ``first..last`` (inclusive)."""
        return self.starts[first], self.ends[last]

    def run(self, index: int) -> int:
        """How many times the character at ``index`` was written in a row."""
        return self.runs.get(index, 1)

    def is_word(self, first: int, last: int) -> bool:
        """Whether folded characters ``first..last`` are whole words: a space or the gap
        between two spaced-out letters on each side."""
        return self._cut_before(first) and self._cut_before(last + 1)

    def _cut_before(self, index: int) -> bool:
        if index <= 0 or index >= len(self.text):
            return True
        if self.text[index - 1] == " " or self.text[index] == " ":
            return True
        return index - 1 in self.spaced and index in self.spaced

    def unmask(self, guess: Callable[[str], str | None]) -> Folded:
        """Masked words replaced by ``guess(word)``, each of its letters standing for the
        whole masked word (a run of masks may hide more or fewer letters than it has)."""
        if not any(mask in self.text for mask in MASKS):
            return self
        text: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        position = 0
        for match in _MASKED.finditer(self.text):
            found = _unmasked(match.group(), guess)
            if found is None:
                continue
            first, last = match.start(), match.end() - 1
            text.append(self.text[position:first])
            starts.extend(self.starts[position:first])
            ends.extend(self.ends[position:first])
            text.append(found)
            starts.extend([self.starts[first]] * len(found))
            ends.extend([self.ends[last]] * len(found))
            position = last + 1
        if position == 0:
            return self
        text.append(self.text[position:])
        starts.extend(self.starts[position:])
        ends.extend(self.ends[position:])
        return Folded("".join(text), tuple(starts), tuple(ends))

    def join_spaced(self) -> Folded:
        """Spaced-out letters joined (``b i t c h`` → ``bitch``), each marked as spaced."""
        matches = list(_SPACED.finditer(self.text))
        if not matches:
            return self
        gaps = [(g, g + 1) for m in matches for g in range(m.start() + 1, m.end(), 2)]
        letters = {i for m in matches for i in range(m.start(), m.end(), 2)}
        joined, moved = self._drop(gaps)
        return dataclasses.replace(joined, spaced=frozenset(moved(i) for i in letters))

    def separate(self) -> Folded:
        """Every run of non-letters and non-digits one space, with a space at each end."""
        separated, _ = self._drop([(m.start() + 1, m.end()) for m in _LONG_SEPARATORS.finditer(
            self.text)])  # fmt: skip
        text = _SEPARATORS.sub(" ", separated.text)  # each separator is one character now
        starts, ends, spaced = separated.starts, separated.ends, separated.spaced
        if not text.startswith(" "):
            text, starts, ends = " " + text, (0, *starts), (0, *ends)
            spaced = frozenset(i + 1 for i in spaced)
        if not text.endswith(" "):
            text, starts, ends = text + " ", (*starts, ends[-1]), (*ends, ends[-1])
        return Folded(text, starts, ends, spaced=spaced)

    def collapse(self) -> Folded:
        """Runs of one character made one, counting how long each run was."""
        repeats = list(_RUN.finditer(self.text))
        if not repeats:
            return self
        collapsed, moved = self._drop([(m.start() + 1, m.end()) for m in repeats])
        ends = list(collapsed.ends)
        runs: dict[int, int] = {}
        for match in repeats:
            index = moved(match.start())
            ends[index] = self.ends[match.end() - 1]
            runs[index] = match.end() - match.start()
        return dataclasses.replace(collapsed, ends=tuple(ends), runs=runs)

    def _drop(self, doomed: list[tuple[int, int]]) -> tuple[Folded, Callable[[int], int]]:
        """Without the characters of the ``doomed`` ranges (sorted, apart), and where each
        kept character moved to; ``spaced`` letters that stay are kept."""
        if not doomed:
            return self, lambda index: index
        kept: list[tuple[int, int]] = []
        position = 0
        for first, end in doomed:
            kept.append((position, first))
            position = end
        kept.append((position, len(self.text)))
        cuts = [first for first, _ in doomed]
        removed = list(itertools.accumulate(end - first for first, end in doomed))

        def moved(index: int) -> int:
            before = bisect.bisect_right(cuts, index)
            return index - removed[before - 1] if before else index

        def is_kept(index: int) -> bool:
            before = bisect.bisect_right(cuts, index)
            return not before or index >= doomed[before - 1][1]

        return Folded(
            "".join(self.text[a:b] for a, b in kept),
            tuple(itertools.chain.from_iterable(self.starts[a:b] for a, b in kept)),
            tuple(itertools.chain.from_iterable(self.ends[a:b] for a, b in kept)),
            spaced=frozenset(moved(i) for i in self.spaced if is_kept(i)),
        ), moved


def fold(text: str) -> Folded:
    """Letters folded to what they read as, lower case, leetspeak undone; offsets kept."""
    folded = _letters(text)
    lowered = _LEET_WORD.sub(_unleet, folded.text)
    if "!" in lowered:
        lowered = _BANG.sub("i", lowered)
    return dataclasses.replace(folded, text=lowered)


def _unleet(match: re.Match[str]) -> str:
    word = match.group()
    return word.translate(LEET_LETTERS) if len(word) > 1 and _LETTER.search(word) else word


def finish_quickly(folded: str, guess: Callable[[str], str | None]) -> tuple[str, bool]:
    """The text ``f.unmask(guess).join_spaced().separate().collapse()`` gives for a ``f`` of
    text ``folded``, without the offsets (twice as cheap), and whether spaced-out letters were
    joined."""
    if any(mask in folded for mask in MASKS):
        folded = _MASKED.sub(lambda m: _unmasked(m.group(), guess) or m.group(), folded)
    joined = _SPACED.sub(lambda m: m.group()[::2], folded)
    separated = _SEPARATORS.sub(" ", joined)
    padded = f"{'' if separated.startswith(' ') else ' '}{separated}"
    padded += "" if padded.endswith(" ") else " "
    return _RUN.sub(r"\1", padded), joined != folded


def _unmasked(word: str, guess: Callable[[str], str | None]) -> str | None:
    """The word a masked word stands for, if it shows enough letters to tell."""
    letters = sum(c not in MASKS for c in word)
    # "f**k" and "b**tch" show enough letters to read; "s***" or "****" could be anything.
    return guess(word) if letters >= 2 and letters > len(_MASK_RUN.findall(word)) else None


def fold_entry(entry: str) -> str:
    """A list entry folded as comments are (without offsets): the words it must match."""
    return fold(entry).separate().text.strip()


def _letters(text: str) -> Folded:
    """Case, look-alikes, accents and invisible characters folded, one original char at a time."""
    folded = text.lower() if text.isascii() else text.translate(_CHARS)
    if len(folded) == len(text) and all(len(_fold_char(c)) == 1 for c in _unusual(text)):
        return Folded(folded, tuple(range(len(text))), tuple(range(1, len(text) + 1)))
    # Some character vanished (a zero-width space) or became several ("ß"): map each.
    starts: list[int] = []
    ends: list[int] = []
    for position, char in enumerate(text):
        width = len(_fold_char(char))
        starts.extend([position] * width)
        ends.extend([position + 1] * width)
    return Folded(folded, tuple(starts), tuple(ends))


def _unusual(text: str) -> set[str]:
    """The characters of ``text`` that may not fold to exactly one: those outside ASCII."""
    return set() if text.isascii() else {c for c in set(text) if not c.isascii()}


class _CharTable(dict[int, str]):
    """``str.translate``'s table: each character's fold, computed on first sight."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_CHARS = _CharTable()


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """What one character reads as: "" for an invisible one, several letters for "ß"."""
    if char.isascii():
        return char.lower()
    if unicodedata.category(char) == "Cf":  # zero-width spaces and joiners, bidi marks
        return ""
    char = char.translate(CONFUSABLE_LETTERS)
    bare = "".join(
        c for c in unicodedata.normalize("NFKD", char) if unicodedata.category(c) != "Mn"
    )
    if bare.isascii():
        return bare.lower()
    # Latin letters NFKD leaves alone (ß, ø, ł, æ) read as their ASCII letters; other scripts
    # stay themselves, so a list in Cyrillic or Greek still matches Cyrillic or Greek.
    if "LATIN" in unicodedata.name(bare[0], ""):
        return anyascii(bare).lower()
    return bare.casefold()


def collapse_runs(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` with each run of one character made one, and how long each run was."""
    runs = [match.end() - match.start() for match in _EACH_RUN.finditer(text)]
    return _RUN.sub(r"\1", text), tuple(runs)


def vocabulary_guess(
    words: Iterable[str], entries: Collection[str] = ()
) -> Callable[[str], str | None]:
    """A guess for masked words: the first list word it can be read as, with each run of masks
    standing for one to two more letters than it has; words that are whole ``entries`` first
    (a word only found inside a phrase cannot match on its own), then in sorted order."""
    by_initial: dict[str, list[str]] = {}
    for word in sorted(set(words), key=lambda w: (w not in entries, w)):
        by_initial.setdefault(word[0], []).append(word)

    def guess(masked: str) -> str | None:
        candidates = by_initial.get(masked[0], ())
        if not candidates:
            return None
        pattern = re.compile(_MASK_RUN.sub(_any_letters, masked))
        return next((w for w in candidates if pattern.fullmatch(w)), None)

    return guess


def _any_letters(run: re.Match[str]) -> str:
    return rf"[^\W\d_]{{1,{len(run.group()) + 2}}}"
