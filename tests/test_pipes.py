"""The extraction workers' pool (scraper/crawl/pipes.py): answers in order, errors as themselves, a
dead worker replaced, nothing left running after close."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import time

import pytest

from scraper.crawl.pipes import PipePool, RemoteTraceback
from scraper.procs import pid_alive


def _pool(processes: int = 2) -> PipePool:
    return PipePool(processes, multiprocessing.get_context("forkserver"), os.getpid, ())


def test_calls_are_answered_with_their_own_values() -> None:
    async def go() -> list[int]:
        pool = _pool()
        try:
            return list(await asyncio.gather(*(pool.call(sum, range(n)) for n in range(40))))
        finally:
            pool.close()

    assert asyncio.run(go()) == [sum(range(n)) for n in range(40)]


def test_an_exception_comes_back_as_itself_with_the_workers_traceback() -> None:
    async def go() -> BaseException:
        pool = _pool(1)
        try:
            await pool.call(int, "not a number")
        except ValueError as exc:
            return exc
        finally:
            pool.close()
        raise AssertionError("no error")

    exc = asyncio.run(go())
    assert "not a number" in str(exc)
    assert isinstance(exc.__cause__, RemoteTraceback) and "ValueError" in str(exc.__cause__)


def test_a_killed_worker_fails_its_call_and_is_replaced() -> None:
    from concurrent.futures.process import BrokenProcessPool

    async def go() -> tuple[int, list[int]]:
        pool = _pool(1)
        try:
            await pool.call(sum, [1])
            (victim,) = pool.pids
            slow = asyncio.ensure_future(pool.call(time.sleep, 30))
            await asyncio.sleep(0.3)
            os.kill(victim, signal.SIGKILL)
            with pytest.raises(BrokenProcessPool):
                await asyncio.wait_for(slow, 10)
            assert await pool.call(sum, [2, 3]) == 5
            return victim, pool.pids
        finally:
            pool.close()

    victim, now = asyncio.run(go())
    assert now and victim not in now


def test_close_waits_for_the_workers_and_refuses_new_calls() -> None:
    async def go() -> list[int]:
        pool = _pool(2)
        await asyncio.gather(*(pool.call(sum, [n]) for n in range(4)))
        pids = pool.pids
        pool.close()
        with pytest.raises(RuntimeError):
            await pool.call(sum, [1])
        return pids

    pids = asyncio.run(go())
    assert len(pids) == 2 and not any(pid_alive(p) for p in pids)
