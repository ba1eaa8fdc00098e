"""What the API spends on its shapes per request: parsing and encoding, nothing else.

``python -m bench.wire [--repetitions 3000]``

Times, in one process, the work ``service/http`` does around a handler's use case call:

- **submit, parse**: the raw bytes of a ``POST /v1/comments`` body (a news-length comment,
  author, envelope) into the ``NewComment`` the use case takes;
- **submit, encode**: the 202 answer's body into bytes;
- **queue page, parse**: the query string of ``GET /v1/queues/review`` into its Struct;
- **queue page, encode**: 50 held comments with their claims and card details (what
  ``include=details`` sends) rendered and encoded.

Each figure is CPU time, the fastest of 7 rounds. The baseline, measured in the same run on the
same documents, is the standard library's
``json.loads`` of the submission bytes and ``json.dumps`` of the same page as plain
dictionaries: the least any JSON API does with these bytes, so the ratio carries over between
machines.
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from service.claims import Claim
from service.domain import Author, Comment, Page, Status
from service.domain.queues import CardDetails
from service.http import responses, workspace_render
from service.http.decoding import decode_body, decode_query
from service.http.queries import QueueQuery, paged
from service.http.schemas import Submission, new_comment, submission
from service.http.wire import JsonResponse
from service.settings import Settings

PAGE = 50
BODY = (
    "The ETF inflows look strong this week, but I would wait for the rate decision before "
    "buying more."
)  # ~100 characters: the median comment of the news-length corpus
SUBMISSION = {
    "article_id": "btc-etf-approved",
    "author": {"id": "u-1842", "display_name": "Satoshi Fan", "account_age_days": 412},
    "body": BODY,
    "language": "en",
    "envelope": {"ip": "203.0.113.7", "user_agent": "Mozilla/5.0 (X11; Linux x86_64)"},
}
QUERY = {"limit": "50", "sort": "risk", "include": "details"}


def held_page(now: datetime) -> tuple[Page[Comment], dict[str, Claim], dict[str, CardDetails]]:
    """A review queue page: every other comment claimed, each with scores and evidence."""
    comments = [
        Comment(
            id=str(uuid.uuid4()),
            site_id="news-site",
            article_id=f"article-{i % 7}",
            parent_id=None,
            root_id=str(uuid.uuid4()),
            author=Author(f"u-{i}", f"Reader {i}", account_age_days=3.5),
            body=BODY,
            language="en",
            status=Status.WITHHELD,
            reasons=("spam", "links"),
            risk=0.87,
            model_version="m-2026-01",
            created_at=now - timedelta(minutes=i),
            decided_at=now,
            version=2,
        )
        for i in range(PAGE)
    ]
    claims = {c.id: Claim(c.id, "mod-ann", now + timedelta(minutes=5)) for c in comments[::2]}
    evidence = {"labels": {"spam": [[4, 7, "ETF"]]}, "rules": [{"rule": "links", "spans": []}]}
    scores = {"spam": 0.87, "toxic": 0.02}
    details = {c.id: CardDetails(scores, evidence, None, ["spam", "links"], []) for c in comments}
    return Page(comments, "eyJyIjowLjg3fQ"), claims, details


def timed(work: Callable[[], object], repetitions: int) -> float:
    """CPU microseconds of one call: the fastest of 7 rounds of ``repetitions`` calls (CPU time
    and the minimum, because other processes on a shared machine only ever add to it)."""
    rounds = []
    for _ in range(7):
        started = time.process_time()
        for _ in range(repetitions):
            work()
        rounds.append((time.process_time() - started) / repetitions * 1e6)
    return min(rounds)


def measure(repetitions: int) -> list[tuple[str, float, float]]:
    """(name, µs per call, µs of its baseline) for each measured step."""
    settings = Settings()
    raw = json.dumps(SUBMISSION).encode()
    shape = submission(settings)
    query_shape = paged(QueueQuery, settings)
    page, claims, details = held_page(datetime.now(UTC))
    accepted = responses.Accepted(id=str(uuid.uuid4()), status=Status.PENDING, replayed=False)
    rendered = workspace_render.queue_page(page, claims, details)
    as_dicts: Any = msgspec.to_builtins(rendered)
    accepted_dict = msgspec.to_builtins(accepted)

    def parse_submission() -> object:
        return new_comment(decode_body(raw, shape), "news-site", raw, None)

    def encode_page() -> object:
        return JsonResponse(workspace_render.queue_page(page, claims, details)).body

    def parse_query() -> object:
        return decode_query(QUERY, query_shape)

    query_json = json.dumps(QUERY).encode()
    assert isinstance(decode_body(raw, shape), Submission)
    few = repetitions // 10  # a page costs about ten submissions
    return [
        ("submit, parse", timed(parse_submission, repetitions),
         timed(lambda: json.loads(raw), repetitions)),
        ("submit, encode", timed(lambda: JsonResponse(accepted).body, repetitions),
         timed(lambda: json.dumps(accepted_dict), repetitions)),
        ("queue page, parse query", timed(parse_query, repetitions),
         timed(lambda: json.loads(query_json), repetitions)),
        ("queue page (50, details), encode", timed(encode_page, few),
         timed(lambda: json.dumps(as_dicts), few)),
    ]  # fmt: skip


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=3000)
    args = parser.parse_args()
    print(f"{'step':<34} {'µs':>9} {'base µs':>9} {'x base':>8}")
    for name, micros, baseline in measure(args.repetitions):
        print(f"{name:<34} {micros:9.2f} {baseline:9.2f} {micros / baseline:8.2f}")


if __name__ == "__main__":
    main()
