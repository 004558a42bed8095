"""`scraper worker`: Dramatiq worker processes serving `crawl_host`, until SIGTERM/SIGINT.

Each process runs a Dramatiq `Worker` with `threads` threads over the one event loop of the AsyncIO
middleware: `threads` is how many hosts a process crawls at once.  A process prefetches no more
messages than it has threads, so a killed process strands no message that was merely waiting (what
it was working on comes back through the lease).  Every process reports itself in Redis every few
seconds (`scraper status --broker` lists the live ones).  With more than one process the parent
only supervises: a child that dies is started again.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from types import FrameType

from .broker import BrokerConfig, make_broker

__all__ = ["HEARTBEAT", "run_workers", "serve"]

log = logging.getLogger(__name__)

HEARTBEAT = 3.0  # seconds between two reports of a live worker


def serve(cfg: BrokerConfig, threads: int, log_level: int = logging.WARNING) -> int:
    """One worker process; returns the exit code."""
    import dramatiq
    from redis import Redis

    from .actors import WORKER_ID

    logging.basicConfig(level=log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    broker = make_broker(cfg)
    # worker_timeout: the longest an idle process sleeps between two looks at the queue, so what a
    # new message waits for an idle worker (Dramatiq polls Redis with a backoff up to it)
    worker = dramatiq.Worker(broker, queues={cfg.queue}, worker_threads=threads, worker_timeout=200)
    worker.queue_prefetch = threads
    worker.start()
    me = f"{WORKER_ID} threads={threads}"
    client = Redis.from_url(cfg.url)
    log.info("worker %s serving %s on %s", me, cfg.queue, cfg.url)
    try:
        while not stop.is_set():
            try:
                now = time.time()
                client.zadd(cfg.workers_key, {me: now})
                client.zremrangebyscore(cfg.workers_key, "-inf", now - 3600)
            except Exception as exc:  # Redis away: the Dramatiq worker reconnects by itself; so do we
                log.warning("cannot report to Redis: %s", exc)
            stop.wait(HEARTBEAT)
    finally:
        worker.stop(timeout=10_000)
        with contextlib.suppress(Exception):  # leaving anyway; the entry ages out
            client.zrem(cfg.workers_key, me)
        broker.close()
    return 0


def _child(cfg: BrokerConfig, threads: int, log_level: int) -> None:
    os._exit(serve(cfg, threads, log_level))


def run_workers(cfg: BrokerConfig, processes: int, threads: int, log_level: int = logging.WARNING) -> int:
    """`processes` worker processes (this one, when 1), restarted when one dies, until a stop signal."""
    if processes <= 1:
        return serve(cfg, threads, log_level)
    ctx = multiprocessing.get_context("spawn")
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def start() -> multiprocessing.process.BaseProcess:
        child = ctx.Process(target=_child, args=(cfg, threads, log_level), daemon=False)
        child.start()
        return child

    children = [start() for _ in range(processes)]
    restarts: list[float] = []
    while not stop.wait(0.5):
        for i, child in enumerate(children):
            if child.is_alive():
                continue
            restarts = [t for t in restarts if time.monotonic() - t < 60] + [time.monotonic()]
            if len(restarts) > 5 * processes:
                log.error("worker processes keep dying (%d restarts in a minute): giving up", len(restarts))
                stop.set()
                break
            log.warning("worker process %s exited with %s: starting another", child.pid, child.exitcode)
            children[i] = start()
    for child in children:
        if child.is_alive() and child.pid is not None:
            os.kill(child.pid, signal.SIGTERM)
    for child in children:
        child.join(30)
        if child.is_alive():
            child.kill()
    return 0
