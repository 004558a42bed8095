"""The long form of the reliability suite: a large crawl under random faults, and many SIGKILLs.

    python benchmarks/faults.py [--articles 400] [--rate 0.2] [--kills 30]

Part 1 crawls a local synthetic site where `rate` of all requests fail with a random transient
fault (5xx, 429 with both Retry-After forms, connection reset mid-body, truncated body), round
after round until every article is archived, and checks that every fetched URL ended archived or
logged with its reason.  Part 2 starts the same crawl on a fresh archive and kills it with SIGKILL
at random moments, checking after each kill that the archive passes `PRAGMA integrity_check`, has
no duplicate versions and no partial rows, then lets one run finish and checks nothing is missing.
Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scraper.config import load_config
from scraper.crawl.round import crawl
from tests.faults import CRAWL_CHILD, Flaky, archive_problems
from tests.server import LocalServer
from tests.sitegen import ARTICLE_PATTERN, SELECTORS, SyntheticSite, mount

ERRORS = "SELECT count(*) FROM fetches WHERE outcome = 'error'"


def one(db: Path, sql: str) -> int:
    with sqlite3.connect(db, timeout=60) as conn:
        return conn.execute(sql).fetchone()[0]


def make_config(root: Path, server: LocalServer, settings: str) -> Path:
    config = root / "config"
    (config / "sites").mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text(settings)
    selectors = "\n".join(f"{k} = '{v}'" for k, v in SELECTORS.items())
    (config / "sites" / "synth.toml").write_text(
        f'name = "synth"\nstart_urls = ["{server.url("/")}"]\nallowed_domains = ["127.0.0.1"]\nallow_private = true\n'
        f"article_pattern = '{ARTICLE_PATTERN}'\n[selectors]\n{selectors}\n"
    )
    return config


def fault_rounds(n: int, rate: float, root: Path) -> None:
    site = SyntheticSite(n=n, per_page=25)
    server = LocalServer().start()
    flaky = Flaky(site, server, rate)
    config_dir = make_config(
        root / "faults",
        server,
        "[fetch]\nretries = 1\nbackoff = 0.05\nmax_retry_after = 2\nread_timeout = 3\ntotal_timeout = 6\n"
        "[crawl]\nmin_delay = 0.0\nper_host_concurrency = 8\nretry_failed = 0.0\nhost_failures = 100000\n",
    )
    db = root / "faults.db"
    config = load_config(config_dir)
    rounds, started = 0, time.monotonic()
    while rounds < 20:
        rounds += 1
        asyncio.run(asyncio.wait_for(crawl(config, config.sites, db), timeout=600))
        if one(db, "SELECT count(*) FROM articles WHERE version_count > 0") >= n:
            break
    server.stop()
    unaccounted = one(
        db,
        "SELECT count(DISTINCT url) FROM fetches f WHERE outcome = 'error' AND (error IS NULL OR error = '')",
    )
    print(
        "| articles | fault rate | faults injected | kinds | rounds to complete | archived | errors logged |"
        " errors without reason | versions | integrity | wall |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {n} | {rate:.0%} | {sum(flaky.injected.values())} | {len(flaky.injected)} | {rounds} |"
        f" {one(db, 'SELECT count(*) FROM articles WHERE version_count > 0')} |"
        f" {one(db, ERRORS)} | {unaccounted} |"
        f" {one(db, 'SELECT count(*) FROM versions')} | {one(db, 'PRAGMA integrity_check')} |"
        f" {time.monotonic() - started:.0f} s |"
    )
    print("faults by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(flaky.injected.items())))


def kill_loop(n: int, kills: int, root: Path) -> None:
    site = SyntheticSite(n=n, per_page=25)
    server = LocalServer().start()
    mount(server, site, delay=0.01)
    config_dir = make_config(root / "kills", server, "[crawl]\nmin_delay = 0.0\nper_host_concurrency = 8\n")
    db = root / "kills.db"
    rng = random.Random(5)
    done_kills = bad = 0
    for _ in range(kills):
        proc = subprocess.Popen([sys.executable, "-c", CRAWL_CHILD, str(config_dir), str(db)])
        time.sleep(rng.uniform(0.3, 3.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            done_kills += 1
        proc.wait()
        if db.exists():
            problems = archive_problems(db)
            bad += (problems["integrity"] != "ok") + problems["duplicate_versions"] + problems["partial_rows"]
    subprocess.run([sys.executable, "-c", CRAWL_CHILD, str(config_dir), str(db)], check=True, timeout=900)
    missing = n - one(db, "SELECT count(*) FROM articles WHERE version_count = 1")
    server.stop()
    print()
    print("| SIGKILLs | archives checked | integrity failures, duplicate or partial rows | missing after restart |")
    print("|---|---|---|---|")
    print(f"| {done_kills} | {kills} | {bad} | {missing} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--rate", type=float, default=0.2)
    parser.add_argument("--kills", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fault_rounds(args.articles, args.rate, Path(tmp))
        kill_loop(args.articles, args.kills, Path(tmp))
    print(f"\npeak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
