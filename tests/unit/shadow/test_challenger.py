"""ShadowScorer with fakes at its seams: when it scores, and that it never raises."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from service.domain import Author, Classification, Comment, Status
from service.errors import StorageError
from tests.factories import model_version
from workers.challenger import ShadowScorer
from workers.model_cache import LoadedModel, ModelCache


class StubScorer:
    labels = ("spam", "toxic")

    def __init__(self) -> None:
        self.calls: list[int] = []

    def predict_proba(self, texts: Sequence[str]) -> Any:
        self.calls.append(len(texts))
        return [[0.2, 0.1] for _ in texts]


class RecordingShadow:
    """Stands in for service.shadow.Shadow: keeps what it was asked to store."""

    def __init__(self, error: Exception | None = None) -> None:
        self.stored: list[Classification] = []
        self.error = error

    def record_scores(self, results: Sequence[Classification]) -> int:
        if self.error is not None:
            raise self.error
        self.stored.extend(results)
        return len(results)


def _comment(n: int) -> Comment:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    return Comment(
        f"c-{n}", "site", "article", None, f"c-{n}", Author("a", "A"), f"body {n}", "en",
        Status.PENDING, (), None, None, now, None, 1,
    )  # fmt: skip


def _scorer(challenger: str | None, shadow: RecordingShadow, scorer: StubScorer) -> ShadowScorer:
    version = model_version(challenger) if challenger else None
    models = ModelCache(lambda _alias: version, poll_seconds=60, loader=lambda _v: scorer)
    return ShadowScorer(shadow, models)  # type: ignore[arg-type]  # a stand-in for Shadow


def _loaded(version_id: str) -> LoadedModel:
    return LoadedModel(model_version(version_id), StubScorer())


def test_shadow_scorer_scores_a_batch_in_one_call_under_the_challenger_version() -> None:
    shadow, scorer = RecordingShadow(), StubScorer()

    stored = _scorer("v2", shadow, scorer).score([_comment(1), _comment(2)], _loaded("v1"))

    assert stored == 2
    assert scorer.calls == [2]
    assert {r.model_version for r in shadow.stored} == {"v2"}
    assert shadow.stored[0].scores == {"spam": 0.2, "toxic": 0.1}


@pytest.mark.parametrize(("challenger", "comments"), [(None, 2), ("v1", 2), ("v2", 0)])
def test_shadow_scorer_does_nothing_without_a_distinct_challenger_or_comments(
    challenger: str | None, comments: int
) -> None:
    shadow, scorer = RecordingShadow(), StubScorer()

    stored = _scorer(challenger, shadow, scorer).score(
        [_comment(n) for n in range(comments)], _loaded("v1")
    )

    assert stored == 0
    assert scorer.calls == []


def test_shadow_scorer_logs_and_skips_a_storage_failure(caplog: pytest.LogCaptureFixture) -> None:
    shadow = RecordingShadow(error=StorageError("database error: gone"))

    stored = _scorer("v2", shadow, StubScorer()).score([_comment(1)], None)

    assert stored == 0
    assert "shadow scoring of 1 comment(s) failed" in caplog.text
