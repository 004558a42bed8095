"""Load and validate `config/`: `settings.toml` plus one `sites/<name>.toml` per site.

Every setting is declared once in `SETTINGS` with its default and help, so the shipped
`config/settings.toml`, validation and `scraper check` cannot drift apart.  Errors name the file,
the key and the reason (`ConfigError`); nothing here prints.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from .errors import ConfigError, ConfigErrors
from .urls import canonicalize

__all__ = [
    "SETTINGS",
    "BrokenSite",
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
    low: float | None = None  # numbers: the smallest and largest value accepted (NaN and infinity never are)
    high: float | None = None

    @property
    def key(self) -> str:
        return f"{self.section}.{self.name}"

    def check(self, value: float) -> str | None:
        """Why `value` is out of this setting's range, or None when it is fine."""
        if not math.isfinite(value):
            return "must be a finite number, not NaN or infinity"
        low = -math.inf if self.low is None else self.low
        high = math.inf if self.high is None else self.high
        if not low <= value <= high:
            return f"must be between {_num(low)} and {_num(high)}, not {_num(value)}"
        return None


def _num(value: float) -> str:
    return f"{int(value):_}" if math.isfinite(value) and float(value).is_integer() else f"{value:g}"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "fetch",
        "user_agent",
        "newsarchive/0.1 (+https://github.com/newsarchive/newsarchive)",
        "User-Agent sent with every request; name yourself so site owners can reach you",
    ),
    Setting("fetch", "connect_timeout", 10.0, "seconds to wait for a TCP/TLS connection", 0.1, 3600),
    Setting("fetch", "read_timeout", 30.0, "seconds to wait between two chunks of a response", 0.1, 3600),
    Setting("fetch", "total_timeout", 120.0, "seconds a whole request may take, however slowly bytes drip", 0.1, 86400),
    Setting("fetch", "max_redirects", 10, "redirects followed before giving up", 0, 50),
    Setting("fetch", "max_bytes", 10_000_000, "cap on a response body, counted after decompression", 1024, 1000000000),
    Setting("fetch", "retries", 3, "extra attempts after a timeout, a 429 or a 5xx", 0, 20),
    Setting("fetch", "backoff", 1.0, "first retry delay in seconds; doubles each attempt, with jitter", 0, 3600),
    Setting("fetch", "max_retry_after", 300.0, "longest Retry-After we are willing to wait, in seconds", 0, 86400),
    Setting("fetch", "http", "aiohttp", 'HTTP client under httpx\'s API: "aiohttp" (3x less CPU) or "httpx"'),
    Setting("crawl", "concurrency", 16, "requests in flight at once, over all hosts", 1, 1024),
    Setting("crawl", "per_host_concurrency", 2, "requests in flight at once to one host", 1, 64),
    Setting(
        "crawl", "min_delay", 1.0, "seconds between two requests to one host (Crawl-delay wins if larger)", 0, 3600
    ),
    Setting("crawl", "respect_robots", True, "obey robots.txt"),
    Setting("crawl", "max_pages", 1000, "pages fetched per site and round at most", 1, 100000000),
    Setting("crawl", "max_depth", 3, "listing-page hops followed from a start URL (pagination, sections)", 0, 100),
    Setting(
        "crawl",
        "revisit",
        "15m for 6h, 1h for 2d, 1d for 2w, 1w for 90d",
        "re-check an article every X until it is Y old, then never (a site's `revisit` overrides)",
    ),
    Setting("crawl", "robots_sitemaps", True, "discover articles from the Sitemap: lines of robots.txt"),
    Setting(
        "crawl",
        "robots_refresh",
        86400.0,
        "seconds a host's robots.txt is trusted before it is fetched again",
        0,
        31536000,
    ),
    Setting(
        "crawl", "host_failures", 5, "failures in a row after which a host is paused rather than hammered", 1, 1000
    ),
    Setting(
        "crawl",
        "host_backoff",
        60.0,
        "first pause of a failing host in seconds; doubles while it keeps failing",
        0,
        86400,
    ),
    Setting(
        "crawl",
        "retry_failed",
        3600.0,
        "seconds before a URL that failed is tried again; doubles each time",
        0,
        31536000,
    ),
    Setting("crawl", "max_attempts", 4, "rounds in which a failing URL is retried before it is given up", 1, 100),
    Setting(
        "crawl",
        "max_discovered",
        50_000,
        "new URLs one site's sitemaps, feeds and listings may add to the frontier per round",
        1,
        10_000_000,
    ),
    Setting(
        "crawl",
        "lease_ttl",
        60.0,
        "seconds a crawl's claim on a site lasts unrenewed; a killed crawl's site is free again after it",
        1,
        86400,
    ),
    Setting("crawl", "batch_size", 500, "due URLs read from the frontier at a time; bounds memory", 1, 100000),
    Setting(
        "crawl", "extract_processes", 1, "worker processes extracting articles (0: in the crawl's own process)", 0, 64
    ),
    Setting("archive", "store_raw", True, "keep the compressed raw HTML of each distinct version"),
    Setting("alerts", "notify", [], "Apprise URLs told of every edit, headline change and removed comment, all sites"),
    # Only read with --broker (scraper/workers/): the same crawl spread over worker machines.
    Setting("broker", "url", "", "Redis URL `scraper worker` uses when --broker is not given (redis://HOST:6379/0)"),
    Setting("broker", "namespace", "newsarchive", "prefix of every Redis key the crawl uses (Dramatiq's too)"),
    Setting("broker", "queue", "crawl", "Dramatiq queue of the crawl_host messages"),
    Setting(
        "broker", "lease", 30.0, "seconds a host lease lives unrenewed: how soon a dead worker's host moves on", 1, 3600
    ),
    Setting(
        "broker", "urls_per_message", 50, "due URLs of one host handed out in one crawl_host message at most", 1, 10000
    ),
    Setting(
        "broker", "heartbeat_timeout", 60.0, "seconds of silence before Dramatiq requeues a worker's messages", 1, 3600
    ),
    Setting(
        "broker",
        "timeout",
        10.0,
        "seconds a Redis connection or command may go unanswered before the broker counts as unreachable",
        2,
        600,
    ),
)

_SETTING_TYPES = {s.key: type(s.default) for s in SETTINGS}
_BY_KEY = {s.key: s for s in SETTINGS}


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
    notify: tuple[str, ...] = ()  # Apprise URLs told of this site's edits (besides settings' alerts.notify)
    port: int | None = None  # only URLs on this port belong to the site (ad-hoc sites: the typed URL's)
    trusted: tuple[tuple[str, int], ...] = ()  # (host, port) that may be private without allow_private
    headers: tuple[tuple[str, str], ...] = ()  # extra request headers
    cookies: tuple[tuple[str, str], ...] = ()  # sent to the site's own hosts only (a consent cookie)
    user_agent: str | None = None  # None: settings' fetch.user_agent
    proxy: str | None = None  # http(s)://host:port of a forward proxy
    render: str = "http"  # "browser": load pages in headless Chromium (the `browser` extra)

    def domains(self) -> tuple[str, ...]:
        if self.allowed_domains:
            return self.allowed_domains
        return _hosts(self.start_urls)

    def owns(self, url: str) -> bool:
        """True when `url` is on one of this site's domains (or a subdomain of one)."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if self.port is not None:
            try:
                port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
            except ValueError:
                return False
            if port != self.port:
                return False
        return any(host == d or host.endswith("." + d) for d in self.domains())


@lru_cache(maxsize=256)
def _hosts(urls: tuple[str, ...]) -> tuple[str, ...]:
    """The distinct hosts of `urls`, memoized: `Site.owns` asks for every link a page has."""
    return tuple(dict.fromkeys(urlsplit(u).hostname or "" for u in urls))


@dataclass(frozen=True, slots=True)
class BrokenSite:
    """A site file that did not load: `name` is what the file says, or its stem when it says nothing readable."""

    name: str
    error: ConfigError


@dataclass(frozen=True, slots=True)
class Config:
    settings: Settings = field(default_factory=Settings)
    sites: tuple[Site, ...] = ()
    root: Path | None = None
    broken: tuple[BrokenSite, ...] = ()  # only with load_config(..., skip_broken=True)

    def site_for(self, url: str) -> Site | None:
        return next((s for s in self.sites if s.owns(url)), None)

    def site(self, name: str) -> Site | None:
        return next((s for s in self.sites if s.name == name), None)


# ---------------------------------------------------------------- validation helpers


class _Errors:
    """Collects the errors of independent checks, so one run reports every mistake, not just the first."""

    def __init__(self) -> None:
        self.found: list[ConfigError] = []

    @contextmanager
    def check(self) -> Iterator[None]:
        try:
            yield
        except ConfigErrors as exc:
            self.found.extend(exc.errors)
        except ConfigError as exc:
            self.found.append(exc)

    def raise_any(self) -> None:
        if len(self.found) == 1:
            raise self.found[0]
        if self.found:
            raise ConfigErrors(self.found)


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(s|m|h|d|w)")
MAX_DURATION = 10 * 366 * 86400.0  # a schedule or revisit step longer than this is a typo, and overflows timers
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_revisit(spec: str | list[str]) -> tuple[tuple[float, float], ...]:
    """'15m for 6h, 1h for 2d' -> ((900, 21600), (3600, 172800)): check every X until the article is
    Y old, then never.  'never' is no revisits at all.  Raises ValueError on anything else."""
    return _revisit_steps(tuple(spec) if isinstance(spec, list) else tuple(spec.split(",")))


@lru_cache(maxsize=256)
def _revisit_steps(parts: tuple[str, ...]) -> tuple[tuple[float, float], ...]:
    """`parse_revisit` of a spec's parts, memoized: the crawl writer asks for every save it schedules."""
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
    if not seconds <= MAX_DURATION:  # also infinity: a 400-digit number parses as inf
        raise ValueError(f"duration {text!r} is longer than 10 years")
    return seconds


_PROBE = LexborHTMLParser("<html><body></body></html>")


_LANG_CODE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


def _check_selector(path: str, key: str, value: Any, *, attr_only_ok: bool = False) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(path, key, "must be a non-empty CSS selector string")
    css, at, attr = value.partition("@")
    css = css.strip()
    if at and not attr.strip():
        raise ConfigError(path, key, "an attribute name is needed after '@'")
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
        raise ConfigError(path, key, f"must be {what}, not {_TOML_NAMES.get(type(value), type(value).__name__)}")
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
    if canonicalize(url) is None:
        raise ConfigError(path, key, f"{url!r} has no usable host name")
    return url


def _unknown(path: str, prefix: str, data: Mapping[str, Any], known: Iterable[str], above: Iterable[str] = ()) -> None:
    """Unknown keys of one table, each with the closest known one; `above` are the keys of the table
    that holds it: TOML puts a key written after a `[table]` header in that table, a common slip."""
    known = sorted(known)
    errors = [
        ConfigError(path, f"{prefix}{k}", _unknown_reason(k, known) + _misplaced(k, prefix, above))
        for k in sorted(set(data) - set(known))
    ]
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ConfigErrors(errors)


def _misplaced(key: str, prefix: str, above: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(above), n=1, cutoff=0.75)
    if not close:
        return ""
    table = prefix.rstrip(".")
    return f"; {close[0]!r} is a top-level key: move it above the [{table}] header, which takes every key after it"


def _unknown_reason(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown key ({hint}known: {', '.join(known)})"


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
    errors = _Errors()
    sections = {s.section for s in SETTINGS}
    with errors.check():
        _unknown(p, "", data, sections)
    for section, table in data.items():
        if section not in sections:
            continue
        with errors.check():
            _expect(p, section, table, dict, "a table")
            _unknown(p, f"{section}.", table, [s.name for s in SETTINGS if s.section == section])
        for name, value in table.items() if isinstance(table, dict) else ():
            key = f"{section}.{name}"
            if key in _SETTING_TYPES:
                with errors.check():
                    values[key] = _setting_value(p, key, value)
    with errors.check():
        try:
            parse_revisit(values["crawl.revisit"])
        except ValueError as exc:
            raise ConfigError(p, "crawl.revisit", str(exc)) from None
    with errors.check():
        _check_broker(p, values)
    errors.raise_any()
    return Settings(values)


_TOML_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    list: "an array",
    dict: "a table",
}
_TYPE_NAMES = {int: "an integer", float: "a number", bool: "true or false", str: "a string"}


def _setting_value(p: str, key: str, value: Any) -> Any:
    want = _SETTING_TYPES[key]
    if want is list:
        return list(_str_list(p, key, value))
    ok_types: tuple[type, ...] = (int, float) if want is float else (want,)
    _expect(p, key, value, ok_types, _TYPE_NAMES.get(want, f"a {want.__name__}"))
    if want in (int, float) and (why := _BY_KEY[key].check(value)) is not None:
        raise ConfigError(p, key, why)
    return float(value) if want is float else value


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
    "notify",
    "headers",
    "cookies",
    "user_agent",
    "proxy",
    "render",
)
RENDERS = ("http", "browser")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP header or cookie name
_OWN_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection", "cookie"})


def _pairs(p: str, key: str, data: Any, *, cookie: bool = False) -> tuple[tuple[str, str], ...]:
    """A table of names to string values: request headers, or cookies."""
    _expect(p, key, data, dict, "a table of names to strings")
    out = []
    for name, value in data.items():
        if not _TOKEN.fullmatch(name):
            raise ConfigError(p, f"{key}.{name}", "not a valid name")
        if not cookie and name.lower() in _OWN_HEADERS:
            raise ConfigError(
                p, f"{key}.{name}", "set by the client itself" + ("; use [cookies]" if name.lower() == "cookie" else "")
            )
        _expect(p, f"{key}.{name}", value, str, "a string")
        bad = "\r\n\0" + (";," if cookie else "")
        if any(c in value for c in bad):
            raise ConfigError(p, f"{key}.{name}", "contains a character not allowed here")
        out.append((name, value))
    return tuple(out)


def _http_options(p: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """headers, cookies, user_agent, proxy, render: how requests to the site are made."""
    found: dict[str, Any] = {}
    if "headers" in data:
        found["headers"] = _pairs(p, "headers", data["headers"])
    if "cookies" in data:
        found["cookies"] = _pairs(p, "cookies", data["cookies"], cookie=True)
    if "user_agent" in data:
        agent = _expect(p, "user_agent", data["user_agent"], str, "a string")
        if not agent.strip() or any(c in agent for c in "\r\n\0"):
            raise ConfigError(p, "user_agent", "must be one non-empty line")
        found["user_agent"] = agent.strip()
    if "proxy" in data:
        proxy = _expect(p, "proxy", data["proxy"], str, "an http(s)://host:port URL")
        parts = urlsplit(proxy)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
            raise ConfigError(p, "proxy", f"{proxy!r} is not an http(s)://host:port proxy URL")
        found["proxy"] = proxy
    if "render" in data:
        render = _expect(p, "render", data["render"], str, "a string")
        if render not in RENDERS:
            raise ConfigError(p, "render", f"{render!r}: use one of {', '.join(RENDERS)}")
        found["render"] = render
    return found


_FIELD_SELECTORS = ("title", "author", "date", "modified", "body", "comments")
_COMMENT_SELECTORS = ("id", "author", "date", "text", "parent")


def _load_selectors(p: str, data: Any) -> Selectors:
    """Every selector is checked, and an unknown key reported beside a bad selector, in one run."""
    _expect(p, "selectors", data, dict, "a table")
    e = _Errors()
    with e.check():
        _unknown(p, "selectors.", data, (*_FIELD_SELECTORS, "comment"), _SITE_KEYS)
    fields: dict[str, str] = {}
    for k in _FIELD_SELECTORS:
        if k in data:
            with e.check():
                fields[k] = _check_selector(p, f"selectors.{k}", data[k])
    parts: dict[str, str] = {}
    if "comment" in data:
        with e.check():
            table = _expect(p, "selectors.comment", data["comment"], dict, "a table")
            with e.check():
                _unknown(p, "selectors.comment.", table, _COMMENT_SELECTORS)
            for k, v in table.items():
                if k in _COMMENT_SELECTORS:
                    with e.check():
                        parts[k] = _check_selector(p, f"selectors.comment.{k}", v, attr_only_ok=True)
    e.raise_any()
    return Selectors(**fields, comment=CommentSelectors(**parts))


def _check_cron(p: str, expr: Any) -> str:
    from apscheduler.triggers.cron import CronTrigger

    _expect(p, "cron", expr, str, "a cron expression string")
    try:
        CronTrigger.from_crontab(expr)
    except ValueError as exc:
        raise ConfigError(p, "cron", f"bad cron expression {expr!r}: {exc}") from None
    return str(expr)


def load_site(path: Path) -> Site:
    """Read and check one site file; every independent mistake in it is reported together (`ConfigErrors`)."""
    data = _read_toml(path)
    p = str(path)
    e = _Errors()
    with e.check():
        _unknown(p, "", data, _SITE_KEYS)
    name = ""
    with e.check():
        if "name" not in data:
            raise ConfigError(p, "name", "missing")
        name = _expect(p, "name", data["name"], str, "a string")
        if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", name):
            raise ConfigError(p, "name", f"{name!r}: use lowercase letters, digits, '-', '_' or '.'")
    start_urls: tuple[str, ...] = ()
    with e.check():
        if "start_urls" not in data:
            raise ConfigError(p, "start_urls", "missing (give at least one URL)")
        start_urls = _str_list(p, "start_urls", data["start_urls"])
        if not start_urls:
            raise ConfigError(p, "start_urls", "must list at least one URL")
    for i, url in enumerate(start_urls):
        with e.check():
            _check_url(p, f"start_urls[{i}]", url)
    every = cron = None
    with e.check():
        if "every" in data and "cron" in data:
            raise ConfigError(p, "every", "give either 'every' or 'cron', not both")
        if "every" in data:
            try:
                every = parse_duration(_expect(p, "every", data["every"], str, 'a duration such as "15m"'))
            except ValueError as exc:
                raise ConfigError(p, "every", str(exc)) from None
    with e.check():
        if "cron" in data and "every" not in data:
            cron = _check_cron(p, data["cron"])
    pattern = data.get("article_pattern")
    with e.check():
        if pattern is not None:
            _expect(p, "article_pattern", pattern, str, "a regular expression string")
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(p, "article_pattern", f"bad regular expression: {exc}") from None
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("remove", "feeds", "sitemaps", "allowed_domains", "notify"):
        lists[key] = ()
        with e.check():
            lists[key] = _str_list(p, key, data.get(key, []))
    for i, sel in enumerate(lists["remove"]):
        with e.check():
            _check_selector(p, f"remove[{i}]", sel)
    for key in ("feeds", "sitemaps"):
        for i, url in enumerate(lists[key]):
            with e.check():
                _check_url(p, f"{key}[{i}]", url)
    lang = data.get("lang")
    with e.check():
        if lang is not None:
            _expect(p, "lang", lang, str, "a language code string")
            if not _LANG_CODE.fullmatch(lang):
                raise ConfigError(p, "lang", f"{lang!r} is not a language code (use an ISO 639 code: fr, de, pt-BR)")
    store_raw = data.get("store_raw")
    with e.check():
        if store_raw is not None:
            _expect(p, "store_raw", store_raw, bool, "true or false")
    allow_private = False
    with e.check():
        allow_private = _expect(p, "allow_private", data.get("allow_private", False), bool, "true or false")
    revisit = None
    with e.check():
        if "revisit" in data:
            _expect(p, "revisit", data["revisit"], (str, list), 'a schedule such as "15m for 6h, 1h for 2d"')
            try:
                revisit = parse_revisit(data["revisit"])
            except (ValueError, AttributeError) as exc:
                raise ConfigError(p, "revisit", str(exc)) from None
    link_selector = data.get("link_selector")
    with e.check():
        if link_selector is not None:
            link_selector = _check_selector(p, "link_selector", link_selector)
    selectors = Selectors()
    with e.check():
        selectors = _load_selectors(p, data.get("selectors", {}))
    e.raise_any()
    return Site(
        name=name,
        start_urls=start_urls,
        allowed_domains=tuple(d.lower() for d in lists["allowed_domains"]),
        selectors=selectors,
        remove=lists["remove"],
        every=every,
        cron=cron,
        article_pattern=pattern,
        feeds=lists["feeds"],
        sitemaps=lists["sitemaps"],
        lang=lang,
        store_raw=store_raw,
        allow_private=allow_private,
        path=p,
        revisit=revisit,
        link_selector=link_selector,
        notify=tuple(lists["notify"]),
        port=_start_port(start_urls),
        **_http_options(p, data),
    )


def _start_port(start_urls: tuple[str, ...]) -> int | None:
    """The port every start URL names, when they name one and the same: a site served on
    127.0.0.1:8762 is not the one on 127.0.0.1:8761.  Start URLs on default ports, or on several
    ports, leave the site's domains whatever their port."""
    ports = {urlsplit(u).port for u in start_urls}
    return ports.pop() if len(ports) == 1 and None not in ports else None


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
        bounds = f" ({_num(s.low)} to {_num(s.high)})" if s.low is not None and s.high is not None else ""
        lines += [f"# {s.help}{bounds}", f"{s.name} = {value}"]
    return "\n".join(lines) + "\n"


def load_config(root: Path | str, *, skip_broken: bool = False) -> Config:
    """Read `root/settings.toml` (optional) and every `root/sites/*.toml`.  A missing root is empty.

    With `skip_broken`, a site file with mistakes is left out and listed in `Config.broken`, so that
    commands that only look (`status`) or work on another site still run; settings errors still raise."""
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise ConfigError(str(root), None, "is not a directory")
    errors = _Errors()
    settings = Settings()
    with errors.check():
        settings = load_settings(root / "settings.toml")
    sites: list[Site] = []
    seen: dict[str, str] = {}
    starts: dict[str, str] = {}  # a start URL -> the file that lists it
    broken: list[BrokenSite] = []
    for path in site_files(root):
        site_errors = _Errors() if skip_broken else errors
        with site_errors.check():
            site = load_site(path)
            if site.name in seen:
                raise ConfigError(str(path), "name", f"{site.name!r} is already defined in {seen[site.name]}")
            # the archive keeps each URL for one site: a second site starting there would crawl nothing
            for url in site.start_urls:
                other = starts.get(canonicalize(url) or url)
                if other is not None:
                    raise ConfigError(str(path), "start_urls", f"{url} is a start URL of {other} too: one site per URL")
            seen[site.name] = str(path)
            starts.update({canonicalize(url) or url: str(path) for url in site.start_urls})
            sites.append(site)
        if site_errors.found and site_errors is not errors:
            error = site_errors.found[0] if len(site_errors.found) == 1 else ConfigErrors(site_errors.found)
            broken.append(BrokenSite(_stated_name(path), error))
    errors.raise_any()  # every file's every error at once
    return Config(settings=settings, sites=tuple(sites), root=root, broken=tuple(broken))


def _stated_name(path: Path) -> str:
    """The `name` a broken site file gives, when it is readable TOML and a string, else the file's stem."""
    try:
        name = _read_toml(path).get("name")
    except ConfigError:
        name = None
    return name if isinstance(name, str) and name else path.stem
