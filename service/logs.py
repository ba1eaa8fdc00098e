"""Log lines: plain text or JSON (``COMMENTDESK_LOG_FORMAT``), each with the trace id it serves.

The HTTP layer sets the request's trace id (the one in ``X-Trace-Id`` and in problem bodies)
and workers the RQ job id, in a context variable; a filter copies it onto every record, so a
line can be matched to the request or job that caused it. JSON lines are one object each, for
log shippers; the formatter is a few lines of stdlib ``json`` rather than another dependency.
"""

from __future__ import annotations

import contextvars
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from service.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(processName)s %(name)s: %(message)s [%(trace_id)s]"

current_trace_id: contextvars.ContextVar[str] = contextvars.ContextVar("trace_id", default="-")


@contextmanager
def traced(trace_id: str) -> Iterator[None]:
    """Log lines written inside carry ``trace_id``."""
    token = current_trace_id.set(trace_id)
    try:
        yield
    finally:
        current_trace_id.reset(token)


class TraceIdFilter(logging.Filter):
    """Puts the current trace id on every record (``-`` outside a request or job)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.trace_id = current_trace_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, trace id, process, exception."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "trace_id": getattr(record, "trace_id", "-"),
            "process": record.process,
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(settings: Settings) -> None:
    """Set up the root logger in the configured format, unless the program running us (a test
    runner, an embedding application) has set it up already."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    handler.addFilter(TraceIdFilter())
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(settings.log_level)
