"""An archive made by an earlier release opens in this one: migrated in place, every row kept.

`fixtures/archive-v1.db` was made by schema version 1 (see `fixtures/build_archive_v1.py`): two
crawl rounds and a one-off fetch of a local site of realistic pages.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from scraper.archive import schema
from scraper.archive.store import Archive
from scraper.crawl.frontier import Frontier
from tests.conftest import rows

FIXTURE = Path(__file__).parent / "fixtures" / "archive-v1.db"
TABLES = ("articles", "article_urls", "versions", "comments", "pages", "fingerprints", "fetches", "runs", "frontier")


def counts(db: Path) -> dict[str, int]:
    return {table: rows(db, f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}


def shape(db: Path) -> dict[str, Any]:
    """Tables with their columns, indexes, triggers and views: what a schema is, without its SQL text."""
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        columns = {
            n: [(c[1], c[2], c[3], c[4], c[5]) for c in conn.execute(f"PRAGMA table_info([{n}])")] for n in names
        }
        others = conn.execute(
            "SELECT type, name, tbl_name FROM sqlite_master WHERE type IN ('index', 'trigger', 'view') ORDER BY name"
        ).fetchall()
    return {"columns": columns, "others": others}


@pytest.fixture
def v1(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    shutil.copy(FIXTURE, path)
    return path


def test_the_fixture_is_version_1_with_rows_in_every_table() -> None:
    assert rows(FIXTURE, "PRAGMA user_version") == [(1,)]
    assert all(n > 0 for n in counts(FIXTURE).values())


def test_migration_keeps_every_row(v1: Path) -> None:
    before = counts(v1)
    kept = rows(
        v1,
        "SELECT a.url, v.version, v.title, v.content_hash, v.kind FROM versions v JOIN articles a"
        " ON a.id = v.article_id ORDER BY v.id",
    )
    comments = rows(v1, "SELECT article_id, key, author, text, removed_at IS NOT NULL FROM comments ORDER BY 1, 2")
    fetches = rows(v1, "SELECT url, status, outcome, error FROM fetches ORDER BY id")
    frontier = rows(v1, "SELECT url, kind, state, next_due, etag FROM frontier ORDER BY url")
    with Archive(v1) as archive:
        assert schema.version_of(archive.conn) == schema.VERSION
        assert archive.stored_page(rows(v1, "SELECT sha256 FROM pages LIMIT 1")[0][0]) is not None
        edited = rows(v1, "SELECT url FROM articles WHERE version_count = 2")[0][0]
        assert [v.version for v in archive.versions(edited)] == [1, 2]
        assert Frontier(archive).counts() == {"done": 4, "gone": 2}
    assert counts(v1) == before
    assert (
        rows(
            v1,
            "SELECT a.url, v.version, v.title, v.content_hash, v.kind FROM versions v JOIN articles a"
            " ON a.id = v.article_id ORDER BY v.id",
        )
        == kept
    )
    assert (
        rows(v1, "SELECT article_id, key, author, text, removed_at IS NOT NULL FROM comments ORDER BY 1, 2") == comments
    )
    assert rows(v1, "SELECT url, status, outcome, error FROM fetches ORDER BY id") == fetches
    assert rows(v1, "SELECT url, kind, state, next_due, etag FROM frontier ORDER BY url") == frontier
    assert rows(v1, "SELECT count(*) FROM comments WHERE removed_at IS NOT NULL") == [(1,)]
    assert rows(v1, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'Braies'") == [(1,)]
    assert rows(v1, "SELECT count(*) FROM latest_articles") == [(4,)]


def test_a_migrated_archive_has_the_schema_of_a_new_one(v1: Path, tmp_path: Path) -> None:
    Archive(v1).close()
    Archive(tmp_path / "new.db").close()
    assert shape(v1) == shape(tmp_path / "new.db")
    dead = {"next_check", "etag", "last_modified"}
    assert not dead & {c[0] for c in shape(v1)["columns"]["articles"]}


def test_a_migrated_archive_takes_new_versions(v1: Path) -> None:
    from scraper.models import Article

    with Archive(v1) as archive:
        url = rows(v1, "SELECT url FROM articles WHERE state = 'live' ORDER BY id LIMIT 1")[0][0]
        result = archive.save(Article(url=url, title="Un titre neuf", body="Un corps neuf."))
    assert result.status == "changed" and result.version == 3
