"""GDPR requests of a site (issue 11): export everything about an author, erase an author."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.http import integration_responses as out
from service.http.call import ApiRoute, Call
from service.http.render import utc
from service.http.roles import SITE
from service.http.wire import JsonResponse
from service.settings import Settings


def routes(_settings: Settings) -> list[ApiRoute]:
    """This module's operations, added to the route table."""
    one = "/v1/privacy/authors/{author_id}"
    return [
        ApiRoute("GET", one, export_author, SITE,
                 "Everything kept about one of the site's authors, as JSON",
                 response=out.AuthorExport),
        ApiRoute("DELETE", one, erase_author, SITE,
                 "Erase an author: texts, names, e-mail hashes, envelopes; decisions stay "
                 "under an anonymised key", response=out.Erasure),
    ]  # fmt: skip


async def export_author(call: Call) -> Response:
    """The export, as a download."""
    author_id = call.path_param("author_id")
    document = await run_in_threadpool(
        call.resources.privacy.export_author, call.caller.name, author_id
    )
    return JsonResponse(
        document, headers={"Content-Disposition": 'attachment; filename="author-export.json"'}
    )


async def erase_author(call: Call) -> Response:
    """Erase now (an author with nothing stored is erased trivially: 0 comments)."""
    receipt = await run_in_threadpool(
        call.resources.privacy.erase_author,
        call.caller.name,
        call.path_param("author_id"),
        call.caller.name,
    )
    return JsonResponse(
        out.Erasure(
            erasure_id=receipt.erasure_id,
            author_key=receipt.author_key,
            comments=receipt.comments,
            erased_at=utc(receipt.erased_at),
        )
    )
