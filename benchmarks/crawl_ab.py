"""Before/after in one run: our crawler from two source trees, crawls alternating (ABBA) on one site server.

    git worktree add /tmp/before main       # or: mkdir /tmp/before && git archive main | tar -x -C /tmp/before
    python benchmarks/crawl_ab.py /tmp/before [--articles 2000] [--rounds 4] [--hosts]

On a shared machine the load drifts by more than a change is worth, so the crawls of the two trees
alternate (A B B A ...) and each table row is one crawl, as `crawl.py` prints it.  Each crawl is the
tree's own `benchmarks/crawl.py _ours` child, run from a neutral directory with PYTHONPATH set to the
tree: the extraction workers' forkserver puts its working directory first on `sys.path`, so started
from a checkout it would import that checkout, whatever the crawl itself imported.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import crawl as bench

HERE = Path(__file__).resolve().parent.parent


def run_tree(tree: Path, server: bench.SiteServer, work: Path, concurrency: int, per_host: int) -> dict[str, Any]:
    config, db, roles = work / "config", work / "archive.db", work / "roles.json"
    bench.write_config(config, server.urls, concurrency, per_host)
    server.stats(reset=True)
    cmd = [bench.PY, str(tree / "benchmarks" / "crawl.py"), "_ours", str(config), str(db), str(roles), "0"]
    m = bench.measure(cmd, env={**os.environ, "PYTHONPATH": str(tree)}, cwd=str(work))
    m["articles"] = bench._article_fetches(db)
    m["roles"] = json.loads(roles.read_text())
    return bench._server_side(server, m)


def summary(name: str, ms: list[dict[str, Any]]) -> str:
    """One row: the means over a tree's crawls."""

    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    roles = [mean([m["roles"][key] * 1000 / m["articles"] for m in ms]) for key in bench.ROLES]
    cpu = mean([m["cpu"] * 1000 / m["articles"] for m in ms])
    return (
        f"| {name} (mean of {len(ms)}) | {mean([bench.rate(m) for m in ms]):.1f} | {cpu:.2f} | "
        + " | ".join(f"{r:.2f}" for r in roles)
        + " |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("before", type=Path, help="a source tree of the revision to compare with")
    parser.add_argument("--after", type=Path, default=HERE, help="the other tree (default: this one)")
    parser.add_argument("--articles", type=int, default=2000, help="per site")
    parser.add_argument("--rounds", type=int, default=4, help="crawls of each tree")
    parser.add_argument("--hosts", action="store_true", help="20 hosts at 200 ms (150 articles each), not one at 0 ms")
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    if args.hosts:
        server, concurrency, per_host = bench.SiteServer(min(args.articles, 150), 0.2, 20), 40, 2
    else:
        server, concurrency, per_host = bench.SiteServer(args.articles, 0.0), 32, 16
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
    print(f"start: {bench.load()}")
    print("\n".join(bench.HEADER))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for r in range(args.rounds):
                order = list(trees.items()) if r % 2 == 0 else list(trees.items())[::-1]
                for name, tree in order:
                    m = run_tree(tree, server, Path(tmp) / f"{name}{r}", concurrency, per_host)
                    rows[name].append(m)
                    print(bench.row(f"{name} {r + 1}", m), flush=True)
    finally:
        server.stop()
    print(f"end: {bench.load()}\n")
    print("| tree | pages/s | CPU ms/article | event loop | extraction | writer | other threads |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for name, ms in rows.items():
        print(summary(name, ms))
    if args.hosts:
        for name, ms in rows.items():
            print(f"{name}: pages/s / (40 / 0.2 s) = {sum(bench.rate(m) for m in ms) / len(ms) / 200:.2f}")


if __name__ == "__main__":
    main()
