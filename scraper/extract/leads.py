"""The standfirst: the lead paragraph that sits between the headline and the body container.

News and magazine templates put the lead ("p.lead", "div.article-preface", "h2.subheadline") in the
article header, outside the element that holds the paragraphs, so the density pick misses it while
readers (and the annotated corpora) count it as text.  It is found by class words, then kept only
if it lies after the headline and before the chosen body in the page text.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from .html import clean_text
from .metadata import Doc

__all__ = ["find_lead"]

_LEAD_CSS = (
    "[class*=lead], [class*=intro], [class*=excerpt], [class*=preface], [class*=standfirst], [class*=subheadline],"
    " [class*=summary], [class*=description], [class*=deck], [class*=teaser-text], [class*=abstract],"
    " [class*=subtitle], [class*=Lead], [class*=Intro], [itemprop=description]"
)
# the same in other newsrooms' words: French chapô, Spanish subtitular/entradilla/bajada/copete/sumario,
# Italian sommario, Czech perex, German Vorspann/Anriss; "desc" as BEM writes it (article__desc); a "teaser"
# field (Drupal's field--name-field-teaser): between the headline and the body, it is the story's own
_LEAD_CSS_MORE = (
    "[class*=subtit], [class*=article__desc], [class*=article-desc], [class*=chapo], [class*=chapeau],"
    " [class*=entradilla], [class*=bajada],"
    " [class*=copete], [class*=sumario], [class*=sommario], [class*=perex], [class*=vorspann], [class*=anriss],"
    " [class*=teaser]"
)
_MAX_GAP = 3000
_CARD_HEADLINE = "h2 a, h3 a, h4 a, h5 a, a h2, a h3, a h4"
_SCOPE_UP = 7
# class words of elements that also say "description" or "intro" without being the story's lead: a
# site's tagline, a photo's caption or description, the author's bio (whole words: utility classes say "caption-s5")
_NOT_LEAD_WORDS = frozenset(["tagline", "figcaption", "caption", "author", "bio", "authorbio"])
_IMAGE_WORDS = frozenset(["img", "image", "photo", "foto", "picture", "bild"])
_PARTS = re.compile(r"[-_]+")


def _not_lead_class(names: str) -> bool:
    for token in names.lower().split():
        parts = _PARTS.split(token)
        if parts[0] in ("site", "blog") and len(parts) > 1 and parts[1].startswith("desc"):
            return True
        if parts[-1] in _NOT_LEAD_WORDS or (parts[-1] == "text" and "caption" in parts):
            return True
        if parts[0] in ("author", "bio") and len(parts) == 2:
            return True
        if parts[-1] in ("description", "desc", "text", "legend") and not _IMAGE_WORDS.isdisjoint(parts):
            return True
    return False


def _inside(node: LexborNode | None, ids: set[int]) -> bool:
    while node is not None:
        if node.mem_id in ids:
            return True
        node = node.parent
    return False


def _aside_from_story(node: LexborNode, scope: LexborNode) -> bool:
    """The node, or a wrapper of it below `scope`, is a caption, tagline or bio."""
    at: LexborNode | None = node
    while at is not None and at.mem_id != scope.mem_id:
        if at.tag in ("figure", "figcaption") or _not_lead_class(at.attributes.get("class") or ""):
            return True
        at = at.parent
    return False


def _contains(node: LexborNode, chosen: list[LexborNode]) -> bool:
    return any(_inside(c, {node.mem_id}) for c in chosen)


def _position(doc: Doc, node: LexborNode) -> int:
    first = node.text(separator="\n").strip().split("\n", 1)[0].strip()[:50]
    return doc.page_text.find(first) if len(first) >= 10 else -1


def find_lead(doc: Doc, chosen: list[LexborNode], headline_at: int) -> str:
    """Text of the lead element between the headline and the body, or ""."""
    if headline_at < 0 or not chosen:
        return ""
    body_at = _position(doc, chosen[0])
    ids = {n.mem_id for n in chosen}
    # the lead shares the article's wrapper with the body: search there, not the whole page
    scope = chosen[0]
    for _ in range(_SCOPE_UP):
        if scope.parent is None or scope.parent.tag in ("body", "html"):
            break
        scope = scope.parent
    for css in (_LEAD_CSS, _LEAD_CSS_MORE):  # the English words first: the others also name headings
        lead = _lead_in(doc, scope, css, chosen, ids, headline_at, body_at)
        if lead:
            return lead
    return ""


def _lead_in(
    doc: Doc, scope: LexborNode, css: str, chosen: list[LexborNode], ids: set[int], headline_at: int, body_at: int
) -> str:
    for node in scope.css(css)[:40]:
        if node.tag in ("body", "html", "meta", "img", "a", "article", "main", "section"):
            continue
        text = clean_text(node.text(separator=" "))
        if not 40 <= len(text) <= 1500 or _inside(node, ids) or _contains(node, chosen):
            continue
        if _aside_from_story(node, scope):
            continue
        links = node.css("a")
        linked = sum(len(a.text()) for a in links)
        if linked > 0.3 * len(text) or (links and node.css_first(_CARD_HEADLINE) is not None):
            continue  # a link list, or another story's card: its headline links to it
        at = _position(doc, node)
        if headline_at < at < headline_at + _MAX_GAP and (body_at < 0 or at < body_at):
            return text
    return ""
