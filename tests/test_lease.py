"""One crawler per site and archive: two `scraper crawl`s of one site never double its request rate."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.archive.runs import Run
from scraper.archive.store import Archive
from scraper.cli import cli
from scraper.crawl.lease import HOST, acquire, new_token
from scraper.errors import SiteBusy
from tests.conftest import rows, write_site
from tests.server import LocalServer
from tests.sitegen import SyntheticSite, mount

DELAY = 0.2  # crawl.min_delay of the tests' site: the pace two crawls must not double


@pytest.fixture
def paced_config(config_dir: Path, server: LocalServer) -> Path:
    (config_dir / "settings.toml").write_text(
        f"[crawl]\nmin_delay = {DELAY}\nper_host_concurrency = 2\nlease_ttl = 30.0\n", encoding="utf-8"
    )
    write_site(config_dir, server, "synth", allow_private="true")
    return config_dir


def crawl_process(db: Path, config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "scraper", "crawl", "synth", "--no-progress", "--db", str(db), "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_two_concurrent_crawls_keep_the_pace(server: LocalServer, db_path: Path, paced_config: Path) -> None:
    gen = SyntheticSite(n=14, per_page=7)
    mount(server, gen)
    Archive(db_path).close()  # the schema exists before the two race for the lease
    first, second = crawl_process(db_path, paced_config), crawl_process(db_path, paced_config)
    outputs = [p.communicate(timeout=180)[0] for p in (first, second)]
    codes = sorted(p.returncode for p in (first, second))
    assert codes == [0, 1], outputs
    refused = next(out for p, out in zip((first, second), outputs, strict=True) if p.returncode == 1)
    winner = next(p for p in (first, second) if p.returncode == 0)
    assert f"by pid {winner.pid} on {HOST} since " in refused, refused
    per_url: dict[str, int] = {}
    for seen in server.log:
        per_url[seen.path] = per_url.get(seen.path, 0) + 1
    assert max(per_url.values()) == 1, {p: n for p, n in per_url.items() if n > 1}  # no URL fetched twice
    at = sorted(s.at for s in server.log)
    print(
        f"requests {len(at)}, URLs {len(per_url)}, max per URL {max(per_url.values())},"
        f" mean gap {(at[-1] - at[0]) / (len(at) - 1):.3f}s, exits {codes}"
    )
    # two requests may start together (per_host_concurrency 2), never three within one delay
    assert all(c - a >= DELAY * 0.95 for a, c in zip(at, at[2:], strict=False))
    assert (at[-1] - at[0]) / (len(at) - 1) >= DELAY * 0.85
    assert rows(db_path, "SELECT count(*) FROM runs") == [(1,)]  # the refused crawl recorded no run
    assert rows(db_path, "SELECT count(*) FROM leases") == [(0,)]  # given back at the end


def test_a_killed_crawls_lease_is_free_again(server: LocalServer, db_path: Path, paced_config: Path) -> None:
    mount(server, SyntheticSite(n=30), delay=0.2)
    Archive(db_path).close()
    proc = crawl_process(db_path, paced_config)
    deadline = time.monotonic() + 60
    while not rows(db_path, "SELECT pid FROM leases") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert rows(db_path, "SELECT pid, host FROM leases") == [(proc.pid, HOST)]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # the holder is gone from this host: its lease is free before it expires
    with Run(db_path, ["synth"]) as run:
        assert run.sites == ["synth"] and run.busy == {}


def test_a_lease_from_another_host_holds_until_it_expires(db_path: Path) -> None:
    with Archive(db_path) as archive:
        archive.conn.execute(
            "INSERT INTO leases VALUES ('synth', 'theirs', 4242, 'crawler-2', '2026-01-01T00:00:00+00:00', ?, ?)",
            (time.time(), time.time() + 3600),
        )
        held = acquire(archive, "synth", new_token(), 30.0)
        assert held is not None and held.pid == 4242 and held.host == "crawler-2"
        with pytest.raises(SiteBusy, match="pid 4242 on crawler-2 since 2026-01-01"):
            Run(db_path, ["synth"]).__enter__()
        archive.conn.execute("UPDATE leases SET expires = ?", (time.time() - 1,))
        assert acquire(archive, "synth", new_token(), 30.0) is None  # expired: taken over


def test_crawl_of_a_busy_site_refuses_in_one_line(db_path: Path, paced_config: Path) -> None:
    with Archive(db_path) as archive:
        archive.conn.execute(
            "INSERT INTO leases VALUES ('synth', 'theirs', 4242, 'crawler-2', '2026-01-01T00:00:00+00:00', ?, ?)",
            (time.time(), time.time() + 3600),
        )
    result = CliRunner().invoke(cli, ["crawl", "synth", "--db", str(db_path), "--config", str(paced_config)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "being crawled on this archive by pid 4242" in result.output


def test_pace_helper_would_catch_a_doubled_rate() -> None:
    """The pace check above fails on what two uncoordinated crawls do: interleaved starts."""
    one = [i * DELAY for i in range(10)]
    two = sorted(one + [t + DELAY / 10 for t in one])
    assert min(b - a for a, b in pairwise(one)) >= DELAY * 0.95
    assert (two[-1] - two[0]) / (len(two) - 1) < DELAY * 0.85
