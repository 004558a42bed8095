"""A synthetic news site, generated on request, for crawler tests and the crawl benchmark.

Realistic where it costs a crawler something: 30-80 KB article pages with a heavy head (meta,
inline scripts, JSON-LD), navigation, related links, comments and a footer; sections with
paginated listings; an RSS feed; a gzip sitemap index plus a Google News sitemap; a robots.txt
with a disallowed path; ETags with 304s.  Pages are built from the article number, so a
20,000-article site costs no memory, and `edit(n)` changes one article's body (and ETag).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from xml.sax.saxutils import escape

__all__ = ["ARTICLE_PATTERN", "SELECTORS", "Response", "SyntheticSite"]

ARTICLE_PATTERN = r"/\d{4}/\d{2}/\d{2}/[a-z0-9-]+-\d+\.html$"
SELECTORS = {
    "title": "h1.headline",
    "author": ".byline .author",
    "date": "time.published@datetime",
    "body": "div.article-body",
}
_WORDS_TEXT = (
    "government minister council budget election report city river school hospital market energy "
    "climate court police festival museum harbour railway farmers students union tourism science "
    "villagers mayor parliament vote housing prices storm bridge library theatre research hospital "
    "the a of and in to for on with that after before during under over about against between"
)
_WORDS = tuple(_WORDS_TEXT.split(" "))
_SECTIONS = ("politics", "economy", "world", "culture", "science", "sport", "local", "opinion")
_SPAN = timedelta(days=60)  # every article is dated inside the last 60 days, so all are revisitable
_SITEMAP_CHUNK = 1000
_PLAIN = r"/[a-z]+/[a-z]+-[a-z]+-\d+\.html"


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(_WORDS, k=n))


@functools.cache
def _script_block(kb: int, variant: int) -> str:
    """Inline scripts are the bulk of a real page's weight; built once per (size, variant)."""
    rng = random.Random(kb * 100 + variant)
    chunk = "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)};"
    cfg = json.dumps({"ads": [{"slot": f"div-gpt-{i}", "sizes": [[300, 250], [728, 90]]} for i in range(20)]})
    parts = [chunk, f"var __CFG={cfg};"]
    while sum(map(len, parts)) < kb * 1024:
        parts.append(f"(function(){{var k{rng.randrange(10**6)}='{_words(rng, 12)}';}})();")
    return "".join(parts)


def _script(rng: random.Random, kb: int) -> str:
    return _script_block(kb, rng.randrange(4))


@dataclass
class SyntheticSite:
    """`n` articles in 8 sections; `per_page` links per listing page."""

    n: int = 100
    per_page: int = 20
    seed: int = 1
    edits: dict[int, int] = field(default_factory=dict)  # article number -> edit count
    gzip_sitemaps: bool = True
    plain_urls: bool = False  # /section/word-word-N.html: nothing in the URL says "article"
    walls: dict[int, str] = field(default_factory=dict)  # article number -> "consent", "paywall" or "captcha"
    # The clock the site's dates hang from: the newest article is an hour before `now`, so no date is
    # in the future and none ages out of a revisit schedule while a test runs, on any calendar day.
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(second=0, microsecond=0))

    # ------------------------------------------------------------ naming

    def published(self, i: int) -> datetime:
        """Article i is newer than article i-1; the spacing shrinks for big sites to stay inside _SPAN."""
        step = min(timedelta(minutes=37), _SPAN / max(self.n, 1))
        return self.now - timedelta(hours=1) - step * (self.n - 1 - i)

    def section(self, i: int) -> str:
        return _SECTIONS[i % len(_SECTIONS)]

    def slug(self, i: int) -> str:
        rng = random.Random(self.seed * 1_000_003 + i)
        return "-".join(rng.choice(_WORDS[:40]) for _ in range(5)) + f"-{i}"

    def article_path(self, i: int) -> str:
        if self.plain_urls:
            return f"/{self.section(i)}/{'-'.join(self.slug(i).split('-')[:2])}-{i}.html"
        return f"{self.published(i):/%Y/%m/%d}/{self.slug(i)}.html"

    def article_paths(self) -> list[str]:
        return [self.article_path(i) for i in range(self.n)]

    def section_items(self, name: str) -> list[int]:
        idx = _SECTIONS.index(name)
        return list(range(self.n - 1, -1, -1))[idx :: len(_SECTIONS)] if self.n else []

    def pages_of(self, name: str) -> int:
        return max(1, -(-len(self.section_items(name)) // self.per_page))

    def edit(self, i: int) -> None:
        self.edits[i] = self.edits.get(i, 0) + 1

    # ------------------------------------------------------------ pages

    def _shell(self, title: str, main: str, rng: random.Random, extra_head: str = "", script_kb: int = 12) -> str:
        nav = "".join(f'<li><a href="/section/{s}/">{s.title()}</a></li>' for s in _SECTIONS)
        footer_links = "".join(f'<li><a href="/about/{w}">{w.title()}</a></li>' for w in _WORDS[:30])
        return (
            "<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<title>{escape(title)} | The Daily Synthetic</title>"
            '<meta name=viewport content="width=device-width,initial-scale=1">'
            '<link rel=alternate type="application/rss+xml" title="Latest" href="/feed.xml">'
            f"{extra_head}<style>{'.c{margin:0 auto;padding:1em}' * 40}</style>"
            f"<script>{_script(rng, script_kb)}</script></head><body>"
            '<header class=site-header><a class=logo href="/">The Daily Synthetic</a>'
            f'<nav class=main-nav><ul>{nav}</ul></nav><a href="/private/members">Members</a></header>'
            f'<div class=ad-slot id="div-gpt-0">Advertisement</div><main class=c>{main}</main>'
            f"<footer class=site-footer><ul>{footer_links}</ul><p>© 2026 The Daily Synthetic</p></footer>"
            f"<script>{_script(rng, script_kb // 2)}</script></body></html>"
        )

    def article_html(self, i: int) -> str:
        rng = random.Random(self.seed * 7919 + i)
        title = _words(rng, 9).capitalize()
        author = f"{rng.choice(['Ana', 'Ben', 'Chloé', 'Dev', 'Eva', 'Farid'])} {rng.choice(['Roy', 'Moreau', 'Ng'])}"
        when = self.published(i).isoformat()
        paras = [f"<p>{_words(rng, rng.randint(60, 110)).capitalize()}.</p>" for _ in range(rng.randint(10, 22))]
        for k in range(self.edits.get(i, 0)):
            paras.append(f"<p>Update {k + 1}: {_words(random.Random(i * 31 + k), 40)}.</p>")
        related = "".join(
            f'<li><a href="{self.article_path(j)}?utm_source=related#top">Related {j}</a></li>'
            for j in (rng.randrange(self.n) for _ in range(6))
        )
        comments = "".join(
            f'<li class=comment id="c{i}-{k}"><span class=comment-author>Reader {k}</span>'
            f"<p class=comment-text>{_words(rng, 25)}</p></li>"
            for k in range(rng.randint(0, 5))
        )
        ld = json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": title,
                "datePublished": when,
                "author": {"@type": "Person", "name": author},
                "publisher": {"@type": "Organization", "name": "The Daily Synthetic"},
            }
        )
        head = (
            f'<link rel=canonical href="{self.article_path(i)}">'
            f'<meta property="og:title" content="{escape(title)}">'
            f'<meta property="article:published_time" content="{when}">'
            f'<script type="application/ld+json">{ld}</script>'
        )
        main = (
            f"<article><h1 class=headline>{escape(title)}</h1><div class=byline>By <span class=author>{author}</span>"
            f' <time class=published datetime="{when}">{self.published(i):%d %B %Y}</time></div>'
            f'<div class=share-buttons><a href="https://social.example/share?u={i}">Share</a></div>'
            f"<div class=article-body>{''.join(paras)}</div></article>"
            f"<aside class=related><h2>Related</h2><ul>{related}</ul></aside>"
            f"<section class=comments><ol class=comment-list>{comments}</ol></section>"
        )
        return self._shell(title, main, rng, head, script_kb=rng.randint(14, 40))

    def wall_html(self, i: int, wall: str) -> str:
        """What a site serves instead of article i to a visitor without the right cookie or subscription."""
        if wall == "paywall":  # the story's head and metadata, then the subscription box
            full = self.article_html(i)
            head, _, rest = full.partition("<div class=article-body>")
            body, _, tail = rest.partition("</div></article>")
            teaser = "</p>".join(body.split("</p>")[:2]) + "</p>"
            box = (
                "<div class=paywall><h3>This article is for subscribers</h3><p>Subscribe to read the rest of"
                " this story. Already a subscriber? <a href='/login'>Log in</a></p></div>"
            )
            return f"{head}<div class=article-body>{teaser}</div>{box}</article>{tail}"
        rng = random.Random(i)
        if wall == "consent":
            main = (
                "<div id=cmp-wall class=consent-wall role=dialog><h2>We value your privacy</h2>"
                "<p>We use cookies and similar technologies to measure our audience, to personalise content and"
                " advertising, and to keep this site free. With your consent, we and our 142 partners store and"
                " access information on your device.</p><p>You can change your choice at any time in Cookie"
                " settings at the bottom of every page.</p>"
                "<button class=accept>Accept all</button><button class=reject>Reject all</button>"
                "<a href='/privacy'>Manage cookies</a></div>"
            )
            return self._shell("Before you continue", main, rng, script_kb=4)
        main = (
            "<div class=challenge><h1>Checking your browser before accessing the site</h1>"
            "<p>This process is automatic. Please verify you are human to continue: we have detected unusual"
            " traffic from your network.</p><div class=captcha-box data-sitekey=abc></div></div>"
        )
        return self._shell("Just a moment...", main, rng, script_kb=2)

    def listing_html(self, name: str, page: int) -> str:
        rng = random.Random(hash((self.seed, name, page)) & 0xFFFFFFFF)
        items = self.section_items(name)[(page - 1) * self.per_page : page * self.per_page]
        cards = "".join(
            f'<div class=card><a class=card-link href="{self.article_path(i)}">{escape(self.slug(i))}</a>'
            f"<p>{_words(rng, 30)}</p></div>"
            for i in items
        )
        pager = ""
        if page < self.pages_of(name):
            pager = f'<a rel=next class=next href="/section/{name}/page/{page + 1}/">Next</a>'
        return self._shell(f"{name.title()} page {page}", f"<h1>{name}</h1>{cards}<nav class=pager>{pager}</nav>", rng)

    def home_html(self) -> str:
        rng = random.Random(self.seed)
        latest = "".join(f'<li><a href="{self.article_path(i)}">{i}</a></li>' for i in range(self.n - 1, -1, -1)[:10])
        return self._shell("Home", f"<h1>Latest</h1><ul class=latest>{latest}</ul>", rng)

    def feed_xml(self) -> str:
        items = "".join(
            f"<item><title>Story {i}</title><link>http://HOST{self.article_path(i)}?utm_medium=rss</link>"
            f"<pubDate>{self.published(i):%a, %d %b %Y %H:%M:%S +0000}</pubDate><guid>{i}</guid></item>"
            for i in range(self.n - 1, -1, -1)[:30]
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>The Daily Synthetic</title><link>http://HOST/</link>{items}</channel></rss>"
        )

    def sitemap_index(self) -> str:
        ext = ".xml.gz" if self.gzip_sitemaps else ".xml"
        chunks = range(max(1, -(-self.n // _SITEMAP_CHUNK)))
        entries = "".join(f"<sitemap><loc>http://HOST/sitemaps/articles-{k}{ext}</loc></sitemap>" for k in chunks)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'
        )

    def sitemap(self, k: int) -> str:
        urls = "".join(
            f"<url><loc>http://HOST{self.article_path(i)}</loc><lastmod>{self.published(i):%Y-%m-%d}</lastmod></url>"
            for i in range(k * _SITEMAP_CHUNK, min(self.n, (k + 1) * _SITEMAP_CHUNK))
        )
        return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'

    def news_sitemap(self) -> str:
        urls = "".join(
            f"<url><loc>http://HOST{self.article_path(i)}</loc><news:news><news:publication>"
            "<news:name>The Daily Synthetic</news:name><news:language>en</news:language></news:publication>"
            f"<news:publication_date>{self.published(i).isoformat()}</news:publication_date>"
            f"<news:title>Story {i}</news:title></news:news></url>"
            for i in range(self.n - 1, -1, -1)[:50]
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
        )

    def robots_txt(self) -> str:
        return (
            "User-agent: *\nDisallow: /private/\n\n"
            "Sitemap: http://HOST/sitemap_index.xml\nSitemap: http://HOST/news-sitemap.xml\n"
        )

    # ------------------------------------------------------------ routing

    def _lookup(self, path: str) -> tuple[str, str, str] | None:
        """(kind, version key, content type) for a path, without building the body."""
        path = path.split("?")[0].split("#")[0]
        xml = "application/xml"
        fixed = {
            "/": ("home", "text/html; charset=utf-8"),
            "/robots.txt": ("robots", "text/plain"),
            "/feed.xml": ("feed", "application/rss+xml"),
            "/sitemap_index.xml": ("index", xml),
            "/news-sitemap.xml": ("news", xml),
        }
        if path in fixed:
            return fixed[path][0], path, fixed[path][1]
        if m := re.fullmatch(r"/sitemaps/articles-(\d+)\.xml(\.gz)?", path):
            return "sitemap", path, "application/gzip" if m.group(2) else xml
        m = re.fullmatch(r"/section/([a-z]+)/(?:page/(\d+)/)?", path)
        if m and m.group(1) in _SECTIONS and int(m.group(2) or 1) <= self.pages_of(m.group(1)):
            return "listing", path, "text/html; charset=utf-8"
        if m := re.fullmatch(ARTICLE_PATTERN.rstrip("$") if not self.plain_urls else _PLAIN, path):
            i = int(path.rsplit("-", 1)[1].removesuffix(".html"))
            if i < self.n and self.article_path(i) == path:
                key = f"{path}#{self.edits.get(i, 0)}{self.walls.get(i, '')}"
                return "article", key, "text/html; charset=utf-8"
        return None

    def _body(self, kind: str, path: str, host: str) -> bytes:
        path = path.split("?")[0]
        if kind == "article":
            i = int(path.rsplit("-", 1)[1].removesuffix(".html"))
            wall = self.walls.get(i)
            return (self.wall_html(i, wall) if wall else self.article_html(i)).encode()
        if kind == "listing":
            m = re.fullmatch(r"/section/([a-z]+)/(?:page/(\d+)/)?", path)
            assert m
            return self.listing_html(m.group(1), int(m.group(2) or 1)).encode()
        if kind == "sitemap":
            k = int(re.findall(r"\d+", path)[0])
            text = self.sitemap(k).replace("HOST", host).encode()
            return gzip.compress(text, mtime=0) if path.endswith(".gz") else text
        builders = {
            "home": self.home_html,
            "robots": self.robots_txt,
            "feed": self.feed_xml,
            "index": self.sitemap_index,
            "news": self.news_sitemap,
        }
        return builders[kind]().replace("HOST", host).encode()

    def respond(self, path: str, headers: dict[str, str], host: str) -> Response:
        """The response to GET `path` with request `headers` (lowercase names); `host` is host:port."""
        found = self._lookup(path)
        if found is None:
            return Response(404, {"content-type": "text/html"}, b"<html><body>Not found</body></html>")
        kind, key, ctype = found
        etag = '"' + hashlib.blake2b(f"{self.seed}:{self.n}:{key}".encode(), digest_size=8).hexdigest() + '"'
        if headers.get("if-none-match") == etag:
            return Response(304, {"etag": etag}, b"")
        return Response(200, {"content-type": ctype, "etag": etag}, self._body(kind, path, host))

    def handler(self, host: str) -> object:
        """A `tests.server.Route` handler serving this site (the LocalServer logs every request)."""

        def handle(req: BaseHTTPRequestHandler) -> None:
            resp = self.respond(req.path, {k.lower(): v for k, v in req.headers.items()}, host)
            req.send_response(resp.status)
            for k, v in resp.headers.items():
                req.send_header(k, v)
            req.send_header("Content-Length", str(len(resp.body)))
            req.end_headers()
            req.wfile.write(resp.body)

        return handle

    def paths(self) -> list[str]:
        """Every path the site serves (for registering routes on a LocalServer)."""
        out = ["/", "/robots.txt", "/feed.xml", "/sitemap_index.xml", "/news-sitemap.xml"]
        ext = ".xml.gz" if self.gzip_sitemaps else ".xml"
        out += [f"/sitemaps/articles-{k}{ext}" for k in range(max(1, -(-self.n // _SITEMAP_CHUNK)))]
        for s in _SECTIONS:
            out += [f"/section/{s}/"] + [f"/section/{s}/page/{p}/" for p in range(2, self.pages_of(s) + 1)]
        return out + self.article_paths()


def mount(server: object, site: SyntheticSite, delay: float = 0.0) -> str:
    """Serve `site` on a `tests.server.LocalServer`, each response `delay` seconds late; returns its base
    URL.  Unknown paths get 404."""
    from tests.server import Route

    host = f"127.0.0.1:{server.port}"  # type: ignore[attr-defined]
    handle = site.handler(host)
    for path in [*site.paths(), "/private/members"]:
        server.routes[path] = Route(handler=handle, delay=delay)  # type: ignore[attr-defined]
    return f"http://{host}"
