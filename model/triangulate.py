"""Batched triangulation of planar 3D polygons with holes.

Method: each polygon's plane normal is the Newell normal of its exterior ring (Newell 1972, as in
Sutherland et al. 1974), computed for all polygons at once with ``np.add.reduceat``. Polygons are
then split into three groups:

* triangles -> used as they are;
* convex polygons without holes (the common LoD2 wall and roof quad) -> fan triangulation,
  built with index arithmetic for all polygons at once;
* everything else (concave, with holes) -> projected to 2D by dropping the dominant axis of the
  normal (batched in numpy) and triangulated by ear clipping with ``mapbox_earcut``, one call per
  polygon on pre-sliced arrays.

Every output triangle is oriented like its polygon (its normal points the same way as the
polygon's Newell normal), so outward-facing solids stay outward-facing.
Degenerate polygons (fewer than 3 distinct vertices, or zero area) are dropped and counted.
"""
from __future__ import annotations

from dataclasses import dataclass

import mapbox_earcut
import numpy as np


@dataclass
class Triangulation:
    triangles: np.ndarray  # (T, 3) int64 indices into the vertex array
    polygon: np.ndarray  # (T,) int64 index of the source polygon
    degenerate: np.ndarray  # (k,) int64 indices of polygons dropped as degenerate
    normals: np.ndarray  # (P, 3) Newell normals (length = 2 × area of the exterior ring)


def _next_in_ring(ring_offsets: np.ndarray, n: int) -> np.ndarray:
    """For every position in the flat ring-vertex array, the position of the next vertex of the
    same ring (wrapping to the ring's first vertex)."""
    nxt = np.arange(1, n + 1, dtype=np.int64)
    ends = ring_offsets[1:] - 1
    starts = ring_offsets[:-1]
    nonempty = ring_offsets[1:] > ring_offsets[:-1]
    nxt[ends[nonempty]] = starts[nonempty]
    return nxt


def triangulate(
    vertices: np.ndarray,
    ring_vertices: np.ndarray,
    ring_offsets: np.ndarray,
    polygon_offsets: np.ndarray,
) -> Triangulation:
    """Triangulate polygons given in flat (CSR) form.

    vertices        (N, 3) float64 coordinates (metres)
    ring_vertices   (V,) int vertex indices of all rings, ring after ring, rings not closed
                    (the first vertex is not repeated at the end)
    ring_offsets    (R + 1,) start of each ring in ``ring_vertices``
    polygon_offsets (P + 1,) start of each polygon in the ring list; a polygon's first ring is
                    its exterior, the others are holes
    """
    vertices = np.asarray(vertices, dtype=np.float64)
    ring_vertices = np.asarray(ring_vertices, dtype=np.int64)
    ring_offsets = np.asarray(ring_offsets, dtype=np.int64)
    polygon_offsets = np.asarray(polygon_offsets, dtype=np.int64)
    n_poly = len(polygon_offsets) - 1
    empty = Triangulation(np.zeros((0, 3), np.int64), np.zeros(0, np.int64),
                          np.arange(n_poly, dtype=np.int64), np.zeros((n_poly, 3)))
    if n_poly <= 0 or len(ring_vertices) == 0:
        return empty

    ring_len = np.diff(ring_offsets)
    n_rings_of_poly = np.diff(polygon_offsets)
    has_ring = n_rings_of_poly > 0
    ext_ring = np.minimum(polygon_offsets[:-1], len(ring_len) - 1)
    ext_len = np.where(has_ring, ring_len[ext_ring], 0)

    # Newell normal of every ring, then take the exterior ring's.
    pts = vertices[ring_vertices]
    nxt = _next_in_ring(ring_offsets, len(ring_vertices))
    a, b = pts, pts[nxt]
    terms = np.stack(
        [
            (a[:, 1] - b[:, 1]) * (a[:, 2] + b[:, 2]),
            (a[:, 2] - b[:, 2]) * (a[:, 0] + b[:, 0]),
            (a[:, 0] - b[:, 0]) * (a[:, 1] + b[:, 1]),
        ],
        axis=1,
    )
    ring_normal = np.zeros((len(ring_len), 3))
    nonempty_ring = ring_len > 0
    ring_normal[nonempty_ring] = np.add.reduceat(terms, ring_offsets[:-1][nonempty_ring], axis=0)
    normals = np.where(has_ring[:, None], ring_normal[ext_ring], 0.0)
    norm_len = np.linalg.norm(normals, axis=1)

    # scale-aware degeneracy: area below 1e-12 of the squared ring extent, or < 3 vertices
    ext_start = ring_offsets[ext_ring]
    degenerate = (~has_ring) | (ext_len < 3) | ~(norm_len > 1e-12)
    unit = np.zeros_like(normals)
    ok = ~degenerate
    unit[ok] = normals[ok] / norm_len[ok, None]

    single = ok & (n_rings_of_poly == 1)
    tri_list, poly_list = [], []

    # --- triangles
    is_tri = single & (ext_len == 3)
    idx = np.flatnonzero(is_tri)
    if len(idx):
        s = ext_start[idx]
        tri_list.append(np.stack([ring_vertices[s], ring_vertices[s + 1], ring_vertices[s + 2]], 1))
        poly_list.append(idx)

    # --- convex single-ring polygons: fan
    cand = single & (ext_len > 3)
    convex = np.zeros(n_poly, dtype=bool)
    if cand.any():
        # per vertex of every ring: turn direction relative to polygon normal
        prv = np.empty_like(nxt)
        prv[nxt] = np.arange(len(nxt))
        e1 = pts - pts[prv]
        e2 = pts[nxt] - pts
        turn_vec = np.cross(e1, e2)
        poly_of_ring = np.repeat(np.arange(n_poly), n_rings_of_poly)
        poly_of_vertex = np.repeat(poly_of_ring, ring_len)
        turn = np.einsum("ij,ij->i", turn_vec, unit[poly_of_vertex])
        # tolerate collinear vertices; scale tolerance by edge lengths
        tol = 1e-9 * (np.linalg.norm(e1, axis=1) * np.linalg.norm(e2, axis=1) + 1e-30)
        bad = (turn < -tol).astype(np.int64)
        bad_per_ring = np.zeros(len(ring_len), dtype=np.int64)
        bad_per_ring[nonempty_ring] = np.add.reduceat(bad, ring_offsets[:-1][nonempty_ring])
        convex = cand & (bad_per_ring[ext_ring] == 0)
        idx = np.flatnonzero(convex)
        if len(idx):
            k = ext_len[idx] - 2  # triangles per polygon
            owner = np.repeat(idx, k)
            first = np.repeat(ext_start[idx], k)
            step = np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k)
            tri_list.append(
                np.stack(
                    [ring_vertices[first], ring_vertices[first + step + 1], ring_vertices[first + step + 2]],
                    1,
                )
            )
            poly_list.append(owner)

    # --- the rest: earcut in 2D
    rest = np.flatnonzero(ok & ~is_tri & ~convex)
    if len(rest):
        axis = np.argmax(np.abs(unit), axis=1)  # dominant axis to drop
        keep = np.array([[1, 2], [2, 0], [0, 1]])  # right-handed projection per dropped axis
        out_tri, out_poly = [], []
        for p in rest:
            r0, r1 = polygon_offsets[p], polygon_offsets[p + 1]
            v0, v1 = ring_offsets[r0], ring_offsets[r1]
            verts_idx = ring_vertices[v0:v1]
            xy = vertices[verts_idx][:, keep[axis[p]]]
            ends = (ring_offsets[r0 + 1 : r1 + 1] - v0).astype(np.uint32)
            ends = ends[np.concatenate([[True], ends[1:] > ends[:-1]])]  # drop empty holes
            local = mapbox_earcut.triangulate_float64(np.ascontiguousarray(xy), ends)
            if len(local):
                out_tri.append(verts_idx[local.reshape(-1, 3)])
                out_poly.append(np.full(len(local) // 3, p, dtype=np.int64))
        if out_tri:
            tri_list.append(np.concatenate(out_tri))
            poly_list.append(np.concatenate(out_poly))

    if not tri_list:
        return Triangulation(empty.triangles, empty.polygon, np.flatnonzero(degenerate), normals)
    tris = np.concatenate(tri_list).astype(np.int64)
    owner = np.concatenate(poly_list).astype(np.int64)
    order = np.argsort(owner, kind="stable")
    tris, owner = tris[order], owner[order]
    # orient every triangle like its polygon
    c = vertices[tris]
    tn = np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0])
    flip = np.einsum("ij,ij->i", tn, unit[owner]) < 0
    tris[flip] = tris[flip][:, [0, 2, 1]]
    # a polygon that produced no triangle at all (self-intersecting rings) is degenerate too
    produced = np.zeros(n_poly, dtype=bool)
    produced[owner] = True
    degenerate = degenerate | ~produced
    return Triangulation(tris, owner, np.flatnonzero(degenerate), normals)


def polygon_areas(normals: np.ndarray) -> np.ndarray:
    """Area (m²) of each polygon's exterior ring from its Newell normal (|n| / 2)."""
    return 0.5 * np.linalg.norm(normals, axis=1)
