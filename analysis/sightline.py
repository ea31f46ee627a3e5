"""Sightlines, viewsheds, protected view corridors (Sichtachsen) and landmark visibility.

All functions take a :class:`model.scene.Scene` (normally ``analysis.ground.analysis_scene(model)``:
the buildings plus the terrain, after the scenario edits) and work in its LOCAL frame (metres,
``scene.vertices``); results convert back to the model CRS (``scene.to_world``). Rays go through
the shared ray core :class:`analysis.raycast.RayCaster` (Embree, or the numpy fallback).

Methods (DESIGN.md, "Methods")
------------------------------
Sightline
    One ray from the observer's eye to the target point, stopped :data:`END_GAP_M` short of it.
    The target is *visible* when nothing is hit on the way, or — for a target *object* — when the
    first thing hit is that object itself (the line reached it). All blocking objects along the
    line and where the line enters each are found exactly (:func:`segment_blockers`): faces
    crossed (Möller–Trumbore) and, for buildings, volumes entered without crossing a face —
    adjoining row houses often have no party walls in city models. Nearest first.
    The clearance profile samples the line every ``step_m`` and casts a vertical ray from above
    the scene down to the highest surface under each sample (roof, terrain, or the ground
    plane): clearance = line height − surface height (negative where geometry rises through the
    line). Observers given without Z stand at ground height (``analysis.ground``) plus the eye
    height, 1.6 m by default (DIN EN 17037 uses 1.2 m seated / 1.6 m standing eye heights).

Viewshed
    Rays from the observer to targets: the cell centres of a ground grid (``cell_m``) within a
    horizontal radius (default 500 m) and a horizontal/vertical field of view, and sample points
    on facades and roofs (``analysis.shadow.sample_surfaces``, lifted 1 cm off their surface). A
    sample is visible when its ray is not occluded; a facade sample must also face the observer.
    Cells under buildings are not ground (as in ``analysis.shadow``). The visible share of an
    object is its visible sample area over the area of all its samples in range. Results: points
    with visibility, a georeferenced ground raster (1 visible, 0 hidden, nodata outside), merged
    polygons of the visible ground (``rasterio.features.shapes`` + shapely). A second form,
    :func:`panorama`, casts a grid of directions (azimuth × elevation) and records the first hit
    of each — a depth/"what is seen" image, the classic angular viewshed of GIS tools.

Protected view corridor
    The corridor runs from the viewpoint V to the target T (a point, or an object's top). Its plan
    footprint is a wedge with apex V and horizontal half-angle α around the axis V→T (or a strip of
    constant width), from V to the target's distance D along the axis. It is bounded below by the
    *sight plane*: the plane through V and T that is level across the axis, i.e.
    ``z(p) = z_V + (z_T − z_V) · a(p) / D`` with ``a(p)`` the distance of p along the axis — the
    construction of view-protection planes such as London's "Protected Vistas" (London View
    Management Framework SPG 2012, Appendix: threshold plane from the assessment point to the
    landmark) or the St. Paul's Heights. An object intrudes when any part of it inside the
    footprint rises above the plane; ``above_m`` is its largest rise, found exactly (not by
    sampling) as the maximum of the linear function ``z − z_plane`` over each triangle clipped to
    the footprint: it is reached at a triangle corner inside the footprint, where a triangle edge
    crosses the footprint outline, or at a footprint corner inside the triangle. The allowed
    height at each location is the sight-plane height itself (a raster, and a triangulated
    surface that is exact because the plane is linear). The target object is not an intruder.

Landmark visibility
    Is landmark L visible from each street point of an area: for each observer, rays to up to
    ``n_points`` points on L (its top plus area-weighted samples on its facades and roofs that face
    the observer); visible if any ray reaches L.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from model.errors import InputError
from model.semantics import GROUND, TERRAIN

#: default eye height above the ground (m)
EYE_HEIGHT_M = 1.6
#: default viewshed radius (m, horizontal)
DEFAULT_RADIUS_M = 500.0
#: rays stop this far short of their target point (m) so the target's own surface is not "hit"
END_GAP_M = 0.02
#: kept for callers of ``trace_lines(max_rounds=…)``; the exact blocker search needs no rounds
MAX_HIT_ROUNDS = 400
#: an object rising less than this above the sight plane does not intrude (m)
INTRUSION_TOL_M = 1e-3
#: rays per batch handed to the ray core by the viewshed and landmark functions
RAY_BATCH = 1 << 20


# ====================================================================== helpers
def terrain_objects(scene) -> np.ndarray:
    """(n_objects,) bool: objects that are terrain (TINRelief / DEM mesh)."""
    is_t = np.array([t in ("TINRelief", "ReliefFeature", "Terrain") for t in scene.object_types], dtype=bool)
    if len(is_t) != len(scene.object_ids):
        is_t = np.zeros(len(scene.object_ids), dtype=bool)
    if scene.n_triangles:
        is_t[scene.object_index[scene.surface_type == TERRAIN]] = True
    return is_t


def _raycaster(scene, raycaster):
    if raycaster is not None:
        return raycaster
    from .raycast import RayCaster

    return RayCaster(scene)


def _ground(scene, ground):
    if ground is not None:
        return ground
    from .ground import ground_for

    return ground_for(scene)


def object_number(scene, object_id: str) -> int:
    """Index of ``object_id`` in the scene; InputError when the model has no such object."""
    try:
        return scene.object_number(str(object_id))
    except KeyError:
        raise InputError(None, f"no object with id {object_id!r} in the model") from None


def place_points(scene, points, eye_height_m: float = EYE_HEIGHT_M, ground=None) -> np.ndarray:
    """Model-CRS points (n, 2) or (n, 3) (a NaN Z counts as missing) -> local (n, 3): points
    without Z stand at ground height plus ``eye_height_m``; a given Z is absolute (model CRS
    vertical datum)."""
    p = np.atleast_2d(np.asarray(points, dtype=np.float64))
    if p.shape[1] not in (2, 3) or not np.isfinite(p[:, :2]).all():
        raise InputError(None, f"points need finite X,Y[,Z] coordinates, got shape {p.shape}")
    xy = p[:, :2] - scene.origin[:2]
    if p.shape[1] == 3:
        z = p[:, 2] - scene.origin[2]
    else:
        z = np.full(len(p), np.nan)
    missing = ~np.isfinite(z)
    if missing.any():
        g = _ground(scene, ground)
        z[missing] = g.height(xy[missing]) + float(eye_height_m)
    return np.column_stack([xy, z])


def object_top(scene, oi: int) -> np.ndarray:
    """Highest corner of object ``oi`` (local); of several corners at the top (within 1 cm, e.g. a
    flat roof) the one nearest their mean."""
    tris = scene.triangles[scene.object_index == oi]
    if len(tris) == 0:
        raise InputError(None, f"object {scene.object_ids[oi]!r} has no geometry at this LoD")
    v = scene.vertices[np.unique(tris)]
    top = v[v[:, 2] >= v[:, 2].max() - 0.01]
    return top[np.argmin(np.linalg.norm(top[:, :2] - top[:, :2].mean(axis=0), axis=1))]


def object_centre(scene, oi: int) -> np.ndarray:
    """Area-weighted centroid of object ``oi``'s surface triangles (local; inside a closed solid)."""
    m = scene.object_index == oi
    if not m.any():
        raise InputError(None, f"object {scene.object_ids[oi]!r} has no geometry at this LoD")
    a = scene.triangle_areas[m]
    c = scene.corners[m].mean(axis=1)
    return (c * a[:, None]).sum(axis=0) / max(a.sum(), 1e-12)


@dataclass(eq=False)
class TargetPoints:
    """Points on a target object (local): ``points`` (k, 3) and ``normals`` (k, 3) outward unit
    normals (zero for points that count from every side, such as the top corner)."""

    object_index: int
    points: np.ndarray
    normals: np.ndarray
    aim: str


def target_points(scene, object_id: str, aim: str = "top", n_points: int = 32) -> TargetPoints:
    """Where to aim at an object. ``aim``:

    ``"top"``     its highest corner (:func:`object_top`) — for towers, spires, chimneys;
    ``"centre"``  the area-weighted centroid of its surface (:func:`object_centre`), inside the
                  solid: visible when a ray towards it reaches the object first;
    ``"any"``     the top plus up to ``n_points − 1`` points spread over its facades and roofs by
                  area (``analysis.shadow.sample_surfaces``), lifted 1 cm outwards: "visible if any
                  point is visible" (only points whose surface faces the observer count).
    """
    oi = object_number(scene, object_id)
    if aim == "top":
        p = object_top(scene, oi)[None]
        return TargetPoints(oi, p, np.zeros((1, 3)), aim)
    if aim in ("centre", "center", "centroid"):
        p = object_centre(scene, oi)[None]
        return TargetPoints(oi, p, np.zeros((1, 3)), "centre")
    if aim != "any":
        raise InputError(None, f"unknown aim {aim!r} (top, centre, any)")
    from .shadow import sample_surfaces

    mask = scene.object_index == oi
    sub = scene.select(mask)
    area = float(sub.triangle_areas[sub.surface_type != GROUND].sum()) if sub.n_triangles else 0.0
    pts = [object_top(scene, oi)[None]]
    nrm = [np.zeros((1, 3))]
    k = max(int(n_points) - 1, 0)
    if k and area > 0:
        spacing = math.sqrt(area / k)
        s = sample_surfaces(sub, spacing_m=spacing, max_points=50 * k + 1000)
        if len(s):
            pick = np.unique(np.linspace(0, len(s) - 1, min(k, len(s))).round().astype(int))
            pts.append(s.points[pick])
            nrm.append(s.normals[pick])
    return TargetPoints(oi, np.concatenate(pts), np.concatenate(nrm), "any")


# ====================================================================== tracing lines
@dataclass(eq=False)
class LineTrace:
    """Many segments observer -> target traced at once (local frame).

    reached        (n,) bool: nothing blocks the segment (or the first hit is its target object)
    first_object   (n,) int32 object index of the first blocking hit (-1)
    first_distance (n,) m from the observer to the first blocking hit (inf)
    first_point    (n, 3) local first blocking hit point (NaN)
    length         (n,) m segment lengths
    hits           (h, 3) [ray, object index, distance] of every blocking object (first entry per
                   object and ray), sorted by ray then distance; empty unless ``all_blockers``
    """

    reached: np.ndarray
    first_object: np.ndarray
    first_distance: np.ndarray
    first_point: np.ndarray
    length: np.ndarray
    hits: np.ndarray

    def blockers_of(self, ray: int) -> tuple[np.ndarray, np.ndarray]:
        """(object indices, distances m) blocking segment ``ray``, nearest first."""
        h = self.hits[self.hits[:, 0] == ray] if len(self.hits) else self.hits
        return h[:, 1].astype(np.int64), h[:, 2]


def trace_lines(rc, origins, targets, target_object=None, all_blockers: bool = False,
                max_rounds: int = MAX_HIT_ROUNDS) -> LineTrace:
    """Trace segments ``origins`` (n, 3) -> ``targets`` (n, 3) (local). ``target_object`` (n,) or
    scalar object index whose own surface counts as "reached" (-1 / None: a point target).
    ``reached`` and the first hit come from one first-hit query of the ray core. With
    ``all_blockers`` every object the segment passes through before the target is listed with
    its entry distance by :func:`segment_blockers` (exact, float64; it also finds buildings
    entered through a missing or coincident party wall, which repeated first-hit queries miss).
    ``max_rounds`` is no longer used (kept for callers)."""
    o = np.atleast_2d(np.asarray(origins, dtype=np.float64))
    t = np.atleast_2d(np.asarray(targets, dtype=np.float64))
    o, t = np.broadcast_arrays(o, t)
    n = len(o)
    tobj = np.broadcast_to(np.asarray(-1 if target_object is None else target_object, dtype=np.int64), (n,))
    vec = t - o
    length = np.linalg.norm(vec, axis=1)
    ok = length > END_GAP_M
    d = np.divide(vec, length[:, None], out=np.zeros_like(vec), where=ok[:, None])
    tmax = np.maximum(length - END_GAP_M, 0.0)
    reached = np.ones(n, dtype=bool)
    first_obj = np.full(n, -1, dtype=np.int32)
    first_dist = np.full(n, np.inf)
    first_pt = np.full((n, 3), np.nan)
    idx = np.flatnonzero(ok)
    if len(idx):
        h = rc.first_hit(o[idx], d[idx], tmax=tmax[idx])
        block = h.hit & (h.object_index != tobj[idx])
        bi = idx[block]
        first_obj[bi] = h.object_index[block]
        first_dist[bi] = h.distance[block]
        first_pt[bi] = h.point[block]
        reached[bi] = False
    hits = np.zeros((0, 3))
    if all_blockers and len(idx):
        hits = segment_blockers(rc.scene, o[idx], d[idx], tmax[idx], tobj[idx])
        hits[:, 0] = idx[hits[:, 0].astype(np.int64)]
    return LineTrace(reached=reached, first_object=first_obj, first_distance=first_dist, first_point=first_pt,
                     length=length, hits=hits)


# ====================================================================== exact blockers of segments
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


def _object_index(scene) -> _ObjectIndex:
    cache = getattr(scene, "_cache", None)
    if cache is not None and "sightline_object_index" in cache:
        return cache["sightline_object_index"]
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
    if cache is not None:
        cache["sightline_object_index"] = idx
    return idx


def _expand(start, count):
    """(owner, position): ``count[i]`` consecutive positions from ``start[i]`` for each i."""
    owner = np.repeat(np.arange(len(count)), count)
    pos = np.repeat(start - (np.cumsum(count) - count), count) + np.arange(len(owner))
    return owner, pos


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


# ====================================================================== sightline
@dataclass(eq=False)
class Clearance:
    """Clearance profile along a sight line (local frame): ``s_m`` (k,) distance from the observer,
    ``z_line`` (k,) line height, ``z_below`` (k,) height of the highest surface below (roof,
    terrain or ground), ``clearance_m`` = z_line − z_below (negative: geometry rises through the
    line; NaN where the surface below is the target object), ``object_index`` (k,) what is below
    (-1 = ground plane)."""

    s_m: np.ndarray
    xy: np.ndarray
    z_line: np.ndarray
    z_below: np.ndarray
    clearance_m: np.ndarray
    object_index: np.ndarray

    def minimum(self) -> tuple[float | None, float | None]:
        """(smallest clearance m, its distance from the observer m) or (None, None)."""
        c = self.clearance_m
        if not np.isfinite(c).any():
            return None, None
        k = int(np.nanargmin(c))
        return float(c[k]), float(self.s_m[k])


def clearance_profile(rc, p0, p1, step_m: float = 1.0, ground=None, exclude_object: int = -1,
                      max_samples: int = 20000) -> Clearance:
    """Sample the segment ``p0`` -> ``p1`` (local) every ``step_m`` (at most ``max_samples``) and
    measure the vertical clearance to the highest geometry under each sample (see module doc)."""
    scene = rc.scene
    p0 = np.asarray(p0, dtype=np.float64)
    p1 = np.asarray(p1, dtype=np.float64)
    length = float(np.linalg.norm(p1 - p0))
    k = int(min(max(math.ceil(length / max(step_m, 1e-3)), 1), max_samples - 1)) + 1
    s = np.linspace(0.0, length, k)
    u = (p1 - p0) / length if length > 0 else np.zeros(3)
    pts = p0 + s[:, None] * u
    top = float(scene.bounds[1, 2]) + 10.0 if scene.n_triangles else 10.0
    top = max(top, float(pts[:, 2].max()) + 10.0)
    start = np.column_stack([pts[:, :2], np.full(k, top)])
    h = rc.first_hit(start, np.array([0.0, 0.0, -1.0]))
    g = _ground(scene, ground)
    zg = g.height(pts[:, :2])
    z_below = np.where(h.hit, np.maximum(h.point[:, 2], zg), zg)
    obj = np.where(h.hit & (h.point[:, 2] >= zg), h.object_index, -1).astype(np.int32)
    clear = pts[:, 2] - z_below
    if exclude_object >= 0:
        clear = np.where(obj == exclude_object, np.nan, clear)
    return Clearance(s_m=s, xy=pts[:, :2], z_line=pts[:, 2], z_below=z_below, clearance_m=clear, object_index=obj)


@dataclass(eq=False)
class SightlineResult:
    """One sightline (local frame). With several target points (``aim="any"``) ``line`` is the
    first visible one, else the line to the first point; ``visible_points`` counts the visible."""

    scene: object
    observer: np.ndarray
    target: np.ndarray
    visible: bool
    blockers: list            # object indices, nearest first
    blocker_distances_m: list
    first_hit: np.ndarray | None
    distance_m: float
    length_m: float
    target_object: int = -1
    aim: str | None = None
    visible_points: int = 0
    n_points: int = 1
    clearance: Clearance | None = None

    @property
    def blocked_by(self) -> list[str]:
        return [self.scene.object_ids[i] for i in self.blockers]

    def figures(self) -> dict:
        """The ``sightline`` CLI JSON keys (DESIGN.md) and extras; coordinates in the model CRS."""
        w = self.scene.to_world
        out = {"visible": bool(self.visible), "blocked_by": self.blocked_by,
               "first_hit": None if self.first_hit is None else [round(float(v), 3) for v in w(self.first_hit)],
               "distance_m": round(float(self.distance_m), 3),
               "observer": [round(float(v), 3) for v in w(self.observer)],
               "target": [round(float(v), 3) for v in w(self.target)],
               "length_m": round(float(self.length_m), 3),
               "blocker_distances_m": [round(float(v), 3) for v in self.blocker_distances_m]}
        if self.target_object >= 0:
            out["target_id"] = self.scene.object_ids[self.target_object]
            out["aim"] = self.aim
            out["visible_points"] = int(self.visible_points)
            out["target_points"] = int(self.n_points)
        if self.clearance is not None:
            c, at = self.clearance.minimum()
            out["min_clearance_m"] = None if c is None else round(c, 3)
            out["min_clearance_at_m"] = None if at is None else round(at, 3)
        return out


def sightline(scene, observer, target=None, target_id: str | None = None, aim: str = "top",
              n_points: int = 32, raycaster=None, ground=None, clearance_step_m: float | None = 1.0) -> SightlineResult:
    """Is ``target`` (local point (3,)) or the object ``target_id`` visible from ``observer``
    (local eye point (3,), see :func:`place_points`)? Lists all blocking objects nearest first,
    the first hit and its distance (m) and, unless ``clearance_step_m`` is None, the clearance
    profile along the line. For an object, ``aim`` picks the target point(s) (:func:`target_points`)."""
    rc = _raycaster(scene, raycaster)
    o = np.asarray(observer, dtype=np.float64).reshape(3)
    if (target is None) == (target_id is None):
        raise InputError(None, "give either a target point or a target object id")
    if target_id is not None:
        tp = target_points(scene, target_id, aim, n_points)
        tobj, pts, nrm, aim_used = tp.object_index, tp.points, tp.normals, tp.aim
        facing = (np.einsum("ij,ij->i", nrm, o - pts) > 0) | (np.abs(nrm).sum(axis=1) == 0)
    else:
        tobj, pts, aim_used = -1, np.asarray(target, dtype=np.float64).reshape(1, 3), None
        facing = np.ones(1, dtype=bool)
    if not (np.isfinite(o).all() and np.isfinite(pts).all()):
        raise InputError(None, "observer and target need finite coordinates")
    tr = trace_lines(rc, np.broadcast_to(o, pts.shape), pts, tobj, all_blockers=False)
    vis = tr.reached & facing
    line = int(np.flatnonzero(vis)[0]) if vis.any() else 0
    full = trace_lines(rc, o[None], pts[line][None], tobj, all_blockers=True)
    objs, dists = full.blockers_of(0)
    visible = bool(vis.any())
    first = None if full.first_object[0] < 0 else full.first_point[0]
    distance = float(full.first_distance[0]) if first is not None else float(full.length[0])
    clearance = None
    if clearance_step_m:
        clearance = clearance_profile(rc, o, pts[line], clearance_step_m, ground=ground, exclude_object=tobj)
    return SightlineResult(scene=scene, observer=o, target=pts[line], visible=visible, blockers=list(objs),
                           blocker_distances_m=list(dists), first_hit=first, distance_m=distance,
                           length_m=float(full.length[0]), target_object=tobj, aim=aim_used,
                           visible_points=int(vis.sum()), n_points=len(pts), clearance=clearance)


def objects_touching(scene, point, tol_m: float = 0.005) -> np.ndarray:
    """Object indices with a triangle passing within ``tol_m`` of ``point`` (local). Used for
    coincident faces (party walls of adjoining buildings): the ray core reports one of two
    coincident triangles, the line crosses both objects."""
    c = scene.corners
    p = np.asarray(point, dtype=np.float64)
    near = ((c.min(axis=1) <= p + tol_m) & (c.max(axis=1) >= p - tol_m)).all(axis=1)
    k = np.flatnonzero(near)
    if len(k) == 0:
        return np.zeros(0, dtype=np.int64)
    a, b, cc = c[k, 0], c[k, 1], c[k, 2]
    n = scene.face_normals[k]
    close = np.abs(np.einsum("ij,ij->i", n, p - a)) <= tol_m
    # barycentric coordinates of p projected onto each triangle's plane
    v0, v1, v2 = b - a, cc - a, p - a
    d00, d01, d11 = (v0 * v0).sum(1), (v0 * v1).sum(1), (v1 * v1).sum(1)
    d20, d21 = (v2 * v0).sum(1), (v2 * v1).sum(1)
    den = d00 * d11 - d01 * d01
    ok = den > 1e-12
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(ok, (d11 * d20 - d01 * d21) / den, -1.0)
        w = np.where(ok, (d00 * d21 - d01 * d20) / den, -1.0)
    scale = np.sqrt(np.maximum(d00, d11))
    eps = tol_m / np.maximum(scale, 1e-9)
    inside = ok & close & (v >= -eps) & (w >= -eps) & (v + w <= 1 + eps)
    return np.unique(scene.object_index[k[inside]]).astype(np.int64)


def sightlines(scene, observers, targets, target_object=None, raycaster=None, all_blockers: bool = False) -> LineTrace:
    """Many sightlines at once (local (n, 3) eyes and targets): :func:`trace_lines`."""
    return trace_lines(_raycaster(scene, raycaster), observers, targets, target_object, all_blockers=all_blockers)


# ====================================================================== viewshed
def _azimuth_deg(dx, dy):
    """Grid azimuth (°, 0 = grid north, clockwise) of a horizontal vector."""
    return np.degrees(np.arctan2(dx, dy)) % 360.0


def in_view(observer, points, radius_m=DEFAULT_RADIUS_M, azimuth_deg=None, hfov_deg=360.0,
            vmin_deg=-90.0, vmax_deg=90.0) -> np.ndarray:
    """(n,) bool: points within the horizontal ``radius_m`` of the observer and inside the field of
    view: horizontal ``hfov_deg`` centred on ``azimuth_deg`` (grid azimuth, 0 = north, clockwise;
    None or hfov ≥ 360 = all around) and elevation angles between ``vmin_deg`` and ``vmax_deg``."""
    v = np.asarray(points, dtype=np.float64) - np.asarray(observer, dtype=np.float64)
    hd = np.hypot(v[:, 0], v[:, 1])
    ok = hd <= radius_m
    if azimuth_deg is not None and hfov_deg < 360.0:
        diff = (_azimuth_deg(v[:, 0], v[:, 1]) - float(azimuth_deg) + 180.0) % 360.0 - 180.0
        ok &= np.abs(diff) <= hfov_deg / 2.0
    if vmin_deg > -90.0 or vmax_deg < 90.0:
        el = np.degrees(np.arctan2(v[:, 2], hd))
        ok &= (el >= vmin_deg) & (el <= vmax_deg)
    return ok


def visible_from(rc, observer, points, normals=None, batch: int = RAY_BATCH, progress=None) -> np.ndarray:
    """(n,) bool: is each local point visible from ``observer`` (unoccluded segment, and facing the
    observer when ``normals`` are given)? Rays are handed to the ray core in batches."""
    pts = np.asarray(points, dtype=np.float64)
    o = np.asarray(observer, dtype=np.float64).reshape(1, 3)
    out = np.zeros(len(pts), dtype=bool)
    for s in range(0, len(pts), batch):
        p = pts[s:s + batch]
        v = p - o
        dist = np.linalg.norm(v, axis=1)
        good = dist > END_GAP_M
        if normals is not None:
            good &= np.einsum("ij,ij->i", normals[s:s + batch], -v) > 0
        vis = np.zeros(len(p), dtype=bool)
        if good.any():
            vis[good] = ~rc.occluded(np.broadcast_to(o, (int(good.sum()), 3)), v[good],
                                     tmax=dist[good] - END_GAP_M)
        out[s:s + batch] = vis
        if progress is not None:
            progress(min(s + batch, len(pts)), len(pts))
    return out


@dataclass(eq=False)
class ViewshedResult:
    """Viewshed from one observer (local frame).

    grid            ``analysis.shadow.GroundGrid`` of the ground samples; ``in_range`` (ny, nx)
                    cells inside radius and field of view; ``visible`` (ny, nx) bool
    surfaces        ``analysis.shadow.SurfaceSamples`` in range (or None); ``surface_visible`` (k,)
    object_share    (n_objects,) visible share of each object's sampled facade/roof area in range
    """

    scene: object
    observer: np.ndarray
    radius_m: float
    grid: object
    in_range: np.ndarray
    visible: np.ndarray
    surfaces: object = None
    surface_visible: np.ndarray | None = None
    object_share: np.ndarray | None = None
    object_visible_area_m2: np.ndarray | None = None
    fov: dict = field(default_factory=dict)

    @property
    def active(self) -> np.ndarray:
        """(ny, nx) ground cells sampled: in range and not under a building."""
        return self.in_range & self.grid.active

    @property
    def visible_fraction(self) -> float:
        a = self.active
        return float((self.visible & a).sum() / a.sum()) if a.any() else 0.0

    @property
    def sample_count(self) -> int:
        return int(self.active.sum()) + (len(self.surfaces) if self.surfaces is not None else 0)

    def visible_object_ids(self) -> list[str]:
        """Ids of objects with any visible facade/roof sample, most visible area first."""
        if self.object_visible_area_m2 is None:
            return []
        a = self.object_visible_area_m2
        order = np.argsort(-a, kind="stable")
        return [self.scene.object_ids[i] for i in order if a[i] > 0]

    def raster(self):
        """GeoTIFF-ready ground raster: 1 visible, 0 hidden, -1 nodata (out of range / buildings)."""
        v = np.where(self.visible, 1.0, 0.0)
        v[~self.active] = -1.0
        return self.grid.raster(v, nodata=-1.0, units="visible (1) / hidden (0)")

    def polygons(self):
        """Visible ground as one merged shapely (Multi)Polygon in the model CRS."""
        from .shadow import raster_polygons

        return raster_polygons(self.visible & self.active, self.grid.transform)

    def points(self) -> dict:
        """Columns of every sample (model CRS): kind, x, y, z, visible, object_id."""
        pts = self.grid.sample_points(self.active) + self.grid.origin
        kind = ["ground"] * len(pts)
        vis = self.visible[self.active]
        oid = [""] * len(pts)
        if self.surfaces is not None and len(self.surfaces):
            sp = self.surfaces.points + self.grid.origin
            pts = np.concatenate([pts, sp])
            kind += ["surface"] * len(sp)
            vis = np.concatenate([vis, self.surface_visible])
            ids = self.scene.object_ids
            oid += [ids[i] for i in self.surfaces.object_index]
        return {"kind": kind, "x": pts[:, 0], "y": pts[:, 1], "z": pts[:, 2], "visible": vis.astype(np.int8),
                "object_id": oid}

    def figures(self) -> dict:
        """The ``viewshed`` CLI JSON keys (DESIGN.md) and extras."""
        a = self.active
        cell = self.grid.cell_area_m2
        out = {"visible_fraction": round(self.visible_fraction, 6), "visible_objects": self.visible_object_ids(),
               "sample_count": self.sample_count,
               "observer": [round(float(v), 3) for v in self.scene.to_world(self.observer)],
               "radius_m": self.radius_m, "grid_m": self.grid.cell_m,
               "ground_area_m2": round(float(a.sum() * cell), 3),
               "visible_ground_area_m2": round(float((self.visible & a).sum() * cell), 3), **self.fov}
        if self.surfaces is not None and len(self.surfaces):
            w = self.surfaces.area_m2
            out["surface_area_m2"] = round(float(w.sum()), 3)
            out["visible_surface_area_m2"] = round(float(w[self.surface_visible].sum()), 3)
            share = self.object_share
            out["object_visible_share"] = {self.scene.object_ids[i]: round(float(share[i]), 4)
                                           for i in np.flatnonzero(self.object_visible_area_m2 > 0)}
        return out


def viewshed(scene, observer, radius_m: float = DEFAULT_RADIUS_M, cell_m: float = 2.0, surfaces: bool = True,
             surface_spacing_m: float | None = None, azimuth_deg=None, hfov_deg: float = 360.0,
             vmin_deg: float = -90.0, vmax_deg: float = 90.0, raycaster=None, ground=None,
             progress=None) -> ViewshedResult:
    """What the observer (local eye point (3,)) sees within ``radius_m`` (horizontal) and the field
    of view (:func:`in_view`): ground cells of ``cell_m`` and, with ``surfaces``, facade/roof
    samples every ``surface_spacing_m`` (default ``cell_m``). See the module docstring."""
    from .shadow import ground_grid, sample_surfaces

    if not (radius_m > 0 and math.isfinite(radius_m)):
        raise InputError(None, f"--radius must be a positive number of metres, got {radius_m}")
    if not (0 < hfov_deg <= 360):
        raise InputError(None, f"the horizontal field of view must be in (0, 360]°, got {hfov_deg}")
    if not (-90 <= vmin_deg < vmax_deg <= 90):
        raise InputError(None, f"the vertical field of view needs -90 ≤ min < max ≤ 90°, got {vmin_deg}, {vmax_deg}")
    rc = _raycaster(scene, raycaster)
    ground = _ground(scene, ground)
    o = np.asarray(observer, dtype=np.float64).reshape(3)
    ow = scene.to_world(o)
    extent = (ow[0] - radius_m, ow[1] - radius_m, ow[0] + radius_m, ow[1] + radius_m)
    grid = ground_grid(scene, cell_m, extent=extent, ground=ground, raycaster=rc if scene.n_triangles else None)
    fov = dict(azimuth_deg=azimuth_deg, hfov_deg=hfov_deg, vmin_deg=vmin_deg, vmax_deg=vmax_deg)
    x, y = grid.centres_local()
    zc = grid.z + grid.lift_m
    in_range = grid.inside & in_view(o, np.stack([x, y, zc], axis=-1).reshape(-1, 3), radius_m, **fov).reshape(grid.shape)
    samples = None
    n_s = 0
    if surfaces and scene.n_triangles:
        samples = sample_surfaces(scene, surface_spacing_m or cell_m)
        keep = in_view(o, samples.points, radius_m, **fov)
        samples = type(samples)(**{k: getattr(samples, k)[keep] for k in
                                   ("points", "normals", "triangle", "object_index", "area_m2", "surface_type")})
        n_s = len(samples)
    active = in_range & grid.active
    pts = grid.sample_points(active)
    total = len(pts) + n_s

    def prog(done, _n, base=0):
        if progress is not None:
            progress(base + done, total)

    visible = np.zeros(grid.shape, dtype=bool)
    visible[active] = visible_from(rc, o, pts, progress=prog)
    res = ViewshedResult(scene=scene, observer=o, radius_m=float(radius_m), grid=grid, in_range=in_range,
                         visible=visible, fov={k: v for k, v in fov.items() if v is not None})
    n_obj = len(scene.object_ids)
    if samples is not None:
        sv = visible_from(rc, o, samples.points, samples.normals,
                          progress=lambda d, n: prog(d, n, base=len(pts)))
        tot = np.bincount(samples.object_index, weights=samples.area_m2, minlength=n_obj)[:n_obj]
        vis_a = np.bincount(samples.object_index[sv], weights=samples.area_m2[sv], minlength=n_obj)[:n_obj]
        res.surfaces, res.surface_visible = samples, sv
        res.object_visible_area_m2 = vis_a
        res.object_share = np.divide(vis_a, tot, out=np.zeros(n_obj), where=tot > 0)
    return res


@dataclass(eq=False)
class PanoramaResult:
    """First hit per direction of an azimuth × elevation grid (row 0 = lowest elevation):
    ``distance_m`` (ne, na) (inf = nothing within the radius), ``object_index`` (ne, na) (-1)."""

    scene: object
    observer: np.ndarray
    azimuth_deg: np.ndarray
    elevation_deg: np.ndarray
    distance_m: np.ndarray
    object_index: np.ndarray

    def object_solid_angle_sr(self) -> np.ndarray:
        """(n_objects,) solid angle (sr) each object fills in the panorama (cell solid angles
        Δaz·Δel·cos el)."""
        daz = math.radians(360.0 / len(self.azimuth_deg))
        de = np.gradient(np.radians(self.elevation_deg)) if len(self.elevation_deg) > 1 else np.array([0.0])
        w = (daz * de * np.cos(np.radians(self.elevation_deg)))[:, None] * np.ones_like(self.distance_m)
        hit = self.object_index >= 0
        n = len(self.scene.object_ids)
        return np.bincount(self.object_index[hit], weights=w[hit], minlength=n)[:n]

    def visible_object_ids(self) -> list[str]:
        sr = self.object_solid_angle_sr()
        return [self.scene.object_ids[i] for i in np.argsort(-sr, kind="stable") if sr[i] > 0]


def panorama_directions(n_azimuth: int, n_elevation: int, elevation_range_deg=(-30.0, 60.0)):
    """(az (na,), el (ne,), directions (ne·na, 3)) of a regular grid: grid azimuth from north
    clockwise at cell centres, elevations spanning the range (inclusive)."""
    az = (np.arange(n_azimuth) + 0.5) * 360.0 / n_azimuth
    el = np.linspace(elevation_range_deg[0], elevation_range_deg[1], n_elevation)
    a, e = np.meshgrid(np.radians(az), np.radians(el))
    d = np.stack([np.sin(a) * np.cos(e), np.cos(a) * np.cos(e), np.sin(e)], axis=-1).reshape(-1, 3)
    return az, el, d


def panorama(scene, observer, n_azimuth: int = 1000, n_elevation: int = 1000, elevation_range_deg=(-30.0, 60.0),
             radius_m: float = DEFAULT_RADIUS_M, raycaster=None) -> PanoramaResult:
    """360° angular viewshed: one ray per direction of an ``n_azimuth`` × ``n_elevation`` grid from
    the observer (local (3,)), first hit within ``radius_m`` (3D distance)."""
    rc = _raycaster(scene, raycaster)
    o = np.asarray(observer, dtype=np.float64).reshape(3)
    az, el, d = panorama_directions(n_azimuth, n_elevation, elevation_range_deg)
    dist = np.full(len(d), np.inf)
    obj = np.full(len(d), -1, dtype=np.int32)
    for s in range(0, len(d), RAY_BATCH):
        dd = d[s:s + RAY_BATCH]
        h = rc.first_hit(np.broadcast_to(o, dd.shape), dd, tmax=radius_m)
        dist[s:s + RAY_BATCH] = h.distance
        obj[s:s + RAY_BATCH] = h.object_index
    shape = (len(el), len(az))
    return PanoramaResult(scene=scene, observer=o, azimuth_deg=az, elevation_deg=el,
                          distance_m=dist.reshape(shape), object_index=obj.reshape(shape))


# ====================================================================== view corridor
@dataclass(eq=False)
class Corridor:
    """A protected view corridor in the local frame (see the module docstring).

    viewpoint, target  (3,) local eye point and target point
    half_angle_deg     horizontal half opening angle of the wedge, or
    width_m            constant width of a strip (exactly one of the two is set)
    """

    viewpoint: np.ndarray
    target: np.ndarray
    half_angle_deg: float | None = None
    width_m: float | None = None

    def __post_init__(self) -> None:
        self.viewpoint = np.asarray(self.viewpoint, dtype=np.float64).reshape(3)
        self.target = np.asarray(self.target, dtype=np.float64).reshape(3)
        if (self.half_angle_deg is None) == (self.width_m is None):
            raise InputError(None, "a view corridor needs either a half-angle or a width")
        if self.half_angle_deg is not None and not (0 < self.half_angle_deg < 89):
            raise InputError(None, f"--half-angle must be between 0 and 89°, got {self.half_angle_deg}")
        if self.width_m is not None and not (self.width_m > 0 and math.isfinite(self.width_m)):
            raise InputError(None, f"--width must be a positive number of metres, got {self.width_m}")
        v = self.target[:2] - self.viewpoint[:2]
        self.length_m = float(np.hypot(*v))
        if self.length_m < 0.1:
            raise InputError(None, "viewpoint and target are (almost) above each other: no view corridor")
        self.axis = v / self.length_m
        self.across = np.array([-self.axis[1], self.axis[0]])

    @property
    def slope(self) -> float:
        """Rise of the sight plane per metre along the axis (m/m)."""
        return float((self.target[2] - self.viewpoint[2]) / self.length_m)

    def along(self, xy) -> np.ndarray:
        """Distance (m) of local points along the axis from the viewpoint."""
        return (np.asarray(xy, dtype=np.float64)[..., :2] - self.viewpoint[:2]) @ self.axis

    def plane_z(self, xy) -> np.ndarray:
        """Sight-plane height (local m) over local points: z_V + slope · along (level across)."""
        return self.viewpoint[2] + self.slope * self.along(xy)

    def half_width(self, along) -> np.ndarray:
        a = np.asarray(along, dtype=np.float64)
        if self.width_m is not None:
            return np.full(a.shape, self.width_m / 2.0)
        return np.maximum(a, 0.0) * math.tan(math.radians(self.half_angle_deg))

    def footprint_xy(self) -> np.ndarray:
        """(k, 2) local corners of the plan footprint, counter-clockwise (wedge: 3, strip: 4)."""
        v, a, c, L = self.viewpoint[:2], self.axis, self.across, self.length_m
        hw = float(self.half_width(L))
        far_r, far_l = v + a * L - c * hw, v + a * L + c * hw
        if self.width_m is None:
            return np.array([v, far_r, far_l])
        return np.array([v - c * hw, far_r, far_l, v + c * hw])

    def contains(self, xy, tol: float = 1e-9) -> np.ndarray:
        """(…) bool: local points inside the plan footprint."""
        xy = np.asarray(xy, dtype=np.float64)[..., :2]
        a = self.along(xy)
        c = (xy - self.viewpoint[:2]) @ self.across
        return (a >= -tol) & (a <= self.length_m + tol) & (np.abs(c) <= self.half_width(a) + tol)

    def footprint(self, world: bool = True, scene=None):
        """The footprint as a shapely Polygon with the sight-plane height as Z (model CRS when
        ``world`` and a ``scene`` is given)."""
        import shapely

        xy = self.footprint_xy()
        p = np.column_stack([xy, self.plane_z(xy)])
        if world and scene is not None:
            p = scene.to_world(p)
        return shapely.Polygon(p)

    def surface(self, scene=None) -> tuple[np.ndarray, np.ndarray]:
        """Triangulated height-limit surface: (vertices (k, 3), faces (f, 3)); exact, because the
        sight plane is linear. In the model CRS when ``scene`` is given."""
        xy = self.footprint_xy()
        v = np.column_stack([xy, self.plane_z(xy)])
        if scene is not None:
            v = scene.to_world(v)
        faces = np.array([[0, 1, 2]]) if len(xy) == 3 else np.array([[0, 1, 2], [0, 2, 3]])
        return v, faces

    def volume_mesh(self, top_z: float) -> tuple[np.ndarray, np.ndarray]:
        """Closed prism of the corridor volume from the sight plane up to ``top_z`` (local), for
        drawing: (vertices, triangle faces)."""
        xy = self.footprint_xy()
        k = len(xy)
        bottom = np.column_stack([xy, self.plane_z(xy)])
        top = np.column_stack([xy, np.full(k, max(top_z, float(bottom[:, 2].max()) + 1.0))])
        v = np.concatenate([bottom, top])
        faces = [[0, 2, 1]] if k == 3 else [[0, 2, 1], [0, 3, 2]]
        faces += [[k, k + 1, k + 2]] if k == 3 else [[k, k + 1, k + 2], [k, k + 2, k + 3]]
        for i in range(k):
            j = (i + 1) % k
            faces += [[i, j, k + j], [i, k + j, k + i]]
        return v, np.array(faces)


def _seg_intersections(p, q, a, b):
    """Intersections of 2D segments p->q (n,2) with a->b (scalar segment): (t along p->q, ok)."""
    r = q - p
    s = b - a
    den = r[:, 0] * s[1] - r[:, 1] * s[0]
    ap = a - p
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (ap[:, 0] * s[1] - ap[:, 1] * s[0]) / den
        u = (ap[:, 0] * r[:, 1] - ap[:, 1] * r[:, 0]) / den
    ok = (np.abs(den) > 1e-12) & (t >= 0) & (t <= 1) & (u >= 0) & (u <= 1)
    return t, ok


def max_rise_above(corridor: Corridor, corners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact maximum of ``z − plane_z`` over each triangle (corners (m, 3, 3), local) clipped to
    the corridor footprint: (rise (m,) m, −inf where the triangle misses the footprint;
    point (m, 3) where it is reached). Candidates: corners inside the footprint, triangle edges
    crossing the footprint outline, footprint corners inside the triangle's plan projection."""
    m = len(corners)
    best = np.full(m, -np.inf)
    where = np.full((m, 3), np.nan)

    def take(rise, pts, ok, rows):
        better = ok & (rise > best[rows])
        r = rows[better]
        best[r] = rise[better]
        where[r] = pts[better]

    rows = np.arange(m)
    for k in range(3):  # (1) corners inside
        p = corners[:, k]
        take(p[:, 2] - corridor.plane_z(p), p, corridor.contains(p, tol=1e-6), rows)
    fp = corridor.footprint_xy()
    for k in range(3):  # (2) triangle edges x footprint outline
        p, q = corners[:, k], corners[:, (k + 1) % 3]
        for j in range(len(fp)):
            t, ok = _seg_intersections(p[:, :2], q[:, :2], fp[j], fp[(j + 1) % len(fp)])
            t = np.where(ok, t, 0.0)
            x = p + t[:, None] * (q - p)
            take(x[:, 2] - corridor.plane_z(x), x, ok, rows)
    # (3) footprint corners inside the triangle's plan projection (non-vertical triangles)
    a, b, c = corners[:, 0], corners[:, 1], corners[:, 2]
    det = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (c[:, 0] - a[:, 0]) * (b[:, 1] - a[:, 1])
    flat = np.abs(det) > 1e-9
    for f in fp:
        with np.errstate(divide="ignore", invalid="ignore"):
            l1 = ((f[0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (c[:, 0] - a[:, 0]) * (f[1] - a[:, 1])) / det
            l2 = ((b[:, 0] - a[:, 0]) * (f[1] - a[:, 1]) - (f[0] - a[:, 0]) * (b[:, 1] - a[:, 1])) / det
        l1 = np.where(flat, l1, -1.0)
        l2 = np.where(flat, l2, -1.0)
        ok = flat & (l1 >= 0) & (l2 >= 0) & (l1 + l2 <= 1)
        l1, l2 = np.where(ok, l1, 0.0), np.where(ok, l2, 0.0)
        z = a[:, 2] + l1 * (b[:, 2] - a[:, 2]) + l2 * (c[:, 2] - a[:, 2])
        x = np.column_stack([np.full(m, f[0]), np.full(m, f[1]), z])
        take(z - corridor.plane_z(x), x, ok, rows)
    return best, where


@dataclass(eq=False)
class CorridorResult:
    """Intruders of a view corridor: ``intruders`` object indices sorted by ``above_m`` (m above
    the sight plane, descending), ``at`` (k, 3) local point of the largest rise; ``target_visible``
    whether the central sight line viewpoint -> target is unobstructed."""

    scene: object
    corridor: Corridor
    intruders: np.ndarray
    above_m: np.ndarray
    at: np.ndarray
    target_object: int = -1
    target_visible: bool | None = None
    aim: str | None = None

    def figures(self) -> dict:
        """The ``viewcone`` CLI JSON keys (DESIGN.md) and extras (model CRS)."""
        w = self.scene.to_world
        c = self.corridor
        ids = self.scene.object_ids
        out = {"intruding": [{"id": ids[i], "above_m": round(float(a), 3),
                              "at": [round(float(v), 3) for v in w(p)]}
                             for i, a, p in zip(self.intruders, self.above_m, self.at)],
               "target": [round(float(v), 3) for v in w(c.target)],
               "viewpoint": [round(float(v), 3) for v in w(c.viewpoint)],
               "length_m": round(c.length_m, 3), "sight_plane_slope": round(c.slope, 6),
               "target_visible": self.target_visible}
        if c.half_angle_deg is not None:
            out["half_angle_deg"] = c.half_angle_deg
        else:
            out["width_m"] = c.width_m
        if self.target_object >= 0:
            out["target_id"] = ids[self.target_object]
            out["aim"] = self.aim
        return out

    def height_limit(self, cell_m: float = 1.0, above_ground: bool = False, ground=None):
        """Height-limit raster (``exporters.results.Raster``) over the footprint: the sight-plane
        height at each cell centre (absolute, model CRS vertical datum; or above the ground with
        ``above_ground``), nodata −9999 outside the corridor."""
        from .shadow import ground_grid

        scene = self.scene
        poly = self.corridor.footprint(world=True, scene=scene)
        import shapely

        poly2 = shapely.force_2d(poly)
        grid = ground_grid(scene, cell_m, polygon=poly2, ground=_ground(scene, ground))
        x, y = grid.centres_local()
        z = self.corridor.plane_z(np.stack([x, y], axis=-1))
        v = z - grid.z if above_ground else z + scene.origin[2]
        v = np.where(grid.inside, v, -9999.0)
        r = grid.raster(v, nodata=-9999.0, units="m above ground" if above_ground else "m (sight-plane height)")
        return r, grid


def view_corridor(scene, viewpoint, target=None, target_id: str | None = None, aim: str = "top",
                  half_angle_deg: float | None = 5.0, width_m: float | None = None, raycaster=None,
                  exclude_terrain: bool = False) -> CorridorResult:
    """Objects intruding into the protected view corridor from ``viewpoint`` (local (3,)) to
    ``target`` (local (3,)) or the object ``target_id`` (aimed at per ``aim``: "top" or "centre").
    Give ``half_angle_deg`` (wedge) or ``width_m`` (strip; then ``half_angle_deg`` is ignored)."""
    if width_m is not None:
        half_angle_deg = None
    tobj = -1
    if target_id is not None:
        if aim not in ("top", "centre", "center", "centroid"):
            raise InputError(None, f"a view corridor aims at one point of the target: top or centre, not {aim!r}")
        tp = target_points(scene, target_id, aim)
        tobj, target = tp.object_index, tp.points[0]
    elif target is None:
        raise InputError(None, "give a target point or a target object id")
    corr = Corridor(viewpoint, target, half_angle_deg=half_angle_deg, width_m=width_m)
    intr, above, at = np.zeros(0, np.int64), np.zeros(0), np.zeros((0, 3))
    if scene.n_triangles:
        fp = corr.footprint_xy()
        lo, hi = fp.min(axis=0), fp.max(axis=0)
        c = scene.corners
        cand = ((c[:, :, 0].max(1) >= lo[0]) & (c[:, :, 0].min(1) <= hi[0]) & (c[:, :, 1].max(1) >= lo[1])
                & (c[:, :, 1].min(1) <= hi[1]))
        cand &= c[:, :, 2].max(1) > min(corr.viewpoint[2], corr.target[2]) + INTRUSION_TOL_M
        if tobj >= 0:
            cand &= scene.object_index != tobj
        if exclude_terrain:
            cand &= ~terrain_objects(scene)[scene.object_index]
        tri = np.flatnonzero(cand)
        if len(tri):
            rise, pts = max_rise_above(corr, c[tri])
            n_obj = len(scene.object_ids)
            obj = scene.object_index[tri]
            best = np.full(n_obj, -np.inf)
            np.maximum.at(best, obj, rise)
            hit = np.flatnonzero(best > INTRUSION_TOL_M)
            # the point of the largest rise per object
            is_best = rise >= best[obj] - 1e-12
            order = np.flatnonzero(is_best)
            first_pt = {}
            for k in order[::-1]:
                first_pt[int(obj[k])] = pts[k]
            srt = hit[np.argsort(-best[hit], kind="stable")]
            intr, above = srt, best[srt]
            at = np.array([first_pt[int(i)] for i in srt]) if len(srt) else np.zeros((0, 3))
    rc = _raycaster(scene, raycaster) if scene.n_triangles else None
    vis = None
    if rc is not None:
        vis = bool(trace_lines(rc, corr.viewpoint[None], corr.target[None], tobj).reached[0])
    return CorridorResult(scene=scene, corridor=corr, intruders=intr, above_m=above, at=at, target_object=tobj,
                          target_visible=vis, aim=None if tobj < 0 else aim)


# ====================================================================== landmark visibility
@dataclass(eq=False)
class LandmarkResult:
    """Visibility of one landmark from many observers (local): ``visible`` (n,) bool,
    ``visible_points`` (n,) how many of the landmark's ``n_points`` target points are seen."""

    scene: object
    landmark: int
    observers: np.ndarray
    visible: np.ndarray
    visible_points: np.ndarray
    n_points: int
    grid: object = None
    grid_mask: np.ndarray | None = None

    @property
    def visible_fraction(self) -> float:
        return float(self.visible.mean()) if len(self.visible) else 0.0

    def figures(self) -> dict:
        ids = self.scene.object_ids
        return {"visible_fraction": round(self.visible_fraction, 6),
                "visible_objects": [ids[self.landmark]] if self.visible.any() else [],
                "sample_count": int(len(self.visible)), "landmark": ids[self.landmark],
                "observers_seeing_landmark": int(self.visible.sum()), "target_points": int(self.n_points)}

    def raster(self):
        """Ground raster of the observer grid (when built by :func:`street_points`): 1 landmark
        visible, 0 not, -1 nodata."""
        v = np.full(self.grid.shape, -1.0)
        v[self.grid_mask] = self.visible.astype(float)
        return self.grid.raster(v, nodata=-1.0, units="landmark visible (1) / hidden (0)")

    def polygons(self):
        from .shadow import raster_polygons

        m = np.zeros(self.grid.shape, dtype=bool)
        m[self.grid_mask] = self.visible
        return raster_polygons(m, self.grid.transform)


def street_points(scene, extent=None, polygon=None, cell_m: float = 5.0, eye_height_m: float = EYE_HEIGHT_M,
                  ground=None, raycaster=None):
    """Observer points on the open ground (not under buildings) of an area: (grid, mask (ny, nx),
    eye points (n, 3) local) on a ``cell_m`` grid over ``extent`` / ``polygon`` (model CRS)."""
    from .shadow import ground_grid

    rc = _raycaster(scene, raycaster)
    grid = ground_grid(scene, cell_m, extent=extent, polygon=polygon, ground=_ground(scene, ground), raycaster=rc)
    mask = grid.active
    pts = grid.sample_points(mask)
    pts[:, 2] += eye_height_m - grid.lift_m
    return grid, mask, pts


def landmark_visibility(scene, landmark_id: str, observers, aim: str = "any", n_points: int = 32,
                        raycaster=None, progress=None) -> LandmarkResult:
    """Is the landmark visible from each observer (local eye points (n, 3))? Rays to its target
    points (:func:`target_points`), visible if any ray reaches it; batches of ≤ :data:`RAY_BATCH` rays."""
    rc = _raycaster(scene, raycaster)
    tp = target_points(scene, landmark_id, aim, n_points)
    obs = np.atleast_2d(np.asarray(observers, dtype=np.float64))
    k = len(tp.points)
    n = len(obs)
    counts = np.zeros(n, dtype=np.int64)
    per = max(1, RAY_BATCH // k)
    omni = np.abs(tp.normals).sum(axis=1) == 0
    for s in range(0, n, per):
        o = obs[s:s + per]
        oo = np.repeat(o, k, axis=0)
        tt = np.tile(tp.points, (len(o), 1))
        nn = np.tile(tp.normals, (len(o), 1))
        facing = np.tile(omni, len(o)) | (np.einsum("ij,ij->i", nn, oo - tt) > 0)
        reached = np.zeros(len(oo), dtype=bool)
        if facing.any():
            reached[facing] = trace_lines(rc, oo[facing], tt[facing], tp.object_index).reached
        counts[s:s + per] = reached.reshape(len(o), k).sum(axis=1)
        if progress is not None:
            progress(min(s + per, n), n)
    return LandmarkResult(scene=scene, landmark=tp.object_index, observers=obs, visible=counts > 0,
                          visible_points=counts, n_points=k)
