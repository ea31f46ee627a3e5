"""The Embree backend of :class:`analysis.raycast.RayCaster` (Intel Embree 4 through embreex):
see the module docstring of :mod:`analysis.raycast` for the method, the float32 local frame and
the handling of disabled objects (a second BVH over the disabled triangles, or a rebuild)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .raycast_numpy import NumpyBackend, expand_cells

#: largest finite ray length handed to Embree (float32); "no limit" becomes this
_EMBREE_INFINITY = np.float32(1e30)
#: fraction of disabled triangles above which a BVH of the enabled triangles is built instead
REBUILD_FRACTION = 0.3
#: a ray skipping a disabled triangle restarts this far (metres) behind the hit point
_SKIP_EPS_M = 1e-3
#: enabled triangles closer than this (metres) to a disabled one are traced in a separate BVH
_NEAR_M = 0.05
#: cell size (metres) of the 2D triangle lookup grid used when objects are toggled
_HASH_CELL_M = 16.0



@dataclass(frozen=True)
class _MaskState:
    """Object-mask state of the Embree backend, swapped as a whole (thread safety)."""

    tri_enabled: np.ndarray
    disabled: tuple | None  # (EmbreeScene, global triangle ids) of the disabled triangles
    near_enabled: tuple | None  # enabled triangles near the disabled ones
    enabled_only: tuple | None  # BVH of the enabled triangles when many are disabled


class EmbreeBackend:
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
            key, tri = expand_cells(c0, c1, ncol)
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
        keys, grp = expand_cells(g0, g1, ncol)
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
        res = es.run(o32, d32, dists=EmbreeBackend._tfar(tmax), query="OCCLUDED")
        return res != -1

    @staticmethod
    def _raw_first_hit(built, o32, d32, tmax):
        es, ids = built
        res = es.run(o32, d32, dists=EmbreeBackend._tfar(tmax), output=True)
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
                self.numpy_fallback = NumpyBackend.from_arrays(
                    self.vertices32.astype(np.float64), self.triangles32.astype(np.int64))
            t, tri = self.numpy_fallback.first_hit(o[active], d[active], tmax[active], enabled=st.tri_enabled)
            t_out[active], tri_out[active] = t, tri
        return t_out, tri_out


# ==================================================================== pure numpy
