"""Ground samples: a square grid over the ground in a scene's local frame, its rasters, and the
near field of samples on a terrain mesh.

Ground: the centres of a square grid (``cell_m``, default 1 m, row 0 = north) over an extent in
the model CRS (default: the buildings' bbox grown by a shadow length, at most 1 km), optionally
clipped by a polygon. Ground height: :class:`model.ground.Ground` (the terrain when the model has
one, else the horizontal plane at the lowest GroundSurface), or the top of flat ground cover
(roads, land use, water) lying above it. Samples are lifted 1 cm (5 cm on terrain and ground cover)
to avoid hitting the surface they stand on. Cells under a building (a vertical ray from the sample
hits a non-terrain object: footprints, and ground under overhangs/bridges) are "footprint" cells.

A :class:`GroundGrid` carries its georeference (origin, affine transform in the model CRS, CRS)
so that values on it become a :class:`model.raster.Raster` (GeoTIFF, polygons).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from stadtbild.model.cache import cached
from stadtbild.model.errors import InputError
from stadtbild.model.semantics import TERRAIN

from .casters import first_casters, ground_cover_objects, terrain_objects

#: sample lift above the ground plane / terrain and off facades (m)
GROUND_LIFT_M = 0.01
TERRAIN_LIFT_M = 0.05
#: ground samples on a terrain mesh: the first metres of their rays are traced without the terrain
#: (whose nearby triangles every ground-hugging ray would otherwise walk through), the terrain's
#: self-shadow there comes from the ground normal (see :func:`terrain_near_field`)
TERRAIN_NEAR_M = 0.5
#: ground normals of samples on a terrain mesh: central height differences this far apart (m),
#: within the triangle a sample lies on unless it is closer than that to an edge
TERRAIN_NORMAL_STEP_M = 0.001
#: default growth of the extent is capped at this (m)
MAX_GROW_M = 1000.0
#: refuse ground grids larger than this many cells (memory: ~60 bytes per cell)
MAX_CELLS = 25_000_000


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
        """A :class:`model.raster.Raster` of ``values`` (ny, nx) with this georeference."""
        from stadtbild.model.raster import Raster

        crs = self.crs.name if self.crs is not None and getattr(self.crs, "epsg", None) else None
        v = np.asarray(values, dtype=np.float32)
        return Raster(values=v, transform=self.transform, nodata=nodata, units=units, crs=crs)


@dataclass
class NearField:
    """How ground samples on a terrain mesh are traced. :attr:`normals` (k, 3): the ground normals
    of the samples — a sun behind the local slope is the terrain's own shadow, reported as cast by
    :attr:`terrain_object`. :attr:`caster` (or None): the scene without its terrain triangles (same
    object numbers and enabled mask), which traces the first :attr:`near_m` metres of every ray,
    the full scene tracing the rest; :attr:`reach_m` how far that near field reaches
    (:data:`TERRAIN_NEAR_M`), also without a near-field caster."""

    caster: object
    near_m: float
    normals: np.ndarray
    terrain_object: int
    reach_m: float = 0.0


@cached
def terrain_free_caster(rc, threads: int):
    """The near-field caster of the ray caster ``rc`` (:func:`terrain_near_field`): a
    :class:`analysis.raycast.RayCaster` with ``threads`` over ``rc``'s scene without its terrain
    triangles, same object numbers. Built once per ray caster and thread count and kept in
    ``rc``'s cache (:mod:`model.cache`), as a sun animation asks for it once per frame; the BVH
    depends on nothing else. Its enabled mask is state, not part of the key: the caller brings it
    to ``rc``'s mask at every use, so objects demolished or hidden on ``rc`` never cast shadow
    through it."""
    from .raycast import RayCaster

    scene = rc.scene
    return RayCaster(scene.select(scene.surface_type != TERRAIN), threads=threads)


def terrain_near_field(scene, rc, grid, ground, points) -> NearField | None:
    """A :class:`NearField` for ground samples ``points`` lying on the terrain mesh of ``scene``
    (None without terrain triangles or for samples not on terrain; no near-field caster for a ray
    core without ``near_field`` (:class:`analysis.casters.RayCore`) or with :data:`TERRAIN_NEAR_M`
    set to 0).

    Why: a sample 5 cm above a terrain mesh starts its ray among the terrain triangles around it,
    and their tall bounding boxes on slopes make every such ray walk deep into the BVH; the
    buildings-only part of the same ray is cheap. Within :data:`TERRAIN_NEAR_M` of the sample the
    terrain is the plane of the mesh triangle the sample lies on (its normal: height differences
    :data:`TERRAIN_NORMAL_STEP_M` apart on the mesh; on a triangle edge the mean of the two),
    whose self-shadow the normal test decides (a ground element facing away from the sun gets no
    direct sun, whatever the 5 cm lift would let a ray graze: just behind a sharp crest the
    lifted sample lies above the crest); only sub-metre bumps closer than that are left out. ``rc`` traces ``scene``;
    its near-field caster (:func:`terrain_free_caster`) gets ``rc``'s current enabled mask."""
    if ground is None or ground.grid is None or len(points) == 0 or grid.lift_m != TERRAIN_LIFT_M:
        return None
    terrain = scene.surface_type == TERRAIN
    if not terrain.any():
        return None
    # the mesh the samples lie on (ground_grid); the triangle's own slope, not one averaged over
    # the cell (a 0.5 m step gave a sample 3 cm behind a 45° crest a nearly level ground and sun)
    normals = ground.normals(points[:, :2], method="mesh", step_m=TERRAIN_NORMAL_STEP_M)
    terrain_obj = int(np.bincount(scene.object_index[terrain]).argmax())
    near = None
    if TERRAIN_NEAR_M > 0 and rc.near_field:
        near = terrain_free_caster(rc, rc.threads)
        enabled = rc.enabled_objects
        if not np.array_equal(near.enabled_objects, enabled):  # demolished / hidden / restored since the last call
            near.set_object_enabled(enabled)
    return NearField(caster=near, near_m=TERRAIN_NEAR_M if near is not None else 0.0, normals=normals,
                     terrain_object=terrain_obj, reach_m=TERRAIN_NEAR_M)


def building_bounds(scene) -> np.ndarray:
    """(2, 3) local bbox of the non-terrain triangles."""
    if scene.n_triangles == 0:
        raise InputError(None, "the model has no surface geometry")
    tmask = ~(terrain_objects(scene) | ground_cover_objects(scene))[scene.object_index]
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
    from stadtbild.model.ground import ground_for

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
    hit, obj = first_casters(raycaster, pts, np.array([0.0, 0.0, 1.0]))
    terrain = terrain_objects(raycaster.scene)
    covered = hit & ~terrain[np.maximum(obj, 0)]
    out = np.zeros(grid.shape, dtype=bool)
    out[grid.inside] = covered
    return out


# ====================================================================== results


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
