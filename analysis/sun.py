"""Sun position for a site and local wall-clock time(s).

Method: the NREL Solar Position Algorithm (Reda & Andreas 2004, "Solar position algorithm for solar
radiation applications", Solar Energy 76(5), 577–589; uncertainty ±0.0003°) as implemented by
``pvlib.solarposition.spa_python``. Elevation and zenith are *apparent* (topocentric, corrected for
atmospheric refraction at the given pressure and temperature, SPA eq. 42), which is the direction
light actually arrives from. Azimuth is measured from true north, clockwise (east = 90°).

Time: users give local wall-clock time; the time zone comes from the site (``timezonefinder`` on the
WGS84 position) unless given (``tz="Europe/Berlin"``); daylight saving time is resolved by
``zoneinfo`` (never a fixed offset). Results carry both local time and UTC.

Site: a model's site is the centre of its bbox transformed to WGS84 with pyproj
(``model.crs.transformer_to_wgs84``). Projected grids do not point to true north (meridian
convergence, ~1.2° in Braunschweig on UTM 32N); :attr:`Site.grid_north_deg` holds the angle of true
north measured clockwise from grid north, and :meth:`SunPositions.direction_grid` turns sun azimuths
into unit vectors in the model's grid frame (x = east, y = north, z = up) for ray casting.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from stadtbild.model.errors import InputError

#: standard atmosphere defaults for refraction (SPA: annual mean local pressure and temperature)
DEFAULT_PRESSURE_HPA = 1013.25
DEFAULT_TEMPERATURE_C = 12.0


@dataclass(frozen=True)
class Site:
    """A place on earth: WGS84 latitude/longitude (°), height above sea level (m), IANA time zone,
    and the angle of true north clockwise from the model grid's north (°, 0 without a model)."""

    latitude_deg: float
    longitude_deg: float
    elevation_m: float = 0.0
    tz: str = "UTC"
    grid_north_deg: float = 0.0


@dataclass
class SunPositions:
    """Sun positions at n instants (arrays of shape (n,)).

    azimuth_deg     true azimuth, 0 = north, clockwise (°)
    elevation_deg   apparent elevation above the horizon, refraction-corrected (°)
    zenith_deg      apparent zenith angle = 90° − elevation (°)
    time_local      list of timezone-aware ``datetime`` in the site time zone
    time_utc        list of timezone-aware ``datetime`` in UTC
    site            the :class:`Site`
    """

    azimuth_deg: np.ndarray
    elevation_deg: np.ndarray
    zenith_deg: np.ndarray
    time_local: list
    time_utc: list
    site: Site

    def __len__(self) -> int:
        return len(self.azimuth_deg)

    @property
    def above_horizon(self) -> np.ndarray:
        return self.elevation_deg > 0.0

    @property
    def grid_azimuth_deg(self) -> np.ndarray:
        """Azimuth measured from the model grid's north (°)."""
        return (self.azimuth_deg + self.site.grid_north_deg) % 360.0

    def direction_grid(self) -> np.ndarray:
        """(n, 3) unit vectors pointing TOWARDS the sun in the model grid frame (x east, y north,
        z up), meridian convergence included."""
        return sun_vector(self.grid_azimuth_deg, self.elevation_deg)

    def record(self, i: int = 0) -> dict:
        """The ``sun`` CLI JSON keys (docs/ARCHITECTURE.md) of instant ``i``."""
        return {
            "azimuth_deg": round(float(self.azimuth_deg[i]), 5),
            "elevation_deg": round(float(self.elevation_deg[i]), 5),
            "zenith_deg": round(float(self.zenith_deg[i]), 5),
            "time_local": self.time_local[i].isoformat(),
            "time_utc": self.time_utc[i].isoformat().replace("+00:00", "Z"),
        }


def sun_vector(azimuth_deg, elevation_deg) -> np.ndarray:
    """(n, 3) unit vectors towards the sun from azimuth (0 = +y, clockwise) and elevation (°)."""
    az = np.radians(np.asarray(azimuth_deg, dtype=np.float64))
    el = np.radians(np.asarray(elevation_deg, dtype=np.float64))
    return np.stack([np.sin(az) * np.cos(el), np.cos(az) * np.cos(el), np.sin(el)], axis=-1)


# ------------------------------------------------------------------------------ time zones
@lru_cache(maxsize=1)
def _tzfinder():
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def timezone_at(latitude_deg: float, longitude_deg: float) -> str:
    """IANA time zone name at a WGS84 position (timezonefinder); "Etc/GMT±h" by longitude at sea."""
    name = _tzfinder().timezone_at(lng=float(longitude_deg), lat=float(latitude_deg))
    if name:
        return name
    hours = int(round(longitude_deg / 15.0))
    return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"  # POSIX sign convention is inverted


def zone(tz: str) -> ZoneInfo:
    """``ZoneInfo`` for an IANA name; InputError for an unknown one."""
    try:
        return ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(None, f"unknown time zone {tz!r} (use an IANA name such as Europe/Berlin)") from None


_TIME_RE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})(?:[T ](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?\s*$")


def parse_local_time(text: str, tz: str) -> dt.datetime:
    """Parse ``2026-06-21T15:00`` (local wall clock in ``tz``) or an ISO time with its own offset
    (``…+02:00`` / ``…Z``, converted to ``tz``); a bare date means 12:00. Returns an aware datetime
    in ``tz``. A wall time that occurs twice (autumn DST change) is taken at its first occurrence
    (``fold=0``); one that does not exist (spring gap) is moved forward by the gap, as clocks do."""
    m = _TIME_RE.match(str(text))
    if not m:
        raise InputError(None, f"time {text!r} is not ISO 8601 like 2026-06-21T15:00")
    date_s, time_s, offset = m.groups()
    try:
        naive = dt.datetime.fromisoformat(f"{date_s}T{time_s or '12:00'}")
    except ValueError as exc:
        raise InputError(None, f"time {text!r}: {exc}") from None
    z = zone(tz)
    if offset:
        off = dt.datetime.fromisoformat(f"2000-01-01T00:00{'+00:00' if offset == 'Z' else offset}").tzinfo
        return naive.replace(tzinfo=off).astimezone(z)
    local = naive.replace(tzinfo=z, fold=0)
    # round trip through UTC normalises non-existent wall times (spring-forward gap)
    return local.astimezone(dt.UTC).astimezone(z)


def parse_clock(text: str) -> dt.time:
    """``08:00`` -> time(8, 0); ``24:00`` is allowed as end of day."""
    m = re.match(r"^\s*(\d{1,2}):(\d{2})\s*$", str(text))
    if not m or int(m.group(1)) > 24 or int(m.group(2)) > 59 or (int(m.group(1)) == 24 and int(m.group(2))):
        raise InputError(None, f"clock time {text!r} must look like 08:00")
    h, mi = int(m.group(1)), int(m.group(2))
    return dt.time(23, 59, 59, 999999) if h == 24 else dt.time(h, mi)


def day_times(date: str | dt.date, tz: str, start: str = "00:00", stop: str = "24:00",
              step_min: float = 10.0) -> list[dt.datetime]:
    """Local instants on ``date`` from ``start`` to ``stop`` (inclusive when on the grid) every
    ``step_min`` minutes, as aware datetimes in ``tz``. Steps are taken in UTC so a DST change
    inside the window neither repeats nor drops real time."""
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date.strip())
        except ValueError:
            raise InputError(None, f"date {date!r} must look like 2026-03-21") from None
    if not (0 < step_min <= 24 * 60):
        raise InputError(None, f"time step {step_min} min out of range")
    z = zone(tz)
    t0 = dt.datetime.combine(date, parse_clock(start)).replace(tzinfo=z).astimezone(dt.UTC)
    t1 = dt.datetime.combine(date, parse_clock(stop)).replace(tzinfo=z).astimezone(dt.UTC)
    if t1 < t0:
        raise InputError(None, f"--from {start} is after --to {stop}")
    n = int(math.floor((t1 - t0).total_seconds() / (step_min * 60.0) + 1e-9)) + 1
    return [(t0 + dt.timedelta(minutes=step_min * i)).astimezone(z) for i in range(n)]


# ------------------------------------------------------------------------------ sites
def site_from_model(model_or_scene, tz: str | None = None) -> Site:
    """The site of a CityModel or Scene: WGS84 position of its bbox centre, its height, its time
    zone (``tz`` or timezonefinder) and the grid convergence. InputError without a known CRS."""
    crs = getattr(model_or_scene, "crs", None)
    if not crs or not getattr(crs, "epsg", None):
        raise InputError(None, "the model has no known CRS, so its place on earth (sun position) is "
                               "unknown; give --crs EPSG:…")
    if hasattr(model_or_scene, "bbox") and callable(model_or_scene.bbox):
        bb = model_or_scene.bbox()
        if bb is None:
            raise InputError(None, "the model has no geometry")
        lo, hi = np.asarray(bb[:3], float), np.asarray(bb[3:], float)
    else:
        b = model_or_scene.bounds + model_or_scene.origin
        lo, hi = b[0], b[1]
    centre = 0.5 * (lo + hi)
    return site_at(centre[0], centre[1], crs, elevation_m=float(lo[2]), tz=tz)


def site_of(scene, site: Site | None = None, tz: str | None = None) -> Site:
    """``site`` when given, else :func:`site_from_model` of ``scene`` (time zone ``tz``)."""
    return site if site is not None else site_from_model(scene, tz=tz)


def site_at(x: float, y: float, crs, elevation_m: float = 0.0, tz: str | None = None) -> Site:
    """Site at projected coordinates (x, y) in ``crs`` (``model.crs.CRSInfo``)."""
    from stadtbild.model.crs import transformer_to_wgs84

    try:
        tr = transformer_to_wgs84(crs)
    except Exception as exc:
        raise InputError(None, f"cannot transform the model CRS to WGS84: {exc}") from None
    lon, lat = tr.transform(float(x), float(y))
    if not (np.isfinite(lon) and np.isfinite(lat)) or abs(lat) > 90:
        raise InputError(None, f"the model position ({x:.1f}, {y:.1f}) is outside its CRS {crs.name}")
    # true north in grid coordinates: project a point 0.001° further north (finite difference)
    from pyproj import Transformer

    back = Transformer.from_crs(4326, crs.epsg, always_xy=True)
    x0, y0 = back.transform(lon, lat)
    x1, y1 = back.transform(lon, min(lat + 1e-3, 89.999))
    north = math.degrees(math.atan2(x1 - x0, y1 - y0))
    return Site(latitude_deg=float(lat), longitude_deg=float(lon), elevation_m=float(elevation_m),
                tz=tz or timezone_at(lat, lon), grid_north_deg=north)


# ------------------------------------------------------------------------------ positions
def sun_positions(times, site: Site, pressure_hpa: float | None = None,
                  temperature_c: float = DEFAULT_TEMPERATURE_C, delta_t_s: float | None = None) -> SunPositions:
    """Sun positions at ``times`` (aware datetimes, or naive = local time at the site, or ISO
    strings) for ``site``, by NREL SPA (pvlib). ``pressure_hpa`` defaults to the standard
    atmosphere at the site height; ``delta_t_s`` (TT − UT, s) defaults to pvlib's estimate for
    the date."""
    import pandas as pd
    import pvlib

    if isinstance(times, (str, dt.datetime)):
        times = [times]
    z = zone(site.tz)
    aware = []
    for t in times:
        if isinstance(t, str):
            t = parse_local_time(t, site.tz)
        elif isinstance(t, dt.datetime) and t.tzinfo is None:
            t = t.replace(tzinfo=z)
        elif isinstance(t, pd.Timestamp):
            t = t.to_pydatetime()
            t = t.replace(tzinfo=z) if t.tzinfo is None else t
        aware.append(t)
    if not aware:
        raise ValueError("no times given")
    utc = [t.astimezone(dt.UTC) for t in aware]
    index = pd.DatetimeIndex([pd.Timestamp(t) for t in utc])
    if pressure_hpa is None:
        pressure_hpa = pvlib.atmosphere.alt2pres(site.elevation_m) / 100.0
    kwargs = {"altitude": site.elevation_m, "pressure": pressure_hpa * 100.0,
              "temperature": temperature_c}
    if delta_t_s is not None:
        kwargs["delta_t"] = delta_t_s
    else:
        kwargs["delta_t"] = None  # pvlib computes it from the date
    sp = pvlib.solarposition.spa_python(index, site.latitude_deg, site.longitude_deg, **kwargs)
    return SunPositions(
        azimuth_deg=sp["azimuth"].to_numpy(dtype=np.float64),
        elevation_deg=sp["apparent_elevation"].to_numpy(dtype=np.float64),
        zenith_deg=sp["apparent_zenith"].to_numpy(dtype=np.float64),
        time_local=[t.astimezone(z) for t in utc],
        time_utc=utc,
        site=site,
    )


def sun_position(time, latitude_deg: float, longitude_deg: float, elevation_m: float = 0.0,
                 tz: str | None = None, **kwargs) -> SunPositions:
    """Convenience: positions at ``time`` (one or many) for a WGS84 site; ``tz`` from the site when
    omitted."""
    if not (-90.0 <= latitude_deg <= 90.0) or not (-180.0 <= longitude_deg <= 180.0):
        raise InputError(None, f"latitude/longitude out of range: {latitude_deg}, {longitude_deg}")
    site = Site(float(latitude_deg), float(longitude_deg), float(elevation_m),
                tz or timezone_at(latitude_deg, longitude_deg))
    return sun_positions(time, site, **kwargs)
