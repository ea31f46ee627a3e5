"""Viewsheds: what is visible from an observer, on the ground and on facades and roofs.

Works on a :class:`model.scene.Scene` in its local frame and with the ray core, as
:mod:`analysis.sightline` (whose points, targets and line traces it uses).

Method (docs/ARCHITECTURE.md, "Methods")
----------------------------------------
Viewshed
    Rays from the observer to targets: the cell centres of a ground grid (``cell_m``) within a
    horizontal radius (default 500 m) and a horizontal/vertical field of view, and sample points
    on facades and roofs (``analysis.samples.sample_surfaces``, lifted 1 cm off their surface). A
    sample is visible when its ray is not occluded; a facade sample must also face the observer.
    Cells under buildings are not ground (as in ``analysis.ground_grid``). The visible share of an
    object is its visible sample area over the area of all its samples in range. Results: points
    with visibility, a georeferenced ground raster (1 visible, 0 hidden, nodata outside), merged
    polygons of the visible ground (``rasterio.features.shapes`` + shapely). A second form,
    :func:`panorama`, casts a grid of directions (azimuth × elevation) and records the first hit
    of each — a depth/"what is seen" image, the classic angular viewshed of GIS tools.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from stadtbild.model.errors import InputError

from .casters import make_raycaster
from stadtbild.model.ground import ground_for
from .sightline import END_GAP_M

#: default viewshed radius (m, horizontal)
DEFAULT_RADIUS_M = 500.0
#: rays per batch handed to the ray core by the viewshed and landmark functions
RAY_BATCH = 1 << 20


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

    grid            ``analysis.ground_grid.GroundGrid`` of the ground samples; ``in_range`` (ny, nx)
                    cells inside radius and field of view; ``visible`` (ny, nx) bool
    surfaces        ``analysis.samples.SurfaceSamples`` in range (or None); ``surface_visible`` (k,)
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
        from .ground_grid import raster_polygons

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
        """The ``viewshed`` CLI JSON keys (docs/ARCHITECTURE.md) and extras."""
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
             surface_cell_m: float | None = None, azimuth_deg=None, hfov_deg: float = 360.0,
             vmin_deg: float = -90.0, vmax_deg: float = 90.0, raycaster=None, ground=None,
             progress=None) -> ViewshedResult:
    """What the observer (local eye point (3,)) sees within ``radius_m`` (horizontal) and the field
    of view (:func:`in_view`): ground cells of ``cell_m`` and, with ``surfaces``, facade/roof
    samples every ``surface_cell_m`` (default ``cell_m``). See the module docstring."""
    from .ground_grid import ground_grid
    from .samples import sample_surfaces

    if not (radius_m > 0 and math.isfinite(radius_m)):
        raise InputError(None, f"--radius must be a positive number of metres, got {radius_m}")
    if not (0 < hfov_deg <= 360):
        raise InputError(None, f"the horizontal field of view must be in (0, 360]°, got {hfov_deg}")
    if not (-90 <= vmin_deg < vmax_deg <= 90):
        raise InputError(None, f"the vertical field of view needs -90 ≤ min < max ≤ 90°, got {vmin_deg}, {vmax_deg}")
    rc = make_raycaster(scene, raycaster)
    ground = (ground or ground_for(scene))
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
        samples = sample_surfaces(scene, surface_cell_m or cell_m)
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
    rc = make_raycaster(scene, raycaster)
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
