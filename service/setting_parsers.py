"""Parsers of setting values: each returns the value or raises ValueError with a plain reason.

The reason states the bounds (``must be a positive integer``); ``Setting.invalid`` adds the
variable and the value it had.
"""

from __future__ import annotations

import ipaddress


def positive_int(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise ValueError("must be a positive integer")
    return value


def port(raw: str) -> int:
    value = int(raw)
    if not 0 <= value <= 65535:
        raise ValueError("must be a TCP port between 0 and 65535")
    return value


def positive_float(raw: str) -> float:
    value = float(raw)
    if not value > 0:
        raise ValueError("must be a positive number")
    return value


def non_negative_float(raw: str) -> float:
    value = float(raw)
    if not value >= 0:
        raise ValueError("must be zero or a positive number")
    return value


def milliseconds(raw: str) -> float:
    """Zero or more milliseconds, as seconds."""
    return non_negative_float(raw) / 1000.0


def positive_milliseconds(raw: str) -> float:
    """More than zero milliseconds, as seconds."""
    return positive_float(raw) / 1000.0


def share(raw: str) -> float:
    value = float(raw)
    if not 0.0 < value <= 1.0:
        raise ValueError("must be a share greater than 0 and at most 1, e.g. 0.99")
    return value


def niceness(raw: str) -> int:
    value = int(raw)
    if not 0 <= value <= 19:
        raise ValueError("must be an integer from 0 (no change) to 19 (lowest priority)")
    return value


def auto_bool(raw: str) -> bool | None:
    """``auto`` (None), or a boolean."""
    value = raw.strip().lower()
    if value == "auto":
        return None
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError("must be auto, true or false")


def boolean(raw: str) -> bool:
    value = auto_bool(raw)
    if value is None:
        raise ValueError("must be true or false")
    return value


def text(raw: str) -> str:
    return raw


def proxy_list(raw: str) -> str:
    """Comma-separated addresses or networks, or ``*``; normalised to ``a,b``."""
    entries = [part.strip() for part in raw.split(",") if part.strip()]
    for entry in entries:
        if entry != "*":
            ipaddress.ip_network(entry, strict=False)  # ValueError names the bad entry
    return ",".join(entries)


def log_format(raw: str) -> str:
    value = raw.strip().lower()
    if value not in {"text", "json"}:
        raise ValueError("must be text or json")
    return value


def log_level(raw: str) -> str:
    level = raw.upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
    return level
