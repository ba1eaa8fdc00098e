"""CPU time of intake's store path per comment, in process, on news-length comments (issue 10).

What ``Moderation.store`` spends in this process for each comment of a small batch, as intake
writes them at a fixed rate (``bench.api_cpu``: about two comments a batch at 500/s), without
the HTTP side, the flood limiter or the noise of a load generator sharing the cores::

    python -m bench.intake_store [--comments 2000] [--batch 2] [--repetitions 7]
        [--postgres-url postgresql://postgres@127.0.0.1:5432/<db>]

Each repetition stores ``--comments`` of the throughput benchmark's comments
(``bench.news_corpus.news_payload_bodies``, parsed as the API parses them) ``--batch`` at a time,
each batch its own transaction, into one database migrated as ``commentdesk migrate`` does:
SQLite in a temp directory, or a fresh schema ``bench_<random>`` of ``--postgres-url`` (dropped
at the end). The figure is ``time.process_time`` (this process: the database server's CPU is not in
it) over the repetition ÷ comments; it prints every repetition and the fastest, the one least
disturbed by the machine's other load. SQLite's commit (its fsync) is in the figure; a few
seconds per repetition.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import msgspec

from bench.backing import fresh_schema
from bench.news_corpus import news_payload_bodies
from commentdesk.bootstrap import migrate
from service.db import engine_from_settings, session_factory
from service.domain import NewComment
from service.http.schemas import Submission, new_comment
from service.moderation import Moderation
from service.settings import Settings

SITE = "bench-site"


def submissions(count: int) -> list[NewComment]:
    """The throughput benchmark's first ``count`` comments (seed 7) as the API parses them."""
    bodies = news_payload_bodies(count, 7)
    return [new_comment(msgspec.json.decode(b, type=Submission), SITE, b, None) for b in bodies]


def store_cpu(moderation: Moderation, items: list[NewComment], batch: int) -> float:
    """CPU seconds per comment to store ``items`` ``batch`` at a time, a transaction each."""
    began = time.process_time()
    for start in range(0, len(items), batch):
        moderation.store(items[start : start + batch])
    return (time.process_time() - began) / len(items)


def _repeat(settings: Settings, items: list[NewComment], args: argparse.Namespace) -> list[float]:
    migrate(settings)
    engine = engine_from_settings(settings)
    try:
        moderation = Moderation(session_factory(engine), settings)
        moderation.store(items[: args.batch])  # connects, fills the statement cache: not timed
        return [store_cpu(moderation, items, args.batch) for _ in range(args.repetitions)]
    finally:
        engine.dispose()


def _run(args: argparse.Namespace, items: list[NewComment]) -> list[float]:
    with tempfile.TemporaryDirectory(prefix="intake-store-") as tmp:
        data_dir = Path(tmp)
        if args.postgres_url is None:
            url = f"sqlite:///{data_dir / 'bench.db'}"
            return _repeat(Settings(database_url=url, data_dir=data_dir), items, args)
        schema = fresh_schema(args.postgres_url)
        try:
            return _repeat(Settings(database_url=schema.url, data_dir=data_dir), items, args)
        finally:
            schema.drop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.intake_store", description=__doc__)
    parser.add_argument("--comments", type=int, default=2000, help="per repetition (2000)")
    parser.add_argument("--batch", type=int, default=2, help="comments per transaction (2)")
    parser.add_argument("--repetitions", type=int, default=7, help="timed passes (7)")
    parser.add_argument("--postgres-url", default=None, help="a fresh schema of this database")
    args = parser.parse_args(argv)
    items = submissions(args.comments)
    figures = [seconds * 1e6 for seconds in _run(args, items)]
    for repetition, figure in enumerate(figures, start=1):
        print(f"repetition {repetition}: {figure:.1f} µs CPU per comment")
    backend = "PostgreSQL" if args.postgres_url else "SQLite"
    print(f"fastest: {min(figures):.1f} µs per comment ({backend}, batch {args.batch})")


if __name__ == "__main__":
    main()
