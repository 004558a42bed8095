"""The records that cross the wire between the coordinator and the workers, as versioned JSON.

Everything a worker needs comes in its message (the site's rules and the settings), so a worker
machine holds no config and no archive.  What comes back is the same `Result` a host worker of a
single-machine round hands its writer, field for field.  Each record carries `v`; a record of
another version is refused (`WireError`), never half-read.  Records are zlib-compressed JSON: a
page's HTML is most of a result and compresses about five times.
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from ..config import CommentSelectors, Selectors, Settings, Site
from ..crawl.frontier import Task
from ..crawl.writer import Result
from ..discover import Link
from ..models import Article, Comment, Digest, Outcome, Page, PageKind

__all__ = [
    "VERSION",
    "CrawlHost",
    "WireError",
    "decode",
    "decode_result",
    "encode",
    "encode_result",
    "site_from_wire",
    "site_to_wire",
]

VERSION = 1


class WireError(ValueError):
    """A record that is not one of ours, or of another version."""


def encode(record: dict[str, Any]) -> bytes:
    return zlib.compress(json.dumps({"v": VERSION, **record}, ensure_ascii=False).encode("utf-8"), 3)


def decode(blob: bytes | str) -> dict[str, Any]:
    try:
        raw = blob.encode("latin-1") if isinstance(blob, str) else blob
        data = json.loads(zlib.decompress(raw).decode("utf-8"))
    except (zlib.error, UnicodeError, json.JSONDecodeError) as exc:
        raise WireError(f"not a wire record: {exc}") from None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        raise WireError(f"wire record of version {data.get('v') if isinstance(data, dict) else '?'}, want {VERSION}")
    return data


# ------------------------------------------------------------ sites and tasks


def site_to_wire(site: Site) -> dict[str, Any]:
    return asdict(site)


def site_from_wire(data: dict[str, Any]) -> Site:
    sel = dict(data["selectors"])
    sel["comment"] = CommentSelectors(**sel["comment"])
    tuples = ("start_urls", "allowed_domains", "remove", "feeds", "sitemaps", "notify")
    pairs = ("trusted", "headers", "cookies")  # tuples of pairs: JSON makes them lists of lists
    values = {**data, "selectors": Selectors(**sel), **{k: tuple(data[k]) for k in tuples if k in data}}
    values.update({k: tuple(tuple(pair) for pair in data[k]) for k in pairs if k in data})
    if data.get("revisit") is not None:
        values["revisit"] = tuple((float(a), float(b)) for a, b in data["revisit"])
    return Site(**values)


def task_to_wire(task: Task) -> dict[str, Any]:
    return asdict(task)


def task_from_wire(data: dict[str, Any]) -> Task:
    return Task(**{**data, "kind": PageKind(data["kind"])})


@dataclass(frozen=True, slots=True)
class CrawlHost:
    """One `crawl_host` message: the due URLs of one host, under the lease `token`."""

    round: str
    token: str
    host: str
    site: Site
    settings: Settings
    tasks: tuple[Task, ...]
    reply: str  # the Redis list the results go to
    max_depth: int
    lease: float  # seconds the worker's renewals keep the lease for

    def to_wire(self) -> str:
        record = {
            "kind": "crawl_host",
            "round": self.round,
            "token": self.token,
            "host": self.host,
            "site": site_to_wire(self.site),
            "settings": dict(self.settings.values),
            "tasks": [task_to_wire(t) for t in self.tasks],
            "reply": self.reply,
            "max_depth": self.max_depth,
            "lease": self.lease,
        }
        return base64.b64encode(encode(record)).decode("ascii")  # Dramatiq's own encoder is JSON

    @classmethod
    def from_wire(cls, text: str) -> CrawlHost:
        data = decode(base64.b64decode(text))
        if data.get("kind") != "crawl_host":
            raise WireError(f"not a crawl_host message: {data.get('kind')!r}")
        return cls(
            round=data["round"],
            token=data["token"],
            host=data["host"],
            site=site_from_wire(data["site"]),
            settings=Settings(data["settings"]),
            tasks=tuple(task_from_wire(t) for t in data["tasks"]),
            reply=data["reply"],
            max_depth=int(data["max_depth"]),
            lease=float(data["lease"]),
        )


# ------------------------------------------------------------ results


def _page_to_wire(page: Page) -> dict[str, Any]:
    return {
        "url": page.url,
        "final_url": page.final_url,
        "status": page.status,
        "headers": dict(page.headers),
        "html": page.html,
        "encoding": page.encoding,
        "fetched_at": page.fetched_at.isoformat(),
        "elapsed": page.elapsed,
        "content": base64.b64encode(page.content).decode("ascii"),
    }


def _page_from_wire(d: dict[str, Any]) -> Page:
    return Page(
        url=d["url"],
        final_url=d["final_url"],
        status=int(d["status"]),
        headers=dict(d["headers"]),
        html=d["html"],
        encoding=d["encoding"],
        fetched_at=datetime.fromisoformat(d["fetched_at"]),
        elapsed=float(d["elapsed"]),
        content=base64.b64decode(d["content"]),
    )


def _article_to_wire(a: Article) -> dict[str, Any]:
    data = a.to_dict()
    data["comments"] = [asdict(c) for c in a.comments]
    return data


def _article_from_wire(d: dict[str, Any]) -> Article:
    known = {f.name for f in fields(Article)}
    values = {k: v for k, v in d.items() if k in known}
    values["authors"] = tuple(d["authors"])
    values["comments"] = tuple(Comment(**c) for c in d["comments"])
    values["sources"] = dict(d["sources"])
    return Article(**values)


def encode_result(result: Result, token: str) -> bytes:
    record: dict[str, Any] = {
        "kind": "result",
        "token": token,
        "task": task_to_wire(result.task),
        "outcome": result.outcome.value if result.outcome is not None else None,
        "page": _page_to_wire(result.page) if result.page is not None else None,
        "article": _article_to_wire(result.article) if result.article is not None else None,
        "digest": asdict(result.digest) if result.digest is not None else None,
        "links": [asdict(link) for link in result.links],
        "error": result.error,
        "failed_status": result.failed_status,
        "at": result.at,
    }
    return encode(record)


def decode_result(data: dict[str, Any]) -> Result:
    """A `result` record (already `decode`d) as the writer's `Result`."""
    links = tuple(Link(**{**link, "kind": PageKind(link["kind"])}) for link in data["links"])
    return Result(
        task=task_from_wire(data["task"]),
        outcome=Outcome(data["outcome"]) if data["outcome"] is not None else None,
        page=_page_from_wire(data["page"]) if data["page"] is not None else None,
        article=_article_from_wire(data["article"]) if data["article"] is not None else None,
        digest=Digest(**data["digest"]) if data["digest"] is not None else None,
        links=links,
        error=data["error"],
        failed_status=data["failed_status"],
        at=float(data["at"]),
    )
