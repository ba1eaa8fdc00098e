"""One declaration per setting: the field of a settings dataclass carries everything about it.

``setting(...)`` declares a field together with the environment variables it is read from, the
parser that checks its value, and its description; ``section(...)`` nests another settings class.
Reading the environment (``values_from_env``) and the table in docs/operations.md
(``markdown_table``) are derived from these declarations, so neither can forget a setting.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
from collections.abc import Callable, Iterator, Mapping, Sized
from pathlib import Path
from typing import Any, Generic, TypeVar

from service.errors import SettingsError

T = TypeVar("T")

PREFIX = "COMMENTDESK_"


class _Key(enum.Enum):
    SETTING = "setting"
    SECTION = "section"


@dataclasses.dataclass(frozen=True)
class Setting(Generic[T]):
    """How one setting is read from the environment, and what the docs say about it."""

    variables: tuple[str, ...]  # read in this order; the first one set (and not empty) wins
    parse: Callable[[str], T]  # raises ValueError with a plain reason for a bad value
    doc: str
    shown: str | None = None  # the default as the docs show it; None: derived from the value
    redact: Callable[[str], str] = str  # how a bad value appears in the error (hide passwords)

    def read(self, environ: Mapping[str, str], default: T) -> T:
        """The parsed value of the first variable set, else ``default``."""
        for variable in self.variables:
            raw = environ.get(variable)
            if raw:
                try:
                    return self.parse(raw)
                except ValueError as exc:
                    raise self.invalid(variable, raw, str(exc)) from exc
        return default

    def invalid(self, variable: str, raw: str, reason: str) -> SettingsError:
        """The error for a bad value: it names the variable and the value."""
        return SettingsError(f"{variable}={self.redact(raw)!r} is invalid: {reason}")


def setting(
    name: str,
    default: T,
    parse: Callable[[str], T],
    doc: str,
    *,
    shown: str | None = None,
    variables: tuple[str, ...] = (),
    redact: Callable[[str], str] = str,
) -> T:
    """A settings field read from ``COMMENTDESK_<name>`` (or ``variables``, when given)."""
    spec = Setting(variables or (PREFIX + name,), parse, doc, shown, redact)
    metadata = {_Key.SETTING: spec}
    if type(default).__hash__ is None:  # a dict default: each instance gets its own copy
        return dataclasses.field(default_factory=lambda: copy.copy(default), metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def optional_setting(
    name: str,
    default: T | None,
    parse: Callable[[str], T],
    doc: str,
    *,
    shown: str | None = None,
) -> T | None:
    """A setting that ``off`` turns off (None), otherwise like ``setting``."""

    def parse_or_off(raw: str) -> T | None:
        return None if raw.strip().lower() == "off" else parse(raw)

    return setting(name, default, parse_or_off, doc, shown=shown)


def documented(spec: Setting[Any], factory: Callable[[], T]) -> T:
    """A field its class's own ``from_env`` reads with ``spec`` (declared and documented here)."""
    return dataclasses.field(default_factory=factory, metadata={_Key.SETTING: spec})


@dataclasses.dataclass(frozen=True)
class Section:
    """A nested settings class, read by its own ``from_env``."""

    read: Callable[[Mapping[str, str]], Any]
    settings_class: type[Any]
    note: str = ""  # appended to each of its settings' descriptions in the docs


def section(settings_class: type[T], read: Callable[[Mapping[str, str]], T], note: str = "") -> T:
    """A field holding a nested settings class."""
    spec = Section(read, settings_class, note)
    return dataclasses.field(default_factory=settings_class, metadata={_Key.SECTION: spec})


def values_from_env(settings_class: type[Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """The keyword arguments of ``settings_class`` read from ``environ``, field by field."""
    values: dict[str, Any] = {}
    for field in dataclasses.fields(settings_class):
        if (spec := field.metadata.get(_Key.SETTING)) is not None:
            values[field.name] = spec.read(environ, _default(field))
        elif (nested := field.metadata.get(_Key.SECTION)) is not None:
            values[field.name] = nested.read(environ)
    return values


def settings_of(settings_class: type[Any]) -> Iterator[tuple[Setting[Any], Any, str]]:
    """Each setting of a class and its sections, in declaration order: (spec, default, note)."""
    for field in dataclasses.fields(settings_class):
        if (spec := field.metadata.get(_Key.SETTING)) is not None:
            yield spec, _default(field), ""
        elif (nested := field.metadata.get(_Key.SECTION)) is not None:
            for inner, default, note in settings_of(nested.settings_class):
                yield inner, default, " ".join(filter(None, (note, nested.note)))


def undeclared_fields(settings_class: type[Any]) -> list[str]:
    """Fields that are neither a setting nor a section (each should be one)."""
    return [
        f.name
        for f in dataclasses.fields(settings_class)
        if _Key.SETTING not in f.metadata and _Key.SECTION not in f.metadata
    ]


def markdown_table(settings_class: type[Any]) -> str:
    """The settings table of docs/operations.md: variable, default, meaning."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for spec, default, note in settings_of(settings_class):
        shown = spec.shown if spec.shown is not None else show(default)
        meaning = " ".join(filter(None, (spec.doc, note)))
        lines.append(f"| `{spec.variables[0]}` | {shown} | {meaning} |")
    return "\n".join(lines) + "\n"


def show(value: Any) -> str:
    """A default value as the docs show it: ``unset`` for none, else in the variable's syntax."""
    if value is None or (isinstance(value, Sized) and not len(value)):
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float) and value.is_integer():
        return f"`{int(value)}`"
    if isinstance(value, Path | int | float | str):
        return f"`{value}`"
    raise TypeError(f"declare how the docs show the default {value!r} (shown=...)")


def _default(field: dataclasses.Field[Any]) -> Any:
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return field.default
