"""How fast the review queue's pages come back with 10,000 held comments.

``python -m bench.queue_page --comments 10000 [--postgres-url URL] [--repetitions 50]``

Seeds N withheld comments with scores through the service's own use cases (store, then
record_classifications, in batches) into a temporary SQLite database (and a fresh PostgreSQL
schema when ``--postgres-url`` is given), then times ``GET /v1/queues/review`` through the real
Starlette app in-process (httpx's ASGI transport, lifespan run, a moderator API key, an embedded
Valkey for claims): the first page sorted by risk and by age, and a page deep in the cursor
chain, and the first page with ``include=details`` (scores, evidence and parent per item, as
the browser workspace asks for it). The baseline is ``GET /healthz`` through the same stack in
the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import text

from bench.backing import fresh_schema, start_redis
from service.auth import generate_api_key
from service.db import create_db_engine, session_factory
from service.domain import Author, Classification, Envelope, NewComment, Role
from service.http import create_app
from service.migrate import upgrade_to_head
from service.moderation import Moderation
from service.settings import Settings
from service.store.keys import add_api_key

BATCH = 500
LIMIT = 50
MODEL = "bench-model"


@dataclasses.dataclass(frozen=True)
class Timing:
    """Latencies of one request kind, in milliseconds."""

    name: str
    samples: list[float]

    def row(self, baseline_p50: float) -> str:
        """One line of the report."""
        ordered = sorted(self.samples)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        p50 = statistics.median(ordered)
        return f"{self.name:<34} {p50:8.2f} {p95:8.2f} {ordered[-1]:8.2f} {p50 / baseline_p50:8.1f}"


def seed(database_url: str, comments: int, rng: random.Random) -> str:
    """Migrate, add N withheld comments with scores, and return a moderator's API key."""
    engine = create_db_engine(database_url)
    upgrade_to_head(engine)
    sessions = session_factory(engine)
    moderation = Moderation(sessions, Settings(database_url=database_url))
    for start in range(0, comments, BATCH):
        items = [_comment(i, rng) for i in range(start, min(comments, start + BATCH))]
        stored = moderation.store(items)
        # In the withhold band of every label: held for review, never approved or rejected.
        moderation.record_classifications(
            [
                Classification(
                    s.comment_id,
                    {"spam": rng.uniform(0.5, 0.98), "toxic": rng.uniform(0.0, 0.49)},
                    MODEL,
                )
                for s in stored
            ]
        )
    with engine.begin() as conn:
        # Planner statistics, as autovacuum (PostgreSQL) or a periodic ANALYZE would have them
        # for tables of this size; right after a bulk load they describe empty tables.
        conn.execute(text("ANALYZE"))
    token, digest, prefix = generate_api_key()
    with sessions.begin() as session:
        add_api_key(
            session,
            name="bench-moderator",
            role=Role.MODERATOR,
            key_hash=digest,
            prefix=prefix,
            now=datetime.now(UTC),
        )
    engine.dispose()
    return token


def _comment(i: int, rng: random.Random) -> NewComment:
    author = Author(f"author-{rng.randrange(2000)}", f"Reader {i}")
    body = f"Comment {i} on the rate decision, held for review ({rng.random():.6f})."
    return NewComment(
        "bench-site", f"article-{i % 300}", author, body, "en", None, Envelope(ip="192.0.2.1")
    )


async def measure(settings: Settings, token: str, repetitions: int) -> list[Timing]:
    """Time the baseline and the queue pages through the app, lifespan included."""
    app = create_app(settings)
    headers = {"Authorization": f"Bearer {token}"}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            async def timed(name: str, path: str) -> Timing:
                samples = []
                for _ in range(repetitions + 3):  # the first three warm caches up, not counted
                    started = time.perf_counter()
                    response = await client.get(path, headers=headers)
                    samples.append((time.perf_counter() - started) * 1000)
                    response.raise_for_status()
                return Timing(name, samples[3:])

            overview = (await client.get("/v1/queues", headers=headers)).json()["queues"]
            held = {q["name"]: q["count"] for q in overview}["review"]
            print(f"review queue: {held:,} comments (GET /v1/queues)")
            deep = await _deep_cursor(client, headers)
            return [
                await timed("GET /healthz (baseline)", "/healthz"),
                await timed("review, risk, first page", f"/v1/queues/review?limit={LIMIT}"),
                await timed("review, age, first page", f"/v1/queues/review?sort=age&limit={LIMIT}"),
                await timed(
                    "review, risk, first page + details",
                    f"/v1/queues/review?limit={LIMIT}&include=details",
                ),
                await timed(
                    "review, risk, page 100 (cursor)",
                    f"/v1/queues/review?limit={LIMIT}&cursor={deep}",
                ),
            ]


async def _deep_cursor(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    """The cursor of page 100 (item 4,951 on), found by walking the chain."""
    cursor = ""
    for _ in range(99):
        query = f"limit={LIMIT}" + (f"&cursor={cursor}" if cursor else "")
        response = await client.get(f"/v1/queues/review?{query}", headers=headers)
        response.raise_for_status()
        cursor = str(response.json()["next_cursor"] or "")
        if not cursor:
            raise SystemExit("the queue ran out before page 100: seed at least 5,000 comments")
    return cursor


@contextmanager
def databases(work_dir: Path, postgres_url: str | None) -> Iterator[list[tuple[str, str]]]:
    """(label, URL) of each database to measure; a PostgreSQL schema is dropped afterwards."""
    targets = [("SQLite", f"sqlite:///{work_dir / 'bench.db'}")]
    schema = fresh_schema(postgres_url) if postgres_url else None
    if schema is not None:
        targets.append(("PostgreSQL", schema.url))
    try:
        yield targets
    finally:
        if schema is not None:
            schema.drop()


def main() -> None:
    """Seed, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--repetitions", type=int, default=50)
    parser.add_argument("--postgres-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-queue-") as tmp:
        work_dir = Path(tmp)
        redis = start_redis(None, work_dir)
        try:
            with databases(work_dir, args.postgres_url) as targets:
                for label, url in targets:
                    run(label, url, redis.url, work_dir, args.comments, args.repetitions)
        finally:
            redis.close()


def run(
    label: str, url: str, redis_url: str, work_dir: Path, comments: int, repetitions: int
) -> None:
    """One database: seed, measure, print the table."""
    started = time.perf_counter()
    token = seed(url, comments, random.Random(4))
    seeded = time.perf_counter() - started
    print(
        f"\n{label}: {comments:,} withheld comments (seeded in {seeded:.1f} s), "
        f"{repetitions} requests each, limit {LIMIT}"
    )
    settings = Settings(data_dir=work_dir, database_url=url, redis_url=redis_url)
    timings = asyncio.run(measure(settings, token, repetitions))
    baseline = statistics.median(timings[0].samples)
    print(f"{'request':<34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'x base':>8}")
    for timing in timings:
        print(timing.row(baseline))


if __name__ == "__main__":
    main()
