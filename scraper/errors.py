"""The one exception tree of the package; only the CLI turns these into messages and exit codes.

ScraperError
├── ConfigError      a config file, key and reason (exit 2)
│   └── ConfigErrors        several of them, from one run over the config
├── FetchError       a URL and why it could not be fetched
│   ├── BadStatusError      4xx / 5xx answer
│   ├── NotHTMLError        content type we do not archive
│   ├── TooLargeError       body over the size cap (after decompression)
│   └── RobotsDisallowed    robots.txt forbids the URL
├── ExtractError     the page could not be turned into an Article, for a named reason
└── ArchiveError     the SQLite archive refused a read or write
"""

from __future__ import annotations

__all__ = [
    "ArchiveError",
    "BadStatusError",
    "ConfigError",
    "ConfigErrors",
    "ExtractError",
    "FetchError",
    "NotHTMLError",
    "RobotsDisallowed",
    "ScraperError",
    "TooLargeError",
]


def _rebuild(cls: type[ScraperError], args: tuple[object, ...], state: dict[str, object]) -> ScraperError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class ScraperError(Exception):
    """Base of every error this package raises on purpose.

    Picklable with its attributes whatever a subclass's `__init__` takes, so an error raised in an
    extraction worker process arrives in the crawl as itself.
    """

    def __reduce__(self) -> tuple[object, ...]:
        return _rebuild, (type(self), self.args, dict(self.__dict__))


class ConfigError(ScraperError):
    """A config file is invalid; names the file, the key and the reason."""

    def __init__(self, path: str, key: str | None, reason: str) -> None:
        self.path = path
        self.key = key
        self.reason = reason
        where = f"{path}: {key}" if key else path
        super().__init__(f"{where}: {reason}")

    def __eq__(self, other: object) -> bool:
        """Equal when they say the same thing (so a list of them survives pickling as an equal list)."""
        return type(other) is type(self) and vars(other) == vars(self)

    def __hash__(self) -> int:
        return hash((self.path, self.key, self.reason))


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

    def __init__(self, url: str, reason: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        self.url = url
        self.reason = reason
        self.status = status
        self.retry_after = retry_after  # seconds the server asked us to wait (429 / 503)
        super().__init__(f"{url}: {reason}")


class BadStatusError(FetchError):
    """The server answered with an error status (4xx or 5xx)."""


class NotHTMLError(FetchError):
    """The response is not an HTML document."""


class TooLargeError(FetchError):
    """The (decompressed) body exceeds the configured cap."""


class RobotsDisallowed(FetchError):
    """robots.txt forbids fetching the URL for our user agent."""


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
