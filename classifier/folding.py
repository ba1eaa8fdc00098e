"""Evasion folding: the lower-cased copy of normalised texts that the n-gram views read.

Cyrillic/Greek look-alikes become Latin letters, leetspeak inside words is undone (``fr33`` →
``free``), spaced-out letters are joined (``f r e e`` → ``free``) and runs of three or more equal
letters or punctuation marks are cut to two (``soooo`` → ``soo``). Each step is defined by a
regular expression over the whole batch joined with newlines (the comments in the steps give
it); at news-comment length running those regexes was a tenth of the scoring time, so the steps
run on the batch's code points with numpy instead, and give the same string character for
character (the tests compare them with the regexes on every text of the public datasets). Only
the "spaced letters" step still uses its regex, on the few lines that can hold a match.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from classifier.codepoints import DIGIT, SPACE, WORD, Codes, char_classes, decode, encode
from textsignals.letters import CONFUSABLE_LETTERS, LEET_LETTERS

__all__ = ["fold_text", "fold_texts"]

Mask = npt.NDArray[np.bool_]

# Look-alike letters and leetspeak, shared with the watched-word matcher (textsignals.letters).
_CONFUSABLES = CONFUSABLE_LETTERS
_LEET = LEET_LETTERS
# Three or more single letters split by one repeated separator (space, dot, dash, underscore):
# "f r e e", "f.r.e.e". The backreference keeps "a u.s. citizen" from merging into "aus".
_SPACED = re.compile(r"(?<![^\W_])[^\W\d_]([ ._-])(?:[^\W\d_]\1)+[^\W\d_](?![^\W_])")
_SPACED_GAP = re.compile(r"[ ._-]")

_NEWLINE = ord("\n")
_DOT = ord(".")
_UNDERSCORE = ord("_")
_GAPS = tuple(map(ord, " ._-"))


@functools.cache
def _table(mapping: tuple[tuple[int, int], ...]) -> Codes:
    """A code-point lookup table, the identity except for ``mapping``."""
    table = np.arange(max(source for source, _ in mapping) + 1, dtype=np.uint32)
    for source, target in mapping:
        table[source] = target
    table.setflags(write=False)
    return table


def _translate(codes: Codes, mapping: dict[int, int]) -> Codes:
    """``str.translate`` with a one-to-one ``mapping``, on code points."""
    table = _table(tuple(sorted(mapping.items())))
    mapped = table[np.minimum(codes, len(table) - 1)]
    return np.where(codes < len(table), mapped, codes)


def _letters(codes: Codes, classes: npt.NDArray[np.uint8]) -> Mask:
    """re's ``[^\\W\\d_]``: word characters other than digits and the underscore."""
    letters: Mask = ((classes & (WORD | DIGIT)) == WORD) & (codes != _UNDERSCORE)
    return letters


def _runs(mask: Mask) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    edges = np.diff(mask.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def _inside(starts: npt.NDArray[np.intp], ends: npt.NDArray[np.intp], size: int) -> Mask:
    """Mask of the positions covered by the half-open ranges ``[starts, ends)``."""
    # Starts are distinct and so are ends (the ranges do not overlap), so plain indexed updates
    # add every mark.
    marks = np.zeros(size + 1, dtype=np.int64)
    marks[starts] += 1
    marks[ends] -= 1
    return np.cumsum(marks[:-1]) > 0


def _count_in(
    values: Mask, starts: npt.NDArray[np.intp], ends: npt.NDArray[np.intp]
) -> npt.NDArray[np.int64]:
    """How many positions ``values`` marks in each range ``[starts, ends)``."""
    totals = np.concatenate(([0], np.cumsum(values, dtype=np.int64)))
    counts: npt.NDArray[np.int64] = totals[ends] - totals[starts]
    return counts


def _unleet(codes: Codes) -> Codes:
    """Undo leetspeak inside words: the leet table applied where a regex matches.

    The regex: ``(?<![\\w@$.])(?=[\\w@$]*[^\\W\\d_])(?=[\\w@$]*[013457@$])[\\w@$]{2,}+(?!\\.\\w)``.
    It matches a whole maximal run of ``[\\w@$]`` (the lookbehind only lets it start a run, the
    possessive repeat takes the rest) of two or more characters, not preceded by ``.``, not
    followed by ``.`` and a word character, holding a letter and a leet character.
    """
    leet = np.isin(codes, np.fromiter(_LEET, dtype=np.uint32))
    if not leet.any():
        return codes
    classes = char_classes()[codes]
    word = (classes & WORD) != 0
    starts, ends = _runs(word | (codes == ord("@")) | (codes == ord("$")))
    size = len(codes)
    after_dot = (starts > 0) & (codes[np.maximum(starts - 1, 0)] == _DOT)
    follower = np.minimum(ends + 1, size - 1)
    before_word = (ends + 1 < size) & (codes[np.minimum(ends, size - 1)] == _DOT) & word[follower]
    chosen = (
        (ends - starts >= 2)
        & ~after_dot
        & ~before_word
        & (_count_in(_letters(codes, classes), starts, ends) > 0)
        & (_count_in(leet, starts, ends) > 0)
    )
    if not chosen.any():
        return codes
    inside = _inside(starts[chosen], ends[chosen], size)
    return np.where(inside, _translate(codes, _LEET), codes)


def _spaced_lines(codes: Codes) -> npt.NDArray[np.intp]:
    """Positions that can start a ``_SPACED`` match: a letter after no letter or digit, then
    separator, letter, the same separator, letter (every match starts so)."""
    size = len(codes)
    if size < 5:
        return np.zeros(0, dtype=np.intp)
    classes = char_classes()[codes]
    letter = _letters(codes, classes)
    alnum = ((classes & WORD) != 0) & (codes != _UNDERSCORE)
    gap = np.isin(codes, _GAPS)
    free_before = np.concatenate(([True], ~alnum[:-1]))
    end = size - 4
    possible = (
        free_before[:end]
        & letter[:end]
        & gap[1 : end + 1]
        & letter[2 : end + 2]
        & (codes[3 : end + 3] == codes[1 : end + 1])
        & letter[4:]
    )
    return np.flatnonzero(possible)


def _unspace_match(match: re.Match[str]) -> str:
    return _SPACED_GAP.sub("", match.group())


def _unspace(codes: Codes) -> Codes:
    """``_SPACED.sub`` joining the letters, run only on the lines that can hold a match.

    A match holds no newline and a newline is neither a letter nor a digit, so running the regex
    on one line at a time equals running it on the whole blob.
    """
    candidates = _spaced_lines(codes)
    if len(candidates) == 0:
        return codes
    blob = decode(codes)
    newlines = np.flatnonzero(codes == _NEWLINE)
    lines = np.unique(np.searchsorted(newlines, candidates))
    line_starts = np.concatenate(([0], newlines + 1))[lines].tolist()
    line_ends = np.append(newlines, len(codes))[lines].tolist()
    parts: list[str] = []
    done = 0
    for start, end in zip(line_starts, line_ends, strict=True):
        parts += [blob[done:start], _SPACED.sub(_unspace_match, blob[start:end])]
        done = end
    parts.append(blob[done:])
    return encode("".join(parts))


def _cut_repeats(codes: Codes) -> Codes:
    """Cut runs of one letter or punctuation mark to two.

    The regex: ``([^\\W\\d_]|[^\\w\\s])\\1{2,}``, replaced by ``\\1\\1``. A match is a
    whole maximal run of one character, three or more long, that is a letter or punctuation
    (not a digit, underscore or whitespace); it is cut to its first two.
    """
    size = len(codes)
    if size < 3 or not np.any((codes[2:] == codes[1:-1]) & (codes[1:-1] == codes[:-2])):
        return codes
    starts = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1])))
    ends = np.append(starts[1:], size)
    classes = char_classes()[codes[starts]]
    cut = (ends - starts >= 3) & ((classes & (DIGIT | SPACE)) == 0) & (codes[starts] != _UNDERSCORE)
    return codes[~_inside(starts[cut] + 2, ends[cut], size)]


def fold_texts(texts: Sequence[str]) -> list[str]:
    """Return a lower-cased, evasion-folded copy of normalised texts for the n-gram views.

    Parameters
    ----------
    texts : sequence of str
        Texts already passed through :func:`classifier.text.normalise_text` (no newlines).

    Returns
    -------
    list of str
        Each text with Cyrillic/Greek look-alikes mapped to Latin letters, leetspeak inside words
        undone (``fr33`` → ``free``), spaced-out letters joined (``f r e e`` → ``free``) and runs of
        three or more equal characters cut to two (``soooo`` → ``soo``), lower-cased.

    Notes
    -----
    The batch is joined into one string and folded as one array of code points. Only the
    n-gram features see this copy; the engineered signals (shouting, repeats) and the data split
    keep the normalised text.
    """
    if not texts:
        return []
    codes = _translate(encode("\n".join(texts)), _CONFUSABLES)
    codes = _cut_repeats(_unspace(_unleet(codes)))
    return decode(codes).lower().split("\n")


def fold_text(text: str) -> str:
    """Fold one normalised text; see :func:`fold_texts`."""
    return fold_texts([text])[0]
