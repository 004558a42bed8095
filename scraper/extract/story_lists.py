"""Lists of other stories on an article's page: "most read", related cards, teasers, asides.

A byline or date in such a list belongs to another story. Templates reuse "teaser" names for the story's
own parts, though, so a list only counts away from the headline's block (`Nearness`).
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from .metadata import Doc

__all__ = ["Nearness", "far_in_story_list", "line_in_story_list"]

_LIST_TOKENS = frozenset(
    [
        *("teaser", "teasers", "mostread", "most", "related", "popular", "trending", "stories", "card", "cards"),
        # "related" in the newsrooms' other languages
        *("relacionadas", "relacionados", "relacionada", "relacionado", "relacionats", "correlati", "correlate"),
        *("verwandte", "aehnliche", "gerelateerd", "gerelateerde", "relaterade", "relaterat", "relaterte"),
        *("powiazane", "souvisejici", "associes", "connexes"),
    ]
)
_TOKENS = re.compile(r"[\s_\-]+")
_NEAR = 1  # levels above the headline's block that are still the story's own


class Nearness:
    """Sort key of a node: how far up the tree one must climb from it to reach an ancestor of the
    headline (0 for a byline inside the headline's own block, large for one in another story)."""

    def __init__(self, doc: Doc) -> None:
        self.depth: dict[int, int] = {}
        node = doc.headline_node()
        level = 0
        while node is not None:
            self.depth[node.mem_id] = level
            node = node.parent
            level += 1

    def __call__(self, node: LexborNode) -> int:
        if not self.depth:
            return 0
        at: LexborNode | None = node
        while at is not None:
            if at.mem_id in self.depth:
                return self.depth[at.mem_id]
            at = at.parent
        return 1000


def _in_story_list(node: LexborNode | None) -> bool:
    while node is not None and node.tag not in ("body", "html"):
        if node.tag in ("aside", "nav"):
            return True
        names = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}".strip()
        if names and not _LIST_TOKENS.isdisjoint(_TOKENS.split(names.lower())):
            return True
        node = node.parent
    return False


def far_in_story_list(node: LexborNode, near: Nearness) -> bool:
    """In a list of other stories and away from the headline's block."""
    return near(node) > _NEAR and _in_story_list(node)


def line_in_story_list(doc: Doc, line: str, near: Nearness) -> bool:
    """`far_in_story_list` for a line of the page's text: every element that holds it (the story's author
    may sign teasers of their other stories too)."""
    needle = line.replace("\\", "").replace('"', "")[:80].strip()
    if not needle:
        return False
    try:
        holders = doc.tree.css(f':lexbor-contains("{needle}")')[-30:]
    except Exception:  # a lexbor without the pseudo-class, or text it cannot quote
        return False
    # the elements that hold the line, not their ancestors (which hold it too, up to <html>)
    outer = {h.parent.mem_id for h in holders if h.parent is not None}
    deepest = [h for h in holders if h.mem_id not in outer]
    return bool(deepest) and all(far_in_story_list(h, near) for h in deepest)
