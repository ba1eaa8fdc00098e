"""A tiny synthetic training corpus, written for these tests (no public dataset rows)."""

from __future__ import annotations

import itertools
from pathlib import Path

from tests.factories import write_dataset

SPAM = [
    f"{verb} {prize} now, {action}"
    for verb, prize, action in itertools.product(
        ["Win", "Claim", "Collect"],
        ["free bitcoin", "a cash bonus", "a gift voucher", "double crypto"],
        ["visit www.lucky-prize.example", "text GO to 55555", "message my telegram"],
    )
]
HAM = [
    f"The {subject} {verb} {tail}"
    for subject, verb, tail in itertools.product(
        ["article", "chart", "analysis", "interview"],
        ["was", "felt"],
        ["balanced and clear", "too long for me", "light on the bond market", "well sourced"],
    )
]
TOXIC = [
    f"you {adjective} {noun}, {ending}"
    for adjective, noun, ending in itertools.product(
        ["dumb", "useless", "miserable"], ["fool", "clown", "troll"], ["shut it", "get lost", "go"]
    )
]
POLITE = [
    f"{opening}, {middle} {closing}"
    for opening, middle, closing in itertools.product(
        ["Fair point", "Nice piece", "Thanks for this"],
        ["I agree", "I disagree"],
        ["about rates", "on inflation", "about the halving", "for savers"],
    )
]


def write_corpus(root: Path) -> Path:
    """Two datasets under ``root``: one labels spam, the other toxic. Returns ``root``."""
    write_dataset(root / "tiny_spam", [(t, "1", "") for t in SPAM] + [(t, "0", "") for t in HAM])
    write_dataset(
        root / "tiny_toxic", [(t, "", "1") for t in TOXIC] + [(t, "", "0") for t in POLITE]
    )
    return root
