"""Facade sunlight after DIN 5034-1 (analysis.sunlight, CLI ``sunlight``).

References are independent of the ray core and of our check-point code: the lattice is counted by
hand, the sun comes straight from pvlib's SPA at 30-second resolution, and the obstruction is a
long wall whose shadow condition is solved analytically (ray–plane intersection)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from stadtbild.analysis.raycast import RayCaster
from stadtbild.analysis.samples import facade_points
from stadtbild.analysis.sunlight import MEETS_BOTH, MEETS_EQUINOX, MEETS_NONE, compare_sunlight, facade_sunlight
from tests.conftest import DEMO, data_file
from tests.helpers import box_model

# on the central meridian of UTM zone 32 (9° E): grid north = true north, so the facade azimuths
# of the test boxes are true azimuths
X0, Y0, Z0 = 500000.0, 5800000.0, 70.0
DATES = ("2026-03-21", "2026-01-17")


def _scene(boxes):
    return box_model(boxes).scene()


def _house(dx=0.0, oid="haus"):
    return (oid, X0 + dx, Y0, X0 + dx + 20.0, Y0 + 10.0, Z0, Z0 + 12.0)


def test_check_point_lattice_on_a_box():
    """20 × 10 × 12 m: rows at 1.5, 4.5, 7.5, 10.5 m (the next, 13.5 m, is above the top − 0.5 m),
    columns every 2 m centred: 10 on the long walls, 5 on the short ones → 4 × 30 = 120 points,
    each on its wall plane (2 cm off) and facing out."""
    sc = _scene([_house()])
    p = facade_points(sc, raycaster=RayCaster(sc))
    assert len(p) == 120
    assert np.allclose(np.unique(np.round(p.height_m, 6)), [1.5, 4.5, 7.5, 10.5])
    world = p.points + sc.origin
    south = np.isclose(p.facade_azimuth_deg, 180.0)
    assert south.sum() == 40
    assert np.allclose(world[south, 1], Y0 - 0.02)
    assert np.allclose(np.unique(np.round(world[south, 0] - X0, 6)), np.arange(1.0, 20.0, 2.0))
    east = np.isclose(p.facade_azimuth_deg, 90.0)
    assert east.sum() == 20 and np.allclose(world[east, 0], X0 + 20.02)
    assert np.allclose(np.unique(np.round(world[east, 1] - Y0, 6)), [1, 3, 5, 7, 9])
    assert sorted(np.unique(p.storey).tolist()) == [0, 1, 2, 3]


def test_party_walls_and_narrow_gaps_have_no_check_points():
    """Row houses sharing a wall: the shared wall's points lie inside the neighbour and are
    dropped (2 × 100 left); a house 0.5 m away loses the points facing the gap."""
    row = _scene([_house(), _house(20.0, "nachbar")])
    p = facade_points(row, raycaster=RayCaster(row))
    assert len(p) == 200
    assert not np.any(np.abs(p.points[:, 0] + row.origin[0] - (X0 + 20.0)) < 0.1)
    gap = _scene([_house(), _house(20.5, "nachbar")])
    q = facade_points(gap, raycaster=RayCaster(gap))
    assert len(q) == 200
    assert not np.any((q.points[:, 0] + gap.origin[0] > X0 + 19.9) & (q.points[:, 0] + gap.origin[0] < X0 + 20.6))


# DIN 5034-1:2021-08, 4.4 "Besonnung": a dwelling is sufficiently sunlit when at least one living
# room can receive sun for at least 4 h at the equinox (21 March), and, for sun in the winter
# months too, for at least 1 h on 17 January; only sun at least 6° above the horizon counts.
H10MIN = 10.0 / 60.0


@pytest.mark.parametrize("hours_equinox,hours_winter,expected", [
    (4.0, 1.0, MEETS_BOTH),                     # exactly at both thresholds: met
    (24 * H10MIN, 6 * H10MIN, MEETS_BOTH),      # 24 and 6 steps of 10 min (float sums just below 4 h / 1 h)
    (4.0, 50 / 60, MEETS_EQUINOX),              # 50 min in January: winter criterion missed
    (3 + 50 / 60, 1.0, MEETS_NONE),             # 3 h 50 min at the equinox: not met (winter alone is not enough)
    (3 + 50 / 60, 50 / 60, MEETS_NONE),
    (4 + 10 / 60, 1 + 10 / 60, MEETS_BOTH),
    (5.0, 2.0, MEETS_BOTH),
])
def test_din_5034_thresholds_at_the_boundaries(hours_equinox, hours_winter, expected):
    """The classification with the default thresholds, pinned at exactly 4 h / 1 h and one 10-minute
    step below (3 h 50 min / 50 min), through the public path: facade_sunlight's defaults, the
    result's classes and figures."""
    sc = _scene([_house()])
    r = facade_sunlight(sc, dates=DATES, step_min=10.0, site=_site_of(sc))
    assert (r.equinox_threshold_h, r.winter_threshold_h, r.min_elevation_deg) == (4.0, 1.0, 6.0)
    r.hours_equinox = np.full(len(r.points), float(hours_equinox))
    r.hours_winter = np.full(len(r.points), float(hours_winter))
    assert (r.point_class == expected).all()
    f = r.figures()
    assert f["standard"] == "DIN 5034-1 (Besonnung)"  # the result names the rule it applies
    assert (f["threshold_equinox_h"], f["threshold_winter_h"], f["min_sun_elevation_deg"]) == (4.0, 1.0, 6.0)
    assert f["points_meeting_equinox"] == (len(r.points) if expected != MEETS_NONE else 0)
    assert f["points_meeting_both"] == (len(r.points) if expected == MEETS_BOTH else 0)
    assert f["points_not_met"] == (len(r.points) if expected == MEETS_NONE else 0)
    assert f["buildings_without_any_point_meeting_equinox"] == (1 if expected == MEETS_NONE else 0)
    assert (f["date_equinox"], f["date_winter"]) == DATES and f["step_min"] == 10.0
    t = r.point_table()
    assert (t["meets_equinox"] == r.meets_equinox).all() and (t["meets_winter"] == r.meets_winter).all()


def test_cli_default_thresholds_are_din_5034(capsys):
    from stadtbild.cli import main

    assert main(["sunlight", str(data_file("citygml/fzk_haus/fzk_haus_lod2_v2.gml")), "--equinox", DATES[0],
                 "--winter", DATES[1], "--step", "10", "--json"]) == 0
    f = json.loads(capsys.readouterr().out)
    assert (f["threshold_equinox_h"], f["threshold_winter_h"], f["min_sun_elevation_deg"]) == (4.0, 1.0, 6.0)


def _site_of(scene):
    from stadtbild.analysis.sun import site_from_model

    return site_from_model(scene)


def _pvlib_sun(site, times):
    """(apparent elevation in °, unit vectors towards the sun (east, north, up)) at ``times``
    from pvlib's SPA."""
    import pvlib

    sp = pvlib.solarposition.get_solarposition(times, site.latitude_deg, site.longitude_deg, altitude=site.elevation_m,
                                               method="nrel_numpy")
    el = np.radians(sp["apparent_elevation"].to_numpy())
    az = np.radians(sp["azimuth"].to_numpy())
    return np.degrees(el), np.c_[np.sin(az) * np.cos(el), np.cos(az) * np.cos(el), np.sin(el)]


def _reference_hours(site, date, point_world, normal, blocked=None, min_el=6.0):
    """Hours with the sun ≥ ``min_el`` high, in front of the facade and not ``blocked`` — pvlib
    SPA every 30 s (the midpoints of 30-second intervals)."""
    import pandas as pd

    day = pd.Timestamp(date, tz=site.tz)
    times = pd.date_range(day, day + pd.Timedelta(days=1), freq="30s", inclusive="left") + pd.Timedelta(seconds=15)
    el_deg, d = _pvlib_sun(site, times)
    ok = (el_deg >= min_el) & (d @ normal > 0)
    if blocked is not None:
        ok &= ~blocked(point_world, d)
    return ok.sum() * 0.5 / 60.0


def test_unobstructed_south_facade_matches_pvlib():
    sc = _scene([_house()])
    site = _site_of(sc)
    assert abs(site.grid_north_deg) < 0.01  # central meridian
    r = facade_sunlight(sc, dates=DATES, step_min=1.0, site=site)
    south = np.flatnonzero(np.isclose(r.points.facade_azimuth_deg, 180.0))
    k = south[0]
    world = r.points.points[k] + sc.origin
    ref_eq = _reference_hours(site, DATES[0], world, np.array([0, -1.0, 0]))
    ref_w = _reference_hours(site, DATES[1], world, np.array([0, -1.0, 0]))
    assert ref_eq > 10 and ref_w > 5  # ≈ 10.6 h and ≈ 5.9 h at 52.3° N
    assert r.hours_equinox[south] == pytest.approx(ref_eq, abs=0.04)
    assert r.hours_winter[south] == pytest.approx(ref_w, abs=0.04)
    assert (r.point_class[south] == MEETS_BOTH).all()
    best = r.per_building()["haus"]  # the south wall is the sunniest on both days
    assert best["best_equinox_h"] == pytest.approx(ref_eq, abs=0.04) and best["best_winter_h"] == pytest.approx(ref_w, abs=0.04)
    assert (best["best_equinox_h"], best["best_winter_h"]) == (round(r.hours_equinox.max(), 3), round(r.hours_winter.max(), 3))
    lost = r.lost_compliance()  # no comparison: a (k,) mask with nothing lost
    assert lost.dtype == bool and lost.shape == (len(r.points),) and not lost.any()
    north = np.isclose(r.points.facade_azimuth_deg, 0.0)
    assert r.hours_winter[north].max() == 0.0  # the January sun never stands in front of a north wall
    assert (r.point_class[north] == MEETS_NONE).all()


# at the equinox the sun's profile angle on an east–west facade is 90° − latitude ≈ 37.7° all day
# (the sun moves in the equator plane), so only an obstruction seen under more than that blocks it
WALL = ("mauer", X0 - 100.0, Y0 - 29.2, X0 + 120.0, Y0 - 29.0, Z0, Z0 + 30.0)


def _wall_blocks(point, d):
    """Analytic: the ray towards the sun meets the wall's north face (y = Y0 − 29) within its
    length and below its top."""
    y_face = WALL[4]
    dy = d[:, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (y_face - point[1]) / dy
    x = point[0] + t * d[:, 0]
    z = point[2] + t * d[:, 2]
    return (dy < 0) & (t > 0) & (x >= WALL[1]) & (x <= WALL[3]) & (z <= WALL[6])


def test_wall_to_the_south_cuts_sun_as_the_analytic_shadow_and_the_comparison_reports_it():
    """A 30 m wall 29 m south of the house: the ground floor (seen under 44.5°) loses the equinox
    sun except where the rays pass the wall's ends, the top floor (34°) keeps it; hours match the
    analytic ray–wall test; the comparison with the wall demolished reports the points that lose
    compliance."""
    after = _scene([_house(), WALL])
    before = box_model([_house()]).scene().shifted_to(after.origin)  # the after frame for both
    site = _site_of(after)
    objects = np.array([oid == "haus" for oid in after.object_ids])
    r = compare_sunlight(before, after, dates=DATES, step_min=1.0, site=site, objects=objects)
    south = np.flatnonzero(np.isclose(r.points.facade_azimuth_deg, 180.0))
    n = np.array([0, -1.0, 0])
    for k in south:
        world = r.points.points[k] + after.origin
        ref_eq = _reference_hours(site, DATES[0], world, n, _wall_blocks)
        ref_w = _reference_hours(site, DATES[1], world, n, _wall_blocks)
        assert r.hours_equinox[k] == pytest.approx(ref_eq, abs=0.05), (k, r.points.height_m[k])
        assert r.hours_winter[k] == pytest.approx(ref_w, abs=0.05), (k, r.points.height_m[k])
    ground_floor = south[np.isclose(r.points.height_m[south], 1.5)]
    assert (r.hours_equinox[ground_floor] < 4.0).all()  # lost compliance on the ground floor
    top = south[np.isclose(r.points.height_m[south], 10.5)]
    assert (r.hours_equinox[top] > r.hours_equinox[ground_floor].max()).all()
    lost = r.lost_compliance()
    assert lost[ground_floor].all() and not lost[np.isclose(r.points.facade_azimuth_deg, 0.0)].any()
    f = r.figures()
    assert f["difference"]["points_losing_compliance"] == int(lost.sum()) > 0
    assert f["difference"]["buildings_losing_compliance"] == 1
    assert f["difference"]["points_compared"] == len(r.points)
    assert f["difference"]["min_change_winter_h"] < -5.0  # the ground floor loses the whole January sun
    # the same comparison with the CLI's one ray caster for the after-scene: the before hours are
    # still traced in the before-scene (without the wall), so the same losses are found
    again = compare_sunlight(before, after, dates=DATES, step_min=1.0, site=site, objects=objects,
                             raycaster=RayCaster(after))
    assert np.array_equal(again.before.hours_equinox, r.before.hours_equinox)
    assert np.array_equal(again.lost_compliance(), lost)


def test_demo_district_with_a_tower_from_the_cli(tmp_path, capsys):
    """End to end on the bundled demo: GeoJSON points in the model CRS, one per check point, with
    the DIN classes; the tower scenario makes points lose compliance only on existing buildings."""
    from stadtbild.cli import main

    scen = tmp_path / "turm.scenario.json"
    scen.write_text(json.dumps({"name": "Turm", "edits": [
        {"op": "extrude", "id": "turm", "footprint": [[90950, 435760], [90970, 435760], [90970, 435780],
                                                       [90950, 435780]], "ground_z": 0.0, "height_m": 40.0}]}))
    out = tmp_path / "punkte.geojson"
    assert main(["sunlight", str(DEMO), "--scenario", str(scen), "--compare", "--equinox", DATES[0],
                 "--winter", DATES[1], "--json", "-o", str(out)]) == 0
    f = json.loads(capsys.readouterr().out)
    gj = json.loads(out.read_text())
    assert len(gj["features"]) == f["check_points"] > 10000
    assert "28992" in json.dumps(gj.get("crs", {}))
    props = [ft["properties"] for ft in gj["features"]]
    assert sum(p["meets_equinox"] for p in props) == f["points_meeting_equinox"]
    lost = [p for p in props if p["loses_compliance"]]
    assert len(lost) == f["difference"]["points_losing_compliance"] > 0
    assert all(p["building_id"] != "turm" and p["hours_equinox"] <= p["hours_equinox_before"] + 1e-9 for p in lost)
    assert all(p["hours_equinox_before"] is None for p in props if p["building_id"] == "turm")
    z = np.array([ft["geometry"]["coordinates"][2] for ft in gj["features"]])
    assert np.isfinite(z).all()
    # the points go on to CAD through export --results (read back with ezdxf)
    import ezdxf

    dxf = tmp_path / "besonnung.dxf"
    assert main(["export", str(DEMO), "--results", str(out), "-o", str(dxf)]) == 0
    points = [e for e in ezdxf.readfile(dxf).modelspace() if e.dxftype() == "POINT"]
    assert len(points) == f["check_points"]
    # the same run as CityJSON with per-building attributes (read back with plain json)
    cj = tmp_path / "besonnung.city.json"
    assert main(["sunlight", str(DEMO), "--scenario", str(scen), "--compare", "--equinox", DATES[0],
                 "--winter", DATES[1], "-o", str(cj)]) == 0
    doc = json.loads(cj.read_text())
    attrs = {oid: o.get("attributes", {}) for oid, o in doc["CityObjects"].items()}
    with_points = [a for a in attrs.values() if "sunlight_points" in a]
    assert sum(a["sunlight_points"] for a in with_points) == f["check_points"]
    assert sum(a["sunlight_meets_both"] for a in with_points) == f["points_meeting_both"]
    assert sum(a["sunlight_points_losing"] for a in with_points) == f["difference"]["points_losing_compliance"]
    assert "turm" in doc["CityObjects"] and attrs["turm"]["sunlight_points_losing"] == 0


def test_nrw_lod2_tile_has_sensible_hours():
    """Official NRW LoD2 (CityGML): every building gets points; hours stay within what the sun
    allows on the day (≤ 12 h at the equinox, ≤ 8 h on 17 January at 51° N)."""
    from stadtbild.importers import load

    m = load(data_file("citygml/nrw/LoD2_32_328_5729_1_NW.gml"))
    sc = m.scene()
    parent = {oid: o.parents[0] for oid, o in m.objects.items() if o.parents}
    r = facade_sunlight(sc, dates=DATES, object_parent=parent)
    f = r.figures()
    assert f["check_points"] > 1000 and f["buildings"] >= 0.9 * sum(1 for o in m.objects.values() if not o.parents
                                                                     and o.type == "Building")
    assert 0 <= r.hours_equinox.min() and r.hours_equinox.max() <= 12.0
    assert 0 <= r.hours_winter.min() and r.hours_winter.max() <= 8.0
    cls = r.point_class
    assert {MEETS_BOTH, MEETS_EQUINOX, MEETS_NONE} <= set(np.unique(cls).tolist())


@pytest.mark.parametrize("args,needle", [
    (["--step", "20"], "time step"),
    (["--equinox", "21.3.2026"], "must look like"),
    (["-o", "x.shp"], "unknown output type"),
    (["--ids", "gibt-es-nicht"], "no object"),
    (["--compare"], "--compare needs --scenario"),
])
def test_cli_rejects_bad_arguments_with_one_line(args, needle, capsys):
    from stadtbild.cli import main

    assert main(["sunlight", str(DEMO), *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0]


def test_per_building_figures_and_differences_by_hand():
    """The per-building table and the figures against counts made here by hand: two houses with
    hours set directly (120 points each), a 'before' with known differences."""
    import copy

    sc = _scene([_house(), _house(40.0, "nachbar")])
    r = facade_sunlight(sc, dates=DATES, step_min=10.0, site=_site_of(sc))
    n = len(r.points)
    assert n == 240
    own = np.array(sc.object_ids, dtype=object)[r.points.object_index]
    rng = np.random.default_rng(4)
    r.hours_equinox = np.round(rng.uniform(0, 8, n) * 6) / 6   # whole 10-minute steps
    r.hours_winter = np.round(rng.uniform(0, 3, n) * 6) / 6
    table = r.per_building()
    assert set(table) == {"haus", "nachbar"}
    for b in ("haus", "nachbar"):
        sel = own == b
        eq, wi = r.hours_equinox[sel], r.hours_winter[sel]
        assert table[b] == {"points": 120, "meets_equinox": int((eq >= 4 - 1e-9).sum()),
                            "meets_both": int(((eq >= 4 - 1e-9) & (wi >= 1 - 1e-9)).sum()),
                            "best_equinox_h": round(float(eq.max()), 3), "best_winter_h": round(float(wi.max()), 3)}
    f = r.figures()
    assert f["mean_hours_equinox_h"] == round(float(r.hours_equinox.mean()), 3)
    assert f["mean_hours_winter_h"] == round(float(r.hours_winter.mean()), 3)
    assert f["buildings"] == 2
    # all points dark in winter: best winter hours 0.0 (not the -inf start value)
    dark = copy.copy(r)
    dark.hours_winter = np.zeros(n)
    assert {v["best_winter_h"] for v in dark.per_building().values()} == {0.0}
    # a 'before' one step brighter at the equinox on the neighbour, 30 min on the winter day everywhere
    before = copy.copy(r)
    before.hours_equinox = r.hours_equinox + np.where(own == "nachbar", 1 / 6, 0.0)
    before.hours_winter = r.hours_winter + 0.5
    r.before = before
    d = r.figures()["difference"]
    assert d["points_compared"] == n
    assert d["points_losing_sun_equinox"] == 120
    assert d["mean_change_equinox_h"] == round(-1 / 12, 4) and d["min_change_equinox_h"] == round(-1 / 6, 4)
    assert d["mean_change_winter_h"] == -0.5 and d["min_change_winter_h"] == -0.5
    lost = r.lost_compliance()
    assert d["points_losing_compliance"] == int(lost.sum()) > 0
    assert r.per_building()["haus"]["points_losing"] == int(lost[own == "haus"].sum())
    assert (r.point_table()["loses_compliance"] == lost).all()


@pytest.mark.parametrize("spacing,storey,first,needle", [
    (0.0, 3.0, 1.5, "point spacing must"), (2.0, 0.0, 1.5, "point storey height must"),
    (float("nan"), 3.0, 1.5, "point spacing must"), (2.0, -1.0, 1.5, "point storey height must"),
    (2.0, 3.0, -0.5, "first row height must"), (2.0, 3.0, float("nan"), "first row height must")])
def test_lattice_needs_positive_spacings(spacing, storey, first, needle):
    from stadtbild.model.errors import InputError

    sc = _scene([_house()])
    with pytest.raises(InputError, match=needle):
        facade_points(sc, spacing_m=spacing, storey_height_m=storey, first_row_m=first)


def test_lattice_limits_and_fine_spacing():
    """A 1 m lattice on the 20 × 10 × 12 m box: 20 columns on the long walls, 10 on the short
    ones, 4 rows -> 240 points; too many points for the limit is an InputError that says so."""
    from stadtbild.model.errors import InputError

    sc = _scene([_house()])
    assert len(facade_points(sc, spacing_m=1.0)) == 240
    with pytest.raises(InputError, match="too many"):
        facade_points(sc, spacing_m=1.0, max_points=100)


def test_gable_walls_and_the_top_half_metre():
    """Only points inside a wall's outline count, and none within 0.5 m of its top. Gable house
    12 × 8 m, eaves 6 m, ridge 10 m: the eave walls have rows at 1.5 and 4.5 m (6 and 4
    columns); the gable walls also at 7.5 m, where the gable is 8·(1 − 1.5/4) = 5 m wide, so only
    its two middle columns (±1 m) of four lie inside: 2·6 + 2·6 + 2·(4 + 4 + 2) = 44 points.
    A 10.8 m box standing beside a 20 m tower keeps its rows at 1.5, 4.5 and 7.5 m: 10.5 m is
    within 0.5 m of its own top, whatever the tower's height; each wall's columns are centred on
    that wall."""
    from tests.helpers import box_polygons, model_from_solids
    from tests.test_metrics import gable_house

    v, faces = gable_house(X0, Y0)
    sc = model_from_solids([("g", v, faces)]).scene()
    p = facade_points(sc, raycaster=RayCaster(sc))
    assert len(p) == 44
    gable = np.isclose(p.facade_azimuth_deg % 180.0, 90.0)
    assert gable.sum() == 20 and np.round(p.height_m[gable], 6).tolist().count(7.5) == 4
    world = p.points[gable] + sc.origin
    top_row = np.isclose(p.height_m[gable], 7.5)
    assert np.allclose(np.sort(np.unique(np.round(world[top_row, 1] - (Y0 + 4.0), 6))), [-1.0, 1.0])
    low, tower = box_polygons(X0, Y0, X0 + 20, Y0 + 10, Z0, Z0 + 10.8), box_polygons(X0 + 60, Y0, X0 + 71, Y0 + 10, Z0, Z0 + 20)
    both = model_from_solids([("low", *low), ("tower", *tower)]).scene()
    q = facade_points(both, raycaster=RayCaster(both))
    own = q.object_index == both.object_ids.index("low")
    assert np.allclose(np.unique(np.round(q.height_m[own], 6)), [1.5, 4.5, 7.5]) and own.sum() == 90
    # each wall centres its own columns: 1, 3, …, 9 m along the low house's 10 m east wall, and
    # 1.5, 3.5, …, 9.5 m along the tower's 11 m south wall (5 columns, 0.5 m margin left over)
    east = own & np.isclose(q.facade_azimuth_deg, 90.0)
    assert np.allclose(np.unique(np.round(q.points[east, 1] + both.origin[1] - Y0, 6)), [1, 3, 5, 7, 9])
    south_t = (q.object_index == both.object_ids.index("tower")) & np.isclose(q.facade_azimuth_deg, 180.0)
    assert np.allclose(np.unique(np.round(q.points[south_t, 0] + both.origin[0] - X0 - 60, 6)), [1.5, 3.5, 5.5, 7.5, 9.5])


def test_the_check_itself_drops_party_wall_points():
    """facade_sunlight builds its own lattice with its ray core: the shared wall of two row
    houses has no check points there either (2 × 100)."""
    row = _scene([_house(), _house(20.0, "nachbar")])
    r = facade_sunlight(row, dates=DATES, step_min=10.0, site=_site_of(row))
    assert len(r.points) == 200


def test_storey_rows_count_from_each_buildings_own_base():
    """A second house standing 5 m higher (on a slope): its rows are at 1.5, 4.5, 7.5, 10.5 m above
    its own lowest point, not above the lowest point of the scene."""
    high = ("oben", X0 + 40, Y0, X0 + 60, Y0 + 10, Z0 + 5.0, Z0 + 17.0)
    sc = _scene([_house(), high])
    p = facade_points(sc, raycaster=RayCaster(sc))
    for oid, base in (("haus", Z0), ("oben", Z0 + 5.0)):
        z = p.points[p.object_index == sc.object_ids.index(oid), 2] + sc.origin[2]
        assert np.allclose(np.unique(np.round(z - base, 6)), [1.5, 4.5, 7.5, 10.5]), oid
        assert (p.object_index == sc.object_ids.index(oid)).sum() == 120
        own = p.object_index == sc.object_ids.index(oid)  # the reported height is above that base too
        assert np.allclose(p.height_m[own], z - base)


def test_an_explicit_site_replaces_the_models():
    """The model lies at 52° N; the check is asked for Sydney (33.9° S), where the equinox sun
    stands in the north: the south facade's hours must be Sydney's (pvlib SPA every 30 s), not
    Braunschweig's."""
    from stadtbild.analysis.sun import Site

    sc = _scene([_house()])
    sydney = Site(-33.87, 151.21, 20.0, "Australia/Sydney")
    r = facade_sunlight(sc, dates=DATES, step_min=1.0, site=sydney)
    south = np.flatnonzero(np.isclose(r.points.facade_azimuth_deg, 180.0))
    world = r.points.points[south[0]] + sc.origin
    ref_eq = _reference_hours(sydney, DATES[0], world, np.array([0, -1.0, 0]))
    ref_here = _reference_hours(_site_of(sc), DATES[0], world, np.array([0, -1.0, 0]))
    assert abs(ref_eq - ref_here) > 1.0
    assert r.hours_equinox[south] == pytest.approx(ref_eq, abs=0.04)
    assert r.site is sydney  # the result says where its hours hold


def test_point_table_places_each_point_on_its_wall():
    """The exported table's coordinates are the check points in the model CRS: the south wall's
    points 2 cm in front of y = Y0, at the lattice's x and at Z0 + 1.5/4.5/7.5/10.5 m."""
    sc = _scene([_house()])
    r = facade_sunlight(sc, dates=DATES, step_min=10.0, site=_site_of(sc))
    t = r.point_table()
    south = np.isclose(t["facade_azimuth_deg"], 180.0)
    assert south.sum() == 40
    assert np.allclose(t["y"][south], Y0 - 0.02)
    assert np.allclose(np.unique(np.round(t["x"][south] - X0, 6)), np.arange(1.0, 20.0, 2.0))
    assert np.allclose(np.unique(np.round(t["z"][south] - Z0, 6)), [1.5, 4.5, 7.5, 10.5])
    assert np.allclose(t["height_m"][south], t["z"][south] - Z0)
    assert set(t["object_id"]) == set(t["building_id"]) == {"haus"}
    assert sorted(set(t["storey"][south].tolist())) == [0, 1, 2, 3]
    assert np.allclose(t["z"][south] - Z0, 1.5 + 3.0 * t["storey"][south])
    assert np.allclose(t["hours_equinox"], np.round(r.hours_equinox, 3))
    assert np.allclose(t["hours_winter"], np.round(r.hours_winter, 3))
    # the unobstructed south wall meets both DIN days, the north wall neither (no January sun)
    assert set(t["class"][south]) == {"equinox and winter"}
    assert set(t["class"][np.isclose(t["facade_azimuth_deg"], 0.0)]) == {"not met"}


def test_a_scene_without_buildings_has_no_check_points():
    """Only a non-building object: no check points (every column empty), no buildings, and the
    figures say so instead of failing."""
    m = box_model([_house(oid="baum")])
    m.objects["baum"].type = "SolitaryVegetationObject"
    sc = m.scene()
    p = facade_points(sc, raycaster=RayCaster(sc))
    assert len(p) == 0
    for name in ("points", "normals", "triangle", "object_index", "polygon", "storey", "height_m"):
        assert np.asarray(getattr(p, name)).shape[:1] == (0,), name
    for name in ("triangle", "object_index", "polygon", "storey"):  # still usable as indices
        assert np.issubdtype(getattr(p, name).dtype, np.integer), name
    r = facade_sunlight(sc, dates=DATES, step_min=10.0, site=_site_of(sc))
    f = r.figures()
    assert f["check_points"] == 0 and f["buildings"] == 0 and f["mean_hours_equinox_h"] is None


def test_building_mask_is_boolean_even_without_objects():
    """building_objects gives a boolean mask per object (Building and BuildingPart true), also for a
    scene without any object, so that callers can combine it with & (as the CLI does with --ids)."""
    from stadtbild.analysis.samples import building_objects
    from stadtbild.model.scene import Scene

    m = box_model([_house(), _house(40.0, "teil"), _house(80.0, "baum")])
    m.objects["teil"].type = "BuildingPart"
    m.objects["baum"].type = "SolitaryVegetationObject"
    sc = m.scene()
    mask = building_objects(sc)
    assert mask.dtype == bool and mask.tolist() == [oid != "baum" for oid in sc.object_ids]
    empty = Scene(vertices=np.zeros((0, 3)), triangles=np.zeros((0, 3)), object_index=np.zeros(0),
                  surface_type=np.zeros(0), object_ids=[], object_types=[])
    none = building_objects(empty)
    assert none.dtype == bool and (none & np.zeros(0, dtype=bool)).shape == (0,)


def test_dates_must_be_two():
    from stadtbild.model.errors import InputError

    sc = _scene([_house()])
    with pytest.raises(InputError) as e:
        facade_sunlight(sc, dates=(DATES[0],), site=_site_of(sc))
    assert e.value.path is None and "two dates" in str(e.value)
    with pytest.raises(InputError, match="must look like 2026-03-21"):
        facade_sunlight(sc, dates=("21.3.2026", DATES[1]), site=_site_of(sc))


def test_default_days_are_those_of_din_5034():
    """DIN 5034-1: the equinox (21 March) and the mean winter day (17 January) of the year asked
    for, this year by default."""
    import datetime as dt

    from stadtbild.analysis.sunlight import default_dates

    assert default_dates(2031) == (dt.date(2031, 3, 21), dt.date(2031, 1, 17))
    assert default_dates() == (dt.date(dt.date.today().year, 3, 21), dt.date(dt.date.today().year, 1, 17))


def test_a_canopy_above_the_facade_keeps_the_windows_under_it():
    """An open roof surface (a canopy, no closed solid) over the pavement along the south wall
    and 6 m up, a paved area beneath: the points below it are outside every building (the ray up
    meets the canopy's underside, the ray down the pavement's top, not the inside of a solid), so
    they keep their place in the lattice (120 points as without the canopy)."""
    from stadtbild.model.semantics import GROUND, ROOF
    from tests.helpers import box_polygons, model_from_solids

    v, faces = box_polygons(X0, Y0, X0 + 20, Y0 + 10, Z0, Z0 + 12)
    canopy = np.array([[X0 - 2, Y0 - 3, Z0 + 6], [X0 + 22, Y0 - 3, Z0 + 6], [X0 + 22, Y0 - 0.005, Z0 + 6],
                       [X0 - 2, Y0 - 0.005, Z0 + 6]])
    pavement = canopy - [0.0, 0.0, 6.0]  # a paved area under it, facing up
    m = model_from_solids([("haus", v, faces), ("dach", canopy, [([0, 1, 2, 3], ROOF)]),
                           ("pflaster", pavement, [([0, 1, 2, 3], GROUND)])])
    m.objects["dach"].type = "BuildingInstallation"
    m.objects["pflaster"].type = "TrafficArea"
    sc = m.scene()
    p = facade_points(sc, raycaster=RayCaster(sc))
    south = np.isclose(p.facade_azimuth_deg, 180.0)
    assert south.sum() == 40 and len(p) == 120


def _dem(height, margin=30.0):
    """A DEM (1 m nodes) around the test house with z = height(x, y) (model CRS, m)."""
    from stadtbild.model.crs import CRSInfo
    from stadtbild.model.terrain import TerrainGrid

    xs = np.arange(X0 - margin, X0 + 20.0 + margin + 0.5)
    ys = np.arange(Y0 + 10.0 + margin, Y0 - margin - 0.5, -1.0)
    gx, gy = np.meshgrid(xs, ys)
    return TerrainGrid(height(gx, gy), xs[0], ys[0], 1.0, 1.0, crs=CRSInfo(25832))


def _buried_by_hand(world, ground_z):
    """Hand rule of the lattice on the 20 × 10 × 12 m house: a check point below the ground
    (more than 0.1 m lower than ``ground_z`` at its place) holds no window."""
    return world[:, 2] < ground_z + 0.1


def test_check_points_below_a_sloping_terrain_are_dropped():
    """The house cut into a slope rising north by 1 in 4 (an analytic DEM, z = Z0 + (y − Y0)/4,
    in the analysis scene as its terrain mesh; no ground given, so the check takes the scene's
    own): the ground floor row (1.5 m) lies in the slope on the north wall (ground 102.5 m there)
    and on the east and west walls at y − Y0 = 7 and 9 m (ground 101.75 and 102.25 m), so
    10 + 2 + 2 = 14 of the 120 lattice points go, the rest stay; at 5 m (ground 101.25 m) the
    point is 0.25 m above the slope and keeps its place."""
    from stadtbild.model.terrain import with_terrain

    def slope(x, y):
        return Z0 + (y - Y0) / 4.0

    house = box_model([_house()]).scene()
    scene = with_terrain(house, _dem(slope))
    r = facade_sunlight(scene, dates=DATES, step_min=10.0, site=_site_of(scene))
    lattice = facade_points(house)  # the same lattice without any ground
    assert len(lattice) == 120
    world = lattice.points + house.origin
    buried = _buried_by_hand(world, slope(world[:, 0], world[:, 1]))
    assert buried.sum() == 14
    assert (np.isclose(lattice.height_m[buried], 1.5)).all()
    north = np.isclose(lattice.facade_azimuth_deg, 0.0)
    assert buried[north].sum() == 10
    kept = r.points.points + scene.origin
    assert len(r.points) == 106
    expected = {tuple(np.round(p, 3)) for p in world[~buried]}
    assert {tuple(np.round(p, 3)) for p in kept} == expected
    assert not _buried_by_hand(kept, slope(kept[:, 0], kept[:, 1])).any()


def test_a_given_ground_model_drops_the_points_below_it():
    """The planner's DEM as the ground (the CLI passes ``ground_of(model)``), here a terrace step
    3 m high north of y − Y0 = 5.5 m, while the scene itself is flat: the ground given wins. The
    ground floor row goes on the north wall (10 points) and at y − Y0 = 7 and 9 m on the east and
    west walls (4): 106 of 120 points, as counted by hand; the comparison keeps those points for
    both states."""
    from stadtbild.model.ground import ground_for

    def terrace(x, y):
        return np.where(y - Y0 > 5.5, Z0 + 3.0, Z0)

    scene = _scene([_house()])
    ground = ground_for(scene, _dem(terrace))
    assert ground.kind == "terrain"
    r = facade_sunlight(scene, dates=DATES, step_min=10.0, site=_site_of(scene), ground=ground)
    world = r.points.points + scene.origin
    assert len(r.points) == 106
    assert not _buried_by_hand(world, terrace(world[:, 0], world[:, 1])).any()
    c = compare_sunlight(scene, scene, dates=DATES, step_min=10.0, site=_site_of(scene), ground=ground)
    assert len(c.points) == len(c.before.points) == 106


def test_a_point_exactly_at_the_ground_clearance_stays():
    """The ground margin at its boundary (GROUND_CLEARANCE_M, 0.1 m): with the first row 0.1 m up
    on flat ground (the check's own ground, the plane of the lowest ground surface) the rows are at
    0.1, 3.1, 6.1 and 9.1 m and all 120 points stay; with the first row 0.05 m up the bottom row is
    within the margin and goes: 3 rows, 90 points."""
    from stadtbild.analysis.samples import GROUND_CLEARANCE_M

    assert GROUND_CLEARANCE_M == 0.1
    sc = _scene([_house()])
    site = _site_of(sc)
    for first_row, rows in ((0.1, [0.1, 3.1, 6.1, 9.1]), (0.05, [3.05, 6.05, 9.05])):
        r = facade_sunlight(sc, dates=DATES, step_min=10.0, site=site, first_row_m=first_row)
        assert len(r.points) == 30 * len(rows), first_row
        assert np.allclose(np.unique(np.round(r.points.points[:, 2] + sc.origin[2] - Z0, 6)), rows)


def test_default_time_step_is_two_minutes():
    """Without ``step_min`` the sun is sampled every 2 minutes (module docstring): the figures say
    so, every point's hours are whole 2-minute steps, and the unobstructed south facade agrees with
    pvlib SPA (every 30 s) within the midpoint rule's bound for that step: one minute at each of
    the two edges of its sunny period, plus a quarter minute at each for the reference."""
    sc = _scene([_house()])
    site = _site_of(sc)
    r = facade_sunlight(sc, dates=DATES, site=site)
    assert r.step_min == 2.0 and r.figures()["step_min"] == 2.0
    for hours in (r.hours_equinox, r.hours_winter):
        steps = hours * 60.0 / 2.0
        assert np.allclose(steps, np.round(steps), atol=1e-6)
    south = np.flatnonzero(np.isclose(r.points.facade_azimuth_deg, 180.0))
    world = r.points.points[south[0]] + sc.origin
    for k, date in enumerate(DATES):
        ref = _reference_hours(site, date, world, np.array([0, -1.0, 0]))
        got = (r.hours_equinox, r.hours_winter)[k][south]
        assert np.abs(got - ref).max() <= 2.5 / 60.0 + 1e-9, date


def test_objects_given_as_zero_one_flags_select_like_a_boolean_mask():
    """The buildings to check may come as 0/1 flags (one per scene object, e.g. from a table):
    the same selection as the boolean mask — the 120 points of the house, none on its
    neighbour."""
    sc = _scene([_house(), _house(40.0, "nachbar")])
    flags = [1 if oid == "haus" else 0 for oid in sc.object_ids]
    r = facade_sunlight(sc, dates=DATES, step_min=10.0, site=_site_of(sc), objects=flags)
    assert len(r.points) == 120
    assert set(np.array(sc.object_ids, dtype=object)[r.points.object_index]) == {"haus"}
    mask = facade_points(sc, objects=np.array(flags, dtype=bool), raycaster=RayCaster(sc))
    assert np.array_equal(r.points.points, mask.points)


def _turned_house(angle_deg):
    """The 20 × 10 × 12 m house turned ``angle_deg`` anticlockwise about its centre."""
    from tests.helpers import box_polygons, model_from_solids

    v, faces = box_polygons(X0, Y0, X0 + 20.0, Y0 + 10.0, Z0, Z0 + 12.0)
    a = np.radians(angle_deg)
    centre = np.array([X0 + 10.0, Y0 + 5.0])
    v[:, :2] = (v[:, :2] - centre) @ np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]]) + centre
    return model_from_solids([("dreh", v, faces)])


def test_point_table_gives_azimuths_to_a_tenth_of_a_degree_and_heights_to_the_millimetre():
    """A house turned 12.3° anticlockwise: its walls face 180° − 12.3° = 167.7°, 257.7°, 347.7°
    and 77.7° (the outward normals (0, −1), (−1, 0), (0, 1), (1, 0) turned with it); storeys of
    2.71828 m put the rows at 1.5 + k · 2.71828 m (k = 0 … 3; the next, 12.37 m, is above the top).
    The table gives those azimuths to 0.1° and heights to the millimetre, and each wall's hours
    are those of pvlib SPA for a facade of its turned normal."""
    angle = 12.3
    sc = _turned_house(angle).scene()
    site = _site_of(sc)
    r = facade_sunlight(sc, dates=DATES, step_min=1.0, site=site, storey_height_m=2.71828)
    t = r.point_table()
    assert len(r.points) == 120
    assert sorted(set(t["facade_azimuth_deg"].tolist())) == [77.7, 167.7, 257.7, 347.7]
    assert sorted(set(t["height_m"].tolist())) == [1.5, 4.218, 6.937, 9.655]
    a = np.radians(angle)
    for azimuth, (nx, ny) in ((167.7, (0, -1)), (257.7, (-1, 0)), (347.7, (0, 1)), (77.7, (1, 0))):
        normal = np.array([nx * np.cos(a) - ny * np.sin(a), nx * np.sin(a) + ny * np.cos(a), 0.0])
        k = np.flatnonzero(t["facade_azimuth_deg"] == azimuth)[0]
        world = r.points.points[k] + sc.origin
        for date, hours in ((DATES[0], r.hours_equinox), (DATES[1], r.hours_winter)):
            assert hours[k] == pytest.approx(_reference_hours(site, date, world, normal), abs=0.04), (azimuth, date)


def test_a_new_building_has_no_before_values_and_never_loses_compliance():
    """The scenario adds a 12 m block 30 m south of the house: the block's 120 points have no
    counterpart before (NaN before, never 'losing'), the house's 120 are compared; the block
    takes January sun from the house's ground floor (seen under atan(10.5/30) = 19.3°, above the
    noon sun of 17 January, 90° − 52.3° − 20.8° ≈ 17°), and the figures, the per-building table
    and the point table count the house alone."""
    block = ("neubau", X0, Y0 - 40.0, X0 + 20.0, Y0 - 30.0, Z0, Z0 + 12.0)
    after = _scene([_house(), block])
    before = box_model([_house()]).scene().shifted_to(after.origin)
    r = compare_sunlight(before, after, dates=DATES, step_min=5.0, site=_site_of(after))
    own = np.array(after.object_ids, dtype=object)[r.points.object_index]
    new, house = own == "neubau", own == "haus"
    assert new.sum() == house.sum() == 120
    for hours in (r.before.hours_equinox, r.before.hours_winter):
        assert np.isnan(hours[new]).all() and np.isfinite(hours[house]).all()
    assert not r.lost_compliance()[new].any()
    d = r.figures()["difference"]
    assert d["points_compared"] == 120
    de = r.hours_equinox[house] - r.before.hours_equinox[house]
    dw = r.hours_winter[house] - r.before.hours_winter[house]
    assert d["mean_change_equinox_h"] == round(float(de.mean()), 4)
    assert d["min_change_winter_h"] == round(float(dw.min()), 4) < 0
    assert d["mean_change_winter_h"] == round(float(dw.mean()), 4)
    ground_floor_south = house & np.isclose(r.points.height_m, 1.5) & np.isclose(r.points.facade_azimuth_deg, 180.0)
    assert (dw[ground_floor_south[house]] < 0).all()
    assert r.per_building()["neubau"]["points_losing"] == 0
    # the block lies south of the house and within its x range: rays from the east and west walls
    # never reach it, so their hours are the same before and after, to the last bit (same days,
    # step and site for both states)
    side = house & np.isin(np.round(r.points.facade_azimuth_deg, 6), [90.0, 270.0])
    assert side.sum() == 40
    assert np.array_equal(r.hours_equinox[side], r.before.hours_equinox[side])
    assert np.array_equal(r.hours_winter[side], r.before.hours_winter[side])
    t = r.point_table()
    assert np.isnan(t["hours_equinox_before"][new].astype(float)).all()
    assert np.isnan(t["hours_winter_before"][new].astype(float)).all()
    assert np.allclose(t["hours_winter_before"][house], np.round(r.before.hours_winter[house], 3))
    assert np.allclose(t["hours_equinox_before"][house], np.round(r.before.hours_equinox[house], 3))
    assert not t["loses_compliance"][new].any()
    for flag in ("meets_equinox", "meets_winter", "loses_compliance"):  # 0/1 flags in CSV and GeoJSON
        assert t[flag].dtype.kind == "i" and set(np.unique(t[flag])) <= {0, 1}, flag


def test_building_parts_roll_up_to_their_building():
    """A BuildingPart (``object_parent`` maps it to its building) counts with its building: one
    building with the 240 points of both boxes in the per-building table and the figures, and
    the point table names the building for the part's points."""
    sc = _scene([_house(), _house(40.0, "teil")])
    r = facade_sunlight(sc, dates=DATES, step_min=10.0, site=_site_of(sc), object_parent={"teil": "haus"})
    table = r.per_building()
    assert list(table) == ["haus"] and table["haus"]["points"] == 240
    assert r.figures()["buildings"] == 1
    t = r.point_table()
    part = t["object_id"] == "teil"
    assert part.sum() == 120 and set(t["building_id"][part]) == {"haus"}


def test_progress_runs_once_over_both_days():
    """The two days share one progress bar: the first day fills the first half, the second day
    the rest, chunk by chunk, ending at (total, total). A 0.5 m × 1 m lattice on the house (11 rows
    from 1.5 to 11.5 m, 120 columns round it: 1320 points) takes more than one chunk a day."""
    sc = _scene([_house()])
    calls = []
    r = facade_sunlight(sc, dates=DATES, step_min=10.0, site=_site_of(sc), spacing_m=0.5, storey_height_m=1.0,
                        progress=lambda i, n: calls.append((i, n)))
    assert len(r.points) == 11 * 120
    totals = {n for _, n in calls}
    assert len(totals) == 1
    total = totals.pop()
    assert isinstance(total, int) and total >= 4 and total % 2 == 0
    assert [i for i, _ in calls] == list(range(1, total + 1))


def test_no_sun_above_six_degrees_gives_zero_hours():
    """Tromsø (69.65° N) on 17 January: the sun stays below the horizon at noon (90° − 69.65° −
    20.8° ≈ −0.5°), so every point has 0 h that day, and the equinox hours are those of pvlib for
    the south facade."""
    from stadtbild.analysis.sun import Site

    sc = _scene([_house()])
    tromso = Site(69.65, 18.96, 10.0, "Europe/Oslo")
    r = facade_sunlight(sc, dates=DATES, step_min=5.0, site=tromso)
    assert len(r.points) == 120 and (r.hours_winter == 0).all()
    south = np.flatnonzero(np.isclose(r.points.facade_azimuth_deg, 180.0))
    ref = _reference_hours(tromso, DATES[0], r.points.points[south[0]] + sc.origin, np.array([0, -1.0, 0]))
    assert r.hours_equinox[south] == pytest.approx(ref, abs=5.5 / 60)
    assert (r.point_class == MEETS_EQUINOX)[south].all()


@pytest.mark.parametrize("name,value,ok", [
    ("step_min", 10.0, True), ("step_min", 10.5, False), ("step_min", 0.0, False), ("step_min", -2.0, False),
    ("min_elevation_deg", -1.0, True), ("min_elevation_deg", -1.5, False),
    ("min_elevation_deg", 59.5, True), ("min_elevation_deg", 60.0, False),
])
def test_step_and_minimum_elevation_limits(name, value, ok):
    """The time step may be up to 10 minutes (the half-step error then stays ≤ 5 min per edge) and
    above 0; the minimum sun elevation from −1° (refraction at the horizon) to below 60°. Outside
    that the check refuses with a message naming the limits and the value."""
    from stadtbild.model.errors import InputError

    sc = _scene([_house()])
    kw = {"step_min": 10.0, name: value}
    if ok:
        r = facade_sunlight(sc, dates=DATES, site=_site_of(sc), **kw)
        assert (r.step_min, r.min_elevation_deg) == (kw["step_min"], kw.get("min_elevation_deg", 6.0))
        return
    with pytest.raises(InputError) as e:
        facade_sunlight(sc, dates=DATES, site=_site_of(sc), **kw)
    limits = "between 0 and 10 minutes" if name == "step_min" else "between -1° and 60°"
    assert e.value.path is None and limits in str(e.value) and str(e.value).endswith(f"got {value:g}")


def test_dates_may_be_date_objects_or_padded_iso_strings():
    """Dates come as datetime.date or as ISO strings, also with blanks around them (as typed):
    the same days and hours either way."""
    import datetime as dt

    sc = _scene([_house()])
    a = facade_sunlight(sc, dates=(dt.date(2026, 3, 21), dt.date(2026, 1, 17)), step_min=10.0, site=_site_of(sc))
    b = facade_sunlight(sc, dates=(" 2026-03-21 ", "2026-01-17\n"), step_min=10.0, site=_site_of(sc))
    assert a.dates == b.dates == (dt.date(2026, 3, 21), dt.date(2026, 1, 17))
    assert np.array_equal(a.hours_equinox, b.hours_equinox) and np.array_equal(a.hours_winter, b.hours_winter)


def test_a_kinked_wall_polygon_takes_its_frame_from_its_vector_area():
    """One wall polygon of two vertical parts (real LoD2 walls are not always planar): 16 m facing
    south, then 4.47 m turned to face 26.6° east of south (to (20, 2)), 12 m high, given as four
    triangles. Its lattice runs along the wall's mean direction, that of the polygon's vector area
    (Newell's normal: the area-weighted sum of the parts' normals, (24, −240, 0) here): columns
    2 m apart along u = the horizontal normal turned +90°, centred on the polygon's extent along u
    (20.10 m: 10 columns), 4 rows — 40 points, each on its part's plane."""
    from stadtbild.model.scene import Scene
    from stadtbild.model.semantics import WALL

    v = np.array([[0, 0, 0], [16, 0, 0], [20, 2, 0], [0, 0, 12], [16, 0, 12], [20, 2, 12]], dtype=float)
    tris = np.array([[0, 1, 4], [0, 4, 3], [1, 2, 5], [1, 5, 4]])
    sc = Scene(vertices=v, triangles=tris, object_index=np.zeros(4), surface_type=np.full(4, WALL),
               object_ids=["knick"], object_types=["Building"], polygon_index=np.zeros(4),
               polygon_object=np.zeros(1), origin=np.array([X0, Y0, Z0]))
    ring = np.array([[0, 0, 0], [16, 0, 0], [20, 2, 0], [20, 2, 12], [16, 0, 12], [0, 0, 12]], dtype=float)
    nxt = np.roll(ring, -1, axis=0)  # Newell's method over the ring
    newell = np.array([((ring[:, 1] - nxt[:, 1]) * (ring[:, 2] + nxt[:, 2])).sum(),
                       ((ring[:, 2] - nxt[:, 2]) * (ring[:, 0] + nxt[:, 0])).sum(),
                       ((ring[:, 0] - nxt[:, 0]) * (ring[:, 1] + nxt[:, 1])).sum()]) / 2.0
    assert np.allclose(newell, [24.0, -240.0, 0.0])
    w = newell / np.linalg.norm(newell)
    u = np.array([-w[1], w[0], 0.0])
    along = ring @ u
    width = along.max() - along.min()
    n_cols = int(np.floor(width / 2.0))
    columns = along.min() + (width - (n_cols - 1) * 2.0) / 2.0 + 2.0 * np.arange(n_cols)
    assert n_cols == 10
    p = facade_points(sc)
    on_wall = p.points - 0.02 * p.normals  # the points lie 2 cm in front of their part
    assert len(p) == 40
    assert np.allclose(np.unique(np.round(on_wall @ u, 6)), columns, atol=1e-6)
    assert np.allclose(np.unique(np.round(p.height_m, 6)), [1.5, 4.5, 7.5, 10.5])
    # each point on the plane of its own part: y = 0 on the first, y = (x − 16)/2 on the second
    first = on_wall[:, 0] <= 16.0 + 1e-9
    assert np.allclose(on_wall[first, 1], 0.0, atol=1e-9)
    assert np.allclose(on_wall[~first, 1], (on_wall[~first, 0] - 16.0) / 2.0, atol=1e-9)


def test_a_bay_in_one_wall_polygon_gets_points_on_its_front():
    """One wall polygon with a bay (real data and mesh sources have such folded polygons): a
    20 m wall at y = 0 whose middle 4 m (x = 8 … 12) stand 1 m out, the bay's two 1 m sides at
    right angles to the wall, 12 m high, as triangles. The sides' normals cancel, so the frame is
    the wall's (facing south, u along x); seen in that frame the sides are edge-on (no area) and
    hold no point. The lattice is the plain wall's: columns at x = 1, 3, …, 19, rows at 1.5 … 10.5
    m, 40 points, the columns at x = 9 and 11 on the bay's front (y = −1), the rest on the wall."""
    from stadtbild.model.scene import Scene
    from stadtbild.model.semantics import WALL

    plan = [(0, 0), (8, 0), (8, -1), (12, -1), (12, 0), (20, 0)]
    v = np.array([(x, y, z) for z in (0.0, 12.0) for x, y in plan], dtype=float)  # bottom 0-5, top 6-11
    tris = np.array([t for k in range(5) for t in ([k, k + 1, k + 7], [k, k + 7, k + 6])])
    sc = Scene(vertices=v, triangles=tris, object_index=np.zeros(10), surface_type=np.full(10, WALL),
               object_ids=["erker"], object_types=["Building"], polygon_index=np.zeros(10),
               polygon_object=np.zeros(1), origin=np.array([X0, Y0, Z0]))
    assert np.allclose(sc.face_normals[[2, 3, 6, 7]], [[-1, 0, 0]] * 2 + [[1, 0, 0]] * 2)  # the bay's sides
    p = facade_points(sc)
    assert len(p) == 40
    on_wall = p.points - 0.02 * p.normals
    assert np.allclose(np.unique(np.round(on_wall[:, 0], 6)), np.arange(1.0, 20.0, 2.0))
    assert np.allclose(np.unique(np.round(p.height_m, 6)), [1.5, 4.5, 7.5, 10.5])
    front = np.isin(np.round(on_wall[:, 0], 6), [9.0, 11.0])
    assert front.sum() == 8
    assert np.allclose(on_wall[front, 1], -1.0) and np.allclose(on_wall[~front, 1], 0.0)
    assert np.allclose(p.normals, [0.0, -1.0, 0.0])


def test_vertical_surfaces_that_are_not_walls_hold_no_check_points():
    """Only wall surfaces are facades: on the 20 × 10 × 12 m house with its north side typed
    RoofSurface (a roof slope as steep as a wall, as the lower part of a mansard roof can be) and
    its east side a ClosureSurface (the open side towards a building part), the south (40) and
    west (20) walls keep their points, 60 in all."""
    from stadtbild.model.semantics import CLOSURE, ROOF
    from tests.helpers import box_polygons, model_from_solids

    v, faces = box_polygons(X0, Y0, X0 + 20.0, Y0 + 10.0, Z0, Z0 + 12.0)
    faces[3] = (faces[3][0], CLOSURE)  # east
    faces[4] = (faces[4][0], ROOF)  # north
    sc = model_from_solids([("haus", v, faces)]).scene()
    p = facade_points(sc, raycaster=RayCaster(sc))
    assert len(p) == 60
    az = np.round(p.facade_azimuth_deg, 6)
    assert (az == 180.0).sum() == 40 and (az == 270.0).sum() == 20


def test_a_wall_smaller_than_a_square_metre_gets_its_middle_point():
    """The lattice rules hold for the smallest walls too: a 0.45 × 0.45 m annex 2.2 m high (walls
    of 0.99 m²) has one row (1.5 m ≤ 2.2 − 0.5 m) and, each wall being narrower than the 2 m
    spacing, one column in the middle of each wall: 4 points."""
    sc = _scene([("pfeiler", X0, Y0, X0 + 0.45, Y0 + 0.45, Z0, Z0 + 2.2)])
    p = facade_points(sc, raycaster=RayCaster(sc))
    assert len(p) == 4
    world = p.points - 0.02 * p.normals + sc.origin
    assert np.allclose(world[:, 2], Z0 + 1.5)
    along = np.where(np.abs(p.normals[:, 0]) > 0.5, world[:, 1] - Y0, world[:, 0] - X0)
    assert np.allclose(along, 0.225)


def _midpoint_hours(site, date, normal, step_min=10.0, min_el=6.0):
    """The midpoint rule by hand: step_min/60 h for each instant 00:00 + step/2, + 3·step/2, … of the
    local day at which pvlib SPA has the sun at least ``min_el`` high and in front of ``normal``."""
    import pandas as pd

    day = pd.Timestamp(date, tz=site.tz)
    n = int(round(24 * 60 / step_min))
    el_deg, d = _pvlib_sun(site, day + pd.to_timedelta(step_min * (np.arange(n) + 0.5), unit="min"))
    return ((el_deg >= min_el) & (d @ normal > 0)).sum() * step_min / 60.0


def test_the_sun_is_sampled_at_the_midpoints_of_the_steps():
    """The midpoint rule of the module docstring, exactly: with 10-minute steps each wall's hours
    are 10 minutes times the number of instants 00:05, 00:15, …, 23:55 at which pvlib SPA has the
    sun at least 6° high and in front of the wall — all four walls, on the DIN days and on two
    more pairs of days (any day may be asked for)."""
    sc = _scene([_house()])
    site = _site_of(sc)
    walls = {180.0: (0, -1, 0), 90.0: (1, 0, 0), 0.0: (0, 1, 0), 270.0: (-1, 0, 0)}
    for dates in (DATES, ("2026-04-16", "2026-02-03"), ("2026-09-23", "2026-11-05")):
        r = facade_sunlight(sc, dates=dates, step_min=10.0, site=site)
        for azimuth, normal in walls.items():
            k = np.flatnonzero(np.isclose(r.points.facade_azimuth_deg, azimuth))[0]
            for date, hours in zip(dates, (r.hours_equinox, r.hours_winter)):
                assert hours[k] == pytest.approx(_midpoint_hours(site, date, np.array(normal, float)), abs=1e-9), \
                    (azimuth, date)


def test_a_set_back_top_storey_counts_its_rows_from_the_building_base():
    """A Staffelgeschoss: one building of a 20 × 10 × 9 m block with a 16 × 6 m top storey set back
    2 m on every side, 9 to 12 m. The block's walls have rows at 1.5, 4.5, 7.5 m (3 × 30 points);
    the top storey's walls start at 9 m, so their first row is the building's fourth, storey 3 at
    10.5 m (≤ 12 − 0.5 m), with 8 + 3 + 8 + 3 columns: 90 + 22 = 112 points."""
    from stadtbild.model.semantics import WALL
    from tests.helpers import box_polygons, model_from_solids

    low_v, low_f = box_polygons(X0, Y0, X0 + 20.0, Y0 + 10.0, Z0, Z0 + 9.0)
    top_v, top_f = box_polygons(X0 + 2.0, Y0 + 2.0, X0 + 18.0, Y0 + 8.0, Z0 + 9.0, Z0 + 12.0)
    faces = low_f + [([i + 8 for i in ring], sem) for ring, sem in top_f if sem == WALL]
    sc = model_from_solids([("stufe", np.vstack([low_v, top_v]), faces)]).scene()
    p = facade_points(sc)
    assert len(p) == 112
    top = p.points[:, 2] + sc.origin[2] > Z0 + 9.0
    assert top.sum() == 22
    assert set(p.storey[top].tolist()) == {3} and np.allclose(p.height_m[top], 10.5)
    assert sorted(set(p.storey[~top].tolist())) == [0, 1, 2]


def test_the_order_of_the_surfaces_does_not_change_the_points():
    """Real files list surfaces in any order: the house with its walls first (the north wall as
    the scene's first triangles) gets the same 120 points as with its ground surface first — the
    neighbour test looks only at what lies in front of each point."""
    from tests.helpers import box_polygons, model_from_solids

    v, faces = box_polygons(X0, Y0, X0 + 20.0, Y0 + 10.0, Z0, Z0 + 12.0)
    usual = model_from_solids([("haus", v, faces)]).scene()
    walls_first = model_from_solids([("haus", v, faces[4:] + faces[2:4] + faces[:2])]).scene()
    assert walls_first.face_normals[0] @ [0.0, 1.0, 0.0] > 0.99  # the north wall comes first
    a = facade_points(usual, raycaster=RayCaster(usual))
    b = facade_points(walls_first, raycaster=RayCaster(walls_first))
    assert len(a) == len(b) == 120
    key = lambda q: sorted(map(tuple, np.round(q.points + usual.origin, 4)))  # noqa: E731
    assert key(a) == key(b)


def test_a_stricter_local_rule_is_applied():
    """Thresholds other than DIN 5034-1's (a municipality asking 5 h at the equinox and 2 h on 17
    January): the result carries them and classifies by them — 4.5 h / 2.5 h meets only the winter
    day, so the point is not met; 5 h / 1.5 h meets the equinox only."""
    sc = _scene([_house()])
    r = facade_sunlight(sc, dates=DATES, step_min=10.0, site=_site_of(sc), equinox_threshold_h=5.0,
                        winter_threshold_h=2.0)
    assert (r.equinox_threshold_h, r.winter_threshold_h) == (5.0, 2.0)
    f = r.figures()
    assert (f["threshold_equinox_h"], f["threshold_winter_h"]) == (5.0, 2.0)
    r.hours_equinox = np.full(len(r.points), 4.5)
    r.hours_winter = np.full(len(r.points), 2.5)
    assert (r.point_class == MEETS_NONE).all()
    r.hours_equinox[:] = 5.0
    r.hours_winter[:] = 1.5
    assert (r.point_class == MEETS_EQUINOX).all()


def test_covered_points_checks_every_point_unless_told_which():
    """covered_points on its own, without a candidate mask, checks all points: of the 240 lattice
    points of two row houses, exactly the 2 × 20 on their shared wall (10 m wide: 5 columns, 4 rows
    on each side) lie inside the neighbour."""
    from stadtbild.analysis.samples import covered_points

    row = _scene([_house(), _house(20.0, "nachbar")])
    p = facade_points(row)
    assert len(p) == 240
    covered = covered_points(RayCaster(row), row, p.points, p.normals)
    assert covered.sum() == 40
    assert np.allclose(p.points[covered, 0] + row.origin[0], X0 + 20.0, atol=0.05)


def test_a_first_row_at_the_foot_of_the_wall_is_allowed():
    """first_row_m = 0 is a valid lattice (≥ 0 m): rows at 0, 3, 6 and 9 m, 120 points on the
    house (without a ground model, which would drop the bottom row as lying in the ground margin)."""
    sc = _scene([_house()])
    p = facade_points(sc, first_row_m=0.0)
    assert len(p) == 120 and np.allclose(np.unique(np.round(p.height_m, 6)), [0.0, 3.0, 6.0, 9.0])


def test_a_comparison_on_given_points_and_on_new_buildings_only():
    """The CLI's --area hands the comparison its own check points: before and after use exactly
    those. When every point lies on a building the scenario added, nothing is compared: the
    changes are None (not an error), no point loses compliance."""
    after = _scene([_house(), _house(40.0, "neubau")])
    before = box_model([_house()]).scene().shifted_to(after.origin)
    site = _site_of(after)
    own = np.array(after.object_ids, dtype=object)
    points = facade_points(after, raycaster=RayCaster(after))
    new_only = points.subset(own[points.object_index] == "neubau")
    r = compare_sunlight(before, after, points=new_only, dates=DATES, step_min=10.0, site=site)
    assert len(r.points) == len(r.before.points) == 120
    assert np.array_equal(r.before.points.points, new_only.points)
    d = r.figures()["difference"]
    assert d["points_compared"] == 0 and d["points_losing_compliance"] == 0
    assert d["mean_change_equinox_h"] is None and d["min_change_winter_h"] is None
