"""Run Datasette on an archive: check its views, build the metadata, serve read-only with uvicorn.

Datasette opens file databases with `mode=ro` for every query and we register no write routes or
write canned queries, so nothing reachable over HTTP can change the archive.

Nothing reachable over HTTP can make the server allocate without bound either.  Arbitrary SQL is
off by default (`default_allow_sql`): table views, facets, the article pages and our canned queries
serve the users.  `--sql` turns it back on, with a shorter time limit, fewer rows per response and a
cap on the size of any one value: SQLite's own length limit (`SQLITE_LIMIT_LENGTH`), which makes
`zeroblob(200000000)`, `randomblob(…)`, `printf('%.*c', 1e9, 'x')` or a `replace()` chain fail with
"string or blob too big" before the memory is taken.  Worst case per request: rows × value cap
(50 × 100 KB; as JSON, where a NUL byte becomes six characters, about 140 MB of peak RSS).
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.app import Datasette
from datasette.plugins import pm

from ..archive.schema import VERSION, ensure_views, stale_views, version_of
from ..archive.store import Archive
from ..errors import ArchiveError
from .metadata import build_metadata

__all__ = ["SETTINGS", "SQL_SETTINGS", "VALUE_CAP", "build_datasette", "prepare_archive", "prepare_connection", "serve"]

SETTINGS = {
    "default_page_size": 50,
    "truncate_cells_html": 240,  # a body is long; the article page shows it whole
    "facet_time_limit_ms": 400,
    "sql_time_limit_ms": 3000,
    "allow_download": False,
    "default_allow_sql": False,  # no arbitrary SQL unless `scraper serve --sql`
}
# `--sql`: what an anonymous query may cost at most
SQL_SETTINGS = {**SETTINGS, "default_allow_sql": True, "sql_time_limit_ms": 1000, "max_returned_rows": 50}
VALUE_CAP = 100_000  # bytes in any one value with --sql: at most 50 rows x 100 KB per response
STORED_CAP = 64_000_000  # without --sql: above any body or compressed page the archive holds


@hookimpl
def prepare_connection(conn: sqlite3.Connection, datasette: Datasette) -> None:
    """This module is registered as a Datasette plugin by `build_datasette`: SQLite's length limit,
    from the plugin config that `build_datasette` puts in the metadata of each Datasette."""
    config = datasette.plugin_config(__name__) or {}
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, int(config.get("value_cap", STORED_CAP)))


def prepare_archive(db_path: Path) -> bool:
    """Check the archive exists and is served as we expect; return True when it must be served immutable.

    An archive with the current schema and views is only read.  An older schema is migrated and an
    edited view repaired, the only writes we ever do, and only where the file can be written: an
    archive on read-only media is served as it is (immutable), or refused in one line when its
    schema is older than this program's.
    """
    if not db_path.is_file():
        raise ArchiveError(f"{db_path}: no archive here (create one with `scraper fetch URL --db {db_path}`)")
    with Archive(db_path, readonly=True) as archive:
        found = version_of(archive.conn)
        current = found >= VERSION and not stale_views(archive.conn)
        immutable = archive.immutable
    if current:
        return immutable
    try:
        with Archive(db_path) as archive:
            ensure_views(archive.conn)
    except (ArchiveError, sqlite3.OperationalError) as exc:
        if found < VERSION:
            raise ArchiveError(
                f"{db_path}: this archive has schema {found}, this program needs {VERSION}, and the file "
                "cannot be written here; run any write command (`scraper fetch`) on a writable copy first"
            ) from exc
        return immutable  # only a view was edited: serve what is there
    return False


def build_datasette(db_path: Path, *, sql: bool = False, immutable: bool = False) -> Datasette:
    """A Datasette on one archive, with our metadata; the plugin comes from the entry point.

    `sql=True` allows arbitrary read-only SQL within `SQL_SETTINGS` and `VALUE_CAP`.  `immutable`
    opens the file `immutable=1` (read-only media, where `mode=ro` cannot open a WAL archive).
    """
    if pm.get_plugin(__name__) is None:
        pm.register(sys.modules[__name__], name=__name__)
    settings: dict[str, Any] = SQL_SETTINGS if sql else SETTINGS
    metadata = build_metadata(db_path.stem)
    metadata.setdefault("plugins", {})[__name__] = {"value_cap": VALUE_CAP if sql else STORED_CAP}
    files = {"files": [], "immutables": [str(db_path)]} if immutable else {"files": [str(db_path)]}
    return Datasette(**files, metadata=metadata, settings=settings)


def serve(db_path: Path, host: str, port: int, *, sql: bool = False, immutable: bool = False) -> None:
    """Serve until interrupted; call `prepare_archive` first (it says whether the file is `immutable`)."""
    import uvicorn

    datasette = build_datasette(db_path, sql=sql, immutable=immutable)
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on", workers=1)
