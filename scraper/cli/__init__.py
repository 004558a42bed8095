"""The `scraper` command line: the only package that prints or exits.

commands   the click group and every command
options    the options several commands share (--db, --config, --json)
progress   the crawl's progress bar
exits      our errors to one line on stderr and an exit code (1 failed, 2 bad config or usage)
"""

from __future__ import annotations

from .commands import cli, main

__all__ = ["cli", "main"]
