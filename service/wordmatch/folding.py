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

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable

from anyascii import anyascii

from textsignals.letters import CONFUSABLE_LETTERS, LEET_LETTERS

# Characters that stand for a hidden letter inside a word: "f*ck", "b#tch".
MASKS = "*#%"
# A word with masked letters: starts with a letter, then letters and masks, ends on either.
_MASKED = re.compile(rf"(?<![^\W_])[^\W\d_][^\W\d_{MASKS}]*[{MASKS}][^\W\d_{MASKS}]*(?:[{MASKS}]"
                     rf"[^\W\d_{MASKS}]*)*(?![^\W_])")  # fmt: skip
# Digits and symbols used as letters inside a word that also holds a letter ("fr33", "@ss").
_LEET_WORD = re.compile(r"(?<![\w@$])(?=[\w@$]*[^\W\d_])(?=[\w@$]*[013457@$])[\w@$]{2,}")
# "sh!t": an exclamation mark between letters is an i.
_BANG = re.compile(r"(?<=[^\W\d_])!(?=[^\W\d_])")
# Three or more single letters split by one repeated separator: "b i t c h", "b.i.t.c.h".
_SPACED = re.compile(r"(?<![^\W_])[^\W\d_]([ ._-])(?:[^\W\d_]\1)+[^\W\d_](?![^\W_])")
_MASK_RUN = re.compile(rf"[{re.escape(MASKS)}]+")
_SEPARATORS = re.compile(r"[\W_]+")
_RUN = re.compile(r"(.)\1+")
_EACH_RUN = re.compile(r"(.)\1*")


@dataclasses.dataclass(frozen=True)
class Folded:
    """A folded text: ``text[i]`` stands for ``original[starts[i]:ends[i]]``.

    ``runs[i]`` is how many times the letter was written in a row (``"fuuuck"``: ``u`` is 3),
    set once ``collapse`` has run; every other step leaves it 1.
    """

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    runs: tuple[int, ...] = ()

    def span(self, first: int, last: int) -> tuple[int, int]:
        """The original span of folded characters ``first..last`` (inclusive)."""
        return self.starts[first], self.ends[last]

    def unmask(self, guess: Callable[[str], str | None]) -> Folded:
        """Masked words replaced by ``guess(word)``, each of its letters standing for the
        whole masked word (a run of masks may hide more or fewer letters than it has)."""
        pieces: list[tuple[str, int, int]] = []  # replacement, first and last folded index
        for match in _MASKED.finditer(self.text):
            word = match.group()
            letters = sum(c not in MASKS for c in word)
            # "f**k" and "b**tch" show enough letters to read; "s***" or "****" could be anything.
            if letters >= 2 and letters > len(_MASK_RUN.findall(word)):
                found = guess(word)
                if found is not None:
                    pieces.append((found, match.start(), match.end() - 1))
        if not pieces:
            return self
        text: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        position = 0
        for found, first, last in pieces:
            text.append(self.text[position:first])
            starts.extend(self.starts[position:first])
            ends.extend(self.ends[position:first])
            text.append(found)
            starts.extend([self.starts[first]] * len(found))
            ends.extend([self.ends[last]] * len(found))
            position = last + 1
        text.append(self.text[position:])
        starts.extend(self.starts[position:])
        ends.extend(self.ends[position:])
        return Folded("".join(text), tuple(starts), tuple(ends))

    def join_spaced(self) -> Folded:
        """Spaced-out letters joined: ``b i t c h`` → ``bitch``."""
        return self._delete(_SPACED, lambda m: range(m.start() + 1, m.end(), 2))

    def separate(self) -> Folded:
        """Every run of non-letters and non-digits one space, with a space at each end, so a
        whole word is a word between two spaces."""
        keep: list[int] = []
        text = _SEPARATORS.sub(" ", self.text)
        # Rebuild the map: each kept character maps as before, each separator run as its first.
        position = 0
        for match in _SEPARATORS.finditer(self.text):
            keep.extend(range(position, match.start()))
            keep.append(match.start())
            position = match.end()
        keep.extend(range(position, len(self.text)))
        starts = [self.starts[i] for i in keep]
        ends = [self.ends[i] for i in keep]
        if not text.startswith(" "):
            text, starts, ends = " " + text, [0, *starts], [0, *ends]
        if not text.endswith(" "):
            edge = ends[-1] if ends else 0
            text, starts, ends = text + " ", [*starts, edge], [*ends, edge]
        return Folded(text, tuple(starts), tuple(ends))

    def collapse(self) -> Folded:
        """Runs of one character made one, counting how long each run was."""
        text: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        runs: list[int] = []
        position = 0
        for match in _RUN.finditer(self.text):
            _copy_singles(self, position, match.start(), text, starts, ends, runs)
            text.append(match.group(1))
            starts.append(self.starts[match.start()])
            ends.append(self.ends[match.end() - 1])
            runs.append(match.end() - match.start())
            position = match.end()
        _copy_singles(self, position, len(self.text), text, starts, ends, runs)
        return Folded("".join(text), tuple(starts), tuple(ends), tuple(runs))

    def _delete(self, pattern: re.Pattern[str], doomed: Callable[[re.Match[str]], range]) -> Folded:
        gone = {i for match in pattern.finditer(self.text) for i in doomed(match)}
        if not gone:
            return self
        kept = [i for i in range(len(self.text)) if i not in gone]
        return Folded(
            "".join(self.text[i] for i in kept),
            tuple(self.starts[i] for i in kept),
            tuple(self.ends[i] for i in kept),
        )


def _copy_singles(
    folded: Folded,
    start: int,
    end: int,
    text: list[str],
    starts: list[int],
    ends: list[int],
    runs: list[int],
) -> None:
    text.extend(folded.text[start:end])
    starts.extend(folded.starts[start:end])
    ends.extend(folded.ends[start:end])
    runs.extend([1] * (end - start))


def fold(text: str) -> Folded:
    """Letters folded to what they read as, lower case, leetspeak undone; offsets kept."""
    folded = _letters(text)
    lowered = _LEET_WORD.sub(lambda m: m.group().translate(LEET_LETTERS), folded.text)
    lowered = _BANG.sub("i", lowered)
    return dataclasses.replace(folded, text=lowered)


def fold_entry(entry: str) -> str:
    """A list entry folded as comments are (without offsets): the words it must match."""
    return fold(entry).join_spaced().separate().text.strip()


def _letters(text: str) -> Folded:
    """Case, look-alikes, accents and invisible characters folded, one original char at a time."""
    if text.isascii():
        positions = tuple(range(len(text)))
        return Folded(text.lower(), positions, tuple(p + 1 for p in positions))
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for position, char in enumerate(text):
        for folded in _fold_char(char):
            chars.append(folded)
            starts.append(position)
            ends.append(position + 1)
    return Folded("".join(chars), tuple(starts), tuple(ends))


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


def vocabulary_guess(words: Iterable[str]) -> Callable[[str], str | None]:
    """A guess for masked words: the first list word (in sorted order) it can be read as, with
    each run of masks standing for one to two more letters than it has."""
    by_initial: dict[str, list[str]] = {}
    for word in sorted(set(words)):
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
