"""Watched-word endpoints: ops read and change a site's banned and suspect words."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.domain import watched_words as domain
from service.domain.watched_words import WatchKind
from service.errors import NotFoundError
from service.http import watched_responses as out
from service.http.call import ApiRoute, Call
from service.http.roles import OPS
from service.http.wire import INT64, LINE, JsonResponse, Request
from service.settings import Settings

SITE_ID_MAX = 100  # the width of the site columns

Phrase = Annotated[
    str,
    LINE,
    Meta(
        max_length=domain.PHRASE_MAX_CHARS,
        description=(
            f"A word or phrase of up to {domain.PHRASE_MAX_WORDS} words; it matches whole words, "
            "whatever the case, accents, look-alike letters, leetspeak, masks (b**ch) or spaced "
            "letters."
        ),
        examples=["free money"],
    ),
]
Phrases = Annotated[list[Phrase], Meta(max_length=domain.LIST_MAX_ENTRIES)]


def routes(settings: Settings) -> list[ApiRoute]:  # noqa: ARG001 (same signature as the others)
    """This module's operations, added to the route table."""
    words = "/v1/sites/{site_id}/watched-words"
    return [
        ApiRoute("GET", words, get_watch_list, OPS, "A site's banned and suspect words",
                 response=out.WatchList, errors=(404,)),
        ApiRoute("POST", words, add_watched_words, OPS,
                 "Add banned or suspect words (one already listed takes this kind)",
                 response=out.WatchList, body=AddRequest, errors=(404, 413)),
        ApiRoute("PUT", words, replace_watch_list, OPS,
                 "Replace a site's whole list (banned wins where both name the same words)",
                 response=out.WatchList, body=ReplaceRequest, errors=(404, 409, 413)),
        ApiRoute("DELETE", f"{words}/{{word_id}}", remove_watched_word, OPS,
                 "Remove one word or phrase", response=out.WatchList, errors=(404,)),
    ]  # fmt: skip


class AddRequest(Request):
    """``POST /v1/sites/{site_id}/watched-words``."""

    kind: Annotated[WatchKind, Meta(description="banned: a match rejects; suspect: it holds")]
    phrases: Annotated[Phrases, Meta(min_length=1)]


class ReplaceRequest(Request):
    """``PUT /v1/sites/{site_id}/watched-words``."""

    banned: Phrases = []
    suspect: Phrases = []
    expected_version: (
        Annotated[
            int,
            INT64,
            Meta(description="the version this list replaces; another one is a 409"),
        ]
        | None
    ) = None


async def get_watch_list(call: Call) -> Response:
    """The site's list (empty, version 0, when it never had one)."""
    found = await run_in_threadpool(call.resources.watched_words.get, _site(call))
    return JsonResponse(watch_list(found))


async def add_watched_words(call: Call) -> Response:
    """Add phrases of one kind."""
    body = call.body_as(AddRequest)
    found = await run_in_threadpool(
        call.resources.watched_words.add, _site(call), body.kind, body.phrases, call.caller.name
    )
    return JsonResponse(watch_list(found))


async def replace_watch_list(call: Call) -> Response:
    """Make the list exactly the phrases given."""
    body = call.body_as(ReplaceRequest)
    found = await run_in_threadpool(
        lambda: call.resources.watched_words.replace(
            _site(call), body.banned, body.suspect, call.caller.name, body.expected_version
        )
    )
    return JsonResponse(watch_list(found))


async def remove_watched_word(call: Call) -> Response:
    """Remove one entry; 404 when the site's list has no such entry."""
    raw = call.path_param("word_id")
    if not raw.isdigit() or len(raw) > 18:
        raise NotFoundError(f"there is no watched word {raw!r}")
    found = await run_in_threadpool(
        call.resources.watched_words.remove, _site(call), int(raw), call.caller.name
    )
    return JsonResponse(watch_list(found))


def _site(call: Call) -> str:
    site_id = call.path_param("site_id")
    if not site_id or len(site_id) > SITE_ID_MAX:
        raise NotFoundError(f"there is no site {site_id[:SITE_ID_MAX]!r}")
    return site_id


def watch_list(found: domain.WatchList) -> out.WatchList:
    """A site's list as served, banned and suspect apart."""
    words = [
        out.WatchedWord(
            id=w.id, kind=w.kind, phrase=w.phrase, added_by=w.added_by, added_at=w.added_at
        )
        for w in found.words
    ]
    return out.WatchList(
        site_id=found.site_id,
        version=found.version,
        updated_at=found.updated_at,
        updated_by=found.updated_by,
        banned=[w for w in words if w.kind is WatchKind.BANNED],
        suspect=[w for w in words if w.kind is WatchKind.SUSPECT],
        max_entries=domain.LIST_MAX_ENTRIES,
    )
