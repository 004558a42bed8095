"""newsarchive: a news scraper and archiver.

The public surface is small: `extract_article` (pure extraction), the records it returns, and the
error tree.  Everything else is reached through the `scraper` command.
"""

from __future__ import annotations

import logging

from .errors import ArchiveError, ConfigError, ExtractError, FetchError, ScraperError
from .models import Article, Comment, Page

__version__ = "0.1.0"

__all__ = [
    "ArchiveError",
    "Article",
    "Comment",
    "ConfigError",
    "ExtractError",
    "FetchError",
    "Page",
    "ScraperError",
    "__version__",
    "extract_article",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str) -> object:
    # Lazy, so that `import scraper` does not pay for the extractor's tables.
    if name == "extract_article":
        from .extract import extract_article

        return extract_article
    raise AttributeError(name)
