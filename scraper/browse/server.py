"""Run Datasette on an archive: check its views, build the metadata, serve read-only with uvicorn.

Datasette opens file databases with `mode=ro` for every query and we register no write routes or
write canned queries, so nothing reachable over HTTP can change the archive.
"""

from __future__ import annotations

from pathlib import Path

from datasette.app import Datasette

from ..archive.schema import ensure_views
from ..archive.store import Archive
from ..errors import ArchiveError
from .metadata import build_metadata

__all__ = ["SETTINGS", "build_datasette", "prepare_archive", "serve"]

SETTINGS = {
    "default_page_size": 50,
    "truncate_cells_html": 240,  # a body is long; the article page shows it whole
    "facet_time_limit_ms": 400,
    "sql_time_limit_ms": 3000,
    "allow_download": False,
}


def prepare_archive(db_path: Path) -> None:
    """Check the archive exists, open it (which creates or migrates its schema, views included) and
    repair a view someone changed: the only writes we do."""
    if not db_path.is_file():
        raise ArchiveError(f"{db_path}: no archive here (create one with `scraper fetch URL --db {db_path}`)")
    with Archive(db_path) as archive:
        ensure_views(archive.conn)


def build_datasette(db_path: Path) -> Datasette:
    """A Datasette on one archive, with our metadata; the plugin comes from the entry point."""
    return Datasette([str(db_path)], metadata=build_metadata(db_path.stem), settings=SETTINGS)


def serve(db_path: Path, host: str, port: int) -> None:
    """Serve until interrupted; call `prepare_archive` first."""
    import uvicorn

    datasette = build_datasette(db_path)
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on", workers=1)
