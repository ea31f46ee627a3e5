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


def demo_picture_inputs(folder: Path, dop_px_m: float = 0.2) -> tuple[Path, Path]:
    """The demo district with what a council picture shows, in ``folder``: a copy of the demo
    with its 148 referenced texture images made up (512² JPEGs of brick-like noise; the real ones
    are not shipped) and a synthetic orthophoto (a DOP at ``dop_px_m`` over the district plus
    100 m, no overviews: the level-of-detail reading has to cope). Returns (model, orthophoto)."""
    import json
    import shutil

    import numpy as np
    import rasterio
    from PIL import Image
    from rasterio.transform import from_origin

    root = Path(__file__).resolve().parents[1]
    demo = root / "resources" / "demo" / "3-20-DELFSHAVEN.city.json"
    folder = Path(folder)
    model = folder / demo.name
    if not model.exists():
        shutil.copy(demo, model)
        doc = json.loads(demo.read_text())
        rng = np.random.default_rng(21)
        for k, tex in enumerate(doc["appearance"]["textures"]):
            path = folder / tex["image"]
            path.parent.mkdir(parents=True, exist_ok=True)
            base = np.array([150 + 40 * np.sin(k), 90 + 20 * np.cos(k), 70], float)
            yy, xx = np.mgrid[0:512, 0:512]
            mortar = ((yy % 32) < 3) | (((xx + 32 * ((yy // 32) % 2)) % 64) < 3)
            img = base + rng.normal(0, 12, (512, 512, 3))
            img[mortar] = 200
            Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(path, quality=85)
    ortho = folder / "dop.tif"
    if not ortho.exists():
        x0, y0, x1, y1 = 90409.0 - 100, 435440.0 - 100, 91455.0 + 100, 436090.0 + 100
        w, h = int((x1 - x0) / dop_px_m), int((y1 - y0) / dop_px_m)
        with rasterio.open(ortho, "w", driver="GTiff", width=w, height=h, count=3, dtype="uint8",
                           crs="EPSG:28992", transform=from_origin(x0, y1, dop_px_m, dop_px_m), photometric="RGB",
                           tiled=True, compress="deflate") as ds:
            for _ji, win in ds.block_windows(1):
                yy, xx = np.mgrid[win.row_off:win.row_off + win.height, win.col_off:win.col_off + win.width]
                g = 110 + 40 * np.sin(xx / 37.0) * np.cos(yy / 53.0)
                block = np.stack([g * 0.8, g, g * 0.6]).astype(np.uint8)
                ds.write(block, window=win)
    return model, ortho
