"""Sample points on the surfaces of a scene, for the analyses that trace rays from them.

Three kinds, one per question:

Surface samples (shadow, sun-hours, viewshed): points spread over every wall/roof/other surface
triangle (about one per ``cell_m``² of area, a rank-1 lattice in the triangle, the centroid for
small triangles), each carrying its share of the triangle's area and lifted
:data:`SURFACE_LIFT_M` along the outward normal (:func:`analysis.raycast.offset_points`), so that
a ray does not hit the surface it starts on (:func:`sample_surfaces`).

Subdivision samples (roof solar potential): the centroids of k² equal sub-triangles of every
analysed surface's triangles (:func:`subdivision_samples`).

Facade check points (DIN 5034-1 sunlight, :mod:`analysis.sunlight`; "Fenstermitte in
Fassadenebene"): LoD2 models have no windows, so every wall surface gets a regular lattice of
points in the facade plane — one row per storey at ``first_row_m`` (default 1.5 m, a window
centre) above the building's lowest point, then every ``storey_height_m`` (default 3.0 m) up to
0.5 m below the wall's top edge, and columns every ``spacing_m`` (default 2.0 m) along the wall,
centred; a wall narrower than the spacing gets one column in its middle. Points on a party wall
(inside the adjoining building), points with a neighbour's wall within :data:`COVERED_WITHIN_M`
in front and points less than :data:`GROUND_CLEARANCE_M` above the ground are dropped: they have
no window (:func:`covered_points`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stadtbild.model.errors import InputError
from stadtbild.model.semantics import CLOSURE, GROUND, TERRAIN

from .raycast import offset_points

#: sample lift off facades and roofs along the outward normal (m)
SURFACE_LIFT_M = 0.01
#: surfaces steeper than this from horizontal are facades (|n_z| below sin 20°)
FACADE_MAX_ABS_NZ = 0.34
#: a solid surface this close in front of a check point (m) means: party wall, no window
COVERED_WITHIN_M = 1.0
#: vertical rays of the inside-a-building test look this far (m)
INSIDE_WITHIN_M = 1000.0
#: facade check points are lifted this far off the facade (m) so their rays do not hit it
FACADE_LIFT_M = 0.02
#: a facade check point must lie at least this high above the ground (m); lower ones are dropped
GROUND_CLEARANCE_M = 0.1
#: the objects that get facade check points by default
BUILDING_TYPES = ("Building", "BuildingPart")


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


def sample_surfaces(scene, cell_m: float = 1.0, max_points: int = 5_000_000,
                    exclude=(GROUND, CLOSURE, TERRAIN), objects=None) -> SurfaceSamples:
    """About one sample per ``cell_m``² on every triangle whose surface type is not in
    ``exclude`` (ground, closure and terrain surfaces by default). Points follow the R2 rank-1
    lattice (Roberts 2018, "The unreasonable effectiveness of quasirandom sequences") folded into
    each triangle; triangles smaller than one cell get their centroid. ``objects`` (n_objects,)
    bool limits sampling to those objects (e.g. the enabled ones of a RayCaster)."""
    if cell_m <= 0:
        raise InputError(None, f"surface sample spacing must be positive, got {cell_m}")
    areas = scene.triangle_areas
    keep = ~np.isin(scene.surface_type, np.asarray(exclude, dtype=np.int16)) & (areas > 1e-8)
    if objects is not None and len(scene.object_ids):
        keep &= np.asarray(objects, dtype=bool)[scene.object_index]
    tri = np.flatnonzero(keep)
    per = np.maximum(1, np.ceil(areas[tri] / (cell_m * cell_m))).astype(np.int64)
    if per.sum() > max_points:
        raise InputError(None, f"{int(per.sum()):,} facade/roof samples at {cell_m} m spacing is too many; "
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
    return SurfaceSamples(points=offset_points(pts, normals, SURFACE_LIFT_M), normals=normals,
                          triangle=tri_s, object_index=scene.object_index[tri_s],
                          area_m2=areas[tri_s] / n_s, surface_type=scene.surface_type[tri_s])


@dataclass
class SubdivisionSamples:
    """Sample points on analysed surfaces (:func:`subdivision_samples`): points (N, 3) local
    coordinates ON the surface; origins lifted off it; surface (N,) index into the
    ``RoofSurfaces``; weight_m2 (N,) area each sample stands for (m²)."""

    points: np.ndarray
    origins: np.ndarray
    surface: np.ndarray
    weight_m2: np.ndarray

    def __len__(self) -> int:
        return len(self.surface)


def _subtriangle_centroids(k: int) -> np.ndarray:
    """(k², 2) barycentric (u, v) of the centroids of the k² congruent sub-triangles of a triangle
    whose edges are split into k parts (weights of corners 1 and 2; corner 0 gets 1 − u − v)."""
    up = [(i + 1 / 3, j + 1 / 3) for i in range(k) for j in range(k - i)]
    down = [(i + 2 / 3, j + 2 / 3) for i in range(k - 1) for j in range(k - 1 - i)]
    return np.array(up + down, dtype=np.float64) / k


def subdivision_samples(scene, surfaces, cell_m: float = 1.0, offset_m: float = 0.01,
                    max_subdivisions: int = 64) -> SubdivisionSamples:
    """Sample points on every surface of ``surfaces`` (:class:`analysis.solar.RoofSurfaces`): each
    of its triangles is split into k² congruent sub-triangles (k = its side length / ``cell_m``,
    1 ≤ k ≤ ``max_subdivisions``) whose centroids are the samples, each standing for 1/k² of the
    triangle's area; ``origins`` are lifted ``offset_m`` metres along the surface normal.
    Vectorised per subdivision level."""
    tri = np.flatnonzero(surfaces.triangle_surface >= 0)
    if len(tri) == 0:
        z = np.zeros((0, 3))
        return SubdivisionSamples(z, z, np.zeros(0, np.int64), np.zeros(0))
    areas = scene.triangle_areas[tri]
    keep = areas > 1e-9
    tri, areas = tri[keep], areas[keep]
    k = np.clip(np.rint(np.sqrt(areas) / float(cell_m)), 1, max_subdivisions).astype(np.int64)
    corners = scene.corners[tri]
    pts, surf, wts = [], [], []
    for kk in np.unique(k):
        sel = np.flatnonzero(k == kk)
        bary = _subtriangle_centroids(int(kk))
        c = corners[sel]
        p = (c[:, None, 0, :] * (1.0 - bary[None, :, 0:1] - bary[None, :, 1:2])
             + c[:, None, 1, :] * bary[None, :, 0:1] + c[:, None, 2, :] * bary[None, :, 1:2])
        pts.append(p.reshape(-1, 3))
        s = surfaces.triangle_surface[tri[sel]]
        surf.append(np.repeat(s, len(bary)))
        wts.append(np.repeat(areas[sel] / len(bary), len(bary)))
    points = np.concatenate(pts)
    surface = np.concatenate(surf)
    weight = np.concatenate(wts)
    origins = points + offset_m * surfaces.normal[surface]
    return SubdivisionSamples(points, origins, surface, weight)


@dataclass
class FacadePoints:
    """Check points on facades (scene-local coordinates, metres).

    points          (k, 3) on the facade plane, lifted :data:`FACADE_LIFT_M` outward
    normals         (k, 3) outward unit normals of their facade triangle
    triangle        (k,) scene triangle the point lies on
    object_index    (k,) scene object
    polygon         (k,) scene source polygon (a wall surface)
    storey          (k,) row number from the bottom (0 = ground floor)
    height_m        (k,) height above the building's lowest point (m)
    """

    points: np.ndarray
    normals: np.ndarray
    triangle: np.ndarray
    object_index: np.ndarray
    polygon: np.ndarray
    storey: np.ndarray
    height_m: np.ndarray

    def __len__(self) -> int:
        return len(self.points)

    def subset(self, keep) -> "FacadePoints":
        return FacadePoints(*(getattr(self, f)[keep] for f in
                              ("points", "normals", "triangle", "object_index", "polygon", "storey", "height_m")))

    @property
    def facade_azimuth_deg(self) -> np.ndarray:
        """Direction the facade faces, clockwise from grid north (°)."""
        return np.degrees(np.arctan2(self.normals[:, 0], self.normals[:, 1])) % 360.0


def _facade_triangles(scene, objects) -> np.ndarray:
    from stadtbild.model.semantics import CLOSURE, GROUND, ROOF

    n = scene.face_normals
    keep = (np.abs(n[:, 2]) < FACADE_MAX_ABS_NZ) & (scene.triangle_areas > 1e-6)
    keep &= ~np.isin(scene.surface_type, np.array([GROUND, ROOF, CLOSURE], dtype=scene.surface_type.dtype))
    keep &= np.asarray(objects, dtype=bool)[scene.object_index]
    return np.flatnonzero(keep)


def building_objects(scene, types=BUILDING_TYPES) -> np.ndarray:
    """(n_objects,) bool: objects whose CityObject type is one of ``types``."""
    return np.array([t in types for t in scene.object_types], dtype=bool)


def facade_points(scene, spacing_m: float = 2.0, storey_height_m: float = 3.0, first_row_m: float = 1.5,
                  objects=None, raycaster=None, ground=None, max_points: int = 2_000_000) -> FacadePoints:
    """Check points on the facades of ``objects`` ((n_objects,) bool; default: Building and
    BuildingPart objects) — see the module docstring for the lattice. With ``raycaster`` points
    with something solid within :data:`COVERED_WITHIN_M` in front are dropped; with ``ground``
    (:class:`model.ground.Ground`) points less than :data:`GROUND_CLEARANCE_M` above the ground
    too (a point exactly that high stays)."""
    for name, v in (("spacing", spacing_m), ("storey height", storey_height_m)):
        if not (np.isfinite(v) and v > 0):
            raise InputError(None, f"facade point {name} must be a positive number of metres, got {v}")
    if not np.isfinite(first_row_m) or first_row_m < 0:
        raise InputError(None, f"first row height must be ≥ 0 m, got {first_row_m}")
    if objects is None:
        objects = building_objects(scene)
    tri = _facade_triangles(scene, objects)
    empty = FacadePoints(np.zeros((0, 3)), np.zeros((0, 3)), *(np.zeros(0, np.int64) for _ in range(3)),
                         np.zeros(0, np.int64), np.zeros(0))
    if not len(tri):
        return empty
    corners = scene.corners[tri]  # (t, 3, 3)
    normals = scene.face_normals[tri]
    # one frame per source polygon: u = horizontal direction along the wall, w = outward horizontal
    poly = scene.polygon_index[tri].astype(np.int64)
    poly_ids, poly_of_tri = np.unique(poly, return_inverse=True)
    area = scene.triangle_areas[tri]
    n_sum = np.zeros((len(poly_ids), 3))
    np.add.at(n_sum, poly_of_tri, normals * area[:, None])
    w = n_sum.copy()
    w[:, 2] = 0.0
    w_len = np.linalg.norm(w, axis=1)
    ok_poly = w_len > 1e-9
    w = np.divide(w, w_len[:, None], out=np.zeros_like(w), where=ok_poly[:, None])
    u = np.c_[-w[:, 1], w[:, 0], np.zeros(len(w))]  # w rotated +90° about z: along the wall
    # extents per polygon in (u, z)
    tu = np.einsum("tkj,tj->tk", corners, u[poly_of_tri])
    tz = corners[:, :, 2]
    p_umin = np.full(len(poly_ids), np.inf)
    p_umax = np.full(len(poly_ids), -np.inf)
    p_zmax = np.full(len(poly_ids), -np.inf)
    np.minimum.at(p_umin, poly_of_tri, tu.min(axis=1))
    np.maximum.at(p_umax, poly_of_tri, tu.max(axis=1))
    np.maximum.at(p_zmax, poly_of_tri, tz.max(axis=1))
    # storeys count from the lowest point of the building (the object and its parts share rows
    # only through the same absolute base: each object uses its own lowest point)
    obj_of_poly = np.zeros(len(poly_ids), dtype=np.int64)
    obj_of_poly[poly_of_tri] = scene.object_index[tri]
    obj_zmin = np.full(len(scene.object_ids), np.inf)
    np.minimum.at(obj_zmin, scene.object_index, scene.corners[:, :, 2].min(axis=1))
    base = obj_zmin[obj_of_poly]
    p_zmin = np.full(len(poly_ids), np.inf)
    np.minimum.at(p_zmin, poly_of_tri, tz.min(axis=1))
    # rows: k with base + first + k·h inside [zmin, zmax − 0.5]
    k_lo = np.maximum(0, np.ceil((p_zmin - base - first_row_m) / storey_height_m - 1e-9)).astype(np.int64)
    k_hi = np.floor((p_zmax - 0.5 - base - first_row_m) / storey_height_m + 1e-9).astype(np.int64)
    n_rows = np.where(ok_poly, np.maximum(0, k_hi - k_lo + 1), 0)
    width = p_umax - p_umin
    n_cols = np.where(ok_poly, np.maximum(1, np.floor(width / spacing_m + 1e-9).astype(np.int64)), 0)
    n_cand = n_rows * n_cols
    if n_cand.sum() > max_points:
        raise InputError(None, f"{int(n_cand.sum()):,} facade check points at {spacing_m} m spacing are too many; "
                               f"use a coarser spacing or a smaller area")
    cand_poly = np.repeat(np.arange(len(poly_ids)), n_cand)
    if not len(cand_poly):
        return empty
    j = np.arange(len(cand_poly)) - np.repeat(np.cumsum(n_cand) - n_cand, n_cand)
    col = j % n_cols[cand_poly]
    row = j // n_cols[cand_poly] + k_lo[cand_poly]
    first_u = p_umin + (width - (n_cols - 1) * spacing_m) / 2.0
    cu = first_u[cand_poly] + col * spacing_m
    cz = base[cand_poly] + first_row_m + row * storey_height_m
    # point-in-polygon through the polygon's triangles, in (u, z): pair every candidate with the
    # triangles of its polygon
    order = np.argsort(poly_of_tri, kind="stable")
    t_count = np.bincount(poly_of_tri, minlength=len(poly_ids))
    t_start = np.cumsum(t_count) - t_count
    pairs_per_cand = t_count[cand_poly]
    pc = np.repeat(np.arange(len(cand_poly)), pairs_per_cand)
    pk = np.arange(len(pc)) - np.repeat(np.cumsum(pairs_per_cand) - pairs_per_cand, pairs_per_cand)
    pt = order[t_start[cand_poly[pc]] + pk]  # index into tri
    a = np.c_[tu[pt, 0], tz[pt, 0]]
    e1 = np.c_[tu[pt, 1], tz[pt, 1]] - a
    e2 = np.c_[tu[pt, 2], tz[pt, 2]] - a
    q = np.c_[cu[pc], cz[pc]] - a
    det = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
    ok_det = np.abs(det) > 1e-12
    s = np.divide(q[:, 0] * e2[:, 1] - q[:, 1] * e2[:, 0], det, out=np.full(len(det), -1.0), where=ok_det)
    t = np.divide(e1[:, 0] * q[:, 1] - e1[:, 1] * q[:, 0], det, out=np.full(len(det), -1.0), where=ok_det)
    eps = 1e-9
    inside = ok_det & (s >= -eps) & (t >= -eps) & (s + t <= 1 + eps)
    hit_pairs = np.flatnonzero(inside)
    cand, first = np.unique(pc[hit_pairs], return_index=True)  # first containing triangle per candidate
    if not len(cand):
        return empty
    tri_local = pt[hit_pairs[first]]
    # 3D point on that triangle's plane: P = cu·u + s·w + cz·ẑ with n·P = n·a
    cp = cand_poly[cand]
    nrm = normals[tri_local]
    uu, ww = u[cp], w[cp]
    rhs = np.einsum("ij,ij->i", nrm, corners[tri_local, 0]) - cu[cand] * np.einsum("ij,ij->i", nrm, uu) \
        - cz[cand] * nrm[:, 2]
    n_w = np.einsum("ij,ij->i", nrm, ww)
    sw = np.divide(rhs, n_w, out=np.zeros(len(rhs)), where=np.abs(n_w) > 1e-9)
    pts = cu[cand, None] * uu + sw[:, None] * ww
    pts[:, 2] = cz[cand]
    out = FacadePoints(points=offset_points(pts, nrm, FACADE_LIFT_M), normals=nrm, triangle=tri[tri_local],
                       object_index=scene.object_index[tri[tri_local]].astype(np.int64),
                       polygon=poly_ids[cp], storey=row[cand], height_m=cz[cand] - base[cp])
    # overlapping duplicate wall polygons (they occur in real data) would give the same point twice
    key = np.c_[out.object_index, np.round(out.points / 0.01).astype(np.int64)]
    _, first_of = np.unique(key, axis=0, return_index=True)
    keep = np.zeros(len(out), dtype=bool)
    keep[first_of] = True
    if ground is not None and len(out):
        keep &= out.points[:, 2] >= ground.height(out.points[:, :2]) + GROUND_CLEARANCE_M
    if raycaster is not None and keep.any():
        keep &= ~covered_points(raycaster, scene, out.points, out.normals, keep)
    return out.subset(keep)


def covered_points(raycaster, scene, points, normals, candidates=None) -> np.ndarray:
    """(k,) bool: facade points that cannot hold a window — a surface facing them lies within
    :data:`COVERED_WITHIN_M` in front (a neighbour's wall across a narrow gap), or the point lies
    inside another building (a party wall shared with the neighbour, or overlapping buildings): the
    first surfaces straight up and straight down are both seen from their back (a roof from below,
    a ground surface from above). Vertical rays are used for that because horizontal ones meet the
    coincident back-to-back walls of row houses, where front and back face tie."""
    k = len(points)
    out = np.zeros(k, dtype=bool)
    idx = np.flatnonzero(np.ones(k, dtype=bool) if candidates is None else candidates)
    if not len(idx):
        return out
    o = points[idx]
    ahead = raycaster.first_hit(o, normals[idx], tmax=COVERED_WITHIN_M)
    facing = ahead.hit & (np.einsum("ij,ij->i", scene.face_normals[np.where(ahead.hit, ahead.triangle, 0)],
                                    normals[idx]) < 0)
    inside = np.ones(len(idx), dtype=bool)
    for sign in (1.0, -1.0):
        d = np.tile([0.0, 0.0, sign], (len(idx), 1))
        h = raycaster.first_hit(o, d, tmax=INSIDE_WITHIN_M)
        back = h.hit & (sign * scene.face_normals[np.where(h.hit, h.triangle, 0), 2] > 0)
        inside &= back
    out[idx] = facing | inside
    return out
