"""Test data for worker tests: a fake scorer, model versions and comment submissions."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from service.domain import Author, Envelope, ModelVersion, NewComment
from tests.factories import model_version

LABELS = ("spam", "toxic")


class FakeScorer:
    """Scores by keyword, vectorised over the batch; counts calls to check batching."""

    labels = LABELS

    def __init__(
        self,
        *,
        fail: bool = False,
        keyword: str = "giveaway",
        spam_range: tuple[float, float] = (0.01, 0.995),
        toxic: float = 0.02,
    ) -> None:
        self.fail = fail
        self.keyword = keyword
        self.spam_range = spam_range
        self.toxic = toxic
        self.calls: list[int] = []

    def predict_proba(self, texts: Sequence[str]) -> Any:
        self.calls.append(len(texts))
        if self.fail:
            raise RuntimeError(f"model scoring {self.keyword!r} exploded")
        low, high = self.spam_range
        spam = np.array([self.keyword in t.casefold() for t in texts], dtype=np.float64)
        return np.column_stack([low + (high - low) * spam, np.full(len(texts), self.toxic)])


def make_version(version_id: str = "v-test", **changes: Any) -> ModelVersion:
    """A registered-model record pointing at nothing real (the fake loader ignores the path)."""
    return model_version(version_id, **changes)


_authors = itertools.count()


def make_comment(body: str = "A thoughtful remark about the market.", **changes: Any) -> NewComment:
    """A submission from a fresh author (so no repeat-post rule fires across tests)."""
    author = Author(f"author-{next(_authors)}", "Reader")
    item = NewComment("site-1", "article-1", author, body, "en", None, Envelope(ip="192.0.2.1"))
    return dataclasses.replace(item, **changes)
