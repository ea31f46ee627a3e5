"""Sightlines: is a target visible from an observer, what blocks the line, and the clearance.

All functions take a :class:`model.scene.Scene` (normally ``model.ground.analysis_scene(model)``:
the buildings plus the terrain, after the scenario edits) and work in its LOCAL frame (metres,
``scene.vertices``); results convert back to the model CRS (``scene.to_world``). Rays go through
the shared ray core :class:`analysis.raycast.RayCaster` (Embree, or the numpy fallback).

Methods (docs/ARCHITECTURE.md, "Methods")
-----------------------------------------
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
    line). Observers given without Z stand at ground height (``model.ground``) plus the eye
    height, 1.6 m by default (DIN EN 17037 uses 1.2 m seated / 1.6 m standing eye heights).

Viewsheds (:mod:`analysis.viewshed`), protected view corridors (:mod:`analysis.corridor`) and
landmark visibility (:mod:`analysis.landmark`) build on the points and line traces defined here;
the exact blockers of a segment are :mod:`analysis.blockers`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from stadtbild.model.errors import InputError
from stadtbild.model.semantics import GROUND

from .blockers import segment_blockers
from .casters import make_raycaster
from stadtbild.model.ground import ground_for

#: default eye height above the ground (m)
EYE_HEIGHT_M = 1.6
#: rays stop this far short of their target point (m) so the target's own surface is not "hit"
END_GAP_M = 0.02
#: kept for callers of ``trace_lines(max_rounds=…)``; the exact blocker search needs no rounds
MAX_HIT_ROUNDS = 400


# ====================================================================== helpers
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
        g = (ground or ground_for(scene))
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
                  area (``analysis.samples.sample_surfaces``), lifted 1 cm outwards: "visible if any
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
    from .samples import sample_surfaces

    mask = scene.object_index == oi
    sub = scene.select(mask)
    area = float(sub.triangle_areas[sub.surface_type != GROUND].sum()) if sub.n_triangles else 0.0
    pts = [object_top(scene, oi)[None]]
    nrm = [np.zeros((1, 3))]
    k = max(int(n_points) - 1, 0)
    if k and area > 0:
        spacing = math.sqrt(area / k)
        # Σ ceil(area / spacing²) ≤ k + one per triangle: the object's own size bounds the samples
        # (a guard of 50 k + 1000 refused a round tower of 6000 facets)
        s = sample_surfaces(sub, cell_m=spacing, max_points=k + sub.n_triangles + 1)
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
    g = (ground or ground_for(scene))
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
        """The ``sightline`` CLI JSON keys (docs/ARCHITECTURE.md) and extras; coordinates in the model CRS."""
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
    rc = make_raycaster(scene, raycaster)
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
