"""Every error of errors.py crosses a process boundary (the extraction pool) as itself."""

from __future__ import annotations

import inspect
import pickle

import pytest

from scraper import errors

SAMPLES = {
    errors.ConfigError: ("config/sites/x.toml", "every", "not a duration"),
    errors.ExtractError: ("https://example.org/x", errors.ExtractError.EMPTY),
    errors.ConfigErrors: (
        [errors.ConfigError("config/sites/x.toml", "every", "not a duration"), errors.ConfigError("s.toml", None, "x")],
    ),
}


def _classes() -> list[type[errors.ScraperError]]:
    return [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, errors.ScraperError)]


@pytest.mark.parametrize("cls", _classes(), ids=lambda c: c.__name__)
def test_error_round_trips_through_pickle(cls: type[errors.ScraperError]) -> None:
    if cls in SAMPLES:
        error = cls(*SAMPLES[cls])  # type: ignore[arg-type]
    elif issubclass(cls, errors.FetchError):
        error = cls("https://example.org/x", "HTTP 503", status=503, retry_after=2.0)
    else:
        error = cls("the archive is locked")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls and str(copy) == str(error) and vars(copy) == vars(error)


def test_every_error_class_is_sampled() -> None:
    """A new error class with a new __init__ must be added above, not silently skipped."""
    assert len(_classes()) >= 9
