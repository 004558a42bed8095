"""Pure shaping of archived text for the article page: paragraphs, safe links, comment threads, diffs.

Everything here returns plain strings and dicts; the template escapes them.  Nothing scraped is
ever turned into markup, which is what keeps a hostile page inert in the browser.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from ..archive.diff import word_diff

__all__ = [
    "DiffSegment",
    "authors_list",
    "diff_segments",
    "fts_query",
    "human_time",
    "paragraphs",
    "quoted_fts_query",
    "safe_href",
    "thread",
]

_PARAGRAPH_BREAK = re.compile(r"\s*\n\s*")
_TOKENS = re.compile(r"\s+|\S+")
_FTS_TERMS = re.compile(r'"([^"]*)"|(\S+)')
MAX_DEPTH = 6  # deeper replies are drawn at this indent; the "reply to" label still says whose


def paragraphs(body: str | None) -> list[str]:
    """Split a stored body into paragraphs: extraction keeps one paragraph per line."""
    return [p for p in _PARAGRAPH_BREAK.split(body or "") if p]


def human_time(value: str | None) -> str:
    """ "2024-05-14T09:05:00+00:00" -> "14 May 2024, 09:05 UTC"; a bare date stays a date; junk stays as is."""
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    day = f"{moment.day} {moment:%b %Y}"
    if len(value) <= 10:
        return day
    offset, z = moment.utcoffset(), f"{moment:%z}"
    zone = "" if offset is None else " UTC" if offset == timedelta(0) else f" UTC{z[:3]}:{z[3:5]}"
    return f"{day}, {moment:%H:%M}{zone}"


def safe_href(url: str | None) -> str | None:
    """The URL if it is a plain http(s) link, else None: never a `javascript:` or `data:` href."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def authors_list(value: str | None) -> list[str]:
    """The authors column is a JSON list; tolerate anything else a hand-edited archive may hold."""
    if not value:
        return []
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        return [value]
    if isinstance(data, list):
        return [str(a) for a in data if a]
    return [str(data)]


def fts_query(text: str | None) -> str:
    """What a reader types, as an FTS5 query: FTS5's own syntax when it parses (OR, NOT, "phrases",
    prefix*, NEAR, parentheses), else every term quoted so that punctuation cannot cause an error.

    "Poutine OR Bordelais" finds either word; `l'accord covid-19` (not valid FTS5) becomes two quoted
    terms.  The query is always passed to MATCH as a bound parameter, never spliced into SQL.  An empty
    input becomes an empty phrase, which matches nothing.
    """
    text = (text or "").strip()
    if text and _parses(text):
        return text
    return quoted_fts_query(text)


def quoted_fts_query(text: str | None) -> str:
    """Every word quoted (ANDed), "phrases" kept, a trailing * kept as a prefix search."""
    terms = []
    for phrase, word in _FTS_TERMS.findall(text or ""):
        if phrase:
            terms.append('"' + phrase.replace('"', "") + '"')
        elif word:
            star = word.endswith("*") and len(word.strip('*"')) > 0
            core = word.replace('"', "").rstrip("*")
            if core:
                terms.append(f'"{core}"' + ("*" if star else ""))
    return " ".join(terms) or '""'


_PROBE = threading.local()


def _parses(query: str) -> bool:
    """Whether FTS5 accepts `query`, tried on an empty in-memory table with the archive's columns."""
    conn = getattr(_PROBE, "conn", None)
    if conn is None:
        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE VIRTUAL TABLE probe USING fts5(title, body)")
        _PROBE.conn = conn
    try:
        conn.execute("SELECT 1 FROM probe WHERE probe MATCH ?", (query,)).fetchall()
    except sqlite3.Error:
        return False
    return True


def thread(comments: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Order comments as threads (each reply under its parent), with a depth for indenting.

    Replies whose parent is unknown start their own thread; a parent cycle in bad data cannot loop
    or drop comments.
    """
    rows = [dict(c) for c in comments]
    by_key = {row["key"]: row for row in rows}
    children: dict[str, list[dict[str, Any]]] = {}
    roots = []
    for row in rows:
        parent = row.get("parent_key")
        if parent and parent in by_key and parent != row["key"]:
            children.setdefault(parent, []).append(row)
        else:
            roots.append(row)
    ordered: list[dict[str, Any]] = []
    seen: set[str] = set()

    def walk(start: dict[str, Any]) -> None:
        stack = [(start, 0)]
        while stack:
            row, depth = stack.pop()
            if row["key"] in seen:
                continue
            seen.add(row["key"])
            parent = by_key.get(row.get("parent_key") or "")
            ordered.append(
                {
                    **row,
                    "depth": min(depth, MAX_DEPTH),
                    "reply_to": (parent.get("author") or "anonymous") if parent and depth else None,
                }
            )
            stack.extend((child, depth + 1) for child in reversed(children.get(row["key"], [])))

    for root in roots:
        walk(root)
    for row in rows:  # only rows caught in a parent cycle are left
        if row["key"] not in seen:
            walk(row)
    return ordered


@dataclass(frozen=True, slots=True)
class DiffSegment:
    """One run of a diff as shown: `op` is equal / insert / delete / skip (collapsed unchanged words)."""

    op: str
    text: str
    words: int = 0

    @property
    def core(self) -> str:
        """The text without the spaces or breaks around it, so a struck-out word does not strike the space after it."""
        return self.text.strip()

    @property
    def lead(self) -> str:
        return self.text[: len(self.text) - len(self.text.lstrip())]

    @property
    def trail(self) -> str:
        return self.text[len(self.text.rstrip()) :]

    @property
    def is_break(self) -> bool:
        """Only a paragraph break was inserted or deleted (a paragraph split in two, or two joined)."""
        return not self.core and "\n" in self.text


def diff_segments(old: str, new: str, *, context: int | None = 25) -> list[DiffSegment]:
    """Word diff of two bodies, with long unchanged stretches collapsed to `context` words each side.

    `context=None` keeps everything.  Paragraph breaks become blank lines so the diff reads like
    the article.
    """
    chunks = word_diff(_blank_lines(old), _blank_lines(new))
    out: list[DiffSegment] = []
    for i, chunk in enumerate(chunks):
        if chunk.op != "equal" or context is None:
            out.append(DiffSegment(chunk.op, chunk.text))
            continue
        head = context if i > 0 else 0
        tail = context if i < len(chunks) - 1 else 0
        out.extend(_collapse(chunk.text, head, tail))
    return out


def _blank_lines(text: str) -> str:
    return "\n\n".join(paragraphs(text))


def _collapse(text: str, head: int, tail: int) -> list[DiffSegment]:
    tokens = _TOKENS.findall(text)
    words = [i for i, tok in enumerate(tokens) if not tok.isspace()]
    hidden = len(words) - head - tail
    if hidden < 8:  # not worth a "… 5 words …" marker
        return [DiffSegment("equal", text)]
    start = words[head] if head else 0
    end = words[len(words) - tail] if tail else len(tokens)
    segments = [
        DiffSegment("equal", "".join(tokens[:start])),
        DiffSegment("skip", "".join(tokens[start:end]), hidden),
        DiffSegment("equal", "".join(tokens[end:])),
    ]
    return [s for s in segments if s.text]
