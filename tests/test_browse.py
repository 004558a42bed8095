"""The Datasette plugin, views, metadata and article page, driven through Datasette's own test client."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from datasette.app import Datasette

from scraper.archive.schema import ensure_views
from scraper.archive.store import Archive
from scraper.browse.feed import atom_feed, entry_id
from scraper.browse.present import (
    diff_segments,
    fts_query,
    human_time,
    paragraphs,
    quoted_fts_query,
    safe_href,
    thread,
)
from scraper.browse.server import build_datasette, prepare_archive
from scraper.cli import cli
from scraper.models import Article
from tests.browse_fixtures import BUDGET_URL, PWN, build_archive, serving


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_archive(tmp_path_factory.mktemp("browse") / "archive.db")
    prepare_archive(path)
    return path


@pytest.fixture(scope="module")
def ds(archive_path: Path) -> Datasette:
    return build_datasette(archive_path)


def get(ds: Datasette, path: str, follow_redirects: bool = False) -> httpx.Response:
    return asyncio.run(ds.client.get(path, follow_redirects=follow_redirects))


def rows(ds: Datasette, path: str) -> list[dict[str, Any]]:
    response = get(ds, path + ("&" if "?" in path else "?") + "_shape=array")
    assert response.status_code == 200, response.text
    return response.json()


# ------------------------------------------------------------------ plugin and schema


def test_plugin_is_registered_with_its_hooks_templates_and_static(ds: Datasette) -> None:
    plugins = {p["name"]: p for p in get(ds, "/-/plugins.json").json()}
    mine = plugins["newsarchive"]
    assert mine["templates"] and mine["static"]
    assert {"register_routes", "render_cell", "prepare_connection"} <= set(mine["hooks"])
    assert get(ds, "/-/static-plugins/newsarchive/newsarchive.css").status_code == 200


def test_plugin_hooks_survive_importing_our_package_before_datasette() -> None:
    """`scraper serve` imports scraper.browse first; the entry point must not catch it half-imported."""
    code = (
        "import scraper.browse.server\n"
        "from datasette.plugins import get_plugins\n"
        "print(sorted(next(p for p in get_plugins() if p['name'] == 'newsarchive')['hooks']))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "register_routes" in out and "render_cell" in out


def test_views_come_with_the_schema_and_ensure_views_repairs_them(tmp_path: Path) -> None:
    path = build_archive(tmp_path / "a.db")
    conn = sqlite3.connect(path, isolation_level=None)
    assert ensure_views(conn) == []  # created with the schema
    conn.execute("DROP VIEW latest_articles")
    conn.execute("CREATE VIEW latest_articles AS SELECT 1 AS stale")
    assert ensure_views(conn) == ["latest_articles"]
    months = [r[0] for r in conn.execute("SELECT published_month FROM latest_articles")]
    assert months == ["2024-06", "2024-06", "2024-05"]  # newest first


def test_serve_refuses_a_missing_archive(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "nope.db")])
    assert result.exit_code == 1
    assert "no archive here" in result.output
    assert not (tmp_path / "nope.db").exists()


# ------------------------------------------------------------------ search


def test_table_search_box_uses_full_text_index(ds: Datasette) -> None:
    titles = [r["title"] for r in rows(ds, "/archive/articles.json?_search=tram")]
    assert titles == ["Council approves budget after six-hour debate"]
    html = get(ds, "/archive/articles?_search=tram").text
    assert 'name="_search"' in html  # Datasette shows the search box because articles_fts exists


def test_latest_articles_view_is_searchable(ds: Datasette) -> None:
    found = rows(ds, "/archive/latest_articles.json?_search=heatwave")
    assert [r["id"] for r in found] == [2]


def test_new_article_is_searchable_at_once(tmp_path: Path) -> None:
    path = build_archive(tmp_path / "archive.db")
    prepare_archive(path)
    with Archive(path) as archive:
        archive.save(Article(url="https://x.example/new", title="Zeppelin returns", body="A zeppelin flew."))
    assert [r["title"] for r in rows(build_datasette(path), "/archive/search.json?q=zeppelin")] == ["Zeppelin returns"]


def test_canned_search_query_ranks_and_marks_hits(ds: Datasette) -> None:
    found = rows(ds, "/archive/search.json?q=budget")
    assert [r["article_id"] for r in found] == [1, 2]  # the story about the budget outranks a passing mention
    assert "\ue000budget\ue001" in found[0]["snippet"]
    html = get(ds, "/archive/search?q=budget").text
    assert "<mark>budget</mark>" in html
    assert 'href="/archive/-/article/1"' in html


@pytest.mark.parametrize("query", ['"unbalanced', "AND OR NOT (", "tram*", "-", "", "NEAR(x y)"])
def test_canned_search_never_fails_on_what_a_reader_types(ds: Datasette, query: str) -> None:
    response = get(ds, "/archive/search.json?_shape=array&q=" + httpx.QueryParams({"q": query})["q"])
    assert response.status_code == 200, response.text


def test_fts_query_passes_fts5_syntax_and_quotes_the_rest() -> None:
    assert fts_query('council "six hours" tram*') == 'council "six hours" tram*'  # valid FTS5: as typed
    assert fts_query("Poutine OR Bordelais") == "Poutine OR Bordelais"
    assert fts_query("l'accord covid-19") == '"l\'accord" "covid-19"'  # a syntax error: quoted terms
    assert fts_query("AND (") == '"AND" "("'
    assert fts_query("  ") == '""'
    assert quoted_fts_query('council "six hours" tram*') == '"council" "six hours" "tram"*'


@pytest.mark.parametrize("base", ["/archive/search.json?_shape=array&q=", "/archive/-/search?q="])
def test_or_and_phrase_queries_work(ds: Datasette, base: str) -> None:
    def found(q: str) -> str:
        return get(ds, base + httpx.QueryParams({"q": q})["q"]).text

    both = found("tram OR heatwave")
    assert "Council approves budget" in both and "Heatwave expected" in both
    assert "Heatwave" not in found('"six hours"') and "Heatwave" not in found("tram")
    assert found("budget NOT tram").count("Heatwave") >= 1 and "Council approves" not in found("budget NOT tram")


def test_search_page_shows_no_sql(ds: Datasette) -> None:
    html = get(ds, "/-/search?q=tram").text
    assert "SELECT" not in html and "Run SQL" not in html
    assert "<mark>tram</mark>" in html and 'href="/archive/-/article/1"' in html
    assert 'class="original" href="https://news.example.fr/2024/05/council-budget"' in html
    for name in ("search", "recently_changed", "most_edited", "removed_comments"):
        assert (
            "articles_fts MATCH" not in get(ds, f"/archive/{name}").text
            and "FROM articles" not in get(ds, f"/archive/{name}").text
        ), name


# ------------------------------------------------------------------ front page, changes, feeds


def test_front_page_is_about_the_news_not_the_tables(ds: Datasette) -> None:
    response = get(ds, "/")
    assert response.status_code == 200
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    html = response.text
    recent = html.split('id="changes"')[1].split("</section>")[0]
    assert recent.index("Hostile headline") < recent.index("Council approves budget after six-hour debate")
    assert "+7 −0 words (1 sentence added), headline changed" in recent
    assert "was: <del>Council approves budget</del>" in recent
    assert 'href="/archive/-/article/1?from=2&amp;to=3#diff"' in recent
    assert "Newest articles" in html and "Most edited" in html and 'id="timeline"' in html
    assert 'action="/archive/-/search"' in html
    assert "tables in Datasette (archive)" in html  # not "The archive database", "The a database" for a.db
    timeline = html.split('id="timeline"')[1]
    assert "news-example" in timeline and "other-example" in timeline
    for table in ("articles", "versions", "comments", "fetches"):
        assert f'href="/archive/{table}"' in html  # Datasette's own tables are still a click away
    assert "<script" not in html.split("<body")[1].replace("&lt;script", "")


def test_front_page_counts_no_reextraction_as_an_edit(tmp_path: Path) -> None:
    """Our own re-extraction is left out of the changes list, so also out of the edit counts, the
    timeline's edits and the most edited list beside it."""
    path = build_archive(tmp_path / "archive.db")
    prepare_archive(path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE versions SET kind = 'reextract' WHERE article_id = 3 AND version = 2")
    html = get(build_datasette(path), "/").text
    assert "3 articles · 6 versions · 2 edits ·" in html
    edited = html.split('id="most-edited"')[1].split("</section>")[0]
    assert "Council approves budget" in edited and "Hostile headline" not in edited
    timeline = html.split('id="timeline"')[1].split("</table>")[0]
    evil = timeline.split("evil-example</a>")[1].split("</tr>")[0]
    assert re.findall(r'<td class="num">(\d+)</td>', evil) == ["1", "0"]
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE versions SET kind = 'reextract' WHERE article_id = 1 AND version = 3")
    assert "3 articles · 6 versions · 1 edit ·" in get(build_datasette(path), "/").text


def test_changes_list_filters(ds: Datasette) -> None:
    html = get(ds, "/-/changes").text
    assert html.count('<li class="change') == 3
    heads = get(ds, "/-/changes?headline=1").text
    assert heads.count('<li class="change') == 1 and "six-hour debate" in heads
    big = get(ds, "/archive/-/changes?min_words=3").text
    assert big.count('<li class="change') == 2 and "+1 −1 words" not in big
    site = get(ds, "/-/changes?site=evil-example").text
    assert site.count('<li class="change') == 1
    assert get(ds, "/-/changes?site=nope").status_code == 404
    assert get(ds, "/-/changes?min_words=x").status_code == 400
    data = get(ds, "/-/changes.json?article=1").json()["changes"]
    assert [c["version"] for c in data] == [3, 2] and data[0]["change"]["title_changed"] is True


@pytest.mark.parametrize("query", ["", "?site=news-example", "?article=1", "?headline=1&min_words=2"])
def test_atom_feeds_parse_with_feedparser(ds: Datasette, query: str) -> None:
    import feedparser

    response = get(ds, "/-/changes.atom" + query)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    entries = feed.entries
    assert entries and all(e.link.startswith("http://localhost/archive/-/article/") for e in entries)
    budget = [e for e in entries if "six-hour" in e.title]
    assert budget and budget[0].title.startswith("Headline changed: ")
    assert "headline changed" in budget[0].summary and "Was: Council approves budget" in budget[0].summary
    assert budget[0].updated_parsed is not None
    if query == "?site=news-example":  # the byline, not the site
        assert {tuple(a.name for a in e.authors) for e in entries} == {("Marie Curie", "Jean Dupont")}


def test_feed_entry_ids_do_not_depend_on_where_the_archive_is_served(tmp_path: Path) -> None:
    import feedparser

    db = build_archive(tmp_path / "archive.db")
    feeds = []
    for n in (1, 2):
        with serving(db, tmp_path / f"serve{n}.log") as served:
            raw = httpx.get(served.base + "/-/changes.atom", timeout=30).content
            feeds.append((served.base, feedparser.parse(raw)))
    (base1, one), (base2, two) = feeds
    assert base1 != base2 and not one.bozo and not two.bozo
    assert [e.id for e in one.entries] == [e.id for e in two.entries]
    assert "tag:news.example.fr,2024-05-15:/2024/05/council-budget#v3" in [e.id for e in one.entries]
    assert all(e.link.startswith(base1) for e in one.entries) and all(e.link.startswith(base2) for e in two.entries)


def test_feed_entry_ids_tell_ports_apart_and_keep_port_less_ids() -> None:
    """The same path on two ports is two articles; a URL without a port (or with its scheme's) keeps its id."""
    seen = "2026-12-01T20:39:00+00:00"
    one = entry_id("http://127.0.0.1:8761/story.html", 2, seen, 1)
    two = entry_id("http://127.0.0.1:8762/story.html", 2, seen, 2)
    assert one == "tag:127.0.0.1,2026-12-01::8761/story.html#v2" and one != two
    plain = "tag:news.example.fr,2024-05-15:/2024/05/council-budget#v3"
    for url in (BUDGET_URL, "https://news.example.fr:443/2024/05/council-budget"):
        assert entry_id(url, 3, "2024-05-15T08:05:00+00:00", 1) == plain
    assert entry_id("http://h.example:99999/x", 1, seen, 5) == "tag:h.example,2026-12-01:/x#v1"


def test_feed_author_falls_back_to_the_site_and_odd_urls_still_get_a_tag() -> None:
    import feedparser

    change = {
        "article_id": 7,
        "version": 2,
        "first_seen": "2024-06-01T10:00:00+00:00",
        "kind": "fetch",
        "title": "T",
        "previous_title": "T",
        "site": "courrier",
        "url": "javascript:alert(1)",
        "summary": "+1 −0 words",
        "authors": [],
    }
    raw = atom_feed([change], title="x", feed_url="http://h/f", page_url="http://h/", diff_url=lambda c: "http://h/d")
    feed = feedparser.parse(raw)
    assert [a.name for a in feed.entries[0].authors] == ["courrier"]
    assert feed.entries[0].id == "tag:newsarchive.invalid,2024-06-01:article/7#v2"
    assert entry_id("https://Presse.Example.fr/é t?id=1&x=«»", 3, "2024-05-15T08:05:00+00:00", 1) == (
        "tag:presse.example.fr,2024-05-15:/%C3%A9%20t?id=1&x=%C2%AB%C2%BB#v3"
    )


def test_hostile_titles_are_escaped_in_the_feed(ds: Datasette) -> None:
    import feedparser

    raw = get(ds, "/-/changes.atom?site=evil-example").text
    assert "<script>" not in raw and "&lt;script&gt;" in raw
    assert feedparser.parse(raw).entries[0].title == "<script>window.__pwned=1</script>Hostile headline"


def test_article_page_says_what_kind_of_change_each_version_is(ds: Datasette) -> None:
    html = get(ds, "/archive/-/article/1").text
    assert "+1 −1 words (1 sentence changed)" in html and "headline changed" in html
    assert 'type="application/atom+xml"' in html and "/archive/-/changes.atom?article=1" in html
    diff = get(ds, "/archive/-/article/1?from=2&to=3").text
    assert '<p class="diff-summary"><strong>+7 −0 words (1 sentence added), headline changed</strong>' in diff


def test_readme_urls_work_whatever_the_archive_is_called(tmp_path: Path) -> None:
    path = build_archive(tmp_path / "lemonde-2024.db")
    prepare_archive(path)
    other = build_datasette(path)
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    urls = sorted(set(re.findall(r"http://127\.0\.0\.1:8001(/(?:[^\s`')]*[^\s`'),.:])?)", readme)))
    assert len(urls) >= 6 and "/" in urls, urls
    for url in urls:
        response = get(other, url.replace("ID", "1"))
        if url == "/-/latest":  # Datasette draws the view, at its own URL; a browser follows
            assert response.status_code == 302 and response.headers["location"] == "/lemonde-2024/latest_articles"
            response = get(other, response.headers["location"])
        assert response.status_code == 200, url  # answered directly: `curl` without -L gets it
    assert "/archive/" not in readme.split("## Browsing")[1].split("## The daemon")[0]


# ------------------------------------------------------------------ facets, views, canned queries


def test_latest_articles_facets_suit_news(ds: Datasette) -> None:
    data = get(ds, "/archive/latest_articles.json").json()
    facets = {name: {v["value"]: v["count"] for v in f["results"]} for name, f in data["facet_results"].items()}
    assert facets["site"] == {"news-example": 1, "other-example": 1, "evil-example": 1}
    assert facets["authors"]["Marie Curie"] == 1 and facets["authors"]["Ana Silva"] == 1
    assert facets["lang"] == {"en": 2, "pt": 1}
    assert facets["published_month"] == {"2024-06": 2, "2024-05": 1}


def test_latest_articles_view_has_the_columns_a_reader_wants(ds: Datasette) -> None:
    first = rows(ds, "/archive/latest_articles.json")[0]
    assert {"title", "site", "authors", "published", "versions", "comments"} <= set(first)
    budget = rows(ds, "/archive/latest_articles.json?id=1")[0]
    assert budget["versions"] == 3 and budget["comments"] == 4


def test_a_moved_address_leaves_the_listings_and_stays_in_articles(tmp_path: Path) -> None:
    """An address that now redirects to another archived story is that story's old copy: the latest
    list and the front page's newest list show it once (the live one), the articles table keeps it."""
    path = build_archive(tmp_path / "archive.db")
    prepare_archive(path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE articles SET state = 'moved' WHERE id = 2")
    moved_ds = build_datasette(path)
    assert [r["id"] for r in rows(moved_ds, "/archive/latest_articles.json")] == [3, 1]
    assert sorted(r["id"] for r in rows(moved_ds, "/archive/articles.json")) == [1, 2, 3]
    newest = get(moved_ds, "/").text.split("Newest articles")[1].split("</section>")[0]
    assert "Council approves budget" in newest and "Heatwave expected" not in newest
    # the same archive before the move lists the heatwave story in both places
    (tmp_path / "before").mkdir()
    before = build_datasette(build_archive(tmp_path / "before" / "archive.db"))
    assert 2 in [r["id"] for r in rows(before, "/archive/latest_articles.json")]
    assert "Heatwave expected" in get(before, "/").text.split("Newest articles")[1].split("</section>")[0]


def test_articles_table_facets_on_authors_array(ds: Datasette) -> None:
    data = get(
        ds, "/archive/articles.json?_shape=objects&_facet_array=authors&authors__arraycontains=Jean+Dupont"
    ).json()
    assert [r["id"] for r in data["rows"]] == [1]


def test_recently_changed_and_most_edited(ds: Datasette) -> None:
    changed = rows(ds, "/archive/recently_changed.json")
    assert [r["article_id"] for r in changed] == [3, 1]  # hostile edited on 11 June, budget on 15 May
    edited = rows(ds, "/archive/most_edited.json")
    assert [(r["article_id"], r["versions"]) for r in edited] == [(1, 3), (3, 2)]


def test_removed_comments_query(ds: Datasette) -> None:
    removed = rows(ds, "/archive/removed_comments.json")
    assert [(r["article_id"], r["author"]) for r in removed] == [(1, "Troll")]


def test_every_article_row_links_to_its_page(ds: Datasette) -> None:
    for path in ("/archive/articles", "/archive/latest_articles", "/archive/most_edited", "/archive/articles/1"):
        assert 'href="/archive/-/article/1"' in get(ds, path).text, path
    assert 'href="/archive/-/article/1?version=2">v2</a>' in get(ds, "/archive/versions").text


def test_authors_show_as_names_not_json(ds: Datasette) -> None:
    html = get(ds, "/archive/latest_articles?id=1").text
    assert "Marie Curie, Jean Dupont" in html


def test_csv_and_json_of_views_and_queries(ds: Datasette) -> None:
    for path in ("/archive/latest_articles.csv", "/archive/most_edited.csv", "/archive/search.csv?q=budget"):
        response = get(ds, path)
        assert response.status_code == 200, path
        table = list(csv.reader(io.StringIO(response.text)))
        assert len(table) >= 2, path
    header = next(csv.reader(io.StringIO(get(ds, "/archive/latest_articles.csv").text)))
    assert "published_month" in header


def test_readme_api_examples_work(ds: Datasette) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    browsing = readme.split("## Browsing")[1].split("\n## ")[0]
    paths = re.findall(r"curl 'http://127\.0\.0\.1:8001(/[^']+)'", browsing)
    assert len(paths) >= 2
    for path in paths:
        response = get(ds, path)  # no redirect to follow: the README's curl has no -L
        assert response.status_code == 200, path
        assert "budget" in response.text.lower() or "news-example" in response.text, path


# ------------------------------------------------------------------ the article page


def test_article_page_shows_current_version_as_paragraphs(ds: Datasette) -> None:
    response = get(ds, "/archive/-/article/1")
    assert response.status_code == 200
    html = response.text
    assert "Council approves budget after six-hour debate" in html
    body = html.split('id="text"')[1].split("</section>")[0]
    assert body.count("<p>") == 6
    assert "nine percent" in body and "twelve percent" not in body
    assert "Marie Curie, Jean Dupont" in html
    assert 'href="https://news.example.fr/2024/05/council-budget"' in html


def test_article_page_lists_versions_with_times(ds: Datasette) -> None:
    html = get(ds, "/archive/-/article/1").text
    versions = html.split('id="versions"')[1].split("</ol>")[0]
    assert re.findall(r">v(\d)</a>", versions) == ["3", "2", "1"]
    for stamp in ("2024-05-14T09:05:00+00:00", "2024-05-14T13:05:00+00:00", "2024-05-15T08:05:00+00:00"):
        assert stamp in versions
    assert "?from=2&amp;to=3#diff" in versions


def test_old_version_can_be_read(ds: Datasette) -> None:
    html = get(ds, "/archive/-/article/1?version=1").text
    assert "You are reading version 1 of 3" in html
    assert "twelve percent" in html.split('id="text"')[1]


def test_diff_between_any_two_versions(ds: Datasette) -> None:
    html = get(ds, "/archive/-/article/1?from=1&to=3").text
    diff = html.split('id="diff"')[1].split("</section>")[0]
    assert "<del>twelve</del>" in diff and "<ins>nine</ins>" in diff
    assert "<ins>A spokesperson later corrected the transport figure." in diff
    assert "unchanged words" in diff  # the long untouched paragraphs are collapsed
    assert "<th>title</th><td>Council approves budget <ins>after six-hour debate</ins>" in diff  # word by word
    full = get(ds, "/archive/-/article/1?from=1&to=3&full=1").text.split('id="diff"')[1]
    assert "unchanged words" not in full and "optimistic forecasts" in full


def test_diff_defaults_to_the_previous_version(ds: Datasette) -> None:
    html = get(ds, "/archive/-/article/1?to=2").text
    assert "Changes from version 1 to version 2" in html


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/archive/-/article/99", 404),
        ("/archive/-/article/1?version=9", 404),
        ("/archive/-/article/1?from=abc", 400),
        ("/archive/-/article/1?to=0", 400),
        ("/archive/-/article/1?to=1", 400),  # nothing before the first version
        ("/archive/-/article/1?from=2&to=2", 400),
        ("/nosuchdb/-/article/1", 404),
        ("/no/such/page/at/all", 404),
    ],
)
def test_bad_article_requests(ds: Datasette, path: str, status: int) -> None:
    assert get(ds, path).status_code == status


def test_comments_are_threaded_and_removed_ones_marked(ds: Datasette) -> None:
    html = get(ds, "/archive/-/article/1").text
    section = html.split('id="comments"')[1]
    order = re.findall(
        r'class="comment depth-(\d)( removed)?">\s*<div class="c-head">\s*<span class="c-author">(\w+)', section
    )
    assert [(depth, author) for depth, _, author in order] == [
        ("0", "Lucie"),
        ("1", "Marc"),
        ("2", "Troll"),
        ("0", "Ines"),
    ]
    assert [author for _, removed, author in order if removed] == ["Troll"]
    assert "↳ reply to Lucie" in section and 'removed <time datetime="2024-05-15T08:05:00+00:00"' in section


def test_a_comment_without_its_own_date_says_when_we_first_saw_it(tmp_path: Path) -> None:
    """A comment whose page gives no date showed our first sight of it as if it were when it was posted."""
    path = build_archive(tmp_path / "archive.db")
    prepare_archive(path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE comments SET published = NULL WHERE author = 'Ines'")
    section = get(build_datasette(path), "/archive/-/article/1").text.split('id="comments"')[1]
    ines, lucie = section.split('c-author">Ines')[1], section.split('c-author">Lucie')[1]
    assert ines.index('class="c-seen">first seen <time') < ines.index("</div>")
    assert "first seen" not in lucie[: lucie.index("</div>")]  # a dated comment shows its own date


def test_article_json(ds: Datasette) -> None:
    data = get(ds, "/archive/-/article/1.json?from=2&to=3").json()
    assert data["article"]["authors"] == ["Marie Curie", "Jean Dupont"]
    assert [v["version"] for v in data["versions"]] == [1, 2, 3]
    inserted = [run["text"].strip() for run in data["diff"]["body"] if run["op"] == "insert"]
    assert inserted == ["A spokesperson later corrected the transport figure."]


# ------------------------------------------------------------------ safety


def test_hostile_article_page_contains_no_markup_from_the_scrape(ds: Datasette) -> None:
    for path in ("/archive/-/article/3", "/archive/-/article/3?from=1&to=2"):
        response = get(ds, path)
        html = response.text.lower()
        assert "<script" not in html and "<img" not in html and "<iframe" not in html and "<svg" not in html
        assert "javascript:" not in re.findall(r'href="([^"]*)"', html).__str__()
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;hostile headline" in html
        assert "script-src" not in response.headers["content-security-policy"]  # default-src 'none' covers it
        assert response.headers["content-security-policy"].startswith("default-src 'none'")


def test_hostile_strings_are_escaped_on_datasette_pages(ds: Datasette) -> None:
    for path in (
        "/archive/articles",
        "/archive/latest_articles",
        "/archive/articles/3",
        "/archive/search?q=hostile",
        "/archive/comments",
        "/archive/versions",
    ):
        html = get(ds, path).text
        assert f"<script>{PWN}" not in html, path
        assert "<img src=x" not in html and 'onerror="window' not in html, path


def test_hostile_url_is_not_linked() -> None:
    assert safe_href("javascript:alert(1)") is None
    assert safe_href(" JavaScript:alert(1)") is None
    assert safe_href("data:text/html,<script>") is None
    assert safe_href("http://") is None
    assert safe_href("https://example.com/a?b=1") == "https://example.com/a?b=1"


def test_nothing_on_the_web_can_write(archive_path: Path) -> None:
    ds = build_datasette(archive_path, sql=True)  # even with arbitrary SQL allowed
    before = get(ds, "/archive.json?sql=select+count(*)+as+n+from+articles&_shape=array").json()
    for sql in ("delete from articles", "update articles set title='x'", "drop table comments"):
        response = get(ds, "/archive.json?sql=" + httpx.QueryParams({"s": sql})["s"])
        assert response.status_code == 400, sql
    assert asyncio.run(ds.client.post("/archive/search", data={"q": "x"})).status_code >= 400
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        asyncio.run(ds.get_database("archive").execute("DELETE FROM articles"))
    assert get(ds, "/archive.json?sql=select+count(*)+as+n+from+articles&_shape=array").json() == before
    queries = get(ds, "/-/metadata.json").json()["databases"]["archive"]["queries"]
    assert not any(q.get("write") for q in queries.values())


# ------------------------------------------------------------------ pure helpers


def test_paragraphs_split_on_lines() -> None:
    assert paragraphs("One.\n\n  Two.\nThree.  \n") == ["One.", "Two.", "Three."]
    assert paragraphs(None) == []


def test_human_time_reads_like_a_newspaper() -> None:
    assert human_time("2024-05-14T09:05:00+00:00") == "14 May 2024, 09:05 UTC"
    assert human_time("2024-05-14T09:05:00+02:00") == "14 May 2024, 09:05 UTC+02:00"
    assert human_time("2024-05-14") == "14 May 2024"
    assert human_time("sometime in May") == "sometime in May"
    assert human_time(None) == "—"


def test_diff_segments_collapse_long_unchanged_text() -> None:
    words = " ".join(f"w{i}" for i in range(200))
    segments = diff_segments(words + " old end", words + " new end", context=5)
    ops = [s.op for s in segments]
    assert ops == ["skip", "equal", "delete", "insert", "equal"]
    assert segments[0].words == 195
    assert "".join(s.text for s in segments if s.op != "insert") == words + " old end"


def test_thread_survives_orphans_and_cycles() -> None:
    comments = [
        {"key": "a", "parent_key": "b", "author": "A"},
        {"key": "b", "parent_key": "a", "author": "B"},
        {"key": "c", "parent_key": "gone", "author": "C"},
        {"key": "d", "parent_key": "c", "author": "D"},
    ]
    ordered = thread(comments)
    assert sorted(c["key"] for c in ordered) == ["a", "b", "c", "d"]
    assert [(c["key"], c["depth"]) for c in ordered][:2] == [("c", 0), ("d", 1)]


def test_latest_articles_page_is_framed_without_its_sql(ds: Datasette) -> None:
    html = get(ds, "/archive/latest_articles").text
    assert 'class="topbar"' in html and "newsroom" in html and "/archive/-/changes" in html
    assert "CREATE VIEW" not in html and "Latest articles (view)" not in html
    other = get(ds, "/archive/versions").text  # Datasette's own tables keep Datasette's frame and schema
    assert 'class="topbar"' not in other and "CREATE TABLE" in other
