"""Crawl benchmark: `scraper crawl` against Scrapy on the same local synthetic news site, same run.

    python benchmarks/crawl.py                      # the full table (takes a few minutes)
    python benchmarks/crawl.py --quick              # smaller sites

The site (tests/sitegen.py) is served by an asyncio HTTP/1.1 server in its own process, with
optional per-response latency, and counts the bytes it sends.  Each crawler runs as a child process
so its CPU time and peak RSS come from the kernel (wait4), not from sampling.  Both crawlers
discover articles the same way (robots.txt -> sitemap index -> gzip sitemaps), obey robots.txt,
extract the same four fields with the same CSS selectors and write every item to disk: Scrapy to a
JSON Lines feed, we to the SQLite archive (versions, FTS, raw pages, fetch log).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.sitegen import ARTICLE_PATTERN, SELECTORS, SyntheticSite  # noqa: E402

PY = sys.executable

# ---------------------------------------------------------------- the site server (child process)


async def _serve(n: int, latency: float, port_file: str) -> None:
    site = SyntheticSite(n=n)
    stats: dict[str, float] = {"requests": 0, "bytes": 0, "first": 0.0, "last": 0.0}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host = f"127.0.0.1:{writer.get_extra_info('sockname')[1]}"
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if x)}
                if path in ("/__stats", "/__reset"):
                    if path == "/__reset":
                        stats.update(requests=0, bytes=0, first=0.0, last=0.0)
                    body = json.dumps(stats).encode()
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
                    await writer.drain()
                    continue
                stats["first"] = stats["first"] or time.time()
                if latency:
                    await asyncio.sleep(latency)
                resp = site.respond(path, headers, host)
                out = [f"HTTP/1.1 {resp.status} {'OK' if resp.status == 200 else 'X'}"]
                out += [f"{k}: {v}" for k, v in resp.headers.items()] + [f"Content-Length: {len(resp.body)}", "", ""]
                data = "\r\n".join(out).encode() + resp.body
                stats["requests"] += 1
                stats["bytes"] += len(data)
                writer.write(data)
                await writer.drain()
                stats["last"] = time.time()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
    Path(port_file).write_text(str(server.sockets[0].getsockname()[1]))
    async with server:
        await server.serve_forever()


class SiteServer:
    def __init__(self, n: int, latency: float) -> None:
        self.port_file = tempfile.mktemp()
        self.proc = subprocess.Popen([PY, __file__, "_serve", str(n), str(latency), self.port_file])
        while not (Path(self.port_file).exists() and Path(self.port_file).read_text()):
            time.sleep(0.05)
        self.port = int(Path(self.port_file).read_text())
        self.url = f"http://127.0.0.1:{self.port}"

    def stats(self, reset: bool = False) -> dict[str, float]:
        import urllib.request

        with urllib.request.urlopen(self.url + ("/__reset" if reset else "/__stats")) as resp:
            return json.loads(resp.read())

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait()
        Path(self.port_file).unlink(missing_ok=True)


# ---------------------------------------------------------------- the Scrapy spider (child process)


def _scrapy(url: str, concurrency: int, out: str) -> None:
    import re

    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiders import SitemapSpider

    def first(response: Any, spec: str) -> str | None:
        css, _, attr = spec.partition("@")
        sel = response.css(css)
        return (sel.attrib.get(attr) if attr else " ".join(sel.css("::text").getall()).strip()) or None

    class NewsSpider(SitemapSpider):
        name = "news"
        sitemap_urls = (url + "/robots.txt",)
        sitemap_rules = ((ARTICLE_PATTERN, "parse_article"),)

        def sitemap_filter(self, entries: Any) -> Any:
            for entry in entries:
                if re.search(ARTICLE_PATTERN, entry["loc"]) or "sitemap" in entry["loc"]:
                    yield entry

        def parse_article(self, response: scrapy.http.Response) -> Any:
            yield {
                "url": response.url,
                "title": first(response, SELECTORS["title"]),
                "authors": [first(response, SELECTORS["author"])],
                "published": first(response, SELECTORS["date"]),
                "body": "\n".join(response.css(SELECTORS["body"] + " p::text").getall()),
            }

    process = CrawlerProcess(
        settings={
            "CONCURRENT_REQUESTS": concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "DOWNLOAD_DELAY": 0,
            "ROBOTSTXT_OBEY": True,
            "LOG_LEVEL": "INFO",
            "TELNETCONSOLE_ENABLED": False,
            "FEEDS": {out: {"format": "jsonlines", "encoding": "utf8"}},
            "USER_AGENT": "newsarchive-bench (scrapy)",
            "RETRY_ENABLED": True,
        }
    )
    process.crawl(NewsSpider)
    process.start()


# ---------------------------------------------------------------- measuring a child


def _tree(root: int) -> dict[int, tuple[float, float]]:
    """(CPU seconds, RSS MB) of `root` and every descendant, read from /proc."""
    tick, page = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                text = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            stats[int(entry)] = text.rsplit(")", 1)[1].split()
    kids: dict[int, list[int]] = {}
    for pid, fields in stats.items():
        kids.setdefault(int(fields[1]), []).append(pid)
    out, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            f = stats[pid]
            out[pid] = ((int(f[11]) + int(f[12])) / tick, int(f[21]) * page / 2**20)
        todo += kids.get(pid, [])
    return out


def measure(cmd: list[str]) -> dict[str, float]:
    """Wall time, CPU seconds and peak RSS (MB) of a child *and its helpers* (extraction processes).

    The process tree is sampled from /proc every 50 ms: CPU is each process's last reading (so up
    to 50 ms per process is missed), RSS the peak of the tree's sum.
    """
    started = time.perf_counter()
    err = tempfile.TemporaryFile()  # noqa: SIM115 - read back only on failure
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
    cpu: dict[int, float] = {}
    peak = 0.0
    while proc.poll() is None:
        tree = _tree(proc.pid)
        cpu.update({pid: c for pid, (c, _) in tree.items()})
        peak = max(peak, sum(r for _, r in tree.values()))
        time.sleep(0.05)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        err.seek(0)
        tail = err.read().decode("utf-8", "replace")[-3000:]
        raise RuntimeError(f"{cmd[:4]} exited with status {proc.returncode}:\n{tail}")
    return {"wall": wall, "cpu": sum(cpu.values()), "rss": peak}


def write_config(folder: Path, base: str, concurrency: int) -> None:
    (folder / "sites").mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text(
        f"[crawl]\nconcurrency = {concurrency}\nper_host_concurrency = {concurrency}\nmin_delay = 0\n"
        "max_pages = 1000000\nmax_depth = 0\n",
        encoding="utf-8",
    )
    selectors = "\n".join(f'{k} = "{v}"' for k, v in SELECTORS.items())
    (folder / "sites" / "synth.toml").write_text(
        f'name = "synth"\nstart_urls = ["{base}/"]\narticle_pattern = \'{ARTICLE_PATTERN}\'\n'
        f"allow_private = true\nstore_raw = true\n\n[selectors]\n{selectors}\n",
        encoding="utf-8",
    )


def ours(server: SiteServer, work: Path, concurrency: int, *extra: str) -> dict[str, float]:
    config, db = work / "config", work / "archive.db"
    write_config(config, server.url, concurrency)
    before = _article_fetches(db)
    server.stats(reset=True)
    cmd = [PY, "-m", "scraper", "crawl", "synth", "--config", str(config), "--db", str(db), "--no-progress"]
    m = measure([*cmd, *extra])
    m["articles"] = _article_fetches(db) - before
    return _server_side(server, m)


def _article_fetches(db: Path) -> int:
    import sqlite3

    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        sql = "SELECT count(*) FROM fetches WHERE outcome IN ('new', 'changed', 'unchanged', 'not-modified')"
        return int(conn.execute(sql).fetchone()[0])


def _server_side(server: SiteServer, m: dict[str, float]) -> dict[str, float]:
    after = server.stats()
    m["requests"], m["bytes"] = after["requests"], after["bytes"]
    m["window"] = max(1e-3, after["last"] - after["first"])
    return m


def theirs(server: SiteServer, work: Path, concurrency: int) -> dict[str, float]:
    out = work / "scrapy.jsonl"
    out.unlink(missing_ok=True)
    server.stats(reset=True)
    m = measure([PY, __file__, "_scrapy", server.url, str(concurrency), str(out)])
    m["articles"] = sum(1 for _ in out.open(encoding="utf-8"))
    return _server_side(server, m)


def rate(m: dict[str, float]) -> float:
    """Articles per second while crawling: first to last request as the server saw them."""
    return m["articles"] / m["window"]


def row(name: str, m: dict[str, float]) -> str:
    return (
        f"| {name:<36} | {m['articles']:>6.0f} | {rate(m):>7.1f} | {m['articles'] / m['wall']:>7.1f} |"
        f" {m['cpu']:>6.1f} | {m['rss']:>5.0f} | {m['bytes'] / 1e6:>7.2f} |"
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def zero_latency(work: Path, n: int, c: int, lines: list[str], checks: list[str]) -> dict[str, float]:
    srv = SiteServer(n, 0.0)
    try:
        a = ours(srv, work / "a", c)
        s = theirs(srv, work, c)
        again = ours(srv, work / "a", c, "--all")
    finally:
        srv.stop()
    lines += [row(f"newsarchive, {n} articles, 0 ms", a), row(f"Scrapy, {n} articles, 0 ms", s)]
    lines.append(row("newsarchive re-crawl (--all): 304s", again))
    ratio = rate(a) / rate(s)
    checks.append(f"zero latency: {ratio:.2f}x Scrapy's pages/s (target >= 1.5x): {verdict(ratio >= 1.5)}")
    ours_ms, theirs_ms = a["cpu"] / a["articles"] * 1000, s["cpu"] / s["articles"] * 1000
    checks.append(f"CPU per article (startup included): ours {ours_ms:.1f} ms, Scrapy {theirs_ms:.1f} ms")
    share = again["bytes"] / a["bytes"]
    checks.append(f"re-crawl moves {share:.2%} of the first crawl's bytes (target < 5%): {verdict(share < 0.05)}")
    return a


def with_latency(work: Path, n: int, c: int, lines: list[str], checks: list[str]) -> None:
    srv = SiteServer(n, 0.05)
    try:
        b = ours(srv, work / "b", c)
        sb = theirs(srv, work, c)
    finally:
        srv.stop()
    lines += [row(f"newsarchive, {n} articles, 50 ms", b), row(f"Scrapy, {n} articles, 50 ms", sb)]
    ceiling = c / 0.05
    share = rate(b) / ceiling
    checks.append(
        f"50 ms latency: {rate(b):.0f} pages/s = {share:.0%} of the {ceiling:.0f}/s ceiling (target >= 90%):"
        f" {verdict(share >= 0.9)}; Scrapy {rate(sb) / ceiling:.0%}"
    )


def scaling(work: Path, n: int, small: dict[str, float], c: int, lines: list[str], checks: list[str]) -> None:
    srv = SiteServer(n, 0.0)
    try:
        big = ours(srv, work / "big", c)
    finally:
        srv.stop()
    lines.append(row(f"newsarchive, {n} articles, 0 ms", big))
    growth = big["rss"] / small["rss"]
    checks.append(
        f"peak RSS at {n} vs {small['articles']:.0f} articles: {growth:.2f}x (target <= 1.2x): {verdict(growth <= 1.2)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sites")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--skip-scaling", action="store_true")
    args = parser.parse_args()
    small, large, lat_n = (500, 5000, 400) if args.quick else (2000, 20000, 1000)
    lines = [
        "| run | articles | pages/s crawling | pages/s incl. startup | CPU s | peak RSS MB | MB sent |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    checks: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        first = zero_latency(work, small, args.concurrency, lines, checks)
        with_latency(work, lat_n, args.concurrency, lines, checks)
        if not args.skip_scaling:
            scaling(work, large, first, args.concurrency, lines, checks)
    print("\n".join(lines), end="\n\n")
    print("\n".join(f"- {line}" for line in checks))
    print(f"\n(machine: {os.cpu_count()} cores, concurrency {args.concurrency}; {time.strftime('%Y-%m-%d')})")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_serve":
        asyncio.run(_serve(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]))
    elif len(sys.argv) > 1 and sys.argv[1] == "_scrapy":
        _scrapy(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        main()
