"""Phases and how what they say becomes one verdict, as in Coral's moderation pipeline.

Phases run in order over one comment's facts. A phase may say nothing (``None``), hold (reasons
without a status: the comment goes to review unless a later phase decides) or decide (a status:
the pipeline stops there). A decision's reasons come first, then the holds of the phases before
it; a comment nobody decided is withheld with the holds' reasons, or approved when there are none.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence

from service.domain import Classification, Comment, Status
from service.domain.authors import AuthorPolicySetting
from service.settings import LabelThreshold


@dataclasses.dataclass(frozen=True)
class CommentFacts:
    """Everything the phases may look at for one scored comment (``service.verdict.facts``)."""

    comment: Comment
    result: Classification
    bands: Mapping[str, LabelThreshold]  # the bands that apply to its site and model version
    policy: AuthorPolicySetting | None  # its author's policy on its site, if one is set
    is_repeat: bool  # its author posted the same body on the site within the repeat window
    languages: frozenset[str]  # ISO 639 codes of what the version that scored it was trained on


@dataclasses.dataclass(frozen=True)
class Say:
    """What a phase says about a comment: a status decides; without one, its reasons hold."""

    reasons: tuple[str, ...]
    status: Status | None = None


# One step of the pipeline: given a comment's facts, nothing to say (None), a hold, or a decision.
Phase = Callable[[CommentFacts], Say | None]


def run_phases(phases: Sequence[Phase], facts: CommentFacts) -> tuple[Status, list[str]]:
    """The status and reasons the phases give, in order; no phase runs after a decision."""
    return combine(phase(facts) for phase in phases)


def combine(says: Iterable[Say | None]) -> tuple[Status, list[str]]:
    """One verdict from what phases said, in their order (consumed up to the first decision)."""
    held: list[str] = []
    for said in says:
        if said is None:
            continue
        if said.status is not None:
            return said.status, _unique([*said.reasons, *held])
        held.extend(said.reasons)
    return (Status.WITHHELD, _unique(held)) if held else (Status.APPROVED, [])


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
