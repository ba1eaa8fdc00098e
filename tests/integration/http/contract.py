"""Every response a test provokes, checked against the OpenAPI document the app serves.

``ResponseContract`` is a response hook of the unit tests' client: the status must be one the
operation documents, the media type one documented for that status, and a JSON body (or each
line of JSON Lines) must validate against the documented schema. The document is generated
from the route table and the wire Structs, so this is the test that they say what the app does.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import jsonschema_rs

from service.http.call import CommentIdConvertor
from service.http.openapi import build_document
from service.http.routes import api_routes
from service.settings import Settings

# Documents by settings, the places of a test's files and servers left out: routes do not
# depend on them, so tests whose settings differ only there share one.
_documents: dict[str, dict[str, Any]] = {}


def document_for(settings: Settings) -> dict[str, Any]:
    """The OpenAPI document of an app with ``settings``, shared: read it, never change it.
    msgspec takes ~0.1 s to derive one, which ~1,900 HTTP tests would otherwise pay each."""
    key = repr(
        dataclasses.replace(
            settings, database_url="", redis_url="", data_dir=Path(), metrics_dir=None,
            training_data=None,
        )
    )  # fmt: skip
    if key not in _documents:
        _documents[key] = build_document(api_routes(settings), settings)
    return _documents[key]


# Path parameters that may hold "/" (service/http/call.py SLASHED_PARAMS).
_SLASHED = ("article_id", "author_id")
# Path parameters that match a segment but not a sibling path's fixed one, as the server routes.
_SEGMENT = {"comment_id": CommentIdConvertor.regex}
_JSON_TYPES = ("application/json", "application/problem+json")
# Answers that are not the JSON API: pages, Prometheus text, and live streams (which never end,
# so reading them here would block; tests/integration/http/test_events_stream.py reads them).
_UNCHECKED = ("text/html", "text/event-stream")


class ResponseContract:
    """Checks responses against ``document``; remembers which (operation, status) it saw."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.seen: set[tuple[str, int]] = set()
        self._operations = sorted(_operations(document), key=lambda op: op[0].pattern.count("("))
        self._validators: dict[str, Any] = {}

    def check(self, response: httpx.Response) -> None:
        """Fail unless ``response`` is what its operation documents."""
        request = response.request
        found = self._operation(request.method, request.url.path)
        media = response.headers.get("content-type", "").partition(";")[0]
        if found is None or media in _UNCHECKED:
            return
        operation_id, responses = found
        response.read()
        where = f"{request.method} {request.url.path} ({operation_id}) answered"
        status = str(response.status_code)
        assert status in responses, f"{where} {status}, which it does not document"
        self.seen.add((operation_id, response.status_code))
        content = responses[status].get("content")
        if content is None:
            assert not response.content, f"{where} a body with {status}, documented as empty"
            return
        assert media in content, f"{where} {media}, documented: {sorted(content)}"
        schema = content[media]["schema"]
        if media not in _JSON_TYPES:  # a text format documents the JSON of a record by name
            schema = {"$ref": f"#/components/schemas/{schema['description'].split()[-1]}"}
        for body in _bodies(media, response.text):
            self._validate(schema, body, where)

    def _operation(self, method: str, path: str) -> tuple[str, dict[str, Any]] | None:
        for pattern, operations in self._operations:
            if pattern.fullmatch(path) and method.lower() in operations:
                operation = operations[method.lower()]
                return str(operation["operationId"]), dict(operation["responses"])
        return None

    def _validate(self, schema: dict[str, Any], body: Any, where: str) -> None:
        key = json.dumps(schema, sort_keys=True)
        if key not in self._validators:
            root = {**schema, "components": self.document["components"]}
            self._validators[key] = jsonschema_rs.Draft202012Validator(root)
        errors = [str(e) for e in self._validators[key].iter_errors(body)]
        assert not errors, f"{where} a body its schema refuses: {errors[:3]}\n{body}"


def _operations(document: dict[str, Any]) -> Iterator[tuple[re.Pattern[str], dict[str, Any]]]:
    for path, operations in document["paths"].items():
        pattern = re.escape(path)
        for name in re.findall(r"{(\w+)}", path):
            part = "(.+)" if name in _SLASHED else f"({_SEGMENT.get(name, '[^/]+')})"
            pattern = pattern.replace(re.escape(f"{{{name}}}"), part)
        yield re.compile(pattern), operations


def _bodies(media: str, text: str) -> list[Any]:
    if media in _JSON_TYPES:
        return [json.loads(text)]
    if media == "application/x-ndjson":
        return [json.loads(line) for line in text.splitlines() if line]
    return []  # CSV: its columns are checked by the export's own tests
