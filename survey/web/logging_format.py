"""One JSON object per log line, secrets scrubbed from free text; no Flask here (gunicorn uses it too)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys

HANDLER_NAME = "hailong"
# Fields a record may carry besides the message (set by logging_requests for the request's records).
CONTEXT_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "remote_addr", "user_id")
# Nothing we log on purpose holds a device token or a phone number; these catch one that slips into a
# message or a traceback (a value echoed in an exception, say) before it reaches a log file.
SCRUBBED = (
    (re.compile(r"\b(hl[a-z])_[A-Za-z0-9_-]{8,}"), r"\1_[redacted]"),
    (re.compile(r"(?<![\w.])(?:\+84|0)\d{9,10}(?![\w.])"), "[phone]"),
)


def scrub(text: str) -> str:
    """Replace device tokens and phone numbers in ``text``."""
    for pattern, replacement in SCRUBBED:
        text = pattern.sub(replacement, text)
    return text


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON: time (UTC), level, logger, message, context, exception."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as a JSON object on one line."""
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
            "pid": record.process,
        }
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, separators=(",", ":"), default=str)


class StdoutHandler(logging.StreamHandler):
    """Write to whatever ``sys.stdout`` is when a record is written (servers and tests replace it)."""

    def __init__(self) -> None:
        super().__init__()
        self.name = HANDLER_NAME
        self.setFormatter(JsonFormatter())

    @property
    def stream(self):
        """Return the current standard output."""
        return sys.stdout

    @stream.setter
    def stream(self, _value) -> None:
        """Ignore the stream StreamHandler.__init__ sets: the current standard output is always used."""
