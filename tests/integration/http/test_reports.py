"""Reports over HTTP: a site files them, moderators see and dismiss them (issue 12)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from service.domain import Role
from service.moderation import Moderation
from tests.integration.http.conftest import Headers, classify, post_comment

DISMISS = "/v1/comments/{}/reports/dismiss"


def reported(client: TestClient, site: Headers, moderation: Moderation, readers: int = 3) -> str:
    """A published comment that ``readers`` readers reported through the API."""
    comment_id = post_comment(client, site)
    classify(moderation, comment_id, spam=0.01, toxic=0.01)
    for n in range(readers):
        response = client.post(
            f"/v1/comments/{comment_id}/reports",
            json={"reporter_id": f"reader-{n}", "reason": "abuse", "note": f"note {n}"},
            headers=site,
        )
        assert response.status_code == 202, response.text
    return comment_id


def test_dismissal_publishes_the_comment_again(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    comment_id = reported(client, site, moderation)
    assert client.get(f"/v1/comments/{comment_id}", headers=site).json()["status"] == "reported"

    response = client.post(DISMISS.format(comment_id), json={"note": "fine"}, headers=moderator)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["id"], body["status"], body["dismissed"]) == (comment_id, "approved", 3)
    assert response.headers["etag"] == f'"{body["version"]}"'
    assert client.get(f"/v1/comments/{comment_id}", headers=site).json()["status"] == "approved"


def test_cards_show_each_report_state_and_weight_after_a_dismissal(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    comment_id = reported(client, site, moderation)
    client.post(DISMISS.format(comment_id), json={}, headers=moderator)

    page = client.get("/v1/queues/approved?include=details", headers=moderator).json()
    (item,) = [i for i in page["items"] if i["id"] == comment_id]
    reports = item["details"]["reports"]
    assert [(r["note"], r["state"], r["weight"]) for r in reports] == [
        (f"note {n}", "dismissed", 0.8) for n in range(3)
    ]
    assert "reader-0" not in str(item)


def test_the_audit_log_keeps_the_dismissal(
    client: TestClient, site: Headers, moderator: Headers, ops: Headers, moderation: Moderation
) -> None:
    comment_id = reported(client, site, moderation)
    client.post(DISMISS.format(comment_id), json={"note": "fair point"}, headers=moderator)
    log = client.get(f"/v1/audit?comment_id={comment_id}&kind=dismissed", headers=ops).json()
    (entry,) = log["items"]
    assert (entry["actor"], entry["from_status"], entry["to_status"], entry["note"]) == (
        "mod-ann", "reported", "approved", "fair point",
    )  # fmt: skip


def test_dismissal_on_a_stale_version_is_409(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    comment_id = reported(client, site, moderation, readers=1)
    seen = client.get(f"/v1/comments/{comment_id}/moderation", headers=moderator)
    version = seen.json()["comment"]["version"]
    client.post(
        f"/v1/comments/{comment_id}/reports",
        json={"reporter_id": "late", "reason": "spam"},
        headers=site,
    )
    client.post(
        f"/v1/comments/{comment_id}/reports",
        json={"reporter_id": "later", "reason": "spam"},
        headers=site,
    )  # the third report moves it: a new version
    stale = client.post(DISMISS.format(comment_id), json={}, headers={
        **moderator, "If-Match": f'"{version}"'})  # fmt: skip
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale-decision"
    current = client.get(f"/v1/comments/{comment_id}", headers=site).json()
    assert current["status"] == "reported"


def test_dismissal_with_no_open_report_records_nothing(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    comment_id = post_comment(client, site)
    classify(moderation, comment_id, spam=0.01, toxic=0.01)
    response = client.post(DISMISS.format(comment_id), json={}, headers=moderator)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["dismissed"]) == ("approved", 0)


def test_dismissing_an_unknown_comment_is_404(client: TestClient, moderator: Headers) -> None:
    assert client.post(DISMISS.format("nope"), json={}, headers=moderator).status_code == 404


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"note": "x" * 2001}, "/note"),
        ({"expected_version": 0}, "/expected_version"),
        ({"expected_version": "3"}, "/expected_version"),
        ({"verdict": "dismiss"}, "/verdict"),
    ],
)
def test_dismissal_refuses_bad_input_by_pointer(
    client: TestClient,
    site: Headers,
    moderator: Headers,
    moderation: Moderation,
    body: dict[str, Any],
    pointer: str,
) -> None:
    comment_id = reported(client, site, moderation, readers=1)
    response = client.post(DISMISS.format(comment_id), json=body, headers=moderator)
    assert response.status_code == 422, response.text
    assert [e["pointer"] for e in response.json()["errors"]] == [pointer]


def test_dismissal_refuses_a_malformed_if_match(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    comment_id = reported(client, site, moderation, readers=1)
    headers = {**moderator, "If-Match": "yesterday"}
    response = client.post(DISMISS.format(comment_id), json={}, headers=headers)
    assert response.status_code == 422


def test_a_site_files_reports_and_only_moderators_dismiss_them(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    comment_id = reported(client, site, moderation, readers=1)
    by_site = client.post(DISMISS.format(comment_id), json={}, headers=site)
    by_moderator = client.post(
        f"/v1/comments/{comment_id}/reports",
        json={"reporter_id": "mod", "reason": "spam"},
        headers=moderator,
    )
    assert (by_site.status_code, by_moderator.status_code) == (403, 403)
    anonymous = client.post(DISMISS.format(comment_id), json={})
    assert anonymous.status_code == 401
    page = client.get("/v1/queues/approved?include=details", headers=moderator).json()
    (item,) = [i for i in page["items"] if i["id"] == comment_id]
    assert [r["state"] for r in item["details"]["reports"]] == ["open"]


def test_another_sites_key_cannot_report_the_comment(
    client: TestClient,
    site: Headers,
    moderation: Moderation,
    make_key: Callable[[Role, str], Headers],
) -> None:
    comment_id = reported(client, site, moderation, readers=0)
    other = make_key(Role.SITE, "other-site")
    response = client.post(
        f"/v1/comments/{comment_id}/reports",
        json={"reporter_id": "r", "reason": "spam"},
        headers=other,
    )
    assert response.status_code == 404


def test_the_site_hears_the_comment_is_published_again(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    comment_id = reported(client, site, moderation)
    client.post(DISMISS.format(comment_id), json={}, headers=moderator)
    feed = client.get("/v1/changes?limit=50", headers=site).json()["items"]
    mine = [e for e in feed if e["data"].get("comment", {}).get("id") == comment_id]
    left, decided = mine[-2:]
    assert (left["type"], left["data"]["queue"]) == ("comment.left_queue", "reported")
    assert decided["type"] == "comment.decided"
    assert decided["data"]["comment"]["status"] == "approved"
    assert decided["data"]["decided_by"] == {"type": "human", "role": "moderator"}
