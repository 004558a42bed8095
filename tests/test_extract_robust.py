"""Property tests: whatever the input, extraction returns an Article or refuses it for a named reason.

Any other exception escapes `_check` and fails the test: that is a crash the crawl would log as an
internal error, which is what these tests exist to find.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.errors import ExtractError
from scraper.extract import extract_article
from scraper.models import Article

PAGES = Path(__file__).parent / "pages"
SAMPLE = (PAGES / "wordpress-post-fr.html").read_text(encoding="utf-8")
TAGS = ["div", "p", "article", "li", "ol", "time", "script", "h1", "a", "span", "main", "table", "td"]


def _check(html: str) -> None:
    try:
        article = extract_article(html, "https://example.org/2024/01/02/x")
    except ExtractError as exc:
        assert exc.reason in ExtractError.REASONS, exc.reason
        assert exc.reason != ExtractError.EMPTY or not html.strip()
        assert exc.reason != ExtractError.TOO_DEEP or html.count("<") >= 500  # only for deep nesting
        return
    assert isinstance(article, Article)
    assert isinstance(article.body, str) and isinstance(article.title, str | None)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_random_text(html: str) -> None:
    _check(html)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    _check(data.decode("latin-1"))


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=len(SAMPLE)))
def test_truncated_page(cut: int) -> None:
    _check(SAMPLE[:cut])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(SAMPLE)), st.integers(0, 400), st.text(max_size=30)), max_size=6))
def test_mutated_page(edits: list[tuple[int, int, str]]) -> None:
    html = SAMPLE
    for start, length, insert in edits:
        html = html[:start] + insert + html[start + length :]
    _check(html)


@settings(max_examples=40, deadline=None)
@given(
    st.recursive(
        st.text(max_size=40),
        lambda inner: (
            st.builds(lambda tag, body: f"<{tag} class='comment'>{body}</{tag}>", st.sampled_from(TAGS), inner)
            | st.lists(inner, max_size=4).map("".join)
        ),
        max_leaves=30,
    )
)
def test_random_markup(html: str) -> None:
    _check(html)


def test_a_bug_inside_extraction_keeps_its_type(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above is only worth something if a crash is not turned into an ExtractError."""
    import scraper.extract as extract

    def broken(*args: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(extract, "run", broken)
    with pytest.raises(KeyError):
        extract_article(SAMPLE, "https://example.org/x")
