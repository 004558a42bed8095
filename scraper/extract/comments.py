"""Reader comments: site rules, then preset schemes (WordPress, Drupal, Blogger), then generic lists.

Threading comes from the DOM (a comment nested in another, or in a Drupal `div.indented` right after
its parent) unless a rule names the parent.  Ids are the site's own, else a short hash.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..models import Comment
from .authors import clean_authors
from .dates import parse_date
from .html import attr, clean_text, render_text
from .rules import CommentScheme

__all__ = [
    "COMMENT_CONTAINERS",
    "GENERIC_SCHEMES",
    "comment_candidates",
    "completeness",
    "extract_comments",
    "holds_article",
    "may_hold_comments",
    "remove_comment_sections",
]

COMMENT_CONTAINERS = (
    "#comments",
    "#comment",
    ".comments-area",
    ".comment-list",
    ".commentlist",
    "ol.comments",
    "#disqus_thread",
    "#dsq-comments",
    "section.article-comments",
    ".article-comments",
    ".post-comments",
    ".comments-section",
    ".comment-section",
    "#respond",
    ".comment-respond",
    ".comment-form",
    "#comol",
    ".comments-content",
    "#commentsContainer",
    ".wc-comments-root",
    ".wp-block-comments",
    "details.CommentBox",
    "[data-hook=comments-widget]",
    ".comments",
    "#kommentare",
    ".kommentare",
    "#commentaires",
)
GENERIC_SCHEMES = (
    CommentScheme(
        items=".comment-list > li, .commentlist > li, .comments-list > li, ol.comments > li, "
        ".comment-list li.comment, .commentlist li.comment, .comment-item, .comment-entry, "
        "[id^='comment-'][class*=comment], div.comment, li.comment, article.comment, dt.comment, "
        "#commentlist > li, ol#comments > li, li[id^='comment-'], .comment-items > li, [class*=comment-card], "
        "div.kb-comment, .commentsCon, .leserbrief, li.kommentar, div.kommentar, .kommentar-item, "
        # platform widgets that render server-side: XenForo comments, Judge.me reviews, Disqus threads
        "li.xenforo-comment, .jdgm-rev, #disqus_thread li.post, "
        # a name-and-time <dt> over its <dd> in a comment list; a table per comment (older portals)
        "dl[class*=omment i] > dt, dl[class*=omentar i] > dt, dl[id*=omment i] > dt, table[class*=comment], "
        "[id^='comment-item-'], "
        # schema.org microdata, which any theme may write
        "[itemprop=comment], [itemtype$='schema.org/Comment']",
        # a comment's own parts that carry its id ("comment-body-12" inside "comment-item-12")
        skip=".pingback, .trackback, .comment-respond, #respond, form, a[class*=comment-anchor], "
        "[id^='comment-form'], [class*=comment-form], "
        "[id^='comment-body'], [id^='comment-text'], [id^='comment-content'], [id^='comment-date']",
        id=("@id", "@data-comment-id", "@data-id"),
        author=(
            ".comment-author .fn",
            ".comment-author",
            "[itemprop=author] [itemprop=name]",
            "[itemprop=author]",
            ".author",
            ".user",
            "cite",
            ".name",
            "[class*=author]",
            "[class*=autor]",
            "[class*=name]",
            "[class*=user]",
            "[class*=benutzer]",
            "header b, header strong",
            "b",
        ),
        date=(
            "time@datetime",
            "[itemprop=dateCreated]@datetime",
            "[itemprop=dateCreated]@content",
            "[itemprop=datePublished]@content",
            # a relative "2 weeks ago" shows the exact time on hover
            "[class*=date]@title",
            "[class*=time]@title",
            "[class*=date]",
            "[class*=time]",
            "[class*=data]",  # Italian, Polish, Portuguese
            "[class*=datum]",  # German, Dutch, Swedish, Czech
            "[class*=fecha]",
            "[class*=meta]",
        ),
        text=(
            ".comment-content",
            ".xenforo-comment-content",
            ".jdgm-rev__body",
            ".post-message",
            ".leserbrief_inner",
            "[class*=comment-box-middle]",
            "[class*=commentText]",
            ".comment-text",
            ".comment-body",
            ".comment__body",  # BEM (Forem: .comment__content holds .comment__header and .comment__body)
            "[itemprop=text]",
            ".text",
            ".content",
            ".comment__content",
            "[class*=content]",
            "[class*=text]",
            "[class*=testo]",
            "[class*=tekst]",
            "p",
        ),
        containers=COMMENT_CONTAINERS,
    ),
)
_ID_PREFIX = re.compile(
    r"^(?:div-)?(?:(?:comment|kommentar|commentaire|li-comment)(?:[-_]item)?[-_]?(?=\w)|c[-_]?(?=\d))", re.IGNORECASE
)
_EPOCH_MS = re.compile(r"showComment=(\d{10,13})")
_REPLY = re.compile(r"^(?:reply|répondre|antworten|responder|rispondi|beantworten|report|signaler)$", re.IGNORECASE)
_MAX_COMMENTS = 1000


def _matches(node: LexborNode, spec: str) -> tuple[list[LexborNode], str]:
    css, _, name = spec.partition("@")
    css = css.strip()
    if not css:
        return [node], name.strip()
    try:
        return node.css(css)[:50], name.strip()
    except Exception:  # an unsupported selector matches nothing
        return [], ""


def _comment_date(value: str, lang: str | None, now: datetime) -> str | None:
    m = _EPOCH_MS.search(value)
    if m:
        stamp = int(m[1]) / (1000 if len(m[1]) == 13 else 1)
        return datetime.fromtimestamp(stamp, UTC).isoformat(timespec="seconds")
    return parse_date(value, lang, now)


def _dd_of(node: LexborNode) -> LexborNode | None:
    """The `<dd>` right after a `<dt>`, else None."""
    if node.tag != "dt":
        return None
    following = node.next
    while following is not None and not following.is_element_node:
        following = following.next
    return following if following is not None and following.tag == "dd" else None


def _hash_id(author: str | None, text: str) -> str:
    return hashlib.sha1(f"{author or ''}\x1f{text}".encode()).hexdigest()[:12]


def _strip_prefix(value: str) -> str:
    return _ID_PREFIX.sub("", value.strip().lstrip("#"))


class _Reader:
    """Reads the comments of one scheme; knows every item so that a reply's parts stay its own."""

    def __init__(self, items: list[LexborNode], scheme: CommentScheme, lang: str | None, now: datetime):
        self.items = items
        self.ids = {n.mem_id for n in items}
        self.scheme = scheme
        self.lang = lang
        self.now = now

    def owned(self, target: LexborNode, item: LexborNode) -> bool:
        """The target belongs to this comment, not to a reply nested inside it."""
        node = target if target.mem_id != item.mem_id else None
        while node is not None and node.mem_id != item.mem_id:
            if node.mem_id in self.ids:
                return False
            node = node.parent
        return True

    def values(
        self, item: LexborNode, specs: tuple[str, ...], per_spec: int = 50, badges: bool = True
    ) -> Iterator[str]:
        """The item's own non-empty values for `specs`, in their order (the first `per_spec` targets of
        each); without `badges`, a label beside the name ("post-author-badge": Author) is none."""
        for spec in specs:
            targets, name = _matches(item, spec)
            for target in targets[:per_spec]:
                if not badges and BADGE_CLASS.search(attr(target, "class")):
                    continue
                if self.owned(target, item):
                    value = attr(target, name) if name else clean_text(target.text(separator=" "))
                    if value and not badges and not name:
                        value = _without_badges(target, value)
                    if value:
                        yield value

    def first(self, item: LexborNode, specs: tuple[str, ...]) -> str | None:
        return next(self.values(item, specs), None)

    def text(self, item: LexborNode) -> str:
        item = _dd_of(item) or item  # <dt> author and time, <dd> the comment (older WordPress themes)
        for spec in self.scheme.text:
            targets = [t for t in _matches(item, spec)[0] if self.owned(t, item)]
            if targets:
                break
        else:
            targets = [item]
        parts = [render_text(t, lambda n: self.skip(n, item)) for t in targets]
        blocks = (b for part in parts for b in part.split("\n\n"))
        return "\n\n".join(b for b in blocks if b and not _REPLY.match(b.strip()))

    def skip(self, node: LexborNode, item: LexborNode) -> bool:
        if node.mem_id in self.ids and node.mem_id != item.mem_id:
            return True
        if node.tag in ("header", "h2", "h3", "h4", "h5"):  # its header (name, stamp, badges) or subject line
            return True
        names = f"{attr(node, 'class')} {attr(node, 'id')}".lower()
        return any(word in names for word in _META_WORDS)

    def date(self, item: LexborNode) -> str | None:
        """The first stamp that parses: a `title` or text that is no date gives way to the next one."""
        parsed = (_comment_date(v, self.lang, self.now) for v in self.values(item, self.scheme.date, per_spec=3))
        return next((d for d in parsed if d), None)

    @staticmethod
    def _wraps(wrapper: LexborNode, item: LexborNode, by_mem: dict[int, str], cid: str) -> int:
        """How many levels above `item` the wrapper sits (it now stands for `item`), else 0."""
        node = item.parent
        for level in range(1, _WRAP_UP + 1):  # the comment's own markup sits right inside its wrapper
            if node is None:
                return 0
            if node.mem_id == wrapper.mem_id:
                by_mem[wrapper.mem_id] = cid
                return level
            node = node.parent
        return 0

    def parent(self, item: LexborNode, by_mem: dict[int, str], own: str = "") -> str | None:
        if self.scheme.parent:
            found = self.first(item, (self.scheme.parent,))
            return (_strip_prefix(found) or None) if found else None
        stated = stated_parent(item)
        if stated and stated.strip() not in ("", "0"):
            return _strip_prefix(stated) or None
        node = item.parent
        level = 0
        while node is not None:
            if node.mem_id in by_mem and by_mem[node.mem_id] != own:
                return by_mem[node.mem_id]
            level += 1
            if level <= _REPLY_LIST_UP and node.mem_id not in by_mem:  # a wrapper of this comment is no list
                # a list of replies set after the comment it answers, not inside it (Drupal's div.indented,
                # Coral's div.coral-reply-list)
                prev = node.prev
                while prev is not None and not prev.is_element_node:
                    prev = prev.prev
                if prev is not None and prev.mem_id in by_mem and by_mem[prev.mem_id] != own:
                    return by_mem[prev.mem_id]
            node = node.parent
        return None

    def read(self) -> list[Comment]:
        by_mem: dict[int, str] = {}
        comments: list[Comment] = []
        wrappers: list[LexborNode] = []  # items without text of their own: li.comment around article.comment
        claimed: dict[int, int] = {}  # a wrapper that stands for a comment -> the levels between them
        for item in self.items:
            if _teaser(item):
                continue
            text = self.text(item)
            if not text:
                wrappers.append(item)
                continue
            found = next(self.values(item, self.scheme.author, badges=False), None)
            published = self.date(item)
            names = clean_authors(found, handles=True) if found else ()
            author = names[0] if names else (found if found and len(found) <= 60 else None)
            found = self.first(item, self.scheme.id)
            cid = (_strip_prefix(found) if found else "") or _hash_id(author, text)
            by_mem[item.mem_id] = cid
            if claimed:
                _unclaim_lists(item, by_mem, claimed, cid)
            if wrappers:  # a wrapper stands for the first comment inside it, so that replies find it
                kept = []
                for wrapper in wrappers:
                    depth = self._wraps(wrapper, item, by_mem, cid)
                    if depth:
                        claimed[wrapper.mem_id] = depth
                    else:
                        kept.append(wrapper)
                wrappers = kept
            parent = self.parent(item, by_mem, cid)
            comments.append(Comment(id=cid, text=text, author=author, published=published, parent_id=parent))
        return comments


def _unclaim_lists(item: LexborNode, by_mem: dict[int, str], claimed: dict[int, int], cid: str) -> None:
    """A wrapper that holds another comment as deep as the one it stood for is the list of them all
    (a div.comments whose id says "comment-"), not one comment's: no comment in it replies to the first.
    A reply sits deeper in its parent's wrapper (li.comment > ol.children > li > article)."""
    node = item.parent
    for level in range(1, _WRAP_UP + 1):
        if node is None:
            return
        if claimed.get(node.mem_id) == level and by_mem.get(node.mem_id) != cid:
            del by_mem[node.mem_id], claimed[node.mem_id]
        node = node.parent


def _without_badges(target: LexborNode, value: str) -> str:
    """The name without a badge or a "says" set inside its element ("Elin Holmqvist <span
    class=post-author-badge>Författare</span>", "Annick <span class=says>dit</span>"), the label after it."""
    for node in target.css("[class]")[:8]:
        names = attr(node, "class")
        if node.mem_id != target.mem_id and (BADGE_CLASS.search(names) or "says" in names.split()):
            badge = clean_text(node.text(separator=" "))
            if badge and value.endswith(badge) and len(badge) < len(value):
                value = value[: -len(badge)].rstrip(" ·|-–—,")
    return value


def _teaser(item: LexborNode) -> bool:
    """An item that is one link to another page and nothing else: an entry of a "latest comments"
    list in the sidebar, pointing to a comment under some other story, not a comment of this page."""
    link = item.css_first("a[href]")
    if link is None or attr(link, "href").startswith("#"):
        return False
    text = clean_text(item.text(separator=" "))
    return bool(text) and clean_text(link.text(separator=" ")) == text


# a label set beside a commenter's name: "Author", "Moderator", "Top fan"
BADGE_CLASS = re.compile(r"badge|role|flair|label", re.IGNORECASE)
_META_WORDS = (
    "reply",
    "comment-meta",
    "comment-author",
    "comment-footer",
    "commentmetadata",
    "says",
    "avatar",
    "vcard",
    "comment-actions",
    "comment-head",  # and comment-header
    "comment__meta",
    "comment-links",
    "comment-anchor",
    "comments-vote",
)


def _items(tree: LexborHTMLParser, scheme: CommentScheme) -> list[LexborNode]:
    try:
        items = tree.css(scheme.items)[:_MAX_COMMENTS]
        skipped = {n.mem_id for n in tree.css(scheme.skip)} if scheme.skip else set()
    except Exception:  # a bad selector from a config matches nothing
        return []
    seen: set[int] = set()
    out = []
    for node in items:
        if node.mem_id not in skipped and node.mem_id not in seen:
            seen.add(node.mem_id)
            out.append(node)
    return out


def read_comments(
    tree: LexborHTMLParser,
    scheme: CommentScheme,
    lang: str | None,
    now: datetime,
) -> list[Comment]:
    items = _items(tree, scheme)
    return _Reader(items, scheme, lang, now).read() if items else []


def completeness(comments: list[Comment]) -> int:
    """How much a reading says: a comment counts once, and once more for each of its author and date."""
    return sum(1 + bool(c.author) + bool(c.published) for c in comments)


def extract_comments(
    tree: LexborHTMLParser,
    schemes: list[tuple[CommentScheme, str]],
    lang: str | None,
    now: datetime,
    own: int = 0,
) -> tuple[list[Comment], str]:
    """The first of the `own` schemes that yields comments wins, else the most complete reading of the
    others (the first of them on a tie); returns the comments with the scheme's label.

    Call it only when `comment_candidates` found something: that one union query is the cheap gate.
    Past it, each scheme's items are one tree query: testing each candidate for them instead (each
    test parses the selector again) cost 3-4x as much for a scheme that matches nothing.
    """
    for scheme, label in schemes[:own]:  # the site's own rules or a preset the page was detected as: taken as they are
        comments = read_comments(tree, scheme, lang, now)
        if comments:
            return comments, label
    # the schemes of presets the page was not detected as, and the generic one, compete: the reading
    # that finds the most comments with their authors and dates wins (a Drupal scheme that matches a
    # WordPress-style list finds the texts but not who wrote them, or when).  Read in the order of the
    # most each could score, a scheme that cannot beat the best reading so far is not read at all.
    found = []
    for i, (scheme, label) in enumerate(schemes[own:], own):
        items = _items(tree, scheme)
        if items:
            found.append((_ceiling(scheme, items), i, scheme, label, items))
    best: tuple[int, int, list[Comment], str] | None = None  # score, -index, comments, label
    for ceiling, i, scheme, label, items in sorted(found, key=lambda f: (-f[0], f[1])):
        if best is not None and (ceiling, -i) < best[:2]:
            continue
        comments = _Reader(items, scheme, lang, now).read()
        score = completeness(comments)
        if comments and (best is None or (score, -i) > best[:2]):
            best = (score, -i, comments, label)
    return (best[2], best[3]) if best else ([], "")


def _ceiling(scheme: CommentScheme, items: list[LexborNode]) -> int:
    """The most a reading of `items` can score: one comment per item, with an author (a date) only if
    one of the scheme's author (date) selectors matches inside some item."""
    return len(items) * (1 + _may_find(scheme.author, items) + _may_find(scheme.date, items))


def _may_find(specs: tuple[str, ...], items: list[LexborNode]) -> bool:
    selectors = [spec.partition("@")[0].strip() for spec in specs]
    if not selectors:
        return False
    if not all(selectors):  # "@attr": the item itself
        return True
    union = ", ".join(selectors)
    try:
        return any(item.css_first(union) is not None for item in items)
    except Exception:  # an unsupported selector: it might have matched
        return True


_REPLY_LIST_UP = 3  # levels above a reply where the list of replies it is in may sit
_WRAP_UP = 4  # levels above a comment where the wrapper that stands for it may sit

# the classes of an element that holds the article: a comment section never contains one
_BODY_CLASSES = ".entry-content, .post-content, .article-body"


def stated_parent(item: LexborNode) -> str:
    """The id of the comment `item` answers, where a flat list states it (`data-parent`, Komento's
    `parentid`) instead of nesting the reply."""
    return next((value for name in _PARENT_ATTRS if (value := attr(item, name))), "")


_PARENT_ATTRS = ("data-parent", "data-parent-id", "data-parentid", "parentid", "data-reply-to")


def holds_article(node: LexborNode) -> bool:
    """`node` contains the headline or the article's body.  A body class that comes several times is
    the comments' own ("li.post > .post-content" in a server-rendered Disqus thread): an article has one."""
    if node.css_first("h1, [itemprop=articleBody]") is not None:
        return True
    return len(node.css(_BODY_CLASSES)[:2]) == 1


# Every built-in comment selector (the containers above, the presets' and the generic schemes) needs an
# element whose class, id or data-hook spells one of these words, or whose itemprop or itemtype spells
# "omment", in any case (a unit test checks it)
# (forums: "phpbb", the id of a phpBB forum's <body>, and XenForo's "message--post": their replies are
# the topic's comments)
COMMENT_WORDS = (
    *("omment", "omentar", "disqus", "respond", "comol", "jdgm-rev", "leserbrief", "talkback"),
    *("phpbb", "message--post"),
)
_WORDED_CSS = ", ".join(
    [f"[{name}*={word} i]" for word in COMMENT_WORDS for name in ("class", "id", "data-hook")]
    + ["[itemprop*=omment i]", "[itemtype*=omment i]"]  # schema.org's Comment
)


def may_hold_comments(tree: LexborHTMLParser) -> bool:
    """False when no element spells a `COMMENT_WORDS` word, so no built-in selector can match: a page
    that mentions comments only in its scripts or links (most do) is cleared by one query of a few
    attribute tests that stops at the first hit, not by the union of sixty selectors, at 2-3x the cost."""
    try:
        return tree.css_first(_WORDED_CSS) is not None
    except Exception:  # a lexbor without the `i` flag: let the union query decide
        return True


def comment_candidates(tree: LexborHTMLParser, schemes: list[tuple[CommentScheme, str]]) -> list[LexborNode]:
    """Every comment container and item of every scheme, in one query (empty: the page has none)."""
    selectors = list(COMMENT_CONTAINERS)
    for scheme, _ in schemes:
        selectors.extend(scheme.containers)
        selectors.append(scheme.items)
    try:
        return tree.css(", ".join(dict.fromkeys(selectors)))
    except Exception:  # one bad selector: fall back to one at a time
        return [n for css in dict.fromkeys(selectors) for n in _safe_css(tree, css)]


def remove_comment_sections(
    tree: LexborHTMLParser, schemes: list[tuple[CommentScheme, str]], nodes: list[LexborNode] | None = None
) -> None:
    """Decompose comment containers and items so that no comment leaks into the body."""
    found: dict[int, LexborNode] = {}
    if nodes is None:
        nodes = comment_candidates(tree, schemes)
    for node in nodes:
        if node.tag not in ("html", "body") and not holds_article(node):
            found[node.mem_id] = node
            text = _dd_of(node)  # a <dt> item's text is the <dd> after it
            if text is not None:
                found[text.mem_id] = text
    remove_outermost(found)


def _safe_css(tree: LexborHTMLParser, css: str) -> list[LexborNode]:
    try:
        return tree.css(css)
    except Exception:  # an unsupported selector matches nothing
        return []


def remove_outermost(found: dict[int, LexborNode]) -> None:
    """Decompose the nodes none of whose ancestors is also being removed (freed nodes stay untouched)."""
    outer = []
    for node in found.values():
        parent = node.parent
        while parent is not None and parent.mem_id not in found:
            parent = parent.parent
        if parent is None:
            outer.append(node)
    for node in outer:
        node.decompose()
