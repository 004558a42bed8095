"""Progress display for long commands: a rich bar fed by the crawl's writer thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import Counts

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from ..crawl.writer import Event


class CrawlProgress:
    """A rich progress bar fed by the crawl's writer thread (rich's own lock makes that safe)."""

    FIELDS = ("new", "changed", "unchanged", "not_modified", "errors")

    def __init__(self, show: bool, total: int) -> None:
        self.counts = Counts()
        self.progress: Progress | None = None
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
            self.task: TaskID = self.progress.add_task("crawl", total=total, detail="", rate="")

    def __enter__(self) -> CrawlProgress:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def report(self, event: Event) -> None:
        if self.progress is None:
            return
        self.counts.add(event.outcome)
        detail = " ".join(f"{getattr(self.counts, k)} {k.replace('_', ' ')}" for k in self.FIELDS)
        self.progress.update(self.task, advance=1, detail=detail)
        speed = self.progress.tasks[0].speed
        self.progress.update(self.task, rate=f"{speed:.1f} pages/s" if speed else "")
