"""Group commit for comment intake.

Concurrent submissions are gathered while the previous batch is being written, then stored in
one transaction and enqueued as one job; each request still waits for its own commit before it
is answered. One INSERT transaction and one enqueue per batch instead of per comment is what lets
a single API process accept thousands of comments a second on SQLite (design.md §7).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from service.domain import NewComment
from service.errors import IdempotencyConflictError, ValidationError
from service.store.comments import Stored

log = logging.getLogger(__name__)

# Errors that belong to one submission, not to the batch it happened to share.
_ITEM_ERRORS = (ValidationError, IdempotencyConflictError)

SubmitBatch = Callable[[Sequence[NewComment]], list[Stored]]


class Intake:
    """Batches concurrent submissions into shared transactions."""

    def __init__(self, submit_batch: SubmitBatch, max_batch: int) -> None:
        self._submit_batch = submit_batch
        self._max_batch = max_batch
        self._waiting: list[tuple[NewComment, asyncio.Future[Stored]]] = []
        self._writer: asyncio.Task[None] | None = None
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

    def _write_batch(self, batch: list[tuple[NewComment, asyncio.Future[Stored]]]) -> None:
        try:
            results = self._submit_batch([item for item, _ in batch])
        except _ITEM_ERRORS:
            # Store one by one so only the offending submission fails.
            for pair in batch:
                self._write_batch_of_one(pair)
            return
        except Exception as exc:
            _settle_all(batch, exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            _settle(future, result)

    def _write_batch_of_one(self, pair: tuple[NewComment, asyncio.Future[Stored]]) -> None:
        item, future = pair
        try:
            (result,) = self._submit_batch([item])
        except Exception as exc:
            _settle_all([pair], exc)
            return
        _settle(future, result)

    async def close(self) -> None:
        """Finish writing what was accepted, then release the writer thread."""
        if self._writer is not None:
            await self._writer
        self._executor.shutdown(wait=True)


def _settle(future: asyncio.Future[Stored], result: Stored) -> None:
    future.get_loop().call_soon_threadsafe(_set_result, future, result)


def _settle_all(batch: list[tuple[NewComment, asyncio.Future[Stored]]], exc: Exception) -> None:
    for _, future in batch:
        future.get_loop().call_soon_threadsafe(_set_exception, future, exc)


def _set_result(future: asyncio.Future[Stored], result: Stored) -> None:
    if not future.done():  # the client may have gone away; the comment is stored all the same
        future.set_result(result)


def _set_exception(future: asyncio.Future[Stored], exc: Exception) -> None:
    if not future.done():
        future.set_exception(exc)
