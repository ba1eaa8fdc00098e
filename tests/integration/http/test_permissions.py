"""Every route and every kind of caller: 401 without a valid key, 403 for the wrong role.

Browser sessions are callers too: a signed-in moderator or ops user, sending the CSRF token.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from service.domain import Role
from service.http.call import ApiRoute
from service.http.ops_responses import LiveEvent
from service.http.routes import api_routes
from service.settings import Settings
from tests.integration.http.conftest import Headers
from tests.integration.http.signin import create_user, sign_in

ROUTES = api_routes(Settings())
CALLERS = ["site", "moderator", "ops", "none", "bad-key", "moderator-session", "ops-session"]


def call(client: TestClient, route: ApiRoute, headers: Headers) -> int:
    """Call a route with placeholder path parameters and an empty JSON body."""
    path = re.sub(r"{\w+}", "x", route.path)
    if route.response is LiveEvent:  # a live stream: end it at once, only the status matters
        client.app.state.resources.stopping.set()  # type: ignore[attr-defined]
    if route.method == "POST":
        return client.post(path, json={}, headers=headers).status_code
    return client.request(route.method, path, headers=headers).status_code


def caller_headers(
    caller: str,
    make_key: Callable[[Role, str], Headers],
    client: TestClient,
    sessions: sessionmaker[Session],
) -> Headers:
    if caller.endswith("-session"):
        user = create_user(sessions, Role(caller.removesuffix("-session")))
        return {"X-CSRF-Token": sign_in(client, user.username)}
    if caller == "none":
        return {}
    if caller == "bad-key":
        return {"Authorization": "Bearer cdk_not-a-key"}
    return make_key(Role(caller), f"{caller}-client")


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_route_admits_only_its_roles(
    client: TestClient,
    make_key: Callable[[Role, str], Headers],
    sessions: sessionmaker[Session],
    route: ApiRoute,
    caller: str,
) -> None:
    status = call(client, route, caller_headers(caller, make_key, client, sessions))

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
