"""An Atom (RFC 4287) feed of changes: one entry per new version, linking to its diff.

Built with ElementTree, so every scraped string is escaped as XML text; nothing scraped becomes markup.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

__all__ = ["ATOM_TYPE", "atom_feed"]

ATOM_TYPE = "application/atom+xml; charset=utf-8"
_NS = "http://www.w3.org/2005/Atom"


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
        _add(entry, "id", link)
        headline = change["title"] or "(untitled)"
        stats = change.get("change") or {}
        _add(entry, "title", ("Headline changed: " if stats.get("title_changed") else "") + headline)
        _add(entry, "updated", _stamp(change["first_seen"]))
        author = _add(entry, "author")
        _add(author, "name", change["site"] or "unknown site")
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
