"""Progress display for long commands: a rich bar fed by the crawl's writer thread.

The bar counts requests done against requests done plus URLs queued (due now in the frontier), so
it fills as the round empties its queue and ends full, whatever `max_pages` is.  The queue is read
from the archive through a read-only connection at most twice a second.  The line fits 80 columns.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..models import Counts

if TYPE_CHECKING:
    from ..crawl.writer import Event

WIDTH = 80
_SHORT = {"new": "new", "changed": "chg", "not_modified": "304", "errors": "err"}


class CrawlProgress:
    """A rich progress bar fed by the crawl's writer thread (rich's own lock makes that safe)."""

    FIELDS = ("new", "changed", "unchanged", "not_modified", "errors")

    def __init__(self, show: bool, db_path: Path | None = None, sites: Iterable[str] = (), console: Any = None) -> None:
        self.counts = Counts()
        self.done = 0
        self.queued = 0
        self.db_path = db_path
        self.sites = list(sites)
        self._polled = 0.0
        self.progress: Any = None
        if show:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                TextColumn("[bold]crawl"),
                BarColumn(bar_width=10),
                TextColumn("{task.completed} done / {task.fields[queued]} queued"),
                TextColumn("{task.fields[detail]}"),
                TimeElapsedColumn(),
                transient=False,
                console=console,
            )
            self.task = self.progress.add_task("crawl", total=None, detail="", queued=0)

    def __enter__(self) -> CrawlProgress:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self._poll(force=True)
            self.progress.update(self.task, total=max(self.done + self.queued, 1), queued=self.queued)
            self.progress.stop()

    def detail(self) -> str:
        shown = " ".join(f"{n} {short}" for k, short in _SHORT.items() if (n := getattr(self.counts, k)))
        return shown[:28]

    def report(self, event: Event) -> None:
        if self.progress is None:
            return
        self.counts.add(event.outcome)
        self.done += 1
        self._poll()
        self.progress.update(
            self.task,
            completed=self.done,
            total=self.done + self.queued,
            queued=self.queued,
            detail=self.detail(),
        )

    def _poll(self, force: bool = False) -> None:
        """URLs of our sites due now and not yet fetched this round."""
        now = time.monotonic()
        if self.db_path is None or (not force and now - self._polled < 0.5):
            return
        self._polled = now
        marks = ",".join("?" * len(self.sites))
        try:
            conn = sqlite3.connect(self.db_path.resolve().as_uri() + "?mode=ro", uri=True, timeout=1)
            try:
                row = conn.execute(
                    "SELECT count(*) FROM frontier WHERE next_due IS NOT NULL AND next_due <= ?"
                    + (f" AND site IN ({marks})" if self.sites else ""),
                    (time.time(), *self.sites),
                ).fetchone()
            finally:
                conn.close()
        except sqlite3.Error:
            return  # no frontier yet, or busy: keep the last count
        self.queued = int(row[0])
