"""Near-duplicate bursts across authors are held as a group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from service.domain import Author, NewComment, Status
from service.flood.duplicates import fingerprint
from service.models import ActionRow, CommentRow, FingerprintRow, OutboxRow
from service.moderation import Moderation
from service.settings import Settings
from service.store import fingerprints
from service.store.fingerprints import Cluster, Sketch
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
                select(ActionRow.kind)
                .where(ActionRow.comment_id == early.comment_id)
                .order_by(ActionRow.id)
            )
            .scalars()
            .all()
        )
        events = (
            conn.execute(
                select(OutboxRow.kind)
                .where(OutboxRow.comment_id == early.comment_id)
                .order_by(OutboxRow.id)
            )
            .scalars()
            .all()
        )
    assert kinds == ["classified", "held"]  # the submission is the comment row (issue 10)
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


def test_keys_older_than_every_burst_window_are_purged_and_newer_ones_kept(
    sessions: sessionmaker[Session], settings: Settings, engine: Engine
) -> None:
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    times = [now]
    moderation = Moderation(sessions, settings, clock=lambda: times[0])
    old, new = (
        submit(moderation, [_from(f"a-{n}", SCAM.format(n=n))])[0].comment_id for n in (1, 2)
    )
    for comment_id in (old, new):
        moderation.record_classifications(
            [scores(comment_id, spam=0.01)], moderation.pending([comment_id])
        )
    with engine.begin() as conn:  # the newer comment arrived inside the window
        conn.execute(
            update(FingerprintRow)
            .where(FingerprintRow.comment_id == new)
            .values(created_at=now + timedelta(seconds=300))
        )

    times[0] = now + timedelta(seconds=601)  # the default window is 600 s
    assert moderation.purge_fingerprints() == 2
    with engine.connect() as conn:
        left = conn.execute(select(FingerprintRow.comment_id).distinct())
        assert left.scalars().all() == [new]


def test_the_purge_window_is_the_longest_site_window() -> None:
    settings = Settings.from_env(
        {
            "COMMENTDESK_DUPLICATE_BURST": "4:3:600",
            "COMMENTDESK_SITE_SETTINGS": '{"slow": {"DUPLICATE_BURST": "4:3:3600"}}',
        }
    )
    assert settings.longest_burst_window_seconds == 3600.0
    assert (
        Settings.from_env({"COMMENTDESK_DUPLICATE_BURST": "off"}).longest_burst_window_seconds == 0
    )


def _orm_clusters(
    session: Session, site_id: str, values: set[int], since: datetime
) -> dict[int, tuple[int, int]]:
    """The count as an ORM query, as written before the prebuilt statement (issue 10)."""
    rows = session.execute(
        select(
            FingerprintRow.value,
            func.count(),
            func.count(func.distinct(FingerprintRow.author_id)),
        )
        .where(
            FingerprintRow.site_id == site_id,
            FingerprintRow.value.in_(sorted(values)),
            FingerprintRow.created_at >= since,
        )
        .group_by(FingerprintRow.value)
    ).all()
    return {int(value): (int(n), int(authors)) for value, n, authors in rows}


def _orm_members(session: Session, site_id: str, value: int, since: datetime) -> list[str]:
    query = select(FingerprintRow.comment_id).where(
        FingerprintRow.site_id == site_id,
        FingerprintRow.value == value,
        FingerprintRow.created_at >= since,
    )
    return list(session.scalars(query).all())


def test_the_prebuilt_counts_and_members_equal_the_orm_queries(
    moderation: Moderation, sessions: sessionmaker[Session]
) -> None:
    stored = submit(moderation, [_from(f"d-{n % 4}", f"comment {n}") for n in range(12)])
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    # Keys 1-3 shared unevenly, by repeating authors, some on another site or before the window.
    sketches = [
        Sketch(
            s.comment_id,
            "other" if n % 5 == 4 else "news-site",
            f"d-{n % 4}",
            frozenset({1 + n % 3, 2 + n % 2, 10 + n}),
            now - timedelta(seconds=60 * n),
        )
        for n, s in enumerate(stored)
    ]
    since = now - timedelta(seconds=300)  # the window cuts between comments 5 and 6
    values = {1, 2, 3, 4, 10, 11, 17, 99}
    with sessions.begin() as session:
        fingerprints.add(session, sketches)
        for site_id in ("news-site", "other", "nowhere"):
            every = _orm_clusters(session, site_id, values, since)
            for least in [(1, 1), (2, 1), (2, 2), (3, 2), (4, 3)]:
                counted = fingerprints.clusters(session, site_id, values, since, Cluster(*least))
                got = {v: (c.comments, c.authors) for v, c in counted.items()}
                assert got == {
                    v: (n, a) for v, (n, a) in every.items() if n >= least[0] and a >= least[1]
                }
            for value in sorted(values):
                members = fingerprints.members(session, site_id, value, since)
                assert sorted(members) == sorted(_orm_members(session, site_id, value, since))
        assert _orm_clusters(session, "news-site", values, since)[1] == (2, 2)
        assert len(_orm_clusters(session, "news-site", values, since)) > 3


def test_holding_earlier_members_marks_pending_ones_and_withholds_published_ones(
    moderation: Moderation, sessions: sessionmaker[Session], engine: Engine
) -> None:
    pending, published, bystander = (
        s.comment_id
        for s in submit(moderation, [_from(f"e-{n}", f"comment {n}") for n in range(3)])
    )
    for comment_id in (published, bystander):
        moderation.record_classifications(
            [scores(comment_id, spam=0.01)], moderation.pending([comment_id])
        )
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

    with sessions.begin() as session:
        assert fingerprints.hold(session, [pending, published], now) == [published]
        assert fingerprints.hold(session, [], now) == []

    with engine.connect() as conn:
        rows = conn.execute(select(CommentRow.id, CommentRow.status, CommentRow.intake_hold))
        found = {row.id: (row.status, row.intake_hold) for row in rows}
    assert found == {
        pending: ("pending", "flood"),
        published: ("withheld", None),
        bystander: ("approved", None),
    }
    assert moderation.get_comment(published).reasons == ("flood",)
    moderation.record_classifications([scores(pending, spam=0.01)], moderation.pending([pending]))
    comment = moderation.get_comment(pending)
    assert (comment.status, comment.reasons) == (Status.WITHHELD, ("flood",))
