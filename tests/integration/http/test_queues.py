from __future__ import annotations

from starlette.testclient import TestClient

from service.moderation import Moderation
from service.shadow import Shadow
from tests.factories import scores
from tests.integration.http.conftest import Headers, classify, post_comment


def test_queues_overview_counts_every_queue(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    post_comment(client, site)
    held = post_comment(client, site)
    classify(moderation, held, spam=0.7)

    body = client.get("/v1/queues", headers=moderator).json()

    queues = {q["name"]: q for q in body["queues"]}
    assert set(queues) == {"pending", "review", "reported", "approved", "rejected", "spam"}
    assert queues["pending"]["count"] == 1
    assert queues["review"]["count"] == 1
    assert queues["review"]["oldest_age_seconds"] >= 0
    assert queues["spam"] == {"name": "spam", "count": 0, "oldest_age_seconds": None}


def test_queue_lists_review_by_risk_with_filters(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    low = post_comment(client, site, article_id="a-1")
    high = post_comment(client, site, article_id="a-1")
    other = post_comment(client, site, article_id="a-2")
    classify(moderation, low, spam=0.6, toxic=0.1)
    classify(moderation, high, spam=0.9, toxic=0.2)
    classify(moderation, other, spam=0.1, toxic=0.8)

    def ids(query: str) -> list[str]:
        response = client.get(f"/v1/queues/review{query}", headers=moderator)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert ids("") == [high, other, low]
    assert ids("?sort=age") == [low, high, other]
    assert ids("?article_id=a-1") == [high, low]
    assert ids("?label=spam&min_score=0.65") == [high]
    assert ids("?label=toxic&min_score=0.5") == [other]


def test_queue_filters_by_text_and_reason_with_keyset_paging(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    toxic = [post_comment(client, site, body=f"You are a CLOWN, number {n}") for n in range(3)]
    spam = post_comment(client, site, body="Clown coins: 100% returns via wallet_x")
    for risk, comment_id in enumerate(toxic):
        classify(moderation, comment_id, spam=0.1, toxic=0.6 + risk / 10)
    classify(moderation, spam, spam=0.9, toxic=0.1)

    def page(query: str) -> tuple[list[str], str | None]:
        response = client.get(f"/v1/queues/review?{query}", headers=moderator)
        assert response.status_code == 200, response.text
        return [i["id"] for i in response.json()["items"]], response.json()["next_cursor"]

    first, cursor = page("reason=toxic&q=clown&limit=2")
    rest, end = page(f"reason=toxic&q=clown&limit=2&cursor={cursor}")
    assert first + rest == toxic[::-1]
    assert end is None
    assert page("q=cLoWn")[0] == [spam, *toxic[::-1]]
    assert page("q=100%25")[0] == [spam]
    assert page("q=1_0")[0] == []  # % and _ are literal, not wildcards
    assert page("q=wallet_x&reason=spam")[0] == [spam]
    assert page("reason=links")[0] == []
    bad = client.get("/v1/queues/review?reason=Toxic!", headers=moderator)
    assert (bad.status_code, bad.json()["errors"][0]["pointer"]) == (422, "/query/reason")


def test_queue_details_keep_the_system_reasons_after_a_moderator_decides(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    comment_id = post_comment(client, site)
    classify(moderation, comment_id, spam=0.7)
    held = client.get("/v1/queues/review?include=details", headers=moderator).json()["items"][0]
    decided = client.post(
        f"/v1/comments/{comment_id}/decision",
        json={"decision": "reject", "reason": "off_topic"},
        headers=moderator,
    )

    item = client.get("/v1/queues/rejected?include=details", headers=moderator).json()["items"][0]

    assert decided.status_code == 200, decided.text
    assert "spam" in held["reasons"]
    assert held["details"]["system_reasons"] == held["reasons"]
    assert "off_topic" in item["reasons"]
    assert "spam" not in item["reasons"]
    assert item["details"]["system_reasons"] == held["reasons"]


def test_reported_cards_carry_each_report_without_the_reporter(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    comment_id = post_comment(client, site)
    classify(moderation, comment_id, spam=0.01, toxic=0.01)
    notes = {
        "r-1": ("abuse", "Calls another reader an idiot."),
        "r-2": ("spam", None),
        "r-3": ("other", "Off topic."),
    }
    for reporter, (reason, note) in notes.items():
        moderation.report("news-site", comment_id, reporter, reason, note)

    response = client.get("/v1/queues/reported?include=details", headers=moderator)
    assert response.status_code == 200, response.text
    items = response.json()["items"]

    (item,) = [i for i in items if i["id"] == comment_id]
    reports = item["details"]["reports"]
    assert [(r["reason"], r["note"]) for r in reports] == list(notes.values())
    assert all(r["created_at"] for r in reports)
    assert "r-1" not in str(item)


def test_queue_pages_with_a_cursor(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    ids = [post_comment(client, site) for _ in range(5)]

    first = client.get("/v1/queues/pending?sort=age&limit=3", headers=moderator).json()
    cursor = first["next_cursor"]
    second = client.get(f"/v1/queues/pending?sort=age&limit=3&cursor={cursor}", headers=moderator)

    assert [i["id"] for i in first["items"]] == ids[:3]
    assert [i["id"] for i in second.json()["items"]] == ids[3:]
    assert second.json()["next_cursor"] is None


def test_queue_unknown_name_is_404(client: TestClient, moderator: Headers) -> None:
    response = client.get("/v1/queues/inbox", headers=moderator)
    assert response.status_code == 404
    assert "review" in response.json()["detail"]


def test_queue_rejects_bad_parameters_with_query_pointers(
    client: TestClient, moderator: Headers
) -> None:
    response = client.get(
        "/v1/queues/review?min_score=high&sort=newest&limit=0&colour=red", headers=moderator
    )
    assert response.status_code == 422
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert pointers == {"/query/min_score", "/query/sort", "/query/limit", "/query/colour"}


def test_queue_items_carry_card_details_when_asked(
    client: TestClient, site: Headers, moderator: Headers, moderation: Moderation
) -> None:
    parent = post_comment(client, site, body="The parent comment.")
    reply = post_comment(client, site, body="Send BTC now", parent_id=parent)
    evidence = {"labels": {"spam": [{"start": 5, "end": 8, "text": "BTC"}]}, "rules": []}
    moderation.record_classifications(
        [scores(parent, spam=0.6), scores(reply, spam=0.7, toxic=0.2)],
        explain=lambda held, _why: [evidence if c.id == reply else None for c in held],
    )
    # A challenger's shadow scores for the same comment are not the card's scores.
    Shadow(moderation.sessions, moderation.settings).record_scores(
        [scores(reply, spam=0.01, version="v-challenger")]
    )

    plain = client.get("/v1/queues/review", headers=moderator).json()["items"]
    detailed = client.get("/v1/queues/review?include=details", headers=moderator).json()["items"]

    assert all("details" not in item for item in plain)
    cards = {item["id"]: item["details"] for item in detailed}
    assert cards[reply]["scores"] == {"spam": 0.7, "toxic": 0.2}
    assert cards[reply]["evidence"] == evidence
    assert cards[reply]["parent"]["id"] == parent
    assert cards[reply]["parent"]["body"] == "The parent comment."
    assert cards[parent] == {
        "scores": {"spam": 0.6, "toxic": 0.01},
        "evidence": None,
        "parent": None,
        "system_reasons": ["spam"],
        "reports": [],
        "article": None,
    }
    bad = client.get("/v1/queues/review?include=everything", headers=moderator)
    assert bad.status_code == 422
