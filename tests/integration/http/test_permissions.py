"""Every route and every kind of caller: 401 without a valid key, 403 for the wrong role.

Browser sessions are callers too: a signed-in moderator or ops user, sending the CSRF token.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from service.db import session_factory
from service.domain import Role
from service.http import create_app
from service.http.call import ApiRoute
from service.http.ops_responses import LiveEvent
from service.http.routes import api_routes
from service.settings import Settings
from tests.conftest import BACKENDS, flushed_redis, fresh_database, per_process_redis_url
from tests.integration.http.conftest import Headers, checked, make_role_key, with_small_limits
from tests.integration.http.contract import ResponseContract, document_for
from tests.integration.http.signin import create_user, sign_in

ROUTES = api_routes(Settings())
CALLERS = ["site", "moderator", "ops", "none", "bad-key", "moderator-session", "ops-session"]
BAD_KEY = {"Authorization": "Bearer cdk_not-a-key"}
BEARERS = {"site": Role.SITE, "moderator": Role.MODERATOR, "ops": Role.OPS}


@dataclasses.dataclass
class Matrix:
    """One app for the whole matrix (about 70 routes by seven callers on each backend): the calls
    only ask who may pass, so an app, keys and sign-ins per call would only cost time."""

    client: TestClient
    headers: dict[str, Headers]  # what each caller sends
    cookies: dict[str, httpx.Cookies]  # each signed-in caller's session cookie

    def call(self, route: ApiRoute, caller: str) -> int:
        """Call a route as ``caller`` with placeholder path parameters and an empty JSON body."""
        self.client.cookies = httpx.Cookies(self.cookies.get(caller))
        path = re.sub(r"{\w+}", "x", route.path)
        if route.response is LiveEvent:  # a live stream: end it at once, only the status matters
            self.client.app.state.resources.stopping.set()  # type: ignore[attr-defined]
        headers = self.headers[caller]
        if route.method == "POST":
            return self.client.post(path, json={}, headers=headers).status_code
        return self.client.request(route.method, path, headers=headers).status_code


@pytest.fixture(scope="module", params=BACKENDS)
def matrix(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, redis_url: str
) -> Iterator[Matrix]:
    directory = tmp_path_factory.mktemp("permissions")
    database_url = fresh_database(request, request.param, directory)
    settings = with_small_limits(
        Settings(data_dir=directory, database_url=database_url), per_process_redis_url(redis_url)
    )
    with flushed_redis(redis_url), TestClient(create_app(settings)) as client:
        checked(client, ResponseContract(document_for(settings)))
        headers: dict[str, Headers] = {"none": {}, "bad-key": BAD_KEY}
        for caller, role in BEARERS.items():
            token = make_role_key(database_url, role, f"{caller}-client")
            headers[caller] = {"Authorization": f"Bearer {token}"}
        yield Matrix(client, headers, sign_in_callers(client, headers))


def sign_in_callers(client: TestClient, headers: dict[str, Headers]) -> dict[str, httpx.Cookies]:
    """Sign in a moderator and an ops user; add their CSRF headers, return their cookies."""
    sessions = session_factory(client.app.state.resources.engine)  # type: ignore[attr-defined]
    cookies: dict[str, httpx.Cookies] = {}
    for role in (Role.MODERATOR, Role.OPS):
        caller = f"{role.value}-session"
        client.cookies = httpx.Cookies()
        headers[caller] = {"X-CSRF-Token": sign_in(client, create_user(sessions, role).username)}
        cookies[caller] = httpx.Cookies(client.cookies)
    return cookies


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_route_admits_only_its_roles(matrix: Matrix, route: ApiRoute, caller: str) -> None:
    status = matrix.call(route, caller)

    if not route.roles:
        assert status not in (401, 403)
    elif caller in ("none", "bad-key"):
        assert status == 401
    elif Role(caller.removesuffix("-session")) in route.roles:
        assert status not in (401, 403)
    else:
        assert status == 403


def test_route_table_gives_each_role_its_routes() -> None:
    by_role = {
        role: sorted(f"{r.method} {r.path}" for r in ROUTES if role in r.roles) for role in Role
    }
    webhooks = [
        "DELETE /v1/webhooks/{webhook_id}",
        "GET /v1/webhooks",
        "GET /v1/webhooks/{webhook_id}",
        "GET /v1/webhooks/{webhook_id}/attempts",
        "GET /v1/webhooks/{webhook_id}/deliveries",
        "PATCH /v1/webhooks/{webhook_id}",
        "POST /v1/webhooks",
        "POST /v1/webhooks/{webhook_id}/disable",
        "POST /v1/webhooks/{webhook_id}/enable",
        "POST /v1/webhooks/{webhook_id}/ping",
        "POST /v1/webhooks/{webhook_id}/redeliver",
        "POST /v1/webhooks/{webhook_id}/rotate-secret",
    ]
    assert sorted(set(by_role[Role.SITE]) - set(webhooks)) == [
        "DELETE /v1/comments/{comment_id}",
        "DELETE /v1/privacy/authors/{author_id}",
        "GET /v1/articles/{article_id}/comments",
        "GET /v1/articles/{article_id}/settings",
        "GET /v1/changes",
        "GET /v1/comments/{comment_id}",
        "GET /v1/privacy/authors/{author_id}",
        "PATCH /v1/comments/{comment_id}",
        "POST /v1/check",
        "POST /v1/comments",
        "POST /v1/comments/lookup",
        "POST /v1/comments/{comment_id}/appeals",
        "POST /v1/comments/{comment_id}/reports",
        "PUT /v1/articles/{article_id}/settings",
    ]
    assert set(webhooks) <= set(by_role[Role.SITE]) & set(by_role[Role.OPS])
    assert by_role[Role.MODERATOR] == [
        "DELETE /v1/authors/{site_id}/{author_id}/notes/{note_id}",
        "DELETE /v1/authors/{site_id}/{author_id}/policy",
        "DELETE /v1/comments/{comment_id}/claim",
        "GET /v1/appeals",
        "GET /v1/authors/{site_id}/{author_id}",
        "GET /v1/comments/{comment_id}/moderation",
        "GET /v1/comments/{comment_id}/revisions",
        "GET /v1/events",
        "GET /v1/queues",
        "GET /v1/queues/{name}",
        "GET /v1/session",
        "GET /v1/sites/{site_id}/articles/{article_id}/settings",
        "POST /v1/appeals/{appeal_id}/decision",
        "POST /v1/authors/{site_id}/{author_id}/notes",
        "POST /v1/comments/{comment_id}/claim",
        "POST /v1/comments/{comment_id}/decision",
        "POST /v1/comments/{comment_id}/reports/dismiss",
        "POST /v1/decisions/{batch_id}/undo",
        "POST /v1/queues/{name}/bulk",
        "POST /v1/queues/{name}/bulk/preview",
        "PUT /v1/authors/{site_id}/{author_id}/policy",
        "PUT /v1/sites/{site_id}/articles/{article_id}/settings",
    ]
    assert set(by_role[Role.MODERATOR]) <= set(by_role[Role.OPS])  # ops may do all a moderator may
    assert sorted(set(by_role[Role.OPS]) - set(by_role[Role.MODERATOR]) - set(webhooks)) == [
        "DELETE /v1/models/challenger",
        "DELETE /v1/sites/{site_id}/watched-words/{word_id}",
        "GET /v1/audit",
        "GET /v1/keys",
        "GET /v1/labels/export",
        "GET /v1/models",
        "GET /v1/models/history",
        "GET /v1/models/jobs/{job_id}",
        "GET /v1/models/{version_id}/shadow",
        "GET /v1/sites/{site_id}/watched-words",
        "GET /v1/stats",
        "POST /v1/keys/{key_id}/revoke",
        "POST /v1/models",
        "POST /v1/models/rollback",
        "POST /v1/models/uploads",
        "POST /v1/models/{version_id}/challenger",
        "POST /v1/models/{version_id}/promote",
        "POST /v1/sites/{site_id}/watched-words",
        "PUT /v1/sites/{site_id}/watched-words",
    ]
