"""The guard against calendar time bombs: the date-sensitive tests pass with the clock a year ahead.

Fixtures and synthetic sites date their pages from the clock of the run, so moving every clock
(libfaketime, `faketime -f +365d`) must change no result.  `.ci/run` installs Debian's faketime.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# the tests whose results hang on dates: revisit ages, publication dates, schedules, --since, history
DATED = [
    "tests/test_daemon.py",
    "tests/test_crawl.py",
    "tests/test_extract.py",
    "tests/test_extract_cases.py",
    "tests/test_extract_units.py",
    "tests/test_archive.py",
    "tests/test_export.py",
    "tests/test_cli.py",
    "tests/test_evidence.py",
    "tests/test_changes.py",
    "tests/test_cli_manners.py",
    "tests/test_migrate.py",
    "tests/test_hostile.py",
]

pytestmark = [
    pytest.mark.skipif(shutil.which("faketime") is None, reason="needs Debian's faketime"),
    pytest.mark.skipif("FAKETIME" in os.environ, reason="already running under faketime"),
]


def _ahead(*cmd: str, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run(
        ["faketime", "-f", "+365d", *cmd], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_the_dated_tests_pass_a_year_from_now() -> None:
    moved = _ahead(sys.executable, "-c", "import datetime; print(datetime.date.today())", timeout=30)
    assert date.fromisoformat(moved.stdout.strip()) >= date.today() + timedelta(days=364), moved.stderr
    run = _ahead(
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not browser", *DATED, timeout=900
    )
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-2000:]
    assert run.returncode == 0, run.stdout[-4000:]
    assert " passed" in summary and "failed" not in summary, summary
