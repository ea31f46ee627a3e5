"""Cast shadow at an instant and hours of direct sun over a day or period, on a ground grid and on
facade/roof sample points, plus before/after differences of two scenes.

Method (DESIGN.md, "Methods"): a sample point is in shadow when the ray from it towards the sun
hits an object (:class:`analysis.raycast.RayCaster`, occlusion / first-hit queries); the sun
direction comes from NREL SPA (:mod:`analysis.sun`), turned into the model's grid frame with the
meridian convergence. Sun-hours are the time integral of "sun above the horizon and not blocked"
sampled every ``step_min`` ≤ 10 minutes with the trapezoidal rule over ``[start, stop]`` (the sun
counts from the instant its apparent elevation is above 0°). This is the usual planning practice
(e.g. DIN EN 17037:2019 "Daylight in buildings", sunlight exposure; DIN 5034-1 checks on 17 January
/ 20 March) — the standard dates planners use are 21 March, 21 June and 21 December.

Samples
-------
Ground: the centres of a square grid (``cell_m``, default 1 m, row 0 = north) over an extent in
the model CRS (default: the model's bbox grown in the shadow direction by the longest shadow at
the instant, or on every side by the longest shadow at 10° sun elevation for sun-hours; growth at
most 1 km), optionally clipped by a polygon. Ground height: the terrain when the model has one,
else the horizontal plane at the lowest GroundSurface (``analysis.ground``). Samples are lifted
1 cm (5 cm on terrain) to avoid hitting the surface they stand on. Cells under a building
(a vertical ray from the sample hits a non-terrain object: footprints, and ground under
overhangs/bridges) are "footprint" cells: not counted as shadowed ground.

Facades and roofs: points spread over every wall/roof/other surface triangle (about one per
``spacing_m``² of area, a rank-1 lattice in the triangle, the centroid for small triangles),
each carrying its share of the triangle's area and lifted 1 cm along the outward normal
(:func:`analysis.raycast.offset_points`). A surface facing away from the sun is in its own shadow
without tracing.

Results carry local arrays and the georeference (origin, affine transform in the model CRS, EPSG)
so that exporters write GeoTIFF / GeoJSON / CSV in the model CRS.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from model.errors import InputError
from model.semantics import CLOSURE, GROUND, TERRAIN

#: sample lift above the ground plane / terrain and off facades (m)
GROUND_LIFT_M = 0.01
TERRAIN_LIFT_M = 0.05
#: ground samples on a terrain mesh: the first metres of their rays are traced without the terrain
#: (whose nearby triangles every ground-hugging ray would otherwise walk through), the terrain's
#: self-shadow there comes from the ground normal (see :func:`terrain_near_field`)
TERRAIN_NEAR_M = 0.5
SURFACE_LIFT_M = 0.01
#: default growth of the extent is capped at this (m)
MAX_GROW_M = 1000.0
#: for sun-hours the extent is grown by the longest shadow at this sun elevation (°)
SUNHOURS_EXTENT_ELEVATION_DEG = 10.0
#: refuse ground grids larger than this many cells (memory: ~60 bytes per cell)
MAX_CELLS = 25_000_000
#: the longest allowed time step for sun-hours (min)
MAX_STEP_MIN = 10.0


# ====================================================================== sample sets
@dataclass(eq=False)
class GroundGrid:
    """Square ground grid in the scene's local frame, north-up (row 0 = northmost row).

    x0, y_top      local coordinates of the grid's outer north-west corner (m)
    cell_m         cell size (m); nx columns, ny rows
    z              (ny, nx) local ground height of each sample (m, without lift)
    inside         (ny, nx) bool: cell centre inside the extent / polygon
    footprint      (ny, nx) bool: ground under a building (excluded from shadow areas)
    origin         (3,) the scene origin in the model CRS; crs: ``model.crs.CRSInfo`` or None
    lift_m         sample height above the ground
    """

    x0: float
    y_top: float
    cell_m: float
    nx: int
    ny: int
    z: np.ndarray
    inside: np.ndarray
    origin: np.ndarray
    crs: object = None
    footprint: np.ndarray | None = None
    lift_m: float = GROUND_LIFT_M

    @property
    def shape(self) -> tuple[int, int]:
        return (self.ny, self.nx)

    @property
    def cell_area_m2(self) -> float:
        return self.cell_m * self.cell_m

    @property
    def active(self) -> np.ndarray:
        """(ny, nx) bool: cells that are sampled (inside the extent and not under a building)."""
        fp = self.footprint if self.footprint is not None else np.zeros(self.shape, bool)
        return self.inside & ~fp

    def centres_local(self) -> tuple[np.ndarray, np.ndarray]:
        """(ny, nx) local x and y of the cell centres."""
        xs = self.x0 + (np.arange(self.nx) + 0.5) * self.cell_m
        ys = self.y_top - (np.arange(self.ny) + 0.5) * self.cell_m
        return np.meshgrid(xs, ys)

    def sample_points(self, mask=None) -> np.ndarray:
        """(k, 3) local sample points (lifted) of the cells in ``mask`` (default :attr:`active`),
        in row-major order."""
        mask = self.active if mask is None else mask
        x, y = self.centres_local()
        return np.column_stack([x[mask], y[mask], self.z[mask] + self.lift_m])

    @property
    def transform(self) -> tuple:
        """Affine (a, b, c, d, e, f) of the grid in the MODEL CRS (rasterio/GDAL order, pixel
        corner): x = a·col + c, y = e·row + f."""
        return (self.cell_m, 0.0, self.x0 + self.origin[0], 0.0, -self.cell_m, self.y_top + self.origin[1])

    @property
    def extent_world(self) -> tuple[float, float, float, float]:
        x0, y1 = self.x0 + self.origin[0], self.y_top + self.origin[1]
        return (x0, y1 - self.ny * self.cell_m, x0 + self.nx * self.cell_m, y1)

    def raster(self, values, nodata=-1.0, units: str = ""):
        """An ``exporters.results.Raster`` of ``values`` (ny, nx) with this georeference."""
        from exporters.results import Raster

        crs = self.crs.name if self.crs is not None and getattr(self.crs, "epsg", None) else None
        v = np.asarray(values, dtype=np.float32)
        return Raster(values=v, transform=self.transform, nodata=nodata, units=units, crs=crs)


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


def _terrain_objects(scene) -> np.ndarray:
    """(n_objects,) bool: objects that are terrain (TINRelief, DEM mesh)."""
    is_t = np.zeros(len(scene.object_ids), dtype=bool)
    if scene.n_triangles:
        is_t[scene.object_index[scene.surface_type == TERRAIN]] = True
    for i, t in enumerate(scene.object_types):
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


class _ShadowCasters:
    """Context: the raycaster with ground-cover objects switched off (restoring a caller's mask)."""

    def __init__(self, scene, raycaster):
        self.rc = _make_raycaster(scene, raycaster)
        self.cover = ground_cover_objects(scene)
        self.saved = None

    def __enter__(self):
        if self.cover.any():
            self.saved = self.rc.enabled_objects
            self.rc.set_object_enabled(self.saved & ~self.cover)
        return self.rc

    def __exit__(self, *exc):
        if self.saved is not None:
            self.rc.set_object_enabled(self.saved)
        return False


@dataclass
class NearField:
    """How ground samples on a terrain mesh are traced. :attr:`normals` (k, 3): the ground normals
    of the samples — a sun behind the local slope is the terrain's own shadow, reported as cast by
    :attr:`terrain_object`. :attr:`caster` (or None): the scene without its terrain triangles (same
    object numbers and enabled mask), which traces the first :attr:`near_m` metres of every ray,
    the full scene tracing the rest."""

    caster: object
    near_m: float
    normals: np.ndarray
    terrain_object: int


def terrain_near_field(scene, rc, grid, ground, points) -> NearField | None:
    """A :class:`NearField` for ground samples ``points`` lying on the terrain mesh of ``scene``
    (None without terrain triangles or for samples not on terrain; no near-field caster for a ray
    core that is not a plain :class:`~analysis.raycast.RayCaster` or with :data:`TERRAIN_NEAR_M`
    set to 0).

    Why: a sample 5 cm above a terrain mesh starts its ray among the terrain triangles around it,
    and their tall bounding boxes on slopes make every such ray walk deep into the BVH; the
    buildings-only part of the same ray is cheap. Within :data:`TERRAIN_NEAR_M` of the sample the
    terrain is the plane of the sample's own cell, whose self-shadow the normal test decides
    (a ground element facing away from the sun gets no direct sun, whatever the 5 cm lift would
    let a ray graze); only sub-metre bumps closer than that are left out."""
    from .raycast import RayCaster

    if ground is None or ground.grid is None or len(points) == 0 or grid.lift_m != TERRAIN_LIFT_M:
        return None
    terrain = scene.surface_type == TERRAIN
    if not terrain.any():
        return None
    normals = ground.normals(points[:, :2], method="mesh")  # the mesh the samples lie on (ground_grid)
    terrain_obj = int(np.bincount(scene.object_index[terrain]).argmax())
    near = None
    if TERRAIN_NEAR_M > 0 and isinstance(rc, RayCaster):
        enabled = rc.enabled_objects
        cached = getattr(rc, "_terrain_near_cache", None)  # sun animations call this once per frame
        if cached is not None and cached[0] is scene and np.array_equal(cached[1], enabled):
            near = cached[2]
        else:
            near = RayCaster(scene.select(~terrain), threads=rc.threads)
            near.set_object_enabled(enabled)
            rc._terrain_near_cache = (scene, enabled, near)
    return NearField(caster=near, near_m=TERRAIN_NEAR_M if near is not None else 0.0, normals=normals,
                     terrain_object=terrain_obj)


def building_bounds(scene) -> np.ndarray:
    """(2, 3) local bbox of the non-terrain triangles."""
    if scene.n_triangles == 0:
        raise InputError(None, "the model has no surface geometry")
    tmask = ~(_terrain_objects(scene) | ground_cover_objects(scene))[scene.object_index]
    tris = scene.triangles[tmask] if tmask.any() else scene.triangles
    v = scene.vertices[np.unique(tris)]
    return np.array([v.min(axis=0), v.max(axis=0)])


def longest_shadow_m(scene, ground_z: float, elevation_deg: float) -> float:
    """Length (m) of the shadow of the scene's tallest point above ``ground_z`` at a sun elevation."""
    top = building_bounds(scene)[1, 2] - ground_z
    el = math.radians(max(float(elevation_deg), 0.5))
    return max(top, 0.0) / math.tan(el)


def ground_grid(scene, cell_m: float = 1.0, extent=None, polygon=None, ground=None, grow_m=0.0,
                shadow_vector_xy=None, raycaster=None) -> GroundGrid:
    """A :class:`GroundGrid` over ``extent`` (xmin, ymin, xmax, ymax, model CRS) or the bounds of
    ``polygon`` (shapely, model CRS; cells outside are inactive), else over the buildings' bbox
    grown by ``grow_m`` on every side (capped at :data:`MAX_GROW_M`) and extended by
    ``shadow_vector_xy`` (m, capped likewise). Footprint cells are found with ``raycaster``
    (a vertical ray from the sample hits a non-terrain object) when given."""
    from .ground import ground_for

    if not (cell_m > 0 and math.isfinite(cell_m)):
        raise InputError(None, f"--grid must be a positive number of metres, got {cell_m}")
    ground = ground or ground_for(scene)
    origin = np.asarray(scene.origin, dtype=np.float64)
    if polygon is not None:
        import shapely

        if polygon.is_empty or polygon.area <= 0:
            raise InputError(None, "the analysis polygon is empty")
        extent = polygon.bounds
    if extent is not None:
        xmin, ymin, xmax, ymax = (float(v) for v in extent)
        if not (xmax > xmin and ymax > ymin):
            raise InputError(None, f"--extent must be xmin,ymin,xmax,ymax with min < max, got {tuple(extent)}")
        lo = np.array([xmin, ymin]) - origin[:2]
        hi = np.array([xmax, ymax]) - origin[:2]
    else:
        b = building_bounds(scene)
        grow = min(max(float(grow_m), 0.0), MAX_GROW_M)
        lo, hi = b[0, :2] - grow, b[1, :2] + grow
        if shadow_vector_xy is not None:
            s = np.asarray(shadow_vector_xy, dtype=np.float64)
            length = float(np.hypot(*s))
            if length > MAX_GROW_M:
                s = s * (MAX_GROW_M / length)
            lo = np.minimum(lo, b[0, :2] + np.minimum(s, 0.0))
            hi = np.maximum(hi, b[1, :2] + np.maximum(s, 0.0))
    # snap to whole cells in the model CRS so that grids of different runs line up
    wlo = np.floor((lo + origin[:2]) / cell_m) * cell_m - origin[:2]
    whi = np.ceil((hi + origin[:2]) / cell_m) * cell_m - origin[:2]
    nx, ny = max(1, int(round((whi[0] - wlo[0]) / cell_m))), max(1, int(round((whi[1] - wlo[1]) / cell_m)))
    if nx * ny > MAX_CELLS:
        raise InputError(None, f"a {cell_m:g} m grid over {whi[0] - wlo[0]:.0f} × {whi[1] - wlo[1]:.0f} m has "
                               f"{nx * ny:,} cells (limit {MAX_CELLS:,}); use a coarser --grid or a smaller --extent")
    grid = GroundGrid(x0=float(wlo[0]), y_top=float(whi[1]), cell_m=float(cell_m), nx=nx, ny=ny,
                      z=np.zeros((ny, nx)), inside=np.ones((ny, nx), dtype=bool), origin=origin,
                      crs=getattr(scene, "crs", None))
    x, y = grid.centres_local()
    if polygon is not None:
        import shapely

        grid.inside = shapely.contains_xy(polygon, x + origin[0], y + origin[1])
    method = "mesh" if ground.grid is not None else "bilinear"
    try:
        grid.z = ground.height(np.stack([x, y], axis=-1), method=method)
    except TypeError:
        grid.z = ground.height(np.stack([x, y], axis=-1))
    grid.lift_m = TERRAIN_LIFT_M if ground.grid is not None else GROUND_LIFT_M
    draped = drape_on_ground_cover(scene, x, y, grid.z)
    if draped is not None:  # roads / land use / water above the ground: samples lie on them
        grid.z = draped
        grid.lift_m = TERRAIN_LIFT_M
    if raycaster is not None:
        grid.footprint = footprint_mask(grid, raycaster)
    return grid


def drape_on_ground_cover(scene, x, y, z):
    """Heights (local m) of the highest flat ground-cover surface (:func:`ground_cover_objects`)
    above ``z`` at local ``x``, ``y`` (vertical rays from above), else ``z``; None when the scene
    has no ground cover."""
    cover = ground_cover_objects(scene)
    if not cover.any():
        return None
    from .raycast import RayCaster

    sub = scene.select(cover[scene.object_index])
    top = float(sub.bounds[1, 2]) + 1.0
    pts = np.column_stack([x.ravel(), y.ravel(), np.full(x.size, top)])
    hit = RayCaster(sub).first_hit(pts, np.array([0.0, 0.0, -1.0]))
    zc = np.where(hit.hit, hit.point[:, 2], -np.inf).reshape(x.shape)
    return np.maximum(z, zc)


def footprint_mask(grid: GroundGrid, raycaster) -> np.ndarray:
    """(ny, nx) bool: cells whose sample has a non-terrain object straight above it."""
    pts = grid.sample_points(grid.inside)
    hit, obj = _casters(raycaster, pts, np.array([0.0, 0.0, 1.0]))
    terrain = _terrain_objects(raycaster.scene)
    covered = hit & ~terrain[np.maximum(obj, 0)]
    out = np.zeros(grid.shape, dtype=bool)
    out[grid.inside] = covered
    return out


# ====================================================================== results
@dataclass(eq=False)
class ShadowResult:
    """Instant shadow. Ground: ``shadow`` (ny, nx) bool (False on inactive cells), ``caster``
    (ny, nx) int32 object index casting it (-1). Surfaces (optional): ``surface_shadow`` (k,)
    bool and ``surface_caster`` (k,) int32 for ``surfaces``."""

    sun: object  # analysis.sun.SunPositions with one instant
    grid: GroundGrid
    shadow: np.ndarray
    caster: np.ndarray
    scene: object
    surfaces: SurfaceSamples | None = None
    surface_shadow: np.ndarray | None = None
    surface_caster: np.ndarray | None = None

    @property
    def shadow_area_m2(self) -> float:
        """Ground outside building footprints, within the extent, that is in shadow (m²)."""
        return float((self.shadow & self.grid.active).sum() * self.grid.cell_area_m2)

    @property
    def ground_area_m2(self) -> float:
        """Ground outside building footprints within the extent (m²)."""
        return float(self.grid.active.sum() * self.grid.cell_area_m2)

    @property
    def sample_count(self) -> int:
        return int(self.grid.active.sum()) + (len(self.surfaces) if self.surfaces is not None else 0)

    def shadow_polygons(self):
        """Merged shadow area on the ground as a shapely (Multi)Polygon in the model CRS."""
        return raster_polygons(self.shadow & self.grid.active, self.grid.transform)

    def caster_polygons(self) -> dict:
        """{object id: shapely geometry of the ground shadow it casts} (model CRS)."""
        out = {}
        mask = self.shadow & self.grid.active
        for k in np.unique(self.caster[mask]):
            if k >= 0:
                out[self.scene.object_ids[k]] = raster_polygons(mask & (self.caster == k), self.grid.transform)
        return out

    def cast_on_neighbours(self) -> dict:
        """{object id: {"ground_m2", "buildings_m2"}}: shadow each object casts on the open ground
        and on OTHER objects' facades/roofs (m²; the latter needs surface samples)."""
        n = len(self.scene.object_ids)
        mask = self.shadow & self.grid.active
        ground = np.bincount(self.caster[mask], minlength=n)[:n] * self.grid.cell_area_m2
        others = np.zeros(n)
        if self.surfaces is not None:
            s = self.surface_shadow & (self.surface_caster >= 0) & (self.surface_caster != self.surfaces.object_index)
            others = np.bincount(self.surface_caster[s], weights=self.surfaces.area_m2[s], minlength=n)[:n]
        terrain = _terrain_objects(self.scene)
        return {self.scene.object_ids[i]: {"ground_m2": round(float(ground[i]), 3),
                                           "buildings_m2": round(float(others[i]), 3)}
                for i in np.flatnonzero((ground > 0) | (others > 0)) if not terrain[i]}

    def raster(self):
        """GeoTIFF-ready raster: 1 = shadow, 0 = sun, -1 = under a building / outside (nodata)."""
        v = np.where(self.shadow, 1.0, 0.0)
        v[~self.grid.active] = -1.0
        return self.grid.raster(v, nodata=-1.0, units="shadow (1) / sun (0)")

    def figures(self) -> dict:
        """The ``shadow`` CLI JSON keys (DESIGN.md) and extras."""
        rec = self.sun.record(0)
        out = {"sun_azimuth_deg": rec["azimuth_deg"], "sun_elevation_deg": rec["elevation_deg"],
               "time_local": rec["time_local"], "time_utc": rec["time_utc"],
               "shadow_area_m2": round(self.shadow_area_m2, 3), "ground_area_m2": round(self.ground_area_m2, 3),
               "sample_count": self.sample_count, "grid_m": self.grid.cell_m,
               "extent": [round(v, 3) for v in self.grid.extent_world]}
        if self.surfaces is not None and len(self.surfaces):
            a = self.surfaces.area_m2
            out["surface_area_m2"] = round(float(a.sum()), 3)
            out["surface_shadow_area_m2"] = round(float(a[self.surface_shadow].sum()), 3)
        return out


@dataclass(eq=False)
class SunHoursResult:
    """Hours of direct sun: ``hours`` (ny, nx) float (NaN on inactive cells), ``surface_hours``
    (k,) for ``surfaces`` (optional); ``sun`` the positions of all time steps, ``weights_h`` the
    hours each step stands for (trapezoidal rule)."""

    sun: object
    weights_h: np.ndarray
    grid: GroundGrid
    hours: np.ndarray
    scene: object
    step_min: float
    surfaces: SurfaceSamples | None = None
    surface_hours: np.ndarray | None = None

    def _values(self) -> np.ndarray:
        v = self.hours[self.grid.active]
        if self.surface_hours is not None:
            v = np.concatenate([v, self.surface_hours])
        return v

    @property
    def sample_count(self) -> int:
        return int(self.grid.active.sum()) + (len(self.surfaces) if self.surfaces is not None else 0)

    @property
    def possible_hours(self) -> float:
        """Sun-hours of an unobstructed horizontal point over the period (h)."""
        return float(self.weights_h[self.sun.elevation_deg > 0].sum())

    def raster(self):
        """GeoTIFF-ready raster of sun-hours (h); -1 under buildings / outside (nodata)."""
        v = np.where(self.grid.active, self.hours, -1.0)
        return self.grid.raster(v, nodata=-1.0, units="h")

    def figures(self) -> dict:
        """The ``sunhours`` CLI JSON keys (DESIGN.md) and extras."""
        v = self._values()
        ok = len(v) > 0
        out = {"mean_sun_hours_h": round(float(v.mean()), 4) if ok else None,
               "min_sun_hours_h": round(float(v.min()), 4) if ok else None,
               "max_sun_hours_h": round(float(v.max()), 4) if ok else None,
               "sample_count": self.sample_count, "steps": len(self.sun),
               "step_min": self.step_min, "possible_sun_hours_h": round(self.possible_hours, 4),
               "time_local_start": self.sun.time_local[0].isoformat(),
               "time_local_end": self.sun.time_local[-1].isoformat(),
               "time_utc_start": self.sun.time_utc[0].isoformat().replace("+00:00", "Z"),
               "time_utc_end": self.sun.time_utc[-1].isoformat().replace("+00:00", "Z"),
               "grid_m": self.grid.cell_m, "extent": [round(x, 3) for x in self.grid.extent_world]}
        if ok:
            g = self.hours[self.grid.active]
            out["ground_mean_sun_hours_h"] = round(float(g.mean()), 4) if len(g) else None
        if self.surface_hours is not None and len(self.surface_hours):
            a = self.surfaces.area_m2
            out["surface_mean_sun_hours_h"] = round(float((self.surface_hours * a).sum() / a.sum()), 4)
        return out


def raster_polygons(mask: np.ndarray, transform):
    """Cells of a boolean (rows, cols) mask as one merged shapely geometry in the CRS of
    ``transform`` (rasterio.features.shapes traces cell outlines; shapely unions them)."""
    import shapely
    from affine import Affine
    from rasterio import features

    mask = np.ascontiguousarray(mask, dtype=np.uint8)
    if not mask.any():
        return shapely.Polygon()
    geoms = [shapely.geometry.shape(g) for g, v in
             features.shapes(mask, mask=mask.astype(bool), transform=Affine(*transform), connectivity=4) if v == 1]
    return shapely.union_all(geoms)


# ====================================================================== analyses
def _site(scene, site, tz):
    from .sun import site_from_model

    return site if site is not None else site_from_model(scene, tz=tz)


def _make_raycaster(scene, raycaster):
    if raycaster is not None:
        return raycaster
    from .raycast import RayCaster

    return RayCaster(scene)


def shadow_at(scene, time, cell_m: float = 1.0, extent=None, polygon=None, surfaces: bool = False,
              surface_spacing_m: float | None = None, site=None, tz: str | None = None, ground=None,
              raycaster=None) -> ShadowResult:
    """Instant shadow at local ``time`` (ISO string or datetime; see :func:`analysis.sun.sun_positions`)
    on a ground grid of ``cell_m`` metres and, with ``surfaces=True``, on facade/roof samples.

    ``scene`` is the scene to analyse (with terrain merged in, if any: ``importers.terrain.with_terrain``);
    ``raycaster`` may be a prepared :class:`RayCaster` over it (e.g. with objects disabled)."""
    from .ground import ground_for
    from .sun import sun_positions

    site = _site(scene, site, tz)
    sun = sun_positions([time], site)
    with _ShadowCasters(scene, raycaster) as rc:
        return _shadow_at(scene, sun, rc, ground or ground_for(scene), cell_m, extent, polygon, surfaces,
                          surface_spacing_m)


def _shadow_at(scene, sun, rc, ground, cell_m, extent, polygon, surfaces, surface_spacing_m) -> ShadowResult:
    el = float(sun.elevation_deg[0])
    d = sun.direction_grid()[0]
    shadow_vec = None
    if el > 0:
        length = longest_shadow_m(scene, ground.plane_z, el)
        shadow_vec = -d[:2] / max(np.hypot(d[0], d[1]), 1e-12) * length
    grid = ground_grid(scene, cell_m, extent=extent, polygon=polygon, ground=ground,
                       shadow_vector_xy=shadow_vec, raycaster=rc)
    shadow = np.zeros(grid.shape, dtype=bool)
    caster = np.full(grid.shape, -1, dtype=np.int32)
    active = grid.active
    if el > 0:
        pts = grid.sample_points(active)
        hit, obj = _casters(rc, pts, d, near=terrain_near_field(scene, rc, grid, ground, pts))
        shadow[active] = hit
        caster[active] = obj
    else:  # night: everything is in shadow, cast by no object
        shadow[active] = True
    result = ShadowResult(sun=sun, grid=grid, shadow=shadow, caster=caster, scene=scene)
    if surfaces:
        s = sample_surfaces(scene, surface_spacing_m or cell_m, objects=rc.enabled_objects)
        s_shadow = np.ones(len(s), dtype=bool)
        s_caster = np.full(len(s), -1, dtype=np.int32)
        if el > 0:
            facing = s.normals @ d > 0.0
            s_caster[~facing] = s.object_index[~facing]  # self-shadow: the surface faces away
            s_shadow[facing], s_caster[facing] = _casters(rc, s.points[facing], d)
        result.surfaces, result.surface_shadow, result.surface_caster = s, s_shadow, s_caster
    return result


def _casters(rc, points, d, block: int = 1 << 21, near: NearField | None = None):
    """(hit (k,) bool, object index (k,) int32) of rays from ``points`` towards ``d``, in blocks
    so that first-hit records (points, distances) of millions of samples are never all in memory.
    With ``near`` (:func:`terrain_near_field`) the first metres go to its caster and a sample
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
            # what the near-field caster would have found: a non-terrain surface within TERRAIN_NEAR_M
            close = h.hit & (h.distance <= TERRAIN_NEAR_M) & (h.object_index != near.terrain_object)
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


def trapezoid_weights_h(n: int, step_min: float) -> np.ndarray:
    """Hours each of ``n`` equally spaced instants stands for (trapezoidal rule: ends count half)."""
    w = np.full(n, step_min / 60.0)
    if n >= 2:
        w[0] = w[-1] = step_min / 120.0
    elif n == 1:
        w[0] = 0.0
    return w


def sun_hours(scene, date=None, start: str = "00:00", stop: str = "24:00", step_min: float = 10.0,
              cell_m: float = 1.0, extent=None, polygon=None, surfaces: bool = False,
              surface_spacing_m: float | None = None, site=None, tz: str | None = None, ground=None,
              raycaster=None, times=None, progress=None, ground_samples: bool = True) -> SunHoursResult:
    """Hours of direct sun per sample between local ``start`` and ``stop`` on ``date``
    (e.g. "2026-03-21"), or over explicit equally spaced ``times``; ``step_min`` ≤ 10 minutes.
    For a period of several days, call once per day and add (or pass ``times``)."""
    from .ground import ground_for
    from .sun import day_times, sun_positions

    if not (0 < step_min <= MAX_STEP_MIN):
        raise InputError(None, f"--step must be between 0 and {MAX_STEP_MIN:g} minutes, got {step_min:g}")
    site = _site(scene, site, tz)
    if times is None:
        if date is None:
            raise InputError(None, "sun-hours need a --date")
        times = day_times(date, site.tz, start, stop, step_min)
    sun = sun_positions(times, site)
    weights = trapezoid_weights_h(len(sun), step_min)
    with _ShadowCasters(scene, raycaster) as rc:
        return _sun_hours(scene, sun, weights, rc, ground or ground_for(scene), step_min, cell_m, extent,
                          polygon, surfaces, surface_spacing_m, progress, ground_samples)


def _sun_hours(scene, sun, weights, rc, ground, step_min, cell_m, extent, polygon, surfaces, surface_spacing_m,
               progress, ground_samples) -> SunHoursResult:
    grow = longest_shadow_m(scene, ground.plane_z, SUNHOURS_EXTENT_ELEVATION_DEG)
    if ground_samples:
        grid = ground_grid(scene, cell_m, extent=extent, polygon=polygon, ground=ground, grow_m=grow,
                           raycaster=rc)
    else:  # no ground samples (surfaces only): an empty grid keeps the result shape uniform
        grid = ground_grid(scene, cell_m, extent=extent or _tiny_extent(scene), ground=ground)
        grid.inside[:] = False
    pts = grid.sample_points()
    s = sample_surfaces(scene, surface_spacing_m or cell_m, objects=rc.enabled_objects) if surfaces else None
    dirs = sun.direction_grid()
    up = sun.elevation_deg > 0
    n_ground, n_surf = len(pts), (len(s) if s is not None else 0)

    # each sample's sum over the daylight steps of (hours per step × sun not blocked), in one pass
    near = terrain_near_field(scene, rc, grid, ground, pts)
    if n_ground and near is not None:
        hours_ground = rc.visible_sum(pts, dirs[up], weights[up], normals=near.normals, progress=progress,
                                      near_field=(near.caster, near.near_m) if near.caster is not None else None)
    else:
        hours_ground = rc.visible_sum(pts, dirs[up], weights[up], progress=progress) if n_ground else np.zeros(0)
    hours_surf = None
    if s is not None:  # surfaces facing away from the sun are in their own shadow (normal test)
        hours_surf = rc.visible_sum(s.points, dirs[up], weights[up], normals=s.normals) if n_surf else np.zeros(0)
    if progress is not None:
        progress(1, 1)
    hours = np.full(grid.shape, np.nan)
    hours[grid.active] = hours_ground
    return SunHoursResult(sun=sun, weights_h=weights, grid=grid, hours=hours, scene=scene, step_min=step_min,
                          surfaces=s, surface_hours=hours_surf)


def _tiny_extent(scene):
    b = building_bounds(scene) + np.asarray(scene.origin)
    return (b[0, 0], b[0, 1], b[0, 0] + 1.0, b[0, 1] + 1.0)


# ====================================================================== before / after
@dataclass(eq=False)
class Difference:
    """After − before on the same ground grid (and the same surface samples when both have them).

    ``ground`` (ny, nx): for shadows +1 = newly shadowed, −1 = newly sunlit, 0 = unchanged; for
    sun-hours the change in hours (negative = sun lost). NaN where a cell is inactive in either.
    """

    before: object
    after: object
    ground: np.ndarray
    kind: str

    def figures(self) -> dict:
        v = self.ground[np.isfinite(self.ground)]
        cell = self.before.grid.cell_area_m2
        if self.kind == "shadow":
            return {"added_shadow_m2": round(float((v > 0).sum() * cell), 3),
                    "removed_shadow_m2": round(float((v < 0).sum() * cell), 3),
                    "shadow_area_before_m2": round(self.before.shadow_area_m2, 3),
                    "shadow_area_after_m2": round(self.after.shadow_area_m2, 3)}
        lost = v < -1e-9
        return {"mean_change_h": round(float(v.mean()), 4) if len(v) else None,
                "min_change_h": round(float(v.min()), 4) if len(v) else None,
                "max_change_h": round(float(v.max()), 4) if len(v) else None,
                "area_losing_sun_m2": round(float(lost.sum() * cell), 3),
                "mean_sun_hours_before_h": self.before.figures()["mean_sun_hours_h"],
                "mean_sun_hours_after_h": self.after.figures()["mean_sun_hours_h"]}

    def raster(self):
        v = np.where(np.isfinite(self.ground), self.ground, -9999.0)
        return self.before.grid.raster(v, nodata=-9999.0, units="h" if self.kind == "sunhours" else "change")


def compare(before, after) -> Difference:
    """Difference of two :class:`ShadowResult` or two :class:`SunHoursResult` computed on the same
    grid (use the same ``extent`` and ``cell_m``; :func:`before_after` does that for you)."""
    if type(before) is not type(after):
        raise ValueError("compare needs two results of the same kind")
    if before.grid.shape != after.grid.shape or not np.allclose(before.grid.transform, after.grid.transform):
        raise ValueError("before and after were computed on different grids")
    both = before.grid.active & after.grid.active
    diff = np.full(before.grid.shape, np.nan)
    if isinstance(before, ShadowResult):
        diff[both] = after.shadow[both].astype(float) - before.shadow[both].astype(float)
        # ground newly covered by a building counts as newly shadowed, freed ground by its state
        kind = "shadow"
    else:
        diff[both] = after.hours[both] - before.hours[both]
        kind = "sunhours"
    return Difference(before=before, after=after, ground=diff, kind=kind)


def before_after(scene_before, scene_after, analysis: str = "sunhours", shared_rays: bool | None = None,
                 **kwargs) -> Difference:
    """Run :func:`shadow_at` (``analysis="shadow"``, needs ``time``) or :func:`sun_hours` on two
    scenes over one common grid — by default the default extent of both scenes together — with
    the ground of the "before" scene, and return after − before. Both scenes must share their
    origin (the scenes of a model and of a scenario applied to it do).

    ``shared_rays``: trace both states against the union of the two scenes
    (:class:`analysis.scenario_rays.TwoStateCaster`: one BVH of the objects both share, a small
    one per state for its own objects; sun-hours of the shared BVH are traced once for both
    states) instead of building one RayCaster per scene. The results
    are the same (same float32 triangles, results re-expressed in each scene's own object,
    triangle and sample numbering). Used unless terrain or ground-cover objects differ between
    the scenes (those shape the ground samples themselves), then two ray structures are built.
    None = :func:`analysis.scenario_rays.shared_rays_enabled` (off unless STADTBILD_SHARED_RAYS=1:
    on the demo the shared route measured no faster)."""
    from model.scene import Scene

    from .ground import ground_for
    from .sun import sun_positions

    if not np.allclose(scene_before.origin, scene_after.origin):
        raise ValueError("before and after scenes have different local origins")
    func = shadow_at if analysis == "shadow" else sun_hours
    kwargs.setdefault("ground", ground_for(scene_before))
    kwargs["site"] = _site(scene_before, kwargs.get("site"), kwargs.pop("tz", None))
    if kwargs.get("extent") is None and kwargs.get("polygon") is None:
        both = Scene.concatenate([scene_before, scene_after])
        ground = kwargs["ground"]
        cell = kwargs.get("cell_m", 1.0)
        if analysis == "shadow":
            sun = sun_positions([kwargs["time"]], kwargs["site"])
            el = float(sun.elevation_deg[0])
            vec = None
            if el > 0:
                d = sun.direction_grid()[0]
                vec = -d[:2] / max(np.hypot(d[0], d[1]), 1e-12) * longest_shadow_m(both, ground.plane_z, el)
            grid = ground_grid(both, cell, ground=ground, shadow_vector_xy=vec)
        else:
            grow = longest_shadow_m(both, ground.plane_z, SUNHOURS_EXTENT_ELEVATION_DEG)
            grid = ground_grid(both, cell, ground=ground, grow_m=grow)
        kwargs["extent"] = grid.extent_world
    if shared_rays is None:
        from .scenario_rays import shared_rays_enabled

        shared_rays = shared_rays_enabled()
    shared = _shared_scene(scene_before, scene_after) if shared_rays and kwargs.get("raycaster") is None else None
    if shared is None:
        return compare(func(scene_before, **kwargs), func(scene_after, **kwargs))
    from .scenario_rays import TwoStateCaster

    rc = TwoStateCaster(shared)
    rc.use("before")
    before = func(shared.scene, raycaster=rc, **kwargs)
    rc.use("after")
    after = func(shared.scene, raycaster=rc, **kwargs)
    rc.close()
    return compare(_in_scene(before, shared, "before"), _in_scene(after, shared, "after"))


def _shared_scene(scene_before, scene_after):
    """The :class:`analysis.scenario_rays.BeforeAfterScene` of two scenes, or None when they
    differ in origin, terrain or ground cover (see :func:`before_after`)."""
    from .scenario_rays import before_after_scene

    shared = before_after_scene(scene_before, scene_after)
    if shared is None:
        return None
    ground_like = ground_cover_objects(shared.scene) | _terrain_objects(shared.scene)
    if ground_like[shared.changed].any():
        return None
    return shared


def _in_scene(result, shared, state: str):
    """A result computed on the union scene of ``shared`` re-expressed in the before or after
    scene: its ``scene``, caster object indices and surface samples (triangle and object
    indices, and the sample order :func:`sample_surfaces` gives on that scene)."""
    if state == "after":  # the union starts with the after scene 1:1: only the scene changes
        result.scene = shared.scene_after
        return result
    obj = np.append(shared.before_object, -1)  # index -1 (no caster) stays -1
    result.scene = shared.scene_before
    if isinstance(result, ShadowResult):
        result.caster = obj[result.caster].astype(np.int32)
    s = result.surfaces
    if s is not None:
        tri = shared.before_triangle[s.triangle]
        order = np.argsort(tri, kind="stable")  # samples of a triangle stay in lattice order
        result.surfaces = SurfaceSamples(points=s.points[order], normals=s.normals[order], triangle=tri[order],
                                         object_index=obj[s.object_index[order]].astype(s.object_index.dtype),
                                         area_m2=s.area_m2[order], surface_type=s.surface_type[order])
        if isinstance(result, ShadowResult):
            result.surface_shadow = result.surface_shadow[order]
            result.surface_caster = obj[result.surface_caster[order]].astype(np.int32)
        else:
            result.surface_hours = result.surface_hours[order]
    return result


def surface_shadow(rc, points, normals, direction, block: int = 1 << 21) -> np.ndarray:
    """(k,) bool: facade/roof points (on their surface, local frame) in shadow for a sun in
    ``direction`` (unit vector towards the sun) — the rule of the analysis' facade samples: a
    surface facing away from the sun (``normals`` · direction ≤ 0) is in its own shadow, the others
    cast an occlusion ray from :data:`SURFACE_LIFT_M` off the surface. Everything is in shadow
    when the sun is below the horizon. Used by the picture's light map (``viewer/sun_shading.py``)."""
    from .raycast import offset_points

    d = np.asarray(direction, dtype=np.float64).reshape(3)
    n = np.asarray(normals, dtype=np.float64).reshape(-1, 3)
    out = np.ones(len(n), dtype=bool)
    if d[2] <= 0 or not len(n):
        return out
    facing = np.flatnonzero(n @ d > 0.0)
    pts = np.asarray(points)
    for start in range(0, len(facing), block):
        sel = facing[start:start + block]
        out[sel] = rc.occluded(offset_points(pts[sel], n[sel], SURFACE_LIFT_M), d)
    return out
