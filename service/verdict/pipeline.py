"""Phases and how what they say becomes one verdict, as in Coral's moderation pipeline.

Phases run in order over one comment's facts. A phase may say nothing (``None``), hold (reasons
without a status: the comment goes to review unless a later phase decides) or decide (a status:
the pipeline stops there). A decision's reasons come first, then the holds of the phases before
it; a comment nobody decided is withheld with the holds' reasons, or approved when there are none.
A phase that finds its own evidence in the text (watched words) says it with its reasons; the
evidence of every phase that spoke is kept, beside the model's explanation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from service.domain import Classification, Comment, Status
from service.domain.articles import ArticleSettings
from service.domain.authors import AuthorPolicySetting, RecentHistory
from service.settings import LabelThreshold
from service.wordmatch.matcher import WordMatcher


@dataclasses.dataclass(frozen=True)
class CommentFacts:
    """Everything the phases may look at for one scored comment (``service.verdict.facts``)."""

    comment: Comment
    result: Classification
    bands: Mapping[str, LabelThreshold]  # the bands that apply to its site and model version
    policy: AuthorPolicySetting | None  # its author's policy on its site, if one is set
    is_repeat: bool  # its author posted the same body on the site within the repeat window
    languages: frozenset[str]  # ISO 639 codes of what the version that scored it was trained on
    watched: WordMatcher | None = None  # its site's watched-word list, compiled; None: no list
    article: ArticleSettings | None = None  # its article's settings, if any were set
    # How many comments its author posted on the site before it, counted up to the site's
    # COMMENTDESK_FIRST_COMMENTS_HELD (None: that rule is off for the site).
    earlier_comments: int | None = None
    # Its author's latest decided comments by the site's COMMENTDESK_RECENT_REJECTIONS (None: off).
    history: RecentHistory | None = None


@dataclasses.dataclass(frozen=True)
class Say:
    """What a phase says about a comment: a status decides; without one, its reasons hold."""

    reasons: tuple[str, ...]
    status: Status | None = None
    # Evidence the phase found in the text, as stored: {"rules": [span, ...], "notes": [str]}.
    evidence: Mapping[str, Any] | None = None


class Outcome(NamedTuple):
    """What the phases concluded: a status, its reasons, and the evidence the phases found."""

    status: Status
    reasons: list[str]
    evidence: Mapping[str, Any] | None = None


# One step of the pipeline: given a comment's facts, nothing to say (None), a hold, or a decision.
Phase = Callable[[CommentFacts], Say | None]


def run_phases(phases: Sequence[Phase], facts: CommentFacts) -> Outcome:
    """The status, reasons and evidence the phases give, in order; none runs after a decision."""
    return combine(phase(facts) for phase in phases)


def combine(says: Iterable[Say | None]) -> Outcome:
    """One verdict from what phases said, in their order (consumed up to the first decision)."""
    held: list[str] = []
    found: list[Mapping[str, Any]] = []
    for said in says:
        if said is None:
            continue
        if said.evidence is not None:
            found.append(said.evidence)
        if said.status is not None:
            return Outcome(said.status, _unique([*said.reasons, *held]), merge_evidence(found))
        held.extend(said.reasons)
    if held:
        return Outcome(Status.WITHHELD, _unique(held), merge_evidence(found))
    return Outcome(Status.APPROVED, [])


def merge_evidence(parts: Iterable[Mapping[str, Any] | None]) -> Mapping[str, Any] | None:
    """Stored evidence of several sources as one: label spans, rule spans and notes added up;
    any other member (the language identified) kept as its source gave it."""
    given = [part for part in parts if part is not None]
    if len(given) < 2:
        return given[0] if given else None
    merged: dict[str, Any] = {}
    labels: dict[str, list[Any]] = {}
    rules: list[Any] = []
    notes: list[str] = []
    for part in given:
        merged.update(part)
        for label, spans in part.get("labels", {}).items():
            labels.setdefault(label, []).extend(spans)
        rules.extend(part.get("rules", []))
        notes.extend(part.get("notes", []))
    merged.update(labels=labels, rules=rules)
    merged.pop("notes", None)
    if notes:
        merged["notes"] = notes
    return merged


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
