"""Alerts through Apprise: an edit, a headline change or a removed comment becomes one message.

Sites (and the settings, for every site) list Apprise URLs under `notify`.  Messages are queued after
the save that caused them has committed and sent by one background thread, so a slow or dead
notification service never holds up the crawl: the queue is bounded (a full queue drops the alert
with a warning), and every failure is logged, never raised.

Apprise is an optional dependency (`pip install 'newsarchive[notify]'`); `scraper check` says so
when a config lists URLs without it.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import Config, Site
from .errors import ConfigError, ConfigErrors

__all__ = ["Alert", "Alerts", "Notifier", "alert_for", "check_urls"]

log = logging.getLogger("scraper.notify")

QUEUE_SIZE = 100
SEND_TIMEOUT = 15.0  # seconds a crawl waits at its end for queued alerts to go out


@dataclass(frozen=True, slots=True)
class Alert:
    urls: tuple[str, ...]
    title: str
    body: str


def alert_for(site: str | None, headline: str | None, link: str, saved: Any) -> tuple[str, str] | None:
    """Title and body of the message for one save (a `SaveResult`), or None when there is nothing to tell.

    A first version is not an edit, nor a re-extraction; a version with changed text or headline is;
    so is a comment that disappeared, even when the story itself did not change.
    """
    # a re-extraction (our extractor or the site's selectors changed, the page did not) is not an edit
    change = saved.change if saved.status == "changed" and saved.kind != "reextract" else None
    removed = saved.removed_comments
    if change is None and not removed:
        return None
    headline = headline or "(untitled)"
    what = []
    if change is not None:
        what.append("Headline changed" if change.title_changed else "Edited")
    if removed:
        what.append(f"{removed} comment{'s' if removed != 1 else ''} removed")
    title = f"{' · '.join(what)}: {headline}"
    lines = [headline]
    if change is not None:
        lines.append(f"v{saved.version}: {change.summary}")
    if removed:
        lines.append(f"{removed} reader comment{'s' if removed != 1 else ''} removed from the page")
    lines.append(link)
    if site:
        lines.append(f"({site})")
    return title, "\n".join(lines)


class Notifier:
    """One background thread sending queued alerts through Apprise."""

    def __init__(self, maxsize: int = QUEUE_SIZE) -> None:
        self._queue: queue.Queue[Alert | None] = queue.Queue(maxsize=maxsize)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.sent = 0
        self.failed = 0
        self.dropped = 0

    def send(self, alert: Alert) -> bool:
        """Queue `alert` without ever waiting; False (and a warning) when the queue is full."""
        self._start()
        try:
            self._queue.put_nowait(alert)
        except queue.Full:
            self.dropped += 1
            log.warning("alert dropped, %d waiting already: %s", self._queue.qsize(), alert.title)
            return False
        return True

    def close(self, timeout: float = SEND_TIMEOUT) -> None:
        """Send what is queued (for at most `timeout` seconds), then stop the thread."""
        thread = self._thread
        if thread is None:
            return
        try:
            self._queue.put(None, timeout=timeout)
        except queue.Full:
            log.warning("alerts still queued at exit were not sent")
            return
        thread.join(timeout)
        if thread.is_alive():
            log.warning("alerts still being sent after %.0f s were abandoned", timeout)
        self._thread = None

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="alerts", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            alert = self._queue.get()
            if alert is None:
                return
            try:
                ok = _deliver(alert)
            except Exception:  # a notification service must never take the crawl down
                log.exception("alert failed: %s", alert.title)
                ok = False
            if ok:
                self.sent += 1
            else:
                self.failed += 1
                log.warning("alert not delivered to every service: %s", alert.title)


def _deliver(alert: Alert) -> bool:
    import apprise

    targets = apprise.Apprise()
    if not targets.add(list(alert.urls)):
        log.warning("some notify URLs are not valid Apprise URLs")
    return bool(targets.notify(body=alert.body, title=alert.title))


class Alerts:
    """What a crawl (or a fetch) uses: the URLs for a site, the message for a save, the sending."""

    def __init__(self, config: Config) -> None:
        self.common = tuple(config.settings.get("alerts.notify") or ())
        self.notifier = Notifier()

    def urls(self, site: Site | None) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.common, *(site.notify if site else ()))))

    def saved(self, site: Site | None, headline: str | None, link: str, saved: Any) -> None:
        """Call after the save committed; queues at most one message and returns at once."""
        urls = self.urls(site)
        if not urls:
            return
        message = alert_for(site.name if site else None, headline, link, saved)
        if message is not None:
            self.notifier.send(Alert(urls, *message))

    def close(self, timeout: float = SEND_TIMEOUT) -> None:
        self.notifier.close(timeout)


def check_urls(config: Config) -> None:
    """Every notify URL of the config must be one Apprise understands (and Apprise must be installed)."""
    where: list[tuple[str, str, Sequence[str]]] = []
    settings_file = str((config.root or Path(".")) / "settings.toml")
    if config.settings.get("alerts.notify"):
        where.append((settings_file, "alerts.notify", config.settings.get("alerts.notify")))
    where += [(s.path, "notify", s.notify) for s in config.sites if s.notify]
    if not where:
        return
    try:
        import apprise
    except ImportError:
        raise ConfigError(where[0][0], where[0][1], "needs Apprise: pip install 'newsarchive[notify]'") from None
    errors = []
    for path, key, urls in where:
        for i, url in enumerate(urls):
            if not apprise.Apprise().add(url):
                scheme = url.split("://", 1)[0]
                errors.append(ConfigError(path, f"{key}[{i}]", f"not a URL Apprise can send to (scheme {scheme!r})"))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ConfigErrors(errors)
