"""Datasette metadata for an archive: titles, news facets, full-text search on the view, canned queries.

Built as a dict per database name (Datasette keys metadata by the file's stem), so it is shipped
with the package rather than as a file a user has to find and pass.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PLUGIN_NAME", "build_metadata"]

PLUGIN_NAME = "newsarchive"

_SEARCH_SQL = """
SELECT
    a.id AS article_id,
    a.title,
    a.site,
    a.published,
    a.version_count AS versions,
    snippet(articles_fts, 1, char(57344), char(57345), '…', 24) AS snippet
FROM articles_fts
JOIN articles a ON a.id = articles_fts.rowid
WHERE articles_fts MATCH newsarchive_fts_query(:q)
ORDER BY rank
LIMIT 200
""".strip()

_RECENTLY_CHANGED_SQL = """
SELECT
    a.id AS article_id,
    a.title,
    a.site,
    a.version_count AS versions,
    v.change_summary AS last_change,
    v.kind,
    a.last_changed,
    a.published
FROM articles a
JOIN versions v ON v.article_id = a.id AND v.version = a.version_count
WHERE a.version_count > 1
ORDER BY a.last_changed DESC
LIMIT 200
""".strip()

_MOST_EDITED_SQL = """
SELECT
    a.id AS article_id,
    a.title,
    a.site,
    a.version_count AS versions,
    a.first_seen,
    a.last_changed
FROM articles a
WHERE a.version_count > 1
ORDER BY a.version_count DESC, a.last_changed DESC
LIMIT 200
""".strip()

_REMOVED_COMMENTS_SQL = """
SELECT
    c.article_id,
    a.title,
    c.author,
    c.text,
    c.first_seen,
    c.removed_at
FROM comments c
JOIN articles a ON a.id = c.article_id
WHERE c.removed_at IS NOT NULL
ORDER BY c.removed_at DESC
LIMIT 200
""".strip()

_NEWS_FACETS: list[Any] = ["site", {"array": "authors"}, "lang"]


def build_metadata(database: str) -> dict[str, Any]:
    """Metadata for one archive served under the Datasette database name `database`."""
    return {
        "title": "News archive",
        "description": "Every archived version of every article: search, browse by site or author, see what changed.",
        "about": "newsarchive",
        "databases": {
            database: {
                "tables": {
                    "articles": {
                        "description": "One row per article, with its current version. Click a title for its history.",
                        "label_column": "title",
                        "sort_desc": "published",
                        "facets": [*_NEWS_FACETS, {"date": "published"}],
                    },
                    "latest_articles": {
                        "title": "Latest articles",
                        "description": (
                            "Newest first: who published what, where, and how often it was edited. An address"
                            " that now redirects to another archived story (state moved) is listed in articles."
                        ),
                        "fts_table": "articles_fts",
                        "fts_pk": "id",
                        "facets": [*_NEWS_FACETS, "published_month"],
                    },
                    "versions": {
                        "description": "One row per distinct content of an article.",
                        "sort_desc": "first_seen",
                    },
                    "comments": {
                        "description": "Reader comments; removed_at is set when a comment disappeared from the page.",
                        "facets": ["removed_at"],
                    },
                    "fetches": {"description": "Every request made and its outcome.", "sort_desc": "fetched_at"},
                    "pages": {"hidden": True},
                },
                "queries": {
                    "search": {
                        "title": "Search articles",
                        "description": 'Words in title or body: "a phrase", prefix*, Poutine OR Bordelais, NOT.',
                        "sql": _SEARCH_SQL,
                        "hide_sql": True,
                    },
                    "recently_changed": {
                        "title": "Recently changed articles",
                        "description": "Articles edited after first publication, most recent edit first.",
                        "sql": _RECENTLY_CHANGED_SQL,
                        "hide_sql": True,
                    },
                    "most_edited": {
                        "title": "Most edited articles",
                        "description": "Articles with the most versions.",
                        "sql": _MOST_EDITED_SQL,
                        "hide_sql": True,
                    },
                    "removed_comments": {
                        "title": "Removed comments",
                        "description": "Comments that disappeared from their article, latest first.",
                        "sql": _REMOVED_COMMENTS_SQL,
                        "hide_sql": True,
                    },
                },
            }
        },
    }
