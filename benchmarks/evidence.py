"""Archive size with and without raw pages, and near-copy lookup time at 100,000 and 1,000,000 articles.

    python benchmarks/evidence.py [--articles 1000] [--sizes 100000,1000000]

Size: 1,000 realistic synthetic articles (30-80 KB pages, tests/sitegen.py) archived through the
normal extract-and-save path, once with raw pages kept and once without.  Lookup: a fingerprint
table filled with random 64-bit SimHashes plus planted near-copies (1-7 bits away) of 100 query
articles; we time `find_copies` and check every planted copy is found.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scraper.archive.copies import _bands, _signed, find_copies
from scraper.archive.store import Archive
from scraper.extract import extract_article
from scraper.models import Page
from tests.sitegen import SyntheticSite


def archive_size(n: int, store_raw: bool, root: Path) -> tuple[int, int]:
    site = SyntheticSite(n=n)
    path = root / f"size-{store_raw}.db"
    raw_total = 0
    with Archive(path) as archive:
        for i in range(n):
            url = f"http://news.example{site.article_path(i)}"
            body = site.respond(site.article_path(i), {}, "news.example").body
            raw_total += len(body)
            page = Page(
                url, url, 200, {"content-type": "text/html; charset=utf-8"}, body.decode(), "utf-8", content=body
            )
            archive.save(extract_article(page.html, url), page=page, site="synthetic", store_raw=store_raw)
        archive.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        archive.conn.execute("VACUUM")
    return path.stat().st_size, raw_total


def lookup_bench(size: int, root: Path, queries: int = 100) -> tuple[float, float, float, int, int]:
    rng = random.Random(size)
    path = root / f"copies-{size}.db"
    planted: dict[int, set[int]] = {}
    with Archive(path) as archive:
        conn = archive.conn
        conn.execute("BEGIN")
        batch_a, batch_f = [], []
        next_id = 1
        for q in range(queries):
            base = rng.getrandbits(64)
            ids = []
            for copy in range(4):  # the query itself and three near-copies
                value = base
                if copy:
                    for bit in rng.sample(range(64), rng.randint(1, 7)):
                        value ^= 1 << bit
                ids.append(next_id)
                batch_a.append((next_id, f"https://site{copy}.example/q{q}", "t", f"site{copy}"))
                batch_f.append((next_id, 1, _signed(value), *_bands(value)))
                next_id += 1
            planted[ids[0]] = set(ids[1:])
        while next_id <= size:
            value = rng.getrandbits(64)
            batch_a.append((next_id, f"https://bulk.example/{next_id}", "t", "bulk"))
            batch_f.append((next_id, 1, _signed(value), *_bands(value)))
            next_id += 1
            if len(batch_a) >= 50_000:
                _flush(conn, batch_a, batch_f)
        _flush(conn, batch_a, batch_f)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        times, found_all, false_hits = [], 0, 0
        for query, expected in planted.items():
            started = time.perf_counter()
            found = find_copies(conn, query)
            times.append(time.perf_counter() - started)
            got = {c.article_id for c in found}
            found_all += expected <= got
            false_hits += len(got - expected)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95)], times[-1], found_all, false_hits


def _flush(conn: object, batch_a: list, batch_f: list) -> None:
    conn.executemany("INSERT INTO articles (id, url, title, site, version_count) VALUES (?,?,?,?,1)", batch_a)  # type: ignore[attr-defined]
    conn.executemany(  # type: ignore[attr-defined]
        "INSERT INTO fingerprints (article_id, version, simhash, b0, b1, b2, b3) VALUES (?,?,?,?,?,?,?)", batch_f
    )
    batch_a.clear()
    batch_f.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--sizes", default="100000,1000000")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with_raw, raw_bytes = archive_size(args.articles, True, root)
        without_raw, _ = archive_size(args.articles, False, root)
        per = 1000 / args.articles
        print("| archive per 1,000 articles | size |\n|---|---|")
        print(f"| raw HTML fetched | {raw_bytes * per / 1e6:.1f} MB |")
        print(f"| with raw pages (zstd) | {with_raw * per / 1e6:.1f} MB |")
        print(f"| without raw pages | {without_raw * per / 1e6:.1f} MB |")
        print()
        print("| articles | lookup median | p95 | max | planted copies found | other hits |\n|---|---|---|---|---|---|")
        for size in (int(s) for s in args.sizes.split(",")):
            median, p95, worst, found, false_hits = lookup_bench(size, root)
            print(
                f"| {size:,} | {median * 1000:.2f} ms | {p95 * 1000:.2f} ms | {worst * 1000:.2f} ms |"
                f" {found}/100 | {false_hits} |"
            )


if __name__ == "__main__":
    main()
