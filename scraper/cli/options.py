"""Options that several commands share, as decorators."""

from __future__ import annotations

from pathlib import Path

import click

from .exits import F


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default="archive.db",
        envvar="SCRAPER_DB",
        show_default=True,
        help="The archive file (env SCRAPER_DB).",
    )(func)


def config_option(func: F) -> F:
    return click.option(
        "--config",
        "config_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default="config",
        envvar="SCRAPER_CONFIG",
        show_default=True,
        help="The config folder: settings.toml and sites/*.toml (env SCRAPER_CONFIG).",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(func)
