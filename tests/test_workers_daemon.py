"""`scraper daemon --broker` end to end: real redis-server, real `scraper worker` processes, a real daemon.

Its rounds archive a synthetic site (dates relative to now) through the workers; Redis killed under
it makes rounds fail, logged, without ending the daemon, and once Redis is back the rounds are ok
again; SIGTERM ends it with 0 and a whole archive.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.brokered import REDIS, ROOT, RedisServer, Workers
from tests.faults import WHOLE, archive_problems
from tests.server import LocalServer
from tests.sitegen import SyntheticSite, mount
from tests.test_daemon import daemon_site, query, wait_for

pytestmark = pytest.mark.skipif(REDIS is None, reason="needs Debian's redis-server (apt-get install redis-server)")


def runs(db: Path) -> list[tuple[int, str, str | None]]:
    """(id, status, error) of every finished run, in order."""
    return query(db, "SELECT id, status, error FROM runs WHERE finished IS NOT NULL ORDER BY id")


def log_records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")]


@pytest.mark.slow
def test_daemon_with_broker_archives_through_workers_and_outlives_redis(
    tmp_path: Path, redis: RedisServer, server: LocalServer, config_dir: Path, db_path: Path
) -> None:
    site = SyntheticSite(n=12, per_page=6)
    mount(server, site)
    (config_dir / "settings.toml").write_text(
        "[crawl]\nmin_delay = 0.0\nper_host_concurrency = 4\n"
        f'[broker]\nurl = "{redis.url}"\nlease = 3.0\nheartbeat_timeout = 5.0\n'
    )
    daemon_site(config_dir, "synth", server, every="2s")
    workers = Workers(redis.url, config_dir, tmp_path)
    log_path = tmp_path / "daemon.log"
    cmd = [sys.executable, "-m", "scraper", "daemon", "--db", str(db_path), "--config", str(config_dir)]
    proc: subprocess.Popen[bytes] | None = None
    try:
        workers.start(2, threads=4)
        workers.wait_live(2)
        with log_path.open("ab") as log:
            proc = subprocess.Popen(
                [*cmd, "--log-format", "json", "--broker", redis.url], stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
            )
        wait_for(lambda: len(runs(db_path)) >= 1, timeout=60, what="the first round")
        assert query(db_path, "SELECT count(*) FROM articles") == [(12,)]
        assert query(db_path, "SELECT max(version_count) FROM articles") == [(1,)]

        site.edit(3)  # the site edits one story: a later round archives its new version
        wait_for(lambda: query(db_path, "SELECT count(*) FROM versions") == [(13,)], timeout=60, what="the edit")
        edited = query(db_path, "SELECT url FROM articles WHERE version_count = 2")
        assert [u for (u,) in edited] == [server.url(site.article_path(3))]
        assert {status for _, status, _ in runs(db_path)} == {"ok"}
        fetched_by_workers = query(db_path, "SELECT count(*) FROM fetches WHERE url LIKE '%.html'")[0][0]
        assert fetched_by_workers >= 12 + 12  # two rounds at least: each article re-checked (revisit 1s)

        redis.kill()  # the broker dies under the daemon: rounds fail, the daemon goes on
        wait_for(lambda: any(s == "failed" for _, s, _ in runs(db_path)), timeout=60, what="a failed round")
        failed = [(i, e) for i, s, e in runs(db_path) if s == "failed"]
        assert failed[0][1] is not None and failed[0][1].startswith(f"broker unreachable: {redis.url}: ")
        time.sleep(3)  # a round or two more, still failing, and still no crash
        assert proc.poll() is None, log_path.read_text()[-3000:]

        redis.start()  # back, empty: the workers reconnect, the next rounds are ok again
        last_failed = max(i for i, s, _ in runs(db_path) if s == "failed")
        wait_for(
            lambda: any(i > last_failed and s == "ok" for i, s, _ in runs(db_path)),
            timeout=90,
            what="an ok round after Redis came back",
        )
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=40) == 0
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        workers.stop_all()
    assert archive_problems(db_path) == WHOLE  # integrity ok, no duplicate versions, no partial rows
    assert query(db_path, "SELECT count(*) FROM versions") == [(13,)]
    text = log_path.read_text()
    assert "Traceback" not in text and "redis.exceptions" not in text, text[-3000:]
    records = log_records(log_path)
    failures = [r for r in records if str(r["message"]).startswith("site synth: round failed: broker unreachable")]
    assert failures, "a failed round is logged as one"
    errors = [r["message"] for r in records if r.get("level") in ("ERROR", "CRITICAL") and r not in failures]
    assert not errors, errors[:5]
    assert any("daemon stopped" in str(r["message"]) for r in records)
    statuses = [s for _, s, _ in runs(db_path)]
    said = [r for r in records if re.match(r"site synth: round (ok|failed|interrupted)", str(r["message"]))]
    assert len(said) == len(statuses), "one line per round, a failed one too"
    print(f"\ndaemon --broker: {len(statuses)} rounds: {statuses.count('ok')} ok, {statuses.count('failed')} failed")
