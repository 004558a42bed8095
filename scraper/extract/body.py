"""The article body: pick the container by paragraph density, then render it without boilerplate.

One pass over the paragraphs scores their ancestors (readability's idea: long, comma-rich text counts,
links count against); class/id words and semantic tags (`article`, `main`, `itemprop=articleBody`)
weigh in; JSON-LD `articleBody` confirms a candidate.  Rendering walks only the chosen subtree and
drops navigation, share bars, related posts, author boxes, bylines and reading-time lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .authors import is_agency
from .comments import remove_outermost
from .dates import MODIFIED_LABEL, PUBLISHED_LABEL, parse_text_date
from .html import BLOCK_TAGS, FastCI, attr, clean_text, render_text

__all__ = ["choose_container", "drop_hidden", "render_body"]

_POSITIVE = FastCI(
    re.compile(
        r"article|body|content|entry|main|post|story|text|blog|prose|rich-?text|news|artikel|beitrag|inhalt",
        re.IGNORECASE,
    )
)
# related, share, footer and sidebar in other newsrooms' words: they mark noise and stop the widening
_OTHER_NEWSROOMS = (
    r"souvisejic|relacionad|correlat|verwandt|gerelateerd|relaterad|powiazan|sdilet|paticka|postranni|"
    r"fusszeile|seitenleiste|stopka"
)
_NEGATIVE = FastCI(
    re.compile(
        r"comment|sidebar|footer|related|share|social|widget|promo|sponsor|advert|banner|nav|menu|teaser|"
        r"recommend|newsletter|cookie|popup|breadcrumb|masthead|header|meta|tags|author|byline|login|"
        r"signup|subscribe|outbrain|taboola|pagination|pager|rating|disqus|" + _OTHER_NEWSROOMS,
        re.IGNORECASE,
    )
)
_NOISE_TOKENS = frozenset(
    [
        "share",
        "shares",
        "sharing",
        "social",
        "socials",
        "related",
        "relatedposts",
        "recommended",
        "recommendations",
        "newsletter",
        "subscribe",
        "subscription",
        "signup",
        "promo",
        "promotion",
        "sponsor",
        "sponsored",
        "advert",
        "advertisement",
        "ad",
        "ads",
        "adsbygoogle",
        "banner",
        "cookie",
        "cookies",
        "consent",
        "gdpr",
        "breadcrumb",
        "breadcrumbs",
        "byline",
        "author",
        "authors",
        "meta",
        "metadata",
        "tags",
        "tag",
        "taglist",
        "categories",
        "comment",
        "comments",
        "sidebar",
        "popup",
        "modal",
        "toolbar",
        "print",
        "rating",
        "pagination",
        "pager",
        "nav",
        "navigation",
        "menu",
        "footer",
        "masthead",
        "outbrain",
        "taboola",
        "disqus",
        "readmore",
        "more",
        "jump",
        "skip",
        "hidden",
        "sr",
        "screen-reader",
        "visually-hidden",
        "caption",
        "credit",
        "credits",
        "copyright",
        "date",
        "time",
        "dateline",
        "timestamp",
        "posted",
        "published",
        "updated",
        "reading",
        "readtime",
        "signature",
        "partage",
        "partager",
        "compartir",
        "teilen",
        "condividi",
        "artikeltools",
        "infobox",
        "paywall",
        "autorenbox",
        "authorbox",
        # a consent placeholder standing in for an embed, a video player's title and duration
        "placeholder",
        "player",
        # related, share, footer, sidebar in other newsrooms' words
        *("souvisejici", "relacionadas", "relacionados", "correlati", "verwandte", "gerelateerd"),
        *("relaterade", "powiazane", "sdilet", "sdileni", "paticka", "postranni", "fusszeile", "stopka"),
        # an author's bio under a column, a "tip us" box, a row of tags
        *("bio", "feedback", "tagging"),
        # a reader poll, a gallery's counter and links, an audio or podcast embed, a pull quote
        *("poll", "survey", "quiz", "umfrage", "sondage", "encuesta", "sondaggio", "ankieta", "peiling"),
        *("counter", "podcast", "pullquote"),
        "reactions",  # a row of reader tools under the story ("Contribuer", "Réutiliser ce contenu")
        # a photo's caption
        *("didascalia", "bildunterschrift", "bildtext", "leyenda", "legenda", "bijschrift", "popisek", "kuvateksti"),
    ]
)
_SKIP_TAGS = frozenset(
    {"nav", "aside", "footer", "form", "button", "figure", "figcaption", "select", "label", "dialog", "menu", "address"}
)
_BOILERPLATE = FastCI(
    re.compile(
        r"^(?:top of page|bottom of page|skip to (?:main )?content|aller au contenu|zum inhalt springen|"
        r"\d+\s*(?:min(?:ute)?s?|minuten)\.?\s*"
        r"(?:de lecture|read|reading|lesezeit|lesen|de lectura|di lettura|leestijd)|"
        r"(?:lesezeit|temps de lecture|reading time)\s*:?\s*\d+.*|share(?: this)?(?: article| post)?:?|partager\s*:?|"
        r"teilen:?|compartir:?|condividi:?|zurück|back|"
        r"[-–—\s]*(?:advertisement|anzeige|publicité|publicidad|publicidade|publicitate|pubblicità|reklama?|werbung|annons|annonse|annonce|advertentie|mainos|hirdetés)[-–—:\s]*|"
        r"kommentare geschlossen|comments (?:are )?closed|kommentar schreiben|leave a (?:comment|reply)|"
        r"écrire un commentaire|laisser un commentaire|deja un comentario|lascia un commento|"
        r"\(?noch keine bewertungen\)?|info zur bewertung|"
        r"loading comments\W*|kommentare (?:werden geladen|laden)\W*|chargement des commentaires\W*|"
        r"(?:affichages|hits|visite|visualizzazioni|views|vues|просмотров|переглядів|wyświetleń|zobrazení|"
        r"visualizações|visualizaciones|megtekintés|görüntülenme)\s*:\s*\d[\d.,\s\u00a0\u202f]*|"
        # the count first: "4 812 просмотров", "1.203 views", "2 345 次浏览"
        r"\d[\d.,\s\u00a0\u202f]*\s*(?:views|vues|aufrufe|просмотр\w*|перегляд\w*|wyświetle\w*|zobrazení|"
        r"visualizações|visualizaciones|megtekintés|görüntülenme|lượt xem|次浏览|次瀏覽|次阅读|次閱讀|회 조회)|"
        # a typo-report notice: "Если вы заметили ошибку в тексте, выделите её и нажмите Ctrl+Enter"
        r".{0,120}\b(?:ctrl|strg)\s*\+\s*enter\b.{0,40}|"
        # Chinese newsrooms' service lines: the source, the font-size switch, the editor in charge, the
        # rights notice, a photo's credit ("记者 陈静 摄")
        r"(?:来源|來源|字号|字號)\s*[：:].{0,60}|[（(]?\s*(?:责任编辑|責任編輯)\s*[：:].{1,20}[）)]?|"
        r"(?:版权声明|版權聲明|版权所有|版權所有)\s*[：:].{0,300}|"
        r".{0,200}\s(?:记者|記者|通讯员|通訊員)?\s*[\u4e00-\u9fff]{2,4}\s*摄[）)]?|"
        r"(?:kategorie|kategorien|category|categories|catégorie|categoría|categoria|tags|topics?|themen|thèmes|"
        r"temas|argomenti|tematy|"
        r"schlagwörter|schlagworte|stichwörter)\s*:.{0,200}|"
        r"(?:lire|à lire) aussi\s*:?|read more\s*:?|weiterlesen|mehr zum thema:?|lees ook:?|leggi anche:?|"
        # the way on to the next page of a story cut into pages: "Lees verder op pagina 2: …", "Weiter auf Seite 2"
        r"(?:lees verder|weiter|continue[sd]?|continue reading|lire la suite|continúa|sigue|continua|segue)"
        r"\b.{0,20}\b(?:pagina|seite|page|página)\s*\d+\b.{0,80}|"
        # an opinion column's disclaimer: "The views expressed in this article are the author's own ..."
        r"(?:the )?(?:views|opinions) expressed (?:in this \w+ |here(?:in)? )?are (?:the author'?s'?|those of the "
        r"authors?|solely)\b.{0,200}|"
        r"(?:lesen sie (?:auch|mehr)|siehe auch|zobacz (?:też|także)|czytaj (?:też|także|więcej)|see also)\b.{0,80}|"
        r"über (?:den|die) autor(?:in)?|about the (?:author|writer)|"
        r"zurück(?: zur (?:vorherigen seite|übersicht|startseite))?|"
        r"articles correspondants|aufrufe\s*:?.{0,20}|"
        r"(?:foto|fotos|photos?|bild|bilder|credits?|crédits? photos?|quelle|bildquelle|titelbild|beitragsbild|"
        r"image|imagen)\s*:\s*.{0,60}|"
        r"titelbild|beitragsbild|"
        # a caption or photo that ends with its credit ("Marco Odermatt, Ski-Star. © AFP / M. BERTORELLO")
        r".{0,200}(?:©|\(c\)) ?[^©.!?]{1,60}|"
        r"(?:warning|notice|deprecated|fatal error): .{0,300}|"
        # a wiki's section edit link, left alone on its line: "[edit]", "[Bearbeiten | Quelltext bearbeiten]"
        r"\[\s*(?:edit|edit source|bearbeiten|quelltext bearbeiten|modifier|modifier le code|editar|"
        r"editar código|modifica|modifica wikitesto|bewerken|brontekst bewerken|edytuj|edytuj kod|upravit|"
        r"upravit zdroj|редактировать|править код|править)(?:\s*\|\s*[^\]]{1,40})?\s*\]|"
        # a wire story's rights line: "Copyright 2024 The Associated Press. All rights reserved. ..."
        r"(?:copyright|©|\(c\))\s.{0,120}\b(?:all rights reserved|alle rechte vorbehalten|tous droits réservés|"
        r"todos los derechos reservados|tutti i diritti riservati|alle rechten voorbehouden)\b.{0,200}|"
        # "Follow us on Google News", "Simak … di WhatsApp Channel": the newsroom's channels, asked for
        r"(?:.{0,80}\b)?(?:follow|folgen|folge|folgt|siga|sigue|segui|seguici|suivez|simak|ikuti|abonnieren|"
        r"subscribe|join|únete|inscreva-se|iscriviti|volg)\b.{0,150}\b(?:google news|whatsapp|telegram)\b.{0,80}|"
        r"(?:.{0,80}\b)?(?:google news|whatsapp|telegram)\b.{0,60}\b(?:takip|abone|folgen|follow|seguir|suivre|"
        r"volg|ikuti|subscribe)\w*\b.{0,30}|"
        # a gallery's size: "14 Bilder", "2 fotos" ("1 / 6" may be a table's figure)
        r"\d{1,3}\s+(?:fotos?|photos?|bilder|immagini|imágenes|images|zdjęć|zdjęcia))$",
        re.IGNORECASE,
    )
)
# a heading that opens the "more stories" part of a page: the article ends above it
_RELATED_START = FastCI(
    re.compile(
        r"^(?:das könnte (?:sie|dich) (?:auch )?interessieren|ähnliche (?:beiträge|artikel)|lesen sie auch|"
        r"(?:das|dies) (?:könnte|dürfte) (?:sie|dich) auch interessieren|"
        r"weitere (?:artikel|beiträge|themen)|am meisten gelesen|meistgelesen|letzte kommentare|"
        r"schon gelesen|meist(?:gelesene|diskutierte|kommentierte|geteilte)\w*(?: artikel| beiträge)?|"
        r"neueste (?:beiträge|artikel)|related (?:posts|articles|stories|content)|"
        r"(?:more|other) (?:\w+ ){0,2}(?:stories|articles|posts|news|columns)|"  # "Other Opinion Columns"
        r"you (?:may|might) also like|more from|recommended (?:for you|stories)|read next|up next|next story|"
        r"à lire aussi|sur le même sujet|vous aimerez aussi|te puede interesar|también te puede interesar|"
        r"potrebbe interessarti|leggi anche|zobacz (?:też|także)|czytaj (?:też|także|więcej)|"
        r"noticias relacionadas|artículos relacionados|articoli correlati|notícias relacionadas|leia também|"
        r"gerelateerde (?:artikelen|berichten)|relaterade artiklar|läs (?:också|mer)|powiązane artykuły|"
        r"související články|čtěte také|přečtěte si také|polecane(?: artykuły)?|relaterte (?:saker|artikler)|"
        r"relaterede artikler|ilgili haberler|benzer haberler|관련기사|관련 기사|следующая новость|читайте также|"
        r"похожие новости|next article|"
        # a press release's contact block
        r"pressekontakt|medienkontakt|press contacts?|media contacts?|contact presse|contacto de prensa)\b.{0,40}$",
        re.IGNORECASE,
    )
)
_RELATED_AFTER = 0.3  # share of the body that must come before such a heading
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# every way markup hides an element from readers; the style candidates are confirmed by `_HIDDEN_STYLE`
_HIDDEN_CSS = "[hidden], [aria-hidden=true], [style*=none i], [style*=hidden i]"
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
_NON_WORD = re.compile(r"\W+")
# the comma in Latin, Arabic, CJK full-width and ideographic script: each one is a clause of prose
_COMMAS = (",", "،", "，", "、")
_SPACE_RUN = re.compile(r"\s{2,}")
_BLANKS = (" ", "\n", "\t", "\r", "\xa0")
_BLOCK_CSS = "p, pre, td, blockquote, li, dd, div, span, font"
_TEXT_HOLDERS = frozenset(["div", "span", "font"])
_DIVIDERS = (1.0, 2.0, 6.0, 1e9, 1e9, 1e9)
_STOP_CLIMB = frozenset(["html", "-document"])
_WIDEN_GAIN = 1.6
# a noise-named block (share bar, caption, meta) is dropped only when it is less than 1/N of the text
_NOISE_SHARE = 4
_INLINE = frozenset(["em", "strong", "b", "i", "u", "sup", "sub", "abbr", "code", "mark", "br", "wbr", "img"])
# wrappers that end the climb; plain "widget"/"meta"/"header" wrappers are how page builders nest text
_WIDEN_STOP = FastCI(
    re.compile(
        r"comment|sidebar|footer|related|recommend|teaser|nav|menu|share|social|newsletter|promo|advert|sponsor|"
        + _OTHER_NEWSROOMS,
        re.IGNORECASE,
    )
)
_GUTTED = 200
_KICKERS = 2  # short lines (kicker, section, dateline) that may sit above a repeated headline
_KICKER_MAX = 60
_REPEAT_UP = 6
_REPEAT_MIN = 200
_PHRASING = frozenset(["a", "span", "time", "small", "cite", "q", "font", "data", "bdi", "s", "del", "ins"])
_LINK_ROWS = frozenset(["div", "p", "section", "header", "span", "td"])
_LINK_ROW_MAX = 300
_CARD_MORE = 20  # characters a story card holds past its "Read next" line
# menus, link lists and page chrome never hold the article, whatever their text says
_NOT_CONTAINERS = frozenset(["nav", "ul", "ol", "menu", "header", "footer", "aside", "form", "select", "tr", "table"])
_ASIDE_ROLES = frozenset(
    ["complementary", "navigation", "menu", "menubar", "dialog", "alertdialog", "alert", "search", "banner"]
)
_EVIDENCE_CLASSES = frozenset(
    [
        "entry-content",
        "post-content",
        "article-body",
        "article-content",
        "story-body",
        "post-body",
        "article__body",
        "field--name-body",
    ]
)


def _class_weight(node: LexborNode) -> float:
    attrs = node.attributes
    # class and id weighed apart (the same as weighing "class id": no pattern spans the space), so that
    # the cache keys on the few class strings a page repeats rather than on its unique ids
    return _names_weight(attrs.get("class") or "", attrs.get("id") or "")


def _names_weight(classes: str, ident: str) -> float:
    negative, positive = _name_hits(classes)
    if ident:
        neg_id, pos_id = _name_hits(ident)
        negative, positive = negative or neg_id, positive or pos_id
    return (25.0 if positive else 0.0) - (25.0 if negative else 0.0)


@lru_cache(maxsize=8192)
def _name_hits(names: str) -> tuple[bool, bool]:
    """Cached: a page repeats the same few class strings hundreds of times."""
    if not names:
        return False, False
    return _NEGATIVE.search(names) is not None, _POSITIVE.search(names) is not None


def _tag_weight(tag: str) -> float:
    return _TAG_WEIGHTS.get(tag, 0)


_TAG_WEIGHTS = {
    "div": 5,
    "article": 10,
    "main": 5,
    "section": 3,
    "pre": 3,
    "td": 3,
    "blockquote": 3,
    "ol": -3,
    "ul": -3,
    "dl": -3,
    "form": -3,
    "li": -3,
    "th": -5,
    "header": -5,
}


def _score_blocks(tree: LexborHTMLParser) -> dict[int, list[Any]]:
    """Ancestor scores from block text: {mem_id: [node, score, paragraph chars below]}.

    Scores reach three levels up (readability's 1, 1/2, 1/3 split, flattened); the paragraph
    character count reaches six, so that `_widen` can see an article split over several blocks.
    """
    scores: dict[int, list[Any]] = {}
    chains: dict[int, list[tuple[list[Any], float]]] = {}  # a block's parent -> the entries it feeds
    for block in tree.css(_BLOCK_CSS)[:4000]:
        # a div or span holding its text directly (often split by <br>) is a paragraph too
        if block.tag == "font":
            # an old page's text set straight in a <font>, its paragraphs parted by <br><br>: each one
            # counts as a paragraph of the cell around it
            parts = [t for t in block.text(deep=False, separator="\n").split("\n") if len(t.strip()) >= 25]
            length = sum(len(t.strip()) for t in parts)
            if not parts:
                continue
            text = "".join(parts)
            points = sum(1 + _commas(t) + min(len(t.strip()) // 100, 3) for t in parts)
        else:
            text = block.text(deep=block.tag not in _TEXT_HOLDERS)
            length = len(text.strip())
            if length < 25:
                continue
            points = 1 + _commas(text) + min(length // 100, 3)
        parent = block.parent
        if parent is None:
            continue
        chain = chains.get(parent.mem_id)
        if chain is None:  # sibling paragraphs share the climb: walk it once per parent
            chain = chains[parent.mem_id] = _chain(parent, scores)
        for entry, divider in chain:
            entry[1] += points / divider
            entry[2] += length
    return scores


def _commas(text: str) -> int:
    """Clauses of `text`: an ASCII text (most blocks) can only hold the Latin comma, so one count does."""
    if text.isascii():
        return text.count(",")
    return sum(text.count(c) for c in _COMMAS)


def _chain(node: LexborNode | None, scores: dict[int, list[Any]]) -> list[tuple[list[Any], float]]:
    """The score entries (created on first sight) of `node` and its ancestors a paragraph reaches."""
    chain = []
    for divider in _DIVIDERS:
        if node is None or node.tag in _STOP_CLIMB:
            break
        entry = scores.get(node.mem_id)
        if entry is None:
            entry = scores[node.mem_id] = [node, _tag_weight(node.tag or "") + _class_weight(node), 0]
        chain.append((entry, divider))
        node = node.parent
    return chain


def _size(text: str) -> int:
    """Characters a reader sees: indentation and line breaks of pretty-printed markup collapse to one
    space, so that a container's size compares with the paragraph text it holds whatever the markup's
    layout."""
    text = text.strip()
    return len(_SPACE_RUN.sub(" ", text)) if "  " in text or "\n" in text else len(text)


def _ink(text: str) -> int:
    """Characters other than white space: the indentation of pretty-printed markup sits between
    links, not inside them."""
    return len(text) - sum(map(text.count, _BLANKS))


def _linked_share(node: LexborNode) -> float:
    """Share of a block's visible characters that are link text, white space aside: how the noise
    filter tells a link list.  (Container ranking keeps `link_density`: counted so there, fold b lost.)"""
    total = _ink(node.text(deep=True))
    return min(sum(_ink(a.text(deep=True)) for a in node.css("a")) / total, 1.0) if total else 0.0


def link_density(node: LexborNode, text_len: int | None = None) -> float:
    total = text_len if text_len is not None else len(node.text(deep=True).strip())
    if not total:
        return 0.0
    linked = sum(len(a.text(deep=True).strip()) for a in node.css("a"))
    return min(linked / total, 1.0)


def _is_evidence(node: LexborNode) -> bool:
    """`article`, `main`, `itemprop=articleBody`, `role=main` or a well-known body class: checked on the
    few ranked candidates only (a tree-wide query for these cost more than the whole ranking)."""
    if node.tag in ("article", "main"):
        return True
    attrs = node.attributes
    if (attrs.get("itemprop") or "").lower() == "articlebody" or attrs.get("role") == "main":
        return True
    return not _EVIDENCE_CLASSES.isdisjoint((attrs.get("class") or "").split())


def _aside(node: LexborNode) -> bool:
    """Inside a region the page marks as beside or around its content (`role=complementary`,
    `navigation`, a dialog, ...; `aside`, `nav`): kudos lists, link rails and pop-ups are never the
    article, however long."""
    while node is not None and node.tag not in ("body", "html"):
        if node.tag in ("aside", "nav") or (node.attributes.get("role") or "").lower() in _ASIDE_ROLES:
            return True
        node = node.parent  # type: ignore[assignment]
    return False


def choose_container(tree: LexborHTMLParser, hint: str = "") -> list[LexborNode]:
    """Best-scoring container plus its siblings that look like more of the same article."""
    scores = _score_blocks(tree)
    if not scores:
        return []
    hint_key = _hint_key(hint)
    ranked = sorted(scores.values(), key=lambda e: e[1], reverse=True)[:10]
    best: tuple[float, LexborNode] | None = None
    bonus = 1.3 * (1.5 if hint_key else 1.0)  # the most the adjustments below can multiply by
    for node, score, _ in ranked:
        if node.tag in _NOT_CONTAINERS:
            continue
        if best is not None and score * bonus <= best[0]:
            break  # ranked by raw score: no later candidate can win (link density only lowers it)
        if _aside(node):
            continue
        text = node.text(deep=True)
        score *= 1 - link_density(node, len(text.strip()))
        if _is_evidence(node):
            score *= 1.3
        if hint_key and hint_key in _hint_key(text[:4000]):
            score *= 1.5
        if best is None or score > best[0]:
            best = (score, node)
    if best is None:
        return []
    top = _widen(best[1], scores)
    return _repeated(top, scores) or _with_siblings(top, best[0], scores)


def _repeated(top: LexborNode, scores: dict[int, list[Any]]) -> list[LexborNode] | None:
    """The article as a run of identical blocks: page builders and headless CMSs cut one story into
    sections of the same markup (`section.PageSection > article.ImageText > div.Richtext`), and the best
    block is only one of them. Climbing a few levels, a block whose parent holds other elements with
    its exact tag and class, several of them carrying paragraph text and few links, stands for them all."""
    node = top
    for _ in range(_REPEAT_UP):
        parent = node.parent
        if parent is None or parent.tag in ("body", "html"):
            return None
        classes = node.attributes.get("class") or ""
        if classes:
            same = [
                s
                for s in parent.iter()
                if s.is_element_node and s.tag == node.tag and (s.attributes.get("class") or "") == classes
            ]
            if len(same) > 1:
                rich = [s for s in same if _rich(s, scores)]
                if len(rich) > 1 and any(s.mem_id == node.mem_id for s in rich):
                    return rich
        node = parent
    return None


def _rich(node: LexborNode, scores: dict[int, list[Any]]) -> bool:
    entry = scores.get(node.mem_id)
    if entry is None or entry[2] < _REPEAT_MIN:
        return False
    text = node.text(deep=True)
    return link_density(node, len(text.strip())) < 0.25 and entry[2] >= 0.5 * _size(text)


def _widen(top: LexborNode, scores: dict[int, list[Any]]) -> LexborNode:
    """Climb to an ancestor that holds clearly more paragraph text: page builders (Elementor, WPBakery,
    TYPO3, headless CMSs) cut one article into many blocks, and the best single block is a fraction."""
    own = scores[top.mem_id][2]
    node = best = top
    for _ in range(5):
        parent = node.parent
        entry = scores.get(parent.mem_id) if parent is not None else None
        if (
            parent is None
            or entry is None
            or parent.tag in _NOT_CONTAINERS
            or parent.tag == "body"  # the page itself: what more it holds is its chrome
            or _WIDEN_STOP.search(_names(parent))
        ):
            break
        if entry[2] >= own * _WIDEN_GAIN:
            text_len = len(parent.text(deep=True).strip())
            if link_density(parent, text_len) > 0.3 or entry[2] < 0.5 * text_len:
                break
            best, own = parent, entry[2]
        node = parent
    return best


def _names(node: LexborNode) -> str:
    return f"{attr(node, 'class')} {attr(node, 'id')}"


def _hint_key(text: str) -> str:
    return _NON_WORD.sub("", text[:120]).lower()[:60]


def _with_siblings(top: LexborNode, top_score: float, scores: dict[int, list[Any]]) -> list[LexborNode]:
    parent = top.parent
    if parent is None or parent.tag in ("body", "html"):
        return [top]
    threshold = max(10.0, top_score * 0.2)
    chosen: list[LexborNode] = []
    for sibling in parent.iter():
        if sibling.mem_id == top.mem_id:
            chosen.append(top)
            continue
        if not sibling.is_element_node:
            continue
        entry = scores.get(sibling.mem_id)
        if _noise_named(_names(sibling)):
            continue  # the author's bio, a share bar, a tip box beside the text: named as what they are
        if (
            entry is not None
            and entry[1] >= threshold
            and _class_weight(sibling) >= 0
            and entry[1] * (1 - link_density(sibling)) >= threshold  # the winner's own score was so weighed
        ):
            chosen.append(sibling)
        elif sibling.tag == "p" or (sibling.tag in _TEXT_HOLDERS and not _has_blocks(sibling)):
            # a div holding only phrasing is a paragraph too (a "perex" or intro div above the body)
            text = sibling.text(deep=True).strip()
            if _size(text) > 80 and link_density(sibling, len(text)) < 0.25:
                chosen.append(sibling)
    return chosen


def _has_blocks(node: LexborNode) -> bool:
    return any(child.tag in BLOCK_TAGS for child in node.iter())


def drop_hidden(tree: LexborHTMLParser) -> None:
    """Decompose what readers never see (`hidden`, `aria-hidden`, inline `display:none` or
    `visibility:hidden`): one query for the whole page, before the body is scored, so that hidden text
    neither wins the density pick nor is rendered.  Metadata was read before: a hidden `<time>` or
    byline still dates and signs the page."""
    try:
        nodes = tree.css(_HIDDEN_CSS)
    except Exception:  # a lexbor without the `i` flag: the case-sensitive query still finds most
        nodes = tree.css("[hidden], [aria-hidden=true], [style*=none], [style*=hidden]")
    found = {}
    for node in nodes:
        if node.tag in ("html", "body", "head"):
            continue
        attrs = node.attributes
        style = attrs.get("style")
        if (
            "hidden" in attrs
            or (attrs.get("aria-hidden") or "").lower() == "true"
            or (style and _HIDDEN_STYLE.search(style))
        ):
            found[node.mem_id] = node
    if found:
        remove_outermost(found)


def _is_headline(key: str, title_key: str) -> bool:
    """The line is the headline, or the headline with its kicker run into it ("Il caso Il sindaco di
    Lucca vieta ...": a `<span>` inside the `<h1>`)."""
    return key == title_key or (key.endswith(title_key) and len(key) - len(title_key) <= _KICKER_MAX // 2)


def _is_noise(node: LexborNode, limit: int) -> bool:
    attrs = node.attributes
    tag = node.tag
    if tag in _SKIP_TAGS:
        return tag not in ("header", "form", "figure") or len(node.text(deep=True)) < limit
    role = attrs.get("role")
    if role and role.lower() in _ASIDE_ROLES:
        return True
    names = f"{attrs.get('class') or ''} {attrs.get('id') or ''} {attrs.get('data-hook') or ''}"
    if len(names) > 2 and _noise_named(names):
        return len(node.text(deep=True)) < limit
    if tag in ("ul", "ol"):
        return _linked_share(node) > 0.6
    if tag in _LINK_ROWS:
        # a short block that is nearly all links is a menu, breadcrumb or tag row, whatever its name; a
        # paragraph must hold several links for that (one linked sentence is prose: "Zur Petition")
        text_len = _ink(node.text(deep=True))
        if not 0 < text_len < _LINK_ROW_MAX:
            return False
        if tag != "p" and _opens_with_related(node, text_len):
            return True
        links = node.css("a")
        if tag in ("p", "span", "td") and len(links) < 3:  # a table's cell may be one link: a data table
            return len(links) == 1 and _cross_reference(node, links[0])
        return sum(_ink(a.text(deep=True)) for a in links) > 0.7 * text_len
    return False


def _opens_with_related(node: LexborNode, text_len: int) -> bool:
    """A short block whose first line says "Leia também" / "Read next" over more of its own (a headline,
    a byline, a date): a card pointing to another story, set between the article's paragraphs.  The
    heading alone is left to end the article where it comes late (`_RELATED_AFTER`)."""
    for child in node.traverse(include_text=True):
        if child.tag == "-text":
            first = (child.text_content or "").strip()
            if first:
                return text_len - _ink(first) >= _CARD_MORE and _RELATED_START.match(clean_text(first)) is not None
    return False


def _cross_reference(node: LexborNode, link: LexborNode) -> bool:
    """ "Read more: <a>Another story</a>", "Lea también: <a>…</a>": a short label and a colon, then one
    link that is all the rest: a pointer to another article set between paragraphs, in any language."""
    text = clean_text(node.text(deep=True))
    linked = clean_text(link.text(deep=True))
    if len(linked) < 15 or not text.endswith(linked):
        return False
    label = text[: len(text) - len(linked)].strip()
    if not 0 < len(label.split()) <= 3:
        return False
    if label.endswith(":"):
        return True
    # a bold label with no colon over another story's headline: "<strong>İLGİLİ HABER</strong> <a>…</a>"
    # (not a fact box's "<b>Entwickler</b> <a>Blue Byte Software</a>")
    bold = node.css_first("strong, b")
    return bold is not None and clean_text(bold.text(deep=True)) == label and len(linked.split()) >= 4


@lru_cache(maxsize=4096)
def _noise_named(names: str) -> bool:
    """A class or id that holds a noise word, alone or written in parts ("pull-quote", "author_box")."""
    names = names.lower()
    if not _NOISE_TOKENS.isdisjoint(_TOKEN_SPLIT.split(names)):
        return True
    joined = (n.replace("-", "").replace("_", "") for n in names.split() if "-" in n or "_" in n)
    return not _NOISE_TOKENS.isdisjoint(joined)


def _hidden(node: LexborNode) -> bool:
    attrs = node.attributes
    return "hidden" in attrs or attrs.get("aria-hidden") == "true" or node.tag in ("nav", "button", "form")


def _skipper(text_len: int) -> Callable[[LexborNode], bool]:
    """The noise filter for a root of `text_len` characters."""
    limit = max(200, text_len // _NOISE_SHARE)
    # emphasis and other inline markup is never a boilerplate block: checking it cost more than all else
    return lambda node: (
        node.tag not in _INLINE and (_anchor_mark(node) or (not _in_sentence(node) and _is_noise(node, limit)))
    )


def _anchor_mark(node: LexborNode) -> bool:
    """A heading's permalink, a "#fragment" link that is only a mark ("¶", "§", "#", "🔗": Sphinx's
    a.headerlink, many blogs' heading anchors): no word of the text."""
    if node.tag != "a" or not attr(node, "href").startswith("#"):
        return False
    text = (node.text(deep=True) or "").strip()
    return 0 < len(text) <= 2 and not text.strip("¶§#\U0001f517")


def _in_sentence(node: LexborNode) -> bool:
    """A link or span with words right before or after it runs in a sentence ("said <a class="author">
    Jane Roe</a>, who ..."): its class names say nothing about the paragraph, so it is kept."""
    if node.tag not in _PHRASING:
        return False
    for sibling in (node.prev, node.next):
        if sibling is not None and sibling.tag == "-text" and (sibling.text_content or "").strip(" \t\n\r|·•"):
            return True
    return False


_SENTENCE_AFTER_BYLINE = 8  # words besides the names that make a line with a byline in it a paragraph


def without_byline(body: str, title: str | None, authors: tuple[str, ...]) -> str:
    """`body` without the byline its first blocks hold, for authors that only the body named (found
    after it was rendered): a byline block, or the byline and headline lines of a head block."""
    blocks = body.split("\n\n")
    title_key = _NON_WORD.sub("", title or "").lower()
    for i, block in enumerate(blocks[:3]):
        if len(block) <= _BYLINE_BLOCK and _signs(block, authors):
            blocks[i] = ""  # (a longer block opens the prose: "【ワシントン＝田中健一】米連邦…")
        elif 1 < block.count("\n") + 1 <= _HEAD_LINES:
            blocks[i] = _without_head_lines(block, title, title_key, authors)
    return "\n\n".join(b for b in blocks if b)


def _without_head_lines(block: str, title: str | None, title_key: str, authors: tuple[str, ...]) -> str:
    """An old page's head is one block of `<br>`-parted lines ("Headline<br>by X - Posted Sunday, ..."):
    when some of its lines sign or stamp the story, they go, and so does a line that repeats the
    headline; a block none of whose lines signs or stamps is left whole."""
    lines = block.split("\n")
    stamps = [_signs(line.strip(), authors) or _is_dateline(line.strip()) for line in lines]
    if not any(stamps):
        return block
    kept = [
        line
        for line, stamp in zip(lines, stamps, strict=True)
        if not stamp and not _repeats_headline(line, title, title_key)
    ]
    return "\n".join(kept).strip()


def _signs(line: str, authors: tuple[str, ...]) -> bool:
    """The line is a byline of `authors`, or a stamp that names one of them."""
    return bool(authors) and (_is_byline(line, authors) or _is_signed_stamp(line, authors))


def _repeats_headline(line: str, title: str | None, title_key: str) -> bool:
    """The line is the headline again (`title_key`: the title's word characters, lowercased)."""
    if not title_key or len(line) >= 2 * len(title or ""):
        return False
    return _is_headline(_NON_WORD.sub("", line).lower(), title_key)


_HEAD_LINES = 4
_BYLINE_BLOCK = 100


def _is_byline(line: str, authors: tuple[str, ...]) -> bool:
    """A short line naming an author, unless it opens with the name and a colon: an interview's first
    question or answer ("Nikolai Huke: Wo sind Sie ...?"), the name a speaker's label."""
    if len(line) >= 200 or len(line.split()) >= 25:
        return False
    named = [name for name in authors if name in line and not line.startswith(name + ":")]
    if not named:
        return False
    rest = line
    for name in named:
        rest = rest.replace(name, " ")
    # "[Hanbit Ilbo Kim Min-su reporter] Seoul started ... ." : the byline opens the first paragraph
    return not (len(rest.split()) >= _SENTENCE_AFTER_BYLINE and rest.rstrip()[-1:] in ".!?。")


def _is_signed_stamp(line: str, authors: tuple[str, ...]) -> bool:
    """A short line that dates the story and names its author by a part of the name ("Posted 3 March
    2025 by Graham · filed under sysadmin", where the metadata says Graham Pettigrew): no sentence."""
    if len(line) >= 200 or len(line.split()) >= 25 or line[-1] in ".!?。" or not any(c.isdigit() for c in line):
        return False
    parts = {w for name in authors for w in name.split() if len(w) >= 3 and w[0].isupper()}
    words = set(_NON_WORD.split(line))
    return not parts.isdisjoint(words) and parse_text_date(line) is not None


def _heads_something(heading: LexborNode) -> bool:
    """An element with text follows the heading: when the body ends at the heading, that was left out."""
    node = heading.next
    while node is not None:
        if node.is_element_node and node.text(deep=True).strip():
            return True
        node = node.next
    return False


_HEADING_TAGS = ("h2", "h3", "h4", "h5", "h6")
_HEADING_WORDS = 10
_HEADINGS = ", ".join(_HEADING_TAGS)
_DATELINE_WORDS = 8
_STAMP_SEP = re.compile(r"\s+[|·•]\s+")
_LABEL_COLON = re.compile(r"^([^\W\d][\w ]{0,20}):")
_DATE_LABEL = re.compile(r"^(?:datum|data|date|fecha|erstellt am|erstellt|created|created on)$", re.IGNORECASE)


def _is_dateline(line: str) -> bool:
    """A line that only stamps the story ("Publié le mercredi 29 janvier 2025 à 18h10", "Publiziert:
    25.02.2025, 16:42"): a few words with a date in them, and no sentence's full stop.  Stamps may
    share a line: "Published 8:05 p.m. CT Jan. 9, 2024 | Updated 11:42 p.m. CT Jan. 9, 2024"."""
    parts = _STAMP_SEP.split(line) if len(line) <= 160 else ()
    if len(parts) > 1 and all(_is_dateline(part) for part in parts):
        return True
    if len(line) > 80 or len(line.split()) > _DATELINE_WORDS or line[-1] in ".!?" or not any(c.isdigit() for c in line):
        return False
    label = _LABEL_COLON.match(line)  # "Termin: 21.02.2020, 19 Uhr" is an event's date, part of the text
    if label and not (
        _DATE_LABEL.match(label[1]) or PUBLISHED_LABEL.search(label[1]) or MODIFIED_LABEL.search(label[1])
    ):
        return False
    return parse_text_date(line) is not None


def _drop_signups(root: LexborNode) -> None:
    """A box that asks for an e-mail address (a newsletter's sign-up, with its heading and pitch: "Get
    the latest delivered to your inbox"), whatever its classes: the largest block around the field
    that stays short."""
    boxes: dict[int, LexborNode] = {}
    for field in root.css("input[type=email i]"):
        box = field
        while (parent := box.parent) is not None and parent.mem_id != root.mem_id:
            if len(parent.text(deep=True)) > _SIGNUP_TEXT:
                break
            box = parent
        if box.mem_id != field.mem_id:
            boxes[box.mem_id] = box
    remove_outermost(boxes)  # two fields in one box: the box goes once


_SIGNUP_TEXT = 300


def render_body(nodes: list[LexborNode], title: str | None = None, authors: tuple[str, ...] = ()) -> str:
    """Text of the chosen nodes, boilerplate blocks (and the byline line) dropped."""
    chunks = []
    title_key = _NON_WORD.sub("", title or "").lower()
    for node in nodes:
        if node.tag != "p":
            _drop_signups(node)
        raw = node.text(deep=True)  # once: it sizes the noise filter and tells a gutted container
        text = render_text(node, _skipper(len(raw)), link_rows=True) if node.tag != "p" else clean_text(raw)
        if len(text) < _GUTTED and len(raw) > 2 * _GUTTED:
            # the noise filter gutted a container the density pick chose: trust the pick
            text = render_text(node, _hidden)
        chunks.append(text)
    blocks: list[str] = []
    joined = "\n\n".join(chunks)
    seen = 0
    for block in joined.split("\n\n"):
        line = block.strip()
        seen += len(block) + 2
        if line and len(line) < 80 and seen > _RELATED_AFTER * len(joined) and _RELATED_START.match(line):
            break
        if not line or _BOILERPLATE.match(line):
            continue
        if len(blocks) <= _KICKERS and _repeats_headline(line, title, title_key):
            if all(len(b) <= _KICKER_MAX for b in blocks):
                blocks = []  # the headline, and the kicker or section lines above it, are not the body
            continue
        # the byline's second line ("Associated Press" under the writers' names) goes with it
        if len(blocks) < 3 and (_signs(line, authors) or _is_dateline(line) or is_agency(line)):
            continue
        if len(blocks) < 3 and 1 < line.count("\n") + 1 <= _HEAD_LINES:
            line = _without_head_lines(line, title, title_key, authors)
            if not line:
                continue
        blocks.append(line)
    return "\n\n".join(_headed(blocks, nodes))


def _headed(blocks: list[str], nodes: list[LexborNode]) -> list[str]:
    """`blocks` without the headings that end them: a heading heads what follows it, and a "Recent
    posts" whose list of links was dropped as noise heads nothing.  A sentence set as a heading ("...
    Es stützt seine Version.", "So for now, and most likely for the foreseeable future, I'll be
    relying on Shanks's pony!") may end the text."""
    while len(blocks) > 1:
        last = " ".join(blocks[-1].split())
        if len(last) > 120 or last.endswith(".") or len(last.split()) > _HEADING_WORDS:
            break
        headings = (h for node in nodes for h in ([node] if node.tag in _HEADING_TAGS else node.css(_HEADINGS)))
        if not any(" ".join(h.text(deep=True).split()) == last and _heads_something(h) for h in headings):
            break
        blocks.pop()
    return blocks
