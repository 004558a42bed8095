"""Storage rules on real SQLite files: one version per distinct content, comments kept, fetches logged."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scraper.archive.store import Archive
from scraper.errors import ArchiveError
from scraper.models import Article, Comment, Outcome, Page
from tests.conftest import rows

URL = "https://blog.example.fr/post/accord"
BODY = "Premier paragraphe de l'article.\n\nDeuxième paragraphe, avec « guillemets »."


def article(body: str = BODY, **kw: object) -> Article:
    fields: dict[str, object] = {
        "url": URL,
        "title": "Un accord",
        "authors": ("Ludeny Phedjyna Eugene",),
        "published": "2024-06-20T09:14:33+00:00",
        "body": body,
        "lang": "fr",
    }
    fields.update(kw)
    return Article(**fields)  # type: ignore[arg-type]


def page(at: datetime | None = None, html: str = "<html>…</html>", **headers: str) -> Page:
    return Page(URL, URL, 200, headers, html, "utf-8", at or datetime.now(UTC), 0.1, html.encode())


def test_new_then_unchanged_moves_last_seen_only(db_path: Path) -> None:
    t0 = datetime(2024, 6, 20, 10, tzinfo=UTC)
    with Archive(db_path) as archive:
        first = archive.save(article(), page=page(t0))
        second = archive.save(article(), page=page(t0 + timedelta(hours=1)))
    assert (first.status, first.version) == ("new", 1)
    assert (second.status, second.version) == ("unchanged", 1)
    assert rows(db_path, "SELECT version, first_seen, last_seen FROM versions") == [
        (1, "2024-06-20T10:00:00+00:00", "2024-06-20T11:00:00+00:00")
    ]
    assert rows(db_path, "SELECT outcome FROM fetches ORDER BY id") == [("new",), ("unchanged",)]


def test_a_304_extends_the_newest_version_only(db_path: Path) -> None:
    """A 304 is the site saying the text is unchanged: the newest version is seen until then."""
    t0 = datetime(2024, 6, 20, 10, tzinfo=UTC)
    with Archive(db_path) as archive:
        archive.save(article(), page=page(t0))
        archive.save(article(body=BODY + "\n\nMise à jour."), page=page(t0 + timedelta(hours=1)))
        archive.record_fetch(URL, Outcome.NOT_MODIFIED, status=304, when=t0 + timedelta(hours=5))
        archive.record_fetch(URL, Outcome.NOT_MODIFIED, status=304, when=t0 + timedelta(hours=2))  # late log line
        archive.record_fetch(URL, Outcome.ERROR, status=503, when=t0 + timedelta(hours=6))
    assert rows(db_path, "SELECT version, last_seen FROM versions ORDER BY version") == [
        (1, "2024-06-20T10:00:00+00:00"),
        (2, "2024-06-20T15:00:00+00:00"),
    ]


def test_changed_body_adds_exactly_one_version(db_path: Path) -> None:
    with Archive(db_path) as archive:
        archive.save(article(), page=page())
        edited = archive.save(article(BODY + "\n\nMise à jour : le Kremlin a confirmé."), page=page())
        again = archive.save(article(BODY + "\n\nMise à jour : le Kremlin a confirmé."), page=page())
    assert (edited.status, edited.version, again.status) == ("changed", 2, "unchanged")
    assert rows(db_path, "SELECT count(*) FROM versions") == [(2,)]
    assert rows(db_path, "SELECT version_count, body LIKE '%Kremlin a confirmé%' FROM articles") == [(2, 1)]


@pytest.mark.parametrize(
    "noisy",
    [
        BODY.replace(" ", "  ").replace("\n\n", "\n \n\n"),
        BODY + "\n\nil y a 3 heures",
        BODY + "\n\n4 min de lecture",
        BODY + "\n\n1 234 partages",
        "  " + BODY + "\u200b  ",
    ],
)
def test_noise_only_changes_add_no_version(db_path: Path, noisy: str) -> None:
    with Archive(db_path) as archive:
        archive.save(article(), page=page())
        result = archive.save(article(noisy), page=page(html="<html>other scripts, other ads</html>"))
    assert result.status == "unchanged"
    assert rows(db_path, "SELECT count(*) FROM versions") == [(1,)]


def test_title_author_and_date_changes_are_versions(db_path: Path) -> None:
    with Archive(db_path) as archive:
        archive.save(article(), page=page())
        assert archive.save(article(title="Un accord historique"), page=page()).version == 2
        assert archive.save(article(title="Un accord historique", authors=("A", "B")), page=page()).version == 3
        assert (
            archive.save(
                article(title="Un accord historique", authors=("A", "B"), published="2024-06-21"), page=page()
            ).version
            == 4
        )
        # `modified` alone is not an edit of the story
        assert (
            archive.save(
                article(
                    title="Un accord historique", authors=("A", "B"), published="2024-06-21", modified="2024-06-22"
                ),
                page=page(),
            ).status
            == "unchanged"
        )


def test_comments_upserted_and_removed_ones_marked(db_path: Path) -> None:
    c1 = Comment("101", "Très bon article.", "Marie", "2024-06-20T12:00:00+02:00")
    c2 = Comment("102", "Je ne suis pas d'accord.", "Paul", parent_id="101")
    c3 = Comment("103", "Merci !", "Anne")
    with Archive(db_path) as archive:
        archive.save(article(comments=(c1, c2)), page=page())
        archive.save(article(comments=(c1, c2)), page=page())
        assert rows(db_path, "SELECT count(*) FROM comments") == [(2,)]
        archive.save(article(comments=(c1, c3)), page=page())
        assert rows(db_path, "SELECT key, parent_key, removed_at IS NOT NULL FROM comments ORDER BY key") == [
            ("101", None, 0),
            ("102", "101", 1),
            ("103", None, 0),
        ]
        archive.save(article(comments=(c1, c2, c3)), page=page())  # back again: no longer removed
        assert rows(db_path, "SELECT count(*) FROM comments WHERE removed_at IS NOT NULL") == [(0,)]
        # comment churn is never an article version
        assert rows(db_path, "SELECT count(*) FROM versions") == [(1,)]
        # a page whose comments did not render at all marks nothing removed
        archive.save(article(comments=()), page=page())
        assert rows(db_path, "SELECT count(*) FROM comments WHERE removed_at IS NOT NULL") == [(0,)]


def test_errors_and_not_modified_are_logged(db_path: Path) -> None:
    with Archive(db_path) as archive:
        archive.save(article(), page=page())
        archive.record_fetch(URL, "not-modified", status=304)
        archive.record_fetch(URL, "error", status=410, error="HTTP 410 Gone")
        archive.record_fetch("https://nowhere.example/x", "error", error="DNS lookup failed (no such host)")
    assert rows(db_path, "SELECT url, status, outcome, error FROM fetches ORDER BY id")[1:] == [
        (URL, 304, "not-modified", None),
        (URL, 410, "error", "HTTP 410 Gone"),
        ("https://nowhere.example/x", None, "error", "DNS lookup failed (no such host)"),
    ]
    assert rows(db_path, "SELECT state FROM articles") == [("gone",)]


def test_article_found_under_any_of_its_urls(db_path: Path) -> None:
    redirected = Page("https://blog.example.fr/?p=42", URL, 200, {}, "<html/>", "utf-8", content=b"<html/>")
    with Archive(db_path) as archive:
        archive.save(article(), page=redirected, key_url=URL)
        assert [v.version for v in archive.versions("https://blog.example.fr/?p=42")] == [1]
        assert archive.save(article(), page=page(), key_url=URL).status == "unchanged"


def test_raw_pages_are_stored_once_per_version(db_path: Path) -> None:
    html = "<html><body>" + "texte " * 2000 + "</body></html>"
    with Archive(db_path) as archive:
        archive.save(article(), page=page(html=html))
        archive.save(article(), page=page(html=html))
        sha = rows(db_path, "SELECT page_sha256 FROM versions")[0][0]
        assert archive.raw_page(sha) == html.encode()
    size = rows(db_path, "SELECT size, length(content) FROM pages")
    assert len(size) == 1 and size[0][1] < size[0][0] / 5


def test_fts_finds_new_articles_at_once(db_path: Path) -> None:
    with Archive(db_path) as archive:
        archive.save(article(), page=page())
        archive.save(article(BODY + " Pyongyang"), page=page())
    assert rows(db_path, "SELECT title FROM articles_fts WHERE articles_fts MATCH 'pyongyang'") == [("Un accord",)]
    assert rows(db_path, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'deuxieme'") == [(1,)]


def test_schema_and_wal(db_path: Path) -> None:
    Archive(db_path).close()
    tables = {r[0] for r in rows(db_path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"articles", "versions", "comments", "fetches", "pages", "article_urls", "articles_fts"} <= tables
    assert rows(db_path, "PRAGMA journal_mode") == [("wal",)]


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "archive.db"
    bad.write_bytes(b"this is a text file, not SQLite" * 100)
    with pytest.raises(ArchiveError, match="cannot open archive"):
        Archive(bad)


def _writer(db: str, worker: int, count: int) -> None:
    with Archive(db) as archive:
        for i in range(count):
            archive.save(Article(url=f"https://w{worker}.example/{i}", title=f"{worker}-{i}", body=f"body {i}"))
            archive.record_fetch(f"https://w{worker}.example/{i}", "error", error="x")


def test_concurrent_writers_lose_nothing(db_path: Path) -> None:
    Archive(db_path).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(db_path), w, 60)) for w in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert rows(db_path, "SELECT count(*) FROM articles") == [(180,)]
    assert rows(db_path, "SELECT count(*) FROM fetches") == [(180,)]
    assert rows(db_path, "PRAGMA integrity_check") == [("ok",)]


def test_a_digest_computed_elsewhere_gives_the_same_versions(tmp_path: Path) -> None:
    from scraper.archive.copies import digest

    long_body = "\n\n".join(f"Paragraphe {i} : le conseil municipal a voté le budget de la ville." for i in range(30))
    plain, pre = tmp_path / "plain.db", tmp_path / "pre.db"
    for body in (long_body, long_body + "\n\nCorrection ajoutée."):
        a = article(body)
        with Archive(plain) as archive:
            archive.save(a, page=page())
        with Archive(pre) as archive:
            archive.save(a, page=page(), precomputed=digest(a))
    sql = "SELECT version, content_hash FROM versions ORDER BY version"
    assert rows(plain, sql) == rows(pre, sql) and len(rows(pre, sql)) == 2
    assert rows(plain, "SELECT simhash FROM fingerprints") == rows(pre, "SELECT simhash FROM fingerprints") != [(None,)]


def test_an_archive_in_a_missing_folder_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match=r"folder .*nodir does not exist"):
        Archive(tmp_path / "nodir" / "archive.db")
    assert list(tmp_path.iterdir()) == []
