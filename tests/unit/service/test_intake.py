from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence

import pytest

from service.domain import NewComment, Status
from service.errors import FieldError, StorageError, ValidationError
from service.intake import Enqueuer, Intake
from service.store.comments import Stored
from tests.factories import eventually, new_comment


class RecordingStore:
    """A store seam that records batch sizes and refuses bodies containing 'bad'."""

    def __init__(self) -> None:
        self.batches: list[int] = []
        self.gate = threading.Event()
        self.gate.set()

    def __call__(self, items: Sequence[NewComment]) -> list[Stored]:
        self.gate.wait(5)
        if any("bad" in i.body for i in items):
            raise ValidationError([FieldError("/body", "bad")])
        self.batches.append(len(items))
        return [Stored(f"id-{i.body}", Status.PENDING, is_new=True) for i in items]


def test_enqueuer_coalesces_ids_added_within_the_linger() -> None:
    jobs: list[list[str]] = []
    enqueuer = Enqueuer(lambda ids: jobs.append(list(ids)), linger_seconds=0.2)
    enqueuer.add(["a"])
    enqueuer.add(["b", "c"])
    eventually(lambda: bool(jobs))
    enqueuer.close()
    assert jobs == [["a", "b", "c"]]


def test_enqueuer_close_flushes_without_waiting_for_the_linger() -> None:
    jobs: list[list[str]] = []
    enqueuer = Enqueuer(lambda ids: jobs.append(list(ids)), linger_seconds=60)
    enqueuer.add(["a"])
    enqueuer.close()
    assert jobs == [["a"]]


def test_enqueuer_survives_a_failing_enqueue() -> None:
    calls: list[list[str]] = []

    def flaky(ids: Sequence[str]) -> None:
        calls.append(list(ids))
        if len(calls) == 1:
            raise StorageError("redis down")

    enqueuer = Enqueuer(flaky, linger_seconds=0)
    enqueuer.add(["a"])
    eventually(lambda: len(calls) == 1)
    enqueuer.add(["b"])
    enqueuer.close()
    assert calls == [["a"], ["b"]]


def test_intake_batches_concurrent_submissions_and_enqueues_new_ids() -> None:
    store = RecordingStore()
    jobs: list[list[str]] = []

    async def scenario() -> list[Stored]:
        intake = Intake(store, Enqueuer(lambda ids: jobs.append(list(ids)), 0.01), max_batch=10)
        store.gate.clear()  # hold the first batch so the others queue up behind it
        tasks = [asyncio.create_task(intake.submit(new_comment(body="c0")))]
        await asyncio.sleep(0.05)
        tasks += [
            asyncio.create_task(intake.submit(new_comment(body=f"c{n}"))) for n in range(1, 6)
        ]
        await asyncio.sleep(0.05)
        store.gate.set()
        results = await asyncio.gather(*tasks)
        await intake.close()
        return results

    results = asyncio.run(scenario())
    assert [r.comment_id for r in results] == [f"id-c{n}" for n in range(6)]
    assert store.batches == [1, 5]  # the five waited together for the first commit
    assert sorted(i for job in jobs for i in job) == sorted(r.comment_id for r in results)


def test_intake_fails_only_the_offending_submission() -> None:
    store = RecordingStore()

    async def scenario() -> list[Stored | BaseException]:
        intake = Intake(store, None, max_batch=10)
        store.gate.clear()
        bodies = ["warmup", "good-1", "bad", "good-2"]
        tasks = [asyncio.create_task(intake.submit(new_comment(body=b))) for b in bodies]
        await asyncio.sleep(0.05)
        store.gate.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        await intake.close()
        return results

    results = asyncio.run(scenario())
    assert isinstance(results[2], ValidationError)
    assert [r.comment_id for r in results if isinstance(r, Stored)] == [
        "id-warmup",
        "id-good-1",
        "id-good-2",
    ]


def test_intake_passes_storage_errors_to_every_waiting_request() -> None:
    def broken(items: Sequence[NewComment]) -> list[Stored]:
        raise StorageError("disk full")

    async def scenario() -> None:
        intake = Intake(broken, None, max_batch=10)
        with pytest.raises(StorageError):
            await intake.submit(new_comment())
        await intake.close()

    asyncio.run(scenario())


def test_enqueuer_lingers_through_notifications() -> None:
    jobs: list[list[str]] = []
    enqueuer = Enqueuer(lambda ids: jobs.append(list(ids)), linger_seconds=0.3)
    for n in range(5):
        enqueuer.add([f"id-{n}"])
        time.sleep(0.02)
    eventually(lambda: bool(jobs))
    enqueuer.close()
    assert jobs == [[f"id-{n}" for n in range(5)]]


def test_intake_does_not_retry_one_by_one_when_the_database_is_down() -> None:
    calls: list[int] = []
    gate = threading.Event()

    def down(items: Sequence[NewComment]) -> list[Stored]:
        gate.wait(5)
        calls.append(len(items))
        raise StorageError()  # an outage: every retry would wait for the same dead database

    async def scenario() -> list[BaseException | Stored]:
        intake = Intake(down, None, max_batch=10)
        tasks = [asyncio.create_task(intake.submit(new_comment())) for _ in range(6)]
        await asyncio.sleep(0.05)
        gate.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        await intake.close()
        return results

    results = asyncio.run(scenario())
    assert all(isinstance(r, StorageError) for r in results)
    assert calls == [6]  # once for the whole batch, not once more per submission
