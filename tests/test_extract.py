"""Golden pages and behaviour of `scraper.extract.extract_article`.

Re-pin the expected JSON with `UPDATE_GOLDEN=1 pytest tests/test_extract.py` and review the diff.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scraper.config import CommentSelectors, Selectors, Site
from scraper.errors import ExtractError
from scraper.extract import explain, extract_article

PAGES = Path(__file__).parent / "pages"
FETCHED_AT = datetime(2024, 12, 1, 12, 0, tzinfo=UTC)
GOLDEN = sorted(p.name.removesuffix(".expected.json") for p in PAGES.glob("*.expected.json"))


def read_page(name: str) -> str:
    raw = (PAGES / f"{name}.html").read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def extract(name: str, url: str = "https://example.org/", **kwargs: object):
    return extract_article(read_page(name), url, fetched_at=kwargs.pop("fetched_at", FETCHED_AT), **kwargs)


@pytest.mark.parametrize("name", GOLDEN)
def test_golden(name: str) -> None:
    path = PAGES / f"{name}.expected.json"
    expected = json.loads(path.read_text(encoding="utf-8"))
    got = extract(name, expected["url"]).to_dict()
    got.pop("sources")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert got == expected


# ---------------------------------------------------------------- Wix


def test_wix_fields_and_sources() -> None:
    article = extract("wix-blog-post-fr", "https://www.haiti-actu-monde.com/post/coree-du-nord-russie-accord")
    assert article.title.startswith("Corée du Nord/Russie: Kim Jong-un")
    assert article.authors == ("Ludeny Phedjyna Eugene",)
    assert article.published.startswith("2024-06-20T09:14:33")
    assert article.lang == "fr"
    assert article.comments == ()
    assert article.sources["title"] == "preset:wix:title"
    assert article.sources["body"] == "preset:wix:body"


def test_wix_body_has_no_chrome() -> None:
    body = extract("wix-blog-post-fr").body
    for noise in (
        "top of page",
        "bottom of page",
        "4 min de lecture",
        "Articles récents",
        "Commentaires",
        "Photo du rédacteur",
        "Euro 2024",
        "Partager",
    ):
        assert noise not in body
    assert body.startswith("Vladimir Poutine est arrivé")
    assert "\n\nUn accord de « défense mutuelle »\n\n" in body
    assert "La diplomatie : le régime de Pyongyang" in body
    assert body.endswith("puissance de médiation dans la région.")


# ---------------------------------------------------------------- WordPress


def test_drupal_sites_own_author_field_signs_the_node() -> None:
    """A Drupal site that keeps the author in a field of its own (`field_term_author`, `field_autor`)
    instead of the node's user: the preset reads it."""
    import json

    html = read_page("drupal-article-de")
    url = json.loads((PAGES / "drupal-article-de.expected.json").read_text(encoding="utf-8"))["url"]
    own = '<span class="node__author"><span class="field field--name-uid field--type-entity-reference'
    own += ' field--label-hidden"><span>Von Jana Becker</span></span></span>'
    assert own in html
    field = '<div class="field field--name-field-term-author field--type-entity-reference field__item">'
    field += '<a href="/autoren/jana-becker">Jana Becker</a></div>'
    html = html.replace(own, "").replace('<div class="node__content">', '<div class="node__content">' + field, 1)
    article = extract_article(html, url, fetched_at=FETCHED_AT)
    assert article.authors == ("Jana Becker",) and article.sources["authors"] == "preset:drupal:author"
    assert "Jana Becker" not in article.body


def test_wordpress_threaded_comments() -> None:
    article = extract("wordpress-post-fr", "https://www.lejournaldesvignes.fr/2024/03/12/vendanges-precoces-bordelais/")
    by_id = {c.id: c for c in article.comments}
    assert list(by_id) == ["1021", "1024", "1027", "1031", "1040"]  # the pingback 1035 is skipped
    assert by_id["1024"].parent_id == "1021"
    assert by_id["1027"].parent_id == "1024"
    assert by_id["1031"].parent_id is None
    assert by_id["1021"].author == "Pierre Martin"
    assert by_id["1021"].published == "2024-03-12T09:12:44+01:00"
    assert "Répondre" not in by_id["1021"].text
    assert article.published == "2024-03-12T07:45:00+01:00"
    assert article.modified == "2024-03-14T18:02:11+01:00"


def test_a_commenters_handle_is_kept_as_they_wrote_it() -> None:
    """A commenter signing "claire_dubois" chose that name; it was stored as "Claire Dubois", a name
    they never gave.  (A byline's login, "jane.doe" in a meta author, is still written as the name.)"""
    html = read_page("wordpress-post-fr").replace('<b class="fn">Claire Dubois</b>', '<b class="fn">claire_dubois</b>')
    url = "https://www.lejournaldesvignes.fr/2024/03/12/vendanges-precoces-bordelais/"
    article = extract_article(html, url, fetched_at=FETCHED_AT)
    assert {c.id: c.author for c in article.comments}["1024"] == "claire_dubois"
    from scraper.extract.authors import clean_authors

    assert clean_authors("jane.doe") == ("Jane Doe",) and clean_authors("jane.doe", handles=True) == ("jane.doe",)


def test_wordpress_body_without_comments_or_widgets() -> None:
    body = extract("wordpress-post-fr").body
    for noise in (
        "Entre-deux-Mers",
        "Articles similaires",
        "Partager",
        "Laisser un commentaire",
        "Articles récents",
        "cookies",
        "Journaliste spécialisée",
    ):
        assert noise not in body
    assert "Des cépages sous surveillance" in body


# ---------------------------------------------------------------- encodings, bylines


def test_cp1252_characters_survive() -> None:
    article = extract("cp1252-fr")
    assert article.title == "Budget 2025 : l’État cherche 40 milliards d’€ d’économies"
    assert article.authors == ("Élise Lefèvre", "François Nœl")
    assert "« pas exclu »…" in article.body


def test_byline_split_when_no_structured_data() -> None:
    html = read_page("cp1252-fr").replace('"author"', '"x-author"')
    article = extract_article(html, "https://www.echo-du-centre.fr/a.html", fetched_at=FETCHED_AT)
    assert article.authors == ("Élise Lefèvre", "François Nœl")


# ---------------------------------------------------------------- site rules


def test_site_selectors_win_and_noise_is_removed() -> None:
    site = Site(
        name="vignes",
        start_urls=("https://www.lejournaldesvignes.fr/",),
        selectors=Selectors(
            title="p.site-description",
            author="#recent-comments-2 .comment-author-link",
            body="div.entry-content",
            comments="li.comment",
            comment=CommentSelectors(author=".fn", text=".comment-content", date="time@datetime"),
        ),
        remove=("blockquote",),
    )
    url = "https://www.lejournaldesvignes.fr/2024/03/12/vendanges-precoces-bordelais/"
    article = extract("wordpress-post-fr", url, site=site)
    assert article.title == "L’actualité du vin, de la vigne et des vignerons"
    assert article.sources["title"] == "site:selectors.title"
    assert article.authors == ("Thomas",)
    assert "On ne lutte pas contre le climat" not in article.body
    assert article.sources["comments"] == "site:selectors"
    assert len(article.comments) == 5


def test_site_ignored_for_other_domains() -> None:
    site = Site(name="other", start_urls=("https://other.example/",), selectors=Selectors(title="p"))
    article = extract("wordpress-post-fr", "https://www.lejournaldesvignes.fr/x/", site=site)
    assert article.sources["title"] == "preset:wordpress:title"


def test_explain_lists_every_field() -> None:
    rows = explain(extract("wordpress-post-fr"))
    assert [r[0] for r in rows] == [
        "title",
        "authors",
        "published",
        "modified",
        "lang",
        "canonical_url",
        "body",
        "comments",
    ]
    assert dict((r[0], r[1]) for r in rows)["authors"] == "preset:wordpress:author"


# ---------------------------------------------------------------- robustness


@pytest.mark.parametrize(
    "html",
    [
        "<div>" * 4_000 + "deep" + "</div>" * 4_000,  # deeper is refused (tests/test_hostile.py)
        "<html><body><p>nul\x00byte</p>\x00</body></html>",
        "<html><head><script type='application/ld+json'>{bad json</script></head><body>x</body></html>",
        "\ud800 lone surrogate <p>text</p>",
        "<p>" + "word, " * 50_000 + "</p>",
    ],
)
def test_hostile_inputs_do_not_raise(html: str) -> None:
    article = extract_article(html, "https://example.org/")
    assert isinstance(article.body, str)


def test_empty_document_is_an_extract_error() -> None:
    with pytest.raises(ExtractError) as caught:
        extract_article("   ", "https://example.org/")
    assert caught.value.reason == ExtractError.EMPTY
