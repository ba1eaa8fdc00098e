"""The labels models score and moderators' decisions imply: plain values, no I/O.

A human approve is a negative for every label; a spam decision a positive for ``spam``; a reject
a positive for each label given as its reason (a toxicity sub-label implies ``toxic``) and a
negative for ``spam`` (the moderator chose reject, not spam). Anything else is unknown (None).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping, Sequence
from datetime import datetime

from service.domain import Status


class Label(enum.StrEnum):
    """What a model scores and a moderator's decision implies (the Jigsaw labels and spam)."""

    SPAM = "spam"
    TOXIC = "toxic"
    SEVERE_TOXIC = "severe_toxic"
    OBSCENE = "obscene"
    THREAT = "threat"
    INSULT = "insult"
    IDENTITY_HATE = "identity_hate"


LABELS: tuple[str, ...] = tuple(label.value for label in Label)
# A reject for one of these is also a reject for being toxic.
TOXIC_SUBLABELS = frozenset(LABELS) - {Label.SPAM.value, Label.TOXIC.value}

LabelValues = dict[str, int | None]


def decision_labels(status: Status, reasons: Sequence[str]) -> LabelValues:
    """Each label as 1, 0 or None (the decision does not say) for a moderator's decision."""
    if status is Status.APPROVED:
        return dict.fromkeys(LABELS, 0)
    given = set(reasons)
    if given & TOXIC_SUBLABELS:
        given.add(Label.TOXIC)
    labels: LabelValues = {label: 1 if label in given else None for label in LABELS}
    if status is Status.SPAM:
        labels[Label.SPAM] = 1
    elif labels[Label.SPAM] is None:
        labels[Label.SPAM] = 0
    return labels


@dataclasses.dataclass(frozen=True)
class LabelRecord:
    """A comment with its latest human decision."""

    action_id: int
    comment_id: str
    site_id: str
    article_id: str
    body: str
    status: Status
    reasons: tuple[str, ...]
    moderator: str
    decided_at: datetime


@dataclasses.dataclass(frozen=True)
class CurrentDecision:
    """What an import needs to know about a comment: its version and latest human decision."""

    version: int
    status: Status | None  # None: no human has decided it
    reasons: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class LabelledScores:
    """One moderator-decided comment with both models' scores."""

    comment_id: str
    decision: Status  # the moderator's latest decision: approved, rejected or spam
    reasons: tuple[str, ...]
    champion: Mapping[str, float]
    challenger: Mapping[str, float]
    site_id: str | None = None  # for the site's threshold override and link allowlist
    body: str = ""  # what an automatic rejection needs evidence from
