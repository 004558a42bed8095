"""What kind of change each version is: words added and removed, headline changed, sentences aligned.

Computed once, when a version is saved (`version_change`, `store_change_stats`), and kept on the version's row, so
lists, feeds, alerts and `scraper history` read it instead of diffing bodies again.  The columns and
their backfill for older archives belong to `add_change_columns`, the one place that owns their DDL.

Sentence alignment follows the definitions of the NewsEdits corpus (Spangher et al., NAACL 2022):
between two versions, a sentence is *added* (no counterpart in the old version), *removed* (no
counterpart in the new), *changed* (matched to an old sentence it resembles but differs from) or
*moved* (the same sentence at another place, what NewsEdits calls a refactor).  The matching here is
our own: identical sentences in order first, then the remaining pairs greedily by word overlap.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from difflib import SequenceMatcher
from typing import Any

from ..models import VersionKind, normalise_text
from ..words import CJK, count_words, words

__all__ = [
    "CHANGE_COLUMNS",
    "KINDS",
    "ChangeStats",
    "SentenceOps",
    "add_change_columns",
    "align_sentences",
    "change_stats",
    "count_sentences",
    "has_change_columns",
    "parse_since",
    "recent_changes",
    "split_sentences",
    "stats_select",
    "store_change_stats",
    "version_change",
]

# Where a version came from: the site (a fetch), our own re-extraction of a stored page, a WARC import.
KINDS = tuple(VersionKind)

CHANGE_COLUMNS: dict[str, str] = {
    "words_added": "INTEGER",
    "words_removed": "INTEGER",
    "title_changed": "INTEGER",
    "sentences_added": "INTEGER",
    "sentences_removed": "INTEGER",
    "sentences_changed": "INTEGER",
    "sentences_moved": "INTEGER",
    "change_summary": "TEXT",
}

# Two sentences are "the same sentence, edited" when this share of their words survives.
SIMILAR = 0.5
# A sentence ends at . ! ? … (kept with it), closing quotes and brackets, then space before a capital
# or digit.  The gap's match starts on the stop itself: a literal first character lets `re` skip to
# candidates, 3x faster than a lookbehind tried at every position.
_CJK_STOP = f"(?:。|(?<=[{CJK}])[！？!?])"  # normalise_text has made ！？ ASCII
_SENTENCE_GAP = re.compile(
    r"[.!?…][\"'»”)\]]*\s+(?=[\"'«“(\[]?[A-ZÀ-ÖØ-Þ0-9])"
    # Chinese and Japanese end a sentence with a full-width stop, no space, and no capitals after it;
    # the gap starts at the sentence's last character: its stop, or a closing quote after the stop
    rf"|{_CJK_STOP}(?![」』”）])\s*(?=\S)|(?<={_CJK_STOP})[」』”）]\s*(?=\S)"
)
_PUNCT = re.compile(r"[^\w\s]+")  # sentences are alike by their words, not their punctuation


@dataclass(frozen=True, slots=True)
class SentenceOps:
    added: int = 0
    removed: int = 0
    changed: int = 0
    moved: int = 0


@dataclass(frozen=True, slots=True)
class ChangeStats:
    """How a version differs from the one before it (for version 1: everything is added)."""

    words_added: int
    words_removed: int
    title_changed: bool
    sentences_added: int
    sentences_removed: int
    sentences_changed: int
    sentences_moved: int
    summary: str

    @property
    def words_changed(self) -> int:
        return self.words_added + self.words_removed

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def columns(self) -> tuple[int | str, ...]:
        """The values of CHANGE_COLUMNS, in their order."""
        return (
            self.words_added,
            self.words_removed,
            int(self.title_changed),
            self.sentences_added,
            self.sentences_removed,
            self.sentences_changed,
            self.sentences_moved,
            self.summary,
        )

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> ChangeStats | None:
        """From the CHANGE_COLUMNS values in their order; None when the version has no stats."""
        if row[-1] is None:
            return None
        a, r, t, sa, sr, sc, sm, summary = row
        return cls(a or 0, r or 0, bool(t), sa or 0, sr or 0, sc or 0, sm or 0, summary)


def split_sentences(body: str | None) -> list[str]:
    """Paragraphs are lines; each is cut after . ! ? … when the next sentence starts with a capital or
    digit, and after 。！？ (and a closing quote) before any next sentence."""
    out: list[str] = []
    for line in (body or "").splitlines():
        line = normalise_text(line)
        start = 0
        for gap in _SENTENCE_GAP.finditer(line):
            out.append(line[start : gap.start() + 1])
            start = gap.end()
        if start < len(line):
            out.append(line[start:])
    return out


def count_sentences(body: str | None) -> int:
    """`len(split_sentences(body))`, without making the sentences (each gap is followed by one)."""
    count = 0
    for line in (body or "").splitlines():
        line = normalise_text(line)
        if line:
            count += 1 + len(_SENTENCE_GAP.findall(line))
    return count


def _similarity(a: str, b: str) -> float:
    wa, wb = words(_PUNCT.sub(" ", a.lower())), words(_PUNCT.sub(" ", b.lower()))
    if not wa or not wb:
        return 0.0
    return SequenceMatcher(None, wa, wb, autojunk=False).ratio()


def align_sentences(old: Sequence[str], new: Sequence[str]) -> SentenceOps:
    """Count sentences added, removed, changed and moved from `old` to `new`."""
    matcher = SequenceMatcher(None, list(old), list(new), autojunk=False)
    left_old: list[str] = []
    left_new: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            left_old.extend(old[i1:i2])
            left_new.extend(new[j1:j2])
    moved = changed = 0
    unmatched_new = list(range(len(left_new)))
    # Identical sentences outside the in-order matches were moved.
    for i, sentence in enumerate(left_old):
        for k in unmatched_new:
            if left_new[k] == sentence:
                unmatched_new.remove(k)
                left_old[i] = ""
                moved += 1
                break
    pairs: list[tuple[float, int, int]] = []
    if len(left_old) * len(unmatched_new) <= 40_000:  # beyond that a full rewrite: nothing worth pairing
        pairs = sorted(
            ((_similarity(s, left_new[k]), i, k) for i, s in enumerate(left_old) if s for k in unmatched_new),
            reverse=True,
        )
    used_old: set[int] = set()
    used_new: set[int] = set()
    for score, i, k in pairs:
        if score < SIMILAR:
            break
        if i in used_old or k in used_new:
            continue
        used_old.add(i)
        used_new.add(k)
        changed += 1
    removed = sum(1 for s in left_old if s) - changed
    added = len(unmatched_new) - changed
    return SentenceOps(added, removed, changed, moved)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _summary(kind: str, first: bool, stats: dict[str, Any], others: list[str]) -> str:
    if first:
        text = f"first version, {_plural(stats['words_added'], 'word')}"
    else:
        parts = [f"+{stats['words_added']} −{stats['words_removed']} words"]
        ops = [
            f"{stats[f'sentences_{name}']} {name}"
            for name in ("added", "removed", "changed", "moved")
            if stats[f"sentences_{name}"]
        ]
        if len(ops) == 1:
            n, op = ops[0].split(" ")
            parts[0] += f" ({_plural(int(n), 'sentence')} {op})"
        elif ops:
            parts[0] += f" (sentences: {', '.join(ops)})"
        if not stats["words_added"] and not stats["words_removed"]:
            parts = ["same text"]
        if stats["title_changed"]:
            parts.append("headline changed")
        parts.extend(others)
        text = ", ".join(parts)
    if kind == "reextract":
        text = "re-extraction: " + text
    elif kind == "import":
        text = "imported: " + text
    return text


def change_stats(
    old: dict[str, Any] | None,
    new: dict[str, Any],
    kind: str = "fetch",
) -> ChangeStats:
    """Stats of `new` against `old` (dicts with title, body, authors, published; `old` None for version 1)."""
    if old is None:
        stats: dict[str, Any] = {
            "words_added": count_words(words(new.get("body"))),
            "words_removed": 0,
            "title_changed": False,
            "sentences_added": count_sentences(new.get("body")),
            "sentences_removed": 0,
            "sentences_changed": 0,
            "sentences_moved": 0,
        }
        return ChangeStats(**stats, summary=_summary(kind, True, stats, []))
    added = removed = 0
    old_words, new_words = words(old.get("body")), words(new.get("body"))
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes():
        if tag != "equal":  # words, not tokens: a moved line break is no word added or removed
            removed += count_words(old_words[i1:i2])
            added += count_words(new_words[j1:j2])
    ops = align_sentences(split_sentences(old.get("body")), split_sentences(new.get("body")))
    stats = {
        "words_added": added,
        "words_removed": removed,
        "title_changed": normalise_text(old.get("title")) != normalise_text(new.get("title")),
        "sentences_added": ops.added,
        "sentences_removed": ops.removed,
        "sentences_changed": ops.changed,
        "sentences_moved": ops.moved,
    }
    others = [
        f"{label} changed"
        for name, label in (("authors", "byline"), ("published", "date"))
        if old.get(name) != new.get(name)
    ]
    return ChangeStats(**stats, summary=_summary(kind, False, stats, others))


# ---------------------------------------------------------------- storage


def has_change_columns(conn: sqlite3.Connection) -> bool:
    cols = {r[1] for r in conn.execute("PRAGMA table_info(versions)")}
    return set(CHANGE_COLUMNS) <= cols


def stats_select(conn: sqlite3.Connection, alias: str = "v") -> str:
    """The CHANGE_COLUMNS as a select list; NULLs on an archive (opened read-only) that predates them."""
    if has_change_columns(conn):
        return ", ".join(f"{alias}.{c}" for c in CHANGE_COLUMNS)
    return ", ".join(f"NULL AS {c}" for c in CHANGE_COLUMNS)


_VERSION_FIELDS = "title, body, authors, published, kind"


def _version(conn: sqlite3.Connection, article_id: int, number: int) -> dict[str, Any] | None:
    row = conn.execute(
        f"SELECT {_VERSION_FIELDS} FROM versions WHERE article_id=? AND version=?", (article_id, number)
    ).fetchone()
    return dict(zip(("title", "body", "authors", "published", "kind"), row, strict=True)) if row else None


def version_change(conn: sqlite3.Connection, article_id: int, number: int, new: dict[str, Any]) -> ChangeStats:
    """The stats of version `number`, whose values are `new` (title, body, authors as JSON, published,
    kind, as its row has them), against the version before it; only that one is read."""
    old = _version(conn, article_id, number - 1) if number > 1 else None
    # publication days are compared, as the content hash does
    new = {**new, "published": (new["published"] or "")[:10]}
    if old is not None:
        old["published"] = (old["published"] or "")[:10]
    return change_stats(old, new, new["kind"] or "fetch")


def store_change_stats(conn: sqlite3.Connection, article_id: int, number: int) -> ChangeStats | None:
    """Compute and store the stats of version `number` against the version before it; inside the save's
    transaction, so a version never exists without its stats."""
    new = _version(conn, article_id, number)
    if new is None:
        return None
    stats = version_change(conn, article_id, number, new)
    conn.execute(
        "UPDATE versions SET " + ", ".join(f"{c}=?" for c in CHANGE_COLUMNS) + " WHERE article_id=? AND version=?",
        (*stats.columns(), article_id, number),
    )
    return stats


def add_change_columns(conn: sqlite3.Connection) -> int:
    """Add the change-stat columns to `versions` if missing and backfill every existing version.

    Idempotent and cheap when done (one PRAGMA).  Runs in its own write transaction unless the caller
    holds one; the columns and their values appear together or not at all.  Returns how many versions
    were backfilled.  This is the function a schema migration should call.
    """
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='versions'").fetchone()
    if not exists or has_change_columns(conn):
        return 0
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        cols = {r[1] for r in conn.execute("PRAGMA table_info(versions)")}
        for name, sql_type in CHANGE_COLUMNS.items():
            if name not in cols:
                conn.execute(f"ALTER TABLE versions ADD COLUMN {name} {sql_type}")
        conn.execute("CREATE INDEX IF NOT EXISTS idx_versions_first_seen ON versions (first_seen)")
        done = 0
        for article_id, number in conn.execute("SELECT article_id, version FROM versions ORDER BY id").fetchall():
            store_change_stats(conn, article_id, number)
            done += 1
    except BaseException:
        if own:
            conn.execute("ROLLBACK")
        raise
    if own:
        conn.execute("COMMIT")
    return done


# ---------------------------------------------------------------- reading changes


_SINCE_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")


def parse_since(text: str, now: datetime | None = None) -> str:
    """'1d', '12h', '2w' (ago), or a date/time ('2024-05-14', ISO 8601) -> an ISO 8601 UTC stamp.

    Raises ValueError with a reason a user can act on.
    """
    now = now or datetime.now(UTC)
    found = _SINCE_DURATION.match(text.lower())
    if found:
        unit = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[found[2]]
        moment = now - timedelta(seconds=float(found[1]) * unit)
    else:
        try:
            moment = datetime.fromisoformat(text.strip())
        except ValueError:
            raise ValueError(f"{text!r} is neither a duration (1d, 12h, 2w) nor a date (YYYY-MM-DD)") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def recent_changes(
    conn: sqlite3.Connection,
    *,
    since: str | None = None,
    site: str | None = None,
    article_id: int | None = None,
    headline_only: bool = False,
    min_words: int = 0,
    kinds: Sequence[str] | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Versions after the first, newest first, with their article's title, site, URL and change stats."""
    where = ["v.version > 1"]
    args: list[Any] = []
    stats = has_change_columns(conn)
    if since:
        where.append("v.first_seen >= ?")
        args.append(since)
    if site:
        where.append("a.site = ?")
        args.append(site)
    if article_id is not None:
        where.append("v.article_id = ?")
        args.append(article_id)
    if headline_only:
        where.append("v.title_changed = 1" if stats else "0")
    if min_words:
        where.append("coalesce(v.words_added, 0) + coalesce(v.words_removed, 0) >= ?" if stats else "0")
        if stats:
            args.append(min_words)
    if kinds:
        where.append(f"coalesce(v.kind, 'fetch') IN ({','.join('?' * len(kinds))})")
        args.extend(kinds)
    cursor = conn.execute(
        "SELECT v.article_id, v.version, v.first_seen, coalesce(v.kind, 'fetch'), v.title, p.title, a.site, a.url,"
        f" {stats_select(conn)} FROM versions v JOIN articles a ON a.id = v.article_id"
        " LEFT JOIN versions p ON p.article_id = v.article_id AND p.version = v.version - 1"
        f" WHERE {' AND '.join(where)} ORDER BY v.first_seen DESC, v.id DESC LIMIT ?",
        (*args, limit),
    )
    out = []
    for row in cursor:
        change = ChangeStats.from_row(row[8:])
        out.append(
            {
                "article_id": row[0],
                "version": row[1],
                "first_seen": row[2],
                "kind": row[3],
                "title": row[4],
                "previous_title": row[5],
                "site": row[6],
                "url": row[7],
                "change": change.to_dict() if change else None,
                "summary": change.summary if change else "",
            }
        )
    return out
