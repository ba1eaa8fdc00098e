"""Model shadow endpoints (issue 3): challenger vs champion, and the moderator labels export.

Their routes are declared here and joined into the table.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.http import model_responses as model_out
from service.http import queries, render
from service.http.call import ApiRoute, Call
from service.http.endpoints.labels import export_labels
from service.http.roles import OPS
from service.http.wire import JsonResponse
from service.label_file import MEDIA_TYPES
from service.settings import Settings


def routes(_settings: Settings) -> list[ApiRoute]:
    """This module's operations, added to the route table."""
    return [
        ApiRoute("GET", "/v1/models/{version_id}/shadow", compare_shadow, OPS,
                 "A challenger vs the champion on moderator decisions",
                 response=model_out.ShadowComparison, query=queries.ShadowQuery,
                 errors=(404,)),
        ApiRoute("GET", "/v1/labels/export", export_labels, OPS,
                 "Moderator-labelled comments as CSV or JSON Lines", response=model_out.LabelRecord,
                 query=queries.LabelsExportQuery,
                 media_types=tuple(m.partition(";")[0] for m in MEDIA_TYPES.values())),
    ]  # fmt: skip


async def compare_shadow(call: Call) -> Response:
    """Agreement, changed verdicts and per-label precision/recall of both models."""
    shadow = call.resources.shadow
    comparison = await run_in_threadpool(
        shadow.compare, call.path_param("version_id"), call.query_as(queries.ShadowQuery).champion
    )
    return JsonResponse(render.shadow_comparison(comparison))
