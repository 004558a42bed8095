"""The speed-ups in `scraper.extract` must not change results: each fast path against its plain form."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper.extract import article, body, dates, extract_article, html
from scraper.extract.comments import comment_candidates, extract_comments
from scraper.extract.html import FastCI, clean_text, tidy

_NOW = datetime(2026, 11, 28, tzinfo=UTC)

TEXTS = [
    "",
    "Share this article",
    "SHARE THIS ARTICLE",
    "  Über den Autor ",
    "ÜBER DEN AUTOR",
    "Read more: the rest",
    "weiterleſen",  # long s: IGNORECASE folds it to "s", lower() does not
    "\u212a\u212a",  # Kelvin sign
    "plain text with nothing in it",
    "Kommentare geschlossen",
]


@pytest.mark.parametrize("text", TEXTS)
def test_fast_case_insensitive_matches_the_original(text: str) -> None:
    for pattern in (body._BOILERPLATE.pattern, body._NEGATIVE.pattern, re.compile(r"weiterlesen|kk", re.IGNORECASE)):
        fast = FastCI(pattern)
        for name in ("search", "match"):
            got = getattr(fast, name)(text)
            want = getattr(pattern, name)(text)
            assert (got and (got.span(), got.group())) == (want and (want.span(), want.group()))


def test_fast_case_insensitive_refuses_uppercase_patterns() -> None:
    with pytest.raises(ValueError):
        FastCI(re.compile(r"Author|byline", re.IGNORECASE))
    with pytest.raises(ValueError):
        FastCI(re.compile(r"author"))


def _clean_text_plain(text: str) -> str:
    return html._SPACES.sub(" ", html._INVISIBLE.sub("", text).replace("\n", " ")).strip()


@pytest.mark.parametrize(
    "text", ["  a \t b\n c  ", "a\x1cb", "x\u00a0y", "soft\u00adhyphen", "\r\nline\x0bfeed", "a \x1f b"]
)
def test_clean_text_fast_path_is_the_regex_result(text: str) -> None:
    assert clean_text(text) == _clean_text_plain(text)


def _tidy_plain(text: str) -> str:
    text = html._SPACES.sub(" ", html._INVISIBLE.sub("", text))
    blocks = (html._NEWLINES.sub("\n", b).strip() for b in re.split(r"\s*\n\s*\n\s*", text))
    return "\n\n".join(b for b in blocks if b)


@pytest.mark.parametrize(
    "text",
    [
        "a  \n\n  b",
        "  \n\n lead \n\n\n\n end  ",
        "one \n two\n\n three \u2028 \n\n four",
        "x\u200b y \n \n z",
        "no gaps at all",
        "trailing \n",
    ],
)
def test_tidy_splits_blocks_as_before(text: str) -> None:
    assert tidy(text) == _tidy_plain(text)


@pytest.mark.parametrize(
    "text", ["12.05.2020", "1/12.05.2020", "x 3-4-2021 y", "2021/05/06", "12021-05-06", "am 12.5.22 um 10:30", "2020"]
)
def test_date_patterns_opening_on_a_digit_match_as_the_look_behind_forms(text: str) -> None:
    t = dates._TIME
    plain = {
        dates._NUMERIC: re.compile(rf"(?<![\d/.-])(\d{{1,2}})([./-])(\d{{1,2}})\2(\d{{4}}|\d{{2}})(?![\d/.-]|\.\d){t}"),
        dates._YMD: re.compile(rf"(?<!\d)(\d{{4}})([./-])(\d{{1,2}})\2(\d{{1,2}})(?!\d){t}"),
        dates._YEAR: re.compile(r"(?<!\d)\d{4}(?!\d)"),
    }
    for fast, slow in plain.items():
        assert [(m.span(), m.groups()) for m in fast.finditer(text)] == [
            (m.span(), m.groups()) for m in slow.finditer(text)
        ]


def test_class_and_id_weigh_as_one_string() -> None:
    for classes, ident in [("post-body", ""), ("sidebar", "main"), ("", "comments"), ("x y", "z"), ("", "")]:
        joined = f"{classes} {ident}"
        want = (25.0 if body._POSITIVE.search(joined) else 0.0) - (25.0 if body._NEGATIVE.search(joined) else 0.0)
        assert body._names_weight(classes, ident) == want


def test_remove_applies_every_selector_even_beside_a_bad_one() -> None:
    tree = LexborHTMLParser("<body><div class=a>A</div><p id=b>B</p><span>C</span></body>")
    article._remove(tree, (".a", "p:unknown-pseudo(", "#b"))
    assert tree.body is not None and tree.body.text() == "C"


_COMMENTS_PAGE = """<html><body><article><h1>Title</h1><p>Body text.</p></article>
<ol class="commentlist"><li class="comment" id="comment-1"><div class="comment-author"><cite>Ann</cite></div>
<div class="comment-content"><p>First!</p></div></li></ol></body></html>"""


def test_comments_read_behind_the_candidates_gate() -> None:
    tree = LexborHTMLParser(_COMMENTS_PAGE)
    schemes = article._schemes([])
    assert comment_candidates(tree, schemes)
    found = extract_comments(tree, schemes, "en", _NOW)
    assert [c.text for c in found[0]] == ["First!"]
    assert [c.text for c in extract_article(_COMMENTS_PAGE, "https://example.org/a", fetched_at=_NOW).comments] == [
        "First!"
    ]


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<div class="post hentry"><div class="post-body"><p>Text</p></div></div>', {"blogger"}),
        ("<p>nothing here</p>", set()),
        ("".join(f'<div data-drupal-selector="x{i}">d</div>' for i in range(12)), {"drupal"}),
    ],
)
def test_presets_detected_through_the_signature_nodes(markup: str, expected: set[str]) -> None:
    from scraper.extract.presets import all_presets, detect_presets

    tree = LexborHTMLParser(f"<html><body>{markup}</body></html>")
    found = {p.name for p in detect_presets(tree, "")}
    assert found == expected
    assert found == {p.name for p in all_presets() if p.matches(tree, "")}
