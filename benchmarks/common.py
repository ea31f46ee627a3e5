"""Helpers for benchmarks: best-of-N timing, peak memory of a call in a child process."""
from __future__ import annotations

import multiprocessing as mp
import os
import resource
import time
from pathlib import Path

DATA = Path(os.environ.get("STADTBILD_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
WORK = Path(os.environ.get("STADTBILD_BENCH_DIR", Path(__file__).resolve().parent / "data"))


def timed(fn, repeat: int = 3):
    """(minimum wall time in seconds of ``fn()`` over ``repeat`` runs, the last result)."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def best_of(fn, repeat: int = 3) -> float:
    """Minimum wall time of ``fn()`` over ``repeat`` runs (seconds)."""
    return timed(fn, repeat)[0]


def _child(target, args, queue):
    t = time.perf_counter()
    target(*args)
    queue.put((time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))


def peak_memory(target, *args) -> tuple[float, int]:
    """(seconds, peak RSS bytes) of ``target(*args)`` run in a fresh child process (fork)."""
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(target, args, q))
    p.start()
    result = q.get()
    p.join()
    return result


def fmt_mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB"
