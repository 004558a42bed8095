"""The dispatcher's loop, one for a one-machine round (`round.SiteRound`) and a coordinator (`scraper.workers`).

Due rows stream out of the frontier in keyset order (`Frontier.due`), discovery pages before
articles, into a `Sink`: the host queues of this process, or the hub that leases hosts to workers.
What one read returns is kept in hand until it is handed out.  After a discovery page the loop
reads again early, since the page's links (or a row it changed) may now come first, but only once
the writer has committed since the read: until then a fresh read would return exactly what is in
hand, and reading it again after every page is what made a coordinator spend a core re-reading rows.
When nothing is due the loop waits for the sink to settle (a result written, a host freed), then
reads only if the writer committed meanwhile: one read per change, never a poll.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Protocol

from ..models import PageKind
from .frontier import Task

if TYPE_CHECKING:
    from .round import SiteRound

__all__ = ["READ_AT_MOST", "Sink", "stream_due"]

READ_AT_MOST = 500  # rows per read of the frontier


class Sink(Protocol):
    """Where the dispatcher hands due URLs."""

    async def room(self) -> int:
        """How many more due URLs it takes now (called before each read; 0: settle first)."""

    async def put(self, task: Task) -> None:
        """Take one due URL (may wait until it has room)."""

    async def settle(self) -> bool:
        """Wait until something in flight moves on; False at once when nothing is in flight."""


async def stream_due(site_round: SiteRound, sink: Sink) -> None:
    """Hand `site_round`'s due URLs to `sink` until none is due and none in flight, `max_pages`, or stop."""
    writer, stop = site_round.writer, site_round.stop
    cursors: dict[bool, tuple[float, str] | None] = {False: None, True: None}
    hand: deque[Task] = deque()
    read_at = -1  # the writer's commit count when `hand` was read
    short = False  # that read returned less than it asked for: nothing more was due
    stale = False  # a discovery page went out since
    while not stop.is_set() and site_round.dispatched < site_round.max_pages:
        if hand and not (stale and writer.commits != read_at):
            task = hand.popleft()
            cursors[task.kind == PageKind.ARTICLE] = (task.next_due, task.url)
            site_round.dispatched += 1
            await sink.put(task)
            stale = stale or task.kind != PageKind.ARTICLE
            continue
        if not hand and short and writer.commits == read_at:  # nothing new can be due: wait for a change
            if await sink.settle():
                continue
            await writer.flush()  # nothing in flight: every result is in; one last look
            if not site_round._due(cursors, 1):
                break
        room = await sink.room()
        if room <= 0:
            await sink.settle()
            continue
        asked = min(room, READ_AT_MOST)
        read_at = writer.commits
        hand = deque(site_round._due(cursors, asked))
        short, stale = len(hand) < asked, False
