"""What `scraper status` reports: per site its last run and next run, and the archive's totals.

The next run is computed from config and the last run, by the same rule the daemon uses at start,
so `status` needs no connection to a running daemon.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from .archive import Archive
from .config import Config, Site

__all__ = ["archive_status", "next_run"]


def next_run(site: Site, last_started: str | None, default_every: float = 3600.0) -> str | None:
    """When the site is next due: last start + interval (or the next cron time); None if never run."""
    if not last_started:
        return None
    last = datetime.fromisoformat(last_started)
    if site.cron:
        due = CronTrigger.from_crontab(site.cron, timezone=UTC).get_next_fire_time(None, last)
    else:
        due = last + timedelta(seconds=site.every or default_every)
    return due.isoformat(timespec="seconds") if due else None


def archive_status(archive: Archive, config: Config) -> dict[str, Any]:
    runs = archive.last_runs()
    sites: dict[str, Any] = {}
    names = [s.name for s in config.sites] + sorted(set(runs) - {s.name for s in config.sites})
    for name in names:
        site = config.site(name)
        last = runs.get(name)
        sites[name] = {
            "configured": site is not None,
            "schedule": (site.cron or f"every {site.every or 3600:g}s") if site else None,
            "last_run": last,
            "next_run": next_run(site, last["started"]) if site and last else None,
        }
    return {"sites": sites, "archive": archive.totals()}
