"""Cast shadow at an instant and hours of direct sun over a day or period, on a ground grid and on
facade/roof sample points, plus before/after differences of two scenes.

Method (docs/ARCHITECTURE.md, "Methods"): a sample point is in shadow when the ray from it towards the sun
hits an object (:class:`analysis.raycast.RayCaster`, occlusion / first-hit queries); the sun
direction comes from NREL SPA (:mod:`analysis.sun`), turned into the model's grid frame with the
meridian convergence. Sun-hours are the time integral of "sun above the horizon and not blocked"
sampled every ``step_min`` ≤ 10 minutes with the trapezoidal rule over ``[start, stop]`` (the sun
counts from the instant its apparent elevation is above 0°). This is the usual planning practice
(e.g. DIN EN 17037:2019 "Daylight in buildings", sunlight exposure; DIN 5034-1 checks on 17 January
/ 20 March) — the standard dates planners use are 21 March, 21 June and 21 December.

Samples
-------
Ground samples and their footprint cells: :mod:`analysis.ground_grid`; facade and roof samples:
:mod:`analysis.samples`; the rays go through :class:`analysis.casters.ShadowCasters`.

Ground: the centres of a square grid (``cell_m``, default 1 m, row 0 = north) over an extent in
the model CRS (default: the model's bbox grown in the shadow direction by the longest shadow at
the instant, or on every side by the longest shadow at 10° sun elevation for sun-hours; growth at
most 1 km), optionally clipped by a polygon. Ground height: the terrain when the model has one,
else the horizontal plane at the lowest GroundSurface (``model.ground``). Samples are lifted
1 cm (5 cm on terrain) to avoid hitting the surface they stand on. Cells under a building
(a vertical ray from the sample hits a non-terrain object: footprints, and ground under
overhangs/bridges) are "footprint" cells: not counted as shadowed ground.

Facades and roofs: points spread over every wall/roof/other surface triangle (about one per
``surface_cell_m``² of area, default ``cell_m``; a rank-1 lattice in the triangle, the centroid
for small triangles: :func:`analysis.samples.sample_surfaces`),
each carrying its share of the triangle's area and lifted 1 cm along the outward normal
(:func:`analysis.raycast.offset_points`). A surface facing away from the sun is in its own shadow
without tracing.

Results carry local arrays and the georeference (origin, affine transform in the model CRS, EPSG)
so that exporters write GeoTIFF / GeoJSON / CSV in the model CRS.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stadtbild.model.errors import InputError

from .casters import ShadowCasters, first_casters, ground_cover_objects, terrain_objects
from .ground_grid import (MAX_GROW_M, GroundGrid, building_bounds, ground_grid, longest_shadow_m, raster_polygons,
                          terrain_near_field)
from .samples import SURFACE_LIFT_M, SurfaceSamples, sample_surfaces
from .sun import site_of

#: for sun-hours the extent is grown by the longest shadow at this sun elevation (°)
SUNHOURS_EXTENT_ELEVATION_DEG = 10.0
#: the longest allowed time step for sun-hours (min)
MAX_STEP_MIN = 10.0


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
        terrain = terrain_objects(self.scene)
        return {self.scene.object_ids[i]: {"ground_m2": round(float(ground[i]), 3),
                                           "buildings_m2": round(float(others[i]), 3)}
                for i in np.flatnonzero((ground > 0) | (others > 0)) if not terrain[i]}

    def features(self) -> list:
        """[(shapely geometry, properties)] in the model CRS: the ground shadow of every caster
        (``caster_id``, ``area_m2``, ``class`` "shadow", ``on_buildings_m2``)."""
        cast = self.cast_on_neighbours()
        return [(geom, {"caster_id": oid, "area_m2": round(geom.area, 3), "class": "shadow",
                        "on_buildings_m2": cast.get(oid, {}).get("buildings_m2", 0.0)})
                for oid, geom in self.caster_polygons().items()]

    def sample_table(self, diff=None) -> dict:
        """Columns of one row per sample (:func:`_sample_table`): ``shadow`` (0/1), ``caster_id``."""
        ids = np.array(list(self.scene.object_ids) + [""], dtype=object)
        active = self.grid.active
        ground = {"shadow": self.shadow[active].astype(np.int8), "caster_id": ids[self.caster[active]]}
        surf = {}
        if self.surfaces is not None and len(self.surfaces):
            surf = {"shadow": self.surface_shadow.astype(np.int8), "caster_id": ids[self.surface_caster]}
        return _sample_table(self, diff, ground, surf)

    def raster(self):
        """GeoTIFF-ready raster: 1 = shadow, 0 = sun, -1 = under a building / outside (nodata)."""
        v = np.where(self.shadow, 1.0, 0.0)
        v[~self.grid.active] = -1.0
        return self.grid.raster(v, nodata=-1.0, units="shadow (1) / sun (0)")

    def figures(self) -> dict:
        """The ``shadow`` CLI JSON keys (docs/ARCHITECTURE.md) and extras."""
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

    def features(self) -> list:
        """[(shapely geometry, properties)] in the model CRS: the ground in bands of whole hours of
        sun (``hours_min``, ``hours_max``, ``value`` the band's middle, ``area_m2``, ``class``)."""
        grid = self.grid
        hours = np.where(grid.active, self.hours, np.nan)
        top = int(np.ceil(np.nanmax(hours))) if np.isfinite(hours).any() else 0
        feats = []
        for h in range(top + 1):
            band = (hours >= h) & (hours < h + 1) if h < top else (hours >= h)
            geom = raster_polygons(band, grid.transform)
            if not geom.is_empty:
                feats.append((geom, {"hours_min": float(h), "hours_max": float(h + 1), "value": float(h + 0.5),
                                     "area_m2": round(geom.area, 3), "class": f"{h}-{h + 1} h"}))
        return feats

    def sample_table(self, diff=None) -> dict:
        """Columns of one row per sample (:func:`_sample_table`): ``sun_hours_h``."""
        ground = {"sun_hours_h": np.round(self.hours[self.grid.active], 4)}
        surf = {}
        if self.surfaces is not None and len(self.surfaces):
            surf = {"sun_hours_h": np.round(self.surface_hours, 4)}
        return _sample_table(self, diff, ground, surf)

    def raster(self):
        """GeoTIFF-ready raster of sun-hours (h); -1 under buildings / outside (nodata)."""
        v = np.where(self.grid.active, self.hours, -1.0)
        return self.grid.raster(v, nodata=-1.0, units="h")

    def figures(self) -> dict:
        """The ``sunhours`` CLI JSON keys (docs/ARCHITECTURE.md) and extras."""
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


def _sample_table(result, diff, values, surface_values) -> dict:
    """Columns of one row per ground sample and per surface sample (model CRS): kind, x, y, z (the
    ground / surface point), object_id, area_m2 (surfaces), ``values`` / ``surface_values``
    {column: array} and the ``change`` of ``diff``."""
    import pandas as pd

    grid = result.grid
    origin = grid.origin
    active = grid.active
    pts = grid.sample_points(active) + origin
    cols = {"kind": np.full(len(pts), "ground", dtype=object), "x": pts[:, 0], "y": pts[:, 1],
            "z": pts[:, 2] - grid.lift_m, "object_id": np.full(len(pts), "", dtype=object), **values}
    if diff is not None:
        cols["change"] = np.round(diff.ground[active], 4)
    frame = pd.DataFrame(cols)
    s = result.surfaces
    if s is not None and len(s):
        ids = np.array(list(result.scene.object_ids) + [""], dtype=object)
        sp = s.points + origin
        scols = {"kind": np.full(len(s), "surface", dtype=object), "x": sp[:, 0], "y": sp[:, 1], "z": sp[:, 2],
                 "object_id": ids[s.object_index], "area_m2": np.round(s.area_m2, 4), **surface_values}
        frame = pd.concat([frame, pd.DataFrame(scols)], ignore_index=True)
    return {k: frame[k].to_numpy() for k in frame.columns}


# ====================================================================== analyses
def shadow_at(scene, time, cell_m: float = 1.0, extent=None, polygon=None, surfaces: bool = False,
              surface_cell_m: float | None = None, site=None, tz: str | None = None, ground=None,
              raycaster=None, grid: GroundGrid | None = None) -> ShadowResult:
    """Instant shadow at local ``time`` (ISO string or datetime; see :func:`analysis.sun.sun_positions`)
    on a ground grid of ``cell_m`` metres and, with ``surfaces=True``, on facade/roof samples.

    ``scene`` is the scene to analyse (with terrain merged in, if any: ``model.ground.analysis_scene``);
    ``raycaster`` may be a prepared :class:`RayCaster` over it (e.g. with objects disabled); ``grid``
    a :class:`GroundGrid` from :func:`shadow_grid` over the same scene, ``cell_m`` and fixed
    ``extent`` (its footprint cells found once), reused for every time of day: a time slider then
    costs only the rays towards the sun. The result is the same as without it."""
    from stadtbild.model.ground import ground_for
    from .sun import sun_positions

    site = site_of(scene, site, tz)
    sun = sun_positions([time], site)
    with ShadowCasters(scene, raycaster) as rc:
        return _shadow_at(scene, sun, rc, ground or ground_for(scene), cell_m, extent, polygon, surfaces,
                          surface_cell_m, grid)


def shadow_grid(scene, cell_m: float, extent, polygon=None, ground=None, raycaster=None) -> GroundGrid:
    """The ground grid :func:`shadow_at` builds over a fixed ``extent`` (or ``polygon``), with its
    footprint cells found as shadow_at finds them (ground cover switched off in ``raycaster``), to
    pass as shadow_at's ``grid`` for many times of day."""
    from stadtbild.model.ground import ground_for

    if extent is None and polygon is None:
        raise ValueError("a reusable shadow grid needs a fixed extent or polygon (else it follows the sun)")
    with ShadowCasters(scene, raycaster) as rc:
        return ground_grid(scene, cell_m, extent=extent, polygon=polygon, ground=ground or ground_for(scene),
                           raycaster=rc)


def _shadow_at(scene, sun, rc, ground, cell_m, extent, polygon, surfaces, surface_cell_m,
               grid: GroundGrid | None = None) -> ShadowResult:
    el = float(sun.elevation_deg[0])
    d = sun.direction_grid()[0]
    if grid is None:
        shadow_vec = None
        if el > 0:
            length = longest_shadow_m(scene, ground.plane_z, el)
            shadow_vec = -d[:2] / max(np.hypot(d[0], d[1]), 1e-12) * length
        grid = ground_grid(scene, cell_m, extent=extent, polygon=polygon, ground=ground,
                           shadow_vector_xy=shadow_vec, raycaster=rc)
    elif grid.cell_m != float(cell_m):
        raise ValueError(f"the prepared grid has {grid.cell_m:g} m cells, not {cell_m:g} m")
    shadow = np.zeros(grid.shape, dtype=bool)
    caster = np.full(grid.shape, -1, dtype=np.int32)
    active = grid.active
    if el > 0:
        pts = grid.sample_points(active)
        hit, obj = first_casters(rc, pts, d, near=terrain_near_field(scene, rc, grid, ground, pts))
        shadow[active] = hit
        caster[active] = obj
    else:  # night: everything is in shadow, cast by no object
        shadow[active] = True
    result = ShadowResult(sun=sun, grid=grid, shadow=shadow, caster=caster, scene=scene)
    if surfaces:
        s = sample_surfaces(scene, surface_cell_m or cell_m, objects=rc.enabled_objects)
        s_shadow = np.ones(len(s), dtype=bool)
        s_caster = np.full(len(s), -1, dtype=np.int32)
        if el > 0:
            facing = s.normals @ d > 0.0
            s_caster[~facing] = s.object_index[~facing]  # self-shadow: the surface faces away
            s_shadow[facing], s_caster[facing] = first_casters(rc, s.points[facing], d)
        result.surfaces, result.surface_shadow, result.surface_caster = s, s_shadow, s_caster
    return result


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
              surface_cell_m: float | None = None, site=None, tz: str | None = None, ground=None,
              raycaster=None, times=None, progress=None) -> SunHoursResult:
    """Hours of direct sun per sample between local ``start`` and ``stop`` on ``date``
    (e.g. "2026-03-21"), or over explicit equally spaced ``times``; ``step_min`` ≤ 10 minutes.
    For a period of several days, call once per day and add (or pass ``times``)."""
    from stadtbild.model.ground import ground_for
    from .sun import day_times, sun_positions

    if not (0 < step_min <= MAX_STEP_MIN):
        raise InputError(None, f"--step must be between 0 and {MAX_STEP_MIN:g} minutes, got {step_min:g}")
    site = site_of(scene, site, tz)
    if times is None:
        if date is None:
            raise InputError(None, "sun-hours need a --date")
        times = day_times(date, site.tz, start, stop, step_min)
    sun = sun_positions(times, site)
    weights = trapezoid_weights_h(len(sun), step_min)
    with ShadowCasters(scene, raycaster) as rc:
        return _sun_hours(scene, sun, weights, rc, ground or ground_for(scene), step_min, cell_m, extent,
                          polygon, surfaces, surface_cell_m, progress)


def sun_ground_grid(scene, cell_m: float, ground, raycaster=None, extent=None, polygon=None,
                    elevation_deg: float = SUNHOURS_EXTENT_ELEVATION_DEG, max_grow_m: float = MAX_GROW_M,
                    max_cells: int | None = None) -> GroundGrid:
    """The ground grid of an analysis over a period of sun positions: ``extent`` / ``polygon`` if
    given, else the buildings' bbox grown on every side by the longest shadow at ``elevation_deg``
    (at most ``max_grow_m`` m). ``cell_m`` (m) grows so that the grid has at most ``max_cells``
    cells when that is given (the sun animation's frame budget). Footprint cells are found with
    ``raycaster`` (see :func:`analysis.ground_grid.ground_grid`)."""
    grow = min(longest_shadow_m(scene, ground.plane_z, elevation_deg), max_grow_m)
    if max_cells and extent is None and polygon is None:
        b = building_bounds(scene)
        area = (b[1, 0] - b[0, 0] + 2 * grow) * (b[1, 1] - b[0, 1] + 2 * grow)
        cell_m = max(float(cell_m), float(np.sqrt(area / max_cells)))
    return ground_grid(scene, cell_m, extent=extent, polygon=polygon, ground=ground, grow_m=grow,
                       raycaster=raycaster)


def _sun_hours(scene, sun, weights, rc, ground, step_min, cell_m, extent, polygon, surfaces, surface_cell_m,
               progress) -> SunHoursResult:
    grid = sun_ground_grid(scene, cell_m, ground, rc, extent=extent, polygon=polygon)
    pts = grid.sample_points()
    s = sample_surfaces(scene, surface_cell_m or cell_m, objects=rc.enabled_objects) if surfaces else None
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

    def features(self) -> list:
        """[(shapely geometry, properties)] in the model CRS: for shadows the added and removed
        shadow, for sun-hours the ground losing more / up to half an hour and the ground gaining
        (``class``, ``area_m2``)."""
        g, transform = self.ground, self.before.grid.transform
        if self.kind == "shadow":
            bands = [(np.nan_to_num(g, nan=0) == val, name) for val, name in ((1, "added_shadow"), (-1, "removed_shadow"))]
        else:
            bands = [((g > lo) & (g <= hi), name) for lo, hi, name in
                     ((-1e9, -0.5, "lost > 0.5 h"), (-0.5, -1e-9, "lost ≤ 0.5 h"), (1e-9, 1e9, "gained"))]
        feats = []
        for mask, name in bands:
            geom = raster_polygons(mask, transform)
            if not geom.is_empty:
                feats.append((geom, {"class": name, "area_m2": round(geom.area, 3)}))
        return feats

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
    from stadtbild.model.scene import Scene

    from stadtbild.model.ground import ground_for
    from .sun import sun_positions

    if not np.allclose(scene_before.origin, scene_after.origin):
        raise ValueError("before and after scenes have different local origins")
    func = shadow_at if analysis == "shadow" else sun_hours
    kwargs.setdefault("ground", ground_for(scene_before))
    kwargs["site"] = site_of(scene_before, kwargs.get("site"), kwargs.pop("tz", None))
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
            grid = sun_ground_grid(both, cell, ground)
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
    ground_like = ground_cover_objects(shared.scene) | terrain_objects(shared.scene)
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
