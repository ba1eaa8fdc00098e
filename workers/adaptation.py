"""Judging a site-trained candidate as it will be used, and choosing its bands from the site.

The candidate is trained on the site's older decisions and, with the champion of the day, scored
on the newest ones: the same rows for both, ROC-AUC per label and what each would have *done*
(automatic-reject precision, the share of moderator-approved comments it would hold, the share
of moderator-rejected comments it would hold or reject), each version at its own bands and with
the workers' policy and evidence rule, with paired bootstrap intervals. ``service.promotion``
turns that into the gate's verdict.

Bands for the version that is registered (refitted on every decision) come from out-of-fold
scores of all decisions: hold from a recall target on the comments moderators rejected,
automatic rejection from a precision target among the comments whose text holds evidence.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from classifier.adaptation import SiteTrainer, time_split
from classifier.bootstrap import paired_auc, paired_ratio, resample_weights
from classifier.thresholds import operating_point, threshold_for_precision, threshold_for_recall
from service.domain import Status
from service.promotion import GateVerdict, judge
from service.settings import Settings
from service.thresholds import effective_thresholds
from service.verdict.evidence import RejectEvidence
from service.verdict.policy import apply_policy
from workers.model_cache import Scorer

RESAMPLES = 1000
LEVEL = 0.95
SEED = 20261129
# A label is compared only with at least this many recent positives and negatives; bands are
# computed only with at least this many positives (a precision on a handful of rows is noise).
MIN_COMPARED = 5
MIN_BAND_POSITIVES = 10

FloatArray = npt.NDArray[np.float64]


@dataclasses.dataclass(frozen=True)
class SiteRows:
    """A site's labelled comments, oldest first, as training and evaluation read them."""

    texts: list[str]
    statuses: list[Status]  # the moderator's decision: approved, rejected or spam
    site_ids: list[str]
    targets: FloatArray  # (rows, labels): 1 / 0 / NaN per label

    def __len__(self) -> int:
        return len(self.texts)

    def take(self, rows: slice) -> SiteRows:
        """The rows in ``rows``, in order."""
        return SiteRows(
            self.texts[rows], self.statuses[rows], self.site_ids[rows], self.targets[rows]
        )

    @property
    def rejected(self) -> npt.NDArray[np.bool_]:
        """Rows the moderator rejected (as spam or otherwise)."""
        return np.array([s in (Status.REJECTED, Status.SPAM) for s in self.statuses], dtype=bool)


class Verdicts:
    """What a version's scores would have done with each row, under the workers' policy."""

    APPROVE, WITHHOLD, REJECT = 0, 1, 2

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.evidence = RejectEvidence(settings)

    def of(
        self,
        rows: SiteRows,
        labels: Sequence[str],
        proba: FloatArray,
        stored_bands: Mapping[str, Any] | None,
    ) -> npt.NDArray[np.int64]:
        """One of APPROVE / WITHHOLD / REJECT per row (rule hits left out: they are the same
        for every version)."""
        settings = self.settings
        out = np.empty(len(rows), dtype=np.int64)
        for index, (text, site) in enumerate(zip(rows.texts, rows.site_ids, strict=True)):
            bands = effective_thresholds(
                settings.thresholds, stored_bands, settings.site_thresholds.get(site)
            )
            scores = {
                label: score
                for label, score in zip(labels, proba[index].tolist(), strict=True)
                if not np.isnan(score)  # a label this version does not score
            }
            status, _ = apply_policy(
                scores, bands, [], settings.hold_rules, self.evidence.checker(text, site)
            )
            out[index] = _VERDICT.get(status, self.REJECT)
        return out


_VERDICT = {Status.APPROVED: Verdicts.APPROVE, Status.WITHHELD: Verdicts.WITHHOLD}


def compare(
    rows: SiteRows,
    labels: Sequence[str],
    champion: tuple[FloatArray, Mapping[str, Any] | None],
    candidate: tuple[FloatArray, Mapping[str, Any] | None],
    settings: Settings,
) -> dict[str, Any]:
    """Champion vs candidate on the same recent rows: ROC-AUC per label, outcomes, verdict.

    ``champion`` and ``candidate`` are each (probabilities of ``rows``, stored bands).
    """
    weights = resample_weights(len(rows), RESAMPLES, SEED)
    per_label = _label_comparisons(rows, labels, champion[0], candidate[0], weights)
    verdicts = Verdicts(settings)
    outcomes = _outcomes(
        rows.rejected,
        verdicts.of(rows, labels, *champion),
        verdicts.of(rows, labels, *candidate),
        weights,
    )
    verdict, why = judge(per_label, outcomes)
    return {
        "labels": per_label,
        "outcomes": outcomes,
        "verdict": verdict.value,
        "why": why,
        "resamples": RESAMPLES,
        "level": LEVEL,
    }


def _label_comparisons(
    rows: SiteRows,
    labels: Sequence[str],
    champion: FloatArray,
    candidate: FloatArray,
    weights: FloatArray,
) -> dict[str, Any]:
    compared: dict[str, Any] = {}
    for column, label in enumerate(labels):
        known = ~np.isnan(rows.targets[:, column])
        truth = rows.targets[known, column].astype(np.int64)
        positives = int(truth.sum())
        negatives = len(truth) - positives
        scored = np.isfinite(champion[known, column]).all()
        if min(positives, negatives) < MIN_COMPARED or not scored:
            continue
        estimate = paired_auc(
            truth, champion[known, column], candidate[known, column], weights[:, known]
        ).as_dict()
        compared[label] = {
            "positives": positives,
            "negatives": negatives,
            "champion": estimate["first"],
            "candidate": estimate["second"],
            "difference": estimate["difference"],
        }
    return compared


def _outcomes(
    rejected: npt.NDArray[np.bool_],
    champion: npt.NDArray[np.int64],
    candidate: npt.NDArray[np.int64],
    weights: FloatArray,
) -> dict[str, Any]:
    approved = ~rejected

    def paired(
        numerator: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]],
        denominator: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]],
    ) -> dict[str, Any]:
        estimate = paired_ratio(numerator, denominator, weights, level=LEVEL).as_dict()
        return {
            "champion": estimate["first"],
            "candidate": estimate["second"],
            "difference": estimate["difference"],
        }

    rejects = (champion == Verdicts.REJECT, candidate == Verdicts.REJECT)
    held = (champion != Verdicts.APPROVE, candidate != Verdicts.APPROVE)
    return {
        # Of the comments it would reject automatically, the share moderators rejected.
        "auto_reject_precision": paired((rejects[0] & rejected, rejects[1] & rejected), rejects),
        # Of the comments moderators approved, the share it would hold or reject.
        "approved_held": paired((held[0] & approved, held[1] & approved), (approved, approved)),
        # Of the comments moderators rejected, the share it would hold or reject.
        "rejected_caught": paired((held[0] & rejected, held[1] & rejected), (rejected, rejected)),
        "rows": {"approved": int(approved.sum()), "rejected": int(rejected.sum())},
    }


def not_evaluated(why: str) -> dict[str, Any]:
    """The comparison of a candidate nothing could judge."""
    return {"labels": {}, "outcomes": {}, "verdict": GateVerdict.NOT_EVALUATED.value, "why": [why]}


def site_bands(
    rows: SiteRows, labels: Sequence[str], proba: FloatArray, settings: Settings
) -> dict[str, Any]:
    """Bands per label from out-of-fold probabilities of every decision (stored form of
    ``service.thresholds``).

    Hold: the score that holds ``target_hold_recall`` of the comments moderators rejected for
    the label (with at least ten of them; otherwise the default stays). Reject (labels whose
    default band rejects): the lowest score at which ``target_reject_precision`` of the comments
    *with evidence* were rejected by moderators; when the decisions cannot show that but show
    the default band rejecting comments moderators kept, automatic rejection is turned off for
    this version (those comments are held instead).
    """
    evidence = RejectEvidence(settings)
    computed_at = datetime.now(UTC).isoformat(timespec="seconds")
    bands: dict[str, Any] = {}
    for column, label in enumerate(labels):
        known = ~np.isnan(rows.targets[:, column])
        if not known.any():
            continue
        truth = rows.targets[known, column].astype(np.int64)
        scores = proba[known, column]
        entry: dict[str, Any] = {"targets": {}, "achieved": {}}
        if MIN_BAND_POSITIVES <= int(truth.sum()) < len(truth):
            _add_hold_band(entry, scores, truth, settings)
        default = settings.thresholds.get(label)
        if default is not None and default.reject is not None:
            texts = [t for t, k in zip(rows.texts, known, strict=True) if k]
            sites = [s for s, k in zip(rows.site_ids, known, strict=True) if k]
            backed = np.array(
                [evidence.checker(t, s)(label) for t, s in zip(texts, sites, strict=True)],
                dtype=bool,
            )
            _add_reject_band(entry, scores[backed], truth[backed], default.reject, settings)
        if "withhold" not in entry and "reject" not in entry:
            continue
        if entry.get("reject") is not None and "withhold" in entry:
            entry["withhold"] = min(entry["withhold"], entry["reject"])
        entry["computed_at"] = computed_at
        entry["source"] = f"{len(truth)} site decisions, out-of-fold scores"
        bands[label] = entry
    return bands


def _add_hold_band(
    entry: dict[str, Any],
    scores: FloatArray,
    truth: npt.NDArray[np.int64],
    settings: Settings,
) -> None:
    recall, cap = settings.target_hold_recall, settings.target_max_approved_held
    threshold = threshold_for_recall(scores, truth, recall)
    kept = scores[truth == 0]
    threshold = _capped(threshold, kept, cap)
    entry["withhold"] = round(threshold, 6)
    entry["targets"]["withhold"] = f"recall={recall:g}, approved held<={cap:g}"
    point = operating_point(scores, truth, threshold)
    entry["achieved"]["withhold"] = _achieved(point, len(truth)) | {
        "approved_held": round(float(np.mean(kept >= threshold)), 4) if len(kept) else None
    }


def _capped(threshold: float, kept: FloatArray, cap: float) -> float:
    """Raise ``threshold`` until at most ``cap`` of the comments moderators kept reach it (the
    workload cap wins over the recall target)."""
    if not len(kept) or np.mean(kept >= threshold) <= cap:
        return threshold
    ordered = np.sort(kept)
    candidate = float(ordered[min(len(ordered) - 1, int(np.ceil(len(ordered) * (1.0 - cap))))])
    if np.mean(kept >= candidate) > cap:  # ties at the candidate: go just above them
        candidate = float(np.nextafter(candidate, np.inf))
    return candidate


# Fewest evidence-backed comments the default reject band must have rejected, against the
# moderators, before a version turns automatic rejection off.
MIN_FALSE_REJECTS = 3


def _add_reject_band(
    entry: dict[str, Any],
    scores: FloatArray,
    truth: npt.NDArray[np.int64],
    default: float,
    settings: Settings,
) -> None:
    target = settings.target_reject_precision
    entry["targets"]["reject"] = f"precision={target:g} (comments with evidence)"
    if not len(truth):
        return
    threshold = threshold_for_precision(scores, truth, target) if truth.any() else None
    if threshold is not None:
        entry["reject"] = round(threshold, 6)
        entry["achieved"]["reject"] = _achieved(
            operating_point(scores, truth, threshold), len(truth)
        )
        return
    point = operating_point(scores, truth, default)
    entry["achieved"]["reject"] = _achieved(point, len(truth))
    wrong = point.flagged - int((truth[scores >= default] == 1).sum())
    if wrong >= MIN_FALSE_REJECTS:
        entry["reject"] = None  # the default band rejected what moderators kept: hold instead


def _achieved(point: Any, rows: int) -> dict[str, Any]:
    return {
        "precision": None if point.precision is None else round(point.precision, 4),
        "recall": None if point.recall is None else round(point.recall, 4),
        "flagged": point.flagged,
        "positives": point.positives,
        "rows": rows,
    }


# Fewest recent decisions worth judging a candidate on; below it the gate has nothing to say.
MIN_RECENT_ROWS = 20


@dataclasses.dataclass(frozen=True)
class Adaptation:
    """What learning a site's decisions produced besides the fitted model."""

    evaluation: dict[str, Any]  # the promotion gate's comparison (or why there is none)
    label_c: tuple[tuple[str, float], ...]  # each head's penalty, chosen on older decisions
    out_of_sample: FloatArray  # every decision's probabilities from a head that did not see it


def adapt(
    trainer: SiteTrainer,
    rows: SiteRows,
    champion: Scorer | None,
    champion_bands: Mapping[str, Any] | None,
    settings: Settings,
    step: Callable[[str], None],
) -> Adaptation:
    """Judge a candidate trained on the older decisions against the champion on the newest,
    and gather what the final fit and its bands need.

    The candidate decides at bands chosen from its own training rows (out-of-fold), the champion
    at the bands it decides with today; both are scored on exactly the same recent rows. The
    penalties chosen on the older rows are kept for the fit on every row, and the older rows'
    out-of-fold scores with the candidate's scores of the newest rows are every decision's
    out-of-sample score, which the final bands are chosen from.
    """
    split = time_split(len(rows))
    if champion is None or split.recent < MIN_RECENT_ROWS:
        why = (
            "no champion to compare with"
            if champion is None
            else f"{split.recent} recent decisions; at least {MIN_RECENT_ROWS} are needed to judge"
        )
        step("choosing each head's penalty on the newest decisions")
        label_c = trainer.choose_c()
        return Adaptation(not_evaluated(why), label_c, trainer.out_of_fold(None, label_c))
    step(f"judging: trained on the older {split.older}, scored on the newest {split.recent}")
    recent = np.arange(split.older, len(rows))
    labels = trainer.prior.labels
    label_c = trainer.choose_c(split.older)
    candidate = trainer.fit(split.older, label_c)
    candidate_proba = trainer.score(candidate, recent) if candidate else trainer.prior_proba[recent]
    older_proba = trainer.out_of_fold(split.older, label_c)
    older_bands = site_bands(rows.take(slice(0, split.older)), labels, older_proba, settings)
    champion_proba = aligned_proba(champion, [rows.texts[i] for i in recent], labels)
    judged = compare(
        rows.take(slice(split.older, None)),
        labels,
        (champion_proba, champion_bands),
        (candidate_proba, older_bands),
        settings,
    )
    judged["decisions"] = {"rows": len(rows), "older": split.older, "recent": split.recent}
    return Adaptation(judged, label_c, np.vstack([older_proba, candidate_proba]))


def aligned_proba(scorer: Scorer, texts: list[str], labels: Sequence[str]) -> FloatArray:
    """The scorer's probabilities in ``labels``' columns; NaN where it lacks a label."""
    proba = np.asarray(scorer.predict_proba(texts), dtype=np.float64)
    out = np.full((len(texts), len(labels)), np.nan)
    theirs = list(scorer.labels)
    for column, label in enumerate(labels):
        if label in theirs:
            out[:, column] = proba[:, theirs.index(label)]
    return out
