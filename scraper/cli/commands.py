"""The `scraper` commands.

Library code raises typed `ScraperError`s; `reports_errors` (in `exits`) turns each into one line on
stderr and an exit code (1 for a failed operation, 2 for bad configuration or usage), never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import faulthandler
import functools
import logging
import re
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit

import click
from click.core import ParameterSource

from .. import __version__
from ..archive.store import Archive
from ..config import Config, Site, load_config
from ..errors import ConfigError, ConfigErrors, ExtractError, FetchError
from ..models import ArticleState, Counts, Outcome, Page, VersionKind
from .exits import reports_errors, sigterm_as_interrupt
from .options import config_option, db_option, json_option
from .output import echo, emit_json, secho
from .progress import CrawlProgress

if TYPE_CHECKING:
    from ..fetch.pacing import RobotsCache


def command(short: str, *examples: str, **kwargs: Any) -> Callable[[Callable[..., Any]], click.Command]:
    """A subcommand with a one-line summary (never cut with "..." in `scraper --help`) and examples."""
    epilog = "\b\nExamples:\n" + "\n".join(f"  {e}" for e in examples)
    return cli.command(short_help=short, epilog=epilog, **kwargs)


def read_archive(db_path: Path) -> Archive:
    """The archive opened read-only: a missing file is an error, never a new empty archive."""
    return Archive(db_path, readonly=True)


_HOSTLIKE = re.compile(r"^(?:localhost|[\w-]+(?:\.[\w-]+)+)(?::\d+)?(?:[/?#].*)?$", re.IGNORECASE)


def check_url(value: str, param_hint: str) -> str:
    """The canonical form of an http(s) URL (tracking parameters and fragment dropped, as the crawl
    keys articles: a link pasted from social media finds the article it names), or a usage error that
    suggests the scheme when the value looks like a host or the scheme is misspelt."""
    from ..urls import canonicalize

    scheme, sep, rest = value.partition("://")
    if value.lower().startswith(("http://", "https://")):
        canonical = canonicalize(value)
        if canonical is None:
            raise click.BadParameter(f"{value!r} has no usable host name", param_hint=param_hint)
        return canonical
    if sep and (close := difflib.get_close_matches(scheme.lower(), ["http", "https"], n=1)):
        raise click.BadParameter(f"{value!r}: did you mean {close[0]}://{rest}?", param_hint=param_hint)
    if _HOSTLIKE.match(value):
        # a site is https nowadays; a test server on this machine or an address typed as numbers seldom is
        host = urlsplit(f"//{value}").hostname or ""
        local = host == "localhost" or host.endswith(".localhost") or _is_ip(host)
        guess = "http" if local else "https"
        raise click.BadParameter(f"{value!r} has no scheme; did you mean {guess}://{value}?", param_hint=param_hint)
    raise click.BadParameter(f"{value!r} is not an http(s) URL", param_hint=param_hint)


def _not_archived(archive: Archive, url: str, db_path: Path) -> str:
    """ "URL is not in the archive", and what became of it when it was fetched: a 404, not an article."""
    said = f"{url} is not in the archive {db_path}"
    last = archive.last_fetch(url)
    if last is None:
        return said
    at, outcome, status, error = last
    why = error or (f"HTTP {status}" if status else "")
    return f"{said} (fetched {at}: {outcome}{': ' + why if why else ''})"


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def url_argument(func: Any) -> Any:
    """URL, an http(s) URL: a host without its scheme is a usage error with a hint, for every command."""
    return click.argument("url", callback=lambda ctx, param, value: check_url(value, "URL"))(func)


def since_option(func: Any) -> Any:
    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        from ..archive.changes import parse_since

        if value is None:
            return None
        try:
            return parse_since(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None

    return click.option(
        "--since",
        callback=parse,
        metavar="WHEN",
        help="Only since WHEN: a duration ago (1d, 12h, 2w) or a date (YYYY-MM-DD, ISO 8601).",
    )(func)


def check_site(archive: Archive, site: str | None, config: Config | None = None) -> None:
    """An unknown --site is a usage error (exit 2) naming the sites there are."""
    if site is None:
        return
    known = {r[0] for r in archive.conn.execute("SELECT DISTINCT site FROM articles WHERE site IS NOT NULL")}
    if config is not None:
        known |= {s.name for s in config.sites}
    if site not in known:
        names = ", ".join(sorted(known)) or "none yet"
        raise click.BadParameter(f"no site named {site!r} (sites: {names})", param_hint="--site")


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="\b\nExamples:\n  scraper fetch https://www.lemonde.fr/article.html\n  scraper serve --db archive.db"
    "\n  scraper changes --since 1d\n\nEach command has its own --help, with examples.",
)
@click.version_option(__version__, prog_name="scraper")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """newsarchive: fetch news articles, extract them, and keep every edit in SQLite."""
    from ..logs import TextFormatter

    if hasattr(signal, "SIGUSR1"):  # `kill -USR1 <pid>`: every thread's stack on stderr, for a run that seems stuck
        with contextlib.suppress(ValueError, OSError):  # a stderr with no file behind it (a test runner's)
            faulthandler.register(signal.SIGUSR1, all_threads=True)
    level = logging.WARNING - 10 * min(verbose, 2)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])


def _load(config_dir: Path, *, skip_broken: bool = False) -> Config:
    """The config; with `skip_broken`, a broken site file is skipped with one warning line each (for
    commands that only look, or work on another site: one typo must not blind `status`)."""
    _require_named_config(config_dir)
    config = load_config(config_dir, skip_broken=skip_broken)
    for broken in config.broken:
        for line in str(broken.error).splitlines():
            secho(f"warning: site {broken.name!r} skipped: {line} (see `scraper check`)", fg="yellow", err=True)
    return config


def _refuse_broken(config: Config, names: set[str] | None = None) -> None:
    """Raise the errors of the broken site files among `names` (all of them when None)."""
    errors = [b.error for b in config.broken if names is None or b.name in names]
    if errors:
        raise errors[0] if len(errors) == 1 else ConfigErrors(errors)


def _require_named_config(config_dir: Path) -> None:
    """A missing default ./config is no config (fetch works without one), but a --config or
    $SCRAPER_CONFIG the user named must exist: a typo there read as a config with no sites."""
    ctx = click.get_current_context(silent=True)
    source = ctx.get_parameter_source("config_dir") if ctx else None
    if source in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT) and not config_dir.exists():
        raise ConfigError(str(config_dir), None, "no such config folder")


def broker_option(func: Any) -> Any:
    return click.option(
        "--broker",
        "broker_url",
        metavar="URL",
        help="Redis URL (redis://HOST:6379/0): crawl with `scraper worker` processes, here or on other machines.",
    )(func)


# ---------------------------------------------------------------- fetch


@command(
    "Fetch one article, extract it, archive it if it changed.",
    "scraper fetch https://www.lemonde.fr/politique/article/2024/06/20/x.html",
    "scraper fetch https://example.com/post --json --no-store",
)
@url_argument
@db_option
@config_option
@json_option
@click.option("--no-store", is_flag=True, help="Extract and print, but write nothing to the archive.")
@click.option("--force", is_flag=True, help="Archive the page even when it is not an article (a wall, an index).")
@click.option("--ignore-robots", is_flag=True, help="Fetch the URL even if robots.txt disallows it.")
@reports_errors
def fetch(
    url: str, db_path: Path, config_dir: Path, as_json: bool, no_store: bool, force: bool, ignore_robots: bool
) -> None:
    """Fetch one article URL, extract it and archive it as a new version if it changed.

    robots.txt is obeyed (unless --ignore-robots); a page that is not an article (a consent wall, a
    captcha, an index, a soft 404, a paywall stub of a page we hold) is logged, not archived (unless
    --force).

    A timeout, a dropped or refused connection, or a 429, 500, 502, 503 or 504 (of robots.txt or of
    the page) is tried again up to twice, after fetch.backoff (1 s) and twice that, or after the
    server's Retry-After when it is at most 10 s; retries end within fetch.total_timeout (120 s) of
    the start. A failure prints one line starting "Error:" and exits 1.
    """
    from ..archive.ingest import archive_page
    from ..crawl.round import adhoc_site
    from ..errors import HostNotFound, RobotsDisallowed, RobotsHostUnreachable, RobotsUnavailable
    from ..extract import extract_article
    from ..fetch.client import make_fetcher, own_origin
    from ..fetch.pacing import fetch_one

    config = _load(config_dir)
    try:
        site = config.site_for(url) or adhoc_site(url)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="URL") from None

    async def get() -> Page:
        # the host and port the user typed may be private; a redirect to another private address may not
        fetcher = make_fetcher(config.settings, site, trusted=[own_origin(url)])
        try:
            return await fetch_one(fetcher, config.settings, url, ignore_robots=ignore_robots)
        finally:
            await fetcher.aclose()

    def failed(outcome: Outcome, reason: str, line: str, status: int | None = None, logged: bool = False) -> NoReturn:
        """Log the fetch (unless --no-store), say `line` on stderr, and with --json still print one object."""
        if not no_store and not logged:
            with Archive(db_path) as archive:
                archive.record_fetch(url, outcome, status=status, error=reason)
        if as_json:
            emit_json({"url": url, "outcome": str(outcome), "status": status, "error": reason, "archive": None})
        echo(line, err=True)
        sys.exit(1)

    try:
        page = asyncio.run(get())
    except HostNotFound:  # asking for robots.txt or for the page: either way the host is the trouble
        host = urlsplit(url).hostname
        reason = f"DNS lookup failed for {host}"
        failed(Outcome.ERROR, reason, f"Error: cannot reach {host}: {reason}")
    except RobotsHostUnreachable as exc:  # --ignore-robots would not help: the page is on that host
        netloc = urlsplit(url).netloc.rpartition("@")[2]
        failed(Outcome.ERROR, exc.reason, f"Error: cannot reach {netloc}: {exc.cause}")
    except (RobotsDisallowed, RobotsUnavailable) as exc:
        outcome = Outcome.DISALLOWED if isinstance(exc, RobotsDisallowed) else Outcome.ERROR
        line = f"Error: {url}: not fetched: {exc.reason} (--ignore-robots fetches it anyway)"
        failed(outcome, exc.reason, line, exc.status)
    except FetchError as exc:
        failed(Outcome.ERROR, exc.reason, f"Error: {exc}", exc.status)
    site_rules = config.site_for(page.final_url)
    if no_store:
        try:
            article = extract_article(page.html, page.final_url, site_rules, fetched_at=page.fetched_at)
        except ExtractError as exc:
            failed(Outcome.ERROR, exc.reason, f"Error: {exc}", page.status)
        _show_article(article.to_dict(), None, as_json)
        return
    with Archive(db_path) as archive:
        try:
            article, result = archive_page(archive, page, config, site_rules, force=force)
        except ExtractError as exc:
            archive.record_fetch(url, Outcome.ERROR, status=page.status, error=exc.reason)
            failed(Outcome.ERROR, exc.reason, f"Error: {exc}", page.status, logged=True)
    if result.reason is not None:
        line = f"Error: {url}: not archived: {result.reason} ({result.status}; --force archives it anyway)"
        failed(Outcome(result.status), str(result.reason), line, page.status, logged=True)
    _alert(config, page.final_url, article.title, result)
    shown: dict[str, Any] = {"status": result.status, "version": result.version}
    if result.kind == VersionKind.REEXTRACT:  # the page is as before: our extraction of it changed
        shown["kind"] = "reextract"
    if result.removed_comments:  # comments are kept beside the versions: their removal adds none
        shown["removed_comments"] = result.removed_comments
    _show_article(article.to_dict(), shown, as_json)


def _alert(config: Config, link: str, headline: str | None, result: Any) -> None:
    from ..notify import Alerts

    alerts = Alerts(config)
    alerts.saved(config.site_for(link), headline, link, result)
    alerts.close()


def _show_article(data: dict[str, Any], archive: dict[str, Any] | None, as_json: bool) -> None:
    if as_json:
        out = {
            k: data[k] for k in ("url", "canonical_url", "title", "authors", "published", "modified", "lang", "body")
        }
        out["comments"] = data["comments"]
        out["archive"] = archive
        emit_json(out)
        return
    if archive:
        again = " (re-extraction: the page is as before, its extraction changed)" if archive.get("kind") else ""
        removed = archive.get("removed_comments", 0)
        gone = f" · {removed} comment{'s' if removed > 1 else ''} removed from the page" if removed else ""
        secho(f"{archive['status']} · version {archive['version']}{again}{gone}", bold=True)
    words = len(data["body"].split())
    canonical = data["canonical_url"]
    rows = [
        ("URL", data["url"]),  # what `history` and `diff` find it by
        *([("Canonical", canonical)] if canonical and canonical != data["url"] else []),
        ("Title", data["title"]),
        ("Authors", ", ".join(data["authors"]) or None),
        ("Published", data["published"]),
        ("Modified", data["modified"]),
        ("Language", data["lang"]),
        ("Body", f"{words:,} words" + (f": {' '.join(data['body'][:400].split())[:160]}…" if words else "")),
        ("Comments", str(len(data["comments"]))),
    ]
    for label, value in rows:
        echo(f"  {label + ':':<11} {value if value else '—'}")


# ---------------------------------------------------------------- history / diff


@command(
    "The versions of an article, and what kind of change each is.",
    "scraper history https://www.lemonde.fr/article.html",
    "scraper history https://www.lemonde.fr/article.html --json",
)
@url_argument
@db_option
@json_option
@reports_errors
def history(url: str, db_path: Path, as_json: bool) -> None:
    """List the archived versions of an article: when each was seen, where it came from (kind: fetch,
    reextract, import) and what changed (words added and removed, sentences, headline)."""
    with read_archive(db_path) as archive:
        versions = archive.versions(url)
        if not versions:
            raise click.ClickException(_not_archived(archive, url, db_path))
        article = archive.find_article(url)
        moved_to = None
        if article is not None and article["state"] == ArticleState.MOVED:
            moved_to = archive.redirected_to(article["url"]) or archive.redirected_to(url)
    if as_json:
        emit_json([v.summary() for v in versions])
        return
    for v in versions:
        echo(f"v{v.version:<3} {v.first_seen}  →  {v.last_seen}  {v.kind or 'fetch':<9}  {v.title or ''}")
        if v.change:
            echo(f"     {v.change.summary}")
    if article and article["state"] in _STATE_NOTES:  # the last version is not what the site serves now
        note = _STATE_NOTES[article["state"]].format(to=moved_to or "another article")
        echo(f"{article['state']}: {note} (last checked {article['last_checked']})")


_STATE_NOTES = {
    ArticleState.GONE: "the page answered 404 or 410",
    ArticleState.FAILING: "the last check failed",
    ArticleState.MOVED: "the page now redirects to {to}",
}


@command(
    "Word diff of two versions of an article (default: the last two).",
    "scraper diff https://www.lemonde.fr/article.html",
    "scraper diff https://www.lemonde.fr/article.html --from 1 --to 3 --json",
)
@url_argument
@db_option
@json_option
@click.option("--from", "from_version", type=int, help="Older version number (default: the one before --to).")
@click.option("--to", "to_version", type=int, help="Newer version number (default: the latest).")
@reports_errors
def diff(url: str, db_path: Path, as_json: bool, from_version: int | None, to_version: int | None) -> None:
    """Show what changed between two versions of an article, word by word (default: the last two)."""
    from ..archive.diff import render_terminal, word_diff

    with read_archive(db_path) as archive:
        versions = {v.version: v for v in archive.versions(url)}
        if not versions:
            raise click.ClickException(_not_archived(archive, url, db_path))
    for flag, n in (("--from", from_version), ("--to", to_version)):
        if n is not None and n not in versions:  # 0 is a number asked for, not "the default"
            raise click.ClickException(f"{url} has no version {n} ({flag}; versions: 1–{max(versions)})")
    new_n = max(versions) if to_version is None else to_version
    old_n = new_n - 1 if from_version is None else from_version
    if old_n not in versions:  # no --from, and the newer one is the first version
        if to_version is None:
            raise click.ClickException(f"{url} has only one version so far")
        raise click.ClickException(f"{url}: v{new_n} is its first version, there is none before it to compare")
    old, new = versions[old_n], versions[new_n]
    fields = {
        name: {"old": getattr(old, name), "new": getattr(new, name)}
        for name in ("title", "authors", "published", "modified")
        if getattr(old, name) != getattr(new, name)
    }
    chunks = word_diff(old.body, new.body)
    if as_json:
        emit_json(
            {
                "url": url,
                "from": {"version": old_n, "first_seen": old.first_seen},
                "to": {"version": new_n, "first_seen": new.first_seen, "kind": new.kind or "fetch"},
                "change": new.change.to_dict() if new.change and new_n == old_n + 1 else None,
                "fields": fields,
                "body": [c.to_dict() for c in chunks],
            }
        )
        return
    secho(f"v{old_n} ({old.first_seen}) → v{new_n} ({new.first_seen}, {new.kind or 'fetch'})", bold=True)
    if new.change and new_n == old_n + 1:
        echo(new.change.summary)
    for name, change in fields.items():
        if name == "title" and change["old"] and change["new"]:  # word by word: an edit often changes one word
            echo(f"title: {render_terminal(word_diff(change['old'], change['new']))}")
        else:
            before, after = (_field_text(change[side]) for side in ("old", "new"))
            echo(f"{name}: [-{before}-] {{+{after}+}}")
    if any(c.op != "equal" for c in chunks):
        echo(render_terminal(chunks))
    else:
        echo("body: unchanged")


def _field_text(value: object) -> str:
    """A version's field as a reader writes it: authors "A, B", a missing one "(none)"."""
    if isinstance(value, list):
        value = ", ".join(value)
    return str(value) if value else "(none)"


# ---------------------------------------------------------------- check


@command(
    "Validate config/: every mistake in every file, at once.", "scraper check", "scraper check --config ~/news/config"
)
@config_option
@reports_errors
def check(config_dir: Path) -> None:
    """Validate the config folder and say what is wrong, if anything: every error of every file, one a line."""
    if not config_dir.is_dir():
        raise ConfigError(str(config_dir), None, "no such config folder")
    from ..config import load_site, site_files

    config = _load(config_dir)
    from ..notify import check_urls

    check_urls(config)
    disabled = [load_site(p).name for p in site_files(config_dir, include_disabled=True) if p.name.startswith("_")]
    names = ", ".join(s.name for s in config.sites) or "none"
    echo(f"ok: {config_dir}: settings valid, {len(config.sites)} site(s): {names}")
    if disabled:
        echo(f"    disabled (valid): {', '.join(disabled)}")


# ---------------------------------------------------------------- extract


@command(
    "Extract an article from a file or URL, without archiving it.",
    "scraper extract saved.html --url https://www.lemonde.fr/article.html --explain",
    "scraper extract https://example.com/post --json",
)
@click.argument("source")
@config_option
@json_option
@click.option("--url", "base_url", help="The page's URL, when SOURCE is a file (for site rules and links).")
@click.option("--explain", is_flag=True, help="Show which rule produced each field.")
@reports_errors
def extract(source: str, config_dir: Path, as_json: bool, base_url: str | None, explain: bool) -> None:
    """Extract an article from a saved HTML file or a URL, without archiving it."""
    from ..extract import extract_article
    from ..fetch.client import fetch_page
    from ..fetch.decode import decode_html

    config = _load(config_dir, skip_broken=True)  # nothing is written: a broken site file only warns
    if source.startswith(("http://", "https://")):
        page = fetch_page(source, config.settings)
        html, url = page.html, page.final_url
    else:
        path = Path(source)
        if not path.is_file():
            if _HOSTLIKE.match(source) and Path(source.split("/")[0]).suffix.lower() not in (".html", ".htm"):
                check_url(source, "SOURCE")  # suggests a scheme for what looks like a host
            what = "is a folder" if path.is_dir() else "does not exist"
            raise click.BadParameter(f"{source} {what} (give an HTML file or an http(s) URL)", param_hint="SOURCE")
        html, _ = decode_html(path.read_bytes())
        url = base_url or path.resolve().as_uri()
    site = config.site_for(url)
    article = extract_article(html, url, site)
    data = article.to_dict()
    if as_json:
        emit_json(data if explain else {k: v for k, v in data.items() if k != "sources"})
        return
    echo(f"site rules: {site.name if site else 'none (no configured site owns this URL)'}")
    for name in ("title", "authors", "published", "modified", "lang", "canonical_url", "body", "comments"):
        value = data[name]
        shown = (
            f"{len(value)} comment(s)"
            if name == "comments"
            else ", ".join(value)
            if name == "authors"
            else (f"{len(value.split()):,} words: {value[:100]}…" if name == "body" and value else value)
        )
        line = f"  {name + ':':<15} {shown if shown else '—'}"
        if explain:
            line += f"   [{data['sources'].get(name, 'not found')}]"
        echo(line)


# ---------------------------------------------------------------- evidence: reextract, import, copies


@command(
    "Re-run extraction over stored raw pages (versions marked reextract).",
    "scraper reextract",
    "scraper reextract --site lemonde --since 2024-06-01",
)
@db_option
@config_option
@click.option("--site", help="Only this site's articles.")
@since_option
@reports_errors
def reextract(db_path: Path, config_dir: Path, site: str | None, since: str | None) -> None:
    """Re-run extraction over the stored raw pages; add a version only where the result differs."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ..archive.reextract import count_candidates
    from ..archive.reextract import reextract as run_reextract

    config = _load(config_dir)
    read_archive(db_path).close()  # an existing archive: re-extraction never creates one
    with Archive(db_path) as archive:
        check_site(archive, site, config)
        total = count_candidates(archive, site, since)
        with Progress(
            TextColumn("re-extracting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[info]}"),
            disable=not sys.stderr.isatty(),
            console=None,
        ) as progress:
            task = progress.add_task("reextract", total=total, info="")
            counts = run_reextract(
                archive,
                config,
                site=site,
                since=since,
                on_progress=lambda c: progress.update(
                    task, completed=c.checked, info=f"{c.changed} changed, {c.unchanged} unchanged"
                ),
            )
    echo(
        f"re-extracted {counts.checked:,} article(s): {counts.changed:,} changed (new versions marked"
        f" 'reextract'), {counts.unchanged:,} unchanged, {counts.failed:,} failed"
    )


@command(
    "Archive the HTML pages of a WARC/ARC file (versions marked import).",
    "scraper import captures.warc.gz",
    "scraper import crawl.arc --db other.db",
    name="import",
)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@config_option
@reports_errors
def import_(path: Path, db_path: Path, config_dir: Path) -> None:
    """Archive the HTML pages captured in a WARC or ARC file (ours or another tool's)."""
    from ..archive.warc import import_warc, sniff

    config = _load(config_dir)
    sniff(path)  # before the archive is opened: a file that is no WARC leaves no new, empty archive
    with Archive(db_path) as archive:
        counts = import_warc(archive, config, path)
    echo("imported: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))


@command(
    "Near-copies of an article elsewhere in the archive.",
    "scraper copies https://www.lemonde.fr/article.html",
    "scraper copies https://www.lemonde.fr/article.html --max-distance 3 --json",
)
@url_argument
@db_option
@json_option
@click.option("--max-distance", type=click.IntRange(0, 7), default=7, show_default=True, help="SimHash bits.")
@reports_errors
def copies(url: str, db_path: Path, as_json: bool, max_distance: int) -> None:
    """Other archived articles that are near-copies of this one (syndication, light rewrites)."""
    from ..archive.copies import find_copies

    with read_archive(db_path) as archive:
        article = archive.find_article(url)
        if article is None:
            raise click.ClickException(_not_archived(archive, url, db_path))
        found = find_copies(archive.conn, article["id"], max_distance)
    if as_json:
        emit_json(
            [
                {"url": c.url, "title": c.title, "site": c.site, "distance": c.distance, "similarity": c.similarity}
                for c in found
            ]
        )
        return
    if not found:
        echo("no near-copies in the archive")
    for c in found:
        echo(f"{c.similarity:>4.0%}  {c.site or ''}  {c.url}  {c.title or ''}")


# ---------------------------------------------------------------- daemon / status


@command(
    "Crawl every site on its schedule until stopped.",
    "scraper daemon",
    "scraper daemon --log-format json --log-file crawl.log",
)
@db_option
@config_option
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
    default="INFO",
    show_default=True,
)
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), help="Append logs here, not stderr.")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--shutdown-timeout",
    type=float,
    default=30.0,
    show_default=True,
    help="Seconds in-flight pages get to finish after SIGTERM/SIGINT.",
)
@broker_option
@reports_errors
def daemon(
    db_path: Path,
    config_dir: Path,
    log_level: str,
    log_file: Path | None,
    log_format: str,
    shutdown_timeout: float,
    broker_url: str | None,
) -> None:
    """Crawl every configured site on its schedule until stopped (SIGTERM/SIGINT; SIGHUP reloads config)."""
    from ..daemon import Daemon, RoundRunner
    from ..logs import configure_logging

    _require_named_config(config_dir)
    configure_logging(log_level, log_file, log_format)
    round_runner: RoundRunner = functools.partial(_daemon_round, robots={})  # robots.txt kept across rounds
    if broker_url:
        from ..workers.broker import BrokerConfig

        BrokerConfig.from_settings(_load(config_dir).settings, broker_url)  # a bad URL fails now, not per round
        round_runner = functools.partial(_broker_round, broker_url)
    runner = Daemon(config_dir, db_path, runner=round_runner, shutdown_timeout=shutdown_timeout)
    sys.exit(asyncio.run(runner.run()))


async def _broker_round(broker_url: str, config: Config, site: Site, db_path: Path, stop: asyncio.Event) -> Counts:
    from ..workers.coordinator import run_site_round

    return await run_site_round(config, site, db_path, broker_url, stop=stop)


def _next_run(when: str | None) -> str:
    """The next run as a reader takes it: a time gone by is due now, whenever the daemon runs next."""
    from datetime import UTC, datetime

    if when is None:
        return "when the daemon starts"
    if datetime.fromisoformat(when) <= datetime.now(UTC):
        return f"due now (since {when}; the daemon runs it when it is running)"
    return when


async def _daemon_round(
    config: Config, site: Site, db_path: Path, stop: asyncio.Event, *, robots: RobotsCache
) -> Counts:
    from ..crawl.round import run_site_round

    return await run_site_round(config, site, db_path, stop=stop, robots=robots)


@command("Per site: last run, next run, counts; archive totals.", "scraper status", "scraper status --json")
@db_option
@config_option
@json_option
@broker_option
@reports_errors
def status(db_path: Path, config_dir: Path, as_json: bool, broker_url: str | None) -> None:
    """Per site: last run, next run, counts and last error; then archive totals (and the broker's queue)."""
    from ..archive.runs import RUN_COUNTS
    from ..archive.status import archive_status

    config = _load(config_dir, skip_broken=True)
    with read_archive(db_path) as archive:
        report = archive_status(archive, config)
    if broker_url:
        from ..workers.status import broker_status

        report["broker"] = asyncio.run(broker_status(config.settings, broker_url))
    if as_json:
        emit_json(report)
        return
    for name, site in report["sites"].items():
        last = site["last_run"]
        secho(name, bold=True)
        if site["state"] == "failing":
            secho(f"  state: failing: {site['failing']}", fg="red")
        elif site["state"]:
            echo(f"  state: {site['state']}")
        if last:
            counts = ", ".join(f"{k.replace('_', ' ')} {last[k]}" for k in RUN_COUNTS if last.get(k))
            echo(f"  last run: {last['started']} ({last['status']}){': ' + counts if counts else ''}")
            if last.get("error"):
                echo(f"  last error: {last['error']}")
        else:
            echo("  last run: never")
        revisits = site["revisits"]
        if revisits["watched"]:
            upcoming = f", next at {revisits['next']}" if revisits["next"] else ""
            echo(f"  revisits: {revisits['watched']:,} articles watched, {revisits['due']:,} due now{upcoming}")
        if site["configured"]:
            echo(f"  next run: {_next_run(site['next_run'])}")
        elif site["config_error"]:
            first = site["config_error"].splitlines()[0]
            secho(f"  next run: none until its site file loads: {first}", fg="red")
        else:
            echo(f"  next run: never by the daemon (no site file; add one in {config_dir / 'sites'}/ to schedule it)")
    totals = report["archive"]
    echo("archive: " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in totals.items()))
    if "broker" in report:
        b = report["broker"]
        echo(f"broker {b['url']}: {b['queued']:,} message(s) queued, {b['results']:,} result(s) to write")
        echo(f"  leased hosts ({len(b['leased'])}): {', '.join(b['leased'][:20]) or 'none'}")
        echo(f"  live workers ({len(b['workers'])}): {', '.join(b['workers']) or 'none'}")


# ---------------------------------------------------------------- worker


@command(
    "Crawl the hosts a coordinator hands out (more than one machine).",
    "scraper worker --broker redis://10.0.0.5:6379/0 --processes 2 --threads 16",
)
@config_option
@broker_option
@click.option("--processes", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@click.option(
    "--threads", type=click.IntRange(min=1), default=8, show_default=True, help="Hosts each process crawls at once."
)
@reports_errors
def worker(config_dir: Path, broker_url: str | None, processes: int, threads: int) -> None:
    """Crawl the hosts a coordinator (`daemon`/`crawl --broker`) hands out, until SIGTERM/SIGINT."""
    from ..workers.broker import BrokerConfig
    from ..workers.runner import run_workers

    cfg = BrokerConfig.from_settings(_load(config_dir).settings, broker_url)
    sys.exit(run_workers(cfg, processes, threads, logging.getLogger().getEffectiveLevel()))


# ---------------------------------------------------------------- serve


@command(
    "Browse the archive in Datasette: front page, changes, feeds.",
    "scraper serve",
    "scraper serve --db lemonde.db --port 8080",
)
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option(
    "--sql",
    "allow_sql",
    is_flag=True,
    help="Allow arbitrary read-only SQL queries (1 s, 50 rows, 100 KB per value); off by default.",
)
@reports_errors
def serve(db_path: Path, host: str, port: int, allow_sql: bool) -> None:
    """Browse the archive in Datasette (read-only): search, facets, article history and diffs."""
    from ..browse.server import prepare_archive
    from ..browse.server import serve as run_server

    read_archive(db_path).close()  # an archive must exist: serving never creates one
    _check_port(host, port)
    immutable = prepare_archive(db_path)
    extra = ", arbitrary SQL allowed" if allow_sql else ""
    echo(f"serving {db_path} read-only{extra} at http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    run_server(db_path, host, port, sql=allow_sql, immutable=immutable)


def _check_port(host: str, port: int) -> None:
    """Fail before saying "serving" when the port is taken (uvicorn would only fail after)."""
    import socket

    if port == 0:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise click.BadParameter(f"cannot resolve {host!r}: {exc.strerror}", param_hint="--host") from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            raise click.BadParameter(
                f"cannot listen on {host}:{port}: {exc.strerror} (pick another with --port)", param_hint="--port"
            ) from None


# ---------------------------------------------------------------- changes


@command(
    "What changed lately: each edit with its headline and summary.",
    "scraper changes",
    "scraper changes --since 12h --site lemonde",
    "scraper changes --since 2024-06-01 --headline --json",
    "scraper changes --min-words 20   # rewrites, not typo fixes",
)
@db_option
@since_option
@click.option("--site", help="Only this site's articles.")
@click.option("--headline", "headline_only", is_flag=True, help="Only versions whose headline changed.")
@click.option(
    "--min-words",
    type=click.IntRange(min=0),
    default=0,
    help="Only edits adding or removing at least N words (typo fixes vs rewrites).",
)
@click.option("--reextracts/--no-reextracts", default=False, help="Include our own re-extractions.", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True, help="Show at most N edits.")
@json_option
@reports_errors
def changes(
    db_path: Path,
    since: str | None,
    site: str | None,
    headline_only: bool,
    min_words: int,
    reextracts: bool,
    limit: int,
    as_json: bool,
) -> None:
    """Edits of archived articles, newest first (default: the last day): when, where, the headline and
    a one-line summary ("+42 −17 words, headline changed").  Re-extractions are left out unless asked."""
    from ..archive.changes import parse_since, recent_changes

    since = since or parse_since("1d")
    with read_archive(db_path) as archive:
        check_site(archive, site)
        found = recent_changes(
            archive.conn,
            since=since,
            site=site,
            headline_only=headline_only,
            min_words=min_words,
            kinds=None if reextracts else ("fetch", "import"),
            limit=limit,
        )
    if as_json:
        emit_json(found)
        return
    if not found:
        echo(f"no changes since {since}", err=True)
        return
    for c in found:
        secho(f"{c['first_seen'][:16].replace('T', ' ')}  {c['site'] or ''}  v{c['version']}  {c['title'] or ''}")
        if c["change"] and c["change"]["title_changed"]:
            echo(f"    was: {c['previous_title'] or ''}")
        echo(f"    {c['summary'] or '(no stats)'}")
        echo(f"    {c['url']}")


# ---------------------------------------------------------------- crawl / export


@command(
    "One crawl round: all sites, one site NAME, or a URL.",
    "scraper crawl",
    "scraper crawl lemonde --max-pages 50",
    "scraper crawl https://blog.example.com/ --depth 1 --sitemap",
)
@click.argument("target", required=False)
@db_option
@config_option
@click.option(
    "--max-pages",
    type=click.IntRange(min=1),
    help="Pages (listings, feeds, sitemaps, articles) per site and round at most; robots.txt comes on top.",
)
@click.option("--depth", type=click.IntRange(min=0), help="Listing-page hops from the start URL.")
@click.option("--sitemap", is_flag=True, help="Also discover from robots.txt Sitemap: lines (or /sitemap.xml).")
@click.option("--all", "recheck_all", is_flag=True, help="Re-check every known URL now, not only those due.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@broker_option
@reports_errors
def crawl(
    target: str | None,
    db_path: Path,
    config_dir: Path,
    max_pages: int | None,
    depth: int | None,
    sitemap: bool,
    recheck_all: bool,
    progress: bool | None,
    broker_url: str | None,
) -> None:
    """One crawl round: every configured site, the site NAME, or an ad-hoc site from a URL."""
    from ..archive.runs import Run
    from ..crawl.round import CrawlOptions, adhoc_site
    from ..crawl.round import crawl as run_crawl

    adhoc = bool(target and target.startswith(("http://", "https://")))
    # a round of one named site runs past another site's broken file; every site's round, or a URL
    # that the broken file may own, does not
    config = _load(config_dir, skip_broken=bool(target) and not adhoc)
    if adhoc:
        try:
            sites = [adhoc_site(str(target))]
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="TARGET") from None
    elif target:
        _refuse_broken(config, {target})
        found = config.site(target)
        if found is None and _HOSTLIKE.match(target) and ("." in target or ":" in target):
            check_url(target, "TARGET")
        if found is None:
            names = ", ".join(s.name for s in config.sites) or "none"
            raise click.BadParameter(f"no site named {target!r} in {config_dir} (sites: {names})", param_hint="TARGET")
        sites = [found]
    else:
        sites = list(config.sites)
        if not sites:
            raise click.UsageError(f"no sites configured in {config_dir}/sites; give a site NAME or a URL")
    options = CrawlOptions(
        max_pages=max_pages,
        max_depth=depth,
        recheck_all=recheck_all,
        robots_sitemaps=True if sitemap else (False if adhoc else None),
        guess_sitemap=sitemap and adhoc,
    )
    show = sys.stderr.isatty() if progress is None else progress
    if not show:
        logging.getLogger("scraper.crawl").setLevel(logging.INFO)
    ttl = config.settings.get("crawl.lease_ttl")
    try:  # a crawl is a run too: `scraper status` shows it; the run holds each site's lease
        with (
            sigterm_as_interrupt() as terminated,
            Run(db_path, [site.name for site in sites], lease_ttl=ttl) as run,
            CrawlProgress(show, db_path, run.sites) as bar,
        ):
            for busy in run.busy.values():
                echo(f"skipped: {busy}", err=True)
            mine = [site for site in sites if site.name in run.sites]
            if broker_url:
                from ..workers.broker import BrokerConfig
                from ..workers.coordinator import distributed_crawl

                BrokerConfig.from_settings(config.settings, broker_url)
                job = distributed_crawl(
                    config, mine, db_path, broker_url, options=options, report=bar.report, counts=run.counts
                )
            else:
                job = run_crawl(config, mine, db_path, options=options, report=bar.report, counts=run.counts)
            run.counts.update(asyncio.run(job))  # filled as it goes: a Ctrl-C's round closes with its counts
    except KeyboardInterrupt:
        echo("interrupted: run the same command again to resume", err=True)
        sys.exit(143 if terminated else 130)
    for name, c in run.counts.items():
        rejected = f", {c.rejected} not articles" if c.rejected else ""
        missing = f" ({c.not_found} of them 404/410)" if c.not_found else ""  # the site answering, not failing
        echo(
            f"{name}: {c.fetched} fetched, {c.new} new, {c.changed} changed, {c.unchanged} unchanged,"
            f" {c.not_modified} not modified, {c.errors} errors{missing}, {c.skipped} disallowed{rejected},"
            f" {c.bytes:,} bytes"
        )
    for name, reason in run.failures.items():
        echo(f"{name}: round failed: {reason}", err=True)
    if run.failures or run.busy:
        sys.exit(1)


@command(
    "Export articles as JSON Lines or CSV, or every capture as WARC.",
    "scraper export > articles.jsonl",
    "scraper export --format csv --site lemonde --since 7d --out lemonde.csv",
    "scraper export --format warc --out captures.warc.gz",
)
@db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "warc"]), default="jsonl", show_default=True)
@click.option("--site", help="Only this site's articles.")
@since_option
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not stdout.")
@reports_errors
def export(db_path: Path, fmt: str, site: str | None, since: str | None, out_path: Path | None) -> None:
    """Export archived articles as JSON Lines or CSV (latest version, comments, version count), or every
    stored capture as WARC (request and response records with the original headers and payload)."""
    from ..archive.export import export_rows, write_csv, write_export, write_jsonl

    with read_archive(db_path) as archive:
        check_site(archive, site)
    if fmt == "warc":
        from ..archive.export import atomic_output
        from ..archive.warc import export_warc

        if out_path is None:
            raise click.UsageError("--format warc needs --out FILE (e.g. captures.warc.gz)")
        compress = not out_path.name.lower().endswith(".warc")  # a file named .warc is read as plain WARC
        with read_archive(db_path) as archive, atomic_output(out_path, binary=True) as fh:
            n = export_warc(archive, fh, site=site, compress=compress)
        echo(f"{n} capture(s) written to {out_path}{'' if compress else ' (uncompressed)'}", err=True)
        return
    with read_archive(db_path) as archive:
        rows = export_rows(archive, site=site, since=since)
        if out_path is None:
            (write_jsonl if fmt == "jsonl" else write_csv)(rows, sys.stdout)
            return
        n = write_export(rows, fmt, out_path)
    echo(f"{n} article(s) written to {out_path}", err=True)


def main() -> None:
    cli(prog_name="scraper")
