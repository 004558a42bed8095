"""Keeping the evidence: raw pages, re-extraction, WARC round trips, near-copies."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from scraper.archive.copies import find_copies, simhash
from scraper.archive.store import Archive
from scraper.cli import cli
from scraper.models import Article
from tests.conftest import rows
from tests.server import PAGES, LocalServer, Route

SYNDICATION = PAGES / "syndication"
WIX_TITLE = "Corée du Nord/Russie: Kim Jong-un et Vladimir Poutine signent un accord de partenariat stratégique"


def site_config(config_dir: Path, server: LocalServer, title_selector: str) -> None:
    (config_dir / "sites" / "wixblog.toml").write_text(
        f'name = "wixblog"\nstart_urls = ["{server.url("/")}"]\nallowed_domains = ["127.0.0.1"]\n'
        f"allow_private = true\n[selectors]\ntitle = '{title_selector}'\n",
        encoding="utf-8",
    )


def cli_ok(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_reextract_fixes_stale_selectors_without_refetching(
    server: LocalServer, db_path: Path, config_dir: Path
) -> None:
    url = server.page("/post/accord", "wix-blog-post-fr.html")
    site_config(config_dir, server, '[data-hook="time-to-read"]')  # a stale selector: wrong title
    first = json.loads(cli_ok("fetch", url, "--json", "--db", str(db_path), "--config", str(config_dir)))
    assert first["title"] != WIX_TITLE
    fetches = rows(db_path, "SELECT count(*) FROM fetches")

    site_config(config_dir, server, 'h1[data-hook="post-title"]')  # the user fixes the selector
    out = cli_ok("reextract", "--db", str(db_path), "--config", str(config_dir))
    assert "1 changed" in out
    assert rows(db_path, "SELECT version, kind, title FROM versions ORDER BY version") == [
        (1, "fetch", first["title"]),
        (2, "reextract", WIX_TITLE),
    ]
    assert rows(db_path, "SELECT count(*) FROM fetches") == fetches  # nothing was fetched
    assert [s.path for s in server.log if s.path != "/robots.txt"] == ["/post/accord"]  # nothing refetched

    again = cli_ok("reextract", "--db", str(db_path), "--config", str(config_dir))
    assert "0 changed" in again and "1 unchanged" in again
    assert rows(db_path, "SELECT count(*) FROM versions") == [(2,)]


def test_raw_pages_can_be_switched_off_per_site(server: LocalServer, db_path: Path, config_dir: Path) -> None:
    url = server.page("/post/accord", "wix-blog-post-fr.html")
    (config_dir / "sites" / "wixblog.toml").write_text(
        'name = "wixblog"\nstart_urls = ["http://127.0.0.1/"]\nallowed_domains = ["127.0.0.1"]\nstore_raw = false\n',
        encoding="utf-8",
    )
    cli_ok("fetch", url, "--db", str(db_path), "--config", str(config_dir))
    assert rows(db_path, "SELECT count(*) FROM pages") == [(0,)]
    assert rows(db_path, "SELECT page_sha256 FROM versions") == [(None,)]


def test_warc_export_round_trip(server: LocalServer, tmp_path: Path, db_path: Path, config_dir: Path) -> None:
    wix = server.page("/post/accord", "wix-blog-post-fr.html")
    wordpress = server.page("/2024/03/12/vendanges/", "wordpress-post-fr.html")
    cp1252 = server.page("/fr", "cp1252-fr.html", content_type="text/html; charset=windows-1252")
    for url in (wix, wordpress, cp1252):
        cli_ok("fetch", url, "--db", str(db_path), "--config", str(config_dir))
    out = tmp_path / "captures.warc.gz"
    result = CliRunner().invoke(cli, ["export", "--format", "warc", "--out", str(out), "--db", str(db_path)])
    assert result.exit_code == 0 and "3 capture(s) written" in result.output

    responses, requests = {}, 0
    with out.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "request":
                requests += 1
            if record.rec_type != "response":
                continue
            payload = record.content_stream().read()
            digest = record.rec_headers.get_header("WARC-Payload-Digest")
            assert digest == "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode()
            assert record.http_headers.get_statuscode() == "200"
            responses[record.rec_headers.get_header("WARC-Target-URI")] = payload
    assert requests == 3
    assert responses[wix] == (PAGES / "wix-blog-post-fr.html").read_bytes()
    assert responses[cp1252] == (PAGES / "cp1252-fr.html").read_bytes()

    fresh = tmp_path / "imported.db"
    out_text = cli_ok("import", str(out), "--db", str(fresh), "--config", str(config_dir))
    assert "3 new" in out_text
    assert sorted(rows(fresh, "SELECT title FROM versions")) == sorted(rows(db_path, "SELECT title FROM versions"))
    assert rows(fresh, "SELECT count(*) FROM comments") == rows(db_path, "SELECT count(*) FROM comments")
    assert "3 unchanged" in cli_ok("import", str(out), "--db", str(fresh), "--config", str(config_dir))
    assert out.read_bytes()[:2] == b"\x1f\x8b"  # .warc.gz: gzip records

    plain = tmp_path / "captures.warc"  # named .warc: plain WARC, as the name says, and read back alike
    result = CliRunner().invoke(cli, ["export", "--format", "warc", "--out", str(plain), "--db", str(db_path)])
    assert result.exit_code == 0 and "3 capture(s) written" in result.output and "(uncompressed)" in result.output
    assert plain.read_bytes().startswith(b"WARC/1.")
    with plain.open("rb") as fh:
        assert sum(r.rec_type == "response" for r in ArchiveIterator(fh)) == 3
    assert "3 unchanged" in cli_ok("import", str(plain), "--db", str(fresh), "--config", str(config_dir))


def test_import_of_a_non_warc_file_is_one_clear_line(tmp_path: Path, db_path: Path) -> None:
    bogus = tmp_path / "notes.warc.gz"
    bogus.write_bytes(b"just some text, not a WARC")
    result = CliRunner().invoke(cli, ["import", str(bogus), "--db", str(db_path)])
    assert result.exit_code == 1 and "not a readable WARC" in result.output


def _variants() -> dict[str, str]:
    dispatch = (SYNDICATION / "dispatch.txt").read_text(encoding="utf-8")
    paragraphs = dispatch.strip().split("\n\n")
    return {
        "https://agence.example/depeche/renovation": dispatch,
        # a regional daily: its own dateline, the last paragraph dropped
        "https://quotidien-regional.example/france/renovation-loi": "PARIS (AFP) — " + "\n\n".join(paragraphs[:-1]),
        # a blog: a few words rewritten and a credit line added
        "https://blog-logement.example/2024/loi-renovation": dispatch.replace("mercredi", "ce mercredi").replace(
            "la presse", "les journalistes"
        )
        + "\n\nAvec AFP.",
    }


def test_syndicated_copies_found_and_same_topic_articles_not(db_path: Path) -> None:
    with Archive(db_path) as archive:
        for url, body in _variants().items():
            archive.save(Article(url=url, title="Rénovation thermique : un projet de loi", body=body))
        for name in ("unrelated-1", "unrelated-2", "unrelated-3"):
            body = (SYNDICATION / f"{name}.txt").read_text(encoding="utf-8")
            archive.save(Article(url=f"https://autre.example/{name}", title="Isolation des logements", body=body))
        source = archive.find_article("https://agence.example/depeche/renovation")
        assert source is not None
        found = find_copies(archive.conn, source["id"])
    assert sorted(c.url for c in found) == sorted(u for u in _variants() if "agence" not in u)
    assert all(c.distance <= 7 for c in found)


def test_copies_cli(db_path: Path) -> None:
    with Archive(db_path) as archive:
        for url, body in _variants().items():
            archive.save(Article(url=url, title="Rénovation", body=body))
    data = json.loads(
        cli_ok("copies", "https://blog-logement.example/2024/loi-renovation", "--json", "--db", str(db_path))
    )
    assert {d["url"] for d in data} == {
        "https://agence.example/depeche/renovation",
        "https://quotidien-regional.example/france/renovation-loi",
    }
    assert all(0.85 < d["similarity"] <= 1 for d in data)
    with Archive(db_path) as archive:  # a word-for-word copy: 100 % beside the others' two digits
        body = _variants()["https://blog-logement.example/2024/loi-renovation"]
        archive.save(Article(url="https://miroir.example/renovation", title="Rénovation", body=body))
    text = cli_ok("copies", "https://blog-logement.example/2024/loi-renovation", "--db", str(db_path))
    lines = [line for line in text.splitlines() if "%" in line]
    assert len(lines) == 3 and any("100%" in line for line in lines)
    assert len({line.index("%") for line in lines}) == 1  # the figures line up


def test_simhash_properties() -> None:
    text = (SYNDICATION / "dispatch.txt").read_text(encoding="utf-8")
    assert simhash(text) == simhash(text.upper())  # case does not matter
    assert simhash("trop court pour juger") is None
    other = (SYNDICATION / "unrelated-2.txt").read_text(encoding="utf-8")
    assert (simhash(text) ^ simhash(other)).bit_count() > 16  # type: ignore[operator]


def test_article_page_lists_its_copies(db_path: Path) -> None:
    import asyncio

    from scraper.browse.server import build_datasette, prepare_archive

    with Archive(db_path) as archive:
        for url, body in _variants().items():
            archive.save(Article(url=url, title=f"Rénovation <{url.split('/')[2]}>", body=body))
        archive.save(
            Article(
                url="https://autre.example/x", title="Isolation", body=(SYNDICATION / "unrelated-1.txt").read_text()
            )
        )
        source = archive.find_article("https://agence.example/depeche/renovation")
        assert source is not None
    prepare_archive(db_path)
    ds = build_datasette(db_path)
    page = asyncio.run(ds.client.get(f"/archive/-/article/{source['id']}")).text
    copies = page[page.index('id="copies"') :]
    assert "Rénovation &lt;quotidien-regional.example&gt;" in copies
    assert "Rénovation &lt;blog-logement.example&gt;" in copies
    assert "Isolation" not in copies and "% similar" in copies


def test_a_page_that_reads_otherwise_only_because_extraction_changed_is_no_edit(
    server: LocalServer, db_path: Path, config_dir: Path
) -> None:
    """After an upgrade or a selector fix, a fetch of an unchanged page reads otherwise than its newest
    version: that version is kept, but as a re-extraction, never as an edit by the site (no alert, not
    on the front page by default). Seen by the same raw bytes, or, where the page's bytes changed
    (a nonce, an ad slot), by extracting the stored page again; a real edit is still the site's."""
    html = (PAGES / "wix-blog-post-fr.html").read_text(encoding="utf-8")
    url = server.page("/post/accord", "wix-blog-post-fr.html")
    args = ("--json", "--db", str(db_path), "--config", str(config_dir))
    site_config(config_dir, server, '[data-hook="time-to-read"]')  # a stale selector: wrong title
    first = json.loads(cli_ok("fetch", url, *args))

    site_config(config_dir, server, 'h1[data-hook="post-title"]')  # fixed: the same bytes read otherwise
    second = json.loads(cli_ok("fetch", url, *args))
    assert second["title"] == WIX_TITLE and second["archive"] == {
        "status": "changed",
        "version": 2,
        "kind": "reextract",
    }

    site_config(config_dir, server, '[data-hook="time-to-read"]')  # and back, on a page whose bytes moved
    server.routes["/post/accord"] = Route(body=html.replace("</body>", "<!-- ad slot 7f3a -->\n</body>").encode())
    line = cli_ok("fetch", url, "--db", str(db_path), "--config", str(config_dir)).splitlines()[0]
    assert line == "changed · version 3 (re-extraction: the page is as before, its extraction changed)"

    edited = html.replace("en petit comité", "en très petit comité")
    server.routes["/post/accord"] = Route(body=edited.encode())
    cli_ok("fetch", url, *args)  # the site's own edit (of the body as the stale selector reads it too)
    assert rows(db_path, "SELECT version, kind FROM versions ORDER BY version") == [
        (1, "fetch"),
        (2, "reextract"),
        (3, "reextract"),
        (4, "fetch"),
    ]
    assert first["title"] != WIX_TITLE


def test_an_updated_stamp_on_a_page_that_gives_no_publication_date_makes_no_version(
    server: LocalServer, db_path: Path, config_dir: Path
) -> None:
    """A page that says only when it was last updated: that stamp is the date shown, but moving it is
    no edit of the story. It made a version each time it moved (it was taken for the publication date,
    which the content hash covers)."""
    from datetime import UTC, datetime, timedelta

    day = datetime.now(UTC) - timedelta(days=3)
    paragraphs = "".join(
        f"<p>{text}</p>"
        for text in (
            "The harbour board met on Tuesday evening to discuss the winter timetable for the island ferry.",
            "Members agreed that the last crossing of the day will leave at six, two hours earlier than now.",
            "Residents who work late shifts on the mainland asked the board to keep one evening sailing.",
        )
    )

    def note(stamp: str) -> bytes:
        return (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Ferry timetable note</title>'
            '<script>var _paq = window._paq || [];</script></head><body><nav><a href="/">Home</a> '
            '<a href="/notes/">Notes</a></nav><main><article><h1>Winter ferry timetable agreed</h1>'
            f"{stamp}{paragraphs}</article></main><footer><p>Harbour notes</p></footer></body></html>"
        ).encode()

    server.routes["/notes/ferry"] = Route(body=note(""))
    url = server.url("/notes/ferry")
    args = ("--json", "--db", str(db_path), "--config", str(config_dir))
    assert json.loads(cli_ok("fetch", url, *args))["archive"]["status"] == "new"
    for hours in (0, 5):
        shown = (day + timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")
        server.routes["/notes/ferry"] = Route(body=note(f'<p class="updated">Updated {shown}</p>'))
        assert json.loads(cli_ok("fetch", url, *args))["archive"]["status"] == "unchanged"
    assert rows(db_path, "SELECT count(*) FROM versions") == [(1,)]
