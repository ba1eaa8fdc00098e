"""The OpenAPI 3.1 document, generated from the route table and the wire Structs it names.

Every schema in ``components`` is msgspec's JSON Schema of a Struct the API decodes or encodes
with, so the document describes exactly what the code accepts and sends.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

import msgspec

from service.http.auth import SESSION_COOKIE
from service.http.call import PATH_PARAM_MAX, ApiRoute
from service.http.problems import MEDIA_TYPE, Problem
from service.http.schemas import IDEMPOTENCY_KEY_MAX
from service.http.wire import LINE, CommentIdText
from service.settings import Settings
from service.users import USER_ROLES

_PATH_PARAM = re.compile(r"{(\w+)}")
# A key or a session is looked up in the database: every protected route may find it down (503).
_PROTECTED_ERRORS = (401, 403, 503)
# What schemas.idempotency_key and schemas.expected_version accept.
_HEADER_SCHEMAS: dict[str, dict[str, Any]] = {
    "Idempotency-Key": {"type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX,
                        "pattern": r"^[^\s\u0000-\u001f\u007f-\u00a0\u00ad]"
                                   r"[^\u0000-\u001f\u007f-\u00a0\u00ad]*$"},
    "If-Match": {"type": "string", "pattern": r'^ *(W/)?"?[0-9]+"? *$'},
}  # fmt: skip
# Path parameters are ids: what check_path_params (call.py) accepts. A comment id in any other
# form than the service's names no comment (404).
_PATH_SCHEMA = {"type": "string", "minLength": 1, "maxLength": PATH_PARAM_MAX,
                "pattern": LINE.pattern}  # fmt: skip
_PATH_SCHEMAS = {"comment_id": msgspec.json.schema(CommentIdText)}  # the members' declaration
_REF = "#/components/schemas/{name}"
_ALWAYS_ERRORS = (500,)


def build_document(routes: list[ApiRoute], _settings: Settings) -> dict[str, Any]:
    """The whole document."""
    schemas = Schemas(routes)
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = operation(route, schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Comment Desk API",
            "version": "1",
            "description": "Comment moderation: intake, queues, decisions. See docs/api.md.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas.components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": SESSION_COOKIE,
                    "description": "A signed-in person's browser session (POST /ui/login). "
                    "Unsafe methods must also send X-CSRF-Token with the token of "
                    "GET /v1/session, else 403 csrf-failed.",
                },
            },
        },
    }


class Schemas:
    """The JSON Schemas of every Struct the routes name: ``components``, and how each route's
    body, query parameters and response refer to them."""

    def __init__(self, routes: list[ApiRoute]) -> None:
        shapes: dict[type[Any], None] = {Problem: None}
        for route in routes:
            shapes.update(dict.fromkeys(s for s in (route.body, route.response, route.query) if s))
        found, components = msgspec.json.schema_components(shapes, ref_template=_REF)
        self.of = dict(zip(shapes, found, strict=True))
        self._queries = {route.query: components[route.query.__name__] for route in routes}
        for query in self._queries:  # documented as parameters, not as a schema
            components.pop(query.__name__, None)
        self.components = components

    def query_parameters(self, query: type[Any]) -> list[dict[str, Any]]:
        """Each member of a query Struct as an OpenAPI parameter."""
        declared = self._queries[query]
        return [
            _query_parameter(name, schema, name in declared.get("required", ()))
            for name, schema in declared["properties"].items()
        ]


def operation(route: ApiRoute, schemas: Schemas) -> dict[str, Any]:
    """One operation object."""
    op: dict[str, Any] = {
        "operationId": route.operation_id,
        "summary": route.summary,
        "x-roles": [role.value for role in route.roles],
        "security": _security(route),
        "parameters": _parameters(route, schemas),
        "responses": _responses(route, schemas),
    }
    if route.body is not None:
        op["requestBody"] = {
            "required": not route.body_optional,
            "content": {"application/json": {"schema": schemas.of[route.body]}},
        }
    if route.raw_body:
        op["requestBody"] = {
            "required": True,
            "content": {route.raw_body: {"schema": {"type": "string"}}},
        }
    return op


def _security(route: ApiRoute) -> list[dict[str, list[str]]]:
    if not route.roles:
        return []
    if set(route.roles) & set(USER_ROLES):  # people sign in; site clients only have keys
        return [{"bearer": []}, {"session": []}]
    return [{"bearer": []}]


def _parameters(route: ApiRoute, schemas: Schemas) -> list[dict[str, Any]]:
    path = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": _PATH_SCHEMAS.get(name, _PATH_SCHEMA),
        }
        for name in _PATH_PARAM.findall(route.path)
    ]
    query = schemas.query_parameters(route.query)
    headers = [
        {"name": name, "in": "header", "required": False, "description": text,
         "schema": _HEADER_SCHEMAS.get(name, {"type": "string"})}
        for name, text in route.headers.items()
    ]  # fmt: skip
    return path + query + headers


def _query_parameter(name: str, schema: dict[str, Any], required: bool) -> dict[str, Any]:
    # A query parameter is absent or a value, never null: the schema is the value's.
    schema = {key: value for key, value in schema.items() if key != "default"}
    options = [s for s in schema.pop("anyOf", [schema]) if s.get("type") != "null"]
    value = {**schema, **options[0]}
    parameter = {"name": name, "in": "query", "required": required, "schema": value}
    if "description" in value:
        parameter["description"] = value.pop("description")
    return parameter


def _responses(route: ApiRoute, schemas: Schemas) -> dict[str, Any]:
    success: dict[str, Any] = {"description": HTTPStatus(route.status).phrase}
    if route.response is not None:  # a 204 has no body, so it declares no content at all
        success["content"] = {
            media_type: {"schema": schemas.of[route.response] if media_type == "application/json"
                         else {"type": "string",
                               "description": f"see {route.response.__name__}"}}
            for media_type in route.media_types
        }  # fmt: skip
    if route.links:
        success["links"] = {
            name: {"operationId": operation_id, "parameters": dict(parameters)}
            for name, (operation_id, parameters) in route.links.items()
        }
    responses: dict[str, Any] = {str(route.status): success}
    if route.method == "POST" and route.status == 202:
        responses["200"] = {**success, "description": "Already received (idempotent replay)"}
    errors = set(route.errors) | set(_ALWAYS_ERRORS)
    if route.roles:
        errors |= set(_PROTECTED_ERRORS)
    if _PATH_PARAM.search(route.path):
        errors |= {404, 422}  # an id that names nothing, or that no id could ever be
    if route.query.__struct_fields__ or route.body:
        errors |= {422}
    if route.body:
        errors |= {400, 408, 415}  # malformed, too slow, not declared as JSON
    if route.raw_body:
        errors |= {400, 408, 413, 415, 422}
    for status in sorted(errors):
        responses[str(status)] = {
            "description": HTTPStatus(status).phrase,
            "content": {MEDIA_TYPE: {"schema": schemas.of[Problem]}},
        }
    return responses
