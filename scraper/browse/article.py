"""The article page, `/<database>/-/article/<id>`: current text, versions, a diff of any two, comment threads.

Reads only, through Datasette's read-only connections, and answers with a Content-Security-Policy
that forbids every script: even if something scraped slipped past escaping, it could not run.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from datasette.utils.asgi import BadRequest, NotFound, Request, Response

from ..archive.copies import find_copies
from .metadata import PLUGIN_NAME
from .present import authors_list, diff_segments, human_time, paragraphs, safe_href, thread

if TYPE_CHECKING:  # see plugin.py: datasette.app must not be imported while the plugin loads
    from datasette.app import Datasette
    from datasette.database import Database

__all__ = ["ROUTE", "SECURITY_HEADERS", "article_path", "article_view"]

# `/-/article/ID` (no database) is the archive being served, answered directly: `curl` needs no `-L`
ROUTE = r"^(?:/(?P<database>[^/]+))?/-/article/(?P<article_id>\d+)(?:\.(?P<format>json))?$"

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}

_VERSION_COLUMNS = (
    "version, first_seen, last_seen, title, authors, published, modified, lang, kind, content_hash,"
    " change_summary, title_changed, words_added, words_removed"
)
_DIFF_FIELDS = ("title", "authors", "published", "modified", "lang")
COPIES_SHOWN = 10  # the sidebar's nearest copies; `?copies=all` lists every one (a wire story can have hundreds)


def article_path(datasette: Datasette, database: str, article_id: int, **params: int | str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return str(datasette.urls.database(database)) + f"/-/article/{article_id}" + (f"?{query}" if query else "")


async def article_view(datasette: Datasette, request: Request) -> Response:
    name = request.url_vars.get("database")
    try:
        db = datasette.get_database(route=name) if name else datasette.get_database()
    except (KeyError, IndexError):
        raise NotFound("No such database") from None
    await datasette.ensure_permissions(
        request.actor, [("view-table", (db.name, "articles")), ("view-database", db.name), "view-instance"]
    )
    article_id = int(request.url_vars["article_id"])
    data = await _load(db, article_id, request)
    if request.url_vars.get("format") == "json":
        return Response.json(_as_json(data), headers=SECURITY_HEADERS)
    context = {**data, **_links(datasette, db.name, article_id, data), **_copies_shown(request, data["copies"])}
    html = await datasette.render_template("newsarchive_article.html", context, request=request)
    return Response.html(html, headers=SECURITY_HEADERS)


async def _load(db: Database, article_id: int, request: Request) -> dict[str, Any]:
    row = (await db.execute("SELECT * FROM articles WHERE id = ?", [article_id])).first()
    if row is None:
        raise NotFound(f"Article {article_id} is not in the archive")
    article = dict(row)
    article["authors"] = authors_list(article.get("authors"))
    article["href"] = safe_href(article.get("url"))
    versions = [dict(r) for r in await db.execute(_versions_sql(), [article_id])]
    for v in versions:
        v["authors"] = authors_list(v["authors"])
    numbers = [v["version"] for v in versions]
    latest = numbers[-1] if numbers else None
    shown_n = _int_param(request, "version") or latest
    diff_to = _int_param(request, "to")
    diff_from = _int_param(request, "from")
    wants_diff = diff_to is not None or diff_from is not None
    if wants_diff and latest is not None:
        diff_to = diff_to or latest
        diff_from = diff_from or max(diff_to - 1, 1)
    for n in (shown_n, diff_from, diff_to) if wants_diff else (shown_n,):
        if n is not None and n not in numbers:
            raise NotFound(f"Article {article_id} has no version {n}")
    if wants_diff and diff_from == diff_to:  # "changes from version 1 to version 1" says nothing
        raise BadRequest(
            f"version {diff_to} is the first: there is none before it to compare"
            if diff_to == 1 and _int_param(request, "from") is None
            else "?from= and ?to= must name two different versions"
        )
    bodies = await _bodies(db, article_id, {n for n in (shown_n, diff_from, diff_to) if n is not None})
    by_n = {v["version"]: v for v in versions}
    shown = None
    if shown_n is not None:
        shown = {**by_n[shown_n], "paragraphs": paragraphs(bodies[shown_n])}
    diff = None
    if wants_diff and diff_from is not None and diff_to is not None:
        full = request.args.get("full") == "1"
        old, new = by_n[diff_from], by_n[diff_to]
        segments = diff_segments(bodies[diff_from], bodies[diff_to], context=None if full else 25)
        diff = {
            "from": old,
            "to": new,
            "full": full,
            "fields": [_field(name, old[name], new[name]) for name in _DIFF_FIELDS if old[name] != new[name]],
            "segments": segments,
            "body_changed": any(s.op in ("insert", "delete") for s in segments),
        }
    comment_rows = await db.execute(
        "SELECT key, parent_key, author, published, text, first_seen, last_seen, removed_at FROM comments"
        " WHERE article_id = ? ORDER BY coalesce(published, first_seen), first_seen, key",
        [article_id],
    )
    comments = [{**c, "paragraphs": paragraphs(c["text"])} for c in thread(dict(r) for r in comment_rows)]
    copies = await db.execute_fn(lambda conn: _near_copies(conn, article_id))
    return {
        "copies": copies,
        "article": article,
        "versions": versions,
        "shown": shown,
        "is_latest": shown_n == latest,
        "diff": diff,
        "comments": comments,
        "removed_count": sum(1 for c in comments if c["removed_at"]),
    }


def _near_copies(conn: sqlite3.Connection, article_id: int) -> list[dict[str, Any]]:
    """Near-copies of this article (syndication, light rewrites); none on archives without fingerprints."""
    try:
        found = find_copies(conn, article_id)
    except sqlite3.OperationalError:
        return []
    return [
        {
            "article_id": c.article_id,
            "url": c.url,
            "title": c.title,
            "site": c.site,
            "distance": c.distance,
            "similarity": c.similarity,
        }
        for c in found
    ]


def _copies_shown(request: Request, copies: list[dict[str, Any]]) -> dict[str, Any]:
    """The nearest COPIES_SHOWN copies (find_copies sorts them), unless the reader asked for all."""
    shown = copies if request.args.get("copies") == "all" else copies[:COPIES_SHOWN]
    return {"copies_shown": shown, "copies_hidden": len(copies) - len(shown)}


def _versions_sql() -> str:
    return f"SELECT {_VERSION_COLUMNS} FROM versions WHERE article_id = ? ORDER BY version"


async def _bodies(db: Database, article_id: int, numbers: set[int]) -> dict[int, str]:
    if not numbers:
        return {}
    marks = ",".join("?" * len(numbers))
    rows = await db.execute(
        f"SELECT version, body FROM versions WHERE article_id = ? AND version IN ({marks})",
        [article_id, *sorted(numbers)],
    )
    return {r["version"]: r["body"] or "" for r in rows}


def _int_param(request: Request, name: str) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"?{name}= must be a version number") from None
    if value < 1:
        raise BadRequest(f"?{name}= must be a version number")
    return value


def _field(name: str, old: Any, new: Any) -> dict[str, Any]:
    """A changed metadata field; a headline is diffed word by word, since an edit often changes one word."""
    field: dict[str, Any] = {"name": name, "old": _shown(old), "new": _shown(new)}
    if name == "title" and field["old"] and field["new"]:
        field["segments"] = diff_segments(field["old"], field["new"], context=None)
    return field


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value)


def _links(datasette: Datasette, database: str, article_id: int, data: dict[str, Any]) -> dict[str, Any]:
    db_url = datasette.urls.database(database)
    latest = data["versions"][-1]["version"] if data["versions"] else None
    diff = data["diff"]
    pair = {"from": diff["from"]["version"], "to": diff["to"]["version"]} if diff else {}
    for c in data["copies"]:
        c["page_url"] = article_path(datasette, database, c["article_id"])
    return {
        "database": database,
        "when": human_time,
        "css_url": datasette.urls.static_plugins(PLUGIN_NAME, "newsarchive.css"),
        "home_url": datasette.urls.instance(),
        "database_url": db_url,
        "latest_url": datasette.urls.table(database, "latest_articles"),
        "search_url": db_url + "/-/search",
        "changed_url": db_url + "/-/changes",
        "feed_url": db_url + f"/-/changes.atom?article={article_id}",
        "article_changes_url": db_url + f"/-/changes?article={article_id}",
        "self_url": article_path(datasette, database, article_id),
        "all_copies_url": article_path(datasette, database, article_id, copies="all") + "#copies",
        "json_url": datasette.urls.database(database) + f"/-/article/{article_id}.json",
        "history_url": datasette.urls.table(database, "versions") + f"?article_id={article_id}",
        "latest_version": latest,
        "full_diff_url": article_path(datasette, database, article_id, **pair, full=1) if diff else None,
        "short_diff_url": article_path(datasette, database, article_id, **pair) if diff else None,
    }


def _as_json(data: dict[str, Any]) -> dict[str, Any]:
    """The page's data for API users: the diff as op/text runs, comments flat with their depth."""
    out: dict[str, Any] = json.loads(json.dumps({k: v for k, v in data.items() if k != "diff"}, default=str))
    diff = data["diff"]
    if diff:
        out["diff"] = {
            "from": diff["from"]["version"],
            "to": diff["to"]["version"],
            "fields": [
                {**f, "segments": [{"op": s.op, "text": s.text} for s in f["segments"]]} if "segments" in f else f
                for f in diff["fields"]
            ],
            "body": [{"op": s.op, "text": s.text} for s in diff["segments"]],
        }
    else:
        out["diff"] = None
    return out
