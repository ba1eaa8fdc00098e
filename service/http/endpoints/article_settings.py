"""Per-article settings (issue 12): a site sets its own articles', moderators any site's."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.domain import articles
from service.errors import FieldError, ValidationError
from service.http import render
from service.http.call import ApiRoute, Call
from service.http.responses import ArticleSettings
from service.http.roles import MODERATOR, SITE
from service.http.wire import JsonResponse, Request
from service.settings import Settings

SITE_ID_MAX = 100  # the stored columns' lengths, as a comment's
ARTICLE_ID_MAX = 200


def routes(_settings: Settings) -> list[ApiRoute]:
    """This module's operations, added to the route table."""
    own = "/v1/articles/{article_id}/settings"
    any_site = "/v1/sites/{site_id}/articles/{article_id}/settings"
    return [
        ApiRoute("GET", own, get_own_article_settings, SITE,
                 "One of the site's articles: premoderated, links premoderated, closed",
                 response=ArticleSettings),
        ApiRoute("PUT", own, set_own_article_settings, SITE,
                 "Set how one of the site's articles takes comments",
                 response=ArticleSettings, body=ArticleSettingsRequest, errors=(413,)),
        ApiRoute("GET", any_site, get_article_settings, MODERATOR,
                 "How an article of any site takes comments", response=ArticleSettings),
        ApiRoute("PUT", any_site, set_article_settings, MODERATOR,
                 "Set how an article of any site takes comments",
                 response=ArticleSettings, body=ArticleSettingsRequest, errors=(413,)),
    ]  # fmt: skip


class ArticleSettingsRequest(Request):
    """``PUT …/articles/{article_id}/settings``: the whole settings (a member left out is
    ``false``)."""

    premoderate: Annotated[
        bool, Meta(description="Hold every new comment for a moderator (`article_premoderated`).")
    ] = False
    premoderate_links: Annotated[
        bool,
        Meta(
            description="Hold new comments that carry a link to a host the site does not allow "
            "(`article_premoderated_links`)."
        ),
    ] = False
    closed: Annotated[
        bool,
        Meta(
            description="Take no new comments (409 `comments-closed`) nor edits; comments "
            "already there stay."
        ),
    ] = False


async def get_own_article_settings(call: Call) -> Response:
    """The settings of one of the calling site's articles (all false when never set)."""
    return await _get(call, call.caller.name)


async def set_own_article_settings(call: Call) -> Response:
    """Replace the settings of one of the calling site's articles."""
    return await _set(call, call.caller.name)


async def get_article_settings(call: Call) -> Response:
    """The settings of an article of the named site (all false when never set)."""
    return await _get(call, call.path_param("site_id"))


async def set_article_settings(call: Call) -> Response:
    """Replace the settings of an article of the named site."""
    return await _set(call, call.path_param("site_id"))


async def _get(call: Call, site_id: str) -> Response:
    found = await run_in_threadpool(
        call.resources.articles.settings, site_id, call.path_param("article_id")
    )
    return JsonResponse(render.article_settings(found))


async def _set(call: Call, site_id: str) -> Response:
    body = call.body_as(ArticleSettingsRequest)
    article_id = call.path_param("article_id")
    _check_lengths(site_id, article_id)
    wanted = articles.ArticleSettings(
        site_id,
        article_id,
        premoderate=body.premoderate,
        premoderate_links=body.premoderate_links,
        closed=body.closed,
    )
    stored = await run_in_threadpool(call.resources.articles.set_settings, wanted, call.caller.name)
    return JsonResponse(render.article_settings(stored))


def _check_lengths(site_id: str, article_id: str) -> None:
    """422 for ids longer than a comment's could be (so no comment could be on that article)."""
    errors = [
        FieldError(f"/path/{name}", f"must be at most {limit} characters")
        for name, value, limit in (
            ("site_id", site_id, SITE_ID_MAX),
            ("article_id", article_id, ARTICLE_ID_MAX),
        )
        if len(value) > limit
    ]
    if errors:
        raise ValidationError(errors)
