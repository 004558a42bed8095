"""Hard cases of the generic extractor, each on a small page of our own modelled on a common markup.

Every test names the failure it guards against (found by error analysis on the shared corpora), so a
regression says what broke rather than which number moved.
"""

from __future__ import annotations

from datetime import UTC, datetime

from scraper.extract import extract_article
from scraper.extract.dates import absolute_dates, parse_with_dateparser
from scraper.extract.zones import to_local

NOW = datetime(2024, 12, 1, 12, 0, tzinfo=UTC)
PARAS = "".join(
    f"<p>Absatz {i}: Die Gemeinde hat am Dienstag beschlossen, die Straße zu sanieren, "
    f"und die Anwohner wurden darüber informiert, wie lange die Arbeiten dauern.</p>"
    for i in range(6)
)


def page(head: str, body: str, lang: str = "de") -> str:
    return f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


def extract(html: str, url: str = "https://www.example.de/news/artikel"):
    return extract_article(html, url, fetched_at=NOW)


# ---------------------------------------------------------------- dates


def test_utc_instant_lands_on_the_local_day_of_a_german_page() -> None:
    html = page(
        '<meta property="article:published_time" content="2022-11-06T23:00:00Z"><title>Straße</title>',
        f"<article><h1>Straße wird saniert</h1>{PARAS}</article>",
    )
    article = extract(html)
    assert article.published == "2022-11-07T00:00:00+01:00"  # same instant, Berlin's calendar day


def test_zone_guess_stays_out_of_spread_out_languages() -> None:
    # French without a country (Haiti, Quebec, West Africa) and English stay in UTC
    assert to_local("2024-06-20T23:14:33+00:00", "fr", "https://example.com/a") == "2024-06-20T23:14:33+00:00"
    assert to_local("2024-06-20T23:14:33+00:00", "en-US", "https://example.com/a") == "2024-06-20T23:14:33+00:00"
    assert to_local("2024-07-20T23:14:33+00:00", "es", "https://diario.com.ar/a").startswith("2024-07-20T20:14")
    assert to_local("2024-07-20T22:30:00+00:00", "fr-FR", "https://x.com/a") == "2024-07-21T00:30:00+02:00"


def test_visible_date_under_the_headline_beats_an_earlier_draft_date() -> None:
    html = page(
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Warten lohnt sich",'
        ' "datePublished": "2021-12-14T15:41:07+01:00"}</script>',
        f'<article><h1>Warten lohnt sich</h1><p class="meta">04.02.2022 | 15:33 Uhr</p>{PARAS}</article>',
    )
    assert extract(html).published.startswith("2022-02-04")


def test_an_event_date_in_prose_is_not_the_article_date() -> None:
    html = page(
        '<meta property="article:published_time" content="2022-01-11T09:50:50+01:00">',
        "<article><h1>Angelshow in Rostock</h1>"
        "<p>Termin: 21.05.2022</p>"
        f"<p>Am 21. und 22. Mai 2022 wird sich im Park alles ums Angeln drehen, sagen die Veranstalter.</p>{PARAS}"
        "</article>",
    )
    assert extract(html).published.startswith("2022-01-11")


def test_page_scan_prefers_the_published_label_over_the_last_change() -> None:
    html = page(
        "<title>Rezension</title>",
        f"<h1>Vom Boden aus gedacht</h1>{PARAS}"
        "<p>Letzte Änderung: 31.10.2023 - 14:49:39<br>Erschienen am: 01.11.2023</p>",
    )
    assert extract(html).published == "2023-11-01"


def test_app_state_json_date_when_the_markup_has_none() -> None:
    html = page(
        '<script>window.__STATE__ = {"product": {"published_at": "2019-03-02T06:22:28+01:00"}}</script>',
        f"<h1>Kaffee Sidamo</h1>{PARAS}",
    )
    assert extract(html).published.startswith("2019-03-02")


def test_wiki_last_edit_is_the_date_of_a_wiki_page() -> None:
    html = page(
        "<title>Stammtisch</title>",
        "<h1>Stammtisch</h1><p>Der nächste Stammtisch findet am Mi. 5. Februar 2020 ab 19 Uhr statt, "
        "alle Interessierten sind herzlich eingeladen, vorbeizukommen.</p>"
        '<ul id="footer-info"><li id="footer-info-lastmod">Diese Seite wurde zuletzt am 29. Januar 2020 '
        "um 13:22 Uhr geändert.</li></ul>",
    )
    assert extract(html).published.startswith("2020-01-29")


def test_month_names_are_found_only_before_a_year() -> None:
    found = absolute_dates("Mai ist schön. Veröffentlicht am 3. März 2021, 14:30 Uhr", "de", NOW)
    assert [iso for _, iso in found] == ["2021-03-03T14:30:00"]


def test_dateparser_does_not_invent_the_current_year() -> None:
    assert parse_with_dateparser("18. Mai, 18:00", "de", NOW) is None


# ---------------------------------------------------------------- titles


def test_h1_kicker_and_dateline_are_not_part_of_the_title() -> None:
    html = page(
        "<title>Lagen-Pyramide mit GA2 | Schwimmen</title>",
        '<article><h1><span class="sub-heading">Einheit der Woche</span><br>Lagen-Pyramide mit GA2</h1>'
        f"{PARAS}</article>",
    )
    assert extract(html).title == "Lagen-Pyramide mit GA2"


def test_title_drops_site_name_in_the_middle_and_its_tagline() -> None:
    html = page(
        "<title>Bielersee-Winterhechte | petri-heil.ch | Dein Schweizer Fischereimagazin</title>",
        f"<article>{PARAS}</article>",
    )
    assert extract(html, "https://www.petri-heil.ch/de/hechte").title == "Bielersee-Winterhechte"


def test_h1_that_is_the_tail_of_a_kicker_title_wins() -> None:
    html = page(
        '<meta property="og:title" content="Siemens und die Kohlemine: Kaeser verarscht Neubauer">',
        f"<article><h1>Kaeser verarscht Neubauer</h1>{PARAS}</article>",
    )
    assert extract(html).title == "Kaeser verarscht Neubauer"


# ---------------------------------------------------------------- authors


def test_byline_label_on_its_own_line_before_the_name() -> None:
    html = page(
        "<title>Fische</title>",
        f'<article><h1>Können Fische Schmerzen spüren?</h1><div class="x">Von <a href="/u/1">Anna Berger</a>'
        f" am 12.01.2022</div>{PARAS}</article>",
    )
    assert extract(html).authors == ("Anna Berger",)


def test_yoast_person_that_also_publishes_is_the_author() -> None:
    graph = (
        '{"@context": "https://schema.org", "@graph": ['
        '{"@type": ["Person", "Organization"], "@id": "#me", "name": "Frau Sabienes"},'
        '{"@type": "BlogPosting", "headline": "Fazit", "author": {"@id": "#me"}, "publisher": {"@id": "#me"}}]}'
    )
    html = page(f'<script type="application/ld+json">{graph}</script>', f"<article><h1>Fazit</h1>{PARAS}</article>")
    assert extract(html).authors == ("Frau Sabienes",)


def test_twitter_written_by_label() -> None:
    html = page(
        '<meta name="twitter:label1" content="Verfasst von"><meta name="twitter:data1" content="Christoph Hein">',
        f"<article><h1>Schmerzen</h1>{PARAS}</article>",
    )
    assert extract(html).authors == ("Christoph Hein",)


def test_author_archive_link_text_and_degrees_are_cleaned() -> None:
    html = page(
        '<meta name="author" content="Grant Tinsley, PhD">',
        f'<article><h1>Fat</h1>{PARAS}<a rel="author" href="/a">Alle Beiträge von Petra Ruland</a></article>',
    )
    assert extract(html).authors == ("Grant Tinsley",)


def test_places_and_domains_are_not_authors() -> None:
    html = page(
        '<meta name="author" content="Frankfurt a. M., Germany"><meta name="dc.creator" content="example.de">',
        f"<article><h1>Kredit</h1>{PARAS}</article>",
    )
    assert extract(html).authors == ()


# ---------------------------------------------------------------- body and comments


def test_lead_outside_the_body_container_is_kept() -> None:
    html = page(
        "<title>Corona</title>",
        '<article><header><h1>Corona in Zahlen</h1><p class="lead">Die Zahl der Neuinfektionen steigt '
        "weiter, wie das Institut am Morgen mitteilte.</p></header>"
        f'<div class="article-body">{PARAS}</div></article>',
    )
    body = extract(html).body
    assert body.startswith("Die Zahl der Neuinfektionen steigt weiter")
    assert "Absatz 5" in body


def test_more_stories_heading_ends_the_article() -> None:
    teasers = "".join(
        f"<p>Teaser {i}: ein ganz anderer Artikel über etwas völlig anderes, hier klicken.</p>" for i in range(3)
    )
    html = page(
        "<title>Säge</title>",
        f'<article><h1>Kreissäge</h1><div class="text">{PARAS}<h3>Das könnte Sie auch interessieren!</h3>'
        f"{teasers}</div></article>",
    )
    body = extract(html).body
    assert "Absatz 5" in body
    assert "Teaser" not in body


def test_article_cut_into_page_builder_blocks_is_taken_whole() -> None:
    blocks = "".join(
        f'<div class="elementor-widget"><div class="elementor-text-editor">'
        f"<p>Block {i}: Wie das nachfolgende Video zeigt, wurde die Drohne über dem Gelände abgefangen, "
        f"berichtete die Agentur, und die Behörden prüfen den Vorfall.</p></div></div>"
        for i in range(5)
    )
    html = page("<title>Drohne</title>", f'<h1>Drohne</h1><div class="elementor-section">{blocks}</div>')
    body = extract(html).body
    assert all(f"Block {i}:" in body for i in range(5))


def test_definition_list_comments_are_read_and_kept_out_of_the_body() -> None:
    comments = "".join(
        f'<dt class="comment" id="comment-{i}"><span class="comment_author">Leser {i}</span></dt>'
        f'<dd class="comment"><div class="format_text"><p>Kommentar {i}: Really, no Shagrath?</p></div></dd>'
        for i in range(3)
    )
    html = page(
        "<title>Liste</title>", f'<article><h1>Liste</h1>{PARAS}</article><dl id="comment_list">{comments}</dl>'
    )
    article = extract(html)
    assert [c.text for c in article.comments] == [f"Kommentar {i}: Really, no Shagrath?" for i in range(3)]
    assert "Kommentar" not in article.body
