"""Exact blockers of line segments: every object a segment passes through and where it enters.

Used by sightlines (:func:`analysis.sightline.trace_lines` with ``all_blockers``) so that a line
along a row of houses without party walls still lists every house it runs through; see
:func:`segment_blockers` for the method.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stadtbild.model.cache import cached
from stadtbild.model.ranges import concatenated_ranges

#: a triangle counts as horizontal-ish (part of a roof/floor/ground layer) when |n_z| exceeds this
_NON_VERTICAL_NZ = 1e-6
#: an object is treated as a volume when its non-vertical faces close vertically: |Σ n_z·area| of
#: them is at most this share of Σ |n_z|·area (divergence theorem; vertical walls add nothing;
#: 5 % lets through real roofs that leave a sliver of the ground uncovered)
_CLOSED_TOL = 0.05
#: (line, object) pairs handled per chunk by :func:`segment_blockers` (bounds memory)
_PAIR_CHUNK = 1 << 14


@dataclass(eq=False)
class _ObjectIndex:
    """Per-scene arrays for :func:`segment_blockers`: object bounding boxes; each object's
    triangles in clusters (same object and same :data:`_CLUSTER_CELL_M` plan cell) with plan
    bounding boxes, so a segment touching one corner of a large building does not test all of its
    triangles; triangle plan bounding boxes; which triangles are non-vertical and which objects
    enclose a volume."""

    lo: np.ndarray            # (K, 3) object boxes
    hi: np.ndarray            # (K, 3)
    tile_lo: np.ndarray       # (T, 3) boxes of the objects whose centres share a plan tile
    tile_hi: np.ndarray       # (T, 3)
    tile_start: np.ndarray    # (T,) first position of the tile in ``tile_objects``
    tile_count: np.ndarray    # (T,)
    tile_objects: np.ndarray  # (K,) objects sorted by tile
    obj_cl_start: np.ndarray  # (K,) first cluster of each object
    obj_cl_count: np.ndarray  # (K,)
    cl_lo: np.ndarray         # (C, 2) cluster plan boxes
    cl_hi: np.ndarray         # (C, 2)
    cl_start: np.ndarray      # (C,) first position of the cluster in ``order``
    cl_count: np.ndarray      # (C,)
    order: np.ndarray         # (m,) triangles sorted by object, then cluster
    tri_lo: np.ndarray        # (m, 2) plan bbox
    tri_hi: np.ndarray        # (m, 2)
    non_vertical: np.ndarray  # (m,) bool
    volume: np.ndarray        # (K,) bool


#: plan cell size (m) of the triangle clusters of :class:`_ObjectIndex`
_CLUSTER_CELL_M = 8.0
#: plan tile size (m) grouping objects for the first, coarse box test
_TILE_M = 64.0


@cached
def _object_index(scene) -> _ObjectIndex:
    """The :class:`_ObjectIndex` of ``scene`` (cached on the scene)."""
    k_n = len(scene.object_ids)
    c = scene.corners
    obj = scene.object_index.astype(np.int64)
    lo = np.full((k_n, 3), np.inf)
    hi = np.full((k_n, 3), -np.inf)
    np.minimum.at(lo, obj, c.min(axis=1))
    np.maximum.at(hi, obj, c.max(axis=1))
    present = np.isfinite(lo[:, 0])
    tile = np.floor((0.5 * (lo[:, :2] + hi[:, :2]) - lo[present, :2].min(axis=0, initial=0.0)) / _TILE_M)
    tile = np.where(present[:, None], tile, -1).astype(np.int64)
    tile_objects = np.lexsort((tile[:, 1], tile[:, 0]))
    tile_objects = tile_objects[present[tile_objects]]
    tk = tile[tile_objects]
    tnew = np.ones(len(tk), dtype=bool)
    tnew[1:] = (tk[1:] != tk[:-1]).any(axis=1)
    tile_start = np.flatnonzero(tnew)
    tile_count = np.diff(np.append(tile_start, len(tk)))
    tile_lo = np.minimum.reduceat(lo[tile_objects], tile_start, axis=0) if len(tk) else np.zeros((0, 3))
    tile_hi = np.maximum.reduceat(hi[tile_objects], tile_start, axis=0) if len(tk) else np.zeros((0, 3))
    tri_lo, tri_hi = c[:, :, :2].min(axis=1), c[:, :, :2].max(axis=1)
    cell = np.floor((c[:, :, :2].mean(axis=1) - tri_lo.min(axis=0)) / _CLUSTER_CELL_M).astype(np.int64)
    order = np.lexsort((cell[:, 1], cell[:, 0], obj))
    key = np.column_stack([obj, cell])[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (key[1:] != key[:-1]).any(axis=1)
    cl_start = np.flatnonzero(new)
    cl_count = np.diff(np.append(cl_start, len(order)))
    cl_lo = np.minimum.reduceat(tri_lo[order], cl_start, axis=0) if len(order) else np.zeros((0, 2))
    cl_hi = np.maximum.reduceat(tri_hi[order], cl_start, axis=0) if len(order) else np.zeros((0, 2))
    cl_obj = key[cl_start, 0]
    obj_cl_count = np.bincount(cl_obj, minlength=k_n)
    obj_cl_start = np.concatenate([[0], np.cumsum(obj_cl_count)[:-1]]).astype(np.int64)
    nz = scene.face_normals[:, 2]
    non_vertical = np.abs(nz) > _NON_VERTICAL_NZ
    area = scene.triangle_areas
    signed = np.bincount(obj, weights=nz * area, minlength=k_n)
    total = np.bincount(obj, weights=np.abs(nz) * area, minlength=k_n)
    volume = (total > 0) & (np.abs(signed) <= _CLOSED_TOL * total)
    idx = _ObjectIndex(lo=lo, hi=hi, tile_lo=tile_lo, tile_hi=tile_hi, tile_start=tile_start,
                       tile_count=tile_count, tile_objects=tile_objects, obj_cl_start=obj_cl_start, obj_cl_count=obj_cl_count, cl_lo=cl_lo,
                       cl_hi=cl_hi, cl_start=cl_start, cl_count=cl_count, order=order, tri_lo=tri_lo,
                       tri_hi=tri_hi, non_vertical=non_vertical, volume=volume)
    return idx


def _expand(start, count):
    """(owner, position): ``count[i]`` consecutive positions from ``start[i]`` for each i."""
    return np.repeat(np.arange(len(count)), count), concatenated_ranges(start, count)


def _plan_overlap(o, d, s0, s1, lo, hi, pad=1e-6):
    """Does the plan projection of the segment part o + s·d, s0 ≤ s ≤ s1, meet the plan boxes?"""
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / d[:, :2]
        t0 = (lo - pad - o[:, :2]) * inv
        t1 = (hi + pad - o[:, :2]) * inv
    flat = d[:, :2] == 0.0
    inside = (o[:, :2] >= lo - pad) & (o[:, :2] <= hi + pad)
    near = np.where(flat, np.where(inside, -np.inf, np.inf), np.minimum(t0, t1)).max(axis=1)
    far = np.where(flat, np.where(inside, np.inf, -np.inf), np.maximum(t0, t1)).min(axis=1)
    return np.maximum(near, s0) <= np.minimum(far, s1)


def _near_pairs(o, d, tmax, lo, hi):
    """Broad phase in plan: (line, box) pairs whose box centre lies within the radius of the box's
    plan circle of the segment's plan line, and between its ends, on (n, K) arrays."""
    centre = 0.5 * (lo[:, :2] + hi[:, :2])
    radius = 0.5 * np.hypot(hi[:, 0] - lo[:, 0], hi[:, 1] - lo[:, 1]) + 0.01
    dxy = d[:, :2]
    plan = np.hypot(dxy[:, 0], dxy[:, 1])[:, None]
    wx = centre[None, :, 0] - o[:, None, 0]
    wy = centre[None, :, 1] - o[:, None, 1]
    reach = radius[None] * plan
    along = wx * dxy[:, 0:1] + wy * dxy[:, 1:2]
    near = np.abs(wx * dxy[:, 1:2] - wy * dxy[:, 0:1]) <= reach
    near &= (along >= -reach) & (along <= (tmax[:, None] * plan) * plan + reach)
    return np.nonzero(near)


def _segment_box_pairs(o, d, tmax, ix):
    """Segments ``o + s·d``, 0 ≤ s ≤ tmax against the object boxes of ``ix``: (line, object, s0,
    s1) of the overlapping pairs (s0..s1: the part of the segment inside the box, widened by
    1 mm). Coarse test on tiles of objects, then an exact slab test per object."""
    pad = 1e-3
    lt, tl = _near_pairs(o, d, tmax, ix.tile_lo, ix.tile_hi)
    k, pos = _expand(ix.tile_start[tl], ix.tile_count[tl])
    li, ki = lt[k], ix.tile_objects[pos]
    lo, hi = ix.lo, ix.hi
    # exact slab test on the survivors
    oo, dd = o[li], d[li]
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / dd                                  # ±inf on axis-parallel rays
        t0 = ((lo[ki] - pad) - oo) * inv
        t1 = ((hi[ki] + pad) - oo) * inv
    flat = dd == 0.0                                    # parallel to the slab: inside or never
    inside = (oo >= lo[ki] - pad) & (oo <= hi[ki] + pad)
    t_near = np.where(flat, np.where(inside, -np.inf, np.inf), np.minimum(t0, t1))
    t_far = np.where(flat, np.where(inside, np.inf, -np.inf), np.maximum(t0, t1))
    s0 = np.maximum(t_near.max(axis=1), 0.0)
    s1 = np.minimum(t_far.min(axis=1), tmax[li])
    keep = s0 <= s1
    return li[keep], ki[keep], s0[keep], s1[keep]


def segment_blockers(scene, origins, directions, tmax, target_object=None):
    """Every object each segment ``origins + s·directions``, 0 ≤ s ≤ ``tmax`` (local, unit
    directions, m) passes through, with the distance where it first enters it — exact, in float64,
    over the objects whose bounding boxes the segment crosses.

    An object is entered where the segment crosses one of its faces (Möller & Trumbore 1997,
    "Fast, minimum storage ray/triangle intersection", on every candidate triangle, so both of two
    coincident party-wall triangles count) or where it starts to run *inside* its volume. The
    second matters for row houses: city models often leave out the party walls between adjoining
    buildings (the demo district has none below the lower roof), so a line running along a block
    passes from one house into the next without crossing any face. Inside is decided by the
    crossing-number (Jordan) test along a vertical ray: a point is inside when an odd number of the
    object's non-vertical faces lie above it. Vertical faces never cross a vertical ray, so missing
    walls do not change the answer. The test is used only for objects whose non-vertical faces
    close vertically (Σ n_z·area ≈ 0, divergence theorem), i.e. buildings, not terrain or loose
    surfaces. Along the segment the parity can only change where it crosses, in plan, an edge of a
    non-vertical face, or crosses such a face in 3D; it is evaluated between these points.

    ``target_object`` (n,) or scalar object index (-1 / None: none): that object ends the line —
    it is not listed, nor is anything entered at or beyond the distance where the line enters it.
    Returns (h, 3) [line, object index, entry distance m], sorted by line then distance."""
    o = np.atleast_2d(np.asarray(origins, dtype=np.float64))
    d = np.atleast_2d(np.asarray(directions, dtype=np.float64))
    o, d = np.broadcast_arrays(o, d)
    n = len(o)
    tmax = np.broadcast_to(np.asarray(tmax, dtype=np.float64), (n,)).copy()
    tobj = np.broadcast_to(np.asarray(-1 if target_object is None else target_object, dtype=np.int64), (n,))
    if n == 0 or scene.n_triangles == 0:
        return np.zeros((0, 3))
    ix = _object_index(scene)
    out = []
    per = max(1, (1 << 22) // max(len(ix.tile_lo), 1))  # lines per tile test (≤ 4 M pairs)
    for a in range(0, n, per):
        sl = slice(a, a + per)
        li, ki, s0, s1 = _segment_box_pairs(o[sl], d[sl], tmax[sl], ix)
        li = li + a
        for b in range(0, len(li), _PAIR_CHUNK):
            r = slice(b, b + _PAIR_CHUNK)
            out.append(_pairs_entry(scene, ix, o, d, li[r], ki[r], s0[r], s1[r]))
    hits = np.concatenate(out) if out else np.zeros((0, 3))
    hits = hits[np.isfinite(hits[:, 2])]
    hits[:, 2] += 0.0  # no -0.0 for an observer inside a building
    if len(hits) == 0:
        return hits
    lines = hits[:, 0].astype(np.int64)
    # the target object ends the line
    is_t = hits[:, 1].astype(np.int64) == tobj[lines]
    end = np.full(n, np.inf)
    np.minimum.at(end, lines[is_t], hits[is_t, 2])
    hits = hits[~is_t & (hits[:, 2] < end[lines])]
    return hits[np.lexsort((hits[:, 1], hits[:, 2], hits[:, 0]))]


def _pairs_entry(scene, ix, o, d, li, ki, s0, s1):
    """Entry distance of each (line ``li``, object ``ki``) pair whose box the segment crosses over
    ``s0..s1``: (p, 3) [line, object, entry m or inf]."""
    p_n = len(li)
    if p_n == 0:
        return np.zeros((0, 3))
    # ---- candidate triangles of each pair: in clusters whose plan box the segment's part meets
    oo, dd = o[li], d[li]
    pc, cl = _expand(ix.obj_cl_start[ki], ix.obj_cl_count[ki])
    ok = _plan_overlap(oo[pc], dd[pc], s0[pc], s1[pc], ix.cl_lo[cl], ix.cl_hi[cl])
    pc, cl = pc[ok], cl[ok]
    k, pos = _expand(ix.cl_start[cl], ix.cl_count[cl])
    pair, tri = pc[k], ix.order[pos]
    a_xy = (oo + s0[:, None] * dd)[:, :2]
    b_xy = (oo + s1[:, None] * dd)[:, :2]
    seg_lo, seg_hi = np.minimum(a_xy, b_xy), np.maximum(a_xy, b_xy)
    keep = ((ix.tri_lo[tri] <= seg_hi[pair] + 1e-6) & (ix.tri_hi[tri] >= seg_lo[pair] - 1e-6)).all(axis=1)
    pair, tri = pair[keep], tri[keep]
    c = scene.corners[tri]
    po, pd = oo[pair], dd[pair]
    # ---- faces crossed in 3D (Möller–Trumbore), s within the pair's box interval
    e1, e2 = c[:, 1] - c[:, 0], c[:, 2] - c[:, 0]
    pv = np.cross(pd, e2)
    det = np.einsum("ij,ij->i", e1, pv)
    ok = np.abs(det) > 1e-12
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / det
        tv = po - c[:, 0]
        u = np.einsum("ij,ij->i", tv, pv) * inv
        qv = np.cross(tv, e1)
        v = np.einsum("ij,ij->i", pd, qv) * inv
        s = np.einsum("ij,ij->i", e2, qv) * inv
    eps = 1e-9
    u, v, s = (np.where(ok, x, -1.0) for x in (u, v, s))
    cross = ok & (u >= -eps) & (v >= -eps) & (u + v <= 1 + eps) & (s >= s0[pair]) & (s <= s1[pair])
    entry = np.full(p_n, np.inf)
    np.minimum.at(entry, pair[cross], s[cross])
    # ---- volumes: where the segment runs inside (odd number of non-vertical faces above)
    nv = ix.non_vertical[tri] & ix.volume[ki][pair]
    if nv.any():
        _inside_entry(entry, pair[nv], c[nv], po[nv], pd[nv], s0[pair[nv]], s1[pair[nv]])
    return np.column_stack([li, ki, entry])


def _inside_entry(entry, pair, c, o, d, s0, s1):
    """Lower ``entry[p]`` to where segment p first runs inside its object. Each non-vertical face
    (corners ``c``) lies above the segment ``o + s·d`` over one interval of s: where the plan point
    is inside the face's plan triangle (three linear conditions) and the face's plane is higher
    than the line (one more); all four are linear in s. The number of faces above a point is the
    number of these intervals covering it, so a sweep over their ends (sorted per pair) gives the
    parity along the segment; the first stretch of odd parity longer than 1e-7 m is the entry."""
    lo, hi = s0.copy(), s1.copy()

    def clip(alpha, beta, strict=False):
        # keep s with alpha + beta·s >= 0 (> 0 when strict)
        with np.errstate(divide="ignore", invalid="ignore"):
            root = -alpha / beta
        pos, neg = beta > 0, beta < 0
        np.maximum(lo, np.where(pos, root, -np.inf), out=lo)
        np.minimum(hi, np.where(neg, root, np.inf), out=hi)
        flat = ~(pos | neg)
        bad = flat & ((alpha <= 0) if strict else (alpha < 0))
        hi[bad] = -np.inf

    a, b, cc = c[:, 0], c[:, 1], c[:, 2]
    orient = np.sign((b[:, 0] - a[:, 0]) * (cc[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (cc[:, 0] - a[:, 0]))
    for p0, p1 in ((a, b), (b, cc), (cc, a)):
        ex, ey = p1[:, 0] - p0[:, 0], p1[:, 1] - p0[:, 1]
        # side of P(s) = o + s·d relative to the edge p0 -> p1 (cross product), times the orientation
        alpha = (ex * (o[:, 1] - p0[:, 1]) - ey * (o[:, 0] - p0[:, 0])) * orient
        beta = (ex * d[:, 1] - ey * d[:, 0]) * orient
        # a segment running along an edge shared by two faces (a roof diagonal) belongs to exactly
        # one of them (rasterisers' top-left rule: the two faces run the edge in opposite
        # directions), else it would count twice and flip the parity
        size = np.hypot(ex, ey)
        along = (np.abs(beta) <= 1e-12 * size) & (np.abs(alpha) <= 1e-9 * size)
        if along.any():
            ux, uy = ex * orient, ey * orient
            owned = (uy < 0) | ((uy == 0) & (ux > 0))
            alpha = np.where(along, np.where(owned, 1.0, -1.0), alpha)
            beta = np.where(along, 0.0, beta)
        clip(alpha, beta)
    nrm = np.cross(b - a, cc - a)
    nz = nrm[:, 2]
    gamma = a[:, 2] - (nrm[:, 0] * (o[:, 0] - a[:, 0]) + nrm[:, 1] * (o[:, 1] - a[:, 1])) / nz - o[:, 2]
    delta = -(nrm[:, 0] * d[:, 0] + nrm[:, 1] * d[:, 1]) / nz - d[:, 2]
    clip(gamma, delta, strict=True)
    ok = hi > lo
    if not ok.any():
        return
    pr = pair[ok]
    ev_pair = np.concatenate([pr, pr])
    ev_s = np.concatenate([lo[ok], hi[ok]])
    ev_step = np.concatenate([np.ones(len(pr), np.int64), -np.ones(len(pr), np.int64)])
    srt = np.lexsort((ev_step, ev_s, ev_pair))
    ev_pair, ev_s, ev_step = ev_pair[srt], ev_s[srt], ev_step[srt]
    count = np.cumsum(ev_step)  # per pair the counts start at 0 and end at 0, so one cumsum serves all
    nxt_s = np.append(ev_s[1:], np.inf)
    same = np.append(ev_pair[1:] == ev_pair[:-1], False)
    inside = (count % 2 == 1) & same & (nxt_s - ev_s > 1e-7)
    np.minimum.at(entry, ev_pair[inside], ev_s[inside])
