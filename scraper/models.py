"""The records that flow between stages, the words they use, and the content hash that decides
what is a new version.

fetch -> Page -> extract -> Article (with Comments) -> archive.  All are frozen: a stage never edits
what an earlier stage produced, and a record can be passed to another process as it is.  The
`StrEnum`s are the values stored in the archive (`frontier.kind`, `fetches.outcome`,
`frontier.state`, `articles.state`, `versions.kind`), so they compare and store as the plain strings they are.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from enum import IntEnum, StrEnum
from typing import Any

__all__ = [
    "FAILED_SHARE",
    "Article",
    "ArticleState",
    "Comment",
    "Counts",
    "Digest",
    "Evidence",
    "Outcome",
    "Page",
    "PageKind",
    "UrlState",
    "VersionKind",
    "content_hash",
    "normalise_text",
]


class PageKind(StrEnum):
    """What a URL of the frontier is: an article to archive, or a page to discover articles from."""

    ARTICLE = "article"
    LISTING = "listing"
    FEED = "feed"
    SITEMAP = "sitemap"


class Evidence(IntEnum):
    """How sure we are of a frontier URL's kind (`frontier.evidence`): a stronger signal overrides a
    weaker one, never the reverse, whatever order the signals arrive in (`scraper.classify`)."""

    NONE = 0  # a link with nothing to say about what it is (a start URL, a navigation link)
    GUESS = 1  # the URL looks like an article's (dated path, long slug, numeric id)
    PATTERN = 2  # the site's `article_pattern` or `link_selector` says so
    LISTED = 3  # a feed or sitemap entry: an article, whatever linked to it first
    MARKUP = 4  # the fetched page itself says (JSON-LD, og:type, article:published_time, one text block)


class Outcome(StrEnum):
    """What one request came to, as logged in `fetches.outcome` and counted by a crawl."""

    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    NOT_MODIFIED = "not-modified"
    ERROR = "error"
    DISALLOWED = "disallowed"  # robots.txt forbids it: logged, never requested
    ROBOTS = "robots"  # a robots.txt request
    LISTING = "listing"  # a discovery page, by its kind
    FEED = "feed"
    SITEMAP = "sitemap"
    NOT_ARTICLE = "not-article"  # fetched, but not an article (an index, a soft 404, a JS shell): no version
    BLOCKED = "blocked"  # a consent wall, captcha, bot block or paywall stub stood in the way: no version

    @property
    def count_field(self) -> str:
        """The `Counts` field this outcome adds to."""
        return _COUNTED.get(self, "discovery")


_COUNTED = {
    Outcome.NEW: "new",
    Outcome.CHANGED: "changed",
    Outcome.UNCHANGED: "unchanged",
    Outcome.NOT_MODIFIED: "not_modified",
    Outcome.ERROR: "errors",
    Outcome.DISALLOWED: "skipped",
    Outcome.NOT_ARTICLE: "rejected",
    Outcome.BLOCKED: "rejected",
}


class UrlState(StrEnum):
    """Where a frontier URL stands (`frontier.state`)."""

    QUEUED = "queued"  # never fetched
    DONE = "done"  # fetched; `next_due` is its next revisit, or NULL
    ERROR = "error"  # failed, to be retried
    FAILED = "failed"  # given up after `crawl.max_attempts`
    GONE = "gone"  # 404 / 410
    DISALLOWED = "disallowed"  # robots.txt


class VersionKind(StrEnum):
    """What made a version (`versions.kind`): a fetch of the site, re-extraction of a stored page, a WARC import."""

    FETCH = "fetch"
    REEXTRACT = "reextract"
    IMPORT = "import"


class ArticleState(StrEnum):
    """How an archived article answered its last check (`articles.state`)."""

    LIVE = "live"
    GONE = "gone"
    FAILING = "failing"
    MOVED = "moved"  # its URL now redirects to another archived article


FAILED_SHARE = 0.5  # a round where more than this share of the requests failed is a failed round


@dataclass(slots=True)
class Counts:
    """What a crawl round did, per site: requests by outcome, and bytes.  `runs` keeps the first six."""

    fetched: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    not_modified: int = 0
    errors: int = 0
    skipped: int = 0  # disallowed by robots.txt, never requested
    discovery: int = 0  # listings, feeds, sitemaps, robots.txt
    bytes: int = 0
    rejected: int = 0  # pages that were not articles (NOT_ARTICLE, BLOCKED): no version
    broken: int = 0  # errors that are the site's trouble, not the URL's: no answer at all, or a 5xx
    not_found: int = 0  # errors that are the site answering 404 or 410 (a dead link, a removed story)
    first_error: str | None = None  # the first failure's reason, to say why a round failed

    def add(self, outcome: Outcome, size: int = 0) -> None:
        """Count one request: every outcome but DISALLOWED is a request made."""
        if outcome != Outcome.DISALLOWED:
            self.fetched += 1
            self.bytes += size
        name = outcome.count_field
        setattr(self, name, getattr(self, name) + 1)

    def failed(self, reason: str, status: int | None) -> None:
        """Count an error that is the site's trouble (unreachable, 5xx), and remember the first reason;
        or one that is the site answering that the URL is not there."""
        if status in (404, 410):
            self.not_found += 1
        if status is None or status >= 500:
            self.broken += 1
            if self.first_error is None:
                self.first_error = reason

    def failure(self) -> str | None:
        """Why the round these counts describe failed, or None: the site could not be reached (every
        request failed), or more than `FAILED_SHARE` of the requests failed.  What counts is the
        site's trouble (`broken`: no answer, a timeout, a 5xx, an unreachable robots.txt); a 404 is
        the site answering."""
        if self.broken == 0 or self.broken <= FAILED_SHARE * self.fetched:
            return None
        if self.broken >= self.fetched:
            return f"site unreachable: {self.first_error}"
        return f"{self.broken} of {self.fetched} requests failed (first: {self.first_error})"

    def as_dict(self) -> dict[str, int]:
        """The counting fields that are not zero, for logs."""
        return {f.name: n for f in fields(self) if isinstance(n := getattr(self, f.name), int) and n}


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
    if not text.isascii():  # NFKC and the invisible characters leave ASCII as it is
        text = unicodedata.normalize("NFKC", text).replace("\u200b", "").replace("\u00ad", "")
    # already normal, the common case for a line of text: a printable string's only whitespace is the
    # space, so with no run of two and none at the ends, split-and-join gives it back (a scan, not a copy)
    if text.isprintable() and "  " not in text and not text.startswith(" ") and not text.endswith(" "):
        return text
    return " ".join(text.split())  # = re.sub(r"\s+", " ", text).strip() (the same whitespace), 4x faster


def _normalise_body(body: str) -> str:
    lines = (normalise_text(line) for line in body.splitlines())
    return "\n".join(line for line in lines if line and not _VOLATILE_LINE.match(line))


# the end of a publication date's provenance when the date is only an "updated" stamp (the page gives
# no other): shown as the article's date, but no part of its content hash
STAMP_ONLY = ":updated"


def content_hash(article: Article) -> str:
    """SHA-256 over the normalised title, authors, publication date and body, and nothing else.

    Comments, `modified` and extraction provenance are deliberately left out: comment churn and a
    bumped "updated" stamp are not edits of the story (nor is a stamp taken for the publication date
    where the page gives no other).
    """
    stamp_only = article.sources.get("published", "").endswith(STAMP_ONLY)
    payload = [
        normalise_text(article.title),
        sorted(normalise_text(a) for a in article.authors),
        "" if stamp_only else (article.published or "")[:10],
        _normalise_body(article.body),
    ]
    blob = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
