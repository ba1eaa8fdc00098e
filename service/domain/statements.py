"""Statements of reasons (EU Digital Services Act, art. 17): plain values, no I/O.

Every rejection (status ``rejected`` or ``spam``) carries a code from a closed list and an
explanation a site can show the author. The system maps its reasons to a code; a moderator gives
one (or it is derived from the reason they picked). Reasons stay the detailed, open vocabulary
that queues filter by and training learns from; the code is the stable category a site can
translate and count.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping, Sequence
from typing import Any

from service.domain import Status

REJECTED = frozenset({Status.REJECTED, Status.SPAM})


class StatementCode(enum.StrEnum):
    """The closed list of grounds a rejection is given on."""

    SPAM = "spam"
    ABUSIVE = "abusive"
    HATE_SPEECH = "hate_speech"
    HARASSMENT = "harassment"
    BANNED_WORD = "banned_word"
    OFF_TOPIC = "off_topic"
    ILLEGAL_CONTENT = "illegal_content"
    OTHER = "other"


# Reasons (system reasons and the codes moderators pick) to the code they stand for, in order of
# precedence: the first reason of a rejection found here gives its code.
_CODE_OF_REASON: Mapping[str, StatementCode] = {
    "illegal_content": StatementCode.ILLEGAL_CONTENT,
    "banned_word": StatementCode.BANNED_WORD,
    "identity_hate": StatementCode.HATE_SPEECH,
    "hate_speech": StatementCode.HATE_SPEECH,
    "threat": StatementCode.HARASSMENT,
    "harassment": StatementCode.HARASSMENT,
    "severe_toxic": StatementCode.ABUSIVE,
    "toxic": StatementCode.ABUSIVE,
    "obscene": StatementCode.ABUSIVE,
    "insult": StatementCode.ABUSIVE,
    "abusive": StatementCode.ABUSIVE,
    "spam": StatementCode.SPAM,
    "contact_details": StatementCode.SPAM,
    "links": StatementCode.SPAM,
    "repeat_post": StatementCode.SPAM,
    "flood": StatementCode.SPAM,
    "off_topic": StatementCode.OFF_TOPIC,
}

_GROUND_TEXT: Mapping[StatementCode, str] = {
    StatementCode.SPAM: "spam or advertising",
    StatementCode.ABUSIVE: "abusive language",
    StatementCode.HATE_SPEECH: "hate speech",
    StatementCode.HARASSMENT: "harassment or threats",
    StatementCode.BANNED_WORD: "a word this site does not allow",
    StatementCode.OFF_TOPIC: "off topic",
    StatementCode.ILLEGAL_CONTENT: "illegal content",
    StatementCode.OTHER: "a breach of the site's rules",
}


@dataclasses.dataclass(frozen=True)
class Statement:
    """Why a comment was rejected: the code, the explanation, and whether a machine decided."""

    code: StatementCode
    explanation: str
    automated: bool

    def as_json(self) -> dict[str, Any]:
        """The statement as stored and as sites receive it."""
        return {
            "code": self.code.value,
            "explanation": self.explanation,
            "automated": self.automated,
        }

    @classmethod
    def from_json(cls, stored: Mapping[str, Any] | None) -> Statement | None:
        """A stored statement (None stays None)."""
        if not stored:
            return None
        return cls(
            StatementCode(stored["code"]), str(stored["explanation"]), bool(stored["automated"])
        )


def code_for(status: Status, reasons: Sequence[str]) -> StatementCode:
    """The code a rejection with these reasons stands for (``spam`` status is always spam)."""
    if status is Status.SPAM:
        return StatementCode.SPAM
    found = [_CODE_OF_REASON[r] for r in reasons if r in _CODE_OF_REASON]
    if not found:
        return StatementCode.OTHER
    order = list(dict.fromkeys(_CODE_OF_REASON.values()))
    return min(found, key=order.index)


def system_statement(status: Status, reasons: Sequence[str], explanation: str) -> Statement | None:
    """The statement of an automatic rejection (None for any other status)."""
    if status not in REJECTED:
        return None
    return Statement(code_for(status, reasons), explanation, automated=True)


def moderator_statement(
    status: Status,
    reasons: Sequence[str],
    code: StatementCode | None,
    explanation: str | None,
) -> Statement | None:
    """The statement of a moderator's rejection: their code (or the reason's) and their words."""
    if status not in REJECTED:
        return None
    code = code if code is not None else code_for(status, reasons)
    outcome = "Rejected as spam" if status is Status.SPAM else "Rejected"
    text = f"{outcome} by a human moderator: {_GROUND_TEXT[code]}."
    if explanation:
        text = f"{text} {explanation}"
    return Statement(code, text, automated=False)
