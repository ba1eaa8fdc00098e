"""The wording of ``statement_of_reasons`` since migration 0017: frozen, never edited.

``service.domain.changes.statement_of_reasons`` speaks in this wording, and a ``comment.decided``
event whose statement reads exactly as this wording gives it for the event's own status, reasons
and decider is stored with the number 1 in its place (service/domain/stored_events.py); this
module writes the text again when the event is read. So an event keeps its words for as long as
it is kept. Changing a word here would change events already delivered;
tests/unit/service/domain/test_statement_wording_v1.py pins every sentence this module can make.
New wording belongs in a ``statement_wording_v2`` with its own number, which changes.py then
uses (events in v1 still read back in v1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

VERSION = 1

OUTCOME: Mapping[str, str] = {
    "approved": "Published",
    "withheld": "Held for review by a moderator",
    "rejected": "Rejected",
    "spam": "Rejected as spam",
    "pending": "Returned to moderation",
    "reported": "Held for review after reader reports",
    "deleted": "Deleted by its author",
}

GROUNDS: Mapping[str, str] = {
    "spam": "its spam score reached the site's threshold",
    "toxic": "its toxicity score reached the site's threshold",
    "severe_toxic": "its severe toxicity score reached the site's threshold",
    "obscene": "its obscenity score reached the site's threshold",
    "threat": "its threat score reached the site's threshold",
    "insult": "its insult score reached the site's threshold",
    "identity_hate": "its identity-hate score reached the site's threshold",
    "links": "it contains a link",
    "repeat_post": "its author posted the same text shortly before",
    "new_author": "its author's account is new",
    "reported": "readers reported it",
    "classifier_error": "it could not be scored automatically",
    "moderator": "a moderator's judgement under the site's rules",
    "banned_word": "it contains a word this site does not allow",
    "banned_author": "its author is banned from commenting on this site",
    "premoderated": "its author's comments are reviewed before publication",
    "flood": "it arrived in a flood of comments (a rate limit, or many near-identical comments)",
    "contact_details": "it contains contact details (a phone number, e-mail, app or wallet)",
    "unsupported_language": "it is in a language the site's model does not read",
    "suspect_word": "it contains a word or phrase the site reviews before publishing",
    "watched_words_timeout": "it could not be checked against the site's word list in time",
    "suspended_author": "its author is suspended from commenting on this site",
    "article_premoderated": "comments on this article are reviewed before publication",
    "article_premoderated_links": "it contains a link, and such comments on this article are "
    "reviewed before publication",
    "first_comments": "an author's first comments on this site are reviewed before publication",
    "recent_rejections": "many of its author's recent comments were rejected",
}

HOW: Mapping[str, str] = {
    "system": "Decided by automated means (the site's rules).",
    "human": "Decided by a human moderator.",
    "site": "Requested by the site.",
}


def statement(status: str, reasons: Sequence[str], decided_by: Mapping[str, Any]) -> str | None:
    """The statement this wording gives a decision (None for a decider it does not know)."""
    outcome = OUTCOME.get(status, status)
    grounds = [GROUNDS.get(r, f"reason '{r}'") for r in reasons]
    because = f" because {_join(grounds)}" if grounds and status != "approved" else ""
    kind = decided_by.get("type")
    if kind == "model":
        how = f"Decided by automated means (model {decided_by.get('model_version')})."
    elif isinstance(kind, str) and kind in HOW:
        how = HOW[kind]
    else:
        return None
    return f"{outcome}{because}. {how}"


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
