"""A cheap bound on how deeply a page nests its elements, checked before the HTML parser sees it.

Tree building is quadratic in nesting depth (10k nested tags parse in 0.24 s, 80k in 15.8 s, a million
in more than five minutes), and no real page comes close: the deepest news pages we have seen nest a
few hundred elements.  `nesting_depth` counts open minus closed tags in one linear pass, without
building anything: elements that never nest (void elements), whose end tag is optional (p, li, td, ...
which browsers close implicitly) or whose content is raw text (script, style, textarea) are not
counted, nor are comments or self-closed SVG/MathML elements.  The count is an upper bound of
what a browser would build, close enough to refuse only what no browser-tolerable page does.
"""

from __future__ import annotations

import re
from collections import Counter

from ..errors import ExtractError

__all__ = ["MAX_DEPTH", "check_depth", "nesting_depth"]

MAX_DEPTH = 5_000  # ~10x the deepest real page; parsing this deep takes milliseconds

_TAG = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)|<!--")
_LEAVES = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
    | {"basefont", "bgsound", "frame", "keygen", "image", "isindex"}
)
_OPTIONAL_END = frozenset(
    {"p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup"}
    | {"caption", "rb", "rt", "rtc", "rp", "html", "head", "body"}
)
_UNCOUNTED = _LEAVES | _OPTIONAL_END
# every position where `_TAG` could read a start tag, with the name it would read there (overlapping)
_START_TAGS = re.compile(r"(?=<([a-zA-Z][^\s/>]*))")
_RAW_TEXT = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext", "noscript"}
)


def nesting_depth(html: str, limit: int = MAX_DEPTH) -> int:
    """The deepest nesting the tags of `html` open, past `limit` only when the page goes past it.

    Linear: about 3 µs per tag (a 10 MB page of tags takes seconds; a real 100 KB page, a millisecond).
    """
    tags = html.count("<")  # one pass: on a non-ASCII page each count is a scan of 4-byte characters
    if tags <= limit:
        return tags  # cannot open more than it has tags: most pages stop here
    depth = deepest = 0
    pos = 0
    lowered: str | None = None
    size = len(html)
    while pos < size:
        match = _TAG.search(html, pos)
        if match is None:
            break
        pos = match.end()
        if match.group(2) is None:  # a comment: skip to its end
            end = html.find("-->", pos)
            pos = size if end < 0 else end + 3
            continue
        name = match.group(2).lower()
        if match.group(1):
            if name not in _LEAVES and name not in _OPTIONAL_END and depth:
                depth -= 1
            continue
        if name in _LEAVES or name in _OPTIONAL_END:
            continue
        close = html.find(">", pos)
        if close < 0:
            break
        if html[close - 1] == "/":  # <path ... /> in SVG, <br/>
            pos = close + 1
            continue
        if name in _RAW_TEXT:  # its content is text, whatever it looks like
            lowered = lowered if lowered is not None else html.lower()
            end = lowered.find("</" + name, close)
            pos = size if end < 0 else end
            continue
        pos = close + 1
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def open_bound(html: str) -> int:
    """How many start tags that `nesting_depth` would count `html` holds at most: every depth it reaches
    is one of them, so no page nests deeper.  Counted in C (a page's tag names are a few hundred
    distinct strings), it clears a real page of more than `limit` tags in half the time of the exact
    walk, which only a page past the bound then pays for."""
    names = Counter(_START_TAGS.findall(html))
    return sum(n for name, n in names.items() if name.lower() not in _UNCOUNTED)


def check_depth(html: str, url: str, limit: int = MAX_DEPTH) -> None:
    """Raise `ExtractError(url, TOO_DEEP)` when `html` nests elements more than `limit` deep."""
    if html.count("<") <= limit or open_bound(html) <= limit:
        return
    if nesting_depth(html, limit) > limit:
        raise ExtractError(url, ExtractError.TOO_DEEP)
