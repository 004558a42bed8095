"""From a fetched `Page` to an archived version: the one save path.

`scraper fetch`, the crawl's writer, re-extraction and WARC import all save through
`save_extracted`, so they agree on which URL identifies an article and whether its raw HTML is kept.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from urllib.parse import urlsplit

from ..classify import Markup, judge, read_markup, read_page
from ..config import Config, Site
from ..errors import ExtractError
from ..extract import extract_article
from ..fetch.decode import decode_html
from ..models import Article, Digest, Page, VersionKind
from ..urls import canonicalize, host_of
from .copies import digest as digest_of
from .store import Archive, SaveResult

__all__ = ["archive_page", "identity_url", "save_extracted", "stored_page"]


def identity_url(article: Article, page: Page) -> str:
    """The URL that names the article: its canonical URL when that is plausible, else the final URL.

    Sites get `rel=canonical` wrong in two common ways, pointing it at another host (a CDN, an old
    domain) or at the home page; both would merge unrelated articles, so both are ignored.
    """
    final = canonicalize(page.final_url) or page.final_url  # "?utm_source=…#top" names the same article
    canonical = canonicalize(article.canonical_url) if article.canonical_url else None
    if not canonical:
        return final
    c, f = urlsplit(canonical), urlsplit(final)
    same_host = (c.hostname or "").removeprefix("www.") == (f.hostname or "").removeprefix("www.")
    to_root = c.path in ("", "/") and f.path not in ("", "/")
    if not same_host or to_root or c.scheme not in ("http", "https"):
        return final
    return canonical


def archive_page(
    archive: Archive,
    page: Page,
    config: Config,
    site: Site | None = None,
    *,
    kind: VersionKind = VersionKind.FETCH,
    force: bool = False,
) -> tuple[Article, SaveResult]:
    """Extract `page` and save it; returns the article and what the archive did with it.

    `kind` says where the page came from: FETCH (the site, now) or IMPORT (a WARC file).  `force`
    archives it even when it is not an article (`scraper fetch --force`)."""
    site = site or config.site_for(page.final_url)
    markup = None
    if force or kind == VersionKind.REEXTRACT:  # saved whatever it is: its markup is not asked
        article = extract_article(page.html, page.final_url, site, fetched_at=page.fetched_at)
    else:
        markup, found = read_page(page.html, page.final_url, site, page.fetched_at)
        assert found is not None  # always=True: there is one
        article = found
    return article, save_extracted(archive, article, page, config, site, kind=kind, markup=markup, force=force)


def save_extracted(
    archive: Archive,
    article: Article,
    page: Page,
    config: Config,
    site: Site | None,
    digest: Digest | None = None,
    *,
    kind: VersionKind = VersionKind.FETCH,
    markup: Markup | None = None,
    force: bool = False,
) -> SaveResult:
    """Save an article extracted from `page`, with its fetch logged.

    `digest` is passed when it was computed where the article was extracted (a crawl's extraction
    workers).  A re-extracted page (`kind=REEXTRACT`) logs no fetch and keeps its link to the raw
    page it came from, whatever the site's `store_raw` says now.
    """
    reextract = kind == VersionKind.REEXTRACT
    key = identity_url(article, page)
    held = archive.held(key, page.final_url, page.url) if not reextract else None
    if not reextract and not force:  # nothing that is not an article becomes a version
        verdict = judge(markup or read_markup(page.html), article, held[2] if held else None)
        if verdict is not None:
            archive.record_fetch(
                page.url,
                verdict.outcome,
                status=page.status,
                error=verdict.reason,
                final_url=page.final_url,
                size=page.size,
                duration=page.elapsed,
                when=page.fetched_at,
            )
            return SaveResult(verdict.outcome, held[1] if held else None, held[0] if held else None, verdict.reason)
    store_raw = config.settings.get("archive.store_raw") if site is None or site.store_raw is None else site.store_raw
    if kind == VersionKind.FETCH and held is not None and held[1]:
        digest = digest or digest_of(article)
        if _extraction_changed(archive, held[0], held[1], page, digest, site):
            kind = VersionKind.REEXTRACT  # a version all the same, but not an edit by the site
    return archive.save(
        article,
        page=page,
        site=site.name if site else host_of(page.final_url),  # as `crawl URL` names it
        key_url=key,
        kind=kind,
        store_raw=reextract or bool(store_raw),
        log_fetch=not reextract,
        precomputed=digest,
    )


def _extraction_changed(
    archive: Archive, article_id: int, version: int, page: Page, found: Digest, site: Site | None
) -> bool:
    """This fetch reads otherwise than the newest version, yet the page that version was read from reads
    the same as this fetch today: what changed is our extraction (an upgrade, a site's selectors
    edited), not the article.  Known when the raw page is the same bytes, or else by extracting the
    stored one again; an archive without raw pages cannot tell, and takes the change for the site's."""
    newest = archive.capture(article_id, version)
    if newest is None or newest[0] == found.content_hash or newest[1] is None:
        return False
    if page.content and hashlib.sha256(page.content).hexdigest() == newest[1]:
        return True
    before = stored_page(archive, page.final_url, newest[1], newest[2])
    if before is None:
        return False
    try:
        again = extract_article(before.html, before.url, site, fetched_at=before.fetched_at)
    except ExtractError:
        return False
    return digest_of(again).content_hash == found.content_hash


def stored_page(archive: Archive, url: str, sha: str, seen: str) -> Page | None:
    """The raw page `sha` as a `Page` of `url` fetched at `seen` (an ISO stamp), decoded as when fetched."""
    stored = archive.stored_page(sha)
    if stored is None:
        return None
    raw, headers = stored
    html, encoding = decode_html(raw, headers.get("content-type"))
    return Page(url, url, 200, headers, html, encoding, datetime.fromisoformat(seen), content=raw)
