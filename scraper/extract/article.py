"""The extraction order: site rules, then detected presets, then generic finders, field by field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..config import Site
from ..models import Article
from .authors import clean_authors
from .body import choose_container, drop_hidden, render_body, without_byline
from .bylines import body_byline, find_authors, fuller_names
from .comment_threads import comment_sections, read_threads
from .comments import (
    GENERIC_SCHEMES,
    comment_candidates,
    completeness,
    extract_comments,
    may_hold_comments,
    remove_comment_sections,
    remove_outermost,
)
from .dates import is_machine_date, parse_date, parse_with_dateparser
from .html import clean_text, parse, select_value, select_values
from .jsonld import read_jsonld
from .leads import find_lead
from .metadata import (
    Doc,
    Found,
    find_canonical,
    find_lang,
    normalise_lang,
    read_meta,
)
from .presets import all_presets, detect_presets
from .pubdate import find_modified, find_published, shown_zone
from .rules import CommentScheme, Rules, rules_from_site
from .titles import find_title, heading_text
from .zones import to_local, with_page_zone

__all__ = ["ArticleWatch", "changed_before_watch", "run"]

# Called with the tree as parsed (scripts and all) just before extraction strips scripts, styles and
# templates; what it returns is called just after, before anything else changes the tree.
ArticleWatch = Callable[[LexborHTMLParser], Callable[[], None]]

_SHORT_BODY = 150
# the words a comments heading is written in (`comment_threads._HEADING`) and comment systems' names:
# "omment" spells comment, Kommentar and commentaire, "oment" comentario, komentarz and komentář,
# "eacti" reacties and réactions
# The raw HTML is searched as it is, so each word is cut after its first letter, which a heading
# capitalises: "alkback" for Talkbacks, "оммент" for Комментарии, "χόλι" for Σχόλια.
_LOGIN_MAX = 40
_COMMENT_HINTS = (
    *("omment", "oment", "disqus", "leserbrief", "jdgm-rev", "eacti", "eaktion", "alkback", "oruml", "ozzász"),
    "eiträge",  # "3 Leserbeiträge"
    *("iskus", "iskuz", "бсужд"),  # "Diskuse (12)", "Dyskusja", "Обсуждение": a discussion under the story
    *("phpbb", "message--post"),  # a forum topic's replies
    *("оммент", "оментар", "תגובות", "تعليق", "χόλι", "コメント", "评论", "評論", "댓글"),
)


def _remove(tree: LexborHTMLParser, selectors: tuple[str, ...]) -> None:
    """Decompose what any of `selectors` matches, in one union query (a tree walk per selector cost more)."""
    possible = [css for css in selectors if css.strip()]
    if not possible:
        return
    try:
        nodes = tree.css(", ".join(possible))
    except Exception:  # one unsupported selector: the others still apply, one at a time
        nodes = [n for css in possible for n in _safe_css(tree, css)]
    remove_outermost({n.mem_id: n for n in nodes if n.tag not in ("html", "body", "head")})


def _safe_css(tree: LexborHTMLParser, css: str) -> list[LexborNode]:
    try:
        return tree.css(css)
    except Exception:  # an unsupported selector matches nothing
        return []


def _rule_value(rules: list[Rules], name: str, doc: Doc) -> tuple[str, str] | None:
    for rule in rules:
        for spec in rule.fields.get(name, ()):
            found = select_value(doc.tree, spec)
            if found:
                return found[0], rule.source(name)
    return None


def _rule_authors(rules: list[Rules], doc: Doc) -> tuple[list[str], str, bool] | None:
    """The first author selector that matches, with the co-authors the same byline lists ("<span
    class=byline><span class=author vcard>A</span> and <span class=author vcard>B</span></span>"):
    further matches of that selector under the first one's grandparent.  The flag says the value is
    a login ("username" is how forums and comment systems class it), a name as its user spelled it."""
    for rule in rules:
        for spec in rule.fields.get("author", ()):
            found = select_value(doc.tree, spec)
            if not found:
                continue
            values = [found[0]]
            byline = found[1].parent.parent if found[1].parent is not None else None
            if byline is not None and byline.tag not in ("body", "html"):
                more = select_values(byline, spec)
                values.extend(v for v in more if v not in values)
            login = "username" in (found[1].attributes.get("class") or "").split()
            return values, rule.source("author"), login
    return None


def _rule_title(rules: list[Rules], doc: Doc) -> Found:
    """A site's title selector is taken as is; a preset's heading loses its kicker and dateline."""
    for rule in rules:
        for spec in rule.fields.get("title", ()):
            found = select_value(doc.tree, spec)
            if not found:
                continue
            if rule.label.startswith("site") or "@" in spec or not (found[1].tag or "").startswith("h"):
                return found[0], rule.source("title")
            text = heading_text(found[1], doc)
            if text:
                return text, rule.source("title")
    return None


def _rule_nodes(rules: list[Rules], doc: Doc) -> tuple[list[LexborNode], str] | None:
    for rule in rules:
        for spec in rule.fields.get("body", ()):
            try:
                nodes = doc.tree.css(spec.partition("@")[0])
            except Exception:
                continue
            if nodes:
                keep = nodes if rule.label.startswith("site") else nodes[:1]
                return keep, rule.source("body")
    return None


def _rule_date(rules: list[Rules], name: str, doc: Doc) -> Found:
    found = _rule_value(rules, name, doc)
    if found:
        iso = parse_date(found[0], doc.locale, doc.now)
        if not iso and not is_machine_date(found[0]):  # an ISO value already said all it could
            iso = parse_with_dateparser(found[0], doc.locale, doc.now)
        if iso:
            return iso, found[1]
    return None


def _dates(rules: list[Rules], doc: Doc, values: dict[str, object], sources: dict[str, str]) -> None:
    """A site's own selector wins outright; a preset's only where structured data says nothing."""
    for name, rule_name in (("published", "date"), ("modified", "modified")):
        found = _rule_date(rules, rule_name, doc)
        if not (found and found[1].startswith("site")):
            found = find_published(doc, found) if name == "published" else (find_modified(doc) or found)
        if found:
            local = to_local(found[0], doc.locale, doc.url)
            values[name], sources[name] = (shown_zone(doc, local) if local == found[0] else local), found[1]
    published, modified = values.get("published"), values.get("modified")
    if isinstance(published, str) and isinstance(modified, str):  # one page, one newsroom clock
        values["modified"] = with_page_zone(modified, published, doc.locale, doc.url)
        values["published"] = with_page_zone(published, modified, doc.locale, doc.url)


def _schemes(rules: list[Rules]) -> list[tuple[CommentScheme, str]]:
    schemes = [(s, r.label) for r in rules for s in r.comments]
    used = {r.label for r in rules}
    for preset in all_presets():
        if preset.rules.label not in used:
            schemes.extend((s, preset.rules.label) for s in preset.rules.comments)
    schemes.extend((s, "generic") for s in GENERIC_SCHEMES)
    return schemes


def _doc(tree: LexborHTMLParser, url: str, site: Site | None, now: datetime, html: str = "") -> Doc:
    meta = read_meta(tree)
    doc = Doc(tree=tree, url=url, now=now, meta=meta, ld=read_jsonld(tree), html=html)
    lang = find_lang(doc, site.lang if site else None)
    doc.locale = lang[0].lower().replace("_", "-") if lang else ""
    doc.site_names = [v for k in ("og:site_name", "application-name", "publisher") for v in meta.get(k, ())]
    if doc.ld.publisher:
        doc.site_names.append(doc.ld.publisher)
    return doc


def changed_before_watch(site: Site | None, url: str) -> bool:
    """Site rules remove nodes before a `watch` would see the tree, which it then does not."""
    return site is not None and bool(site.remove) and site.owns(url)


def run(
    html: str,
    url: str,
    site: Site | None,
    now: datetime,
    tree: LexborHTMLParser | None = None,
    watch: ArticleWatch | None = None,
) -> Article:
    """`tree`, when given, is `parse(html)` done by a caller that reads more of the page (see
    `classify.read_page`); extraction changes it.  `watch` sees it on the way, unless
    `changed_before_watch`."""
    tree = parse(html) if tree is None else tree
    rules: list[Rules] = []
    if site is not None and site.owns(url):
        rules.append(rules_from_site(site))
        _remove(tree, site.remove)
    doc = _doc(tree, url, site, now, html)  # reads the tree, changes nothing
    after_strip = watch(tree) if watch is not None and not changed_before_watch(site, url) else None
    # JSON-LD is read: scripts and styles now only slow every later query and pollute text scans
    tree.strip_tags(["script", "style", "template"])
    if after_strip is not None:
        after_strip()
    generator = (doc.meta.get("generator") or [""])[0]
    rules.extend(p.rules for p in detect_presets(tree, generator))
    sources: dict[str, str] = {}
    values: dict[str, object] = {}
    lang = find_lang(doc, site.lang if site else None)
    if lang and normalise_lang(lang[0]):
        values["lang"], sources["lang"] = normalise_lang(lang[0]), lang[1]
    schemes = _schemes(rules)
    # every comment markup known here spells one of these in the raw HTML, and a word of COMMENT_WORDS in
    # an element's names: two cheap gates for the query (a site's own schemes may spell anything)
    mentioned = any(w in html for w in _COMMENT_HINTS)
    hinted = any(r.comments for r in rules if r.label.startswith("site")) or (mentioned and may_hold_comments(tree))
    candidates = comment_candidates(tree, schemes) if hinted else []
    own = sum(len(r.comments) for r in rules)  # _schemes lists the page's own rules' schemes first
    comments, label = extract_comments(tree, schemes, doc.locale, now, own) if candidates else ([], "")
    # the page's structure fills in where no scheme read the comments, or read only their texts; the
    # page's own rules are taken as they are
    weak = mentioned and completeness(comments) == len(comments) and label not in {r.label for r in rules}
    threads, sections = read_threads(comment_sections(tree, candidates), doc.locale, now) if weak else ([], [])
    if completeness(threads) > completeness(comments):
        comments, label = threads, "generic:structure"
    if comments:
        sources["comments"] = label
    if candidates or sections:
        remove_comment_sections(tree, schemes, candidates + sections)
    _metadata(rules, doc, values, sources)
    drop_hidden(tree)
    for rule in rules:
        _remove(tree, rule.remove)
    _body(rules, doc, values, sources)
    if not values.get("authors") and values.get("body"):
        names = body_byline(values["body"], doc)  # type: ignore[arg-type]
        if names:
            values["authors"], sources["authors"] = names, "text:body-byline"
            values["body"] = without_byline(values["body"], values.get("title"), names)  # type: ignore[arg-type]
    return Article(
        url=url,
        canonical_url=values.get("canonical_url"),  # type: ignore[arg-type]
        title=values.get("title"),  # type: ignore[arg-type]
        authors=values.get("authors", ()),  # type: ignore[arg-type]
        published=values.get("published"),  # type: ignore[arg-type]
        modified=values.get("modified"),  # type: ignore[arg-type]
        body=values.get("body", ""),  # type: ignore[arg-type]
        lang=values.get("lang"),  # type: ignore[arg-type]
        comments=tuple(comments),
        sources=sources,
    )


def _metadata(rules: list[Rules], doc: Doc, values: dict[str, object], sources: dict[str, str]) -> None:
    found = _rule_title(rules, doc) or find_title(doc)
    if found:
        values["title"], sources["title"] = clean_text(found[0]), found[1]
        doc.title = values["title"]  # type: ignore[assignment]
    rule_author = _rule_authors(rules, doc)
    names = clean_authors(rule_author[0], doc.site_names, handles=rule_author[2]) if rule_author else ()
    if rule_author and rule_author[2] and not names and len(rule_author[0][0]) <= _LOGIN_MAX:
        names = (rule_author[0][0],)  # "r23", "petr_novak82": a forum's login is the poster's name
    if names:
        names = fuller_names(names, doc)
    authors = (names, rule_author[1]) if names and rule_author else find_authors(doc)
    if authors:
        values["authors"], sources["authors"] = authors
    _dates(rules, doc, values, sources)
    canonical = find_canonical(doc)
    if canonical:
        values["canonical_url"], sources["canonical_url"] = canonical


def _body(rules: list[Rules], doc: Doc, values: dict[str, object], sources: dict[str, str]) -> None:
    title = values.get("title")
    authors = values.get("authors", ())
    found = _rule_nodes(rules, doc)
    body = ""
    if found:
        body = render_body(found[0], title, authors)  # type: ignore[arg-type]
        if body:
            sources["body"] = found[1]
            if not found[1].startswith("site"):
                lead = find_lead(doc, found[0], doc.headline_start())
                if lead and lead[:60] not in body:
                    body = f"{lead}\n\n{body}"
    stub = body if len(body) < _SHORT_BODY and not (found and found[1].startswith("site")) else ""
    if stub:  # a preset selector that matched a stub ("nach oben") is probably not the article
        body = ""
    if not body:
        nodes = choose_container(doc.tree, doc.ld.body)
        body = render_body(nodes, title, authors) if nodes else ""  # type: ignore[arg-type]
        if body:
            sources["body"] = "generic:density"
            lead = find_lead(doc, nodes, doc.headline_start())
            if lead and lead[:60] not in body:
                body = f"{lead}\n\n{body}"
    if len(body) < len(stub):
        body, sources["body"] = stub, found[1]  # type: ignore[index]
    if len(body) < 200 and len(doc.ld.body) > len(body):
        body, sources["body"] = doc.ld.body.strip(), "jsonld:articleBody"
    page = doc.tree.body
    if not body and page is not None and len(page.text(deep=True).strip()) <= _SHORT_BODY:
        # a page of a line or two, written straight into <body>: that line is all it says (on a page
        # of more text and no article found, its menus and teasers would be taken for one)
        body = render_body([page], title, authors)  # type: ignore[arg-type]
        if body:
            sources["body"] = "generic:page"
    values["body"] = body
