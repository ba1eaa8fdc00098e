"""Database bytes per 1,000 comments, in process: what the throughput benchmark's storage figure
measures, without its HTTP stack, so a loaded machine changes nothing (issue 10).

Stores the throughput benchmark's news-length comments (``bench.news_corpus``, the same seed
every run) in a fresh SQLite database migrated as ``commentdesk migrate`` does, classifies them
as a worker does (``workers.jobs._classify``, ``--batch`` ids at a time) and numbers their events
as the webhook worker does (``Outbox.sequence``); then prints the bytes by table (SQLite
``dbstat`` pages in use, indexes included) per 1,000 comments, growth from the empty migrated
database, and the kept total (the windowed near-duplicate keys apart, as the throughput
benchmark does)::

    python -m bench.stored_bytes [--comments 3000] [--batch 50] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import msgspec
from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from bench.news_corpus import news_payload_bodies
from bench.storage import WINDOWED, DatabaseSize, growth_per_1000
from commentdesk.bootstrap import migrate
from service.db import engine_from_settings, session_factory
from service.http.schemas import Submission, new_comment
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.outbox import Outbox
from service.settings import Settings
from workers import jobs
from workers.artifacts import artifact_cache
from workers.context import WorkerContext, install
from workers.model_cache import ModelCache

SITE = "bench-site"
SEED = 7  # bench.worker_cpu's: the same comments


def measure(count: int, batch: int) -> dict[str, int]:
    """Bytes per 1,000 comments by table, and ``total`` kept, for ``count`` comments."""
    bodies = news_payload_bodies(count, SEED)
    with tempfile.TemporaryDirectory(prefix="stored-bytes-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        settings = Settings(database_url=url, data_dir=Path(tmp))
        migrate(settings)
        size = DatabaseSize(url)
        engine = engine_from_settings(settings)
        try:
            before = size.by_table()
            _write(settings, session_factory(engine), bodies, batch)
            return growth_per_1000(before, size.by_table(), count)
        finally:
            install(None)
            engine.dispose()
            size.close()


def _write(
    settings: Settings, made: sessionmaker[Session], bodies: list[bytes], batch: int
) -> None:
    moderation = Moderation(made, settings)
    lifecycle = Lifecycle(made)
    models = ModelCache(
        lifecycle.alias,
        poll_seconds=settings.model_poll_seconds,
        loader=artifact_cache(lifecycle, settings).load,
    )
    # Never connected: the classify path does not use Redis.
    install(
        WorkerContext(
            "bench", settings, moderation, Redis.from_url("redis://127.0.0.1:1/0"), models
        )
    )
    submissions = [msgspec.json.decode(b, type=Submission) for b in bodies]
    outbox = Outbox(made, settings)
    for start in range(0, len(submissions), batch):
        chunk = submissions[start : start + batch]
        stored = moderation.store([new_comment(s, SITE, b"", None) for s in chunk])
        jobs._classify([s.comment_id for s in stored])
        outbox.sequence()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.stored_bytes", description=__doc__)
    parser.add_argument("--comments", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    figures = measure(args.comments, args.batch)
    print(f"database bytes per 1,000 comments, kept ({args.comments} comments, SQLite)")
    for table, value in figures.items():
        note = "  (windowed: not in the total)" if table in WINDOWED else ""
        print(f"  {table:<28} {value:>12,}{note}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
