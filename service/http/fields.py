"""A small declarative schema for JSON bodies and query strings.

The same declarations validate requests and generate the OpenAPI JSON Schema, so the document
cannot drift from what the parser accepts. Errors carry JSON pointers: body fields are pointed at
from the document root (``/author/id``), query parameters as ``/query/<name>``.
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Any, Literal

from service.errors import FieldError, ValidationError

Kind = Literal["string", "integer", "number", "object", "array"]
# "line": identifiers, names and codes: no control or bidi-override characters at all.
# "text": free text a reader wrote: line breaks and tabs are fine, other controls are not.
Text = Literal["line", "text"]
Fields = Mapping[str, "Field"]

# Every integer we store fits a signed 64-bit column; narrower columns say so on their field.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
# Characters that reorder or hide text in a moderator's view (U+202E turns "LTR eman" into
# "name RTL"): embeddings, overrides and isolates.
_BIDI_CODES = frozenset([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
# One regex per kind of text (a per-character loop cost ~2 ms on a 10,000-character body).
_SURROGATES_AND_C0_C1 = r"\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_FORBIDDEN: dict[Text, re.Pattern[str]] = {
    "text": re.compile(f"[{_SURROGATES_AND_C0_C1}]"),
    "line": re.compile(f"[{_SURROGATES_AND_C0_C1}" r"\t\n\r\u202a-\u202e\u2066-\u2069]"),
}


# The same rules as JSON Schema patterns, for the OpenAPI document: at least one character that
# is not white space (blank strings are refused), and none of the forbidden ones (a "line" may
# start with spaces, a "text" also with line breaks and tabs).
_LINE_CLASS = r"\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069"
_TEXT_CLASS = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
STRING_PATTERNS: dict[Text, str] = {
    "line": rf"^ *[^\s{_LINE_CLASS}][^{_LINE_CLASS}]*$",
    "text": rf"^[ \t\n\r]*[^\s{_TEXT_CLASS}][^{_TEXT_CLASS}]*$",
}


@dataclasses.dataclass(frozen=True)
class Field:
    """One accepted field: its JSON type, limits, and documentation."""

    kind: Kind
    description: str
    required: bool = False
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    normalise: bool = False  # NFKC + strip: for free text that readers will see
    text: Text = "line"  # which characters a string may hold (see Text)
    fields: Fields | None = None  # the members of an object
    items: Field | None = None  # the element of an array (its max_length caps the item count)
    example: Any = None


def parse_body(fields: Fields, data: Any) -> dict[str, Any]:
    """Validate a decoded JSON body; raise ValidationError listing every bad field."""
    errors: list[FieldError] = []
    values = _parse_object(fields, data, "", errors)
    if errors:
        raise ValidationError(errors)
    return values


def parse_query(fields: Fields, params: Mapping[str, str]) -> dict[str, Any]:
    """Validate query parameters (strings coerced to the declared kind); unknown ones are errors."""
    errors = [
        FieldError(f"/query/{name}", "is not a known parameter")
        for name in params
        if name not in fields
    ]
    values: dict[str, Any] = {}
    for name, field in fields.items():
        raw = params.get(name)
        pointer = f"/query/{name}"
        values[name] = None if raw is None else _check(field, _coerce(field, raw), pointer, errors)
        if values[name] is None and field.required:
            errors.append(FieldError(pointer, "is required"))
    if errors:
        raise ValidationError(errors)
    return values


def _parse_object(
    fields: Fields, data: Any, pointer: str, errors: list[FieldError]
) -> dict[str, Any]:
    if not isinstance(data, dict):
        errors.append(FieldError(pointer, "must be a JSON object"))
        return {}
    errors.extend(
        FieldError(f"{pointer}/{escape_pointer(name)}", "is not a known field")
        for name in data
        if name not in fields
    )
    values: dict[str, Any] = {}
    for name, field in fields.items():
        member = f"{pointer}/{escape_pointer(name)}"
        raw = data.get(name)
        if raw is None:
            if field.required:
                errors.append(FieldError(member, "is required"))
            values[name] = None
        elif field.kind == "object":
            values[name] = _parse_object(field.fields or {}, raw, member, errors)
        elif field.kind == "array":
            values[name] = _parse_array(field, raw, member, errors)
        else:
            values[name] = _check(field, raw, member, errors)
    return values


def _parse_array(field: Field, data: Any, pointer: str, errors: list[FieldError]) -> list[Any]:
    if not isinstance(data, list):
        errors.append(FieldError(pointer, "must be an array"))
        return []
    if field.max_length is not None and len(data) > field.max_length:
        errors.append(FieldError(pointer, f"must have at most {field.max_length} items"))
        return []
    if field.items is None:
        raise TypeError(f"array field {pointer} declares no items")
    found = [_check(field.items, item, f"{pointer}/{i}", errors) for i, item in enumerate(data)]
    return [item for item in found if item is not None]


def _check(field: Field, value: Any, pointer: str, errors: list[FieldError]) -> Any:
    problem = _type_problem(field.kind, value)
    if problem is None and field.kind == "string":
        value = unicodedata.normalize("NFKC", value).strip() if field.normalise else value
        problem = _string_problem(field, value)
    elif problem is None:
        problem = _number_problem(field, value)
    if problem is not None:
        errors.append(FieldError(pointer, problem))
        return None
    return value


def _type_problem(kind: Kind, value: Any) -> str | None:
    if kind == "string" and not isinstance(value, str):
        return "must be a string"
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "integer" and not (is_number and float(value).is_integer()):
        return "must be an integer"
    if kind == "number" and not (is_number and math.isfinite(value)):
        return "must be a number"
    return None


def _string_problem(field: Field, value: str) -> str | None:
    if not value.strip():
        return "must not be empty"
    if (bad := character_problem(value, field.text)) is not None:
        return bad
    if field.max_length is not None and len(value) > field.max_length:
        return f"must be at most {field.max_length} characters (got {len(value)})"
    if field.choices and value not in field.choices:
        return f"must be one of: {', '.join(field.choices)}"
    return None


def character_problem(value: str, text: Text = "line") -> str | None:
    """Why ``value`` may not be stored (NUL, an unpaired surrogate, a control character)."""
    found = _FORBIDDEN[text].search(value)
    if found is None:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        return "must not contain an unpaired surrogate (it is not valid Unicode text)"
    if code == 0:
        return "must not contain NUL characters"
    if code in _BIDI_CODES:
        return f"must not contain bidirectional control characters (U+{code:04X})"
    return f"must not contain control characters (U+{code:04X})"


def _number_problem(field: Field, value: float) -> str | None:
    if field.minimum is not None and value < field.minimum:
        return f"must be at least {field.minimum:g}"
    if field.maximum is not None and value > field.maximum:
        return f"must be at most {field.maximum:g}"
    if field.kind == "integer" and not INT64_MIN <= value <= INT64_MAX:
        return f"must be between {INT64_MIN} and {INT64_MAX}"
    return None


def _coerce(field: Field, raw: str) -> Any:
    try:
        if field.kind == "integer":
            return int(raw)
        if field.kind == "number":
            return float(raw)
    except ValueError:
        return raw  # left as a string, so the type check reports it
    return raw


def escape_pointer(name: str) -> str:
    """A member name as a JSON pointer token (RFC 6901)."""
    return name.replace("~", "~0").replace("/", "~1")


def json_schema(fields: Fields) -> dict[str, Any]:
    """The JSON Schema (2020-12, as OpenAPI 3.1 uses) of an object with these fields."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [name for name, f in fields.items() if f.required],
        "properties": {name: _member_schema(f) for name, f in fields.items()},
    }


def _member_schema(field: Field) -> dict[str, Any]:
    """A member's schema; an optional member may also be null (the parser reads null as
    absent)."""
    schema = field_schema(field)
    if field.required:
        return schema
    schema["type"] = [schema["type"], "null"]
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    return schema


def field_schema(field: Field) -> dict[str, Any]:
    """The JSON Schema of one field."""
    if field.kind == "array" and field.items is not None:
        return {
            "type": "array",
            "description": field.description,
            "items": field_schema(field.items),
            "maxItems": field.max_length,
        }
    is_object = field.kind == "object"
    schema: dict[str, Any] = json_schema(field.fields or {}) if is_object else {"type": field.kind}
    schema["description"] = field.description
    limits = {
        "maxLength": field.max_length,
        "minimum": field.minimum,
        "maximum": field.maximum,
        "enum": list(field.choices) or None,
        "example": field.example,
    }
    schema.update({key: value for key, value in limits.items() if value is not None})
    if field.kind == "string":
        schema["minLength"] = 1
        schema["pattern"] = STRING_PATTERNS[field.text]
    return schema
