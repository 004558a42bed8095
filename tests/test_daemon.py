"""`scraper daemon` as a real subprocess against a local synthetic news site."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import write_site
from tests.faults import WHOLE, archive_problems
from tests.server import LocalServer, Route
from tests.sitegen import SyntheticSite, mount


def daemon_site(config_dir: Path, name: str, server: LocalServer, every: str = "2s") -> None:
    write_site(config_dir, server, name, allow_private="true", every=f'"{every}"', revisit='"1s for 30d"')


@pytest.fixture
def daemon_config(config_dir: Path) -> Path:
    (config_dir / "settings.toml").write_text("[crawl]\nmin_delay = 0.0\nper_host_concurrency = 4\n")
    return config_dir


@pytest.fixture
def start_daemon(db_path: Path, tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    procs: list[subprocess.Popen[str]] = []

    def start(config_dir: Path, *extra: str) -> subprocess.Popen[str]:
        log = (tmp_path / "daemon.log").open("a")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scraper",
                "daemon",
                "--db",
                str(db_path),
                "--config",
                str(config_dir),
                "--log-format",
                "json",
                *extra,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def query(db: Path, sql: str) -> list[tuple]:
    if not db.exists():
        return []
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:  # schema not created yet
        return []
    finally:
        conn.close()


def wait_for(check: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def finished_runs(db: Path, site: str) -> int:
    return (
        query(db, f"SELECT count(*) FROM runs WHERE site='{site}' AND finished IS NOT NULL")[0][0]
        if query(db, "SELECT 1 FROM runs LIMIT 1")
        else 0
    )


def test_rounds_archive_new_articles_and_new_versions(
    server: LocalServer,
    db_path: Path,
    daemon_config: Path,
    start_daemon: Callable[..., subprocess.Popen[str]],
    tmp_path: Path,
) -> None:
    site = SyntheticSite(n=12, per_page=6)
    mount(server, site)
    daemon_site(daemon_config, "synth", server)
    proc = start_daemon(daemon_config)
    wait_for(lambda: finished_runs(db_path, "synth") >= 1, what="the first round")
    assert query(db_path, "SELECT count(*) FROM articles") == [(12,)]
    assert query(db_path, "SELECT max(version_count) FROM articles") == [(1,)]

    site.edit(3)  # the site edits one story between rounds
    done = finished_runs(db_path, "synth")
    wait_for(lambda: finished_runs(db_path, "synth") >= done + 2, what="two more rounds")
    assert query(db_path, "SELECT count(*) FROM versions") == [(13,)]
    edited = query(db_path, "SELECT url FROM articles WHERE version_count = 2")
    assert [u for (u,) in edited] == [server.url(site.article_path(3))]

    status = subprocess.run(
        [sys.executable, "-m", "scraper", "status", "--json", "--db", str(db_path), "--config", str(daemon_config)],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(status.stdout)
    synth = report["sites"]["synth"]
    # every 2 s, a new round may already be under way on a loaded machine: the finished ones were ok
    assert synth["configured"] and synth["last_run"]["status"] in ("ok", "running") and synth["next_run"]
    assert query(db_path, "SELECT DISTINCT status FROM runs WHERE finished IS NOT NULL") == [("ok",)]
    assert report["archive"]["articles"] == 12 and report["archive"]["versions"] == 13

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=40) == 0
    logs = [json.loads(line) for line in (tmp_path / "daemon.log").read_text().splitlines() if line.startswith("{")]
    assert any(r["message"].startswith("site synth: round ok") for r in logs)
    assert any("daemon stopped" in r["message"] for r in logs)


def test_rounds_ask_for_robots_txt_once_per_refresh_not_once_per_round(
    server: LocalServer, db_path: Path, daemon_config: Path, start_daemon: Callable[..., subprocess.Popen[str]]
) -> None:
    """`crawl.robots_refresh` (a day by default) holds across the daemon's rounds, as the README says."""
    site = SyntheticSite(n=6, per_page=6)
    mount(server, site)
    daemon_site(daemon_config, "synth", server, every="1s")
    proc = start_daemon(daemon_config)
    wait_for(lambda: finished_runs(db_path, "synth") >= 3, what="three rounds")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=40) == 0
    assert finished_runs(db_path, "synth") >= 3
    assert len(server.hits("/robots.txt")) == 1, [s.path for s in server.log if s.path == "/robots.txt"]


def test_sigterm_mid_round_exits_cleanly_within_the_bound(
    server: LocalServer, db_path: Path, daemon_config: Path, start_daemon: Callable[..., subprocess.Popen[str]]
) -> None:
    site = SyntheticSite(n=60, per_page=10)
    mount(server, site, delay=0.2)  # a slow site: a round takes many seconds
    daemon_site(daemon_config, "slow", server, every="1h")
    proc = start_daemon(daemon_config, "--shutdown-timeout", "3")
    wait_for(
        lambda: bool(
            query(db_path, "SELECT count(*) FROM articles WHERE version_count > 0")[0][0]
            if query(db_path, "SELECT 1 FROM articles LIMIT 1")
            else False
        ),
        what="first articles",
    )
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    took = time.monotonic() - started
    print(f"article archived {took:.1f}s after the daemon started")
    assert took < 3 + 7, f"shutdown took {took:.1f}s"  # the 3 s timeout, plus start-up slack on a loaded box
    assert archive_problems(db_path) == WHOLE  # whole, no duplicate versions, no partial rows
    assert query(db_path, "SELECT status FROM runs WHERE site='slow'") == [("interrupted",)]
    archived = query(db_path, "SELECT count(*) FROM articles")[0][0]
    assert 0 < archived < 60


def test_a_round_cut_short_by_the_shutdown_timeout_is_one_line_not_a_traceback(
    server: LocalServer,
    db_path: Path,
    daemon_config: Path,
    start_daemon: Callable[..., subprocess.Popen[str]],
    tmp_path: Path,
) -> None:
    site = SyntheticSite(n=20, per_page=10)
    mount(server, site, delay=6.0)  # every response hangs past the 1 s grace period
    daemon_site(daemon_config, "slow", server, every="1h")
    proc = start_daemon(daemon_config, "--shutdown-timeout", "1")
    wait_for(lambda: bool(query(db_path, "SELECT 1 FROM runs WHERE site='slow'")), what="the round to start")
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0
    log = (tmp_path / "daemon.log").read_text()
    assert "Traceback" not in log and "CancelledError" not in log, log
    said = [json.loads(line) for line in log.splitlines() if "shutdown timeout" in line]
    assert [r["level"] for r in said] == ["WARNING"], log
    assert "site slow: round interrupted: in-flight pages did not finish within the 1s" in said[0]["message"]
    assert query(db_path, "SELECT status FROM runs WHERE site='slow'") == [("interrupted",)]


def test_second_signal_exits_at_once_and_the_archive_stays_whole(
    server: LocalServer, db_path: Path, daemon_config: Path, start_daemon: Callable[..., subprocess.Popen[str]]
) -> None:
    site = SyntheticSite(n=60, per_page=10)
    mount(server, site, delay=4.0)  # every response hangs for seconds: in-flight work cannot finish
    daemon_site(daemon_config, "slow", server, every="1h")
    proc = start_daemon(daemon_config, "--shutdown-timeout", "30")
    wait_for(lambda: bool(query(db_path, "SELECT 1 FROM runs WHERE site='slow'")), what="the round to start")
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    assert proc.poll() is None  # still waiting for its in-flight requests
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=10) == 130
    assert time.monotonic() - started < 8  # not the 30 s the first signal would wait
    assert archive_problems(db_path) == WHOLE  # whole, no duplicate versions, no partial rows


def test_sighup_picks_up_a_new_site_and_keeps_old_config_on_error(
    server: LocalServer,
    db_path: Path,
    daemon_config: Path,
    start_daemon: Callable[..., subprocess.Popen[str]],
    tmp_path: Path,
) -> None:
    first = SyntheticSite(n=4, per_page=4)
    mount(server, first)
    daemon_site(daemon_config, "first", server, every="1h")
    proc = start_daemon(daemon_config)
    wait_for(lambda: finished_runs(db_path, "first") >= 1, what="the first site's round")

    second_server = LocalServer().start()
    try:
        mount(second_server, SyntheticSite(n=5, per_page=5, seed=7))
        (daemon_config / "sites" / "broken.toml").write_text('name = "broken"\nstart_urls = 42\n')
        proc.send_signal(signal.SIGHUP)
        time.sleep(1.0)
        assert proc.poll() is None  # a bad config on reload is reported, not fatal
        (daemon_config / "sites" / "broken.toml").unlink()
        daemon_site(daemon_config, "second", second_server, every="1h")
        proc.send_signal(signal.SIGHUP)
        wait_for(lambda: finished_runs(db_path, "second") >= 1, what="the new site's round")
        assert query(db_path, "SELECT site, count(*) FROM articles GROUP BY site ORDER BY site") == [
            ("first", 4),
            ("second", 5),
        ]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=40)
        second_server.stop()
    log = (tmp_path / "daemon.log").read_text()
    assert "reload refused, keeping the running config" in log and "start_urls" in log


def test_restart_does_not_rerun_a_site_that_just_ran(
    server: LocalServer,
    db_path: Path,
    daemon_config: Path,
    start_daemon: Callable[..., subprocess.Popen[str]],
    tmp_path: Path,
) -> None:
    mount(server, SyntheticSite(n=3, per_page=3))
    daemon_site(daemon_config, "hourly", server, every="1h")
    proc = start_daemon(daemon_config)
    wait_for(lambda: finished_runs(db_path, "hourly") >= 1, what="the first round")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=40) == 0
    (started,) = query(db_path, "SELECT started FROM runs WHERE site='hourly'")[0]
    again = start_daemon(daemon_config)
    scheduled = "scheduled hourly, first run at "

    def second_schedule() -> str | None:
        lines = [ln for ln in (tmp_path / "daemon.log").read_text().splitlines() if scheduled in ln]
        return lines[1].split(scheduled)[1][:25] if len(lines) >= 2 else None

    wait_for(lambda: second_schedule() is not None, what="the restarted daemon's schedule")
    first_run = datetime.fromisoformat(second_schedule() or "")
    # the next run is an hour after the last one started, not now: the restart did not rerun the site
    assert first_run - datetime.fromisoformat(started) >= timedelta(minutes=59)
    assert query(db_path, "SELECT count(*) FROM runs WHERE site='hourly'") == [(1,)]
    again.send_signal(signal.SIGTERM)
    assert again.wait(timeout=40) == 0
    assert os.path.exists(db_path)


def test_a_one_off_crawl_is_a_run_in_status(server: LocalServer, db_path: Path, daemon_config: Path) -> None:
    from click.testing import CliRunner

    from scraper.cli import cli

    mount(server, SyntheticSite(n=4, per_page=4))
    daemon_site(daemon_config, "once", server, every="6h")
    args = ["--db", str(db_path), "--config", str(daemon_config)]
    crawled = CliRunner().invoke(cli, ["crawl", "once", "--no-progress", *args])
    assert crawled.exit_code == 0, crawled.output
    result = CliRunner().invoke(cli, ["status", *args])
    assert result.exit_code == 0
    assert "once" in result.output and "(ok): " in result.output and "new 4" in result.output
    report = json.loads(CliRunner().invoke(cli, ["status", "--json", *args]).stdout)
    last = report["sites"]["once"]["last_run"]
    assert last["new"] == 4 and last["status"] == "ok"
    assert report["sites"]["once"]["next_run"] > last["started"]
    revisits = report["sites"]["once"]["revisits"]  # the default schedule: next check 15 minutes on
    assert revisits["watched"] == 4 and revisits["due"] == 0 and revisits["next"] > last["started"]
    assert "revisits: 4 articles watched, 0 due now, next at " in result.output


def test_a_start_url_that_is_an_article_is_archived_by_the_first_round(
    server: LocalServer,
    db_path: Path,
    daemon_config: Path,
    start_daemon: Callable[..., subprocess.Popen[str]],
) -> None:
    from tests.conftest import write_site_file

    server.routes["/"] = Route(
        b"<!doctype html><html lang=fr><head><title>Le blog</title></head><body><header><a href=/>Le blog</a>"
        b"</header><main><h1>Derniers billets</h1><p>Bienvenue.</p></main></body></html>"
    )
    article = server.page("/wix-post.html", "wix-blog-post-fr.html")
    write_site_file(
        daemon_config,
        f'name = "wix"\nstart_urls = ["{server.url("/")}", "{article}"]\nallow_private = true\nevery = "1h"\n',
        "wix.toml",
    )
    started = time.monotonic()
    start_daemon(daemon_config)
    wait_for(lambda: bool(query(db_path, "SELECT 1 FROM articles")), timeout=30, what="the article")
    took = time.monotonic() - started
    print(f"article archived {took:.1f}s after the daemon started")
    assert query(db_path, "SELECT url, title IS NOT NULL FROM articles") == [(article, 1)], took
    assert query(db_path, "SELECT kind FROM frontier WHERE url = '" + article + "'") == [("article",)]


def test_a_dead_site_is_a_warning_in_the_daemon_log(
    db_path: Path,
    daemon_config: Path,
    start_daemon: Callable[..., subprocess.Popen[str]],
    tmp_path: Path,
) -> None:
    import socket

    from tests.conftest import write_site_file

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    write_site_file(
        daemon_config,
        f'name = "dead"\nstart_urls = ["http://127.0.0.1:{port}/"]\nallow_private = true\nevery = "1h"\n',
        "dead.toml",
    )
    proc = start_daemon(daemon_config)
    wait_for(lambda: finished_runs(db_path, "dead") >= 1, what="the first round")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=40) == 0
    logs = [json.loads(line) for line in (tmp_path / "daemon.log").read_text().splitlines() if line.startswith("{")]
    failed = [r for r in logs if r["message"].startswith("site dead: round failed")]
    assert failed and failed[0]["level"] == "WARNING", logs
    assert "site unreachable: robots.txt unreachable: connection refused" in failed[0]["message"]
    assert not any(r["message"].startswith("site dead: round ok") for r in logs)
    assert query(db_path, "SELECT status FROM runs WHERE site = 'dead'") == [("failed",)]


def test_a_daemon_with_no_site_says_so_and_stops_cleanly(
    daemon_config: Path, start_daemon: Callable[..., subprocess.Popen[str]], tmp_path: Path
) -> None:
    proc = start_daemon(daemon_config)
    log = tmp_path / "daemon.log"
    wait_for(lambda: "no sites configured" in log.read_text(), what="the warning about an idle daemon")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=40) == 0
    [warning] = [json.loads(line) for line in log.read_text().splitlines() if "no sites configured" in line]
    assert warning["level"] == "WARNING" and "SIGHUP" in warning["message"]
