"""Issue 9, defect 1: a submission the database refuses fails only its own request, on both
backends, even when it shares a group-commit transaction with others."""

from __future__ import annotations

import asyncio
import dataclasses

from service.domain import Author
from service.intake import Intake
from service.moderation import Moderation
from service.store.comments import Stored
from tests.factories import new_comment


def test_a_value_the_database_refuses_fails_only_its_sender(moderation: Moderation) -> None:
    good = [new_comment() for _ in range(30)]
    # Past every integer column (the API refuses it at the edge; the store is the last line).
    poison = dataclasses.replace(new_comment(), author=Author("u-p", "P", karma=2**63))

    async def scenario() -> list[Stored | BaseException]:
        intake = Intake(moderation.store, None, max_batch=64)
        items = [*good[:15], poison, *good[15:]]
        results = await asyncio.gather(
            *(intake.submit(item) for item in items), return_exceptions=True
        )
        await intake.close()
        return results

    results = asyncio.run(scenario())
    stored = [r for r in results if isinstance(r, Stored)]
    assert len(stored) == 30
    assert isinstance(results[15], Exception)
    assert {moderation.get_comment(s.comment_id).body for s in stored} == {c.body for c in good}
