"""Parsing and block-aware text rendering over the lexbor tree.

Everything here walks iteratively: a page of 10,000 nested divs must not hit Python's recursion limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = [
    "BLOCK_TAGS",
    "SKIP_TAGS",
    "FastCI",
    "attr",
    "clean_text",
    "iter_elements",
    "parse",
    "render_text",
    "select_value",
]

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "td",
        "th",
        "tr",
        "ul",
    ]
)
SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "canvas",
        "video",
        "audio",
        "select",
        "option",
        "textarea",
        "input",
        "button",
        "map",
        # AMP's ad and tracking elements: what they hold is their "Loading ad" placeholder and fallback
        "amp-ad",
        "amp-embed",
        "amp-sticky-ad",
        "amp-analytics",
        "amp-pixel",
    ]
)
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
# a lone plain space is left alone (it is what a match becomes): matching every space cost ~8 % of a run
_SPACES = re.compile(
    r"[\t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000][ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]*"
    r"| [ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+"
)
# a <pre>'s line breaks, spaces and tabs, as private-use characters that `tidy` leaves alone
_PRE_IN = str.maketrans({"\n": "\ue000", " ": "\ue001", "\t": "\ue002", "\r": None})
_PRE_OUT = str.maketrans({"\ue000": "\n", "\ue001": " ", "\ue002": "\t"})
_LINE_ENDS = "\r\n"
_NEWLINES = re.compile(r" *\n[ ]*")
# from the run's first newline, not its first space: a literal start lets `re` skip ahead, and the spaces
# left at the end of the block before are stripped with it
_BLOCK_GAP = re.compile(r"\n\s*\n\s*")
_MAX_HTML = 8_000_000


def parse(html: str) -> LexborHTMLParser:
    """Parse once; NUL bytes and lone surrogates are dropped first because lexbor chokes on them."""
    if len(html) > _MAX_HTML:
        html = html[:_MAX_HTML]
    if "\x00" in html:
        html = html.replace("\x00", "")
    try:
        return LexborHTMLParser(html)
    except UnicodeEncodeError:  # lone surrogates: only then pay for a second encoding pass
        return LexborHTMLParser(html.encode("utf-8", "replace").decode("utf-8"))


def clean_text(text: str | None) -> str:
    """One line: invisible characters dropped, whitespace runs collapsed, ends trimmed."""
    if not text:
        return ""
    if text.isascii() and not _has_separators(text):  # the same result, without two regex passes
        return " ".join(text.split())
    return _SPACES.sub(" ", _INVISIBLE.sub("", text).replace("\n", " ")).strip()


def _has_separators(text: str) -> bool:
    """ASCII's information separators, which `str.split` takes for whitespace and `_SPACES` does not."""
    return "\x1c" in text or "\x1d" in text or "\x1e" in text or "\x1f" in text


class FastCI:
    """A case-insensitive pattern whose every miss is found on lowercased text without IGNORECASE.

    CPython's `re` runs an IGNORECASE alternation of words several times slower than the same pattern on
    lowercased text, and most texts tested miss.  The pattern's letters must be lowercase.  A hit (or a
    text with a character whose case folding `lower()` does not mirror) is confirmed by the original
    pattern, so matches and their groups are exactly the original's.
    """

    __slots__ = ("_fast", "pattern")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        literal = re.sub(r"\(\?P(?:<\w+>|=\w+\))|\\.", "", pattern.pattern)  # group syntax and escapes aside
        if not pattern.flags & re.IGNORECASE or re.search(r"[A-Z]", literal):
            raise ValueError("FastCI needs an IGNORECASE pattern written in lowercase")
        self.pattern = pattern
        self._fast = re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)

    def _may_miss(self, text: str, hit: object) -> bool:
        return hit is None and (text.isascii() or _FOLDS.search(text) is None)

    def search(self, text: str) -> re.Match[str] | None:
        if self._may_miss(text, self._fast.search(text.lower())):
            return None
        return self.pattern.search(text)

    def match(self, text: str) -> re.Match[str] | None:
        if self._may_miss(text, self._fast.match(text.lower())):
            return None
        return self.pattern.match(text)

    def sub(self, repl: str, text: str) -> str:
        if self._may_miss(text, self._fast.search(text.lower())):
            return text
        return self.pattern.sub(repl, text)

    def split(self, text: str) -> list[str]:
        if self._may_miss(text, self._fast.search(text.lower())):
            return [text]
        return self.pattern.split(text)


# characters that IGNORECASE matches to an ASCII letter but `str.lower()` does not turn into it
_FOLDS = re.compile("[\u0130\u0131\u017f\u212a\u212b\u1e9e\ufb05\ufb06]")


def attr(node: LexborNode, name: str) -> str:
    value = node.attributes.get(name)
    return value.strip() if isinstance(value, str) else ""


def select_value(root: LexborNode | LexborHTMLParser, spec: str) -> tuple[str, LexborNode] | None:
    """First non-empty value of `css` or `css@attr` under root, with the node it came from."""
    css, _, name = spec.partition("@")
    css, name = css.strip(), name.strip()
    try:
        nodes = root.css(css) if css else []
    except Exception:  # a bad selector from a config or preset is simply no match
        return None
    for node in nodes:
        value = attr(node, name) if name else clean_text(node.text(separator=" "))
        if value:
            return value, node
    return None


def select_values(root: LexborNode | LexborHTMLParser, spec: str, limit: int = 8) -> list[str]:
    """Every non-empty value of `css` or `css@attr` under root, in page order (at most `limit`)."""
    css, _, name = spec.partition("@")
    css, name = css.strip(), name.strip()
    try:
        nodes = root.css(css) if css else []
    except Exception:  # a bad selector from a config or preset is simply no match
        return []
    values = [attr(node, name) if name else clean_text(node.text(separator=" ")) for node in nodes[:limit]]
    return [v for v in values if v]


def iter_elements(root: LexborNode) -> Iterator[LexborNode]:
    """Descendant elements in document order, without recursion."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node is not root:
            yield node
        stack.extend(reversed([c for c in node.iter() if c.is_element_node]))


def render_text(
    root: LexborNode, skip: Callable[[LexborNode], bool] | None = None, inline: str = "", link_rows: bool = False
) -> str:
    """Visible text of `root`: blocks separated by blank lines, inline text kept on one line.

    `skip(node) -> bool` may veto an element (and its subtree) before it is rendered; `inline` is
    written where an inline element opens and where it closes (a heading marks its seams with it).
    `link_rows` drops a line that is three links or more and nothing else ("Drucken · Artikel empfehlen ·
    Facebook" set between `<br>`s, in no block of its own for the noise filter to see).
    The walk keeps a stack of child iterators (no recursion, no list copies), since it runs over
    every chosen body.
    """
    out: list[str] = []
    append = out.append
    kept = False  # a <pre>'s text went in with its line breaks and spaces in stand-ins
    stack = [root.iter(include_text=True)]
    closers = [""]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            append(closers.pop())
            continue
        tag = child.tag
        if tag == "-text":
            append((child.text_content or "").replace("\n", " "))
        elif tag is None or tag in SKIP_TAGS or tag[0] == "-" or (skip is not None and skip(child)):
            continue
        elif tag == "br":
            append("\n")
        elif tag == "pre":  # code, verse, a plain-text table: its lines and indentation are its meaning
            kept = True
            append(f"\n\n{_pre_text(child).strip(_LINE_ENDS).translate(_PRE_IN)}\n\n")
        elif link_rows and tag == "a":
            append(_LINK_OPEN)
            stack.append(child.iter(include_text=True))
            closers.append(_LINK_CLOSE)
        else:
            mark = "\n\n" if tag in BLOCK_TAGS else inline
            if mark:
                append(mark)
            stack.append(child.iter(include_text=True))
            closers.append(mark)
    text = tidy("".join(out))
    if link_rows:
        text = _without_link_rows(text)
    return text.translate(_PRE_OUT) if kept else text


_LINK_OPEN, _LINK_CLOSE = "\ue010", "\ue011"  # private-use stand-ins for where a link's text starts and ends
_LINKED = re.compile(f"{_LINK_OPEN}[^{_LINK_CLOSE}]*{_LINK_CLOSE}?")
_ROW_SEPARATORS = re.compile(r"[\s|·•/,;–—-]*")
_ROW_LINKS = 3  # two may be one linked phrase: "Blob/ File", "24 November, 1994"


def _without_link_rows(text: str) -> str:
    if _LINK_OPEN not in text:
        return text
    if text.count(_LINK_OPEN) >= _ROW_LINKS:
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if line.count(_LINK_OPEN) >= _ROW_LINKS and _ROW_SEPARATORS.fullmatch(_LINKED.sub("", line)):
                lines[i] = ""
        text = "\n".join(lines)
    # str.replace, not translate (a lookup per character); tidied again, as a mark between two
    # spaces leaves both
    return tidy(text.replace(_LINK_OPEN, "").replace(_LINK_CLOSE, ""))


def _pre_text(pre: LexborNode) -> str:
    """A `<pre>`'s text as it shows: its own line breaks, and one for each `<br>` and after each block
    inside (code highlighters write a line as `<span>…</span><br>` or as a `<div>` of its own)."""
    if pre.css_first("br, div, p") is None:
        return pre.text(deep=True)  # most blocks of code: the text holds its line breaks
    out: list[str] = []
    stack = [pre.iter(include_text=True)]
    closers = [""]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            end = closers.pop()
            if end and out and not out[-1].endswith("\n"):
                out.append(end)
            continue
        if child.tag == "-text":
            out.append(child.text_content or "")
        elif child.tag == "br":
            out.append("\n")
        elif child.tag is not None and child.tag not in SKIP_TAGS and child.tag[0] != "-":
            stack.append(child.iter(include_text=True))
            closers.append("\n" if child.tag in ("div", "p") else "")
    return "".join(out)


def tidy(text: str) -> str:
    """Collapse spaces; blocks end up separated by one blank line, `<br>` stays a line break."""
    text = _SPACES.sub(" ", text if text.isascii() else _INVISIBLE.sub("", text))
    blocks = ((_NEWLINES.sub("\n", block) if "\n" in block else block).strip() for block in _BLOCK_GAP.split(text))
    return "\n\n".join(b for b in blocks if b)
