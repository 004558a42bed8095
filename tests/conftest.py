from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scraper.config import SETTINGS, Settings
from tests.brokered import RedisServer, redis_server
from tests.server import LocalServer
from tests.sitegen import ARTICLE_PATTERN, SELECTORS


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A fresh real HTTP server on 127.0.0.1 for each test."""
    srv = LocalServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A real redis-server of this test's own, on a free loopback port (tests/brokered.py)."""
    with redis_server(tmp_path / "redis") as server:
        yield server


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "archive.db"


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """An empty config folder (no sites): pages are extracted by presets and the generic path."""
    path = tmp_path / "config"
    (path / "sites").mkdir(parents=True)
    return path


# ------------------------------------------------------------------ helpers shared by the test files


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    """All rows of a query on the archive at `db` (waiting, like the archive, for a writer's lock).

    Opened read-write but never created: a missing file is an error here, not an empty archive.
    """
    with sqlite3.connect(f"file:{db}?mode=rw", uri=True, timeout=30) as conn:
        return conn.execute(sql).fetchall()


def settings(**overrides: Any) -> Settings:
    """The default settings with `overrides`, keys spelt with `__` for `.` (`crawl__min_delay=0.0`)."""
    values = {s.key: s.default for s in SETTINGS}
    values.update({k.replace("__", "."): v for k, v in overrides.items()})
    return Settings(values)


def local_settings(**overrides: Any) -> Settings:
    """Settings for a server on 127.0.0.1: no pacing delay and a short backoff, so tests run fast."""
    return settings(**{"crawl__min_delay": 0.0, "fetch__backoff": 0.05, **overrides})


def write_site_file(config_dir: Path, text: str, name: str = "site.toml") -> Path:
    path = config_dir / "sites" / name
    path.write_text(text, encoding="utf-8")
    return path


def write_site(config_dir: Path, server: LocalServer, name: str = "synth", **extra: str) -> Path:
    """A site file for the synthetic news site on `server`; `extra` are more keys, as TOML values."""
    selectors = "\n".join(f"{k} = '{v}'" for k, v in SELECTORS.items())
    more = "".join(f"{k} = {v}\n" for k, v in extra.items())
    return write_site_file(
        config_dir,
        f'name = "{name}"\nstart_urls = ["{server.url("/")}"]\nallowed_domains = ["127.0.0.1"]\n'
        f"article_pattern = '{ARTICLE_PATTERN}'\n{more}[selectors]\n{selectors}\n",
        f"{name}.toml",
    )
