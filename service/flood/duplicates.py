"""Near-duplicate comments: a bottom-k sketch of each body's word pairs.

Coordinated spam posts the same text from many accounts with small changes (another number,
handle or link, a word swapped). Bodies are reduced to a skeleton (case folded; links, handles
and digits replaced by placeholders), cut into word pairs, and each pair hashed (CRC-32: stable
across processes, fast in C); the ``SKETCH`` smallest hashes are the fingerprint. Two bodies
whose fingerprints share ``MATCH`` values are near-duplicates (about a Jaccard similarity of
one half or more of their word pairs). Short bodies ("Great article!") have no fingerprint:
many readers write them independently.
"""

from __future__ import annotations

import itertools
import re
import zlib

SKETCH = 4
MATCH = 2
MIN_WORDS = 8

_LINK = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)+\.[a-z]{2,}\b", re.IGNORECASE)
_HANDLE = re.compile(r"@\w+")
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"\w+")


def fingerprint(body: str) -> list[int]:
    """The body's sketch (empty for a body too short to compare)."""
    text = _LINK.sub(" link ", body.casefold())
    text = _DIGITS.sub("0", _HANDLE.sub(" handle ", text))
    words = _WORD.findall(text)
    if len(words) < MIN_WORDS:
        return []
    pairs = {f"{a} {b}" for a, b in itertools.pairwise(words)}
    return sorted({zlib.crc32(pair.encode()) for pair in pairs})[:SKETCH]


def is_near_duplicate(a: set[int], b: set[int]) -> bool:
    """Whether two sketches share enough values."""
    return len(a & b) >= MATCH
