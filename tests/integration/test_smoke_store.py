from __future__ import annotations

from service.domain import Author, Envelope, NewComment
from service.moderation import Moderation


def test_submit_stores_and_enqueues(moderation: Moderation, redis) -> None:
    item = NewComment("site", "a1", Author("u1", "U"), "hello", None, None, Envelope())
    (stored,) = moderation.submit([item])
    assert moderation.get_comment(stored.comment_id).body == "hello"
    assert redis.llen("rq:queue:classify") == 1
