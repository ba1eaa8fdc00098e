"""Language, a content phase: a comment the model cannot read goes to a human, not by its scores.

A model trained on English scores a German insult as it scores any unknown words: low. So a
comment whose words the worker identified (``Classification.language``) as a language outside
the supported set is held with ``unsupported_language``; it never decides, so a later phase may
still reject it. Supported: ``COMMENTDESK_SUPPORTED_LANGUAGES``, else the languages the deciding
model version declares (``CommentFacts.languages``).

A wrong hold costs a moderator's time on every such comment, so the phase holds only when the
identifier is sure and had enough to read: short texts, tickers, links and emoji say nothing.
The two bounds were tuned on English news-length comments and on comments in ten other
languages (``python -m bench.language``, figures in docs/benchmarks.md).
"""

from __future__ import annotations

from typing import Any

from service.domain import DetectedLanguage, Reason
from service.settings import ANY_LANGUAGE, Settings
from service.verdict.pipeline import CommentFacts, Say

# Fewer letters than this (about two short sentences) never hold: "Danke!" or "gm ser" is no
# evidence that a reader writes in another language.
MIN_LETTERS = 40
# py3langid's probability of the language it names. Every one of our non-English test comments
# scored above it, and no English one but comments that are mostly another language.
MIN_CONFIDENCE = 0.9
# Identified, but not a language: too little to read, start and end disagree, no linguistic content.
NOT_A_LANGUAGE = frozenset({"und", "zxx"})

HOLD = Say((Reason.UNSUPPORTED_LANGUAGE.value,))


class Language:
    """Holds comments written in a language outside the supported set."""

    def __init__(self, settings: Settings) -> None:
        self._supported = settings.supported_languages  # None: the model version's

    def __call__(self, facts: CommentFacts) -> Say | None:
        """A hold when the comment's identified language is confidently unsupported."""
        found = facts.result.language
        supported = facts.languages if self._supported is None else self._supported
        if found is None or ANY_LANGUAGE in supported:
            return None
        return HOLD if is_unsupported(found, supported) else None


def is_unsupported(found: DetectedLanguage, supported: frozenset[str]) -> bool:
    """Whether ``found`` is a language outside ``supported`` that the identifier is sure of."""
    return (
        found.code not in supported
        and found.code not in NOT_A_LANGUAGE
        and found.letters >= MIN_LETTERS
        and found.confidence >= MIN_CONFIDENCE
    )


def language_evidence(found: DetectedLanguage) -> dict[str, Any]:
    """What moderators see of a hold: the language named and how sure the identifier was."""
    return {"code": found.code, "confidence": round(found.confidence, 4), "letters": found.letters}
