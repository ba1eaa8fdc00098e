"""The OpenAPI 3.1 document, generated from the route table and the field declarations."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from service.http.auth import SESSION_COOKIE
from service.http.call import PATH_PARAM_MAX, ApiRoute
from service.http.fields import STRING_PATTERNS, Field, field_schema, json_schema
from service.http.openapi_components import SCHEMAS
from service.http.problems import MEDIA_TYPE
from service.http.schemas import IDEMPOTENCY_KEY_MAX
from service.settings import Settings
from service.users import USER_ROLES

_PATH_PARAM = re.compile(r"{(\w+)}")
_PROTECTED_ERRORS = (401, 403)
# What schemas.idempotency_key and schemas.expected_version accept.
_HEADER_SCHEMAS: dict[str, dict[str, Any]] = {
    "Idempotency-Key": {"type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX,
                        "pattern": r"^[^\s\u0000-\u001f\u007f-\u00a0\u00ad]"
                                   r"[^\u0000-\u001f\u007f-\u00a0\u00ad]*$"},
    "If-Match": {"type": "string", "pattern": r'^ *(W/)?"?[0-9]+"? *$'},
}  # fmt: skip
# Path parameters are ids: what check_path_params (call.py) accepts.
_PATH_SCHEMA = {"type": "string", "minLength": 1, "maxLength": PATH_PARAM_MAX,
                "pattern": STRING_PATTERNS["line"]}  # fmt: skip
_ALWAYS_ERRORS = (500,)


def build_document(routes: list[ApiRoute], settings: Settings) -> dict[str, Any]:
    """The whole document."""
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = operation(route, settings)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Comment Desk API",
            "version": "1",
            "description": "Comment moderation: intake, queues, decisions. See docs/api.md.",
        },
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
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


def operation(route: ApiRoute, settings: Settings) -> dict[str, Any]:
    """One operation object."""
    op: dict[str, Any] = {
        "operationId": route.operation_id,
        "summary": route.summary,
        "x-roles": [role.value for role in route.roles],
        "security": _security(route),
        "parameters": _parameters(route),
        "responses": _responses(route),
    }
    if route.body is not None:
        op["requestBody"] = {
            "required": not route.body_optional,
            "content": {"application/json": {"schema": json_schema(route.body(settings))}},
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


def _parameters(route: ApiRoute) -> list[dict[str, Any]]:
    path = [
        {"name": name, "in": "path", "required": True, "schema": _PATH_SCHEMA}
        for name in _PATH_PARAM.findall(route.path)
    ]
    query = [_query_parameter(name, field) for name, field in route.query.items()]
    headers = [
        {"name": name, "in": "header", "required": False, "description": text,
         "schema": _HEADER_SCHEMAS.get(name, {"type": "string"})}
        for name, text in route.headers.items()
    ]  # fmt: skip
    return path + query + headers


def _query_parameter(name: str, field: Field) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": field.required,
        "description": field.description,
        "schema": field_schema(field),
    }


def _responses(route: ApiRoute) -> dict[str, Any]:
    success: dict[str, Any] = {"description": HTTPStatus(route.status).phrase}
    if route.status != 204:  # a 204 has no body, so it declares no content at all
        success["content"] = {
            media_type: {"schema": _ref(route.response) if media_type == "application/json"
                         else {"type": "string", "description": f"see {route.response}"}}
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
    if route.query or route.body:
        errors |= {422}
    if route.body:
        errors |= {400, 408, 415}  # malformed, too slow, not declared as JSON
    if route.raw_body:
        errors |= {400, 408, 413, 415, 422}
    for status in sorted(errors):
        responses[str(status)] = {
            "description": HTTPStatus(status).phrase,
            "content": {MEDIA_TYPE: {"schema": _ref("Problem")}},
        }
    return responses


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}
