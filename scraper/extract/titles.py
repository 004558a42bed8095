"""The headline: the page's `<h1>` checked against its metadata titles, without site names or kickers.

Metadata titles (`og:title`, `<title>`, JSON-LD `headline`) often carry " | Site" or a section prefix,
and `<h1>`s often carry a kicker ("Covid-19", "Local News") or a dateline in a `<small>` or after a
`<br>`.  Each side cleans the other: an h1 part that a metadata title contains is the headline, and a
title segment that a page heading repeats is the headline.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborNode

from .html import attr, clean_text, render_text
from .metadata import Doc, Found

__all__ = ["find_title", "heading_text", "strip_site"]

_TITLE_SEP = re.compile(r"(\s+(?:[|\-–—·•»«~:]|::)\s+)")
_KICKER = re.compile(
    r"kicker|dachzeile|topline|overline|roofline|eyebrow|sub-?head|sub-?title|section|categor|rubri|label|date|time|meta",
    re.IGNORECASE,
)
_NON_ALNUM = re.compile(r"[\W_]+")
# the permalink marks documentation generators put at a heading's end (Sphinx's "¶", "#", "§", "🔗")
_ANCHOR_MARK = re.compile(r"\s*(?:[¶§#\U0001f517]\s*)+$")
# "Kicker: headline", and the French "Kicker : headline"
_KICKER_COLON = re.compile(r"(?<=\S)\s?:\s+")
# the parts of a title for matching a heading against: " / " joins breadcrumbs ("Headline / Section / Home")
_PART_SEP = re.compile(r"\s+(?:[|\-–—·•»«~:/]|::)\s+")
# an attribute value cut at a quote inside it (content="Biden calls it "unfit"") ends before a quote
_QUOTES = "\"'“”„«»‘’‚"
# where an element opens or closes inside a heading; a word glued to a word across one is two lines
_SEAM = "\x00"
_GLUED = re.compile(r"(?<=[^\W_])\x00+(?=[^\W_])")
# text for screen readers only ("Headline:", "Article:"), which a reader of the page never sees
_SCREEN_READER = re.compile(r"sr-only|visually-?hidden|screen-?reader|element-invisible|offscreen", re.IGNORECASE)
# a sentence-long h1 is a headline; a shorter one is as often a section's or a page type's name
_HEADLINE_WORDS = 4
_INLINE_LABELS = frozenset({"span", "div", "p", "i", "em", "b", "strong", "small", "label"})
_HOME_LINKS = 8
_META_TITLES = ("og:title", "twitter:title", "dc.title", "parsely-title", "sailthru.title", "citation_title")


def _key(text: str) -> str:
    return _NON_ALNUM.sub("", unicodedata.normalize("NFKD", text.casefold()))


def _site_like(part: str, doc: Doc) -> bool:
    key = _key(part)
    if not key or key.isdigit():
        return True
    host = (urlsplit(doc.url).hostname or "").removeprefix("www.")
    label = _key(host.split(".")[0]) if "." in host else ""
    if len(key) >= 4 and key in _key(host):
        return True
    if len(label) >= 4 and label in key and len(key) <= 3 * len(label):
        return True
    if any(key == _key(name) for name in doc.site_names if name) or key in _home_keys(doc):
        return True
    # "Site Name (ABBR)": the name the metadata gives, with the abbreviation it goes by
    bare = _key(_ABBREVIATION.sub("", part)) if part.rstrip().endswith(")") else ""
    return bool(bare) and bare != key and any(bare == _key(name) for name in doc.site_names if name)


_ABBREVIATION = re.compile(r"\s*\([^()]{1,12}\)\s*$")


def _home_names(doc: Doc) -> list[str]:
    """What the links to the site's front page say (a logo's text, `title` or `alt`): the site's name as
    the page itself spells it, where no metadata names the site.  Queried once a page."""
    cached = doc.cache.get("home_names")
    if cached is None:
        parts = urlsplit(doc.url)
        root = f"{parts.scheme}://{parts.netloc}/" if parts.netloc else "/"
        selector = f'a[rel~=home], a[href="/"], a[href="{root}"]' if '"' not in root else 'a[rel~=home], a[href="/"]'
        names: list[str] = []
        for node in doc.tree.css(selector)[:_HOME_LINKS]:
            img = node.css_first("img[alt]")
            names += [clean_text(node.text()), attr(node, "title"), attr(img, "alt") if img is not None else ""]
        cached = [n for n in names if 4 <= len(_key(n)) <= 60]
        doc.cache["home_names"] = cached
        doc.cache["home_keys"] = [_key(n) for n in cached]
    return cached


def _home_keys(doc: Doc) -> list[str]:
    _home_names(doc)
    return doc.cache["home_keys"]


def strip_site(title: str, doc: Doc, gentle: bool = False) -> str:
    """Drop the " | Site" / "Site - " parts of a title, and what follows a site name in the middle.

    `gentle` only drops parts that name the site: for an h1, whose "Place - Event" form is the
    headline itself.
    """
    pieces = _TITLE_SEP.split(title)
    parts, seps = pieces[0::2], pieces[1::2]
    lo, hi = 0, len(parts)
    while hi - lo > 1 and _site_like(parts[hi - 1], doc):
        hi -= 1
    while hi - lo > 1 and _site_like(parts[lo], doc):
        lo += 1
    middle = next((i for i in range(lo + 1, hi) if _site_like(parts[i], doc)), None)
    if middle is not None:  # "Headline - Site - tagline"
        hi = middle
    if not gentle:
        short_tail = hi - lo > 1 and seps[hi - 2].strip() in "|:»«" and len(parts[hi - 1].split()) <= 4
        if short_tail and len(" ".join(parts[lo : hi - 1]).split()) >= 4:
            hi -= 1
        if hi - lo > 1:
            longest = max(range(lo, hi), key=lambda i: len(parts[i]))
            others = [parts[i] for i in range(lo, hi) if i != longest]
            kicker_only = all(sep.strip() == ":" for sep in seps[lo : hi - 1])
            if not kicker_only and len(parts[longest].split()) >= 4 and all(len(o.split()) <= 2 for o in others):
                lo, hi = longest, longest + 1
    kept = "".join(pieces[2 * lo : 2 * hi - 1]).strip()
    tail = parts[hi].strip() if hi < len(parts) else ""
    if tail and len(kept) > len(tail) + 1 and kept.endswith(tail) and kept[-len(tail) - 1].isalnum():
        # "Truckwash A31Das Branchenbuch | Das Branchenbuch": a theme glued the site's name on once more
        kept = kept[: -len(tail)].strip()
    return kept


def _related(part: str, title: str) -> bool:
    """`part` is `title`, its head (the rest a site name), or what follows a "Kicker:" prefix.

    A tail after " | " or " - " is not enough: that is where the site name sits, and a site's h1 is
    often its name.
    """
    a, b = _key(part), _key(title)
    if not a or not b:
        return False
    if a == b:
        return True
    if len(a) < 12 or len(a) < 0.4 * len(b):
        # a short headline agrees with a title that is it plus a short tail ("New Zealand - Wikipedia")
        pieces = _TITLE_SEP.split(title)
        return len(pieces) == 3 and _key(pieces[0]) == a and len(pieces[2].split()) <= 3 and len(pieces[2]) <= 24
    if b.startswith(a):
        return True
    # "Kicker: Headline"; after a spaced " : " (French) only the longer side, as "Headline : Site" is common
    pieces = _KICKER_COLON.split(title)
    if len(pieces) < 2 or _key(pieces[-1]) != a:
        return False
    return " :" not in title or len(a) > len(_key(pieces[0]))


def _is_segment(a: str, title: str, doc: Doc) -> bool:
    """`a` (a key) is a whole part of `title`, at its separators, and longer than each other part.

    "Headline / Section / Home - Site" and "Site - Section - Headline": a heading that is one part of
    the title is the headline unless a longer part is (then the heading is a site name), or a part
    after it names the site.  A later part counts only after a part naming the site, since a tail is
    where site names sit.
    """
    raw = _PART_SEP.split(title)
    parts = [_key(p) for p in raw]
    if len(parts) < 2 or len(a) < 12 or a not in parts:
        return False
    at = parts.index(a)
    if at == 0 and any(_site_like(p, doc) for p in raw[1:]):
        return True
    if any(len(p) >= len(a) for i, p in enumerate(parts) if i != at):
        return False
    return at == 0 or any(_site_like(p, doc) for p in raw[:at])


def _is_kicker(node: LexborNode) -> bool:
    if node.tag == "small":
        return True
    names = f"{attr(node, 'class')} {attr(node, 'id')}"
    return bool(names.strip()) and attr(node, "itemprop") != "headline" and bool(_KICKER.search(names))


def _heading_lines(node: LexborNode) -> str:
    """A heading's text, a line per `<br>` and block, kickers and datelines left out.

    Where two elements' texts meet with no space, a word against a capital or a digit
    ("<span>Klimaschutz</span><span>Bohren, …</span>"), they are lines the stylesheet sets apart: a
    kicker (of any class name) above the headline, so they are split there, not glued into one word.
    """
    text = render_text(node, _skipped, inline=_SEAM)
    return _GLUED.sub(_unglue, text).replace(_SEAM, "")


def _skipped(node: LexborNode) -> bool:
    if node.tag in ("small", "a", "div", "span", "p") and _is_kicker(node):
        return True
    return node.tag in _INLINE_LABELS and bool(_SCREEN_READER.search(attr(node, "class")))


def _unglue(m: re.Match[str]) -> str:
    after = m.string[m.end()]
    return "\n" if after.isupper() or after.isdigit() else ""


def _heading_parts(node: LexborNode) -> list[str]:
    """The lines of a heading (split at `<br>`, blocks and glued elements), kickers and datelines left out."""
    text = _heading_lines(node)
    parts = [_ANCHOR_MARK.sub("", clean_text(line)) for line in text.split("\n")]
    return [p for p in parts if 2 <= len(p) <= 300]


def _cased(part: str, texts: list[str]) -> str:
    """An h1 set in capitals ("PENSIONER, 87, SCARES OFF BURGLARS") as a metadata title that repeats it
    spells it: the stylesheet's capitals are not the headline's."""
    if not part.isupper():
        return part
    key = _key(part)
    return next((t for t in texts if _key(t) == key and not t.isupper()), part)


def _whole(parts: list[str], keys: set[str]) -> str | None:
    """A sentence broken over lines (`<br>`) that a metadata title repeats whole: one headline set on
    two lines.  Each later line goes on in lower case; a capital opens a headline under its kicker
    ("Klimaschutz" / "Bohren, bis es heiß wird"), which a title may repeat as "Kicker: Headline"."""
    if len(parts) < 2 or not all(p[0].islower() for p in parts[1:]):
        return None
    joined = " ".join(parts)
    return joined if _key(joined) in keys else None


def _pick(parts: list[str], metas: list[str], doc: Doc) -> str | None:
    for part in parts:
        if any(_related(part, m) for m in metas):
            return part
        if not _site_like(part, doc) and any(_is_segment(_key(part), m, doc) for m in metas):
            return part
    return None


_WORD = re.compile(r"\w+")
_NEAR_SHARE = 0.6  # of the two titles' words, together, that both have
_NEAR_WORDS = 4


def _near(heading: str, title: str) -> bool:
    """Two wordings of one headline: most of their words are the same ones."""
    a, b = set(_WORD.findall(heading.casefold())), set(_WORD.findall(title.casefold()))
    return len(a) >= _NEAR_WORDS and len(b) >= _NEAR_WORDS and len(a & b) >= _NEAR_SHARE * len(a | b)


def _metas(doc: Doc) -> list[tuple[str, str]]:
    metas: list[tuple[str, str]] = []
    if doc.ld.headline:
        metas.append((clean_text(doc.ld.headline), "jsonld:headline"))
    if doc.ld.alt_headline:
        metas.append((clean_text(doc.ld.alt_headline), "jsonld:alternativeHeadline"))
    for key in _META_TITLES:
        found = doc.first_meta(key)
        if found:
            metas.append((clean_text(found[0]), found[1]))
    title_node = doc.tree.css_first("title")
    page_title = clean_text(title_node.text()) if title_node is not None else ""
    if page_title:
        metas.append((page_title, "title"))
    return [(_continued(value, metas), rule) for value, rule in metas]


def _continued(value: str, metas: list[tuple[str, str]]) -> str:
    """`value`, or a source that continues it past a quote: the rest of a value its quoting cut short."""
    cut = value.rstrip()
    for other, _ in metas:
        rest = other[len(cut) :].lstrip() if other.startswith(cut) else ""
        if rest and rest[0] in _QUOTES:
            return other
    return value


def heading_text(node: LexborNode, doc: Doc) -> str:
    """A heading chosen by a preset selector, without its kicker or dateline."""
    parts = [strip_site(p, doc, gentle=True) for p in _heading_parts(node)]
    metas = _metas(doc)
    texts = [v for v, _ in metas] + [strip_site(v, doc) for v, _ in metas]
    return _whole(parts, {_key(t) for t in texts}) or _pick(parts, texts, doc) or max(parts, key=len, default="")


def _masthead(node: LexborNode, parts: list[str], doc: Doc) -> bool:
    """An h1 that holds the site's logo, says only the site's name (as the title names it in brackets:
    a wiki's "page [Site name]"), or is one link to another page (the front page)."""
    if node.css_first("img, svg, object, picture") is not None:
        return True
    if len(parts) != 1:
        return False
    title = doc.tree.css_first("title")
    if _site_like(parts[0], doc) or (title is not None and title.text().rstrip().endswith(f"[{parts[0]}]")):
        return True
    links = node.css("a")
    if len(links) != 1 or clean_text(links[0].text()) != clean_text(node.text()):
        return False
    href = urljoin(doc.url, links[0].attributes.get("href") or "")
    here, there = urlsplit(doc.url), urlsplit(href)
    return (there.netloc, there.path.rstrip("/"), there.query) != (here.netloc, here.path.rstrip("/"), here.query)


def _lone_headline(nodes: list[LexborNode], h1s: list[list[str]], doc: Doc) -> str | None:
    """The page's only h1, when it is one sentence-long line: the headline as printed, which metadata
    titles (rewritten for search and sharing) need not repeat.  An h1 holding the site's logo is the
    masthead, whatever its text."""
    if len(h1s) != 1 or len(h1s[0]) != 1 or nodes[0].css_first("img, svg, object, picture") is not None:
        return None
    line = h1s[0][0]
    return line if len(line.split()) >= _HEADLINE_WORDS and not _site_like(line, doc) else None


def _structured_agree(metas: list[tuple[str, str]], doc: Doc) -> bool:
    """The JSON-LD headline and a meta title (og:, twitter:...) say the same: two sources the page
    states for machines, which outweigh a lone h1 that neither repeats."""
    ld = next((_key(strip_site(v, doc)) for v, rule in metas if rule == "jsonld:headline"), "")
    return bool(ld) and any(_key(strip_site(v, doc)) == ld for v, rule in metas if rule.startswith("meta:"))


def find_title(doc: Doc) -> Found:
    metas = _metas(doc)
    texts = [v for v, _ in metas] + [strip_site(v, doc) for v, _ in metas]
    h1_nodes = doc.tree.css("h1")[:6]
    h1s = [[strip_site(p, doc, gentle=True) for p in _heading_parts(node)] for node in h1_nodes]
    # sources that agree decide: an h1 that a metadata title repeats, before one that a title contains
    keys = {_key(t) for t in texts}
    for parts in h1s:
        whole = _whole(parts, keys)
        if whole:
            return whole, "h1"
        for part in parts:
            if len(_key(part)) >= 4 and _key(part) in keys and not _site_like(part, doc):
                return _cased(part, texts), "h1"
    for parts in h1s:
        picked = _pick(parts, texts, doc)
        if picked:
            return picked, "h1"
    # a metadata title, without the site's name, that says nearly the same: the headline as printed (a
    # wiki's "page [Site name]" title names the site in brackets, which its logo h1 repeats)
    bare = [strip_site(v, doc) for v, _ in metas]
    for parts in h1s:
        for part in parts:
            if not _site_like(part, doc) and any(_near(part, t) and f"[{part}]" not in t for t in bare):
                return part.rstrip(" :"), "h1:near"
    # the site's name set as an h1 above the page's own (a wiki's or a blog's masthead) is no headline
    # of it: the other h1 may be the only one.  A masthead tops the page: the last h1 is none
    story = [
        (n, p)
        for i, (n, p) in enumerate(zip(h1_nodes, h1s, strict=True))
        if i == len(h1_nodes) - 1 or not _masthead(n, p, doc)
    ]
    lone = _lone_headline([n for n, _ in story], [p for _, p in story], doc)
    if lone and not _structured_agree(metas, doc):
        return lone, "h1:lone"
    for value, rule in metas:
        stripped = strip_site(value, doc)
        segments = [s for s in _TITLE_SEP.split(stripped)[0::2] if len(_key(s)) >= 6]
        if len(segments) > 1:
            headings = {_key(clean_text(n.text())) for n in doc.tree.css("h2, h3")[:12]}
            shown = [s for s in segments if _key(s) in headings]
            if not shown and not h1s:
                # no heading element at all (an old page sets its headline in <font size=5><b>): a
                # segment that is a line of the page by itself is the headline as printed
                lines = {_key(line) for line in doc.page_text.split("\n") if 6 <= len(line.strip()) <= 200}
                shown = [s for s in segments if _key(s) in lines and not _site_like(s, doc)]
            if shown:
                return max(shown, key=len).strip(), f"{rule}+heading"
        if stripped and not _site_like(stripped, doc):
            return stripped, rule
    for parts in h1s:
        if parts:
            return max(parts, key=len), "h1"
    return None
