"""The newsroom pages: the front page, the list and Atom feeds of changes, and search without SQL.

Every page exists twice: under the database (`/<db>/-/changes`) and at the top (`/-/changes`), where
it means the archive being served, so the URLs in the README work whatever the archive file is
called.  Like the article page, each answers with a Content-Security-Policy that forbids scripts.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from datasette.utils.asgi import BadRequest, NotFound, Request, Response

from ..archive.changes import has_change_columns, recent_changes
from .article import SECURITY_HEADERS, article_path
from .feed import ATOM_TYPE, atom_feed
from .metadata import PLUGIN_NAME
from .present import authors_list, fts_query, human_time, safe_href

if TYPE_CHECKING:
    from datasette.app import Datasette
    from datasette.database import Database

__all__ = ["ROUTES"]

_DB = r"(?:/(?P<database>[^/]+))?"
DEFAULT_MIN_WORDS = 20  # the "substantial edits" link: more than a typo fix
TIMELINE_DAYS = 30
# A version that is an edit by the site: our own re-extractions are not counted as edits anywhere on
# the front page, as its list of changes leaves them out
_EDIT = "version > 1 AND coalesce(kind, 'fetch') != 'reextract'"
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"

_SEARCH_SQL = """
SELECT a.id, a.title, a.site, a.published, a.url, a.version_count,
       snippet(articles_fts, 1, char(57344), char(57345), '…', 30) AS snippet
FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
WHERE articles_fts MATCH ?
ORDER BY rank, a.id
LIMIT ? OFFSET ?
"""
_COUNT_SQL = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"
SEARCH_PAGE = 100


async def _database(datasette: Datasette, request: Request) -> Database:
    name = request.url_vars.get("database")
    try:
        db = datasette.get_database(route=name) if name else datasette.get_database()
    except (KeyError, IndexError):
        raise NotFound("No such database") from None
    await datasette.ensure_permissions(request.actor, [("view-database", db.name), "view-instance"])
    return db


def _common(datasette: Datasette, db: Database) -> dict[str, Any]:
    base = datasette.urls.database(db.name)
    return {
        "database": db.name,
        "when": human_time,
        "css_url": datasette.urls.static_plugins(PLUGIN_NAME, "newsarchive.css"),
        "home_url": datasette.urls.instance(),
        "database_url": base,
        "latest_url": datasette.urls.table(db.name, "latest_articles"),
        "search_url": base + "/-/search",
        "changed_url": base + "/-/changes",
        "feed_url": base + "/-/changes.atom",
    }


def _article_links(datasette: Datasette, database: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        article_id = int(row.get("article_id", row.get("id")) or 0)
        row["page_url"] = article_path(datasette, database, article_id)
        row["href"] = safe_href(row.get("url"))
        if "version" in row:
            row["diff_url"] = article_path(
                datasette, database, article_id, **{"from": row["version"] - 1}, to=row["version"]
            )
            row["diff_url"] += "#diff"
    return rows


def _flag(request: Request, name: str) -> bool:
    return request.args.get(name) in ("1", "on", "true", "yes")


def _int(request: Request, name: str, default: int = 0) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"?{name}= must be a whole number") from None
    if value < 0:
        raise BadRequest(f"?{name}= must not be negative")
    return value


# ---------------------------------------------------------------- front page


def _front_data(conn: sqlite3.Connection) -> dict[str, Any]:
    changes = recent_changes(conn, kinds=("fetch", "import"), limit=12) if _has_versions(conn) else []
    newest = _rows(
        conn,
        "SELECT id, title, site, published, first_seen, url, version_count FROM articles"
        " WHERE version_count > 0 AND state IS NOT 'moved' ORDER BY coalesce(published, first_seen) DESC LIMIT 10",
    )
    edited = _rows(
        conn,
        "SELECT a.id, a.title, a.site, a.version_count, e.last_changed, a.url FROM"
        f" (SELECT article_id, count(*) AS edits, max(first_seen) AS last_changed FROM versions WHERE {_EDIT}"
        " GROUP BY article_id) e JOIN articles a ON a.id = e.article_id"
        " ORDER BY e.edits DESC, e.last_changed DESC LIMIT 10",
    )
    return {"changes": changes, "newest": newest, "edited": edited, "timeline": _timeline(conn)}


def _has_versions(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'versions'").fetchone() is not None


def _rows(conn: sqlite3.Connection, sql: str, args: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, args)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def _timeline(conn: sqlite3.Connection) -> dict[str, Any]:
    """Per site and day, the new articles and the edits, over the TIMELINE_DAYS up to the latest activity."""
    if not _has_versions(conn):
        return {"days": [], "sites": []}
    last = conn.execute("SELECT max(first_seen) FROM versions").fetchone()[0]
    if not last:
        return {"days": [], "sites": []}
    end = datetime.fromisoformat(last[:10]).date()
    days = [(end - timedelta(days=n)).isoformat() for n in range(TIMELINE_DAYS - 1, -1, -1)]
    counts = conn.execute(
        "SELECT a.site, substr(v.first_seen, 1, 10) AS day, sum(v.version = 1),"
        " sum(v.version > 1 AND coalesce(v.kind, 'fetch') != 'reextract')"
        " FROM versions v JOIN articles a ON a.id = v.article_id WHERE v.first_seen >= ?"
        " GROUP BY a.site, day",
        (days[0],),
    ).fetchall()
    by_site: dict[str, dict[str, tuple[int, int]]] = {}
    for site, day, new, edits in counts:
        by_site.setdefault(site or "(no site)", {})[day] = (new, edits)
    peak = max((n + e for per in by_site.values() for n, e in per.values()), default=1) or 1
    sites = []
    for site in sorted(by_site):
        cells: list[dict[str, Any]] = []
        for day in days:
            new, edits = by_site[site].get(day, (0, 0))
            cells.append(
                {
                    "day": day,
                    "new": new,
                    "edits": edits,
                    "new_level": _level(new, peak),
                    "edit_level": _level(edits, peak),
                }
            )
        total_new = sum(c["new"] for c in cells)
        total_edits = sum(c["edits"] for c in cells)
        sites.append({"site": site, "cells": cells, "new": total_new, "edits": total_edits})
    return {"days": days, "sites": sites}


def _level(count: int, peak: int) -> int:
    """A bar height in tenths of the day with the most activity; one tenth at least for any activity,
    so a single article beside a day of 120 still shows."""
    return max(1, round(10 * count / peak)) if count else 0


async def front_page(datasette: Datasette, request: Request) -> Response:
    db = await _database(datasette, request)
    data = await db.execute_fn(_front_data)
    for key in ("changes", "newest", "edited"):
        _article_links(datasette, db.name, data[key])
    tables = [
        {"name": name, "url": datasette.urls.table(db.name, name)}
        for name in await db.table_names()
        if not name.startswith(("articles_fts", "sqlite_"))
    ]
    views = [{"name": name, "url": datasette.urls.table(db.name, name)} for name in await db.view_names()]
    queries = [
        {"name": name, "title": q.get("title", name), "url": datasette.urls.query(db.name, name)}
        for name, q in (await datasette.get_canned_queries(db.name, request.actor)).items()
    ]
    totals = await db.execute(
        "SELECT (SELECT count(*) FROM articles) AS articles, (SELECT count(*) FROM versions) AS versions,"
        f" (SELECT count(*) FROM versions WHERE {_EDIT}) AS edits,"
        " (SELECT count(DISTINCT site) FROM articles) AS sites"
    )
    context = {
        **_common(datasette, db),
        **data,
        "totals": dict(totals.first()),
        "tables": tables,
        "views": views,
        "queries": queries,
        "substantial_url": datasette.urls.database(db.name) + f"/-/changes?min_words={DEFAULT_MIN_WORDS}",
        "headline_url": datasette.urls.database(db.name) + "/-/changes?headline=1",
        "min_words": DEFAULT_MIN_WORDS,
    }
    html = await datasette.render_template("newsarchive_front.html", context, request=request)
    return Response.html(html, headers=SECURITY_HEADERS)


# ---------------------------------------------------------------- changes: list and feed


async def changes_view(datasette: Datasette, request: Request) -> Response:
    db = await _database(datasette, request)
    site = request.args.get("site") or None
    article_id = _int(request, "article") or None
    headline = _flag(request, "headline")
    min_words = _int(request, "min_words")
    with_reextracts = _flag(request, "reextracts")
    limit = min(_int(request, "limit", 100) or 100, 500)

    def query(conn: sqlite3.Connection) -> dict[str, Any]:
        found = recent_changes(
            conn,
            site=site,
            article_id=article_id,
            headline_only=headline,
            min_words=min_words,
            kinds=None if with_reextracts else ("fetch", "import"),
            limit=limit,
        )
        if request.url_vars.get("format") == "atom":
            _add_authors(conn, found)
        sites = [r[0] for r in conn.execute("SELECT DISTINCT site FROM articles WHERE site IS NOT NULL ORDER BY 1")]
        return {"changes": found, "sites": sites, "stats": has_change_columns(conn)}

    data = await db.execute_fn(query)
    if site is not None and site not in data["sites"]:
        raise NotFound(f"No site named {site!r} in this archive")
    _article_links(datasette, db.name, data["changes"])
    filters = {
        k: v
        for k, v in (
            ("site", site),
            ("article", article_id),
            ("headline", 1 if headline else None),
            ("min_words", min_words or None),
            ("reextracts", 1 if with_reextracts else None),
        )
        if v
    }
    query_string = "&".join(f"{k}={_quote(str(v))}" for k, v in filters.items())
    common = _common(datasette, db)
    feed_url = common["feed_url"] + (f"?{query_string}" if query_string else "")
    page_url = common["changed_url"] + (f"?{query_string}" if query_string else "")
    what = _describe(site, article_id, headline, min_words, data["changes"])
    if request.url_vars.get("format") == "atom":
        body = atom_feed(
            data["changes"],
            title=f"News archive: {what}",
            feed_url=datasette.absolute_url(request, feed_url),
            page_url=datasette.absolute_url(request, page_url),
            diff_url=lambda c: datasette.absolute_url(request, c["diff_url"]),
        )
        return Response(body, content_type=ATOM_TYPE, headers=SECURITY_HEADERS)
    if request.url_vars.get("format") == "json":
        return Response.json({"changes": data["changes"]}, headers=SECURITY_HEADERS)
    context = {
        **common,
        **data,
        "what": what,
        "site": site,
        "article_id": article_id,
        "headline": headline,
        "min_words": min_words,
        "default_min_words": DEFAULT_MIN_WORDS,
        "reextracts": with_reextracts,
        "this_feed_url": feed_url,
    }
    html = await datasette.render_template("newsarchive_changes.html", context, request=request)
    return Response.html(html, headers=SECURITY_HEADERS)


def _add_authors(conn: sqlite3.Connection, changes: list[dict[str, Any]]) -> None:
    """Each change's byline as that version had it, for the feed's <author> elements."""
    ids = sorted({c["article_id"] for c in changes})
    if not ids:
        return
    rows = conn.execute(
        f"SELECT article_id, version, authors FROM versions WHERE article_id IN ({','.join('?' * len(ids))})", ids
    )
    bylines = {(a, v): authors_list(authors) for a, v, authors in rows}
    for change in changes:
        change["authors"] = bylines.get((change["article_id"], change["version"]), [])


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def _describe(site: str | None, article_id: int | None, headline: bool, min_words: int, found: list[Any]) -> str:
    parts = ["headline changes" if headline else "changes"]
    if min_words:
        parts.append(f"of {min_words}+ words")
    if article_id is not None:
        title = found[0]["title"] if found else f"article {article_id}"
        parts.append(f"to “{title}”")
    if site:
        parts.append(f"on {site}")
    return " ".join(parts)


# ---------------------------------------------------------------- search


async def search_view(datasette: Datasette, request: Request) -> Response:
    db = await _database(datasette, request)
    await datasette.ensure_permissions(request.actor, [("view-table", (db.name, "articles"))])
    q = (request.args.get("q") or "").strip()
    page = max(_int(request, "page", 1), 1)
    results: list[dict[str, Any]] = []
    used, total = "", 0
    if q:
        used = fts_query(q)
        total = (await db.execute(_COUNT_SQL, [used])).first()[0]
        page = min(page, _last_page(total))  # past the end: the last page, and no huge OFFSET
        rows = await db.execute(_SEARCH_SQL, [used, SEARCH_PAGE, (page - 1) * SEARCH_PAGE])
        results = [dict(r) for r in rows]
        for r in results:
            r["snippet_parts"] = _marked(r.pop("snippet") or "")
        _article_links(datasette, db.name, results)
    common = _common(datasette, db)
    context = {**common, "q": q, "fts": used, "results": results, "total": total, "first": (page - 1) * SEARCH_PAGE + 1}
    context.update(_search_pages(common["search_url"], q, page, total))
    html = await datasette.render_template("newsarchive_search.html", context, request=request)
    return Response.html(html, headers=SECURITY_HEADERS)


def _search_pages(search_url: str, q: str, page: int, total: int) -> dict[str, str | None]:
    """Links to the pages of SEARCH_PAGE results before and after this one; rank then id keeps them stable."""

    def link(n: int) -> str:
        return f"{search_url}?q={_quote(q)}" + (f"&page={n}" if n > 1 else "")

    return {
        "prev_url": link(page - 1) if page > 1 else None,
        "next_url": link(page + 1) if page < _last_page(total) else None,
    }


def _last_page(total: int) -> int:
    return max((total + SEARCH_PAGE - 1) // SEARCH_PAGE, 1)


def _marked(snippet: str) -> list[tuple[str, bool]]:
    """Split a snippet into (text, is_hit) runs; the template escapes each run."""
    parts: list[tuple[str, bool]] = []
    for i, piece in enumerate(snippet.split(MARK_OPEN)):
        if i == 0:
            parts.append((piece, False))
            continue
        hit, _, rest = piece.partition(MARK_CLOSE)
        parts += [(hit, True), (rest, False)]
    return [p for p in parts if p[0]]


# ---------------------------------------------------------------- short URLs for the README


async def latest_redirect(datasette: Datasette, request: Request) -> Response:
    db = await _database(datasette, request)
    return Response.redirect(datasette.urls.table(db.name, "latest_articles"))


ROUTES: list[tuple[str, Any]] = [
    (r"^/$", front_page),
    (r"^" + _DB + r"/-/changes(?:\.(?P<format>atom|json))?$", changes_view),
    (r"^" + _DB + r"/-/search$", search_view),
    (r"^/-/latest$", latest_redirect),
]
