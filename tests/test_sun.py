"""Sun position: the SPA paper's test vector, DST-correct UTC for Braunschweig, site from a model's
CRS, grid convergence, and the ``sun`` CLI."""
from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pytest

from analysis.sun import (
    Site,
    day_times,
    parse_local_time,
    site_at,
    site_from_model,
    sun_position,
    sun_positions,
    sun_vector,
)
from model.crs import CRSInfo
from model.errors import InputError

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


def test_positions_match_pvlib_called_directly_on_utc():
    """Independent reference: pvlib's own get_solarposition on the UTC instants."""
    import pandas as pd
    import pvlib

    times = day_times("2026-03-21", "Europe/Berlin", "06:00", "19:00", 10)
    p = sun_position(times, 52.2689, 10.5268, elevation_m=75.0)
    idx = pd.DatetimeIndex([pd.Timestamp(t).tz_convert("UTC") for t in times])
    ref = pvlib.solarposition.get_solarposition(idx, 52.2689, 10.5268, altitude=75.0)
    np.testing.assert_allclose(p.elevation_deg, ref["apparent_elevation"], atol=0.01)
    np.testing.assert_allclose(p.azimuth_deg, ref["azimuth"], atol=0.01)
    # equinox: sun due south near 12:18 CET (solar noon at 10.53° E), elevation ~ 90 - 52.27
    noon = int(np.argmax(p.elevation_deg))
    assert p.azimuth_deg[noon] == pytest.approx(180.0, abs=3.0)
    assert p.elevation_deg[noon] == pytest.approx(90 - 52.27, abs=0.8)


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
    from cli import main

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
