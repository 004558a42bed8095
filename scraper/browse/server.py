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

from ..archive.schema import ensure_views
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


_value_cap = STORED_CAP


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    """This module is registered as a Datasette plugin by `build_datasette`: SQLite's length limit."""
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, _value_cap)


def prepare_archive(db_path: Path) -> None:
    """Check the archive exists, open it (which creates or migrates its schema, views included) and
    repair a view someone changed: the only writes we do."""
    if not db_path.is_file():
        raise ArchiveError(f"{db_path}: no archive here (create one with `scraper fetch URL --db {db_path}`)")
    with Archive(db_path) as archive:
        ensure_views(archive.conn)


def build_datasette(db_path: Path, *, sql: bool = False) -> Datasette:
    """A Datasette on one archive, with our metadata; the plugin comes from the entry point.

    `sql=True` allows arbitrary read-only SQL within `SQL_SETTINGS` and `VALUE_CAP`.
    """
    global _value_cap
    _value_cap = VALUE_CAP if sql else STORED_CAP  # one archive is served per process
    if pm.get_plugin(__name__) is None:
        pm.register(sys.modules[__name__], name=__name__)
    settings: dict[str, Any] = SQL_SETTINGS if sql else SETTINGS
    return Datasette([str(db_path)], metadata=build_metadata(db_path.stem), settings=settings)


def serve(db_path: Path, host: str, port: int, *, sql: bool = False) -> None:
    """Serve until interrupted; call `prepare_archive` first."""
    import uvicorn

    datasette = build_datasette(db_path, sql=sql)
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on", workers=1)
