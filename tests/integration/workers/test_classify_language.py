"""The language phase through a real RQ worker: identified once, held with its evidence."""

from __future__ import annotations

from collections.abc import Callable

from service.domain import ActionKind, ModelVersion, Status
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from tests.intake import submit
from tests.integration.workers.worker_factories import FakeScorer, make_comment, make_version
from workers.context import WorkerContext

GERMAN = (
    "Die Zentralbank hat die Zinsen schon wieder erhöht, und trotzdem steigen die Mieten in "
    "meiner Stadt jeden Monat weiter."
)
ENGLISH = "gm frens, BTC to 100k!!! 🚀 the ETF flows this week were wild, wagmi"


def test_a_comment_in_another_language_is_held_with_the_language_as_evidence(
    moderation: Moderation,
    worker_context: WorkerContext,
    champion: ModelVersion,
    run_burst: Callable[[], bool],
) -> None:
    german, english = submit(moderation, [make_comment(GERMAN), make_comment(ENGLISH)])

    assert run_burst()

    held = moderation.get_comment(german.comment_id)
    assert held.status is Status.WITHHELD
    assert held.reasons == ("unsupported_language",)
    [action] = [
        a
        for a in moderation.moderation_view(german.comment_id).actions
        if a.kind is ActionKind.CLASSIFIED
    ]
    assert action.evidence is not None
    language = action.evidence["language"]
    assert language["code"] == "de"
    assert language["confidence"] >= 0.9
    assert language["letters"] >= 40
    assert moderation.get_comment(english.comment_id).status is Status.APPROVED


def test_a_version_that_declares_the_language_judges_it(
    moderation: Moderation,
    worker_context: WorkerContext,
    scorers: dict[str, FakeScorer],
    run_burst: Callable[[], bool],
) -> None:
    bilingual = make_version("v-en-de", data_manifest={"languages": ["en", "de"]})
    scorers[bilingual.id] = FakeScorer()
    Lifecycle(moderation.sessions).register(bilingual, champion_if_unset=True)
    (german,) = submit(moderation, [make_comment(GERMAN)])

    assert run_burst()

    assert moderation.get_comment(german.comment_id).status is Status.APPROVED
