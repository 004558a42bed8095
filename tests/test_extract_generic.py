"""Generic mechanisms of issue 12, each on a realistic page of our own in `tests/pages/generic/`.

Every page is written in the style of one failure mode seen on held-out pages (boilerplate, scripts,
navigation and structured data included); the test names the mechanism that handles it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from scraper.extract import extract_article

PAGES = Path(__file__).parent / "pages" / "generic"
NOW = datetime(2024, 12, 1, 12, 0, tzinfo=UTC)


def extract(name: str, url: str = "https://www.example.org/2024/story"):
    return extract_at(name, url, NOW)


def extract_at(name: str, url: str, fetched_at: datetime):
    """For a page dated after `NOW`: fetched when its own dates say it was."""
    return extract_article((PAGES / name).read_text(encoding="utf-8"), url, fetched_at=fetched_at)


# ---------------------------------------------------------------- body


def test_paragraphs_directly_under_body_are_the_article() -> None:
    """Failure mode 1: `<body>` itself is a candidate container; its menu row and footer stay out."""
    article = extract("body-direct-paragraphs-en.html", "https://marshnotes.example.net/2019/notebook.html")
    body = article.body
    assert body.startswith("For twenty years I have carried a small notebook")
    assert body.endswith("you are left free to look.")
    assert body.count("\n\n") == 4  # five paragraphs
    for noise in ("Archive", "RSS", "Built with a text editor", "On Keeping a Field Notebook"):
        assert noise not in body


def test_an_old_table_layout_with_br_paragraphs_is_its_content_cell() -> None:
    """Failure modes 1 and 9: a 2005 page sets its text straight in `<td><font>`, paragraphs parted by
    `<br><br>`, its headline in `<font size=5><b>` and no h1.  Each `<br>` paragraph counts for the cell,
    so the cell wins over the layout table with the sidebar; the `<title>`'s segment that is a line of
    the page is the headline; the head block's headline and byline lines leave the body."""
    article = extract("old-table-font-br-paragraphs-en.html", "http://www.kb9xq.example/dipole40.html")
    assert article.title == "Building a Simple Dipole for 40 Meters"
    assert article.authors == ("Dave Kessler",)
    body = article.body
    assert body.startswith("A lot of new hams ask me what the best first antenna for HF is")
    assert "73 de KB9XQ." in body
    for noise in ("ANTENNAS", "You are visitor number", "by Dave Kessler", "Posted Sunday", "Internet Explorer"):
        assert noise not in body


def test_a_paragraph_that_opens_with_the_headline_words_is_kept() -> None:
    """Only a line that *is* the title is dropped, not one whose first 60 characters match it."""
    title = "Lorem ipsum dolor sit amet, consetetur sadipscing elitr, sed diam nonumy"
    para = f"{title} eirmod tempor invidunt ut labore et dolore magna aliquyam erat, sed diam voluptua. " * 3
    html = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{para}</p><p>{para}</p></body></html>"
    body = extract_article(html, "http://example.com/", fetched_at=NOW).body
    assert body.count(title) == 6


def test_a_pull_quote_named_in_two_words_leaves_the_body() -> None:
    """Failure mode 4: `<blockquote class="pull-quote">` repeats a sentence of the story with its
    speaker's name; a noise word written in parts ("pull-quote", "author_box") is the noise word."""
    url = "https://www.harbourgazette.co.uk/news/transport/council-approves-eastbank-tram-extension-a8841207"
    body = extract("body-pull-quote-hyphen-class-en.html", url).body
    assert body.count("Tonight we stop talking and start building.") == 1  # in its paragraph, not again
    assert "Priya Natarajan, council leader" not in body
    assert "Every year we delay, the bill goes up" in body


def test_a_wire_storys_credit_stamps_rights_line_and_signup_box_leave_the_body() -> None:
    """Failure mode 4, on an `<article>` of opaque class names: the byline's agency line ("Associated
    Press"), one line holding two stamps ("Published … | Updated …"), the rights line under the story
    and a newsletter box (a form asking for an e-mail address, its heading and pitch) are not prose."""
    url = "https://www.plattevalleyledger.com/news/state/2024/01/09/nebraska-property-tax-sales-tax-plan-advances/72156610/"
    body = extract("body-wire-story-stamps-rights-newsletter-en.html", url).body
    assert body.startswith("LINCOLN, Neb. — A Nebraska legislative committee on Tuesday advanced")
    assert "Debate could begin as early as next week." in body
    for noise in ("Associated Press", "Published 8:05", "Updated 11:42", "All rights reserved", "newsletter", "inbox"):
        assert noise not in body


def test_highlighted_code_keeps_one_line_per_line() -> None:
    """A code highlighter writes each line as `<span class=token-line>…</span><br>` inside `<pre>`:
    those `<br>`s are the code's line breaks (the lines ran together)."""
    body = extract("docs-highlighted-code-br-lines-en.html", "https://docs.tidewater.example/docs/guides/caching").body
    assert "from tidewater import App\nfrom tidewater.cache import cached\n" in body
    assert '@app.get("/products/{product_id}")\n@cached(ttl=300)\nasync def get_product' in body


def test_a_wikis_section_edit_links_leave_the_body() -> None:
    """Failure mode 4: "[edit]" beside each section heading, alone on its line once rendered."""
    article = extract("wiki-section-edit-links-en.html", "https://en.wikipedia.example/wiki/Harrowgate_Canal")
    assert article.body.startswith("The Harrowgate Canal is a partly restored canal in Lancashire")
    assert "[edit]" not in article.body and "\nHistory\n" in f"\n{article.body}\n"


@pytest.mark.parametrize(
    ("name", "url", "ends", "noise"),
    [
        # an opinion column's disclaimer set as a paragraph beside its body
        (
            "opinion-column-disclaimer-en.html",
            "https://www.civicledger.com/opinion/2024/02/19/councils-four-day-week-whitehall",
            "the least ministers can do is read the evaluation before condemning it.",
            ("The views expressed",),
        ),
        # page 1 of 3: the paragraph that links on to page 2
        (
            "multipage-continue-on-page-nl.html",
            "https://www.dagbladoost.nl/economie/2024/11/07/hoe-de-glastuinbouw-de-energiecrisis-overleefde",
            "Wie dat niet kon, is verdwenen.”",
            ("Lees verder op pagina 2", "Pagina 1 van 3"),
        ),
        # an AMP page's <amp-ad> with its "loading" placeholder and fallback
        (
            "amp-ad-placeholders-it.html",
            "https://www.gazzettadelnord.it/amp/cronaca/2024/10/02/milano-metro-m6-tracciato-fermate",
            "",
            ("Caricamento annuncio", "Annuncio non disponibile", "Pubblicità"),
        ),
    ],
)
def test_the_pages_own_lines_inside_a_story_leave_the_body(
    name: str, url: str, ends: str, noise: tuple[str, ...]
) -> None:
    """Failure mode 4: a disclaimer, a "continue on page 2" link, an AMP ad's placeholder text."""
    body = extract(name, url).body
    assert body.endswith(ends)
    for text in noise:
        assert text not in body


def test_a_read_more_pointer_between_paragraphs_is_dropped_and_the_article_goes_on() -> None:
    """Failure mode 4: "Read more: <a>…</a>" and "Lea también: <a>…</a>", a short label and one link
    that is all the rest, point to other stories; the article does not end there, and a sentence that
    links its source ("available to download from …: <a>report</a>") is prose."""
    body = extract(
        "cross-reference-links-en.html", "https://www.rheinland-weekly.example.de/culture/panels-a-61400"
    ).body
    assert body.startswith("After eleven years of correspondence")
    assert body.endswith("as the work goes on.")
    assert "Looted art" not in body and "Lea también" not in body and "Read more" not in body
    assert "museum's website: Provenance report, carved panels (PDF)" in body
    assert body.count("\n\n") == 5  # six paragraphs


def test_hidden_text_is_dropped() -> None:
    """Failure mode 4: `hidden`, `aria-hidden=true`, inline display:none and visibility:hidden."""
    article = extract("hidden-text-en.html", "https://www.harbourgazette.example.co.uk/news/ferry-cut")
    body = article.body
    assert body.startswith("Islanders face a reduced ferry service")
    assert body.endswith("ready by the autumn.")
    for hidden in ("free articles", "Editor's note", "morning newsletter", "Hidden tracking sentence"):
        assert hidden not in body
    assert "publish its recruitment figures." in body


# ---------------------------------------------------------------- structured data


def test_jsonld_in_a_bare_cdata_section_is_read() -> None:
    """Failure mode 6: `<![CDATA[ ... ]]>` around the JSON (not only the `//<![CDATA[` form)."""
    from scraper.extract.jsonld import _load

    for text in (
        '<![CDATA[ {"a": 1} ]]>',
        '//<![CDATA[\n{"a": 1}\n//]]>',
        '/*<![CDATA[*/{"a": 1}/*]]>*/',
        '<!-- {"a": 1} -->',
    ):
        assert _load(text) == {"a": 1}
    article = extract("cdata-jsonld-en.html", "https://lindqvist.example.dev/postgres-cron-backup")
    assert article.sources["published"] == "jsonld:datePublished"
    assert article.published == "2021-04-07"
    assert article.modified == "2022-01-19"


def test_a_personal_site_owner_is_the_author_when_meta_agrees() -> None:
    """Failure mode 8 (JSON-LD author not found): the author Person has the publisher's name, as on
    every personal blog; a meta author naming the same person confirms it."""
    article = extract("cdata-jsonld-en.html", "https://lindqvist.example.dev/postgres-cron-backup")
    assert article.authors == ("Tomas Lindqvist",)
    assert article.sources["authors"] == "jsonld:author+meta"


# ---------------------------------------------------------------- comments


def test_standard_comment_markup_gives_author_date_and_thread_on_the_generic_path() -> None:
    """Failure mode 10: `li.comment > article.comment-body` with `.comment-author .fn` and `<time datetime>`
    in `.comment-meta`, on a site no preset claims. An undetected preset's scheme (Drupal's
    `article.comment`) read the texts without authors or dates and won by coming first; now the most
    complete reading wins, and the wrapping `li` stands for its comment so the reply keeps its parent."""
    article = extract(
        "comments-html5-markup-en.html", "https://crumbdiaries.example.com/2022/11/20/sourdough-cold-kitchen/"
    )
    assert article.sources["comments"] == "generic"
    got = [(c.author, c.published, c.text[:20]) for c in article.comments]
    assert got == [
        ("Margaret Olsen", "2022-11-21T18:42:10+00:00", "Warm water for the f"),
        ("Hannah Birch", "2022-11-22T07:15:00+00:00", "So glad it worked, M"),
        ("Dev Raman", "2022-11-25T12:03:44+00:00", "Do you change the hy"),
    ]
    first, reply, third = article.comments
    assert reply.parent_id == first.id and first.parent_id is None and third.parent_id is None
    assert "Leave a Reply" not in article.body and "Warm water" not in article.body
    assert article.body.startswith("From November to March my kitchen")


def test_comments_under_a_comments_heading_are_read_by_their_structure() -> None:
    """Failure modes 10 and 3: a "4 commentaires" heading over a run of like items that no scheme
    names: each is read (who, when, what) from its own structure, replies threaded by nesting, and the
    section leaves the body."""
    article = extract("comments-forum-thread-fr.html", "https://carnets.example.fr/article412")
    assert article.sources["comments"] == "generic:structure"
    got = [(c.author, c.published, c.text[:24]) for c in article.comments]
    assert got == [
        ("Jean-Michel Arnould", "2024-03-08", "Merci pour cette visite\n"),
        ("Claire Vautrin", "2024-03-08", "Merci pour votre témoign"),
        (None, "2024-03-09", "Le boulevard est saturé "),
        ("Sophie L.", "2024-03-10", "Nous étions à la visite "),
    ]
    first, reply, anonymous, last = article.comments
    assert anonymous.author is None and anonymous.parent_id is None
    assert reply.parent_id == first.id and first.parent_id is None and last.parent_id is None
    assert len({c.id for c in article.comments}) == 4
    body = article.body
    assert body.endswith("sans rien promettre.")
    for leaked in ("commentaires", "bloc C", "Sophie L.", "Répondre à cet article"):
        assert leaked not in body


def test_structural_comment_ids_stay_put_when_a_comment_is_added_above() -> None:
    """Ids are hashes of author and text, not positions: a new first comment is not an edit of all."""
    html = (PAGES / "comments-forum-thread-fr.html").read_text(encoding="utf-8")
    before = extract_article(html, "https://carnets.example.fr/article412", fetched_at=NOW).comments
    newcomer = (
        '<li class="message"><div class="message-entete"><span class="pseudo">Paul Denis</span>'
        '<span class="quand">(11 mars 2024 @ 09h00)</span></div><div class="message-corps">'
        '<div class="message-texte"><p>Une exposition sur les plans retrouvés serait bienvenue.</p></div></div></li>'
    )
    after = extract_article(
        html.replace('<ul class="fil">', '<ul class="fil">' + newcomer, 1),
        "https://carnets.example.fr/article412",
        fetched_at=NOW,
    ).comments
    assert len(after) == 5 and after[0].author == "Paul Denis"
    assert [(c.id, c.parent_id) for c in after[1:]] == [(c.id, c.parent_id) for c in before]


def test_a_comments_heading_over_undated_items_reads_no_comments() -> None:
    """House rules under a "Comments" heading are a run of like items too, but comments are stamped:
    no comment is made up, and the story's body is whole."""
    article = extract("comments-heading-no-stamps-en.html", "https://www.severnside.example.co.uk/news/lagoon")
    assert article.comments == ()
    assert article.body.startswith("A scheme to build a tidal lagoon")
    assert article.body.endswith("the council's consultation portal.")
    assert "Be civil" not in article.body


def test_a_structural_comment_is_its_text_without_the_name_and_stamp_it_opens_with() -> None:
    """Where a comment's name, stamp and words are one block's lines (`div.c-body` holding three
    divs), the name and the stamp are read as such and left out of the text."""
    html = (PAGES / "comments-heading-no-stamps-en.html").read_text(encoding="utf-8")
    item = '<li class="post"><div class="c-body"><div>{who}</div><div>{when}</div><div>{what}</div></div></li>'
    posts = "".join(
        item.format(who=who, when=when, what=what)
        for who, when, what in [
            (
                "Gwen Harris",
                "14 May 2024",
                "The fish passes were the whole problem last time, and nobody has shown me the new ones work.",
            ),
            (
                "Tom Price",
                "15 May 2024",
                "Several hundred jobs for a decade is exactly what this town needs, survey or no survey.",
            ),
        ]
    )
    start, end = html.index('<ul class="house-rules">'), html.index("</ul>") + len("</ul>")
    html = html[:start] + f'<ul class="talk__list">{posts}</ul>' + html[end:]
    html = html.replace('<p class="talk__closed">Commenting is not open on this story.</p>', "")
    article = extract_article(html, "https://www.severnside.example.co.uk/news/lagoon", fetched_at=NOW)
    got = [(c.author, c.published, c.text[:22]) for c in article.comments]
    assert got == [
        ("Gwen Harris", "2024-05-14", "The fish passes were t"),
        ("Tom Price", "2024-05-15", "Several hundred jobs f"),
    ]


# ---------------------------------------------------------------- titles


def test_a_short_headline_agrees_with_its_title_plus_site_suffix() -> None:
    """Failure mode 9: the h1 "Severn bore" and the `<title>` "Severn bore - Riverpedia" agree, so the
    JSON-LD headline (a description, as wikis write it) and the " - Riverpedia" suffix both lose, even
    on an address that does not name the site."""
    article = extract("wiki-short-headline-en.html", "http://fakehost/test/page.html")
    assert article.title == "Severn bore"


def test_a_permalink_pilcrow_is_not_part_of_the_title() -> None:
    """Failure mode 9: documentation generators end headings with a "¶" permalink."""
    article = extract("docs-pilcrow-en.html", "https://tidepool.example.io/docs/scheduler.html")
    assert article.title == "Configuring the scheduler"
    assert article.body.startswith("The scheduler decides which worker runs each job")


def test_a_headline_that_is_one_part_of_a_breadcrumb_title_is_the_title() -> None:
    """Failure mode 9: `<title>` is "Headline / Section / News / Home - Site - tagline"; the h1 is the
    first part of it at its " / " separators, so it is the headline, even on an archive address that
    does not name the site."""
    url = "https://web.archive.org/web/20120216182711/http://www.bayside-online.example.com/news/politics/harbour-wall"
    article = extract("breadcrumb-title-en.html", url)
    assert article.title == "Council approves harbour wall repairs"


def test_a_headline_after_site_and_section_parts_of_the_title_is_the_title() -> None:
    """Failure mode 9: "Site online - Section - Headline" with a site h1 and a section h1 before the
    headline's h1: the last part follows a part naming the site and is the longest, so it agrees."""
    article = extract(
        "site-section-headline-title-de.html", "https://www.stadtamt.example.de/Presse/2024/lastenraeder.html"
    )
    assert article.title == "Verkündung der Lastenradverordnung"


def test_an_og_title_cut_short_by_its_quoting_is_continued_by_the_page_title() -> None:
    """Failure mode 9: `content="Senator calls the budget plan "unworkable""` ends the attribute at the
    inner quote; `<title>` continues it past a quote, so the whole headline is kept."""
    url = "https://www.valleyledger.example.com/politics/41877/senator-calls-budget-plan-unworkable"
    assert extract("quote-cut-og-title-en.html", url).title == 'Senator calls the budget plan "unworkable"'


def test_a_french_spaced_colon_kicker_is_left_out_but_not_a_site_after_it() -> None:
    """ "Pétition : Headline" (French typography spaces the colon): the h1 after the kicker is the title;
    "Headline : Site" with the site's h1 is not read as a kicker."""
    headline = "Sauvons la halle du marché de Saint-Aubin avant la fin de l'hiver"
    text = "<p>" + "La halle du marché doit être démolie au printemps, et les commerçants s'y opposent. " * 5 + "</p>"
    html = (
        f"<html lang=fr><head><title>Pétition : {headline}</title><meta property='og:title' "
        f"content='Pétition : {headline}'></head><body><h1>{headline}</h1>{text}</body></html>"
    )
    assert extract_article(html, "https://www.signons-ensemble.example.fr/p/1", fetched_at=NOW).title == headline
    html = (
        "<html lang=fr><head><title> Recette des crêpes : Cuisine Facile</title></head>"
        f"<body><h1 class=logo>Cuisine Facile</h1>{text}</body></html>"
    )
    url = "https://web.archive.org/web/2016/http://cuisine.example.fr/crepes"
    title = extract_article(html, url, fetched_at=NOW).title
    assert title is not None and title.startswith("Recette des crêpes")


def test_space_separated_meta_properties_are_each_read() -> None:
    html = (
        '<html><head><meta property="og:title twitter:title" content="Harbour wall to be rebuilt">'
        "</head><body><p>"
        + "The council approved the plan on Tuesday, after a long debate. " * 6
        + "</p></body></html>"
    )
    article = extract_article(html, "https://news.example.com/a", fetched_at=NOW)
    assert article.title == "Harbour wall to be rebuilt"


def test_a_site_name_with_its_abbreviation_is_not_the_title() -> None:
    """Failure mode 9, site suffixes: "Headline - Site Name (ABBR) - ABBR" kept the site's long name as
    the title (the longest part, beside a two-word headline); the metadata's site name, with the
    abbreviation it goes by, names the site."""
    url = "https://www.lsv.example.de/aktuelles/pressemitteilungen/radwegefoerderung-startet"
    article = extract("site-abbreviation-title-de.html", url)
    assert article.title == "Radwegeförderung startet"
    assert article.body.startswith("Kommunen können ab sofort")


def test_a_site_name_glued_to_the_title_is_dropped_with_its_suffix() -> None:
    """Failure mode 9: a theme writes og:title as "Headline" + "Site" with no space, then " | Site";
    the glued copy of the name goes with the suffix, so the metadata agree with the h1."""
    article = extract("title-site-name-glued-de.html", "https://regio-ostfriesland.example.de/?p=4172")
    assert article.title == "Bäckerei Hollmann Leer"
    assert article.sources["title"] == "h1"


def test_a_separator_between_a_commenters_name_and_the_time_is_no_name() -> None:
    """Failure mode 10: "<b class=handle>Elaine Marsh</b> <span class=sep>·</span> <time>" took the dot
    for each commenter's name; a piece with no letter or digit after the name is a separator.  The
    essay is signed only in its "About the writer" box, which names its author."""
    url = "https://northfieldreview.org/essays/2024/the-last-ice-fishing-village-on-lake-vermilion/"
    article = extract("comments-name-dot-time-writer-box-en.html", url)
    assert [(c.author, c.published) for c in article.comments] == [
        ("Elaine Marsh", "2024-01-18T19:22:00-06:00"),
        ("Walt Hendricks", "2024-01-19T06:48:00-06:00"),
        ("Kari Lind", "2024-01-19T08:15:00-06:00"),
        ("J. Ostrowski", "2024-01-20T13:02:00-06:00"),
    ]
    assert article.comments[2].parent_id == article.comments[1].id
    assert article.authors == ("Thomas Beaumont",)
    assert "About the writer" not in article.body and "Elaine Marsh" not in article.body


def test_a_meta_author_naming_the_papers_newsroom_gives_way_to_the_byline() -> None:
    """Failure mode 8: `<meta name=author content="Oberlahn-Bote Redaktion">` (the paper's name, then
    the newsroom's word) is the newsroom, as a bare "Redaktion" is: the byline's writer is the author,
    and the byline and date line leave the body; so does a line of three links and nothing else."""
    url = "https://www.oberlahn-bote.de/lokales/weilburg/artikel.php?id=118842"
    article = extract("byline-paper-newsroom-meta-table-de.html", url)
    assert article.authors[0] == "Katrin Möller" and "Oberlahn-Bote Redaktion" not in article.authors
    assert "Von Katrin Möller" not in article.body and "Erstellt:" not in article.body
    # the cell's print, e-mail and share links, bare between <br>s: a row of links, not a line of text
    assert article.body.startswith("Weilburg. Nach tagelangem Regen")


def test_a_jsonld_author_without_its_accents_is_named_as_the_byline_spells_it() -> None:
    """Failure mode 8: JSON-LD says "Maria Gonzalez" (a CMS field that lost its accents), the byline
    under the headline "María González": the same person, spelled as she signs."""
    url = "https://www.metrodispatch.com/news/2024/04/02/overnight-shift-water-treatment-plant"
    article = extract("byline-accents-lost-in-jsonld-en.html", url)
    assert article.authors == ("María González",)
    assert article.sources["authors"] == "jsonld:author"


def test_a_byline_of_names_in_bold_joined_by_the_languages_and_names_both() -> None:
    """Failure mode 8: "Por <strong>Mariana Souza</strong> e <strong>Rafael Lima</strong>" (no
    structured author) breaks into lines at the bold names; the Portuguese "e" between them joins a
    second writer as "and", "und" and "et" did."""
    url = "https://portalpaulista.com.br/cidades/noticia/2024/02/21/chuva-forte-deixa-bairros-alagados.ghtml"
    article = extract("byline-pt-br-strong-names-e.html", url)
    assert article.authors == ("Mariana Souza", "Rafael Lima")


def test_a_comment_header_written_as_one_sentence_names_its_author() -> None:
    """Failure mode 10: "Posté par Jean-Marc L. le 12/03/2024 à 14h05", the name and the stamp in one
    element: the name is what "par" introduces before "le" and the date (a login with digits too)."""
    url = "https://www.lecho-du-vercors.fr/actualites/villard-de-lans-la-telecabine-de-la-cote-2000-ne-rouvrira-pas-cet-hiver-4412"
    article = extract_at("comments-fr-poste-par-le.html", url, datetime(2024, 3, 16, 12, tzinfo=UTC))
    assert [c.author for c in article.comments] == [
        "Jean-Marc L.",
        "Sophie_38",
        "Jean-Marc L.",
        "Montagnard26",
        "Claire Dufour",
    ]
    assert article.comments[0].published == "2024-03-12T14:05:00"


def test_a_comment_stamped_in_the_short_form_is_dated() -> None:
    """Failure mode 10: a comment widget's "5h ago" (hashed class names, no `datetime`) is five hours
    before the fetch, as "5 hours ago" is."""
    url = "https://www.baycitysentinel.com/news/2024/03/15/transit-fare-capping-pilot"
    article = extract_at("comments-hashed-classes-short-ago-en.html", url, datetime(2024, 3, 16, 12, tzinfo=UTC))
    assert (article.comments[-1].author, article.comments[-1].published) == ("Priya N.", "2024-03-16T07:00:00+00:00")
    assert all(c.published for c in article.comments)


def test_a_latest_comments_widget_is_not_the_storys_comments_and_buttons_are_no_text() -> None:
    """Failure mode 10: a Joomla page's Komento thread, and in the sidebar its "Latest comments" module
    (`#kmt-latest-comments` under that heading), readers' comments on other stories; each comment ends
    with its "Like 7 / Reply / Report" buttons, which are not what the reader wrote."""
    url = "https://www.westcorkledger.ie/news/skibbereen-harbour-dredging-to-start-in-may"
    article = extract_at("comments-komento-latest-widget-en.html", url, datetime(2024, 3, 16, 12, tzinfo=UTC))
    assert [c.author for c in article.comments] == [
        "Seán McCarthy",
        "Mary Kingston",
        "Seán McCarthy",
        "Patrick Hegarty",
        "Orla Buckley",
    ]
    for comment in article.comments:
        assert not comment.text.endswith(("Reply", "Report")) and "Like7" not in comment.text
    # one flat list: each reply names the comment it answers in `parentid` (the root's is "kmt-0")
    assert [c.parent_id for c in article.comments] == [None, "kmt-318", "kmt-321", None, None]


def test_a_comments_name_stamp_line_and_button_row_are_not_its_text() -> None:
    """Failure mode 10: an Isso thread saved as HTML reads each comment's block whole: "Marieke • 3 days
    ago" above what she wrote and "6 | Reply" under it are the comment's header and buttons."""
    url = "https://lowlandsreview.nl/en/2024/03/utrecht-night-trains-return/"
    article = extract_at("comments-isso-header-footer-en.html", url, datetime(2024, 3, 16, 12, tzinfo=UTC))
    assert [c.author for c in article.comments] == ["Marieke", "Joost van Dam", "Marieke", "Anonymous"]
    assert article.comments[0].text.startswith("Finally! We took the old sleeper")
    for comment in article.comments:
        assert "•" not in comment.text.split("\n")[0] and not comment.text.endswith("Reply")


# ---------------------------------------------------------------- dates


def test_relative_dates_in_russian_and_japanese_date_the_story_not_a_footer_date() -> None:
    """Failure mode 7: «вчера в 14:30» and 「3時間前」 under the headline went unread, and the first
    absolute date of the page won: the footer's media registration «от 01.01.2015», a sidebar story's
    「2024年3月14日」.  The Russian comments, stamped «вчера в 15:02», are read too."""
    msk, jst = timezone(timedelta(hours=3)), timezone(timedelta(hours=9))
    ru = extract_at(
        "date-ru-vchera-views-typo-notice.html",
        "https://www.gorvesti.example.ru/transport/news/58213",
        datetime(2024, 3, 15, 12, 0, tzinfo=msk),
    )
    assert ru.published[:10] == "2024-03-14"  # type: ignore[index]
    assert [c.author for c in ru.comments] == ["Рустам", "Ольга_К", "Гость"]
    assert all(c.published for c in ru.comments)
    ja = extract_at(
        "date-ja-hours-ago-bracketed-byline.html",
        "https://www.tohoku-mirai.example.jp/articles/ART000423917",
        datetime(2024, 3, 15, 13, 30, tzinfo=jst),
    )
    assert ja.published[:10] == "2024-03-15"  # type: ignore[index]


def test_service_lines_of_russian_and_chinese_newsrooms_leave_the_body() -> None:
    """Failure mode 4: a view count written count first («4 812 просмотров»), the typo-report notice
    («… нажмите Ctrl+Enter»), and a Chinese paper's source and font-size line, photo credit
    (「记者 陈静 摄」), editor in charge and rights notice are the page's, not the story's."""
    ru = extract_at(
        "date-ru-vchera-views-typo-notice.html",
        "https://www.gorvesti.example.ru/transport/news/58213",
        datetime(2024, 3, 15, 12, 0, tzinfo=timezone(timedelta(hours=3))),
    ).body
    assert ru.startswith("Первые пассажиры проехали по новому участку")
    assert ru.endswith("планируют открыть в 2027 году.")
    zh = extract_at(
        "byline-zh-role-before-names-service-lines.html",
        "https://www.jnrb.example.cn/hz/jt/202403/t20240315_1300012.shtml",
        datetime(2024, 3, 15, 12, 0, tzinfo=timezone(timedelta(hours=8))),
    ).body
    assert zh.startswith("本报讯 3月14日上午10时")
    assert zh.endswith("更多信息可登录杭州地铁官方网站查询。")
    for noise in ("字号", "摄", "责任编辑", "版权声明"):
        assert noise not in zh


def test_cjk_bylines_in_brackets_or_after_a_role_word_name_the_writer() -> None:
    """Failure mode 8: 「（佐藤花子 記者）」 under a Japanese story is the byline, brackets and all, and
    「作者：记者 李明 陈静」 puts the role word before the names.  (Names that only a space parts, "李明
    陈静", stay one: a Japanese byline writes "佐藤 花子" for one person.)"""
    ja = extract_at(
        "date-ja-hours-ago-bracketed-byline.html",
        "https://www.tohoku-mirai.example.jp/articles/ART000423917",
        datetime(2024, 3, 15, 13, 30, tzinfo=timezone(timedelta(hours=9))),
    )
    assert ja.authors == ("佐藤花子",)
    zh = extract_at(
        "byline-zh-role-before-names-service-lines.html",
        "https://www.jnrb.example.cn/hz/jt/202403/t20240315_1300012.shtml",
        datetime(2024, 3, 15, 12, 0, tzinfo=timezone(timedelta(hours=8))),
    )
    assert zh.authors and zh.authors[0].startswith("李明") and not any("记者" in a for a in zh.authors)


def test_a_footer_edit_stamp_does_not_override_the_structured_date() -> None:
    """Failure mode 7: on a short page the footer's "last edited on" lay within the window read for a
    dateline under the headline, and being later it beat JSON-LD `datePublished`."""
    article = extract("wiki-short-headline-en.html", "http://fakehost/test/page.html")
    assert article.published == "2009-03-14T10:22:31+00:00"
    assert article.modified == "2023-08-02T17:40:09+00:00"


def test_an_update_stamp_without_a_zone_gets_the_pages_zone() -> None:
    """Failure mode 7, zones: "Zuletzt aktualisiert am 12.04.2024 um 20:15 Uhr" has no zone while JSON-LD's
    publication date has one; stored naive, the two could not be compared.  The page's country's zone at
    that moment decides (summer time here, though the story went out in winter time), else the offset
    of the page's other date."""
    url = "https://www.kuestenblatt.example.de/region/hafenmauer-warnemuende-neubau"
    html = (PAGES / "updated-stamp-zone-de.html").read_text(encoding="utf-8")
    article = extract_article(html, url, fetched_at=NOW)
    assert (article.published, article.modified) == ("2024-04-10T08:00:00+02:00", "2024-04-12T20:15:00+02:00")
    winter = extract_article(
        html.replace("2024-04-10T08:00:00+02:00", "2024-03-20T08:00:00+01:00"), url, fetched_at=NOW
    )
    assert (winter.published, winter.modified) == ("2024-03-20T08:00:00+01:00", "2024-04-12T20:15:00+02:00")
    # a site whose country says no zone: the offset its publication date states
    elsewhere = html.replace('lang="de-DE"', 'lang="en"').replace("+02:00", "-04:00")
    away = extract_article(elsewhere, "https://www.harbour-news.example.com/wall", fetched_at=NOW)
    assert away.modified == "2024-04-12T20:15:00-04:00"


# ---------------------------------------------------------------- bylines


def test_the_byline_under_the_headline_beats_a_teaser_byline_above_it() -> None:
    """Failure mode 8: a "Trending" rail before the story carries other stories' bylines; the byline
    nearest the headline in the tree signs the page."""
    article = extract("related-byline-first-en.html", "https://www.valleycourier.example.com/local/library-reopens")
    assert article.authors == ("Priya Natarajan",)
    assert "Marcus Whitfield" not in article.body and article.body.startswith("The Elm Street library")


def test_a_label_alone_over_a_name_signs_the_page_wherever_it_sits() -> None:
    """Failure mode 8, an author not found: no metadata names one, and the template's facts box under
    a long article says "Autorin" on one line and the name on the next, far from the headline.  A
    lowercase "author" after a name in a list (someone's role) signs nothing."""
    url = "https://www.stadtwandel.example.de/news/genossenschaften-wohnraum"
    html = (PAGES / "label-over-name-de.html").read_text(encoding="utf-8")
    article = extract_article(html, url, fetched_at=NOW)
    assert article.authors == ("Johanna Brecht",) and article.sources["authors"] == "text:label"
    assert len(article.body) > 3000 and "Johanna Brecht" not in article.body
    unlabelled = html.replace('"news__facts-title">Autorin<', '"news__facts-title">Kontakt<')
    assert extract_article(unlabelled, url, fetched_at=NOW).authors == ()
    # an interview's first question, asked by the author, is the body, not a byline to drop
    question = "<p><strong>Johanna Brecht: Warum gerade Genossenschaften?</strong></p>"
    interview = html.replace('<div class="news__text">', '<div class="news__text">' + question, 1)
    body = extract_article(interview, url, fetched_at=NOW).body
    assert body.startswith("Johanna Brecht: Warum gerade Genossenschaften?\n\nIn vielen Großstädten")


def test_the_author_of_a_jsonld_work_that_is_not_an_article_is_found() -> None:
    """Failure mode 8, an author in JSON-LD not found: the page's work is a `Recipe` (no Article node),
    which names its author; the photographer an `ImageObject` names as its creator is not the author."""
    article = extract("recipe-jsonld-author-de.html", "https://www.backstube-lindenhof.example.de/rezepte/rhabarber")
    assert article.authors == ("Hanne Vollmer",)
    assert article.sources["authors"] == "jsonld:author"
    # a book on sale names its writer and an embedded video its channel, neither of whom wrote the page
    from scraper.extract.html import parse
    from scraper.extract.jsonld import read_jsonld

    book = '{"@type": "Book", "name": "Der Zauberberg", "author": {"@type": "Person", "name": "Thomas Mann"}}'
    assert read_jsonld(parse(f'<script type="application/ld+json">{book}</script>')).authors == []
    video = '{"@type": "VideoObject", "name": "Rhabarber schälen", "author": {"@type": "Person", "name": "Kochkanal"}}'
    assert read_jsonld(parse(f'<script type="application/ld+json">{video}</script>')).authors == []


def test_a_short_byline_gives_way_to_the_full_structured_name() -> None:
    """Failure mode 8: the theme prints "Sarah" where JSON-LD and meta say "Sarah E. Needleman"; and
    the middle initial "E." is not the Italian "e" (and) splitting two names."""
    from scraper.extract.authors import clean_authors

    article = extract("wordpress-short-byline-en.html", "https://pixelledger.example.com/indie-storefronts/")
    assert article.sources["authors"] == "preset:wordpress:author"
    assert article.authors == ("Sarah E. Needleman",)
    assert clean_authors("Sarah E. Needleman") == ("Sarah E. Needleman",)
    assert clean_authors("Mario Rossi e Luca Bianchi") == ("Mario Rossi", "Luca Bianchi")


def test_inline_link_text_is_kept_mid_sentence() -> None:
    """Failure mode 5: links and spans inside a sentence whose class names read like boilerplate
    ("author-profile", "tag", "share-link", "read-more", "date") were dropped with their words."""
    body = extract("inline-links-en.html", "https://www.metrodaily.example.com/transport/harbour-road").body
    assert "first proposed by councillor Grace Liu after a cyclist" in body
    assert "Mill Lane last spring." in body
    assert "according to the transport department, which" in body
    assert "the final design published with the agenda keeps" in body
    assert "modelling, released in February, found" in body
    assert "Facebook" not in body and "Privacy" not in body


def test_an_article_cut_into_identical_sections_is_kept_whole() -> None:
    """Failure mode 2: a headless CMS renders one story as a run of `section > div > article > div`
    blocks with the same classes; only the best block was kept, so the text began mid-article."""
    article = extract("sectioned-article-de.html", "https://www.stadtwerke.example.de/magazin/geothermie")
    body = article.body
    assert article.title == "Bohren, bis es heiß wird: Geothermie unter der Stadt"
    assert body.startswith("Seit dem Frühjahr steht am Rand des Gewerbegebiets ein Bohrturm")
    assert "Wie tief muss man bohren?" in body and "Was kostet das?" in body
    assert body.endswith("nur eine teure Versicherung.")
    for noise in ("Klimaschutz", "Mehr aus dem Magazin", "Solar auf dem Balkon", "Impressum"):
        assert noise not in body


def test_identical_sections_are_recognised_in_pretty_printed_markup() -> None:
    """Failure mode 2: the same run of identical blocks, saved with one tag a line and deep indentation;
    the indentation made each block's text look twice its paragraphs, so only the middle one was kept
    and the intro was lost. Sizes are now compared with whitespace runs collapsed."""
    article = extract(
        "pretty-printed-sections-en.html", "https://blog.driftwood.example.io/finding-the-slow-query-4f2a9c"
    )
    body = article.body
    assert body.startswith("At ten past three on a Tuesday")
    assert "Looking inside the database" in body and "What we changed" in body
    assert body.endswith("at the worst possible time.")
    for noise in ("412 claps", "More from Driftwood", "Zero-downtime migrations", "Sign in", "7 min read"):
        assert noise not in body


def test_a_comma_list_of_names_in_a_complementary_region_is_not_the_article() -> None:
    """Failure mode 3 (a list of names): a story archive's kudos line, 160 user names between commas,
    outscored the story's prose by its commas. It sits in `role=complementary`, which, like
    `navigation`, `dialog` or `aside`, never holds the article: no container there, nor inside one."""
    article = extract("kudos-list-aside-en.html", "https://driftlight.example.org/works/5521/chapters/1")
    body = article.body
    assert "The lighthouse had been dark for eleven years" in body
    assert body.endswith("when the room filled with light.")
    for noise in ("left kudos", "quiet_kite", "Next Chapter", "Terms of Service"):
        assert noise not in body


def test_an_intro_div_beside_the_body_container_is_kept() -> None:
    """Failure mode 2 (the lead lost): the intro is a `div` of plain text, a sibling of the paragraphs'
    container; like a `p` sibling it now joins the body (Readability's "a div without blocks is a
    paragraph"), while the linked opener photo's caption, a sibling too, is weighed by its links."""
    body = extract(
        "intro-div-beside-body-en.html", "https://www.sportline.example.com/football/west-bay-beat-leaders"
    ).body
    assert body.startswith("A one-season wonder? West Bay keep answering the doubters")
    assert "Saturday's 4-1 win away at the league leaders" in body
    assert body.endswith("the tickets sold out in a day.")
    for noise in ("Photo: Reuters", "Derby preview", "Tweet", "All rights reserved", "Tom Hrabal"):
        assert noise not in body


def test_a_utc_instant_takes_the_zone_the_page_shows_it_in() -> None:
    """Failure mode 7 (time zones): JSON-LD says 05:42:09Z on the 24th; the template prints the
    newsroom's 21:42:09 on the 23rd (and mislabels it +00:00). The same minutes and seconds eight
    hours apart give the page's zone, so the day is the one readers saw; the instant is unchanged."""
    from datetime import datetime

    article = extract("utc-jsonld-local-time-en.html", "https://www.bayshorenews.example.com/2017/02/23/storm")
    assert article.published == "2017-02-23T21:42:09-08:00"
    assert datetime.fromisoformat(article.published) == datetime.fromisoformat("2017-02-24T05:42:09+00:00")


def test_a_short_section_h1_does_not_cut_a_title_with_a_long_tail() -> None:
    """The short-h1 agreement is for "Headline - Site": a section h1 ("Fachmeldungen") before a long
    headline tail is not the title."""
    tail = "Verkündung des Tabaksteuermodernisierungsgesetzes"
    html = (
        f"<html lang=de><head><title>Fachmeldungen - {tail}</title></head><body><h1>Fachmeldungen</h1>"
        "<p>" + "Das Gesetz wurde im Bundesgesetzblatt verkündet, und es tritt am ersten Januar in Kraft. " * 5 + "</p>"
        "</body></html>"
    )
    assert extract_article(html, "https://www.amt.example.de/a", fetched_at=NOW).title == f"Fachmeldungen - {tail}"


def test_a_newsroom_named_in_jsonld_and_meta_is_not_an_owner_author() -> None:
    """The owner rule does not sign a newsroom's page with its own name (og:site_name says it is the site)."""
    ld = (
        '{"@type": "Article", "headline": "Why thinking together wins", "author": "The Courier",'
        ' "publisher": {"@type": "Organization", "name": "The Courier"}}'
    )
    html = (
        f'<html><head><meta property="og:site_name" content="The Courier"><meta name="author" content="The Courier">'
        f'<script type="application/ld+json">{ld}</script></head><body><h1>Why thinking together wins</h1>'
        "<p>" + "Groups that share their reasoning solve more problems, the study found, and faster. " * 5 + "</p>"
        "</body></html>"
    )
    assert extract_article(html, "https://www.courier.example.com/a", fetched_at=NOW).authors == ()


def test_a_weekday_dateline_in_the_author_element_is_not_part_of_the_name() -> None:
    """Failure mode 8, trailing junk: "Joe Wee  Monday, February 29, 2016 @ 11:10 PM UTC" in one byline
    element; a surname that is a weekday ("Thomas Freitag") stays whole."""
    text = "<p>" + "The board costs thirty-five dollars and it has sold more than eight million units. " * 5 + "</p>"
    html = (
        "<html lang=en><head><title>The credit card sized PC</title></head><body><h1>The credit card sized PC</h1>"
        '<div class="article-author"><a href="/latest?author=joewee"><span>Joe Wee</span></a>&nbsp; '
        "<span>Monday, February 29, 2016 @ 11:10 PM UTC</span></div>"
        f"{text}</body></html>"
    )
    assert extract_article(html, "https://news.example.com/pi", fetched_at=NOW).authors == ("Joe Wee",)
    html = html.replace("Joe Wee", "Thomas Freitag").replace("Monday, February 29, 2016 @ 11:10 PM UTC", "")
    assert extract_article(html, "https://news.example.com/pi", fetched_at=NOW).authors == ("Thomas Freitag",)


def test_a_slashed_date_before_a_us_zone_is_month_first() -> None:
    """Failure mode 7: "4/11/2016 6:05 AM PDT" on a page that says only `lang="en"` is April 11, 6:05
    in the morning: a North American zone after the time says the order is month first."""
    article = extract("us-slash-date-zone-en.html", "https://www.canyonvalleyrecord.example.com/local/water-rates")
    assert article.published is not None and article.published.startswith("2016-04-11T06:05")


def test_a_newsroom_named_in_structured_data_keeps_its_whole_name() -> None:
    """Failure mode 8, truncated name: JSON-LD names the author "Redaktion Seetaler Ticker"; in
    structured data that is the newsroom's name, not the label "Redaktion:" before a writer's name
    (which a visible byline still loses)."""
    from scraper.extract.authors import clean_authors

    article = extract("newsroom-named-jsonld-de.html", "https://www.seetaler-nachrichten.example.ch/blaulicht/a1")
    assert article.authors == ("Redaktion Seetaler Ticker",)
    assert clean_authors("Redaktion: Anna Keller") == ("Anna Keller",)
    assert clean_authors("Redaktion: Anna Keller", structured=True) == ("Anna Keller",)


def test_a_kicker_element_glued_to_the_headline_is_not_part_of_the_title() -> None:
    """Failure mode 9 (a kicker glued to the title, and repeated by every source): the h1 holds two
    spans with no space between, "Klimaschutz" and "Bohren, bis es heiß wird", under class names that
    do not say kicker; og:title, JSON-LD and `<title>` all say "Klimaschutz: Bohren, …". The glued
    "KlimaschutzBohren" matched them letter for letter and won; split at the seam, the headline is
    the part the metadata title has after its "Kicker:"."""
    url = "https://www.rheinland-rundschau.example.de/region/geothermie-bohrturm"
    html = (PAGES / "glued-kicker-title-de.html").read_text(encoding="utf-8")
    assert extract_article(html, url, fetched_at=NOW).title == "Bohren, bis es heiß wird"
    plain = html.replace('content="Klimaschutz: Bohren', 'content="Bohren')
    assert extract_article(plain, url, fetched_at=NOW).title == "Bohren, bis es heiß wird"
    from scraper.extract.html import parse
    from scraper.extract.titles import _heading_parts

    h1 = parse("<h1><span>Goo</span>gle: <b>jetzt</b> neu in <i>Köln</i></h1>").css_first("h1")
    assert _heading_parts(h1) == ["Google: jetzt neu in Köln"]  # a word continued in lower case is one word


def test_a_site_suffix_is_dropped_when_only_the_front_page_link_names_the_site() -> None:
    """Failure mode 9 (site-name suffixes in general): no og:site_name, publisher or application-name,
    the headline in a styled `div` (no heading repeats it), an address that does not name the site,
    and `<title>` ending " - Harbour and Fenland Gazette" (too long for a short tail). The logo's link
    to the front page (`rel=home`, its image's alt) and the footer's link to "/" spell the site's
    name, so that part of the title is the site."""
    url = "https://www.hfgnews.example.co.uk/news/winter-ferry-timetable/"
    article = extract("home-link-site-suffix-en.html", url)
    assert article.title == "Winter ferry timetable cuts the last crossing to 6pm"


def test_a_block_inside_a_heading_ends_its_line() -> None:
    """The seam rule splits inline elements; a block (`div`, `p`) inside a heading ends its line
    whatever letter follows, as before."""
    from scraper.extract.html import parse
    from scraper.extract.titles import _heading_parts

    h1 = parse("<h1><div>Rubrik Region</div>neue Radwege am Rhein freigegeben</h1>").css_first("h1")
    assert _heading_parts(h1) == ["Rubrik Region", "neue Radwege am Rhein freigegeben"]


def test_the_one_sentence_long_h1_beats_metadata_titles_rewritten_for_search() -> None:
    """Failure mode 9 (which title source to trust): `<title>` and og:title are each rewritten for
    search and sharing, and neither repeats the page's one h1, a whole sentence. The h1 is the
    headline as printed; its screen-reader label ("Guide:") is not part of it. Where the JSON-LD
    headline and og:title agree with each other, two sources stated for machines decide instead."""
    url = "https://www.moneywise-guides.example.co.uk/energy/heat-pump-grant/"
    html = (PAGES / "seo-title-lone-headline-en.html").read_text(encoding="utf-8")
    article = extract_article(html, url, fetched_at=NOW)
    assert (article.title, article.sources["title"]) == (
        "Can you get the £7,500 heat pump grant this winter?",
        "h1:lone",
    )
    ld = '{"@type":"Article","headline":"Heat pump grant: who can get £7,500 and how to apply"},'
    agreed = html.replace('"@graph":[', '"@graph":[' + ld)
    assert extract_article(agreed, url, fetched_at=NOW).title == "Heat pump grant: who can get £7,500 and how to apply"


def test_a_short_h1_or_a_masthead_h1_is_not_taken_for_the_headline() -> None:
    """The lone-h1 rule is for a sentence-long line: a section's name ("Energy guides") or an h1 that
    holds the site's logo leaves the choice to the metadata titles."""
    url = "https://www.moneywise-guides.example.co.uk/energy/heat-pump-grant/"
    html = (PAGES / "seo-title-lone-headline-en.html").read_text(encoding="utf-8")
    start, end = html.index('<h1 class="guide-title">'), html.index("</h1>") + len("</h1>")
    section = html[:start] + '<h1 class="guide-title">Energy guides</h1>' + html[end:]
    seo = "Heat pump grant: who can get £7,500 and how to apply"
    assert extract_article(section, url, fetched_at=NOW).title == seo
    logo = '<h1 class="guide-title"><img src="/logo.svg" alt=""> Independent guides to your money, since 2009</h1>'
    assert extract_article(html[:start] + logo + html[end:], url, fetched_at=NOW).title == seo


def test_a_page_of_one_line_written_straight_into_body_is_that_line() -> None:
    """Failure mode 1 (an empty body where the page has text): a notice of one line, no element around
    it, no block of 25 characters anywhere for the scorer to weigh. That line is the body; a page of
    menus and teasers with no article keeps an empty one (its text would be taken for an article).
    A crawl still does not archive the notice as an article: its judge calls it an empty page."""
    html = (PAGES.parent / "short" / "one-line-notice-en.html").read_text(encoding="utf-8")
    article = extract_article(html, "https://www.example.org/notice", fetched_at=NOW)
    assert article.body == "The archive is read-only tonight from 22:00."
    assert article.sources["body"] == "generic:page"
    links = "".join(f'<li><a href="/s/{i}">Story {i} of today</a></li>' for i in range(40))
    teasers = f'<html><body><div class="teasers"><ul>{links}</ul></div></body></html>'
    assert extract_article(teasers, "https://www.example.org/", fetched_at=NOW).body == ""
    from scraper.classify import judge, read_markup

    verdict = judge(read_markup(html), article, None)
    assert verdict is not None and "empty page" in verdict.reason


# ---------------------------------------------------------------- comments in other words and layouts

ES_URL = "https://www.diariodelsur.example/local/2024/03/11/reforma-puerto-vecinos.html"
ES_COMMENTS = [
    ("op-4411", "Marisa G.", "2024-03-11T10:42:00", "Llevamos diez años esperando esta ob"),
    ("op-4412", "Paco_marinero", "2024-03-11T12:05:00", "Los camiones van a pasar por delante"),
    ("op-4420", "Vecina de la Marina", "2024-03-12T08:30:00", "Iremos todos a la reunión del jueves"),
]


def _es_comments(html: str) -> list[tuple[str, str | None, str | None, str]]:
    article = extract_article(html, ES_URL, fetched_at=NOW)
    assert "Paco_marinero" not in article.body and "Normas de participación" not in article.body
    return [(c.id, c.author, c.published, c.text[:36]) for c in article.comments]


def test_comments_announced_in_spanish_by_a_styled_title_are_read_with_who_and_when() -> None:
    """Failure mode 10 on pages whose words are not English, German or French: no "omment" anywhere in
    the page, the heading a `div.titulo-seccion`, and three header layouts: name then stamp, the name a
    child before the stamp's own words ("<b>X</b> escribió el ..."), the stamp before the name."""
    html = (PAGES / "comments-opinions-es.html").read_text(encoding="utf-8")
    assert "omment" not in html
    article = extract_article(html, ES_URL, fetched_at=NOW)
    assert article.sources["comments"] == "generic:structure"
    assert _es_comments(html) == ES_COMMENTS
    assert article.body.endswith("antes de someter el proyecto al pleno de abril.")
    assert "Publicidad" not in article.body


def test_comment_headings_in_polish_and_dutch_and_as_bold_lines_are_read() -> None:
    html = (PAGES / "comments-opinions-es.html").read_text(encoding="utf-8")
    heading = '<div class="titulo-seccion">Comentarios (3)</div>'
    for replacement in ("<h3>Komentarze (3)</h3>", "<h3>3 reacties</h3>", "<p><strong>3 comentarios</strong></p>"):
        assert _es_comments(html.replace(heading, replacement)) == ES_COMMENTS, replacement


def test_wordpress_thoughts_on_heading_announces_comments() -> None:
    html = (
        (PAGES / "comments-opinions-es.html")
        .read_text(encoding="utf-8")
        .replace(
            '<div class="titulo-seccion">Comentarios (3)</div>',
            "<h2>3 thoughts on “La reforma del puerto pesquero divide a los vecinos de la Marina”</h2>",
        )
    )
    html = html.replace("<footer", '<p><a href="/contacto">Send us a comment</a></p><footer', 1)
    assert _es_comments(html) == ES_COMMENTS


def test_a_container_named_for_comments_in_spanish_needs_no_heading() -> None:
    html = (PAGES / "comments-opinions-es.html").read_text(encoding="utf-8")
    html = html.replace('<div class="titulo-seccion">Comentarios (3)</div>', "")
    # nothing names the section: its items are not taken for comments on their shape alone
    assert extract_article(html, ES_URL, fetched_at=NOW).comments == ()
    named = html.replace('class="opiniones" id="opiniones"', 'class="comentarios" id="comentarios"')
    assert _es_comments(named) == ES_COMMENTS


def test_a_stamp_with_a_name_beside_it_never_takes_the_comment_for_the_name() -> None:
    """The name after the stamp is taken only when more text follows it: a short comment right after
    the stamp ("Totalmente de acuerdo.") is what was written, not who wrote it."""
    html = (PAGES / "comments-opinions-es.html").read_text(encoding="utf-8")
    start = html.index('<span class="cuando">12/03/2024 08:30</span>')
    end = html.index("</div>", html.index('<div class="texto"><p>Iremos')) + len("</div>")
    html = (
        html[:start]
        + '<span class="cuando">12/03/2024 08:30</span></div>'
        + '<div class="texto"><p>Totalmente de acuerdo.</p></div>'
        + html[end:]
    )
    got = _es_comments(html)
    assert got[2] == ("op-4420", None, "2024-03-12T08:30:00", "Totalmente de acuerdo.")


def _with_comment_section(section: str) -> str:
    html = (PAGES / "comments-opinions-es.html").read_text(encoding="utf-8")
    start, end = html.index('<section class="opiniones"'), html.index("</section>") + len("</section>")
    return html[:start] + section + html[end:]


PEOPLE = [
    ("Marisa G.", "2024-03-11T10:42:00", "11 de marzo de 2024, 10:42", "Llevamos diez años esperando esta obra."),
    ("Paco Marinero", "2024-03-11T12:05:00", "11 de marzo de 2024, 12:05", "Los camiones pasarán por el colegio."),
]


def test_schema_org_comment_microdata_is_read_on_any_theme() -> None:
    """`itemprop=comment` / `itemtype=…/Comment` with the author's `itemprop=name` and a `dateCreated`
    meta: the page's own statement of who and when, whatever its classes."""
    items = "".join(
        f'<div itemprop="comment" itemscope itemtype="https://schema.org/Comment"><span itemprop="author" itemscope '
        f'itemtype="https://schema.org/Person"><span itemprop="name">{who}</span></span> '
        f'<meta itemprop="dateCreated" content="{when}"><span class="hace">{shown}</span>'
        f'<div itemprop="text"><p>{what}</p></div></div>'
        for who, when, shown, what in PEOPLE
    )
    html = _with_comment_section(f'<section class="opiniones"><h3>Opiniones de los lectores</h3>{items}</section>')
    article = extract_article(html, ES_URL, fetched_at=NOW)
    assert [(c.author, c.published, c.text) for c in article.comments] == [(p[0], p[1], p[3]) for p in PEOPLE]
    assert "Marinero" not in article.body


def test_a_comments_own_parts_with_ids_are_not_comments_of_their_own() -> None:
    """Joomla's JComments gives a comment `id="comment-item-12"` and its text `id="comment-body-12"`:
    one comment each, with its id, not a second, undated one made of its text."""
    items = "".join(
        f'<div class="comment rbox" id="comment-item-{i}"><div class="comment-box usertype-guest">'
        f'<span class="comment-author">{who}</span><span class="comment-date">{shown}</span>'
        f'<div class="comment-body" id="comment-body-{i}">{what}</div></div></div>'
        for i, (who, _, shown, what) in enumerate(PEOPLE, start=11)
    )
    html = _with_comment_section(f'<div id="jc"><h4>Comentarios</h4><div id="comments-list">{items}</div></div>')
    article = extract_article(html, ES_URL, fetched_at=NOW)
    got = [(c.id, c.author, c.published, c.text) for c in article.comments]
    assert got == [(str(i), p[0], p[1], p[3]) for i, p in enumerate(PEOPLE, start=11)]


def test_a_link_to_the_authors_archive_signs_the_story_under_the_headline() -> None:
    """Failure mode 8, an author present but not found: no byline class, no structured data, only a
    link to `/autor/...` beside the date.  The teasers below link their own authors; the one nearest
    the headline signs the story."""
    article = extract("author-archive-link-de.html", "https://www.kreisbote.example/artikel/geburtsstation_schliesst")
    assert article.authors == ("Susanne Weber",)
    html = (PAGES / "author-archive-link-de.html").read_text(encoding="utf-8")
    other_first = html.replace('<a href="/autor/weber_s" target="_self">Susanne Weber</a> / 14.05', "14.05", 1)
    article = extract_article(other_first, "https://www.kreisbote.example/artikel/x", fetched_at=NOW)
    assert article.authors != ("Markus Brandt",)  # a teaser's author does not sign the story


def test_undated_comments_are_taken_when_the_heading_counts_them() -> None:
    """Undated items under a comments heading are refused (house rules, teasers), unless the heading
    announces as many comments as there are items: "3 comentarios" over three."""
    html = (PAGES / "comments-opinions-es.html").read_text(encoding="utf-8")
    for stamp in ("11/03/2024 10:42", "12/03/2024 08:30"):
        html = html.replace(f'<span class="cuando">{stamp}</span>', "")
    html = html.replace("escribió el 11/03/2024 12:05:", "")
    heading = '<div class="titulo-seccion">Comentarios (3)</div>'
    got = _es_comments(html)
    assert [(c[1], c[2], c[3]) for c in got] == [(p[1], None, p[3]) for p in ES_COMMENTS]
    for uncounted in (
        '<div class="titulo-seccion">Comentarios</div>',
        '<div class="titulo-seccion">5 comentarios</div>',
    ):
        article = extract_article(html.replace(heading, uncounted), ES_URL, fetched_at=NOW)
        assert article.comments == (), uncounted


def test_initials_in_one_byline_give_way_to_a_full_name_in_another() -> None:
    """A byline of initials ("KB", the newsroom's shorthand) is kept only when no full name signs the
    story: an author box under the article that names Susanne Weber wins."""
    html = (PAGES / "author-archive-link-de.html").read_text(encoding="utf-8")
    html = html.replace(
        '<div class="teaser_text_meta"><a href="/autor/weber_s" target="_self">Susanne Weber</a> / 14.05.2024',
        '<div class="teaser_text_meta"><span class="autor"><a href="/autor/kb">KB</a></span> / 14.05.2024',
        1,
    )
    box = '<div class="autor-box"><a href="/autor/weber_s">Susanne Weber</a></div>'
    signed = html.replace('<div class="headline_section">', box + '<div class="headline_section">', 1)
    url = "https://www.kreisbote.example/artikel/geburtsstation_schliesst"
    assert extract_article(signed, url, fetched_at=NOW).authors == ("Susanne Weber",)
    assert extract_article(html, url, fetched_at=NOW).authors == ("KB",)


_LINK_LIST_URL = "https://tidewaterweekly.example.com/2015/03/18/bike-share-fleet-vanished/"


def test_a_pretty_printed_list_of_links_inside_the_article_is_dropped() -> None:
    """Failure mode 4 (related stories in the body): a slider of story links between two paragraphs,
    its markup indented so deeply that the white space between the links outweighed their text. A
    link share is counted in visible characters, so the list is the link list it looks like."""
    body = extract("pretty-printed-link-list-en.html", _LINK_LIST_URL).body
    assert body.startswith("When the first commuters reached the dock")
    assert "The operator, a start-up" in body
    for teaser in ("Council votes on ferry fares", "The last video store", "Why the tides are late"):
        assert teaser not in body


def test_a_photo_caption_that_ends_with_its_credit_is_not_article_text() -> None:
    """Failure mode 4: a caption in a plain `<p>` beside its photo, known by the credit it ends with
    ("... Monday morning. © Dana Lee / Tidewater Weekly"), as a line of page chrome ending with © is."""
    body = extract("pretty-printed-link-list-en.html", _LINK_LIST_URL).body
    assert "The operator, a start-up" in body
    assert "The empty dock on Harbor Street" not in body and "©" not in body


@pytest.mark.parametrize(
    "heading",
    ["More Related Stories", "Other Opinion Columns", "More Top Stories", "Schon gelesen?", "Meistgelesene Artikel"],
)
def test_a_more_stories_heading_ends_the_article_and_its_chrome_lines_go(heading: str) -> None:
    """Failure mode 4 (boilerplate appended): the body ends at a heading over more of the site's stories
    ("More Related Stories", "Other Opinion Columns"), teasers and all; a "Topics:" row and the comment
    widget's "Loading Comments..." are not article text either."""
    html = (PAGES / "pretty-printed-link-list-en.html").read_text(encoding="utf-8")
    html = html.replace("<h3>More Related Stories</h3>", f"<h3>{heading}</h3>")
    body = extract_article(html, _LINK_LIST_URL, fetched_at=NOW).body
    assert body.endswith("a month's notice that it never gave.")
    for noise in (heading, "Parking meters go digital", "Topics:", "Loading Comments"):
        assert noise not in body


# each page: its URL, then (author, day, first words, index of the parent or None) per comment
_COMMENT_FAMILIES = {
    # a theme's "<cite>Carmen Ruiz</cite> <span class="says">dice:</span>" over the stamp: the verb is no name
    "comments-says-verb-es.html": (
        "https://www.cocinadelabuela.example.es/2025/03/receta-tortilla-de-patatas-jugosa/",
        [
            ("Carmen Ruiz", "2025-03-12", "Yo la hago sin cebolla", None),
            ("Lucía Fernández", "2025-03-12", "Gracias Carmen", 0),
            ("Pepe", "2025-03-15", "La hice ayer y salió", None),
        ],
    ),
    # "3 Leserbeiträge" over div.beitrag items: no word of the page spells "comment"
    "comments-leserbeitraege-de.html": (
        "https://www.modellbahn-kurier.example.de/news/2025/03/maerklin-neuheiten-fruehjahr",
        [
            ("Bahner_Klaus", "2025-03-12", "Die 218 sieht toll aus", None),
            ("Sabine W.", "2025-03-12", "549 Euro ist schon", None),
            ("Z-Spur-Peter", "2025-03-14", "Endlich wieder was für die Spur Z", None),
        ],
    ),
    # div.kommentar-item with the name in .benutzer; the sidebar's "Letzte Kommentare" list of
    # li.kommentar links to comments under other stories is not this page's
    "comments-latest-comments-sidebar-de.html": (
        "https://www.harzkreis-zeitung.de/news/news_lang.php?ArtNr=401123",
        [
            ("Pedalritter", "2025-10-14", "Endlich! Ich fahre die Strecke", None),
            ("Woffleber", "2025-10-14", "Schön und gut, aber warum", None),
            ("K. Sander", "2025-10-15", "Wegen der Feldbahn, steht doch im Artikel.", None),
        ],
    ),
    # the stamp in a class named in German ("k-datum"), not date/time/meta
    "comments-dated-in-german-class-de.html": (
        "https://www.seekreis-kurier.de/lokales/seeheim/tempo-30-hauptstrasse-stadtrat-stimmt-knapp-zu-art-552190",
        [
            ("Ulrike P.", "2025-03-06", "Ich wohne direkt an der Hauptstraße", None),
            ("Hans-Jürgen Brandl", "2025-03-05", "Und wer kontrolliert das?", None),
            ("Radfahrerin_FN", "2025-03-05", "Das Argument kommt immer.", 1),
            ("M. Öztürk", "2025-03-05", "Als Busfahrer auf der Linie 7", None),
            ("Karl-Heinz", "2025-03-05", "13 zu 12 – knapper geht es nicht.", None),
        ],
    ),
    # "Leserreaktionen (5)" over div.reaction items, no class naming comments anywhere
    "comments-leserreaktionen-de.html": (
        "https://www.wendelsteiner-anzeiger.de/lokales/5522-hallenbad-eroeffnung-herbst.html",
        [
            ("Wolfgang K.", "2025-03-02", "Das war doch abzusehen.", None),
            ("Birgit Hallmann", "2025-03-03", "Für die Kinder ist das wirklich bitter.", None),
            ("Schwimmverein-Fan", "2025-03-03", "Man muss fairerweise sagen", None),
            ("Tobias R.", "2025-03-04", "Wird es eigentlich auch Frühschwimmen", None),
            ("Wolfgang K.", "2025-03-04", "@Schwimmverein-Fan: Mag sein", None),
        ],
    ),
    # Twenty Ten's walker: "li-comment-N" items, the stamp a link's text in div.commentmetadata
    "comments-twentyten-en.html": (
        "https://riverbendgazette.com/2024/03/12/council-approves-mill-street-bridge-plan/",
        [
            ("Mark Tillman", "2024-03-12", "Long overdue.", None),
            ("Dave O.", "2024-03-12", "Nobody said the bridge is fine", 0),
            ("Sharon K.", "2024-03-13", "What about the businesses", None),
            ("Jane Doe", "2024-03-13", "Sharon, the city says", None),
        ],
    ),
    # <dt><b>name</b> <span class="data">stamp</span></dt><dd>text</dd>
    "comments-definition-list-pl.html": (
        "https://gazetamalopolska.pl/krakow/strefa-czystego-transportu-cale-miasto/ar/c1-18221455",
        [
            ("krakus1980", "2024-03-12", "Czyli znowu uderzają", None),
            ("Ewa z Podgórza", "2024-03-12", "W końcu!", None),
            ("Gość", "2024-03-12", "A co z autami", None),
        ],
    ),
    # a <table class="commento"> per comment: td.commento-autore, td.commento-data, td.commento-testo
    "comments-table-per-comment-it.html": (
        "http://www.leccoonline.it/articolo.php?idd=88123",
        [
            ("Giorgio da Pescarenico", "2015-03-12", "Era ora", None),
            ("Anna M.", "2015-03-12", "E i pendolari", None),
            ("lariano62", "2015-03-13", "Giugno?", None),
        ],
    ),
    # <article class="comment"><header><b>name</b> <time datetime></header><p>text
    "comments-article-header-en.html": (
        "https://fenlandfiles.org/features/quiet-death-county-bus-network/",
        [
            ("Pete in Whittlesey", "2023-11-20", "The 33 used to", None),
            ("J. Morrow", "2023-11-21", "Great piece.", None),
        ],
    ),
    # wpDiscuz: "hace 2 semanas" shown, the exact stamp in the element's title
    "comments-wpdiscuz-relative-es.html": (
        "https://valenciaenbici.es/carril-bici-avenida-del-puerto/",
        [
            ("Vicent", "2024-03-05", "Por fin.", None),
            ("Nuria Soler", "2024-03-05", "Totalmente de acuerdo", 0),
            ("Amparo", "2024-03-07", "¿Y qué pasa", None),
        ],
    ),
    # BEM names (comment__user, comment__date), the reply's parent in data-parent, not in the DOM
    "comments-bem-data-parent-de.html": (
        "https://www.hauptstadt-kurier.de/berlin/wohnungsbau-berlin-verfehlt-neubauziel-a-8f3c21",
        [
            ("Spreeblick_64", "2024-03-12", "Überraschung.", None),
            ("KiezKatze", "2024-03-12", "Die Genehmigungen sinken", 0),
            ("H. Wegner", "2024-03-12", "Achtzehn Euro kalt", None),
        ],
    ),
    # JComments: "comment-item-N" of class "odd"/"even", its vote count and "#1" anchor are no text
    "comments-jcomments-box-fr.html": (
        "https://www.echos-du-cantal.fr/actualites/vie-locale/412-la-fromagerie-de-salers-rouvre-ses-portes",
        [
            ("Pierre B.", "2019-10-05", "Bravo aux éleveurs", None),
            ("Martine Lavigne", "2019-10-07", "Enfin une bonne nouvelle", None),
        ],
    ),
    # Drupal 7 Bartik: a subject <h3> over each text, and the comment form below is no comment
    "comments-drupal7-subject-de.html": (
        "http://www.stadtspiegel-hennef.de/aktuelles/wochenmarkt-zieht-auf-den-rathausplatz",
        [
            ("Renate W.", "2024-03-04", "Sehr gut, dass", None),
            ("Café Siegblick", "2024-03-05", "Für uns in der", 0),
            ("Gast", "2024-03-06", "Der Musikverein", None),
        ],
    ),
    # Disqus rendered server-side: li.post in ul.children, "2 weeks ago" with the instant in its title,
    # and a ".post-content" in every comment, the class many themes give the article's body
    "comments-disqus-server-rendered-en.html": (
        "https://bytegarden.blog/posts/mini-pc-nas/",
        [
            ("Tomasz H.", "2025-02-27", "Which dock did you end up with?", None),
            ("Priya Raman", "2025-02-27", "It's one with an ASMedia bridge", 0),
            ("Tomasz H.", "2025-02-28", "Thanks! Ordered one.", 1),
            ("Gwen Alder", "2025-03-01", "Good write-up.", None),
        ],
    ),
    # Coral: a reply sits in a div.coral-reply-list set after the comment it answers, not inside it
    "comments-coral-reply-list-en.html": (
        "https://www.cascadepublic.org/politics/2025/02/26/rent-cap-bill-advances",
        [
            ("ferry_commuter", "2025-02-26", "My rent went up 14 percent", None),
            ("Dana Whitfield", "2025-02-27", "Same here.", 0),
            ("R. Okonkwo", "2025-02-27", "I own a duplex", None),
        ],
    ),
    # a hand-made section: div.commentaire with its replies in a div.reponses inside it (longer than its
    # own text), stamps "il y a 3 jours" and "hier"
    "comments-replies-in-wrapper-relative-fr.html": (
        "https://www.gironde-actu.fr/bordeaux/pont-chaban-delmas-ferme-six-nuits-maintenance_58210",
        [
            ("Bastidien33", "2025-03-07", "Encore des fermetures !", None),
            ("Marie-Pierre L.", "2025-03-07", "C'était à cause d'un câble", 0),
            ("velotaf_bdx", "2025-03-09", "23 heures pour les vélos", None),
            ("Jean-Luc Péré", "2025-03-10", "Merci pour l'info", None),
        ],
    ),
}
# pages of comments written after NOW are read as fetched soon after they were written
_FETCHED = {
    "comments-says-verb-es.html": datetime(2025, 3, 20, 10, 0, tzinfo=UTC),
    "comments-leserbeitraege-de.html": datetime(2025, 3, 17, 19, 0, tzinfo=UTC),
    "comments-latest-comments-sidebar-de.html": datetime(2025, 10, 16, 8, 0, tzinfo=UTC),
    "comments-dated-in-german-class-de.html": datetime(2025, 3, 8, 9, 0, tzinfo=UTC),
    "comments-leserreaktionen-de.html": datetime(2025, 3, 6, 9, 0, tzinfo=UTC),
    "comments-replies-in-wrapper-relative-fr.html": datetime(2025, 3, 10, 15, 0, tzinfo=UTC),
    "comments-disqus-server-rendered-en.html": datetime(2025, 3, 13, 12, 0, tzinfo=UTC),
    "comments-coral-reply-list-en.html": datetime(2025, 3, 18, 10, 0, tzinfo=UTC),
}


@pytest.mark.parametrize("name", sorted(_COMMENT_FAMILIES))
def test_comment_markup_families_give_who_when_what_and_thread(name: str) -> None:
    """Failure mode 10 (comments present but not read, or read without author or date): markup
    families of real comment sections beyond the big CMSs' walkers. Each comment comes once, with its
    author, its day (the exact stamp where a relative one is shown), its text without header, subject
    or vote count, and its parent."""
    url, want = _COMMENT_FAMILIES[name]
    html = (PAGES / name).read_text(encoding="utf-8")
    article = extract_article(html, url, fetched_at=_FETCHED.get(name, NOW))
    comments = article.comments
    assert len(comments) == len(want), [c.text[:40] for c in comments]
    ids = [c.id for c in comments]
    for comment, (author, day, opening, parent) in zip(comments, want, strict=True):
        assert (comment.author or "").startswith(author)
        assert (comment.published or "")[:10] == day
        assert comment.text.startswith(opening), comment.text[:80]
        assert comment.parent_id == (ids[parent] if parent is not None else None)
        assert opening not in article.body  # failure mode 3: no comment in the body


def test_a_most_read_list_after_the_article_does_not_sign_it() -> None:
    """Failure mode 8 (a related story's author): a "Meistgelesen" list under a short dpa story carries
    "von Jens Möller" on each entry, within reach of the byline search. Bylines in a list of other
    stories, away from the headline's block, sign those stories; the structured data's agency stays."""
    article = extract(
        "byline-most-read-after-agency-de.html",
        "https://www.rhein-ruhr-bote.de/nrw/unwetter-starkregen-wuppertal-solingen-id2231874.html",
    )
    assert article.authors == ("dpa",)


def test_a_newsroom_meta_author_gives_way_to_the_names_in_the_byline() -> None:
    """Failure mode 8: `<meta name=author content=Redactie>` says only that the newsroom published it;
    the byline "Door <a>Sanne de Jong</a> en <a>Bas van Dam</a>" names both authors."""
    article = extract(
        "byline-newsroom-meta-two-links-nl.html",
        "https://www.nieuwsbladlimburg.nl/binnenland/kabinet-extra-geld-dijkversterking-maas~a4e21f09/",
    )
    assert article.authors == ("Sanne de Jong", "Bas van Dam")


def test_a_role_after_the_name_is_no_second_author() -> None:
    """Failure mode 8 (trailing junk): "di Maria Rossi, corrispondente da Roma" is one author and her
    role, as "correspondent" is in English."""
    article = extract(
        "byline-role-after-name-it.html",
        "https://www.ilquotidianonazionale.it/cronache/24_marzo_12/giubileo-2025-cantieri-piazza-pia-roma-3b7c1e.shtml",
    )
    assert article.authors == ("Maria Rossi",)


@pytest.mark.parametrize(
    ("name", "url", "last", "noise"),
    [
        (  # the gate a paywall puts where the story stops: a box named "paywall-gate"
            "body-paywall-gate-es.html",
            "https://www.observadordelsur.es/andalucia/malaga/alquileres-turisticos-malaga-moratoria-n-44871",
            "encareciendo el alquiler de larga duración.",
            ("Suscríbete para seguir leyendo", "exclusivo para suscriptores", "Inicia sesión"),
        ),
        (  # an ad slot's label between dashes, "- Pubblicità -"
            "body-dashed-ad-label-it.html",
            "https://www.emilianotizie24.it/2024/03/12/bologna-garisenda-chiusa-fino-al-2027/",
            "nuove indagini sul terreno di fondazione.",
            ("Pubblicità",),
        ),
        (  # the author box under the story ("autorenbox": "Über die Autorin" and a short bio)
            "body-author-box-de.html",
            "https://www.reisewelten-magazin.de/bahn/nachtzuege-renaissance-schlafwagen/",
            "ist erstaunlich gut.",
            ("Über die Autorin", "ist Redakteurin bei reisewelten"),
        ),
    ],
)
def test_page_chrome_inside_the_article_container_is_not_body(name: str, url: str, last: str, noise: tuple) -> None:
    """Failure mode 4 (boilerplate appended): a paywall's gate, an ad label and an author box sit inside
    the story's own container, after its last paragraph or between two."""
    body = extract(name, url).body
    assert body.endswith(last), body[-200:]
    for text in noise:
        assert text not in body


def test_joomla_article_info_rows_are_not_body() -> None:
    """Failure mode 4: Joomla's article-info list above the text ("Catégorie : Vie locale",
    "Affichages : 1204") is the template's, as a "Category:" or "Hits:" row is in English."""
    body = extract(
        "comments-jcomments-box-fr.html",
        "https://www.echos-du-cantal.fr/actualites/vie-locale/412-la-fromagerie-de-salers-rouvre-ses-portes",
    ).body
    assert "Fermée depuis deux ans, la fromagerie" in body
    assert "Catégorie" not in body and "Affichages" not in body


def test_an_update_stamp_printed_before_the_published_one_is_not_the_date() -> None:
    """Failure mode 7 (the "updated" stamp overrides the publication date): GeneratePress prints
    `<time class="updated">14 marca</time><time class="entry-date published">12 marca</time>` and hides
    the first with CSS. A later date under the headline still wins over structured data, except when
    it is the day the page's own `time.updated` marks as the last edit."""
    article = extract(
        "date-hidden-updated-first-pl.html", "https://gorskiesciezki.pl/zamkniety-szlak-rysy-morskie-oko/"
    )
    assert (article.published or "")[:10] == "2024-03-12"
    assert (article.modified or "")[:10] == "2024-03-14"


@pytest.mark.parametrize(
    ("name", "url", "lead", "then"),
    [
        (  # <h2 class="subtitular"> under the headline, outside the paragraphs' container
            "lead-subtitular-es.html",
            "https://www.diariodelebro.es/sociedad/2024-03-12/sequia-cataluna-restricciones-riego-202-municipios.html",
            "La Generalitat activa la fase de emergencia",
            "El Govern de la Generalitat ha decretado",
        ),
        (  # BEM's <p class="article__desc">
            "lead-article-desc-fr.html",
            "https://www.courrierdurhone.fr/regions/article/2024/03/11/a-lyon-la-metropole-veut-pietonniser-la-presqu-ile_6221.html",
            "Le projet, présenté lundi par le président écologiste",
            "La presqu'île lyonnaise sera-t-elle",
        ),
    ],
)
def test_a_lead_named_in_another_newsrooms_words_opens_the_body(name: str, url: str, lead: str, then: str) -> None:
    """Failure mode 2 (the lead lost): the standfirst's class is the newsroom's own word (subtitular,
    entradilla, bajada, chapô, sommario, perex, Vorspann, article__desc), not "lead" or "intro"."""
    body = extract(name, url).body
    assert body.startswith(lead), body[:120]
    assert then in body


@pytest.mark.parametrize(
    ("name", "url", "lead", "not_lead", "paragraphs"),
    [
        (  # Drupal's field_intro beside field_body, a captioned photo above it
            "lead-drupal-field-intro-de.html",
            "https://www.kreisbote-ostalb.example.de/lokales/aalen/neue-buslinie-verbindet-wasseralfingen-mit-dem-klinikum",
            "Ab dem Fahrplanwechsel am 15. Dezember fährt die neue Linie 47",
            "Probefahrt am Bahnhof",
            5,
        ),
        (  # a classic WordPress theme: the site's name is the first h1, its tagline right below it
            "lead-wordpress-tagline-en.html",
            "https://plot29.example.blog/2024/03/09/allotment-waiting-list/",
            "The town council has split forty full plots into halves",
            "too many courgettes",
            6,
        ),
    ],
)
def test_a_cms_page_keeps_its_lead_but_not_a_caption_or_the_sites_tagline(
    name: str, url: str, lead: str, not_lead: str, paragraphs: int
) -> None:
    """Failure mode 2 (the lead lost) on pages a CMS preset reads: its body selector holds the paragraphs
    and the standfirst sits beside them, found as on the generic path. A photo's caption
    ("image-description") and the site's tagline ("site-description") also say "description", and are
    no lead."""
    article = extract(name, url)
    assert article.sources["body"].startswith("preset:")
    assert article.body.startswith(lead), article.body[:120]
    assert not_lead not in article.body
    assert article.body.count("\n\n") == paragraphs  # the lead, then each paragraph once


def test_an_author_meta_in_a_vendors_namespace_signs_the_page_but_an_app_banners_does_not() -> None:
    """Failure mode 8 (an author present in the page's metadata not found): the only person named is
    in an analytics vendor's meta ("cXenseParse:author"; "shareaholic:article_author_name" and
    "nrbi:authors" are read alike), while `author` says the paper's name. `smartbanner:author` is the
    publisher of the paper's app."""
    name = "byline-vendor-meta-de.html"
    url = "https://www.lahrer-anzeiger.example.de/lokales/lahr/mieter-finden-kaum-noch-bezahlbare-wohnungen--238110427.html"
    assert extract(name, url).authors == ("Miriam Vogelsang",)
    html = (PAGES / name).read_text(encoding="utf-8")
    unsigned = html.replace('<meta property="cXenseParse:author" content="Miriam Vogelsang">', "")
    assert unsigned != html
    assert extract_article(unsigned, url, fetched_at=NOW).authors == ()


def test_a_byline_set_in_capitals_is_a_name_but_an_acronyms_staff_is_not() -> None:
    """Failure mode 8 (an author not found): a magazine's credits set the names in capitals
    ("Interview KATHARINA OSTWALD"). A publisher's promo above the headline signed "Von HELLWEG STAFF"
    is capitals too, and a newsroom, not a person."""
    article = extract(
        "byline-capitals-credits-de.html", "https://www.raum-magazin.example.de/menschen/ilse-brandauer-interview/"
    )
    assert article.authors == ("KATHARINA OSTWALD",)


def test_a_cms_byline_with_two_authors_gives_both_and_no_related_storys() -> None:
    """Failure mode 8 (a name lost): WordPress's Co-Authors markup writes one `.author.vcard` per author
    inside one byline; the preset's selector matches each, and the related stories below carry more
    vcards of their own ("Ellen Park"), which sign nothing here."""
    article = extract(
        "byline-wordpress-coauthors-en.html", "https://valleyledger.example.org/2024/05/02/millbrook-water-rights/"
    )
    assert article.sources["authors"] == "preset:wordpress:author"
    assert article.authors == ("Rosa Alvarez", "Tom Whitaker")


def test_a_list_of_related_stories_named_in_spanish_signs_nothing() -> None:
    """Failure mode 8 (a related story's author): the teasers' "Por Laura Gómez" sit in a
    `section.relacionadas`, as "related" is spelled in the newsroom's language; the story's own
    "Por María López y Javier Ruiz" under the headline signs it."""
    article = extract(
        "byline-related-section-es.html",
        "https://www.diariodelmediterraneo.es/sociedad/2025/03/sequia-cataluna-restricciones-riego-agricola.html",
    )
    assert article.authors == ("María López", "Javier Ruiz")
    assert "Noticias relacionadas" not in article.body and "Laura Gómez" not in article.body


def test_a_meta_author_naming_the_newsroom_gives_way_to_the_guest_author_in_the_text() -> None:
    """Failure mode 8: `<meta name=author content="Redaktion Digitales Land">` is the newsroom by its
    full name, as a bare "Redaktion" is; the first line of the text, "Ein Gastbeitrag von Martin
    Hollerbach", names the person who wrote it."""
    article = extract(
        "byline-guest-post-newsroom-meta-de.html",
        "https://digitales-land.de/2025/01/warum-kommunen-beim-glasfaserausbau-umdenken-muessen/",
    )
    assert article.authors == ("Martin Hollerbach",)


@pytest.mark.parametrize(
    ("name", "url", "lead", "first", "stamp"),
    [
        (
            "body-dateline-after-lead-fr.html",
            "https://www.ouest-hebdo.fr/nantes/a-nantes-le-tramway-de-nuit-seduit-plus-que-prevu-21874",
            "Six mois après son lancement, la ligne nocturne du tramway nantais",
            "Le pari était risqué.",
            "Publié le mercredi 29 janvier 2025",
        ),
        (
            "body-dateline-after-lead-de.html",
            "https://www.berner-abendblatt.ch/schweiz/gotthard-zweite-roehre-kostet-300-millionen-mehr-948211",
            "Das Bundesamt für Strassen rechnet beim Bau des zweiten Gotthard-Strassentunnels",
            "Der Bau der zweiten Röhre des Gotthard-Strassentunnels wird teurer",
            "Publiziert: 25.02.2025",
        ),
    ],
)
def test_a_line_that_only_stamps_the_story_is_not_its_text(
    name: str, url: str, lead: str, first: str, stamp: str
) -> None:
    """Failure mode 4 (boilerplate in the body): between the lead and the first paragraph a line gives
    only the date ("Publié le mercredi 29 janvier 2025 à 18h10"), under a class no noise word names.
    The date is the article's metadata, and the text goes on from the lead to the first paragraph."""
    article = extract(name, url)
    assert article.body.startswith(lead)
    first_at = article.body.index(first)
    assert stamp not in article.body
    assert article.body[:first_at].count("\n\n") == 1  # the lead, then the first paragraph


def test_a_short_line_that_dates_an_event_stays_in_the_text() -> None:
    """The stamp filter drops a line that dates the story, not one that dates what it reports."""
    paragraph = "Die Verkostung findet im Gewölbekeller der Brennerei statt, Anmeldung bis eine Woche vorher. " * 3
    html = (
        "<html><head><title>Whisky-Tasting in Halle</title></head><body><article><h1>Whisky-Tasting in Halle</h1>"
        f"<p>{paragraph}</p><p>Termin: 21.02.2020, 19 Uhr</p><p>{paragraph}</p></article></body></html>"
    )
    body = extract_article(html, "https://www.example.de/tasting", fetched_at=NOW).body
    assert "Termin: 21.02.2020, 19 Uhr" in body


def test_published_and_updated_lines_in_swedish_give_both_dates() -> None:
    """Failure mode 7: no structured date; under the byline "Publicerad 10 februari 2025 kl. 08.15"
    and "Uppdaterad 11 februari 2025 kl. 16.40" in one block. The labels are read in Swedish (and
    Danish, Norwegian, Czech, Finnish), and the edit is the date after its own label, not the block's
    first date."""
    html = (PAGES / "date-published-updated-line-sv.html").read_text(encoding="utf-8")
    url = "https://www.norrlandsposten.se/nyheter/norrlandsbanan-far-ny-tidplan-dubbelspar-drojer-till-2035"
    article = extract_article(html, url, fetched_at=datetime(2025, 3, 18, 10, 0, tzinfo=UTC))
    assert (article.published or "")[:10] == "2025-02-10"
    assert (article.modified or "")[:10] == "2025-02-11"


def test_a_czech_page_keeps_its_article_and_leaves_out_share_bar_related_list_and_footer() -> None:
    """Failure modes 3 and 4 in a language the class words did not know: a share bar (`div.sdilet`),
    "Související články" (`section.souvisejici`), a sidebar (`aside.postranni`) and the footer
    (`footer.paticka`, a long copyright sentence) lifted the body from the article's block to `<body>`.
    The date line above the perex is read in Czech ("11. března 2025 12:20"), not kept as text."""
    html = (PAGES / "body-czech-related-share-cs.html").read_text(encoding="utf-8")
    url = "https://www.jmdenik.cz/zpravy/brno-otevre-prvni-usek-noveho-obchvatu-uz-v-zari-20250311.html"
    fetched = datetime(2025, 3, 18, 10, 0, tzinfo=UTC)
    article = extract_article(html, url, fetched_at=fetched)
    assert article.body.startswith("Stavbaři dokončují most přes Svitavu.")
    last = "Vedení města proto jedná s ministerstvem dopravy o rychlejším financování."
    assert article.body.endswith((last, f"{last}\n\nAutor: Petr Novák"))  # the credit line may close it
    for noise in ("Související články", "Tramvaj do Bystrce", "Nejčtenější", "Sdílet", "11. března"):
        assert noise not in article.body
    assert article.authors == ("Petr Novák",)
    meta = '<meta property="article:published_time" content="2025-03-11T12:20:00+01:00">'
    assert meta in html
    undated = extract_article(html.replace(meta, ""), url, fetched_at=fetched)
    assert (undated.published or "")[:10] == "2025-03-11"


def test_an_author_card_whose_bio_opens_with_the_name_and_any_verb_signs_the_page() -> None:
    """Failure mode 8 (an author not found): the only name is in a sidebar card "About the author" over
    "Owen Pritchard grows vegetables for forty veg-box customers ...": the capitalised words before the
    bio's first lowercase word are the name, whatever the verb."""
    article = extract("byline-author-card-aside-en.html", "https://hedgerownotes.net/posts/no-dig-beds/")
    assert article.authors == ("Owen Pritchard",)


def test_comments_after_their_heading_in_the_articles_own_column_are_read_and_left_out() -> None:
    """Failure modes 3 and 10: a hand-made site writes "3 Kommentare" and the comments (`div.eintrag`,
    no comment word in any class) straight after the report, in the column that also holds its h1, so
    no element holds the comments alone. The heading's following like siblings are the comments; they
    leave the body, as does the form's "Kommentar schreiben" heading. The report is signed "Bericht
    von Georg Lechner"."""
    html = (PAGES / "comments-after-heading-in-article-column-de.html").read_text(encoding="utf-8")
    article = extract_article(
        html, "http://www.ogv-weilheim.de/bericht.php?id=212", fetched_at=datetime(2025, 3, 12, tzinfo=UTC)
    )
    got = [(c.author, (c.published or "")[:10], c.text[:20], c.parent_id) for c in article.comments]
    assert got == [
        ("Hildegard S.", "2025-03-09", "Vielen Dank für den ", None),
        ("Toni Wagner", "2025-03-10", "Gibt es die Folien v", None),
        ("Anni Reiter", "2025-03-10", "Hallo Toni, die Unte", None),
    ]
    assert article.body.startswith("Trotz Nieselregen und gerade einmal vier Grad")
    assert article.body.endswith("bei Schriftführerin Anni Reiter an.")
    assert article.authors == ("Georg Lechner",)


def test_a_signature_line_of_prose_signs_nothing() -> None:
    """Failure mode 8 (junk kept as a name): a forum post's `div.signature` ("Digitalagentur für
    Virtual Reality, interaktive Markenerlebnisse") matches a byline selector; a name has no lowercase
    words but its particles ("Ursula von der Leyen" does)."""
    post = "Wir haben das Modul auf drei Shops getestet, die Ladezeit hat sich halbiert. " * 3
    signature = "Digitalagentur für Virtual Reality, interaktive Markenerlebnisse"
    html = (
        "<html><head><title>Neues Caching-Modul im Test</title></head><body><div id=wrap>"
        f"<h1>Neues Caching-Modul im Test</h1><div class=postbody><p>{post}</p><p>{post}</p>"
        f"<div class=signature>{signature}</div></div></div></body></html>"
    )
    assert extract_article(html, "https://forum.example.de/t/123", fetched_at=NOW).authors == ()
    signed = html.replace(signature, "Ursula von der Leyen")
    assert extract_article(signed, "https://forum.example.de/t/123", fetched_at=NOW).authors == (
        "Ursula von der Leyen",
    )


def test_an_embeds_consent_placeholder_and_a_video_players_labels_are_not_text() -> None:
    """Failure mode 4: between the paragraphs a tweet sits behind a consent placeholder ("Externer
    Inhalt ... benötigen wir Ihre Zustimmung", `div.embed__placeholder`) and a video player shows its
    title and duration ("01:42 Min.", `div.video-player`); the paragraphs around them stay."""
    html = (PAGES / "body-embed-placeholders-de.html").read_text(encoding="utf-8")
    url = "https://www.nordkurier-online.de/panorama/polarlichter-deutschland-bilder-nacht-2025-03-09.html"
    body = extract_article(html, url, fetched_at=datetime(2025, 3, 12, 9, 0, tzinfo=UTC)).body
    for noise in ("Externer Inhalt", "benötigen wir Ihre Zustimmung", "01:42 Min.", "Video abspielen"):
        assert noise not in body
    for kept in ("In den sozialen Netzwerken teilten Tausende Menschen ihre Aufnahmen.", "Neue Sichtungen möglich"):
        assert kept in body


def test_bylines_and_stamps_of_a_wire_sidebar_and_story_cards_are_not_the_storys() -> None:
    """Failure mode 8 (a related story's author) and 7: a wire sidebar before the story lists entries
    with `<time>` and "By Anita Komuves", story cards after it "By Lisa Berger · 27 Feb 2024". The
    story itself is signed by agencies only ("AFP/Reuters" on a credit line): nobody in those lists
    signs it, and their stamps do not date it."""
    article = extract(
        "byline-wire-sidebar-cards-en.html",
        "https://www.cemonitor.eu/world/2024/02/27/danube-water-levels-record-low-barge-traffic/",
    )
    for teaser_author in ("Anita Komuves", "Francois Murphy", "Jan Lopatka", "Lisa Berger"):
        assert teaser_author not in article.authors
    assert not (article.published or "").startswith(("2024-02-26", "2024-02-25"))


def test_an_author_box_under_the_story_signs_it_and_a_sidebar_teaser_does_not() -> None:
    """Failure mode 8 (an author present but not found; a related story's author taken): the page names
    its author only in the box under the story ("Über die Autorin" over "<strong>Friederike
    Kaufmann</strong> ist Redakteurin ..."), while the sidebar's teasers say "Von Jonas Weber"."""
    article = extract(
        "body-author-box-de.html", "https://www.reisewelten-magazin.de/bahn/nachtzuege-renaissance-schlafwagen/"
    )
    assert article.authors == ("Friederike Kaufmann",)


def test_a_headline_set_on_two_lines_is_one_title_and_an_ad_label_is_not_text() -> None:
    """Failure mode 2: the h1 breaks its headline with a `<br>` ("İstanbul'da metro hattı<br>üç gün
    kapalı kalacak") and `<title>` repeats it whole: the title is both lines, not the first. Between
    the paragraphs an ad slot is labelled "Reklam" (Turkish, as Annons, Annonce, Advertentie ...)."""
    article = extract_at(
        "title-h1-two-lines-br-tr.html",
        "https://www.bogazicihaber.com.tr/istanbul/istanbulda-metro-hatti-uc-gun-kapali-kalacak-412873",
        datetime(2025, 3, 13, 7, 0, tzinfo=UTC),
    )
    assert article.title == "İstanbul'da metro hattı üç gün kapalı kalacak"
    assert "Reklam" not in article.body.split("\n\n")
    assert "Metro İstanbul yetkilileri" in article.body


def test_a_photo_caption_named_in_italian_is_not_text() -> None:
    """Failure mode 4: paragraphs as bare text between `<br>`s, and a photo's caption in a
    `span.didascalia` (Italian for caption, as Bildunterschrift, leyenda, popisek)."""
    body = extract(
        "body-br-br-text-no-p-it.html", "https://www.corrieredellavalle.it/cronaca/articolo.php?id=40918"
    ).body
    assert "foto Vigili del fuoco" not in body
    assert "strada comunale di Poggio Alto" in body and "La linea di autobus 14 salterà le fermate" in body


def test_a_press_releases_contact_block_ends_its_text() -> None:
    """Failure mode 4: a press release closes with "Pressekontakt", a name, a phone and an e-mail
    inside the same text block; the release's own paragraphs stay, the contact block does not."""
    body = extract_at(
        "body-pressemitteilung-kontakt-ueber-uns-de.html",
        "https://www.stadtwerke-lindenau.de/presse/pressemitteilungen/detail/buergersolarpark-kiesweiher",
        datetime(2025, 3, 15, 9, 0, tzinfo=UTC),
    ).body
    for noise in ("Pressekontakt", "Telefon: 03581 4470-210", "presse@stadtwerke-lindenau.de"):
        assert noise not in body
    assert "Weitere Informationen zur Beteiligung gibt es unter www.stadtwerke-lindenau.de/solarpark." in body


def test_an_old_table_layout_portal_gives_its_spaced_date_and_no_tools_row() -> None:
    """Failure modes 4 and 7: a Czech portal in nested tables dates its story "7. 3. 2025 15:20"
    (day, month and year spaced after their dots) and ends it with a tools row in a `<td>`
    ("Vytisknout | Poslat e-mailem | Sdílet na Facebooku"), three links and nothing else."""
    url = "https://www.zpravodaj-vysociny.cz/clanek.php?id=22871"
    article = extract_at("body-table-layout-old-portal-cs.html", url, datetime(2025, 3, 10, 8, 0, tzinfo=UTC))
    assert (article.published or "").startswith("2025-03-07T15:20")
    assert "Vytisknout" not in article.body and "Poslat e-mailem" not in article.body
    assert not article.body.startswith("7. 3. 2025")
    assert "Celkové náklady stavby odhaduje projektant na 52 milionů korun." in article.body


def test_a_french_thoughts_on_heading_announces_a_nested_thread_and_a_badge_is_no_name() -> None:
    """Failure mode 10: a theme's "6 réflexions sur « … »" over a `ul` of `li.commentaire` three
    levels deep; the article's author answers with a badge ("Autrice") between her name and the
    stamp. Each comment keeps its author, day and parent, and none of them is in the body."""
    html = (PAGES / "comments-nested-ul-three-levels-fr.html").read_text(encoding="utf-8")
    url = "https://lescarnetsdeclaire.fr/viarhona-geneve-lyon-quatre-jours/"
    article = extract_article(html, url, fetched_at=datetime(2025, 2, 28, 10, 0, tzinfo=UTC))
    got = [(c.id, c.author, (c.published or "")[:10], c.parent_id) for c in article.comments]
    assert got == [
        ("com-101", "Jérôme", "2025-02-24", None),
        ("com-102", "Claire Duperrier", "2025-02-24", "com-101"),
        ("com-103", "Jérôme", "2025-02-25", "com-102"),
        ("com-104", "Sophie L.", "2025-02-25", "com-101"),
        ("com-105", "Marc-Antoine", "2025-02-26", None),
        ("com-106", "Claire Duperrier", "2025-02-26", "com-105"),
    ]
    assert "réflexions sur" not in article.body and "Super récit" not in article.body


def test_a_kicker_inside_the_h1_goes_with_the_headline_out_of_the_body() -> None:
    """Failure mode 2: the h1 holds its kicker in a span ("<span>Il caso</span> Il sindaco di Lucca
    ..."); the article container includes the header, so the body opened with "Il caso Il sindaco
    ...". The headline line with its kicker is not text; the summary under it is the lead."""
    url = "https://www.gazzettadelserchio.it/cronaca/2025/03/01/news/lucca-sindaco-vieta-monopattini-centro-troppi-incidenti-148822"
    article = extract_at("title-kicker-span-inside-h1-it.html", url, datetime(2025, 3, 4, 9, 0, tzinfo=UTC))
    assert article.title == "Il sindaco di Lucca vieta i monopattini in centro: «Troppi incidenti»"
    assert "Il caso" not in article.body and "Troppi incidenti" not in article.body.split("\n\n")[0]
    assert article.body.startswith("Da lunedì stop ai mezzi elettrici in sharing dentro le Mura.")


def test_a_code_block_keeps_its_lines() -> None:
    """Failure mode 4 (text present but mangled): a documentation page's `<pre>` holds a config file,
    one `span.token-line` per line. Its lines stay lines (they were run into one: "[connectors...]
    max_attempts = 6 retry_backoff = ..."), and the prose around it stays prose."""
    url = "https://docs.tidewater.dev/guides/retries-and-timeouts"
    body = extract_at("docs-howto-code-blocks-toc-sidebar-en.html", url, datetime(2025, 2, 7, 10, 0, tzinfo=UTC)).body
    assert '[connectors.orders_api.retry]\nmax_attempts = 6\nretry_backoff = "exponential"\n' in body
    assert "With these settings the waits between attempts are roughly 0.5, 1, 2, 4 and 8 seconds" in body


# bylines and dates in other scripts and languages: (page, url, fetched, authors, published day)
_WORLD_BYLINES = [
    (
        "author-el-jsonld-org-grafei.html",
        "https://www.eidiseis-tora.gr/ellada/peiraias-neoi-kanones-krouaziera-maios/",
        "2025-03-21T08:00:00+02:00",
        ["Μαρία Κωνσταντίνου"],
        "2025-03-18",
    ),
    (
        "rtl-ar-biqalam-nushira.html",
        "https://www.alkhabar-alyawm.com/economy/2025/05/20/aqaba-solar-desalination",
        "2025-05-23T11:00:00+03:00",
        ["أحمد علي"],
        "2025-05-20",
    ),
    (
        "date-ja-kanji-bun-shashin.html",
        "https://www.maiasa-shimbun.jp/articles/20250305/k00/00m/040/123000c",
        "2025-03-08T09:00:00+09:00",
        ["山田太郎"],
        "2025-03-05",
    ),
    (
        "byline-zh-laiyuan-zuozhe-bianji.html",
        "https://news.huaxia-ribao.cn/2025/04/22/content_88231.htm",
        "2025-04-25T09:00:00+08:00",
        ["李明"],
        "2025-04-22",
    ),
    (
        "date-hu-szerzo-es-marcius.html",
        "https://www.hirmondo-online.hu/belfold/2025/03/04/egyes-villamos-rakoczi-hid-palyafelujitas",
        "2025-03-07T09:30:00+01:00",
        ["Kovács Anna", "Tóth Péter"],
        "2025-03-04",
    ),
    (
        "byline-fi-teksti-kuvat-no-colon.html",
        "https://www.kotimaajakoti.fi/ihmiset/saunasta-tuli-kallen-tyopaikka",
        "2025-11-07T10:00:00+02:00",
        ["Matti Virtanen"],
        "2025-11-04",
    ),
    (
        "byline-ro-autor-foto-citeste-si.html",
        "https://www.stirilezilei.ro/actualitate/metroul-din-cluj-castigator-licitatie-primul-tronson-id48213.html",
        "2025-04-14T10:00:00+03:00",
        ["Andrei Popescu"],
        "2025-04-11",
    ),
    (
        "date-tr-guncelleme-before-giris.html",
        "https://www.gundemhaber.com.tr/yerel/izmir-metro-narlidere-uzatma-ihale-tarihi-haber-551234",
        "2025-12-07T10:00:00+03:00",
        ["Ahmet Yılmaz"],
        "2025-12-04",
    ),
]


@pytest.mark.parametrize(
    ("name", "url", "fetched", "authors", "day"), _WORLD_BYLINES, ids=[r[0] for r in _WORLD_BYLINES]
)
def test_bylines_and_dates_in_other_scripts_give_the_names_and_the_day(
    name: str, url: str, fetched: str, authors: list[str], day: str
) -> None:
    """Failure modes 6 and 7 on portals of eight languages: byline labels of their own ("Γράφει:",
    "بقلم:", "文／", "作者：", "Szerző:", "Teksti", "Autor:", "Haber:"), names joined by "és", a
    photographer's credit run on after the writer's name ("写真／", "| Kuvat"), dates written
    "2025年3月5日", "2025. március 4.", "11 aprilie 2025", and a Turkish date block that lists the
    update ("Güncelleme") before the publication ("Giriş")."""
    html = (PAGES / name).read_text(encoding="utf-8")
    article = extract_article(html, url, fetched_at=datetime.fromisoformat(fetched))
    assert list(article.authors) == authors
    assert (article.published or "")[:10] == day


def test_hebrew_talkbacks_are_comments_with_the_name_its_class_gives() -> None:
    """Failure mode 10: an RTL portal's "תגובות (3)" over `li.talkback-item`s (no class spells
    "comment"); each talkback's header holds its title, the writer's name (`span.tb-author`), a place
    and a two-digit-year stamp. The name is the one its class names, not the place beside the stamp,
    and no talkback is in the body."""
    html = (PAGES / "comments-he-talkbacks-ddmmyy.html").read_text(encoding="utf-8")
    url = "https://www.hadashot-plus.co.il/articles/0,7340,L-5512345,00.html"
    article = extract_article(html, url, fetched_at=datetime(2025, 6, 21, 7, 0, tzinfo=UTC))
    assert [c.author for c in article.comments] == ["יוסי", "מיכל", "אבי כ."]
    assert all(c.published for c in article.comments)
    assert article.comments[1].parent_id == article.comments[0].id
    assert "תגובות" not in article.body


def test_the_body_never_widens_to_the_whole_page() -> None:
    """Failure mode 4: a portal's article div holds 700 characters of paragraphs and the page around
    it (cookie notice, currency ticker, related stories, an empty comment box) enough more that the
    widening step took `<body>` for the article's container. It stops below the page itself."""
    html = (PAGES / "date-tr-guncelleme-before-giris.html").read_text(encoding="utf-8")
    url = "https://www.gundemhaber.com.tr/yerel/izmir-metro-narlidere-uzatma-ihale-tarihi-haber-551234"
    body = extract_article(html, url, fetched_at=datetime(2025, 12, 7, 7, 0, tzinfo=UTC)).body
    for chrome in ("çerezler", "Dolar 42,51", "Yorumlar", "İlk yorumu"):
        assert chrome not in body
    assert "Yapım çalışmalarının 2026 yazında başlaması" in body


# chrome beside the text that its class names: (page, url, fetched, kept, left out)
_NAMED_CHROME = [
    (
        "opinion-en-column-bio-box.html",
        "https://www.northernledger.co.uk/opinion/2025/jan/20/four-day-week-councils-westminster",
        "2025-01-23T09:00:00+00:00",
        "When South Cambridgeshire district council announced in 2023",
        ("is a columnist for the Northern Ledger",),  # div.content__bio, a sibling of the text
    ),
    (
        "byline-nl-door-onze-redactie-newsroom.html",
        "https://www.dagbladvanhetoosten.nl/regio/enschede/enschede-krijgt-tweede-fietsenstalling-onder-stationsplein~a4c81f2e/",
        "2025-06-20T09:00:00+02:00",
        "De gemeenteraad van Enschede heeft dinsdagavond ingestemd",
        ("Heb je een tip of opmerking",),  # div.article__feedback
    ),
    (
        "pagination-id-halaman-baca-juga-penulis-editor.html",
        "https://regional.kabarnusa.com/read/2025/07/08/14200011/banjir-rob-rendam-pesisir-semarang-1200-rumah-terdampak",
        "2025-07-11T09:00:00+07:00",
        "Banjir rob kembali merendam kawasan pesisir utara Kota Semarang",
        ("Gabung Kabarnusa Plus",),  # div.read__tagging
    ),
    (
        "comments-ru-otvetit-nested.html",
        "https://gorod-novosti.ru/society/2025/02/12/remont-oktyabrskogo-mosta",
        "2025-02-16T12:00:00+03:00",
        "С 1 марта на Октябрьском мосту начнется капитальный ремонт",
        ("Просмотров",),  # a view counter, "Просмотров: 5 812"
    ),
]


@pytest.mark.parametrize(
    ("name", "url", "fetched", "kept", "left_out"), _NAMED_CHROME, ids=[r[0] for r in _NAMED_CHROME]
)
def test_chrome_named_for_what_it_is_beside_the_text_is_left_out(
    name: str, url: str, fetched: str, kept: str, left_out: tuple[str, ...]
) -> None:
    """Failure mode 4: an author's bio box beside the column's text, a "tip us" box, a membership
    plug in a tags row, a view counter with its thousands spaced: none of them is the story."""
    html = (PAGES / name).read_text(encoding="utf-8")
    body = extract_article(html, url, fetched_at=datetime.fromisoformat(fetched)).body
    assert kept in body
    for chrome in left_out:
        assert chrome not in body


def test_a_byline_that_opens_the_first_paragraph_keeps_the_paragraph() -> None:
    """Failure mode 4 (text lost): a Korean story opens "[한빛일보 김민수 기자] 서울시가 10일 ...": the
    agency-and-reporter tag runs into the first sentence. The line names the author, but it is a
    paragraph, not a byline, and stays."""
    article = extract_at(
        "byline-ko-gija-ipryeok-sujeong.html",
        "https://www.hanbit-ilbo.co.kr/news/articleView.html?idxno=412233",
        datetime(2025, 6, 13, 1, 0, tzinfo=UTC),
    )
    assert article.authors == ("김민수",)
    assert "서울시가 10일 한강 리버버스의 정식 운항을 시작했다." in article.body.split("\n\n")[0]


def test_an_author_list_gives_each_writer_but_not_the_photographer() -> None:
    """Failure mode 6: a Norwegian byline is a list, one `li` per person with picture, name and role
    ("Journalist", "Journalist", "Fotograf"); the names are not siblings of each other. Both writers
    sign the story; the photographer does not."""
    article = extract_at(
        "byline-no-role-list-fotograf.html",
        "https://www.dagsnyttvest.no/nyheter/i/Xy12ab/ras-stengte-e16-ved-voss",
        datetime(2025, 10, 17, 7, 0, tzinfo=UTC),
    )
    assert article.authors == ("Kari Nordmann", "Per Lie")


def test_a_comments_own_parts_matched_as_a_section_do_not_repeat_it() -> None:
    """Failure mode 10: every `div.comentario` spells "comentario", so the first one and its reply were
    also read as a section of their own, and the first two comments came twice. A section inside one
    already read is read no more: four comments, once each, with their authors."""
    html = (PAGES / "comments-es-hace-dias-avatar-responder.html").read_text(encoding="utf-8")
    url = "https://www.diariodelvalle.es/sociedad/2025/05/08/nueva-linea-autobus-14-hospital-barrios-norte-112233.html"
    article = extract_article(html, url, fetched_at=datetime(2025, 5, 14, 7, 0, tzinfo=UTC))
    assert [c.author for c in article.comments] == ["Manuel García", "Rosa M.", "vecino_florida", "Javier Ruiz"]


def test_a_bold_label_over_another_storys_headline_is_a_cross_reference() -> None:
    """Failure mode 4: between two paragraphs, "<strong>İLGİLİ HABER</strong> <a>Çiğli tramvayına yeni
    duraklar ekleniyor</a>" points to another story, with no colon after its label; the paragraphs
    around it stay."""
    html = (PAGES / "date-tr-guncelleme-before-giris.html").read_text(encoding="utf-8")
    url = "https://www.gundemhaber.com.tr/yerel/izmir-metro-narlidere-uzatma-ihale-tarihi-haber-551234"
    body = extract_article(html, url, fetched_at=datetime(2025, 12, 7, 7, 0, tzinfo=UTC)).body
    assert "İLGİLİ HABER" not in body and "Çiğli tramvayına" not in body
    assert "Büyükşehir Belediye Başkanı, hattın tamamlanmasıyla" in body


# blocks beside the text that are not it: (page, url, fetched, kept, left out)
_WIDGETS = [
    (
        "en-us-date-poll.html",
        "https://www.tricountyledger.com/news/education/school-board-approves-budget-property-taxes",
        "2025-03-07T15:00:00-05:00",
        "The Harmon County school board voted 5-2 Tuesday night",
        ("Reader poll", "Do you support the school budget increase?", "votes so far"),  # div.poll-widget
    ),
    (
        "de-at-jaenner-podcast.html",
        "https://www.salzach-nachrichten.at/oesterreich/chronik/gletscherschwund-pasterze-rekord-171234567",
        "2025-01-25T09:00:00+01:00",
        "Die Pasterze am Fuß des Großglockners hat im Jahr 2024",
        ("Jetzt reinhören", "Klimafragen", "Abonnieren auf"),  # a podcast embed around its player
    ),
    (
        "pt-br-ha-horas-gallery.html",
        "https://portalcerrado.com.br/goias/noticia/chuva-de-granizo-atinge-goiania-derruba-arvores-e-deixa-bairros-sem-energia.ghtml",
        "2025-10-14T21:30:00-03:00",
        "Uma chuva de granizo atingiu Goiânia na tarde desta terça-feira",
        ("2 fotos",),  # a gallery's size
    ),
]


@pytest.mark.parametrize(("name", "url", "fetched", "kept", "left_out"), _WIDGETS, ids=[r[0] for r in _WIDGETS])
def test_a_poll_a_podcast_embed_and_a_gallerys_size_are_not_text(
    name: str, url: str, fetched: str, kept: str, left_out: tuple[str, ...]
) -> None:
    """Failure mode 4: a reader poll's question and vote count, a podcast embed's title and
    "Jetzt reinhören", a gallery's "2 fotos" between the paragraphs."""
    html = (PAGES / name).read_text(encoding="utf-8")
    body = extract_article(html, url, fetched_at=datetime.fromisoformat(fetched)).body
    assert kept in body
    for widget in left_out:
        assert widget not in body


def test_a_date_in_the_next_story_after_the_article_does_not_date_it() -> None:
    """Failure mode 7: the story's own `<time>` says "2 hours ago" (its datetime attribute has the
    day), and after the article an "Up next" story prints "21 September 2025". The written-out date
    below the headline is looked for within the headline's own `<article>`, not in the next one."""
    html = (PAGES / "en-au-ago-upnext-comments.html").read_text(encoding="utf-8")
    url = "https://www.harbourcitytimes.com.au/national/nsw/a-joke-residents-fume-as-light-rail-extension-delayed-to-2029-20250922-p5mx1a.html"
    article = extract_article(html, url, fetched_at=datetime(2025, 9, 25, 0, 0, tzinfo=UTC))
    assert (article.published or "")[:10] == "2025-09-22"


def test_a_headline_set_in_capitals_takes_the_spelling_of_the_title_that_repeats_it() -> None:
    """Failure mode 2: the h1's text is in capitals ("PENSIONER, 87, SCARES OFF BURGLARS ..."), and
    og:title and `<title>` say the same words in sentence case: the archive keeps those."""
    html = (PAGES / "en-gb-allcaps-pullquote.html").read_text(encoding="utf-8")
    url = "https://www.tynesideeveningpost.co.uk/news/local-news/pensioner-87-scares-off-burglars-31245678"
    article = extract_article(html, url, fetched_at=datetime(2025, 4, 6, 11, 0, tzinfo=UTC))
    assert article.title == "Pensioner, 87, scares off burglars with her walking stick"


def test_a_name_set_right_and_bold_under_the_text_signs_it() -> None:
    """Failure mode 6: a Vietnamese portal names no author in its metadata or byline; the story ends
    with a paragraph that is only a name, bold and right-aligned ("<p style="text-align:right"><strong>
    Minh Anh</strong></p>"), as many Vietnamese and Indonesian sites sign."""
    html = (PAGES / "author-vi-trailing-bold-right.html").read_text(encoding="utf-8")
    url = "https://vnthoisu.net/thoi-su/ha-noi-khoi-cong-doan-cuoi-duong-vanh-dai-4-4871234.html"
    article = extract_article(html, url, fetched_at=datetime(2025, 3, 16, 2, 0, tzinfo=UTC))
    assert article.authors == ("Minh Anh",)


def test_a_capitalised_heading_in_another_script_is_enough_to_look_for_comments() -> None:
    """Failure mode 10: the Russian page of nested comments, its classes renamed "otzyv" (a review) and
    its form "Оставить отзыв": the only words left that say comments are capitalised, the heading
    "Комментарии (4)" and the form's rules. The cheap check of the raw HTML looked for "коммент" as
    written, missed the capital, and the comments were never looked for."""
    nested = (PAGES / "comments-ru-otvetit-nested.html").read_text(encoding="utf-8")
    html = nested.replace("comments", "otzyvy").replace("comment", "otzyv")
    html = html.replace("Оставить комментарий", "Оставить отзыв").replace("Ваш комментарий", "Ваш отзыв")
    assert "коммент" not in html and "Комментарии (4)" in html
    url = "https://gorod-novosti.ru/society/2025/02/12/remont-oktyabrskogo-mosta"
    article = extract_article(html, url, fetched_at=datetime(2025, 2, 16, 9, 0, tzinfo=UTC))
    assert [c.author for c in article.comments] == ["Сергей_К", "Марина", "Сергей_К", "Олег Н."]


def test_a_dated_line_that_names_the_author_by_first_name_is_no_paragraph() -> None:
    """Failure mode 4: a blog's paragraphs sit under `<body>`, the first one "Posted 3 March 2025 by
    Graham · filed under sysadmin, email", while its metadata names Graham Pettigrew. A short line
    with the story's date and a part of its author's name stamps the story; it is not its text."""
    html = (PAGES / "body-signed-stamp-first-name-en.html").read_text(encoding="utf-8")
    article = extract_article(
        html, "https://shed.example.org/2025/03/own-mail-server.html", fetched_at=datetime(2025, 3, 10, 9, tzinfo=UTC)
    )
    assert article.body.startswith("Every couple of years somebody at the pub asks me")
    assert "filed under" not in article.body and article.authors == ("Graham Pettigrew",)
    assert article.body.endswith("at least until the cupboard under the stairs is needed for something else.")


def test_a_row_of_reader_tools_under_the_story_is_left_out() -> None:
    """Failure mode 4: a French daily ends its `<main>` with a `section.article__reactions` holding
    "Contribuer" and "Réutiliser ce contenu" links: the reader tools' row, not the story."""
    html = (PAGES / "body-reader-tools-row-fr.html").read_text(encoding="utf-8")
    url = (
        "https://www.quotidien-sud.example.fr/economie/article/2025/05/13/"
        "dans-les-pyrenees-les-stations-de-ski-misent-sur-le-vtt_6601234_3234.html"
    )
    article = extract_article(html, url, fetched_at=datetime(2025, 5, 15, 6, tzinfo=UTC))
    assert article.body.rstrip().endswith("c’est peut-être eux qui feront vivre la station demain. »")
    assert "Réutiliser ce contenu" not in article.body and "Contribuer" not in article.body


def test_an_italian_signature_with_its_agency_names_the_writer() -> None:
    """Failure mode 8: an Italian regional site signs its stories `<span class="firma">di Giulia Ferri -
    ANSA</span>` (firma: the signature) and names nobody in its metadata. The writer is the author;
    the news agency after the hyphen carried her story."""
    html = (PAGES / "author-it-firma-agency.html").read_text(encoding="utf-8")
    url = "https://www.umbriasera.example.it/cronaca/2025/06/21/infiorata-spello-diecimila-visitatori-tappeti-petali-4471230/"
    article = extract_article(html, url, fetched_at=datetime(2025, 6, 22, 7, tzinfo=UTC))
    assert article.authors == ("Giulia Ferri",)


def test_a_badge_beside_a_commenters_name_is_no_name_and_the_header_no_text() -> None:
    """Failure mode 10: a newsletter platform marks the writer's own reply with `<span
    class="post-author-badge">Author</span>` after `<a class="commenter-name">`, and sets name and
    time in a `div.comment-head` inside `div.comment-content`: the badge is no commenter, and the
    header is no part of what the comment says."""
    html = (PAGES / "comments-badge-head-en.html").read_text(encoding="utf-8")
    url = "https://marginalia.example-letters.com/p/the-quiet-death-of-the-library-due"
    article = extract_article(html, url, fetched_at=datetime(2025, 3, 14, 9, tzinfo=UTC))
    assert [c.author for c in article.comments] == ["Harriet Bell", "Maya Lindqvist", "Daniel Kowal"]
    assert article.comments[1].parent_id == article.comments[0].id
    assert article.comments[0].text.startswith("Our library still stamps the little card")
    assert article.comments[1].text.startswith("That is lovely, and exactly the kind of thing")


def test_an_up_next_story_after_the_article_ends_it() -> None:
    """Failure mode 3: after the story a `section.NextArticle_next` headed "Up next" previews another
    story (its headline, byline and three paragraphs, "Continue reading"); scored as text it was added
    to the body as the article's sibling. "Up next" and "Next story" end the body, as "Read next" did."""
    html = (PAGES / "body-up-next-story-en.html").read_text(encoding="utf-8")
    url = "https://www.southerncrossdaily.example.com.au/news/2025-08-12/platypus-spotted-merri-creek-first-time-30-years/105012345"
    article = extract_article(html, url, fetched_at=datetime(2025, 8, 12, 2, tzinfo=UTC))
    assert article.body.endswith("to find out whether more platypus are present.")
    assert "tunnel boring machine" not in article.body and "Continue reading" not in article.body


def test_a_logo_in_the_first_h1_does_not_hide_the_byline_above_the_headline() -> None:
    """Failure mode 8: a site's logo is an image in the first `<h1>`; the headline is the h1 with text,
    and the "date - Redaktion: Name (role)" line above it signs the story."""
    article = extract("logo-h1-redaktion-byline-de.html", "https://www.ljw-nordbaden.example.de/presse/news/aktion/")
    assert article.title == "Jugendverbände starten Aktionswoche für sichere Schulnetze"
    assert article.authors == ("Katrin Vossler",)
    assert article.published is not None and article.published.startswith("2024-03-14")


def test_a_dash_that_continues_a_split_word_is_no_byline_separator() -> None:
    """In "IT<abbr>-Sicherheit von …" the line "-Sicherheit von" starts with a word's hyphen, not with
    the dash of a "date - name" line, so it names nobody."""
    html = (PAGES / "logo-h1-redaktion-byline-de.html").read_text(encoding="utf-8")
    byline = "<span>-&nbsp;Redaktion: Katrin Vossler (Pressereferentin des LJW)</span>"
    assert byline in html
    article = extract_article(html.replace(byline, ""), "https://www.ljw-nordbaden.example.de/p/", fetched_at=NOW)
    assert article.body.count("-Sicherheit von") == 1  # the split word is in the page's text
    assert article.authors == ()


def test_an_author_label_with_its_colon_under_the_article_signs_it() -> None:
    """Failure mode 8: "Autorin: Name, role." closes an interview, outside the body's block; an author
    label and a colon is a template's, not a teaser's byline, so it names the author anywhere."""
    article = extract(
        "author-colon-label-after-interview-de.html",
        "https://www.spd-stiftung.example.org/publikationen/interview-marokko-reformen",
    )
    assert article.authors == ("Leonie Hartmann",)
    assert article.body.endswith("Herzlichen Dank für das Gespräch!")


def test_a_right_aligned_name_in_italics_signs_the_article() -> None:
    """Failure mode 8: an older site signs its tribunes with the name set right, in `<em><font>`; a
    right-aligned link ("Haut de page") names nobody."""
    article = extract(
        "right-signed-italic-font-fr.html", "http://www.observatoire-citoyen.example.fr/tribunes/eau.html"
    )
    assert article.authors == ("Hélène Marchetti",)
    assert article.title == "Pourquoi les communes rachètent leurs réseaux d'eau"
    assert "un mouvement discret traverse les conseils municipaux" in article.body


def test_a_right_aligned_link_or_plain_phrase_is_no_signature() -> None:
    html = (PAGES / "right-signed-italic-font-fr.html").read_text(encoding="utf-8")
    signed = '<em><font size="2" face="Arial, Helvetica, Geneva, Swiss, SunSans-Regular">Hélène Marchetti</font></em>'
    assert signed in html
    for replacement in ('<a href="../auteurs.html">Hélène Marchetti</a>', "Hélène Marchetti"):
        article = extract_article(html.replace(signed, replacement), "http://www.oc.example.fr/t.html", fetched_at=NOW)
        assert article.authors == (), replacement


def test_the_credit_of_the_authors_portrait_is_not_read_as_the_byline() -> None:
    """Failure mode 8: the link to the author's page holds the portrait's "© Nadja Rüegg" credit and
    then the name; the credit is the picture's, the name is the author's."""
    article = extract(
        "byline-portrait-credit-de.html",
        "https://www.petri-magazin.example.ch/news/aeschen-im-rhein-fischer-melden-erste-erholung-88412",
    )
    assert article.authors == ("Nadja Rüegg",)
    assert article.published is not None and article.published.startswith("2024-05-08")
    assert article.body.startswith("Nach den Hitzesommern")


def test_a_cms_placeholder_account_is_no_author() -> None:
    """Failure mode 8: Squarespace signs a post by an unnamed account "Guest User" (Joomla: "Super
    User"); that is nobody, and the "Words by" line under the headline names the writer."""
    article = extract_at(
        "squarespace-guest-user-en.html",
        "https://www.fernbrookceramics.example.com/journal/the-slow-kiln",
        datetime(2025, 3, 1, 10, 0, tzinfo=UTC),
    )
    assert article.authors == ("Tom Hale",)
    assert "Guest User" not in article.body


def test_a_wordpress_theme_that_renames_the_comment_author_block_keeps_the_names() -> None:
    """Failure mode 10: Astra, one of the most used WordPress themes, sets the commenter's name in
    `header.ast-comment-author > cite > b.fn`; the hCard name is the author, and the author's own
    "Auteur de l'article" badge is not part of it."""
    article = extract_at(
        "wordpress-astra-comments-fr.html",
        "https://veloetvallees.example.fr/2024/11/05/traversee-du-vercors-a-velo/",
        datetime(2025, 2, 1, 10, 0, tzinfo=UTC),
    )
    got = [(c.author, (c.published or "")[:10], c.text[:20]) for c in article.comments]
    assert got == [
        ("Julien Marchetti", "2024-11-06", "Superbe récit ! Vous"),
        ("Camille Rouvier", "2024-11-06", "Par Saint-Nizier pui"),
        ("Hélène B.", "2024-11-09", "Merci pour l’astuce "),
    ]
    first, reply, last = article.comments
    assert reply.parent_id == first.id and first.parent_id is None and last.parent_id is None
    assert article.authors == ("Camille Rouvier",)


def test_a_reply_list_beside_its_comment_and_a_badge_inside_the_name() -> None:
    """Failure mode 10: the replies sit in a collapsible list three levels up, beside the comment they
    answer rather than inside it; the writer's "Författare" badge inside the name's element is a
    label, not part of the name."""
    article = extract_at(
        "substack-reply-collapser-sv.html",
        "https://lokalmakt.substack.com/p/varfor-ingen-vill-bli-kommunalpolitiker",
        datetime(2025, 3, 20, 12, 0, tzinfo=UTC),
    )
    first, reply, last = article.comments
    assert [c.author for c in article.comments] == ["Johan L.", "Elin Holmqvist", "Maria Sjöberg"]
    assert reply.parent_id == first.id
    assert first.parent_id is None and last.parent_id is None


def test_joomla_article_info_signs_and_dates_the_story_and_stays_out_of_the_body() -> None:
    """Failure mode 4: Joomla's `dl.article-info` ("Details", "Geschrieben von", "Veröffentlicht",
    "Zugriffe: 312") sits inside the article's block; its preset reads the author and the date from
    it and keeps it, with the print icons and the pager, out of the body.  The page's meta author is
    the "Super User" account."""
    article = extract(
        "joomla3-createdby-de.html",
        "https://www.tsv-eichenau.example.de/aktuelles/vereinsnachrichten/412-jahreshauptversammlung-2024",
    )
    assert article.sources["body"] == "preset:joomla:body"
    assert article.title == "Jahreshauptversammlung 2024: Neuer Vorstand und ein Kunstrasenplatz"
    assert article.authors == ("Monika Straßer",)
    assert article.published == "2024-03-22T19:30:00+01:00"
    assert article.body.startswith("Rund 140 Mitglieder kamen am Freitagabend")
    assert article.body.endswith("den Anstoß auszuführen.")
    for noise in ("Details", "Zugriffe", "Kategorie", "Drucken", "Zurück", "Weiter", "Termine"):
        assert noise not in article.body, noise


def test_joomla_4_info_list_without_an_author_leaves_the_body_clean() -> None:
    article = extract_at(
        "joomla4-article-info-es.html",
        "https://www.villanuevadelarroyo.example.es/index.php/actualidad/noticias/1287-abre-el-plazo",
        datetime(2025, 3, 20, 10, 0, tzinfo=UTC),
    )
    assert article.authors == ()
    assert (article.published or "").startswith("2025-03-12")
    assert article.body.startswith("La Concejalía de Deportes abre el próximo lunes")
    for noise in ("Detalles", "Visitas", "Última actualización", "Artículo anterior"):
        assert noise not in article.body, noise


def test_a_read_also_card_between_paragraphs_is_dropped_and_the_article_goes_on() -> None:
    """Failure mode 4: a "Leia também" card (another story's headline, byline and date) set between
    the paragraphs is left out; it does not end the article as a "Leia também" heading over a list
    of stories at its end does."""
    article = extract_at(
        "story-card-mid-body-pt.html",
        "https://www.folhadocerrado.example.com.br/ambiente/noticia/2025/03/12/seca-no-pantanal.ghtml",
        datetime(2025, 3, 12, 16, 30, tzinfo=UTC),
    )
    body = article.body
    assert body.startswith("O Rio Paraguai atingiu nesta quarta-feira (12)")
    assert body.endswith("ampliar a distribuição de água nas próximas semanas.")
    for noise in ("Leia também", "Incêndios no Pantanal", "Juliana Arruda", "Publicidade", "Mais lidas"):
        assert noise not in body, noise
    assert article.authors == ("Rafael Monteiro",)


def test_a_teaser_field_between_headline_and_body_is_the_lead() -> None:
    """Failure mode 2: Drupal keeps the standfirst in its own field (`field--name-field-teaser`) beside
    the body's; the lead goes first, while the other stories' teasers after the article stay out."""
    article = extract_at(
        "drupal-teaser-field-lead-de.html",
        "https://www.oberland-kurier.example.de/lokales/weilheim/neue-bahnbruecke-bleibt-bis-herbst-gesperrt-48213",
        datetime(2025, 3, 5, 9, 0, tzinfo=UTC),
    )
    body = article.body
    assert body.startswith("Die neue Eisenbahnbrücke über die Ammer bleibt länger gesperrt als geplant.")
    assert body.endswith("Ein Termin für die Wiedereröffnung soll dann feststehen.")
    for noise in ("Stadtrat beschließt", "Faschingszug", "Mehr aus Weilheim"):
        assert noise not in body, noise
    assert (article.published or "").startswith("2025-03-03")


def test_a_follow_us_on_whatsapp_line_is_boilerplate_and_a_sentence_about_it_is_not() -> None:
    """Failure mode 4: "Simak breaking news … WhatsApp Channel" (Join us on WhatsApp, Follow us on
    Google News), set after the article, asks the reader to follow the newsroom; a sentence of the
    story that names WhatsApp is prose."""
    html = (PAGES / "channel-promo-after-body-id.html").read_text(encoding="utf-8")
    last = "<p>BPBD mengimbau warga yang tinggal di bantaran kali"
    prose = "<p>Polisi meminta warga tidak menyebarkan kabar bohong soal tanggul jebol lewat WhatsApp.</p>"
    assert last in html
    url = "https://megapolitan.wartanusantara.example.co.id/read/2025/03/13/07150091/banjir-rendam-14-kelurahan"
    article = extract_article(html.replace(last, prose + last), url, fetched_at=datetime(2025, 3, 13, 5, tzinfo=UTC))
    assert article.body.endswith("mengikuti arahan petugas di lapangan.")
    assert "Simak breaking news" not in article.body and "Baca juga" not in article.body
    assert "kabar bohong soal tanggul jebol lewat WhatsApp." in article.body
    assert article.authors == ("Rina Wulandari",)


def test_another_storys_teaser_card_is_no_lead() -> None:
    """Failure mode 3: a "more stories" card (kicker, linked headline, summary) below the article is
    not its standfirst, though its kicker "Reumannplatz" also stands in the breadcrumb above the
    headline; a lead never holds a linked headline."""
    article = extract_at(
        "more-stories-teaser-cards-de.html",
        "https://wien.example.at/chronik/favoriten/neue-strassenbahnlinie-11-nimmt-betrieb-auf-a1234567",
        datetime(2025, 9, 1, 12, 0, tzinfo=UTC),
    )
    assert article.body.startswith("Nach drei Jahren Bauzeit fährt die Linie 11")
    assert "Neuer Wochenmarkt" not in article.body
    assert article.body.endswith("verteilen Mitarbeiterinnen der Wiener Linien ab 10 Uhr Kaffee und Kipferl.")


def test_a_list_of_comment_trees_is_no_comment_the_others_reply_to() -> None:
    """Failure mode 10: on Forem (dev.to) the list of all comment trees carries a "comment-" id and
    so reads as an item with no text of its own; it stands for no comment, so the second tree's
    comment answers nobody, while a reply inside the first tree answers its comment."""
    article = extract_at(
        "forem-comment-trees-en.html",
        "https://dev.example.to/kofimensah/stop-writing-retry-loops-by-hand-4k2p",
        datetime(2025, 3, 1, 10, 0, tzinfo=UTC),
    )
    first, reply, other = article.comments
    assert [c.author for c in article.comments] == ["Sam Okafor", "Kofi Mensah", "Lena Fischer"]
    assert reply.parent_id == first.id
    assert first.parent_id is None and other.parent_id is None
    assert reply.text.startswith("Both. There is a deadline argument too")  # its text, not its header
    assert "fullscreen" not in article.body


def test_the_zone_of_the_dateline_under_the_headline_dates_a_utc_story() -> None:
    """Failure mode 7: structured data says 04:30Z on March 8; the dateline reads "March 7, 2025 at
    10:30 p.m. CST", the same instant six hours back, so the story is of March 7 at 22:30-06:00.
    A dateline whose clock is no whole number of half hours from the instant tells nothing."""
    url = "https://www.lakeshoreledger.example.com/news/2025/03/08/council-approves-transit-levy/"
    fetched = datetime(2025, 3, 8, 18, 0, tzinfo=UTC)
    article = extract_at("utc-data-cst-dateline-en.html", url, fetched)
    assert article.published == "2025-03-07T22:30:00-06:00"
    html = (PAGES / "utc-data-cst-dateline-en.html").read_text(encoding="utf-8")
    assert "at 10:30 p.m. CST" in html
    unrelated = extract_article(html.replace("at 10:30 p.m. CST", "at 10:17 p.m. CST"), url, fetched_at=fetched)
    assert unrelated.published == "2025-03-08T04:30:00+00:00"
    # an update stamp's clock, half hours from the instant by chance, says nothing of its zone
    updated = "Updated March 8, 2025 at 8:15 a.m. CST"
    assert updated in html
    html = html.replace("at 10:30 p.m. CST", "at 10:17 p.m. CST").replace(updated, "Updated March 8, 2025 at 9:00 a.m.")
    assert extract_article(html, url, fetched_at=fetched).published == "2025-03-08T04:30:00+00:00"


def test_an_updated_stamp_before_the_published_date_does_not_date_the_post() -> None:
    """Failure mode 7: the theme prints "Atualizado em 3 de fevereiro de 2025" first and the
    publication date, unlabelled, after it; the earlier date beside the stamp is the publication."""
    article = extract_at(
        "updated-stamp-first-pt.html",
        "https://cadernodecontas.example.pt/2025/01/31/como-deixei-de-usar-o-excel.html",
        datetime(2025, 2, 10, 10, 0, tzinfo=UTC),
    )
    assert (article.published or "").startswith("2025-01-31")
    assert (article.modified or "").startswith("2025-02-03")


def test_an_h1_that_rewords_the_search_title_is_the_headline() -> None:
    """Failure mode 9: JSON-LD, og: and twitter: give the short search title ("Energiewende:
    Stadtwerke kaufen Windpark in der Eifel"); the h1 says nearly the same in other words, and the
    headline is as the page prints it."""
    article = extract(
        "h1-rewords-seo-title-de.html",
        "https://www.rhein-mosel-zeitung.example.de/region/koblenz/stadtwerke-windpark-eifel-1.4471022",
    )
    assert article.title == "Die Stadtwerke kaufen einen Windpark in der Eifel"
    assert article.authors == ("Sebastian Pütz",)


def test_an_h1_of_other_words_does_not_replace_the_agreeing_titles() -> None:
    html = (PAGES / "h1-rewords-seo-title-de.html").read_text(encoding="utf-8")
    h1 = "Die Stadtwerke kaufen einen Windpark in der Eifel"
    other = "Zwölf Windräder, ein Ziel: Koblenz will seinen Strom selbst machen"
    article = extract_article(html.replace(h1, other), "https://www.rhein-mosel-zeitung.example.de/r/1", fetched_at=NOW)
    assert article.title == "Energiewende: Stadtwerke kaufen Windpark in der Eifel"


def test_a_follow_us_line_that_names_the_channel_first_is_boilerplate() -> None:
    """Failure mode 4: "Haberin devamı için Google News'te bizi takip edin" puts the verb after the
    channel (Turkish, German "… auf WhatsApp folgen"); it is as much boilerplate as "Follow us on …"."""
    article = extract_at(
        "google-news-follow-box-tr.html",
        "https://www.gunaydinhaber.example.com.tr/gundem/istanbulda-metrobus-hattina-yeni-duzenleme-42713592",
        datetime(2025, 3, 15, 11, 0, tzinfo=UTC),
    )
    assert article.body.endswith("sonuçlara göre yeniden değerlendirileceğini açıkladı.")
    assert "Google News" not in article.body
    assert (article.published or "").startswith("2025-03-14")


def test_json_ld_alternative_headline_that_the_h1_prints_is_the_title() -> None:
    """Failure mode 9: JSON-LD's headline and og:title carry the search title ("Ada Okonkwo on Lagos,
    Grief and Her New Novel"); its `alternativeHeadline` is the h1, and the printed headline wins."""
    article = extract_at(
        "alternative-headline-interview-en.html",
        "https://www.metrotimes.example.com/2025/03/13/magazine/ada-okonkwo-interview.html",
        datetime(2025, 3, 14, 22, 0, tzinfo=UTC),
    )
    assert article.title == "Ada Okonkwo Isn’t Interested in Being Anyone’s Spokeswoman"
    assert article.authors == ("David Marchese",)


def test_contributor_blocks_of_name_and_role_give_every_author() -> None:
    """Failure mode 8: the byline is two contributor blocks side by side, each a name and a role
    ("Zoe Kleinman / Technology editor"), inside a wrapper whose class also says ContributorName;
    the names are the authors, the wrapper and the roles are not, and no line of them opens the body."""
    article = extract_at(
        "contributor-name-role-blocks-en.html",
        "https://www.natbroadcast.example.co.uk/news/articles/c4gx7r9yq2po",
        datetime(2025, 3, 14, 12, 0, tzinfo=UTC),
    )
    assert article.authors == ("Zoe Kleinman", "Imran Rahman-Jones")
    assert "Technology editor" not in article.body


_OUEST = "https://www.ouest-quotidien.example.fr/bretagne/rennes-35000/rennes-la-ligne-b-du-metro-fermee-7c1e4b2a"


def test_a_byline_that_names_the_json_ld_author_and_more_gives_them_all() -> None:
    """Failure mode 8: JSON-LD and article:author name the first author only (one CMS field); the
    byline under the headline, "Par Marie Dupont et Yann Le Goff (avec AFP)", names both."""
    article = extract_at("jsonld-one-of-two-authors-fr.html", _OUEST, datetime(2025, 3, 15, 9, tzinfo=UTC))
    assert article.authors == ("Marie Dupont", "Yann Le Goff")


def test_a_surnames_le_is_no_date_after_the_names() -> None:
    """ "Yann Le Goff" keeps his "Le": only "le 14 mars" after the names starts a date."""
    html = (PAGES / "jsonld-one-of-two-authors-fr.html").read_text(encoding="utf-8")
    data = '"author":{"@type":"Person","name":"Marie Dupont"}'
    meta = '<meta property="article:author" content="Marie Dupont">'
    signed = '<p class="su-signature">Par '
    assert data in html and meta in html and signed in html
    html = html.replace(data, '"author":{"@type":"Organization","name":"Ouest-Quotidien"}').replace(meta, "")
    html = html.replace(signed, '<p class="su-line">Par ')  # read as a line of text, not a signature's markup
    for slug, name in (("marie-dupont", "Marie Dupont"), ("yann-le-goff", "Yann Le Goff")):
        html = html.replace(f'<a href="/auteur/{slug}/">{name}</a>', f"<b>{name}</b>")
    article = extract_article(html, _OUEST, fetched_at=datetime(2025, 3, 15, 9, tzinfo=UTC))
    assert article.authors == ("Marie Dupont", "Yann Le Goff")


@dataclass(frozen=True)
class Thread:
    """A forum thread page and what a reader sees in it."""

    page: str
    url: str
    fetched: datetime
    title: str
    author: str
    day: str
    first: str
    last: str
    noise: tuple[str, ...]  # signatures, profiles, replies, boxes: in no body
    replies: tuple[tuple[str, str], ...]  # poster and day of each reply, in order
    reply_start: str
    signature: str  # a reply's signature: in no comment


_THREADS = [
    Thread(
        "phpbb-topic-cs.html",
        "https://forum.bydlime.example.cz/viewtopic.php?t=48211",
        datetime(2025, 2, 20, 9, tzinfo=UTC),
        "Rekonstrukce koupelny v paneláku – zkušenosti s bytovým jádrem?",
        "petr_novak82",  # the poster's login, not the signature "Petr – Brno"
        "2025-02-12",
        "Ahoj všem, chystáme se na výměnu umakartového jádra",
        "Díky za jakékoli zkušenosti!",
        ("věčný kutil", "Registrován", "My jsme dělali", "Kdo je online"),
        (("Jana_K", "2025-02-12"), ("instalaterBrno", "2025-02-13"), ("petr_novak82", "2025-02-14")),
        "My jsme dělali pórobeton loni.",
        "Voda, topení, plyn",
    ),
    Thread(
        "xenforo-thread-es.html",
        "https://foro.energiahogar.example.es/threads/merece-la-pena-la-placa-solar-con-bateria-en-un-piso.90211/",
        datetime(2025, 3, 14, 9, tzinfo=UTC),
        "¿Merece la pena la placa solar con batería en un piso?",
        "ximo_vlc",  # as spelled: JSON-LD's name would be re-cased "Ximo Vlc"
        "2025-03-12",
        "Buenas, vivo en un cuarto piso en Valencia",
        "Gracias de antemano.",
        ("Benimaclet", "Sin batería te ahorras", "Temas similares", "Registrado"),
        (("Rosa_M", "2025-03-12"), ("Andrés Solar", "2025-03-13"), ("ximo_vlc", "2025-03-13")),
        "Sin batería te ahorras la mitad del presupuesto.",
        "Huawei Luna",
    ),
]


@pytest.mark.parametrize("thread", _THREADS, ids=lambda t: t.page)
def test_a_forum_thread_is_its_first_post_and_the_replies_are_its_comments(thread: Thread) -> None:
    """Failure mode 3: a phpBB topic, a XenForo thread; the opening post is the article, signed by its
    poster's login, and the posts after it are comments, with their posters and times; signatures,
    profiles, member details and the boxes around the thread are in neither."""
    article = extract_at(thread.page, thread.url, thread.fetched)
    assert article.title == thread.title
    assert article.authors == (thread.author,)
    assert (article.published or "").startswith(thread.day)
    assert article.body.startswith(thread.first)
    assert article.body.endswith(thread.last)
    for noise in thread.noise:
        assert noise not in article.body, noise
    assert tuple((c.author, (c.published or "")[:10]) for c in article.comments) == thread.replies
    assert all(c.parent_id is None for c in article.comments)
    assert article.comments[0].text.startswith(thread.reply_start)
    assert all(thread.signature not in c.text for c in article.comments)


def test_a_japanese_bracket_dateline_names_the_reporter() -> None:
    """Failure mode 8: "【ワシントン＝田中健一】" opens the story: the place, "＝", the reporter; JSON-LD
    names only the newspaper, so the dateline signs it."""
    article = extract_at(
        "bracket-dateline-reporter-ja.html",
        "https://www.toto-online.example.jp/economy/20250314-OYT1T50231/",
        datetime(2025, 3, 14, 12, tzinfo=UTC),
    )
    assert article.authors == ("田中健一",)
    assert article.body.startswith("【ワシントン＝田中健一】米連邦準備制度理事会")


def test_a_photographer_the_byline_credits_for_the_pictures_is_no_author() -> None:
    """Failure mode 8: JSON-LD lists writer and photographer alike; the byline under the headline,
    "Testo di Elena Tebano; foto di Marco Garofalo", says which one wrote the story."""
    article = extract_at(
        "jsonld-photographer-credit-it.html",
        "https://milano.giornaledellasera.example.it/notizie/cronaca/25_marzo_14/milano-mercato-coperto.shtml",
        datetime(2025, 3, 14, 12, tzinfo=UTC),
    )
    assert article.authors == ("Elena Tebano",)


def test_a_wikis_logo_h1_is_not_the_headline_its_title_names_in_brackets() -> None:
    """A wiki's title, "vrijwilligers:kantinedienst [Wiki Tennisvereniging De Linde]", names the site
    in brackets; the logo h1 that repeats the site's name shares most of its words, and is still no
    headline (the page's own h1, "Kantinedienst", is)."""
    article = extract_at(
        "wiki-logo-h1-bracket-title-nl.html",
        "https://wiki.tvdelinde.example.nl/doku.php?id=vrijwilligers:kantinedienst",
        datetime(2025, 3, 10, 12, tzinfo=UTC),
    )
    assert article.title != "Wiki Tennisvereniging De Linde"
    assert "kantinedienst" in (article.title or "").lower()


def test_a_docs_page_without_heading_permalinks_dated_by_its_last_update() -> None:
    """Failure mode 4: Sphinx puts a "¶" permalink after every heading; the marks are no text.  The
    page's only date, "Zuletzt aktualisiert am 03.03.2025.", ends a sentence with its full stop."""
    article = extract_at(
        "sphinx-docs-headerlinks-de.html",
        "https://docs.paketpost-tools.example.de/de/stable/betrieb/warteschlangen.html",
        datetime(2025, 3, 20, 12, tzinfo=UTC),
    )
    assert "¶" not in article.body
    assert "\n\nPrioritäten\n\n" in article.body  # the heading stays, without its mark
    assert (article.published or "").startswith("2025-03-03")


def test_the_says_after_a_commenters_name_is_no_part_of_it() -> None:
    """Failure mode 10: a Genesis-style theme writes "<span class=comment-author-name>Annick</span>
    <span class=says>dit</span>" in the comment's author block; the verb is the template's."""
    article = extract_at(
        "recipe-comments-says-fr.html",
        "https://lescarnetsdemaelle.example.fr/far-breton-pruneaux-grand-mere/",
        datetime(2025, 3, 1, 10, tzinfo=UTC),
    )
    assert [c.author for c in article.comments] == ["Annick", "Maëlle Le Goff", "Julien B."]


def test_a_next_article_label_ends_the_story_in_an_endless_feed() -> None:
    """Failure mode 3: the feed loads the next story below the first under "Следующая новость"
    (관련기사, "Next article"); the body ends before it."""
    article = extract_at(
        "next-article-feed-ru.html",
        "https://privolzhvestnik.example.ru/news/2025/03/05/kazan-metro-vtoraya-liniya",
        datetime(2025, 3, 20, 9, tzinfo=UTC),
    )
    assert article.body.startswith("Первый поезд по новому участку прошёл в 6:00")
    assert article.body.endswith("от 40 минут до часа.")
    assert "Следующая новость" not in article.body


def test_the_authors_address_block_is_no_text_of_the_page() -> None:
    """Failure mode 4: an `<address>` with the author's department, post code and e-mail closes a
    static page whose paragraphs sit right under `<body>`."""
    article = extract_at(
        "static-page-address-en.html",
        "http://www.example.ac.uk/~mhe21/notes/whittlesey-mere.html",
        datetime(2025, 3, 20, 12, tzinfo=UTC),
    )
    assert article.body.startswith("Whittlesey Mere was, until the autumn of 1851, the largest")
    assert "Downing Place" not in article.body and "mhe21@example.ac.uk" not in article.body


def test_a_korean_reporter_named_before_the_role_is_the_author() -> None:
    """Failure mode 8: Korean papers write the name before the role ("(서울=한빛일보) 김민준·이서연 기자
    = …" opens the story), where no capital letter marks it; the masthead in the page's footer
    ("발행·편집인 박서준", publisher and editor) signs no story."""
    url = "https://www.hanbit-ilbo.example.kr/news/articleView.html?idxno=204519"
    article = extract_at("author-ko-agency-dateline.html", url, datetime(2024, 7, 3, tzinfo=UTC))
    assert article.authors == ("김민준", "이서연")
    assert article.body.startswith("(서울=한빛일보) 김민준·이서연 기자 = 서울시가 올여름 폭염에 대비해")


def test_a_korean_reporter_box_link_is_no_cosigner() -> None:
    """Failure mode 8: the reporter box under the story holds the name and a "다른기사 보기" link (other
    stories by the same reporter); the link is no second author."""
    url = "https://www.hanbit-ilbo.example.kr/news/articleView.html?idxno=204512"
    article = extract_at("author-ko-reporter-signoff.html", url, datetime(2024, 7, 3, tzinfo=UTC))
    assert article.authors == ("김민준",)
    assert article.body.endswith('마셔 달라"고 당부했다.\n\n김민준 기자 mjkim@hanbit-ilbo.example.kr')


def test_a_login_in_the_author_meta_gives_way_to_the_byline_name() -> None:
    """Failure mode 8: Plone's `DC.creator` holds the account ("jsmith"); the byline spells out the
    person's name, and links to the account's page."""
    url = "https://www.eastbrook.example.gov.uk/news/library-weekend-hours"
    article = extract_at("author-login-meta-plone-en.html", url, datetime(2024, 3, 7, tzinfo=UTC))
    assert article.authors == ("John Smith",)
    assert article.published is not None and article.published.startswith("2024-03-05")
    assert article.body.startswith("The central library will open on Sundays from April.")
    assert article.body.endswith("twice a week instead of three times.")


def test_a_discussion_headed_diskuse_holds_the_comments() -> None:
    """Failure mode 10: Czech, Slovak and Polish sites head the readers' posts "Diskuse (5)",
    "Diskusia", "Dyskusja", in markup named in the same word; each post is a comment, none is body."""
    article = extract_at(
        "comments-diskuse-cs.html",
        "https://www.brnensky.example.cz/zpravy/tramvaj-husova-2024",
        datetime(2024, 3, 13, tzinfo=UTC),
    )
    assert [c.author for c in article.comments] == [
        "Petr Novák",
        "Jana Dvořáková",
        "Martin K.",
        "vlasta_b",
        "Tomáš Horák",
    ]
    assert article.comments[1].text.startswith("Deset měsíců výluk je pro lidi z Lesné katastrofa.")
    assert article.comments[1].published == "2024-03-12T11:01:00"
    assert article.body.endswith("a také požadavek na bezbariérové zastávky.")
    assert "Deset měsíců" not in article.body


def test_a_wiki_page_headline_is_its_own_h1_not_the_masthead() -> None:
    """Failure mode 9: a wiki names the site in an h1 above the page's own (its logo link, which the
    title repeats in brackets: "howto:backup_rsync [Site]"); the page's h1 is the headline."""
    article = extract_at(
        "title-wiki-masthead-h1-en.html",
        "https://wiki.eastbrook-makers.example.org/doku.php?id=howto:backup_rsync",
        datetime(2024, 3, 7, tzinfo=UTC),
    )
    assert article.title == "Backing up the file server with rsync"
    assert article.body.startswith("The file server in the back room holds the member projects")
