"""`scraper export`: the archive's articles as JSON Lines or CSV, streamed row by row.

One record per article (its latest version) with its comments and version count.  Rows are read
with a cursor and written as they come, so exporting a million articles needs no more memory than
one.  `write_export` writes a file atomically (temp file, then rename onto the path), so a
symlink planted at the path is replaced, never followed, and a failed export leaves no half file.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ..errors import ExportError
from .store import Archive

__all__ = ["FIELDS", "atomic_output", "export_rows", "write_csv", "write_export", "write_jsonl"]

FIELDS = ("url", "site", "title", "authors", "published", "modified", "lang", "body", "comments", "versions")


def export_rows(archive: Archive, *, site: str | None = None, since: str | None = None) -> Iterator[dict[str, Any]]:
    """Articles with at least one version, oldest first; `since` keeps those first seen or changed since then."""
    where, args = ["version_count > 0"], []
    if site:
        where.append("site = ?")
        args.append(site)
    if since:
        where.append("last_changed >= ?")
        args.append(since)
    cursor = archive.conn.execute(
        "SELECT id, url, site, title, authors, published, modified, lang, body, version_count FROM articles"
        f" WHERE {' AND '.join(where)} ORDER BY id",
        args,
    )
    comments = archive.conn.cursor()
    for row in cursor:
        found = comments.execute(
            "SELECT author, published, text FROM comments WHERE article_id=? AND removed_at IS NULL"
            " ORDER BY published, first_seen, key",
            (row[0],),
        ).fetchall()
        yield {
            "url": row[1],
            "site": row[2],
            "title": row[3],
            "authors": json.loads(row[4] or "[]"),
            "published": row[5],
            "modified": row[6],
            "lang": row[7],
            "body": row[8] or "",
            "comments": [{"author": a, "published": p, "text": t} for a, p, t in found],
            "versions": row[9],
        }


def write_jsonl(rows: Iterator[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for n, row in enumerate(rows, 1):  # noqa: B007 - n is the count
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return n


def write_csv(rows: Iterator[dict[str, Any]], out: IO[str]) -> int:
    """Flat columns: authors joined by "; ", comments as a JSON array in one cell."""
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for n, row in enumerate(rows, 1):  # noqa: B007
        flat = dict(row)
        flat["authors"] = "; ".join(row["authors"])
        flat["comments"] = json.dumps(row["comments"], ensure_ascii=False)
        writer.writerow(flat)
    return n


@contextmanager
def atomic_output(path: Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """A file at `path` that appears only when complete: written through a temp file in the same folder,
    then renamed onto the path (which replaces a symlink planted there instead of writing through it)."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"{path}: folder {folder} does not exist")
    if path.is_dir():
        raise ExportError(f"{path}: is a directory")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; an export gets the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_export(rows: Iterator[dict[str, Any]], fmt: str, path: Path) -> int:
    """Write to `path` atomically; returns the number of articles."""
    write = write_jsonl if fmt == "jsonl" else write_csv
    with atomic_output(path) as fh:
        return write(rows, fh)
