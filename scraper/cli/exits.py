"""Errors to exit codes: each `ScraperError` becomes one line on stderr and an exit code, never a traceback."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
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
            echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]
