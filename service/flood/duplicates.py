"""Near-duplicate comments: MinHash cluster keys of each body's word triples.

Coordinated spam posts the same text from many accounts with small changes (another number,
handle or link, a word swapped). Bodies are reduced to a skeleton (case folded; links, handles
and digits replaced by placeholders) and cut into word triples; for each of ``KEYS`` salted
CRC-32 hash functions (stable across processes, fast in C) the smallest hash over the triples is
a cluster key. Two bodies share a key with probability equal to the Jaccard similarity of their
triples, so near-duplicates (which share most triples) almost always share one, while unrelated
texts (which share almost none) almost never do. Counting comments per key is then one indexed
aggregate, with no pairwise comparison. Short bodies ("Great article!") get no keys: many
readers write them independently.
"""

from __future__ import annotations

import itertools
import re
import zlib

KEYS = 2
MIN_WORDS = 8

_LINK = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)+\.[a-z]{2,}\b", re.IGNORECASE)
_HANDLE = re.compile(r"@\w+")
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"\w+")
# Every bare domain _LINK matches has two dots with word characters between them; a body
# without (and without "://" or "www.") is left alone: the full pattern, tried at every word,
# was a third of a fingerprint's cost on comments that hold no link at all.
_TWO_DOTS = re.compile(r"\.[\w-]+\.")
_SALTS = [zlib.crc32(f"commentdesk-minhash-{n}".encode()) for n in range(KEYS)]


def fingerprint(body: str) -> list[int]:
    """The body's cluster keys (empty for a body too short to compare)."""
    words = _WORD.findall(skeleton(body))
    if len(words) < MIN_WORDS:
        return []
    windows = zip(words, words[1:], words[2:], strict=False)  # the shorter slices end it
    triples = set(map(str.encode, map(" ".join, windows)))
    # Key n is salt n's smallest hash; the salt is the CRC's starting value, so the hash
    # functions differ without hashing twice. Keys are tagged by n, so they never collide.
    return [
        (n << 32) | min(map(zlib.crc32, triples, itertools.repeat(salt)))
        for n, salt in enumerate(_SALTS)
    ]


def skeleton(body: str) -> str:
    """The body case folded, with links, handles and digit runs replaced by placeholders."""
    text = body.casefold()
    if "://" in text or "www." in text or _TWO_DOTS.search(text):
        text = _LINK.sub(" link ", text)
    if "@" in text:
        text = _HANDLE.sub(" handle ", text)
    return _DIGITS.sub("0", text)
