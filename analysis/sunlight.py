"""Sunlight exposure of facades ("Besonnung") after DIN 5034-1, with before/after comparison.

What the check computes (the recommendation of DIN 5034-1 "Tageslicht in Innenräumen – Teil 1:
Allgemeine Anforderungen" on Besonnung, as applied in German land-use planning studies):

* **Possible sunshine duration** (mögliche Besonnungsdauer) at a check point on the facade: the
  time on a clear day during which the sun is at least :data:`MIN_ELEVATION_DEG` (6°) above the
  horizon, in front of the facade (sun azimuth within ±90° of the facade's outward normal: sun
  grazing along the facade does not count) and not blocked by any building, terrain or other
  object of the model (ray cast to the sun with :mod:`analysis.raycast`).
* **Days:** the equinox (21 March, "Tag- und Nachtgleiche") and the "mean winter day" 17 January.
* **Thresholds:** a room counts as sufficiently sunlit with ≥ 4 h at the equinox; for sun in the
  winter months too, ≥ 1 h on 17 January. The standard asks this of at least one living room per
  dwelling; without floor plans we report every check point, every facade and every building and
  leave the dwelling judgement to the planner.
* **Check points** (Nachweisort "Fenstermitte in Fassadenebene"): LoD2 models have no windows, so
  every wall surface gets a regular lattice of points in the facade plane — one row per storey at
  ``first_row_m`` (default 1.5 m, a window centre) above the building's lowest point, then every
  ``storey_height_m`` (default 3.0 m) up to 0.5 m below the wall's top edge, and columns every
  ``spacing_m`` (default 2.0 m) along the wall, centred; a wall narrower than the spacing gets one
  column in its middle. Points on a party wall (inside the adjoining building), points with a
  neighbour's wall within :data:`COVERED_WITHIN_M` in front and points below the ground are
  dropped: they have no window (:func:`covered_points`).

Times are local wall-clock times of the site (time zone from the model position); the sun comes
from NREL SPA (:mod:`analysis.sun`); ``step_min`` is the sampling interval (midpoint rule: each
instant with the sun in front counts ``step_min`` minutes, so each sunrise/sunset behind an edge
is within half a step).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from model.errors import InputError

from .raycast import offset_points

#: DIN 5034-1: only sun at least this high counts (°)
MIN_ELEVATION_DEG = 6.0
#: DIN 5034-1 thresholds (hours) on the two days
EQUINOX_HOURS = 4.0
WINTER_HOURS = 1.0
EQUINOX = (3, 21)
WINTER_DAY = (1, 17)
#: surfaces steeper than this from horizontal are facades (|n_z| below sin 20°)
FACADE_MAX_ABS_NZ = 0.34
#: a solid surface this close in front of a check point (m) means: party wall, no window
COVERED_WITHIN_M = 1.0
#: vertical rays of the inside-a-building test look this far (m)
INSIDE_WITHIN_M = 1000.0
#: check points are lifted this far off the facade (m) so their rays do not hit it
LIFT_M = 0.02
BUILDING_TYPES = ("Building", "BuildingPart")
#: point classes
MEETS_BOTH, MEETS_EQUINOX, MEETS_NONE = 2, 1, 0
CLASS_NAMES = {MEETS_BOTH: "equinox and winter", MEETS_EQUINOX: "equinox only", MEETS_NONE: "not met"}


@dataclass
class FacadePoints:
    """Check points on facades (scene-local coordinates, metres).

    points          (k, 3) on the facade plane, lifted :data:`LIFT_M` outward
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
    from model.semantics import CLOSURE, GROUND, ROOF

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
    (:class:`analysis.ground.Ground`) points below the ground surface too."""
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
    out = FacadePoints(points=offset_points(pts, nrm, LIFT_M), normals=nrm, triangle=tri[tri_local],
                       object_index=scene.object_index[tri[tri_local]].astype(np.int64),
                       polygon=poly_ids[cp], storey=row[cand], height_m=cz[cand] - base[cp])
    # overlapping duplicate wall polygons (they occur in real data) would give the same point twice
    key = np.c_[out.object_index, np.round(out.points / 0.01).astype(np.int64)]
    _, first_of = np.unique(key, axis=0, return_index=True)
    keep = np.zeros(len(out), dtype=bool)
    keep[first_of] = True
    if ground is not None and len(out):
        keep &= out.points[:, 2] >= ground.height(out.points[:, :2]) + 0.1
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


@dataclass
class SunlightResult:
    """Hours of possible sunshine per check point on the two days, and the DIN 5034-1 classes.

    ``hours_equinox`` / ``hours_winter`` (k,) in hours; ``dates`` the two local dates; ``site``
    the :class:`analysis.sun.Site`; ``before`` another SunlightResult on the same points (the
    model without the scenario) or None; ``spacing_m`` / ``storey_height_m`` the lattice of the
    check points (m).
    """

    scene: object
    points: FacadePoints
    hours_equinox: np.ndarray
    hours_winter: np.ndarray
    dates: tuple
    step_min: float
    min_elevation_deg: float
    equinox_threshold_h: float = EQUINOX_HOURS
    winter_threshold_h: float = WINTER_HOURS
    site: object = None
    before: "SunlightResult | None" = None
    object_parent: dict = field(default_factory=dict)
    spacing_m: float = 2.0
    storey_height_m: float = 3.0

    @property
    def meets_equinox(self) -> np.ndarray:
        return self.hours_equinox >= self.equinox_threshold_h - 1e-9

    @property
    def meets_winter(self) -> np.ndarray:
        return self.hours_winter >= self.winter_threshold_h - 1e-9

    @property
    def point_class(self) -> np.ndarray:
        """(k,) :data:`MEETS_BOTH` / :data:`MEETS_EQUINOX` / :data:`MEETS_NONE` per point (a point
        that meets only the winter day counts as not met: the equinox rule is the main one)."""
        return np.where(self.meets_equinox, np.where(self.meets_winter, MEETS_BOTH, MEETS_EQUINOX), MEETS_NONE)

    def building_of_point(self) -> np.ndarray:
        """(k,) top-level building id per point (BuildingParts roll up to their building)."""
        ids = np.array(self.scene.object_ids, dtype=object)[self.points.object_index]
        return np.array([self.object_parent.get(i, i) for i in ids], dtype=object)

    def per_building(self) -> dict:
        """{building id: {points, meets_equinox, meets_both, best_equinox_h, best_winter_h}}, plus
        ``points_losing`` (points that lost compliance) when compared with ``before``."""
        out: dict = {}
        if not len(self.points):
            return out
        bld = self.building_of_point()
        names, inv = np.unique(bld.astype(str), return_inverse=True)
        count = np.bincount(inv, minlength=len(names))
        eq = np.bincount(inv, weights=self.meets_equinox, minlength=len(names))
        both = np.bincount(inv, weights=self.meets_equinox & self.meets_winter, minlength=len(names))
        best_e = np.full(len(names), -np.inf)
        best_w = np.full(len(names), -np.inf)
        np.maximum.at(best_e, inv, self.hours_equinox)
        np.maximum.at(best_w, inv, self.hours_winter)
        lost = (np.bincount(inv, weights=self.lost_compliance(), minlength=len(names))
                if self.before is not None else None)
        for i, name in enumerate(names):
            out[str(name)] = {"points": int(count[i]), "meets_equinox": int(eq[i]), "meets_both": int(both[i]),
                              "best_equinox_h": round(float(best_e[i]), 3),
                              "best_winter_h": round(float(best_w[i]), 3)}
            if lost is not None:
                out[str(name)]["points_losing"] = int(lost[i])
        return out

    def lost_compliance(self) -> np.ndarray:
        """(k,) bool: points that met a threshold before (``before``) and miss it now."""
        if self.before is None:
            return np.zeros(len(self.points), dtype=bool)
        b = self.before
        return (b.meets_equinox & ~self.meets_equinox) | (b.meets_winter & ~self.meets_winter)

    def figures(self) -> dict:
        k = len(self.points)
        cls = self.point_class
        f = {
            "standard": "DIN 5034-1 (Besonnung)",
            "date_equinox": self.dates[0].isoformat(), "date_winter": self.dates[1].isoformat(),
            "min_sun_elevation_deg": self.min_elevation_deg, "step_min": self.step_min,
            "threshold_equinox_h": self.equinox_threshold_h, "threshold_winter_h": self.winter_threshold_h,
            "check_points": k,
            "points_meeting_equinox": int(self.meets_equinox.sum()),
            "points_meeting_both": int((cls == MEETS_BOTH).sum()),
            "points_not_met": int((cls == MEETS_NONE).sum()),
            "mean_hours_equinox_h": round(float(self.hours_equinox.mean()), 3) if k else None,
            "mean_hours_winter_h": round(float(self.hours_winter.mean()), 3) if k else None,
        }
        per_b = self.per_building()
        f["buildings"] = len(per_b)
        f["buildings_without_any_point_meeting_equinox"] = sum(1 for v in per_b.values() if v["meets_equinox"] == 0)
        if self.before is not None:
            lost = self.lost_compliance()
            de = self.hours_equinox - self.before.hours_equinox
            dw = self.hours_winter - self.before.hours_winter
            compared = np.isfinite(de)

            def stat(fn, v):
                v = v[np.isfinite(v)]
                return round(float(fn(v)), 4) if len(v) else None

            f["difference"] = {
                "points_compared": int(compared.sum()),
                "points_losing_compliance": int(lost.sum()),
                "buildings_losing_compliance": int(len(set(self.building_of_point()[lost]))),
                "points_losing_sun_equinox": int((de[compared] < -1e-9).sum()),
                "mean_change_equinox_h": stat(np.mean, de), "min_change_equinox_h": stat(np.min, de),
                "mean_change_winter_h": stat(np.mean, dw), "min_change_winter_h": stat(np.min, dw),
            }
        return f


def _day_directions(date: dt.date, site, step_min: float, min_elevation_deg: float):
    """Unit vectors towards the sun (grid frame) at the midpoints of ``step_min`` intervals of the
    local day when the sun is at least ``min_elevation_deg`` high."""
    from .sun import day_times, sun_positions

    times = day_times(date, site.tz, "00:00", "24:00", step_min)
    mids = [t + dt.timedelta(minutes=step_min / 2.0) for t in times[:-1]]
    sun = sun_positions(mids, site)
    high = sun.elevation_deg >= min_elevation_deg
    return sun.direction_grid()[high]


def default_dates(year: int | None = None) -> tuple[dt.date, dt.date]:
    """(21 March, 17 January) of ``year`` (default: this year)."""
    year = year or dt.date.today().year
    return dt.date(year, *EQUINOX), dt.date(year, *WINTER_DAY)


def facade_sunlight(scene, points: FacadePoints | None = None, dates=None, step_min: float = 2.0,
                    min_elevation_deg: float = MIN_ELEVATION_DEG, site=None, tz: str | None = None,
                    raycaster=None, spacing_m: float = 2.0, storey_height_m: float = 3.0,
                    first_row_m: float = 1.5, ground=None, objects=None, progress=None,
                    equinox_threshold_h: float = EQUINOX_HOURS, winter_threshold_h: float = WINTER_HOURS,
                    object_parent: dict | None = None, cancel=None) -> SunlightResult:
    """DIN 5034-1 possible sunshine duration at facade check points of ``scene`` (module
    docstring). ``dates`` = (equinox day, winter day) as dates or ISO strings (default
    :func:`default_dates`); ``points`` reuses check points (e.g. the same points before and after
    a scenario); ``step_min`` ≤ 10 minutes; ``cancel`` (a callable returning True to stop) is
    handed to the ray core."""
    from .raycast import RayCaster
    from .sun import site_of

    if not (0 < step_min <= 10):
        raise InputError(None, f"time step must be between 0 and 10 minutes, got {step_min:g}")
    if not (-1.0 <= min_elevation_deg < 60.0):
        raise InputError(None, f"minimum sun elevation must be between -1° and 60°, got {min_elevation_deg:g}")
    days = []
    for d in (dates or default_dates()):
        if isinstance(d, str):
            try:
                d = dt.date.fromisoformat(d.strip())
            except ValueError:
                raise InputError(None, f"date {d!r} must look like 2026-03-21") from None
        days.append(d)
    if len(days) != 2:
        raise InputError(None, "give two dates: the equinox day and the winter day")
    site = site_of(scene, site, tz)
    rc = raycaster if raycaster is not None else RayCaster(scene, cancel=cancel)
    if points is None:
        points = facade_points(scene, spacing_m, storey_height_m, first_row_m, objects=objects, raycaster=rc,
                               ground=ground)
    hours = []
    for k, day in enumerate(days):
        dirs = _day_directions(day, site, step_min, min_elevation_deg)
        if len(points) and len(dirs):
            w = np.full(len(dirs), step_min / 60.0)
            hours.append(rc.visible_sum(points.points, dirs, w, normals=points.normals,
                                        progress=(lambda i, n, k=k: progress(k * n + i, 2 * n)) if progress else None))
        else:
            hours.append(np.zeros(len(points)))
    return SunlightResult(scene=scene, points=points, hours_equinox=hours[0], hours_winter=hours[1],
                          dates=tuple(days), step_min=step_min, min_elevation_deg=min_elevation_deg,
                          equinox_threshold_h=equinox_threshold_h, winter_threshold_h=winter_threshold_h,
                          site=site, object_parent=dict(object_parent or {}), spacing_m=spacing_m,
                          storey_height_m=storey_height_m)


def compare_sunlight(before_scene, after_scene, **kw) -> SunlightResult:
    """The check on the after-scene's points, and the same points traced in the before-scene
    (both scenes in the same local frame). Points of new or changed buildings have no
    counterpart before: for them ``before`` hours are NaN and they never "lose" compliance."""
    from .scenario_rays import unchanged_objects

    after = facade_sunlight(after_scene, **kw)
    kw_before = {k: v for k, v in kw.items() if k not in ("points", "raycaster", "progress")}
    before = facade_sunlight(before_scene, points=after.points, **kw_before)
    # points on objects that do not exist unchanged before: no "before" value
    same = unchanged_objects(before_scene, after_scene)
    own = same[after.points.object_index]
    before.hours_equinox = np.where(own, before.hours_equinox, np.nan)
    before.hours_winter = np.where(own, before.hours_winter, np.nan)
    after.before = before
    return after

