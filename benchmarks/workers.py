"""Throughput of `--broker` crawling against Little's law: workers x threads -> pages/s.

    python benchmarks/workers.py docs/workers-sweep.png        # the sweep, a table and the plot
    python benchmarks/workers.py out.png --quick               # fewer points, shorter windows

~200 loopback hosts (127.0.1.1 ... 127.0.1.200, one port) answer every request after 200 ms, from an
asyncio server in its own process.  A coordinator (this process) and `scraper worker` processes
crawl them through a real redis-server, with no pacing delay (`min_delay = 0`), so what limits
throughput is how many requests are in flight: each worker thread holds one host, each host takes
`per_host_concurrency` requests at once, so L = min(hosts, workers x threads) x per_host_concurrency
and Little's law says pages/s = L / latency, until the CPU (2 cores here, shared) saturates.  Each
point runs a fixed window once the round's start URLs (one listing a host) are fetched and the
articles flow; the server counts the requests that arrived in it and their mean number in flight
(the L it actually saw), and the coordinator's CPU (this process: event loop and archive writer)
is measured over the same window.  Needs redis-server and matplotlib (the `bench` extra).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.brokered import Workers, free_port, redis_server  # noqa: E402

LATENCY = 0.2
PER_HOST = 2  # crawl.per_host_concurrency
ARTICLES = 60  # per host: more than any host is asked for within a window


def host_ips(n: int) -> list[str]:
    return [f"127.0.{1 + i // 250}.{1 + i % 250}" for i in range(n)]


# ---------------------------------------------------------------- the hosts (child process)


@functools.lru_cache(maxsize=20_000)
def _page(ip: str, path: str) -> tuple[int, bytes]:
    """Built once per URL: the server's CPU is not what is measured."""
    if path == "/":
        links = "".join(f'<li><a href="/a/{i}.html">Story {i}</a></li>' for i in range(ARTICLES))
        return 200, f"<html><body><h1>{ip}</h1><ul>{links}</ul></body></html>".encode()
    if path.startswith("/a/") and path.endswith(".html"):
        n = path[3:-5]
        words = " ".join(f"w{(hash((ip, n)) + i) % 211}" for i in range(400))
        body = f"<html><head><title>{ip} story {n}</title></head><body><article><h1>{ip} story {n}</h1>"
        body += "".join(f"<p>Paragraph {k} of story {n} on {ip}: {words}</p>" for k in range(4))
        return 200, (body + "</article></body></html>").encode()
    return 404, b"<html><body>not found</body></html>"


async def _serve(ips: list[str], port: int, latency: float, ready: Any) -> None:
    seen: list[tuple[float, float]] = []  # (arrival, end) of every request

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        ip = writer.get_extra_info("sockname")[0]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode("latin-1")
                if path.startswith("/__stats"):
                    a, b = (float(x) for x in path.split("?", 1)[1].split(","))
                    inside = [(s, e) for s, e in seen if a <= s < b]
                    busy = sum(min(e, b) - max(s, a) for s, e in seen if s < b and e > a)
                    stats = {"requests": len(inside), "in_flight": busy / (b - a), "total": len(seen)}
                    body = json.dumps(stats).encode()
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
                    await writer.drain()
                    continue
                start = time.time()
                await asyncio.sleep(latency)
                status, body = _page(ip, path)
                reason = b"OK" if status == 200 else b"Not Found"
                writer.write(
                    b"HTTP/1.1 %d %s\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n"
                    % (status, reason, len(body))
                    + body
                )
                await writer.drain()
                seen.append((start, time.time()))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, ips, port, backlog=1024)
    ready.set()
    async with server:
        await server.serve_forever()


def _server_main(ips: list[str], port: int, latency: float, ready: Any) -> None:
    asyncio.run(_serve(ips, port, latency, ready))


def server_stats(ip: str, port: int, a: float, b: float) -> dict[str, float]:
    import httpx

    with httpx.Client(timeout=30) as client:
        return dict(client.get(f"http://{ip}:{port}/__stats?{a},{b}").json())


# ---------------------------------------------------------------- one point of the sweep


def write_config(folder: Path, ips: list[str], port: int, redis_url: str, plain: bool = False) -> Path:
    """The benchmark's settings and site; `plain`: no article pattern, so every article is queued as a
    page to discover from and known for one by its markup (a site whose URLs say nothing)."""
    (folder / "sites").mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text(
        f"[crawl]\nmin_delay = 0.0\nper_host_concurrency = {PER_HOST}\nconcurrency = 1000\nrobots_sitemaps = false\n"
        "max_pages = 100000\nbatch_size = 50000\nextract_processes = 0\n"
        f'[broker]\nurl = "{redis_url}"\nurls_per_message = 50\n'
    )
    pattern = "" if plain else "article_pattern = '/a/\\d+\\.html$'\n"
    starts = ", ".join(f'"http://{ip}:{port}/"' for ip in ips)
    domains = ", ".join(f'"{ip}"' for ip in ips)
    (folder / "sites" / "hosts.toml").write_text(
        f'name = "hosts"\nstart_urls = [{starts}]\nallowed_domains = [{domains}]\n{pattern}allow_private = true\n'
    )
    return folder


def reset(redis_url: str) -> None:
    """Every key of the last point gone but the cached robots.txt (all hosts start alike)."""
    import redis as redis_lib

    client = redis_lib.Redis.from_url(redis_url)
    for key in client.scan_iter("*"):
        if not key.startswith(b"newsarchive:robots:"):
            client.delete(key)
    client.close()


def discover(work: Path, ips: list[str], port: int, redis_url: str, plain: bool = False) -> Path:
    """One round of the listings only (max_pages = the number of hosts: discovery comes first), so
    every point starts from the same frontier: ARTICLES due articles on each host."""
    from scraper.config import load_config
    from scraper.crawl.round import CrawlOptions
    from scraper.workers.coordinator import distributed_crawl

    run = work / "discover"
    config_dir = write_config(run / "config", ips, port, redis_url, plain)
    procs = Workers(redis_url, config_dir, run)
    try:
        procs.start(2, threads=64)
        procs.wait_live(2, timeout=60)
        config = load_config(config_dir)
        options = CrawlOptions(max_pages=len(ips))
        asyncio.run(distributed_crawl(config, config.sites, run / "archive.db", redis_url, options=options))
    finally:
        procs.stop_all()
    return run / "archive.db"


def point(
    work: Path,
    seed_db: Path,
    ips: list[str],
    port: int,
    redis_url: str,
    workers: int,
    threads: int,
    window: float,
    plain: bool = False,
) -> dict[str, Any]:
    import sqlite3

    from scraper.config import load_config
    from scraper.workers.coordinator import distributed_crawl

    reset(redis_url)
    run = work / f"w{workers}t{threads}"
    config_dir = write_config(run / "config", ips, port, redis_url, plain)
    with sqlite3.connect(seed_db) as src, sqlite3.connect(run / "archive.db") as dst:
        src.backup(dst)
    procs = Workers(redis_url, config_dir, run)
    try:
        procs.start(workers, threads=threads)
        procs.wait_live(workers, timeout=60)
        config = load_config(config_dir)
        warm = 1.0
        marks: dict[str, Any] = {}
        before = server_stats(ips[0], port, 0, 1)["total"]

        async def timed() -> None:
            stop = asyncio.Event()

            async def stopper() -> None:
                # Every round fetches its start URLs (the listings) again first, one small message a
                # host: the window measures the articles after them.
                while (await asyncio.to_thread(server_stats, ips[0], port, 0, 1))["total"] < before + len(ips):
                    await asyncio.sleep(0.5)
                await asyncio.sleep(warm)
                marks["start"], marks["cpu0"] = time.time(), os.times()
                await asyncio.sleep(window)
                marks["end"], marks["cpu1"] = time.time(), os.times()
                stop.set()

            await asyncio.gather(
                distributed_crawl(config, config.sites, run / "archive.db", redis_url, stop=stop), stopper()
            )

        asyncio.run(timed())
    finally:
        procs.stop_all()
    a, b = marks["start"], marks["end"]
    cpu0, cpu1 = marks["cpu0"], marks["cpu1"]
    stats = server_stats(ips[0], port, a, b)
    in_flight = min(len(ips), workers * threads) * PER_HOST
    return {
        "workers": workers,
        "threads": threads,
        "L": in_flight,
        "little": in_flight / LATENCY,
        "pages_s": stats["requests"] / (b - a),
        "server_L": stats["in_flight"],
        "coordinator_cpu": (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / (b - a),
    }


def plot(points: list[dict], path: Path, n_hosts: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
    xs = sorted({p["L"] for p in points})
    ax.plot(xs, [x / LATENCY for x in xs], "--", color="grey", label=f"Little's law: L / {LATENCY * 1000:.0f} ms")
    for w in sorted({p["workers"] for p in points}):
        mine = sorted((p for p in points if p["workers"] == w), key=lambda p: p["L"])
        ax.plot([p["L"] for p in mine], [p["pages_s"] for p in mine], "o-", label=f"{w} worker process(es)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.set_xlabel("requests in flight allowed, L = min(hosts, workers x threads) x per-host")
    ax.set_ylabel("pages/s")
    ax.set_title(f"{n_hosts} loopback hosts, {LATENCY * 1000:.0f} ms latency, one 2-core machine", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("png", type=Path, help="where to write the plot")
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--window", type=float, default=8.0, help="seconds measured per point")
    parser.add_argument("--quick", action="store_true", help="three points, 4 s windows")
    parser.add_argument("--plain", action="store_true", help="no article pattern: every article a discovery page")
    args = parser.parse_args()
    sweep = [(1, 1), (1, 4), (1, 16), (2, 16), (1, 64), (2, 64), (4, 64)]
    if args.quick:
        sweep, args.window = [(1, 2), (1, 16), (2, 32)], 4.0
    ips = host_ips(args.hosts)
    port = free_port()
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    server = ctx.Process(target=_server_main, args=(ips, port, LATENCY, ready), daemon=True)
    server.start()
    if not ready.wait(30):
        raise SystemExit("the host server did not start")
    points = []
    try:
        with tempfile.TemporaryDirectory() as tmp, redis_server(Path(tmp) / "redis") as redis:
            seed_db = discover(Path(tmp), ips, port, redis.url, args.plain)
            for workers, threads in sweep:
                p = point(Path(tmp), seed_db, ips, port, redis.url, workers, threads, args.window, args.plain)
                points.append(p)
                print(
                    f"workers {workers} x threads {threads:>3}: L {p['L']:>4}  Little {p['little']:>7.0f}/s"
                    f"  measured {p['pages_s']:>6.1f}/s  (server saw {p['server_L']:.1f} in flight:"
                    f" {p['server_L'] / LATENCY:.0f}/s by Little's law)",
                    flush=True,
                )
    finally:
        server.terminate()
        server.join(10)
    print()
    print(
        "| workers | threads | L allowed | L / 0.2 s | pages/s measured | in flight at the server | that / 0.2 s"
        " | coordinator CPU |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for p in points:
        print(
            f"| {p['workers']} | {p['threads']} | {p['L']} | {p['little']:.0f} | {p['pages_s']:.1f} |"
            f" {p['server_L']:.1f} | {p['server_L'] / LATENCY:.0f} | {p['coordinator_cpu']:.0%} |"
        )
    plot(points, args.png, args.hosts)
    print(f"\nplot written to {args.png}")


if __name__ == "__main__":
    main()
