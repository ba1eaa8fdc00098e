"""Verdicts use the scoring version's stored bands, and a site override wins over both."""

from __future__ import annotations

import dataclasses

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.domain import Status
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.queue import GuardedQueue, JobQueue
from service.settings import LabelThreshold, Settings
from tests.factories import SPAM_PITCH, model_version, new_comment, scores
from tests.intake import submit

# Default spam band withholds from 0.5: a score of 0.3 is approved by the settings alone.
STORED = {"spam": {"withhold": 0.2, "targets": {"withhold": "recall=0.95"}}}


def submit_one(moderation: Moderation, site: str = "news-site", body: str | None = None) -> str:
    changes = {"body": body} if body is not None else {}
    (stored,) = submit(moderation, [new_comment(site_id=site, **changes)])
    return stored.comment_id


def test_version_thresholds_withhold_where_the_default_approves(moderation: Moderation) -> None:
    Lifecycle(moderation.sessions).register(
        model_version("v-banded", thresholds=STORED), champion_if_unset=True
    )
    banded, plain = submit_one(moderation), submit_one(moderation)

    moderation.record_classifications(
        [scores(banded, spam=0.3, version="v-banded"), scores(plain, spam=0.3, version="v-other")]
    )

    withheld = moderation.get_comment(banded)
    assert (withheld.status, withheld.reasons) == (Status.WITHHELD, ("spam",))
    assert moderation.get_comment(plain).status is Status.APPROVED  # no stored bands: defaults


def test_site_override_wins_over_version_and_default(
    sessions: sessionmaker[Session], settings: Settings, job_queue: JobQueue
) -> None:
    sites = {
        "news-a": {"spam": LabelThreshold(withhold=0.9, reject=None)},  # looser than the version
        "news-b": {"spam": LabelThreshold(withhold=0.1, reject=0.25)},  # stricter than both
    }
    moderation = Moderation(
        sessions, dataclasses.replace(settings, site_thresholds=sites), GuardedQueue(job_queue)
    )
    Lifecycle(moderation.sessions).register(
        model_version("v-banded", thresholds=STORED), champion_if_unset=True
    )
    b = submit_one(moderation, "news-b", body=SPAM_PITCH)  # evidence: its band may reject it
    a, other = submit_one(moderation, "news-a"), submit_one(moderation)

    moderation.record_classifications(
        [scores(c, spam=0.3, version="v-banded") for c in (a, b, other)]
    )

    assert moderation.get_comment(a).status is Status.APPROVED
    assert moderation.get_comment(b).status is Status.SPAM
    assert moderation.get_comment(other).status is Status.WITHHELD


def test_one_thresholds_query_per_batch(moderation: Moderation, engine: Engine) -> None:
    Lifecycle(moderation.sessions).register(
        model_version("v-banded", thresholds=STORED), champion_if_unset=True
    )
    ids = [submit_one(moderation) for _ in range(5)]
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "model_versions" in statement:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        recorded = moderation.record_classifications(
            [scores(c, spam=0.3, version="v-banded") for c in ids]
        )
    finally:
        event.remove(engine, "before_cursor_execute", seen)

    assert recorded == 5
    assert len(statements) == 1
