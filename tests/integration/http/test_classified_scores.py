"""A classified action's scores read the same wherever they are kept (issue 10, migration 0020).

An edited comment scored again by the same model version has two classified actions: the
first about the old body (its scores copied into the action when the edit deleted its
``comment_scores`` row), the second referring to the row of the current body. The moderation
view, the audit log and the author export must read exactly as when every action kept its own
copy: the copies 0020's downgrade writes back are the scores the API showed, and after the
upgrade again the API reads exactly as before.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, String, Text, cast, select, type_coerce
from starlette.testclient import TestClient

from service.domain import ActionKind
from service.models import ActionRow
from service.moderation import Moderation
from tests.integration.http.conftest import Headers, classify, post_comment
from tests.migrations import migrate

FIRST = {"spam": 0.912345, "toxic": 0.123456}
SECOND = {"spam": 0.021, "toxic": 0.034}


def _reads(client: TestClient, comment_id: str, author_id: str, **keys: Headers) -> list[Any]:
    moderation_view = client.get(f"/v1/comments/{comment_id}/moderation", headers=keys["mod"])
    audit = client.get("/v1/audit", params={"comment_id": comment_id}, headers=keys["ops"])
    export = client.get(f"/v1/privacy/authors/{author_id}", headers=keys["site"])
    for response in (moderation_view, audit, export):
        assert response.status_code == 200, response.text
    exported = {k: v for k, v in export.json().items() if k != "exported_at"}  # the clock's
    return [moderation_view.json(), audit.json(), exported]


def _stored_scores(engine: Engine, comment_id: str, *, ids_as_text: bool = False) -> list[str]:
    # Before 0022 comment ids are stored as their text: compared as text there.
    column = type_coerce(ActionRow.comment_id, String) if ids_as_text else ActionRow.comment_id
    with engine.connect() as conn:
        return list(
            conn.scalars(
                select(cast(ActionRow.scores, Text))
                .where(
                    column == comment_id,
                    ActionRow.kind == ActionKind.CLASSIFIED.value,
                )
                .order_by(ActionRow.id)
            )
        )


def test_an_edited_rescored_comment_reads_as_when_actions_kept_copies(
    client: TestClient,
    moderation: Moderation,
    engine: Engine,
    site: Headers,
    moderator: Headers,
    ops: Headers,
) -> None:
    author = {"id": "u-edit", "display_name": "Ed"}
    comment_id = post_comment(client, site, body="First words.", author=author)
    classify(moderation, comment_id, **FIRST)
    edited = client.patch(f"/v1/comments/{comment_id}", json={"body": "Second."}, headers=site)
    assert edited.status_code == 200, edited.text
    classify(moderation, comment_id, **SECOND)
    keys = {"mod": moderator, "ops": ops, "site": site}

    now = _reads(client, comment_id, "u-edit", **keys)
    stored_now = _stored_scores(engine, comment_id)
    with engine.begin() as conn:
        # Every classified action holding its own copy again. (Read as stored: the API of head
        # cannot read this revision, which 0021's downgrade took back to text digests.)
        migrate(conn, "0020-1", down=True)
    stored_before = _stored_scores(engine, comment_id, ids_as_text=True)
    with engine.begin() as conn:
        migrate(conn, "head")
    migrated = _reads(client, comment_id, "u-edit", **keys)

    view, audit, _ = now
    classified = [a for a in view["actions"] if a["kind"] == "classified"]
    assert [a["scores"] for a in classified] == [FIRST, SECOND]
    logged = [a for a in audit["items"] if a["kind"] == "classified"]
    assert [a["scores"] for a in logged] == [SECOND, FIRST]  # newest first
    assert [json.loads(s) for s in stored_before] == [FIRST, SECOND]
    assert now == migrated
    # The first keeps its copy (its row was deleted by the edit), the second refers to the row.
    assert [len(s) > 4 for s in stored_now] == [True, False]
    assert [len(s) > 4 for s in stored_before] == [True, True]
