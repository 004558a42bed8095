"""The writer's batches: one transaction for many saves and their frontier updates, never torn.

A crawl child is SIGKILLed at random moments: what was committed before the kill is still there
after it, and no frontier row says "done" for an article whose version was not saved.  The FTS
trigger does no work for a save that changes no title or body, or for a 304.
"""

from __future__ import annotations

import asyncio
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest

from scraper.archive.store import Archive
from scraper.config import load_config
from scraper.crawl import writer as writer_module
from scraper.crawl.round import crawl
from scraper.models import Article, Outcome
from tests import faults
from tests.conftest import rows, write_site
from tests.server import LocalServer
from tests.sitegen import SyntheticSite, mount

# article rows the frontier calls done, whose URL names no saved version
FRONTIER_AHEAD = (
    "SELECT count(*) FROM frontier f WHERE f.kind = 'article' AND f.state = 'done' AND NOT EXISTS"
    " (SELECT 1 FROM article_urls u JOIN versions v ON v.article_id = u.article_id WHERE u.url = f.url)"
)


def _committed(db: Path) -> tuple[set[tuple[int, int]], set[str]]:
    with sqlite3.connect(db, timeout=60) as conn:
        if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
            return set(), set()  # killed before its schema was committed: the file is empty
        versions = set(conn.execute("SELECT article_id, version FROM versions").fetchall())
        done = {r[0] for r in conn.execute("SELECT url FROM frontier WHERE state = 'done'")}
    return versions, done


def _versions(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=60) as conn:
            return int(conn.execute("SELECT count(*) FROM versions").fetchone()[0])
    except sqlite3.OperationalError:  # no schema yet
        return 0


def test_a_kill_between_batches_loses_nothing_committed_and_the_frontier_is_never_ahead(
    server: LocalServer, db_path: Path, config_dir: Path
) -> None:
    mount(server, SyntheticSite(n=150, per_page=20), delay=0.1)
    (config_dir / "settings.toml").write_text("[crawl]\nmin_delay = 0.0\nper_host_concurrency = 8\n")
    write_site(config_dir, server, allow_private="true")
    rng = random.Random(14)
    kills = 0
    for _ in range(6):
        # killed once a random few more versions are committed, not after a fixed time: a fast machine
        # would finish the crawl before a timed kill, a slow one kill it before it saved anything
        target = _versions(db_path) + rng.randint(3, 15)
        proc = subprocess.Popen([sys.executable, "-c", faults.CRAWL_CHILD, str(config_dir), str(db_path)])
        deadline = time.monotonic() + 120
        while proc.poll() is None and _versions(db_path) < target and time.monotonic() < deadline:
            time.sleep(rng.uniform(0.005, 0.05))
        before = _committed(db_path) if db_path.exists() else (set(), set())
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        if not db_path.exists():
            continue
        after = _committed(db_path)
        assert before[0] <= after[0] and before[1] <= after[1]  # nothing committed was lost
        if rows(db_path, "PRAGMA user_version") != [(0,)]:
            assert rows(db_path, FRONTIER_AHEAD) == [(0,)]
            assert faults.archive_problems(db_path) == faults.WHOLE
    assert kills >= 5  # at most 6 x 15 of the 150 articles are saved before the last kill
    done = subprocess.run([sys.executable, "-c", faults.CRAWL_CHILD, str(config_dir), str(db_path)], timeout=300)
    assert done.returncode == 0
    assert rows(db_path, "SELECT count(*) FROM versions") == [(150,)]
    assert rows(db_path, FRONTIER_AHEAD) == [(0,)]


class _Counted(Archive):
    """The writer's archive, with its connection's statements traced (COMMITs and FTS writes counted)."""

    seen: ClassVar[list[str]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conn.set_trace_callback(_Counted.seen.append)


def test_saves_are_committed_in_batches_with_their_frontier_updates(
    server: LocalServer, db_path: Path, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mount(server, SyntheticSite(n=120, per_page=20))
    (config_dir / "settings.toml").write_text("[crawl]\nmin_delay = 0.0\nper_host_concurrency = 8\n")
    write_site(config_dir, server, allow_private="true")
    _Counted.seen = []
    monkeypatch.setattr(writer_module, "Archive", _Counted)
    config = load_config(config_dir)
    counts = asyncio.run(crawl(config, config.sites, db_path))
    assert counts["synth"].new == 120
    commits = sum(1 for s in _Counted.seen if s.strip().upper() == "COMMIT")
    saves = sum(1 for s in _Counted.seen if s.startswith("INSERT INTO versions"))
    assert saves == 120
    print(f"{saves} saves in {commits} commits")
    assert commits < saves / 3  # many saves per transaction (one each before)
    # every frontier update was written inside a transaction that also held saves or fetch logs
    assert rows(db_path, FRONTIER_AHEAD) == [(0,)]


def _fts_work(statements: list[str]) -> int:
    return sum(1 for s in statements if "articles_fts" in s)


def test_an_unchanged_save_or_a_304_does_no_fts_write(db_path: Path) -> None:
    from scraper.models import Page

    with Archive(db_path) as archive:
        url = "http://127.0.0.1:1/a/one.html"
        page = Page(url, url, 200, {}, "<html></html>", "utf-8", content=b"<html></html>")
        archive.save(Article(url=url, title="A title", body="A body of text."), page=page)
        shadow = rows(db_path, "SELECT count(*), sum(length(block)) FROM articles_fts_data")
        seen: ClassVar[list[str]] = []
        archive.conn.set_trace_callback(seen.append)
        again = archive.save(Article(url=url, title="A title", body="A body of text."), page=page)
        archive.record_fetch(url, Outcome.NOT_MODIFIED, status=304)
        archive.conn.set_trace_callback(None)
        assert again.status == Outcome.UNCHANGED
        assert _fts_work(seen) == 0, [s for s in seen if "articles_fts" in s]
        assert rows(db_path, "SELECT count(*), sum(length(block)) FROM articles_fts_data") == shadow
        # a changed body is still re-indexed, and found by its new words only
        archive.conn.set_trace_callback(seen.append)
        archive.save(Article(url=url, title="A title", body="Entirely different words."), page=page)
        archive.conn.set_trace_callback(None)
        assert _fts_work(seen) > 0
    assert rows(db_path, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'different'") == [(1,)]
    assert rows(db_path, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'body'") == [(0,)]


def test_fresh_and_migrated_archives_have_the_same_fts_trigger(tmp_path: Path) -> None:
    import shutil

    old = tmp_path / "old.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "archive-v1.db", old)
    Archive(old).close()
    Archive(tmp_path / "new.db").close()
    sql = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    assert rows(old, sql) == rows(tmp_path / "new.db", sql)
    assert "UPDATE OF title, body" in dict(rows(old, sql))["articles_au"]
