"""Sun position: the SPA paper's test vector, DST-correct UTC for Braunschweig, site from a model's
CRS, grid convergence, and the ``sun`` CLI."""
from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pytest

from stadtbild.analysis.sun import (
    Site,
    day_times,
    parse_local_time,
    site_at,
    site_from_model,
    sun_position,
    sun_positions,
    sun_vector,
)
from stadtbild.model.crs import CRSInfo
from stadtbild.model.errors import InputError

# Braunschweig (Burgplatz) in ETRS89 / UTM 32N
BS_X, BS_Y = 604_270.0, 5_792_160.0


def test_spa_paper_test_vector_within_a_thousandth_degree():
    """Reda & Andreas (2004), Table A4.1: 2003-10-17 12:30:30 at UTC−7, 39.742476 N, 105.1786 W,
    1830.14 m, 820 mbar, 11 °C, ΔT = 67 s -> topocentric zenith 50.11162°, azimuth 194.34024°."""
    site = Site(39.742476, -105.1786, 1830.14, "Etc/GMT+7")  # POSIX sign: GMT+7 = UTC−7
    t = dt.datetime(2003, 10, 17, 12, 30, 30, tzinfo=dt.timezone(dt.timedelta(hours=-7)))
    p = sun_positions([t], site, pressure_hpa=820.0, temperature_c=11.0, delta_t_s=67.0)
    assert abs(p.zenith_deg[0] - 50.11162) < 0.001
    assert abs(p.azimuth_deg[0] - 194.34024) < 0.001
    assert p.elevation_deg[0] == pytest.approx(90.0 - 50.11162, abs=0.001)
    assert p.record()["time_utc"] == "2003-10-17T19:30:30Z"


def test_braunschweig_summer_and_winter_time_give_the_right_utc():
    site = site_at(BS_X, BS_Y, CRSInfo(25832))
    assert site.tz == "Europe/Berlin"
    assert site.latitude_deg == pytest.approx(52.2689, abs=0.01)
    assert site.longitude_deg == pytest.approx(10.527, abs=0.01)
    p = sun_positions(["2026-06-21T15:00", "2026-12-21T15:00"], site)
    assert p.time_utc[0] == dt.datetime(2026, 6, 21, 13, 0, tzinfo=dt.UTC)  # CEST = UTC+2
    assert p.time_utc[1] == dt.datetime(2026, 12, 21, 14, 0, tzinfo=dt.UTC)  # CET = UTC+1
    assert p.record(0)["time_local"] == "2026-06-21T15:00:00+02:00"
    assert p.record(1)["time_local"] == "2026-12-21T15:00:00+01:00"


def _meeus_sun(jd_tt: float) -> tuple[float, float]:
    """Apparent right ascension and declination of the sun (°), the low-accuracy algorithm of
    J. Meeus, *Astronomical Algorithms* (2nd ed. 1998), ch. 25 (eqs. 25.2–25.8 and the apparent
    longitude of p. 164), accurate to ≈ 0.01°: a second algorithm, independent of the NREL SPA."""
    T = (jd_tt - 2451545.0) / 36525.0
    L0 = 280.46646 + 36000.76983 * T + 0.0003032 * T**2
    M = math.radians(357.52911 + 35999.05029 * T - 0.0001537 * T**2)
    C = ((1.914602 - 0.004817 * T - 0.000014 * T**2) * math.sin(M) + (0.019993 - 0.000101 * T) * math.sin(2 * M)
         + 0.000289 * math.sin(3 * M))
    omega = math.radians(125.04 - 1934.136 * T)
    lam = math.radians(L0 + C - 0.00569 - 0.00478 * math.sin(omega))
    eps = math.radians(23 + (26 + (21.448 - 46.8150 * T - 0.00059 * T**2 + 0.001813 * T**3) / 60) / 60
                       + 0.00256 * math.cos(omega))
    ra = math.degrees(math.atan2(math.cos(eps) * math.sin(lam), math.cos(lam))) % 360.0
    dec = math.degrees(math.asin(math.sin(eps) * math.sin(lam)))
    return ra, dec


def _meeus_horizontal(t_utc: dt.datetime, lat: float, lon: float, delta_t_s: float = 69.0):
    """(apparent elevation, azimuth from north clockwise) in degrees: Meeus ch. 25 sun, mean
    sidereal time eq. 12.4, horizontal coordinates eqs. 13.5–13.6, refraction of Sæmundsson (Meeus
    eq. 16.4) for 1010 hPa and 10 °C."""
    jd = (t_utc - dt.datetime(2000, 1, 1, 12, tzinfo=dt.UTC)).total_seconds() / 86400.0 + 2451545.0
    ra, dec = _meeus_sun(jd + delta_t_s / 86400.0)
    T = (jd - 2451545.0) / 36525.0
    gmst = 280.46061837 + 360.98564736629 * (jd - 2451545.0) + 0.000387933 * T**2 - T**3 / 38710000.0
    H, phi, d = (math.radians(v) for v in (gmst + lon - ra, lat, dec))
    h = math.degrees(math.asin(math.sin(phi) * math.sin(d) + math.cos(phi) * math.cos(d) * math.cos(H)))
    az_south = math.degrees(math.atan2(math.sin(H), math.cos(H) * math.sin(phi) - math.tan(d) * math.cos(phi)))
    refraction = 1.02 / math.tan(math.radians(h + 10.3 / (h + 5.11))) / 60.0
    return h + refraction, (az_south + 180.0) % 360.0


def test_meeus_reference_reproduces_the_published_example():
    """Meeus (1998) example 25.a: 1992 October 13.0 TD -> α = 13h13m31.4s = 198.38083°,
    δ = −7°47′06″ = −7.78507°."""
    ra, dec = _meeus_sun(2448908.5)
    assert ra == pytest.approx(198.38083, abs=2e-4)
    assert dec == pytest.approx(-7.78507, abs=2e-4)


@pytest.mark.parametrize("lat,lon,tz,date", [
    (52.2689, 10.5268, "Europe/Berlin", "2026-03-21"),     # Braunschweig, equinox
    (52.2689, 10.5268, "Europe/Berlin", "2026-01-17"),     # the DIN 5034-1 winter day
    (51.9225, 4.4792, "Europe/Amsterdam", "2026-06-21"),   # Rotterdam, solstice (CEST)
    (35.6812, 139.7671, "Asia/Tokyo", "2026-12-21"),       # Tokyo (PLATEAU)
    (-33.8688, 151.2093, "Australia/Sydney", "2026-06-21"),  # southern winter, sun in the north
    (69.6492, 18.9553, "Europe/Oslo", "2026-06-21"),       # Tromsø, midnight sun
])
def test_positions_match_a_second_algorithm(lat, lon, tz, date):
    """Reference independent of the NREL SPA that production calls through pvlib: Meeus's solar
    coordinates (checked against his published example above), within 0.02° wherever the sun is
    at least 3° high (refraction models differ below)."""
    times = day_times(date, tz, "00:00", "23:50", 10)
    p = sun_position(times, lat, lon, elevation_m=0.0, tz=tz)
    ref = np.array([_meeus_horizontal(t.astimezone(dt.UTC), lat, lon) for t in times])
    up = ref[:, 0] > 3.0
    assert up.sum() >= 6
    np.testing.assert_allclose(p.elevation_deg[up], ref[up, 0], atol=0.02)
    daz = (p.azimuth_deg[up] - ref[up, 1] + 180.0) % 360.0 - 180.0
    assert np.abs(daz).max() < 0.02 / max(0.2, math.cos(math.radians(p.elevation_deg[up].max())))
    # and the hours of daylight come out the same: the day's highest sun at the same instant
    assert int(np.argmax(p.elevation_deg)) == int(np.argmax(ref[:, 0]))


def test_day_times_across_dst_change_step_in_real_time():
    times = day_times("2026-03-29", "Europe/Berlin", "01:00", "04:00", 30)
    # 01:00 CET .. 04:00 CEST is only 2 real hours: 5 instants, local clock jumps 02:00 -> 03:00
    assert len(times) == 5
    assert [t.strftime("%H:%M") for t in times] == ["01:00", "01:30", "03:00", "03:30", "04:00"]
    assert len(day_times("2026-06-21", "Europe/Berlin", "08:00", "18:00", 10)) == 61


def test_local_time_parsing():
    t = parse_local_time("2026-03-21T15:00", "Europe/Berlin")
    assert t.utcoffset() == dt.timedelta(hours=1)
    t = parse_local_time("2026-06-21T13:00Z", "Europe/Berlin")
    assert t.hour == 15
    with pytest.raises(InputError):
        parse_local_time("21.03.2026 15:00", "Europe/Berlin")
    with pytest.raises(InputError):
        parse_local_time("2026-02-30T10:00", "Europe/Berlin")


def test_grid_convergence_east_of_the_utm_central_meridian():
    """UTM 32N has its central meridian at 9° E; at 10.53° E true north lies west of grid north by
    about (λ − λ0)·sin φ (Snyder 1987, eq. 8-14 first term)."""
    site = site_at(BS_X, BS_Y, CRSInfo(25832))
    expected = -(site.longitude_deg - 9.0) * math.sin(math.radians(site.latitude_deg))
    assert site.grid_north_deg == pytest.approx(expected, abs=0.02)
    p = sun_positions(["2026-06-21T13:00"], site)
    d = p.direction_grid()[0]
    assert np.linalg.norm(d) == pytest.approx(1.0)
    grid_az = math.degrees(math.atan2(d[0], d[1])) % 360
    assert grid_az == pytest.approx((p.azimuth_deg[0] + site.grid_north_deg) % 360, abs=1e-9)


def test_sun_vector_axes():
    np.testing.assert_allclose(sun_vector([0, 90, 180], [0, 0, 90]),
                               [[0, 1, 0], [1, 0, 0], [0, 0, 1]], atol=1e-12)


def test_site_from_demo_model_is_rotterdam(demo_model):
    site = site_from_model(demo_model)
    assert site.tz == "Europe/Amsterdam"
    assert site.latitude_deg == pytest.approx(51.91, abs=0.05)
    assert site.longitude_deg == pytest.approx(4.45, abs=0.05)


def test_model_without_crs_is_an_input_error():
    from tests.helpers import box_model

    with pytest.raises(InputError):
        site_from_model(box_model([("b", 0, 0, 1, 1, 0, 1)], crs_epsg=None))


def _run_cli(argv, capsys):
    from stadtbild.cli import main

    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_sun_json(capsys):
    code, out, _ = _run_cli(["sun", "--lat", "52.2689", "--lon", "10.5268", "--time", "2026-06-21T15:00",
                             "--json"], capsys)
    assert code == 0
    rec = json.loads(out)
    assert set(rec) >= {"azimuth_deg", "elevation_deg", "zenith_deg", "time_local", "time_utc"}
    assert rec["time_utc"] == "2026-06-21T13:00:00Z"
    ref = sun_position(["2026-06-21T15:00"], 52.2689, 10.5268)
    assert rec["elevation_deg"] == pytest.approx(ref.elevation_deg[0], abs=1e-4)


def test_cli_sun_explicit_tz_and_bad_input(capsys):
    code, out, _ = _run_cli(["sun", "--lat", "52.2689", "--lon", "10.5268", "--time", "2026-06-21T15:00",
                             "--tz", "UTC", "--json"], capsys)
    assert code == 0 and json.loads(out)["time_utc"] == "2026-06-21T15:00:00Z"
    code, _, err = _run_cli(["sun", "--lat", "52", "--lon", "10", "--time", "2026-06-21T15:00",
                             "--tz", "Mars/Olympus"], capsys)
    assert code == 2 and err.startswith("error:") and "Mars/Olympus" in err
    code, _, err = _run_cli(["sun", "--lat", "95", "--lon", "10", "--time", "2026-06-21T15:00"], capsys)
    assert code == 2 and "latitude" in err


def test_cli_sun_from_model_file_and_day_table(demo_path, tmp_path, capsys):
    out_csv = tmp_path / "sun.csv"
    code, out, _ = _run_cli(["sun", str(demo_path), "--date", "2026-03-21", "--from", "08:00", "--to", "10:00",
                             "--step", "30", "-o", str(out_csv), "--json"], capsys)
    assert code == 0
    rec = json.loads(out)
    assert len(rec["positions"]) == 5
    assert rec["positions"][0]["time_local"] == "2026-03-21T08:00:00+01:00"
    lines = out_csv.read_text().strip().splitlines()
    assert len(lines) == 6 and lines[0].startswith("time_local,")
