"""End-to-end crawl rounds against a synthetic news site on 127.0.0.1 (no mocks of the HTTP client)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scraper.archive.store import Archive
from scraper.cli import cli
from scraper.config import Config, Selectors, Site
from scraper.crawl.frontier import Frontier
from scraper.crawl.round import CrawlOptions, adhoc_site, crawl
from scraper.crawl.schedule import next_revisit
from scraper.models import Counts
from tests.conftest import local_settings, rows
from tests.server import LocalServer, Route
from tests.sitegen import ARTICLE_PATTERN, SELECTORS, SyntheticSite, mount


def make_config(**overrides: Any) -> Config:
    return Config(
        settings=local_settings(**{"crawl__per_host_concurrency": 4, "crawl__extract_processes": 0, **overrides})
    )


def make_site(base: str, **kwargs: Any) -> Site:
    fields: dict[str, Any] = {
        "name": "synth",
        "start_urls": (base + "/",),
        "selectors": Selectors(**SELECTORS),
        "article_pattern": ARTICLE_PATTERN,
        "allow_private": True,
    }
    fields.update(kwargs)
    return Site(**fields)


def run(config: Config, site: Site, db: Path, **options: Any) -> Counts:
    counts = asyncio.run(crawl(config, [site], db, options=CrawlOptions(**options)))
    return counts.get(site.name, Counts())


def article_paths(server: LocalServer) -> list[str]:
    return [s.path for s in server.log if s.path.endswith(".html")]


def test_crawl_archives_every_article_from_listings(server: LocalServer, db_path: Path) -> None:
    gen = SyntheticSite(n=40, per_page=5)
    base = mount(server, gen)
    counts = run(make_config(), make_site(base), db_path, max_depth=2, robots_sitemaps=False)
    # depth 2 from the home page: home -> section page 1 -> page 2; each section lists 5 per page
    reachable = {
        gen.article_path(i)
        for s in ("politics", "economy", "world", "culture", "science", "sport", "local", "opinion")
        for i in gen.section_items(s)[:10]
    }
    reachable |= {gen.article_path(i) for i in range(30, 40)}  # the home page's latest ten
    assert set(article_paths(server)) == reachable
    assert counts.new == len(reachable) == rows(db_path, "SELECT count(*) FROM articles")[0][0]
    titles = rows(db_path, "SELECT title, authors FROM articles LIMIT 1")[0]
    assert titles[0] and "[" in titles[1]


def test_every_request_is_accounted_for(server: LocalServer, db_path: Path) -> None:
    gen = SyntheticSite(n=30, per_page=10)
    mount(server, gen)
    run(make_config(), make_site(server.url("")), db_path)
    fetched = sorted(s.path for s in server.log)
    sql = "SELECT url FROM fetches WHERE outcome != 'disallowed'"  # disallowed URLs are logged, never requested
    logged = sorted(url.split(str(server.port), 1)[1] for (url,) in rows(db_path, sql))
    assert fetched == logged  # every request, and only requests: robots.txt, listings, feeds, sitemaps, articles
    outcomes = dict(rows(db_path, "SELECT outcome, count(*) FROM fetches GROUP BY outcome"))
    assert outcomes["new"] == 30 and outcomes["robots"] == 1 and outcomes["sitemap"] >= 2


def test_robots_disallowed_pages_are_never_fetched(server: LocalServer, db_path: Path) -> None:
    gen = SyntheticSite(n=10)
    mount(server, gen)
    site = make_site(server.url(""), article_pattern=r"/private/|" + ARTICLE_PATTERN)
    counts = run(make_config(), site, db_path)
    assert not [s for s in server.log if s.path.startswith("/private/")]
    assert counts.skipped == 1
    (state,) = rows(db_path, "SELECT state FROM frontier WHERE url LIKE '%/private/members'")[0]
    assert state == "disallowed"
    assert rows(db_path, "SELECT outcome FROM fetches WHERE url LIKE '%/private/%'") == [("disallowed",)]


def test_discovery_from_feed_and_sitemaps_alone(server: LocalServer, db_path: Path) -> None:
    gen = SyntheticSite(n=1200)
    mount(server, gen)
    base = server.url("")
    site = make_site(base, start_urls=(base + "/",), feeds=(base + "/feed.xml",))
    counts = run(make_config(), site, db_path, max_depth=0, max_pages=40)
    assert counts.fetched <= 41  # the budget, plus robots.txt
    kinds = dict(rows(db_path, "SELECT kind, count(*) FROM frontier GROUP BY kind"))
    assert kinds["article"] == 1200  # every article of both gzip sitemaps is queued
    assert kinds["sitemap"] == 4  # index, news sitemap, two gzip sitemaps
    published = rows(db_path, f"SELECT published FROM frontier WHERE url = '{base}{gen.article_path(1199)}'")
    assert published == [(gen.published(1199).isoformat(),)]  # from the Google News sitemap


def test_recrawl_sends_conditional_requests_and_304_adds_nothing(server: LocalServer, db_path: Path) -> None:
    gen = SyntheticSite(n=12)
    mount(server, gen)
    config, site = make_config(), make_site(server.url(""))
    first = run(config, site, db_path)
    server.log.clear()
    second = run(config, site, db_path, recheck_all=True)
    assert first.new == 12 and second.not_modified >= 12 and second.new == 0
    hits = [s for s in server.log if s.path.endswith(".html")]
    assert len(hits) == 12 and all(s.headers.get("if-none-match") for s in hits)
    assert rows(db_path, "SELECT count(*) FROM versions")[0][0] == 12
    assert rows(db_path, "SELECT count(*) FROM fetches WHERE outcome = 'not-modified'")[0][0] >= 12
    assert second.bytes < first.bytes * 0.05


def test_edited_article_makes_one_new_version(server: LocalServer, db_path: Path) -> None:
    gen = SyntheticSite(n=6)
    mount(server, gen)
    config, site = make_config(), make_site(server.url(""))
    run(config, site, db_path)
    gen.edit(3)
    counts = run(config, site, db_path, recheck_all=True)
    assert counts.changed == 1
    with Archive(db_path) as archive:
        versions = archive.versions(server.url(gen.article_path(3)))
    assert [v.version for v in versions] == [1, 2] and "Update 1:" in versions[1].body


def test_a_renamed_site_takes_over_what_its_old_name_archived(server: LocalServer, db_path: Path) -> None:
    """Renaming a site file (news.toml -> lokal.toml) left every known URL under the old name: the new
    name's rounds found nothing new, revisited nothing, and said nothing.  A site takes over the URLs
    on its domains whose name no site file has now; a site that still has its file keeps its own."""
    gen = SyntheticSite(n=6)
    mount(server, gen)
    old = make_site(server.url(""), name="news")
    run(make_config(), old, db_path)
    archived = rows(db_path, "SELECT count(*) FROM articles WHERE site='news'")[0][0]
    assert archived == 6
    renamed = replace(old, name="lokal")
    keeper = make_site(server.url(""), name="keeper", start_urls=(server.url("/politics/"),))
    both = replace(make_config(), sites=(renamed, keeper))
    gen.edit(3)
    counts = run(both, renamed, db_path, recheck_all=True)
    assert counts.changed == 1  # the old name's articles are revisited under the new one
    assert rows(db_path, "SELECT DISTINCT site FROM articles") == [("lokal",)]
    assert rows(db_path, "SELECT count(*) FROM frontier WHERE site != 'lokal'") == [(0,)]
    # a site with its own file is never taken from: the keeper's URLs stay the keeper's
    run(both, keeper, db_path)
    kept = rows(db_path, "SELECT count(*) FROM frontier WHERE site='keeper'")[0][0]
    run(both, renamed, db_path)
    assert kept > 0 and rows(db_path, "SELECT count(*) FROM frontier WHERE site='keeper'")[0][0] == kept


def test_interrupted_crawl_resumes_without_refetching(server: LocalServer, db_path: Path) -> None:
    gen = SyntheticSite(n=60)
    mount(server, gen)
    config, site = make_config(), make_site(server.url(""))
    first = run(config, site, db_path, max_pages=25)
    assert first.fetched <= 26
    while run(config, site, db_path).new:
        pass
    fetched = article_paths(server)
    assert len(fetched) == len(set(fetched)) == 60  # each article exactly once over all rounds
    assert rows(db_path, "SELECT count(*) FROM versions")[0][0] == 60


def test_stop_event_ends_the_round_between_pages(server: LocalServer, db_path: Path) -> None:
    gen = SyntheticSite(n=40)
    mount(server, gen)

    async def go() -> dict[str, dict[str, int]]:
        stop = asyncio.Event()
        task = asyncio.create_task(crawl(make_config(), [make_site(server.url(""))], db_path, stop=stop))
        while len(article_paths(server)) < 5:
            await asyncio.sleep(0.01)
        stop.set()
        return await task

    counts = asyncio.run(go())["synth"]
    assert 5 <= counts.new < 40
    due = rows(db_path, "SELECT count(*) FROM frontier WHERE kind = 'article' AND state = 'queued'")[0][0]
    assert due + counts.new == 40  # the rest stays due for the next round


def test_no_request_goes_out_after_the_stop(server: LocalServer, db_path: Path) -> None:
    """SIGTERM sets `stop`: requests already handed to a host worker, waiting for the host's turn
    (`min_delay`), went out after it anyway, one per delay, for seconds.  None goes out now; they stay due."""
    import time

    mount(server, SyntheticSite(n=12))
    config = make_config(crawl__min_delay=0.3, crawl__per_host_concurrency=4)

    async def go() -> float:
        stop = asyncio.Event()
        task = asyncio.create_task(crawl(config, [make_site(server.url(""))], db_path, stop=stop))
        while len(server.log) < 8:  # robots.txt, the home page, and the first pages it links to
            await asyncio.sleep(0.01)
        stop.set()
        stopped = time.monotonic()
        await task
        return stopped

    stopped = asyncio.run(go())
    # a request sent just before the stop may reach the server after it (on a loaded machine, late):
    # allow one; those waiting for their turn went out 0.3 s apart, so they would be two or more
    late = [s.path for s in server.log if s.at > stopped + 0.2]
    assert len(late) <= 1, late
    assert rows(db_path, "SELECT count(*) FROM frontier WHERE state = 'queued'")[0][0] > 10  # still due


def test_a_status_the_error_names_is_not_said_twice(
    server: LocalServer, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The log said "robots http://.../robots.txt (HTTP 404): HTTP 404 Not Found"."""
    import logging

    mount(server, SyntheticSite(n=3))
    server.routes["/robots.txt"] = Route(b"nothing here", status=404)
    with caplog.at_level(logging.INFO, logger="scraper.crawl"):
        run(make_config(), make_site(server.url("")), db_path)
    [line] = [r.getMessage() for r in caplog.records if "/robots.txt" in r.getMessage()]
    after_url = line.split("/robots.txt", 1)[1]  # the port may itself hold "404"
    assert after_url == ": HTTP 404 Not Found", line


def test_private_addresses_refused_unless_allowed(server: LocalServer, db_path: Path) -> None:
    mount(server, SyntheticSite(n=3))
    counts = run(make_config(), make_site(server.url(""), allow_private=False), db_path)
    assert server.log == [] and counts.errors >= 1
    (error,) = rows(db_path, "SELECT error FROM fetches LIMIT 1")[0]
    assert "private or loopback" in error


def test_not_found_article_is_gone_and_never_retried(server: LocalServer, db_path: Path) -> None:
    server.routes["/robots.txt"] = Route(b"", status=404)
    server.routes["/"] = Route(b'<html><body><a href="/2024/01/01/a-missing-story-here-1.html">x</a></body></html>')
    config, site = make_config(), make_site(server.url(""))
    run(config, site, db_path)
    run(config, site, db_path)
    assert len(server.hits("/2024/01/01/a-missing-story-here-1.html")) == 1
    assert rows(db_path, "SELECT state FROM frontier WHERE url LIKE '%missing%'") == [("gone",)]


def test_revisit_schedule_thins_out_with_age() -> None:
    schedule = ((900.0, 6 * 3600.0), (3600.0, 2 * 86400.0), (86400.0, 14 * 86400.0))
    now = 1_000_000_000.0
    assert next_revisit(schedule, now, now - 60) == now + 900
    assert next_revisit(schedule, now, now - 7 * 3600) == now + 3600
    assert next_revisit(schedule, now, now - 3 * 86400) == now + 86400
    assert next_revisit(schedule, now, now - 30 * 86400) is None
    assert next_revisit(schedule, now, now, published="1990-01-01T00:00:00+00:00") is None  # old story
    assert next_revisit((), now, now) is None


def test_revisits_are_scheduled_from_the_site_setting(server: LocalServer, db_path: Path) -> None:
    mount(server, SyntheticSite(n=2))
    site = make_site(server.url(""), revisit=((60.0, 10 * 365 * 86400.0),))
    run(make_config(), site, db_path)
    gaps = rows(db_path, "SELECT next_due - last_fetched FROM frontier WHERE kind = 'article'")
    assert gaps and all(59 < gap < 61 for (gap,) in gaps)


def test_cli_adhoc_crawl_and_summary(server: LocalServer, tmp_path: Path) -> None:
    gen = SyntheticSite(n=8)
    mount(server, gen)
    config = tmp_path / "config"
    (config / "sites").mkdir(parents=True)
    (config / "settings.toml").write_text("[crawl]\nmin_delay = 0\n", encoding="utf-8")
    db = tmp_path / "a.db"
    args = ["crawl", server.url("/"), "--db", str(db), "--config", str(config), "--sitemap", "--no-progress"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"127.0.0.1:{server.port}: " in result.output and "8 new" in result.output
    with Archive(db) as archive:
        assert Frontier(archive).counts()["done"] >= 8


def test_cli_crawl_unknown_site_is_a_usage_error(tmp_path: Path, config_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["crawl", "nope", "--config", str(config_dir), "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 2 and "no site named 'nope'" in result.output


def test_one_broken_site_file_blinds_neither_status_nor_another_sites_round(
    server: LocalServer, tmp_path: Path
) -> None:
    """A typo in one site's file stopped every command, `status` too; the rounds of the other sites,
    and a look at the archive, now run past it with a warning, and only the broken site waits."""
    mount(server, SyntheticSite(n=4))
    config = tmp_path / "config"
    (config / "sites").mkdir(parents=True)
    (config / "settings.toml").write_text("[crawl]\nmin_delay = 0\n", encoding="utf-8")
    (config / "sites" / "synth.toml").write_text(
        f'name = "synth"\nstart_urls = ["{server.url("/")}"]\nallow_private = true\n'
        f"article_pattern = '{ARTICLE_PATTERN}'\n",
        encoding="utf-8",
    )
    (config / "sites" / "gazette.toml").write_text(
        'name = "gazette"\nstart_urls = ["https://gazette.example/"]\ncron = "every morning"\n', encoding="utf-8"
    )
    db = tmp_path / "a.db"
    args = ["--db", str(db), "--config", str(config)]
    invoke = CliRunner().invoke
    said = "gazette.toml: cron: bad cron expression 'every morning'"

    everything = invoke(cli, ["crawl", "--no-progress", *args])  # every site's round: the broken one too
    assert everything.exit_code == 2 and said in everything.stderr and not db.exists()
    own = invoke(cli, ["crawl", "gazette", "--no-progress", *args])  # the broken site's round waits for its file
    assert own.exit_code == 2 and said in own.stderr and "no site named" not in own.output
    unknown = invoke(cli, ["crawl", "nosuch", "--no-progress", *args])
    assert unknown.exit_code == 2 and "no site named 'nosuch'" in unknown.output and "(sites: synth)" in unknown.output

    other = invoke(cli, ["crawl", "synth", "--no-progress", *args])
    assert other.exit_code == 0, other.output
    assert f"warning: site 'gazette' skipped: {config / 'sites'}/{said}" in other.stderr
    assert rows(db, "SELECT site, status FROM runs") == [("synth", "ok")]

    status = invoke(cli, ["status", *args])
    assert status.exit_code == 0, status.output
    assert "gazette" in status.stdout and "next run: none until its site file loads: " in status.stdout
    assert said in status.stderr
    report = json.loads(invoke(cli, ["status", "--json", *args]).stdout)
    assert said in report["sites"]["gazette"]["config_error"] and report["sites"]["synth"]["config_error"] is None


def test_adhoc_site_allows_only_a_private_host_it_was_given() -> None:
    local = adhoc_site("http://127.0.0.1:8000/news")
    assert not local.allow_private and local.trusted == (("127.0.0.1", 8000),) and local.port == 8000
    assert local.owns("http://127.0.0.1:8000/a") and not local.owns("http://127.0.0.1:8001/a")
    public = adhoc_site("https://news.example/")
    assert not public.allow_private and public.trusted == () and public.port == 443
    with pytest.raises(ValueError):
        adhoc_site("ftp://x/")


def test_site_revisit_key_is_validated(tmp_path: Path) -> None:
    from scraper.config import load_site
    from scraper.errors import ConfigError

    path = tmp_path / "s.toml"
    base = 'name = "s"\nstart_urls = ["https://s.test/"]\n'
    path.write_text(base + 'revisit = "10m for 1h, 1h for 1d"\nlink_selector = "a.story"\n', encoding="utf-8")
    site = load_site(path)
    assert site.revisit == ((600.0, 3600.0), (3600.0, 86400.0)) and site.link_selector == "a.story"
    path.write_text(base + 'revisit = "never"\n', encoding="utf-8")
    assert load_site(path).revisit == ()
    for bad in ('"1h for 1d, 1m for 1h"', '"every 5 minutes"', "5"):
        path.write_text(base + f"revisit = {bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="revisit"):
            load_site(path)


def test_a_whole_round_keeps_the_host_pace(server: LocalServer, db_path: Path) -> None:
    mount(server, SyntheticSite(n=8))
    run(make_config(crawl__min_delay=0.15, crawl__per_host_concurrency=3), make_site(server.url("")), db_path)
    at = sorted(s.at for s in server.log)
    gaps = [b - a for a, b in pairwise(at)]
    # arrival times jitter with thread scheduling on a loaded machine; the pace shows in the whole run,
    # and a late request can shorten the next gap, but never bunch three requests into one delay
    assert len(at) >= 12 and (at[-1] - at[0]) / (len(at) - 1) >= 0.15 * 0.85, gaps
    assert all(c - a >= 0.15 for a, c in zip(at, at[2:], strict=False)), gaps


def test_a_dead_site_fails_loudly(tmp_path: Path, config_dir: Path) -> None:
    import json
    import socket

    with socket.socket() as sock:  # a port nobody listens on: connection refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (config_dir / "sites" / "dead.toml").write_text(
        f'name = "dead"\nstart_urls = ["http://127.0.0.1:{port}/"]\nallow_private = true\n', encoding="utf-8"
    )
    db = tmp_path / "a.db"
    args = ["--db", str(db), "--config", str(config_dir)]
    result = CliRunner().invoke(cli, ["crawl", "dead", "--no-progress", *args])
    assert result.exit_code == 1, result.output
    assert "dead: round failed: site unreachable: robots.txt unreachable: connection refused" in result.output
    assert "0 disallowed" in result.output  # an unreachable robots.txt is not a disallowed page
    assert rows(db, "SELECT status, error FROM runs") == [
        ("failed", "site unreachable: robots.txt unreachable: connection refused")
    ]
    assert rows(db, "SELECT count(*) FROM fetches WHERE outcome = 'disallowed'") == [(0,)]
    assert rows(db, "SELECT state FROM frontier") == [("queued",)]  # still due: tried again next round
    status = CliRunner().invoke(cli, ["status", *args])
    assert "state: failing: site unreachable" in status.output
    report = json.loads(CliRunner().invoke(cli, ["status", "--json", *args]).stdout)
    assert report["sites"]["dead"]["state"] == "failing"


def test_most_requests_failing_is_a_failed_round_and_a_few_404s_are_not(server: LocalServer, db_path: Path) -> None:
    from scraper.archive.runs import Run

    gen = SyntheticSite(n=8)
    mount(server, gen)
    site = make_site(server.url(""))
    with Run(db_path, [site.name]) as ok:
        ok.counts = asyncio.run(crawl(make_config(), [site], db_path, options=CrawlOptions()))
    assert ok.failures == {} and ok.counts["synth"].errors > 0  # the footer's /about/ links are 404s
    assert ok.counts["synth"].not_found == ok.counts["synth"].errors  # and said to be: the site answering
    for path in server.routes:  # now everything but robots.txt answers 503
        if path != "/robots.txt":
            server.routes[path] = Route(b"busy", status=503)
    config = make_config(fetch__retries=0, crawl__host_failures=1000)
    with Run(db_path, [site.name]) as bad:
        bad.counts = asyncio.run(crawl(config, [site], db_path, options=CrawlOptions(recheck_all=True)))
    reason = bad.failures["synth"]
    assert "requests failed (first: HTTP 503" in reason
    assert rows(db_path, "SELECT status FROM runs ORDER BY id") == [("ok",), ("failed",)]


def test_a_changed_revisit_schedule_replans_known_articles(server: LocalServer, db_path: Path) -> None:
    """Editing `revisit` takes effect on the next round for articles already known, not only new ones."""
    import time

    from scraper.config import parse_revisit

    gen = SyntheticSite(n=6)
    mount(server, gen)
    config = make_config()
    daily = make_site(server.url(""), revisit=parse_revisit("1d for 90d"))
    assert run(config, daily, db_path).new == 6
    server.log.clear()
    run(config, daily, db_path)
    assert article_paths(server) == []  # none due for a day
    often = make_site(server.url(""), revisit=parse_revisit("1s for 90d"))
    time.sleep(1.2)  # one step of the new schedule after the last fetch
    run(config, often, db_path)
    assert len(article_paths(server)) == 6  # each asked once more (a 304 each)
    server.log.clear()
    never = make_site(server.url(""), revisit=parse_revisit("never"))
    time.sleep(1.2)
    run(config, never, db_path)
    assert article_paths(server) == []
    assert rows(db_path, "SELECT count(*) FROM frontier WHERE kind = 'article' AND next_due IS NOT NULL") == [(0,)]


def test_links_of_a_result_made_before_the_cursor_are_still_due_in_this_round(db_path: Path) -> None:
    """A listing's result can be written after results made later (another host worker, or a worker
    machine whose clock runs behind, reported first). Its new links must sort after the dispatcher's
    keyset cursor, which already passed the time the listing was fetched: dated by the listing's
    fetch, they sat before the cursor and the round ended with them never handed out."""
    import time

    from scraper.crawl.frontier import Task
    from scraper.crawl.round import start_writer
    from scraper.crawl.writer import Result
    from scraper.discover import Link
    from scraper.models import PageKind

    site = make_site("http://127.0.0.1:9")
    writer = start_writer(make_config(), [site], db_path, None)
    now = time.time()
    cursor = (now, "http://127.0.0.1:9/a/9.html")  # an article due now was handed out last
    listing = Task("http://127.0.0.1:9/", site.name, PageKind.LISTING, 0, now - 60)
    found = Link("http://127.0.0.1:9/a/1.html", PageKind.ARTICLE, 1)

    async def write() -> None:
        await writer.put(Result(listing, links=(found,), at=now - 30))  # fetched half a minute ago
        await writer.close()

    asyncio.run(write())
    with Archive(db_path) as archive:
        due = Frontier(archive).due(site.name, time.time() + 1, cursor, 10)
    assert [t.url for t in due] == [found.url]


def test_a_start_url_another_site_already_crawls_is_named_not_skipped_in_silence(
    server: LocalServer, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A URL belongs to one site. A second site file whose start URL the first site's crawl already
    found ran rounds that did nothing and said "ok"; the round now says whose the URL is."""
    import logging

    gen = SyntheticSite(n=10, per_page=5)
    base = mount(server, gen)
    section = base + "/section/politics/"
    first, second = make_site(base), make_site(base, name="politics", start_urls=(section,))
    config = replace(make_config(), sites=(first, second))  # both site files are there
    run(config, first, db_path, max_depth=1, robots_sitemaps=False)
    assert rows(db_path, f"SELECT site FROM frontier WHERE url='{section}'") == [("synth",)]
    with caplog.at_level(logging.WARNING, logger="scraper.crawl"):
        run(config, second, db_path, robots_sitemaps=False)
    said = [r.getMessage() for r in caplog.records if "already crawled as site" in r.getMessage()]
    assert said == [f"site politics: {section} is already crawled as site synth; it is fetched in that site's rounds"]
