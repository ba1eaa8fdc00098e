"""Scoring a batch: one model call, labelled scores, and failing closed."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from classifier.model import TextModel
from service.domain import Author, Classification, Comment, ModelVersion, Status
from tests.unit.classifier.conftest import data_dir, tiny_model
from workers.model_cache import LoadedModel
from workers.scoring import NO_MODEL, explainer, score_batch

__all__ = ["data_dir", "tiny_model"]  # the fixtures, for the explainer test

VERSION = ModelVersion(
    "v1",
    "0" * 64,
    "builtin:x.skops",
    ("spam", "toxic"),
    {},
    {},
    {},
    datetime(2025, 1, 1, tzinfo=UTC),
)


class TableScorer:
    """Returns a fixed table of scores and records each call."""

    labels = ("spam", "toxic")

    def __init__(self, table: Any) -> None:
        self.table = table
        self.calls: list[list[str]] = []

    def predict_proba(self, texts: Sequence[str]) -> Any:
        self.calls.append(list(texts))
        if isinstance(self.table, Exception):
            raise self.table
        return self.table


def _comment(n: int) -> Comment:
    return Comment(
        f"c{n}",
        "s",
        "a",
        None,
        f"c{n}",
        Author("u", "U"),
        f"body {n}",
        None,
        Status.PENDING,
        (),
        None,
        None,
        datetime(2025, 1, 1, tzinfo=UTC),
        None,
        1,
    )


def _model(table: Any) -> LoadedModel:
    return LoadedModel(VERSION, TableScorer(table))


def test_score_batch_scores_all_comments_in_one_call() -> None:
    model = _model(np.array([[0.1, 0.2], [0.9, 0.05]]))

    results = score_batch([_comment(1), _comment(2)], model)

    assert model.scorer.calls == [["body 1", "body 2"]]  # type: ignore[attr-defined]
    assert [r.scores for r in results] == [
        {"spam": 0.1, "toxic": 0.2},
        {"spam": 0.9, "toxic": 0.05},
    ]
    assert all(r.model_version == "v1" and r.error is None for r in results)
    assert all(type(v) is float for r in results for v in r.scores.values())


def test_score_batch_without_model_fails_every_comment() -> None:
    results = score_batch([_comment(1), _comment(2)], None)

    assert [(r.comment_id, r.error, r.model_version) for r in results] == [
        ("c1", NO_MODEL, None),
        ("c2", NO_MODEL, None),
    ]


@pytest.mark.parametrize(
    "table",
    [
        RuntimeError("boom"),
        np.array([[0.1, 0.2]]),  # one row for two comments
        np.array([[0.1], [0.2]]),  # one column for two labels
        "not numbers",
    ],
)
def test_score_batch_fails_closed_on_a_model_fault(table: Any) -> None:
    results = score_batch([_comment(1), _comment(2)], _model(table))

    assert all(r.error and r.error.startswith("model v1 failed") for r in results)
    assert all(r.scores == {} and r.model_version is None for r in results)


@pytest.mark.parametrize("bad", [np.nan, -0.1, 1.5, np.inf])
def test_score_batch_refuses_scores_outside_zero_to_one(bad: float) -> None:
    results = score_batch([_comment(1), _comment(2)], _model(np.array([[0.1, 0.2], [bad, 0.1]])))

    assert results[0].error is None
    assert results[1].error is not None
    assert results[1].scores == {}


def test_score_batch_of_nothing_calls_no_model() -> None:
    model = _model(RuntimeError("must not be called"))

    assert score_batch([], model) == []


def test_explainer_explains_high_scoring_labels_from_the_batch_scores(
    tiny_model: TextModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    comment = dataclasses.replace(
        _comment(1), body="you stupid idiot, claim bonus crypto, message me on telegram"
    )
    result = Classification(comment.id, {"spam": 0.9, "toxic": 0.8}, VERSION.id)

    def no_second_scoring(texts: Sequence[str]) -> Any:
        raise AssertionError("the explainer scored the comments again")

    monkeypatch.setattr(tiny_model, "predict_proba", no_second_scoring)
    explain = explainer(LoadedModel(VERSION, tiny_model), [result])
    assert explain is not None
    [evidence] = explain([comment], [["toxic", "new_author"]])
    assert evidence is not None
    assert list(evidence["labels"]) == ["toxic", "spam"]  # held first, then the high one
    spam = evidence["labels"]["spam"]
    assert spam[0] == {
        "start": comment.body.index("telegram"),
        "end": len(comment.body),
        "text": "telegram",
        "weight": 1.0,
        "kind": "rule",
        "rule": "messaging_apps",
    }
    assert {s["kind"] for s in evidence["labels"]["toxic"]} == {"word"}
