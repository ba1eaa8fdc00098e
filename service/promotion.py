"""The promotion gate: a candidate worse on the site's recent decisions does not decide.

Training evaluates each candidate the way it will be used (``workers.adaptation``): trained on
the site's older decisions, scored with the champion of the day on the newest ones, with paired
bootstrap intervals. :func:`judge` turns those figures into a verdict, stored with the version;
:func:`check_promotion` refuses to promote a ``worse`` candidate, or one judged against a
champion that has since changed, unless ops force it with a reason (kept in the alias history
and the log).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from typing import Any

from service.domain import ModelVersion
from service.errors import ConflictError

log = logging.getLogger(__name__)

EVALUATION = "site_evaluation"  # where a version's metrics keep the comparison
# Outcomes whose drop beyond the interval makes a candidate worse (higher is better for both).
GUARDED_OUTCOMES = ("auto_reject_precision",)


class GateVerdict(enum.StrEnum):
    """What the site's recent decisions say of a candidate against the champion."""

    BETTER = "better"  # ROC-AUC higher beyond the interval on a label, worse on none
    NOT_WORSE = "not_worse"  # no figure lower beyond its interval
    WORSE = "worse"  # some figure lower beyond its interval: promotion needs a forced reason
    NOT_EVALUATED = "not_evaluated"  # too few recent decisions, or none


class PromotionRefusedError(ConflictError):
    """The gate refuses this promotion; ops may force it with a reason."""

    code = "promotion-refused"
    title = "Promotion refused by the gate"


def _interval(entry: Any) -> tuple[float, float] | None:
    difference = entry.get("difference") if isinstance(entry, Mapping) else None
    if not isinstance(difference, Mapping):
        return None
    low, high = difference.get("low"), difference.get("high")
    if isinstance(low, int | float) and isinstance(high, int | float):
        return float(low), float(high)
    return None


def _describe(name: str, entry: Mapping[str, Any]) -> str:
    difference = entry["difference"]
    return (
        f"{name} {difference['value']:+.4f} [{difference['low']:+.4f}, {difference['high']:+.4f}]"
    )


def judge(labels: Mapping[str, Any], outcomes: Mapping[str, Any]) -> tuple[GateVerdict, list[str]]:
    """The verdict on a candidate from its per-label ROC-AUC and outcome comparisons.

    Each entry carries ``difference`` = candidate - champion with a bootstrap interval
    (``value``, ``low``, ``high``). Worse: some label's ROC-AUC, or a guarded outcome, is lower
    with the whole interval below zero. Better: not worse, and some label's ROC-AUC is higher
    with the whole interval above zero.
    """
    compared = {name: _interval(entry) for name, entry in labels.items()}
    worse = [
        _describe(f"{name} ROC-AUC", labels[name])
        for name, bounds in compared.items()
        if bounds is not None and bounds[1] < 0
    ]
    worse += [
        _describe(name.replace("_", " "), outcomes[name])
        for name in GUARDED_OUTCOMES
        if (bounds := _interval(outcomes.get(name))) is not None and bounds[1] < 0
    ]
    if worse:
        return GateVerdict.WORSE, worse
    better = [
        _describe(f"{name} ROC-AUC", labels[name])
        for name, bounds in compared.items()
        if bounds is not None and bounds[0] > 0
    ]
    if better:
        return GateVerdict.BETTER, better
    if any(bounds is not None for bounds in compared.values()):
        return GateVerdict.NOT_WORSE, []
    return GateVerdict.NOT_EVALUATED, []


def evaluation_of(version: ModelVersion) -> Mapping[str, Any] | None:
    """The stored comparison of a trained version, if training made one."""
    evaluation = version.metrics.get(EVALUATION)
    return evaluation if isinstance(evaluation, Mapping) else None


def check_promotion(
    version: ModelVersion, champion_id: str | None, force_reason: str | None
) -> None:
    """Raise PromotionRefusedError unless the gate lets ``version`` replace ``champion_id``.

    A version without a comparison (registered by hand, or trained with no recent decisions to
    judge it on) passes: there is nothing to refuse it on.
    """
    evaluation = evaluation_of(version)
    if evaluation is None or version.id == champion_id:
        return
    problem = _problem(version, evaluation, champion_id)
    if problem is None:
        return
    if force_reason:
        log.warning("promotion of %s forced by ops (%s): %s", version.id, force_reason, problem)
        return
    raise PromotionRefusedError(
        f"{problem}; to promote anyway, force it with a reason (it is kept in the alias history)"
    )


def _problem(
    version: ModelVersion, evaluation: Mapping[str, Any], champion_id: str | None
) -> str | None:
    verdict = evaluation.get("verdict")
    if verdict == GateVerdict.WORSE:
        why = "; ".join(str(reason) for reason in evaluation.get("why", []))
        champion = evaluation.get("champion")
        return f"{version.id} is worse than {champion} on the site's recent decisions ({why})"
    judged_against = evaluation.get("champion")
    if verdict != GateVerdict.NOT_EVALUATED and judged_against != champion_id:
        return (
            f"{version.id} was judged against {judged_against}, but the champion is now "
            f"{champion_id}; retrain to compare it with the current champion"
        )
    return None
