"""COMMENTDESK_LOG_FORMAT=json: one JSON object per line, each with the trace id (issue 9)."""

from __future__ import annotations

import json
import logging

import pytest

from service.errors import SettingsError
from service.logs import JsonFormatter, TraceIdFilter, traced
from service.settings import Settings


def record(message: str) -> logging.LogRecord:
    made = logging.LogRecord("service.test", logging.WARNING, __file__, 1, message, (), None)
    TraceIdFilter().filter(made)
    return made


def test_json_lines_carry_the_trace_id_of_the_request_or_job() -> None:
    with traced("a1b2c3d4e5f60718"):
        inside = json.loads(JsonFormatter().format(record("enqueue failed")))
    outside = json.loads(JsonFormatter().format(record("idle")))
    assert inside["trace_id"] == "a1b2c3d4e5f60718"
    assert (inside["level"], inside["logger"], inside["message"]) == (
        "WARNING", "service.test", "enqueue failed",
    )  # fmt: skip
    assert outside["trace_id"] == "-"


def test_log_format_is_a_setting() -> None:
    assert Settings.from_env({"COMMENTDESK_LOG_FORMAT": "JSON"}).log_format == "json"
    assert Settings.from_env({}).log_format == "text"
    with pytest.raises(SettingsError, match="COMMENTDESK_LOG_FORMAT"):
        Settings.from_env({"COMMENTDESK_LOG_FORMAT": "xml"})
