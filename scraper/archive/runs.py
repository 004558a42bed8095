"""Runs: one row of `runs` per crawl round of a site, for `scraper status` and the daemon's schedule.

`Run` is the bookkeeping around a round, written once for the one-off crawl and the daemon: it
opens a row per site as the round starts and closes each with its counts and how the round ended,
whatever ended it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from ..errors import ScraperError
from ..models import Counts
from .store import Archive

__all__ = ["RUN_COUNTS", "Run", "finish_run", "last_runs", "start_run"]

# The `Counts` fields a run keeps, in the order of its columns.
RUN_COUNTS = ("fetched", "new", "changed", "unchanged", "not_modified", "errors")
STOPPED = "stopped before the round finished"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def start_run(archive: Archive, site: str) -> int:
    with archive.transaction() as conn:
        cur = conn.execute("INSERT INTO runs (site, started, status) VALUES (?, ?, 'running')", (site, _now()))
        return int(cur.lastrowid or 0)


def finish_run(archive: Archive, run_id: int, counts: Counts, *, status: str = "ok", error: str | None = None) -> None:
    """Close a run with its counts; `status` is ok, failed or interrupted."""
    with archive.transaction() as conn:
        conn.execute(
            "UPDATE runs SET finished=?, status=?, fetched=?, new=?, changed=?, unchanged=?, not_modified=?,"
            " errors=?, error=? WHERE id=?",
            (_now(), status, *(getattr(counts, k) for k in RUN_COUNTS), error, run_id),
        )


def last_runs(archive: Archive) -> dict[str, dict[str, Any]]:
    """The latest finished-or-running run of each site."""
    sql = "SELECT r.* FROM runs r JOIN (SELECT site, max(id) AS id FROM runs GROUP BY site) m ON r.id = m.id"
    return {row["site"]: row for row in archive.db.query(sql)}


class Run:
    """`with Run(db_path, sites) as run:` records one round of `sites`.

    The round puts what it did in `run.counts`, and may mark `run.status` "interrupted" when it
    stopped early.  Leaving the block by an exception closes the runs as interrupted (cancelled,
    Ctrl-C) or failed (any other error, named in `run.error`), then lets the exception go on.
    """

    def __init__(self, db_path: Path | str, sites: Iterable[str]) -> None:
        self.db_path = db_path
        self.sites = list(sites)
        self.counts: dict[str, Counts] = {}
        self.status = "ok"
        self.error: str | None = None
        self._ids: dict[str, int] = {}

    def __enter__(self) -> Run:
        try:
            with Archive(self.db_path) as archive:
                self._ids = {site: start_run(archive, site) for site in self.sites}
        except ScraperError as exc:  # no run to close: say so to whoever reports the round
            self.status, self.error = "failed", str(exc)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if isinstance(exc, asyncio.CancelledError | KeyboardInterrupt):
            self.status, self.error = "interrupted", STOPPED
        elif isinstance(exc, ScraperError):
            self.status, self.error = "failed", str(exc)
        elif exc is not None:
            self.status, self.error = "failed", f"{type(exc).__name__}: {exc}"
        with Archive(self.db_path) as archive:
            for site, run_id in self._ids.items():
                finish_run(archive, run_id, self.counts.get(site, Counts()), status=self.status, error=self.error)
