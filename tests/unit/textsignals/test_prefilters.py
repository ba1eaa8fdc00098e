"""The prefilters only skip texts a pattern cannot match: filtered and plain searches agree."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from textsignals import ASCII_LOWER, CASELESS, EVIDENCE, PATTERNS, find_signals
from textsignals.patterns import TRIGGERS, may_match

# Pieces that sit on the edges of the patterns: triggers, near misses, digits and separators,
# wallet-like runs, mixed case, and plain words, joined by whitespace or punctuation.
PIECES = st.sampled_from(
    [
        *(t for triggers in TRIGGERS.values() for t in triggers),
        *(
            "WhatsApp",
            "Tele gram",
            "t.me/x",
            "wa.me/",
            "DM me",
            "dm\tfor",
            "call\nhim",
            "Reach out to",
        ),
        *("write to us", "chat with her", "inbox me", "PM them", "text me", "contact us"),
        *("100% ROI", "50 % profit", "doubled my", "guaranteed weekly returns", "risk-free"),
        *("passive income", "account manager", "Recovery Expert", "recovered my", "airdrop"),
        *("+1 (555) 010-0199", "0800 555 0199", "2005-08-10", "10.0.0.1", "1911 - 2011", "12345"),
        *(
            "0x" + "ab12" * 10,
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
        ),
        *(
            "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7",
            "x" * 26,
            "ann@example.com",
            "a@b",
            "quick-profit.xyz",
        ),
        *("https://sec.gov/x", "www.reuters.com", "e.g.", "the", "Bitcoin", "ETF", "!", "!!!!"),
    ]
)
TEXTS = st.lists(
    st.tuples(PIECES, st.sampled_from([" ", "", "\n", ", ", ".", "-", "(", ")"])), max_size=12
).map(lambda parts: "".join(piece + sep for piece, sep in parts))
OR_ANY = st.one_of(TEXTS, st.text(max_size=80))


def _plain(text: str) -> list[tuple[str, int, int]]:
    lower = text.translate(ASCII_LOWER)
    found = [
        (name, m.start(), m.end())
        for name in EVIDENCE
        for m in PATTERNS[name].finditer(lower if name in CASELESS else text)
    ]
    return sorted(found, key=lambda s: (s[1], s[2]))


@settings(max_examples=600, deadline=None)
@given(OR_ANY)
def test_filtered_search_finds_what_the_plain_search_finds(text: str) -> None:
    assert [(s.name, s.start, s.end) for s in find_signals(text)] == _plain(text)


@given(OR_ANY)
def test_a_pattern_that_matches_always_passes_its_prefilter(text: str) -> None:
    for name in EVIDENCE:
        source = text.translate(ASCII_LOWER) if name in CASELESS else text
        if re.search(PATTERNS[name], source):
            assert may_match(name, source), name


def test_the_prefilter_skips_a_clean_comment() -> None:
    text = "Good piece. The ETF inflows explain most of the move this week, I think."
    assert not any(may_match(name, text) for name in EVIDENCE)


@settings(max_examples=600, deadline=None)
@given(OR_ANY)
def test_the_link_prefilter_is_its_trigger_list(text: str) -> None:
    # One search stands for the link triggers' substring tests: the same answer on any text.
    for source in (text, text.translate(ASCII_LOWER)):
        assert may_match("links", source) == any(t in source for t in TRIGGERS["links"])
