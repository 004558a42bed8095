"""Errors to exit codes: each `ScraperError` becomes one line on stderr and an exit code, never a traceback."""

from __future__ import annotations

import contextlib
import functools
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any, TypeVar

from ..errors import ConfigError, ScraperError
from .output import echo

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(func: F) -> F:
    """Turn our errors into one clear line: ConfigError exits 2, every other ScraperError exits 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            for line in str(exc).splitlines():  # ConfigErrors: every mistake of the run, one a line
                echo(f"config error: {line}", err=True)
            sys.exit(2)
        except ScraperError as exc:
            echo(f"Error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[list[int]]:
    """SIGTERM (`kill`, systemd, a container stop) stops a one-off command the way Ctrl-C does:
    asyncio cancels the round, which closes its run as interrupted.  Yields a list that holds
    SIGTERM's number once one arrived, for the exit code (143, not Ctrl-C's 130)."""
    got: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield got
        return

    def on_term(signum: int, frame: FrameType | None) -> None:
        got.append(signum)
        on_int = signal.getsignal(signal.SIGINT)
        if callable(on_int):  # asyncio's handler cancels the command's task; Python's own raises
            on_int(signal.SIGINT, frame)
        else:
            # SIGINT ignored, as a script's background job (`scraper crawl &`) starts: raising it
            # did nothing, and the crawl ran on to its end
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield got
    finally:
        signal.signal(signal.SIGTERM, previous)
