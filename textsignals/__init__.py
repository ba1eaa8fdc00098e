"""The text-signal vocabulary: specific, visible things a comment says that scams need.

Links, phone numbers, wallet addresses, e-mail addresses, messaging apps, "DM me" calls, promised
returns and scam roles, as regular expressions over a comment's text. Three parts of Comment Desk
read the same patterns, so they live in this small, dependency-free package (standard library
only) that both sides of the ``service`` / ``classifier`` boundary may import:

- the classifier counts them as engineered features (``classifier.features``);
- the policy requires one of them before it rejects a comment as spam automatically
  (``service.verdict``): a high score alone is never enough;
- explanations point at them in the text (``classifier.explain``).
"""

from __future__ import annotations

from textsignals.links import is_allowlisted, link_host
from textsignals.patterns import (
    ASCII_LOWER,
    CASELESS,
    EVIDENCE,
    PATTERNS,
    Signal,
    find_signals,
    spam_evidence,
)

__all__ = [
    "ASCII_LOWER",
    "CASELESS",
    "EVIDENCE",
    "PATTERNS",
    "Signal",
    "find_signals",
    "is_allowlisted",
    "link_host",
    "spam_evidence",
]
