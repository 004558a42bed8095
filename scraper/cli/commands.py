"""The `scraper` commands.

Library code raises typed `ScraperError`s; `reports_errors` (in `exits`) turns each into one line on
stderr and an exit code (1 for a failed operation, 2 for bad configuration or usage), never a traceback.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..archive.store import Archive
from ..config import Config, Site, load_config
from ..errors import ConfigError, FetchError
from ..models import Counts, Outcome
from .exits import reports_errors
from .options import config_option, db_option, json_option
from .progress import CrawlProgress


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


def broker_option(func: Any) -> Any:
    return click.option(
        "--broker",
        "broker_url",
        metavar="URL",
        help="Redis URL (redis://HOST:6379/0): crawl with `scraper worker` processes, here or on other machines.",
    )(func)


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
    from ..archive.ingest import archive_page
    from ..extract import extract_article
    from ..fetch.client import fetch_page

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
            archive.record_fetch(url, Outcome.ERROR, status=exc.status, error=exc.reason)
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
    from ..archive.diff import render_terminal, word_diff

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
    from ..config import load_site, site_files

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
    from ..extract import extract_article
    from ..fetch.client import fetch_page
    from ..fetch.decode import decode_html

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


# ---------------------------------------------------------------- evidence: reextract, import, copies


@cli.command()
@db_option
@config_option
@click.option("--site", help="Only this site's articles.")
@click.option("--since", help="Only versions first seen on or after this date (YYYY-MM-DD).")
@reports_errors
def reextract(db_path: Path, config_dir: Path, site: str | None, since: str | None) -> None:
    """Re-run extraction over the stored raw pages; add a version only where the result differs."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ..archive.reextract import count_candidates
    from ..archive.reextract import reextract as run_reextract

    config = _load(config_dir)
    with Archive(db_path) as archive:
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
    click.echo(
        f"re-extracted {counts.checked:,} article(s): {counts.changed:,} changed (new versions marked"
        f" 'reextract'), {counts.unchanged:,} unchanged, {counts.failed:,} failed"
    )


@cli.command(name="import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@config_option
@reports_errors
def import_(path: Path, db_path: Path, config_dir: Path) -> None:
    """Archive the HTML pages captured in a WARC or ARC file (ours or another tool's)."""
    from ..archive.warc import import_warc

    config = _load(config_dir)
    with Archive(db_path) as archive:
        counts = import_warc(archive, config, path)
    click.echo("imported: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))


@cli.command()
@click.argument("url")
@db_option
@json_option
@click.option("--max-distance", type=click.IntRange(0, 7), default=7, show_default=True, help="SimHash bits.")
@reports_errors
def copies(url: str, db_path: Path, as_json: bool, max_distance: int) -> None:
    """Other archived articles that are near-copies of this one (syndication, light rewrites)."""
    from ..archive.copies import find_copies

    with Archive(db_path) as archive:
        article = archive.find_article(url)
        if article is None:
            raise click.ClickException(f"{url} is not in the archive {db_path}")
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
        click.echo("no near-copies in the archive")
    for c in found:
        click.echo(f"{c.similarity:.0%}  {c.site or ''}  {c.url}  {c.title or ''}")


# ---------------------------------------------------------------- daemon / status


@cli.command()
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

    configure_logging(log_level, log_file, log_format)
    round_runner: RoundRunner = _daemon_round
    if broker_url:
        from ..workers.broker import BrokerConfig

        BrokerConfig.from_settings(_load(config_dir).settings, broker_url)  # a bad URL fails now, not per round
        round_runner = functools.partial(_broker_round, broker_url)
    runner = Daemon(config_dir, db_path, runner=round_runner, shutdown_timeout=shutdown_timeout)
    sys.exit(asyncio.run(runner.run()))


async def _broker_round(broker_url: str, config: Config, site: Site, db_path: Path, stop: asyncio.Event) -> Counts:
    from ..workers.coordinator import run_site_round

    return await run_site_round(config, site, db_path, broker_url, stop=stop)


async def _daemon_round(config: Config, site: Site, db_path: Path, stop: asyncio.Event) -> Counts:
    from ..crawl.round import run_site_round

    return await run_site_round(config, site, db_path, stop=stop)


@cli.command()
@db_option
@config_option
@json_option
@broker_option
@reports_errors
def status(db_path: Path, config_dir: Path, as_json: bool, broker_url: str | None) -> None:
    """Per site: last run, next run, counts and last error; then archive totals (and the broker's queue)."""
    from ..archive.runs import RUN_COUNTS
    from ..archive.status import archive_status

    config = _load(config_dir)
    with Archive(db_path) as archive:
        report = archive_status(archive, config)
    if broker_url:
        from ..workers.status import broker_status

        report["broker"] = asyncio.run(broker_status(config.settings, broker_url))
    if as_json:
        emit_json(report)
        return
    for name, site in report["sites"].items():
        last = site["last_run"]
        click.secho(name, bold=True)
        if last:
            counts = ", ".join(f"{k.replace('_', ' ')} {last[k]}" for k in RUN_COUNTS if last.get(k))
            click.echo(f"  last run: {last['started']} ({last['status']}){': ' + counts if counts else ''}")
            if last.get("error"):
                click.echo(f"  last error: {last['error']}")
        else:
            click.echo("  last run: never")
        click.echo(f"  next run: {site['next_run'] or 'when the daemon starts'}")
    totals = report["archive"]
    click.echo("archive: " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in totals.items()))
    if "broker" in report:
        b = report["broker"]
        click.echo(f"broker {b['url']}: {b['queued']:,} message(s) queued, {b['results']:,} result(s) to write")
        click.echo(f"  leased hosts ({len(b['leased'])}): {', '.join(b['leased'][:20]) or 'none'}")
        click.echo(f"  live workers ({len(b['workers'])}): {', '.join(b['workers']) or 'none'}")


# ---------------------------------------------------------------- worker


@cli.command()
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


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@reports_errors
def serve(db_path: Path, host: str, port: int) -> None:
    """Browse the archive in Datasette (read-only): search, facets, article history and diffs."""
    from ..browse.server import prepare_archive
    from ..browse.server import serve as run_server

    prepare_archive(db_path)
    click.echo(f"serving {db_path} read-only at http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    run_server(db_path, host, port)


# ---------------------------------------------------------------- crawl / export


@cli.command()
@click.argument("target", required=False)
@db_option
@config_option
@click.option("--max-pages", type=click.IntRange(min=1), help="Requests per site and round at most.")
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

    config = _load(config_dir)
    adhoc = bool(target and target.startswith(("http://", "https://")))
    if adhoc:
        try:
            sites = [adhoc_site(str(target))]
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="TARGET") from None
    elif target:
        found = config.site(target)
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
    total = (max_pages or config.settings.get("crawl.max_pages")) * len(sites)
    try:  # a crawl is a run too: `scraper status` shows it
        with Run(db_path, [site.name for site in sites]) as run, CrawlProgress(show, total) as bar:
            if broker_url:
                from ..workers.broker import BrokerConfig
                from ..workers.coordinator import distributed_crawl

                BrokerConfig.from_settings(config.settings, broker_url)
                job = distributed_crawl(config, sites, db_path, broker_url, options=options, report=bar.report)
            else:
                job = run_crawl(config, sites, db_path, options=options, report=bar.report)
            run.counts = asyncio.run(job)
    except KeyboardInterrupt:
        click.echo("interrupted: run the same command again to resume", err=True)
        sys.exit(130)
    for name, c in run.counts.items():
        click.echo(
            f"{name}: {c.fetched} fetched, {c.new} new, {c.changed} changed, {c.unchanged} unchanged,"
            f" {c.not_modified} not modified, {c.errors} errors, {c.skipped} disallowed, {c.bytes:,} bytes"
        )


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "warc"]), default="jsonl", show_default=True)
@click.option("--site", help="Only this site's articles.")
@click.option("--since", help="Only articles first seen or changed since DATE (YYYY-MM-DD or ISO 8601).")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not stdout.")
@reports_errors
def export(db_path: Path, fmt: str, site: str | None, since: str | None, out_path: Path | None) -> None:
    """Export archived articles as JSON Lines or CSV (latest version, comments, version count), or every
    stored capture as WARC (request and response records with the original headers and payload)."""
    from datetime import UTC, datetime

    from ..archive.export import export_rows, write_csv, write_export, write_jsonl

    if since:
        try:
            stamp = datetime.fromisoformat(since)
        except ValueError:
            raise click.BadParameter(f"{since!r} is not a date (use YYYY-MM-DD)", param_hint="--since") from None
        since = (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).astimezone(UTC).isoformat(timespec="seconds")
    if not db_path.exists():
        raise click.ClickException(f"no archive at {db_path}")
    if fmt == "warc":
        from ..archive.export import atomic_output
        from ..archive.warc import export_warc

        if out_path is None:
            raise click.UsageError("--format warc needs --out FILE (e.g. captures.warc.gz)")
        with Archive(db_path) as archive, atomic_output(out_path, binary=True) as fh:
            n = export_warc(archive, fh, site=site)
        click.echo(f"{n} capture(s) written to {out_path}", err=True)
        return
    with Archive(db_path) as archive:
        rows = export_rows(archive, site=site, since=since)
        if out_path is None:
            (write_jsonl if fmt == "jsonl" else write_csv)(rows, sys.stdout)
            return
        n = write_export(rows, fmt, out_path)
    click.echo(f"{n} article(s) written to {out_path}", err=True)


def main() -> None:
    cli(prog_name="scraper")
