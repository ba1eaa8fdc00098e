"""The moderator-labels export: every labelled comment, streamed page by page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response, StreamingResponse

from service.http.call import Call
from service.http.queries import LabelsExportQuery
from service.label_file import MEDIA_TYPES, encode, header
from service.labels import Labels

EXPORT_PAGE = 500  # rows per query: memory stays flat however many decisions there are


async def export_labels(call: Call) -> Response:
    """The latest human decision of each comment as CSV or JSON Lines, in action id order."""
    query = call.query_as(LabelsExportQuery)
    file_format = query.format or "csv"
    after = query.after or 0
    labels = call.resources.labels
    # The first page is read before the answer starts, so a database outage is still a 503.
    first = await run_in_threadpool(labels.export_page, after, EXPORT_PAGE)
    return StreamingResponse(
        _lines(labels, file_format, first),
        media_type=MEDIA_TYPES[file_format],
        headers={"Content-Disposition": f'attachment; filename="labels.{file_format}"'},
    )


async def _lines(labels: Labels, file_format: str, page: list[Any]) -> AsyncIterator[str]:
    yield header(file_format)
    while True:
        yield "".join(encode(record, file_format) for record in page)
        if len(page) < EXPORT_PAGE:
            return
        page = await run_in_threadpool(labels.export_page, page[-1].action_id, EXPORT_PAGE)
