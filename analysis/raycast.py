"""Ray casting over a :class:`model.scene.Scene`: occlusion and first-hit queries for many rays.

One :class:`RayCaster` is built per scene and shared by the shadow, sun-hours, sightline, viewshed
and solar analyses. All coordinates are the scene's LOCAL coordinates (metres, ``scene.vertices``
frame); inputs are float64 and any number of rays.

Backends
--------
``"embree"`` (:mod:`analysis.raycast_embree`)
    Intel Embree 4 through ``embreex`` (``EmbreeScene.run`` with the ``OCCLUDED`` query for
    shadow rays and the intersect query with ``output=True`` for first hits). Geometry is handed
    to Embree as float32 in local coordinates, so a 1 km district keeps ~0.1 mm precision (float32
    far from the origin — national grid coordinates of 5.7e6 m — would round to 0.5 m).
    Rays go in chunks of :attr:`RayCaster.chunk_size` (bounded memory) over two Python threads:
    embreex releases the GIL inside ``run``, so both cores trace at once.
``"numpy"`` (:mod:`analysis.raycast_numpy`)
    A pure-numpy fallback giving the same answers: a linear BVH (triangles sorted by the Morton
    code of their centroid, Lauterbach et al. 2009, "Fast BVH construction on GPUs") with a
    complete binary tree of axis-aligned boxes over leaves of :data:`NUMPY_LEAF_SIZE` triangles,
    traversed breadth-first for a chunk of rays at once (all (ray, node) pairs of one tree level
    are slab-tested in one vectorised step, Kay & Kajiya 1986), and the Möller–Trumbore
    ray/triangle test (Möller & Trumbore 1997, "Fast, minimum storage ray-triangle
    intersection") in float64 at the leaves. Used when embreex is missing and to cross-check.
``"auto"``
    Embree when importable, else numpy.

Demolish / insert without a full rebuild
----------------------------------------
:meth:`RayCaster.set_object_enabled` switches objects off (demolished, or an inserted design in
its "before" state) and on again. The numpy backend simply skips disabled triangles at its
leaves. The Embree backend keeps its BVH over all triangles and builds a small second BVH over
only the disabled triangles (cost proportional to what changed): a ray the full scene reports
occluded but the disabled-only scene does not is certainly blocked by an enabled triangle; only
rays that touch both are re-traced hit by hit, stepping past disabled triangles. When more than
:data:`REBUILD_FRACTION` of all triangles are disabled, a BVH over the enabled triangles is
built instead (Embree builds ~1 M triangles/s, see ``benchmarks/bench_raycast.py``).

Pitfalls handled by callers: ray origins exactly on a surface must be lifted off it
(:func:`offset_points`), rays grazing an edge may hit or miss in either backend.
"""
from __future__ import annotations

import logging
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .raycast_embree import EmbreeBackend
from .raycast_numpy import NUMPY_LEAF_SIZE, NumpyBackend  # noqa: F401 (NUMPY_LEAF_SIZE: the docstring's)

log = logging.getLogger(__name__)

def embree_available() -> bool:
    """True when the ``embreex`` Embree binding can be imported."""
    try:
        import embreex.mesh_construction
        import embreex.rtcore_scene  # noqa: F401
    except Exception:
        return False
    return True


@dataclass
class RayHits:
    """First-hit results, one row per ray.

    distance      (n,) float64 metres along the (unit) direction, ``np.inf`` where nothing is hit
    triangle      (n,) int64 triangle index into ``scene.triangles``, -1 where nothing is hit
    object_index  (n,) int32 index into ``scene.object_ids``, -1 where nothing is hit
    point         (n, 3) float64 hit point in local coordinates, NaN where nothing is hit
    hit           (n,) bool
    """

    distance: np.ndarray
    triangle: np.ndarray
    object_index: np.ndarray
    point: np.ndarray
    hit: np.ndarray

    def __len__(self) -> int:
        return len(self.distance)


def offset_points(points, normals, eps: float = 0.01) -> np.ndarray:
    """Sample points lifted ``eps`` metres off their surface along the (normalised) normals, so
    that rays starting there do not hit their own surface (shadow acne). Zero normals leave the
    point where it is."""
    p = np.asarray(points, dtype=np.float64)
    n = np.asarray(normals, dtype=np.float64)
    length = np.linalg.norm(n, axis=-1, keepdims=True)
    unit = np.divide(n, length, out=np.zeros(np.broadcast(n, length).shape), where=length > 0)
    return p + eps * unit


class _Rays:
    """Validated rays: ``o`` (n, 3), unit ``d`` (n, 3) or (1, 3), ``tmax``/``tmin`` scalars or
    (n,) arrays, ``valid`` None (all valid: the fast path) or (n,) bool (finite origin, non-zero
    finite direction, tmin <= tmax)."""

    __slots__ = ("d", "n", "o", "tmax", "tmin", "valid")

    def __init__(self, origins, directions, tmax, tmin):
        o = np.asarray(origins, dtype=np.float64)
        if o.ndim == 1:
            o = o.reshape(1, 3)
        if o.ndim != 2 or o.shape[1] != 3:
            raise ValueError(f"origins must have shape (n, 3), got {o.shape}")
        n = len(o)
        d = np.asarray(directions, dtype=np.float64)
        if d.ndim == 1:
            d = d.reshape(1, 3)
        if d.ndim != 2 or d.shape[1] != 3 or len(d) not in (1, n):
            raise ValueError(f"directions must have shape (n, 3) or (3,), got {d.shape} for {n} origins")
        length2 = np.einsum("ij,ij->i", d, d)
        good_dir = (length2 > 0) & (length2 < np.inf)
        if good_dir.all():
            if len(d) and np.abs(length2 - 1.0).max() > 1e-12:  # unit already: keep the caller's array
                d = d / np.sqrt(length2)[:, None]
        else:
            scale = np.zeros(len(d))
            scale[good_dir] = 1.0 / np.sqrt(length2[good_dir])
            d = d * scale[:, None]
            d[~good_dir] = 0.0
        valid = np.ones(n, dtype=bool) if np.isfinite(o).all() else np.isfinite(o).all(axis=1)
        if len(d) == n:
            valid &= good_dir
        elif not good_dir[0]:
            valid[:] = False
        self.tmax = self._param(tmax, n)
        self.tmin = self._param(tmin, n)
        if np.ndim(self.tmax) or np.ndim(self.tmin):
            valid &= ~np.isnan(self.tmax) & np.isfinite(self.tmin) & (self.tmax >= self.tmin)
        elif not (self.tmax >= self.tmin and math.isfinite(self.tmin)):
            valid[:] = False
        self.o, self.d, self.n = o, d, n
        self.valid = None if valid.all() else valid

    @staticmethod
    def _param(value, n):
        v = np.asarray(value, dtype=np.float64)
        if v.ndim == 0:
            return float(v)
        if v.shape != (n,):
            raise ValueError(f"tmax/tmin must be a scalar or have shape ({n},), got {v.shape}")
        return v

    def any_valid(self) -> bool:
        return self.n > 0 and (self.valid is None or bool(self.valid.any()))

    def chunk(self, sl: slice):
        """(selection, origins moved to tmin, directions, tmax - tmin, tmin) of the valid rays in
        ``sl``; selection is a slice or an index array (None when nothing is valid)."""
        if self.valid is None:
            sel = sl
        else:
            sel = np.flatnonzero(self.valid[sl]) + sl.start
            if len(sel) == 0:
                return None, None, None, None, None
        o = self.o[sel]
        d = self.d[sel] if len(self.d) > 1 else self.d
        tmin = self.tmin[sel] if np.ndim(self.tmin) else self.tmin
        tmax = self.tmax[sel] if np.ndim(self.tmax) else self.tmax
        if np.ndim(tmin) or tmin != 0.0:
            o = o + np.reshape(tmin, (-1, 1)) * d
            tmax = tmax - tmin
        return sel, o, d, tmax, tmin


def _default_threads() -> int:
    try:
        return max(1, min(2, len(os.sched_getaffinity(0))))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, min(2, os.cpu_count() or 1))


def visible_sum_arguments(origins, directions, weights=None, normals=None):
    """Validated arguments of ``visible_sum``: origins (n, 3), unit directions (k, 3) with
    zero-length or non-finite directions dropped together with their weights (k,), and normals
    (n, 3) or None."""
    o = np.asarray(origins, dtype=np.float64).reshape(-1, 3)
    dirs = np.asarray(directions, dtype=np.float64).reshape(-1, 3)
    length = np.linalg.norm(dirs, axis=1)
    keep = np.isfinite(length) & (length > 0)
    w = np.ones(len(dirs)) if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
    if len(w) != len(dirs):
        raise ValueError("weights must have one entry per direction")
    dirs, w = dirs[keep] / length[keep, None], w[keep]
    nrm = None if normals is None else np.asarray(normals, dtype=np.float64).reshape(-1, 3)
    return o, dirs, w, nrm


class RayCaster:
    """Occlusion and first-hit ray queries over one :class:`~model.scene.Scene`.

    ``RayCaster(scene, backend="auto")`` builds the acceleration structure once (see the module
    docstring for the backends). Queries take arrays in the scene's local coordinates (metres).
    Implements :class:`analysis.casters.RayCore`, with the terrain near field.
    """

    #: ``visible_sum(near_field=…)`` is supported and a near-field caster can be built beside it
    near_field = True

    def __init__(self, scene, backend: str = "auto", chunk_size: int | None = None,
                 threads: int | None = None, cancel=None):
        if backend not in ("auto", "embree", "numpy"):
            raise ValueError(f"unknown ray-casting backend {backend!r} (auto, embree, numpy)")
        if backend == "auto":
            backend = "embree" if embree_available() else "numpy"
        elif backend == "embree" and not embree_available():
            raise RuntimeError("the Embree backend needs the 'embreex' package")
        self.scene = scene
        self.backend = backend
        self.threads = threads or _default_threads()
        self.chunk_size = int(chunk_size or (65536 if backend == "embree" else 2048))
        self._tri_object = np.asarray(scene.object_index, dtype=np.int32)
        self._n_objects = len(scene.object_ids)
        self._enabled_objects = np.ones(self._n_objects, dtype=bool)
        self._tri_enabled = np.ones(scene.n_triangles, dtype=bool)
        self._pool = None
        #: structures derived from the scene (:mod:`model.cache`), e.g. the terrain-free near-field
        #: caster of :func:`analysis.ground_grid.terrain_free_caster`
        self._cache: dict = {}
        #: cancel point: a ``threading.Event`` or a callable returning True, checked before every
        #: chunk of rays; when set, the query raises :class:`model.errors.Cancelled`
        self.cancel = cancel
        if backend == "embree":
            self._impl = EmbreeBackend(scene)
        else:
            self._impl = NumpyBackend(scene)

    # ---------------------------------------------------------------- state
    @property
    def enabled_objects(self) -> np.ndarray:
        """(n_objects,) bool: which objects currently occlude and can be hit (a copy)."""
        return self._enabled_objects.copy()

    def set_object_enabled(self, mask) -> None:
        """Enable/disable objects: ``mask`` (n_objects,) bool, True = present. Disabled objects
        never occlude or get hit. Cheap: no rebuild of the full BVH (see module docstring)."""
        mask = np.asarray(mask, dtype=bool).reshape(-1)
        if mask.shape != (self._n_objects,):
            raise ValueError(f"mask must have {self._n_objects} entries (one per scene object), "
                             f"got {mask.shape[0]}")
        self._enabled_objects = mask.copy()
        if self._n_objects:
            self._tri_enabled = mask[self._tri_object]
        self._impl.set_triangle_enabled(self._tri_enabled)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None
        for derived in getattr(self, "_cache", {}).values():
            if isinstance(derived, RayCaster):
                derived.close()

    def __del__(self):  # pragma: no cover - interpreter shutdown order
        try:
            self.close()
        except Exception:
            pass

    # ---------------------------------------------------------------- queries
    def occluded(self, origins, directions, tmax=np.inf, tmin=0.0) -> np.ndarray:
        """(n,) bool: does the ray ``origin + t·direction`` hit any enabled triangle for
        ``tmin <= t <= tmax`` (metres)? Directions are normalised here; ``tmax``/``tmin`` are
        scalars or (n,) arrays."""
        rays = _Rays(origins, directions, tmax, tmin)
        out = np.zeros(rays.n, dtype=bool)
        if self.scene.n_triangles == 0 or not rays.any_valid():
            return out
        state = self._impl.snapshot()  # one object mask for the whole query

        def work(sl):
            sel, o, d, tm, _ = rays.chunk(sl)
            if sel is not None:
                out[sel] = self._impl.occluded(o, d, tm, state=state)

        self._run_chunks(rays.n, work)
        return out

    def first_hit(self, origins, directions, tmax=np.inf, tmin=0.0) -> RayHits:
        """The nearest enabled triangle hit along each ray within ``[tmin, tmax]`` metres."""
        rays = _Rays(origins, directions, tmax, tmin)
        n = rays.n
        dist = np.full(n, np.inf)
        tri = np.full(n, -1, dtype=np.int64)
        if self.scene.n_triangles and rays.any_valid():
            state = self._impl.snapshot()

            def work(sl):
                sel, o, d, tm, t0 = rays.chunk(sl)
                if sel is not None:
                    t, k = self._impl.first_hit(o, d, tm, state=state)
                    dist[sel] = t + t0
                    tri[sel] = k

            self._run_chunks(n, work)
        hit = tri >= 0
        dist[~hit] = np.inf
        obj = self._tri_object[np.maximum(tri, 0)] if len(self._tri_object) else np.zeros(n, np.int32)
        obj = np.where(hit, obj, np.int32(-1)).astype(np.int32, copy=False)
        with np.errstate(invalid="ignore", over="ignore"):
            point = rays.o + np.where(hit, dist, 0.0)[:, None] * rays.d
        point[~hit] = np.nan
        return RayHits(distance=dist, triangle=tri, object_index=obj, point=point, hit=hit)

    def visible_sum(self, origins, directions, weights=None, normals=None, progress=None,
                    near_field=None) -> np.ndarray:
        """(n,) float: for each origin, the sum of ``weights[j]`` over the directions j (k, 3) in
        which the ray is NOT occluded (and, with ``normals`` (n, 3), the direction lies in front of
        the surface: normal · direction > 0). Sun-hours (weights = hours per time step) and direct
        irradiance sums in one call: origins are converted to float32 once and each chunk of
        origins is traced against all directions while it is hot in the cache, on both cores.
        ``progress(done, total)`` is called per finished chunk.

        ``near_field`` = (caster, near_m): the first ``near_m`` metres of every ray are traced in
        ``caster`` (a RayCaster over a subset of this scene, e.g. without the terrain) and only the
        rest in this one — for samples lying on a surface that ``caster`` leaves out (see
        :func:`analysis.ground_grid.terrain_near_field`)."""
        o, dirs, w, nrm = visible_sum_arguments(origins, directions, weights, normals)
        n = len(o)
        out = np.zeros(n)
        ok = np.isfinite(o).all(axis=1)
        if n == 0 or len(dirs) == 0:
            return out
        if self.scene.n_triangles == 0:
            facing = np.ones((n, len(dirs)), bool) if nrm is None else nrm @ dirs.T > 0.0
            return np.where(ok, (facing * w).sum(axis=1), 0.0)
        d32 = dirs.astype(np.float32)
        state = self._impl.snapshot()
        near_impl = near_state = None
        near_m = np.float32(0.0)
        if near_field is not None and near_field[0] is not None and near_field[1] > 0:
            near_impl = near_field[0]._impl
            near_state = near_impl.snapshot() if near_field[0].scene.n_triangles else None
            near_m = np.float32(near_field[1])
        done = [0]
        size = max(1024, min(self.chunk_size, -(-n // max(self.threads, 1))))
        total = -(-n // size)

        def work(sl):
            o32 = np.ascontiguousarray(o[sl], dtype=np.float32)
            acc = np.zeros(len(o32))
            for j in range(len(dirs)):
                if self.cancel is not None:  # a chunk runs all directions: check between them
                    self._check_cancel()
                if nrm is not None:
                    front = np.flatnonzero(nrm[sl] @ dirs[j] > 0.0)
                    if len(front) == 0:
                        continue
                    acc[front] += w[j] * self._free(o32[front], d32[j:j + 1], state, near_impl, near_state, near_m)
                else:
                    acc += w[j] * self._free(o32, d32[j:j + 1], state, near_impl, near_state, near_m)
            out[sl] = acc
            done[0] += 1
            if progress is not None:
                progress(done[0], total)

        self._run_chunks(n, work, size=size)
        out[~ok] = 0.0
        return out

    def _free(self, o32, d32, state, near_impl, near_state, near_m) -> np.ndarray:
        """Not occluded, for float32 origins and one direction; with a near field, the first
        ``near_m`` metres in ``near_impl`` and the rest here."""
        if near_impl is None:
            return ~self._impl.occluded(o32, d32, np.inf, state=state)
        free = ~self._impl.occluded(o32 + near_m * d32, d32, np.inf, state=state)
        if near_state is not None and free.any():
            idx = np.flatnonzero(free)
            free[idx] = ~near_impl.occluded(o32[idx], d32, near_m, state=near_state)
        return free

    # ---------------------------------------------------------------- chunking
    def _check_cancel(self) -> None:
        c = self.cancel
        if c is not None and (c.is_set() if hasattr(c, "is_set") else c()):
            from stadtbild.model.errors import Cancelled

            raise Cancelled("cancelled")

    def _run_chunks(self, n: int, work, size: int | None = None) -> None:
        if size is None:
            size = self.chunk_size
            if self.threads > 1 and n > 4096:
                size = min(size, -(-n // self.threads))
        slices = [slice(s, min(s + size, n)) for s in range(0, n, size)]
        if self.cancel is not None:
            chunk_work = work

            def work(sl):
                self._check_cancel()
                chunk_work(sl)
        if self.threads <= 1 or len(slices) == 1:
            for sl in slices:
                work(sl)
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="raycast")
        for f in [self._pool.submit(work, sl) for sl in slices]:
            f.result()


# ==================================================================== Embree (embreex)
