"""GDPR: erasing an author leaves none of their text in any table; export; retention; deletion."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from service.authoring import Authoring
from service.clock import utcnow
from service.domain import (
    Author,
    AuthorPolicy,
    Classification,
    Comment,
    Decision,
    Envelope,
    Queue,
    Status,
)
from service.domain.queues import QueueFilter
from service.errors import CommentDeletedError
from service.identity import author_key
from service.models import ActionRow, Base, CommentRow
from service.moderation import Moderation
from service.privacy import Privacy
from service.settings import Settings
from service.site_settings import SiteSettings, SiteTable
from service.workspace import Workspace
from tests.factories import SPAM_PITCH, new_comment, scores
from tests.intake import submit

NAME = "Wilhelmina Zanzibar-Quux"
AUTHOR = "reader-wzq-4711"
EMAIL = "ab12cd34ef56abcdef0123456789wzq"
IP = "198.51.100.213"
AGENT = "Mozilla/5.0 (WZQ-Test-Browser)"
BODIES = [
    "Quixotic zebras vouch for my brilliant portfolio, contact me via glimmerfax today",
    "Another perspicacious remark about zyxwvutsr bonds and the waxwing dividend season",
]
EDITED = "An edited and perspicacious remark about zyxwvutsr bonds, the waxwing season"


def _explain(
    comments: Sequence[Comment], _reasons: Sequence[Sequence[str]]
) -> list[Mapping[str, Any]]:
    # Evidence quotes the body, as the real explainer's spans do.
    return [{"labels": {"spam": [{"start": 0, "end": 9, "text": c.body[:9], "weight": 1.0,
                                  "kind": "word"}]}, "rules": []} for c in comments]  # fmt: skip


def _author_data(moderation: Moderation, workspace: Workspace, settings: Settings) -> list[str]:
    author = Author(AUTHOR, NAME, email_hash=EMAIL, account_age_days=1.0, karma=3)
    envelope = Envelope(ip=IP, user_agent=AGENT, referrer="https://news.example/wzq",
                        permalink="https://news.example/wzq#c")  # fmt: skip
    stored = submit(moderation,
        [new_comment(author=author, body=b, envelope=envelope, idempotency_key=f"k-{i}",
                     request_hash=f"{i}" * 64) for i, b in enumerate(BODIES)]
    )  # fmt: skip
    ids = [s.comment_id for s in stored]
    pending = moderation.pending(ids)
    moderation.record_classifications([scores(i, spam=0.7) for i in ids], pending, _explain)
    Authoring(moderation.sessions, settings).edit("news-site", ids[1], EDITED)
    (other,) = submit(moderation, [new_comment()])
    moderation.report("news-site", other.comment_id, AUTHOR, "spam", f"{NAME} says this is spam")
    workspace.set_policy("news-site", AUTHOR, policy=AuthorPolicy.PREMODERATE,
                         trust_threshold=None, note=f"watch {NAME}", actor="mod-ann")  # fmt: skip
    workspace.add_note("news-site", AUTHOR, f"{NAME} pushes glimmerfax", "mod-ann")
    moderation.decide(ids[0], decision=Decision.REJECT, actor="mod-ann", reason="spam",
                      note=None, expected_version=None)  # fmt: skip
    return ids


def _everything(engine: Engine) -> str:
    """Every value of every row of every table, as text."""
    found: list[str] = []
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            found += [repr(tuple(row)) for row in conn.execute(select(table))]
    return "\n".join(found)


def _needles() -> list[str]:
    words = [w for body in (*BODIES, EDITED) for w in body.split() if len(w) > 7]
    return [NAME, AUTHOR, EMAIL, IP, AGENT, "wzq", *words]


def test_erasing_an_author_leaves_none_of_their_text_in_any_table(
    moderation: Moderation, workspace: Workspace, settings: Settings, engine: Engine
) -> None:
    ids = _author_data(moderation, workspace, settings)
    before = _everything(engine)
    assert all(n in before for n in (NAME, AUTHOR, EMAIL, IP, "glimmerfax", "waxwing"))

    receipt = Privacy(moderation.sessions, settings).erase_author("news-site", AUTHOR, "news-site")

    after = _everything(engine)
    left = [n for n in _needles() if n.casefold() in after.casefold()]
    assert left == []
    assert receipt.comments == 2
    for comment_id in ids:  # decisions and scores stay, under the anonymised key
        view = moderation.moderation_view(comment_id)
        assert view.comment.author.id == receipt.author_key
        assert view.comment.body == ""
        kinds = [a.kind.value for a in view.actions]
        assert "classified" in kinds
        assert kinds[-1] == "erased"
    assert moderation.get_comment(ids[0]).status is Status.REJECTED
    assert workspace.author("news-site", receipt.author_key).policy is not None


def test_moderators_find_an_erased_authors_comments_under_the_new_key_only(
    moderation: Moderation, workspace: Workspace, settings: Settings, engine: Engine
) -> None:
    # Issue 10: the author filters find an id's comments by its author_key, so an erasure
    # gives the comments the new id's key (the old one, a digest of the erased id, goes).
    ids = _author_data(moderation, workspace, settings)

    receipt = Privacy(moderation.sessions, settings).erase_author("news-site", AUTHOR, "news-site")

    erased = receipt.author_key
    assert sum(workspace.author("news-site", erased).record.counts.values()) == len(ids)
    by_key = QueueFilter(author_id=erased)
    pages = [moderation.queue_page(q, by_key, "age", None, 50) for q in Queue]
    assert sorted(c.id for page in pages for c in page.items) == sorted(ids)
    assert sum(workspace.author("news-site", AUTHOR).record.counts.values()) == 0
    with engine.connect() as conn:
        keys = conn.scalars(
            select(CommentRow.author_key).distinct().where(CommentRow.author_id == erased)
        ).all()
    assert keys == [author_key(erased)]


def test_the_export_holds_everything_about_the_author(
    moderation: Moderation, workspace: Workspace, settings: Settings
) -> None:
    ids = _author_data(moderation, workspace, settings)

    export = Privacy(moderation.sessions, settings).export_author("news-site", AUTHOR)

    by_id = {c["id"]: c for c in export["comments"]}
    assert sorted(by_id) == sorted(ids)
    first, second = by_id[ids[0]], by_id[ids[1]]
    assert first["body"] == BODIES[0]
    assert first["author"] == {"id": AUTHOR, "display_name": NAME, "email_hash": EMAIL,
                               "account_age_days": 1.0, "karma": 3}  # fmt: skip
    assert first["envelope"]["ip"] == IP
    assert [h["what"] for h in first["history"]] == ["submitted", "classified", "decided"]
    assert first["history"][-1]["by"] == "moderator"
    assert "mod-ann" not in str(export)  # moderators' names are not the author's data
    assert second["body"] == EDITED
    assert [r["body"] for r in second["earlier_revisions"]] == [BODIES[1]]
    assert export["reports_made"][0]["note"] == f"{NAME} says this is spam"
    assert export["reports_made"][0]["state"] == "open"
    assert export["reports_judged"] == {"upheld": 0, "dismissed": 0}
    assert export["policy"]["policy"] == "premoderate"
    assert [n["note"] for n in export["moderator_notes"]] == [f"{NAME} pushes glimmerfax"]


def test_retention_erases_old_rejected_and_deleted_text_per_site(
    moderation: Moderation, settings: Settings, sessions: sessionmaker[Session]
) -> None:
    short = dataclasses.replace(SiteSettings(), rejected_retention_days=1.0)
    table = SiteTable(default=SiteSettings(), overrides={"strict-site": short})
    settings = dataclasses.replace(settings, sites=table)
    # Rejected automatically: a spam score over the band and evidence in the text.
    kept, strict, deleted = submit(
        moderation,
        [
            new_comment(body=SPAM_PITCH),
            new_comment(site_id="strict-site", body=SPAM_PITCH + " (again)"),
            new_comment(),
        ],
    )
    moderation.record_classifications(
        [scores(kept.comment_id, spam=0.995), scores(strict.comment_id, spam=0.995)]
    )
    Authoring(sessions, settings).delete("news-site", deleted.comment_id)
    later = utcnow() + timedelta(days=2)

    assert Privacy(sessions, settings, clock=lambda: later).apply_retention() == 1
    assert moderation.get_comment(strict.comment_id).body == ""
    assert moderation.get_comment(kept.comment_id).body != ""  # 90 days by default
    muchlater = utcnow() + timedelta(days=31)
    assert Privacy(sessions, settings, clock=lambda: muchlater).apply_retention() == 1
    assert moderation.get_comment(deleted.comment_id).body == ""


def test_a_deleted_comment_is_hidden_and_never_decided_again(
    moderation: Moderation, settings: Settings, sessions: sessionmaker[Session]
) -> None:
    (stored,) = submit(moderation, [new_comment()])
    moderation.record_classifications([scores(stored.comment_id)])
    authoring = Authoring(sessions, settings)

    first = authoring.delete("news-site", stored.comment_id)
    again = authoring.delete("news-site", stored.comment_id)

    assert (first.is_new, again.is_new) == (True, False)
    assert first.comment.status is Status.DELETED
    page, counts = moderation.published("news-site", "article-1", None, 10)
    assert (page.items, counts) == ([], (0, 0))
    with pytest.raises(CommentDeletedError):
        moderation.decide(stored.comment_id, decision=Decision.APPROVE, actor="mod",
                          reason=None, note=None, expected_version=None)  # fmt: skip
    recorded = moderation.record_classifications(
        [Classification(stored.comment_id, {"spam": 0.0}, "v")]
    )
    assert recorded == 0
    assert moderation.get_comment(stored.comment_id).body != ""  # kept for the retention


def test_a_site_can_have_deleted_text_erased_at_once(
    moderation: Moderation, settings: Settings, sessions: sessionmaker[Session], engine: Engine
) -> None:
    eager = SiteTable(default=dataclasses.replace(SiteSettings(), erase_deleted=True))
    (stored,) = submit(moderation, [new_comment(body="perishable glimmerfax words here")])

    Authoring(sessions, dataclasses.replace(settings, sites=eager)).delete(
        "news-site", stored.comment_id
    )

    assert "glimmerfax" not in _everything(engine)
    with engine.connect() as conn:
        kinds = (
            conn.execute(
                select(ActionRow.kind)
                .where(ActionRow.comment_id == stored.comment_id)
                .order_by(ActionRow.id)
            )
            .scalars()
            .all()
        )
    assert kinds == ["deleted", "erased"]  # the submission is the comment row (issue 10)
