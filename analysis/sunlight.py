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
* **Check points** (Nachweisort "Fenstermitte in Fassadenebene"): a lattice on every wall, one
  row per storey, without the points that cannot hold a window
  (:func:`analysis.samples.facade_points`, described in :mod:`analysis.samples`).

Times are local wall-clock times of the site (time zone from the model position); the sun comes
from NREL SPA (:mod:`analysis.sun`); ``step_min`` is the sampling interval, 2 minutes unless given
(midpoint rule: each instant with the sun in front counts ``step_min`` minutes, so each
sunrise/sunset behind an edge is within half a step, one minute at the default).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from stadtbild.model.errors import InputError

from .samples import FacadePoints, facade_points

#: DIN 5034-1: only sun at least this high counts (°)
MIN_ELEVATION_DEG = 6.0
#: DIN 5034-1 thresholds (hours) on the two days
EQUINOX_HOURS = 4.0
WINTER_HOURS = 1.0
EQUINOX = (3, 21)
WINTER_DAY = (1, 17)
BUILDING_TYPES = ("Building", "BuildingPart")
#: point classes
MEETS_BOTH, MEETS_EQUINOX, MEETS_NONE = 2, 1, 0
CLASS_NAMES = {MEETS_BOTH: "equinox and winter", MEETS_EQUINOX: "equinox only", MEETS_NONE: "not met"}


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

    def point_table(self) -> dict:
        """Column arrays, one row per check point: object and building id, x, y, z (model CRS),
        storey, height (m, to the millimetre), facade azimuth (°, to 0.1°), hours on both days (to
        3 decimals), whether each is met, the class and, for a comparison, the hours before and
        whether the point loses compliance."""
        p = self.points
        xyz = p.points + self.scene.origin
        ids = np.array(self.scene.object_ids, dtype=object)[p.object_index]
        cols = {"object_id": ids, "building_id": self.building_of_point(), "x": xyz[:, 0], "y": xyz[:, 1],
                "z": xyz[:, 2], "storey": p.storey, "height_m": np.round(p.height_m, 3),
                "facade_azimuth_deg": np.round(p.facade_azimuth_deg, 1),
                "hours_equinox": np.round(self.hours_equinox, 3), "hours_winter": np.round(self.hours_winter, 3),
                "meets_equinox": self.meets_equinox.astype(np.int8), "meets_winter": self.meets_winter.astype(np.int8),
                "class": np.array([CLASS_NAMES[c] for c in self.point_class], dtype=object)}
        if self.before is not None:
            cols["hours_equinox_before"] = np.round(self.before.hours_equinox, 3)
            cols["hours_winter_before"] = np.round(self.before.hours_winter, 3)
            cols["loses_compliance"] = self.lost_compliance().astype(np.int8)
        return cols

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
    a scenario); ``step_min`` ≤ 10 minutes; ``ground`` (:class:`model.ground.Ground`; default the
    scene's own, :func:`model.ground.ground_for`: its terrain mesh or TINRelief, else the plane at
    the lowest ground surface, as in the other analyses) drops the check points below the ground;
    ``cancel`` (a callable returning True to stop) is handed to the ray core."""
    from stadtbild.model.ground import ground_for

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
        ground = ground if ground is not None else ground_for(scene)
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

