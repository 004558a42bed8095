"""One crawler per site and archive: a lease row in the archive's `leases` table.

A round takes its site's lease before it makes a request, renews it (a heartbeat) while it runs and
gives it back when it ends.  A second crawl of the same site on the same archive, from this process,
another one or another machine sharing the file, finds the lease held and refuses, naming the
holder (pid, host, since when), so the site never gets twice the polite rate.  A crawl that was
killed (SIGKILL, a power cut) cannot give its lease back: the lease is free once `expires` has
passed, or at once when its holder was a process on this host that no longer exists.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..archive.store import Archive
from ..errors import ScraperError

__all__ = ["Heartbeat", "Holder", "acquire", "held_sites", "release", "renew"]

log = logging.getLogger(__name__)

HOST = socket.gethostname()


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds a site's lease."""

    site: str
    pid: int
    host: str
    since: str
    expires: float

    def describe(self) -> str:
        left = max(0.0, self.expires - time.time())
        return (
            f"{self.site} is being crawled on this archive by pid {self.pid} on {self.host} since {self.since}"
            f" (its lease runs out {left:.0f}s after its last heartbeat if that process is gone)"
        )


def new_token() -> str:
    return uuid.uuid4().hex


def _gone(pid: int, host: str) -> bool:
    """True when the holder was a process on this host that no longer runs."""
    if host != HOST:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def acquire(archive: Archive, site: str, token: str, ttl: float) -> Holder | None:
    """Take `site`'s lease for `token`; None when taken, else who holds it."""
    now = time.time()
    with archive.transaction() as conn:
        row = conn.execute("SELECT token, pid, host, since, expires FROM leases WHERE site = ?", (site,)).fetchone()
        if row is not None and row[0] != token and row[4] > now and not _gone(row[1], row[2]):
            return Holder(site, int(row[1]), str(row[2]), str(row[3]), float(row[4]))
        since = datetime.now(UTC).isoformat(timespec="seconds")
        conn.execute(
            "INSERT OR REPLACE INTO leases (site, token, pid, host, since, heartbeat, expires) VALUES (?,?,?,?,?,?,?)",
            (site, token, os.getpid(), HOST, since, now, now + ttl),
        )
    return None


def held_sites(archive: Archive) -> set[str]:
    """The sites whose lease is held by a live crawler now: a "running" round of any other site
    was ended without closing it (SIGKILL, a power cut)."""
    now = time.time()
    rows = archive.conn.execute("SELECT site, pid, host, expires FROM leases").fetchall()
    return {site for site, pid, host, expires in rows if expires > now and not _gone(int(pid), str(host))}


def renew(archive: Archive, sites: Iterable[str], token: str, ttl: float) -> None:
    now = time.time()
    with archive.transaction() as conn:
        conn.executemany(
            "UPDATE leases SET heartbeat = ?, expires = ? WHERE site = ? AND token = ?",
            [(now, now + ttl, site, token) for site in sites],
        )


def release(archive: Archive, sites: Iterable[str], token: str) -> None:
    with archive.transaction() as conn:
        conn.executemany("DELETE FROM leases WHERE site = ? AND token = ?", [(site, token) for site in sites])


class Heartbeat:
    """Renews leases every `ttl / 4` seconds from a thread, so a busy event loop cannot starve it."""

    def __init__(self, db_path: Path | str, sites: list[str], token: str, ttl: float) -> None:
        self.db_path, self.sites, self.token, self.ttl = db_path, sites, token, ttl
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lease-heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.ttl / 4):
            try:
                with Archive(self.db_path) as archive:
                    renew(archive, self.sites, self.token, self.ttl)
            except ScraperError as exc:  # the next beat tries again; the lease has ttl to spare
                log.warning("could not renew the crawl lease of %s: %s", ", ".join(self.sites), exc)
