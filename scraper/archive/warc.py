"""WARC (ISO 28500) export and import, through warcio.

Export writes, for every archived version with a raw page, a `request` and a `response` record
carrying the original response headers and body, dated when the version was first seen, so that
standard tools (pywb, warcio, ReplayWeb.page) can replay them.  Import reads WARC or ARC files,
ours or another tool's, and archives their HTML responses through the normal extraction path.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .. import __version__
from ..config import Config
from ..errors import ScraperError
from ..extract import extract_article
from ..fetch.client import HTML_TYPES
from ..fetch.decode import decode_html
from ..models import Outcome, Page, VersionKind
from ..urls import host_of
from .copies import digest
from .ingest import identity_url
from .store import Archive

__all__ = ["export_warc", "import_page", "import_warc", "sniff"]

log = logging.getLogger("scraper.archive")

_KNOWN_TYPES = {"warcinfo", "response", "request", "resource", "metadata", "revisit", "conversion", "continuation"}

# The body we stored is already decoded: these headers would describe bytes we no longer have.
_DROP = {"content-encoding", "transfer-encoding", "content-length"}


def _warc_date(iso: str) -> str:
    when = datetime.fromisoformat(iso).astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def export_warc(archive: Archive, out: IO[bytes], *, site: str | None = None, compress: bool = True) -> int:
    """Write request/response pairs for every stored version; returns the number of responses.

    `compress`: each record gzipped (`.warc.gz`, what replay tools expect), else plain (`.warc`)."""
    writer = WARCWriter(out, gzip=compress)
    name = "newsarchive-export.warc" + (".gz" if compress else "")
    writer.write_record(writer.create_warcinfo_record(name, {"software": f"newsarchive {__version__}"}))
    rows = archive.conn.execute(
        "SELECT coalesce(v.url, a.url), v.first_seen, v.page_sha256 FROM versions v"
        " JOIN articles a ON a.id = v.article_id"
        " WHERE v.page_sha256 IS NOT NULL AND (? IS NULL OR a.site = ?) ORDER BY v.first_seen, v.id",
        (site, site),
    )
    written = 0
    for url, seen, sha in rows:
        stored = archive.stored_page(sha)
        if stored is None:
            continue
        body, original = stored
        headers = [(k, v) for k, v in original.items() if k.lower() not in _DROP]
        headers.append(("Content-Length", str(len(body))))
        date = _warc_date(seen)
        response = writer.create_warc_record(
            url,
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": date},
        )
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = writer.create_warc_record(
            url,
            "request",
            http_headers=StatusAndHeaders(f"GET {target} HTTP/1.1", [("Host", parts.netloc)], is_http_request=True),
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response.rec_headers["WARC-Record-ID"]},
        )
        writer.write_record(response)
        writer.write_record(request)
        written += 1
    return written


def _page_from_record(record: Any, limit: int) -> Page | None:  # a warcio ArcWarcRecord (untyped)
    http = record.http_headers
    if http is None or not (http.get_statuscode() or "").startswith("200"):
        return None
    media = (http.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if media not in HTML_TYPES:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    if not url or urlsplit(url).scheme not in ("http", "https"):
        return None
    date = record.rec_headers.get_header("WARC-Date") or ""
    try:
        when = datetime.fromisoformat(date.replace("Z", "+00:00"))
    except ValueError:
        when = datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    body = record.content_stream().read(limit + 1)
    if len(body) > limit:
        return None  # over fetch.max_bytes, as a live fetch would be
    headers = {k.lower(): v for k, v in http.headers}
    html, encoding = decode_html(body, http.get_header("Content-Type"))
    return Page(url, url, 200, headers, html, encoding, when, content=body)


def import_page(archive: Archive, config: Config, page: Page) -> Outcome:
    """Archive one captured page where its capture date puts it; returns new | changed | unchanged.

    An import is evidence of what a page said at its WARC-Date, not news:
    - a capture whose content the article already has a version of adds nothing (importing the same
      file twice, or our own export back, changes nothing);
    - a capture older than the article's latest version is slotted into the history at its date
      (later versions move up one number; the current version stays current), never appended;
    - versions it creates are marked kind = 'import'.
    """
    site = config.site_for(page.final_url)
    article = extract_article(page.html, page.final_url, site, fetched_at=page.fetched_at)
    key = identity_url(article, page)
    found = digest(article)
    store_raw = config.settings.get("archive.store_raw") if site is None or site.store_raw is None else site.store_raw
    aliases = sorted({key, article.url, page.url, page.final_url})
    conn = archive.conn
    marks = ",".join("?" * len(aliases))
    row = (
        conn.execute("SELECT id FROM articles WHERE url=?", (key,)).fetchone()
        or conn.execute(f"SELECT article_id FROM article_urls WHERE url IN ({marks})", aliases).fetchone()
    )
    if row is not None:
        article_id = int(row[0])
        if conn.execute(
            "SELECT 1 FROM versions WHERE article_id=? AND content_hash=?", (article_id, found.content_hash)
        ).fetchone():
            return Outcome.UNCHANGED
        times = [_when(t) for (t,) in conn.execute("SELECT first_seen FROM versions WHERE article_id=?", (article_id,))]
        if times and page.fetched_at < max(times):
            archive.insert_version(
                article_id,
                article,
                page,
                found,
                number=sum(t <= page.fetched_at for t in times) + 1,
                aliases=aliases,
                kind=VersionKind.IMPORT,
                store_raw=bool(store_raw),
            )
            return Outcome.CHANGED
    result = archive.save(
        article,
        page=page,
        site=site.name if site else host_of(page.final_url),  # as `crawl URL` names it
        key_url=key,
        kind=VersionKind.IMPORT,
        store_raw=bool(store_raw),
        log_fetch=False,
        precomputed=found,
    )
    return result.status


def _when(iso: str) -> datetime:
    when = datetime.fromisoformat(iso)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _plausible_first(record: Any) -> bool:
    """warcio reads almost any text as an (ARC) record; a real file starts with metadata or a URL."""
    if record.rec_type == "warcinfo":
        return True
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    return re.match(r"^(?:https?|filedesc|dns|ftp|urn):", uri) is not None


def import_warc(
    archive: Archive, config: Config, path: Path, *, on_page: Callable[[str, str], None] | None = None
) -> dict[str, int]:
    """Archive every HTML 200 response in a WARC/ARC file; returns counts by outcome."""
    counts = {"new": 0, "changed": 0, "unchanged": 0, "skipped": 0, "failed": 0}
    records = 0
    sniff(path)
    warnings = io.StringIO()  # warcio writes a malformed record's text to stderr: keep it out of the terminal
    try:
        with path.open("rb") as fh, contextlib.redirect_stderr(warnings):
            for record in ArchiveIterator(fh, arc2warc=True):
                if not records and not _plausible_first(record):
                    break
                records += record.rec_type in _KNOWN_TYPES
                if record.rec_type != "response":
                    continue
                page = _page_from_record(record, config.settings.get("fetch.max_bytes"))
                if page is None:
                    counts["skipped"] += 1
                    continue
                try:
                    status = import_page(archive, config, page)
                except ScraperError as exc:
                    counts["failed"] += 1
                    archive.record_fetch(page.url, Outcome.ERROR, error=f"import: {exc}")
                    continue
                counts[status] += 1
                if on_page:
                    on_page(page.url, status)
    except ArchiveLoadFailed as exc:
        raise ScraperError(f"{path}: not a readable WARC/ARC file: {exc}") from None
    except OSError as exc:
        raise ScraperError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not records:
        raise ScraperError(f"{path}: not a readable WARC/ARC file: no records found")
    if warnings.getvalue():
        log.warning("%s: %d malformed record boundary(ies) skipped", path, warnings.getvalue().count("\n") or 1)
    return counts


_FIRST_LINE = re.compile(rb"^(?:WARC/\d|filedesc://|https?://|dns:|ftp://|urn:)")


def sniff(path: Path) -> None:
    """A one-line error for what is plainly not a WARC or ARC file (an HTML page, a zip), before warcio."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
            if head[:2] == b"\x1f\x8b":
                fh.seek(0)
                try:
                    with gzip.GzipFile(fileobj=fh) as gz:
                        head = gz.read(64)
                except (OSError, EOFError):
                    raise ScraperError(f"{path}: not a readable WARC/ARC file (a damaged gzip file)") from None
    except OSError as exc:
        raise ScraperError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not _FIRST_LINE.match(head.lstrip()):
        start = head.lstrip()[:24].decode("utf-8", "replace").split("\n")[0]
        raise ScraperError(f"{path}: not a readable WARC/ARC file (it starts with {start!r})")
