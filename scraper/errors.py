"""The one exception tree of the package; only the CLI turns these into messages and exit codes.

ScraperError                 `transient`: worth trying again later (False unless said otherwise)
├── ConfigError              a config file, key and reason (exit 2)
│   └── ConfigErrors         several of them, found in one pass over the config
├── FetchError               a URL and why it could not be fetched; transient for timeouts and drops
│   ├── BadStatusError       4xx / 5xx answer; transient for 429 and 5xx
│   ├── NotHTMLError         content type we do not archive
│   ├── TooLargeError        body over the size cap (after decompression)
│   ├── RobotsDisallowed     robots.txt forbids the URL
│   ├── RobotsUnavailable    robots.txt is unreachable or answers 5xx: nothing fetched for now (RFC 9309)
│   │   ├── RobotsHostNotFound     ... because the host has no address: also a HostNotFound
│   │   └── RobotsHostUnreachable  ... because the host did not take the connection: also a HostUnreachable
│   ├── HostNotFound         DNS has no address for the host
│   ├── HostUnreachable      the host did not take the connection (refused, connect timeout); transient
│   ├── AddressRefused       the host resolves to a private address the site does not allow
│   ├── CrawlStopped         the crawl was told to stop while the request waited its turn; the URL stays due
│   └── HostBackedOff        the host kept failing and is paused past this round; the URL stays due
├── DecodeLimitError         a body that cannot be decompressed within its cap (the client makes it a FetchError)
├── DiscoverError            a feed or sitemap that cannot be read (malformed, too large, declaring entities)
├── ExtractError             the page could not be turned into an Article, for one of its named reasons
├── ArchiveError             the SQLite archive refused a read or write
├── SiteBusy                 another process is crawling the site on this archive
├── BrokerError              the broker (Redis) of `--broker` is unreachable or failed mid-round; transient
└── ExportError              an export could not be written where asked

Every error pickles with its attributes, so it crosses to and from worker processes as it is.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AddressRefused",
    "ArchiveError",
    "BadStatusError",
    "BrokerError",
    "ConfigError",
    "ConfigErrors",
    "CrawlStopped",
    "DecodeLimitError",
    "DiscoverError",
    "ExportError",
    "ExtractError",
    "FetchError",
    "HostBackedOff",
    "HostNotFound",
    "HostUnreachable",
    "NotHTMLError",
    "RobotsDisallowed",
    "RobotsHostNotFound",
    "RobotsHostUnreachable",
    "RobotsUnavailable",
    "ScraperError",
    "SiteBusy",
    "TooLargeError",
]


class ScraperError(Exception):
    """Base of every error this package raises on purpose."""

    transient: bool = False

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (type(self), self.args, self.__dict__)


def _rebuild(cls: type[ScraperError], args: tuple[Any, ...], state: dict[str, Any]) -> ScraperError:
    """Unpickle an error from its message and attributes, without its __init__ (whose arguments vary)."""
    error = cls.__new__(cls, *args)
    error.__dict__.update(state)
    return error


class ConfigError(ScraperError):
    """A config file is invalid; names the file, the key and the reason."""

    def __init__(self, path: str, key: str | None, reason: str) -> None:
        self.path = path
        self.key = key
        self.reason = reason
        where = f"{path}: {key}" if key else path
        super().__init__(f"{where}: {reason}")


class ConfigErrors(ConfigError):
    """Every config mistake found in one pass; reads as the first, prints as all of them, one a line."""

    def __init__(self, errors: list[ConfigError]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(first.path, first.key, first.reason)
        self.args = ("\n".join(str(e) for e in self.errors),)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class FetchError(ScraperError):
    """A URL could not be fetched; `reason` is short and human-readable."""

    def __init__(
        self,
        url: str,
        reason: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        transient: bool = False,
    ) -> None:
        self.url = url
        self.reason = reason
        self.status = status
        self.retry_after = retry_after  # seconds the server asked us to wait (429 / 503)
        self.transient = transient
        super().__init__(f"{url}: {reason}")


class BadStatusError(FetchError):
    """The server answered with an error status (4xx or 5xx)."""


class NotHTMLError(FetchError):
    """The response is not an HTML document."""


class TooLargeError(FetchError):
    """The (decompressed) body exceeds the configured cap."""


class RobotsDisallowed(FetchError):
    """robots.txt forbids fetching the URL for our user agent."""


class RobotsUnavailable(FetchError):
    """robots.txt could not be read (unreachable, 5xx): RFC 9309 says fetch nothing for now, try later.
    `cause` is the failure of the request for it ("connection refused", "HTTP 503 ...")."""

    def __init__(self, url: str, reason: str, *, cause: str = "", transient: bool = True) -> None:
        super().__init__(url, reason, transient=transient)
        self.cause = cause or reason


class SiteBusy(ScraperError):
    """Another process is crawling the site on this archive (it holds the site's lease)."""


class BrokerError(ScraperError):
    """The broker (Redis) could not be reached, or went away mid-round; what was not written stays due."""

    transient = True

    def __init__(self, url: str, reason: str) -> None:
        self.url = url  # without its password
        self.reason = reason
        super().__init__(f"broker unreachable: {url}: {reason}")


class HostNotFound(FetchError):
    """DNS knows no address for the URL's host."""


class RobotsHostNotFound(RobotsUnavailable, HostNotFound):
    """robots.txt could not be asked for because DNS knows no address for the host.

    A crawl keeps the URL due, as for any robots.txt it cannot read; a user is told that the host
    does not resolve, which is the trouble, rather than that robots.txt is unreachable.
    """


class HostUnreachable(FetchError):
    """The host did not take the connection (refused it, or let the connect time out): nothing was
    said about the URL itself, so the trouble is the host, now."""


class RobotsHostUnreachable(RobotsUnavailable, HostUnreachable):
    """robots.txt could not be asked for because the host did not take the connection.

    A crawl keeps the URL due, as for any robots.txt it cannot read; a user is told that the host
    cannot be reached (`cause`: "connection refused"), since ignoring robots.txt would not help.
    """


class AddressRefused(FetchError):
    """The URL's host resolves to a loopback or private address, and the site does not allow those."""


class CrawlStopped(FetchError):
    """The crawl was told to stop (SIGTERM, Ctrl-C) while this request waited for its host's turn: it
    is not sent, and the URL stays due for the next round."""


class HostBackedOff(FetchError):
    """The host kept failing and is paused beyond what a round waits for; the URL stays due."""


class DecodeLimitError(ScraperError):
    """A body could not be decompressed within its limit (`over_cap`), or not at all."""

    def __init__(self, message: str, *, over_cap: bool = False) -> None:
        self.over_cap = over_cap
        super().__init__(message)


class DiscoverError(ScraperError):
    """A feed or sitemap could not be read (malformed, too large, or declaring entities)."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class ExtractError(ScraperError):
    """The page cannot be made into an Article, for one of `REASONS` (never for merely missing fields).

    Anything else going wrong inside extraction is a bug, and keeps its own type.
    """

    NOT_TEXT = "not HTML text"
    EMPTY = "empty document"
    TOO_DEEP = "markup nested too deeply"
    REASONS = frozenset({NOT_TEXT, EMPTY, TOO_DEEP})

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class ArchiveError(ScraperError):
    """The archive could not be opened, read or written."""


class ExportError(ScraperError):
    """The export could not be written where asked."""
