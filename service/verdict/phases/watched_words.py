"""Phase 2, watched words: the site's banned words reject, its suspect words hold.

A banned word is evidence a moderator can see, so it rejects without a score (and before the
model is even asked whether it failed); a suspect word holds. Each match becomes a rule span of
the evidence naming the list entry it matched, so a moderator sees which words and why. A check
that cannot finish within ``COMMENTDESK_WATCHED_WORDS_BUDGET_MS`` holds the comment: an
unchecked comment is never approved.
"""

from __future__ import annotations

from typing import Any

from service.domain import Reason, Status
from service.domain.watched_words import WatchedMatch, WatchKind
from service.settings import Settings
from service.verdict.pipeline import CommentFacts, Say

_REASONS = {WatchKind.BANNED: Reason.BANNED_WORD, WatchKind.SUSPECT: Reason.SUSPECT_WORD}


class WatchedWords:
    """Matches a comment against its site's compiled list, within the time budget."""

    def __init__(self, settings: Settings) -> None:
        self._budget = settings.watched_words_budget_seconds

    def __call__(self, facts: CommentFacts) -> Say | None:
        """Reject on a banned match, hold on a suspect one or on running out of time."""
        if facts.watched is None:
            return None
        search = facts.watched.search(facts.comment.body, self._budget)
        if not search.finished:
            return Say(
                (Reason.WATCHED_WORDS_TIMEOUT.value,),
                evidence={"rules": [], "notes": [timeout_note(self._budget)]},
            )
        if not search.matches:
            return None
        evidence = {"rules": [span(m) for m in search.matches]}
        kinds = {m.kind for m in search.matches}
        reasons = tuple(_REASONS[k].value for k in WatchKind if k in kinds)
        status = Status.REJECTED if WatchKind.BANNED in kinds else None
        return Say(reasons, status, evidence)


def span(match: WatchedMatch) -> dict[str, Any]:
    """A match as a rule span: the words as written, and the list entry they matched."""
    return {
        "start": match.start,
        "end": match.end,
        "text": match.text,
        "weight": 1.0,
        "kind": "rule",
        "rule": _REASONS[match.kind].value,
        "detail": match.phrase,
    }


def timeout_note(budget: float) -> str:
    """What a moderator reads when the check ran out of time."""
    return (
        f"The watched-word check did not finish within its {budget * 1000:g} ms budget: "
        "this comment was not checked against the site's banned and suspect words."
    )
