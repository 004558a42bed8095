"""The word diff at paragraph boundaries and in headlines, as `scraper diff` and the article page show it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from scraper.archive.diff import render_terminal, word_diff
from scraper.archive.store import Archive
from scraper.browse.present import diff_segments
from scraper.browse.server import build_datasette, prepare_archive
from scraper.cli import cli
from scraper.models import Article, Page

URL = "https://courrier.example.fr/coree-russie"
TITLE_V1 = "Kim Jong-un et Vladimir Poutine signent un accord de partenariat"
TITLE_V2 = "Kim Jong-un et Vladimir Poutine ont signé un accord de partenariat"
P1 = "Le président russe salue un accord qui prévoit une aide militaire en cas « agression »."
P2 = "Pyongyang a déroulé le tapis rouge, a annoncé le président russe devant la presse."
UPDATE = "Mise à jour : Séoul et Washington ont dénoncé l'accord jeudi matin."


def test_appending_a_paragraph_inserts_only_that_paragraph() -> None:
    chunks = word_diff(f"{P1}\n{P2}", f"{P1}\n{P2}\n{UPDATE}")
    assert [(c.op, c.text) for c in chunks] == [("equal", f"{P1}\n{P2}"), ("insert", f"\n{UPDATE}")]
    assert render_terminal(chunks, context=100).endswith("devant la presse.\n{+" + UPDATE + "+}")


def test_a_word_inserted_at_a_paragraph_end_stays_in_its_paragraph() -> None:
    chunks = word_diff(f"{P1}\n{P2}", f"{P1.replace('».', '» extérieure.')}\n{P2}")
    assert [c.op for c in chunks] == ["equal", "delete", "insert", "equal"]
    assert chunks[2].text == "» extérieure." and chunks[3].text.startswith("\nPyongyang")
    assert "agression [-».-] {+» extérieure.+}\nPyongyang" in render_terminal(chunks, context=100)


def test_unchanged_words_keep_their_spaces_around_a_change() -> None:
    assert render_terminal(word_diff("a b c", "a c")) == "a [-b-] c"
    assert render_terminal(word_diff("a b", "a")) == "a [-b-]"
    assert render_terminal(word_diff("a b", "a c")) == "a [-b-] {+c+}"
    assert render_terminal(word_diff("One. Two.", "One.\nTwo.")) == "One.{+¶+}\nTwo."
    assert render_terminal(word_diff("One.\nTwo.", "One. Two.")) == "One. [-¶-] Two."


ZH_P1 = "北京市政府周三宣布，将在明年春季前完成全市公交线路的调整。新方案共涉及一百二十条线路。"
ZH_P2 = "市交通委员会负责人表示，调整后市民平均通勤时间有望缩短约十分钟。"


def test_chinese_text_is_diffed_character_by_character() -> None:
    """Chinese has no spaces: split on them, a paragraph was one word, and a one-character fix showed
    as the whole paragraph deleted and inserted again."""
    old, new = f"{ZH_P1}\n{ZH_P2}", f"{ZH_P1.replace('周三', '周四')}\n{ZH_P2}"
    chunks = word_diff(old, new)
    assert [(c.op, c.text) for c in chunks if c.op != "equal"] == [("delete", "三"), ("insert", "四")]
    assert "".join(c.text for c in chunks if c.op != "delete") == new
    shown = "北京市政府周[-三-]{+四+}宣布，将在明年春季前完成 [… 21 unchanged words …] 勤时间有望缩短约十分钟。"
    assert render_terminal(chunks, context=6) == shown  # 6 words of context: 11 or 12 characters
    mixed = word_diff("新方案涉及 120 条线路。", "新方案涉及 125 条线路。")
    assert [(c.op, c.text) for c in mixed if c.op != "equal"] == [("delete", "120 "), ("insert", "125 ")]


def test_equal_and_inserted_text_rebuild_the_new_version() -> None:
    old, new = f"{P1}\n\n{P2}", f"{UPDATE}\n{P1.replace('militaire', 'mutuelle')}  \n{P2}"
    assert "".join(c.text for c in word_diff(old, new) if c.op != "delete") == new


def test_web_segments_put_breaks_outside_the_change() -> None:
    segments = diff_segments(f"{P1}\n{P2}", f"{P1}\n{P2}\n{UPDATE}", context=None)
    inserted = [s for s in segments if s.op == "insert"]
    assert len(inserted) == 1 and inserted[0].lead == "\n\n" and inserted[0].core == UPDATE
    assert not any(s.op == "delete" for s in segments)


def _archive(path: Path) -> Path:
    article = Article(url=URL, title=TITLE_V1, authors=("Ludeny Eugene",), body=f"{P1}\n{P2}", lang="fr")
    edited = Article(
        url=URL,
        title=TITLE_V2,
        authors=("Ludeny Eugene",),
        body=f"{P1.replace('».', '» extérieure.')}\n{P2}\n{UPDATE}",
        lang="fr",
    )
    with Archive(path) as archive:
        for n, a in enumerate((article, edited)):
            when = datetime(2026, 11, 28 + n, 9, tzinfo=UTC)
            page = Page(URL, URL, 200, {}, "", "utf-8", fetched_at=when, content=b"")
            archive.save(a, page=page, site="courrier", store_raw=False)
    return path


def test_cli_diff_of_a_headline_and_an_appended_paragraph(tmp_path: Path) -> None:
    db = _archive(tmp_path / "archive.db")
    result = CliRunner().invoke(cli, ["diff", URL, "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "title: Kim Jong-un et Vladimir Poutine [-signent-] {+ont signé+} un accord de" in result.output
    assert "devant la presse.\n{+Mise à jour" in result.output
    assert "[-presse.-]" not in result.output


def test_cli_diff_names_the_version_asked_for_and_refuses_version_0(tmp_path: Path) -> None:
    db = _archive(tmp_path / "archive.db")

    def diff(*flags: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["diff", URL, "--db", str(db), *flags])
        return result.exit_code, result.output

    # --to 9 used to be reported as "no version 8" (the --from it implied), --from 0 was taken for
    # "the default" and diffed v1 to v2, and --to 1 said "no version 0"
    assert diff("--to", "9") == (1, f"Error: {URL} has no version 9 (--to; versions: 1–2)\n")
    assert diff("--from", "0") == (1, f"Error: {URL} has no version 0 (--from; versions: 1–2)\n")
    assert diff("--to", "1") == (1, f"Error: {URL}: v1 is its first version, there is none before it to compare\n")
    code, out = diff("--from", "2", "--to", "1")
    assert code == 0 and out.startswith("v2 (")


def test_cli_diff_writes_a_byline_as_readers_do(tmp_path: Path) -> None:
    db = _archive(tmp_path / "archive.db")
    with Archive(db) as archive:
        page = Page(URL, URL, 200, {}, "", "utf-8", fetched_at=datetime(2026, 11, 30, 9, tzinfo=UTC), content=b"")
        article = Article(
            url=URL,
            title=TITLE_V2,
            authors=("Ludeny Eugene", "Kim Séo-yeon"),
            published="2026-11-30",
            body=P1,
            lang="fr",
        )
        archive.save(article, page=page, site="courrier", store_raw=False)
    result = CliRunner().invoke(cli, ["diff", URL, "--db", str(db)], catch_exceptions=False)
    assert "authors: [-Ludeny Eugene-] {+Ludeny Eugene, Kim Séo-yeon+}\n" in result.output  # not a Python list
    assert "published: [-(none)-] {+2026-11-30+}\n" in result.output  # not "None"
    result = CliRunner().invoke(cli, ["diff", URL, "--db", str(db), "--from", "1"], catch_exceptions=False)
    assert "authors: [-Ludeny Eugene-] {+Ludeny Eugene, Kim Séo-yeon+}" in result.output


def test_article_page_diffs_the_headline_word_by_word_and_keeps_insertions_inline(tmp_path: Path) -> None:
    db = _archive(tmp_path / "archive.db")
    prepare_archive(db)
    ds = build_datasette(db)
    html = asyncio.run(ds.client.get("/archive/-/article/1?from=1&to=2&full=1")).text
    diff = html.split('id="diff"')[1].split("</section>")[0]
    assert "<th>title</th><td>Kim Jong-un et Vladimir Poutine <del>signent</del> <ins>ont signé</ins> un accord" in diff
    assert "agression <del>».</del> <ins>» extérieure.</ins>\n\nPyongyang" in diff
    assert "devant la presse.\n\n<ins>Mise à jour" in diff and "<del>presse.</del>" not in diff
    data = asyncio.run(ds.client.get("/archive/-/article/1.json?from=1&to=2")).json()
    title = next(f for f in data["diff"]["fields"] if f["name"] == "title")
    assert {"op": "insert", "text": "ont signé "} in title["segments"]
