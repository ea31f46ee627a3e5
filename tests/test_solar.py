"""Roof solar potential (analysis.solar, analysis.skypatches, analysis.weather, cli.solar).

References: pvlib's own Perez transposition (``pvlib.irradiance.get_total_irradiance``), the weather
file's GHI sum, analytic sky geometry (solid angles, hemisphere integrals), Monte-Carlo direction
counts, pvlib's bundled TMY3 files and readers, pyproj for the TRY site.
"""
from __future__ import annotations

import json
import math
import sys

import numpy as np
import pandas as pd
import pvlib
import pytest

from stadtbild.model.errors import InputError
from stadtbild.model.semantics import ROOF
from tests.conftest import data_file
from tests.helpers import box_model, box_polygons, model_from_solids

# a realistic site in EPSG:25832 (UTM 32N): x = 500 km lies on the central meridian (no grid
# convergence), y = 5.75e6 m ≈ 51.9° N
X0, Y0 = 500000.0, 5750000.0
LAT, LON = 51.89, 9.0


# --------------------------------------------------------------------------- weather files written here
def _clear_sky_frame(lat, lon, utc_offset_h):
    """Hourly clear sky (pvlib Ineichen) for a non-leap local standard-time year, at the interval
    midpoints, as EPW-style rows (local month/day/hour 1..24)."""
    local_start = pd.date_range("2023-01-01 00:00", periods=8760, freq="h")
    mid_utc = (local_start + pd.Timedelta(minutes=30) - pd.Timedelta(hours=utc_offset_h)).tz_localize("UTC")
    site = pvlib.location.Location(lat, lon, tz="UTC")
    cs = site.get_clearsky(mid_utc, model="ineichen")
    return local_start, cs


def write_epw(path, lat=LAT, lon=LON, tz=1.0, scale_dni=1.0):
    """A minimal EnergyPlus weather file (8 header lines, 35 fields per hour)."""
    local_start, cs = _clear_sky_frame(lat, lon, tz)
    ghi = np.round(cs["ghi"].to_numpy()).astype(int)
    dni = np.round(cs["dni"].to_numpy() * scale_dni).astype(int)
    dhi = np.round(cs["dhi"].to_numpy()).astype(int)
    lines = [f"LOCATION,Teststadt,NI,DEU,synthetic,000000,{lat},{lon},{tz},60.0",
             "DESIGN CONDITIONS,0", "TYPICAL/EXTREME PERIODS,0", "GROUND TEMPERATURES,0",
             "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0", "COMMENTS 1,clear sky from pvlib", "COMMENTS 2,test",
             "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31"]
    for k, t in enumerate(local_start):
        hour = t.hour + 1
        row = [2023, t.month, t.day, hour, 60, "A7A7A7A7*0?9?9?9?9?9?9?9A7A7A7A7A7A7*0E8*0*0",
               10.0, 5.0, 70, 101325, 0, 1367, 300, ghi[k], dni[k], dhi[k], 0, 0, 0, 0, 180, 2.0,
               5, 5, 20.0, 77777, 9, 999999999, 10, 0.1, 0, 88, 0.2, 0, 0]
        lines.append(",".join(str(v) for v in row))
    path.write_text("\n".join(lines) + "\n")
    return path, ghi.sum() / 1000.0


def write_dwd_try(path, lat=LAT, lon=LON):
    """A DWD TRY 2015-format file (MEZ, hour 1..24 ending) with B = DNI·cos z, D = DHI."""
    from pyproj import Transformer

    local_start, cs = _clear_sky_frame(lat, lon, 1.0)
    rw, hw = Transformer.from_crs(4326, 3034, always_xy=True).transform(lon, lat)
    ghi = cs["ghi"].to_numpy()
    dhi = np.round(cs["dhi"].to_numpy()).astype(int)
    b = np.maximum(np.round(ghi).astype(int) - dhi, 0)
    head = ["Koordinatensystem : Lambert konform konisch", f"Rechtswert        : {rw:.0f} Meter",
            f"Hochwert          : {hw:.0f} Meter", "Hoehenlage        : 60 Meter ueber NN",
            "Erstellung des Datensatzes im Mai 2017", "Art des TRY       : mittleres Jahr",
            "Bezugszeitraum    : 1995-2012", "",
            "Format: (i7,1x,i7,1x,i2,1x,i2,1x,i2,1x,f5.1,1x,i4,1x,i3,1x,f4.1,1x,i1,1x,f4.1,1x,i3,1x,i4,1x,i4,1x,i3,1x,i4,2x,i1)",
            "", "Reihenfolge der Parameter:", "RW Rechtswert                                                    [m]",
            "B  Direkte Sonnenbestrahlungsstaerke (horiz. Ebene)              [W/m^2]",
            "D  Diffuse Sonnenbetrahlungsstaerke (horiz. Ebene)               [W/m^2]", "",
            "    RW      HW MM DD HH     t    p  WR   WG N    x  RF    B    D   A    E IL", "***"]
    rows = []
    for k, t in enumerate(local_start):
        rows.append(f"{rw:7.0f} {hw:7.0f} {t.month:2d} {t.day:2d} {t.hour + 1:2d}   5.0 1010 180  3.0 5  5.0  80 "
                    f"{b[k]:4d} {dhi[k]:4d} 300 -350  1")
    path.write_text("\n".join(head + rows) + "\n", encoding="latin-1")
    return path, (b + dhi).sum() / 1000.0


def write_pvgis_csv(path, lat=LAT, lon=LON, offset_h=0.1761):
    """A PVGIS TMY CSV as served by re.jrc.ec.europa.eu (UTC stamps HH:00, time offset line)."""
    times = pd.date_range("2019-01-01 00:00", periods=8760, freq="h", tz="UTC")
    site = pvlib.location.Location(lat, lon, tz="UTC")
    cs = site.get_clearsky(times + pd.Timedelta(hours=offset_h), model="ineichen")
    lines = [f"Latitude (decimal degrees): {lat}", f"Longitude (decimal degrees): {lon}", "Elevation (m): 60",
             f"Irradiance Time Offset (h): {offset_h}", "month,year"]
    lines += [f"{m},2019" for m in range(1, 13)]
    lines.append("time(UTC),T2m,RH,G(h),Gb(n),Gd(h),IR(h),WS10m,WD10m,SP")
    for k, t in enumerate(times):
        lines.append(f"{t:%Y%m%d:%H%M},10.0,80.0,{cs['ghi'].iloc[k]:.2f},{cs['dni'].iloc[k]:.2f},"
                     f"{cs['dhi'].iloc[k]:.2f},300.0,2.0,180.0,101000")
    lines += ["T2m: 2-m air temperature (degree Celsius)", "G(h): Global irradiance on the horizontal plane (W/m2)"]
    path.write_text("\r\n".join(lines) + "\r\n")
    return path, cs["ghi"].sum() / 1000.0


@pytest.fixture(scope="module")
def epw(tmp_path_factory):
    return write_epw(tmp_path_factory.mktemp("weather") / "test.epw")


@pytest.fixture(scope="module")
def epw_weather(epw):
    from stadtbild.analysis.weather import read_weather

    return read_weather(epw[0])


@pytest.fixture(scope="module")
def typical_weather():
    from stadtbild.analysis.weather import default_weather

    return default_weather(LAT, LON)


def plane_solid(oid, tilt_deg, azimuth_deg, centre, size=10.0):
    """A single square roof polygon (no semantics) facing ``azimuth_deg`` with ``tilt_deg``."""
    t, a = np.radians(tilt_deg), np.radians(azimuth_deg)
    down = np.array([np.sin(a) * np.cos(t), np.cos(a) * np.cos(t), -np.sin(t)])
    across = np.array([np.cos(a), -np.sin(a), 0.0])
    c = np.asarray(centre, float)
    h = size / 2
    v = np.array([c - down * h - across * h, c + down * h - across * h, c + down * h + across * h,
                  c - down * h + across * h])
    n = np.cross(v[1] - v[0], v[2] - v[0])
    return oid, v, [([0, 1, 2, 3] if n[2] > 0 else [3, 2, 1, 0], 0)]


def _solar(model, weather, **kw):
    from stadtbild.analysis.solar import SolarOptions, compute_solar

    return compute_solar(model.scene(), weather, SolarOptions(**kw), model=model)


# --------------------------------------------------------------------------- sky patches
@pytest.mark.parametrize("mf,count", [(1, 145), (2, 577), (4, 2305)])
def test_sky_patch_counts_and_hemisphere_integrals(mf, count):
    from stadtbild.analysis.skypatches import sky_patches

    s = sky_patches(mf)
    assert s.n == count
    assert s.solid_angle_sr.sum() == pytest.approx(2 * np.pi, rel=1e-12)
    # ∫ cos(zenith) dΩ over the hemisphere = π; ∫ horizontal components = 0
    assert s.vector_integral[:, 2].sum() == pytest.approx(np.pi, rel=1e-12)
    assert np.abs(s.vector_integral[:, :2].sum(axis=0)).max() < 1e-9
    assert (s.locate(s.altitude_deg, s.azimuth_deg) == np.arange(count)).all()


def test_tregenza_rows_and_patch_solid_angles_match_monte_carlo():
    from stadtbild.analysis.skypatches import sky_patches

    s = sky_patches(1)
    assert s.row_counts == (30, 30, 24, 24, 18, 12, 6)
    assert s.row_height_deg == pytest.approx(12.0)
    assert np.unique(s.altitude_deg).round(6).tolist() == [6, 18, 30, 42, 54, 66, 78, 90]
    rng = np.random.default_rng(3)
    n = 400_000
    z = rng.uniform(0, 1, n)  # uniform on the hemisphere: cos(zenith) uniform
    alt = np.degrees(np.arcsin(z))
    az = rng.uniform(0, 360, n)
    counts = np.bincount(s.locate(alt, az), minlength=s.n)
    expected = s.solid_angle_sr / (2 * np.pi) * n
    assert np.abs(counts - expected).max() < 5 * np.sqrt(expected.max())
    assert (s.locate([-1.0], [0.0]) == -1).all()


def test_sun_bins_contain_their_hours():
    from stadtbild.analysis.skypatches import bin_sun_positions, sky_patches

    rng = np.random.default_rng(1)
    alt = rng.uniform(-10, 70, 2000)
    az = rng.uniform(0, 360, 2000)
    bins = bin_sun_positions(alt, az, weight=np.ones(2000), mf=2)
    sky = sky_patches(2)
    up = alt > 0
    assert (bins.hour_bin[~up] == -1).all() and (bins.hour_bin[up] >= 0).all()
    assert (bins.patch[bins.hour_bin[up]] == sky.locate(alt[up], az[up])).all()
    # the representative direction of every bin lies in its patch
    d = bins.directions
    b_alt = np.degrees(np.arcsin(d[:, 2]))
    b_az = np.degrees(np.arctan2(d[:, 0], d[:, 1])) % 360
    assert (sky.locate(b_alt, b_az) == bins.patch).all()


# --------------------------------------------------------------------------- weather readers
def test_tmy3_reader_against_the_file_read_with_csv():
    """The reference is the file itself, read here with the csv module (NSRDB TMY3 layout: line 1
    station, TZ, latitude, longitude, elevation; line 2 column names; then hour-ending local
    standard time stamps), not pvlib's reader that production uses."""
    import csv
    from pathlib import Path

    from stadtbild.analysis.weather import read_weather

    path = Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    station, header, data = rows[0], rows[1], rows[2:]
    tz, lat, lon = float(station[3]), float(station[4]), float(station[5])
    col = {name: header.index(name) for name in ("GHI (W/m^2)", "DNI (W/m^2)", "DHI (W/m^2)")}
    ghi = np.array([float(r[col["GHI (W/m^2)"]]) for r in data])
    dni = np.array([float(r[col["DNI (W/m^2)"]]) for r in data])
    dhi = np.array([float(r[col["DHI (W/m^2)"]]) for r in data])
    w = read_weather(path)
    assert w.kind == "tmy3" and len(w) == len(data) == 8760
    assert (w.latitude_deg, w.longitude_deg, w.utc_offset_h) == (lat, lon, tz) == (36.1, -79.95, -5.0)
    np.testing.assert_array_equal(w.ghi, ghi)
    np.testing.assert_array_equal(w.dni, dni)
    np.testing.assert_array_equal(w.dhi, dhi)
    assert w.annual_ghi_kwh_m2 == pytest.approx(ghi.sum() / 1000.0, rel=1e-12)
    # first interval: "01/01/1988,01:00" ends at 01:00 local standard time (UTC-5) -> midpoint
    # 00:30 local = 05:30 UTC (the year is normalised to a non-leap year)
    assert (data[0][0], data[0][1]) == ("01/01/1988", "01:00")
    assert w.time_utc[0] == pd.Timestamp("2023-01-01 05:30", tz="UTC")
    assert w.time_utc[-1] == pd.Timestamp("2024-01-01 04:30", tz="UTC")


def test_epw_reader_sums_and_site(epw, epw_weather):
    path, ghi_sum = epw
    w = epw_weather
    assert w.kind == "epw" and len(w) == 8760
    assert w.annual_ghi_kwh_m2 == pytest.approx(ghi_sum)
    assert (w.latitude_deg, w.longitude_deg, w.utc_offset_h) == (LAT, LON, 1.0)
    # hour 1 local (UTC+1) = interval 00:00-01:00 MEZ -> midpoint 23:30 UTC the day before
    assert w.time_utc[0] == pd.Timestamp("2022-12-31 23:30", tz="UTC")
    # sun positions at the midpoints are those the file was generated with: noon symmetry
    sp = w.solar_position()
    day = slice(24 * 171, 24 * 172)  # 21 June local
    peak = np.argmax(w.ghi[day])
    assert abs(sp["azimuth_deg"][day][peak] - 180.0) < 10.0


def test_dwd_try_reader(tmp_path):
    from stadtbild.analysis.weather import read_weather

    path, ghi_sum = write_dwd_try(tmp_path / "TRY2015_Jahr.dat")
    w = read_weather(path)
    assert w.kind == "dwd-try" and len(w) == 8760
    assert w.annual_ghi_kwh_m2 == pytest.approx(ghi_sum, rel=1e-9)
    assert w.latitude_deg == pytest.approx(LAT, abs=0.01) and w.longitude_deg == pytest.approx(LON, abs=0.01)
    assert w.altitude_m == 60.0
    # closure GHI = DNI·cos z + DHI, and DNI recovered from B where the sun is up
    sp = w.solar_position()
    cosz = np.maximum(np.cos(np.radians(sp["zenith_deg"])), 0)
    assert np.allclose(w.dni * cosz + w.dhi, w.ghi, atol=1e-6)
    _, cs = _clear_sky_frame(LAT, LON, 1.0)
    high = sp["elevation_deg"] > 15
    assert np.median(np.abs(w.dni[high] - cs["dni"].to_numpy()[high])) < 5.0


def test_pvgis_csv_reader(tmp_path):
    from stadtbild.analysis.weather import read_weather

    path, ghi_sum = write_pvgis_csv(tmp_path / "tmy_51.890_9.000.csv")
    w = read_weather(path)
    assert w.kind == "pvgis"
    assert w.annual_ghi_kwh_m2 == pytest.approx(ghi_sum, rel=1e-6)
    assert w.time_utc[0] == pd.Timestamp("2019-01-01 00:00", tz="UTC") + pd.Timedelta(hours=0.1761)


@pytest.mark.parametrize("content,name", [(b"", "empty.epw"), (b"hello world\n" * 30, "bad.epw"),
                                           (b"foo;bar\n1;2\n", "bad.csv"), (b"no columns here\n", "x.dat")])
def test_bad_weather_files_raise_input_error(tmp_path, content, name):
    from stadtbild.analysis.weather import read_weather

    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(InputError):
        read_weather(p)
    with pytest.raises(InputError):
        read_weather(tmp_path / "missing.epw")


def test_default_weather_scaled_to_typical_site_value(typical_weather):
    from stadtbild.analysis.weather import typical_annual_ghi

    w = typical_weather
    target, unc, _ = typical_annual_ghi(LAT, LON)
    assert 1000 <= target <= 1100 and unc > 0
    assert w.annual_ghi_kwh_m2 == pytest.approx(target, rel=1e-6)
    sp = w.solar_position()
    cosz = np.maximum(np.cos(np.radians(sp["zenith_deg"])), 0)
    assert np.allclose(w.dni * cosz + w.dhi, w.ghi, atol=1e-6)
    diffuse_share = w.dhi.sum() / w.ghi.sum()
    assert 0.5 <= diffuse_share <= 0.65
    monthly = np.bincount(w.local_month, weights=w.ghi)[1:]
    assert monthly[5] > 6 * monthly[11]  # June vs December at 52° N


# --------------------------------------------------------------------------- surfaces and samples
def test_roofs_by_semantics_and_by_normal():
    from stadtbild.analysis.solar import find_roof_surfaces

    sem = box_model([("a", X0, Y0, X0 + 10, Y0 + 8, 50, 56)])
    s = find_roof_surfaces(sem.scene())
    assert len(s) == 1 and s.area_m2[0] == pytest.approx(80.0) and s.tilt_deg[0] == pytest.approx(0.0)
    assert s.height_m[0] == pytest.approx(6.0)
    # the same box without semantics: only the top face (not the ground face, not walls)
    v, faces = box_polygons(X0, Y0, X0 + 10, Y0 + 8, 50, 56)
    plain = model_from_solids([("b", v, [(ring, 0) for ring, _ in faces])])
    p = find_roof_surfaces(plain.scene())
    assert len(p) == 1 and p.centroid[0, 2] + plain.scene().origin[2] == pytest.approx(56.0)
    # a low plain object (0.8 m, e.g. a plinth): its top is a roof, only its floor is left out
    lv, lfaces = box_polygons(X0, Y0, X0 + 10, Y0 + 8, 50, 50.8)
    low = model_from_solids([("low", lv, [(ring, 0) for ring, _ in lfaces])])
    lo = find_roof_surfaces(low.scene())
    assert len(lo) == 1 and lo.centroid[0, 2] + low.scene().origin[2] == pytest.approx(50.8)
    # a RoofSurface stored upside down is flipped, counted
    flipped = model_from_solids([("c", v, [(ring[::-1] if code == ROOF else ring, code) for ring, code in faces])])
    f = find_roof_surfaces(flipped.scene())
    assert f.flipped == 1 and f.normal[0, 2] == pytest.approx(1.0)


@pytest.mark.parametrize("tilt,az", [(30, 180), (45, 90), (20, 300)])
def test_tilt_and_azimuth_convention(tilt, az):
    from stadtbild.analysis.solar import find_roof_surfaces

    m = model_from_solids([plane_solid("p", tilt, az, (X0, Y0, 60))])
    s = find_roof_surfaces(m.scene())
    assert s.tilt_deg[0] == pytest.approx(tilt, abs=1e-6)
    assert s.azimuth_deg[0] == pytest.approx(az, abs=1e-6)
    assert s.area_m2[0] == pytest.approx(100.0)


@pytest.mark.parametrize("grid", [0.5, 1.0, 3.0])
def test_samples_cover_area_on_grid(grid):
    from stadtbild.analysis.samples import subdivision_samples
    from stadtbild.analysis.solar import find_roof_surfaces

    m = box_model([("a", X0, Y0, X0 + 12, Y0 + 9, 50, 56)])
    sc = m.scene()
    s = find_roof_surfaces(sc)
    smp = subdivision_samples(sc, s, cell_m=grid, offset_m=0.01)
    assert smp.weight_m2.sum() == pytest.approx(108.0)
    # k² sub-triangles per triangle: the density is quantised to within a factor (k ± ½)²/k²
    assert 0.6 * 108 / grid**2 <= len(smp) <= 1.6 * 108 / grid**2 + 2
    pts = smp.points + sc.origin
    assert np.allclose(pts[:, 2], 56.0) and np.allclose(smp.origins[:, 2] - smp.points[:, 2], 0.01)
    assert pts[:, 0].min() > X0 and pts[:, 0].max() < X0 + 12
    assert pts[:, 1].min() > Y0 and pts[:, 1].max() < Y0 + 9


# --------------------------------------------------------------------------- irradiation vs references
def test_unshaded_horizontal_roof_gets_annual_ghi(epw_weather, typical_weather):
    m = box_model([("a", X0, Y0, X0 + 10, Y0 + 10, 50, 56)])
    for w in (epw_weather, typical_weather):
        r = _solar(m, w)
        assert r.irradiation_kwh_m2a[0] == pytest.approx(w.annual_ghi_kwh_m2, rel=0.02)
        assert r.monthly_kwh_m2[0].sum() == pytest.approx(r.irradiation_kwh_m2a[0], rel=1e-9)
        assert r.summary()["annual_ghi_kwh_m2"] == pytest.approx(w.annual_ghi_kwh_m2, abs=0.05)


def _reference_sun(times):
    """Sun positions for the references from pvlib's *ephemeris* algorithm (Grover Hughes,
    "Engineering Astronomy", Sandia 1985), not the NREL SPA that production uses: (apparent
    zenith, azimuth) in degrees."""
    sp = pvlib.solarposition.ephemeris(times, LAT, LON)
    return sp["apparent_zenith"].to_numpy(), sp["azimuth"].to_numpy()


def _perez_reference_kwh(times, ghi, dni, dhi, tilt, azimuth, albedo=0.2):
    """Annual POA irradiation (kWh/m²) of a plane given by the tilt/azimuth it was BUILT with,
    from pvlib's public Perez transposition with independent sun positions."""
    zen, az = _reference_sun(times)
    tot = pvlib.irradiance.get_total_irradiance(
        tilt, azimuth, zen, az, dni, ghi, dhi, dni_extra=pvlib.irradiance.get_extra_radiation(times),
        albedo=albedo, model="perez")
    return float(np.nansum(np.asarray(tot["poa_global"])) / 1000.0)


@pytest.mark.parametrize("sky", ["tregenza", "reinhart"])
def test_unshaded_tilted_planes_match_pvlib_perez(epw, epw_weather, typical_weather, sky):
    """Reference: the orientation each plane was constructed with (not the tilt/azimuth the code
    derives), independent sun positions (ephemeris) and pvlib's Perez transposition. For the EPW
    file the irradiance and the interval midpoints are this file's own (the clear-sky year it was
    generated from), not what the reader made of it."""
    orientations = [(30, 180), (45, 90), (60, 270), (35, 0), (15, 135), (90, 180)]
    m = model_from_solids([plane_solid(f"p{i}", t, a, (X0 + 200 * i, Y0, 60))
                           for i, (t, a) in enumerate(orientations)])
    _, cs = _clear_sky_frame(LAT, LON, 1.0)
    written = [np.round(cs[k].to_numpy()) for k in ("ghi", "dni", "dhi")]  # as written to the file
    for w, (times, ghi, dni, dhi) in ((epw_weather, (cs.index, *written)),
                                      (typical_weather, (typical_weather.time_utc, typical_weather.ghi,
                                                         typical_weather.dni, typical_weather.dhi))):
        r = _solar(m, w, sky=sky, include_facades=True)
        assert len(r.surfaces) == len(orientations)
        for i, (tilt, az) in enumerate(orientations):
            k = int(np.flatnonzero(r.surface_building == r.building_ids.index(f"p{i}"))[0])
            ref = _perez_reference_kwh(times, ghi, dni, dhi, tilt, az)
            assert r.irradiation_kwh_m2a[k] == pytest.approx(ref, rel=0.03), (tilt, az, w.kind)
            # the months add up to the year, ground reflection of the steep planes included
            assert r.monthly_kwh_m2[k].sum() == pytest.approx(r.irradiation_kwh_m2a[k], rel=1e-6), (tilt, az)


# --------------------------------------------------------------------------- shading vs analytic references
def _diffuse_rich_year():
    """A weather year defined here: hourly clear sky (pvlib Ineichen) at the interval midpoints,
    half its DNI, the rest diffuse (≈ 40 % diffuse share)."""
    from stadtbild.analysis.weather import Weather

    times = pd.date_range("2023-01-01 00:30", periods=8760, freq="h", tz="UTC")
    cs = pvlib.location.Location(LAT, LON).get_clearsky(times, model="ineichen")
    zen, _ = _reference_sun(times)
    cosz = np.clip(np.cos(np.radians(zen)), 0.0, None)
    ghi = cs["ghi"].to_numpy()
    dni = 0.5 * cs["dni"].to_numpy()
    dhi = np.maximum(ghi - dni * cosz, 0.0)
    return Weather(times, ghi, dni, dhi, LAT, LON, kind="array"), (times, ghi, dni, dhi)


def _ray_hits_box(origin, directions, lo, hi):
    """(H,) bool: does the ray origin + t·d, t > 0, hit the axis-aligned box [lo, hi]? (slab test,
    Kay & Kajiya 1986)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = (np.asarray(lo) - origin) / directions
        t2 = (np.asarray(hi) - origin) / directions
    t_near = np.nanmax(np.minimum(t1, t2), axis=1)
    t_far = np.nanmin(np.maximum(t1, t2), axis=1)
    return t_far >= np.maximum(t_near, 0.0)


@pytest.mark.parametrize("d,H", [(10.0, 10.0), (5.0, 15.0), (20.0, 5.0)])
@pytest.mark.parametrize("sky,sun_mf", [("tregenza", 1), ("reinhart", 4)])
def test_shading_by_a_long_wall_matches_analytic_references(d, H, sky, sun_mf):
    """A small horizontal roof at distance d north of a 400 m long wall that rises H above it.

    - Beam (DNI + Perez circumsolar): every hour's sun ray from the roof is tested against the
      wall's box analytically (slab test); reference Σ_h (DNI_h cos z_h + circumsolar_h)·[ray free].
    - Diffuse: the isotropic Perez part times the analytic sky view factor of a long wall for a
      horizontal receiver, SVF = (1 + d/√(d² + H²))/2; the horizon band adds nothing to a
      horizontal plane (Perez: F2·sin β, β = 0). Components from pvlib's Perez
      (``return_components``) with independent sun positions.
    Tolerances: beam within 1.5 % of the unshaded beam (sun positions binned to sky patches),
    diffuse within 2 % (patch-centre visibility)."""
    weather, (times, ghi, dni, dhi) = _diffuse_rich_year()
    z0, L = 50.0, 400.0
    roof = ("roof", X0 - 0.2, Y0 - 0.2, X0 + 0.2, Y0 + 0.2, z0 - 1.0, z0)
    wall = ("wall", X0 - L / 2, Y0 - d - 1.0, X0 + L / 2, Y0 - d, z0 - 1.0, z0 + H)
    m = box_model([roof, wall])
    r = _solar(m, weather, sky=sky, sun_mf=sun_mf)
    k = int(np.flatnonzero(r.surface_building == r.building_ids.index("roof"))[0])
    beam, diffuse = r.beam_kwh_m2a[k], r.irradiation_kwh_m2a[k] - r.beam_kwh_m2a[k]

    zen, az = _reference_sun(times)
    el, azr = np.radians(90.0 - zen), np.radians(az)
    sun = np.column_stack([np.cos(el) * np.sin(azr), np.cos(el) * np.cos(azr), np.sin(el)])
    comp = pvlib.irradiance.perez(0.0, 180.0, dhi, dni, pvlib.irradiance.get_extra_radiation(times), zen, az,
                                  pvlib.atmosphere.get_relative_airmass(zen), return_components=True)
    iso = np.nan_to_num(np.asarray(comp["poa_isotropic"], dtype=float))
    circumsolar = np.nan_to_num(np.asarray(comp["poa_circumsolar"], dtype=float))
    up = el > 0
    beam_h = np.where(up, dni * np.cos(np.radians(zen)) + circumsolar, 0.0)
    blocked = _ray_hits_box(np.array([X0, Y0, z0 + 0.01]), sun, (wall[1], wall[2], wall[5]), (wall[3], wall[4], wall[6]))
    beam_ref = beam_h[~blocked].sum() / 1000.0
    beam_unshaded = beam_h.sum() / 1000.0
    svf = (1.0 + d / np.hypot(d, H)) / 2.0
    diffuse_ref = iso.sum() / 1000.0 * svf

    assert r.unshaded_kwh_m2a[k] == pytest.approx(beam_unshaded + iso.sum() / 1000.0, rel=0.01)
    assert abs(beam - beam_ref) <= 0.015 * beam_unshaded, (beam, beam_ref, beam_unshaded)
    assert diffuse == pytest.approx(diffuse_ref, rel=0.02), (diffuse, diffuse_ref, svf)
    assert beam_ref < 0.99 * beam_unshaded and svf < 0.99  # the wall really shades


def test_sun_patch_resolution_does_not_change_unshaded_result(typical_weather):
    m = model_from_solids([plane_solid("p", 40, 200, (X0, Y0, 60))])
    a = _solar(m, typical_weather, sun_mf=1).irradiation_kwh_m2a[0]
    b = _solar(m, typical_weather, sun_mf=4).irradiation_kwh_m2a[0]
    assert a == pytest.approx(b, rel=0.01)


def test_tall_south_neighbour_shades_north_neighbour_does_not(typical_weather):
    house = ("house", X0, Y0, X0 + 10, Y0 + 10, 50, 56)
    alone = _solar(box_model([house]), typical_weather)
    south = _solar(box_model([house, ("tower", X0 - 5, Y0 - 22, X0 + 15, Y0 - 12, 50, 90)]), typical_weather)
    north_row = _solar(box_model([house, ("next", X0, Y0 + 14, X0 + 10, Y0 + 24, 50, 57)]), typical_weather)
    north_tower = _solar(box_model([house, ("tower", X0 - 5, Y0 + 12, X0 + 15, Y0 + 22, 50, 90)]), typical_weather)

    def roof_of(res, what="irradiation_kwh_m2a"):
        return getattr(res, what)[res.surface_building == res.building_ids.index("house")][0]

    h0 = roof_of(alone)
    assert roof_of(south) < 0.9 * h0
    assert roof_of(south, "beam_kwh_m2a") < 0.8 * roof_of(alone, "beam_kwh_m2a")
    # a north neighbour 1 m taller than the house across a 4 m gap changes nothing within 1 %
    assert roof_of(north_row) == pytest.approx(h0, rel=0.01)
    # even a 40 m tower on the north side never hides the sun (direct within 1 %); it only hides
    # northern sky, i.e. part of the diffuse light
    assert roof_of(north_tower, "beam_kwh_m2a") == pytest.approx(roof_of(alone, "beam_kwh_m2a"), rel=0.01)
    assert roof_of(north_tower) <= h0 and roof_of(north_tower) > roof_of(south)


def test_pv_figures_follow_formula(typical_weather):
    m = box_model([("big", X0, Y0, X0 + 10, Y0 + 10, 50, 56), ("small", X0 + 100, Y0, X0 + 102, Y0 + 3, 50, 56)])
    r = _solar(m, typical_weather, min_area_m2=10.0, threshold_kwh_m2a=900.0, kwp_per_m2=0.2, performance_ratio=0.8)
    b = r.buildings()
    big = b["big"]
    h = r.irradiation_kwh_m2a[r.surface_building == r.building_ids.index("big")][0]
    assert big["suitable_area_m2"] == pytest.approx(100.0)
    assert big["kwp"] == pytest.approx(20.0)
    assert big["yield_kwh_a"] == pytest.approx(h * 100.0 * 0.2 * 0.8, rel=1e-9)
    assert sum(big["monthly_yield_kwh"]) == pytest.approx(big["yield_kwh_a"], rel=1e-9)
    assert b["small"]["suitable_area_m2"] == 0.0 and b["small"]["yield_kwh_a"] == 0.0  # 6 m² < 10 m²
    # a threshold above the irradiation makes nothing suitable
    r2 = _solar(m, typical_weather, threshold_kwh_m2a=h + 50)
    assert r2.suitable_area_m2.sum() == 0.0


def test_north_roof_below_threshold_is_not_suitable(typical_weather):
    m = model_from_solids([plane_solid("n", 45, 0, (X0, Y0, 60)), plane_solid("s", 45, 180, (X0 + 200, Y0, 60))])
    r = _solar(m, typical_weather)
    by = {r.building_ids[k]: i for i, k in enumerate(r.surface_building)}
    assert r.irradiation_kwh_m2a[by["n"]] < 900 < r.irradiation_kwh_m2a[by["s"]]
    assert r.suitable_area_m2[by["n"]] == 0.0 and r.suitable_area_m2[by["s"]] == pytest.approx(100.0)


def test_scenario_difference_reports_neighbour_loss(typical_weather):
    from stadtbild.analysis.solar import scenario_difference

    house = ("house", X0, Y0, X0 + 10, Y0 + 10, 50, 56)
    other = ("far", X0 + 300, Y0, X0 + 310, Y0 + 10, 50, 56)
    base = _solar(box_model([house, other]), typical_weather)
    after = _solar(box_model([house, other, ("new", X0 - 5, Y0 - 22, X0 + 15, Y0 - 12, 50, 90)]), typical_weather)
    d = scenario_difference(base, after)
    assert d["inserted"] == ["new"] and d["removed"] == []
    assert d["buildings"]["house"]["change_kwh_a"] < 0
    losses = [-v["change_kwh_a"] for v in d["buildings"].values() if v["change_kwh_a"] < 0]
    assert d["neighbour_loss_kwh_a"] == pytest.approx(sum(losses), rel=1e-12)
    # 300 m away the tower only hides a sliver of the lowest sky row
    assert abs(d["buildings"]["far"]["change_kwh_a"]) < 1e-3 * d["buildings"]["far"]["before_kwh_a"]
    assert d["affected"][0] == "house"


def test_building_parts_aggregate_to_their_building(typical_weather):
    m = box_model([("b1", X0, Y0, X0 + 10, Y0 + 10, 50, 56), ("b1-part", X0 + 10, Y0, X0 + 16, Y0 + 10, 50, 53)])
    m.objects["b1-part"].type = "BuildingPart"
    m.objects["b1-part"].parents = ["b1"]
    m.objects["b1"].children = ["b1-part"]
    r = _solar(m, typical_weather)
    assert r.building_ids == ["b1"]
    assert r.buildings()["b1"]["roof_area_m2"] == pytest.approx(160.0)


# --------------------------------------------------------------------------- real district
def test_demo_district_distribution_is_plausible(demo_model):
    from stadtbild.analysis.solar import SolarOptions, compute_solar

    r = compute_solar(demo_model.scene(), None, SolarOptions(cell_m=2.0), model=demo_model)
    s = r.surfaces
    assert len(r.building_ids) == len(demo_model.objects) == 853
    assert 1000 <= r.annual_ghi_kwh_m2 <= 1100  # typical year for Rotterdam
    south = (s.tilt_deg > 15) & (s.tilt_deg < 60) & (np.abs(s.azimuth_deg - 180) <= 30) & (s.area_m2 > 10)
    north = (s.tilt_deg > 15) & (s.tilt_deg < 60) & ((s.azimuth_deg >= 330) | (s.azimuth_deg <= 30)) & (s.area_m2 > 10)
    flat = (s.tilt_deg < 5) & (s.area_m2 > 10)
    med_s = np.median(r.irradiation_kwh_m2a[south])
    assert 950 <= med_s <= 1150
    assert np.median(r.irradiation_kwh_m2a[north]) < 0.75 * med_s
    assert np.median(r.irradiation_kwh_m2a[flat]) <= r.annual_ghi_kwh_m2 * 1.001
    assert (r.irradiation_kwh_m2a <= r.unshaded_kwh_m2a * 1.001 + 1e-6).all()
    assert 0 < r.suitable_area_m2.sum() < s.area_m2.sum()


# --------------------------------------------------------------------------- CLI
def test_cli_outputs_and_json_keys(tmp_path, capsys):
    from stadtbild.cli import main

    src = data_file("cityjson/rotterdam_subset.city.json")
    keys = {"surfaces", "buildings", "roof_area_m2", "suitable_area_m2", "total_kwh_a", "mean_kwh_m2a",
            "annual_ghi_kwh_m2"}
    for name in ("roofs.csv", "roofs.geojson", "roofs.city.json"):
        out = tmp_path / name
        assert main(["solar", str(src), "--grid", "2", "-o", str(out), "--json"]) == 0
        doc = json.loads(capsys.readouterr().out)
        assert keys <= set(doc) and doc["surfaces"] > 0 and doc["buildings"] == 16
        assert out.exists()
    rows = (tmp_path / "roofs.csv").read_text().splitlines()
    assert len(rows) == doc["surfaces"] + 1 and rows[0].startswith("building_id,object_id")
    gj = json.loads((tmp_path / "roofs.geojson").read_text())
    assert len(gj["features"]) == doc["surfaces"]
    total = sum(f["properties"]["yield_kwh_a"] for f in gj["features"])
    assert total == pytest.approx(doc["total_kwh_a"], rel=1e-3)
    cj = json.loads((tmp_path / "roofs.city.json").read_text())
    attrs = [o["attributes"] for o in cj["CityObjects"].values()]
    assert sum(a["solar_yield_kwh_a"] for a in attrs) == pytest.approx(doc["total_kwh_a"], rel=1e-3)
    roof_sem = [s for o in cj["CityObjects"].values() for g in o["geometry"]
                for s in g.get("semantics", {}).get("surfaces", []) if "solar_irradiation_kwh_m2a" in s]
    assert len(roof_sem) == doc["surfaces"] and all(s["type"] == "RoofSurface" for s in roof_sem)


def test_cli_weather_file_and_errors(tmp_path, capsys, epw):
    from stadtbild.cli import main

    src = data_file("cityjson/rotterdam_subset.city.json")
    assert main(["solar", str(src), "--grid", "3", "--weather", str(epw[0]), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["annual_ghi_kwh_m2"] == pytest.approx(epw[1], abs=0.1)
    bad = tmp_path / "bad.epw"
    bad.write_text("nonsense\n")
    assert main(["solar", str(src), "--weather", str(bad)]) == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert main(["solar", str(src), "-o", str(tmp_path / "x.png")]) == 2
    assert main(["solar", str(src), "--grid", "0"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("error:") == 2


# --------------------------------------------------------------------------- viewer helper
def test_solar_view_colours_roofs_and_renders(tmp_path, typical_weather):
    import matplotlib.image as mpimg
    from matplotlib import colormaps

    from stadtbild.viewer.solar_view import (building_monthly_yield, colour_limits, render_solar, roof_polydata,
                                   surface_figures)

    m = box_model([("sunny", X0, Y0, X0 + 20, Y0 + 20, 50, 56),
                   ("shaded", X0 + 2, Y0 + 30, X0 + 18, Y0 + 40, 50, 53),
                   ("tower", X0, Y0 + 21, X0 + 20, Y0 + 28, 50, 80)])
    r = _solar(m, typical_weather)
    sc = m.scene()
    mesh = roof_polydata(sc, r)
    assert mesh.n_cells == int((r.surfaces.triangle_surface >= 0).sum())
    assert np.allclose(mesh.cell_data["irradiation_kwh_m2a"],
                       r.irradiation_kwh_m2a[r.surfaces.triangle_surface[r.surfaces.triangle_surface >= 0]])
    lo, hi = colour_limits(r)
    assert lo <= r.irradiation_kwh_m2a.min() and hi >= r.irradiation_kwh_m2a.max()
    png = render_solar(sc, r, tmp_path / "solar.png", size=(640, 400), view="top")
    img = mpimg.imread(png)[:, :, :3]
    # the brightest roof's colour from the colour map appears in the picture
    best = colormaps["inferno"]((r.irradiation_kwh_m2a.max() - lo) / (hi - lo))[:3]
    dist = np.linalg.norm(img - np.asarray(best)[None, None, :], axis=2)
    assert (dist < 0.12).sum() > 200
    fig = surface_figures(r, 0)
    assert {"irradiation_kwh_m2a", "yield_kwh_a", "monthly_kwh_m2"} <= set(fig)
    months = building_monthly_yield(r, "sunny")
    assert len(months) == 12 and sum(months) == pytest.approx(r.buildings()["sunny"]["yield_kwh_a"])


def test_cli_scenario_reports_neighbour_loss(tmp_path, capsys):
    from stadtbild.cli import main
    from stadtbild.exporters.cityjson import write_cityjson

    src = write_cityjson(box_model([("house", X0, Y0, X0 + 10, Y0 + 10, 50, 56),
                                    ("far", X0 + 400, Y0, X0 + 410, Y0 + 10, 50, 56)]), tmp_path / "two.city.json")
    scen = tmp_path / "tower.scenario.json"
    scen.write_text(json.dumps({"name": "Turm", "edits": [
        {"op": "extrude", "id": "tower", "footprint": [[X0 - 5, Y0 - 22], [X0 + 15, Y0 - 22], [X0 + 15, Y0 - 12], [X0 - 5, Y0 - 12]],
         "ground_z": 50.0, "height_m": 40.0, "roof": "flat"}]}))
    before = (src.read_bytes(), scen.read_bytes())
    assert main(["solar", str(src), "--grid", "2", "--scenario", str(scen), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (src.read_bytes(), scen.read_bytes()) == before  # the user's files are never written
    sc = doc["scenario"]
    assert sc["inserted"] == ["tower"] and sc["removed"] == []
    assert [a["id"] for a in sc["affected"]] == ["house"]
    assert sc["neighbour_loss_kwh_a"] > 0
    # totals: scenario total = base total − neighbour loss + the tower's own roof yield
    assert doc["total_kwh_a"] > sc["base_total_kwh_a"] - sc["neighbour_loss_kwh_a"] - 1.0


def test_disabled_objects_neither_shade_nor_count(typical_weather):
    """One RayCaster for before/after (RayCaster.set_object_enabled) gives the same answers as two
    separate scenes."""
    from stadtbild.analysis.raycast import RayCaster
    from stadtbild.analysis.solar import SolarOptions, compute_solar

    house = ("house", X0, Y0, X0 + 10, Y0 + 10, 50, 56)
    full = box_model([house, ("tower", X0 - 5, Y0 - 22, X0 + 15, Y0 - 12, 50, 90)])
    sc = full.scene()
    rc = RayCaster(sc)
    rc.set_object_enabled(np.array([oid != "tower" for oid in sc.object_ids]))
    before = compute_solar(sc, typical_weather, SolarOptions(), raycaster=rc, model=full)
    alone = _solar(box_model([house]), typical_weather)
    assert before.building_ids == ["house"]
    assert before.irradiation_kwh_m2a[0] == pytest.approx(alone.irradiation_kwh_m2a[0], rel=1e-9)
    # the surfaces of the enabled objects, renumbered, are those of the scene built without the tower
    s, a = before.surfaces, alone.surfaces
    shift = sc.origin - alone.scene.origin
    for name in ("area_m2", "normal", "tilt_deg", "azimuth_deg", "height_m"):
        assert np.allclose(getattr(s, name), getattr(a, name), equal_nan=True), name
    assert np.allclose(s.centroid + shift, a.centroid)
    assert np.allclose(s.z_min_m + shift[2], a.z_min_m) and np.allclose(s.z_max_m + shift[2], a.z_max_m)
    assert list(s.kind) == list(a.kind) == ["roof"]
    assert sorted(set(s.triangle_surface.tolist())) == [-1, 0]
    rc.set_object_enabled(np.ones(len(sc.object_ids), dtype=bool))
    after = compute_solar(sc, typical_weather, SolarOptions(), raycaster=rc, model=full)
    assert after.building_ids == ["house", "tower"]
    h = after.irradiation_kwh_m2a[after.surface_building == after.building_ids.index("house")][0]
    assert h < 0.9 * before.irradiation_kwh_m2a[0]


# --------------------------------------------------------------------------- grid north, empty input, fallbacks
def test_a_rotated_model_grid_turns_the_sun_and_reports_true_azimuths(typical_weather):
    """A site plan drawn on a grid turned 60° from true north (``Site.grid_north_deg``: true north
    60° clockwise from grid north). A roof built facing grid azimuth 240° faces true south: its
    irradiation must match pvlib's Perez transposition for a true-south plane (sun positions from
    pvlib's ephemeris, not from the code), and it must be reported facing 180°. A model without a
    CRS has no convergence: a roof built facing 135° is reported at 135°."""
    from stadtbild.analysis.solar import SolarOptions, compute_solar
    from stadtbild.analysis.sun import Site

    w = typical_weather
    m = model_from_solids([plane_solid("p", 60, 240, (X0, Y0, 60))])
    site = Site(LAT, LON, 60.0, "Europe/Berlin", grid_north_deg=60.0)
    r = compute_solar(m.scene(), w, SolarOptions(), model=m, site=site)
    ref = _perez_reference_kwh(w.time_utc, w.ghi, w.dni, w.dhi, 60, 180)
    assert r.irradiation_kwh_m2a[0] == pytest.approx(ref, rel=0.03)
    wrong_way = _perez_reference_kwh(w.time_utc, w.ghi, w.dni, w.dhi, 60, 240)
    assert abs(ref - wrong_way) > 0.08 * ref  # the test can tell the two orientations apart
    assert r.surfaces.azimuth_deg[0] == pytest.approx(180.0, abs=1e-6)

    bare = model_from_solids([plane_solid("q", 30, 135, (10.0, 20.0, 5.0))], crs_epsg=None)
    rb = compute_solar(bare.scene(), w, SolarOptions(), model=bare)
    assert rb.surfaces.azimuth_deg[0] == pytest.approx(135.0, abs=1e-6)
    assert rb.irradiation_kwh_m2a[0] == pytest.approx(_perez_reference_kwh(w.time_utc, w.ghi, w.dni, w.dhi, 30, 135),
                                                      rel=0.03)


def test_rays_traced_and_phase_timings(typical_weather):
    """Unshaded horizontal roof, Tregenza sky with the sun in its patches: each sample traces one
    ray to each of the 145 patch centres (all above a horizontal plane), nothing else; the phase
    timings (used by bench_solar) add up to at most the total."""
    m = box_model([("a", X0, Y0, X0 + 4, Y0 + 4, 50, 56)])
    r = _solar(m, typical_weather, sky="tregenza", sun_mf=1)
    assert r.rays == 145 * len(r.samples)
    parts = [r.timings_s[k] for k in ("surfaces_samples", "sky", "rays", "aggregate")]
    assert all(t >= 0 for t in parts) and sum(parts) <= r.timings_s["total"] + 1e-9


def test_a_scene_without_buildings_gives_empty_results(typical_weather):
    """Only a non-building object: no roof surfaces, no samples, every per-surface column empty
    (length 0, so that writers and the GUI can iterate them), no buildings."""
    from stadtbild.analysis.samples import subdivision_samples
    from stadtbild.analysis.solar import find_roof_surfaces

    m = box_model([("tree", X0, Y0, X0 + 4, Y0 + 4, 50, 56)])
    m.objects["tree"].type = "SolitaryVegetationObject"
    sc = m.scene()
    s = find_roof_surfaces(sc)
    assert len(s) == 0 and s.flipped == 0
    for name in ("polygon", "object_index", "area_m2", "normal", "tilt_deg", "azimuth_deg", "centroid", "z_min_m",
                 "z_max_m", "height_m", "kind"):
        assert np.asarray(getattr(s, name)).shape[:1] == (0,), name
    assert np.all(s.triangle_surface == -1) and len(s.triangle_surface) == sc.n_triangles
    none = find_roof_surfaces(model_from_solids([]).scene())  # no triangles at all
    for name in ("polygon", "object_index", "area_m2", "normal", "tilt_deg", "azimuth_deg", "centroid", "z_min_m",
                 "z_max_m", "height_m", "kind"):
        assert np.asarray(getattr(none, name)).shape[:1] == (0,), name
    smp = subdivision_samples(sc, s)
    for name in ("points", "origins", "surface", "weight_m2"):
        assert np.asarray(getattr(smp, name)).shape[:1] == (0,), name
    r = _solar(m, typical_weather)
    assert r.buildings() == {} and r.rays == 0 and len(r.irradiation_kwh_m2a) == 0


def test_perez_fallback_through_pvlib_public_api_gives_the_table_coefficients(typical_weather, monkeypatch):
    """When pvlib's coefficient tables are not reachable, F1/F2 are recovered from pvlib's public
    ``perez(return_components=True)``: horizontal isotropic part = DHI·(1 − F1), vertical plane
    facing the sun: horizon part = DHI·F2. Both paths must give the same coefficients."""
    from pvlib import irradiance

    from stadtbild.analysis.solar import perez_brightening

    w = typical_weather
    sp = w.solar_position()
    tables = perez_brightening(w.dhi, w.dni, sp["zenith_deg"], times=w.time_utc)

    tables_of_pvlib = irradiance._get_perez_coefficients

    def unavailable_to_us(model):  # pvlib's own perez() still reaches its tables
        if sys._getframe(1).f_globals.get("__name__") == "stadtbild.analysis.solar":
            raise AttributeError("pvlib moved its tables")
        return tables_of_pvlib(model)

    monkeypatch.setattr(irradiance, "_get_perez_coefficients", unavailable_to_us)
    public = perez_brightening(w.dhi, w.dni, sp["zenith_deg"], times=w.time_utc)
    ok = (sp["zenith_deg"] < 90) & (w.dhi > 0)
    assert ok.sum() > 4000 and (tables[0][ok] > 0.05).sum() > 1000  # the year has circumsolar light
    assert np.allclose(public[0], tables[0], atol=1e-9) and np.allclose(public[1], tables[1], atol=1e-9)


def test_polar_night_twilight_is_diffuse_only():
    """Tromsø in December (69.6° N): the sun stays below the horizon (no direct light, no sun
    bins), only noon twilight reaches the ground as diffuse light. A horizontal roof sees the
    whole isotropic sky: its irradiation is exactly Σ DHI·Δt (∫ L cos θ dΩ = π L over the
    hemisphere), with no beam part."""
    from stadtbild.analysis.weather import Weather

    times = pd.date_range("2023-12-01 00:30", periods=24 * 20, freq="h", tz="UTC")
    dhi = np.where((times.hour >= 10) & (times.hour <= 12), 15.0, 0.0)
    lat, lon = 69.65, 15.0
    assert pvlib.solarposition.ephemeris(times, lat, lon)["elevation"].max() < 0  # polar night indeed
    w = Weather(times, dhi.copy(), np.zeros(len(times)), dhi, lat, lon, kind="array")
    m = box_model([("a", 500000, 7720000, 500010, 7720010, 10, 16)], crs_epsg=25833)  # UTM 33N
    r = _solar(m, w)
    assert r.beam_kwh_m2a[0] == 0.0
    assert r.irradiation_kwh_m2a[0] == pytest.approx(dhi.sum() / 1000.0, rel=1e-3)
    assert r.monthly_kwh_m2[0, 11] == pytest.approx(r.irradiation_kwh_m2a[0], rel=1e-9)
    # a wall sees half the isotropic sky and half the ground (albedo 0.2): (DHI + 0.2·GHI)/2, and no
    # horizon band without the sun
    v, faces = box_polygons(500000, 7720000, 500010, 7720010, 10, 16)
    walls = model_from_solids([("w", v, [(ring, 0) for ring, code in faces])], crs_epsg=25833)
    rw = _solar(walls, w, include_facades=True)
    facade = rw.surfaces.kind == "facade"
    assert facade.sum() == 4
    assert rw.irradiation_kwh_m2a[facade] == pytest.approx(np.full(4, (dhi.sum() + 0.2 * dhi.sum()) / 2 / 1000.0),
                                                             rel=0.01)


def test_a_single_sunny_hour_against_pvlib():
    """A weather record with one hour of light (21 March, 12:30 CET): one sun bin holds all the
    direct light. A flat roof receives that hour's GHI; a 40° south roof pvlib's Perez
    transposition of the same hour (ephemeris sun, the plane's built orientation)."""
    from stadtbild.analysis.weather import Weather

    times = pd.date_range("2023-03-21 00:30", periods=24, freq="h", tz="UTC")
    noon = 11  # 11:30 UTC
    zen = _reference_sun(times)[0][noon]
    dni, dhi = np.zeros(24), np.zeros(24)
    dni[noon], dhi[noon] = 700.0, 110.0
    ghi = dni * np.cos(np.radians(zen)) * (np.arange(24) == noon) + dhi
    w = Weather(times, ghi, dni, dhi, LAT, LON, kind="array")
    m = model_from_solids([plane_solid("flat", 0.0, 180, (X0, Y0, 60)), plane_solid("south", 40, 180, (X0 + 200, Y0, 60))])
    r = _solar(m, w, sky="tregenza", sun_mf=1)
    by = {r.building_ids[k]: i for i, k in enumerate(r.surface_building)}
    assert r.irradiation_kwh_m2a[by["flat"]] == pytest.approx(ghi[noon] / 1000.0, rel=0.005)
    ref = _perez_reference_kwh(times, ghi, dni, dhi, 40, 180)
    assert r.irradiation_kwh_m2a[by["south"]] == pytest.approx(ref, rel=0.01)
    assert r.beam_kwh_m2a[by["flat"]] > 0.8 * dni[noon] * math.cos(math.radians(zen)) / 1000.0


def test_max_subdivisions_caps_the_samples_per_triangle(typical_weather):
    """A 20 m × 20 m flat roof (two triangles) at 0.5 m cells would be split 28-fold per edge;
    max_subdivisions = 2 allows 2² samples per triangle: 8 in all, each standing for 50 m²."""
    m = box_model([("a", X0, Y0, X0 + 20, Y0 + 20, 50, 56)])
    r = _solar(m, typical_weather, cell_m=0.5, max_subdivisions=2)
    assert len(r.samples) == 8 and np.allclose(r.samples.weight_m2, 50.0)


@pytest.mark.parametrize("dhi,dni,zenith", [(0.6, 0.0, 85.0), (1.0, 20.0, 80.0), (40.0, 300.0, 60.0),
                                            (120, 700, 30), (250.0, 50.0, 45.0)])  # whole W/m² as files give them
def test_perez_coefficients_against_pvlib_public_components(dhi, dni, zenith):
    """F1 and F2 of single time steps, dim dawn light included, against pvlib's public Perez
    components: a horizontal plane gets DHI·(1 − F1) isotropic, a vertical plane facing the sun
    DHI·F2 from the horizon band."""
    from stadtbild.analysis.solar import perez_brightening

    am = pvlib.atmosphere.get_relative_airmass(zenith)
    f1, f2 = perez_brightening([dhi], [dni], [zenith], dni_extra=[1361.0], airmass=[am])
    kw = dict(dhi=dhi, dni=dni, dni_extra=1361.0, solar_zenith=zenith, solar_azimuth=180.0, airmass=am,
              return_components=True)
    flat = pvlib.irradiance.perez(0.0, 180.0, **kw)
    wall = pvlib.irradiance.perez(90.0, 180.0, **kw)
    assert f1[0] == pytest.approx(1.0 - float(flat["poa_isotropic"]) / dhi, abs=1e-9)
    assert f2[0] == pytest.approx(float(wall["poa_horizon"]) / dhi, abs=1e-9)
