"""Score our extractor against its peers on the shared evaluation corpora and print the table.

    EVAL_DATA=../shared/eval-data python benchmarks/accuracy.py [--peers trafilatura,readability] [--limit N] [--json F]

It runs the project's yardstick (`eval/score.py`, found beside $EVAL_DATA or given by --scorer) from
the repository root, so `scraper.extract:extract_article` is importable, and passes its table through.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = "scraper.extract:extract_article"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers", default="trafilatura", help="comma-separated built-ins (or 'none')")
    parser.add_argument("--limit", type=int, default=0, help="pages per corpus (0: all)")
    parser.add_argument("--scorer", type=Path, default=None, help="path to eval/score.py")
    parser.add_argument("--json", type=Path, default=None, help="also write the scorer's full results here")
    args = parser.parse_args(argv)
    data = os.environ.get("EVAL_DATA")
    if not data:
        print("set EVAL_DATA to the folder holding the corpora (see shared/eval/README.md)", file=sys.stderr)
        return 2
    scorer = args.scorer or Path(data).resolve().parent / "eval" / "score.py"
    if not scorer.is_file():
        print(f"scorer not found: {scorer} (use --scorer)", file=sys.stderr)
        return 2
    command = [sys.executable, str(scorer), "-e", OURS]
    for peer in filter(None, args.peers.split(",")):
        if peer != "none":
            command += ["-e", peer]
    if args.limit:
        command += ["--limit", str(args.limit)]
    if args.json:
        command += ["--json", str(args.json.resolve())]
    return subprocess.call(command, cwd=ROOT, env={**os.environ, "EVAL_DATA": str(Path(data).resolve())})


if __name__ == "__main__":
    raise SystemExit(main())
