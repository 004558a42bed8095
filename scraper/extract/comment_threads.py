"""Comments found by the page's structure where no scheme names their markup.

A comment section is announced to its readers: a heading such as "27 commentaires", "Leserkommentare"
or "Comments (4)" sits over it, or a known container holds it.  Under it the comments are a run of
like elements (same tag, same class), each holding some text.  Inside one, who wrote it and when come
before what was written: the "when" is the first short text that reads as a date, the "who" the
short text before it.  No class name of any comment system is needed, which is what makes this hold
on sites nobody here has seen (SPIP's `li.forum-fil`, a newspaper's `li.member`, a hand-made
`div.kommentar-item`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..models import Comment
from .authors import clean_authors
from .comments import BADGE_CLASS, COMMENT_CONTAINERS, _hash_id, _strip_prefix, holds_article, stated_parent
from .dates import may_be_relative, parse_date
from .html import attr, clean_text, render_text

__all__ = ["comment_sections", "read_threads"]

_CONTAINERS = ", ".join(COMMENT_CONTAINERS)

# a heading is a heading element, or a short bold line or titled block ("<p><strong>3 comentarios",
# "<div class=section-title>Comments (4)") where the theme styles its own: of those, which are many on a
# page, only the ones alone in their line (no child element: a teaser's title holds its link)
_HEADINGS = "h2, h3, h4, h5, h6, [role=heading], legend"
_STYLED = (
    "p > strong:only-child, p > b:only-child, div[class*=itle]:not(:has(*)), span[class*=itle]:not(:has(*)), "
    "div[class*=itulo]:not(:has(*)), div[class*=eading]:not(:has(*))"
)
_DEEP_TAGS = frozenset(["h2", "h3", "h4", "h5", "h6", "legend"])
# containers named for comments in words that "omment" (`COMMENT_CONTAINERS`) misses: comentarios,
# komentarze; like any section, taken only for a run of dated items
_NAMED = "oment"
_WORDED = f"[id*={_NAMED}], [class*={_NAMED}]"
_CONTAINER_TAGS = frozenset(["div", "section", "ul", "ol", "dl", "aside", "article", "table", "tbody"])
_HEADING = re.compile(
    r"(?:\d+\s+)?(?:reader\s+|leser-?\s*)?(?:comments?|kommentare?|commentaires?|comentarios?|commenti|"
    r"komentarze|komentáře|reacties|réactions|reactions|reaktionen|responses|antworten|diskussion|discussion|"
    r"diskuse|diskuze|diskusia|dyskusja|discusión|discussione|discussão|keskustelu|обсуждение|"
    r"comentários|kommentarer|kommentit|yorumlar|hozzászólások|leserstimmen|lesermeinungen|talkbacks?|"
    r"комментарии|коментарі|תגובות|تعليقات|σχόλια|コメント|评论|評論|댓글|beiträge)"
    r"(?:\s*\(\d+\)|\s+\d+)?\s*:?",
    re.IGNORECASE,
)
_HEADING_MAX = 40
# WordPress themes' "3 thoughts on “Title”", "12 Responses to “Title”", "Un commentaire sur « … »"
_HEADING_ON = re.compile(
    r"(?:\d+|one|no|un|une|ein|eine)\s+(?:thoughts?|responses?|repl(?:y|ies)|comments?|commentaires?|kommentare?|"
    r"comentarios?|reactions?|réflexions?|reflexiones|pensieri)\s+(?:on|to|sur|à|zu|a|en|para|su)\s+\S.*",
    re.IGNORECASE,
)
_HEADING_ON_MAX = 300
# a comment's header as one sentence: "Posté par X le 12/03/2024", "Posted by X at 10:15 PM", "von X am …"
_SIGNED_STAMP = re.compile(
    r"^(?:(?:posted|posté|publié|écrit|geschrieben|verfasst|escrito|publicado|scritto|inviato|gepost|napisał|"
    r"napisała)\s+)?(?:by|par|von|por|da|di|door|przez)\s+(?P<name>[^|:]{2,40}?)\s*"
    r"(?:\s(?:on|le|am|el|il|op|em|at|à|dnia)|,|\s[-–|·•])\s*(?=.{0,15}\d)",
    re.IGNORECASE,
)
_LOGIN_LIKE = re.compile(r"[^\W_][\w.-]{1,30}")  # one word of letters and digits: "Sophie_38"
# the class of the piece of a comment's header that is its writer's name
_NAME_CLASS = re.compile(r"author|name|user|autor|auteur|benutzer|nick", re.IGNORECASE)
# the verb a theme sets after the commenter's name: "Carmen Ruiz dice:", "Jane says:", "X schrieb:"
_SAYS = re.compile(
    r"(?:says|said|wrote|dice|dijo|escribió|disse|escreveu|a dit|a écrit|schrieb|schreibt|scrive|ha scritto|"
    r"zegt|schreef|skriver|skrev|napisał|napisała|napsal|napsala)\s*:?$",
    re.IGNORECASE,
)
# a forum topic's title over the posts that discuss the article: "Komentarze: <the headline>"
_HEADING_TOPIC = re.compile(
    r"(?:comments?|kommentare?|commentaires?|comentarios?|commenti|komentarze|komentáře|reacties|reactions?)"
    r"\s*:\s*\S.*",
    re.IGNORECASE,
)
_COUNT = re.compile(r"(\d+)")
_ITEM_TAGS = frozenset(["li", "div", "article", "section", "dd", "blockquote"])
_ITEM_TEXT = 20  # characters an element needs to be one of a run of comments
_RUN_MIN = 2
_LEAF_MAX = 60  # a name or a date is short
_UP = 3  # levels from a heading to the element that holds it and the comments
_CLOCK = re.compile(r"\d{1,2}[:.h]\d{2}")


class Section(NamedTuple):
    """Where comments were found: a holder of a run of them, or a heading and the run that follows it."""

    node: LexborNode
    announced: int | None  # the number its heading announces ("3 comentarios"), if it does
    following: tuple[LexborNode, ...] = ()  # the comments after a heading (`_run_after`), found once


def comment_sections(tree: LexborHTMLParser, known: Sequence[LexborNode] = ()) -> list[Section]:
    """The elements that hold a comments heading and the comments under it (one query for headings),
    and the comment containers among `known` (what `comment_candidates` found); each with the number
    of comments its heading announces ("3 comentarios", "Comments (4)"), if it does."""
    sections: dict[int, Section] = {}
    for node in known:
        if node.tag not in ("html", "body") and node.css_matches(_CONTAINERS) and not _latest_elsewhere(node):
            sections[node.mem_id] = Section(node, None)
    for heading in tree.css(f"{_HEADINGS}, {_STYLED}, {_WORDED}"):
        named = heading.tag in _CONTAINER_TAGS and _NAMED in f"{attr(heading, 'id')} {attr(heading, 'class')}"
        if named and run_of_items(heading):
            if not _latest_elsewhere(heading):
                sections[heading.mem_id] = Section(heading, None)
            continue
        deep = heading.tag in _DEEP_TAGS or attr(heading, "role") == "heading"
        text = clean_text(heading.text(deep=deep))
        announced = _announced(text)
        if announced is None:
            continue
        section = _holder(heading)
        if section is not None:
            sections[section.mem_id] = Section(section, announced or None)
        elif following := _run_after(heading):
            sections[heading.mem_id] = Section(heading, announced or None, tuple(following))
    return list(sections.values())


def _latest_elsewhere(node: LexborNode) -> bool:
    """Inside a "Latest comments" widget (`#kmt-latest-comments`, a sidebar box under that heading):
    readers' comments on other stories, named so or headed so just above, a few levels up."""
    holder: LexborNode | None = node
    for _ in range(_LATEST_UP):
        if holder is None or holder.tag in ("body", "html"):
            return False
        if _LATEST.search(f"{attr(holder, 'id')} {attr(holder, 'class')}"):
            return True
        heading = holder.prev
        while heading is not None and not heading.is_element_node:
            heading = heading.prev
        if heading is not None and heading.tag in _HEADING_TAGS and _LATEST_HEADING.match(clean_text(heading.text())):
            return True
        holder = holder.parent
    return False


_LATEST = re.compile(r"(?:latest|recent|newest|last)[-_]?comments?", re.IGNORECASE)
_LATEST_HEADING = re.compile(
    r"^(?:latest|recent|newest|neueste|letzte|derniers|últimos|ultimi|najnowsze|nieuwste)\s+"
    r"(?:reader\s+)?(?:comments?|kommentare|leserkommentare|commentaires|comentarios|commenti|komentarze|reacties)$",
    re.IGNORECASE,
)
_LATEST_UP = 5  # an item, its list, the container, its card body, the card: where a box's heading sits
_HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})


def _announced(text: str) -> int | None:
    """None when `text` is no comments heading; else the number of comments it announces, 0 for none
    given.  "3 thoughts on “Anno 1800”" counts by its first word only, not by the title's numbers."""
    if len(text) <= _HEADING_MAX and _HEADING.fullmatch(text):
        count = _COUNT.search(text)
    elif len(text) <= _HEADING_ON_MAX and (_HEADING_ON.fullmatch(text) or _HEADING_TOPIC.fullmatch(text)):
        count = _COUNT.match(text)
    else:
        return None
    return int(count[1]) if count else 0


def _holder(heading: LexborNode) -> LexborNode | None:
    """The nearest ancestor holding, besides the heading, a run of comments."""
    node = heading
    for _ in range(_UP):
        node = node.parent  # type: ignore[assignment]
        if node is None or node.tag in ("body", "html"):
            return None
        if holds_article(node):
            return None  # climbed into the article: the heading belongs to a teaser or a toolbar
        if len(clean_text(node.text())) > len(clean_text(heading.text())) + _ITEM_TEXT and run_of_items(node):
            return node
    return None


def _top_below(heading: LexborNode, holder: LexborNode) -> LexborNode:
    node = heading
    while node.parent is not None and node.parent.mem_id != holder.mem_id:
        node = node.parent
    return node


def _run_after(heading: LexborNode) -> list[LexborNode]:
    """The like elements that follow a comments heading in a column that also holds the article
    ("<h1>…<div class=text>…</div><h2>Komentarze: …</h2><div class=post>…</div><div class=post>…</div>"):
    the comments are the heading's next siblings (or its wrapper's), not the whole column."""
    node = heading
    for _ in range(_UP):
        parent = node.parent
        if parent is None or parent.tag in ("html",):
            return []
        if holds_article(parent) or parent.tag == "body":
            break
        node = parent
    else:
        return []
    counts: Counter[tuple[str, str]] = Counter()
    members: dict[tuple[str, str], list[LexborNode]] = {}
    sibling = node.next
    while sibling is not None:
        if sibling.is_element_node and sibling.tag in _ITEM_TAGS and len(sibling.text().strip()) >= _ITEM_TEXT:
            classes = attr(sibling, "class").split()
            key = (sibling.tag or "", classes[0] if classes else "")
            counts[key] += 1
            members.setdefault(key, []).append(sibling)
        elif sibling.is_element_node and _DEEP_TAGS.intersection([sibling.tag or ""]):
            break  # the next heading opens another part of the page
        sibling = sibling.next
    if not counts:
        return []
    key, n = counts.most_common(1)[0]
    return members[key] if n >= _RUN_MIN else []


def run_of_items(section: LexborNode) -> list[LexborNode]:
    """The most numerous like elements (tag and first class) of the section, the outermost of those
    nearly as numerous; replies nested in a comment share its markup, so they are in the run too."""
    counts: Counter[tuple[str, str]] = Counter()
    depth: dict[tuple[str, str], int] = {}
    members: dict[tuple[str, str], list[LexborNode]] = {}
    for node, level in _elements(section):
        if node.tag not in _ITEM_TAGS or len(node.text().strip()) < _ITEM_TEXT:
            continue
        classes = attr(node, "class").split()  # the first class: "member odd" and "member last" are alike
        key = (node.tag or "", classes[0] if classes else "")
        counts[key] += 1
        depth.setdefault(key, level)
        members.setdefault(key, []).append(node)
    runs = [key for key, n in counts.items() if n >= _RUN_MIN]
    if not runs:
        return []
    most = max(counts[key] for key in runs)
    # the outermost of the near-largest runs: a comment's own parts (its text div, its time) are as many
    best = min((key for key in runs if counts[key] >= 0.8 * most), key=lambda key: (depth[key], -counts[key]))
    return members[best]


def _elements(root: LexborNode) -> list[tuple[LexborNode, int]]:
    out: list[tuple[LexborNode, int]] = []
    stack = [(child, 1) for child in _children(root)][::-1]
    while stack:
        node, level = stack.pop()
        out.append((node, level))
        stack.extend([(child, level + 1) for child in _children(node)][::-1])
    return out


def _children(node: LexborNode) -> list[LexborNode]:
    return [child for child in node.iter() if child.is_element_node]


def read_threads(sections: list[Section], lang: str | None, now: datetime) -> tuple[list[Comment], list[LexborNode]]:
    """The comments of every section, threaded by nesting, with author and date where they show.

    A run most of whose items carry no date is not taken: teasers and galleries under a "Discussion"
    heading are runs of like elements too, but reader comments are stamped, unless the heading counts
    them ("3 comentarios" over three items).  Returns the comments and the sections they were read from."""
    comments: list[Comment] = []
    taken: list[LexborNode] = []
    seen: set[int] = set()
    held: set[int] = set()  # the sections taken and the items read: what lies inside them is read already
    for section, announced, following in _outermost_first(sections):
        if _inside(section, held):
            continue  # a comment's own parts, matched as a section of their own ("div.comentario")
        # a heading stands for the comments that follow it, in a column that also holds the article
        run = following or run_of_items(section)
        items = [item for item in run if item.mem_id not in seen]
        seen.update(item.mem_id for item in items)  # a heading's section and a known container may nest
        ids = {item.mem_id for item in items}
        by_mem: dict[int, str] = {}
        found = []
        for item in items:
            text = _text(item, ids)
            if not text:
                continue
            author, published, header = _who_and_when(item, ids, lang, now)
            if published is None and author is None and announced:
                # an undated comment of a counted section: the name it opens with, if it does
                author = _name_at(_pieces(item, ids, 3), 0)
                header = {author} if author else header
            text = _without_header(text, header)
            # the site's own id where the item has one, else a hash that stays put when comments are added
            cid = by_mem[item.mem_id] = _strip_prefix(attr(item, "id")) or _hash_id(author, text)
            parent = _parent(item, by_mem, section)  # items come in page order: a parent is read first
            found.append(Comment(id=cid, text=text, author=author, published=published, parent_id=parent))
        counted = announced is not None and announced == len(found) >= _RUN_MIN
        if counted or 2 * sum(c.published is not None for c in found) > len(found):
            comments.extend(found)
            taken.extend([section, *items] if following else [section])
            held.update([section.mem_id, *ids])
    return comments, taken


def _depth(node: LexborNode) -> int:
    depth, at = 0, node.parent
    while at is not None:
        depth, at = depth + 1, at.parent
    return depth


def _outermost_first(sections: list[Section]) -> list[Section]:
    """Sections that hold others come first (a stable sort: same depth keeps page order)."""
    return sorted(sections, key=lambda s: _depth(s.node))


def _inside(node: LexborNode, held: set[int]) -> bool:
    at = node.parent
    while at is not None:
        if at.mem_id in held:
            return True
        at = at.parent
    return False


def _text(item: LexborNode, ids: set[int]) -> str:
    """The item's longest text block outside its replies: what the reader wrote, not the header (nor
    the wrapper of its replies, whose text is theirs)."""
    holds_replies = _holders_of_replies(item, ids)
    best, size = item, 0
    for node, _ in _elements(item):
        if node.mem_id in ids or node.mem_id in holds_replies:
            continue  # a reply, read on its own
        if node.tag in ("p", "div", "blockquote", "span", "section") and not _inside_reply(node, item, ids):
            length = len(node.text(deep=True).strip())
            if length > size and node.parent is not None:
                best, size = node, length
    block = _paragraphs_of(best, item)
    text = render_text(block, lambda n: n.mem_id in ids and n.mem_id != item.mem_id).strip()
    lines = text.split("\n")
    while len(lines) > 1 and (not lines[-1].strip() or _actions(lines[-1])):
        lines.pop()  # the comment's own buttons under it: "Like 7", "Reply", "Report", "6 | Reply"
    return "\n".join(lines).strip()


def _actions(line: str) -> bool:
    """A line of a comment's buttons and counters: "Reply", "Like 7", "6 | Reply · Share"."""
    parts = [p.strip() for p in _ACTION_SEP.split(line.strip()) if p.strip()]
    return bool(parts) and all(_ACTION.match(p) or p.isdigit() for p in parts) and not all(p.isdigit() for p in parts)


_ACTION_SEP = re.compile(r"[|·•]")
_ACTION = re.compile(
    r"^(?:(?:like|likes|gefällt mir|j'aime|me gusta|mi piace|reply|répondre|antworten|responder|rispondi|"
    r"beantworten|report|signaler|melden|quote|zitieren|citer|share|teilen|partager|permalink|flag|"
    r"upvote|downvote)\s*\(?\d*\)?|\d+\s*(?:likes?|replies|repl(?:y|ies)|antworten|réponses?))$",
    re.IGNORECASE,
)


def _holders_of_replies(item: LexborNode, ids: set[int]) -> set[int]:
    """The elements inside `item` that hold one of its replies."""
    held: set[int] = set()
    for node, _ in _elements(item):
        if node.mem_id in ids:
            up = node.parent
            while up is not None and up.mem_id != item.mem_id and up.mem_id not in held:
                held.add(up.mem_id)
                up = up.parent
    return held


def _paragraphs_of(node: LexborNode, item: LexborNode) -> LexborNode:
    """A paragraph among sibling paragraphs stands for its parent: the comment is all of them."""
    parent = node.parent
    if node.tag == "p" and parent is not None and parent.mem_id != item.mem_id:
        return parent
    return node


def _inside_reply(node: LexborNode, item: LexborNode, ids: set[int]) -> bool:
    parent = node.parent
    while parent is not None and parent.mem_id != item.mem_id:
        if parent.mem_id in ids:
            return True
        parent = parent.parent
    return False


def _header_line(line: str, header: set[str], pieces: list[str]) -> bool:
    """The line is made of the header's `pieces`, longest first ("Carmen Ruiz dice:": a name, and a
    verb of saying)."""
    rest = line.strip(" :")
    if rest in header:
        return True
    for piece in pieces:
        rest = rest.replace(piece, " ")
    rest = rest.strip(" :,·•|-–—")
    return rest != line.strip(" :") and (not rest or bool(_SAYS.fullmatch(rest)))


def _without_header(text: str, header: set[str]) -> str:
    """The comment without the name and stamp lines it opens with, where its block holds them too."""
    lines = text.split("\n")
    pieces = sorted((p for p in header if p), key=len, reverse=True)
    start = 0
    while start < len(lines) and (not lines[start].strip() or _header_line(lines[start], header, pieces)):
        start += 1
    rest = "\n".join(lines[start:]).strip()
    return rest or text


def _who_and_when(
    item: LexborNode, ids: set[int], lang: str | None, now: datetime
) -> tuple[str | None, str | None, set[str]]:
    """The first short text that reads as a date, and the short text before it as the author; and the
    short texts read up to the date (the comment's header)."""
    before: list[str] = []
    named = ""  # the last piece whose class names it the author: "<span class=tb-author>" before a location
    for node, _ in _elements(item):
        if node.mem_id in ids or _inside_reply(node, item, ids):
            continue
        stamp = attr(node, "datetime") if node.tag == "time" else ""
        own = stamp or clean_text(node.text(deep=False))
        if not own or len(own) > _LEAF_MAX or (before and not any(ch.isalnum() for ch in own)):
            continue  # "<span class=sep>·</span>" between the name and the stamp is no name
        dated = any(ch.isdigit() for ch in own) or may_be_relative(own)
        if dated and (published := parse_date(own, lang, now)):
            shown = clean_text(node.text(deep=True)).strip(" :")  # a <time>'s text, beside its datetime
            header = {*before, own.strip(" :"), *([shown] if len(shown) <= _LEAF_MAX else [])}
            signed = _SIGNED_STAMP.match(own) if not named else None
            if signed:  # "Posté par Jean-Marc L. le 12/03/2024 à 14h05": name and stamp in one sentence
                names = clean_authors(signed["name"], handles=True)
                handle = signed["name"] if _LOGIN_LIKE.fullmatch(signed["name"]) else None
                if names or handle:
                    return names[0] if names else handle, published, header
            if not before:
                # the stamp is its element's own text and the name a child ("<b>Ana</b> escribió el
                # 11/03/2024"), or the name follows the stamp: read the pieces in reading order
                author = _name_beside(item, ids, own)
                return author, published, header | ({author} if author else set())
            if not named and _CLOCK.search(before[-1]):
                return None, published, header  # "at 02:57": the stamp's own words, not a name
            who = named or before[-1]
            names = clean_authors(who, handles=True)
            author = names[0] if names else who[:_LEAF_MAX] if any(ch.isalnum() for ch in who) else None
            return author, published, header
        if before and (BADGE_CLASS.search(attr(node, "class")) or _SAYS.match(own)):
            continue  # "Claire <span class=badge>Autrice</span>", "<cite>Carmen</cite> dice:": the name is before
        if _NAME_CLASS.search(attr(node, "class")):
            named = own.strip(" :")
        before.append(own.strip(" :"))
        if len(before) > 4:
            break  # the header is over: what follows is the comment itself
    return None, None, set()


def _pieces(item: LexborNode, ids: set[int], limit: int = 12) -> list[str]:
    """The item's first text pieces in reading order, its replies left out."""
    pieces: list[str] = []
    stack = list(item.iter(include_text=True))[::-1]
    while stack and len(pieces) < limit:
        node = stack.pop()
        if node.tag == "-text":
            text = clean_text(node.text_content or "").strip(" :,")
            if text:
                pieces.append(text)
        elif node.mem_id not in ids:
            stack.extend(list(node.iter(include_text=True))[::-1])
    return pieces


def _name_at(pieces: list[str], i: int) -> str | None:
    """Piece `i` when it is a name alone and more text (the comment) follows it."""
    if not 0 <= i < len(pieces) - 1:
        return None
    piece = pieces[i]
    if len(piece) > _LEAF_MAX or any(ch.isdigit() for ch in piece):
        return None
    names = clean_authors(piece, handles=True)
    return names[0] if names and names[0].rstrip(".") == piece.rstrip(".") else None


def _name_beside(item: LexborNode, ids: set[int], stamp: str) -> str | None:
    """The name written just before the stamp, else just after it when more text follows (the
    comment)."""
    pieces = _pieces(item, ids)
    at = next((i for i, piece in enumerate(pieces) if piece in stamp or stamp in piece), None)
    if at is None:
        return None
    before = _name_at(pieces, at - 1) if at > 0 else None
    return before or _name_at(pieces, at + 1)


def _parent(item: LexborNode, by_mem: dict[int, str], section: LexborNode) -> str | None:
    stated = _strip_prefix(stated_parent(item).strip())
    if stated and stated in by_mem.values():  # "kmt-0", Komento's root, names no comment: nesting decides
        return stated
    node = item.parent
    while node is not None and node.mem_id != section.mem_id:
        if node.mem_id in by_mem:
            return by_mem[node.mem_id]
        node = node.parent
    return None
