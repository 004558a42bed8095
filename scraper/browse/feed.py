"""An Atom (RFC 4287) feed of changes: one entry per new version, linking to its diff.

Built with ElementTree, so every scraped string is escaped as XML text; nothing scraped becomes markup.
An entry's id names the version itself (a `tag:` URI, RFC 4151, from the article's URL and version
number), not the address it was served from, so the same archive served on another host or port
gives a feed reader the same entries, not duplicates.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import SplitResult, quote, urlsplit

__all__ = ["ATOM_TYPE", "atom_feed", "entry_id"]

ATOM_TYPE = "application/atom+xml; charset=utf-8"
_NS = "http://www.w3.org/2005/Atom"
_DNS_NAME = re.compile(r"^[a-z0-9.-]+$")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SPECIFIC_SAFE = "/?:@!$&'()*+,;=-._~%"  # RFC 4151 `specific`: pchar, "/" and "?", escapes kept


def _stamp(value: str | None) -> str:
    """Atom dates are RFC 3339 with a zone; archive stamps are ISO 8601 UTC already."""
    if not value:
        return datetime.now(UTC).isoformat(timespec="seconds")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return datetime.now(UTC).isoformat(timespec="seconds")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds")


def entry_id(url: str | None, version: int, seen: str | None, article_id: int) -> str:
    """`tag:news.example.fr,2024-05-15:/2024/05/council-budget#v3` for version 3 of that article.

    The authority is the article's host and the date the day this version was first seen, when the
    host served it; an article without a usable URL falls back to its id under `newsarchive.invalid`.
    RFC 4151 allows no port in the authority, so a port other than the scheme's default starts the
    specific part (`tag:127.0.0.1,2026-12-01::8761/story#v2`): the same path on two ports differs, and
    the ids of port-less URLs stay what feed readers already have.
    """
    day = (seen or "")[:10] or "2000-01-01"
    try:
        parts = urlsplit((url or "").strip())
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        parts, host = urlsplit(""), ""
    if not _DNS_NAME.match(host):
        return f"tag:newsarchive.invalid,{day}:article/{article_id}#v{version}"
    specific = _port(parts) + quote(parts.path or "/", safe=_SPECIFIC_SAFE)
    if parts.query:
        specific += "?" + quote(parts.query, safe=_SPECIFIC_SAFE)
    return f"tag:{host},{day}:{specific}#v{version}"


def _port(parts: SplitResult) -> str:
    """':8761' for a URL on a port other than its scheme's default, else ''."""
    try:
        port = parts.port
    except ValueError:  # not a number, or out of range: no port to tell apart
        return ""
    return "" if port is None or port == _DEFAULT_PORTS.get(parts.scheme.lower()) else f":{port}"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{_NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def atom_feed(
    changes: Iterable[dict[str, Any]],
    *,
    title: str,
    feed_url: str,
    page_url: str,
    diff_url: Callable[[dict[str, Any]], str],
) -> bytes:
    """The feed document for `changes` (as `recent_changes` returns them, newest first)."""
    ET.register_namespace("", _NS)
    changes = list(changes)
    feed = ET.Element(f"{{{_NS}}}feed")
    _add(feed, "id", feed_url)
    _add(feed, "title", title)
    _add(feed, "updated", _stamp(changes[0]["first_seen"] if changes else None))
    _add(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    _add(feed, "generator", "newsarchive")
    for change in changes:
        entry = _add(feed, "entry")
        link = diff_url(change)
        _add(entry, "id", entry_id(change.get("url"), change["version"], change["first_seen"], change["article_id"]))
        headline = change["title"] or "(untitled)"
        stats = change.get("change") or {}
        _add(entry, "title", ("Headline changed: " if stats.get("title_changed") else "") + headline)
        _add(entry, "updated", _stamp(change["first_seen"]))
        for name in change.get("authors") or [change["site"] or "unknown site"]:  # the byline, else the site
            _add(_add(entry, "author"), "name", name)
        _add(entry, "link", rel="alternate", type="text/html", href=link)
        if change.get("url"):
            _add(entry, "link", rel="related", href=change["url"])
        summary = f"v{change['version']} ({change['kind']}): {change['summary'] or 'changed'}"
        if stats.get("title_changed") and change.get("previous_title"):
            summary += f". Was: {change['previous_title']}"
        _add(entry, "summary", summary)
        if change["site"]:
            _add(entry, "category", term=change["site"])
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode").encode("utf-8")
