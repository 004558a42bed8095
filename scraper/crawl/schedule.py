"""When something is next due: the one rule for revisits, retries and rounds.

- an article is revisited on its site's `revisit` schedule, which thins out with age (`next_revisit`);
  a discovery page (listing, feed, sitemap) is never due on its own: a start URL lists it again;
- a failed URL is retried with exponential backoff, up to `crawl.max_attempts`; 404/410 never
  (`after_failure`); a URL robots.txt disallows is looked at again after `crawl.robots_refresh`;
- a site's next round follows its `cron`, or `every` from the start of its last run (`next_round`).

Times of URLs are Unix seconds (the frontier's `next_due`); times of rounds are aware datetimes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from ..config import Settings, Site, parse_revisit
from ..models import PageKind, UrlState

__all__ = [
    "DEFAULT_EVERY",
    "after_disallowed",
    "after_failure",
    "after_fetch",
    "epoch",
    "next_revisit",
    "next_round",
    "revisit_schedule",
]

DEFAULT_EVERY = 3600.0  # a site with neither `every` nor `cron` is polled hourly


def epoch(iso: str | None) -> float | None:
    """A sitemap date (2024-06-20 or a full W3C datetime; UTC when no zone) as a Unix time."""
    if not iso:
        return None
    try:
        stamp = datetime.fromisoformat(iso.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).timestamp()


def next_revisit(
    schedule: Sequence[tuple[float, float]], now: float, first_fetched: float, published: str | None = None
) -> float | None:
    """When to look at an article again: the step of `schedule` its age falls in, or never (None).

    Age counts from the publication date when the page gives a plausible one, else from the first
    fetch, so an old story discovered today is not polled every 15 minutes.
    """
    stamp = epoch(published)
    born = min(first_fetched, stamp) if stamp is not None else first_fetched
    age = max(0.0, now - born)
    for every, until in schedule:
        if age < until:
            return now + every
    return None


def after_fetch(
    kind: str, site: Site, settings: Settings, now: float, first_fetched: float | None, published: str | None
) -> float | None:
    """The next due time of a URL fetched at `now`: an article's revisit, or None for a discovery page."""
    if kind != PageKind.ARTICLE:
        return None
    return next_revisit(revisit_schedule(site, settings), now, first_fetched or now, published)


def revisit_schedule(site: Site, settings: Settings) -> tuple[tuple[float, float], ...]:
    """The site's own `revisit`, else the settings' `crawl.revisit`."""
    return site.revisit if site.revisit is not None else parse_revisit(settings.get("crawl.revisit"))


def after_failure(settings: Settings, now: float, status: int | None, attempts: int) -> tuple[UrlState, float | None]:
    """The state and next due time of a URL whose `attempts`-th fetch failed at `now`."""
    if status in (404, 410):
        return UrlState.GONE, None
    if attempts >= settings.get("crawl.max_attempts"):
        return UrlState.FAILED, None
    return UrlState.ERROR, now + settings.get("crawl.retry_failed") * 2 ** (attempts - 1)


def after_disallowed(settings: Settings, now: float) -> float:
    """robots.txt may change: a disallowed URL is looked at again when robots.txt is next fetched."""
    return now + float(settings.get("crawl.robots_refresh"))


def next_round(site: Site, last_started: str | None) -> datetime | None:
    """When a site is next due after a run that started at `last_started`; None if it never ran."""
    if not last_started:
        return None
    last = datetime.fromisoformat(last_started)
    if site.cron:
        from apscheduler.triggers.cron import CronTrigger

        found: datetime | None = CronTrigger.from_crontab(site.cron, timezone=UTC).get_next_fire_time(None, last)
        return found
    return last + timedelta(seconds=site.every or DEFAULT_EVERY)
