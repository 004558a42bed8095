"""Every table, index, trigger and view of the archive, and the migrations between versions.

`PRAGMA user_version` names the schema a file has.  `migrate` creates the current schema in a new
file, or brings an older file up to `VERSION` one step at a time, in the caller's transaction, so
a file is never left half-migrated.  An archive made by any earlier release opens in this one.

Versions:
  1  articles (+ FTS5 over title and body), article_urls, pages, fingerprints, versions, comments,
     fetches, runs; the frontier and the browse view were created on first use, outside the version.
  2  the frontier and the `latest_articles` view are part of the schema; `articles` loses
     `next_check` (never written), `etag` and `last_modified` (written, never read: conditional
     requests use the frontier's copies).
  3  each version carries how it differs from the one before (words added and removed, headline
     changed, sentences added / removed / changed / moved, a one-line summary; see changes.py),
     backfilled for the versions already there.
  4  `frontier.evidence`: how sure the crawl is of a URL's kind (a `models.Evidence`), so a stronger
     signal can upgrade a URL first seen as a listing; `leases`: which process crawls which site of
     this archive now (`crawl.lease`).
  5  the full-text index's update trigger fires only when a title or body changes: a 304 or an
     unchanged save (which touch `last_checked`, `state`, `version_count`) costs no FTS work.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import sqlite_utils

__all__ = ["VERSION", "VIEWS", "ensure_views", "migrate", "version_of"]

VERSION = 6

FRONTIER = (
    """CREATE TABLE IF NOT EXISTS frontier (
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
    error TEXT,
    evidence INTEGER NOT NULL DEFAULT 0
)""",
    "CREATE INDEX IF NOT EXISTS frontier_due ON frontier (site, kind = 'article', next_due, url)"
    " WHERE next_due IS NOT NULL",
)

# One row per site being crawled: the holder renews `expires` while it runs; a row past `expires` (a
# killed crawl) or of a dead process on this host is free to take.
LEASES = (
    """CREATE TABLE IF NOT EXISTS leases (
    site TEXT PRIMARY KEY,
    token TEXT NOT NULL,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    since TEXT NOT NULL,
    heartbeat REAL NOT NULL,
    expires REAL NOT NULL
)""",
)

# The revisit schedule each site's frontier rows were planned with: when the config changes it, the
# due times of the site's known articles are planned again (`Frontier.follow_revisit`).
REVISITS = ("CREATE TABLE IF NOT EXISTS revisits (site TEXT PRIMARY KEY, schedule TEXT NOT NULL)",)

# Near-copy fingerprints of each article's newest version, one index per 16-bit band (see copies.py).
FINGERPRINTS = (
    "CREATE TABLE IF NOT EXISTS fingerprints (article_id INTEGER PRIMARY KEY REFERENCES articles(id),"
    " version INTEGER, simhash INTEGER, b0 INTEGER, b1 INTEGER, b2 INTEGER, b3 INTEGER)",
    *(f"CREATE INDEX IF NOT EXISTS fingerprints_b{i} ON fingerprints (b{i})" for i in range(4)),
)

# Datasette cannot facet on an expression, so the month of publication is a column of a view.
VIEWS: dict[str, str] = {
    "latest_articles": """
CREATE VIEW latest_articles AS
SELECT
    a.id,
    a.title,
    a.site,
    a.authors,
    a.published,
    substr(a.published, 1, 7) AS published_month,
    a.lang,
    a.version_count AS versions,
    (SELECT count(*) FROM comments c WHERE c.article_id = a.id) AS comments,
    a.last_changed,
    a.state,
    a.url
FROM articles a
WHERE a.state IS NOT 'moved'
ORDER BY coalesce(a.published, a.first_seen) DESC
""".strip(),
}


# What an article row and each of its versions hold of the extracted content, in this order.
CONTENT = {"title": str, "authors": str, "published": str, "modified": str, "lang": str, "body": str}


def version_of(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database) -> None:
    """Create the current schema in an empty file, or migrate an older one; inside a transaction."""
    found = version_of(db.conn)
    if found == 0:
        _create(db)
    else:
        for step in range(found + 1, VERSION + 1):
            MIGRATIONS[step](db.conn)
    db.conn.execute(f"PRAGMA user_version={VERSION}")


def _create(db: sqlite_utils.Database) -> None:
    """The schema of version `VERSION`, in an empty file."""
    _tables(db)
    for statement in (*FRONTIER, *LEASES, *REVISITS):
        db.execute(statement)
    _write_views(db.conn, list(VIEWS))
    _to_v3(db.conn)  # the change-stat columns
    _to_v5(db.conn)  # the narrowed FTS update trigger


def _tables(db: sqlite_utils.Database) -> None:
    db.table("articles").create(
        {
            "id": int,
            "url": str,
            "site": str,
            **CONTENT,
            "first_seen": str,
            "last_checked": str,
            "last_changed": str,
            "version_count": int,
            "state": str,
        },
        pk="id",
        not_null={"url"},
        defaults={"version_count": 0, "state": "live"},
    )
    db.table("articles").create_index(["url"], unique=True)
    db.table("articles").create_index(["site", "published"])
    db.table("article_urls").create(
        {"url": str, "article_id": int}, pk="url", foreign_keys=[("article_id", "articles", "id")]
    )
    db.table("pages").create(
        {"sha256": str, "encoding": str, "headers": str, "codec": str, "content": bytes, "size": int}, pk="sha256"
    )
    for statement in FINGERPRINTS:
        db.execute(statement)
    db.table("versions").create(
        {
            "id": int,
            "article_id": int,
            "version": int,
            "url": str,
            "content_hash": str,
            **CONTENT,
            "sources": str,
            "kind": str,
            "page_sha256": str,
            "first_seen": str,
            "last_seen": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id"), ("page_sha256", "pages", "sha256")],
    )
    db.table("versions").create_index(["article_id", "version"], unique=True)
    db.table("versions").create_index(["content_hash"])
    db.table("comments").create(
        {
            "article_id": int,
            "key": str,
            "parent_key": str,
            "author": str,
            "published": str,
            "text": str,
            "first_seen": str,
            "last_seen": str,
            "removed_at": str,
        },
        pk=("article_id", "key"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("fetches").create(
        {
            "id": int,
            "url": str,
            "final_url": str,
            "article_id": int,
            "fetched_at": str,
            "status": int,
            "bytes": int,
            "duration": float,
            "outcome": str,
            "error": str,
        },
        pk="id",
    )
    db.table("runs").create(
        {
            "id": int,
            "site": str,
            "started": str,
            "finished": str,
            "status": str,
            "fetched": int,
            "new": int,
            "changed": int,
            "unchanged": int,
            "not_modified": int,
            "errors": int,
            "error": str,
        },
        pk="id",
    )
    db.table("runs").create_index(["site", "started"])
    db.table("fetches").create_index(["url"])
    db.table("fetches").create_index(["fetched_at"])
    db.table("articles").enable_fts(
        ["title", "body"],
        fts_version="FTS5",
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )


def _to_v2(conn: sqlite3.Connection) -> None:
    """The frontier and the views join the versioned schema; dead article columns go."""
    for statement in FRONTIER:
        conn.execute(statement)
    conn.execute("DROP INDEX IF EXISTS idx_articles_next_check")
    for column in ("next_check", "etag", "last_modified"):
        conn.execute(f"ALTER TABLE articles DROP COLUMN {column}")
    _write_views(conn, list(VIEWS))


def _to_v3(conn: sqlite3.Connection) -> None:
    """Every version gets its change stats; the columns and the backfill are owned by changes.py."""
    from .changes import add_change_columns  # changes.py reads and writes these columns; it imports no schema

    add_change_columns(conn)


def _to_v4(conn: sqlite3.Connection) -> None:
    """A frontier row says how sure its kind is; crawl leases."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(frontier)")}
    if "evidence" not in columns:  # a v1 file got today's frontier in step 2
        conn.execute("ALTER TABLE frontier ADD COLUMN evidence INTEGER NOT NULL DEFAULT 0")
    for statement in LEASES:
        conn.execute(statement)


# sqlite-utils' trigger, re-indexing title and body on any UPDATE, narrowed to the columns it indexes
# (`UPDATE OF`) and to a real change of their values (`WHEN`)
FTS_UPDATE_TRIGGER = """CREATE TRIGGER [articles_au] AFTER UPDATE OF title, body ON [articles]
WHEN old.title IS NOT new.title OR old.body IS NOT new.body
BEGIN
  INSERT INTO [articles_fts] ([articles_fts], rowid, [title], [body])
    VALUES('delete', old.rowid, old.[title], old.[body]);
  INSERT INTO [articles_fts] (rowid, [title], [body]) VALUES (new.rowid, new.[title], new.[body]);
END"""


def _to_v5(conn: sqlite3.Connection) -> None:
    """The FTS update trigger fires only when the indexed text changes."""
    conn.execute("DROP TRIGGER IF EXISTS [articles_au]")
    conn.execute(FTS_UPDATE_TRIGGER)


def _to_v6(conn: sqlite3.Connection) -> None:
    """Each site's revisit schedule is remembered, so a changed one replans its articles."""
    for statement in REVISITS:
        conn.execute(statement)


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    2: _to_v2,
    3: _to_v3,
    4: _to_v4,
    5: _to_v5,
    6: _to_v6,
}


def _write_views(conn: sqlite3.Connection, names: list[str]) -> None:
    for name in names:
        conn.execute(f"DROP VIEW IF EXISTS [{name}]")
        conn.execute(VIEWS[name])


def stale_views(conn: sqlite3.Connection) -> list[str]:
    """The views whose stored SQL differs from ours (dropped or edited by someone)."""
    stored = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall())
    return [name for name, sql in VIEWS.items() if stored.get(name) != sql]


def ensure_views(conn: sqlite3.Connection) -> list[str]:
    """Recreate, in one transaction, any view whose stored SQL differs from ours; return their names.

    The schema creates the views; this repairs one a user dropped or edited.  An up-to-date
    archive is left alone, so serving it writes nothing.
    """
    stale = stale_views(conn)
    if not stale:
        return []
    conn.execute("BEGIN IMMEDIATE")
    try:
        _write_views(conn, stale)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return stale
