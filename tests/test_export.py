"""`scraper export`: JSON Lines and CSV, filters, and a safe --out."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.archive.store import Archive
from scraper.cli import cli
from scraper.models import Article, Comment


@pytest.fixture
def archive_db(db_path: Path) -> Path:
    with Archive(db_path) as archive:
        first = Article(
            url="https://a.test/1",
            title="Première",
            authors=("Ana Roy", "Ben Ng"),
            published="2024-06-20T09:00:00+00:00",
            body='Le corps.\nDeuxième ligne, avec "guillemets".',
            comments=(Comment(id="c1", text="Bravo", author="Zoé", published="2024-06-20T10:00:00+00:00"),),
        )
        archive.save(first, site="a", key_url=first.url)
        archive.save(Article(url=first.url, title="Première", authors=first.authors, body="Corps modifié."), site="a")
        archive.save(
            Article(url="https://b.test/2", title="Other", body="B body"), site="b", key_url="https://b.test/2"
        )
    return db_path


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, ["export", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_jsonl_has_one_object_per_article(archive_db: Path) -> None:
    lines = invoke("--db", str(archive_db)).splitlines()
    first = json.loads(lines[0])
    assert len(lines) == 2
    assert first["url"] == "https://a.test/1" and first["authors"] == ["Ana Roy", "Ben Ng"]
    assert first["body"] == "Corps modifié." and first["versions"] == 2
    assert first["comments"] == [{"author": "Zoé", "published": "2024-06-20T10:00:00+00:00", "text": "Bravo"}]
    assert set(first) >= {"url", "title", "authors", "published", "modified", "body", "comments", "versions"}
    assert first["state"] == "live" and first["last_checked"]
    import sqlite3

    with sqlite3.connect(archive_db) as conn:  # as a 410 on the next check leaves it
        conn.execute("UPDATE articles SET state='gone' WHERE url='https://b.test/2'")
    second = json.loads(invoke("--db", str(archive_db)).splitlines()[1])
    assert (second["url"], second["state"]) == ("https://b.test/2", "gone")


def test_csv_round_trips_through_a_csv_reader(archive_db: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(invoke("--db", str(archive_db), "--format", "csv"))))
    assert [r["url"] for r in rows] == ["https://a.test/1", "https://b.test/2"]
    assert rows[0]["authors"] == "Ana Roy; Ben Ng" and rows[0]["versions"] == "2"
    assert json.loads(rows[0]["comments"])[0]["text"] == "Bravo"


def test_site_and_since_filters(archive_db: Path) -> None:
    assert [json.loads(x)["url"] for x in invoke("--db", str(archive_db), "--site", "b").splitlines()] == [
        "https://b.test/2"
    ]
    assert invoke("--db", str(archive_db), "--since", "2999-01-01") == ""
    assert len(invoke("--db", str(archive_db), "--since", "2000-01-01").splitlines()) == 2


def test_bad_since_is_a_usage_error(archive_db: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--db", str(archive_db), "--since", "yesterday"])
    assert result.exit_code == 2 and "--since" in result.output


def test_out_writes_the_file(archive_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "articles.jsonl"
    result = CliRunner().invoke(cli, ["export", "--db", str(archive_db), "--out", str(out)])
    assert result.exit_code == 0 and "2 article(s) written" in result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_out_replaces_a_symlink_instead_of_writing_through_it(archive_db: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    link = tmp_path / "export.csv"
    link.symlink_to(victim)
    invoke("--db", str(archive_db), "--format", "csv", "--out", str(link))
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not link.is_symlink() and link.read_text(encoding="utf-8").startswith("url,site,title")


def test_out_into_a_missing_folder_is_an_error(archive_db: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--db", str(archive_db), "--out", str(tmp_path / "no" / "x.jsonl")])
    assert result.exit_code == 1 and "does not exist" in result.output
