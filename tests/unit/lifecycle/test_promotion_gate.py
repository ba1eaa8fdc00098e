"""The promotion gate's rule, on the comparison a training run stores."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from service.domain import ModelVersion
from service.promotion import (
    EVALUATION,
    GateVerdict,
    PromotionRefusedError,
    check_promotion,
    judge,
)


def _difference(value: float, low: float, high: float) -> dict[str, Any]:
    return {"difference": {"value": value, "low": low, "high": high}}


def _version(evaluation: dict[str, Any] | None) -> ModelVersion:
    metrics = {EVALUATION: evaluation} if evaluation is not None else {}
    return ModelVersion(
        id="m-new", artifact_sha256="0" * 64, artifact_path="/x", labels=("spam",),
        metrics=metrics, data_manifest={}, library_versions={},
        created_at=datetime(2026, 11, 29, tzinfo=UTC),
    )  # fmt: skip


def test_judge_calls_a_label_worse_only_when_the_whole_interval_is_below_zero() -> None:
    verdict, why = judge({"toxic": _difference(-0.033, -0.060, -0.009)}, {})
    assert verdict is GateVerdict.WORSE
    assert why == ["toxic ROC-AUC -0.0330 [-0.0600, -0.0090]"]
    assert judge({"toxic": _difference(-0.02, -0.05, 0.01)}, {})[0] is GateVerdict.NOT_WORSE


def test_judge_calls_better_only_without_any_worse_figure() -> None:
    better = {"spam": _difference(0.05, 0.02, 0.08)}
    assert judge(better, {})[0] is GateVerdict.BETTER
    mixed = {**better, "toxic": _difference(-0.03, -0.05, -0.01)}
    assert judge(mixed, {})[0] is GateVerdict.WORSE


def test_judge_refuses_a_drop_in_automatic_reject_precision() -> None:
    outcomes = {"auto_reject_precision": _difference(-0.2, -0.35, -0.05)}
    verdict, why = judge({"spam": _difference(0.0, -0.01, 0.01)}, outcomes)
    assert verdict is GateVerdict.WORSE
    assert why[0].startswith("auto reject precision")


def test_judge_without_comparable_labels_has_nothing_to_say() -> None:
    assert judge({}, {})[0] is GateVerdict.NOT_EVALUATED


def test_check_promotion_refuses_worse_unless_forced() -> None:
    version = _version({"verdict": "worse", "champion": "v0", "why": ["toxic ROC-AUC -0.03"]})
    with pytest.raises(PromotionRefusedError, match="worse than v0"):
        check_promotion(version, "v0", None)
    check_promotion(version, "v0", "the March wave needs it")


def test_check_promotion_refuses_a_comparison_with_another_champion() -> None:
    version = _version({"verdict": "better", "champion": "v0", "why": []})
    check_promotion(version, "v0", None)
    with pytest.raises(PromotionRefusedError, match="judged against v0"):
        check_promotion(version, "v1", None)


@pytest.mark.parametrize("evaluation", [None, {"verdict": "not_evaluated", "champion": "v0"}])
def test_check_promotion_lets_unjudged_versions_through(evaluation: dict[str, Any] | None) -> None:
    check_promotion(_version(evaluation), "v1", None)


def test_check_promotion_of_the_champion_itself_is_a_no_op() -> None:
    version = dataclasses.replace(_version({"verdict": "worse", "champion": "v0"}), id="v0")
    check_promotion(version, "v0", None)
