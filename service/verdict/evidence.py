"""What may back an automatic rejection: specific evidence a moderator can see, never a score alone.

A score at or above a label's reject band rejects a comment only when its text holds evidence for
that label; otherwise the comment is held for a human with the same reasons. For ``spam`` the
evidence is a text signal (``textsignals.spam_evidence``): a link to a host the site does not
allow, a wallet address, a phone number, an e-mail address, a messaging app, a "DM me" call, a
promised return or a scam role. For a toxicity label it is one of the words or phrases ops banned
(``COMMENTDESK_BANNED_WORDS``); with none configured, toxicity is never rejected automatically.
Length, digits or a high score are not evidence: they are what rejected long, clean news comments
(issue 8).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from service.settings import Settings
from textsignals import Signal, spam_evidence

SPAM = "spam"

HasEvidence = Callable[[str], bool]


def _banned_pattern(words: frozenset[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    # Longest first, so a phrase wins over a word it starts with; spaces match any whitespace.
    alternatives = "|".join(
        r"\s+".join(re.escape(part) for part in word.split())
        for word in sorted(words, key=len, reverse=True)
    )
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


class RejectEvidence:
    """Finds the evidence that lets a reject band reject, per comment and label."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._banned = _banned_pattern(settings.banned_words)

    def spam_signals(self, body: str, site_id: str) -> list[Signal]:
        """The signals in ``body`` that back rejecting it as spam on ``site_id``."""
        return spam_evidence(body, self._settings.links_allowed_for(site_id))

    def banned_words(self, body: str) -> list[str]:
        """The banned words or phrases ``body`` contains."""
        if self._banned is None:
            return []
        return [match.group() for match in self._banned.finditer(body)]

    def checker(self, body: str, site_id: str) -> HasEvidence:
        """A label → bool check for one comment; each kind of evidence is searched at most once."""
        found: dict[bool, bool] = {}

        def has_evidence(label: str) -> bool:
            is_spam = label == SPAM
            if is_spam not in found:
                evidence = self.spam_signals(body, site_id) if is_spam else self.banned_words(body)
                found[is_spam] = bool(evidence)
            return found[is_spam]

        return has_evidence
