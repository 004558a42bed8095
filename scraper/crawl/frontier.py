"""The crawl frontier: every discovered URL as a row of the archive, with its state and next-due time.

Because the frontier lives in the same SQLite file as the archive, a crawl that is stopped or killed
resumes from it, and memory stays flat however large the site: the dispatcher streams due rows in
batches with a keyset cursor instead of holding the site in a set.  Rows are written only by the
archive writer (`add`, `seed`, `apply`); the dispatcher only reads (`due`).

States: queued (never fetched), done (fetched; `next_due` is its next revisit or NULL), failed
(given up after `crawl.max_attempts`), gone (404/410), disallowed (robots.txt), alias (another URL
of an article whose row is elsewhere).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from ..archive.store import Archive
from ..discover import ARTICLE, Link
from ..urls import host_of

__all__ = ["Frontier", "Task", "Update", "next_revisit"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS frontier (
    url TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    host TEXT NOT NULL,
    kind TEXT NOT NULL,
    depth INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'queued',
    next_due REAL,
    discovered_at REAL,
    first_fetched REAL,
    last_fetched REAL,
    published TEXT,
    lastmod REAL,
    etag TEXT,
    last_modified TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT
);
CREATE INDEX IF NOT EXISTS frontier_due ON frontier (site, kind = 'article', next_due, url) WHERE next_due IS NOT NULL;
"""
_COLUMNS = "url, site, kind, depth, next_due, etag, last_modified, attempts, first_fetched, published"


@dataclass(frozen=True, slots=True)
class Task:
    """A due URL, handed by the dispatcher to the worker of its host."""

    url: str
    site: str
    kind: str
    depth: int
    next_due: float
    etag: str | None = None
    last_modified: str | None = None
    attempts: int = 0
    first_fetched: float | None = None
    published: str | None = None

    @property
    def host(self) -> str:
        return host_of(self.url)


@dataclass(frozen=True, slots=True)
class Update:
    """What the writer records on a frontier row after a fetch."""

    url: str
    state: str
    next_due: float | None
    fetched_at: float
    etag: str | None = None
    last_modified: str | None = None
    attempts: int = 0
    error: str | None = None
    published: str | None = None


def _epoch(iso: str | None) -> float | None:
    """A sitemap date (2024-06-20 or a full W3C datetime; UTC when no zone) as a Unix time."""
    if not iso:
        return None
    try:
        stamp = datetime.fromisoformat(iso.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).timestamp()


def next_revisit(
    schedule: Sequence[tuple[float, float]], now: float, first_fetched: float, published: str | None = None
) -> float | None:
    """When to look at an article again: the step of `schedule` its age falls in, or never (None).

    Age counts from the publication date when the page gives a plausible one, else from the first
    fetch, so an old story discovered today is not polled every 15 minutes.
    """
    stamp = _epoch(published)
    born = min(first_fetched, stamp) if stamp is not None else first_fetched
    age = max(0.0, now - born)
    for every, until in schedule:
        if age < until:
            return now + every
    return None


class Frontier:
    """The `frontier` table of an open archive."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.conn = archive.conn
        if self.conn.execute("SELECT 1 FROM sqlite_master WHERE name='frontier'").fetchone() is None:
            with archive.transaction() as conn:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)

    # ------------------------------------------------------------ writes (the archive writer)

    def seed(self, site: str, links: Iterable[Link], now: float) -> None:
        """Start URLs, configured feeds and sitemaps: due now at the start of every round."""
        rows = [(link.url, site, host_of(link.url), link.kind, link.depth, now, now) for link in links]
        with self.archive.transaction() as conn:
            conn.executemany(
                "INSERT INTO frontier (url, site, host, kind, depth, next_due, discovered_at)"
                " VALUES (?,?,?,?,?,?,?) ON CONFLICT(url) DO UPDATE SET next_due=excluded.next_due,"
                " depth=0, kind=excluded.kind WHERE frontier.state NOT IN ('disallowed', 'alias')",
                rows,
            )

    def add(self, site: str, links: Iterable[Link], now: float, round_start: float) -> None:
        """Discovered links: new URLs become due now.

        A listing, feed or sitemap already fetched before this round is due again (it may list new
        articles); a known article keeps its revisit schedule unless a sitemap `lastmod` says it
        changed after we last fetched it.
        """
        rows = [
            (link.url, site, host_of(link.url), link.kind, link.depth, now, now, link.published, _epoch(link.lastmod))
            for link in links
        ]
        with self.archive.transaction() as conn:
            conn.executemany(
                "INSERT INTO frontier (url, site, host, kind, depth, next_due, discovered_at, published, lastmod)"
                " VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(url) DO UPDATE SET"
                " depth=min(frontier.depth, excluded.depth),"
                " published=COALESCE(frontier.published, excluded.published),"
                " lastmod=COALESCE(excluded.lastmod, frontier.lastmod),"
                " next_due=CASE"
                "  WHEN frontier.state IN ('disallowed', 'alias', 'gone', 'failed') THEN frontier.next_due"
                f"  WHEN frontier.kind != '{ARTICLE}' AND frontier.next_due IS NULL"
                f"   AND frontier.last_fetched < {round_start!r} THEN excluded.next_due"
                f"  WHEN frontier.kind = '{ARTICLE}' AND excluded.lastmod IS NOT NULL"
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
                u.url,
            )
            for u in updates
        ]
        with self.archive.transaction() as c:
            c.executemany(
                "UPDATE frontier SET state=?, next_due=?, first_fetched=COALESCE(first_fetched, ?),"
                " last_fetched=?, etag=COALESCE(?, etag), last_modified=COALESCE(?, last_modified),"
                " attempts=?, error=?, published=COALESCE(?, published) WHERE url=?",
                rows,
            )

    def alias(self, site: str, urls: Iterable[str], now: float) -> None:
        """Other URLs of an already-tracked article (its canonical URL): known, never due on their own."""
        with self.archive.transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO frontier (url, site, host, kind, state, discovered_at)"
                " VALUES (?,?,?,'article','alias',?)",
                [(u, site, host_of(u), now) for u in urls],
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
        return [Task(*row) for row in rows]

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

    def row(self, url: str) -> dict[str, object] | None:
        cur = self.conn.execute("SELECT * FROM frontier WHERE url=?", (url,))
        found = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], found, strict=True)) if found else None
