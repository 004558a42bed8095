"""CLI manners: help with examples, every config error at once, scheme hints, strict --site/--since,
read-only reads that never create an archive, a port checked before "serving", a progress bar that
fits 80 columns, one line for a non-WARC file, exports with the usual file mode."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scraper.cli import cli
from scraper.cli.progress import CrawlProgress
from scraper.crawl.writer import Event
from scraper.models import Outcome
from tests.browse_fixtures import BUDGET_URL, build_archive, serving

COMMANDS = sorted(cli.commands)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return build_archive(tmp_path / "news.db")


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_help_has_an_example(name: str) -> None:
    result = run(name, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output and f"scraper {name}" in result.output.split("Examples:")[1]


def test_top_level_summaries_are_whole() -> None:
    result = CliRunner().invoke(cli, ["--help"], terminal_width=80)
    listed = result.output.split("Commands:")[1]
    assert result.exit_code == 0 and "..." not in listed
    assert all(f"  {name} " in listed for name in COMMANDS)
    assert max(len(line) for line in result.output.splitlines()) <= 80


def test_check_reports_every_error_of_every_file(tmp_path: Path) -> None:
    config = tmp_path / "config"
    (config / "sites").mkdir(parents=True)
    (config / "sites" / "a.toml").write_text(
        'name = "A B"\nstart_urls = ["ftp://x/"]\nevery = "soon"\nremove = ["div >"]\ncolour = 1\n'
    )
    (config / "sites" / "b.toml").write_text(
        'name = "b"\nstart_urls = ["https://b.example/"]\nlang = 3\n'
        '[selectors]\ntitle = "h1[[["\ntitel = "h1"\n[selectors.comment]\ntext = "p >"\nauthr = ".by"\n'
    )
    (config / "settings.toml").write_text("[fetch]\nretries = 'x'\nmax_bytes = -1\n[crawl]\nconcurency = 4\n")
    result = run("check", "--config", str(config))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    keys = [
        *("fetch.retries", "fetch.max_bytes", "crawl.concurency", "colour", "name", "start_urls[0]", "every"),
        *("remove[0]", "lang", "selectors.title", "selectors.titel", "selectors.comment.text"),
        "selectors.comment.authr",
    ]
    assert len(lines) == len(keys), lines
    for key in keys:
        assert any(f": {key}: " in line for line in lines), key
    assert all(line.startswith("config error: ") for line in lines)
    assert any(": fetch.retries: must be an integer, not a string" in line for line in lines), lines
    hints = {"crawl.concurency": "'concurrency'", "selectors.titel": "'title'", "selectors.comment.authr": "'author'"}
    for key, hint in hints.items():
        assert any(f": {key}: unknown key (did you mean {hint}?" in line for line in lines), key


@pytest.mark.parametrize("args", [["status"], ["crawl"], ["reextract"], ["fetch", "http://127.0.0.1:9/a"]])
def test_a_named_config_folder_that_is_missing_is_a_config_error(archive: Path, args: list[str]) -> None:
    """A typo in --config read as a config without sites: status said every site had no site file."""
    result = run(*args, "--db", str(archive), "--config", str(archive.parent / "cofnig"))
    assert result.exit_code == 2, result.output
    assert result.output.strip().endswith("cofnig: no such config folder")


def test_status_names_the_config_folder_a_site_file_would_go_in(archive: Path, tmp_path: Path) -> None:
    from scraper.archive.runs import Run

    with Run(archive, ["old-site"], lease_ttl=60.0):
        pass  # a site crawled once, whose file is gone
    (tmp_path / "news-config" / "sites").mkdir(parents=True)
    result = run("status", "--db", str(archive), "--config", str(tmp_path / "news-config"))
    assert result.exit_code == 0, result.output
    assert f"no site file; add one in {tmp_path / 'news-config' / 'sites'}/ to schedule it" in result.output


def test_a_daemon_with_a_missing_named_config_folder_does_not_start(archive: Path) -> None:
    """A subprocess with a timeout: before, the daemon started, found no site and waited for ever."""
    cmd = [sys.executable, "-m", "scraper", "daemon", "--db", str(archive), "--config", str(archive.parent / "cofnig")]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and done.stderr.strip().endswith("cofnig: no such config folder"), done.stderr


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["crawl", "www.lemonde.fr"], "did you mean https://www.lemonde.fr?"),
        # an address in numbers or this machine's name: a test server, seldom https
        (["fetch", "127.0.0.1:8765/x"], "did you mean http://127.0.0.1:8765/x?"),
        (["fetch", "localhost:8000/x"], "did you mean http://localhost:8000/x?"),
        (["fetch", "www.lemonde.fr/politique/a.html"], "did you mean https://www.lemonde.fr/politique/a.html?"),
        (["extract", "example.com/post"], "did you mean https://example.com/post?"),
        (["history", "www.x.fr/a"], "did you mean https://www.x.fr/a?"),
        (["diff", "www.x.fr/a"], "did you mean https://www.x.fr/a?"),
        (["copies", "www.x.fr/a"], "did you mean https://www.x.fr/a?"),
    ],
)
def test_a_url_without_scheme_gets_a_hint(tmp_path: Path, args: list[str], hint: str) -> None:
    result = run(*args, "--db", str(tmp_path / "a.db")) if args[0] != "extract" else run(*args)
    assert result.exit_code == 2 and hint in result.output
    assert not (tmp_path / "a.db").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["changes", "--site", "nope"],
        ["export", "--site", "nope"],
        ["reextract", "--site", "nope"],
        ["changes", "--since", "2026-13-01"],
        ["export", "--since", "2026-13-01"],
        ["reextract", "--since", "yesterday-ish"],
    ],
)
def test_unknown_site_and_bad_since_are_usage_errors(archive: Path, args: list[str]) -> None:
    result = run(*args, "--db", str(archive))
    assert result.exit_code == 2, result.output
    assert "--site" in result.output or "--since" in result.output
    if "--site" in args:
        assert "news-example" in result.output  # the sites there are


@pytest.mark.parametrize(
    "args",
    [
        ["history", BUDGET_URL],
        ["diff", BUDGET_URL],
        ["copies", BUDGET_URL],
        ["export"],
        ["status"],
        ["changes"],
        ["serve", "--port", "0"],
    ],
)
def test_read_commands_never_create_an_archive(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "typo.db"
    result = run(*args, "--db", str(db))
    assert result.exit_code == 1 and "no archive here" in result.output
    assert list(tmp_path.iterdir()) == []


@contextlib.contextmanager
def read_only_copy(source: Path) -> Iterator[Path]:
    """A copy of `source` (WAL mode, without -wal/-shm files) in a folder nobody may write, the file read-only.

    Root ignores permission bits, so as root both are made immutable (`chattr +i`), which root obeys too.
    """
    folder = Path(tempfile.mkdtemp(prefix="ro-archive-"))
    db = folder / "news.db"
    shutil.copyfile(source, db)
    locked: list[Path] = []
    if os.geteuid() == 0:
        for path in (db, folder):
            if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
                pytest.skip("running as root where chattr +i is not possible")
            locked.append(path)
    else:
        db.chmod(0o444)
        folder.chmod(0o555)
    try:
        with pytest.raises(OSError):
            (folder / "probe").write_text("x")  # really read-only
        yield db
    finally:
        for path in locked:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        folder.chmod(0o755)
        shutil.rmtree(folder)


@pytest.fixture
def readonly_archive(archive: Path) -> Iterator[Path]:
    with read_only_copy(archive) as db:
        yield db


@pytest.mark.parametrize(
    "args",
    [["history", BUDGET_URL, "--json"], ["diff", BUDGET_URL], ["changes", "--since", "2024-01-01"], ["export"]],
)
def test_read_commands_work_on_a_read_only_archive(readonly_archive: Path, args: list[str]) -> None:
    db = readonly_archive
    assert db.read_bytes()[18:20] == b"\x02\x02"  # a WAL archive, as every crawl leaves it
    result = run(*args, "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "Council approves budget" in result.stdout or "news-example" in result.stdout
    assert sorted(p.name for p in db.parent.iterdir()) == ["news.db"]


def test_serve_checks_the_port_before_saying_it_serves(archive: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "--db", str(archive), "--port", str(port))
    assert result.exit_code == 2
    assert "serving" not in result.output and f"cannot listen on 127.0.0.1:{port}" in result.output


def test_progress_shows_done_and_queued_and_fits_80_columns(archive: Path) -> None:
    from rich.console import Console

    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=True, color_system=None)
    with CrawlProgress(True, archive, ["news-example"], console=console) as bar:
        for outcome in ["new"] * 120 + ["changed"] * 30 + ["not-modified"] * 700 + ["error"] * 5:
            bar.report(Event("news-example", "https://x/", Outcome(outcome), 200, 1000))
    last = [line for line in out.getvalue().replace("\r", "\n").splitlines() if "crawl" in line][-1]
    assert "855 done / 0 queued" in last and "…" not in last
    assert len(last.rstrip()) <= 80
    assert "120 new 30 chg 700 304 5 err" in last


def test_a_log_record_during_the_progress_bar_gets_a_line_of_its_own(archive: Path) -> None:
    """A warning logged while the bar is drawn is printed above it, not glued after its elapsed time."""
    import logging

    from rich.console import Console

    from scraper.logs import configure_logging

    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=True, color_system=None)
    configure_logging("INFO")
    try:
        with CrawlProgress(True, archive, ["news-example"], console=console) as bar:
            bar.report(Event("news-example", "https://x/", Outcome("new"), 200, 1000))
            logging.getLogger("scraper.crawl").warning("error http://x/about (HTTP 404)")
            bar.report(Event("news-example", "https://x/", Outcome("new"), 200, 1000))
    finally:
        logging.getLogger().handlers.clear()
    lines = out.getvalue().replace("\r", "\n").splitlines()
    said = [line for line in lines if "error http://x/about (HTTP 404)" in line]
    assert len(said) == 1, lines
    assert "WARNING scraper.crawl: error" in said[0] and "crawl " not in said[0].split("WARNING")[0]


def test_importing_an_html_file_is_one_line(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<!doctype html><html><body>" + "<p>words</p>" * 2000 + "</body></html>")
    result = run("import", str(page), "--db", str(tmp_path / "a.db"))
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "not a readable WARC/ARC file" in result.output
    assert not (tmp_path / "a.db").exists()  # the wrong file made no empty archive


def test_exports_get_the_usual_file_mode(archive: Path, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        for fmt, name in (("jsonl", "a.jsonl"), ("csv", "a.csv"), ("warc", "a.warc.gz")):
            out = tmp_path / name
            assert run("export", "--format", fmt, "--out", str(out), "--db", str(archive)).exit_code == 0
            assert stat.S_IMODE(out.stat().st_mode) == 0o644, fmt
    finally:
        os.umask(old)


def test_serve_works_on_a_read_only_archive(readonly_archive: Path, tmp_path: Path) -> None:
    """An archive on read-only media (a published copy, a mounted snapshot) is browsable as it is."""
    import httpx

    db = readonly_archive
    with serving(db, tmp_path / "serve.log") as (base, _):
        front = httpx.get(base + "/", timeout=10)
        assert front.status_code == 200 and "Council approves budget" in front.text
        table = httpx.get(base + "/news/latest_articles.json?_shape=array", timeout=10)
        budget = [row for row in table.json() if "budget" in row["title"].lower()]
        assert table.status_code == 200 and budget
        article = httpx.get(base + f"/-/article/{budget[0]['id']}", timeout=10, follow_redirects=True)
        assert article.status_code == 200 and "Council approves budget" in article.text
        search = httpx.get(base + "/-/search?q=tram", timeout=10, follow_redirects=True)
        assert search.status_code == 200 and "Council approves budget" in search.text
    assert sorted(p.name for p in db.parent.iterdir()) == ["news.db"]


def test_serve_refuses_an_old_schema_it_cannot_upgrade_in_one_line() -> None:
    old = Path(__file__).parent / "fixtures" / "archive-v1.db"
    with read_only_copy(old) as db:
        result = run("serve", "--db", str(db), "--port", "0")
        assert result.exit_code == 1
        assert (
            result.output.count("\n") == 1 and "has schema 1" in result.output and "cannot be written" in result.output
        )


@pytest.mark.parametrize(
    ("source", "says"),
    [
        ("nosuch.html", "nosuch.html does not exist"),
        ("/tmp/x/none.htm", "none.htm does not exist"),
        (".", "is a folder"),
    ],
)
def test_extract_of_a_missing_file_says_so(source: str, says: str) -> None:
    result = run("extract", source)
    assert result.exit_code == 2 and says in result.output and "http(s) URL" in result.output


def test_status_says_a_next_run_gone_by_is_due_now() -> None:
    """A daemon that is not running leaves "next run" in the past: that reads as due, not as a plan."""
    from datetime import UTC, datetime, timedelta

    from scraper.cli.commands import _next_run

    past = (datetime.now(UTC) - timedelta(minutes=7)).isoformat(timespec="seconds")
    future = (datetime.now(UTC) + timedelta(hours=2)).isoformat(timespec="seconds")
    assert _next_run(past).startswith(f"due now (since {past}")
    assert _next_run(future) == future
    assert _next_run(None) == "when the daemon starts"
