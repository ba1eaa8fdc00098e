"""Cluster keys: the fast skeleton equals the plain one, and near-duplicates share keys."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from service.flood.duplicates import MIN_WORDS, fingerprint, skeleton

_LINK = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)+\.[a-z]{2,}\b", re.IGNORECASE)

PIECES = st.sampled_from(
    [
        *("http://x.io/a", "HTTPS://Quick-Profit.XYZ/x", "www.Example.com", "sub.example.co.uk"),
        *("a.b", "e.g.", "v1.2.3", "quick-profit.xyz", "@CryptoQueen52", "a@b.c", "x@y"),
        *("BTC", "ETF", "inflows", "the", "Straße", "İstanbul", "1,000", "24", "-", "."),
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


@settings(max_examples=500, deadline=None)
@given(BODIES)
def test_the_skeleton_skips_only_patterns_that_cannot_match(body: str) -> None:
    assert skeleton(body) == _plain_skeleton(body)


def test_near_duplicates_share_keys_and_short_bodies_get_none() -> None:
    spam = "Earn 52,000 weekly from home trading bitcoin, message me on Telegram @queen52 now"
    variant = spam.replace("52,000", "61,500").replace("@queen52", "@king7")
    assert fingerprint(spam) == fingerprint(variant)
    assert len(fingerprint(spam)) == 2
    assert fingerprint("Great article, thanks!") == []
    assert len(fingerprint(" ".join(["word"] * MIN_WORDS))) == 2
    other = "The ETF inflows explain most of the move this week, and the halving the rest of it."
    assert set(fingerprint(spam)).isdisjoint(fingerprint(other))
