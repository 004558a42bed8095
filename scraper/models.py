"""The records that flow between stages, and the content hash that decides what is a new version.

fetch -> Page -> extract -> Article (with Comments) -> archive.  All are frozen: a stage never edits
what an earlier stage produced, and a record can be passed to another process as it is.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["Article", "Comment", "Digest", "Page", "content_hash", "normalise_text"]


@dataclass(frozen=True, slots=True)
class Page:
    """One HTTP response, decoded.  `url` is what was asked for, `final_url` where redirects ended."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    html: str
    encoding: str
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    elapsed: float = 0.0
    content: bytes = b""  # the decompressed body as received, for raw storage and re-extraction

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


@dataclass(frozen=True, slots=True)
class Comment:
    """A reader comment.  `id` is the site's own id when it has one, else a hash of author+text."""

    id: str
    text: str
    author: str | None = None
    published: str | None = None  # ISO 8601
    parent_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "parent_id": self.parent_id,
            "author": self.author,
            "published": self.published,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Article:
    """What extraction makes of a page.  Dates are ISO 8601 strings: a bare date stays a bare date.

    `sources` maps each field to the rule that produced it ("site", "preset:wix", "jsonld", ...),
    so that a user writing selectors can see which path won.
    """

    url: str
    canonical_url: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    modified: str | None = None
    body: str = ""
    lang: str | None = None
    comments: tuple[Comment, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["authors"] = list(self.authors)
        data["comments"] = [c.to_dict() for c in self.comments]
        data["sources"] = dict(self.sources)
        return data


@dataclass(frozen=True, slots=True)
class Digest:
    """What the archive derives from an article's content: its version hash and its near-copy
    fingerprint.  Pure functions of the article, so a crawl computes them in its extraction workers,
    off the process that does the HTTP and the writing."""

    content_hash: str
    simhash: int | None


_WS = re.compile(r"\s+")
# Lines that change on every visit without the story changing: relative times, counters.
_VOLATILE_LINE = re.compile(
    r"""^(?:
        (?:il\ y\ a|vor|hace|há|fa)\s+\d+\s+\w+            # il y a 3 heures, vor 2 Tagen
      | \d+\s+(?:sec|second|min|minute|hour|heure|day|jour|week|semaine|month|mois|year|an)s?\.?\s+ago
      | \d+\s*(?:min|minutes?)\s+(?:de\ lecture|read|Lesezeit|de\ lectura)
      | \d[\d.,\s]*\s*(?:shares?|partages?|comments?|commentaires?|views?|vues?|likes?)
    )$""",
    re.IGNORECASE | re.VERBOSE,
)


def normalise_text(text: str | None) -> str:
    """Unicode NFKC, collapsed whitespace, no zero-width characters: what a reader would call equal."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).replace("\u200b", "").replace("\u00ad", "")
    return _WS.sub(" ", text).strip()


def _normalise_body(body: str) -> str:
    lines = (normalise_text(line) for line in body.splitlines())
    return "\n".join(line for line in lines if line and not _VOLATILE_LINE.match(line))


def content_hash(article: Article) -> str:
    """SHA-256 over the normalised title, authors, publication date and body, and nothing else.

    Comments, `modified` and extraction provenance are deliberately left out: comment churn and a
    bumped "updated" stamp are not edits of the story.
    """
    payload = [
        normalise_text(article.title),
        sorted(normalise_text(a) for a in article.authors),
        (article.published or "")[:10],
        _normalise_body(article.body),
    ]
    blob = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
