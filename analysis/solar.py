"""Roof solar potential per roof surface (kWh/m²·a, kWp, PV yield) with shading by neighbours.

Method (a "cumulative sky" as in Radiance ``gendaymtx`` + ``rtrace`` daylight coefficients and in
Ladybug's incident-radiation component; Robinson & Stone 2004, "Irradiation modelling made
simple: the cumulative sky approach"):

1. **Surfaces.** Roof surfaces are the polygons of the model (``scene.polygon_index``) whose
   semantic type is ``RoofSurface``; objects without any semantics contribute every polygon whose
   normal is tilted less than 75° from the zenith and points up (bottom faces and faces lying at
   the object's lowest height are excluded). Per surface: true 3D area (m²), tilt (° from the
   horizontal), azimuth (° of the downslope direction, 0 = north, clockwise, grid north of the model
   CRS), heights. RoofSurfaces whose stored normal points down (wrong ring orientation) are
   flipped. With ``include_facades`` walls (``WallSurface``/tilt ≥ 75°) are analysed as well.
2. **Samples.** Every triangle of a surface is cut into ``k²`` congruent sub-triangles
   (``k = round(√area / grid)``, 1 … ``max_subdivisions``), one sample at each centroid with
   weight area/k² (≈ one sample per grid² m²), lifted ``offset_m`` (1 cm) along the normal.
3. **Sky.** The Perez et al. (1990) all-weather *transposition* model as implemented in pvlib
   (``pvlib.irradiance.perez``, coefficients ``allsitescomposite1990``) splits the diffuse
   irradiance into an isotropic sky, a circumsolar point source and a horizon band; its brightening
   coefficients F1/F2 per hour are taken from pvlib. On the sky patches (Tregenza 145 or Reinhart 577,
   ``analysis.skypatches``) that sky is: the isotropic radiance ``DHI·(1−F1)/π`` on every patch
   (plane factor ``max(0, n·D_p)`` with the patch's vector integral ``D_p``), the horizon band
   ``DHI·F2/2`` per radian of azimuth on the lowest patch row (plane factor ``max(0, n·H_k)``,
   ``H_k = ∫ (sin φ, cos φ, 0) dφ``, which sums to ``2 sin β`` for a plane of tilt β — Perez's
   ``F2·sin β``) and the circumsolar part ``DHI·F1 / max(cos 85°, cos z)`` travelling with the sun.
   An unshaded plane therefore receives pvlib's Perez POA sky diffuse up to the patch discretisation
   near its own horizon. This is the *transposition* model, not the Perez et al. (1993) luminance
   distribution; it is what pvlib users compare against and keeps the horizontal sum exactly GHI.
4. **Sun.** Hourly sun positions from the weather time stamps (NREL SPA via pvlib) are binned into
   the patches of a Reinhart sky with factor ``sun_mf``. By default (``sun_mf`` = the sky's own
   factor, 1 for Tregenza) the sun shares the sky's patches, as in Robinson & Stone's cumulative
   sky and Radiance ``gendaymtx`` (sun visibility = visibility of the patch centre; no extra rays);
   a finer ``sun_mf`` (2: ≈6°, 4: ≈3°) traces one extra ray per visited patch towards the
   DNI-weighted mean sun direction of its hours. The incidence cosine is exact per hour either way:
   ``E[s, b] = Σ_{h∈b} (DNI_h + circumsolar_h)·max(0, n_s·sun_h)·Δt``, so unshaded surfaces get
   exactly pvlib's beam and circumsolar sums; only shadow edges are quantised to the patch size.
5. **Visibility** of every patch centre and sun bin from every sample is computed once with the ray
   core (``analysis.raycast.RayCaster.occluded``, directions in front of the surface only); the
   cumulative sky of any weather year then costs only matrix products (no new rays).
6. **Ground** reflection: ``albedo · GHI · (1 − cos β)/2`` (isotropic ground, unshaded view factor),
   as ``pvlib.irradiance.get_ground_diffuse``.

Irradiation of a sample ``H = beam+circumsolar + isotropic sky + horizon + ground`` in kWh/m²·a;
surface values are area-weighted means over its samples.

PV: a sample is *suitable* when its surface has at least ``min_area_m2`` and the sample receives
at least ``threshold_kwh_m2a``; a surface's suitable area is the weight of its suitable samples
(0 if below ``min_area_m2``). Peak power ``kWp = A_suitable · kwp_per_m2`` (0.2 kWp/m² ≈ 20 %
module efficiency at STC 1 kW/m²). Annual yield ``E = H_poa · A · η_STC · PR`` with
``η_STC = kwp_per_m2 / (1 kW/m²)`` and performance ratio ``PR`` (0.8), summed over the suitable
samples, i.e. ``E = kWp × specific yield`` with specific yield ``H_poa·PR`` (kWh/kWp). Monthly
yields split a surface's annual yield by its monthly irradiation shares.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from stadtbild.model.semantics import ROOF, UNKNOWN, WALL

from .samples import SubdivisionSamples, subdivision_samples
from .skypatches import SkyPatches, SunBins, bin_sun_positions, sky_by_name

#: CityObject types whose surfaces are analysed (others only cast shadows)
BUILDING_TYPES = ("Building", "BuildingPart", "BuildingInstallation", "BuildingConstructiveElement")
MONTHS = 12


@dataclass
class SolarOptions:
    """Settings of the solar analysis (units in the names)."""

    cell_m: float = 1.0
    sky: str = "tregenza"
    sun_mf: int = 1
    albedo: float = 0.2
    min_area_m2: float = 10.0
    threshold_kwh_m2a: float = 900.0
    kwp_per_m2: float = 0.2
    performance_ratio: float = 0.8
    offset_m: float = 0.01
    include_facades: bool = False
    max_roof_tilt_deg: float = 75.0
    max_subdivisions: int = 64
    rays_per_batch: int = 1_000_000

    def validate(self) -> None:
        from stadtbild.model.errors import InputError

        if not (0.05 <= self.cell_m <= 100):
            raise InputError(None, f"--grid must be between 0.05 and 100 m, got {self.cell_m}")
        if not (0.0 <= self.albedo <= 1.0):
            raise InputError(None, f"albedo must be between 0 and 1, got {self.albedo}")
        if self.kwp_per_m2 <= 0 or self.kwp_per_m2 > 1:
            raise InputError(None, f"kWp per m² must be in (0, 1], got {self.kwp_per_m2}")
        if not (0 < self.performance_ratio <= 1):
            raise InputError(None, f"performance ratio must be in (0, 1], got {self.performance_ratio}")
        if self.min_area_m2 < 0 or self.threshold_kwh_m2a < 0:
            raise InputError(None, "minimum area and irradiation threshold must not be negative")
        try:
            sky_by_name(self.sky)
        except ValueError as exc:
            raise InputError(None, str(exc)) from None


# ============================================================================ surfaces
@dataclass
class RoofSurfaces:
    """The analysed surfaces of a scene (one per model polygon).

    polygon        (S,) scene polygon index (``scene.polygon_index``; -1 for loose triangles)
    object_index   (S,) index into ``scene.object_ids``
    triangle_surface (m,) surface of every scene triangle, -1 for triangles not analysed
    area_m2        (S,) true 3D area
    normal         (S, 3) unit normal (area-weighted over the polygon's triangles, pointing up/out)
    tilt_deg       (S,) angle between the surface and the horizontal (0 = flat)
    azimuth_deg    (S,) direction the surface faces (0 = N, clockwise); NaN for flat (< 1°)
    centroid       (S, 3) area centroid, local coordinates
    z_min_m, z_max_m (S,) lowest/highest point, local z + origin z = model CRS heights
    height_m       (S,) centroid height above the lowest point of its object (m)
    kind           (S,) "roof" or "facade"
    flipped        number of roof polygons whose orientation was reversed
    """

    polygon: np.ndarray
    object_index: np.ndarray
    triangle_surface: np.ndarray
    area_m2: np.ndarray
    normal: np.ndarray
    tilt_deg: np.ndarray
    azimuth_deg: np.ndarray
    centroid: np.ndarray
    z_min_m: np.ndarray
    z_max_m: np.ndarray
    height_m: np.ndarray
    kind: np.ndarray
    flipped: int = 0

    def __len__(self) -> int:
        return len(self.area_m2)


def _group_sum(keys, values, n):
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1:
        return np.bincount(keys, weights=values, minlength=n)
    return np.stack([np.bincount(keys, weights=values[:, j], minlength=n) for j in range(values.shape[1])], axis=1)


def find_roof_surfaces(scene, options: SolarOptions | None = None, object_types=BUILDING_TYPES) -> RoofSurfaces:
    """Roof (and optionally facade) surfaces of the building objects of ``scene``; see module
    docstring (1.). ``object_types=None`` analyses every object type."""
    opt = options or SolarOptions()
    m = scene.n_triangles
    n_obj = len(scene.object_ids)
    empty = RoofSurfaces(*(np.zeros(0, np.int64) for _ in range(2)), np.full(m, -1, np.int64),
                         np.zeros(0), np.zeros((0, 3)), np.zeros(0), np.zeros(0), np.zeros((0, 3)),
                         np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0, dtype="<U6"))
    if m == 0 or n_obj == 0:
        return empty
    if object_types is None:
        obj_ok = np.ones(n_obj, dtype=bool)
    else:
        wanted = set(object_types)
        obj_ok = np.array([t in wanted or str(t).startswith("Building") for t in scene.object_types], dtype=bool)
    tri_obj = scene.object_index.astype(np.int64)
    # one key per polygon; loose triangles (polygon_index -1) become their own surface
    n_poly = max(len(scene.polygon_object), int(scene.polygon_index.max()) + 1 if m else 0)
    key = np.where(scene.polygon_index >= 0, scene.polygon_index.astype(np.int64), n_poly + np.arange(m))
    ukey, tri_group = np.unique(key, return_inverse=True)
    g = len(ukey)
    areas_t = scene.triangle_areas
    raw = scene.face_normals_raw  # length 2·area, consistent orientation within a polygon
    nsum = _group_sum(tri_group, raw, g)
    nlen = np.linalg.norm(nsum, axis=1)
    normal = np.divide(nsum, nlen[:, None], out=np.zeros_like(nsum), where=nlen[:, None] > 0)
    area = np.bincount(tri_group, weights=areas_t, minlength=g)
    g_obj = np.zeros(g, dtype=np.int64)
    g_obj[tri_group] = tri_obj
    g_sem = np.zeros(g, dtype=np.int64)
    g_sem[tri_group] = scene.surface_type.astype(np.int64)
    # per-object: has semantics? lowest z
    obj_has_sem = np.zeros(n_obj, dtype=bool)
    obj_has_sem[tri_obj[scene.surface_type != UNKNOWN]] = True
    corners = scene.corners
    tri_zmin, tri_zmax = corners[:, :, 2].min(axis=1), corners[:, :, 2].max(axis=1)
    obj_zmin = np.full(n_obj, np.inf)
    np.minimum.at(obj_zmin, tri_obj, tri_zmin)
    obj_zmax = np.full(n_obj, -np.inf)
    np.maximum.at(obj_zmax, tri_obj, tri_zmax)
    g_zmin = np.full(g, np.inf)
    np.minimum.at(g_zmin, tri_group, tri_zmin)
    g_zmax = np.full(g, -np.inf)
    np.maximum.at(g_zmax, tri_group, tri_zmax)

    sem = obj_has_sem[g_obj]
    valid = (area > 1e-6) & (nlen > 0) & obj_ok[g_obj]
    # semantic roofs; flip downward-facing ones (wrong ring orientation)
    is_roof_sem = sem & (g_sem == ROOF)
    flip = is_roof_sem & (normal[:, 2] < -1e-6)
    normal[flip] *= -1.0
    tilt = np.degrees(np.arccos(np.clip(normal[:, 2], -1.0, 1.0)))
    at_bottom = (g_zmax <= obj_zmin[g_obj] + 0.05) & (obj_zmax[g_obj] - obj_zmin[g_obj] > 0.5)
    is_roof_geo = ~sem & (tilt < opt.max_roof_tilt_deg) & ~at_bottom
    roof = valid & (is_roof_sem | is_roof_geo)
    facade = np.zeros(g, dtype=bool)
    if opt.include_facades:
        facade_sem = sem & (g_sem == WALL)
        facade_geo = ~sem & (tilt >= opt.max_roof_tilt_deg) & (tilt <= 100.0)
        facade = valid & ~roof & (facade_sem | facade_geo)
    keep = roof | facade
    sel = np.flatnonzero(keep)
    lookup = np.full(g, -1, dtype=np.int64)
    lookup[sel] = np.arange(len(sel))
    tri_surface = lookup[tri_group]
    # centroid (area-weighted triangle centroids)
    tri_centroid = corners.mean(axis=1)
    cen = _group_sum(tri_group, tri_centroid * areas_t[:, None], g) / np.maximum(area, 1e-12)[:, None]
    nrm = normal[sel]
    tilt_s = tilt[sel]
    horiz = np.hypot(nrm[:, 0], nrm[:, 1])
    azimuth = np.where(tilt_s >= 1.0, np.mod(np.degrees(np.arctan2(nrm[:, 0], nrm[:, 1])), 360.0), np.nan)
    azimuth = np.where(horiz > 0, azimuth, np.nan)
    polygon = np.where(ukey[sel] < n_poly, ukey[sel], -1)
    return RoofSurfaces(
        polygon=polygon.astype(np.int64), object_index=g_obj[sel], triangle_surface=tri_surface,
        area_m2=area[sel], normal=nrm, tilt_deg=tilt_s, azimuth_deg=azimuth, centroid=cen[sel],
        z_min_m=g_zmin[sel], z_max_m=g_zmax[sel], height_m=cen[sel, 2] - obj_zmin[g_obj[sel]],
        kind=np.where(roof[sel], "roof", "facade"), flipped=int(flip[sel].sum()),
    )


def subset_surfaces(surf: RoofSurfaces, keep, flipped: int | None = None) -> RoofSurfaces:
    """The surfaces where ``keep`` (S,) is True, renumbered (e.g. without the roofs of objects a
    scenario switched off with ``RayCaster.set_object_enabled``, or a batch partition's own);
    ``flipped`` replaces the count of reversed roof polygons (default: kept)."""
    keep = np.asarray(keep, dtype=bool)
    new_index = np.full(len(surf) + 1, -1, dtype=np.int64)
    new_index[:-1][keep] = np.arange(int(keep.sum()))
    ts = surf.triangle_surface
    tri_surface = np.where(ts >= 0, new_index[np.where(ts >= 0, ts, len(surf))], -1)
    pick = np.flatnonzero(keep)
    return RoofSurfaces(
        polygon=surf.polygon[pick], object_index=surf.object_index[pick], triangle_surface=tri_surface,
        area_m2=surf.area_m2[pick], normal=surf.normal[pick], tilt_deg=surf.tilt_deg[pick],
        azimuth_deg=surf.azimuth_deg[pick], centroid=surf.centroid[pick], z_min_m=surf.z_min_m[pick],
        z_max_m=surf.z_max_m[pick], height_m=surf.height_m[pick], kind=surf.kind[pick],
        flipped=surf.flipped if flipped is None else int(flipped),
    )


# ============================================================================ cumulative sky
@dataclass
class CumulativeSky:
    """Hourly weather turned into the cumulative sky used by :func:`compute_solar`.

    hours            (H,) indices into the weather of the time steps with any irradiance
    sun_dir          (H, 3) unit sun vectors of those steps (zero when the sun is down)
    beam_wh_m2       (H,) (DNI + circumsolar)·Δt, normal to the sun, Wh/m² (0 with the sun down)
    iso_wh_m2sr      (H,) isotropic sky radiance·Δt, Wh/(m²·sr)
    horizon_wh_m2rad (H,) horizon-band radiance·Δt, Wh/m² per radian of azimuth (may be < 0)
    ghi_wh_m2        (H,) GHI·Δt
    month            (H,) 1..12, local standard time of the weather file
    sun_bins         SunBins (hour_bin per step in ``hours``)
    sky              SkyPatches for the diffuse part
    horizon_vectors  (K, 3) ∫ horizontal direction dφ over the lowest-row patches
    horizon_patch    (K,) index of those patches in ``sky``
    """

    hours: np.ndarray
    sun_dir: np.ndarray
    beam_wh_m2: np.ndarray
    iso_wh_m2sr: np.ndarray
    horizon_wh_m2rad: np.ndarray
    ghi_wh_m2: np.ndarray
    month: np.ndarray
    sun_bins: SunBins
    sky: SkyPatches
    horizon_vectors: np.ndarray
    horizon_patch: np.ndarray


def perez_brightening(dhi, dni, zenith_deg, times=None, dni_extra=None, airmass=None,
                      model: str = "allsitescomposite1990"):
    """Perez et al. (1990) circumsolar (F1) and horizon (F2) brightening coefficients per time
    step, evaluated with pvlib's coefficient tables (``pvlib.irradiance.perez``). Steps with the
    sun at or below the horizon or without diffuse light get F1 = F2 = 0 (isotropic)."""
    from pvlib import atmosphere, irradiance

    dhi = np.asarray(dhi, dtype=np.float64)
    dni = np.asarray(dni, dtype=np.float64)
    z = np.asarray(zenith_deg, dtype=np.float64)
    if dni_extra is None:
        dni_extra = np.asarray(irradiance.get_extra_radiation(times), dtype=np.float64)
    if airmass is None:
        airmass = np.asarray(atmosphere.get_relative_airmass(z), dtype=np.float64)
    ok = (z < 90.0) & (dhi > 0) & np.isfinite(np.asarray(airmass, dtype=np.float64))
    f1 = np.zeros_like(dhi)
    f2 = np.zeros_like(dhi)
    if not ok.any():
        return f1, f2
    try:
        coef1, coef2 = irradiance._get_perez_coefficients(model)  # pvlib's published tables
        zr = np.radians(z[ok])
        kappa = 1.041
        eps = ((dhi[ok] + dni[ok]) / dhi[ok] + kappa * zr ** 3) / (1 + kappa * zr ** 3)
        delta = dhi[ok] * np.asarray(airmass)[ok] / np.asarray(dni_extra)[ok]
        ebin = np.digitize(eps, (1.065, 1.23, 1.5, 1.95, 2.8, 4.5, 6.2))
        c1, c2 = np.asarray(coef1)[ebin], np.asarray(coef2)[ebin]
        f1[ok] = np.maximum(c1[:, 0] + c1[:, 1] * delta + c1[:, 2] * zr, 0.0)
        f2[ok] = c2[:, 0] + c2[:, 1] * delta + c2[:, 2] * zr
    except (AttributeError, TypeError, ValueError):  # pragma: no cover - pvlib changed its internals
        # invert pvlib's public components: horizontal → F1, vertical facing the sun → F2
        kw = dict(dhi=dhi[ok], dni=dni[ok], dni_extra=np.asarray(dni_extra)[ok], solar_zenith=z[ok],
                  airmass=np.asarray(airmass)[ok], model=model, return_components=True)
        az = np.zeros(ok.sum())
        hz = irradiance.perez(0.0, 180.0, solar_azimuth=az, **kw)
        f1[ok] = np.clip(1.0 - np.asarray(hz["poa_isotropic"]) / dhi[ok], 0.0, None)
        vt = irradiance.perez(90.0, az, solar_azimuth=az, **kw)
        f2[ok] = np.asarray(vt["poa_horizon"]) / dhi[ok]
    return f1, f2


def cumulative_sky(weather, sky: str | SkyPatches = "tregenza", sun_mf: int = 1,
                   grid_north_deg: float = 0.0) -> CumulativeSky:
    """Turn a :class:`analysis.weather.Weather` into the cumulative sky (module docstring, 3./4.).
    ``grid_north_deg`` (true north clockwise from the model grid's north, ``analysis.sun.Site``)
    rotates the sun into the grid frame of the scene (meridian convergence)."""
    sky_p = sky if isinstance(sky, SkyPatches) else sky_by_name(sky)
    sp = weather.solar_position()
    elev = sp["elevation_deg"]
    zen = sp["zenith_deg"]
    az = np.mod(sp["azimuth_deg"] + float(grid_north_deg), 360.0)  # grid azimuth
    ghi, dni, dhi = weather.ghi, weather.dni, weather.dhi
    hours = np.flatnonzero((ghi > 0) | (dhi > 0) | (dni > 0))
    dt = float(weather.interval_h)
    f1, f2 = perez_brightening(dhi[hours], dni[hours], zen[hours], times=weather.time_utc[hours])
    up = elev[hours] > 0.0
    cosz = np.cos(np.radians(zen[hours]))
    circum_normal = np.where(up, dhi[hours] * f1 / np.maximum(cosz, math.cos(math.radians(85.0))), 0.0)
    beam = np.where(up, dni[hours] + circum_normal, 0.0) * dt
    iso = dhi[hours] * (1.0 - f1) / math.pi * dt
    horizon = np.where(up, dhi[hours] * f2 / 2.0, 0.0) * dt
    a = np.radians(elev[hours])
    p = np.radians(az[hours])
    sun_dir = np.column_stack([np.cos(a) * np.sin(p), np.cos(a) * np.cos(p), np.sin(a)])
    sun_dir[~up] = 0.0
    bins = bin_sun_positions(elev[hours], az[hours], weight=beam, mf=sun_mf)
    if sun_mf == sky_p.mf:  # sun in the sky's own patches: rays to the patch centres serve both
        bins = SunBins(hour_bin=bins.hour_bin, directions=sky_p.directions[bins.patch], patch=bins.patch,
                       sky=bins.sky)
    row0 = np.flatnonzero(sky_p.row == 0)
    p0, p1 = np.radians(sky_p.az_min_deg[row0]), np.radians(sky_p.az_max_deg[row0])
    hvec = np.column_stack([np.cos(p0) - np.cos(p1), np.sin(p1) - np.sin(p0), np.zeros(len(row0))])
    return CumulativeSky(hours=hours, sun_dir=sun_dir, beam_wh_m2=beam, iso_wh_m2sr=iso,
                         horizon_wh_m2rad=horizon, ghi_wh_m2=ghi[hours] * dt,
                         month=weather.local_month[hours], sun_bins=bins, sky=sky_p,
                         horizon_vectors=hvec, horizon_patch=row0)


# ============================================================================ result
@dataclass
class SolarResult:
    """Per-surface, per-sample and per-building results of :func:`compute_solar`.

    surfaces                 RoofSurfaces analysed
    samples                  Samples used
    sample_kwh_m2a           (N,) annual irradiation per sample
    irradiation_kwh_m2a      (S,) area-weighted mean annual irradiation per surface
    monthly_kwh_m2           (S, 12) mean monthly irradiation per surface
    unshaded_kwh_m2a         (S,) the same surface without any obstruction (for shading loss)
    beam_kwh_m2a             (S,) of which direct (beam + Perez circumsolar), with shading
    suitable_area_m2, kwp, yield_kwh_a   (S,) PV figures (module docstring)
    monthly_yield_kwh        (S, 12)
    building_ids             list of building ids (root parents of the objects)
    surface_building         (S,) index into building_ids
    object_ids               the scene's object ids (surfaces.object_index indexes them)
    annual_ghi_kwh_m2        of the weather used
    options, weather         inputs
    notes                    remarks (default weather, flipped roofs …)
    """

    surfaces: RoofSurfaces
    samples: SubdivisionSamples
    sample_kwh_m2a: np.ndarray
    irradiation_kwh_m2a: np.ndarray
    monthly_kwh_m2: np.ndarray
    unshaded_kwh_m2a: np.ndarray
    beam_kwh_m2a: np.ndarray
    suitable_area_m2: np.ndarray
    kwp: np.ndarray
    yield_kwh_a: np.ndarray
    monthly_yield_kwh: np.ndarray
    building_ids: list
    surface_building: np.ndarray
    object_ids: list
    annual_ghi_kwh_m2: float
    options: SolarOptions
    weather: object = None
    scene: object = None
    notes: list = field(default_factory=list)
    timings_s: dict = field(default_factory=dict)
    rays: int = 0

    # ------------------------------------------------------------------ aggregates
    def buildings(self) -> dict:
        """Per building id: dict of roof_area_m2, suitable_area_m2, kwp, yield_kwh_a,
        mean_kwh_m2a (area-weighted over its roof surfaces), surfaces, monthly_yield_kwh (12)."""
        nb = len(self.building_ids)
        sb = self.surface_building
        area = np.bincount(sb, weights=self.surfaces.area_m2, minlength=nb)
        irr = np.bincount(sb, weights=self.surfaces.area_m2 * self.irradiation_kwh_m2a, minlength=nb)
        suit = np.bincount(sb, weights=self.suitable_area_m2, minlength=nb)
        kwp = np.bincount(sb, weights=self.kwp, minlength=nb)
        yld = np.bincount(sb, weights=self.yield_kwh_a, minlength=nb)
        cnt = np.bincount(sb, minlength=nb)
        monthly = _group_sum(sb, self.monthly_yield_kwh, nb) if len(sb) else np.zeros((nb, MONTHS))
        out = {}
        for i, bid in enumerate(self.building_ids):
            out[bid] = {
                "roof_area_m2": float(area[i]),
                "suitable_area_m2": float(suit[i]),
                "kwp": float(kwp[i]),
                "yield_kwh_a": float(yld[i]),
                "mean_kwh_m2a": float(irr[i] / area[i]) if area[i] > 0 else 0.0,
                "surfaces": int(cnt[i]),
                "monthly_yield_kwh": [float(v) for v in monthly[i]],
            }
        return out

    def summary(self) -> dict:
        """The ``solar`` CLI JSON (docs/ARCHITECTURE.md keys plus extras)."""
        area = float(self.surfaces.area_m2.sum())
        total = float(self.yield_kwh_a.sum())
        mean = float((self.surfaces.area_m2 * self.irradiation_kwh_m2a).sum() / area) if area > 0 else 0.0
        monthly = self.monthly_yield_kwh.sum(axis=0) if len(self.monthly_yield_kwh) else np.zeros(MONTHS)
        return {
            "surfaces": int(len(self.surfaces)),
            "buildings": int(len(np.unique(self.surface_building))) if len(self.surface_building) else 0,
            "roof_area_m2": round(area, 2),
            "suitable_area_m2": round(float(self.suitable_area_m2.sum()), 2),
            "total_kwh_a": round(total, 1),
            "mean_kwh_m2a": round(mean, 1),
            "annual_ghi_kwh_m2": round(float(self.annual_ghi_kwh_m2), 1),
            "total_kwp": round(float(self.kwp.sum()), 2),
            "monthly_yield_kwh": [round(float(v), 1) for v in monthly],
            "sample_count": int(len(self.samples)),
            "rays": int(self.rays),
            "sky": self.options.sky,
            "grid_m": self.options.cell_m,
            "weather": getattr(self.weather, "source", None),
            "notes": list(self.notes),
        }

    def surface_rows(self, model=None, scene=None) -> list[dict]:
        """One dict per surface for CSV/GeoJSON (model polygon row included when known)."""
        return [self.surface_row(i, scene) for i in range(len(self.surfaces))]

    def surface_row(self, i: int, scene=None) -> dict:
        """The figures of surface ``i`` (units in the keys; azimuth None for flat roofs)."""
        sc = scene or self.scene
        mp = getattr(sc, "model_polygon", None) if sc is not None else None
        origin_z = float(sc.origin[2]) if sc is not None else 0.0
        s = self.surfaces
        poly = int(s.polygon[i])
        unshaded = float(self.unshaded_kwh_m2a[i])
        return {
            "building_id": self.building_ids[self.surface_building[i]],
            "object_id": self.object_ids[s.object_index[i]],
            "surface": int(i),
            "model_polygon": int(mp[poly]) if (mp is not None and poly >= 0) else None,
            "kind": str(s.kind[i]),
            "area_m2": round(float(s.area_m2[i]), 3),
            "tilt_deg": round(float(s.tilt_deg[i]), 2),
            "azimuth_deg": None if not np.isfinite(s.azimuth_deg[i]) else round(float(s.azimuth_deg[i]), 2),
            "height_m": round(float(s.height_m[i]), 3),
            "z_max_m": round(float(s.z_max_m[i] + origin_z), 3),
            "irradiation_kwh_m2a": round(float(self.irradiation_kwh_m2a[i]), 1),
            "unshaded_kwh_m2a": round(unshaded, 1),
            "direct_kwh_m2a": round(float(self.beam_kwh_m2a[i]), 1),
            "shading_loss": round(max(0.0, 1.0 - float(self.irradiation_kwh_m2a[i]) / unshaded), 4) if unshaded > 0 else 0.0,
            "suitable_area_m2": round(float(self.suitable_area_m2[i]), 3),
            "kwp": round(float(self.kwp[i]), 3),
            "yield_kwh_a": round(float(self.yield_kwh_a[i]), 1),
        }


def _root_building(model, oid):
    seen = set()
    cur = oid
    while model is not None and cur in model.objects and model.objects[cur].parents and cur not in seen:
        seen.add(cur)
        cur = model.objects[cur].parents[0]
    return cur


def model_site(scene):
    """The scene's site (``analysis.sun.Site``: WGS84 position, time zone, grid convergence), or
    None when the model has no usable CRS."""
    from stadtbild.model.errors import InputError

    from .sun import site_from_model

    try:
        return site_from_model(scene)
    except (InputError, ValueError, TypeError):
        return None


def _distance_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371.0 * math.acos(max(-1.0, min(1.0, c)))


def compute_solar(scene, weather=None, options: SolarOptions | None = None, raycaster=None,
                  model=None, surfaces: RoofSurfaces | None = None, object_types=BUILDING_TYPES,
                  progress=None, site=None, sky: CumulativeSky | None = None) -> SolarResult:
    """Annual irradiation and PV potential of every roof surface of ``scene`` (module docstring).

    weather     ``analysis.weather.Weather``; None = the default year for the scene's site
    site        ``analysis.sun.Site`` of the scene, if already known (None = from the scene's CRS)
    sky         ``cumulative_sky(weather, options.sky, options.sun_mf, site.grid_north_deg)``
                computed beforehand (e.g. once for all partitions of a batch run; needs
                ``weather``); None = computed here
    raycaster   a ``RayCaster`` over the (full) scene, built here if None; pass one with objects
                disabled (``set_object_enabled``) to evaluate a scenario without rebuilding: the
                disabled objects neither shade nor get analysed
    model       the CityModel (to aggregate BuildingParts to their Building), optional
    progress    callable(done, total) for the ray casting
    """
    import time

    from .raycast import RayCaster

    opt = options or SolarOptions()
    opt.validate()
    timings = {}
    t0 = time.perf_counter()
    notes = []
    if site is None:
        site = model_site(scene)
    grid_north = site.grid_north_deg if site is not None else 0.0
    if sky is not None and (weather is None or sky.sky.n != sky_by_name(opt.sky).n):
        raise ValueError("a precomputed cumulative sky needs its weather and the options' sky patches")
    if weather is None:
        from .weather import default_weather

        if site is None:
            notes.append("model has no CRS: default weather for central Germany (51° N, 10° E)")
            weather = default_weather(51.0, 10.0)
        else:
            weather = default_weather(site.latitude_deg, site.longitude_deg, max(site.elevation_m, 0.0))
    elif site is not None:
        far = _distance_km(site.latitude_deg, site.longitude_deg, weather.latitude_deg, weather.longitude_deg)
        if far > 100.0:
            notes.append(f"weather site ({weather.latitude_deg:.2f}°, {weather.longitude_deg:.2f}°) is "
                         f"{far:.0f} km from the model")
    notes.extend(getattr(weather, "notes", []))
    surf = surfaces if surfaces is not None else find_roof_surfaces(scene, opt, object_types)
    enabled = getattr(raycaster, "enabled_objects", None) if raycaster is not None else None
    if enabled is not None and len(surf) and not np.all(enabled):
        surf = subset_surfaces(surf, np.asarray(enabled, dtype=bool)[surf.object_index])
    if surf.flipped:
        notes.append(f"{surf.flipped} roof surface(s) with downward normals were flipped")
    samples = subdivision_samples(scene, surf, opt.cell_m, opt.offset_m, opt.max_subdivisions)
    timings["surfaces_samples"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    cs = sky if sky is not None else cumulative_sky(weather, opt.sky, opt.sun_mf, grid_north)
    S = len(surf)
    P = cs.sky.n
    B = cs.sun_bins.n
    normals = surf.normal
    # plane factors per surface
    g_sky = np.maximum(normals @ cs.sky.vector_integral.T, 0.0)              # (S, P) sr
    g_hor = np.maximum(normals @ cs.horizon_vectors.T, 0.0)                  # (S, K) rad
    cos_tilt = np.clip(normals[:, 2], -1.0, 1.0)
    ground_factor = opt.albedo * (1.0 - cos_tilt) / 2.0                     # (S,)
    # beam per surface and sun bin, and monthly one-hot of steps
    hb = cs.sun_bins.hour_bin
    lit = np.flatnonzero(hb >= 0)
    import scipy.sparse as sparse

    bin_onehot = sparse.csr_matrix((np.ones(len(lit)), (np.arange(len(lit)), hb[lit])), shape=(len(lit), max(B, 1)))
    month_idx = cs.month - 1
    month_lit = sparse.csr_matrix((np.ones(len(lit)), (np.arange(len(lit)), month_idx[lit])), shape=(len(lit), MONTHS))
    sun_lit = cs.sun_dir[lit]
    beam_lit = cs.beam_wh_m2[lit]
    E_bin = np.zeros((S, max(B, 1)))
    chunk = max(1, int(4_000_000 // max(len(lit), 1)))
    for a in range(0, S, chunk):
        b_ = min(a + chunk, S)
        cosi = np.maximum(normals[a:b_] @ sun_lit.T, 0.0) * beam_lit[None, :]   # (Sc, L) Wh/m²
        E_bin[a:b_] = np.asarray((bin_onehot.T @ cosi.T).T)
    iso_total = cs.iso_wh_m2sr.sum()
    hor_total = cs.horizon_wh_m2rad.sum()
    ghi_total = cs.ghi_wh_m2.sum()
    timings["sky"] = time.perf_counter() - t1

    # visibility: sky patch centres + sun bins
    t2 = time.perf_counter()
    rc = raycaster if raycaster is not None else RayCaster(scene)
    shared = B > 0 and cs.sun_bins.sky.mf == cs.sky.mf
    if shared or not B:
        directions = cs.sky.directions
        sun_cols = cs.sun_bins.patch  # sun visibility = visibility of the bin's sky patch
    else:
        directions = np.concatenate([cs.sky.directions, cs.sun_bins.directions])
        sun_cols = P + np.arange(B)
    sample_normals = normals[samples.surface]
    n = len(samples)
    sample_wh = np.zeros(n)
    sample_beam_wh = np.zeros(n)
    vis_sky_mean = np.zeros((S, P))
    vis_sun_mean = np.zeros((S, max(B, 1)))
    rays = 0
    per = max(1, int(opt.rays_per_batch // max(len(directions), 1)))
    wsum = np.bincount(samples.surface, weights=samples.weight_m2, minlength=S)
    for start in range(0, n, per):
        stop = min(start + per, n)
        s_idx = samples.surface[start:stop]
        nn = sample_normals[start:stop]
        front = (nn @ directions.T) > 1e-3
        if B and not shared:
            front[:, P:] &= E_bin[s_idx][:, :B] > 0
        ii, dd = np.nonzero(front)
        vis = np.zeros((stop - start, len(directions)), dtype=bool)
        if len(ii):
            occ = rc.occluded(samples.origins[start + ii], directions[dd])
            vis[ii, dd] = ~occ
            rays += len(ii)
        vs = vis[:, :P]
        vsun = vis[:, sun_cols] if B else None
        sky_wh = iso_total * np.einsum("ij,ij->i", vs, g_sky[s_idx])
        hor_wh = hor_total * np.einsum("ij,ij->i", vs[:, cs.horizon_patch], g_hor[s_idx])
        beam_wh = np.einsum("ij,ij->i", vsun, E_bin[s_idx][:, :B]) if B else 0.0
        sample_wh[start:stop] = beam_wh + np.maximum(sky_wh + hor_wh, 0.0) + ground_factor[s_idx] * ghi_total
        sample_beam_wh[start:stop] = beam_wh
        # weighted visibility sums per surface: (surfaces in batch × samples) sparse @ (samples × dirs)
        u, inv = np.unique(s_idx, return_inverse=True)
        wm = sparse.csr_matrix((samples.weight_m2[start:stop], (inv, np.arange(len(inv)))), shape=(len(u), len(inv)))
        vis_sky_mean[u] += np.asarray(wm @ vs.astype(np.float64))
        if B:
            vis_sun_mean[u] += np.asarray(wm @ vsun.astype(np.float64))
        if progress is not None:
            progress(stop, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        vis_sky_mean /= np.where(wsum > 0, wsum, 1.0)[:, None]
        vis_sun_mean /= np.where(wsum > 0, wsum, 1.0)[:, None]
    timings["rays"] = time.perf_counter() - t2

    # per-surface annual and monthly, shaded and unshaded
    t3 = time.perf_counter()
    sample_kwh = sample_wh / 1000.0
    irr = np.divide(np.bincount(samples.surface, weights=samples.weight_m2 * sample_kwh, minlength=S),
                    wsum, out=np.zeros(S), where=wsum > 0)
    beam_kwh = np.divide(np.bincount(samples.surface, weights=samples.weight_m2 * sample_beam_wh / 1000.0,
                                     minlength=S), wsum, out=np.zeros(S), where=wsum > 0)
    iso_m = np.bincount(month_idx, weights=cs.iso_wh_m2sr, minlength=MONTHS)
    hor_m = np.bincount(month_idx, weights=cs.horizon_wh_m2rad, minlength=MONTHS)
    ghi_m = np.bincount(month_idx, weights=cs.ghi_wh_m2, minlength=MONTHS)
    sky_factor = np.einsum("ij,ij->i", vis_sky_mean, g_sky)
    hor_factor = np.einsum("ij,ij->i", vis_sky_mean[:, cs.horizon_patch], g_hor)
    monthly = np.outer(sky_factor, iso_m) + np.outer(hor_factor, hor_m) + np.outer(ground_factor, ghi_m)
    front_sky = (normals @ cs.sky.directions.T) > 1e-3
    unshaded = (iso_total * (g_sky * front_sky).sum(axis=1)
                + hor_total * (g_hor * front_sky[:, cs.horizon_patch]).sum(axis=1)
                + ground_factor * ghi_total)
    if B:
        front_sun = (normals @ cs.sun_bins.directions.T) > 1e-3
        unshaded = unshaded + (E_bin[:, :B] * front_sun).sum(axis=1)
        for a in range(0, S, chunk):
            b_ = min(a + chunk, S)
            cosi = np.maximum(normals[a:b_] @ sun_lit.T, 0.0) * beam_lit[None, :]
            cosi *= vis_sun_mean[a:b_][:, hb[lit]]
            monthly[a:b_] += np.asarray((month_lit.T @ cosi.T).T)
    monthly_kwh = monthly / 1000.0
    unshaded_kwh = unshaded / 1000.0

    # PV
    big = surf.area_m2 >= opt.min_area_m2
    suitable_sample = big[samples.surface] & (sample_kwh >= opt.threshold_kwh_m2a)
    suit_area = np.bincount(samples.surface, weights=samples.weight_m2 * suitable_sample, minlength=S)
    suit_area = np.where(suit_area >= opt.min_area_m2, suit_area, 0.0)
    suitable_sample &= suit_area[samples.surface] > 0
    suit_h_area = np.bincount(samples.surface, weights=samples.weight_m2 * sample_kwh * suitable_sample, minlength=S)
    eta = opt.kwp_per_m2 / 1.0  # kWp per m² at STC irradiance 1 kW/m²
    yield_kwh = suit_h_area * eta * opt.performance_ratio
    kwp = suit_area * opt.kwp_per_m2
    share = np.divide(monthly_kwh, monthly_kwh.sum(axis=1, keepdims=True), out=np.zeros_like(monthly_kwh),
                      where=monthly_kwh.sum(axis=1, keepdims=True) > 0)
    monthly_yield = share * yield_kwh[:, None]

    # buildings
    roots = [_root_building(model, oid) for oid in scene.object_ids]
    building_ids, obj_building = np.unique(np.asarray(roots, dtype=object).astype(str), return_inverse=True) \
        if roots else (np.zeros(0, dtype=str), np.zeros(0, np.int64))
    building_ids = [str(b) for b in building_ids]
    used_b = np.unique(obj_building[surf.object_index]) if S else np.zeros(0, np.int64)
    remap = np.full(len(building_ids), -1, dtype=np.int64)
    remap[used_b] = np.arange(len(used_b))
    surface_building = remap[obj_building[surf.object_index]] if S else np.zeros(0, np.int64)
    building_ids = [building_ids[i] for i in used_b]
    if grid_north:  # report azimuths from true north
        surf.azimuth_deg = np.where(np.isfinite(surf.azimuth_deg), np.mod(surf.azimuth_deg - grid_north, 360.0), np.nan)
    timings["aggregate"] = time.perf_counter() - t3
    timings["total"] = time.perf_counter() - t0
    return SolarResult(
        surfaces=surf, samples=samples, sample_kwh_m2a=sample_kwh, irradiation_kwh_m2a=irr,
        monthly_kwh_m2=monthly_kwh, unshaded_kwh_m2a=unshaded_kwh, beam_kwh_m2a=beam_kwh, suitable_area_m2=suit_area, kwp=kwp,
        yield_kwh_a=yield_kwh, monthly_yield_kwh=monthly_yield, building_ids=building_ids,
        surface_building=surface_building.astype(np.int64), object_ids=list(scene.object_ids),
        annual_ghi_kwh_m2=float(weather.annual_ghi_kwh_m2), options=opt, weather=weather, scene=scene,
        notes=notes, timings_s=timings, rays=rays,
    )


def scenario_difference(base: SolarResult, scenario: SolarResult, min_change_fraction: float = 0.005) -> dict:
    """Yield change of every building present in both results (the neighbours of inserted or
    changed buildings): ``{"buildings": {id: {"before_kwh_a", "after_kwh_a", "change_kwh_a"}},
    "neighbour_loss_kwh_a"`` (sum of the losses of buildings that lose), ``"neighbour_change_kwh_a"``
    (net change of the common buildings), ``"affected"`` (ids whose yield changes by at least
    ``min_change_fraction`` of it and at least 1 kWh/a, biggest loss first), ``"changed_count"``
    (any change), ``"inserted"``/``"removed"`` (ids only in one result)``}``.
    Buildings the scenario itself edited keep their own (new) roofs in the comparison."""
    before = base.buildings()
    after = scenario.buildings()
    common = [b for b in before if b in after]
    table = {}
    loss = change = 0.0
    for b in common:
        e0, e1 = before[b]["yield_kwh_a"], after[b]["yield_kwh_a"]
        d = e1 - e0
        table[b] = {"before_kwh_a": e0, "after_kwh_a": e1, "change_kwh_a": d,
                    "change_fraction": d / e0 if e0 > 0 else 0.0}
        change += d
        loss += max(-d, 0.0)
    return {
        "buildings": table,
        "neighbour_loss_kwh_a": loss,
        "neighbour_change_kwh_a": change,
        "affected": sorted((b for b in common
                            if abs(table[b]["change_kwh_a"]) >= max(1.0, min_change_fraction * before[b]["yield_kwh_a"])),
                           key=lambda b: table[b]["change_kwh_a"]),
        "changed_count": sum(1 for b in common if abs(table[b]["change_kwh_a"]) > 1e-9),
        "inserted": [b for b in after if b not in before],
        "removed": [b for b in before if b not in after],
    }
