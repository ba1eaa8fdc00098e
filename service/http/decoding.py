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
    numbers = _numbers(shape)
    values = {name: _number(numbers.get(name), text) for name, text in params.items()}
    try:
        # Strict: msgspec's lax mode would also read "null" as absent and "true" as a boolean.
        decoded: Shape = msgspec.convert(values, shape)
    except msgspec.ValidationError as exc:
        raise query_error(params, shape, exc) from exc
    return decoded


def _number(kind: type[int] | type[float] | None, text: str) -> int | float | str:
    if kind is None:
        return text
    try:
        return kind(text)
    except ValueError:
        return text  # left as text, so the type check refuses it


@functools.cache
def _numbers(shape: type[msgspec.Struct]) -> dict[str, type[int] | type[float]]:
    """The members of a query shape that are numbers, and which kind."""
    info = msgspec.inspect.type_info(shape)
    assert isinstance(info, msgspec.inspect.StructType)
    found: dict[str, type[int] | type[float]] = {}
    for field in info.fields:
        kinds = (
            field.type.types if isinstance(field.type, msgspec.inspect.UnionType) else [field.type]
        )
        for kind in kinds:
            kind = kind.type if isinstance(kind, msgspec.inspect.Metadata) else kind
            if isinstance(kind, msgspec.inspect.IntType):
                found[field.encode_name] = int
            elif isinstance(kind, msgspec.inspect.FloatType):
                found[field.encode_name] = float
    return found
