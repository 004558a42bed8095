"""`scraper export`: the archive's articles as JSON Lines or CSV, streamed row by row.

One record per article (its latest version) with its comments and version count.  Rows are read
with a cursor and written as they come, so exporting a million articles needs no more memory than
one.  `write_export` writes a file atomically (temp file, then rename onto the path), so a
symlink planted at the path is replaced, never followed, and a failed export leaves no half file.
"""

from __future__ import annotations

import csv
import glob
import json
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ..errors import ExportError
from ..procs import pid_alive
from .store import Archive

__all__ = ["FIELDS", "atomic_output", "export_rows", "write_csv", "write_export", "write_jsonl"]

FIELDS = (
    *("url", "site", "title", "authors", "published", "modified", "lang", "body", "comments", "versions"),
    *("state", "last_checked"),  # live, gone, failing or moved: whether the site still serves the text
)


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
        "SELECT id, url, site, title, authors, published, modified, lang, body, version_count, state, last_checked"
        " FROM articles"
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
            "state": row[10],
            "last_checked": row[11],
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


_TMP_SUFFIX = ".export-tmp"  # `.NAME.RANDOM.PID.export-tmp`: whose it is, so a later run can reclaim it


@contextmanager
def atomic_output(path: Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """A file at `path` that appears only when complete: written through a temp file in the same folder,
    then renamed onto the path (which replaces a symlink planted there instead of writing through it).

    Only a regular file or a new path is accepted: a FIFO, a device, a socket or a directory (or a
    symlink to one) is refused, never replaced.  The file gets the mode a new file gets under the
    umask (usually 0644), not the temp file's 0600.  A failed or SIGTERMed export removes its temp
    file; one left by a SIGKILL names its dead process and is removed by the next export to the path.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"{path}: folder {folder} does not exist")
    _refuse_special(path)
    _reclaim_stale(folder, path.name)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".{os.getpid()}{_TMP_SUFFIX}", dir=folder)
    try:
        with _sigterm_raises():
            os.fchmod(fd, 0o666 & ~_umask())
            with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                yield fh
            _refuse_special(path)  # something may have been planted while we wrote
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _refuse_special(path: Path) -> None:
    try:
        mode = path.stat().st_mode  # follows a symlink: a link to /dev/null is as bad as /dev/null
    except FileNotFoundError:
        return  # a new path, or a dangling symlink (replaced, never followed)
    except OSError as exc:
        raise ExportError(f"{path}: cannot check it: {exc.strerror}") from None
    if stat.S_ISDIR(mode):
        raise ExportError(f"{path}: is a directory")
    if not stat.S_ISREG(mode):
        raise ExportError(f"{path}: is not a regular file (a FIFO, device or socket); refusing to replace it")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _reclaim_stale(folder: Path, name: str) -> None:
    """Remove temp files of earlier exports to `name` whose process no longer exists."""
    for stale in folder.glob(glob.escape(f".{name}.") + "*" + _TMP_SUFFIX):
        pid = stale.name.removesuffix(_TMP_SUFFIX).rsplit(".", 1)[-1]
        if not pid.isdigit() or pid_alive(int(pid)) or not stale.is_file() or stale.is_symlink():
            continue
        stale.unlink(missing_ok=True)


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While writing, SIGTERM unwinds like Ctrl-C does (so the temp file is removed), then exits 143."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def write_export(rows: Iterator[dict[str, Any]], fmt: str, path: Path) -> int:
    """Write to `path` atomically; returns the number of articles."""
    write = write_jsonl if fmt == "jsonl" else write_csv
    with atomic_output(path) as fh:
        return write(rows, fh)
