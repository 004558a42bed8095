"""Crawl benchmark: newsarchive against Scrapy on the same local synthetic news site, in one run.

    python benchmarks/crawl.py                      # every table (a few minutes)
    python benchmarks/crawl.py --quick              # smaller sites

The site (tests/sitegen.py) is served by an asyncio HTTP/1.1 server in its own process, on one port
or on many (`--hosts`: one loopback "host" per port), with optional per-response latency; it counts
requests, bytes, and the requests in flight (peak, and the time-weighted mean over the article
window, which with Little's law gives the ceiling in-flight / latency).  Each crawler runs as a
child process, so its CPU time and peak RSS come from the kernel (/proc, sampled every 100 ms), not
from the crawler's own account.  Ours also reports CPU by role from inside: the event loop (main
thread, time.thread_time), the archive writer (its thread's time.thread_time), the extraction
processes (their /proc stat as the pool closes) and the rest of the process (pool feeder and to_thread helpers).

Both crawlers discover articles the same way (robots.txt -> sitemap index -> gzip sitemaps), obey
robots.txt, extract with the same CSS selectors and write every item to disk: Scrapy to a JSON
Lines feed, we to the SQLite archive (versions, FTS, raw pages, fetch log, change stats).

The archive-growth series crawls the same new articles into archives pre-filled (bulk INSERTs of
realistic rows: article, version, URL aliases, fingerprint, fetch log, frontier row, FTS) with 0,
10k and 50k articles of another site.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
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


async def _serve(n: int, latency: float, port_file: str, hosts: int = 1) -> None:
    site = SyntheticSite(n=n)
    stats: dict[str, float] = {}
    live = {"now": 0, "since": 0.0}

    def reset() -> None:
        stats.update(requests=0, bytes=0, first=0.0, last=0.0, peak=0, articles=0, a_first=0.0, a_last=0.0, area=0.0)
        live["since"] = time.time()

    def moved(delta: int) -> None:
        now = time.time()
        if stats["a_first"]:  # in-flight x time, over the article window only
            stats["area"] += live["now"] * (now - max(live["since"], stats["a_first"]))
        live["now"] += delta
        live["since"] = now
        stats["peak"] = max(stats["peak"], live["now"])

    reset()

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
                        reset()
                    window = max(1e-3, stats["a_last"] - stats["a_first"])
                    body = json.dumps({**stats, "mean_in_flight": stats["area"] / window}).encode()
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
                    await writer.drain()
                    continue
                article = re.search(ARTICLE_PATTERN, path.split("?")[0]) is not None
                if article and not stats["a_first"]:
                    stats["a_first"] = live["since"] = time.time()
                stats["first"] = stats["first"] or time.time()
                moved(+1)
                try:
                    if latency:
                        await asyncio.sleep(latency)
                    resp = site.respond(path, headers, host)
                    out = [f"HTTP/1.1 {resp.status} {'OK' if resp.status == 200 else 'X'}"]
                    out += [f"{k}: {v}" for k, v in resp.headers.items()]
                    out += [f"Content-Length: {len(resp.body)}", "", ""]
                    data = "\r\n".join(out).encode() + resp.body
                    stats["requests"] += 1
                    stats["bytes"] += len(data)
                    writer.write(data)
                    await writer.drain()
                finally:
                    moved(-1)
                stats["last"] = time.time()
                if article:
                    stats["articles"] += 1
                    stats["a_last"] = stats["last"]
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    servers = [await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024) for _ in range(hosts)]
    Path(port_file).write_text(" ".join(str(srv.sockets[0].getsockname()[1]) for srv in servers))
    await asyncio.gather(*(srv.serve_forever() for srv in servers))


class SiteServer:
    def __init__(self, n: int, latency: float, hosts: int = 1) -> None:
        self.port_file = tempfile.mktemp()
        self.proc = subprocess.Popen([PY, __file__, "_serve", str(n), str(latency), self.port_file, str(hosts)])
        while not (Path(self.port_file).exists() and Path(self.port_file).read_text()):
            time.sleep(0.05)
        self.ports = [int(p) for p in Path(self.port_file).read_text().split()]
        self.urls = [f"http://127.0.0.1:{port}" for port in self.ports]
        self.port, self.url = self.ports[0], self.urls[0]

    def stats(self, reset: bool = False) -> dict[str, float]:
        import urllib.request

        with urllib.request.urlopen(self.url + ("/__reset" if reset else "/__stats")) as resp:
            return json.loads(resp.read())

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait()
        Path(self.port_file).unlink(missing_ok=True)


# ---------------------------------------------------------------- the Scrapy spider (child process)


def _scrapy(url: str, concurrency: int, per_host: int, out: str) -> None:
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
            "CONCURRENT_REQUESTS_PER_DOMAIN": per_host,
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


def measure(cmd: list[str], env: dict[str, str] | None = None, cwd: str | None = None) -> dict[str, Any]:
    """Wall time, CPU seconds and peak RSS (MB) of a child *and its helpers* (extraction processes).

    The process tree is sampled from /proc every 100 ms: CPU is each process's last reading (so up
    to 100 ms per process is missed), RSS the peak of the tree's sum.
    """
    started = time.perf_counter()
    err = tempfile.TemporaryFile()  # noqa: SIM115 - read back only on failure
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=cwd)
    cpu: dict[int, float] = {}
    peak = 0.0
    while proc.poll() is None:
        tree = _tree(proc.pid)
        cpu.update({pid: c for pid, (c, _) in tree.items()})
        peak = max(peak, sum(r for _, r in tree.values()))
        time.sleep(0.1)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        err.seek(0)
        tail = err.read().decode("utf-8", "replace")[-3000:]
        raise RuntimeError(f"{cmd[:4]} exited with status {proc.returncode}:\n{tail}")
    return {"wall": wall, "cpu": sum(cpu.values()), "rss": peak}


def write_config(folder: Path, bases: list[str], concurrency: int, per_host: int) -> None:
    """One site per base URL (each loopback port is a host of its own)."""
    (folder / "sites").mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text(
        f"[crawl]\nconcurrency = {concurrency}\nper_host_concurrency = {per_host}\nmin_delay = 0\n"
        "max_pages = 1000000\nmax_depth = 0\n",
        encoding="utf-8",
    )
    selectors = "\n".join(f'{k} = "{v}"' for k, v in SELECTORS.items())
    for k, base in enumerate(bases):
        (folder / "sites" / f"synth{k}.toml").write_text(
            f'name = "synth{k}"\nstart_urls = ["{base}/"]\narticle_pattern = \'{ARTICLE_PATTERN}\'\n'
            f"allow_private = true\nstore_raw = true\n\n[selectors]\n{selectors}\n",
            encoding="utf-8",
        )


def _ours(config_dir: str, db: str, roles_file: str, recheck: str) -> None:
    """The crawl child: `crawl()` over every configured site, its CPU by role written to `roles_file`."""
    import resource

    from scraper.config import load_config
    from scraper.crawl import writer as writer_module
    from scraper.crawl.round import CrawlOptions, crawl

    writer_cpu: list[float] = []
    real_run = writer_module.Writer._run

    def timed_run(self: writer_module.Writer) -> None:
        try:
            real_run(self)
        finally:
            writer_cpu.append(time.thread_time())

    writer_module.Writer._run = timed_run  # type: ignore[method-assign]
    from scraper.crawl import extract_pool

    children: dict[int, float] = {}
    real_close = extract_pool.Extractor.close

    def timed_close(self: extract_pool.Extractor) -> None:  # the workers' CPU, read while they are alive
        pids = self.pids
        tick = os.sysconf("SC_CLK_TCK")
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            children[pid] = (int(fields[11]) + int(fields[12])) / tick
        real_close(self)

    extract_pool.Extractor.close = timed_close  # type: ignore[method-assign]
    config = load_config(config_dir)
    own0, loop0 = resource.getrusage(resource.RUSAGE_SELF), time.thread_time()
    asyncio.run(crawl(config, config.sites, db, options=CrawlOptions(recheck_all=recheck == "1")))
    loop = time.thread_time() - loop0
    own1 = resource.getrusage(resource.RUSAGE_SELF)
    process = (own1.ru_utime + own1.ru_stime) - (own0.ru_utime + own0.ru_stime)
    writer = sum(writer_cpu)
    roles = {
        "event loop": loop,
        "extraction": sum(children.values()),
        "writer": writer,
        "other threads": max(0.0, process - loop - writer),
    }
    Path(roles_file).write_text(json.dumps(roles))


def ours(server: SiteServer, work: Path, concurrency: int, per_host: int, *, recheck: bool = False) -> dict[str, Any]:
    config, db = work / "config", work / "archive.db"
    write_config(config, server.urls, concurrency, per_host)
    before = _article_fetches(db)
    roles_file = work / "roles.json"
    server.stats(reset=True)
    m: dict[str, Any] = measure([PY, __file__, "_ours", str(config), str(db), str(roles_file), "1" if recheck else "0"])
    m["articles"] = _article_fetches(db) - before
    m["roles"] = json.loads(roles_file.read_text())
    return _server_side(server, m)


def _article_fetches(db: Path) -> int:
    import sqlite3

    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        sql = "SELECT count(*) FROM fetches WHERE outcome IN ('new', 'changed', 'unchanged', 'not-modified')"
        return int(conn.execute(sql).fetchone()[0])


def _server_side(server: SiteServer, m: dict[str, Any]) -> dict[str, Any]:
    after = server.stats()
    m["requests"], m["bytes"] = after["requests"], after["bytes"]
    m["window"] = max(1e-3, after["a_last"] - after["a_first"])
    m["peak_in_flight"], m["mean_in_flight"] = after["peak"], after["mean_in_flight"]
    return m


def theirs(server: SiteServer, work: Path, concurrency: int, per_host: int) -> dict[str, Any]:
    out = work / "scrapy.jsonl"
    out.unlink(missing_ok=True)
    server.stats(reset=True)
    m: dict[str, Any] = measure([PY, __file__, "_scrapy", server.url, str(concurrency), str(per_host), str(out)])
    m["articles"] = sum(1 for _ in out.open(encoding="utf-8"))
    return _server_side(server, m)


def rate(m: dict[str, Any]) -> float:
    """Articles per second while crawling articles: first to last article request, as the server saw them."""
    return float(m["articles"] / m["window"])


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def row(name: str, m: dict[str, Any]) -> str:
    roles = m.get("roles")
    per = (lambda key: f"{roles[key] * 1000 / max(m['articles'], 1):.2f}") if roles else (lambda key: "-")
    return (
        f"| {name} | {m['articles']:.0f} | {rate(m):.1f} | {m['cpu'] * 1000 / max(m['articles'], 1):.2f} |"
        f" {per('event loop')} | {per('extraction')} | {per('writer')} | {per('other threads')} |"
        f" {m['rss']:.0f} | {m['mean_in_flight']:.1f} / {m['peak_in_flight']:.0f} | {m['bytes'] / 1e6:.2f} |"
    )


ROLES = ("event loop", "extraction", "writer", "other threads")
HEADER = [
    "| run | articles | pages/s | CPU ms/article (all, incl. startup) | event loop | extraction | writer |"
    " other threads | peak RSS MB | in flight mean / peak | MB sent |",
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
]


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def zero_latency(work: Path, n: int, c: int, per_host: int, lines: list[str], checks: list[str]) -> None:
    """Scrapy, ours, ours, Scrapy (ABBA): on a shared machine, load that drifts during the run hits both alike."""
    srv = SiteServer(n, 0.0)
    try:
        s1 = theirs(srv, work, c, per_host)
        a1 = ours(srv, work / "a1", c, per_host)
        a2 = ours(srv, work / "a2", c, per_host)
        s2 = theirs(srv, work, c, per_host)
        again = ours(srv, work / "a1", c, per_host, recheck=True)
    finally:
        srv.stop()
    lines.append(f"0 ms latency, {n} articles, {c} connections ({per_host} per host), runs in ABBA order; {load()}")
    lines += HEADER
    lines += [row("Scrapy (1st)", s1), row("newsarchive (1st)", a1), row("newsarchive (2nd)", a2)]
    lines += [row("Scrapy (2nd)", s2), row("newsarchive re-crawl (all due): 304s", again)]
    ours_rate, their_rate = (rate(a1) + rate(a2)) / 2, (rate(s1) + rate(s2)) / 2
    ratio = ours_rate / their_rate
    checks.append(
        f"pages/s vs Scrapy at 0 ms: {ratio:.2f}x ({ours_rate:.0f} vs {their_rate:.0f}, means of two runs each;"
        f" target >= 1.5x): {verdict(ratio >= 1.5)}"
    )
    per = lambda m: m["cpu"] / m["articles"]  # noqa: E731
    ours_cpu, their_cpu = (per(a1) + per(a2)) / 2, (per(s1) + per(s2)) / 2
    cpu = ours_cpu / their_cpu
    checks.append(
        f"CPU per archived article vs Scrapy's per item: {cpu:.2f}x ({ours_cpu * 1000:.1f} vs"
        f" {their_cpu * 1000:.1f} ms, startup included; target <= 1.0x): {verdict(cpu <= 1.0)}"
    )
    share = again["bytes"] / a1["bytes"]
    checks.append(
        f"re-crawl of the unchanged site: {share:.2%} of the first crawl's bytes (target < 1%): {verdict(share < 0.01)}"
    )


def many_hosts(
    work: Path, n: int, hosts: int, latency: float, c: int, per_host: int, lines: list[str], checks: list[str]
) -> None:
    srv = SiteServer(n, latency, hosts)
    try:
        m = ours(srv, work / "hosts", c, per_host)
    finally:
        srv.stop()
    ceiling = c / latency
    little = m["mean_in_flight"] / latency
    lines.append("")
    lines.append(
        f"{hosts} loopback hosts (one site each), {latency * 1000:.0f} ms per response, {n} articles each,"
        f" concurrency {c}, {per_host} per host; {load()}"
    )
    lines += HEADER
    lines.append(row("newsarchive", m))
    lines.append(
        f"| Little's law: configured {c} / {latency:g} s = {ceiling:.0f}/s; measured mean in flight"
        f" {m['mean_in_flight']:.1f} / {latency:g} s = {little:.0f}/s | | {rate(m):.1f} | | | | | | | | |"
    )
    share = rate(m) / ceiling
    checks.append(
        f"many hosts, {latency * 1000:.0f} ms: {rate(m):.0f} pages/s = {share:.2f} of in-flight/latency"
        f" ({ceiling:.0f}/s with the configured {c} in flight; server saw {m['mean_in_flight']:.1f} mean,"
        f" {m['peak_in_flight']:.0f} peak; target >= 0.90): {verdict(share >= 0.9)}"
    )


# ---------------------------------------------------------------- archive growth


def prefill(db: Path, start: int, count: int) -> None:
    """`count` more archived articles of another site, as a crawl leaves them, by bulk INSERTs."""
    import hashlib
    import random
    import sqlite3

    import zstandard

    from scraper.archive.store import Archive
    from tests.sitegen import _WORDS

    Archive(db).close()  # the schema
    rng = random.Random(start)
    blob = zstandard.ZstdCompressor(level=3).compress(b"<html>" + b"x" * 4000 + b"</html>")
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    for i in range(start, start + count):
        url = f"http://old.example/2026/01/01/story-{i}.html"
        title = " ".join(rng.choices(_WORDS, k=9)).capitalize()
        body = "\n\n".join(" ".join(rng.choices(_WORDS, k=rng.randint(60, 110))) for _ in range(rng.randint(10, 22)))
        stamp = "2026-01-01T00:00:00+00:00"
        sha = hashlib.sha256(f"{i}".encode()).hexdigest()
        content_hash = hashlib.sha256(body.encode()).hexdigest()
        cur = conn.execute(
            "INSERT INTO articles (url, site, title, authors, published, lang, body, first_seen, last_checked,"
            " last_changed, version_count, state) VALUES (?,?,?,?,?,?,?,?,?,?,1,'live')",
            (url, "old", title, '["Ana Roy"]', stamp, "en", body, stamp, stamp, stamp),
        )
        aid = cur.lastrowid
        conn.execute("INSERT INTO article_urls (url, article_id) VALUES (?,?)", (url, aid))
        conn.execute(
            "INSERT INTO pages (sha256, encoding, headers, codec, content, size) VALUES (?,?,?,?,?,?)",
            (sha, "utf-8", "{}", "zstd", blob, 40000),
        )
        conn.execute(
            "INSERT INTO versions (article_id, version, url, content_hash, title, authors, published, lang, body,"
            " sources, kind, page_sha256, first_seen, last_seen) VALUES (?,1,?,?,?,?,?,?,?,?,?,?,?,?)",
            (aid, url, content_hash, title, '["Ana Roy"]', stamp, "en", body, "{}", "fetch", sha, stamp, stamp),
        )
        h = rng.getrandbits(63)
        bands = [(h >> (16 * k)) & 0xFFFF for k in range(4)]
        conn.execute("INSERT INTO fingerprints VALUES (?,?,?,?,?,?,?)", (aid, 1, h, *bands))
        conn.execute(
            "INSERT INTO fetches (url, final_url, article_id, fetched_at, status, bytes, duration, outcome)"
            " VALUES (?,?,?,?,200,40000,0.05,'new')",
            (url, url, aid, stamp),
        )
        conn.execute(
            "INSERT INTO frontier (url, site, host, kind, depth, state, next_due, discovered_at, first_fetched,"
            " last_fetched) VALUES (?, 'old', 'old.example', 'article', 0, 'done', NULL, 0, 0, 0)",
            (url,),
        )
    conn.execute("COMMIT")
    conn.close()


def growth(work: Path, n: int, sizes: list[int], c: int, per_host: int, lines: list[str], checks: list[str]) -> None:
    import shutil

    base = work / "grow.db"
    results: list[tuple[int, dict[str, Any], float]] = []
    have = 0
    for size in sizes:
        started = time.perf_counter()
        prefill(base, have, size - have)
        have = size
        filled = time.perf_counter() - started
        run = work / f"grow-{size}"
        run.mkdir()
        shutil.copy(base, run / "archive.db")
        srv = SiteServer(n, 0.0)
        try:
            results.append((size, ours(srv, run, c, per_host), filled))
        finally:
            srv.stop()
    lines.append("")
    lines.append(f"archive growth: {n} new articles crawled into archives pre-filled with {sizes}; {load()}")
    lines += HEADER
    for size, m, filled in results:
        lines.append(row(f"{size:,} articles before (pre-filled in {filled:.0f} s)", m))
    in_crawl = [sum(m["roles"].values()) / m["articles"] for _, m, _ in results]
    ratio = in_crawl[-1] / in_crawl[0]
    checks.append(
        f"new-article cost (in-crawl CPU, all roles) at {sizes[-1]:,} vs {sizes[0]:,}: {ratio:.2f}x"
        f" ({in_crawl[-1] * 1000:.2f} vs {in_crawl[0] * 1000:.2f} ms; target <= 1.1x): {verdict(ratio <= 1.1)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sites")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--per-host", type=int, default=16)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--only", choices=["zero", "hosts", "growth"], action="append")
    args = parser.parse_args()
    small, per_host_n, new_n = (500, 60, 300) if args.quick else (2000, 150, 500)
    sizes = [0, 10_000, 50_000]
    only = set(args.only or ["zero", "hosts", "growth"])
    lines: list[str] = []
    checks: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "zero" in only:
            zero_latency(work, small, args.concurrency, args.per_host, lines, checks)
        if "hosts" in only:
            many_hosts(work, per_host_n, args.hosts, 0.2, 40, 2, lines, checks)
        if "growth" in only:
            growth(work, new_n, sizes, args.concurrency, args.per_host, lines, checks)
    print("\n".join(lines), end="\n\n")
    print("\n".join(f"- {line}" for line in checks))
    print(f"\n(machine: {os.cpu_count()} cores, shared; {time.strftime('%Y-%m-%d %H:%M')}; {load()} at the end)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_serve":
        asyncio.run(_serve(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], int(sys.argv[5])))
    elif len(sys.argv) > 1 and sys.argv[1] == "_scrapy":
        _scrapy(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif len(sys.argv) > 1 and sys.argv[1] == "_ours":
        _ours(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        main()
