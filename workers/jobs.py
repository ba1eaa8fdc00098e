"""RQ jobs, called by dotted path with JSON arguments (comment ids only).

Jobs are idempotent: a comment that is no longer pending is skipped, so a retried or duplicated
job records nothing twice. Database errors propagate so that RQ's ``Retry`` runs the job again.
"""

from __future__ import annotations

import logging
import time

from redis import Redis
from redis.exceptions import RedisError
from rq import get_current_job

from service import metrics
from service.logs import traced
from service.privacy import Privacy
from workers.context import WorkerContext, current
from workers.language import accepted_languages, with_languages
from workers.scoring import explainer, score_batch
from workers.webhooks import purge_history

PURGE_LOCK_KEY = "commentdesk:purge-lock"
PURGE_INTERVAL_SECONDS = 3600

log = logging.getLogger(__name__)


def classify_comments(comment_ids: list[str]) -> dict[str, int]:
    """Score the still-pending comments of a batch and record one system verdict for each.

    While a challenger is set, it scores the same batch afterwards, in shadow (scores only).
    Log lines carry the RQ job id as their trace id.
    """
    job = get_current_job()
    with traced(job.id if job is not None else "-"):
        return _classify(comment_ids)


def _classify(comment_ids: list[str]) -> dict[str, int]:
    started = time.perf_counter()
    context = current()
    comments = context.moderation.pending(comment_ids)
    champion = context.models.get() if comments else None
    scored = score_batch(comments, champion) if comments else []
    accepted = accepted_languages(context.settings, champion)
    results = with_languages(scored, comments, context.languages, accepted)
    recorded = (
        context.moderation.record_classifications(results, comments, explainer(champion, results))
        if results
        else 0
    )
    # After the verdicts are committed, so the challenger can neither delay nor undo them.
    shadowed = context.shadow.score(comments, champion) if context.shadow and comments else 0
    failed = sum(1 for r in results if r.error is not None)
    elapsed = time.perf_counter() - started
    metrics.WORKER_BATCH.observe(elapsed)
    metrics.WORKER_BATCH_SIZE.observe(len(comment_ids))
    log.info(
        "classified %d/%d comment(s) (%d failed closed, %d shadow-scored) in %.1f ms",
        recorded,
        len(comment_ids),
        failed,
        shadowed,
        elapsed * 1000,
    )
    return {"recorded": recorded, "skipped": len(comment_ids) - recorded}


def sweep() -> dict[str, int]:
    """Re-enqueue comments left pending too long and purge expired envelopes."""
    context = current()
    requeued = context.moderation.sweep()
    metrics.SWEEPER_REQUEUED.inc(requeued)
    purged = _purge(context) if _is_purge_due(context.redis) else 0
    if requeued or purged:
        log.info("sweep re-enqueued %d comment(s), purged %d expired item(s)", requeued, purged)
    return {"requeued": requeued, "purged": purged}


def _purge(context: WorkerContext) -> int:
    """Everything kept for a limited time: envelopes, old text, outbox events, delivery logs,
    near-duplicate keys."""
    purged = context.moderation.purge_envelopes()
    purged += context.moderation.purge_fingerprints()
    purged += Privacy(context.moderation.sessions, context.settings).apply_retention()
    if context.webhooks is not None:
        purged += purge_history(context.webhooks, context.settings)
    return purged


def _is_purge_due(redis: Redis) -> bool:
    # The purge scans by age; once an hour across all workers is plenty for a retention in days.
    try:
        return bool(redis.set(PURGE_LOCK_KEY, "1", nx=True, ex=PURGE_INTERVAL_SECONDS))
    except RedisError:
        return False
