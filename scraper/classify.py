"""What a fetched page is: an article, or something standing where one should be.

Two questions, one place, answered from general signals written as data below (`SIGNALS`), so a new
language or a new kind of wall is a line here, not a special case in the crawler:

- `read_markup`: does the page's own markup say "article"?  JSON-LD Article types (and their
  subtypes), `og:type=article`, `article:published_time`, one dominant block of running text.  The
  crawler ranks this as the strongest evidence of a URL's kind (`models.Evidence.MARKUP`).
- `judge`: is what extraction made of it worth a version?  Consent walls, captchas and bot blocks,
  paywall stubs (a teaser of a version we hold in full), soft 404s served with 200, "enable
  JavaScript" shells, index pages and empty pages are not; each comes back as a `Verdict` with an
  outcome (`not-article` or `blocked`) and a reason, and is logged in `fetches` instead of saved.

Pure functions of the page (and of the body we already hold), so they run in extraction workers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from .config import Site
from .extract import extract_article, parse
from .extract.article import ArticleWatch, changed_before_watch
from .extract.depth import check_depth
from .extract.presets import reads_topic
from .models import Article, Outcome, normalise_text
from .words import CJK_LETTER, CJK_PER_WORD

__all__ = ["ARTICLE_TYPES", "SIGNALS", "Markup", "Verdict", "is_teaser", "judge", "read_markup", "read_page"]

# schema.org types whose page is one article (Article and its subtypes, as sites use them).
ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "BlogPosting",
        "ReportageNewsArticle",
        "OpinionNewsArticle",
        "AnalysisNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "AskPublicNewsArticle",
        "SatiricalArticle",
        "LiveBlogPosting",
        "SocialMediaPosting",
        "DiscussionForumPosting",  # a forum topic (XenForo, Discourse): its first post and the replies
        "TechArticle",
        "ScholarlyArticle",
        "Report",
    }
)

# Phrases (lowercase, matched in the page's visible text) that say what stands in for an article.
SIGNALS: dict[str, tuple[str, ...]] = {
    "consent": (
        "we value your privacy",
        "we use cookies",
        "cookie settings",
        "manage cookies",
        "accept all",
        "reject all",
        "your consent",
        "nous utilisons des cookies",
        "tout accepter",
        "tout refuser",
        "votre consentement",
        "wir verwenden cookies",
        "alle akzeptieren",
        "einwilligung",
        "utilizamos cookies",
        "aceptar todo",
        "aceptar todas",
        "consentimiento",
        "utilizziamo i cookie",
        "accetta tutto",
        "consenso",
        "aceitar todos",
    ),
    "captcha": (
        "captcha",
        "verify you are human",
        "are you a robot",
        "not a robot",
        "unusual traffic",
        "checking your browser",
        "access denied",
        "request blocked",
        "bot detection",
        "je ne suis pas un robot",
        "vérifiez que vous êtes humain",
        "ich bin kein roboter",
        "zugriff verweigert",
        "no soy un robot",
        "acceso denegado",
        "non sono un robot",
        "accesso negato",
    ),
    "javascript": (
        "enable javascript",
        "javascript is disabled",
        "javascript is required",
        "requires javascript",
        "activez javascript",
        "activer javascript",
        "javascript aktivieren",
        "javascript ist deaktiviert",
        "habilita javascript",
        "activa javascript",
        "attiva javascript",
        "abilita javascript",
    ),
}
# Titles and first headings of "not found" pages served with 200.
NOT_FOUND = re.compile(
    r"\b404\b|page not found|not found|nothing (?:was )?found|page introuvable|page non trouvée"
    r"|seite nicht gefunden|nicht gefunden|página no encontrada|pagina non trovata|página não encontrada",
    re.IGNORECASE,
)
MIN_WORDS = 25  # fewer words of body than this is an empty page
SHORT_WORDS = 200  # a body this short may be a wall's text rather than a story's
DOMINANT_WORDS = 120  # one block of running text this long ...
DOMINANT_SHARE = 0.5  # ... holding this share of the page's paragraph text says "article"
INDEX_LINKS = 30  # a page with neither article markup nor one text block, and this many links, is an index
TEASER_SHARE = 0.7  # a new body under this share of the held one's length may be a teaser ...
TEASER_OVERLAP = 0.8  # ... when this share of its word 4-grams are in the held body


@dataclass(frozen=True, slots=True)
class Markup:
    """What a page's markup says about itself."""

    signals: tuple[str, ...]  # the article signals found, e.g. ("jsonld:NewsArticle", "og:type")
    dominant: bool  # one block of running text dominates the page
    links: int  # <a href> in the body
    title: str
    text: str  # visible text, lowercase, whitespace collapsed (for the keyword signals; see read_page)

    @property
    def article(self) -> bool:
        return bool(self.signals) or self.dominant


@dataclass(frozen=True, slots=True)
class Verdict:
    """Why a page is not archived as a version: `not-article` or `blocked`, and a reason."""

    outcome: Outcome
    reason: str


def _type_names(value: object) -> list[str]:
    names = value if isinstance(value, list) else [value]
    return [re.split(r"[/:#]", n)[-1] for n in names if isinstance(n, str)]


def _jsonld_types(tree: LexborHTMLParser) -> list[str]:
    """The @types of the top-level JSON-LD items (and @graph members), not of nested ones: a home page
    listing NewsArticle items is not itself an article."""
    found: list[str] = []
    for node in tree.css('script[type="application/ld+json"]'):
        text = (node.text() or "").strip().removeprefix("<![CDATA[").removesuffix("]]>")
        try:
            data = json.loads(text)
        except ValueError:
            continue
        items = data if isinstance(data, list) else [data]
        for item in items:
            if not isinstance(item, dict):
                continue
            graph = item.get("@graph")
            for member in [item, *(graph if isinstance(graph, list) else [])]:
                if isinstance(member, dict):
                    found += _type_names(member.get("@type"))
    return found


def _meta(tree: LexborHTMLParser, name: str) -> str:
    node = tree.css_first(f'meta[property="{name}"], meta[name="{name}"]')
    return (node.attributes.get("content") or "").strip().lower() if node is not None else ""


def _words(text: str) -> int:
    """Words by spaces; Chinese and Japanese, written without them, by their characters, about two a word."""
    n = len(text.split())
    return n if text.isascii() else n + len(CJK_LETTER.findall(text)) // CJK_PER_WORD


def _words_to(text: str, limit: int) -> int:
    """`_words(text)` when it is at most `limit`, else `limit + 1`: a long body is not split to its end."""
    n = len(text.split(maxsplit=limit))
    if text.isascii():
        return n
    return min(limit + 1, n + len(CJK_LETTER.findall(text, 0, 4 * limit * CJK_PER_WORD)) // CJK_PER_WORD)


def _dominant(body: LexborNode) -> bool:
    """One container's paragraphs hold most of the page's paragraph text, and are long, and not links."""
    per_parent: dict[int, int] = {}
    total = 0
    for p in body.css("p"):
        text = p.text(deep=True) or ""
        n = _words(text)
        # the paragraph's own walk finds its links as `p.css("a")` does, in a tenth of a selector query
        linked = sum(_words(a.text(deep=True) or "") for a in p.traverse() if a.tag == "a")
        if n == 0 or linked * 2 > n:
            continue
        total += n
        parent = p.parent
        key = parent.mem_id if parent is not None else 0
        per_parent[key] = per_parent.get(key, 0) + n
    best = max(per_parent.values(), default=0)
    return best >= DOMINANT_WORDS and best >= DOMINANT_SHARE * total


def read_markup(page: str | LexborHTMLParser, *, text: bool = True) -> Markup:
    """The article signals of a page, and what `judge` needs of its text (`text=False`: not the text).

    `page` is the HTML or its tree as `extract.parse` makes it (the tree loses its scripts and styles)."""
    tree = parse(page) if isinstance(page, str) else page
    signals, title = _head(tree)
    body = tree.body
    if body is None:
        return Markup(signals, False, 0, title, "")
    _drop_junk(body)
    return _markup(signals, title, body, _text(body) if text else "")


def _head(tree: LexborHTMLParser) -> tuple[tuple[str, ...], str]:
    """The markup's article signals and its title, read from a tree that still has its scripts."""
    signals = [f"jsonld:{t}" for t in dict.fromkeys(_jsonld_types(tree)) if t in ARTICLE_TYPES]
    if _meta(tree, "og:type") == "article":
        signals.append("og:type=article")
    if _meta(tree, "article:published_time"):
        signals.append("article:published_time")
    title_node = tree.css_first("title")
    h1 = tree.css_first("h1")
    title = " ".join(normalise_text(n.text(deep=True)) for n in (title_node, h1) if n is not None)
    return tuple(signals), title


def _drop_junk(body: LexborNode) -> None:
    for junk in body.css("script, style, noscript template, template"):
        junk.decompose()


def _markup(signals: tuple[str, ...], title: str, body: LexborNode, text: str) -> Markup:
    """The rest of `read_markup`, from a body without scripts, styles and templates."""
    return Markup(signals, _dominant(body), len(body.css("a[href]")), title, text)


def _text(body: LexborNode | None) -> str:
    """The visible text of a body read by `read_markup` (scripts and styles gone), for the keyword signals."""
    if body is None:
        return ""
    noscript = " ".join(n.text(deep=True) or "" for n in body.css("noscript"))
    return normalise_text((body.text(deep=True, separator=" ") or "") + " " + noscript).lower()


def read_page(
    html: str, url: str, site: Site | None, fetched_at: datetime, *, always: bool = True
) -> tuple[Markup, Article | None]:
    """What the markup of `html` says, and the article extraction makes of it, from one parse.

    The page's article when `always` or when its markup says "article", else None.  Extraction
    changes the tree it reads, so the markup is read from the same tree while extraction passes
    through the state `read_markup` wants (`ArticleWatch`: scripts still there for the signals, then
    just gone for the body), not from a copy (a third of a parse); from a copy when the page may
    not be extracted, or when site rules change the tree first.  Its `text` (a fifth of the reading)
    is read only for an article shorter than SHORT_WORDS: the only case in which `judge` looks at
    it (for the words of a wall); else it is empty.
    """
    check_depth(html, url)  # before any parse: hostile nesting makes parsing quadratic
    tree = parse(html)
    if always and not changed_before_watch(site, url):
        seen: list[Markup] = []
        article = extract_article(html, url, site, fetched_at=fetched_at, tree=tree, watch=_watcher(seen))
        markup = seen[0]
        if _words_to(article.body, SHORT_WORDS) < SHORT_WORDS:
            copy = parse(html)
            if copy.body is not None:
                _drop_junk(copy.body)
            markup = replace(markup, text=_text(copy.body))
        return markup, article
    try:
        copy = tree.clone()
    except SelectolaxError:  # lexbor cannot copy some doctypes ("about:legacy-compat"): parse again
        copy = parse(html)
    markup = read_markup(copy, text=False)
    if not (always or markup.article):
        return markup, None
    article = extract_article(html, url, site, fetched_at=fetched_at, tree=tree)
    if _words_to(article.body, SHORT_WORDS) < SHORT_WORDS:
        markup = replace(markup, text=_text(copy.body))
    return markup, article


def _watcher(seen: list[Markup]) -> ArticleWatch:
    """`read_markup(tree, text=False)` in the two steps extraction lets it watch; the result lands in `seen`."""

    def before_strip(tree: LexborHTMLParser) -> Callable[[], None]:
        signals, title = _head(tree)

        def after_strip() -> None:
            body = tree.body
            seen.append(_markup(signals, title, body, "") if body is not None else Markup(signals, False, 0, title, ""))

        return after_strip

    return before_strip


def _hits(kind: str, text: str) -> list[str]:
    return [phrase for phrase in dict.fromkeys(SIGNALS[kind]) if phrase in text]


def _grams(words: list[str], n: int = 4) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}


def is_teaser(body: str, held: str) -> bool:
    """True when `body` is a shortened copy of `held`: much shorter, and almost all of it in `held`."""
    new, old = normalise_text(body).lower().split(), normalise_text(held).lower().split()
    if not old or len(new) >= TEASER_SHARE * len(old):
        return False
    if not new:
        return True
    grams = _grams(new)
    return len(grams & _grams(old)) >= TEASER_OVERLAP * len(grams)


def _is_front_page(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def judge(markup: Markup, article: Article, held_body: str | None = None) -> Verdict | None:
    """None when `article` deserves a version; else why not.  `held_body` is the body of the latest
    version we hold of this article, if any (a much shorter copy of it is a paywall stub)."""
    words = _words_to(article.body, SHORT_WORDS)  # exact below SHORT_WORDS, all the checks need
    short = words < SHORT_WORDS
    if NOT_FOUND.search(markup.title) and not markup.signals and short:
        return Verdict(Outcome.NOT_ARTICLE, f"a 'not found' page served with 200 ({markup.title[:60]!r})")
    if short and (hits := _hits("captcha", markup.text)):
        return Verdict(Outcome.BLOCKED, f"a captcha or bot block ({hits[0]!r})")
    # a cookie banner next to a story is not a wall: the wall's own words are what extraction found
    walled = short and (words < MIN_WORDS or _hits("consent", normalise_text(article.body).lower()))
    if walled and len(hits := _hits("consent", markup.text)) >= 2:
        return Verdict(Outcome.BLOCKED, f"a consent wall ({', '.join(repr(h) for h in hits[:2])})")
    if held_body and is_teaser(article.body, held_body):
        held = _words(held_body)
        words = _words(article.body)
        return Verdict(Outcome.BLOCKED, f"a paywall stub: {words} words of the {held}-word version held")
    if words < MIN_WORDS and (hits := _hits("javascript", markup.text)):
        return Verdict(Outcome.NOT_ARTICLE, f"a page that needs JavaScript ({hits[0]!r}); try render = 'browser'")
    if not markup.article and markup.links >= INDEX_LINKS and not reads_topic(article.sources.get("body", "")):
        return Verdict(Outcome.NOT_ARTICLE, f"an index page ({markup.links} links, no article markup)")
    if not markup.article and _is_front_page(article.url):  # it would make a new version every round
        return Verdict(Outcome.NOT_ARTICLE, "the site's front page (no article markup)")
    if words < MIN_WORDS:
        return Verdict(Outcome.NOT_ARTICLE, f"an empty page ({words} words of text)")
    return None
