"""Load and validate `config/`: `settings.toml` plus one `sites/<name>.toml` per site.

Every setting is declared once in `SETTINGS` with its default and help, so the shipped
`config/settings.toml`, validation and `scraper check` cannot drift apart.  Errors name the file,
the key and the reason (`ConfigError`); nothing here prints.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from .errors import ConfigError

__all__ = [
    "SETTINGS",
    "CommentSelectors",
    "Config",
    "Selectors",
    "Settings",
    "Site",
    "load_config",
    "load_site",
    "parse_duration",
    "parse_revisit",
    "render_settings",
    "site_files",
]


@dataclass(frozen=True, slots=True)
class Setting:
    section: str
    name: str
    default: Any
    help: str

    @property
    def key(self) -> str:
        return f"{self.section}.{self.name}"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "fetch",
        "user_agent",
        "newsarchive/0.1 (+https://github.com/newsarchive/newsarchive)",
        "User-Agent sent with every request; name yourself so site owners can reach you",
    ),
    Setting("fetch", "connect_timeout", 10.0, "seconds to wait for a TCP/TLS connection"),
    Setting("fetch", "read_timeout", 30.0, "seconds to wait between two chunks of a response"),
    Setting("fetch", "total_timeout", 120.0, "seconds a whole request may take, however slowly bytes drip"),
    Setting("fetch", "max_redirects", 10, "redirects followed before giving up"),
    Setting("fetch", "max_bytes", 10_000_000, "cap on a response body, counted after decompression"),
    Setting("fetch", "retries", 3, "extra attempts after a timeout, a 429 or a 5xx"),
    Setting("fetch", "backoff", 1.0, "first retry delay in seconds; doubles each attempt, with jitter"),
    Setting("fetch", "max_retry_after", 300.0, "longest Retry-After we are willing to wait, in seconds"),
    Setting("crawl", "concurrency", 16, "requests in flight at once, over all hosts"),
    Setting("crawl", "per_host_concurrency", 2, "requests in flight at once to one host"),
    Setting("crawl", "min_delay", 1.0, "seconds between two requests to one host (Crawl-delay wins if larger)"),
    Setting("crawl", "respect_robots", True, "obey robots.txt"),
    Setting("crawl", "max_pages", 1000, "pages fetched per site and round at most"),
    Setting("crawl", "max_depth", 3, "listing-page hops followed from a start URL (pagination, sections)"),
    Setting(
        "crawl",
        "revisit",
        "15m for 6h, 1h for 2d, 1d for 2w, 1w for 90d",
        "re-check an article every X until it is Y old, then never (a site's `revisit` overrides)",
    ),
    Setting("crawl", "robots_sitemaps", True, "discover articles from the Sitemap: lines of robots.txt"),
    Setting("crawl", "robots_refresh", 86400.0, "seconds a host's robots.txt is trusted before it is fetched again"),
    Setting("crawl", "host_failures", 5, "failures in a row after which a host is paused rather than hammered"),
    Setting("crawl", "host_backoff", 60.0, "first pause of a failing host in seconds; doubles while it keeps failing"),
    Setting("crawl", "retry_failed", 3600.0, "seconds before a URL that failed is tried again; doubles each time"),
    Setting("crawl", "max_attempts", 4, "rounds in which a failing URL is retried before it is given up"),
    Setting("crawl", "batch_size", 500, "due URLs read from the frontier at a time; bounds memory"),
    Setting("crawl", "extract_processes", 1, "worker processes extracting articles (0: in the crawl's own process)"),
    Setting("archive", "store_raw", True, "keep the compressed raw HTML of each distinct version"),
    # Only read with --broker (scraper/workers/): the same crawl spread over worker machines.
    Setting("broker", "url", "", "Redis URL `scraper worker` uses when --broker is not given (redis://HOST:6379/0)"),
    Setting("broker", "namespace", "newsarchive", "prefix of every Redis key the crawl uses (Dramatiq's too)"),
    Setting("broker", "queue", "crawl", "Dramatiq queue of the crawl_host messages"),
    Setting("broker", "lease", 30.0, "seconds a host lease lives unrenewed: how soon a dead worker's host moves on"),
    Setting("broker", "urls_per_message", 50, "due URLs of one host handed out in one crawl_host message at most"),
    Setting("broker", "heartbeat_timeout", 60.0, "seconds of silence before Dramatiq requeues a worker's messages"),
)

_SETTING_TYPES = {s.key: type(s.default) for s in SETTINGS}


@dataclass(frozen=True, slots=True)
class Settings:
    """Resolved settings; access as `settings.get("fetch.user_agent")` or the shortcut properties."""

    values: Mapping[str, Any] = field(default_factory=lambda: {s.key: s.default for s in SETTINGS})

    def get(self, key: str) -> Any:
        return self.values[key]

    @property
    def user_agent(self) -> str:
        return str(self.values["fetch.user_agent"])


@dataclass(frozen=True, slots=True)
class CommentSelectors:
    """Per-comment rules, relative to one comment element.  `@attr` reads an attribute."""

    id: str | None = None
    author: str | None = None
    date: str | None = None
    text: str | None = None
    parent: str | None = None  # attribute or selector naming the parent id; default: DOM nesting


@dataclass(frozen=True, slots=True)
class Selectors:
    """CSS selectors for a site's fields.  `sel@attr` takes an attribute instead of the text."""

    title: str | None = None
    author: str | None = None
    date: str | None = None
    modified: str | None = None
    body: str | None = None
    comments: str | None = None
    comment: CommentSelectors = field(default_factory=CommentSelectors)


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...] = ()
    selectors: Selectors = field(default_factory=Selectors)
    remove: tuple[str, ...] = ()
    every: float | None = None  # seconds
    cron: str | None = None
    article_pattern: str | None = None  # regex on URLs that are articles (crawler)
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    lang: str | None = None  # fallback when the page declares none
    store_raw: bool | None = None  # None: use settings
    allow_private: bool = False  # allow loopback / private addresses (tests, intranets)
    path: str = ""
    revisit: tuple[tuple[float, float], ...] | None = None  # (every, until age) seconds; None: settings
    link_selector: str | None = None  # CSS selector of article links on listing pages (crawler)

    def domains(self) -> tuple[str, ...]:
        if self.allowed_domains:
            return self.allowed_domains
        return tuple(dict.fromkeys(urlsplit(u).hostname or "" for u in self.start_urls))

    def owns(self, url: str) -> bool:
        """True when `url` is on one of this site's domains (or a subdomain of one)."""
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.domains())


@dataclass(frozen=True, slots=True)
class Config:
    settings: Settings = field(default_factory=Settings)
    sites: tuple[Site, ...] = ()
    root: Path | None = None

    def site_for(self, url: str) -> Site | None:
        return next((s for s in self.sites if s.owns(url)), None)

    def site(self, name: str) -> Site | None:
        return next((s for s in self.sites if s.name == name), None)


# ---------------------------------------------------------------- validation helpers

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(s|m|h|d|w)")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_revisit(spec: str | list[str]) -> tuple[tuple[float, float], ...]:
    """'15m for 6h, 1h for 2d' -> ((900, 21600), (3600, 172800)): check every X until the article is
    Y old, then never.  'never' is no revisits at all.  Raises ValueError on anything else."""
    parts = spec if isinstance(spec, list) else spec.split(",")
    steps: list[tuple[float, float]] = []
    for part in (p.strip().lower() for p in parts):
        if part == "never" and len(parts) == 1:
            return ()
        every, sep, until = part.partition(" for ")
        if not sep:
            raise ValueError(f"bad revisit step {part!r} (use e.g. '15m for 6h, 1h for 2d' or 'never')")
        step = (parse_duration(every), parse_duration(until))
        if steps and step[1] <= steps[-1][1]:
            raise ValueError(f"revisit step {part!r} must reach further than the one before it")
        steps.append(step)
    if not steps:
        raise ValueError("revisit needs at least one step, or 'never'")
    return tuple(steps)


def parse_duration(text: str) -> float:
    """'90s', '15m', '1h30m', '2d' -> seconds.  Raises ValueError on anything else."""
    compact = text.strip().lower().replace(" ", "")
    if not compact or _DURATION.sub("", compact):
        raise ValueError(f"bad duration {text!r} (use e.g. 30s, 15m, 2h, 1d)")
    seconds = sum(float(n) * _UNIT_SECONDS[u] for n, u in _DURATION.findall(compact))
    if seconds <= 0:
        raise ValueError(f"duration {text!r} must be positive")
    return seconds


_PROBE = LexborHTMLParser("<html><body></body></html>")


def _check_selector(path: str, key: str, value: Any, *, attr_only_ok: bool = False) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(path, key, "must be a non-empty CSS selector string")
    css, _, attr = value.partition("@")
    css = css.strip()
    if attr and not re.fullmatch(r"[A-Za-z_:][-\w:.]*", attr.strip()):
        raise ConfigError(path, key, f"bad attribute name {attr!r} after '@'")
    if not css:
        if attr and attr_only_ok:
            return value.strip()
        raise ConfigError(path, key, "a selector is needed before '@'")
    try:
        _PROBE.css(css)
    except SelectolaxError:
        raise ConfigError(path, key, f"invalid CSS selector {css!r}") from None
    return value.strip()


def _expect(path: str, key: str, value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if isinstance(value, bool) and kind is not bool and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise ConfigError(path, key, f"must be {what}, not a boolean")
    if not isinstance(value, kind):
        raise ConfigError(path, key, f"must be {what}, not {type(value).__name__}")
    return value


def _str_list(path: str, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    _expect(path, key, value, list, "a list of strings")
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise ConfigError(path, f"{key}[{i}]", "must be a non-empty string")
    return tuple(v.strip() for v in value)


def _check_url(path: str, key: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(path, key, f"{url!r} is not an http(s) URL")
    return url


def _unknown(path: str, prefix: str, data: Mapping[str, Any], known: Iterable[str]) -> None:
    extra = sorted(set(data) - set(known))
    if extra:
        key = f"{prefix}{extra[0]}"
        raise ConfigError(path, key, f"unknown key (known: {', '.join(sorted(known))})")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), None, f"invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(str(path), None, f"cannot read: {exc.strerror}") from None


# ---------------------------------------------------------------- settings


def load_settings(path: Path) -> Settings:
    values = {s.key: s.default for s in SETTINGS}
    if not path.exists():
        return Settings(values)
    data = _read_toml(path)
    p = str(path)
    sections = {s.section for s in SETTINGS}
    _unknown(p, "", data, sections)
    for section, table in data.items():
        _expect(p, section, table, dict, "a table")
        _unknown(p, f"{section}.", table, [s.name for s in SETTINGS if s.section == section])
        for name, value in table.items():
            key = f"{section}.{name}"
            want = _SETTING_TYPES[key]
            ok_types: tuple[type, ...] = (int, float) if want is float else (want,)
            _expect(p, key, value, ok_types, f"a {want.__name__}")
            if want in (int, float) and value < 0:
                raise ConfigError(p, key, "must not be negative")
            values[key] = float(value) if want is float else value
    try:
        parse_revisit(values["crawl.revisit"])
    except ValueError as exc:
        raise ConfigError(p, "crawl.revisit", str(exc)) from None
    _check_broker(p, values)
    return Settings(values)


_BROKER_SCHEMES = ("redis", "rediss", "unix")
_REDIS_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def check_broker_url(url: str) -> str | None:
    """Why `url` is not a Redis URL we can use, or None when it is."""
    parts = urlsplit(url)
    if parts.scheme not in _BROKER_SCHEMES:
        return f"{url!r} is not a Redis URL (use redis://HOST:6379/0, rediss:// or unix://)"
    if parts.scheme != "unix" and not parts.hostname:
        return f"{url!r} names no host"
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return f"{url!r} has a bad port"
    return None


def _check_broker(p: str, values: dict[str, Any]) -> None:
    url = values["broker.url"]
    if url and (why := check_broker_url(url)):
        raise ConfigError(p, "broker.url", why)
    for key in ("broker.namespace", "broker.queue"):
        if not _REDIS_NAME.fullmatch(values[key]):
            raise ConfigError(p, key, "use letters, digits, '_', '-' or '.'")
    for key in ("broker.lease", "broker.heartbeat_timeout"):
        if values[key] < 1:
            raise ConfigError(p, key, "must be at least 1 second")
    if values["broker.urls_per_message"] < 1:
        raise ConfigError(p, "broker.urls_per_message", "must be at least 1")


# ---------------------------------------------------------------- sites

_SITE_KEYS = (
    "name",
    "start_urls",
    "allowed_domains",
    "selectors",
    "remove",
    "every",
    "cron",
    "article_pattern",
    "feeds",
    "sitemaps",
    "lang",
    "store_raw",
    "allow_private",
    "revisit",
    "link_selector",
)
_FIELD_SELECTORS = ("title", "author", "date", "modified", "body", "comments")
_COMMENT_SELECTORS = ("id", "author", "date", "text", "parent")


def _load_selectors(p: str, data: Any) -> Selectors:
    _expect(p, "selectors", data, dict, "a table")
    _unknown(p, "selectors.", data, (*_FIELD_SELECTORS, "comment"))
    fields = {k: _check_selector(p, f"selectors.{k}", data[k]) for k in _FIELD_SELECTORS if k in data}
    comment = CommentSelectors()
    if "comment" in data:
        table = _expect(p, "selectors.comment", data["comment"], dict, "a table")
        _unknown(p, "selectors.comment.", table, _COMMENT_SELECTORS)
        comment = CommentSelectors(
            **{k: _check_selector(p, f"selectors.comment.{k}", v, attr_only_ok=True) for k, v in table.items()}
        )
    return Selectors(**fields, comment=comment)


def _check_cron(p: str, expr: Any) -> str:
    from apscheduler.triggers.cron import CronTrigger

    _expect(p, "cron", expr, str, "a cron expression string")
    try:
        CronTrigger.from_crontab(expr)
    except ValueError as exc:
        raise ConfigError(p, "cron", f"bad cron expression {expr!r}: {exc}") from None
    return str(expr)


def load_site(path: Path) -> Site:
    data = _read_toml(path)
    p = str(path)
    _unknown(p, "", data, _SITE_KEYS)
    if "name" not in data:
        raise ConfigError(p, "name", "missing")
    name = _expect(p, "name", data["name"], str, "a string")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", name):
        raise ConfigError(p, "name", f"{name!r}: use lowercase letters, digits, '-', '_' or '.'")
    if "start_urls" not in data:
        raise ConfigError(p, "start_urls", "missing (give at least one URL)")
    start_urls = _str_list(p, "start_urls", data["start_urls"])
    if not start_urls:
        raise ConfigError(p, "start_urls", "must list at least one URL")
    for i, url in enumerate(start_urls):
        _check_url(p, f"start_urls[{i}]", url)
    every = cron = None
    if "every" in data and "cron" in data:
        raise ConfigError(p, "every", "give either 'every' or 'cron', not both")
    if "every" in data:
        try:
            every = parse_duration(_expect(p, "every", data["every"], str, 'a duration such as "15m"'))
        except ValueError as exc:
            raise ConfigError(p, "every", str(exc)) from None
    if "cron" in data:
        cron = _check_cron(p, data["cron"])
    pattern = data.get("article_pattern")
    if pattern is not None:
        _expect(p, "article_pattern", pattern, str, "a regular expression string")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(p, "article_pattern", f"bad regular expression: {exc}") from None
    remove = _str_list(p, "remove", data.get("remove", []))
    for i, sel in enumerate(remove):
        _check_selector(p, f"remove[{i}]", sel)
    feeds = _str_list(p, "feeds", data.get("feeds", []))
    sitemaps = _str_list(p, "sitemaps", data.get("sitemaps", []))
    for key, urls in (("feeds", feeds), ("sitemaps", sitemaps)):
        for i, url in enumerate(urls):
            _check_url(p, f"{key}[{i}]", url)
    lang = data.get("lang")
    if lang is not None:
        _expect(p, "lang", lang, str, "a language code string")
    store_raw = data.get("store_raw")
    if store_raw is not None:
        _expect(p, "store_raw", store_raw, bool, "true or false")
    allow_private = _expect(p, "allow_private", data.get("allow_private", False), bool, "true or false")
    revisit = None
    if "revisit" in data:
        _expect(p, "revisit", data["revisit"], (str, list), 'a schedule such as "15m for 6h, 1h for 2d"')
        try:
            revisit = parse_revisit(data["revisit"])
        except (ValueError, AttributeError) as exc:
            raise ConfigError(p, "revisit", str(exc)) from None
    link_selector = data.get("link_selector")
    if link_selector is not None:
        link_selector = _check_selector(p, "link_selector", link_selector)
    return Site(
        name=name,
        start_urls=start_urls,
        allowed_domains=tuple(d.lower() for d in _str_list(p, "allowed_domains", data.get("allowed_domains", []))),
        selectors=_load_selectors(p, data.get("selectors", {})),
        remove=remove,
        every=every,
        cron=cron,
        article_pattern=pattern,
        feeds=feeds,
        sitemaps=sitemaps,
        lang=lang,
        store_raw=store_raw,
        allow_private=allow_private,
        path=p,
        revisit=revisit,
        link_selector=link_selector,
    )


def site_files(root: Path, *, include_disabled: bool = False) -> list[Path]:
    """`sites/*.toml`; a name starting with `_` marks a disabled site (the shipped example is one)."""
    paths = sorted((root / "sites").glob("*.toml"))
    return [p for p in paths if include_disabled or not p.name.startswith("_")]


def render_settings() -> str:
    """The text of a settings.toml holding every default, each with its help as a comment."""
    lines = ["# newsarchive settings: every key with its default. Delete what you do not change.", ""]
    section = None
    for s in SETTINGS:
        if s.section != section:
            section = s.section
            lines += ([""] if lines[-1] else []) + [f"[{section}]"]
        value = ("true" if s.default else "false") if isinstance(s.default, bool) else repr(s.default)
        if isinstance(s.default, str):
            value = '"' + s.default.replace('"', '\\"') + '"'
        elif isinstance(s.default, int) and not isinstance(s.default, bool):
            value = f"{s.default:_}"
        lines += [f"# {s.help}", f"{s.name} = {value}"]
    return "\n".join(lines) + "\n"


def load_config(root: Path | str) -> Config:
    """Read `root/settings.toml` (optional) and every `root/sites/*.toml`.  A missing root is empty."""
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise ConfigError(str(root), None, "is not a directory")
    settings = load_settings(root / "settings.toml")
    sites: list[Site] = []
    seen: dict[str, str] = {}
    for path in site_files(root):
        site = load_site(path)
        if site.name in seen:
            raise ConfigError(str(path), "name", f"{site.name!r} is already defined in {seen[site.name]}")
        seen[site.name] = str(path)
        sites.append(site)
    return Config(settings=settings, sites=tuple(sites), root=root)
