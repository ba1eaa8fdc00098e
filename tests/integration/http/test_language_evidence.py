"""A language hold as moderators read it: the reason, and the language as evidence."""

from __future__ import annotations

from starlette.testclient import TestClient

from service.domain import Classification, DetectedLanguage
from service.moderation import Moderation
from tests.integration.http.conftest import Headers, post_comment

BODY = "Ich finde den Artikel ziemlich einseitig, weil die Risiken kaum erwähnt werden."


def test_moderation_view_and_card_show_the_language_of_a_language_hold(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    comment_id = post_comment(client, site, body=BODY)
    found = DetectedLanguage("de", 0.99871, 67)
    moderation.record_classifications(
        [Classification(comment_id, {"spam": 0.01, "toxic": 0.01}, "m-test-1", language=found)]
    )

    view = client.get(f"/v1/comments/{comment_id}/moderation", headers=moderator).json()
    cards = client.get("/v1/queues/review?include=details", headers=moderator).json()["items"]

    assert view["reasons"] == ["unsupported_language"]
    expected = {
        "labels": {},
        "rules": [],
        "language": {"code": "de", "confidence": 0.9987, "letters": 67},
    }
    assert view["evidence"] == expected
    [card] = [item for item in cards if item["id"] == comment_id]
    assert card["details"]["evidence"] == expected


def test_evidence_without_a_language_hold_has_no_language(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    comment_id = post_comment(client, site, body="Send BTC now")
    english = DetectedLanguage("en", 0.95, 10)
    moderation.record_classifications(
        [Classification(comment_id, {"spam": 0.7}, "m-test-1", language=english)],
        explain=lambda held, _why: [{"labels": {}, "rules": []} for _ in held],
    )

    view = client.get(f"/v1/comments/{comment_id}/moderation", headers=moderator).json()

    assert view["reasons"] == ["spam"]
    assert "language" not in view["evidence"]
