"""The SQLite archive: one row per article, one version per distinct content, every fetch logged.

Writes go through plain SQL inside `BEGIN IMMEDIATE … COMMIT`, one transaction per saved page (or
one per batch of saves, each a savepoint inside it: the crawl writer), so a killed process leaves
either the whole save or none of it, and two writers (the daemon and a
one-off `scraper fetch`) queue on SQLite's lock instead of failing.  Opening a file creates or
migrates its schema (`schema`).  Saving is idempotent: delivering the same article twice changes
nothing but `last_seen`.  Pages reach `save` through `ingest`, the one save path.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

import sqlite_utils
import zstandard

from ..errors import ArchiveError
from ..models import Article, ArticleState, Comment, Digest, Outcome, Page, VersionKind
from ..urls import canonicalize, host_of
from . import schema
from .changes import CHANGE_COLUMNS, ChangeStats, stats_select, store_change_stats, version_change
from .copies import digest as digest_of
from .copies import store_fingerprint

__all__ = ["Archive", "SaveResult", "Version"]

# level 3: as small as zlib -6 on real pages, 4x faster to compress, 2x to decompress (measured)
ZSTD_LEVEL = 3


_compressors = threading.local()


def _compressor() -> zstandard.ZstdCompressor:
    """One compressor per thread (they are not thread-safe), made once: making one costs ~0.1 ms."""
    found: zstandard.ZstdCompressor | None = getattr(_compressors, "zstd", None)
    if found is None:
        found = _compressors.zstd = zstandard.ZstdCompressor(level=ZSTD_LEVEL)
    return found


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What saving one extracted page did: status is NEW, CHANGED or UNCHANGED; or NOT_ARTICLE or
    BLOCKED, with the `reason`, when the page was refused and no version added (`version` is then
    the latest version held, if any)."""

    status: Outcome
    version: int | None
    article_id: int | None
    reason: str | None = None  # why nothing was saved (not an article, a wall)
    change: ChangeStats | None = None  # for a new version: how it differs from the one before
    removed_comments: int = 0  # comments that disappeared from the page in this save
    kind: VersionKind | None = None  # what made the version this save added (None: it added none)


@dataclass(frozen=True, slots=True)
class Version:
    version: int
    first_seen: str
    last_seen: str
    content_hash: str
    title: str | None
    authors: list[str]
    published: str | None
    modified: str | None
    body: str
    kind: str
    change: ChangeStats | None = None

    def summary(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "content_hash": self.content_hash,
            "title": self.title,
            "kind": self.kind or "fetch",
            "change": self.change.to_dict() if self.change else None,
        }


def _content(article: Article) -> tuple[str | None, ...]:
    """The columns an article and its versions share: title, authors, published, modified, lang, body."""
    authors = json.dumps(list(article.authors), ensure_ascii=False)
    return article.title, authors, article.published, article.modified, article.lang, article.body


class Archive:
    """An open archive file.  Use as a context manager; not shared between threads.

    `readonly=True` (the read commands) never creates or changes the file: a missing file is an
    error, and an archive the user may only read can still be read (see `_open_readonly`).
    """

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._depth = 0  # transactions open on this connection (see `transaction`)
        self.immutable = False  # opened `immutable=1`: read-only media, see `_open_readonly`
        folder = self.path.parent
        if not readonly and not folder.is_dir():
            # SQLite would only say "unable to open database file": name what is missing
            raise ArchiveError(
                f"{self.path}: folder {folder} does not exist (an archive is created, its folder is not)"
            )
        try:
            if readonly:
                self.conn, self.immutable = _open_readonly(self.path)
            else:
                self.conn = sqlite3.connect(str(self.path), timeout=60.0, isolation_level=None, check_same_thread=False)
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA busy_timeout=60000")
                self.conn.execute("PRAGMA synchronous=NORMAL")
                self.conn.execute("PRAGMA foreign_keys=ON")
            self.db = sqlite_utils.Database(self.conn)
            if not readonly:
                self._ensure_schema()
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{self.path}: cannot open archive: {exc}") from None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    # ------------------------------------------------------------ schema

    def _ensure_schema(self) -> None:
        if schema.version_of(self.conn) >= schema.VERSION:
            return
        with self.transaction():
            if schema.version_of(self.conn) >= schema.VERSION:
                return  # another process created or migrated it while we waited for the lock
            schema.migrate(self.db)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE takes the write lock up front, so concurrent writers wait instead of failing.

        Inside another transaction of this archive (the crawl writer's batch) it is a savepoint: its
        writes are undone alone if it fails, and become durable with the batch's COMMIT.
        """
        if self._depth:
            with self._savepoint():
                yield self.conn
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise ArchiveError(f"{self.path}: cannot start a write: {exc}") from None
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                self.conn.execute("ROLLBACK")
                raise ArchiveError(f"{self.path}: commit failed: {exc}") from None
        finally:
            self._depth = 0

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        name = f"sp{self._depth}"
        self.conn.execute(f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield
        except BaseException:
            self.conn.execute(f"ROLLBACK TO {name}")
            self.conn.execute(f"RELEASE {name}")
            raise
        else:
            self.conn.execute(f"RELEASE {name}")
        finally:
            self._depth -= 1

    # ------------------------------------------------------------ writes

    def save(
        self,
        article: Article,
        *,
        page: Page | None = None,
        site: str | None = None,
        key_url: str | None = None,
        kind: VersionKind = VersionKind.FETCH,
        store_raw: bool = True,
        log_fetch: bool = True,
        precomputed: Digest | None = None,
    ) -> SaveResult:
        """Archive one extracted article (and log its fetch) in a single transaction.

        `key_url` is the article's identity (a canonical URL); by default the page's final URL.
        A new content hash adds exactly one version; the same hash only moves `last_seen`.
        """
        key = key_url or (page.final_url if page else article.url)
        stamp = (page.fetched_at if page else datetime.now(UTC)).isoformat(timespec="seconds")
        found = precomputed or digest_of(article)
        digest = found.content_hash
        try:
            with self.transaction() as conn:
                article_id, fresh = self._article_id(conn, key, site, stamp, page, article)
                if page is not None and page.url != page.final_url:
                    self._mark_moved(conn, page.url, article_id, stamp)
                last = conn.execute(
                    "SELECT version, content_hash FROM versions WHERE article_id=? ORDER BY version DESC LIMIT 1",
                    (article_id,),
                ).fetchone()
                change = None
                if last and last[1] == digest:
                    status, number = Outcome.UNCHANGED, last[0]
                    conn.execute(
                        "UPDATE versions SET last_seen=? WHERE article_id=? AND version=?",
                        (stamp, article_id, number),
                    )
                else:
                    status, number = (Outcome.CHANGED if last else Outcome.NEW), (last[0] + 1 if last else 1)
                    page_sha = self._store_page(conn, page) if (page and store_raw) else None
                    captured = page.final_url if page else article.url
                    title, authors, published, _, _, body = _content(article)
                    values = {"title": title, "body": body, "authors": authors, "published": published, "kind": kind}
                    change = version_change(conn, article_id, number, values)
                    self._add_version(
                        conn, article_id, number, captured, digest, article, kind, page_sha, stamp, change
                    )
                    store_fingerprint(conn, article_id, number, found.simhash)
                if not (fresh and number == 1):  # a fresh row was inserted as version 1 leaves it
                    self._touch_article(conn, article_id, article, stamp, status, number)
                removed = self._save_comments(conn, article_id, article.comments, stamp)
                if page is not None and log_fetch:
                    self._log_fetch(
                        conn,
                        page.url,
                        page.final_url,
                        article_id,
                        stamp,
                        page.status,
                        page.size,
                        page.elapsed,
                        status,
                        None,
                    )
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{self.path}: saving {key} failed: {exc}") from None
        added = kind if status != Outcome.UNCHANGED else None
        return SaveResult(status, number, article_id, change=change, removed_comments=removed, kind=added)

    def insert_version(
        self,
        article_id: int,
        article: Article,
        page: Page,
        found: Digest,
        *,
        number: int,
        aliases: list[str],
        kind: VersionKind,
        store_raw: bool,
    ) -> None:
        """Slot an older capture in as version `number`, moving the later versions up one (an import).

        The newest version, and so the article row's content and fingerprint, stay as they are.
        """
        stamp = page.fetched_at.astimezone(UTC).isoformat(timespec="seconds")
        try:
            with self.transaction() as conn:
                # two steps through negative numbers, so the unique (article_id, version) index never sees a clash
                conn.execute(
                    "UPDATE versions SET version = -version - 1 WHERE article_id=? AND version >= ?",
                    (article_id, number),
                )
                conn.execute("UPDATE versions SET version = -version WHERE article_id=? AND version < 0", (article_id,))
                conn.execute(
                    "UPDATE fingerprints SET version = version + 1 WHERE article_id=? AND version >= ?",
                    (article_id, number),
                )
                page_sha = self._store_page(conn, page) if store_raw else None
                self._add_version(
                    conn, article_id, number, page.final_url, found.content_hash, article, kind, page_sha, stamp
                )
                conn.execute(
                    "UPDATE articles SET version_count = version_count + 1, first_seen = CASE"
                    " WHEN first_seen IS NULL OR first_seen > ? THEN ? ELSE first_seen END WHERE id=?",
                    (stamp, stamp, article_id),
                )
                conn.executemany(
                    "INSERT OR IGNORE INTO article_urls (url, article_id) VALUES (?, ?)",
                    [(u, article_id) for u in aliases if u],
                )
                for changed in (number, number + 1):  # the slotted version, and the one now after it
                    store_change_stats(conn, article_id, changed)
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{self.path}: importing {page.url} failed: {exc}") from None

    def record_fetch(
        self,
        url: str,
        outcome: Outcome,
        *,
        status: int | None = None,
        error: str | None = None,
        final_url: str | None = None,
        size: int = 0,
        duration: float = 0.0,
        when: datetime | None = None,
    ) -> None:
        """Log a request that produced no version: an error, a 304, a page refused by rules."""
        stamp = (when or datetime.now(UTC)).isoformat(timespec="seconds")
        try:
            with self.transaction() as conn:
                row = conn.execute("SELECT article_id FROM article_urls WHERE url=?", (url,)).fetchone()
                article_id = row[0] if row else None
                if article_id is not None and outcome in (Outcome.NOT_ARTICLE, Outcome.BLOCKED):
                    conn.execute("UPDATE articles SET last_checked=? WHERE id=?", (stamp, article_id))
                elif article_id is not None:
                    if outcome == Outcome.NOT_MODIFIED:
                        state = ArticleState.LIVE
                        # a 304 confirms the newest version is still what the site serves
                        conn.execute(
                            "UPDATE versions SET last_seen=? WHERE article_id=? AND last_seen < ? AND version ="
                            " (SELECT max(version) FROM versions WHERE article_id=?)",
                            (stamp, article_id, stamp, article_id),
                        )
                    else:
                        state = ArticleState.GONE if status in (404, 410) else ArticleState.FAILING
                    conn.execute("UPDATE articles SET last_checked=?, state=? WHERE id=?", (stamp, state, article_id))
                self._log_fetch(conn, url, final_url, article_id, stamp, status, size, duration, outcome, error)
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{self.path}: logging fetch of {url} failed: {exc}") from None

    def _article_id(
        self,
        conn: sqlite3.Connection,
        key: str,
        site: str | None,
        stamp: str,
        page: Page | None,
        article: Article,
    ) -> tuple[int, bool]:
        """The id of the article `key` (or an alias) names, and whether its row is new.

        A new row is inserted as `_touch_article` leaves version 1 (content, counts, stamps), so that
        the FTS insert trigger indexes it once: inserted empty and then updated, it was indexed empty,
        deleted from the index and indexed again, and its row written twice.
        """
        aliases = {key, article.url, *((page.url, page.final_url) if page else ())}
        row = conn.execute("SELECT id, site FROM articles WHERE url=?", (key,)).fetchone()
        if row is None:
            marks = ",".join("?" * len(aliases))
            row = conn.execute(
                "SELECT a.id, a.site FROM article_urls u JOIN articles a ON a.id = u.article_id"
                f" WHERE u.url IN ({marks})",
                tuple(aliases),
            ).fetchone()
        fresh = row is None
        if fresh:
            cur = conn.execute(
                "INSERT INTO articles (url, site, first_seen, last_checked, version_count, state, title, authors,"
                " published, modified, lang, body, last_changed) VALUES (?, ?, ?, ?, 1, 'live', ?, ?, ?, ?, ?, ?, ?)",
                (key, site, stamp, stamp, *_content(article), stamp),
            )
            article_id = int(cur.lastrowid or 0)
        else:
            article_id, held_site = int(row[0]), row[1]
            # an article first archived ad hoc (under its host's name) joins the site configured since
            if site and held_site != site and held_site in (None, host_of(key), urlsplit(key).hostname):
                conn.execute("UPDATE articles SET site=? WHERE id=?", (site, article_id))
        conn.executemany(
            "INSERT OR IGNORE INTO article_urls (url, article_id) VALUES (?, ?)",
            [(u, article_id) for u in sorted(aliases) if u],
        )
        return article_id, fresh

    @staticmethod
    def _mark_moved(conn: sqlite3.Connection, url: str, article_id: int, stamp: str) -> None:
        """The article `url` named until now, when its fetch was redirected to another one: `moved`,
        so that it is not taken for a live second copy of the story (its versions stay as they were)."""
        row = conn.execute("SELECT article_id FROM article_urls WHERE url=?", (url,)).fetchone()
        if row is not None and int(row[0]) != article_id:
            conn.execute(
                "UPDATE articles SET state=?, last_checked=? WHERE id=?", (ArticleState.MOVED, stamp, int(row[0]))
            )

    @staticmethod
    def _store_page(conn: sqlite3.Connection, page: Page) -> str:
        """Keep the raw body once per distinct content, zstd-compressed (see README "Raw pages")."""
        sha = hashlib.sha256(page.content).hexdigest()
        conn.execute(
            "INSERT OR IGNORE INTO pages (sha256, encoding, headers, codec, content, size) VALUES (?, ?, ?, ?, ?, ?)",
            (
                sha,
                page.encoding,
                json.dumps(dict(page.headers)),
                "zstd",
                _compressor().compress(page.content),
                page.size,
            ),
        )
        return sha

    @staticmethod
    def _add_version(
        conn: sqlite3.Connection,
        article_id: int,
        number: int,
        url: str,
        digest: str,
        article: Article,
        kind: VersionKind,
        page_sha: str | None,
        stamp: str,
        change: ChangeStats | None = None,
    ) -> None:
        """Insert a version; with its change stats when they are given (so the row is written once)."""
        stats = (", " + ", ".join(CHANGE_COLUMNS), ",?" * len(CHANGE_COLUMNS)) if change else ("", "")
        conn.execute(
            "INSERT INTO versions (article_id, version, url, content_hash, title, authors, published, modified, lang,"
            f" body, sources, kind, page_sha256, first_seen, last_seen{stats[0]}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?"
            f"{stats[1]})",
            (
                article_id,
                number,
                url,
                digest,
                *_content(article),
                json.dumps(dict(article.sources)),
                kind,
                page_sha,
                stamp,
                stamp,
                *(change.columns() if change else ()),
            ),
        )

    @staticmethod
    def _touch_article(
        conn: sqlite3.Connection,
        article_id: int,
        article: Article,
        stamp: str,
        status: Outcome,
        number: int,
    ) -> None:
        changed = status != Outcome.UNCHANGED
        conn.execute(
            "UPDATE articles SET last_checked=?, state='live', version_count=?"
            + (", title=?, authors=?, published=?, modified=?, lang=?, body=?, last_changed=?" if changed else "")
            + " WHERE id=?",
            (
                stamp,
                number,
                *((*_content(article), stamp) if changed else ()),
                article_id,
            ),
        )

    @staticmethod
    def _save_comments(conn: sqlite3.Connection, article_id: int, comments: tuple[Comment, ...], stamp: str) -> int:
        """Upsert comments by key; mark the ones that vanished as removed (never delete them); return how many.

        A page with no comments at all leaves earlier comments alone: an empty list is far more
        often a widget that failed to render than a moderator deleting every comment.
        """
        if not comments:
            return 0
        for c in comments:
            conn.execute(
                "INSERT INTO comments (article_id, key, parent_key, author, published, text, first_seen, last_seen)"
                " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(article_id, key) DO UPDATE SET"
                " parent_key=excluded.parent_key, author=excluded.author, published=excluded.published,"
                " text=excluded.text, last_seen=excluded.last_seen, removed_at=NULL",
                (article_id, c.id, c.parent_id, c.author, c.published, c.text, stamp, stamp),
            )
        keys = [c.id for c in comments]
        marks = ",".join("?" * len(keys))
        return conn.execute(
            f"UPDATE comments SET removed_at=? WHERE article_id=? AND removed_at IS NULL AND key NOT IN ({marks})",
            (stamp, article_id, *keys),
        ).rowcount

    @staticmethod
    def _log_fetch(
        conn: sqlite3.Connection,
        url: str,
        final_url: str | None,
        article_id: int | None,
        stamp: str,
        status: int | None,
        size: int,
        duration: float,
        outcome: str,
        error: str | None,
    ) -> None:
        conn.execute(
            "INSERT INTO fetches (url, final_url, article_id, fetched_at, status, bytes, duration, outcome, error)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            (url, final_url, article_id, stamp, status, size, round(duration, 4), outcome, error),
        )

    # ------------------------------------------------------------ reads

    def held(self, *urls: str) -> tuple[int, int, str] | None:
        """(article id, latest version, body) of the article one of `urls` names, if we hold it."""
        for url in dict.fromkeys(urls):
            row = self.conn.execute(
                "SELECT a.id, a.version_count, a.body FROM article_urls u JOIN articles a ON a.id = u.article_id"
                " WHERE u.url = ?",
                (url,),
            ).fetchone()
            if row is not None:
                return int(row[0]), int(row[1] or 0), str(row[2] or "")
        return None

    def last_fetch(self, url: str) -> tuple[str, str, int | None, str | None] | None:
        """(fetched at, outcome, HTTP status, error) of the last request for `url`, archived or not."""
        row = self.conn.execute(
            "SELECT fetched_at, outcome, status, error FROM fetches WHERE url=? ORDER BY id DESC LIMIT 1", (url,)
        ).fetchone()
        return (str(row[0]), str(row[1]), row[2], row[3]) if row is not None else None

    def redirected_to(self, url: str) -> str | None:
        """Where the last fetch of `url` that was redirected ended."""
        row = self.conn.execute(
            "SELECT final_url FROM fetches WHERE url=? AND final_url IS NOT NULL AND final_url != url"
            " ORDER BY id DESC LIMIT 1",
            (url,),
        ).fetchone()
        return str(row[0]) if row is not None else None

    def capture(self, article_id: int, version: int) -> tuple[str, str | None, str] | None:
        """(content hash, raw page sha256 or None, first seen) of one version."""
        row = self.conn.execute(
            "SELECT content_hash, page_sha256, first_seen FROM versions WHERE article_id=? AND version=?",
            (article_id, version),
        ).fetchone()
        return (str(row[0]), row[1], str(row[2])) if row is not None else None

    def find_article(self, url: str) -> dict[str, Any] | None:
        """The article `url` names, as given or in its canonical form (an archive keyed before keys
        were canonical holds the URL as it was fetched)."""
        forms = list(dict.fromkeys([url, canonicalize(url) or url]))
        marks = ",".join("?" * len(forms))
        cursor = self.conn.execute(
            f"SELECT a.* FROM articles a WHERE a.url IN ({marks}) UNION ALL "
            f"SELECT a.* FROM article_urls u JOIN articles a ON a.id=u.article_id WHERE u.url IN ({marks}) LIMIT 1",
            (*forms, *forms),
        )
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip((d[0] for d in cursor.description), row, strict=True))

    def versions(self, url: str) -> list[Version]:
        """All versions of the article at `url` (any of its known URLs), oldest first."""
        article = self.find_article(url)
        if article is None:
            return []
        rows = self.conn.execute(
            "SELECT version, first_seen, last_seen, content_hash, title, authors, published, modified, body, kind,"
            f" {stats_select(self.conn)} FROM versions v WHERE article_id=? ORDER BY version",
            (article["id"],),
        ).fetchall()
        return [
            Version(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                json.loads(r[5] or "[]"),
                r[6],
                r[7],
                r[8] or "",
                r[9],
                ChangeStats.from_row(r[10:]),
            )
            for r in rows
        ]

    def comments(self, url: str) -> list[dict[str, Any]]:
        article = self.find_article(url)
        if article is None:
            return []
        return list(
            self.db.query("SELECT * FROM comments WHERE article_id=? ORDER BY first_seen, key", [article["id"]])
        )

    def raw_page(self, sha256: str) -> bytes | None:
        stored = self.stored_page(sha256)
        return stored[0] if stored else None

    def stored_page(self, sha256: str) -> tuple[bytes, dict[str, str]] | None:
        """A raw page's body (decompressed) and its response headers, in one read."""
        row = self.conn.execute("SELECT codec, content, headers FROM pages WHERE sha256=?", (sha256,)).fetchone()
        if row is None:
            return None
        codec, blob, headers = row
        body = zlib.decompress(blob) if codec == "zlib" else zstandard.ZstdDecompressor().decompress(blob)
        return body, json.loads(headers or "{}")

    def totals(self) -> dict[str, int]:
        one = self.conn.execute
        return {
            "articles": one("SELECT count(*) FROM articles").fetchone()[0],
            "versions": one("SELECT count(*) FROM versions").fetchone()[0],
            "comments": one("SELECT count(*) FROM comments").fetchone()[0],
            "fetches": one("SELECT count(*) FROM fetches").fetchone()[0],
            "fetch_errors": one("SELECT count(*) FROM fetches WHERE outcome='error'").fetchone()[0],
        }


def _open_readonly(path: Path) -> tuple[sqlite3.Connection, bool]:
    """Open an existing archive with `mode=ro`, and say whether it took `immutable=1`; never creates a file.

    A WAL archive in a folder we cannot write has no -shm file to share, so SQLite refuses even to
    read it; then it is opened `immutable=1` (nobody can be writing where nobody may write).
    """
    if not path.is_file():
        raise ArchiveError(f"{path}: no archive here (check --db; `scraper fetch` or `crawl` creates one)")
    uri = path.resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=60.0, isolation_level=None, check_same_thread=False)
    immutable = False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        conn.close()
        conn = sqlite3.connect(uri + "&immutable=1", uri=True, isolation_level=None, check_same_thread=False)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        immutable = True
    conn.execute("PRAGMA busy_timeout=60000")
    if conn.execute("PRAGMA user_version").fetchone()[0] < 1:
        conn.close()
        raise ArchiveError(f"{path}: not a newsarchive archive")
    return conn, immutable
