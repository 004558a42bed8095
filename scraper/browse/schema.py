"""SQL views the browser needs on top of the archive's tables, created by `scraper serve` before Datasette starts.

Datasette cannot facet on an expression, so the month of publication must be a column of some view.
The views live in the archive file (Datasette serves it read-only), are recreated only when their
definition changed, and never touch the tables `scraper.archive` owns.
"""

from __future__ import annotations

import sqlite3

__all__ = ["VIEWS", "ensure_views"]

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
ORDER BY coalesce(a.published, a.first_seen) DESC
""".strip(),
}


def ensure_views(conn: sqlite3.Connection) -> list[str]:
    """Create or refresh our views in one transaction; return the names that were (re)written.

    Idempotent: a view whose stored SQL already matches is left alone, so serving an up-to-date
    archive writes nothing.
    """
    stored = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall())
    stale = [name for name, sql in VIEWS.items() if stored.get(name) != sql]
    if not stale:
        return []
    conn.execute("BEGIN IMMEDIATE")
    try:
        for name in stale:
            conn.execute(f"DROP VIEW IF EXISTS [{name}]")
            conn.execute(VIEWS[name])
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return stale
