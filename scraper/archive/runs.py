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

from ..errors import ScraperError, SiteBusy
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
    """`with Run(db_path, sites) as run:` records one round of `sites`, holding their crawl leases.

    Entering takes each site's lease (`crawl.lease`): a site another process is crawling on this
    archive is left out of `run.sites` and named in `run.busy`; when every site is busy, `SiteBusy`
    is raised and nothing is recorded.  The round puts what it did in `run.counts`, and may mark
    `run.status` "interrupted" when it stopped early.  On leaving, a site whose counts say the round
    failed (`Counts.failure`: unreachable, most requests failed) is closed as failed with the
    reason, also kept in `run.failures`.  Leaving by an exception closes the runs as interrupted
    (cancelled, Ctrl-C) or failed (any other error, named in `run.error`), then lets it go on.
    """

    def __init__(self, db_path: Path | str, sites: Iterable[str], *, lease_ttl: float = 60.0) -> None:
        self.db_path = db_path
        self.sites = list(sites)
        self.counts: dict[str, Counts] = {}
        self.status = "ok"
        self.error: str | None = None
        self.busy: dict[str, str] = {}  # site -> who is crawling it
        self.failures: dict[str, str] = {}  # site -> why its round failed
        self.lease_ttl = lease_ttl
        self._ids: dict[str, int] = {}
        self._token = ""
        self._heartbeat: Any = None

    def __enter__(self) -> Run:
        from ..crawl.lease import Heartbeat, acquire, new_token

        self._token = new_token()
        try:
            with Archive(self.db_path) as archive:
                for site in self.sites:
                    holder = acquire(archive, site, self._token, self.lease_ttl)
                    if holder is not None:
                        self.busy[site] = holder.describe()
                self.sites = [site for site in self.sites if site not in self.busy]
                if not self.sites:
                    raise SiteBusy("; ".join(self.busy.values()) + ": not crawling it twice")
                self._ids = {site: start_run(archive, site) for site in self.sites}
        except ScraperError as exc:  # no run to close: say so to whoever reports the round
            self.status, self.error = "failed", str(exc)
            self._release()
            raise
        self._heartbeat = Heartbeat(self.db_path, self.sites, self._token, self.lease_ttl).start()
        return self

    def _release(self) -> None:
        from ..crawl.lease import release

        if self._heartbeat is not None:
            self._heartbeat.stop()
            self._heartbeat = None
        if self.sites and self._token:
            with Archive(self.db_path) as archive:
                release(archive, self.sites, self._token)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if isinstance(exc, asyncio.CancelledError | KeyboardInterrupt):
            self.status, self.error = "interrupted", STOPPED
        elif isinstance(exc, ScraperError):
            self.status, self.error = "failed", str(exc)
        elif exc is not None:
            self.status, self.error = "failed", f"{type(exc).__name__}: {exc}"
        try:
            with Archive(self.db_path) as archive:
                for site, run_id in self._ids.items():
                    counts = self.counts.get(site, Counts())
                    status, error = self.status, self.error
                    reason = counts.failure()
                    if reason is not None:
                        self.failures[site] = reason
                        if status == "ok":
                            status, error = "failed", reason
                    finish_run(archive, run_id, counts, status=status, error=error)
        finally:
            self._release()
