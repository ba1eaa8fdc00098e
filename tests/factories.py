"""Test data factories: sensible defaults, override what a test is about."""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from service.domain import Author, Classification, Envelope, ModelVersion, NewComment

_sequence = itertools.count(1)


# A body whose text backs an automatic spam rejection (a contact channel and a pitch): a score
# over the reject band rejects it; without such evidence the same score only holds a comment.
SPAM_PITCH = "Made 300% profit with my account manager, WhatsApp +1 555 010 0199"


def new_comment(**overrides: Any) -> NewComment:
    """A valid submission; each call gets a distinct author and body unless overridden."""
    n = next(_sequence)
    fields: dict[str, Any] = {
        "site_id": "news-site",
        "article_id": "article-1",
        "author": Author(f"author-{n}", f"Reader {n}"),
        "body": f"Interesting take on rates, number {n}.",  # short: no near-duplicate sketch
        "language": "en",
        "parent_id": None,
        "envelope": Envelope(ip="192.0.2.1", user_agent="test-agent"),
    }
    fields.update(overrides)
    return NewComment(**fields)


def scores(comment_id: str, spam: float = 0.01, toxic: float = 0.01, **kw: Any) -> Classification:
    """A model result for one comment."""
    return Classification(comment_id, {"spam": spam, "toxic": toxic}, kw.get("version", "v-test"))


def eventually(check: Callable[[], bool], timeout: float = 5.0, interval: float = 0.01) -> None:
    """Wait until ``check()`` holds, for work other threads or processes finish (bounded)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition still false after {timeout}s: {check}")
        time.sleep(interval)


def model_version(version_id: str = "v-test", **changes: Any) -> ModelVersion:
    """A registry record; its artifact path points at nothing unless a test overrides it."""
    fields: dict[str, Any] = {
        "id": version_id,
        "artifact_sha256": hashlib.sha256(version_id.encode()).hexdigest(),
        "artifact_path": f"/nonexistent/{version_id}.skops",
        "labels": ("spam", "toxic"),
        "metrics": {},
        "data_manifest": {},
        "library_versions": {},
        "created_at": datetime(2025, 1, 1, tzinfo=UTC),
    }
    fields.update(changes)
    return ModelVersion(**fields)


def write_dataset(folder: Path, rows: Sequence[tuple[str, str, str]]) -> Path:
    """Write ``(text, spam, toxic)`` rows as ``folder/normalized.csv`` (the shared data format)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "normalized.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "spam", "toxic"])
        for index, (text, spam, toxic) in enumerate(rows):
            writer.writerow([f"row{index}", text, spam, toxic])
    return path


def next_event(pubsub: Any, timeout: float = 2.0) -> dict[str, Any]:
    """The next event published on a subscription, as ``{"type", "data"}``."""
    message = pubsub.get_message(ignore_subscribe_messages=True, timeout=timeout)
    assert message is not None, "no event was published"
    return dict(json.loads(message["data"]))
