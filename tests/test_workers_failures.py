"""`--broker` when things fail: Redis killed mid-round, and a host's failures and pauses held in Redis.

Real processes throughout: redis-server, `scraper worker`, and the coordinator (`scraper crawl`,
`scraper status`); what is asserted comes from the archive and from the HTTP servers' own logs.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.brokered import REDIS, ROOT, RedisServer, Workers
from tests.conftest import rows
from tests.faults import WHOLE, archive_problems
from tests.server import Route
from tests.test_workers import (
    article,
    assert_nothing_lost,
    crawl_cmd,
    crawling,
    serve_hosts,
    versions_so_far,
    write_config,
)

pytestmark = pytest.mark.skipif(REDIS is None, reason="needs Debian's redis-server (apt-get install redis-server)")

UNREACHABLE = r"Error: broker unreachable: redis://127\.0\.0\.1:\d+/0: connection (refused|closed by the server|reset)"


def one_error_line(stderr: str) -> str:
    """The one line the CLI says about a failure; no traceback, no raw Redis exception beside it."""
    assert "Traceback" not in stderr, stderr[-3000:]
    assert "redis.exceptions" not in stderr and "ConnectionError" not in stderr, stderr[-3000:]
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stderr[-3000:]
    return errors[0]


def crawl_under_way(workers: Workers, config_dir: Path, db: Path, url: str, *, versions: int) -> subprocess.Popen[str]:
    """Two workers up and a `crawl --broker` started, once `versions` versions are saved (or it ended)."""
    workers.start(2, threads=4)
    workers.wait_live(2)
    crawl = subprocess.Popen(
        crawl_cmd(config_dir, db, url), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and crawl.poll() is None and versions_so_far(db) < versions:
        time.sleep(0.2)
    return crawl


def crawl_again(workers: Workers, config_dir: Path, db: Path, url: str) -> subprocess.CompletedProcess[str]:
    """Once the two workers are live again, a second `crawl --broker`, which must end well."""
    workers.wait_live(2)
    second = subprocess.run(crawl_cmd(config_dir, db, url), capture_output=True, text=True, cwd=ROOT, timeout=240)
    assert second.returncode == 0, second.stdout + second.stderr[-3000:]
    return second


@pytest.mark.slow
def test_redis_killed_mid_round_fails_in_one_line_and_loses_nothing(tmp_path: Path, redis: RedisServer) -> None:
    n_hosts, per_host = 6, 20
    servers = serve_hosts(n_hosts, per_host, delay=0.05)
    config_dir = write_config(tmp_path / "config", servers, redis.url, min_delay=0.3)
    db = tmp_path / "archive.db"
    workers = Workers(redis.url, config_dir, tmp_path)
    try:
        first = crawl_under_way(workers, config_dir, db, redis.url, versions=10)
        assert first.poll() is None, "the round ended before Redis could be killed"
        redis.kill()
        killed = time.monotonic()
        _, stderr = first.communicate(timeout=90)
        print(f"\nthe coordinator exited {time.monotonic() - killed:.1f}s after Redis was killed")
        assert first.returncode == 1, stderr[-3000:]
        assert re.fullmatch(UNREACHABLE, one_error_line(stderr)), stderr[-3000:]

        # What was committed stays committed, and nothing claims more than was saved.
        assert archive_problems(db) == WHOLE
        saved = rows(db, "SELECT count(*) FROM versions")[0][0]
        assert 0 < saved < n_hosts * per_host
        assert rows(db, "SELECT count(*) FROM versions WHERE article_id NOT IN (SELECT id FROM articles)") == [(0,)]
        done_unsaved = rows(
            db,
            "SELECT count(*) FROM frontier WHERE kind = 'article' AND state = 'done'"
            " AND url NOT IN (SELECT url FROM versions)",
        )
        assert done_unsaved == [(0,)], "the frontier marks done an article whose version was not saved"
        assert rows(db, "SELECT status FROM runs") == [("failed",)]

        cmd = [sys.executable, "-m", "scraper", "status", "--db", str(db), "--config", str(config_dir)]
        status = subprocess.run(
            [*cmd, "--broker", redis.url],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
        assert status.returncode == 1, status.stdout + status.stderr
        assert re.fullmatch(UNREACHABLE, one_error_line(status.stderr)), status.stderr

        redis.start()  # an empty Redis on the same port: the workers reconnect by themselves
        second = crawl_again(workers, config_dir, db, redis.url)
    finally:
        workers.stop_all()
        for s in servers:
            s.stop()
    figures = assert_nothing_lost(db, n_hosts * per_host)
    assert archive_problems(db) == WHOLE
    unstarted = second.stderr.count("ended unstarted")  # a worker's stale connection dropped a message
    print(f"redis kill: {saved} versions before it; after a restart, {unstarted} message(s) re-sent; {figures}")


@pytest.mark.slow
def test_a_redis_that_stops_answering_fails_the_round_within_the_timeout(tmp_path: Path, redis: RedisServer) -> None:
    """No reset, no close: a frozen Redis (as behind a partition that drops packets) is given up on
    after `[broker] timeout` (not before: redis-py's own default is 5 s), in one line, with nothing
    lost; unfrozen, the workers carry on."""
    n_hosts, per_host = 4, 20
    servers = serve_hosts(n_hosts, per_host, delay=0.05)
    config_dir = write_config(tmp_path / "config", servers, redis.url, min_delay=0.3)
    settings = config_dir / "settings.toml"
    settings.write_text(settings.read_text().replace("[broker]\n", "[broker]\ntimeout = 12.0\n"))
    db = tmp_path / "archive.db"
    workers = Workers(redis.url, config_dir, tmp_path)
    timed_out = r"Error: broker unreachable: redis://127\.0\.0\.1:\d+/0: timed out"
    try:
        first = crawl_under_way(workers, config_dir, db, redis.url, versions=5)
        assert first.poll() is None, "the round ended before Redis could be frozen"
        redis.pause()
        frozen = time.monotonic()
        _, stderr = first.communicate(timeout=90)  # without a socket timeout this waits forever
        waited = time.monotonic() - frozen
        print(f"\nthe coordinator gave up {waited:.1f}s after Redis froze (timeout 12 s)")
        assert first.returncode == 1, stderr[-3000:]
        assert re.fullmatch(timed_out, one_error_line(stderr)), stderr[-3000:]
        # a command sent up to ~1 s before the freeze (the coordinator's BLPOP waits 1 s) times out
        # 12 s after it was sent; redis-py's own 5 s default would have given up within ~6.5 s
        assert 10.0 <= waited < 60, waited
        assert archive_problems(db) == WHOLE
        done_unsaved = rows(
            db,
            "SELECT count(*) FROM frontier WHERE kind = 'article' AND state = 'done'"
            " AND url NOT IN (SELECT url FROM versions)",
        )
        assert done_unsaved == [(0,)], "the frontier marks done an article whose version was not saved"

        cmd = [sys.executable, "-m", "scraper", "status", "--db", str(db), "--config", str(config_dir)]
        status = subprocess.run([*cmd, "--broker", redis.url], capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert status.returncode == 1, status.stdout + status.stderr
        assert re.fullmatch(timed_out, one_error_line(status.stderr)), status.stderr

        redis.resume()
        crawl_again(workers, config_dir, db, redis.url)
    finally:
        workers.stop_all()
        for s in servers:
            s.stop()
    assert_nothing_lost(db, n_hosts * per_host)
    assert archive_problems(db) == WHOLE


# ------------------------------------------------------------ a host's failures and pauses, held in Redis


@pytest.mark.slow
def test_a_retry_after_told_to_one_worker_holds_for_the_next(tmp_path: Path, redis: RedisServer) -> None:
    """Worker A draws a 429 Retry-After: 10 and is SIGKILLed a moment later; worker B, which gets the
    host once A's lease lapses (~5 s), must not ask it before the 10 s are up (from the server's log)."""
    import redis as redis_lib

    from scraper.urls import host_of

    retry_after, per_host = 10.0, 6
    (srv,) = serve_hosts(1, per_host)
    answered: list[float] = []  # when the 429 went out (the server's clock, as its log)

    def limited(req: BaseHTTPRequestHandler) -> None:
        body = article(0, 99)
        first = not answered
        req.send_response(429 if first else 200)
        req.send_header("Content-Type", "text/html; charset=utf-8")
        req.send_header("Content-Length", str(len(body)))
        if first:
            req.send_header("Retry-After", f"{retry_after:g}")
        req.end_headers()
        req.wfile.write(body)
        if first:
            answered.append(time.monotonic())

    for i in range(per_host):
        srv.routes[f"/a/{i}.html"] = Route(handler=limited)
    config_dir = write_config(tmp_path / "config", [srv], redis.url, min_delay=0.2)
    with (config_dir / "settings.toml").open("a") as f:  # no retry: A gives the URL up and goes on to the next
        f.write("[fetch]\nretries = 0\n")
    db = tmp_path / "archive.db"
    workers = Workers(redis.url, config_dir, tmp_path)
    client = redis_lib.Redis.from_url(redis.url)
    pace = f"newsarchive:pace:{host_of(srv.url('/'))}"
    try:
        workers.start(2, threads=2)
        workers.wait_live(2)
        log = (tmp_path / "coordinator.log").open("w")
        coord = subprocess.Popen(crawl_cmd(config_dir, db, redis.url), stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + 60
        while not answered and time.monotonic() < deadline:
            time.sleep(0.01)
        assert answered, "no article was asked for"
        # Held in Redis at once, while A's message runs: the failure count and the pause.
        while time.monotonic() < deadline and client.hget(pace, "failures") != b"1":
            time.sleep(0.01)
        state = client.hgetall(pace)
        assert state.get(b"failures") == b"1", state
        now_ms = int(client.time()[0]) * 1000
        assert int(state[b"pause"]) - now_ms >= (retry_after - 1.5) * 1000, state
        (a,) = [p for p in workers.procs if p.pid in crawling(redis.url)]
        workers.kill(a)
        killed = time.monotonic()
        assert coord.wait(120) == 0, (tmp_path / "coordinator.log").read_text()[-3000:]
    finally:
        client.close()
        workers.stop_all()
        srv.stop()
    coordinator_log = (tmp_path / "coordinator.log").read_text()
    assert "worker lost with" in coordinator_log, "A's lease did not lapse: B never got the host"
    after = sorted(s.at for s in srv.log if s.path.startswith("/a/") and s.at > answered[0])
    assert after and after[0] > killed  # asked again only by B, A being dead
    waited = after[0] - answered[0]
    print(f"\nRetry-After {retry_after:g}s to worker A; worker B asked the host again {waited:.2f}s after the 429")
    assert waited >= retry_after - 0.25  # Redis's clock and the server's agree to within a few ms
