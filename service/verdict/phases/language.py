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

from collections.abc import Iterable
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

# What a version that declares no languages reads: every model Comment Desk ships or trains
# learns from the English public data (versions registered before versions declared it).
UNDECLARED_LANGUAGES = frozenset({"en"})

HOLD = Say((Reason.UNSUPPORTED_LANGUAGE.value,))


def declared_languages(declared: object) -> frozenset[str]:
    """The languages a version's data manifest declares (its ``languages`` list), else ``en``."""
    if isinstance(declared, list) and declared:
        return frozenset(str(code) for code in declared)
    return UNDECLARED_LANGUAGES


def supported_languages(setting: frozenset[str] | None, model: Iterable[str]) -> frozenset[str]:
    """``COMMENTDESK_SUPPORTED_LANGUAGES`` when set, else the model version's languages."""
    return frozenset(model) if setting is None else setting


class Language:
    """Holds comments written in a language outside the supported set."""

    def __init__(self, settings: Settings) -> None:
        self._supported = settings.supported_languages  # None: the model version's

    def __call__(self, facts: CommentFacts) -> Say | None:
        """A hold when the comment's identified language is confidently unsupported."""
        found = facts.result.language
        supported = supported_languages(self._supported, facts.languages)
        if found is None or ANY_LANGUAGE in supported:
            return None
        return HOLD if is_unsupported(found, supported) else None


def is_unsupported(
    found: DetectedLanguage,
    supported: frozenset[str],
    *,
    min_letters: int = MIN_LETTERS,
    min_confidence: float = MIN_CONFIDENCE,
) -> bool:
    """Whether ``found`` is a language outside ``supported`` that the identifier is sure of
    (other bounds: for ``bench.language``'s grid)."""
    return (
        found.code not in supported
        and found.code not in NOT_A_LANGUAGE
        and found.letters >= min_letters
        and found.confidence >= min_confidence
    )


def language_evidence(found: DetectedLanguage) -> dict[str, Any]:
    """What moderators see of a hold: the language named and how sure the identifier was."""
    return {"code": found.code, "confidence": round(found.confidence, 4), "letters": found.letters}
