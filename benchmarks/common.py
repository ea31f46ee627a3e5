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


def warm_trimesh(vertices, triangles, engine=None):
    """A ``trimesh.Trimesh`` (and its ray engine: ``mesh.ray``, or ``engine(mesh)`` when given) with
    the acceleration structure already built. trimesh builds it lazily on the first query (the
    embreex BVH in ``ray_pyembree``, the rtree of ``ray_triangle``), so a baseline timed from a
    fresh mesh measured that build too (up to 13× slower) while ours was prebuilt: warm both."""
    import numpy as np
    import trimesh

    mesh = trimesh.Trimesh(vertices, triangles, process=False)
    inter = engine(mesh) if engine is not None else mesh.ray
    lo = np.asarray(mesh.bounds[0], dtype=np.float64)
    inter.intersects_any(lo[None, :] - 1.0, np.array([[0.0, 0.0, 1.0]]))
    return mesh, inter


def fmt_mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB"
