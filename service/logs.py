"""Structured logs: one JSON object per line with time, level, logger, message and request_id.

Access lines (written by `service.gunicorn_hooks.JsonGunicornLogger`) add method, path (without
its query string), status, size and duration_ms, and nothing else about the request: no client
address, no user agent, no body. Exceptions are logged by type and traceback frames only,
because an exception's message may quote the ad.
"""

from __future__ import annotations

import json
import logging
import traceback
from datetime import UTC, datetime
from typing import Any

from flask import g, has_request_context

# Extra attributes of a record that become fields of its JSON line.
ACCESS_FIELDS = ("method", "path", "status", "size", "duration_ms")


def current_request_id() -> str | None:
    if has_request_context():
        return g.get("request_id")
    return None


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        timestamp = datetime.fromtimestamp(record.created, tz=UTC)
        line: dict[str, Any] = {
            "time": timestamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        for field in ACCESS_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                line[field] = value
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            line["exception"] = type(error).__name__
            line["traceback"] = "".join(traceback.format_tb(error.__traceback__))
        return json.dumps(line, ensure_ascii=True, default=str)
