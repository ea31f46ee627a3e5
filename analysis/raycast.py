"""Ray casting over a :class:`model.scene.Scene`: occlusion and first-hit queries for many rays.

One :class:`RayCaster` is built per scene and shared by the shadow, sun-hours, sightline, viewshed
and solar analyses. All coordinates are the scene's LOCAL coordinates (metres, ``scene.vertices``
frame); inputs are float64 and any number of rays.

Backends
--------
``"embree"``
    Intel Embree 4 through ``embreex`` (``EmbreeScene.run`` with the ``OCCLUDED`` query for
    shadow rays and the intersect query with ``output=True`` for first hits). Geometry is handed
    to Embree as float32 in local coordinates, so a 1 km district keeps ~0.1 mm precision (float32
    far from the origin — national grid coordinates of 5.7e6 m — would round to 0.5 m).
    Rays go in chunks of :attr:`RayCaster.chunk_size` (bounded memory) over two Python threads:
    embreex releases the GIL inside ``run``, so both cores trace at once.
``"numpy"``
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

log = logging.getLogger(__name__)

#: largest finite ray length handed to Embree (float32); "no limit" becomes this
_EMBREE_INFINITY = np.float32(1e30)
#: fraction of disabled triangles above which a BVH of the enabled triangles is built instead
REBUILD_FRACTION = 0.3
#: triangles per leaf of the numpy BVH
NUMPY_LEAF_SIZE = 8
#: a ray skipping a disabled triangle restarts this far (metres) behind the hit point
_SKIP_EPS_M = 1e-3
#: enabled triangles closer than this (metres) to a disabled one are traced in a separate BVH
_NEAR_M = 0.05
#: cell size (metres) of the 2D triangle lookup grid used when objects are toggled
_HASH_CELL_M = 16.0


def _expand_cells(c0, c1, ncol):
    """For boxes covering grid cells c0..c1 (inclusive, (k, 2) integer column/row), all
    (cell key = row·ncol + col, box number) pairs."""
    nx = c1[:, 0] - c0[:, 0] + 1
    ny = c1[:, 1] - c0[:, 1] + 1
    per = nx * ny
    box = np.repeat(np.arange(len(c0)), per)
    k = np.arange(per.sum()) - np.repeat(np.cumsum(per) - per, per)
    col = c0[box, 0] + k % nx[box]
    row = c0[box, 1] + k // nx[box]
    return row * ncol + col, box


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
        #: cancel point: a ``threading.Event`` or a callable returning True, checked before every
        #: chunk of rays; when set, the query raises :class:`model.errors.Cancelled`
        self.cancel = cancel
        if backend == "embree":
            self._impl = _EmbreeBackend(scene)
        else:
            self._impl = _NumpyBackend(scene)

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
            from model.errors import Cancelled

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
@dataclass(frozen=True)
class _MaskState:
    """Object-mask state of the Embree backend, swapped as a whole (thread safety)."""

    tri_enabled: np.ndarray
    disabled: tuple | None  # (EmbreeScene, global triangle ids) of the disabled triangles
    near_enabled: tuple | None  # enabled triangles near the disabled ones
    enabled_only: tuple | None  # BVH of the enabled triangles when many are disabled


class _EmbreeBackend:
    """Embree 4 via embreex; see the module docstring for the disabled-object strategy."""

    def __init__(self, scene):
        self.vertices32 = np.ascontiguousarray(scene.vertices, dtype=np.float32)
        self.triangles32 = np.ascontiguousarray(scene.triangles, dtype=np.int32)
        self.n_triangles = len(self.triangles32)
        self.full = self._build(np.arange(self.n_triangles)) if self.n_triangles else None
        self.state = _MaskState(np.ones(self.n_triangles, dtype=bool), None, None, None)
        self._grid = None
        self.numpy_fallback = None

    def _build(self, tri_ids):
        """An EmbreeScene over the given triangles; returns (scene, tri_ids)."""
        from embreex.mesh_construction import TriangleMesh
        from embreex.rtcore_scene import EmbreeScene

        es = EmbreeScene()
        if len(tri_ids):
            tris = self.triangles32[tri_ids]
            verts = self.vertices32
            if 4 * len(tri_ids) < len(verts):  # a small subset: hand Embree only its vertices
                used, tris = np.unique(tris, return_inverse=True)
                verts = verts[used]
                tris = tris.reshape(-1, 3).astype(np.int32)
            TriangleMesh(es, np.ascontiguousarray(verts), np.ascontiguousarray(tris))
        # commit now (embreex commits lazily on the first query, which would race across threads)
        z = np.zeros((1, 3), dtype=np.float32)
        es.run(z, z + np.float32(1.0), query="OCCLUDED")
        return es, np.asarray(tri_ids, dtype=np.int64)

    def set_triangle_enabled(self, tri_enabled):
        """Build the BVHs for a new mask, then swap the state in one assignment, so queries
        running in other threads see either the old or the new mask, never a mix."""
        tri_enabled = np.asarray(tri_enabled, dtype=bool).copy()
        off = np.flatnonzero(~tri_enabled)
        if len(off) == 0:
            state = _MaskState(tri_enabled, None, None, None)
        elif len(off) > REBUILD_FRACTION * self.n_triangles:
            state = _MaskState(tri_enabled, None, None, self._build(np.flatnonzero(tri_enabled)))
        else:
            state = _MaskState(tri_enabled, self._build(off), self._build(self._enabled_near(off, tri_enabled)),
                               None)
        self.state = state

    def _triangle_grid(self):
        """A uniform 2D grid (cells of :data:`_HASH_CELL_M`) listing the triangles whose box
        touches each cell (CSR arrays), with the triangles' boxes; built once, in numpy, on the
        first object toggle (~0.2 s per million triangles), so later toggles only look up cells."""
        if self._grid is None:
            corners = self.vertices32[self.triangles32]
            lo, hi = corners.min(axis=1).astype(np.float64), corners.max(axis=1).astype(np.float64)
            base = lo[:, :2].min(axis=0) - 1.0
            c0 = np.floor((lo[:, :2] - base) / _HASH_CELL_M).astype(np.int64)
            c1 = np.floor((hi[:, :2] - base) / _HASH_CELL_M).astype(np.int64)
            ncol = int(c1[:, 0].max()) + 2
            key, tri = _expand_cells(c0, c1, ncol)
            order = np.argsort(key, kind="stable")
            key, tri = key[order], tri[order]
            n_keys = (int(c1[:, 1].max()) + 2) * ncol
            offsets = np.searchsorted(key, np.arange(n_keys + 1))
            self._grid = (base, ncol, n_keys, offsets, tri, lo, hi)
        return self._grid

    def _enabled_near(self, off, tri_enabled):
        """Enabled triangles whose box comes within :data:`_NEAR_M` of the box of disabled
        triangles (coincident party walls of a demolished building and its neighbour)."""
        base, ncol, n_keys, offsets, cell_tri, lo, hi = self._triangle_grid()
        # boxes of the disabled triangles, merged per 4 m cell to keep the lookup small
        cell = np.floor(0.5 * (lo[off] + hi[off]) / 4.0).astype(np.int64)
        _, group = np.unique(cell, axis=0, return_inverse=True)
        group = group.reshape(-1)
        n_groups = group.max() + 1
        glo = np.full((n_groups, 3), np.inf)
        ghi = np.full((n_groups, 3), -np.inf)
        np.minimum.at(glo, group, lo[off])
        np.maximum.at(ghi, group, hi[off])
        glo -= _NEAR_M
        ghi += _NEAR_M
        g0 = np.clip(np.floor((glo[:, :2] - base) / _HASH_CELL_M).astype(np.int64), 0, None)
        g1 = np.clip(np.floor((ghi[:, :2] - base) / _HASH_CELL_M).astype(np.int64), 0, None)
        keys, grp = _expand_cells(g0, g1, ncol)
        inside = keys < n_keys
        keys, grp = keys[inside], grp[inside]
        starts, stops = offsets[keys], offsets[keys + 1]
        counts = stops - starts
        pair_grp = np.repeat(grp, counts)
        pos = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(starts, counts)
        cand = cell_tri[pos]
        ok = ((lo[cand] <= ghi[pair_grp]) & (hi[cand] >= glo[pair_grp])).all(axis=1) & tri_enabled[cand]
        return np.unique(cand[ok])

    # -- raw queries on one EmbreeScene (float32 in, no masking)
    @staticmethod
    def _tfar(tmax):
        """embreex ``dists``: None (no limit), a Python float, or a fresh float32 array (embreex
        writes hit distances into it)."""
        if np.ndim(tmax) == 0:
            return None if tmax >= _EMBREE_INFINITY else float(tmax)
        return np.minimum(tmax, _EMBREE_INFINITY).astype(np.float32)

    @staticmethod
    def _raw_occluded(built, o32, d32, tmax):
        es, _ = built
        res = es.run(o32, d32, dists=_EmbreeBackend._tfar(tmax), query="OCCLUDED")
        return res != -1

    @staticmethod
    def _raw_first_hit(built, o32, d32, tmax):
        es, ids = built
        res = es.run(o32, d32, dists=_EmbreeBackend._tfar(tmax), output=True)
        prim = res["primID"]
        miss = prim < 0
        if len(ids) == 0:
            tri = np.full(len(prim), -1, dtype=np.int64)
            miss = np.ones(len(prim), dtype=bool)
        elif ids[-1] == len(ids) - 1 and ids[0] == 0:  # all triangles: ids are identity
            tri = prim.astype(np.int64)
        else:
            tri = ids[np.maximum(prim, 0)]
            tri[miss] = -1
        t = res["tfar"].astype(np.float64)
        t[miss] = np.inf
        return t, tri

    @staticmethod
    def _f32(o, d):
        return (np.ascontiguousarray(o, dtype=np.float32), np.ascontiguousarray(d, dtype=np.float32))

    def snapshot(self):
        return self.state

    def occluded(self, o, d, tmax, state=None):
        st = state or self.state
        o32, d32 = self._f32(o, d)
        if st.enabled_only is not None:
            return self._raw_occluded(st.enabled_only, o32, d32, tmax)
        occ = self._raw_occluded(self.full, o32, d32, tmax)
        if st.disabled is None or not occ.any():
            return occ
        # rays blocked in the full scene that also touch a disabled triangle: re-trace exactly
        tmax = np.broadcast_to(np.asarray(tmax, dtype=np.float64), (len(o),))
        cand = np.flatnonzero(occ)
        dc = d32[cand] if len(d32) > 1 else d32
        touch = self._raw_occluded(st.disabled, o32[cand], dc, tmax[cand])
        redo = cand[touch]
        if len(redo):
            t, _ = self._skip_disabled(st, o[redo], d[redo] if len(d) > 1 else d, tmax[redo])
            occ[redo] = np.isfinite(t)
        return occ

    def first_hit(self, o, d, tmax, state=None):
        st = state or self.state
        o32, d32 = self._f32(o, d)
        if st.enabled_only is not None:
            return self._raw_first_hit(st.enabled_only, o32, d32, tmax)
        t, tri = self._raw_first_hit(self.full, o32, d32, tmax)
        if st.disabled is None:
            return t, tri
        redo = np.flatnonzero((tri >= 0) & ~st.tri_enabled[np.maximum(tri, 0)])
        if len(redo):
            tmax = np.broadcast_to(np.asarray(tmax, dtype=np.float64), (len(o),))
            t[redo], tri[redo] = self._skip_disabled(st, o[redo], d[redo] if len(d) > 1 else d, tmax[redo])
        return t, tri

    def _skip_disabled(self, st, o, d, tmax, max_steps: int = 64):
        """First enabled hit of rays whose nearest hit in the full BVH is disabled.

        Enabled triangles near disabled ones (within :data:`_NEAR_M`, e.g. the party wall a
        demolished house shares with its neighbour) are traced exactly in their own small BVH.
        All other enabled triangles are found by stepping past disabled hits by
        :data:`_SKIP_EPS_M` (< :data:`_NEAR_M`, so no such triangle can be stepped over). Rays
        still unresolved after ``max_steps`` are finished by the numpy backend."""
        n = len(o)
        d = np.broadcast_to(d, (n, 3))
        o32, d32 = self._f32(o, d)
        t_out, tri_out = self._raw_first_hit(st.near_enabled, o32, d32, tmax)
        travelled = np.zeros(n)
        active = np.arange(n)
        for _ in range(max_steps):
            # a ray cannot improve on its near-enabled hit once it has travelled past it
            active = active[travelled[active] < np.minimum(tmax[active], t_out[active])]
            if len(active) == 0:
                break
            start = o[active] + travelled[active, None] * d[active]
            remaining = np.minimum(tmax[active], t_out[active]) - travelled[active]
            s32, sd32 = self._f32(start, d[active])
            t, tri = self._raw_first_hit(self.full, s32, sd32, remaining)
            hit = tri >= 0
            good = hit & st.tri_enabled[np.maximum(tri, 0)]
            found = active[good]
            better = travelled[found] + t[good] < t_out[found]
            t_out[found[better]] = travelled[found[better]] + t[good][better]
            tri_out[found[better]] = tri[good][better]
            skip = hit & ~good
            nxt = active[skip]
            travelled[nxt] += t[skip] + _SKIP_EPS_M
            active = nxt
        active = active[travelled[active] < np.minimum(tmax[active], t_out[active])]
        if len(active):
            if self.numpy_fallback is None:
                self.numpy_fallback = _NumpyBackend.from_arrays(
                    self.vertices32.astype(np.float64), self.triangles32.astype(np.int64))
            t, tri = self.numpy_fallback.first_hit(o[active], d[active], tmax[active], enabled=st.tri_enabled)
            t_out[active], tri_out[active] = t, tri
        return t_out, tri_out


# ==================================================================== pure numpy
def _morton3(q: np.ndarray) -> np.ndarray:
    """Interleave the bits of three 10-bit integer columns into a 30-bit Morton code."""
    def spread(v):
        v = v.astype(np.uint64) & np.uint64(0x3FF)
        v = (v | (v << np.uint64(16))) & np.uint64(0x030000FF)
        v = (v | (v << np.uint64(8))) & np.uint64(0x0300F00F)
        v = (v | (v << np.uint64(4))) & np.uint64(0x030C30C3)
        v = (v | (v << np.uint64(2))) & np.uint64(0x09249249)
        return v

    return spread(q[:, 0]) | (spread(q[:, 1]) << np.uint64(1)) | (spread(q[:, 2]) << np.uint64(2))


class _NumpyBackend:
    """Linear BVH + breadth-first vectorised traversal + Möller–Trumbore in float64.

    ``margin`` grows (> 0) or shrinks (< 0) every triangle in barycentric units; 0 is the exact
    test. Tests use ±margin to tell grazing rays (whose answer flips) from real disagreements.
    """

    margin = 0.0

    def __init__(self, scene):
        self._setup(np.asarray(scene.vertices, dtype=np.float64), np.asarray(scene.triangles))

    @classmethod
    def from_arrays(cls, vertices, triangles):
        self = cls.__new__(cls)
        self._setup(vertices, triangles)
        return self

    def _setup(self, vertices, triangles):
        m = len(triangles)
        self.n_triangles = m
        self._proj_cache = {}
        self.tri_enabled = np.ones(m, dtype=bool)
        if m == 0:
            self.depth = 0
            return
        c = vertices[triangles]  # (m, 3, 3)
        self.v0 = np.ascontiguousarray(c[:, 0])
        self.e1 = np.ascontiguousarray(c[:, 1] - c[:, 0])
        self.e2 = np.ascontiguousarray(c[:, 2] - c[:, 0])
        tri_lo, tri_hi = c.min(axis=1), c.max(axis=1)
        # pad boxes a little (0.1 % of the triangle size + 1 µm) so that rays grazing a flat box
        # are not culled by round-off before the exact triangle test
        pad = 1e-3 * (tri_hi - tri_lo).max(axis=1, keepdims=True) + 1e-6
        tri_lo, tri_hi = tri_lo - pad, tri_hi + pad
        centre = c.mean(axis=1)
        lo, hi = centre.min(axis=0), centre.max(axis=0)
        # one scale for all axes: cubic Morton cells suit flat, wide cities
        q = np.floor((centre - lo) / max(float((hi - lo).max()), 1e-12) * 1023.0).astype(np.int64)
        order = np.argsort(_morton3(np.clip(q, 0, 1023)), kind="stable")
        leaf = NUMPY_LEAF_SIZE
        n_leaves = -(-m // leaf)
        depth = max(0, int(np.ceil(np.log2(n_leaves)))) if n_leaves > 1 else 0
        n_pad = 1 << depth
        slots = np.full(n_pad * leaf, -1, dtype=np.int64)
        slots[:m] = order
        self.leaf_tris = slots.reshape(n_pad, leaf)
        filled = self.leaf_tris >= 0
        safe = np.maximum(self.leaf_tris, 0)
        leaf_lo = np.where(filled[..., None], tri_lo[safe], np.inf).min(axis=1)
        leaf_hi = np.where(filled[..., None], tri_hi[safe], -np.inf).max(axis=1)
        # boxes per level, level 0 = root; node k of level l has children 2k, 2k+1 on level l+1
        self.box_lo = [None] * (depth + 1)
        self.box_hi = [None] * (depth + 1)
        self.box_lo[depth], self.box_hi[depth] = leaf_lo, leaf_hi
        for level in range(depth - 1, -1, -1):
            below_lo, below_hi = self.box_lo[level + 1], self.box_hi[level + 1]
            self.box_lo[level] = np.minimum(below_lo[0::2], below_lo[1::2])
            self.box_hi[level] = np.maximum(below_hi[0::2], below_hi[1::2])
        # padding nodes have empty boxes (lo=+inf, hi=-inf) that the slab test cannot reject
        self.box_used = [np.isfinite(b[:, 0]) for b in self.box_lo]
        self.depth = depth

    def set_triangle_enabled(self, tri_enabled):
        self.tri_enabled = np.asarray(tri_enabled, dtype=bool).copy()

    def snapshot(self):
        return self.tri_enabled

    def _candidates(self, o, d, tmax, enabled=None):
        """(ray, triangle) pairs whose leaf box the ray segment [0, tmax] passes through."""
        n = len(o)
        d = np.broadcast_to(d, (n, 3))
        safe_d = np.where(np.abs(d) < 1e-300, np.copysign(1e-300, d), d)
        inv = 1.0 / safe_d
        ray = np.arange(n)
        node = np.zeros(n, dtype=np.int64)
        for level in range(self.depth + 1):
            lo = self.box_lo[level][node]
            hi = self.box_hi[level][node]
            oo, ii = o[ray], inv[ray]
            t1 = (lo - oo) * ii
            t2 = (hi - oo) * ii
            t_enter = np.minimum(t1, t2).max(axis=1)
            t_exit = np.maximum(t1, t2).min(axis=1)
            keep = ((t_enter <= t_exit) & (t_exit >= 0.0) & (t_enter <= tmax[ray])
                    & self.box_used[level][node])
            ray, node = ray[keep], node[keep]
            if level < self.depth:
                ray = np.repeat(ray, 2)
                node = (np.repeat(node, 2) << 1) | np.tile(np.array([0, 1]), len(node))
        tri = self.leaf_tris[node].reshape(-1)
        ray = np.repeat(ray, self.leaf_tris.shape[1])
        ok = tri >= 0
        ray, tri = ray[ok], tri[ok]
        ok = (self.tri_enabled if enabled is None else enabled)[tri]
        return ray[ok], tri[ok], d

    def _direction_grid(self, d):
        """For one ray direction: the triangles projected onto the plane normal to ``d``, binned
        in a uniform 2D grid (sorted cell keys → triangles). Rays along ``d`` can only hit the
        triangles binned in the cell of their own projected origin (a "shadow map" as a lookup
        table). Cached for the last few directions (sun-hours ask each direction many times)."""
        key = np.asarray(d, dtype=np.float64).tobytes()
        cached = self._proj_cache.get(key)
        if cached is not None:
            return cached
        a = np.array([1.0, 0.0, 0.0]) if abs(d[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
        u = np.cross(d, a)
        u /= np.linalg.norm(u)
        v = np.cross(d, u)
        basis = np.stack([u, v], axis=1)  # (3, 2)
        p0 = self.v0 @ basis
        p1 = p0 + self.e1 @ basis
        p2 = p0 + self.e2 @ basis
        lo = np.minimum(np.minimum(p0, p1), p2)
        hi = np.maximum(np.maximum(p0, p1), p2)
        ext = (hi - lo).max(axis=1)
        pad = 1e-3 * ext[:, None] + 1e-6
        lo, hi = lo - pad, hi + pad
        base = lo.min(axis=0)
        span = float((hi.max(axis=0) - base).max())
        cell = max(float(np.median(ext)), span / 4096.0, 1e-6)
        for _ in range(8):  # coarser cells when big triangles would fill too many
            c0 = np.floor((lo - base) / cell).astype(np.int64)
            c1 = np.floor((hi - base) / cell).astype(np.int64)
            if ((c1 - c0 + 1).prod(axis=1)).sum() <= max(8 * self.n_triangles, 4_000_000):
                break
            cell *= 2.0
        ncol = int(c1[:, 0].max()) + 1
        nrow = int(c1[:, 1].max()) + 1
        keys, tri = _expand_cells(c0, c1, ncol)
        order = np.argsort(keys, kind="stable")
        keys, tri = keys[order], tri[order]
        uniq, start = np.unique(keys, return_index=True)
        stop = np.append(start[1:], len(keys))
        grid = (basis, base, cell, ncol, nrow, uniq, start, stop, tri)
        if len(self._proj_cache) >= 4:
            self._proj_cache.pop(next(iter(self._proj_cache)), None)
        self._proj_cache[key] = grid
        return grid

    def _candidates_one_direction(self, o, d, enabled=None):
        """(ray, triangle) pairs for rays sharing direction ``d`` (3,) via :meth:`_direction_grid`."""
        basis, base, cell, ncol, nrow, uniq, start, stop, cell_tri = self._direction_grid(d)
        c = np.floor((o @ basis - base) / cell).astype(np.int64)
        inside = (c[:, 0] >= 0) & (c[:, 0] < ncol) & (c[:, 1] >= 0) & (c[:, 1] < nrow)
        rays = np.flatnonzero(inside)
        keys = c[rays, 1] * ncol + c[rays, 0]
        pos = np.searchsorted(uniq, keys)
        pos = np.minimum(pos, max(len(uniq) - 1, 0))
        found = uniq[pos] == keys if len(uniq) else np.zeros(len(keys), bool)
        rays, pos = rays[found], pos[found]
        counts = stop[pos] - start[pos]
        ray = np.repeat(rays, counts)
        offs = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(start[pos], counts)
        tri = cell_tri[offs]
        ok = (self.tri_enabled if enabled is None else enabled)[tri]
        return ray[ok], tri[ok]

    def _intersect(self, o, d, tmax, enabled=None):
        """All (ray, triangle, t) hits with 0 <= t <= tmax (Möller–Trumbore)."""
        if len(d) == 1 and len(o) >= 256:
            ray, tri = self._candidates_one_direction(o, np.asarray(d[0], dtype=np.float64), enabled)
            d = np.broadcast_to(d, (len(o), 3))
        else:
            ray, tri, d = self._candidates(o, d, tmax, enabled)
        dd = d[ray]
        e1, e2 = self.e1[tri], self.e2[tri]
        p = np.cross(dd, e2)
        det = np.einsum("ij,ij->i", e1, p)
        with np.errstate(divide="ignore", invalid="ignore"):
            inv_det = 1.0 / det
            s = o[ray] - self.v0[tri]
            u = np.einsum("ij,ij->i", s, p) * inv_det
            qv = np.cross(s, e1)
            v = np.einsum("ij,ij->i", dd, qv) * inv_det
            t = np.einsum("ij,ij->i", e2, qv) * inv_det
            m = self.margin
            hit = ((det != 0.0) & (u >= -m) & (v >= -m) & (u + v <= 1.0 + m) & (t >= 0.0)
                   & (t <= tmax[ray]))
        return ray[hit], tri[hit], t[hit]

    def occluded(self, o, d, tmax, state=None):
        out = np.zeros(len(o), dtype=bool)
        if self.n_triangles == 0:
            return out
        tmax = np.broadcast_to(np.asarray(tmax, dtype=np.float64), (len(o),))
        ray, _, _ = self._intersect(o, d, tmax, state)
        out[ray] = True
        return out

    def first_hit(self, o, d, tmax, enabled=None, state=None):
        enabled = enabled if enabled is not None else state
        n = len(o)
        t_out = np.full(n, np.inf)
        tri_out = np.full(n, -1, dtype=np.int64)
        if self.n_triangles == 0:
            return t_out, tri_out
        tmax = np.broadcast_to(np.asarray(tmax, dtype=np.float64), (n,))
        ray, tri, t = self._intersect(o, d, tmax, enabled)
        if len(ray):
            order = np.lexsort((tri, t, ray))
            ray, tri, t = ray[order], tri[order], t[order]
            first = np.ones(len(ray), dtype=bool)
            first[1:] = ray[1:] != ray[:-1]
            t_out[ray[first]] = t[first]
            tri_out[ray[first]] = tri[first]
        return t_out, tri_out
