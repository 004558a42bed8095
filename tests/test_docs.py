"""The README is the manual: every command and option a user can type must be in it."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

import scraper
from scraper.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_and_is_in_the_readme(name: str) -> None:
    command = cli.commands[name]
    assert command.help and len(command.help) > 20
    assert re.search(rf"scraper {name}\b", README), f"`scraper {name}` is not documented in README.md"


@pytest.mark.parametrize(
    ("name", "option"),
    [
        (name, opt)
        for name in COMMANDS
        for param in cli.commands[name].params
        if isinstance(param, click.Option)
        for opt in param.opts
        if opt.startswith("--") and opt not in ("--help", "--json")
    ],
)
def test_every_option_is_in_the_readme(name: str, option: str) -> None:
    assert option in README, f"`scraper {name} {option}` is not documented in README.md"


def test_public_surface_is_small_and_complete() -> None:
    assert scraper.__all__ == sorted(scraper.__all__)
    assert set(scraper.__all__) == {
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
    }
    for name in scraper.__all__:
        assert getattr(scraper, name) is not None
    article = scraper.extract_article(
        "<html><body><h1>Title here</h1><p>" + "word " * 50 + "</p></body></html>", "https://news.example/a"
    )
    assert isinstance(article, scraper.Article)
