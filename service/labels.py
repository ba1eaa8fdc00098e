"""Moderator decisions as labels: what a human decision says about each model label.

A human approve is a negative for every label; a spam decision a positive for ``spam``; a reject
a positive for each label given as its reason (a toxicity sub-label implies ``toxic``) and a
negative for ``spam`` (the moderator chose reject, not spam). Anything else is unknown (None).
"""

from __future__ import annotations

from collections.abc import Sequence

from service.domain import Status

LABELS = ("spam", "toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate")
TOXIC_SUBLABELS = frozenset(LABELS[2:])

Labels = dict[str, int | None]


def decision_labels(status: Status, reasons: Sequence[str]) -> Labels:
    """Each label as 1, 0 or None (the decision does not say) for a moderator's decision."""
    if status is Status.APPROVED:
        return dict.fromkeys(LABELS, 0)
    given = set(reasons)
    if given & TOXIC_SUBLABELS:
        given.add("toxic")
    labels: Labels = {label: 1 if label in given else None for label in LABELS}
    if status is Status.SPAM:
        labels["spam"] = 1
    elif labels["spam"] is None:
        labels["spam"] = 0
    return labels
