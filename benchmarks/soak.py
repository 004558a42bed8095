"""Soak benchmark: the daemon against a local news site for many rounds, with edits in between.

    python benchmarks/soak.py [--rounds 50] [--articles 300]

Prints the daemon's peak RSS (VmHWM) after 5 rounds and after the last, their ratio (target
<= 1.1), the versions added, and how long SIGTERM took.  Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.server import LocalServer
from tests.sitegen import ARTICLE_PATTERN, SELECTORS, SyntheticSite, mount


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def finished_rounds(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=30) as conn:
            return conn.execute("SELECT count(*) FROM runs WHERE finished IS NOT NULL").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--edits", type=int, default=5, help="articles edited between rounds")
    args = parser.parse_args()

    site = SyntheticSite(n=args.articles, per_page=25)
    server = LocalServer().start()
    mount(server, site)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "config" / "sites").mkdir(parents=True)
        (root / "config" / "settings.toml").write_text("[crawl]\nmin_delay = 0.0\nper_host_concurrency = 8\n")
        selectors = "\n".join(f"{k} = '{v}'" for k, v in SELECTORS.items())
        (root / "config" / "sites" / "soak.toml").write_text(
            f'name = "soak"\nstart_urls = ["{server.url("/")}"]\nallowed_domains = ["127.0.0.1"]\n'
            f"allow_private = true\narticle_pattern = '{ARTICLE_PATTERN}'\nevery = \"1s\"\n"
            f'revisit = "1s for 3650d"\n[selectors]\n{selectors}\n'
        )
        db = root / "archive.db"
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scraper",
                "daemon",
                "--db",
                str(db),
                "--config",
                str(root / "config"),
                "--log-level",
                "WARNING",
            ],
        )
        rng = random.Random(7)
        marks: dict[int, float] = {}
        seen = 0
        started = time.monotonic()
        try:
            while seen < args.rounds:
                now = finished_rounds(db)
                if now > seen:
                    seen = now
                    for _ in range(args.edits):
                        site.edit(rng.randrange(args.articles))
                    if seen in (5, args.rounds):
                        marks[seen] = peak_rss_mb(proc.pid)
                    print(f"round {seen}: peak RSS {peak_rss_mb(proc.pid):.1f} MB", file=sys.stderr)
                if proc.poll() is not None:
                    raise SystemExit(f"daemon exited early with {proc.returncode}")
                time.sleep(0.2)
            stop = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=60)
            shutdown = time.monotonic() - stop
        finally:
            if proc.poll() is None:
                proc.kill()
            server.stop()
        with sqlite3.connect(db) as conn:
            versions = conn.execute("SELECT count(*) FROM versions").fetchone()[0]
            articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    first, last = marks.get(5, float("nan")), marks.get(args.rounds, float("nan"))
    last_col = f"peak RSS @{args.rounds}"
    print(f"| rounds | articles | versions | peak RSS @5 | {last_col} | ratio | SIGTERM exit | integrity |")
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| {args.rounds} | {articles} | {versions} | {first:.1f} MB | {last:.1f} MB | {last / first:.3f} |"
        f" {shutdown:.2f} s (code {code}) | {integrity} |"
    )
    print(f"wall time {time.monotonic() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
