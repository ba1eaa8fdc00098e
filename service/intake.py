"""Group commit for comment intake, and coalesced enqueueing behind it.

Concurrent submissions are gathered while the previous batch is being written, then stored in
one transaction; each request is answered as soon as its batch has committed. The new ids then go
to an :class:`Enqueuer`, which lingers briefly so that one RQ job carries many comments: RQ's
per-job cost, not Redis or HTTP, is what limits throughput when a job carries few (design.md §7).
Enqueueing never delays an answer and never decides one: the sweeper covers a lost enqueue.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from service import metrics
from service.domain import NewComment
from service.errors import StorageError
from service.store.comments import Stored

log = logging.getLogger(__name__)

StoreBatch = Callable[[Sequence[NewComment]], list[Stored]]
EnqueueIds = Callable[[Sequence[str]], None]
Pending = tuple[NewComment, "asyncio.Future[Stored]"]


class Enqueuer:
    """A thread that enqueues committed comment ids in coalesced batches."""

    def __init__(self, enqueue: EnqueueIds, linger_seconds: float) -> None:
        self._enqueue = enqueue
        self._linger_seconds = linger_seconds
        self._ids: list[str] = []
        self._ready = threading.Condition()
        self._is_closing = False
        self._thread = threading.Thread(target=self._run, name="enqueuer", daemon=True)
        self._thread.start()

    def add(self, comment_ids: Sequence[str]) -> None:
        """Hand over committed ids; they are enqueued within ``linger_seconds``."""
        if comment_ids:
            with self._ready:
                self._ids.extend(comment_ids)
                self._ready.notify()

    def close(self) -> None:
        """Enqueue what is left, then stop the thread."""
        with self._ready:
            self._is_closing = True
            self._ready.notify()
        self._thread.join()

    def _run(self) -> None:
        while True:
            with self._ready:
                self._ready.wait_for(lambda: bool(self._ids) or self._is_closing)
                if self._is_closing and not self._ids:
                    return
                self._linger()
                ids, self._ids = self._ids, []
            self._enqueue_safely(ids)

    def _linger(self) -> None:
        # Let ids committed in the next few batches join this job. Each add() notifies, so
        # wait out the whole deadline, not just until the next notification.
        deadline = time.monotonic() + self._linger_seconds
        while not self._is_closing and (remaining := deadline - time.monotonic()) > 0:
            self._ready.wait(remaining)

    def _enqueue_safely(self, ids: list[str]) -> None:
        try:
            self._enqueue(ids)
        except Exception:  # a lost enqueue is recovered by the sweeper; the thread must live on
            log.exception("could not enqueue %d comment(s); the sweeper will", len(ids))


class Intake:
    """Batches concurrent submissions into shared transactions."""

    def __init__(self, store_batch: StoreBatch, enqueuer: Enqueuer | None, max_batch: int) -> None:
        self._store_batch = store_batch
        self._enqueuer = enqueuer
        self._max_batch = max_batch
        self._waiting: list[Pending] = []
        self._writer: asyncio.Task[None] | None = None
        # When a write last failed for want of a database (0: never, or one succeeded since):
        # readiness reports it, since a database that answers SELECT 1 may still refuse writes.
        self._last_outage = 0.0
        # One thread: batches are written one after another, which is what makes them grow.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="intake")

    async def submit(self, item: NewComment) -> Stored:
        """Store one comment durably; returns once its batch has committed."""
        future: asyncio.Future[Stored] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        return await future

    async def _write_all(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting:
            batch = self._waiting[: self._max_batch]
            del self._waiting[: self._max_batch]
            await loop.run_in_executor(self._executor, self._write_batch, batch)

    def _write_batch(self, batch: list[Pending]) -> None:
        metrics.INTAKE_BATCH.observe(len(batch))
        try:
            results = self._store_batch([item for item, _ in batch])
        except Exception as exc:
            if _is_outage(exc):
                self._last_outage = time.monotonic()
            if len(batch) == 1 or _is_outage(exc):
                _settle_all(batch, exc)
            else:
                self._write_one_by_one(batch)
            return
        self._last_outage = 0.0
        for (_, future), result in zip(batch, results, strict=True):
            _settle(future, result)
        if self._enqueuer is not None:
            self._enqueuer.add([r.comment_id for r in results if r.is_new])

    def _write_one_by_one(self, batch: list[Pending]) -> None:
        # Something in the batch was refused (a bad parent, a reused Idempotency-Key, a value
        # the database would not take): store each alone, so only its sender gets the error.
        for index, pair in enumerate(batch):
            try:
                result = self._store_batch([pair[0]])
            except Exception as exc:
                if _is_outage(exc):  # the database went away: the rest would fail the same way
                    _settle_all(batch[index:], exc)
                    return
                _settle_all([pair], exc)
                continue
            _settle(pair[1], result[0])
            if self._enqueuer is not None and result[0].is_new:
                self._enqueuer.add([result[0].comment_id])

    def is_failing(self, within_seconds: float) -> bool:
        """Whether a write failed for want of a database in the last ``within_seconds``, with
        no successful write since."""
        return bool(self._last_outage) and time.monotonic() - self._last_outage < within_seconds

    async def close(self) -> None:
        """Finish writing and enqueueing what was accepted, then release the threads."""
        if self._writer is not None:
            await self._writer
        self._executor.shutdown(wait=True)
        if self._enqueuer is not None:
            self._enqueuer.close()


def _is_outage(exc: Exception) -> bool:
    return isinstance(exc, StorageError) and exc.is_outage


def _settle(future: asyncio.Future[Stored], result: Stored) -> None:
    # A refused submission (closed article, suspended author) answers its sender with the error.
    if result.refusal is not None:
        future.get_loop().call_soon_threadsafe(_set_exception, future, result.refusal)
    else:
        future.get_loop().call_soon_threadsafe(_set_result, future, result)


def _settle_all(batch: list[Pending], exc: Exception) -> None:
    for _, future in batch:
        future.get_loop().call_soon_threadsafe(_set_exception, future, exc)


def _set_result(future: asyncio.Future[Stored], result: Stored) -> None:
    if not future.done():  # the client may have gone away; the comment is stored all the same
        future.set_result(result)


def _set_exception(future: asyncio.Future[Stored], exc: Exception) -> None:
    if not future.done():
        future.set_exception(exc)
