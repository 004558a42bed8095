from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server import LocalServer


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A fresh real HTTP server on 127.0.0.1 for each test."""
    srv = LocalServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "archive.db"


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """An empty config folder (no sites): pages are extracted by presets and the generic path."""
    path = tmp_path / "config"
    (path / "sites").mkdir(parents=True)
    return path
