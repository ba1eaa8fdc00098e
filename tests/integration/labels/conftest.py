"""Fixtures for labels tests: the real app (HTTP fixtures) and a set of decided comments."""

from __future__ import annotations

import dataclasses

import pytest

from service.domain import Classification, Decision
from service.moderation import Moderation
from tests.intake import submit
from tests.integration.http.conftest import app_settings, client, contract, make_key, ops  # noqa: F401
from tests.integration.workers.worker_factories import make_comment

TRICKY_BODY = 'Line one, with "quotes";\nline two =1+1 and a comma, too'


@dataclasses.dataclass(frozen=True)
class Decided:
    """The comment ids of the decided set, by what happened to each."""

    approved: str
    rejected_toxic: str
    spam: str
    overturned: str  # approved by mod-ann, then rejected for insult by mod-bo
    undecided: str


def decide(moderation: Moderation, comment_id: str, decision: Decision, **kw: object) -> None:
    """A moderator's decision (defaults: mod-ann, no reason, no expected version)."""
    args: dict[str, object] = {"actor": "mod-ann", "reason": None, "note": None}
    args.update(kw)
    moderation.decide(comment_id, decision=decision, expected_version=None, **args)  # type: ignore[arg-type]


@pytest.fixture
def decided(moderation: Moderation) -> Decided:
    """Five classified comments, four of them decided by moderators."""
    stored = submit(moderation, [make_comment(b) for b in ("fine", TRICKY_BODY, "spam", "x", "y")])
    ids = [s.comment_id for s in stored]
    moderation.record_classifications([Classification(i, {"spam": 0.6}, "v-1") for i in ids])
    decide(moderation, ids[0], Decision.APPROVE)
    decide(moderation, ids[1], Decision.REJECT, reason="toxic")
    decide(moderation, ids[2], Decision.SPAM)
    decide(moderation, ids[3], Decision.APPROVE)
    version = moderation.get_comment(ids[3]).version
    moderation.decide(
        ids[3], decision=Decision.REJECT, actor="mod-bo", reason="insult", note=None,
        expected_version=version,
    )  # fmt: skip
    return Decided(*ids)
