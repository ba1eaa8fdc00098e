"""Strings as numpy arrays of code points, and the character classes Python's ``re`` uses.

The vectorised text code (n-gram extraction, folding, engineered signals) works on a whole batch
as one ``uint32`` array instead of looping over comments in Python. For its answers to equal the
regex-based definitions it replaces, a "word character", "digit" and "whitespace" must mean
exactly what ``re``'s ``\\w``, ``\\d`` and ``\\s`` mean for ``str`` patterns; :func:`char_classes`
reads them from ``re`` itself, once per process, for every code point.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import numpy.typing as npt

__all__ = [
    "BOUNDARY",
    "DIGIT",
    "SPACE",
    "WORD",
    "Codes",
    "char_classes",
    "decode",
    "encode",
]

Codes = npt.NDArray[np.uint32]

# Flags in char_classes(): re's \w, \d and \s.
WORD = 1
DIGIT = 2
SPACE = 4
# Above the last code point (U+10FFFF), so no text holds it: marks the end of a stream segment.
BOUNDARY = 0x110000

_CODE_POINTS = 0x110000
# surrogatepass: a lone surrogate (valid in a Python str, e.g. from a JSON "\ud800" escape)
# round-trips instead of raising.
_ERRORS = "surrogatepass"


def encode(text: str) -> Codes:
    """Return the code points of ``text`` as a ``uint32`` array."""
    return np.frombuffer(text.encode("utf-32-le", _ERRORS), dtype=np.uint32)


def decode(codes: npt.NDArray[np.integer]) -> str:
    """Return the string whose code points are ``codes`` (the inverse of :func:`encode`)."""
    return np.asarray(codes, dtype="<u4").tobytes().decode("utf-32-le", _ERRORS)


@functools.cache
def char_classes() -> npt.NDArray[np.uint8]:
    """Return, per code point, the flags :data:`WORD`, :data:`DIGIT` and :data:`SPACE`.

    Built from ``re`` on first use (about 0.2 s, 1.1 MB) and shared by the process.
    """
    # Decoded in one go: "".join(map(chr, ...)) would hold a million small strings at once.
    every = decode(np.arange(_CODE_POINTS, dtype=np.uint32))
    table = np.zeros(_CODE_POINTS, dtype=np.uint8)
    for flag, pattern in ((WORD, r"\w+"), (DIGIT, r"\d+"), (SPACE, r"\s+")):
        for match in re.finditer(pattern, every):
            table[match.start() : match.end()] |= flag
    table.setflags(write=False)
    return table
