"""Cursor pagination arguments shared by every listing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from service.errors import FieldError, ValidationError
from service.http.call import Call
from service.http.queries import PageQuery


def page_args(call: Call) -> tuple[str | None, int]:
    """The ``cursor`` and ``limit`` of a listing (limit defaults from settings)."""
    query = call.query_as(PageQuery)
    return query.cursor, query.limit or call.resources.settings.default_page_size


@contextmanager
def cursor_pointer() -> Iterator[None]:
    """Point cursor errors from the store at the query parameter that carried the cursor."""
    try:
        yield
    except ValidationError as exc:
        raise ValidationError(
            [
                FieldError("/query/cursor", e.detail) if e.pointer == "/cursor" else e
                for e in exc.errors
            ]
        ) from exc
