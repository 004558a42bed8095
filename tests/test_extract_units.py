"""Unit tests for the pieces of `scraper.extract`: dates, authors, titles, presets."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scraper.extract.authors import clean_authors
from scraper.extract.comments import _strip_prefix
from scraper.extract.dates import date_from_url, parse_iso, parse_text_date
from scraper.extract.presets import all_presets

NOW = datetime(2024, 6, 21, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("20 juin 2024", "fr", "2024-06-20"),
        ("Publié le 20/06/2024 à 14h30", "fr", "2024-06-20T14:30:00"),
        ("Mis à jour le 21 juin 2024 à 09h15", "fr", "2024-06-21T09:15:00"),
        ("2. Okt. 2022", "de", "2022-10-02"),
        ("2. April 2014 um 8:29 Uhr", "de", "2014-04-02T08:29:00"),
        ("June 20, 2024", "en", "2024-06-20"),
        ("Jun. 3rd, 2023 at 5:11 pm", "en", "2023-06-03T17:11:00"),
        ("20 de junio de 2024", "es", "2024-06-20"),
        ("20 giugno 2024", "it", "2024-06-20"),
        ("20 de junho de 2024", "pt", "2024-06-20"),
        ("20 juni 2024", "nl", "2024-06-20"),
        ("20 czerwca 2024", "pl", "2024-06-20"),
        ("05/06/2024", "fr", "2024-06-05"),
        ("05/06/2024", "en-US", "2024-05-06"),
        ("il y a 3 heures", "fr", "2024-06-21T09:00:00+00:00"),
        ("vor 2 Tagen", "de", "2024-06-19"),
        ("hier", "fr", "2024-06-20"),
        ("15 juni 2024 kl. 07.30", "sv", "2024-06-15T07:30:00"),  # the Nordic "kl." before the time
        ("15. kesäkuuta 2024 klo 7.30", "fi", "2024-06-15T07:30:00"),
        ("вчера в 14:30", "ru", "2024-06-20"),  # day words and relative stamps beyond Western Europe
        ("3 часа назад", "ru", "2024-06-21T09:00:00+00:00"),
        ("před 3 hodinami", "cs", "2024-06-21T09:00:00+00:00"),
        ("för 2 timmar sedan", "sv", "2024-06-21T10:00:00+00:00"),
        ("2 gün önce", "tr", "2024-06-19"),
        ("3時間前", "ja", "2024-06-21T09:00:00+00:00"),
        ("5分钟前", "zh", "2024-06-21T11:55:00+00:00"),
        ("어제", "ko", "2024-06-20"),
        ("3시간 전", "ko", "2024-06-21T09:00:00+00:00"),
        ("hier klicken", "de", None),
        ("© 1887", "en", None),
    ],
)
def test_text_dates(text: str, lang: str, expected: str | None) -> None:
    assert parse_text_date(text, lang, NOW) == expected


def test_machine_dates() -> None:
    assert parse_iso("2024-06-20T09:14:33.120Z", NOW) == "2024-06-20T09:14:33+00:00"
    assert parse_iso("2024-03-12T07:45:00+01:00", NOW) == "2024-03-12T07:45:00+01:00"
    assert parse_iso("Tue, 12 Mar 2024 07:45:00 GMT", NOW) == "2024-03-12T07:45:00+00:00"
    assert parse_iso("2030-01-01", NOW) is None  # in the future: not a publication date
    assert parse_iso("not a date", NOW) is None


def test_url_dates() -> None:
    assert date_from_url("https://x.fr/2024/03/12/abc/", NOW) == "2024-03-12"
    assert date_from_url("https://x.fr/a-20240312-b.html", NOW) == "2024-03-12"
    assert date_from_url("https://x.fr/abc/", NOW) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Par Élise Lefèvre et François Nœl", ("Élise Lefèvre", "François Nœl")),
        ("By John Smith, Staff Writer", ("John Smith",)),
        ("Von Max Mustermann und Erika Musterfrau", ("Max Mustermann", "Erika Musterfrau")),
        ("Por Ana García y Luis Pérez", ("Ana García", "Luis Pérez")),
        ("di Giulia Ferri · 30 agosto 2021", ("Giulia Ferri",)),
        ("Claire Dubois (Reporter) claire@example.org", ("Claire Dubois",)),
        ("https://facebook.com/someone", ()),
        ("Le Journal des Vignes", ()),
        ("Sylvie R.", ("Sylvie R.",)),
        # Blogger's "Posted by" in its other languages; "Unknown" is Blogger's name for a missing profile
        ("Eingestellt von Lena Hofmann", ("Lena Hofmann",)),
        ("Eingestellt von Unknown", ()),
        ("Geplaatst door Joost de Vries", ("Joost de Vries",)),
        ("Pubblicato da Marco Neri", ("Marco Neri",)),
        # a rank word before the role goes with it, not into a name of its own
        ("By Tom Ashworth, Chief Reporter", ("Tom Ashworth",)),
        ("Jane Roe, Senior Writer", ("Jane Roe",)),
        ("Bob Stone and Ann Lee, Reporters", ("Bob Stone", "Ann Lee")),
        # a profession before the name is no part of it; a stock photo's credit names nobody who wrote
        ("Rechtsanwalt Sebastian Einbock", ("Sebastian Einbock",)),
        ("Avv. Marco Neri", ("Marco Neri",)),
        ("Josh Willink von Pexels", ()),
        ("Photo by Jane Roe on Unsplash", ()),
        # a news agency after a hyphen carried the writer's story; a hyphen between two names is left
        ("di Giulia Ferri - ANSA", ("Giulia Ferri",)),
        ("Por Ana García – EFE", ("Ana García",)),
        ("Matthias Hille - Lukas Balbach", ("Matthias Hille - Lukas Balbach",)),
        ("det/dpa", ("det", "dpa")),
    ],
)
def test_clean_authors(raw: str, expected: tuple[str, ...]) -> None:
    assert clean_authors(raw, exclude=["Le Journal des Vignes"]) == expected


def test_presets_load_from_data_files() -> None:
    names = {p.name for p in all_presets()}
    assert {
        "wix",
        "wordpress",
        "ghost",
        "drupal",
        "blogger",
        "substack",
        "medium",
        "joomla",
        "phpbb",
        "xenforo",
    } <= names
    for preset in all_presets():
        assert preset.rules.fields["body"], preset.name


def test_every_builtin_comment_selector_names_a_comment_word():
    """`may_hold_comments` clears a page for the comment query only while this holds."""
    import re

    from scraper.extract.article import _schemes
    from scraper.extract.comments import COMMENT_CONTAINERS, COMMENT_WORDS

    selectors = list(COMMENT_CONTAINERS)
    for scheme, _ in _schemes([]):
        selectors.extend(scheme.containers)
        selectors.append(scheme.items)
    named = re.compile(r"[.#\[][^\s>+~,]*(?:" + "|".join(map(re.escape, COMMENT_WORDS)) + ")", re.IGNORECASE)
    for union in selectors:
        for selector in union.split(","):
            assert named.search(selector), selector


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("comment-12", "12"),
        ("li-comment-4121", "4121"),
        ("comment-item-61", "61"),
        ("c1", "1"),
        ("c-12", "12"),
        # a word that merely starts with "c" is an id of its own, not a "c" prefix
        ("comentario-201", "comentario-201"),
        ("cookie-7", "cookie-7"),
    ],
)
def test_a_comment_id_loses_only_a_comment_prefix(raw: str, kept: str) -> None:
    assert _strip_prefix(raw) == kept


def test_a_pre_keeps_its_line_breaks_and_indentation_and_other_blocks_do_not() -> None:
    from selectolax.lexbor import LexborHTMLParser

    from scraper.extract.html import render_text

    tree = LexborHTMLParser("<div><p>Run\n  it:</p><pre>def f(x):\n    return x\n</pre><p>Done.</p></div>")
    assert render_text(tree.css_first("div")) == "Run it:\n\ndef f(x):\n    return x\n\nDone."
