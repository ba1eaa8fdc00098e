"""Near-duplicate bursts across authors are held as a group."""

from __future__ import annotations

from sqlalchemy import Engine, text

from service.domain import Author, NewComment, Status
from service.flood.duplicates import fingerprint
from service.moderation import Moderation
from tests.factories import new_comment, scores
from tests.intake import submit

SCAM = "Thanks to expert trader Anna I made {n} BTC in a week, message her for the details @anna{n}"


def _from(author: str, body: str) -> NewComment:
    return new_comment(author=Author(author, author), body=body)


def test_small_changes_keep_a_body_a_near_duplicate() -> None:
    a, b = set(fingerprint(SCAM.format(n=3))), set(fingerprint(SCAM.format(n=17)))
    other = set(fingerprint("The central bank left rates unchanged and hinted at two cuts soon"))

    assert a & b  # a key in common: the same cluster
    assert not a & other
    assert fingerprint("Great article, thanks!") == []  # short: readers write these alike


def test_a_burst_across_authors_is_held_and_its_published_members_leave_the_site(
    moderation: Moderation, engine: Engine
) -> None:
    (early,) = submit(moderation, [_from("a-1", SCAM.format(n=1))])
    moderation.record_classifications(
        [scores(early.comment_id, spam=0.01)], moderation.pending([early.comment_id])
    )
    assert moderation.get_comment(early.comment_id).status is Status.APPROVED

    later = submit(moderation, [_from(f"a-{n}", SCAM.format(n=n)) for n in (2, 3, 4)])
    ids = [s.comment_id for s in later]
    moderation.record_classifications([scores(i, spam=0.01) for i in ids], moderation.pending(ids))

    for comment_id in [early.comment_id, *ids]:
        comment = moderation.get_comment(comment_id)
        assert (comment.status, comment.reasons) == (Status.WITHHELD, ("flood",))
    with engine.connect() as conn:
        kinds = (
            conn.execute(
                text("SELECT kind FROM moderation_actions WHERE comment_id = :c ORDER BY id"),
                {"c": early.comment_id},
            )
            .scalars()
            .all()
        )
        events = (
            conn.execute(
                text("SELECT kind FROM outbox WHERE comment_id = :c ORDER BY id"),
                {"c": early.comment_id},
            )
            .scalars()
            .all()
        )
    assert kinds == ["submitted", "classified", "held"]
    assert events[-2:] == ["comment.decided", "comment.entered_queue"]


def test_one_author_repeating_or_different_texts_are_no_burst(moderation: Moderation) -> None:
    same_author = submit(moderation, [_from("b-1", SCAM.format(n=n)) for n in range(5)])
    views = [
        "The yield curve inverted again, which historically preceded a slowdown by a year",
        "Gold miners lag the metal because their costs rose faster than the gold price did",
        "I doubt the ETF inflows last once the fee waivers end and the novelty wears off",
    ]
    different = submit(moderation, [_from(f"c-{n}", view) for n, view in enumerate(views)])
    ids = [s.comment_id for s in [*same_author, *different]]

    moderation.record_classifications([scores(i, spam=0.01) for i in ids], moderation.pending(ids))

    assert {moderation.get_comment(i).status for i in ids} == {Status.APPROVED}
