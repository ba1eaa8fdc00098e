"""Cluster keys: the fast skeleton equals the plain one, and near-duplicates share keys."""

from __future__ import annotations

import re
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from service.flood.duplicates import KEYS, MIN_WORDS, fingerprint, skeleton

_LINK = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)+\.[a-z]{2,}\b", re.IGNORECASE)

PIECES = st.sampled_from(
    [
        *("http://x.io/a", "HTTPS://Quick-Profit.XYZ/x", "www.Example.com", "sub.example.co.uk"),
        *("a.b", "e.g.", "v1.2.3", "quick-profit.xyz", "@CryptoQueen52", "a@b.c", "x@y"),
        *("BTC", "ETF", "inflows", "the", "Straße", "İstanbul", "1,000", "24", "-", "."),
        *("007", "00", "0", "a0b", "x_1", "2026-11-30", "__", "\t", "\x1f", "١٢"),
    ]
)
BODIES = st.one_of(
    st.lists(st.tuples(PIECES, st.sampled_from([" ", "", ".", "\n"])), max_size=16).map(
        lambda parts: "".join(piece + sep for piece, sep in parts)
    ),
    st.text(max_size=120),
)


def _plain_skeleton(body: str) -> str:
    text = _LINK.sub(" link ", body.casefold())
    return re.sub(r"\d+", "0", re.sub(r"@\w+", " handle ", text))


def _plain_fingerprint(body: str) -> list[int]:
    """The keys as first written: regex words of the skeleton, a set of triples."""
    words = re.findall(r"\w+", _plain_skeleton(body))
    if len(words) < MIN_WORDS:
        return []
    triples = {" ".join(words[i : i + 3]).encode() for i in range(len(words) - 2)}
    salts = [zlib.crc32(f"commentdesk-minhash-{n}".encode()) for n in range(KEYS)]
    return [(n << 32) | min(zlib.crc32(t, salt) for t in triples) for n, salt in enumerate(salts)]


@settings(max_examples=500, deadline=None)
@given(BODIES)
def test_the_skeleton_skips_only_patterns_that_cannot_match(body: str) -> None:
    assert skeleton(body) == _plain_skeleton(body)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(BODIES, st.lists(BODIES, min_size=2, max_size=4).map(" ".join)))
def test_the_fast_keys_equal_the_plain_ones(body: str) -> None:
    # The ASCII path (translate and split, triples in a list) against regexes and a set.
    assert fingerprint(body) == _plain_fingerprint(body)


def test_the_fast_keys_equal_the_plain_ones_on_every_ascii_character() -> None:
    for code in range(128):
        c = chr(code)
        body = " ".join(f"w{c}00{c}7 x{c}{c}y 0{c}1" for _ in range(4))
        assert fingerprint(body) == _plain_fingerprint(body), c


def test_near_duplicates_share_keys_and_short_bodies_get_none() -> None:
    spam = "Earn 52,000 weekly from home trading bitcoin, message me on Telegram @queen52 now"
    variant = spam.replace("52,000", "61,500").replace("@queen52", "@king7")
    assert fingerprint(spam) == fingerprint(variant)
    assert len(fingerprint(spam)) == 2
    assert fingerprint("Great article, thanks!") == []
    assert len(fingerprint(" ".join(["word"] * MIN_WORDS))) == 2
    other = "The ETF inflows explain most of the move this week, and the halving the rest of it."
    assert set(fingerprint(spam)).isdisjoint(fingerprint(other))
