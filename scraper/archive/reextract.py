"""Re-run extraction over stored raw pages, without re-fetching anything.

Selectors go stale and the extractor improves; because every distinct version keeps its raw HTML,
the archive can be corrected in place.  A new version is added only where the extracted content
differs from the newest version, marked `kind = "reextract"` so it is never mistaken for an edit
by the site.  Running it twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..config import Config
from ..errors import ExtractError
from ..extract import extract_article
from ..models import VersionKind
from .copies import digest
from .ingest import save_extracted, stored_page
from .store import Archive

__all__ = ["ReextractCounts", "count_candidates", "reextract"]


@dataclass
class ReextractCounts:
    checked: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0


_SELECT = (
    " FROM articles a JOIN versions v ON v.article_id = a.id AND v.version = a.version_count"
    " WHERE v.page_sha256 IS NOT NULL AND (? IS NULL OR a.site = ?) AND (? IS NULL OR v.first_seen >= ?)"
)


def count_candidates(archive: Archive, site: str | None = None, since: str | None = None) -> int:
    return int(archive.conn.execute("SELECT count(*)" + _SELECT, (site, site, since, since)).fetchone()[0])


def _candidates(
    archive: Archive, site: str | None, since: str | None, batch: int = 200
) -> Iterator[tuple[int, str, str | None, str, str, str]]:
    """Newest version of each article that has a raw page, in id order, a batch at a time."""
    last_id = 0
    while True:
        rows = archive.conn.execute(
            "SELECT a.id, a.url, a.site, v.content_hash, v.page_sha256, v.first_seen"
            + _SELECT
            + " AND a.id > ? ORDER BY a.id LIMIT ?",
            (site, site, since, since, last_id, batch),
        ).fetchall()
        if not rows:
            return
        yield from rows
        last_id = rows[-1][0]


def reextract(
    archive: Archive,
    config: Config,
    *,
    site: str | None = None,
    since: str | None = None,
    on_progress: Callable[[ReextractCounts], None] | None = None,
) -> ReextractCounts:
    counts = ReextractCounts()
    for _id, url, site_name, old_hash, sha, seen in _candidates(archive, site, since):
        counts.checked += 1
        page = stored_page(archive, url, sha, seen)
        if page is None:
            counts.failed += 1
            continue
        rules = (config.site(site_name) if site_name else None) or config.site_for(url)
        try:
            article = extract_article(page.html, url, rules, fetched_at=page.fetched_at)
        except ExtractError:
            counts.failed += 1
            continue
        found = digest(article)
        if found.content_hash == old_hash:
            counts.unchanged += 1
        else:
            save_extracted(archive, article, page, config, rules, found, kind=VersionKind.REEXTRACT)
            counts.changed += 1
        if on_progress:
            on_progress(counts)
    return counts
