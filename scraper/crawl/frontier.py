"""The crawl frontier: every discovered URL as a row of the archive, with its state and next-due time.

Because the frontier lives in the same SQLite file as the archive, a crawl that is stopped or killed
resumes from it, and memory stays flat however large the site: the dispatcher streams due rows in
batches with a keyset cursor instead of holding the site in a set.  Rows are written only by the
archive writer (`seed`, `add`, `apply`, `make_all_due`); the dispatcher only reads (`due`).  The
table is part of the archive's schema (`archive.schema`); a row's state is a `UrlState`, and when
it is next due is decided by `crawl.schedule`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from ..archive.store import Archive
from ..config import Site
from ..discover import Link
from ..models import Evidence, PageKind, UrlState
from ..urls import host_of
from .schedule import epoch, next_revisit

log = logging.getLogger(__name__)

__all__ = ["Frontier", "Task", "Update"]

_COLUMNS = "url, site, kind, depth, next_due, etag, last_modified, attempts, first_fetched, published, evidence"


@dataclass(frozen=True, slots=True)
class Task:
    """A due URL, handed by the dispatcher to the worker of its host."""

    url: str
    site: str
    kind: PageKind
    depth: int
    next_due: float
    etag: str | None = None
    last_modified: str | None = None
    attempts: int = 0
    first_fetched: float | None = None
    published: str | None = None
    evidence: int = Evidence.NONE

    @property
    def host(self) -> str:
        return host_of(self.url)


@dataclass(frozen=True, slots=True)
class Update:
    """What the writer records on a frontier row after a fetch."""

    url: str
    state: UrlState
    next_due: float | None
    fetched_at: float
    etag: str | None = None
    last_modified: str | None = None
    attempts: int = 0
    error: str | None = None
    published: str | None = None
    kind: PageKind | None = None  # what the page turned out to be, when that changed its kind
    evidence: int | None = None  # and how sure that is


# A link's kind replaces the known one only on stronger evidence (`models.Evidence`).
_KIND = (
    "kind=CASE WHEN excluded.evidence > frontier.evidence THEN excluded.kind ELSE frontier.kind END,"
    " evidence=max(frontier.evidence, excluded.evidence)"
)


class Frontier:
    """The `frontier` table of an open archive."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.conn = archive.conn

    # ------------------------------------------------------------ writes (the archive writer)

    def adopt(self, site: Site, configured: Collection[str], seeds: Collection[str]) -> int:
        """Take over the URLs on `site`'s domains that are kept under a name no site file has any more
        (a renamed site file), with their articles; return how many.  Without it the renamed site's
        start URLs, known under the old name, would stay the old name's: it would find nothing new and
        revisit nothing, and say so nowhere.  Told by the `seeds` (its start URLs, feeds, sitemaps):
        a few primary-key lookups a round, whatever else the archive holds."""
        marks = ",".join("?" * len(seeds))
        owners = self.conn.execute(f"SELECT DISTINCT site FROM frontier WHERE url IN ({marks})", list(seeds))
        orphans = [name for (name,) in owners if name not in configured and name != site.name]
        taken = 0
        for name in orphans:
            # by host first: the old name's URLs on other hosts are never looked at one by one
            hosts = [h for (h,) in self.conn.execute("SELECT DISTINCT host FROM frontier WHERE site=?", (name,))]
            mine = [h for h in hosts if site.owns(f"http://{h}/") or site.owns(f"https://{h}/")]
            if not mine:
                continue
            with self.archive.transaction() as conn:
                for host in mine:
                    rows = conn.execute("SELECT url FROM frontier WHERE site=? AND host=?", (name, host))
                    urls = [u for (u,) in rows if site.owns(u)]
                    conn.executemany("UPDATE frontier SET site=? WHERE url=?", [(site.name, u) for u in urls])
                    conn.executemany(
                        "UPDATE articles SET site=? WHERE site=? AND url=?", [(site.name, name, u) for u in urls]
                    )
                    taken += len(urls)
        return taken

    def owned_elsewhere(self, site: str, urls: list[str]) -> dict[str, str]:
        """Which of `urls` the frontier holds for another site (a URL belongs to one site): url -> site."""
        found: dict[str, str] = {}
        for i in range(0, len(urls), 500):
            chunk = urls[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT url, site FROM frontier WHERE site != ? AND url IN ({marks})", (site, *chunk)
            )
            found.update(dict(rows.fetchall()))
        return found

    def seed(self, site: str, links: Iterable[Link], now: float) -> None:
        """Start URLs, configured feeds and sitemaps: due now at the start of every round.

        A start URL is a listing until evidence says otherwise: one found to be an article stays one.
        """
        rows = [(link.url, site, host_of(link.url), link.kind, link.depth, now, now, link.evidence) for link in links]
        with self.archive.transaction() as conn:
            conn.executemany(
                "INSERT INTO frontier (url, site, host, kind, depth, next_due, discovered_at, evidence)"
                " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(url) DO UPDATE SET next_due=excluded.next_due,"
                f" depth=0, {_KIND} WHERE frontier.state != 'disallowed'",
                rows,
            )

    def add(self, site: str, links: Iterable[Link], now: float, round_start: float) -> None:
        """Discovered links: new URLs become due now.

        A listing, feed or sitemap already fetched before this round is due again (it may list new
        articles); a known article keeps its revisit schedule unless a sitemap `lastmod` says it
        changed after we last fetched it.  A link with stronger evidence of its kind than we had
        upgrades the row (`models.Evidence`); a page known as a listing that turns out to be an article
        (a feed or sitemap lists it) is due now, to be fetched and archived as one.
        """
        rows = [
            (
                link.url,
                site,
                host_of(link.url),
                link.kind,
                link.depth,
                now,
                now,
                link.published,
                epoch(link.lastmod),
                link.evidence,
            )
            for link in links
        ]
        with self.archive.transaction() as conn:
            conn.executemany(
                "INSERT INTO frontier (url, site, host, kind, depth, next_due, discovered_at, published, lastmod,"
                " evidence) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(url) DO UPDATE SET"
                f" depth=min(frontier.depth, excluded.depth), {_KIND},"
                " published=COALESCE(frontier.published, excluded.published),"
                " lastmod=COALESCE(excluded.lastmod, frontier.lastmod),"
                " next_due=CASE"
                "  WHEN frontier.state IN ('disallowed', 'gone', 'failed') THEN frontier.next_due"
                "  WHEN excluded.evidence > frontier.evidence AND excluded.kind != frontier.kind"
                f"   AND excluded.kind = '{PageKind.ARTICLE}' THEN excluded.next_due"
                f"  WHEN frontier.kind != '{PageKind.ARTICLE}' AND frontier.next_due IS NULL"
                f"   AND frontier.last_fetched < {round_start!r} THEN excluded.next_due"
                f"  WHEN frontier.kind = '{PageKind.ARTICLE}' AND excluded.lastmod IS NOT NULL"
                "   AND excluded.lastmod > frontier.last_fetched THEN excluded.next_due"
                "  ELSE frontier.next_due END",
                rows,
            )

    def apply(self, updates: Iterable[Update]) -> None:
        """Record fetch results in one transaction (the writer batches them)."""
        rows = [
            (
                u.state,
                u.next_due,
                u.fetched_at,
                u.fetched_at,
                u.etag,
                u.last_modified,
                u.attempts,
                u.error,
                u.published,
                u.kind,
                u.evidence,
                u.url,
            )
            for u in updates
        ]
        with self.archive.transaction() as c:
            c.executemany(
                "UPDATE frontier SET state=?, next_due=?, first_fetched=COALESCE(first_fetched, ?),"
                " last_fetched=?, etag=COALESCE(?, etag), last_modified=COALESCE(?, last_modified),"
                " attempts=?, error=?, published=COALESCE(?, published), kind=COALESCE(?, kind),"
                " evidence=max(evidence, COALESCE(?, 0)) WHERE url=?",
                rows,
            )

    # ------------------------------------------------------------ reads (the dispatcher)

    def due(
        self, site: str, now: float, after: tuple[float, str] | None, limit: int, *, articles: bool = True
    ) -> list[Task]:
        """Up to `limit` articles (or discovery pages) due by `now`, in (next_due, url) order after `after`.

        The keyset cursor is what makes a round stream: rows already handed out sort before it, and
        whatever the writer schedules meanwhile (revisits, retries, new links) sorts after it.
        """
        due_after, url_after = after or (float("-inf"), "")
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM frontier WHERE site=? AND (kind = 'article')=? AND next_due IS NOT NULL"
            " AND next_due <= ? AND (next_due > ? OR (next_due = ? AND url > ?)) ORDER BY next_due, url LIMIT ?",
            (site, int(articles), now, due_after, due_after, url_after, limit),
        ).fetchall()
        return [Task(url, site, PageKind(kind), *rest) for url, site, kind, *rest in rows]

    def follow_revisit(self, site: str, schedule: tuple[tuple[float, float], ...], now: float) -> int:
        """Plan the site's fetched articles again when its revisit schedule is not the one they were
        planned with; return how many were replanned (none the first time a schedule is recorded).

        Each article is next due one step of the new schedule after its last fetch (now, if that is
        past), or never once it is older than the schedule's last step.
        """
        spec = json.dumps(schedule)
        row = self.conn.execute("SELECT schedule FROM revisits WHERE site=?", (site,)).fetchone()
        if row is not None and row[0] == spec:
            return 0
        replanned = 0
        with self.archive.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO revisits (site, schedule) VALUES (?, ?)", (site, spec))
            if row is None:
                return 0
            rows = conn.execute(
                "SELECT url, first_fetched, last_fetched, published FROM frontier"
                " WHERE site=? AND kind=? AND state='done' AND last_fetched IS NOT NULL",
                (site, PageKind.ARTICLE.value),
            ).fetchall()
            updates = []
            for url, first, last, published in rows:
                due = next_revisit(schedule, last, first or last, published)
                updates.append((None if due is None else max(due, now), url))
            conn.executemany("UPDATE frontier SET next_due=? WHERE url=?", updates)
            replanned = len(updates)
        log.info("%s: revisit schedule changed, %d known article(s) replanned", site, replanned)
        return replanned

    def make_all_due(self, site: str, now: float) -> int:
        """Every known article and page of `site` due now (a full re-check, conditional requests keep it cheap)."""
        with self.archive.transaction() as conn:
            cur = conn.execute(
                "UPDATE frontier SET next_due=? WHERE site=? AND state IN ('queued', 'done')", (now, site)
            )
            return cur.rowcount

    def counts(self, site: str | None = None) -> dict[str, int]:
        where, args = ("WHERE site=?", (site,)) if site else ("", ())
        rows = self.conn.execute(f"SELECT state, count(*) FROM frontier {where} GROUP BY state", args).fetchall()
        return {state: n for state, n in rows}
