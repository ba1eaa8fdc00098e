"""Conditions on a comment-id column for ids that came from outside (a client, a file).

Comment ids are stored as their 16 bytes (``service.column_types.CommentId``), which refuses a
string that is not one rather than compare it as something else. A string in another shape
names no comment, so a lookup treats it as an unknown id: these give "no row" for it instead of
a query the column type refuses.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, SQLColumnExpression, false

from service.domain.comment_ids import is_comment_id


def equals_comment_id(column: SQLColumnExpression[str], value: str) -> ColumnElement[bool]:
    """``column = value``; false when ``value`` is not a comment id (no row has it)."""
    return column == value if is_comment_id(value) else false()


def in_comment_ids(column: SQLColumnExpression[str], values: Iterable[str]) -> ColumnElement[bool]:
    """``column IN values``, leaving out the values that are not comment ids."""
    return column.in_(comment_ids_only(values))


def comment_ids_only(values: Iterable[str]) -> list[str]:
    """The values that are comment ids (the others name no comment)."""
    return [v for v in values if is_comment_id(v)]
