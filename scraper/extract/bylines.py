"""Authors by evidence ranking: JSON-LD, meta tags, byline markup, then byline lines in the text.

Structured data names people (and sometimes a newsroom or agency: "Redaktion", "Eurosport"), meta tags
often name the developer or the site, and byline markup varies with every theme, so each step only
accepts what `clean_authors` judges to be names.  The text step reads the lines just around the
headline for "Von X", "By: X", "Text: X", "Autor" + name on the next line.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from .authors import clean_authors, is_newsroom
from .html import FastCI, clean_text
from .metadata import Doc
from .story_lists import Nearness, far_in_story_list, line_in_story_list

__all__ = ["body_byline", "find_authors", "fuller_names"]

_META_AUTHOR = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "citation_author",
    "byl",
    "og:article:author",
    "article.author",
)
# the same field in other vendors' namespaces ("shareaholic:article_author_name", "cXenseParse:author",
# "nrbi:authors", "dc.author"); an app banner's or a Twitter card's author is not the story's
_VENDOR_AUTHOR = re.compile(r"^(?!smartbanner|twitter|apple|al:|fb:)[\w.-]+[:.](?:article[_:.])?author(?:s|_?name)?$")


def _author_keys(doc: Doc) -> list[str]:
    return [*_META_AUTHOR, *(k for k in doc.meta if k not in _META_AUTHOR and _VENDOR_AUTHOR.match(k))]


# a link to the author's archive page, the one byline many templates write without a class: weak
# evidence, so only within the headline's own block (a teaser's is a level further out)
_ARCHIVE_LINK = (
    "a[href*='/author/'], a[href*='/autor/'], a[href*='/autoren/'], a[href*='/auteur/'], a[href*='/autore/'], "
    "a[href*='/authors/'], a[href*='/autori/'], a[href*='/autores/'], a[href*='/szerzo/'], a[href*='/yazar/'], "
    "a[href*='/penulis/'], a[href*='/forfatter/'], a[href*='/journalister/'], a[href*='/toimittajat/']"
)
_ARCHIVE_LINK_NEAR = 1
_LOGIN = re.compile(r"^[a-z][a-z0-9]{2,19}$")  # a CMS account's name, all lowercase, in one word
_SLOT_MAX = 80  # a list item of an author list: a name and a role
_PHOTO_CREDIT = re.compile(
    r"\b(?:foto|fotos|photos?|bilder|fotografie|fotograf\w*|photograph\w*)(?:\s+(?:di|de|by|von|van|par))?\s*[:/]?\s*$",
    re.IGNORECASE,
)
_CREDIT_GAP = 24
_PHOTOGRAPHER = re.compile(r"\b(?:fotograf\w*|photograph\w*|photos?|fotos?|bilder|kuvaaja)\b", re.IGNORECASE)
_ARCHIVE_RULE = "a[href*=/author/]"  # the rule's name in `sources`: the whole union says less
_BYLINE_CSS = (
    "[itemprop=author] [itemprop=name]",
    "[itemprop=author]",
    "a[rel=author]",
    ".author.vcard .fn",
    ".byline .author",
    ".byline [class*=name]",
    "[class*=byline] a",
    ".byline",
    "[class*=byline]",
    ".author-name",
    ".post-author",
    ".entry-author",
    ".article-author",
    "[class*=author-name]",
    "[class*=AuthorName]",
    "[class*=ontributorName], [class*=ontributor-name], [class*=ontributor__name]",  # a contributor's name
    ".author",
    "[class*=author] a[href*=author]",
    "[class*=signature]",
    "[class*=firma]",  # Italian and Spanish: the signature
    "[class*=autor]",
    "[class*=auteur]",
    "[class*=writer]",
    "address",
    _ARCHIVE_LINK,
)
_BYLINE_UNION = ", ".join(_BYLINE_CSS)
# a byline label, alone on its line or followed by the names
_BYLINE_LINE = FastCI(
    re.compile(
        r"^(?:(?:ein |a |blog ?)?(?:beitrag|artikel|gastbeitrag|bericht|post|article|story)\s+)?"
        r"(?:(?:written|posted|published|text|texte|story|words|reported)\s+)?"
        r"(?:by|von|par|por|door|av|af|przez|di|text|texte|autor(?:in|en)?|auteure?s?(?:\(s\))?|author|autore|"
        r"verfasst von|geschrieben von|écrit par|escrito por|scritto da|redaktion|reporter|interview|"
        r"γράφει|بقلم|szerző|szerzők|teksti|penulis|oleh|yazan|haber|tác giả|автор|текст|מאת)"
        r"\s*:?(?:\s+(?P<rest>.+))?$",
        re.IGNORECASE,
    )
)
# "Posted on 21 September 2020 by Adi Tzlil": the label inside a short line, names at its end
_BY_AT_END = FastCI(re.compile(r"\s(?:by|von|par|por)\s+(?P<rest>[^\d|:]{4,60})$", re.IGNORECASE))
# "11.12.2019 - Amelie Loevenich": a dateline that goes on with the name
_DATE_DASH = FastCI(
    re.compile(
        r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\s*[-–|•·/]\s*(?:\d{1,2}[:.]\d{2}(?:\s*uhr)?\s*[-–|•·/]\s*)?(?P<rest>.+)$",
        re.IGNORECASE,
    )
)
_LABEL_AT_LINE = re.compile(
    r"^[ \t|•·–—-]*(?:(?:ein |a |blog ?)?(?:beitrag|artikel|gastbeitrag|bericht|post|article|story)\s+)?"
    r"(?:(?:written|posted|published|text|texte|story|words|reported)\s+)?"
    r"(?:by|von|par|por|door|av|af|przez|di|text|texte|autor(?:in|en)?|auteure?s?(?:\(s\))?|author|autore|"
    r"verfasst von|geschrieben von|écrit par|escrito por|scritto da|redaktion|reporter|interview)\b",
    re.IGNORECASE | re.MULTILINE,
)
# separators before a byline ("- Redaktion: …", "· By …"); a dash against a word continues a word that
# inline markup split ("IT<abbr>-Sicherheit von …")
_LINE_LEAD = re.compile(r"^(?:[|•·]+|[–—-]+(?=\s)|\s)+")
# a surname's "Le" or "El" ("Yann Le Goff", "Myriam El Khomri") is no "le 14 mars" after the names
_PARTICLE = re.compile(r"\s(Le|El)\s(?=[A-ZÀ-Ý])")
_JOIN = "\u2060"
# what follows the names on the same line: a date, a place, a role
_AFTER_NAMES = FastCI(re.compile(r"\s+(?:am|on|le|el|il|op|em|um|\d|\||-\s|–|—|•|·)(?:\s|$).*$", re.IGNORECASE))
_WRITTEN_BY = re.compile(r"^(?:written by|verfasst von|geschrieben von|écrit par|escrito por|scritto da|autor)", re.I)
_AROUND_HEADLINE = (300, 3000)
# a Japanese story opens with its place and reporter: "【ワシントン＝田中健一】", "（ソウル＝金哲洙）"
_BRACKET_DATELINE = re.compile(r"^[【（(][^＝=】）)\n]{1,12}[＝=]([^＝=】）)\n\s]{2,12})[】）)]")
# Korean, Chinese and Japanese papers name the reporter before the role: "김민준 기자 mjkim@…",
# "김민준·이서연 기자", "(서울=연합뉴스) 김민준 기자 = 서울시가 …", "田中健一記者"; a name there has no
# capitals to tell it, so it is two to four syllables of the script
_CJK_NAME = r"(?:[가-힣]{2,4}|[\u4e00-\u9fff]{2,4})"
_ROLE_AFTER_NAME = re.compile(
    r"^(?:[\[(（【][^\])）】\n]{1,20}[\])）】]\s*)?"
    rf"(?!本报|本報|本台|本刊|新华社|新華社|特约|特約)(?P<names>{_CJK_NAME}(?:\s*[·・,、]\s*{_CJK_NAME})*)\s*(?:기자|특파원|記者|记者)(?![가-힣])"
    r"(?:\s*(?:[=＝]|\S+@\S+\.\w+|[\])）】])|\s*$)"
)
_JOINTS = ("et", "and", "und", "y", "e", "en", "och", "og", "i", "&", ",")  # between two names of a byline
_LONE_LABEL = 12  # "Auteur(s) :", "Autorin:": a line no longer than this may be a label alone
_ABOUT_MAX = 30  # "Über die Autorin", "À propos de l'auteure"
_ABOUT_AUTHOR = re.compile(
    r"^(?:über (?:den|die) autor(?:in)?|about the (?:author|writer)|à propos de l'auteure?|sobre (?:el|la) autora?|"
    r"sull'autore|o autorze|over de auteur)\s*:?$",
    re.IGNORECASE,
)
# a bio opens with the name and a verb: "Friederike Kaufmann ist Redakteurin ...", "Jane Roe is a ...",
# "Owen Pritchard grows vegetables ..."
_BIO_NAME_WORDS = (2, 4)


def _bio_name(text: str) -> str:
    """The capitalised words a bio opens with, when a lowercase word (its verb) follows them."""
    words = text.split(" ", _BIO_NAME_WORDS[1] + 1)
    count = 0
    while count < len(words) and words[count][:1].isupper():
        count += 1
    low, high = _BIO_NAME_WORDS
    if not low <= count <= high or count >= len(words) or not words[count][:1].islower():
        return ""
    return " ".join(words[:count])


_LABEL_TRIES = 20
# "Autorin: Uta Staschewski, Projektleiterin …" on a line of its own: an author label, a colon, a name
_AUTHOR_COLON = re.compile(r"^(?:autor(?:in|en|innen)?|auteure?s?|author|authors|autore|autora|autores)\s*:", re.I)
_LABEL_LINE_MAX = 100
_BODY_EDGE = 40


_PARTICLES = frozenset(
    [
        "von",
        "van",
        "de",
        "der",
        "den",
        "di",
        "da",
        "du",
        "la",
        "le",
        "del",
        "della",
        "dos",
        "das",
        "und",
        "and",
        "et",
        "y",
        "e",
        "i",
        "zu",
        "ten",
        "ter",
    ]
)


# first words of UI phrases that otherwise pass for "Firstname Lastname"
_NOT_FIRST = frozenset(
    ["main", "verfolgen", "gesponserte", "sponsored", "mehr", "more", "alle", "all", "der", "die", "das"]
)


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _not_site(names: tuple[str, ...], doc: Doc, strict: bool = False) -> tuple[str, ...]:
    """Drop names that spell the domain ("Datev De" on datev.de); `strict` also drops its label
    ("Eurailpress" on eurailpress.de), which a personal blog's meta author legitimately is."""
    host = (urlsplit(doc.url).hostname or "").removeprefix("www.")
    whole, label = _key(host), _key(host.split(".")[0])
    return tuple(n for n in names if _key(n) != whole and not (strict and _key(n) == label))


_HANDLE_JOIN = re.compile(r"\w[._]\w")  # "Isabella.DiBiase", "jane_doe": a login written as the name
_NEWSROOM_WORDS = frozenset(["staff", "team", "desk", "redaktion", "editors", "editor", "news", "online", "agency"])


def _person_like(name: str) -> bool:
    """Two to four capitalised words (particles aside), or a user handle: what a byline line must yield."""
    words = name.split()
    if len(words) == 1 and _HANDLE_JOIN.search(name):  # a user handle: "Isabella.DiBiase"
        return True
    if not 2 <= len(words) <= 4 or not words[0][0].isupper() or words[0].lower() in _NOT_FIRST:
        return False
    if all(w.isupper() and w.isalpha() and len(w) >= 3 for w in words):
        # a template that sets the byline in capitals ("SVEN MICHAELSEN"), not an acronym and its staff
        return not _NEWSROOM_WORDS.intersection(w.lower() for w in words)
    return all(w[0].isupper() or w.lower() in _PARTICLES for w in words) and not any(w.isupper() for w in words[:-1])


def _prose_in_name(name: str) -> bool:
    """A lowercase word that is no particle ("Digitalagentur für Virtual Reality", "interaktive
    Markenerlebnisse"): a tagline or a signature line, not a byline's name."""
    words = name.split()
    return len(words) > 1 and any(
        w[0].islower() and w.lower() not in _PARTICLES and not _HANDLE_JOIN.search(w) for w in words
    )


def _twitter_label(doc: Doc) -> tuple[str, ...]:
    """Yoast's "twitter:label1 = Written by / twitter:data1 = name" pair."""
    for n in ("1", "2"):
        label = (doc.meta.get(f"twitter:label{n}") or [""])[0]
        data = (doc.meta.get(f"twitter:data{n}") or [""])[0]
        if label and data and _WRITTEN_BY.match(label):
            return _not_site(clean_authors(data), doc)
    return ()


def _names_in(
    lines: list[str], doc: Doc, exclude: list[str], loose: bool, lists: Nearness | None = None
) -> tuple[str, ...]:
    """`lists` given: a line that sits in a list of other stories (away from the headline, by that
    measure) signs none of this page's."""
    for i, line in enumerate(lines):
        cjk = _ROLE_AFTER_NAME.match(line)  # the reporter may open the first paragraph: no length bound
        if cjk:
            names = tuple(n for n in re.split(r"\s*[·・,、]\s*", cjk["names"]) if n not in exclude)
            if names and not (lists is not None and line_in_story_list(doc, lines[i], lists)):
                return names
            continue
        if len(line) > 100:
            continue
        line = _DATE_DASH.sub(r"\g<rest>", _LINE_LEAD.sub("", line))
        m = _BYLINE_LINE.match(line) or (_BY_AT_END.search(line) if loose else None)
        if m is None:
            if not loose or line == lines[i]:
                continue
            rest = line  # a dateline followed by a bare name
        else:
            rest = m["rest"] or (lines[i + 1] if i + 1 < len(lines) else "")
            if m["rest"] is None and i + 3 < len(lines) and lines[i + 2].lower() in _JOINTS:
                rest = f"{lines[i + 1]} und {lines[i + 3]}"
        rest = _AFTER_NAMES.sub("", _PARTICLE.sub(_JOIN + r"\1" + _JOIN, rest)).replace(_JOIN, " ")
        names = clean_authors(rest, exclude) if len(rest) < 80 else ()
        names = tuple(n for n in _not_site(names, doc, strict=True) if _person_like(n))
        if names and not (lists is not None and line_in_story_list(doc, lines[i], lists)):
            return names
    return ()


def _text_byline(doc: Doc, exclude: list[str], near: Nearness) -> tuple[tuple[str, ...], str] | None:
    """Byline lines near the headline (label, "by" at the end, "date - name"), else a label anywhere."""
    text = doc.page_text
    start = doc.headline_start()
    if start >= 0:
        before, after = _AROUND_HEADLINE
        lines = [clean_text(line) for line in text[max(start - before, 0) : start + after].split("\n")]
        names = _names_in([line for line in lines if line], doc, exclude, loose=True, lists=near)
        if names:
            return names, "text:byline"
    return None


def body_byline(body: str, doc: Doc) -> tuple[str, ...]:
    """A labelled byline line inside the extracted body ("Text: X", "Autoren X und Y"): the fallback
    when nothing around the headline signs the article.  Runs on the body, not the page, so that
    sidebars and footers cannot sign it."""
    exclude = [*doc.site_names, doc.ld.publisher]
    bracket = _BRACKET_DATELINE.match(body.lstrip())
    if bracket:
        names = clean_authors(bracket[1], exclude)
        if len(names) == 1:
            return names
    lines = [line.strip() for line in body.split("\n") if 0 < len(line.strip()) <= 100]
    if len(lines) > 2 * _BODY_EDGE:  # bylines open or close an article, never sit in its middle
        lines = lines[:_BODY_EDGE] + lines[-_BODY_EDGE:]
    return _names_in(lines, doc, exclude, loose=False)


def structured_authors(doc: Doc) -> tuple[str, ...]:
    """Person names the page states in JSON-LD or an author meta, without reading its markup."""
    exclude = [*doc.site_names, doc.ld.publisher]
    names = clean_authors(doc.ld.authors, exclude, structured=True) if doc.ld.authors else ()
    for key in _author_keys(doc):
        if names:
            break
        values = [v for v in doc.meta.get(key, ()) if v and "://" not in v]
        names = clean_authors(values, exclude, structured=True) if values else ()
    return names


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.replace("-", " ").split() if w[0].isalpha()).casefold()


def fuller_names(names: tuple[str, ...], doc: Doc) -> tuple[str, ...]:
    """A byline's "Sarah" or "SN" where the structured data says "Sarah E. Needleman": the full name."""
    full = structured_authors(doc)
    if not full:
        return names
    out = []
    for name in names:
        words = name.casefold().split()
        match = next(
            (
                f
                for f in full
                if f != name
                and (
                    set(words) < set(f.casefold().split())
                    or (len(words) == 1 and len(name) <= 3 and name.isupper() and name.casefold() == _initials(f))
                )
            ),
            None,
        )
        out.append(match or name)
    return tuple(dict.fromkeys(out))


def find_authors(doc: Doc) -> tuple[tuple[str, ...], str] | None:
    exclude = [*doc.site_names, doc.ld.publisher]
    if doc.ld.authors:
        names = clean_authors(doc.ld.authors, exclude, structured=True)
        if names:
            return _as_shown(_with_byline_names(names, doc, exclude), doc), "jsonld:author"
        # a personal site publishes under its owner's name: the JSON-LD person is the author when a
        # second source (a meta author) names the same person
        # (the site's own name in og:site_name or application-name is a newsroom, not an owner)
        names = clean_authors(
            doc.ld.authors, [*doc.meta.get("og:site_name", ()), *doc.meta.get("application-name", ())]
        )
        metas = {_key(v) for k in _META_AUTHOR for v in doc.meta.get(k, ())}
        if names and all(_key(n) in metas for n in names):
            return names, "jsonld:author+meta"
    names = _twitter_label(doc)
    if names:
        return names, "meta:twitter:data1"
    # a meta author that only says "Redaktion" gives way to a person the byline names ("Door Sanne de Jong")
    newsroom: tuple[tuple[str, ...], str] | None = None
    for key in _author_keys(doc):
        values = [v for v in doc.meta.get(key, ()) if v and "://" not in v]
        names = clean_authors(values, exclude, structured=True) if values else ()
        if names and (is_newsroom(names) or all(_LOGIN.match(v) for v in values)):
            # a login ("jsmith", Plone's DC.creator) also gives way to the name the byline spells out
            newsroom = newsroom or (names, f"meta:{key}")
        elif names:
            return names, f"meta:{key}"
    # one union query first: most pages without structured authors have no byline markup either
    try:
        any_byline = doc.tree.css_first(_BYLINE_UNION) is not None
    except Exception:  # an unsupported selector: fall back to the cascade
        any_byline = True
    near = Nearness(doc) if any_byline else None
    initials: tuple[tuple[str, ...], str] | None = None
    for css in _BYLINE_CSS if any_byline else ():
        # the byline of the story under the headline, not of a teaser in the sidebar above it
        candidates = _innermost(doc.tree.css(css)[:6])
        for node in sorted(candidates, key=near)[:3] if near else candidates[:3]:
            if css == _ARCHIVE_LINK and (near is None or near(node) > _ARCHIVE_LINK_NEAR):
                break
            text = clean_text(node.text(separator=" "))
            if "©" in text:
                text = _without_credits(node, text)
            if not text or len(text) > 120 or (near is not None and far_in_story_list(node, near)):
                continue
            if _in_page_footer(node):
                continue  # the site's masthead and address ("발행·편집인 박서준", "Herausgeber: …")
            names = tuple(n for n in clean_authors(text, exclude) if not _prose_in_name(n))
            if names and all(len(n) <= 3 and n.isupper() for n in names):
                initials = initials or (names, css)  # "JF", "DT": a full name may sign the story elsewhere
                continue
            if names:
                return _with_cosigners(names, node, candidates, exclude), _ARCHIVE_RULE if css == _ARCHIVE_LINK else css
    found = _text_byline(doc, exclude, near or Nearness(doc))
    if found:
        return found
    if initials:
        return initials
    if newsroom:
        return newsroom
    if doc.ld.author_orgs:
        # an organisation the structured data names as the author is the author, even the publisher
        names = clean_authors(doc.ld.author_orgs, [*doc.site_names], structured=True)
        if names:
            return names, "jsonld:author"
    return _label_anywhere(doc, exclude) or _signature(doc, exclude)


_SIGNED = "p[style*=right i], p[align=right i]"
_SIGN_MARKS = "strong, b, em, i, font"


def _with_byline_names(names: tuple[str, ...], doc: Doc, exclude: list[str]) -> tuple[str, ...]:
    """The structured names as the byline under the headline shows them: all of its names when it
    names the one JSON-LD gives and more ("Par Marie Dupont et Yann Le Goff", data filled from one CMS
    field), and none that it credits for the pictures ("foto di Marco Garofalo")."""
    start = doc.headline_start()
    if start < 0:
        return names
    text = doc.page_text
    if len(names) > 1:  # "Testo di Elena Tebano; foto di Marco Garofalo": the pictures' credit is no author
        window = text[max(start - _AROUND_HEADLINE[0], 0) : start + _AROUND_HEADLINE[1]]
        writers = tuple(n for n in names if not _credited_for_photos(n, window))
        return writers or names
    text = doc.page_text
    at = text.find(names[0], max(start - _AROUND_HEADLINE[0], 0), start + _AROUND_HEADLINE[1])
    after = text[at + len(names[0]) : at + len(names[0]) + 12].split() if at >= 0 else []
    if not after or not (after[0] in _JOINTS or after[0].startswith(",")):
        return names  # most pages: the byline shows the one name alone (a text scan, no byline parse)
    found = _text_byline(doc, exclude, Nearness(doc))
    shown = found[0] if found else ()
    if len(shown) > len(names) and {_key(n) for n in names} <= {_key(n) for n in shown}:
        return shown
    return names


def _as_shown(names: tuple[str, ...], doc: Doc) -> tuple[str, ...]:
    """Each name as the byline spells it, where structured data lost its accents ("Maria Gonzalez" for
    the "María González" shown under the headline): the same letters, accented, near the headline."""
    start = doc.headline_start()
    if start < 0 or all(not n.isascii() for n in names):
        return names
    window = doc.page_text[max(start - _AROUND_HEADLINE[0], 0) : start + _AROUND_HEADLINE[1]]
    if window.isascii():
        return names
    out = []
    for name in names:
        shown = None
        if name.isascii():
            # every letter may be written with a diacritic: U+00C0-U+024F, the accented Latin letters
            pattern = "".join(f"[{re.escape(c)}\u00c0-\u024f]" if c.isalpha() else re.escape(c) for c in name)
            for m in re.finditer(pattern, window):
                if m[0] != name and _unaccented(m[0]) == name:
                    shown = m[0]
                    break
        out.append(shown or name)
    return tuple(out)


def _unaccented(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _credited_for_photos(name: str, window: str) -> bool:
    """The name's first mention near the headline follows a photo word ("foto di", "Fotos:", "Photos by")."""
    at = window.find(name)
    return at > 0 and _PHOTO_CREDIT.search(window[max(at - _CREDIT_GAP, 0) : at]) is not None


def _signature(doc: Doc, exclude: list[str]) -> tuple[tuple[str, ...], str] | None:
    """A paragraph set right that is one name, under the last paragraph (VnExpress and many Vietnamese,
    Indonesian and older French sites sign so, in bold, italics or a `<font>`): the last such one, when
    nothing else names an author."""
    for node in reversed(doc.tree.css(_SIGNED)[-3:]):
        signed = clean_text(node.text(separator=" "))
        if not signed or len(signed) > 60 or node.css_first("a") is not None:
            continue
        mark = node.css_first(_SIGN_MARKS)  # set apart as a signature: bold, italics or a font of its own
        if mark is None or clean_text(mark.text(separator=" ")) != signed:
            continue
        names = clean_authors(signed, exclude)
        if len(names) == 1 and 2 <= len(names[0].split()) <= 4 and _person_like(names[0]):
            return names, "signature"
    return None


def _without_credits(node: LexborNode, text: str) -> str:
    """The byline's text without the credit of the author's portrait inside it ("© Kathrin Führes"
    under the picture, then the name): an element whose text opens with "©" is the picture's."""
    for element in node.css("*"):  # the node itself among them
        credit = clean_text(element.text(separator=" "))
        if credit.startswith("©") and len(credit) < len(text):
            text = text.replace(credit, " ", 1)
            break
    return clean_text(text)


def _in_page_footer(node: LexborNode) -> bool:
    """Inside the page's footer (`<footer>` or `role=contentinfo` outside any article): the site signs
    there, no story does.  An article's own `<footer>` holds its byline on many themes."""
    footer = node.parent
    while footer is not None and footer.tag != "footer" and footer.attributes.get("role") != "contentinfo":
        footer = footer.parent
    if footer is None:
        return False
    above = footer.parent
    while above is not None:
        if above.tag in ("article", "main"):
            return False
        above = above.parent
    return True


def _with_cosigners(
    names: tuple[str, ...], node: LexborNode, candidates: list[LexborNode], exclude: list[str]
) -> tuple[str, ...]:
    """The names of a byline's other author elements beside this one ("<span class=author>Jane Doe</span>
    and <span class=author>John Roe</span>"): one byline, several matches of the same markup."""
    slot = _slot(node)
    parent = slot.parent
    if parent is None:
        return names
    more = list(names)
    for other in candidates:
        if other.mem_id == node.mem_id:
            continue
        other_slot = _slot(other)
        if other_slot.parent is None or (
            other_slot.parent.mem_id != parent.mem_id and not _twin_blocks(other_slot.parent, parent)
        ):
            continue
        if other_slot is not other and _PHOTOGRAPHER.search(clean_text(other_slot.text(separator=" "))):
            continue  # "Ola Hansen · Fotograf": the pictures' credit, not the story's author
        text = clean_text(other.text(separator=" "))
        if text and len(text) <= 120:
            more.extend(clean_authors(text, exclude))
    return tuple(dict.fromkeys(more))


def _innermost(nodes: list[LexborNode]) -> list[LexborNode]:
    """Matches that hold no other match: the name's own element, not the byline block around it that
    a class substring also matches ("Text-TextContributorName" around each "TextContributorName")."""
    if len(nodes) < 2:
        return nodes
    ids = {n.mem_id for n in nodes}
    inner = set()
    for node in nodes:
        up = node.parent
        while up is not None:
            if up.mem_id in ids:
                inner.add(up.mem_id)
            up = up.parent
    return [n for n in nodes if n.mem_id not in inner]


def _twin_blocks(one: LexborNode, other: LexborNode) -> bool:
    """Two blocks of one kind side by side, each with a name and a role ("<div class=Contributor>
    <span>Zoe Kleinman</span><span>Technology editor</span></div>" twice): one byline's authors."""
    classes = one.attributes.get("class")
    return (
        bool(classes)
        and classes == other.attributes.get("class")
        and one.parent is not None
        and other.parent is not None
        and one.parent.mem_id == other.parent.mem_id
        and len(clean_text(one.text(separator=" "))) <= _SLOT_MAX
    )


def _slot(node: LexborNode) -> LexborNode:
    """The list item a byline name sits in (a list of authors, each with picture and role), else the
    name; an item with more to say than a name and a role is a story's teaser, not an author's slot."""
    at = node.parent
    for _ in range(3):
        if at is None:
            break
        if at.tag == "li":
            return at if len(clean_text(at.text(separator=" "))) <= _SLOT_MAX else node
        at = at.parent
    return node


def _label_anywhere(doc: Doc, exclude: list[str]) -> tuple[tuple[str, ...], str] | None:
    """A label alone on its line ("Autor", "Auteur :") over one name, wherever the page's template puts
    it (an author box under the article, a sidebar of facts): the last resort, as a label that sits
    alone is the template's own, not a teaser's "By X" line.  So is an author label with its colon
    before the name ("Autorin: Uta Staschewski, Projektleiterin …"), which no teaser's byline spells.
    A template's label is capitalised; a lowercase "author" is someone's role in a list of names
    ("Marie Arana, author")."""
    lines = doc.page_text.split("\n")
    tries = _LABEL_TRIES  # a page of a thousand "Autor" lines (hostile, or a directory) is not read whole
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line or len(line) > _LABEL_LINE_MAX or not line[0].isupper():
            continue  # most lines: one strip and a length test, no regex
        if ":" in line[:12] and _AUTHOR_COLON.match(line):
            tries -= 1
            names = _names_in([clean_text(line)], doc, exclude, loose=False) if tries >= 0 else ()
            if names:
                return names, "text:label"
        if len(line) > _ABOUT_MAX:
            continue
        label = clean_text(line)
        if _ABOUT_AUTHOR.match(label):  # an author box: "Über die Autorin" over "Friederike Kaufmann ist ..."
            # the page text breaks at inline markup: "<strong>Name</strong> ist ..." spans two lines
            following = " ".join([x.strip() for x in lines[i + 1 : i + 10] if x.strip()][:2])
            bio = _bio_name(clean_text(following))
            names = clean_authors(bio, exclude) if bio else ()
            if names and all(_person_like(n) for n in names):
                return names, "text:author-box"
            continue
        m = _BYLINE_LINE.match(label) if len(line) <= _LONE_LABEL else None
        if m is None or m["rest"] is not None:
            continue
        tries -= 1
        if tries < 0:
            return None
        following = next((x.strip() for x in lines[i + 1 : i + 40] if x.strip()), "")
        names = _names_in([label, clean_text(following)], doc, exclude, loose=False) if following else ()
        if names:
            return names, "text:label"
    return None
