"""Worker processes fed from the event loop over one pair of pipes each, with no helper thread.

`concurrent.futures.ProcessPoolExecutor` hands each call to a feeder thread, which pickles it into a
shared queue, and each result to a manager thread, which unpickles it and wakes the loop: per page
two thread hand-offs and GIL switches in the crawl's process (0.6 ms of its CPU per article, more
than the pickling itself).  Here the loop writes a pickled call straight into the pipe of the least
busy worker (an asyncio pipe transport: never blocking, buffering what the pipe cannot take yet) and
reads results in a protocol callback.  A worker answers its calls in order, so each keeps a FIFO of
futures and a frame needs no id.

A frame is an 8-byte big-endian length and a pickle: `(func, args)` one way, `(True, value)` or
`(False, exception, remote traceback)` back.  A worker that dies fails its pending calls with
`BrokenProcessPool` and is replaced on the next call.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import pickle
import struct
import traceback
from collections import deque
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess
from typing import Any

__all__ = ["PipePool"]

_HEADER = struct.Struct("!Q")
_PROTOCOL = pickle.HIGHEST_PROTOCOL
_PIPE_BYTES = 1 << 20


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker, as its `__cause__` (as ProcessPoolExecutor does)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


# ---------------------------------------------------------------- the worker's side (blocking I/O)


def _read_exact(fd: int, size: int) -> bytes | None:
    parts, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None  # the crawl closed the pipe: stop
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _answer(func: Callable[..., Any], args: tuple[Any, ...]) -> bytes:
    try:
        return pickle.dumps((True, func(*args)), _PROTOCOL)
    except BaseException as exc:  # every failure goes back to the caller, as itself
        remote = "".join(traceback.format_exception(exc))
        try:
            return pickle.dumps((False, exc, remote), _PROTOCOL)
        except Exception:  # an exception that does not pickle still says what it was
            return pickle.dumps((False, RuntimeError(repr(exc)), remote), _PROTOCOL)


def _serve(start: Callable[..., None], start_args: tuple[Any, ...], calls: Connection, answers: Connection) -> None:
    """A worker's loop: read a call, run it, write its answer; until the crawl closes the pipe."""
    start(*start_args)
    rfd, wfd = calls.fileno(), answers.fileno()
    while True:
        head = _read_exact(rfd, _HEADER.size)
        body = _read_exact(rfd, _HEADER.unpack(head)[0]) if head is not None else None
        if body is None:
            return
        func, args = pickle.loads(body)
        answer = _answer(func, args)
        try:
            _write_all(wfd, _HEADER.pack(len(answer)) + answer)
        except BrokenPipeError:
            return  # the crawl is gone or closing


# ---------------------------------------------------------------- the crawl's side (the event loop)


class _Answers(asyncio.Protocol):
    """Reads a worker's answer frames and settles its oldest pending futures with them."""

    def __init__(self, worker: _Worker) -> None:
        self.worker = worker
        self.buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        start = 0
        while len(buffer) - start >= _HEADER.size:
            (size,) = _HEADER.unpack_from(buffer, start)
            end = start + _HEADER.size + size
            if len(buffer) < end:
                break
            self.worker.settle(pickle.loads(memoryview(buffer)[start + _HEADER.size : end]))
            start = end
        del buffer[:start]

    def eof_received(self) -> bool:
        self.worker.lost("the worker closed its pipe")
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.worker.lost("the worker's pipe was lost")


class _Worker:
    """One process, its two pipes, and the futures of the calls it has not answered yet."""

    def __init__(self, process: BaseProcess, calls: asyncio.WriteTransport, ends: tuple[Connection, ...]) -> None:
        self.process = process
        self.calls = calls
        self.ends = ends  # our ends of the two pipes
        self.pending: deque[asyncio.Future[Any]] = deque()
        self.answers: asyncio.ReadTransport | None = None
        self.alive = True

    def send(self, frame: bytes) -> asyncio.Future[Any]:
        future = asyncio.get_running_loop().create_future()
        self.pending.append(future)
        self.calls.write(frame)
        return future

    def settle(self, answer: tuple[Any, ...]) -> None:
        future = self.pending.popleft()
        if future.cancelled():
            return
        if answer[0]:
            future.set_result(answer[1])
        else:
            exc = answer[1]
            exc.__cause__ = RemoteTraceback(answer[2])
            future.set_exception(exc)

    def lost(self, why: str) -> None:
        if not self.alive:
            return
        self.alive = False
        while self.pending:
            future = self.pending.popleft()
            if not future.done():
                future.set_exception(BrokenProcessPool(f"extraction worker {self.process.pid}: {why}"))
        self.close()

    def close(self) -> None:
        """Unsent calls are dropped; the worker reads EOF after its current call (or fails to answer it)."""
        self.calls.abort()
        if self.answers is not None:
            self.answers.close()
        for end in self.ends:  # now, not when the transports' callbacks run: `PipePool.close` joins at once
            end.close()


class PipePool:
    """`await pool.call(func, *args)` in one of `processes` workers (of `context`, each first running
    `start(*start_args)`); `close()` ends them once their current call is done."""

    def __init__(
        self, processes: int, context: ForkServerContext, start: Callable[..., None], start_args: tuple[Any, ...]
    ) -> None:
        self.size = processes
        self.context = context
        self.start = start
        self.start_args = start_args
        self.workers: list[_Worker] = []
        self.retired: list[_Worker] = []  # dead ones, reaped at close
        self._spawning: asyncio.Lock | None = None  # made in the loop that uses it
        self.closed = False

    @property
    def pids(self) -> list[int]:
        return [w.process.pid for w in self.workers if w.process.pid is not None]

    async def call(self, func: Callable[..., Any], *args: Any) -> Any:
        if self.closed:
            raise RuntimeError("the extraction pool is closed")
        frame = pickle.dumps((func, args), _PROTOCOL)
        worker = await self._least_busy()
        return await worker.send(_HEADER.pack(len(frame)) + frame)

    async def _least_busy(self) -> _Worker:
        if len(self.workers) < self.size or not all(w.alive for w in self.workers):
            self._spawning = self._spawning or asyncio.Lock()
            async with self._spawning:  # first calls, or a worker died: (re)start, once
                self.retired += [w for w in self.workers if not w.alive]
                self.workers = [w for w in self.workers if w.alive]
                while len(self.workers) < self.size:
                    self.workers.append(await self._spawn())
        return min(self.workers, key=lambda w: len(w.pending))

    async def _spawn(self) -> _Worker:
        calls_r, calls_w = self.context.Pipe(duplex=False)
        answers_r, answers_w = self.context.Pipe(duplex=False)
        process = self.context.Process(
            target=_serve, args=(self.start, self.start_args, calls_r, answers_w), daemon=True, name="extraction"
        )
        process.start()
        calls_r.close()
        answers_w.close()
        for end in (calls_w, answers_r):
            _widen(end.fileno())
        loop = asyncio.get_running_loop()
        calls, _ = await loop.connect_write_pipe(asyncio.Protocol, _Pipe(calls_w))
        worker = _Worker(process, calls, (calls_w, answers_r))
        worker.answers, _ = await loop.connect_read_pipe(lambda: _Answers(worker), _Pipe(answers_r))
        return worker

    def close(self) -> None:
        """Stop every worker (each finishes the call it is running) and wait for them to exit."""
        self.closed = True
        for worker in self.workers:
            worker.alive = False
            for future in worker.pending:  # nobody will answer them now (their callers were cancelled)
                future.cancel()
            worker.close()
        for worker in self.workers + self.retired:
            worker.process.join()
        self.workers, self.retired = [], []


def _widen(fd: int) -> None:
    """Let a pipe hold a few pages (1 MB, Linux's default ceiling, instead of 64 KB): a call is then
    written in one go, not in pieces as the worker drains it (each a wake-up of the loop)."""
    with contextlib.suppress(OSError, AttributeError):  # another OS, or a lower ceiling: the default
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


class _Pipe:
    """A pipe end as asyncio's pipe transports take it: a file object they own and close."""

    def __init__(self, conn: Connection) -> None:
        self.fd = conn.fileno()
        self.conn = conn

    def fileno(self) -> int:
        return self.fd

    def close(self) -> None:
        self.conn.close()
