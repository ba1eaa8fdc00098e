"""The patterns, and finding them in one text."""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Iterable
from typing import NamedTuple

from textsignals.links import is_allowlisted, link_host

_BASE58 = "[1-9A-HJ-NP-Za-km-z]"
# Top-level domains a bare domain ("quick-profit.xyz", no scheme) is recognised by.
LINK_TLDS = (
    *("com", "net", "org", "io", "ly", "me", "co", "info", "biz", "xyz", "ru", "gg", "app"),
    *("top", "site", "online", "live", "pro", "vip", "club", "link", "click", "finance"),
    "exchange",
)
LINK_DOMAINS = f"(?:{'|'.join(LINK_TLDS)})"
PATTERNS: dict[str, re.Pattern[str]] = {
    "links": re.compile(rf"(?:https?://|www\.)\S+|\b[\w-]+\.{LINK_DOMAINS}\b"),
    # Nine or more characters of digits and separators: "+1 (555) 010-0199", "0800 555 0199".
    # Without a leading "+" it needs a separator, and dates (2005-08-10), year ranges
    # (1911 - 2011) and IPv4 addresses are not phone numbers; nor is a bare digit run (an id).
    "phone_like": re.compile(
        r"(?<![\w.+])(?:\+\d[\d ().-]{6,}\d"
        r"|(?!\d{4}-\d\d-\d\d\b|\d{1,3}(?:\.\d{1,3}){3}\b|\d{4} ?- ?\d{4}\b)"
        r"\d(?=[\d ().-]*?[ ().-]\d)[\d ().-]{7,}\d)(?![\w.])"
    ),
    # Bitcoin (legacy base58 and bech32), Ethereum-style 0x + 40 hex, and TRON (T + 33 base58).
    "wallet_like": re.compile(
        rf"\b(?:0x[0-9a-fA-F]{{40}}|bc1[02-9ac-hj-np-z]{{25,60}}|[13]{_BASE58}{{25,34}}"
        rf"|T{_BASE58}{{33}})\b"
    ),
    "emails": re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b"),
    # Messaging apps scammers move victims to; plain "signal" is finance jargon, so not counted.
    "messaging_apps": re.compile(
        r"\b(?:whats\s?app|telegram|wechat|viber|kik|snapchat|signal\s+app)\b|\b(?:t|wa)\.me/"
    ),
    "contact_calls": re.compile(
        r"\b(?:dm|pm|inbox|message|text|contact|call|reach(?:\s+out\s+to)?|write\s+to|"
        r"chat\s+with)\s+(?:me|him|her|us|them)\b|\bdm\s+(?:for|now)\b"
    ),
    "promised_returns": re.compile(
        r"\b\d{2,5}\s?%\s*(?:profit|returns?|roi|gains?|interest|bonus)\b"
        r"|\bdoubled?\s+(?:your|my|his|her|their)\b"
        r"|\bguarantee(?:d|s)?\s+(?:\w+\s+)?(?:returns?|profits?|income|payouts?)\b"
        r"|\b(?:daily|weekly)\s+(?:profits?|returns?|income|payouts?)\b"
        r"|\brisk[- ]free\b|\bpassive\s+income\b"
    ),
    "scam_roles": re.compile(
        r"\b(?:account|investment|fund|portfolio|trading)\s+(?:manager|expert|mentor)\b"
        r"|\brecovery\s+(?:expert|specialist|agent|service|hacker|company)\b"
        r"|\brecover(?:ed)?\s+(?:my|your|his|her|lost|stolen)\b|\bgiveaway\b|\bairdrop\b"
    ),
    "exclamations": re.compile(r"!"),
    "repeated_chars": re.compile(r"(.)\1{3,}"),
}

# These run on an ASCII-lower-cased copy with lower-case patterns: re.IGNORECASE made each of them
# about twice as slow, and str.translate keeps every offset (str.lower() may not, e.g. for "İ").
CASELESS = frozenset({"links", "messaging_apps", "contact_calls", "promised_returns", "scam_roles"})
ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)

# The signals specific enough to justify rejecting a comment as spam automatically, next to a high
# spam score: a way to contact or pay someone, or the pitch itself. Exclamation marks and letter
# repeats are style; "contact me" / "call him" is everyday talk ("contact me on my talk page").
EVIDENCE: tuple[str, ...] = (
    "links",
    "wallet_like",
    "phone_like",
    "emails",
    "messaging_apps",
    "promised_returns",
    "scam_roles",
)


# Every match of a pattern contains one of its trigger strings (in the text the pattern runs on:
# the lower-cased copy for CASELESS ones). Most comments hold none, and `in` finds a literal far
# faster than a \b-led pattern, which re tries at every position, can fail; so a pattern runs
# only on texts that hold one of its triggers. A trigger list that misses a possible match would
# hide evidence: tests/unit/textsignals compares the filtered search with the plain one.
TRIGGERS: dict[str, tuple[str, ...]] = {
    "links": ("://", "www.", *(f".{tld}" for tld in LINK_TLDS)),
    "emails": ("@",),
    "messaging_apps": ("whats", "telegram", "wechat", "viber", "kik", "snapchat", "signal", ".me/"),
    "promised_returns": ("%", "double", "guarantee", "daily", "weekly", "risk", "passive"),
    "scam_roles": ("manager", "expert", "mentor", "recover", "giveaway", "airdrop"),
}
# Where no literal will do, a prefilter regex that starts with a character class (which re
# scans for quickly) and that every match contains.
PREFILTERS: dict[str, re.Pattern[str]] = {
    **{name: re.compile("|".join(map(re.escape, words))) for name, words in TRIGGERS.items()},
    "phone_like": re.compile(r"\d[\d ().-]{6,}\d"),
    "contact_calls": re.compile(r"(?:dm|pm|inbox|message|text|contact|call|reach|write|chat)\s"),
}
# A wallet address is a run of at least this many word characters, so it lies inside one
# whitespace-separated token at least this long.
SHORTEST_WALLET = 26


# The links' triggers past the first two are ".<tld>" for each of LINK_TLDS: one search for a
# dot followed by any of them finds what the 26 substring tests find, at a tenth of their
# cost (1.4 against 11.6 µs on a news-length comment; the rules phase asks every comment).
_LINK_TRIGGERS = ("://", "www.")
_DOT_TLD = re.compile(rf"\.{LINK_DOMAINS}")


def _may_link(source: str) -> bool:
    return any(t in source for t in _LINK_TRIGGERS) or _DOT_TLD.search(source) is not None


def may_match(name: str, source: str) -> bool:
    """False only when ``PATTERNS[name]`` cannot match ``source`` (a cheap, necessary test)."""
    if name == "links":
        return _may_link(source)
    triggers = TRIGGERS.get(name)
    if triggers is not None:
        return any(trigger in source for trigger in triggers)
    if name == "wallet_like":
        return any(len(token) >= SHORTEST_WALLET for token in source.split())
    prefilter = PREFILTERS.get(name)
    return prefilter is None or prefilter.search(source) is not None


class Signal(NamedTuple):
    """One occurrence of a signal: ``text[start:end]``."""

    name: str
    start: int
    end: int
    text: str


def find_signals(text: str, names: Iterable[str] = EVIDENCE) -> list[Signal]:
    """Every occurrence of the named signals in ``text``, ordered by offset."""
    lower = text.translate(ASCII_LOWER)
    sources = ((name, lower if name in CASELESS else text) for name in names)
    found = [
        Signal(name, m.start(), m.end(), text[m.start() : m.end()])
        for name, source in sources
        if may_match(name, source)
        for m in PATTERNS[name].finditer(source)
    ]
    return sorted(found, key=lambda s: (s.start, s.end))


def spam_evidence(text: str, allowlist: Collection[str] = ()) -> list[Signal]:
    """The evidence signals in ``text`` that may back an automatic spam rejection.

    A link to an allowlisted host (a regulator, an exchange, a major outlet: ops choose) is a
    citation, not evidence; any other link, and every other evidence signal, counts.
    """
    return [
        signal
        for signal in find_signals(text)
        if signal.name != "links" or not is_allowlisted(link_host(signal.text), allowlist)
    ]
