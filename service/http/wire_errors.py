"""Why a body or a query string did not decode: the API's words, with a JSON pointer.

msgspec stops at the first fault and says where (``- at `$.author.id```); the words clients see
are the API's own (``must be a string``, ``is not a known field``), worked out here from the
value that was sent and the declared type at that place. This runs only for a request already
refused, so it may decode the body a second time.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import msgspec
from msgspec import inspect

from service.domain.comment_ids import is_comment_id
from service.errors import CommentDeskError, FieldError, MalformedRequestError, ValidationError
from service.http.wire import COMMENT_ID, TEXT, character_problem, escape_pointer

# No request of this API nests deeper than a few levels; deeper input is refused before
# anything walks it.
MAX_DEPTH = 32
_AT = re.compile(r" - at `(\$[^`]*)`$")
_TOKEN = re.compile(r"\.([^.\[]+)|\[(\d+)\]")
_MEMBER = re.compile(r"^`(\w+)` (.+)$")  # wire.normalised's errors name their member


def body_error(raw: bytes, shape: type[Any], exc: msgspec.DecodeError) -> CommentDeskError:
    """The 400 or 422 for a body msgspec refused: JSON syntax, then depth, then any string
    that may not be stored (wherever it is), then the first member at fault."""
    try:
        document = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        return too_deep()
    except (ValueError, UnicodeDecodeError) as error:
        return MalformedRequestError(f"the body is not valid JSON: {error}")
    errors: list[FieldError] = []
    check_strings(document, "", 0, errors)
    if errors:
        return ValidationError(errors)
    if not isinstance(exc, msgspec.ValidationError):
        return MalformedRequestError(f"the body is not valid JSON: {exc}")
    return ValidationError(_problems(str(exc), document, shape, "", "is not a known field"))


def query_error(
    params: Mapping[str, str], shape: type[Any], exc: msgspec.ValidationError
) -> ValidationError:
    """The 422 for a query string, pointing at ``/query/<name>``."""
    document = dict(params)
    return ValidationError(
        _problems(str(exc), document, shape, "/query", "is not a known parameter", as_text=True)
    )


def check_strings(value: Any, pointer: str, depth: int, errors: list[FieldError]) -> None:
    """Every string, member names included, must be text we can store and echo back."""
    if depth > MAX_DEPTH:
        raise too_deep()
    if isinstance(value, str):
        if (problem := character_problem(value, "text")) is not None:
            errors.append(FieldError(pointer, problem))
    elif isinstance(value, dict):
        for name, member in value.items():
            if (problem := character_problem(name, "text")) is not None:
                errors.append(FieldError(pointer, f"a member name {problem}"))
                continue
            check_strings(member, f"{pointer}/{escape_pointer(name)}", depth + 1, errors)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_strings(item, f"{pointer}/{index}", depth + 1, errors)


def too_deep() -> MalformedRequestError:
    """The 400 for a body nested deeper than any request of this API."""
    return MalformedRequestError(f"the JSON body nests deeper than {MAX_DEPTH} levels")


def _problems(
    message: str,
    document: Any,
    shape: type[Any],
    prefix: str,
    unknown: str,
    *,
    as_text: bool = False,
) -> list[FieldError]:
    if document is None:  # a JSON null body: _walk reads a missing value as "is required"
        return [FieldError(prefix, "must be a JSON object")]
    errors: list[FieldError] = []
    _walk(document, inspect.type_info(shape), prefix, errors, unknown, as_text)
    if errors:
        return errors
    # Nothing the declared types explain: a member wire.normalised refused, in msgspec's words.
    at = _AT.search(message)
    head = message[: at.start()] if at else message
    pointer = prefix + "".join(
        f"/{escape_pointer(name or index)}"
        for name, index in _TOKEN.findall(at.group(1) if at else "")
    )
    if (named := _MEMBER.match(head)) is not None:
        return [FieldError(f"{pointer}/{named.group(1)}", named.group(2))]
    return [FieldError(pointer, head)]


def _walk(
    value: Any,
    kind: inspect.Type,
    pointer: str,
    errors: list[FieldError],
    unknown: str,
    as_text: bool = False,
) -> None:
    """Every member at fault, as the API has always listed them: unknown and missing members,
    then each value against its declared type and limits."""
    struct = _unwrapped(kind)
    if isinstance(struct, inspect.StructType) and isinstance(value, dict):
        names = {field.encode_name for field in struct.fields}
        errors.extend(
            FieldError(f"{pointer}/{escape_pointer(n)}", unknown) for n in value if n not in names
        )
        for field in struct.fields:
            member, at = value.get(field.encode_name), f"{pointer}/{field.encode_name}"
            if member is None:
                if field.required:
                    errors.append(FieldError(at, "is required"))
                continue
            _walk(_from_text(member, field.type) if as_text else member, field.type, at, errors,
                  unknown)  # fmt: skip
        return
    problem = _describe(value, kind)
    if problem is not None:
        errors.append(FieldError(pointer, problem))
    elif isinstance(struct, inspect.ListType) and isinstance(value, list):
        for index, item in enumerate(value):
            item_pointer = f"{pointer}/{index}"
            if item is None:
                errors.append(FieldError(item_pointer, "must not be null"))
            else:
                _walk(item, struct.item_type, item_pointer, errors, unknown)


def _unwrapped(kind: inspect.Type) -> inspect.Type:
    """The type without its documentation and without ``| None``."""
    if isinstance(kind, inspect.Metadata):
        return _unwrapped(kind.type)
    if isinstance(kind, inspect.UnionType):
        others = [t for t in kind.types if not isinstance(t, inspect.NoneType)]
        if len(others) == 1:
            return _unwrapped(others[0])
    return kind


def _from_text(value: Any, kind: inspect.Type) -> Any:
    """A query value as the number its parameter declares, when it is one."""
    kind = _unwrapped(kind)
    try:
        if isinstance(kind, inspect.IntType):
            return int(value)
        if isinstance(kind, inspect.FloatType):
            return float(value)
    except (TypeError, ValueError):
        pass
    return value


def _describe(value: Any, kind: inspect.Type) -> str | None:
    kind = _unwrapped(kind)
    if value is None:
        return "is required"
    if isinstance(kind, inspect.StrType):
        return _string_problem(value, kind)
    if isinstance(kind, inspect.LiteralType | inspect.EnumType):
        choices = kind.values if isinstance(kind, inspect.LiteralType) else _enum_values(kind)
        if not isinstance(value, str):
            return "must be a string"
        if value in choices:  # a valid member beside an invalid one is not at fault
            return None
        return f"must be one of: {', '.join(str(c) for c in choices)}"
    if isinstance(kind, inspect.DateTimeType):
        return _datetime_problem(value, kind)
    if isinstance(kind, inspect.IntType | inspect.FloatType):
        return _number_problem(value, kind)
    if isinstance(kind, inspect.ListType):
        if not isinstance(value, list):
            return "must be an array"
        if kind.max_length is not None and len(value) > kind.max_length:
            return f"must have at most {kind.max_length} items"
    if isinstance(kind, inspect.StructType | inspect.DictType) and not isinstance(value, dict):
        return "must be a JSON object"
    if isinstance(kind, inspect.BoolType) and not isinstance(value, bool):
        return "must be true or false"
    return None


def _datetime_problem(value: Any, kind: inspect.DateTimeType) -> str | None:
    try:
        moment = msgspec.convert(value, datetime)
    except msgspec.ValidationError:
        return "must be an RFC 3339 date-time, e.g. 2026-12-24T18:00:00Z"
    if kind.tz and moment.tzinfo is None:
        return "must have a time zone, e.g. 2026-12-24T18:00:00Z"
    return None


def _enum_values(kind: inspect.EnumType) -> list[Any]:
    return [member.value for member in kind.cls]


def _string_problem(value: Any, kind: inspect.StrType) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    if not value.strip():
        return "must not be empty"
    if kind.pattern == COMMENT_ID.pattern:
        return None if is_comment_id(value) else "must be a comment id as the service gave it"
    text = "text" if kind.pattern == TEXT.pattern else "line"
    if (problem := character_problem(value, text)) is not None:
        return problem
    if kind.max_length is not None and len(value) > kind.max_length:
        return f"must be at most {kind.max_length} characters (got {len(value)})"
    return None


def _number_problem(value: Any, kind: inspect.IntType | inspect.FloatType) -> str | None:
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(kind, inspect.IntType) and not (is_number and isinstance(value, int)):
        return "must be an integer"
    if not is_number or not math.isfinite(value):
        return "must be a number"
    if kind.ge is not None and value < kind.ge:
        return f"must be at least {_shown(kind.ge)}"
    if kind.le is not None and value > kind.le:
        return f"must be at most {_shown(kind.le)}"
    return None


def _shown(bound: float) -> str:
    return str(bound) if isinstance(bound, int) else f"{bound:g}"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")
