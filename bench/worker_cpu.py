"""CPU time of the workers' classify path per comment, in-process, on news-length comments.

Stores the throughput benchmark's comments (``bench.news_corpus.news_payload_bodies``) in a
fresh SQLite database migrated as ``commentdesk migrate`` does (shipped model as champion), then
classifies them the way a worker does (``workers.jobs._classify``), a batch of ``--batch`` ids
at a time right after the batch was stored. Only the classify calls are timed, with
``time.process_time`` (this process's CPU, so other processes on a shared machine count less
than in wall time). Each repetition uses a fresh database; the median is reported::

    python -m bench.worker_cpu [--comments 3000] [--batch 50] [--repetitions 5]
        [--outcomes out.json] [--profile out.prof]

``--outcomes`` writes what every comment got (status, reasons, risk, statement, the classified
action's reasons, scores, evidence and statement), keyed by its position in the corpus, so two
versions of the code can be compared for equality on the same input.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import msgspec
from redis import Redis
from sqlalchemy import text

from bench.news_corpus import news_payload_bodies
from commentdesk.bootstrap import migrate
from service.column_types import CommentId
from service.db import engine_from_settings, session_factory
from service.http.schemas import Submission, new_comment
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.settings import Settings
from workers import jobs
from workers.artifacts import artifact_cache
from workers.context import WorkerContext, install
from workers.model_cache import ModelCache

SITE = "bench-site"


def _settings(data_dir: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{data_dir / 'bench.db'}", data_dir=data_dir)


def run_once(
    bodies: list[bytes], batch: int, profile: cProfile.Profile | None = None
) -> tuple[float, dict[str, Any]]:
    """CPU seconds spent classifying ``bodies`` and the outcome of each, by corpus position."""
    with tempfile.TemporaryDirectory(prefix="worker-cpu-") as tmp:
        settings = _settings(Path(tmp))
        migrate(settings)
        engine = engine_from_settings(settings)
        sessions = session_factory(engine)
        moderation = Moderation(sessions, settings)
        lifecycle = Lifecycle(sessions)
        models = ModelCache(
            lifecycle.alias,
            poll_seconds=settings.model_poll_seconds,
            loader=artifact_cache(lifecycle, settings).load,
        )
        # Never connected: the classify path does not use Redis.
        redis = Redis.from_url("redis://127.0.0.1:1/0")
        install(WorkerContext("bench-worker", settings, moderation, redis, models))
        submissions = [msgspec.json.decode(b, type=Submission) for b in bodies]
        ids: list[str] = []
        cpu = 0.0
        try:
            # The first batch loads the model and the language identifier: not timed.
            for start in range(0, len(submissions), batch):
                chunk = submissions[start : start + batch]
                stored = moderation.store([new_comment(s, SITE, b"", None) for s in chunk])
                batch_ids = [s.comment_id for s in stored]
                ids.extend(batch_ids)
                began = time.process_time()
                if profile is not None and start:
                    profile.enable()
                jobs._classify(batch_ids)
                if profile is not None:
                    profile.disable()
                if start:
                    cpu += time.process_time() - began
            outcomes = _outcomes(engine, ids)
        finally:
            install(None)
            engine.dispose()
        timed = len(bodies) - min(batch, len(bodies))
        return cpu / max(timed, 1), outcomes


def _outcomes(engine: Any, ids: list[str]) -> dict[str, Any]:
    position = {cid: i for i, cid in enumerate(ids)}
    found: dict[str, Any] = {}
    with engine.connect() as conn:
        for row in conn.execute(
            text(
                "SELECT id, status, reasons, risk, model_version, statement FROM comments"
            ).columns(
                id=CommentId()  # its 16 bytes read back as the text (migration 0022)
            )
        ):
            found[str(position[row.id])] = {
                "status": row.status,
                "reasons": row.reasons,
                "risk": row.risk,
                "model_version": row.model_version,
                "statement": row.statement,
            }
        for row in conn.execute(
            text(
                "SELECT a.comment_id, a.reasons, a.scores, s.scores AS referred, a.evidence, "
                "a.statement, a.model_version FROM moderation_actions AS a "
                "LEFT JOIN comment_scores AS s "
                "ON s.comment_id = a.comment_id AND s.model_version = a.model_version "
                "WHERE a.kind = 'classified'"
            ).columns(comment_id=CommentId())
        ):
            found[str(position[row.comment_id])]["action"] = {
                "reasons": row.reasons,
                # JSON null: the scores are the comment_scores row's (migration 0020).
                "scores": row.referred if row.scores in ("null", None) else row.scores,
                "evidence": row.evidence,
                "statement": row.statement,
                "model_version": row.model_version,
            }
        scores = text("SELECT comment_id, scores FROM comment_scores").columns(
            comment_id=CommentId()
        )
        for row in conn.execute(scores):
            found[str(position[row.comment_id])]["scores"] = row.scores
    return found


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker_cpu", description=__doc__)
    parser.add_argument("--comments", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--outcomes", type=Path, help="write every comment's outcome here")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the last repetition")
    args = parser.parse_args()
    bodies = news_payload_bodies(args.comments, args.seed)
    per_comment = []
    outcomes: dict[str, Any] = {}
    for rep in range(args.repetitions):
        last = rep == args.repetitions - 1
        profile = cProfile.Profile() if last and args.profile else None
        cpu, outcomes = run_once(bodies, args.batch, profile)
        per_comment.append(cpu)
        print(f"repetition {rep + 1}: {cpu * 1000:.3f} ms CPU per comment", flush=True)
        if profile is not None and args.profile is not None:
            profile.dump_stats(str(args.profile))
    print(
        f"median {statistics.median(per_comment) * 1000:.3f} ms CPU per comment "
        f"({args.comments} comments, batches of {args.batch}, {args.repetitions} repetitions)"
    )
    if args.outcomes is not None:
        args.outcomes.write_text(json.dumps(outcomes, sort_keys=True, indent=0, default=str))


if __name__ == "__main__":
    main()
