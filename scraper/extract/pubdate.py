"""Publication and modification dates by evidence ranking.

JSON-LD and meta tags first (cheap and machine-readable), then CMS preset selectors, the text under
the headline, `<time>` and `itemprop` markup, date-classed elements, the URL, JSON state in scripts,
and a scan of the page text last.  dateparser is not in this chain: on the development corpora it ran
on ~40 % of pages, cost ~1.2 ms each time, and its few answers were all wrong (a missing year filled
in with the current one); it stays for dates that a site's or preset's own selector points at.
Instants stated in UTC are re-expressed in the page's
own zone (see `zones`), so that the calendar day is the one the page shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timezone

from ..models import STAMP_ONLY
from .dates import (
    MODIFIED_LABEL,
    PUBLISHED_LABEL,
    absolute_dates,
    date_from_url,
    parse_date,
    parse_iso,
    parse_text_date,
    scan_text_dates,
)
from .html import attr, clean_text
from .metadata import Doc, Found
from .story_lists import Nearness, far_in_story_list
from .zones import to_local

__all__ = ["find_modified", "find_published", "headline_date", "shown_zone"]

_BELOW_HEADLINE = 1500
_PAGE_WINDOW = 20_000
_PAGE_CANDIDATES = 8
_DATELINE_MAX = 90
_SHOWN_TIMES = 5
_ZONE_BEFORE, _ZONE_AFTER = 300, 1500  # the dateline's span around the headline
_PROSE_LINE = 200
# words that announce an event's date, not the article's
_EVENT_LABEL = re.compile(
    r"\b(?:termine?|findet|stattfindet|veranstaltung|event|deadline|frist|einsendeschluss|anmeldeschluss|"
    r"bis zum|until|jusqu|du \d|vom \d|ab dem|date de l'événement|fecha del evento|nächste[rns]?|next)\b",
    re.IGNORECASE,
)
# keys of publication instants in apps' JSON state (and RDF), as they are spelt in the page
_SCRIPT_KEYS = (
    "datePublished",
    "date_published",
    "publishedDate",
    "publicationDate",
    "pubDate",
    "publish_date",
    "published_at",
    "publishedAt",
    "publishDate",
    "published_time",
    "createdAt",
    "created_at",
    "uploadDate",
    "dateCreated",
    "dc:date",
)
_SCRIPT_VALUE = re.compile(r"[\"']?\s*[:=]\s*[\"'](\d{4}-\d\d-\d\d(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?)[\"']")
_SCRIPT_SCAN = 3_000_000
_META_PUBLISHED = (
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_time",
    "publication_date",
    "sailthru.date",
    "parsely-pub-date",
    "dc.date.issued",
    "dcterms.issued",
    "citation_publication_date",
    "citation_date",
    "originalpublicationdate",
    "article.published",
    "og:published_time",
    "cxenseparse:recs:publishtime",
    "date.available",
    "dc.date.available",
)
# Dublin Core and bare "date" metas: often the record's creation or last change, not the publication,
# so they rank below a `<time>` the page shows
_META_WEAK = ("dc.date.created", "dcterms.created", "dc.date", "dcterms.date", "date")
_META_MODIFIED = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
    "last-modified",
    "article:modified",
    "lastmod",
    "og:article:modified_time",
)
_TIME_CSS = (
    "[itemprop=datePublished]",
    "time[pubdate]",
    "time.published",
    "time.entry-date",
    "abbr.published",
    "article time",
    "main time",
    "time",
)
_DATE_TEXT_CSS = (
    "[class*=date], [class*=Date], [id*=date], [class*=datum], [class*=time]:not(time), [class*=publish],"
    " [class*=posted], [class*=byline], [class*=meta]"  # [class*=dateline] is in [class*=date]
)


def _iso(doc: Doc, value: str) -> str | None:
    return parse_date(value, doc.locale, doc.now)


def _meta_date(doc: Doc, keys: tuple[str, ...]) -> Found:
    for key in keys:
        for value in doc.meta.get(key, ())[:2]:
            iso = _iso(doc, value)
            if iso:
                return iso, f"meta:{key}"
    return None


def _time_elements(doc: Doc) -> Found:
    seen = 0
    near: Nearness | None = None
    for css in _TIME_CSS:
        for node in doc.tree.css(css)[:5]:
            seen += 1
            if seen > 25:
                return None
            cls = attr(node, "class").lower()
            if "updated" in cls or "modified" in cls or node.attributes.get("itemprop") == "dateModified":
                continue
            near = near or Nearness(doc)
            if far_in_story_list(node, near):  # the stamp of another story: a sidebar's, a "most read" entry's
                continue
            text = clean_text(node.text(separator=" "))
            shown = scan_text_dates(text, doc.locale, doc.now) if text and len(text) < 80 else None
            for name in ("datetime", "content", "title"):
                value = attr(node, name)
                iso = _iso(doc, value) if value else None
                if iso:
                    # the day printed for readers wins over a contradicting attribute
                    return (
                        (shown, f"{node.tag}:text")
                        if shown and shown[:10] != iso[:10]
                        else (iso, f"{node.tag}[{name}]")
                    )
            iso = shown or (parse_text_date(text, doc.locale, doc.now) if text and len(text) < 80 else None)
            if iso:
                return iso, f"{node.tag}:text"
    return None


def _date_texts(doc: Doc) -> list[str]:
    """Texts of date-classed elements, queried once for the published and the modified search."""
    cached = doc.cache.get("date_texts")
    if cached is None:
        cached = [clean_text(node.text(separator=" ")) for node in doc.tree.css(_DATE_TEXT_CSS)[:40]]
        doc.cache["date_texts"] = cached
    return cached


def _text_dates(doc: Doc, want_modified: bool) -> Found:
    for text in _date_texts(doc):
        if not text or len(text) > 160:
            continue
        label = MODIFIED_LABEL.search(text)
        if bool(label) != want_modified:
            if not want_modified:
                text = MODIFIED_LABEL.split(text)[0]
            else:
                continue
        elif label:  # "Published 10 February · Updated 11 February": the date after the label
            text = text[label.start() :]
        iso = parse_text_date(text, doc.locale, doc.now)
        if iso:
            return iso, "text"
    return None


def _machine(doc: Doc) -> Found:
    if doc.ld.published:
        iso = _iso(doc, doc.ld.published)
        if iso:
            return iso, "jsonld:datePublished"
    return _meta_date(doc, _META_PUBLISHED)


def find_published(doc: Doc, preset: Found = None) -> Found:
    """Structured data first, then a preset's selector, then markup and text; the URL nearly last.

    A visible date right under the headline that is *later* than the structured one wins: CMSs stamp
    `datePublished` when a draft is created or first filed, while the page shows the day the story
    went out (or was re-issued), which is the date readers and citations use.
    """
    machine = _machine(doc) or preset
    if machine:
        shown = headline_date(doc)
        if shown and shown[0][:10] > _local(doc, machine[0])[:10] and not _is_update_stamp(doc, shown[0]):
            return shown
        return machine
    return (
        headline_date(doc)
        or _time_elements(doc)
        or _text_dates(doc, want_modified=False)
        or _meta_date(doc, _META_WEAK)
        or _from(doc, doc.ld.page_published, "jsonld:WebPage.datePublished")
        or _from(doc, date_from_url(doc.url, doc.now) or "", "url")
        or _script_date(doc)
        or _lastmod_line(doc)  # a wiki page's only date is its last edit
        or _page_date(doc)
    )


def _is_update_stamp(doc: Doc, shown: str) -> bool:
    """The date under the headline is the day a `time.updated` element marks as the last edit (themes
    print the updated stamp first and hide it with CSS, GeneratePress's `.posted-on`)."""
    for node in doc.tree.css("time.updated[datetime]")[:3]:
        if "published" not in attr(node, "class").split():
            iso = _iso(doc, attr(node, "datetime"))
            if iso and _local(doc, iso)[:10] == shown[:10]:
                return True
    return False


def shown_zone(doc: Doc, iso: str) -> str:
    """An instant re-expressed in the zone the page itself shows it in.

    Templates print the article's time in the newsroom's zone, and often mislabel it (a Pacific
    "17:18:13" written `datetime="...T17:18:13+00:00"` beside JSON-LD's "01:18:13Z"), or state it in
    UTC while the dateline under the headline reads "March 7, 2025 at 10:30 p.m. CST" (or JSON-LD in
    the newsroom's zone while the page shows UTC).  A wall clock the page shows (a `<time>`'s, to the
    second; a dateline's near the headline, to the minute) that equals the instant shifted by a whole
    number of half hours (-12 h to +14 h) tells that zone, whatever offset the data claims.
    """
    if len(iso) <= 19 or iso[-6] not in "+-":
        return iso
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    offset = moment.utcoffset()
    instant = moment.astimezone(UTC).replace(tzinfo=None)
    for wall, to_minute in _shown_walls(doc, utc=offset is not None and not offset):
        shift = wall - (instant.replace(second=0, microsecond=0) if to_minute else instant)
        minutes = shift.total_seconds() / 60
        if shift != offset and minutes % 30 == 0 and -720 <= minutes <= 840:
            return moment.astimezone(timezone(shift)).isoformat(timespec="seconds")
    return iso


def _shown_walls(doc: Doc, utc: bool) -> Iterator[tuple[datetime, bool]]:
    """Wall clocks the page shows: `<time datetime>` values (for a UTC instant only: a template that
    labels its local clock UTC), then the written dates with a time of day around the headline."""
    if utc:
        for node in doc.tree.css("time[datetime]")[:_SHOWN_TIMES]:
            value = attr(node, "datetime")
            if len(value) < 19 or value[10] not in "T ":
                continue
            try:
                yield datetime.fromisoformat(value[:19]).replace(tzinfo=None), False  # "T05:43+10:00" cut is aware
            except ValueError:
                continue
    start = doc.headline_start()
    if start < 0:
        return
    window = doc.page_text[max(start - _ZONE_BEFORE, 0) : start + _ZONE_AFTER]
    # a dateline's: a short line, not a date in the lead's prose ("am 12. März um 18 Uhr") nor an update
    shown = [
        iso
        for pos, iso in absolute_dates(window, doc.locale, doc.now)
        if len(iso) >= 16
        and len(_line_at(window, pos).strip()) <= _DATELINE_MAX
        and not MODIFIED_LABEL.search(_label_before(window, pos))
    ]
    for iso in shown[:_SHOWN_TIMES]:
        try:
            yield datetime.fromisoformat(iso[:16]), True
        except ValueError:
            continue


def _local(doc: Doc, iso: str) -> str:
    return to_local(iso, doc.locale, doc.url)


def _line_at(text: str, pos: int) -> str:
    return text[text.rfind("\n", 0, pos) + 1 : (text.find("\n", pos) + 1 or len(text) + 1) - 1]


def headline_date(doc: Doc) -> Found:
    """The first dateline-like date in the lines just below the headline (where bylines carry it).

    A date inside running prose ("Am 21. Mai 2022 findet ...") is an event, not the article's date:
    only a short line, or a line that starts with the date, counts.
    """
    window = doc.after_headline(_BELOW_HEADLINE)
    if not window:
        return None
    # a dateline sits above the article's prose: past its second long paragraph come the footer's
    # "last edited on ..." and the dates of other stories, on a short page still inside the window
    prose = 0
    at = 0
    for line in window.split("\n"):
        at += len(line) + 1
        if len(line.strip()) > _PROSE_LINE:
            prose += 1
            if prose == 2:
                window = window[:at]
                break
    for pos, iso in absolute_dates(window, doc.locale, doc.now):
        line = _line_at(window, pos).strip()
        if len(line) > _DATELINE_MAX and window[pos : pos + 12] not in line[:12]:
            continue
        # the words before the date on its line (and the line above, where labels often sit alone)
        line_start = window.rfind("\n", 0, pos) + 1
        lead = window[window.rfind("\n", 0, max(line_start - 1, 0)) + 1 : pos][-80:]
        if _EVENT_LABEL.search(lead):
            continue
        if MODIFIED_LABEL.search(lead):  # "Letzte Änderung: …" — unless a "Erschienen am: …" follows
            later = absolute_dates(window[pos : pos + 200], doc.locale, doc.now)
            labelled = [d for p, d in later if p > 0 and PUBLISHED_LABEL.search(_label_before(window, pos + p))]
            if labelled:
                return labelled[0], "text:headline"
            # "Atualizado em 3 de fevereiro · 31 de janeiro": the unlabelled earlier date beside the stamp
            earlier = [
                d
                for p, d in later
                if p > 0 and d[:10] < iso[:10] and not MODIFIED_LABEL.search(_label_before(window, pos + p))
            ]
            if earlier:
                return earlier[0], "text:headline"
            return iso, "text:headline" + STAMP_ONLY  # only a stamp: shown as the date, no part of the hash
        return iso, "text:headline"
    return None


def _script_date(doc: Doc) -> Found:
    """The first publication key in the page's own JSON state or RDF (apps that render client-side).

    Plain `str.find` per key: one case-insensitive regex over a megabyte of scripts cost ~15 ms.  Once
    a key has given a date, the later keys are looked for only before it.
    """
    html = doc.html[:_SCRIPT_SCAN]
    best: tuple[int, str] | None = None
    for key in _SCRIPT_KEYS:
        end = len(html) if best is None else best[0] + len(key) - 1  # an occurrence starting before best
        pos = html.find(key, 0, end)
        while pos >= 0:
            m = _SCRIPT_VALUE.match(html, pos + len(key))
            iso = parse_iso(m[1], doc.now) if m else None
            if iso:
                best = (pos, iso)
                break
            pos = html.find(key, pos + len(key), end)
    return (best[1], "script:json") if best else None


def _page_date(doc: Doc) -> Found:
    """The first written date around the headline, else in the page: the last resort."""
    start = doc.headline_start()
    text = doc.page_text
    windows = [text[max(start - 300, 0) : start + 2500]] if start >= 0 else []
    windows.append(text[:_PAGE_WINDOW])
    for window in windows:
        found = absolute_dates(window, doc.locale, doc.now)
        if not found:
            continue
        labelled = [(_label_before(window, pos), iso) for pos, iso in found[:_PAGE_CANDIDATES]]
        for label, iso in labelled:  # "Erschienen am" beats the first date on the page
            if PUBLISHED_LABEL.search(label):
                return iso, "text:page"
        for label, iso in labelled:  # "Letzte Änderung" is not the publication
            if not MODIFIED_LABEL.search(label):
                return iso, "text:page"
        # every date said is an "updated" stamp: the best there is, but marked, so that the content
        # hash leaves it out (each new stamp would otherwise make a version of an unchanged story)
        return found[0][1], "text:page" + STAMP_ONLY
    return None


def _label_before(text: str, pos: int) -> str:
    """The words before a date on its line (or the line above, where labels often sit alone)."""
    line_start = text.rfind("\n", 0, pos) + 1
    return text[text.rfind("\n", 0, max(line_start - 1, 0)) + 1 : pos][-60:]


def _from(doc: Doc, value: str, rule: str) -> Found:
    iso = parse_date(value, doc.locale, doc.now) if value else None
    return (iso, rule) if iso else None


def find_modified(doc: Doc) -> Found:
    """The last-modified date, kept apart from the published one."""
    if doc.ld.modified:
        iso = _iso(doc, doc.ld.modified)
        if iso:
            return iso, "jsonld:dateModified"
    found = _meta_date(doc, _META_MODIFIED)
    if found:
        return found
    for node in doc.tree.css("time.updated, [itemprop=dateModified]")[:3]:
        for name in ("datetime", "content"):
            iso = _iso(doc, attr(node, name))
            if iso:
                return iso, f"{node.tag}.updated[{name}]"
    return _text_dates(doc, want_modified=True) or _lastmod_line(doc)


def _lastmod_line(doc: Doc) -> Found:
    """Wikis' "last edited on" footer (MediaWiki `#footer-info-lastmod`, MoinMoin `#pageinfo`)."""
    node = doc.tree.css_first("#footer-info-lastmod, #lastmod, #pageinfo, [class*=lastmod], [class*=last-modified]")
    text = clean_text(node.text(separator=" ")) if node is not None else ""
    iso = scan_text_dates(text, doc.locale, doc.now) if text and len(text) < 200 else None
    return (iso, "text:lastmod") if iso else None
