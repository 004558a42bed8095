"""`Run`: the bookkeeping around a crawl round, shared by `scraper crawl` and the daemon."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from scraper.archive.runs import Run
from scraper.errors import FetchError
from scraper.models import Counts, Outcome
from tests.conftest import rows

SQL = "SELECT site, status, fetched, new, errors, error, finished IS NOT NULL FROM runs ORDER BY id"


def test_a_round_that_ends_is_ok_with_its_counts(db_path: Path) -> None:
    counts = Counts()
    for outcome in (Outcome.NEW, Outcome.NEW, Outcome.ERROR, Outcome.DISALLOWED, Outcome.LISTING):
        counts.add(outcome, 100)
    with Run(db_path, ["a", "b"]) as run:
        run.counts["a"] = counts
    assert counts.as_dict() == {"fetched": 4, "new": 2, "errors": 1, "skipped": 1, "discovery": 1, "bytes": 400}
    assert rows(db_path, SQL) == [("a", "ok", 4, 2, 1, None, 1), ("b", "ok", 0, 0, 0, None, 1)]


@pytest.mark.parametrize(
    ("error", "status", "message"),
    [
        (FetchError("https://a.example/", "connection refused"), "failed", "https://a.example/: connection refused"),
        (ValueError("a bug"), "failed", "ValueError: a bug"),
        (KeyboardInterrupt(), "interrupted", "stopped before the round finished"),
        (asyncio.CancelledError(), "interrupted", "stopped before the round finished"),
    ],
)
def test_a_round_that_raises_is_closed_and_the_error_goes_on(
    db_path: Path, error: BaseException, status: str, message: str
) -> None:
    with pytest.raises(type(error)), Run(db_path, ["a"]):
        raise error
    assert rows(db_path, SQL) == [("a", status, 0, 0, 0, message, 1)]
