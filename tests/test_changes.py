"""Per-version change stats: sentence alignment, stats at save time, the backfill of older archives,
and where they show (history, diff, `scraper changes`)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.archive.changes import (
    CHANGE_COLUMNS,
    add_change_columns,
    align_sentences,
    change_stats,
    parse_since,
    split_sentences,
)
from scraper.archive.store import Archive
from scraper.cli import cli
from scraper.models import Article, Page
from tests.browse_fixtures import BUDGET_URL, build_archive


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_sentences_split_on_ends_and_lines() -> None:
    assert split_sentences("One. Two? «Three» here.\nFour e.g. five") == [
        "One.",
        "Two?",
        "«Three» here.",
        "Four e.g. five",
    ]


def test_alignment_follows_newsedits_operations() -> None:
    old = ["The mayor spoke.", "Twelve percent more for trams.", "It rained.", "The end."]
    new = ["The end.", "The mayor spoke.", "Nine percent more for trams.", "A correction was issued."]
    ops = align_sentences(old, new)
    # "The end." moved, the figure sentence edited, "It rained." removed, the correction added
    assert (ops.added, ops.removed, ops.changed, ops.moved) == (1, 1, 1, 1)


def test_stats_of_a_typo_fix_and_a_rewrite() -> None:
    base = {"title": "Budget", "body": "The council met on Tuesday.\nIt voted the budget.", "authors": "[]"}
    typo = change_stats(base, {**base, "body": "The council met on Tuesday.\nIt voted on the budget."})
    assert (typo.words_added, typo.words_removed, typo.sentences_changed, typo.title_changed) == (1, 0, 1, False)
    assert typo.summary == "+1 −0 words (1 sentence changed)"
    rewrite = change_stats(base, {**base, "title": "Budget passes", "body": "Everything is different now."})
    assert rewrite.title_changed and rewrite.words_removed == 9 and rewrite.sentences_added == 1
    assert rewrite.summary.endswith("headline changed")
    first = change_stats(None, base)
    assert first.summary == "first version, 9 words" and first.sentences_added == 2
    assert (
        change_stats(base, {**base, "title": "New"}, "reextract").summary
        == "re-extraction: same text, headline changed"
    )


ZH = (
    "北京市政府周三宣布，将在明年春季前完成全市公交线路的调整。新方案共涉及一百二十条线路！\n市民说：「希望早日实施。」"
)
ZH_MORE = "市交通委员会负责人表示，调整后市民平均通勤时间有望缩短约十分钟，地铁接驳也会更方便。"


def test_chinese_sentences_and_words_are_counted_as_readers_count_them() -> None:
    """Split on spaces, a Chinese paragraph was one word and one sentence: a one-character fix was
    "+1 −1 words" like a rewrite of it, and `changes --min-words` could never tell the two apart."""
    assert split_sentences(ZH) == [
        "北京市政府周三宣布,将在明年春季前完成全市公交线路的调整。",
        "新方案共涉及一百二十条线路!",
        "市民说:「希望早日实施。」",
    ]
    base = {"title": "公交调整", "body": ZH, "authors": "[]"}
    fix = change_stats(base, {**base, "body": ZH.replace("周三", "周四")})
    assert (fix.words_added, fix.words_removed, fix.sentences_changed, fix.sentences_added) == (1, 1, 1, 0)
    more = change_stats(base, {**base, "body": ZH + "\n" + ZH_MORE})
    assert (more.words_added, more.words_removed, more.sentences_added) == (20, 0, 1)  # 39 characters, 2 a word
    assert change_stats(None, base).words_added == 25  # 49 characters


def test_changes_min_words_tells_a_chinese_fix_from_an_added_paragraph(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    url = "https://news.example.cn/2025/03/bus.html"
    with Archive(db) as archive:
        for day, body in enumerate((ZH, ZH.replace("周三", "周四"), ZH.replace("周三", "周四") + "\n" + ZH_MORE)):
            page = Page(url, url, 200, {}, "", "utf-8", datetime(2025, 3, 5 + day, tzinfo=UTC))
            archive.save(Article(url, title="公交调整", body=body), page=page)
    found = json.loads(run("changes", "--since", "2025-01-01", "--min-words", "10", "--json", "--db", str(db))[1])
    assert [c["version"] for c in found] == [3]


def test_stats_are_stored_with_each_version(tmp_path: Path) -> None:
    db = build_archive(tmp_path / "archive.db")
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT version, words_added, words_removed, title_changed, sentences_added, sentences_changed,"
            " change_summary FROM versions WHERE article_id = 1 ORDER BY version"
        ).fetchall()
    assert rows[1] == (2, 1, 1, 0, 0, 1, "+1 −1 words (1 sentence changed)")
    assert rows[2] == (3, 7, 0, 1, 1, 0, "+7 −0 words (1 sentence added), headline changed")


def test_old_archives_are_backfilled_once(tmp_path: Path) -> None:
    db = build_archive(tmp_path / "archive.db")
    with sqlite3.connect(db) as conn:  # an archive of schema version 2, from before the change columns
        conn.execute("DROP INDEX IF EXISTS idx_versions_first_seen")
        for name in CHANGE_COLUMNS:
            conn.execute(f"ALTER TABLE versions DROP COLUMN {name}")
        conn.execute("PRAGMA user_version=2")
    code, out, _ = run("history", BUDGET_URL, "--json", "--db", str(db))  # read-only: no stats, still works
    assert code == 0 and json.loads(out)[2]["change"] is None
    with Archive(db) as archive:  # any writer migrates to version 3, which adds and fills them
        assert [v.change.summary for v in archive.versions(BUDGET_URL) if v.change][2].endswith("headline changed")
        assert add_change_columns(archive.conn) == 0  # and only once


def test_history_and_diff_show_kind_and_summary(tmp_path: Path) -> None:
    db = build_archive(tmp_path / "archive.db")
    with Archive(db) as archive:
        page = Page(BUDGET_URL, BUDGET_URL, 200, {}, "", "utf-8", datetime(2024, 5, 16, tzinfo=UTC))
        latest = archive.versions(BUDGET_URL)[-1]
        article = Article(BUDGET_URL, title=latest.title, authors=tuple(latest.authors), published=latest.published)
        archive.save(replace(article, body=latest.body + "\nOne more line."), page=page, kind="reextract")
    code, out, _ = run("history", BUDGET_URL, "--db", str(db))
    assert code == 0
    assert "reextract" in out and "re-extraction: +3 −0 words (1 sentence added)" in out
    assert "+7 −0 words (1 sentence added), headline changed" in out
    data = json.loads(run("history", BUDGET_URL, "--json", "--db", str(db))[1])
    assert [v["kind"] for v in data] == ["fetch", "fetch", "fetch", "reextract"]
    assert data[2]["change"]["title_changed"] is True and data[1]["change"]["sentences_changed"] == 1
    code, out, _ = run("diff", BUDGET_URL, "--from", "2", "--to", "3", "--db", str(db))
    assert code == 0 and "headline changed" in out


def test_changes_command_text_json_and_filters(tmp_path: Path) -> None:
    db = build_archive(tmp_path / "archive.db")
    code, out, _ = run("changes", "--since", "2024-01-01", "--db", str(db))
    assert code == 0
    assert "Council approves budget after six-hour debate" in out and "was: Council approves budget" in out
    assert "+7 −0 words (1 sentence added), headline changed" in out and BUDGET_URL in out
    found = json.loads(run("changes", "--since", "2024-01-01", "--json", "--db", str(db))[1])
    assert [(c["article_id"], c["version"]) for c in found] == [(3, 2), (1, 3), (1, 2)]
    only = json.loads(run("changes", "--since", "2024-01-01", "--site", "news-example", "--json", "--db", str(db))[1])
    assert {c["site"] for c in only} == {"news-example"}
    heads = json.loads(run("changes", "--since", "2024-01-01", "--headline", "--json", "--db", str(db))[1])
    assert [(c["article_id"], c["version"]) for c in heads] == [(1, 3)]
    big = json.loads(run("changes", "--since", "2024-01-01", "--min-words", "3", "--json", "--db", str(db))[1])
    assert [(c["article_id"], c["version"]) for c in big] == [(3, 2), (1, 3)]  # the one-word fix is left out
    code, out, err = run("changes", "--db", str(db))  # default: the last day; the fixture is from 2024
    assert code == 0 and out == "" and "no changes since" in err


@pytest.mark.parametrize(
    ("text", "expect"), [("1d", "2024-05-14T12:00:00+00:00"), ("12h", "2024-05-15T00:00:00+00:00")]
)
def test_since_durations(text: str, expect: str) -> None:
    assert parse_since(text, datetime(2024, 5, 15, 12, tzinfo=UTC)) == expect


def test_since_dates_and_errors() -> None:
    assert parse_since("2024-05-14") == "2024-05-14T00:00:00+00:00"
    with pytest.raises(ValueError, match="neither a duration"):
        parse_since("2026-13-01")
