"""The watched-word routes: ops manage a site's lists, nobody else may; bad input is a 422."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from service.domain import Classification
from service.moderation import Moderation
from service.settings import Settings
from tests.integration.http.conftest import Headers, classify, post_comment

WORDS = "/v1/sites/news-site/watched-words"


def _errors(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return [(e["pointer"], e["detail"]) for e in response.json()["errors"]]


def test_ops_add_list_and_remove_words(client: TestClient, ops: Headers) -> None:
    empty = client.get(WORDS, headers=ops).json()
    assert (empty["version"], empty["banned"], empty["suspect"]) == (0, [], [])

    added = client.post(WORDS, json={"kind": "banned", "phrases": ["Scumbag", "kill  yourself"]},
                        headers=ops)  # fmt: skip
    assert added.status_code == 200, added.text
    listed = added.json()
    assert [w["phrase"] for w in listed["banned"]] == ["kill yourself", "Scumbag"]  # any case
    assert (listed["version"], listed["updated_by"], listed["banned"][1]["added_by"]) == (
        1, "ops-olu", "ops-olu",
    )  # fmt: skip

    # The same words written another way are the same entry; adding them as suspect moves it.
    moved = client.post(WORDS, json={"kind": "suspect", "phrases": ["SCUMB@G"]}, headers=ops)
    assert [w["phrase"] for w in moved.json()["banned"]] == ["kill yourself"]
    assert [w["phrase"] for w in moved.json()["suspect"]] == ["SCUMB@G"]

    gone = client.delete(f"{WORDS}/{moved.json()['suspect'][0]['id']}", headers=ops)
    assert gone.status_code == 200, gone.text
    assert (gone.json()["suspect"], gone.json()["version"]) == ([], 3)
    assert (
        client.delete(f"{WORDS}/{moved.json()['suspect'][0]['id']}", headers=ops).status_code == 404
    )
    assert client.delete(f"{WORDS}/not-a-number", headers=ops).status_code == 404
    assert client.get(WORDS, headers=ops).json()["version"] == 3  # a miss changes nothing


def test_ops_replace_a_list_with_an_expected_version(client: TestClient, ops: Headers) -> None:
    client.post(WORDS, json={"kind": "banned", "phrases": ["old word"]}, headers=ops)
    body = {"banned": ["scumbag", "Scumbag"], "suspect": ["scumbag", "moon soon"]}

    stale = client.put(WORDS, json={**body, "expected_version": 0}, headers=ops)
    assert stale.status_code == 409
    assert stale.json()["code"] == "watch-list-changed"

    replaced = client.put(WORDS, json={**body, "expected_version": 1}, headers=ops).json()
    # banned wins where both lists name the same words; duplicates are one entry
    assert [w["phrase"] for w in replaced["banned"]] == ["scumbag"]
    assert [w["phrase"] for w in replaced["suspect"]] == ["moon soon"]
    assert replaced["version"] == 2
    other_site = client.get("/v1/sites/other-site/watched-words", headers=ops).json()
    assert other_site["banned"] == []


@pytest.mark.parametrize(
    ("phrases", "expected"),
    [
        ([""], ("/phrases/0", "must not be empty")),
        (["ok", "   "], ("/phrases/1", "must not be empty")),
        (["x" * 101], ("/phrases/0", "at most 100 characters")),
        (["!?!"], ("/phrases/0", "must contain a letter or a digit")),
        (["one two three four five six seven eight nine"], ("/phrases/0", "at most 8 words")),
        (["bad\u0000word"], ("/phrases/0", "NUL")),
        ([], ("/phrases", "length")),
    ],
)
def test_bad_phrases_are_a_422_with_a_pointer(
    client: TestClient, ops: Headers, phrases: list[str], expected: tuple[str, str]
) -> None:
    errors = _errors(client.post(WORDS, json={"kind": "banned", "phrases": phrases}, headers=ops))
    assert errors[0][0] == expected[0]
    assert expected[1] in errors[0][1]


def test_an_unknown_kind_or_member_is_a_422(client: TestClient, ops: Headers) -> None:
    assert (
        _errors(client.post(WORDS, json={"kind": "rude", "phrases": ["x"]}, headers=ops))[0][0]
        == "/kind"
    )
    assert _errors(client.put(WORDS, json={"banned": ["x"], "extra": 1}, headers=ops))[0][0] == (
        "/extra"
    )
    both = client.put(WORDS, json={"banned": ["?!"], "suspect": ["ok", "--"]}, headers=ops)
    assert [pointer for pointer, _ in _errors(both)] == ["/banned/0", "/suspect/1"]


def test_a_list_past_its_cap_is_a_422(
    client: TestClient, ops: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("service.watched_words.LIST_MAX_ENTRIES", 2)
    client.post(WORDS, json={"kind": "banned", "phrases": ["one", "two"]}, headers=ops)
    [(pointer, detail)] = _errors(
        client.post(WORDS, json={"kind": "suspect", "phrases": ["three"]}, headers=ops)
    )
    assert (pointer, detail) == ("/phrases", "a list holds at most 2 entries, not 3")
    # re-adding what is listed does not grow the list
    again = client.post(WORDS, json={"kind": "suspect", "phrases": ["ONE"]}, headers=ops)
    assert again.status_code == 200


def test_site_and_moderator_keys_cannot_read_or_edit(
    client: TestClient, site: Headers, moderator: Headers
) -> None:
    for headers in (site, moderator):
        calls = [
            client.get(WORDS, headers=headers),
            client.post(WORDS, json={"kind": "banned", "phrases": ["x"]}, headers=headers),
            client.put(WORDS, json={"banned": ["x"]}, headers=headers),
            client.delete(f"{WORDS}/1", headers=headers),
        ]
        assert [r.status_code for r in calls] == [403] * 4
        assert all(r.json()["code"] == "forbidden" for r in calls)
    assert client.get(WORDS).status_code == 401


def test_a_banned_word_rejects_and_the_moderator_sees_which(
    client: TestClient, ops: Headers, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    client.put(WORDS, json={"banned": ["scumbag"], "suspect": ["moon soon"]}, headers=ops)
    rejected = post_comment(client, site, body="What a s c u m b a g move.")
    held = post_comment(client, site, body="To the MOON soon, friends.")
    for comment_id in (rejected, held):
        classify(moderation, comment_id, spam=0.01, toxic=0.01)

    view = client.get(f"/v1/comments/{rejected}/moderation", headers=moderator).json()
    assert (view["comment"]["status"], view["reasons"]) == ("rejected", ["banned_word"])
    [span] = view["evidence"]["rules"]
    assert (span["text"], span["rule"], span["detail"]) == (
        "s c u m b a g", "banned_word", "scumbag",
    )  # fmt: skip
    view = client.get(f"/v1/comments/{held}/moderation", headers=moderator).json()
    assert (view["comment"]["status"], view["reasons"]) == ("withheld", ["suspect_word"])
    assert view["evidence"]["rules"][0]["text"] == "MOON soon"
    # the site hears the rejection with its reason and a statement it can show the author
    status = client.get(f"/v1/comments/{rejected}", headers=site).json()
    assert status["status"] == "rejected"
    [decided] = [
        e["data"]
        for e in client.get("/v1/changes", headers=site).json()["items"]
        if e["type"] == "comment.decided" and e["data"]["comment"]["id"] == rejected
    ]
    assert decided["reasons"] == ["banned_word"]
    assert decided["statement_of_reasons"].startswith(
        "Rejected because it contains a word this site does not allow."
    )


def test_a_check_out_of_time_shows_its_note_to_the_moderator(
    client: TestClient,
    ops: Headers,
    site: Headers,
    moderator: Headers,
    sessions: sessionmaker[Session],
    settings: Settings,
) -> None:
    client.put(WORDS, json={"banned": ["scumbag"]}, headers=ops)
    comment_id = post_comment(client, site, body="A calm remark about fees.")
    hurried = Moderation(sessions, dataclasses.replace(settings, watched_words_budget_seconds=1e-9))
    hurried.record_classifications([Classification(comment_id, {"spam": 0.01}, "m-test-1")])

    view = client.get(f"/v1/comments/{comment_id}/moderation", headers=moderator).json()
    assert (view["comment"]["status"], view["reasons"]) == ("withheld", ["watched_words_timeout"])
    [note] = view["evidence"]["notes"]
    assert note.startswith("The watched-word check did not finish within its 1e-06 ms budget")
