"""Datasette hook implementations: the article route, links from every article row, the search function.

Registered through the `datasette` entry point (see pyproject.toml); `scraper.browse` re-exports
these hooks so that Datasette also finds the package's templates/ and static/.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from datasette import hookimpl
from datasette.utils import add_cors_headers, await_me_maybe
from datasette.utils.asgi import Base400, Response
from markupsafe import Markup, escape

from .article import ROUTE, article_path, article_view
from .front import ROUTES
from .metadata import PLUGIN_NAME
from .present import authors_list, fts_query, safe_href

if TYPE_CHECKING:  # importing datasette.app here would load entry points while this package is half-imported
    from datasette.app import Datasette

__all__ = [
    "extra_css_urls",
    "extra_template_vars",
    "handle_exception",
    "prepare_connection",
    "register_routes",
    "render_cell",
]

log = logging.getLogger(__name__)
ARTICLE_TABLES = frozenset({"articles", "latest_articles"})
NEWSROOM_TABLES = frozenset({"latest_articles"})  # drawn in the newsroom frame (templates/table.html)
STAMP_COLUMNS = frozenset({"published", "modified", "first_seen", "last_seen", "last_checked", "last_changed"})
# snippet() in the canned search query marks hits with these private-use characters; only they
# become <mark>, after the scraped text around them has been escaped.
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"


@hookimpl
def register_routes(datasette: Datasette) -> list[tuple[str, Callable[..., Any]]]:
    return [*ROUTES, (ROUTE, article_view)]


@hookimpl
def extra_css_urls(datasette: Datasette) -> list[str]:
    """Datasette's own pages get a little CSS: readable titles, the original link on screen at 1280 px."""
    return [datasette.urls.static_plugins(PLUGIN_NAME, "datasette-pages.css")]


@hookimpl
def extra_template_vars(template: str, database: str | None, table: str | None, datasette: Datasette) -> dict[str, Any]:
    """The newsroom frame for the article list: our top bar's links, and no `CREATE VIEW` under the rows
    (readers came for articles; the SQL stays in the database's schema for those who want it)."""
    if template != "table.html" or table not in NEWSROOM_TABLES or database is None:
        return {}
    base = datasette.urls.database(database)
    links = {
        "home_url": datasette.urls.instance(),
        "latest_url": datasette.urls.table(database, table),
        "changed_url": base + "/-/changes",
        "search_url": base + "/-/search",
    }
    return {"newsroom": links, "view_definition": None, "is_view": False}


@hookimpl
def prepare_connection(conn: Any) -> None:
    conn.create_function("newsarchive_fts_query", 1, fts_query, deterministic=True)


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Datasette) -> Any:
    """Link titles to the article page; show author lists as names; highlight search hits."""
    keys = row.keys() if hasattr(row, "keys") else ()
    if column == "title":
        if table in ARTICLE_TABLES and "id" in keys:
            return _article_link(datasette, database, row["id"], value)
        if (table is None or table == "versions") and "article_id" in keys and _plain(row["article_id"]) is not None:
            return _article_link(datasette, database, _plain(row["article_id"]), value)
    if column == "url" and table in (*ARTICLE_TABLES, "versions", None) and isinstance(value, str):
        return _original_link(value)
    if column in STAMP_COLUMNS and table in (*ARTICLE_TABLES, "versions", "comments") and isinstance(value, str):
        return _stamp(value)
    if column == "authors" and table in (*ARTICLE_TABLES, "versions") and isinstance(value, str):
        return ", ".join(authors_list(value)) or Markup("&nbsp;")
    if column == "version" and table == "versions" and "article_id" in keys:
        href = article_path(datasette, database, _plain(row["article_id"]), version=value)
        return Markup('<a href="{}">v{}</a>').format(href, value)
    if column == "snippet" and table is None and isinstance(value, str) and MARK_OPEN in value:
        marked = str(escape(value)).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
        return Markup(marked)
    return None


@hookimpl(hookwrapper=True)
def handle_exception(datasette: Datasette, request: Any, exception: BaseException) -> Generator[None, Any, None]:
    """An expected HTTP error (a 4xx raised on purpose) gets our error page and one INFO log line; anything
    else goes to Datasette's handlers, which print its traceback.

    Datasette 0.65's default handler prints a rich traceback with locals for every exception, a bad
    `?min_words=` included, and awaits every handler's result, so it must be left out for expected errors.
    It calls rich's `print_exception()`, which newer rich (15 here) refuses to do outside an `except`
    block (that once turned a 404 page into a 500), so for a bug it runs with `exception` being handled.
    """
    outcome = yield
    status = _expected_status(exception)
    if status is not None:
        outcome.force_result([_error_page(datasette, request, exception, status)])
    else:
        outcome.force_result([_handling(result, exception) for result in outcome.get_result()])


def _expected_status(exception: BaseException) -> int | None:
    """The 4xx status of an error raised on purpose (no such article, a bad parameter); None for a bug."""
    from datasette.views.base import DatasetteError  # not at import: see TYPE_CHECKING above

    status = exception.status if isinstance(exception, Base400 | DatasetteError) else None
    return status if isinstance(status, int) and 400 <= status < 500 else None


async def _error_page(datasette: Datasette, request: Any, exception: BaseException, status: int) -> Response:
    """What Datasette's handler answers (JSON for a .json path, else the `{status}.html` or `error.html`
    template), rendered with the full template context, so our error.html has the newsroom frame."""
    from datasette.views.base import DatasetteError

    title, info = None, {}
    message: Any = exception.args[0] if exception.args else str(status)  # as Datasette: Markup stays Markup
    if isinstance(exception, DatasetteError):
        title, info = exception.title, dict(exception.error_dict)
        message = Markup(exception.message) if exception.message_is_html else exception.message
    log.info("%s %s: %s", status, request.path, message)
    info.update({"ok": False, "error": message, "status": status, "title": title})
    headers: dict[str, str] = {}
    if datasette.cors:
        add_cors_headers(headers)
    if request.path.split("?")[0].endswith(".json"):
        return Response.json(info, status=status, headers=headers)
    html = await datasette.render_template([f"{status}.html", "error.html"], info, request=request)
    return Response.html(html, status=status, headers=headers)


async def _handling(result: Any, exception: BaseException) -> Any:
    try:
        raise exception
    except BaseException:
        return await await_me_maybe(result)


def _plain(value: Any) -> Any:
    """A foreign key cell arrives expanded as {"value": …, "label": …} on table pages."""
    return value["value"] if isinstance(value, dict) else value


def _stamp(value: str) -> Markup:
    """'2024-06-10T08:00:00+00:00' shown as '2024-06-10 08:00' on two short lines; the full stamp on hover."""
    day, _, rest = value.partition("T")
    if not rest:
        return Markup('<time datetime="{}" title="{}">{}</time>').format(value, value, day)
    # each half unbreakable, so a squeezed column shows "2024-06-11 / 08:05", never "2024 / -06- / 11"
    return Markup('<time datetime="{}" title="{}"><span>{}</span> <span>{}</span></time>').format(
        value, value, day, rest[:5]
    )


def _original_link(url: str) -> Markup | None:
    """A long article URL as a short "host ↗" link (the whole URL in its title), so it stays on screen."""
    href = safe_href(url)
    if href is None:
        return None  # Datasette prints it as escaped text
    host = urlsplit(href).hostname or href
    return Markup('<a class="original" href="{}" title="{}" rel="noopener noreferrer nofollow">{} ↗</a>').format(
        href, href, host.removeprefix("www.")
    )


def _article_link(datasette: Datasette, database: str, article_id: Any, title: Any) -> Markup | None:
    if not isinstance(article_id, int):  # an ad-hoc query may name anything article_id
        return None
    href = article_path(datasette, database, article_id)
    return Markup('<a href="{}">{}</a>').format(href, title if title else "(untitled)")
