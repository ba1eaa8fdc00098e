"""Challenger vs champion against moderators' decisions: pure arithmetic, no I/O.

Each model's verdict is the policy (``apply_policy``) applied to that model's scores alone, with
the bands that model decides with in the workers (``effective_thresholds``: the comment's site
override > that version's stored bands > settings) and the same evidence rule for automatic
rejection: rule hits are the same for both models, so they are left out and the comparison
measures the models. A label counts as flagged when the
policy lists it as a reason (its score is at or above the label's withhold threshold).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from service.domain import Alias, Status, Verdict
from service.domain.labels import LABELS, LabelledScores, decision_labels
from service.settings import LabelThreshold, Settings
from service.thresholds import effective_thresholds
from service.verdict.evidence import HasEvidence, RejectEvidence
from service.verdict.policy import apply_policy


@dataclasses.dataclass
class Counts:
    """A model's confusion counts for one label."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float | None:
        """Of the comments it flagged, the share moderators labelled; None if it flagged none."""
        return _ratio(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float | None:
        """Of the comments moderators labelled, the share it flagged; None if there were none."""
        return _ratio(self.true_positives, self.true_positives + self.false_negatives)

    def add(self, truth: int, flagged: bool) -> None:
        """Count one comment whose label is known."""
        self.true_positives += truth == 1 and flagged
        self.false_positives += truth == 0 and flagged
        self.false_negatives += truth == 1 and not flagged


@dataclasses.dataclass
class LabelComparison:
    """Both models' counts for one label, and how many known positives and negatives it had."""

    positives: int = 0
    negatives: int = 0
    champion: Counts = dataclasses.field(default_factory=Counts)
    challenger: Counts = dataclasses.field(default_factory=Counts)


@dataclasses.dataclass
class ShadowComparison:
    """How a challenger would have done against the champion on moderator-decided comments."""

    challenger: str
    champion: str | None
    compared: int = 0
    agreeing: int = 0
    toward_moderator: int = 0  # changed verdicts that come closer to the moderator's decision
    away_from_moderator: int = 0
    verdicts: dict[str, dict[Verdict, int]] = dataclasses.field(
        default_factory=lambda: {m.value: dict.fromkeys(Verdict, 0) for m in Alias}
    )
    labels: dict[str, LabelComparison] = dataclasses.field(default_factory=dict)

    @property
    def changed(self) -> int:
        """Decided comments whose automatic verdict the challenger would have changed."""
        return self.compared - self.agreeing

    @property
    def agreement(self) -> float | None:
        """Share of compared comments on which both models reach the same verdict."""
        return _ratio(self.agreeing, self.compared)


class Tally:
    """Accumulates a :class:`ShadowComparison` one decided comment at a time."""

    def __init__(
        self,
        settings: Settings,
        challenger: str,
        champion: str | None,
        stored: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        """``stored``: each version's stored thresholds (version id → ``thresholds``)."""
        self.settings = settings
        self.evidence = RejectEvidence(settings)
        self.stored = stored or {}
        self.result = ShadowComparison(challenger, champion)
        self._bands: dict[tuple[str | None, str | None], Mapping[str, LabelThreshold]] = {}

    def add(self, item: LabelledScores) -> None:
        """Count one moderator-decided comment."""
        result = self.result
        has_evidence = self.evidence.checker(item.body, item.site_id or "")
        champion, champion_flags = self._verdict(
            item.champion, result.champion, item.site_id, has_evidence
        )
        challenger, challenger_flags = self._verdict(
            item.challenger, result.challenger, item.site_id, has_evidence
        )
        result.compared += 1
        result.verdicts[Alias.CHAMPION][champion] += 1
        result.verdicts[Alias.CHALLENGER][challenger] += 1
        if champion is challenger:
            result.agreeing += 1
        elif _closeness(item.decision, challenger) > _closeness(item.decision, champion):
            result.toward_moderator += 1
        else:
            result.away_from_moderator += 1
        self._count_labels(item, champion_flags, challenger_flags)

    def _verdict(
        self,
        scores: Mapping[str, float],
        version: str | None,
        site: str | None,
        has_evidence: HasEvidence,
    ) -> tuple[Verdict, set[str]]:
        bands = self._bands_for(version, site)
        status, reasons = apply_policy(scores, bands, [], self.settings.hold_rules, has_evidence)
        return Verdict.of(status), set(reasons)

    def _bands_for(self, version: str | None, site: str | None) -> Mapping[str, LabelThreshold]:
        key = (version, site)
        if key not in self._bands:
            settings = self.settings
            self._bands[key] = effective_thresholds(
                settings.thresholds,
                self.stored.get(version or ""),
                settings.site_thresholds.get(site or ""),
            )
        return self._bands[key]

    def _count_labels(self, item: LabelledScores, champion: set[str], challenger: set[str]) -> None:
        scored = set(item.champion) | set(item.challenger)
        for label, truth in decision_labels(item.decision, item.reasons).items():
            if truth is None or label not in scored:
                continue
            counts = self.result.labels.setdefault(label, LabelComparison())
            counts.positives += truth
            counts.negatives += 1 - truth
            counts.champion.add(truth, label in champion)
            counts.challenger.add(truth, label in challenger)

    def finish(self) -> ShadowComparison:
        """The comparison, labels in their canonical order."""
        labels = self.result.labels
        self.result.labels = {label: labels[label] for label in LABELS if label in labels}
        return self.result


def _closeness(decision: Status, verdict: Verdict) -> int:
    # 2: the verdict the moderator would have made; 1: held for a human; 0: the opposite.
    if verdict is Verdict.WITHHOLD:
        return 1
    agrees = (verdict is Verdict.APPROVE) == (decision is Status.APPROVED)
    return 2 if agrees else 0


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None
