"""Issue 9, defect 7: a ban and the repeat-post rule compare authors on a normalised key, so
look-alike ids do not dodge them; the site's id is kept as given."""

from __future__ import annotations

import pytest

from service.domain import Author, AuthorPolicy, Status
from service.identity import author_key
from service.moderation import Moderation
from service.workspace import Workspace
from tests.factories import new_comment, scores
from tests.intake import submit

# Fullwidth u, a zero-width space, upper case, Cyrillic u: each showed up to dodge a ban.
DISGUISES = ["\uff55-ban", "u-ban\u200b", "U-BAN", "\u0443-ban", " u-ban"]


@pytest.mark.parametrize("given", DISGUISES)
def test_look_alike_author_ids_share_one_key(given: str) -> None:
    assert author_key(given) == author_key("u-ban")
    assert author_key("u-bad") != author_key("u-ban")


def test_a_ban_holds_for_look_alike_ids(moderation: Moderation, workspace: Workspace) -> None:
    workspace.set_policy(
        "news-site", "u-ban", policy=AuthorPolicy.BAN, trust_threshold=None, note=None,
        actor="ann",
    )  # fmt: skip
    stored = submit(moderation, [new_comment(author=Author(d, "Sneaky")) for d in DISGUISES])

    moderation.record_classifications([scores(s.comment_id) for s in stored])

    comments = [moderation.get_comment(s.comment_id) for s in stored]
    assert [c.status for c in comments] == [Status.REJECTED] * len(DISGUISES)
    assert [c.author.id for c in comments] == DISGUISES  # stored as the site sent them


def test_the_repeat_rule_sees_through_look_alike_ids(moderation: Moderation) -> None:
    body = "Buy now, best coin, do not miss it."
    [first] = submit(moderation, [new_comment(author=Author("u-rep", "A"), body=body)])
    moderation.record_classifications([scores(first.comment_id)])
    [second] = submit(moderation, [new_comment(author=Author("U-REP\u200b", "A"), body=body)])

    moderation.record_classifications([scores(second.comment_id)])

    assert "repeat_post" in moderation.get_comment(second.comment_id).reasons
