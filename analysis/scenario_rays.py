"""One ray structure for "before" and "after" of a scenario.

A scenario analysis (``solar --scenario``, ``shadow/sunhours --scenario --compare``) needs the
same analysis on two scenes that share almost all of their geometry: the source model and the
model with the scenario applied. Instead of building two Embree BVHs, :func:`before_after_scene`
builds ONE union scene — every triangle of the "after" scene, followed by the triangles of the
objects only the "before" scene has (demolished buildings and the old state of changed ones) —
and two object masks. Two ways to trace it:

* one :class:`~analysis.raycast.RayCaster` over the union that answers "after" with the
  before-only objects disabled and "before" with the inserted/changed objects disabled
  (:meth:`RayCaster.set_object_enabled`, no rebuild). Exact, but a masked query re-traces every
  ray that touches a disabled object: on the demo (40 demolished, a 60 m tower) ``sunhours
  --compare`` took 40–53 s this way against 20–29 s for two separate RayCasters;
* :class:`TwoStateCaster`: the objects both states share in one BVH and each state's own
  objects in a small BVH; a ray is blocked when either blocks it, with no masking and no
  re-tracing, and the shared BVH's sun-hour answers are reused for the second state. On the
  demo it is at par with two RayCasters for solar and a 2 m sun-hours grid, but slower for
  ``sunhours --grid 1 --surfaces`` (embreex pays per ray even for a tiny BVH, and 40 scattered
  demolitions defeat the box prefilter).

Because neither beats two separate RayCasters on the demo, the CLI uses the union route only
when ``STADTBILD_SHARED_RAYS=1`` (:func:`shared_rays_enabled`); ``before_after(shared_rays=True)``
asks for it in code.

An object counts as unchanged when it has the same id in both scenes and the same triangles
(corner coordinates, bit for bit, in the same order) with the same semantic surface types.
Everything else is "changed": its old version is kept as a before-only object and its new
version is an after-only object.

Exactness: the "after" part of the union is the after scene's own arrays (same vertices, the same
triangle, object and polygon numbering), and the before-only triangles are copied from the before
scene, so Embree sees the same float32 triangles in both routes. Both scenes must share their
local origin (float32 local coordinates would otherwise round differently); when they do not,
:func:`before_after_scene` returns None and callers fall back to two ray structures.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .raycast import visible_sum_arguments


@dataclass(eq=False)
class BeforeAfterScene:
    """Union of a before and an after scene with the masks that select either state.

    scene            the union :class:`~model.scene.Scene` (after objects first, numbered as in the
                     after scene, then the before-only objects); ``scene.model_polygon`` is the after
                     scene's for the after part (write-back of "after" results)
    before, after    (n_objects,) bool object masks of the union: objects present in that state
    before_object    (n_objects,) int: union object -> object index in the before scene (-1: none)
    before_triangle  (n_triangles,) int: union triangle -> triangle of the before scene (-1: none)
    n_after_objects, n_after_triangles   size of the after part (it is the after scene 1:1)
    """

    scene: object
    before: np.ndarray
    after: np.ndarray
    before_object: np.ndarray
    before_triangle: np.ndarray
    n_after_objects: int
    n_after_triangles: int
    scene_before: object
    scene_after: object

    @property
    def changed(self) -> np.ndarray:
        """(n_objects,) bool: objects present in only one of the two states."""
        return self.before != self.after

    def raycaster(self, **kwargs):
        """A :class:`~analysis.raycast.RayCaster` over the union (all objects enabled)."""
        from .raycast import RayCaster

        return RayCaster(self.scene, **kwargs)


def shared_rays_enabled() -> bool:
    """Whether the scenario commands trace both states on the union (``STADTBILD_SHARED_RAYS=1``).
    Off by default: on the demo it measured no faster than two RayCasters (sun-hours slower,
    see the module docstring); the results are the same either way."""
    import os

    return os.environ.get("STADTBILD_SHARED_RAYS", "0").strip().lower() in ("1", "true", "yes", "on")


def _by_object(scene):
    """(order of triangles grouped by object, stable; triangle count per object)."""
    order = np.argsort(scene.object_index, kind="stable")
    counts = np.bincount(scene.object_index, minlength=len(scene.object_ids))[:len(scene.object_ids)]
    return order, counts


def match_objects(scene_before, scene_after):
    """(same, a_to_b, a_tri_for_b): ``same`` (n_after_objects,) bool — the object exists before
    with the same id, triangles (bit-identical corners, same order within the object) and surface
    types; ``a_to_b`` the before object index per after object (−1: new id); ``a_tri_for_b`` the
    after triangle per before triangle of an unchanged object (−1 otherwise). Both scenes must
    share their local origin."""
    nb, na = len(scene_before.object_ids), len(scene_after.object_ids)
    b_index = {oid: i for i, oid in enumerate(scene_before.object_ids)}
    a_to_b = np.array([b_index.get(oid, -1) for oid in scene_after.object_ids] or [0], dtype=np.int64)[:na]
    b_order, b_counts = _by_object(scene_before)
    a_order, a_counts = _by_object(scene_after)
    b_start = np.cumsum(b_counts) - b_counts
    a_start = np.cumsum(a_counts) - a_counts
    # candidates: same id, same triangle count
    cand = np.flatnonzero((a_to_b >= 0) & (a_counts == b_counts[np.maximum(a_to_b, 0)])) if na else np.zeros(0, np.int64)
    same = np.zeros(na, dtype=bool)
    a_tri_for_b = np.full(scene_before.n_triangles, -1, dtype=np.int64)  # before triangle -> after triangle
    if len(cand) and nb:
        cnt = a_counts[cand]
        total = int(cnt.sum())
        grp = np.repeat(np.arange(len(cand)), cnt)
        k = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        ta = a_order[a_start[cand][grp] + k]
        tb = b_order[b_start[a_to_b[cand]][grp] + k]
        ca = scene_after.vertices[scene_after.triangles[ta]]
        cb = scene_before.vertices[scene_before.triangles[tb]]
        eq = (ca == cb).reshape(total, 9).all(axis=1)
        eq &= scene_after.surface_type[ta] == scene_before.surface_type[tb]
        bad = np.bincount(grp, weights=~eq, minlength=len(cand))
        same[cand] = bad == 0
        ok = same[cand][grp]
        a_tri_for_b[tb[ok]] = ta[ok]
    return same, a_to_b, a_tri_for_b


def unchanged_objects(scene_before, scene_after) -> np.ndarray:
    """(n_after_objects,) bool: after objects that exist unchanged before (:func:`match_objects`);
    all False when the scenes do not share their local origin."""
    if not np.array_equal(np.asarray(scene_before.origin), np.asarray(scene_after.origin)):
        return np.zeros(len(scene_after.object_ids), dtype=bool)
    return match_objects(scene_before, scene_after)[0]


def before_after_scene(scene_before, scene_after) -> BeforeAfterScene | None:
    """The union scene and masks of ``scene_before`` / ``scene_after`` (see module docstring), or
    None when the two scenes do not share their local origin."""
    from stadtbild.model.scene import Scene

    if not np.array_equal(np.asarray(scene_before.origin), np.asarray(scene_after.origin)):
        return None
    nb, na = len(scene_before.object_ids), len(scene_after.object_ids)
    same, a_to_b, a_tri_for_b = match_objects(scene_before, scene_after)
    # before objects kept as before-only: everything not matched by an unchanged after object
    b_same = np.zeros(nb, dtype=bool)
    b_same[a_to_b[same]] = True
    extra_obj = np.flatnonzero(~b_same)
    extra_tri = np.flatnonzero(~b_same[scene_before.object_index]) if scene_before.n_triangles else np.zeros(0, np.int64)
    # compact the before-only part
    obj_new = np.full(nb, -1, dtype=np.int64)
    obj_new[extra_obj] = na + np.arange(len(extra_obj))
    used_v, inv = np.unique(scene_before.triangles[extra_tri].reshape(-1), return_inverse=True)
    n_poly_a = len(scene_after.polygon_object)
    bpoly = scene_before.polygon_index[extra_tri]
    used_p = np.unique(bpoly[bpoly >= 0])
    poly_new = np.full(len(scene_before.polygon_object) + 1, -1, dtype=np.int64)
    poly_new[used_p] = n_poly_a + np.arange(len(used_p))
    union = Scene(
        vertices=np.concatenate([scene_after.vertices, scene_before.vertices[used_v]]),
        triangles=np.concatenate([scene_after.triangles, inv.reshape(-1, 3) + len(scene_after.vertices)]),
        object_index=np.concatenate([scene_after.object_index, obj_new[scene_before.object_index[extra_tri]]]),
        surface_type=np.concatenate([scene_after.surface_type, scene_before.surface_type[extra_tri]]),
        polygon_index=np.concatenate([scene_after.polygon_index, np.where(bpoly >= 0, poly_new[bpoly], -1)]),
        polygon_object=np.concatenate([scene_after.polygon_object,
                                       obj_new[scene_before.polygon_object[used_p]]]).astype(np.int32),
        object_ids=list(scene_after.object_ids) + [scene_before.object_ids[i] for i in extra_obj],
        object_types=list(scene_after.object_types) + [scene_before.object_types[i] for i in extra_obj],
        origin=scene_after.origin, crs=scene_after.crs, lod=scene_after.lod,
    )
    mp_a = getattr(scene_after, "model_polygon", None)
    if mp_a is not None:
        union.model_polygon = np.concatenate([np.asarray(mp_a), np.full(len(used_p), -1, dtype=np.asarray(mp_a).dtype)])
    n_union = na + len(extra_obj)
    after = np.zeros(n_union, dtype=bool)
    after[:na] = True
    before = np.zeros(n_union, dtype=bool)
    before[:na] = same
    before[na:] = True
    before_object = np.full(n_union, -1, dtype=np.int64)
    before_object[:na] = np.where(same, a_to_b, -1)
    before_object[na:] = extra_obj
    before_triangle = np.full(union.n_triangles, -1, dtype=np.int64)
    mapped = np.flatnonzero(a_tri_for_b >= 0)
    before_triangle[a_tri_for_b[mapped]] = mapped
    before_triangle[scene_after.n_triangles:] = extra_tri
    return BeforeAfterScene(scene=union, before=before, after=after, before_object=before_object,
                            before_triangle=before_triangle, n_after_objects=na,
                            n_after_triangles=scene_after.n_triangles, scene_before=scene_before,
                            scene_after=scene_after)


class TwoStateCaster:
    """Ray queries for the two states of a :class:`BeforeAfterScene` with the work they share
    done once: the objects both states have (usually almost all) are in one BVH, the objects of
    only one state in a small BVH each. A ray is blocked in a state when the common BVH or that
    state's own BVH blocks it (any-hit; the same float32 triangles as in each scene's own BVH, so
    the answers are those of two separate RayCasters). :meth:`visible_sum` (sun-hours) keeps the
    common BVH's answers of the last call, so the second state, asked about the same points and
    sun directions (the common ground grid), only traces the small BVH (and, against the common
    BVH, the few rays the state's own objects block). Sun-hours agree with separate runs to
    rounding (~1e-15 h): the common sum is corrected by subtraction.

    Drop-in for the analyses' ``raycaster=``: ``scene`` (the union), ``state`` ("before" /
    "after", see :meth:`use`), ``enabled_objects``, ``set_object_enabled`` (extra objects off on
    top of the state, e.g. ground cover), ``occluded``, ``first_hit``, ``visible_sum``, ``close``
    (:class:`analysis.casters.RayCore`).
    """

    #: no terrain near field (see :class:`analysis.casters.RayCore`)
    near_field = False

    def __init__(self, shared: BeforeAfterScene, backend: str = "auto", **kwargs):
        from .raycast import RayCaster

        self.shared = shared
        self.scene = shared.scene
        sc = shared.scene
        common = shared.before & shared.after
        self._masks = {"before": shared.before, "after": shared.after}
        self._groups = {"common": common, "before": shared.before & ~common, "after": shared.after & ~common}
        self._rc = {}
        for name, objs in self._groups.items():
            tri = objs[sc.object_index] if sc.n_triangles else np.zeros(0, bool)
            if name == "common" or tri.any():
                self._rc[name] = (RayCaster(sc.select(tri), backend=backend, **kwargs), np.flatnonzero(tri))
        self.cancel = None
        self.state = "before"
        self._extra_off = np.zeros(len(sc.object_ids), dtype=bool)
        self._cache = None

    def use(self, state: str) -> None:
        """Answer for ``state`` ("before" or "after") from now on."""
        if state not in self._masks:
            raise ValueError("state must be 'before' or 'after'")
        self.state = state
        self._extra_off[:] = False
        self._apply()

    def _apply(self) -> None:
        for rc, _ in self._rc.values():
            want = ~self._extra_off
            if not np.array_equal(rc.enabled_objects, want):
                rc.set_object_enabled(want)

    @property
    def enabled_objects(self) -> np.ndarray:
        return self._masks[self.state] & ~self._extra_off

    def set_object_enabled(self, mask) -> None:
        """Objects of the current state to keep (the state's absent objects stay absent)."""
        mask = np.asarray(mask, dtype=bool).reshape(-1)
        if mask.shape != self._extra_off.shape:
            raise ValueError(f"mask must have {len(self._extra_off)} entries (one per scene object)")
        self._extra_off = self._masks[self.state] & ~mask
        self._apply()

    def _parts(self):
        return [self._rc["common"]] + ([self._rc[self.state]] if self.state in self._rc else [])

    def close(self) -> None:
        for rc, _ in self._rc.values():
            rc.close()

    def occluded(self, origins, directions, tmax=np.inf, tmin=0.0) -> np.ndarray:
        out = None
        for rc, _ in self._parts():
            occ = rc.occluded(origins, directions, tmax, tmin)
            out = occ if out is None else out | occ
        return out

    def first_hit(self, origins, directions, tmax=np.inf, tmin=0.0):
        """Nearer of the hits in the common and the state's own BVH (triangle numbers of ``scene``)."""
        best = None
        for rc, tri_map in self._parts():
            h = rc.first_hit(origins, directions, tmax, tmin)
            h.triangle = np.where(h.hit, tri_map[np.maximum(h.triangle, 0)] if len(tri_map) else -1, -1)
            if best is None:
                best = h
                continue
            take = h.distance < best.distance
            best.distance = np.where(take, h.distance, best.distance)
            best.triangle = np.where(take, h.triangle, best.triangle)
            best.object_index = np.where(take, h.object_index, best.object_index).astype(np.int32)
            best.point = np.where(take[:, None], h.point, best.point)
            best.hit = best.hit | h.hit
        return best

    def _blocked(self, rc, o, dirs, facing):
        """(k, n) bool: ray from o[i] towards dirs[j] blocked in ``rc`` (only where facing[j, i])."""
        out = np.zeros((len(dirs), len(o)), dtype=bool)
        boxes = self._boxes(rc)
        for j in range(len(dirs)):
            # only rays through a box around the objects can hit them (embreex traces ray by ray,
            # so even a small BVH costs per ray: skip the others in numpy)
            near = np.zeros(len(o), dtype=bool)
            for lo, hi in boxes:
                near |= _ray_box(o, dirs[j], lo, hi)
            front = np.flatnonzero(facing[j] & near)
            if len(front):
                out[j, front] = rc.occluded(o[front], dirs[j])
        return out

    @staticmethod
    def _boxes(rc, max_boxes: int = 16):
        """Boxes (lo, hi) around the objects of ``rc`` (one per object when there are few, else
        one around all), padded by 1 cm."""
        sc = rc.scene
        if sc.n_triangles == 0:
            return []
        c = sc.corners
        objs = np.unique(sc.object_index)
        if len(objs) > max_boxes:
            return [(c.min(axis=(0, 1)) - 0.01, c.max(axis=(0, 1)) + 0.01)]
        return [(c[sc.object_index == k].min(axis=(0, 1)) - 0.01, c[sc.object_index == k].max(axis=(0, 1)) + 0.01)
                for k in objs]

    def visible_sum(self, origins, directions, weights=None, normals=None, progress=None) -> np.ndarray:
        """As :meth:`RayCaster.visible_sum`; the common BVH's answers are reused for the other
        state when it asks about the same origins, directions and normals."""
        o, dirs, w, nrm = visible_sum_arguments(origins, directions, weights, normals)
        ok = np.isfinite(o).all(axis=1)
        if len(o) == 0 or len(dirs) == 0:
            return np.zeros(len(o))
        key = (o.shape, dirs.shape, hash(o.tobytes()), hash(dirs.tobytes()), hash(w.tobytes()),
               None if nrm is None else hash(nrm.tobytes()), self._extra_off.tobytes())
        if self._cache is not None and self._cache[0] == key:
            out = self._cache[1].copy()
        else:  # Σ w over directions free of the common objects (RayCaster's fast path)
            out = self._rc["common"][0].visible_sum(o, dirs, w, nrm)
            self._cache = (key, out.copy())
        if self.state in self._rc:
            # take back the weight of directions the state's own objects block (small BVH) where
            # the common objects left them free
            facing = np.broadcast_to(ok, (len(dirs), len(o))) if nrm is None else (dirs @ nrm.T > 0.0) & ok
            jj, ii = np.nonzero(self._blocked(self._rc[self.state][0], o, dirs, facing))
            if len(ii):
                free = ~self._rc["common"][0].occluded(o[ii], dirs[jj])
                out -= np.bincount(ii, weights=w[jj] * free, minlength=len(o))
                np.maximum(out, 0.0, out=out)
        out[~ok] = 0.0
        if progress is not None:
            progress(1, 1)
        return out


def _ray_box(o, d, lo, hi) -> np.ndarray:
    """(n,) bool: does the ray o[i] + t·d (t ≥ 0) pass through the box [lo, hi] (slab test,
    Kay & Kajiya 1986)? Conservative at the box faces."""
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / np.where(d == 0.0, 1e-300, d)
        t1 = (lo - o) * inv
        t2 = (hi - o) * inv
    t_near = np.minimum(t1, t2).max(axis=1)
    t_far = np.maximum(t1, t2).min(axis=1)
    return t_far >= np.maximum(t_near, 0.0)
