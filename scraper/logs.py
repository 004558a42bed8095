"""Logging setup for long-running commands: text or JSON lines, to stderr or a file.

Modules log through `logging.getLogger(__name__)` and pass structured fields with
`extra={"url": ..., "site": ...}`; the JSON formatter keeps them as keys so logs can be queried.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .text import escape_c1_json, strip_controls

__all__ = ["JSONFormatter", "TextFormatter", "configure_logging"]

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class TextFormatter(logging.Formatter):
    """The standard text format, with control characters and escape sequences (from scraped URLs,
    titles and server messages) removed before the line reaches a terminal or a log file."""

    def format(self, record: logging.LogRecord) -> str:
        return strip_controls(super().format(record))


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and any `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return escape_c1_json(json.dumps(data, ensure_ascii=False, default=str))  # json escapes C0 itself


class _SkipOverlapNotices(logging.Filter):
    """APScheduler warns each time a site's interval fires while its previous round is still running.
    With `max_instances=1` that is the intended behaviour (the next round starts on a later tick), so
    on a short interval the warning would only drown real errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


class _Stderr(logging.StreamHandler[Any]):
    """stderr as it is when a record is written, not when logging was set up: a progress bar swaps it
    for a proxy that prints each line above the bar, instead of gluing the record onto it."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass  # StreamHandler.__init__ sets it; the current sys.stderr is always the one


def configure_logging(level: str = "INFO", log_file: Path | None = None, fmt: str = "text") -> None:
    """Replace the root handlers: one handler, to `log_file` (appending) or stderr."""
    handler: logging.Handler = logging.FileHandler(log_file, encoding="utf-8") if log_file else _Stderr()
    if fmt == "json":
        handler.setFormatter(JSONFormatter())
    else:
        handler.setFormatter(TextFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level.upper())
    # httpx logs every request at INFO; ours already does, with the outcome.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, root.level))
    handler.addFilter(_SkipOverlapNotices())
