"""The ray casters and the objects that cast shadow.

Three ray cores answer the same queries (:class:`RayCore`): :class:`analysis.raycast.RayCaster`
(one BVH over a scene, Embree or numpy), :class:`analysis.editable_raycast.EditableRayCaster`
(a base BVH plus the edits of a scenario) and :class:`analysis.scenario_rays.TwoStateCaster`
(before and after of a scenario over one shared BVH). Analyses take any of them.

Shadow casters: every object of a scene except ground cover (roads, land use, water and plant
cover that is draped on the ground or lower than :data:`GROUND_COVER_MAX_HEIGHT_M`: ground samples
lie on them). :class:`ShadowCasters` is a ray core with those switched off; the shadow and sun-hours
analyses and the sun animation of the viewer trace through it. :func:`first_casters` traces sample
points towards the sun in blocks and reports the object each ray hits first.
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from stadtbild.model.semantics import TERRAIN


@runtime_checkable
class RayCore(Protocol):
    """What every ray caster offers (local scene frame, metres; see :mod:`analysis.raycast`).

    ``scene``: the :class:`model.scene.Scene` it traces; ``enabled_objects`` (n_objects,) bool and
    ``set_object_enabled(mask)``: objects switched on; ``occluded(origins, directions, tmax, tmin)``
    (k,) bool; ``first_hit(...)`` :class:`analysis.raycast.RayHits`; ``visible_sum(origins,
    directions, weights, normals, progress)`` (k,) sum of ``weights`` over the unblocked
    directions; ``close()`` frees the native structures. ``near_field`` says whether
    ``visible_sum`` takes ``near_field=(caster, reach_m)`` and whether a terrain-free near-field
    caster can be built beside it (``threads``): only :class:`analysis.raycast.RayCaster` does.
    """

    near_field: bool

    @property
    def enabled_objects(self) -> np.ndarray: ...

    def set_object_enabled(self, mask) -> None: ...

    def occluded(self, origins, directions, tmax=np.inf, tmin=0.0) -> np.ndarray: ...

    def first_hit(self, origins, directions, tmax=np.inf, tmin=0.0): ...

    def visible_sum(self, origins, directions, weights=None, normals=None, progress=None) -> np.ndarray: ...

    def close(self) -> None: ...


def make_raycaster(scene, raycaster: RayCore | None = None) -> RayCore:
    """``raycaster`` when given, else a new :class:`analysis.raycast.RayCaster` over ``scene``."""
    if raycaster is not None:
        return raycaster
    from .raycast import RayCaster

    return RayCaster(scene)


def terrain_objects(scene) -> np.ndarray:
    """(n_objects,) bool: objects that are terrain (TINRelief, ReliefFeature, a DEM mesh, or any
    object owning ``Terrain`` triangles)."""
    is_t = np.zeros(len(scene.object_ids), dtype=bool)
    if scene.n_triangles:
        is_t[scene.object_index[scene.surface_type == TERRAIN]] = True
    for i, t in enumerate(scene.object_types[:len(is_t)]):
        if t in ("TINRelief", "ReliefFeature", "Terrain"):
            is_t[i] = True
    return is_t


#: object types that are ground cover (draped on the ground): when lower than
#: :data:`GROUND_COVER_MAX_HEIGHT_M` or without steep faces they neither cast shadow nor count as
#: footprints
GROUND_COVER_TYPES = frozenset({"LandUse", "Road", "Railway", "Track", "Square", "TransportSquare",
                                "TransportationSquare", "WaterBody", "PlantCover", "Waterway", "Intersection",
                                "Section", "Hole", "HoleSurface"})
GROUND_COVER_MAX_HEIGHT_M = 1.0


def ground_cover_objects(scene) -> np.ndarray:
    """(n_objects,) bool: ground-cover objects (roads, land use, water, plant cover: types in
    :data:`GROUND_COVER_TYPES`) that are less than 1 m high or draped (≤ 5 % of their area in faces
    steeper than 60°). Ground samples lie on them, so they are left out of shadow queries; plant
    cover modelled as blocks with walls (trees, hedges) keeps casting shadow."""
    n = len(scene.object_ids)
    cover = np.array([t in GROUND_COVER_TYPES for t in scene.object_types] or [False])[:n]
    if not cover.any() or scene.n_triangles == 0:
        return np.zeros(n, dtype=bool)
    z = scene.corners[:, :, 2]
    zmin = np.full(n, np.inf)
    zmax = np.full(n, -np.inf)
    np.minimum.at(zmin, scene.object_index, z.min(axis=1))
    np.maximum.at(zmax, scene.object_index, z.max(axis=1))
    # draped surfaces: (almost) no steep faces – walls of a tree block or a bridge pier make it an occluder
    area = scene.triangle_areas
    steep = np.abs(scene.face_normals[:, 2]) < 0.5
    steep_area = np.bincount(scene.object_index, weights=area * steep, minlength=n)[:n]
    total = np.bincount(scene.object_index, weights=area, minlength=n)[:n]
    draped = steep_area <= 0.05 * np.maximum(total, 1e-12)
    return cover & (((zmax - zmin) < GROUND_COVER_MAX_HEIGHT_M) | draped)


class ShadowCasters:
    """The objects of ``scene`` that cast shadow, as a ray core :attr:`rc`: every object but ground
    cover (:func:`ground_cover_objects`).

    Without ``raycaster`` a new :class:`analysis.raycast.RayCaster` is built with the ground cover
    switched off for good (the sun animation keeps one for all its frames). With a caller's
    ``raycaster``, use it as a context: entering switches the ground cover off and returns the ray
    core, leaving restores the caller's enabled mask."""

    def __init__(self, scene, raycaster: RayCore | None = None):
        self.rc = make_raycaster(scene, raycaster)
        self.cover = ground_cover_objects(scene)
        self.saved = None
        if raycaster is None and self.cover.any():
            self.rc.set_object_enabled(self.rc.enabled_objects & ~self.cover)
            self.cover = np.zeros_like(self.cover)  # nothing to switch on entering

    def __enter__(self) -> RayCore:
        if self.cover.any():
            self.saved = self.rc.enabled_objects
            self.rc.set_object_enabled(self.saved & ~self.cover)
        return self.rc

    def __exit__(self, *exc):
        if self.saved is not None:
            self.rc.set_object_enabled(self.saved)
        return False


def first_casters(rc: RayCore, points, d, block: int = 1 << 21, near=None):
    """(hit (k,) bool, object index (k,) int32) of rays from ``points`` towards ``d``, in blocks
    so that first-hit records (points, distances) of millions of samples are never all in memory.
    With ``near`` (:class:`analysis.ground_grid.NearField`) the first metres go to its caster and a sample
    whose ground slope faces away from the sun is shadowed by the terrain itself."""
    hit = np.zeros(len(points), dtype=bool)
    obj = np.full(len(points), -1, dtype=np.int32)
    for start in range(0, len(points), block):
        sl = slice(start, start + block)
        if near is None or near.caster is None:
            h = rc.first_hit(points[sl], d)
            hit[sl], obj[sl] = h.hit, h.object_index
            if near is None:
                continue
            # what the near-field caster would have found: a non-terrain surface within reach_m
            close = h.hit & (h.distance <= near.reach_m) & (h.object_index != near.terrain_object)
        else:
            h = near.caster.first_hit(points[sl], d, tmax=near.near_m)
            far = rc.first_hit(points[sl], d, tmin=near.near_m)
            close = h.hit
            hit[sl] = np.where(close, True, far.hit)
            obj[sl] = np.where(close, h.object_index, far.object_index)
        # a slope facing away from the sun shades itself, unless something stands right in front
        behind = near.normals[sl] @ d <= 0.0
        hit[sl] |= behind
        obj[sl] = np.where(behind & ~close, near.terrain_object, obj[sl])
    return hit, obj
