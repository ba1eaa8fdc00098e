"""A site's flows end to end through real RQ workers: edit → re-moderation → webhooks; a
deletion; an erasure."""

from __future__ import annotations

from collections.abc import Callable

from redis import Redis
from rq import SimpleWorker
from rq.serializers import JSONSerializer

from service.authoring import Authoring
from service.domain import Status
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.privacy import Privacy
from service.queue import CLASSIFY_QUEUE
from service.settings import Settings
from service.webhooks.endpoints import Webhooks
from tests.intake import submit
from tests.integration.webhooks.conftest import Deliver, deliver_until
from tests.integration.webhooks.receiver import Receiver
from tests.integration.workers.worker_factories import make_comment, make_version
from workers.context import WorkerContext

CLEAN = "A thoughtful remark about the rate decision and what it means for bonds."
SPAM = "FREE crypto giveaway!!! send 1 BTC and get 2 back, WhatsApp me now"


def _classify(redis: Redis) -> Callable[[], None]:
    def run() -> None:
        SimpleWorker([CLASSIFY_QUEUE], connection=redis, serializer=JSONSerializer).work(burst=True)

    return run


def test_an_edit_is_moderated_again_and_the_site_hears_of_each_step(
    hooks: Webhooks,
    receiver: Receiver,
    moderation: Moderation,
    webhook_context: WorkerContext,
    deliver: Deliver,
    redis: Redis,
    hook_settings: Settings,
) -> None:
    Lifecycle(moderation.sessions).register(make_version(), champion_if_unset=True)
    hooks.create("site-1", receiver.url, events=(), description=None, actor="t")
    classify = _classify(redis)
    (stored,) = submit(moderation, [make_comment(CLEAN)])
    classify()
    assert moderation.get_comment(stored.comment_id).status is Status.APPROVED
    page, _ = moderation.published("site-1", "article-1", None, 10)
    assert [c.id for c in page.items] == [stored.comment_id]

    edited = Authoring(moderation.sessions, hook_settings, moderation.queue).edit(
        "site-1", stored.comment_id, SPAM
    )
    assert (edited.comment.status, edited.comment.revision) == (Status.PENDING, 2)
    page, _ = moderation.published("site-1", "article-1", None, 10)
    assert page.items == []  # the edited text is not shown before it is judged
    classify()

    final = moderation.get_comment(stored.comment_id)
    assert final.status is Status.SPAM
    deliver_until(deliver, lambda: len(receiver.events()) == 4)
    steps = [
        (e["type"], e["data"]["comment"]["status"], e["data"]["comment"]["revision"])
        for e in receiver.events()
    ]
    assert steps == [
        ("comment.accepted", "pending", 1),
        ("comment.decided", "approved", 1),
        ("comment.edited", "pending", 2),
        ("comment.decided", "spam", 2),
    ]
    assert receiver.events()[2]["data"]["previous_status"] == "approved"


def test_a_verdict_on_a_stale_revision_is_never_recorded(
    moderation: Moderation, webhook_context: WorkerContext, hook_settings: Settings
) -> None:
    Lifecycle(moderation.sessions).register(make_version(), champion_if_unset=True)
    (stored,) = submit(moderation, [make_comment(SPAM)])
    scored = moderation.pending([stored.comment_id])  # revision 1, read by a worker
    Authoring(moderation.sessions, hook_settings).edit("site-1", stored.comment_id, CLEAN)

    from tests.factories import scores

    recorded = moderation.record_classifications([scores(stored.comment_id, spam=0.01)], scored)

    comment = moderation.get_comment(stored.comment_id)
    assert recorded == 0
    assert (comment.status, comment.revision) == (Status.PENDING, 2)


def test_deleting_and_erasing_reach_the_site(
    hooks: Webhooks,
    receiver: Receiver,
    moderation: Moderation,
    deliver: Deliver,
    hook_settings: Settings,
) -> None:
    hooks.create(
        "site-1", receiver.url, events=("comment.deleted", "author.erased"), description=None,
        actor="t",
    )  # fmt: skip
    first, second = submit(moderation, [make_comment(CLEAN), make_comment(CLEAN)])
    Authoring(moderation.sessions, hook_settings).delete("site-1", first.comment_id)
    author = moderation.get_comment(second.comment_id).author.id
    receipt = Privacy(moderation.sessions, hook_settings).erase_author("site-1", author, "t")

    deliver_until(deliver, lambda: len(receiver.events()) == 2)

    deleted, erased = receiver.events()
    assert deleted["type"] == "comment.deleted"
    assert deleted["data"]["comment"]["status"] == "deleted"
    assert erased["type"] == "author.erased"
    assert erased["data"] == {
        "erasure_id": receipt.erasure_id,
        "author_key": receipt.author_key,
        "comments": 1,
    }
    assert author not in str(receiver.events())
