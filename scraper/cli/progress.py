"""Progress display for long commands: a rich bar fed by the crawl's writer thread."""

from __future__ import annotations

from typing import Any


class CrawlProgress:
    """A rich progress bar fed by the crawl's writer thread (rich's own lock makes that safe)."""

    FIELDS = ("new", "changed", "unchanged", "not_modified", "errors")

    def __init__(self, show: bool, total: int) -> None:
        self.counts = dict.fromkeys(self.FIELDS, 0)
        self.progress: Any = None
        if show:
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                TextColumn("[bold]crawl"),
                BarColumn(),
                TaskProgressColumn(),
                TextColumn("{task.completed} fetched · {task.fields[detail]} · {task.fields[rate]}"),
                TimeElapsedColumn(),
                transient=False,
            )
            self.task = self.progress.add_task("crawl", total=total, detail="", rate="")

    def __enter__(self) -> CrawlProgress:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def report(self, event: Any) -> None:
        if self.progress is None:
            return
        key = {"not-modified": "not_modified", "error": "errors"}.get(event.outcome, event.outcome)
        if key in self.counts:
            self.counts[key] += 1
        detail = " ".join(f"{n} {k.replace('_', ' ')}" for k, n in self.counts.items())
        self.progress.update(self.task, advance=1, detail=detail)
        speed = self.progress.tasks[0].speed
        self.progress.update(self.task, rate=f"{speed:.1f} pages/s" if speed else "")
