"""The `scraper` command line: the only module that prints or exits.

Library code raises typed `ScraperError`s; here each becomes one line on stderr and an exit code
(1 for a failed operation, 2 for bad configuration or usage), never a traceback.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .archive import Archive
from .config import Config, load_config
from .errors import ConfigError, FetchError, ScraperError

F = TypeVar("F", bound=Callable[..., Any])


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default="archive.db",
        envvar="SCRAPER_DB",
        show_default=True,
        help="The archive file (env SCRAPER_DB).",
    )(func)


def config_option(func: F) -> F:
    return click.option(
        "--config",
        "config_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default="config",
        envvar="SCRAPER_CONFIG",
        show_default=True,
        help="The config folder: settings.toml and sites/*.toml (env SCRAPER_CONFIG).",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(func)


def reports_errors(func: F) -> F:
    """Turn our errors into one clear line: ConfigError exits 2, every other ScraperError exits 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            click.echo(f"config error: {exc}", err=True)
            sys.exit(2)
        except ScraperError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scraper")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """newsarchive: fetch news articles, extract them, and keep every edit in SQLite."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def _load(config_dir: Path) -> Config:
    return load_config(config_dir)


# ---------------------------------------------------------------- fetch


@cli.command()
@click.argument("url")
@db_option
@config_option
@json_option
@click.option("--no-store", is_flag=True, help="Extract and print, but write nothing to the archive.")
@reports_errors
def fetch(url: str, db_path: Path, config_dir: Path, as_json: bool, no_store: bool) -> None:
    """Fetch one article URL, extract it and archive it as a new version if it changed."""
    from .extract import extract_article
    from .fetch import fetch_page
    from .pipeline import archive_page

    config = _load(config_dir)
    if no_store:
        page = fetch_page(url, config.settings)
        article = extract_article(
            page.html, page.final_url, config.site_for(page.final_url), fetched_at=page.fetched_at
        )
        _show_article(article.to_dict(), None, as_json)
        return
    with Archive(db_path) as archive:
        try:
            page = fetch_page(url, config.settings)
        except FetchError as exc:
            archive.record_fetch(url, "error", status=exc.status, error=exc.reason)
            raise
        article, result = archive_page(archive, page, config)
    _show_article(article.to_dict(), {"status": result.status, "version": result.version}, as_json)


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
        click.secho(f"{archive['status']} · version {archive['version']}", bold=True)
    words = len(data["body"].split())
    rows = [
        ("URL", data["canonical_url"] or data["url"]),
        ("Title", data["title"]),
        ("Authors", ", ".join(data["authors"]) or None),
        ("Published", data["published"]),
        ("Modified", data["modified"]),
        ("Language", data["lang"]),
        ("Body", f"{words:,} words" + (f": {data['body'][:160]}…" if words else "")),
        ("Comments", str(len(data["comments"]))),
    ]
    for label, value in rows:
        click.echo(f"  {label + ':':<11} {value if value else '—'}")


# ---------------------------------------------------------------- history / diff


@cli.command()
@click.argument("url")
@db_option
@json_option
@reports_errors
def history(url: str, db_path: Path, as_json: bool) -> None:
    """List the archived versions of an article."""
    with Archive(db_path) as archive:
        versions = archive.versions(url)
    if not versions:
        raise click.ClickException(f"{url} is not in the archive {db_path}")
    if as_json:
        emit_json([v.summary() for v in versions])
        return
    for v in versions:
        click.echo(f"v{v.version:<3} {v.first_seen}  →  {v.last_seen}  {v.content_hash[:12]}  {v.title or ''}")


@cli.command()
@click.argument("url")
@db_option
@json_option
@click.option("--from", "from_version", type=int, help="Older version number (default: the one before --to).")
@click.option("--to", "to_version", type=int, help="Newer version number (default: the latest).")
@reports_errors
def diff(url: str, db_path: Path, as_json: bool, from_version: int | None, to_version: int | None) -> None:
    """Show what changed between two versions of an article, word by word (default: the last two)."""
    from .diff import render_terminal, word_diff

    with Archive(db_path) as archive:
        versions = {v.version: v for v in archive.versions(url)}
    if not versions:
        raise click.ClickException(f"{url} is not in the archive {db_path}")
    new_n = to_version or max(versions)
    old_n = from_version or new_n - 1
    if len(versions) < 2 and from_version is None:
        raise click.ClickException(f"{url} has only one version so far")
    for n in (old_n, new_n):
        if n not in versions:
            raise click.ClickException(f"{url} has no version {n} (versions: 1–{max(versions)})")
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
                "to": {"version": new_n, "first_seen": new.first_seen},
                "fields": fields,
                "body": [c.to_dict() for c in chunks],
            }
        )
        return
    click.secho(f"v{old_n} ({old.first_seen}) → v{new_n} ({new.first_seen})", bold=True)
    for name, change in fields.items():
        click.echo(f"{name}: [-{change['old']}-] {{+{change['new']}+}}")
    if any(c.op != "equal" for c in chunks):
        click.echo(render_terminal(chunks))
    else:
        click.echo("body: unchanged")


# ---------------------------------------------------------------- check


@cli.command()
@config_option
@reports_errors
def check(config_dir: Path) -> None:
    """Validate the config folder and say what is wrong, if anything."""
    if not config_dir.is_dir():
        raise ConfigError(str(config_dir), None, "no such config folder")
    from .config import load_site, site_files

    config = _load(config_dir)
    disabled = [load_site(p).name for p in site_files(config_dir, include_disabled=True) if p.name.startswith("_")]
    names = ", ".join(s.name for s in config.sites) or "none"
    click.echo(f"ok: {config_dir}: settings valid, {len(config.sites)} site(s): {names}")
    if disabled:
        click.echo(f"    disabled (valid): {', '.join(disabled)}")


# ---------------------------------------------------------------- extract


@cli.command()
@click.argument("source")
@config_option
@json_option
@click.option("--url", "base_url", help="The page's URL, when SOURCE is a file (for site rules and links).")
@click.option("--explain", is_flag=True, help="Show which rule produced each field.")
@reports_errors
def extract(source: str, config_dir: Path, as_json: bool, base_url: str | None, explain: bool) -> None:
    """Extract an article from a saved HTML file or a URL, without archiving it."""
    from .decode import decode_html
    from .extract import extract_article
    from .fetch import fetch_page

    config = _load(config_dir)
    if source.startswith(("http://", "https://")):
        page = fetch_page(source, config.settings)
        html, url = page.html, page.final_url
    else:
        path = Path(source)
        if not path.is_file():
            raise click.BadParameter(f"{source} is neither a URL nor a file", param_hint="SOURCE")
        html, _ = decode_html(path.read_bytes())
        url = base_url or path.resolve().as_uri()
    site = config.site_for(url)
    article = extract_article(html, url, site)
    data = article.to_dict()
    if as_json:
        emit_json(data if explain else {k: v for k, v in data.items() if k != "sources"})
        return
    click.echo(f"site rules: {site.name if site else 'none (no configured site owns this URL)'}")
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
        click.echo(line)


def main() -> None:
    cli(prog_name="scraper")
