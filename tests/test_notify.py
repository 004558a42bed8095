"""Alerts: a crawl that sees an edit (or a removed comment) sends one Apprise message to a real local
JSON endpoint, after the save, without holding the crawl up when the endpoint is slow or dead."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.archive.store import SaveResult
from scraper.cli import cli
from scraper.config import load_config
from scraper.crawl.round import CrawlOptions, crawl
from scraper.models import Outcome, VersionKind
from scraper.notify import Alert, Notifier, alert_for
from tests.server import LocalServer, Route

pytest.importorskip("apprise")

ARTICLE = """<html lang="en"><head><title>{title}</title></head><body><article><h1>{title}</h1>
<div class="body">{body}</div>
<ol class="comments">{comments}</ol></article></body></html>"""
PARAS = [
    "The council approved the budget on Tuesday after a long debate about the new tram line.",
    "Spending on public transport rises by twelve percent, the mayor said in a statement.",
    "Opposition councillors voted against the plan, which they called optimistic.",
]


def page(title: str, paras: list[str], comments: list[str]) -> bytes:
    return ARTICLE.format(
        title=title,
        body="".join(f"<p>{p}</p>" for p in paras),
        comments="".join(f'<li class="comment" id="c{i}"><p class="text">{c}</p></li>' for i, c in enumerate(comments)),
    ).encode()


def site_file(config: Path, server: LocalServer, hook: str) -> None:
    server.routes["/"] = Route(b'<html><body><a href="/story">Budget</a></body></html>')
    (config / "sites" / "local.toml").write_text(
        f"""name = "local"
start_urls = ["{server.url("/")}"]
article_pattern = "/story$"
allow_private = true
notify = ["json://127.0.0.1:{server.port}{hook}"]
[selectors]
title = "h1"
body = ".body"
comments = "li.comment"
[selectors.comment]
id = "@id"
text = ".text"
""",
        encoding="utf-8",
    )


def crawl_once(config_dir: Path, db: Path) -> dict[str, dict[str, int]]:
    config = load_config(config_dir)
    return asyncio.run(crawl(config, config.sites, db, options=CrawlOptions(recheck_all=True)))


def posts(server: LocalServer, path: str) -> list[dict[str, object]]:
    return [json.loads(s.body) for s in server.hits(path) if s.method == "POST"]


def test_an_edit_sends_one_message_with_headline_summary_and_link(
    server: LocalServer, db_path: Path, config_dir: Path
) -> None:
    server.routes["/hook"] = Route(b"{}", content_type="application/json")
    server.routes["/story"] = Route(page("Council approves budget", PARAS, ["First!", "Spam spam"]))
    site_file(config_dir, server, "/hook")
    assert CliRunner().invoke(cli, ["check", "--config", str(config_dir)]).exit_code == 0

    crawl_once(config_dir, db_path)
    assert posts(server, "/hook") == []  # a first version is not an edit

    edited = [*PARAS[:1], PARAS[1].replace("twelve", "nine"), *PARAS[2:]]
    server.routes["/story"] = Route(page("Council approves budget after debate", edited, ["First!"]))
    crawl_once(config_dir, db_path)
    [message] = posts(server, "/hook")
    assert message["title"] == "Headline changed · 1 comment removed: Council approves budget after debate"
    body = str(message["message"])
    assert "v2: +1 −1 words (1 sentence changed), headline changed" in body
    assert server.url("/story") in body and "1 reader comment removed" in body

    crawl_once(config_dir, db_path)  # nothing changed: nothing sent
    assert len(posts(server, "/hook")) == 1


def test_a_dead_or_slow_endpoint_never_blocks_the_crawl(server: LocalServer, db_path: Path, config_dir: Path) -> None:
    server.routes["/slow"] = Route(b"{}", content_type="application/json", delay=3.0)
    server.routes["/story"] = Route(page("Budget", PARAS, []))
    site_file(config_dir, server, "/slow")
    crawl_once(config_dir, db_path)
    server.routes["/story"] = Route(page("Budget", PARAS[:2], []))
    started = time.monotonic()
    counts = crawl_once(config_dir, db_path)
    assert counts["local"].changed == 1
    # the crawl waits at its end for queued alerts, bounded; it never waited for one during the round
    assert time.monotonic() - started < 15
    assert len(posts(server, "/slow")) == 1


def test_the_queue_is_bounded_and_failures_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    notifier = Notifier(maxsize=1)
    dead = Alert(("json://127.0.0.1:9/nowhere",), "t", "b")  # port 9: nothing listens
    results = [notifier.send(dead) for _ in range(20)]
    notifier.close(timeout=20)
    assert results[0] is True and False in results  # the full queue dropped alerts instead of waiting
    assert notifier.dropped >= 1 and notifier.failed >= 1
    assert "alert" in caplog.text


def test_messages_only_for_edits_and_removed_comments() -> None:
    assert alert_for("s", "T", "https://x/", SaveResult(Outcome.NEW, 1, 1)) is None
    assert alert_for("s", "T", "https://x/", SaveResult(Outcome.UNCHANGED, 1, 1)) is None
    found = alert_for("s", "T", "https://x/", SaveResult(Outcome.UNCHANGED, 1, 1, removed_comments=2))
    assert found is not None
    title, body = found
    assert title == "2 comments removed: T" and "https://x/" in body
    from scraper.archive.changes import change_stats

    change = change_stats({"title": "T", "body": "one two"}, {"title": "T", "body": "one two three"})
    edit = SaveResult(Outcome.CHANGED, 2, 1, change=change, kind=VersionKind.FETCH)
    assert alert_for("s", "T", "https://x/", edit) is not None
    ours = SaveResult(Outcome.CHANGED, 2, 1, change=change, kind=VersionKind.REEXTRACT)
    assert alert_for("s", "T", "https://x/", ours) is None  # the page did not change: our extraction did


def test_check_reports_bad_notify_urls(config_dir: Path) -> None:
    (config_dir / "sites" / "a.toml").write_text(
        'name = "a"\nstart_urls = ["https://a.example/"]\nnotify = ["nosuchscheme://x", "json://localhost/ok"]\n'
    )
    (config_dir / "settings.toml").write_text('[alerts]\nnotify = ["alsobad://y"]\n')
    result = CliRunner().invoke(cli, ["check", "--config", str(config_dir)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and "alerts.notify[0]" in lines[0] and "notify[0]" in lines[1]
