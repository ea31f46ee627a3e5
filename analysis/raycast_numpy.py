"""The pure-numpy backend of :class:`analysis.raycast.RayCaster` (a linear BVH traversed level by
level for a chunk of rays, Möller–Trumbore at the leaves): see :mod:`analysis.raycast`."""
from __future__ import annotations

import numpy as np

#: triangles per leaf of the numpy BVH
NUMPY_LEAF_SIZE = 8


def expand_cells(c0, c1, ncol):
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


class NumpyBackend:
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
        keys, tri = expand_cells(c0, c1, ncol)
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
