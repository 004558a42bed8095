"""The scheduled daemon: every configured site crawled on its own schedule, until stopped.

Job state is *rebuilt from config at start*, not kept in an APScheduler job store: the config
files are the truth about what to crawl, and the archive's `runs` table is the truth about what
already ran.  At start each site's first run is placed at `last run + interval` when that is
still ahead, otherwise soon, staggered so that overdue sites do not all fire at once.  A restart
therefore neither skips a due site nor stampedes.

Signals: SIGTERM/SIGINT stop taking new work, give in-flight rounds `shutdown_timeout` seconds to
finish (they stop between pages), then cancel them and exit 0; a second signal exits at once
(SQLite transactions keep the archive whole).  SIGHUP reloads config; a bad config is logged and
the old one kept.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from .archive.runs import Run, last_runs
from .archive.store import Archive
from .config import Config, Site, load_config
from .crawl.schedule import DEFAULT_EVERY, next_round
from .errors import ConfigError, ScraperError, SiteBusy
from .models import Counts

__all__ = ["Daemon", "RoundRunner"]

log = logging.getLogger(__name__)

# (config, site, db path, stop event) -> what the round did
RoundRunner = Callable[[Config, Site, Path, asyncio.Event], Awaitable[Counts]]


@dataclass
class Daemon:
    config_dir: Path
    db_path: Path
    runner: RoundRunner
    shutdown_timeout: float = 30.0
    stagger: float = 10.0  # seconds between the first runs of overdue sites
    config: Config = field(init=False)
    _stop: asyncio.Event = field(init=False)
    _inflight: dict[str, asyncio.Task[None]] = field(init=False, default_factory=dict)
    _signals: int = field(init=False, default=0)

    async def run(self) -> int:
        """Run until a stop signal; returns the exit code."""
        self.config = load_config(self.config_dir)
        Archive(self.db_path).close()  # create or migrate the schema before any job runs
        self._stop = asyncio.Event()
        self._done = asyncio.Event()
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.scheduler.start()
        self._schedule_all(self.config.sites)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._on_stop_signal, sig)
        loop.add_signal_handler(signal.SIGHUP, self.reload)
        log.info("daemon started: %d site(s), archive %s", len(self.config.sites), self.db_path)
        self._warn_if_idle()
        await self._done.wait()
        return await self._shutdown()

    # ------------------------------------------------------------ scheduling

    def _trigger(self, site: Site) -> IntervalTrigger | CronTrigger:
        if site.cron:
            return CronTrigger.from_crontab(site.cron, timezone=UTC)
        every = site.every or DEFAULT_EVERY
        return IntervalTrigger(seconds=every, jitter=min(every * 0.1, 60.0), timezone=UTC)

    def _first_run(self, site: Site, last_started: str | None, rank: int) -> datetime:
        now = datetime.now(UTC)
        soon = now + timedelta(seconds=rank * self.stagger + random.uniform(0, min(self.stagger, 2.0)))
        due = next_round(site, last_started)
        return due if due and due > now else soon

    def _schedule_all(self, sites: tuple[Site, ...]) -> None:
        with Archive(self.db_path) as archive:
            last = last_runs(archive)
        overdue = 0
        for site in sites:
            started = last.get(site.name, {}).get("started")
            when = self._first_run(site, started, overdue)
            if when <= datetime.now(UTC) + timedelta(seconds=overdue * self.stagger + 2.5):
                overdue += 1
            self.scheduler.add_job(
                self._run_site,
                self._trigger(site),
                args=[site.name],
                id=f"site:{site.name}",
                name=site.name,
                next_run_time=when,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=max(60, int((site.every or DEFAULT_EVERY) / 2)),
                replace_existing=True,
            )
            log.info("scheduled %s, first run at %s", site.name, when.isoformat(timespec="seconds"))

    # ------------------------------------------------------------ rounds

    async def _run_site(self, name: str) -> None:
        site = self.config.site(name)
        if site is None or self._stop.is_set():
            return
        task = asyncio.current_task()
        assert task is not None
        self._inflight[name] = task
        run = Run(self.db_path, [name], lease_ttl=self.config.settings.get("crawl.lease_ttl"))
        try:
            with run:
                run.counts[name] = await self.runner(self.config, site, self.db_path, self._stop)
                if self._stop.is_set():
                    run.status = "interrupted"
        except asyncio.CancelledError:
            if not self._stop.is_set():
                raise
            # cancelled by `_shutdown` once the grace period ran out: said here, not as APScheduler's traceback
            log.warning(
                "site %s: round interrupted: in-flight pages did not finish within the %gs shutdown timeout",
                name,
                self.shutdown_timeout,
                extra={"site": name, "status": "interrupted"},
            )
            return
        except SiteBusy as exc:
            log.warning("site %s: round skipped: %s", name, exc, extra={"site": name, "status": "busy"})
            self._inflight.pop(name, None)
            return
        except ScraperError:
            pass  # `run.error` holds it: said once, in the round's line below
        except Exception:  # a bug in one round must not end the daemon
            log.exception("site %s: round crashed", name, extra={"site": name})
            return
        finally:
            self._inflight.pop(name, None)
        counts = run.counts.get(name, Counts()).as_dict()
        done = ", ".join(f"{k} {v}" for k, v in counts.items()) or "nothing done"
        extra = {"site": name, "status": run.status, **counts}
        # Unreachable, most requests failed, or an error that ended the round: loud, with the reason.
        reason = run.failures.get(name) or (run.error if run.status == "failed" else None)
        if reason:
            extra["status"] = "failed"
            log.warning("site %s: round failed: %s: %s", name, reason, done, extra=extra)
        else:
            log.info("site %s: round %s: %s", name, run.status, done, extra=extra)

    # ------------------------------------------------------------ signals

    def _on_stop_signal(self, sig: int) -> None:
        self._signals += 1
        if self._signals > 1:
            log.warning("second %s: exiting now", signal.Signals(sig).name)
            logging.shutdown()
            os._exit(130)
        log.info(
            "%s: finishing in-flight rounds (at most %gs), then exiting",
            signal.Signals(sig).name,
            self.shutdown_timeout,
        )
        self._stop.set()
        self._done.set()

    async def _shutdown(self) -> int:
        # Pause, not shut down, first: APScheduler's asyncio executor cancels running jobs on shutdown,
        # and in-flight pages deserve their grace period.
        self.scheduler.pause()
        tasks = list(self._inflight.values())
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=self.shutdown_timeout)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=5)
        self.scheduler.shutdown(wait=False)
        log.info("daemon stopped")
        return 0

    def reload(self) -> None:
        """SIGHUP: re-read config; add, remove and reschedule sites; keep the old config if invalid."""
        try:
            new = load_config(self.config_dir)
        except ConfigError as exc:
            log.error("reload refused, keeping the running config: %s", exc)
            return
        old = {s.name: s for s in self.config.sites}
        fresh = {s.name: s for s in new.sites}
        self.config = new
        for name in old.keys() - fresh.keys():
            self.scheduler.remove_job(f"site:{name}")
            log.info("reload: site %s removed", name)
        changed = tuple(s for n, s in fresh.items() if old.get(n) != s)
        self._schedule_all(changed)
        log.info("reload: %d site(s), %d added or changed", len(fresh), len(changed))
        self._warn_if_idle()

    def _warn_if_idle(self) -> None:
        """A daemon with no site would wait silently for ever; say what it needs."""
        if not self.config.sites:
            log.warning(
                "no sites configured in %s: nothing to crawl until a site file is added there and the"
                " daemon gets SIGHUP (ad-hoc `scraper crawl URL` sites are not scheduled)",
                self.config_dir / "sites",
            )
