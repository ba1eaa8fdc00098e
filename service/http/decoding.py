"""Request bodies and query strings into their wire Structs, or a 400/422 saying why not."""

from __future__ import annotations

import functools
from collections.abc import Mapping

import msgspec

from service.http.wire import Shape
from service.http.wire_errors import body_error, query_error


@functools.cache
def _decoder(shape: type[Shape]) -> msgspec.json.Decoder[Shape]:
    return msgspec.json.Decoder(shape)


def decode_body(raw: bytes, shape: type[Shape]) -> Shape:
    """A JSON body as ``shape``; 400 when it is not JSON, 422 naming each member at fault."""
    try:
        decoded: Shape = _decoder(shape).decode(raw)
    except msgspec.DecodeError as exc:  # ValidationError is its subclass
        raise body_error(raw, shape, exc) from exc
    return decoded


def decode_query(params: Mapping[str, str], shape: type[Shape]) -> Shape:
    """Query parameters as ``shape`` (numbers converted from their text); 422 at
    ``/query/<name>`` otherwise."""
    try:
        decoded: Shape = msgspec.convert(dict(params), shape, strict=False)
    except msgspec.ValidationError as exc:
        raise query_error(params, shape, exc) from exc
    return decoded
