"""What `scraper status` reports: per site its last run and next run, and the archive's totals.

The next run is computed from config and the last run by the daemon's own rule
(`crawl.schedule.next_round`), so `status` needs no connection to a running daemon.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from ..config import Config
from ..crawl.schedule import DEFAULT_EVERY, next_round
from .runs import last_runs
from .store import Archive

__all__ = ["archive_status"]


def _iso(when: datetime | None) -> str | None:
    return when.isoformat(timespec="seconds") if when else None


def _last_finished(archive: Archive) -> dict[str, tuple[str, str | None]]:
    """(status, error) of each site's latest finished run."""
    sql = (
        "SELECT r.site, r.status, r.error FROM runs r JOIN (SELECT site, max(id) AS id FROM runs"
        " WHERE finished IS NOT NULL GROUP BY site) m ON r.id = m.id"
    )
    return {site: (status, error) for site, status, error in archive.conn.execute(sql)}


def _revisits(archive: Archive) -> dict[str, dict[str, Any]]:
    """Per site: known articles still watched for edits, how many are due now, and when the next is."""
    now = time.time()
    sql = (
        "SELECT site, count(*), sum(next_due <= ?), min(CASE WHEN next_due > ? THEN next_due END) FROM frontier"
        " WHERE kind = 'article' AND state = 'done' AND next_due IS NOT NULL GROUP BY site"
    )
    found: dict[str, dict[str, Any]] = {}
    for site, watched, due, upcoming in archive.conn.execute(sql, (now, now)):
        when = datetime.fromtimestamp(upcoming, UTC) if upcoming is not None else None
        found[site] = {"watched": watched, "due": int(due or 0), "next": _iso(when)}
    return found


def archive_status(archive: Archive, config: Config) -> dict[str, Any]:
    """Per site: `state` is "failing" when its latest finished round failed (`failing` says why),
    "ok" when it did not, None before any round finished.  A round still marked running whose
    crawler no longer holds the site's lease is reported as interrupted."""
    from ..crawl.lease import held_sites

    runs = last_runs(archive)
    finished = _last_finished(archive)
    live = held_sites(archive)
    revisits = _revisits(archive)
    sites: dict[str, Any] = {}
    broken = {b.name: str(b.error) for b in config.broken if config.site(b.name) is None}  # not a 2nd file of one
    names = [s.name for s in config.sites] + sorted((set(runs) | set(broken)) - {s.name for s in config.sites})
    for name in names:
        site = config.site(name)
        last = runs.get(name)
        if last and last["status"] == "running" and name not in live:
            last = {**last, "status": "interrupted", "error": "the crawl ended without closing its round"}
        done = finished.get(name)
        failing = done is not None and done[0] == "failed"
        sites[name] = {
            "state": ("failing" if failing else "ok") if done else None,
            "failing": done[1] if failing and done else None,
            "configured": site is not None,
            "config_error": broken.get(name),  # its site file is there but does not load
            "schedule": (site.cron or f"every {site.every or DEFAULT_EVERY:g}s") if site else None,
            "last_run": last,
            "next_run": _iso(next_round(site, last["started"])) if site and last else None,
            "revisits": revisits.get(name, {"due": 0, "next": None, "watched": 0}),
        }
    return {"sites": sites, "archive": archive.totals()}
