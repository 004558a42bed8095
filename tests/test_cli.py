"""`scraper fetch / history / diff` end to end: a real local server, real fixture pages, a real archive."""

from __future__ import annotations

import itertools
import json
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scraper.cli import cli
from tests import faults
from tests.conftest import rows, write_site_file
from tests.server import PAGES, LocalServer, Route

WIX = (PAGES / "wix-blog-post-fr.html").read_text(encoding="utf-8")
WORDPRESS = (PAGES / "wordpress-post-fr.html").read_text(encoding="utf-8")
WIX_TITLE = "Corée du Nord/Russie: Kim Jong-un et Vladimir Poutine signent un accord de partenariat stratégique"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def fetch_json(url: str, db: Path, config: Path) -> dict:
    result = run("fetch", url, "--json", "--db", str(db), "--config", str(config))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def serve(server: LocalServer, path: str, html: str, **kw: object) -> str:
    server.routes[path] = Route(html.encode("utf-8"), **kw)  # type: ignore[arg-type]
    return server.url(path)


def test_fetch_wix_post_json_contract(server: LocalServer, db_path: Path, config_dir: Path) -> None:
    url = serve(server, "/post/coree-du-nord-russie-accord", WIX)
    data = fetch_json(url, db_path, config_dir)
    assert list(data) == [
        "url",
        "canonical_url",
        "title",
        "authors",
        "published",
        "modified",
        "lang",
        "body",
        "comments",
        "archive",
    ]
    assert data["title"] == WIX_TITLE
    assert data["authors"] == ["Ludeny Phedjyna Eugene"]
    assert data["published"].startswith("2024-06-20")
    assert data["lang"] == "fr"
    assert data["comments"] == []
    assert data["archive"] == {"status": "new", "version": 1}
    body = data["body"]
    assert body.startswith("Vladimir Poutine est arrivé, avec un long retard")
    assert "Un accord de « défense mutuelle »" in body
    assert "\n\nLa guerre en Ukraine au centre de la rencontre\n\n" in body
    assert body.rstrip().endswith("puissance de médiation dans la région.")
    for noise in ("top of page", "bottom of page", "min de lecture", "Commentaires", "Photo du rédacteur"):
        assert noise not in body


def test_fetch_prints_a_summary(server: LocalServer, db_path: Path, config_dir: Path) -> None:
    url = serve(server, "/post/x", WIX)
    result = run("fetch", url, "--db", str(db_path), "--config", str(config_dir))
    assert result.exit_code == 0
    assert result.output.startswith("new · version 1")
    assert WIX_TITLE in result.output and "Ludeny Phedjyna Eugene" in result.output


def test_version_rules_end_to_end(server: LocalServer, db_path: Path, config_dir: Path) -> None:
    url = serve(server, "/post/x", WIX)
    assert fetch_json(url, db_path, config_dir)["archive"] == {"status": "new", "version": 1}
    assert fetch_json(url, db_path, config_dir)["archive"] == {"status": "unchanged", "version": 1}
    # noise only: other scripts, another tracking id, extra whitespace
    noisy = WIX.replace("</head>", "<script>window.__ab = 'variant-b';</script></head>", 1).replace(
        "Vladimir Poutine sait se faire désirer", "Vladimir   Poutine sait  se faire désirer", 1
    )
    serve(server, "/post/x", noisy)
    assert fetch_json(url, db_path, config_dir)["archive"] == {"status": "unchanged", "version": 1}
    # a real edit of the body
    edited = WIX.replace("Vladimir Poutine sait se faire désirer", "Le président russe s'est fait attendre", 1)
    serve(server, "/post/x", edited)
    assert fetch_json(url, db_path, config_dir)["archive"] == {"status": "changed", "version": 2}
    assert fetch_json(url, db_path, config_dir)["archive"] == {"status": "unchanged", "version": 2}
    assert rows(db_path, "SELECT count(*) FROM versions") == [(2,)]
    assert rows(db_path, "SELECT outcome FROM fetches ORDER BY id") == [
        ("new",),
        ("unchanged",),
        ("unchanged",),
        ("changed",),
        ("unchanged",),
    ]

    history = json.loads(run("history", url, "--json", "--db", str(db_path)).stdout)
    assert [(v["version"], v["title"]) for v in history] == [(1, WIX_TITLE), (2, WIX_TITLE)]
    assert set(history[0]) == {"version", "first_seen", "last_seen", "content_hash", "title", "kind", "change"}
    assert history[0]["kind"] == "fetch" and history[1]["change"]["words_added"] >= 1
    assert history[0]["content_hash"] != history[1]["content_hash"]

    diff = json.loads(run("diff", url, "--json", "--db", str(db_path)).stdout)
    assert (diff["from"]["version"], diff["to"]["version"]) == (1, 2)
    deleted = "".join(c["text"] for c in diff["body"] if c["op"] == "delete")
    inserted = "".join(c["text"] for c in diff["body"] if c["op"] == "insert")
    assert "sait se faire désirer" in deleted and "s'est fait attendre" in inserted
    assert "Pyongyang" not in deleted + inserted

    text = run("diff", url, "--db", str(db_path))
    assert text.exit_code == 0
    assert "[-" in text.output and "{+" in text.output and "unchanged words" in text.output


def test_wordpress_threaded_comments_and_removal(server: LocalServer, db_path: Path, config_dir: Path) -> None:
    url = serve(server, "/2024/03/12/vendanges-precoces-bordelais/", WORDPRESS)
    data = fetch_json(url, db_path, config_dir)
    comments = {c["id"]: c for c in data["comments"]}
    assert len(comments) >= 4
    replies = [c for c in comments.values() if c["parent_id"]]
    assert replies and all(r["parent_id"] in comments for r in replies)
    assert all(c["author"] and c["text"] for c in comments.values())
    assert all(c["text"] not in data["body"] for c in comments.values())
    # a moderator removes one comment: it is marked, not deleted, and no article version is added
    gone = replies[-1]["id"]
    start = WORDPRESS.index(f'id="comment-{gone}"')
    li_start = WORDPRESS.rindex("<li", 0, start)
    li_end = WORDPRESS.index("</li>", start) + len("</li>")
    serve(server, "/2024/03/12/vendanges-precoces-bordelais/", WORDPRESS[:li_start] + WORDPRESS[li_end:])
    said = run("fetch", url, "--db", str(db_path), "--config", str(config_dir))
    assert said.exit_code == 0 and "unchanged · version 1 · 1 comment removed from the page" in said.output
    assert rows(db_path, "SELECT key FROM comments WHERE removed_at IS NOT NULL") == [(gone,)]
    assert rows(db_path, "SELECT count(*) FROM comments") == [(len(comments),)]
    again = fetch_json(url, db_path, config_dir)["archive"]  # nothing more removed: nothing said
    assert again["status"] == "unchanged" and "removed_comments" not in again


def test_windows_1252_page_decodes_right(server: LocalServer, db_path: Path, config_dir: Path) -> None:
    server.page("/fr", "cp1252-fr-nometa.html", content_type="text/html")
    data = fetch_json(server.url("/fr"), db_path, config_dir)
    text = data["title"] + data["body"]
    assert "é" in text and "Ã" not in text and "\ufffd" not in text


def test_no_store_writes_nothing(server: LocalServer, db_path: Path, config_dir: Path) -> None:
    url = serve(server, "/post/x", WIX)
    result = run("fetch", url, "--json", "--no-store", "--db", str(db_path), "--config", str(config_dir))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["archive"] is None
    assert not db_path.exists()


def test_db_from_environment(server: LocalServer, db_path: Path, config_dir: Path) -> None:
    url = serve(server, "/post/x", WIX)
    result = run("fetch", url, "--config", str(config_dir), env={"SCRAPER_DB": str(db_path)})
    assert result.exit_code == 0 and db_path.exists()


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        (Route(b"<html><body>gone</body></html>", status=404), "HTTP 404"),
        (Route(b"<html><body>oops</body></html>", status=503), "HTTP 503"),
        (Route(b"%PDF-1.4", content_type="application/pdf"), "not HTML"),
        (Route(b"<html>" + b"x" * 20_000 + b"</html>"), "cap"),
        (Route(b"<html></html>", delay=1.0), "read timeout"),
    ],
)
def test_expected_failures_give_one_line_and_a_fetch_row(
    server: LocalServer, db_path: Path, config_dir: Path, route: Route, reason: str
) -> None:
    fast_retries(config_dir, "max_bytes = 10000\nread_timeout = 0.3\n")
    server.routes["/a"] = route
    url = server.url("/a")
    result = run("fetch", url, "--db", str(db_path), "--config", str(config_dir))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and url in lines[0] and reason in lines[0]
    assert "Traceback" not in result.output
    assert rows(db_path, "SELECT url, outcome, error IS NOT NULL FROM fetches") == [(url, "error", 1)]


@pytest.mark.parametrize(
    ("path", "route", "outcome", "reason"),
    [
        ("/gone", Route(b"<html><body>gone</body></html>", status=404), "error", "HTTP 404"),
        ("/private/x", Route(b"<html></html>"), "disallowed", "robots.txt disallows it"),
        (
            "/index",
            Route(
                (
                    "<html><body>" + "".join(f'<a href="/a{i}">Story {i}</a>' for i in range(60)) + "</body></html>"
                ).encode()
            ),
            "not-article",
            "index",
        ),
    ],
)
def test_fetch_json_prints_one_object_when_it_fails(
    server: LocalServer, db_path: Path, config_dir: Path, path: str, route: Route, outcome: str, reason: str
) -> None:
    """Scripts that read --json get an object with the outcome and reason, not an empty stdout."""
    server.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.routes[path] = route
    url = server.url(path)
    result = CliRunner().invoke(cli, ["fetch", url, "--json", "--db", str(db_path), "--config", str(config_dir)])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["url"] == url and data["outcome"] == outcome and reason in data["error"] and data["archive"] is None
    assert len(result.stderr.strip().splitlines()) == 1
    assert (url, outcome) in rows(db_path, "SELECT url, outcome FROM fetches")
    # asked for later, the URL is not archived, and what became of it is said
    said = run("history", url, "--db", str(db_path))
    assert said.exit_code == 1 and f"{url} is not in the archive" in said.output
    assert f": {outcome}: " in said.output and reason in said.output, said.output


def test_connection_refused_exits_1(db_path: Path, config_dir: Path) -> None:
    import socket

    fast_retries(config_dir)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run("fetch", f"http://127.0.0.1:{port}/x", "--db", str(db_path), "--config", str(config_dir))
    assert result.exit_code == 1 and "connection refused" in result.output


def test_history_says_when_the_page_is_gone(server: LocalServer, db_path: Path, config_dir: Path) -> None:
    url = serve(server, "/post/coree-du-nord-russie-accord", WIX)
    fetch_json(url, db_path, config_dir)
    out = run("history", url, "--db", str(db_path)).output
    assert out.count("\n") == 2 and "gone" not in out  # live: the versions, nothing more
    server.routes["/post/coree-du-nord-russie-accord"] = Route(b"<html><body>Gone</body></html>", status=410)
    assert run("fetch", url, "--db", str(db_path), "--config", str(config_dir)).exit_code == 1
    out = run("history", url, "--db", str(db_path)).output
    # the archived text is all that is left, and history said nothing of it (the article page did)
    (checked,) = rows(db_path, "SELECT last_checked FROM articles")[0]
    assert out.splitlines()[-1] == f"gone: the page answered 404 or 410 (last checked {checked})"
    assert len(json.loads(run("history", url, "--json", "--db", str(db_path)).stdout)) == 1  # JSON unchanged


def test_an_archived_url_that_now_redirects_to_another_article_is_moved(
    server: LocalServer, db_path: Path, config_dir: Path
) -> None:
    """A story's old address starts answering 301 to another archived story: the fetch saves the one it
    lands on, and the old row is `moved` (no longer a live second copy in listings), which `history`
    of the old address says, with where it goes now."""
    old = serve(server, "/post/coree-du-nord-russie-accord", WIX.replace('rel="canonical"', 'rel="x-canonical"'))
    new = serve(server, "/2024/wordpress-post", WORDPRESS.replace('rel="canonical"', 'rel="x-canonical"'))
    fetch_json(old, db_path, config_dir)
    fetch_json(new, db_path, config_dir)
    server.routes["/post/coree-du-nord-russie-accord"] = Route(b"", status=301, headers={"Location": new})
    assert fetch_json(old, db_path, config_dir)["archive"]["status"] == "unchanged"  # the story it lands on
    states = dict(rows(db_path, "SELECT url, state FROM articles"))
    assert states == {old: "moved", new: "live"}
    (checked,) = rows(db_path, f"SELECT last_checked FROM articles WHERE url='{old}'")[0]
    out = run("history", old, "--db", str(db_path)).output
    assert out.splitlines()[-1] == f"moved: the page now redirects to {new} (last checked {checked})"
    assert "moved" not in run("history", new, "--db", str(db_path)).output


def test_history_of_unknown_url(db_path: Path) -> None:
    from scraper.archive.store import Archive

    Archive(db_path).close()
    result = run("history", "https://nowhere.example/", "--db", str(db_path))
    assert result.exit_code == 1 and "not in the archive" in result.output


def test_a_link_with_tracking_tags_names_the_article_already_archived(
    server: LocalServer, db_path: Path, config_dir: Path
) -> None:
    """A link pasted from social media (utm_*, fbclid, a fragment, an upper-case scheme) is the same
    article: no second row, and `history` / `diff` find it by any of those forms."""
    url = serve(server, "/post/coree-du-nord-russie-accord", WIX)  # its rel=canonical is another host
    assert fetch_json(url, db_path, config_dir)["archive"] == {"status": "new", "version": 1}
    tagged = url.replace("http://", "HTTP://") + "?utm_source=twitter&fbclid=IwAR0x#top"
    again = fetch_json(tagged, db_path, config_dir)
    assert again["archive"] == {"status": "unchanged", "version": 1}
    assert rows(db_path, "SELECT url FROM articles") == [(url,)]
    for form in (tagged, url + "#comments", url):
        result = run("history", form, "--db", str(db_path))
        assert result.exit_code == 0 and result.output.startswith("v1 "), (form, result.output)
    summary = run("fetch", tagged, "--db", str(db_path), "--config", str(config_dir))
    assert f"  URL:        {url}\n" in summary.output  # what history finds it by, not the other host
    assert "  Canonical:  https://www.haiti-actu-monde.com/" in summary.output


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("htp://example.com/a", "did you mean http://example.com/a?"),
        ("hxxps://example.com/a", "did you mean https://example.com/a?"),
        ("http://example..com/a", "has no usable host name"),
        ("http://.example.com/a", "has no usable host name"),
    ],
)
def test_a_mistyped_url_is_a_usage_error_that_says_why(db_path: Path, typed: str, said: str) -> None:
    result = run("fetch", typed, "--db", str(db_path))
    assert result.exit_code == 2 and said in result.output, result.output
    assert not db_path.exists()  # nothing was asked of any server, nothing written


def test_python_dash_m_entry_point() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "scraper", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("scraper, version")


def test_an_article_fetched_ad_hoc_joins_the_site_configured_later(
    server: LocalServer, db_path: Path, config_dir: Path
) -> None:
    url = serve(server, "/post/x", WIX)
    assert run("fetch", url, "--db", str(db_path), "--config", str(config_dir)).exit_code == 0
    host = server.url("").split("//")[1].rstrip("/")
    assert rows(db_path, "SELECT site FROM articles") == [(host,)]  # host:port, as `crawl URL` names it
    write_site_file(
        config_dir, f'name = "courrier"\nstart_urls = ["{server.url("/")}"]\nallowed_domains = ["127.0.0.1"]\n'
    )
    again = run("fetch", url, "--db", str(db_path), "--config", str(config_dir))
    assert again.exit_code == 0 and "unchanged" in again.output
    assert rows(db_path, "SELECT site FROM articles") == [("courrier",)]
    other = serve(server, "/post/y", WIX.replace("Kim Jong-un", "Kim Yo-jong"))
    assert run("fetch", other, "--db", str(db_path), "--config", str(config_dir)).exit_code == 0
    assert rows(db_path, "SELECT site FROM articles ORDER BY id") == [("courrier",), ("courrier",)]


FRONT = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Le Courrier Local — Actualités</title>
<meta property="og:type" content="website"><link rel="alternate" type="application/rss+xml" href="/rss.xml">
<script>window.dataLayer = window.dataLayer || [];</script></head><body>
<header><a href="/">Le Courrier Local</a>
<nav><a href="/politique/">Politique</a> <a href="/sport/">Sport</a></nav></header>
<main><h1>À la une</h1>
<article class="teaser"><h2><a href="/2026/11/conseil-budget.html">Le conseil municipal adopte le budget</a></h2>
<p>Après six heures de débat, la majorité a voté le budget 2027, qui augmente de douze pour cent les dépenses
consacrées aux transports publics et gèle la taxe foncière pour la troisième année consécutive.</p></article>
<article class="teaser"><h2><a href="/2026/11/tempete.html">La tempête a privé 3 000 foyers d'électricité</a></h2>
<p>Les équipes d'Enedis ont travaillé toute la nuit pour rétablir le courant dans les communes du littoral,
où les rafales ont dépassé cent vingt kilomètres par heure mardi soir.</p></article>
<article class="teaser"><h2><a href="/2026/11/marche.html">Le marché de Noël ouvre samedi</a></h2>
<p>Soixante exposants sont attendus sur la place de la mairie jusqu'au 24 décembre, avec une patinoire.</p>
</article></main><footer><p>© 2026 Le Courrier Local · 12 rue du Port</p></footer></body></html>"""


def test_a_small_front_page_is_not_archived_as_an_article(server: LocalServer, db_path: Path, config_dir: Path) -> None:
    """Three teasers and a handful of links are no article: archived, the home page would make a new
    version at every round."""
    url = serve(server, "/", FRONT)
    result = run("fetch", url, "--db", str(db_path), "--config", str(config_dir))
    assert result.exit_code == 1 and "front page" in result.stderr
    assert rows(db_path, "SELECT count(*) FROM versions") == [(0,)]
    assert (url, "not-article") in rows(db_path, "SELECT url, outcome FROM fetches")
    forced = run("fetch", url, "--force", "--db", str(db_path), "--config", str(config_dir))
    assert forced.exit_code == 0 and rows(db_path, "SELECT count(*) FROM versions") == [(1,)]


# ------------------------------------------------------------------ fetch: what a failure says, retries


def fast_retries(config_dir: Path, extra: str = "") -> None:
    """Short backoff, so retried failures cost the tests little time."""
    (config_dir / "settings.toml").write_text(f"[fetch]\nbackoff = 0.01\n{extra}")


def fails_first(times: int, fault: faults.Handler, html: str = WIX) -> faults.Handler:
    """A handler that answers with `fault` the first `times` requests, then with the page `html`."""
    calls = itertools.count()

    def handle(req: BaseHTTPRequestHandler) -> None:
        if next(calls) < times:
            fault(req)
            return
        body = html.encode("utf-8")
        req.send_response(200)
        req.send_header("Content-Type", "text/html; charset=utf-8")
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        req.wfile.write(body)

    return handle


@pytest.mark.parametrize("http", ["aiohttp", "httpx"])
@pytest.mark.parametrize("ignore_robots", [False, True])
def test_a_host_name_that_does_not_resolve_is_said_plainly(
    db_path: Path, config_dir: Path, http: str, ignore_robots: bool
) -> None:
    """RFC 6761: .invalid never resolves.  Whether robots.txt or the page was asked for first, the
    line names the host that does not resolve, not robots.txt."""
    (config_dir / "settings.toml").write_text(f'[fetch]\nhttp = "{http}"\n')
    url = "http://news.example.invalid/2024/06/story.html"
    args = ["--ignore-robots"] if ignore_robots else []
    result = run("fetch", url, *args, "--db", str(db_path), "--config", str(config_dir))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: cannot reach news.example.invalid: DNS lookup failed for news.example.invalid\n"
    ), result.output
    assert rows(db_path, "SELECT url, outcome, error FROM fetches") == [
        (url, "error", "DNS lookup failed for news.example.invalid")
    ]


@pytest.mark.parametrize("ignore_robots", [False, True])
def test_a_host_that_refuses_connections_is_said_plainly(db_path: Path, config_dir: Path, ignore_robots: bool) -> None:
    """A port nobody listens on: asking for robots.txt fails the same way the page would, so the line
    says the host cannot be reached, not that robots.txt is unreachable and --ignore-robots would help."""
    import socket

    fast_retries(config_dir)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/2024/06/story.html"
    args = ["--ignore-robots"] if ignore_robots else []
    result = run("fetch", url, *args, "--db", str(db_path), "--config", str(config_dir))
    assert result.exit_code == 1
    expected = (
        f"Error: {url}: connection refused"
        if ignore_robots
        else f"Error: cannot reach 127.0.0.1:{port}: connection refused"
    )
    assert result.stderr == expected + "\n", result.output
    assert "--ignore-robots" not in result.stderr
    [(logged, outcome, error)] = rows(db_path, "SELECT url, outcome, error FROM fetches")
    assert (logged, outcome) == (url, "error") and "connection refused" in error


@pytest.mark.parametrize(
    ("robots", "reason"),
    [
        (Route(b"down", status=503), "robots.txt unreachable: HTTP 503 Service Unavailable"),
        (Route(b"User-agent: *\n", content_type="text/plain", delay=1.0), "robots.txt unreachable: read timeout"),
    ],
)
def test_robots_txt_trouble_on_a_host_that_answers_is_named_as_robots_txt(
    server: LocalServer, db_path: Path, config_dir: Path, robots: Route, reason: str
) -> None:
    """The host resolves and answers; only its robots.txt cannot be read: that is what the line says,
    the page is never asked for (RFC 9309), and robots.txt is tried again like any transient failure."""
    fast_retries(config_dir, "read_timeout = 0.3\n")
    server.routes["/robots.txt"] = robots
    url = serve(server, "/post/x", WIX)
    result = run("fetch", url, "--db", str(db_path), "--config", str(config_dir))
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: {url}: not fetched: {reason}"), line
    assert line.endswith("(--ignore-robots fetches it anyway)") and "cannot reach" not in line
    assert server.hits("/post/x") == [] and len(server.hits("/robots.txt")) == 3


INDEX = "<html><body>" + "".join(f'<a href="/a{i}">Story {i}</a>' for i in range(60)) + "</body></html>"


@pytest.mark.parametrize(
    ("path", "route", "says"),
    [
        ("/private/x", Route(WIX.encode()), "not fetched: robots.txt disallows it (--ignore-robots"),
        ("/index", Route(INDEX.encode()), "not archived: an index page (60 links"),
    ],
)
def test_every_fetch_failure_is_one_line_starting_with_error(
    server: LocalServer, db_path: Path, config_dir: Path, path: str, route: Route, says: str
) -> None:
    """The pages `fetch` leaves out on purpose get the prefix of every other failure (`Error: URL: HTTP
    404 …`); what did not happen and why follow the URL."""
    server.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.routes[path] = route
    url = server.url(path)
    result = run("fetch", url, "--db", str(db_path), "--config", str(config_dir))
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: {url}: ") and says in line, line


@pytest.mark.parametrize("http", ["aiohttp", "httpx"])
@pytest.mark.parametrize(
    "fault",
    [
        faults.status(500),
        faults.status(502),
        faults.status(503),
        faults.status(504),
        faults.reset_mid_body,
        faults.reset_at_once,
    ],
    ids=["500", "502", "503", "504", "reset-mid-body", "reset-at-once"],
)
def test_fetch_retries_a_transient_failure_twice(
    server: LocalServer, db_path: Path, config_dir: Path, fault: faults.Handler, http: str
) -> None:
    """Two failures the crawl would retry, then the page: `fetch` archives it."""
    fast_retries(config_dir, f'http = "{http}"\n')
    server.routes["/post/x"] = Route(handler=fails_first(2, fault))
    url = server.url("/post/x")
    result = run("fetch", url, "--db", str(db_path), "--config", str(config_dir))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("new · version 1")
    # (aiohttp itself asks once more after a reset before any answer, so that case is asked 3 times too)
    assert len(server.hits("/post/x")) == 3
    assert rows(db_path, "SELECT outcome FROM fetches") == [("new",)]  # one fetch, however many tries


def test_fetch_gives_up_after_two_retries_and_never_retries_a_404(
    server: LocalServer, db_path: Path, config_dir: Path
) -> None:
    fast_retries(config_dir)
    server.routes["/down"] = Route(b"<html><body>down</body></html>", status=503)
    server.routes["/gone"] = Route(b"<html><body>gone</body></html>", status=404)
    down = run("fetch", server.url("/down"), "--db", str(db_path), "--config", str(config_dir))
    assert down.exit_code == 1
    assert down.stderr == f"Error: {server.url('/down')}: HTTP 503 Service Unavailable\n"
    assert len(server.hits("/down")) == 3  # the first try and two retries
    gone = run("fetch", server.url("/gone"), "--db", str(db_path), "--config", str(config_dir))
    assert gone.exit_code == 1 and len(server.hits("/gone")) == 1  # not transient: asked once
    assert rows(db_path, "SELECT outcome, error FROM fetches ORDER BY id") == [
        ("error", "HTTP 503 Service Unavailable"),
        ("error", "HTTP 404 Not Found"),
    ]
    fast_retries(config_dir, "retries = 0\n")  # fewer retries configured: fewer retries made
    assert run("fetch", server.url("/down"), "--db", str(db_path), "--config", str(config_dir)).exit_code == 1
    assert len(server.hits("/down")) == 4


def test_fetch_waits_for_a_short_retry_after_and_not_for_a_long_one(
    server: LocalServer, db_path: Path, config_dir: Path
) -> None:
    fast_retries(config_dir)
    server.routes["/busy"] = Route(handler=fails_first(1, faults.status(503, **{"Retry-After": "1"})))
    server.routes["/away"] = Route(handler=faults.status(503, **{"Retry-After": "3600"}))
    busy = run("fetch", server.url("/busy"), "--db", str(db_path), "--config", str(config_dir))
    assert busy.exit_code == 0, busy.output
    first, second = (s.at for s in server.hits("/busy"))
    assert second - first >= 0.95  # the server's 1 s, not the 0.01 s backoff
    away = run("fetch", server.url("/away"), "--db", str(db_path), "--config", str(config_dir))
    assert away.exit_code == 1
    assert away.stderr == (
        f"Error: {server.url('/away')}: HTTP 503 Service Unavailable; Retry-After 3600s is over the 10s cap\n"
    )
    assert len(server.hits("/away")) == 1


def test_fetch_retries_end_within_the_total_timeout(server: LocalServer, db_path: Path, config_dir: Path) -> None:
    """A retry still running when `fetch.total_timeout` has passed since the start is cut short, with
    the failure that made it: retrying never makes `fetch` take longer than one try may."""
    fast_retries(config_dir, "total_timeout = 1.5\n")
    calls = itertools.count()
    page = fails_first(0, faults.status(503))

    def handle(req: BaseHTTPRequestHandler) -> None:
        if next(calls) == 0:
            time.sleep(0.8)
            faults.status(503)(req)
        else:  # the retry would take 1 s, under its own timeout but past the first try's start + 1.5 s
            time.sleep(1.0)
            page(req)

    server.routes["/x"] = Route(handler=handle)
    started = time.monotonic()
    result = run("fetch", server.url("/x"), "--db", str(db_path), "--config", str(config_dir))
    assert time.monotonic() - started < 2.5
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {server.url('/x')}: HTTP 503 Service Unavailable (retries gave up after 1.5s in all)\n"
    )
    assert len(server.hits("/x")) == 2
