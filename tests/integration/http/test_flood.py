"""Flood limits at intake, in a real Redis: per site key, author and address; 429 or hold."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from service.http import create_app
from service.moderation import Moderation
from service.settings import Settings
from service.site_settings import Rate, SiteSettings, SiteTable
from tests.integration.http.conftest import Headers, classify, comment_payload

LIMITS = SiteSettings(
    flood_key=Rate(8, 60.0),
    flood_author=Rate(2, 60.0),
    flood_address=Rate(4, 60.0),
    duplicate_burst=None,
)


def _client(settings: Settings, site: SiteSettings) -> TestClient:
    return TestClient(create_app(dataclasses.replace(settings, sites=SiteTable(default=site))))


@pytest.fixture
def limited(app_settings: Settings) -> Iterator[TestClient]:
    with _client(app_settings, LIMITS) as client:
        yield client


def _post(client: TestClient, site: Headers, author: str, ip: str | None = None) -> int:
    payload = comment_payload(author={"id": author, "display_name": author})
    if ip:
        payload["envelope"] = {"ip": ip}
    return client.post("/v1/comments", json=payload, headers=site).status_code


def test_an_author_over_their_limit_gets_a_429_with_retry_after(
    limited: TestClient, site: Headers
) -> None:
    assert [_post(limited, site, "u-1") for _ in range(2)] == [202, 202]
    response = limited.post(
        "/v1/comments",
        json=comment_payload(author={"id": "u-1", "display_name": "U"}),
        headers=site,
    )

    assert response.status_code == 429
    assert response.json()["code"] == "rate-limited"
    assert response.json()["limit"] == "author"
    assert 1 <= int(response.headers["retry-after"]) <= 30  # a token every 30 s
    assert _post(limited, site, "u-2") == 202  # other authors are not affected


def test_an_address_is_limited_across_authors(limited: TestClient, site: Headers) -> None:
    codes = [_post(limited, site, f"a-{n}", ip="203.0.113.9") for n in range(5)]

    assert codes == [202, 202, 202, 202, 429]
    assert _post(limited, site, "a-9", ip="203.0.113.10") == 202


def test_a_site_key_is_limited_across_authors_and_addresses(
    limited: TestClient, site: Headers
) -> None:
    codes = [_post(limited, site, f"k-{n}", ip=f"203.0.113.{n}") for n in range(9)]

    assert codes == [202] * 8 + [429]


def test_hold_mode_accepts_and_holds_with_reason_flood(
    app_settings: Settings, site: Headers, moderation: Moderation
) -> None:
    with _client(app_settings, dataclasses.replace(LIMITS, flood_mode="hold")) as client:
        responses = [
            client.post(
                "/v1/comments",
                json=comment_payload(author={"id": "u-h", "display_name": "H"}),
                headers=site,
            )
            for _ in range(3)
        ]
    ids = [r.json()["id"] for r in responses]
    for comment_id in ids:
        classify(moderation, comment_id, spam=0.01, toxic=0.01)

    assert [r.status_code for r in responses] == [202, 202, 202]
    statuses = [moderation.get_comment(i) for i in ids]
    assert [(c.status.value, c.reasons) for c in statuses] == [
        ("approved", ()),
        ("approved", ()),
        ("withheld", ("flood",)),
    ]


def test_without_redis_nothing_is_limited(app_settings: Settings, site: Headers) -> None:
    down = dataclasses.replace(app_settings, redis_url="redis://127.0.0.1:9/0")
    with _client(down, LIMITS) as client:
        assert [_post(client, site, "u-3") for _ in range(4)] == [202] * 4
