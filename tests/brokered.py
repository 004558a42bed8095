"""A real redis-server and real `scraper worker` processes, for the tests and benchmarks of `--broker`.

The server is Debian's `redis-server` on a free loopback port, with no persistence (`--save ''
--appendonly no`) and its working directory in a temp folder; without the binary the tests that
need it are skipped with the reason (`.ci/run` installs it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

REDIS = shutil.which("redis-server")
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    def __init__(self, workdir: Path) -> None:
        if REDIS is None:
            raise RuntimeError("redis-server is not installed")
        self.port = free_port()
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.start()

    def start(self) -> None:
        """Start the server (again, on the same port: clients reconnect to the URL they know)."""
        workdir = self.workdir
        self.proc = subprocess.Popen(
            [
                REDIS,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(workdir),
                "--protected-mode",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # the server keeps the real clock when the tests run under faketime (tests/test_clock.py)
            env={k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME")},
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not start")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def kill(self) -> None:
        """SIGKILL, like a crash: nothing is saved (nothing would be: `--save ''`)."""
        self.proc.kill()
        self.proc.wait(10)

    def pause(self) -> None:
        """SIGSTOP: connections stay open and the kernel still accepts new ones, but nothing answers,
        as behind a network that drops packets without a reset."""
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.proc.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        self.resume()  # a stopped process does not act on SIGTERM
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


@contextlib.contextmanager
def redis_server(workdir: Path) -> Iterator[RedisServer]:
    server = RedisServer(workdir)
    try:
        yield server
    finally:
        server.stop()


class Workers:
    """`scraper worker` processes (one Dramatiq process each) started and stopped by a test."""

    def __init__(self, url: str, config_dir: Path, log_dir: Path) -> None:
        self.url, self.config_dir, self.log_dir = url, config_dir, log_dir
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, n: int = 1, threads: int = 8, processes: int = 1) -> list[subprocess.Popen[bytes]]:
        started = []
        for _ in range(n):
            log = (self.log_dir / f"worker-{len(self.procs)}.log").open("ab")
            verbose = ["-v"] if os.environ.get("SCRAPER_TEST_WORKER_LOG") else []
            cmd = [
                sys.executable,
                "-m",
                "scraper",
                *verbose,
                "worker",
                "--broker",
                self.url,
                "--config",
                str(self.config_dir),
            ]
            proc = subprocess.Popen(
                [*cmd, "--threads", str(threads), "--processes", str(processes)],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                start_new_session=True,  # its own process group: a kill reaches its children, nothing else
            )
            self.procs.append(proc)
            started.append(proc)
        return started

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        """SIGKILL, like a machine losing power: no clean-up runs."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill(proc)
        self.procs = []

    def wait_live(self, n: int, timeout: float = 30.0) -> None:
        """Until `n` worker processes have reported to Redis (they take a second or two to start)."""
        import redis

        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                live = client.zrangebyscore("newsarchive:workers", time.time() - 10, "+inf")
                if len(live) >= n:
                    return
                time.sleep(0.1)
        finally:
            client.close()
        raise AssertionError(f"fewer than {n} workers came up in {timeout}s; see {self.log_dir}/worker-*.log")
