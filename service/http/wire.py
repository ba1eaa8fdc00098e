"""The API's shapes on the wire: msgspec Structs that decode, validate, encode and document.

Every request body, query string and response body is one Struct declared once; the same class
validates what comes in (``decoding.py``), encodes what goes out
(``JsonResponse``), and is the JSON Schema of the OpenAPI document (``openapi.py``).
Strings come in two kinds, each a pattern msgspec checks while decoding:

- ``LINE``: identifiers, names and codes: no control or bidi-override characters at all;
- ``TEXT``: free text a reader wrote: line breaks and tabs are fine, other controls are not.

Both refuse blank strings. NUL and unpaired surrogates never get that far: the JSON decoder
refuses them, and ``wire_errors`` says which member held them.
"""

from __future__ import annotations

import functools
import re
import types
import unicodedata
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar, Union, cast, get_args, get_origin

import msgspec
from msgspec import Meta
from starlette.background import BackgroundTask
from starlette.responses import Response

from service.domain.comment_ids import COMMENT_ID_PATTERN

# Every integer we store fits a signed 64-bit column; narrower columns say so on their field.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
# Characters that reorder or hide text in a moderator's view (U+202E turns "LTR eman" into
# "name RTL"): embeddings, overrides and isolates.
_BIDI_CODES = frozenset([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
# One regex per kind of text (a per-character loop cost ~2 ms on a 10,000-character body).
_SURROGATES_AND_C0_C1 = r"\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_FORBIDDEN = {
    "text": re.compile(f"[{_SURROGATES_AND_C0_C1}]"),
    "line": re.compile(f"[{_SURROGATES_AND_C0_C1}" r"\t\n\r\u202a-\u202e\u2066-\u2069]"),
}
_LINE_CLASS = r"\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069"
_TEXT_CLASS = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"


def _pattern(forbidden: str) -> str:
    # Allowed white space, one character that is neither white space nor forbidden, then
    # anything allowed: linear however long the string (a class on both sides of the
    # non-blank character would backtrack quadratically on a forbidden last character).
    return rf"^[^\S{forbidden}]*[^\s{forbidden}][^{forbidden}]*$"


LINE = Meta(min_length=1, pattern=_pattern(_LINE_CLASS))
TEXT = Meta(min_length=1, pattern=_pattern(_TEXT_CLASS))
INT64 = Meta(ge=INT64_MIN, le=INT64_MAX)
INT32 = Meta(ge=INT32_MIN, le=INT32_MAX)
# Response members: how a time and a count are documented.
TIME = Meta(extra_json_schema={"format": "date-time"})
# A comment id, in the one form the service writes (service.domain.comment_ids): documented on
# every member that holds one and checked where a request names a comment it must find.
COMMENT_ID = Meta(
    pattern=COMMENT_ID_PATTERN,
    description="a comment id: a UUID, lowercase",
    extra_json_schema={"format": "uuid"},
)
CommentIdText = Annotated[str, COMMENT_ID]


class Request(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A request body or query string: unknown members are errors."""


class Response_(msgspec.Struct, kw_only=True):  # noqa: N801 (Starlette owns "Response")
    """A response body: encoded in declaration order; ``UNSET`` members are left out."""


Shape = TypeVar("Shape", bound=msgspec.Struct)


def character_problem(value: str, text: str = "line") -> str | None:
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


def normalised(value: str, name: str, max_length: int | None, text: str = "text") -> str:
    """NFKC and stripped, for free text readers will see; ValueError naming ``name`` when the
    result is blank, over-long or holds a forbidden character (compatibility characters can
    expand: "ﷺ" is 18 characters)."""
    result = unicodedata.normalize("NFKC", value).strip()
    problem = "must not be empty" if not result else character_problem(result, text)
    if problem is None and max_length is not None and len(result) > max_length:
        problem = f"must be at most {max_length} characters (got {len(result)})"
    if problem is not None:
        raise ValueError(f"`{name}` {problem}")  # wire_errors points at the member
    return result


def max_length_of(shape: type[msgspec.Struct], name: str) -> int | None:
    """The length limit msgspec checks on member ``name`` of ``shape``."""
    return _max_lengths(shape).get(name)


@functools.cache
def _max_lengths(shape: type[msgspec.Struct]) -> dict[str, int | None]:
    info = msgspec.inspect.type_info(shape)
    assert isinstance(info, msgspec.inspect.StructType)
    limits: dict[str, int | None] = {}
    for field in info.fields:
        kind = field.type.type if isinstance(field.type, msgspec.inspect.Metadata) else field.type
        limits[field.name] = getattr(kind, "max_length", None)
    return limits


def escape_pointer(name: str) -> str:
    """A member name as a JSON pointer token (RFC 6901)."""
    return name.replace("~", "~0").replace("/", "~1")


def with_limits(shape: type[Shape], **limits: Meta) -> type[Shape]:
    """``shape`` with constraints that come from settings added to some of its members (a page
    size limit, the comment length): a subclass of the same name, so it documents as one."""
    fields = msgspec.structs.fields(shape)
    overridden = [
        (field.name, _constrained(field.type, limits[field.name]), field.default)
        for field in fields
        if field.name in limits
    ]
    made = msgspec.defstruct(
        shape.__name__,
        overridden,  # a default of NODEFAULT keeps a member required
        bases=(shape,),
        module=shape.__module__,
        kw_only=True,
        forbid_unknown_fields=True,
    )
    return cast(type[Shape], made)


def _constrained(annotation: Any, meta: Meta) -> Any:
    args = get_args(annotation)
    if get_origin(annotation) in (Union, types.UnionType) and type(None) in args:
        (inner,) = [a for a in args if a is not type(None)]
        return Annotated[inner, meta] | None
    return Annotated[annotation, meta]


class JsonResponse(Response):
    """A Struct (or plain JSON value) encoded by msgspec."""

    media_type = "application/json"

    def __init__(
        self,
        content: Any,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        super().__init__(content, status_code, headers, None, background)

    def render(self, content: Any) -> bytes:
        return msgspec.json.encode(content)
