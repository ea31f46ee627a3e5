"""Sample points on the surfaces of a scene, for the analyses that trace rays from them.

Facades and roofs: points spread over every wall/roof/other surface triangle (about one per
``spacing_m``² of area, a rank-1 lattice in the triangle, the centroid for small triangles),
each carrying its share of the triangle's area and lifted :data:`SURFACE_LIFT_M` along the
outward normal (:func:`analysis.raycast.offset_points`), so that a ray does not hit the surface
it starts on.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.errors import InputError
from model.semantics import CLOSURE, GROUND, TERRAIN

#: sample lift off facades and roofs along the outward normal (m)
SURFACE_LIFT_M = 0.01


@dataclass(eq=False)
class SurfaceSamples:
    """Points on facades/roofs (local frame): ``points`` (k, 3) lifted off the surface, ``normals``
    (k, 3) unit outward normals, ``triangle`` (k,) scene triangle, ``object_index`` (k,),
    ``area_m2`` (k,) area each point stands for, ``surface_type`` (k,)."""

    points: np.ndarray
    normals: np.ndarray
    triangle: np.ndarray
    object_index: np.ndarray
    area_m2: np.ndarray
    surface_type: np.ndarray

    def __len__(self) -> int:
        return len(self.points)

    def per_polygon(self, scene, values) -> np.ndarray:
        """Area-weighted mean of per-sample ``values`` for every source polygon of ``scene``
        (indexed like ``scene.polygon_index``; NaN for polygons without samples), e.g. sun-hours
        per wall/roof surface for ``exporters.results``."""
        poly = scene.polygon_index[self.triangle]
        n = int(max(scene.polygon_index.max(initial=-1), len(scene.polygon_object) - 1)) + 1
        ok = poly >= 0
        num = np.bincount(poly[ok], weights=(self.area_m2 * np.asarray(values, float))[ok], minlength=n)
        den = np.bincount(poly[ok], weights=self.area_m2[ok], minlength=n)
        return np.divide(num, den, out=np.full(n, np.nan), where=den > 0)

    def per_object(self, scene, values) -> np.ndarray:
        """Area-weighted mean of per-sample ``values`` per object (NaN without samples)."""
        n = len(scene.object_ids)
        num = np.bincount(self.object_index, weights=self.area_m2 * np.asarray(values, float), minlength=n)
        den = np.bincount(self.object_index, weights=self.area_m2, minlength=n)
        return np.divide(num, den, out=np.full(n, np.nan), where=den > 0)


def sample_surfaces(scene, spacing_m: float = 1.0, max_points: int = 5_000_000,
                    exclude=(GROUND, CLOSURE, TERRAIN), objects=None) -> SurfaceSamples:
    """About one sample per ``spacing_m``² on every triangle whose surface type is not in
    ``exclude`` (ground, closure and terrain surfaces by default). Points follow the R2 rank-1
    lattice (Roberts 2018, "The unreasonable effectiveness of quasirandom sequences") folded into
    each triangle; triangles smaller than one cell get their centroid. ``objects`` (n_objects,)
    bool limits sampling to those objects (e.g. the enabled ones of a RayCaster)."""
    if spacing_m <= 0:
        raise InputError(None, f"surface sample spacing must be positive, got {spacing_m}")
    areas = scene.triangle_areas
    keep = ~np.isin(scene.surface_type, np.asarray(exclude, dtype=np.int16)) & (areas > 1e-8)
    if objects is not None and len(scene.object_ids):
        keep &= np.asarray(objects, dtype=bool)[scene.object_index]
    tri = np.flatnonzero(keep)
    per = np.maximum(1, np.ceil(areas[tri] / (spacing_m * spacing_m))).astype(np.int64)
    if per.sum() > max_points:
        raise InputError(None, f"{int(per.sum()):,} facade/roof samples at {spacing_m} m spacing is too many; "
                               f"use a coarser spacing")
    tri_s = np.repeat(tri, per)
    n_s = np.repeat(per, per)
    start = np.repeat(np.cumsum(per) - per, per)
    k = np.arange(len(tri_s)) - start
    g = 1.32471795724474602596  # plastic number
    r1 = (0.5 + (k + 1) / g) % 1.0
    r2 = (0.5 + (k + 1) / (g * g)) % 1.0
    fold = r1 + r2 > 1.0
    r1[fold], r2[fold] = 1.0 - r1[fold], 1.0 - r2[fold]
    single = n_s == 1
    r1[single] = r2[single] = 1.0 / 3.0
    c = scene.corners[tri_s]
    pts = c[:, 0] + r1[:, None] * (c[:, 1] - c[:, 0]) + r2[:, None] * (c[:, 2] - c[:, 0])
    normals = scene.face_normals[tri_s]
    from .raycast import offset_points

    return SurfaceSamples(points=offset_points(pts, normals, SURFACE_LIFT_M), normals=normals,
                          triangle=tri_s, object_index=scene.object_index[tri_s],
                          area_m2=areas[tri_s] / n_s, surface_type=scene.surface_type[tri_s])
