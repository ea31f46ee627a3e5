"""Shadows and sun-hours against analytic geometry (boxes on flat ground, a street canyon) with
pvlib as the independent sun reference; outputs (GeoTIFF georeference, GeoJSON, CSV, PNG) and CLI."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
import shapely

from stadtbild.analysis.samples import sample_surfaces
from stadtbild.analysis.shadow import before_after, shadow_at, sun_hours, trapezoid_weights_h
from stadtbild.analysis.sun import Site
from tests.helpers import box_model

# on the UTM 32N central meridian (9° E) grid north is true north: pvlib azimuths apply directly
X0, Y0 = 500_000.0, 5_790_000.0
SITE_TZ = "Europe/Berlin"


def _pvlib_sun(times_local, lat, lon):
    import pandas as pd
    import pvlib

    idx = pd.DatetimeIndex([pd.Timestamp(t) for t in times_local]).tz_convert("UTC")
    sp = pvlib.solarposition.get_solarposition(idx, lat, lon)
    return sp["apparent_elevation"].to_numpy(), sp["azimuth"].to_numpy()


def _site_of(scene):
    from stadtbild.analysis.sun import site_from_model

    return site_from_model(scene, tz=SITE_TZ)


@pytest.fixture(scope="module")
def box():
    # 10 m (x) × 20 m (y) footprint, H = 30 m
    return box_model([("tower", X0, Y0, X0 + 10, Y0 + 20, 0.0, 30.0)]).scene()


def test_box_shadow_length_and_area_match_the_analytic_shadow(box):
    site = _site_of(box)
    assert abs(site.grid_north_deg) < 0.01
    r = shadow_at(box, "2026-03-21T15:00", cell_m=0.25, site=site)
    el, az = _pvlib_sun([r.sun.time_local[0]], site.latitude_deg, site.longitude_deg)
    assert r.sun.elevation_deg[0] == pytest.approx(el[0], abs=0.01)
    L = 30.0 / math.tan(math.radians(el[0]))
    sx, sy = -L * math.sin(math.radians(az[0])), -L * math.cos(math.radians(az[0]))  # anti-sun
    # analytic shadow = footprint swept along (sx, sy), minus the footprint
    fp = shapely.box(X0, Y0, X0 + 10, Y0 + 20)
    swept = shapely.union_all([fp, shapely.affinity.translate(fp, sx, sy),
                               shapely.convex_hull(shapely.union(fp, shapely.affinity.translate(fp, sx, sy)))])
    expected = swept.area - fp.area
    assert expected == pytest.approx(abs(sx) * 20 + abs(sy) * 10, rel=1e-9)
    assert r.shadow_area_m2 == pytest.approx(expected, rel=0.01)
    poly = r.shadow_polygons()
    assert poly.area == pytest.approx(r.shadow_area_m2, rel=1e-9)
    # tip of the shadow: furthest extent along the anti-sun direction is H / tan(el) beyond the box
    u = np.array([sx, sy]) / L
    corners = np.array(fp.exterior.coords)
    reach = np.array(shapely.get_coordinates(poly)) @ u
    assert reach.max() - (corners @ u).max() == pytest.approx(L, abs=0.25 * math.sqrt(2))
    # every shadowed cell lies in the analytic shadow (up to a cell), and is cast by the tower
    assert poly.difference(swept.buffer(0.36)).area < 1e-6
    assert set(r.caster_polygons()) == {"tower"}
    assert r.cast_on_neighbours()["tower"]["ground_m2"] == pytest.approx(r.shadow_area_m2)


def test_footprint_is_excluded_and_the_extent_grows_towards_the_shadow(box):
    r = shadow_at(box, "2026-03-21T12:00", cell_m=0.5, site=_site_of(box))
    fp_cells = r.grid.footprint.sum() * r.grid.cell_area_m2
    assert fp_cells == pytest.approx(200.0, rel=0.02)
    x0, y0, x1, y1 = r.grid.extent_world
    assert r.ground_area_m2 == pytest.approx((x1 - x0) * (y1 - y0) - fp_cells)
    # noon sun in the south: the grid reaches north of the box by the shadow length, not south
    assert y0 == pytest.approx(Y0, abs=0.5) and y1 - (Y0 + 20) == pytest.approx(30 / math.tan(math.radians(
        r.sun.elevation_deg[0])), abs=1.0)


def test_polygon_extent_limits_the_analysis(box):
    poly = shapely.box(X0 + 10, Y0 + 10, X0 + 30, Y0 + 40)
    r = shadow_at(box, "2026-03-21T15:00", cell_m=0.5, polygon=poly, site=_site_of(box))
    assert r.ground_area_m2 == pytest.approx(poly.area, rel=0.01)
    full = shadow_at(box, "2026-03-21T15:00", cell_m=0.5, site=_site_of(box))
    assert r.shadow_polygons().area == pytest.approx(full.shadow_polygons().intersection(poly).area, rel=0.02)


def test_night_is_all_shadow(box):
    r = shadow_at(box, "2026-03-21T23:00", cell_m=2.0, extent=(X0 - 20, Y0 - 20, X0 + 30, Y0 + 40),
                  site=_site_of(box))
    assert r.sun.elevation_deg[0] < 0
    assert r.shadow_area_m2 == pytest.approx(r.ground_area_m2)
    assert (r.caster[r.grid.active] == -1).all()


def test_tall_building_shadows_its_low_neighbour_roof():
    # sun in the south-west in the afternoon: the 40 m tower east of a 5 m shed does not shade it,
    # the tower WEST of the shed does
    scene = box_model([("tower", X0, Y0, X0 + 10, Y0 + 10, 0, 40), ("shed", X0 + 15, Y0, X0 + 25, Y0 + 10, 0, 5)]
                      ).scene()
    r = shadow_at(scene, "2026-06-21T17:00", cell_m=1.0, surfaces=True, surface_cell_m=0.5,
                  site=_site_of(scene))
    shed = scene.object_ids.index("shed")
    tower = scene.object_ids.index("tower")
    roof = (r.surfaces.object_index == shed) & (r.surfaces.normals[:, 2] > 0.9)
    shaded = roof & r.surface_shadow
    assert shaded.any() and (r.surface_caster[shaded] == tower).all()
    cast = r.cast_on_neighbours()
    assert cast["tower"]["buildings_m2"] == pytest.approx(
        r.surfaces.area_m2[r.surface_shadow & (r.surface_caster == tower) & (r.surfaces.object_index == shed)].sum())
    assert cast.get("shed", {}).get("buildings_m2", 0.0) == 0.0
    # walls facing away from the sun are in their own shadow
    d = r.sun.direction_grid()[0]
    away = r.surfaces.normals @ d <= 0
    assert r.surface_shadow[away].all() and (r.surface_caster[away] == r.surfaces.object_index[away]).all()


def test_surface_samples_cover_each_area_once(box):
    s = sample_surfaces(box, cell_m=1.0)
    # walls 2·(10+20)·30 = 1800 m², roof 200 m²; ground surfaces are not sampled
    assert s.area_m2.sum() == pytest.approx(2000.0)
    # one sample per m² of these whole-m² triangles (2 × 100, 4 × 150, 4 × 300 m²); 1 m is the default
    assert len(s) == 2000 and len(sample_surfaces(box)) == 2000
    # samples lie 1 cm outside the box surface (the scene's origin is the box's min corner)
    lo, hi = np.zeros(3), np.array([10.0, 20.0, 30.0])
    outside = np.linalg.norm(np.maximum(np.maximum(lo - s.points, 0.0), s.points - hi), axis=1)
    np.testing.assert_allclose(outside, 0.01, atol=1e-9)
    # and are spread evenly: a quasi-random lattice with one point per m² fills far more 1 m²
    # patches of the 10 × 30 m south wall than independent random points would (1 − 1/e ≈ 63 %)
    south = s.points[np.abs(s.points[:, 1] + 0.01) < 1e-9]
    assert len(south) == 300
    cells = np.unique(np.floor(south[:, [0, 2]]).astype(int), axis=0)
    assert len(cells) >= 0.72 * 10 * 30


def test_trapezoid_weights_sum_to_the_period():
    w = trapezoid_weights_h(61, 10)
    assert w.sum() == pytest.approx(10.0)


def _canyon(width, height, length, cx, cy):
    """Two long N–S buildings of ``height`` with a street of ``width`` centred on (cx, cy)."""
    return box_model([("west", cx - 20 - width / 2, cy - length / 2, cx - width / 2, cy + length / 2, 0, height),
                      ("east", cx + width / 2, cy - length / 2, cx + width / 2 + 20, cy + length / 2, 0, height)]
                     ).scene()


@pytest.mark.parametrize("date", ["2026-03-21", "2026-06-21"])
def test_sun_hours_in_a_street_canyon_match_the_analytic_obstruction(date):
    """A point on the centre line of a N–S street (width W, buildings H high, 1 km long) sees the
    sun when tan(el) > H·|sin az| / (W/2), or when the sun ray passes beyond the building ends
    (|cot az|·W/2 > L/2). Sun positions from pvlib directly (independent of analysis.sun)."""
    W, H, L = 20.0, 30.0, 1000.0
    scene = _canyon(W, H, L, X0 + 0.5, Y0 + 0.5)
    site = _site_of(scene)
    centre = (X0, Y0, X0 + 1, Y0 + 1)  # one 1 m cell, its centre on the street's centre line
    step = 5.0
    r = sun_hours(scene, date=date, step_min=step, cell_m=1.0, extent=centre, site=site)
    assert r.grid.active.sum() == 1
    el, az = _pvlib_sun(r.sun.time_local, site.latitude_deg, site.longitude_deg)
    s = np.abs(np.sin(np.radians(az)))
    beyond_end = np.abs(np.cos(np.radians(az))) * (W / 2) > (L / 2) * np.maximum(s, 1e-12)
    visible = (el > 0) & ((np.tan(np.radians(np.maximum(el, 0))) * (W / 2) > H * s) | beyond_end)
    expected = float((trapezoid_weights_h(len(el), step) * visible).sum())
    got = float(r.hours[r.grid.active][0])
    print(f"canyon {date}: {got:.3f} h computed, {expected:.3f} h analytic, {r.possible_hours:.3f} h possible")
    assert got == pytest.approx(expected, abs=step / 60 + 1e-9)
    assert 1.0 < got < r.possible_hours - 3.0  # the canyon really blocks most of the day


def test_south_wall_sun_hours_are_the_hours_with_sun_in_the_south(box):
    """On an isolated box the south wall (normal −y) is sunlit exactly while the sun is up and
    its azimuth lies between 90° and 270°."""
    site = _site_of(box)
    r = sun_hours(box, date="2026-06-21", step_min=10, cell_m=5.0, surfaces=True, surface_cell_m=2.0,
                  site=site, extent=(X0 - 5, Y0 - 5, X0, Y0))
    el, az = _pvlib_sun(r.sun.time_local, site.latitude_deg, site.longitude_deg)
    w = trapezoid_weights_h(len(el), 10)
    south = r.surfaces.normals[:, 1] < -0.99
    expected = float((w * ((el > 0) & (np.cos(np.radians(az - 180.0)) > 0))).sum())
    assert np.allclose(r.surface_hours[south], expected, atol=10 / 60 + 1e-9)
    roof = r.surfaces.normals[:, 2] > 0.99
    assert np.allclose(r.surface_hours[roof], r.possible_hours)


def test_before_after_a_new_building_adds_its_shadow(box):
    site = _site_of(box)
    after = box_model([("tower", X0, Y0, X0 + 10, Y0 + 20, 0.0, 30.0),
                       ("new", X0 + 60, Y0, X0 + 70, Y0 + 10, 0.0, 12.0)]).scene()
    assert np.allclose(after.origin, box.origin)
    d = before_after(box, after, "shadow", time="2026-03-21T15:00", cell_m=0.25, site=site)
    f = d.figures()
    el, az = _pvlib_sun([d.after.sun.time_local[0]], site.latitude_deg, site.longitude_deg)
    L = 12.0 / math.tan(math.radians(el[0]))
    expected = abs(L * math.sin(math.radians(az[0]))) * 10 + abs(L * math.cos(math.radians(az[0]))) * 10
    assert f["added_shadow_m2"] == pytest.approx(expected, rel=0.02)
    assert f["removed_shadow_m2"] == 0.0
    assert d.before.grid.shape == d.after.grid.shape
    hours = before_after(box, after, "sunhours", date="2026-03-21", step_min=10, cell_m=2.0, site=site)
    hf = hours.figures()
    assert hf["max_change_h"] <= 1e-9 and hf["min_change_h"] < -1.0 and hf["area_losing_sun_m2"] > 0


def test_demo_district_shadow_masks_and_demolition(demo_model):
    """Real district: demolishing a building via the ray caster's object mask frees exactly the
    ground it alone shadowed."""
    from stadtbild.analysis.raycast import RayCaster

    scene = demo_model.scene()
    rc = RayCaster(scene)
    r = shadow_at(scene, "2026-06-21T18:00", cell_m=2.0, raycaster=rc)
    assert 0 < r.shadow_area_m2 < r.ground_area_m2
    casters = r.caster[r.shadow & r.grid.active]
    biggest = np.bincount(casters).argmax()
    mask = np.ones(len(scene.object_ids), bool)
    mask[biggest] = False
    rc.set_object_enabled(mask)
    r2 = shadow_at(scene, "2026-06-21T18:00", cell_m=2.0, raycaster=rc, extent=r.grid.extent_world)
    freed = r.shadow & ~r2.shadow & r.grid.active & r2.grid.active
    assert freed.any()
    assert (r.caster[freed] == biggest).all()
    assert not (r2.caster == biggest).any()


def test_a_prepared_grid_gives_the_shadow_of_a_fresh_one_at_every_time():
    """The time slider reuses one ground grid (footprints found once) and one ray caster: at
    morning, afternoon and evening the shadow, casters and open ground are those of a fresh
    computation, on a district with ground cover (roads, land use: switched off while casting)
    and with an object the caller switched off (a demolition by mask) staying off."""
    from stadtbild.analysis.raycast import RayCaster
    from stadtbild.analysis.shadow import shadow_grid
    from stadtbild.importers import load
    from tests.conftest import data_file

    scene = load(data_file("demo/delft.city.json")).scene()
    site = Site(52.0, 4.36, 0.0, "Europe/Amsterdam")
    lo, hi = scene.bounds
    o = scene.origin
    extent = (o[0] + lo[0] - 30, o[1] + lo[1] - 30, o[0] + hi[0] + 30, o[1] + hi[1] + 30)
    rc = RayCaster(scene)
    off = np.ones(len(scene.object_ids), bool)
    off[int(np.argmax(np.bincount(scene.object_index)))] = False  # the object with most triangles
    rc.set_object_enabled(off)
    grid = shadow_grid(scene, 3.0, extent, raycaster=rc)
    assert np.array_equal(rc.enabled_objects, off)  # the ground cover is on again, the caller's mask kept
    for when in ("2026-03-21T09:00", "2026-03-21T15:00", "2026-03-21T18:30"):
        fresh_rc = RayCaster(scene)
        fresh_rc.set_object_enabled(off)
        fresh = shadow_at(scene, when, cell_m=3.0, extent=extent, site=site, raycaster=fresh_rc)
        reused = shadow_at(scene, when, cell_m=3.0, extent=extent, site=site, raycaster=rc, grid=grid)
        assert reused.grid is grid
        assert np.array_equal(reused.grid.active, fresh.grid.active)
        assert np.array_equal(reused.shadow, fresh.shadow) and np.array_equal(reused.caster, fresh.caster)
        assert reused.figures() == fresh.figures()
    assert 0 < reused.shadow_area_m2 < reused.ground_area_m2
    with pytest.raises(ValueError):
        shadow_at(scene, "2026-03-21T15:00", cell_m=2.0, extent=extent, site=site, raycaster=rc, grid=grid)
    with pytest.raises(ValueError):
        shadow_grid(scene, 3.0, None)


# ------------------------------------------------------------------------------------------ CLI
def _model_file(tmp_path):
    """A two-box CityJSON file for CLI runs (written by the project's CityJSON writer if present,
    else by hand)."""
    v = []
    boundaries = []
    for k, (x0, y0, x1, y1, h) in enumerate([(0, 0, 10, 20, 30), (40, 0, 50, 10, 12)]):
        base = len(v)
        v += [[x0, y0, 0], [x1, y0, 0], [x1, y1, 0], [x0, y1, 0], [x0, y0, h], [x1, y0, h], [x1, y1, h], [x0, y1, h]]
        f = [[0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7]]
        boundaries.append([[[[i + base for i in ring]] for ring in f]])
    scale = 0.001
    doc = {"type": "CityJSON", "version": "2.0",
           "transform": {"scale": [scale] * 3, "translate": [X0, Y0, 0.0]},
           "metadata": {"referenceSystem": "https://www.opengis.net/def/crs/EPSG/0/25832"},
           "CityObjects": {f"b{k}": {"type": "Building", "geometry": [
               {"type": "Solid", "lod": "2", "boundaries": boundaries[k],
                "semantics": {"surfaces": [{"type": "GroundSurface"}, {"type": "RoofSurface"}, {"type": "WallSurface"}],
                              "values": [[0, 1, 2, 2, 2, 2]]}}]} for k in range(2)},
           "vertices": [[round(x / scale), round(y / scale), round(z / scale)] for x, y, z in v]}
    path = tmp_path / "two.city.json"
    path.write_text(json.dumps(doc))
    return path


def _cli(argv, capsys):
    from stadtbild.cli import main

    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_shadow_json_and_geotiff_georeference(tmp_path, capsys):
    import rasterio

    src = _model_file(tmp_path)
    tif = tmp_path / "s.tif"
    code, out, err = _cli(["shadow", src, "--time", "2026-03-21T15:00", "--grid", "0.5", "-o", tif, "--json"], capsys)
    assert code == 0, err
    rec = json.loads(out)
    for key in ("sun_azimuth_deg", "sun_elevation_deg", "time_local", "time_utc", "shadow_area_m2",
                "ground_area_m2", "sample_count"):
        assert key in rec
    assert rec["time_utc"] == "2026-03-21T14:00:00Z"
    with rasterio.open(tif) as ds:
        assert ds.crs.to_epsg() == 25832
        a = ds.read(1)
        assert ds.res == (0.5, 0.5)
        # shadow cells (value 1) centre on ground NE of the towers; footprints are nodata
        rows, cols = np.nonzero(a == 1)
        xs, ys = rasterio.transform.xy(ds.transform, rows, cols)
        assert (a == 1).sum() * 0.25 == pytest.approx(rec["shadow_area_m2"])
        row, col = ds.index(X0 + 5, Y0 + 10)
        assert a[row, col] == ds.nodata
    assert np.min(xs) >= X0 - 1 and np.min(ys) >= Y0 - 1  # sun from the SW: shadows lie NE


def test_cli_shadow_geojson_csv_and_png(tmp_path, capsys):
    import pyogrio

    src = _model_file(tmp_path)
    gj = tmp_path / "s.geojson"
    code, out, err = _cli(["shadow", src, "--time", "2026-03-21T15:00", "-o", gj, "--json"], capsys)
    assert code == 0, err
    info = pyogrio.read_info(gj)
    assert info["features"] == 2  # one merged shadow polygon per casting building
    assert "25832" in (info["crs"] or "")
    area = sum(shapely.from_wkb(g).area for g in pyogrio.raw.read(gj)[2])
    assert area == pytest.approx(json.loads(out)["shadow_area_m2"], rel=1e-6)
    csv = tmp_path / "s.csv"
    code, out, err = _cli(["shadow", src, "--time", "2026-03-21T15:00", "--surfaces", "-o", csv, "--json"], capsys)
    assert code == 0, err
    lines = csv.read_text().splitlines()
    assert lines[0].startswith("kind,x,y,z,object_id")
    assert len(lines) - 1 == json.loads(out)["sample_count"]


def test_cli_sunhours_json(tmp_path, capsys):
    src = _model_file(tmp_path)
    code, out, err = _cli(["sunhours", src, "--date", "2026-03-21", "--from", "08:00", "--to", "18:00", "--step", "10",
                           "--grid", "2", "--json"], capsys)
    assert code == 0, err
    rec = json.loads(out)
    for key in ("mean_sun_hours_h", "min_sun_hours_h", "max_sun_hours_h", "sample_count", "steps"):
        assert key in rec
    assert rec["steps"] == 61
    assert rec["max_sun_hours_h"] == pytest.approx(10.0)  # open ground: the whole window
    assert rec["min_sun_hours_h"] < rec["mean_sun_hours_h"] < rec["max_sun_hours_h"]


def test_cli_bad_inputs_are_one_line_errors(tmp_path, capsys):
    src = _model_file(tmp_path)
    for argv, needle in ((["shadow", src, "--time", "yesterday"], "yesterday"),
                         (["shadow", src, "--time", "2026-03-21T15:00", "--grid", "-1"], "--grid"),
                         (["sunhours", src, "--date", "2026-03-21", "--step", "30"], "--step"),
                         (["shadow", src, "--time", "2026-03-21T15:00", "-o", tmp_path / "x.docx"], "docx"),
                         (["shadow", src, "--time", "2026-03-21T15:00", "-o", src], "overwrite"),
                         (["sunhours", tmp_path / "missing.json", "--date", "2026-03-21"], "no such file")):
        code, _, err = _cli(argv, capsys)
        assert code == 2, (argv, err)
        assert err.startswith("error:") and needle in err and len(err.strip().splitlines()) == 1


def test_cli_compare_with_scenario_reports_added_shadow(tmp_path, capsys):
    """An extruded 12 m block east of the towers (scenario) adds its own analytic shadow."""
    src = _model_file(tmp_path)
    scen = tmp_path / "block.scenario.json"
    x, y = X0 + 100.0, Y0
    scen.write_text(json.dumps({"name": "block", "edits": [
        {"op": "extrude", "id": "block", "footprint": [[x, y], [x + 10, y], [x + 10, y + 10], [x, y + 10]],
         "ground_z": 0.0, "height_m": 12.0, "roof": "flat"}]}))
    tif = tmp_path / "d.tif"
    code, out, err = _cli(["shadow", src, "--time", "2026-03-21T15:00", "--grid", "0.5", "--scenario", scen,
                           "--compare", "-o", tif, "--json"], capsys)
    assert code == 0, err
    rec = json.loads(out)
    el, az = math.radians(rec["sun_elevation_deg"]), math.radians(rec["sun_azimuth_deg"])
    L = 12.0 / math.tan(el)
    expected = abs(L * math.sin(az)) * 10 + abs(L * math.cos(az)) * 10
    assert rec["difference"]["added_shadow_m2"] == pytest.approx(expected, rel=0.03)
    assert rec["difference"]["removed_shadow_m2"] == 0.0
    assert rec["shadow_area_m2"] > rec["difference"]["shadow_area_before_m2"]
    import rasterio

    with rasterio.open(tif) as ds:
        assert (ds.read(1) == 1).sum() * 0.25 == pytest.approx(rec["difference"]["added_shadow_m2"])
    code, _, err = _cli(["shadow", src, "--time", "2026-03-21T15:00", "--compare"], capsys)
    assert code == 2 and "--scenario" in err


def test_surface_values_per_polygon_and_object(box):
    s = sample_surfaces(box, cell_m=2.0)
    values = np.where(s.normals[:, 2] > 0.9, 1.0, 0.0)  # 1 on the roof, 0 on walls
    per_obj = s.per_object(box, values)
    assert per_obj[0] == pytest.approx(200.0 / 2000.0)  # roof share of the sampled area
    per_poly = s.per_polygon(box, values)
    roof_polys = np.unique(box.polygon_index[box.face_normals[:, 2] > 0.9])
    assert np.allclose(per_poly[roof_polys], 1.0)
    ground_polys = np.unique(box.polygon_index[box.face_normals[:, 2] < -0.9])
    assert np.isnan(per_poly[ground_polys]).all()  # ground surfaces are not sampled


def test_terrain_carries_the_ground_samples_and_casts_shadow():
    """A DEM with an east–west ridge (crest 30 m high, 50 m south of a house): ground samples sit
    on the terrain, the house footprint is found on it, and at noon on 21 December (sun ≈ 14°,
    below the ridge's 31° horizon) the ground north of the ridge is shadowed BY THE TERRAIN, while
    on 21 June (sun ≈ 61°) it is not."""
    from stadtbild.model.ground import ground_for
    from stadtbild.model.terrain import with_terrain
    from stadtbild.model.crs import CRSInfo
    from stadtbild.model.terrain import TerrainGrid

    base, H, yc = 100.0, 30.0, Y0 - 50.0
    xs = np.arange(X0 - 100, X0 + 100.5, 1.0)
    ys = np.arange(Y0 + 100, Y0 - 150.5, -1.0)
    gx, gy = np.meshgrid(xs, ys)
    z = base + H * np.maximum(0.0, 1.0 - np.abs(gy - yc) / 40.0)
    grid = TerrainGrid(z, xs[0], ys[0], 1.0, 1.0, crs=CRSInfo(25832))
    houses = box_model([("house", X0 + 20, Y0 + 20, X0 + 30, Y0 + 30, base, base + 6)]).scene()
    scene = with_terrain(houses, grid)
    ground = ground_for(houses, grid)
    site = _site_of(houses)
    extent = (X0 - 20, Y0 - 5, X0 + 40, Y0 + 40)
    winter = shadow_at(scene, "2026-12-21T12:00", cell_m=1.0, extent=extent, ground=ground, site=site)
    g = winter.grid
    x, y = g.centres_local()
    expected_z = base + H * np.maximum(0.0, 1.0 - np.abs(y + scene.origin[1] - yc) / 40.0)
    np.testing.assert_allclose(g.z + scene.origin[2], expected_z, atol=1e-6)
    assert g.footprint.sum() == pytest.approx(100, abs=12)
    terrain_idx = [i for i, t in enumerate(scene.object_types) if t not in ("Building",)]
    near = g.active & (y + scene.origin[1] < Y0 + 10)
    assert winter.shadow[near].all()
    assert np.isin(winter.caster[near], terrain_idx).all()
    summer = shadow_at(scene, "2026-06-21T12:00", cell_m=1.0, extent=extent, ground=ground, site=site)
    assert not summer.shadow[near].any()


def test_cli_polygon_area_inline_and_from_a_file(tmp_path, capsys):
    import pyogrio.raw

    src = _model_file(tmp_path)
    ring = [(X0 + 10, Y0 + 10), (X0 + 40, Y0 + 10), (X0 + 40, Y0 + 40), (X0 + 10, Y0 + 40)]
    text = " ".join(f"{x},{y}" for x, y in ring)
    code, out, err = _cli(["shadow", src, "--time", "2026-03-21T15:00", "--grid", "0.5", "--polygon", text, "--json"],
                          capsys)
    assert code == 0, err
    rec = json.loads(out)
    # the 30 × 30 m square minus the part of tower b0 (x < X0+10) it does not contain: all open ground
    assert rec["ground_area_m2"] == pytest.approx(900.0, rel=0.01)
    # the same square as a GeoJSON file in WGS84 (reprojected to the model CRS on reading)
    from pyproj import Transformer

    tr = Transformer.from_crs(25832, 4326, always_xy=True)
    ll = shapely.Polygon([tr.transform(x, y) for x, y in ring])
    gj = tmp_path / "area.geojson"
    pyogrio.raw.write(str(gj), np.array([shapely.to_wkb(ll)], dtype=object), [], [], driver="GeoJSON",
                      geometry_type="Polygon", crs="EPSG:4326")
    code, out2, err = _cli(["shadow", src, "--time", "2026-03-21T15:00", "--grid", "0.5", "--polygon", gj, "--json"],
                           capsys)
    assert code == 0, err
    assert json.loads(out2)["ground_area_m2"] == pytest.approx(900.0, rel=0.01)
    assert json.loads(out2)["shadow_area_m2"] == pytest.approx(rec["shadow_area_m2"], rel=0.02)
    code, _, err = _cli(["shadow", src, "--time", "2026-03-21T15:00", "--polygon", "1,2 3"], capsys)
    assert code == 2 and "--polygon" in err


def test_ground_cover_of_the_delft_demo_carries_samples_and_casts_no_shadow():
    """delft.city.json (LoD1, roads/land use/water as flat objects above the lowest vertex):
    samples lie on the road/land-use surfaces (not under them, which would shadow them all day),
    those objects are not footprints, buildings are."""
    from stadtbild.analysis.raycast import RayCaster
    from stadtbild.importers import load
    from tests.conftest import data_file

    scene = load(data_file("demo/delft.city.json")).scene()
    site = Site(52.0, 4.36, 0.0, "Europe/Amsterdam")
    r = shadow_at(scene, "2026-06-21T13:00", cell_m=2.0, site=site)
    g = r.grid
    x, y = g.centres_local()
    top = scene.bounds[1, 2] + 5
    hit = RayCaster(scene).first_hit(np.column_stack([x.ravel(), y.ravel(), np.full(x.size, top)]), [0, 0, -1])
    types = np.array(scene.object_types + ["none"])[hit.object_index].reshape(g.shape)
    flat = np.isin(types, ["Road", "LandUse", "WaterBody"]) & g.inside
    assert flat.sum() > 1000
    # cells whose top surface is a road / land use / water: sampled, at that surface's height
    share_active = g.active[flat].mean()
    assert share_active > 0.97
    z_top = hit.point[:, 2].reshape(g.shape)
    ok = flat & g.active
    assert np.abs(g.z[ok] - z_top[ok]).max() < 0.05
    # and only a small part of them is in shadow at noon in June (not "everything under a road")
    assert r.shadow[ok].mean() < 0.3
    # buildings are footprints
    bldg = (types == "Building") & g.inside
    assert g.footprint[bldg].mean() > 0.97


def test_rendered_shadow_picture_shows_the_overlay_and_uses_the_sun_as_key_light(box, artifacts):
    """Off-screen render (EGL): the PNG holds the shadow and sun colours of the ground overlay in
    about the analytic proportion of the framed ground, and the key light points to the sun."""
    from PIL import Image

    from stadtbild.viewer.overlays import SHADOW_RGB, SUN_RGB, render_result, set_sun_light
    from stadtbild.viewer.render import make_plotter

    r = shadow_at(box, "2026-03-21T15:00", cell_m=0.5, site=_site_of(box))
    out = artifacts / "shadow_box.png"
    render_result(r, out, size=(640, 480), view="top", title="box")
    img = np.asarray(Image.open(out).convert("RGB")).astype(int)

    def share(rgb):
        return (np.abs(img - np.array(rgb) * 255).sum(axis=2) < 40).mean()

    dark, light = share(SHADOW_RGB), share(SUN_RGB)
    assert dark > 0.01 and light > 0.01
    expected = r.shadow_area_m2 / r.ground_area_m2
    assert dark / (dark + light) == pytest.approx(expected, rel=0.35)
    p = make_plotter((64, 64))
    try:
        d = r.sun.direction_grid()[0]
        set_sun_light(p, d)
        key = p.renderer.lights[0]
        v = np.array(key.position) - np.array(key.focal_point)
        assert np.allclose(v / np.linalg.norm(v), d, atol=1e-6)
    finally:
        p.close()


# --------------------------------------------------------------------------- grids, weights, surface shadow
def test_trapezoid_weights_sum_to_the_period():
    """Trapezoidal rule over n equally spaced instants: the ends count half a step, the total is
    the period (n − 1)·step; one instant is no period (0 h), none gives nothing."""
    assert trapezoid_weights_h(0, 10.0).tolist() == []
    assert trapezoid_weights_h(1, 10.0).tolist() == [0.0]
    assert trapezoid_weights_h(2, 10.0).tolist() == pytest.approx([1 / 12, 1 / 12])
    w = trapezoid_weights_h(145, 10.0)  # 00:00 … 24:00 every 10 minutes
    assert w.sum() == pytest.approx(24.0) and w[0] == w[-1] == pytest.approx(1 / 12) and w[1] == pytest.approx(1 / 6)


def test_bad_requests_are_one_line_input_errors(box):
    """No date for sun hours, an extent with min ≥ max, an empty analysis polygon: InputErrors
    that name the option (not a TypeError from formatting the message)."""
    from stadtbild.analysis.ground_grid import ground_grid
    from stadtbild.model.errors import InputError

    with pytest.raises(InputError, match="--date"):
        sun_hours(box, date=None, site=_site_of(box))
    with pytest.raises(InputError, match="--extent"):
        ground_grid(box, 1.0, extent=(X0 + 10, Y0, X0, Y0 + 10))
    with pytest.raises(InputError, match="polygon is empty"):
        ground_grid(box, 1.0, polygon=shapely.Polygon())


def test_ground_grid_extents_analytic():
    """ground_grid's extent rules, against coordinates worked out here: (1) without a ground the
    grid lies on the scene's ground plane (the buildings' base, z = 50); (2) a polygon far from the
    buildings sets the grid to its bounds and its area to its cells; (3) a shadow vector longer
    than MAX_GROW_M (1 km) extends the bbox by exactly 1 km on its own side only."""
    from stadtbild.analysis.ground_grid import MAX_GROW_M, ground_grid

    sc = box_model([("b", X0, Y0, X0 + 10, Y0 + 20, 50.0, 62.0)]).scene()
    g = ground_grid(sc, 1.0)
    assert g.extent_world == pytest.approx((X0, Y0, X0 + 10, Y0 + 20))
    assert np.allclose(g.z + sc.origin[2], 50.0)
    poly = shapely.Polygon([(X0 + 500, Y0 + 500), (X0 + 540, Y0 + 500), (X0 + 540, Y0 + 530)])  # 600 m²
    gp = ground_grid(sc, 1.0, polygon=poly)
    assert gp.extent_world == pytest.approx((X0 + 500, Y0 + 500, X0 + 540, Y0 + 530))
    assert gp.inside.sum() == pytest.approx(600.0, rel=0.05)
    assert MAX_GROW_M == 1000.0
    gs = ground_grid(sc, 1.0, shadow_vector_xy=(-3000.0, -0.5))  # sun from the east, very low
    assert gs.extent_world == pytest.approx((X0 - 1000.0, Y0 - 1.0, X0 + 10, Y0 + 20))


def test_longest_shadow_is_the_height_over_tan_elevation_down_to_half_a_degree():
    """longest_shadow_m, which sizes every default shadow grid: H / tan(el) for the top H above
    the ground at 45°, 10°, 1° and 0.6° (a 3 m shed's shadow at sunrise is 172 m at 1°); a sun at
    or below 0.5° (or under the horizon) counts as 0.5°, so the shadow stays finite
    (H / tan 0.5° = 114.6 H); ground above the top casts nothing."""
    from stadtbild.analysis.ground_grid import longest_shadow_m

    H = 3.0
    sc = box_model([("shed", X0, Y0, X0 + 4, Y0 + 6, 50.0, 50.0 + H)]).scene()
    z0 = 50.0 - sc.origin[2]  # the ground in the scene's local frame
    for el in (45.0, 10.0, 1.0, 0.6):
        assert longest_shadow_m(sc, z0, el) == pytest.approx(H / math.tan(math.radians(el)), rel=1e-9)
    assert longest_shadow_m(sc, z0, 1.0) == pytest.approx(171.87, abs=0.01)
    for el in (0.5, 0.2, 0.0, -5.0):
        assert longest_shadow_m(sc, z0, el) == pytest.approx(H / math.tan(math.radians(0.5)), rel=1e-9)
    assert longest_shadow_m(sc, z0 + 1.0, 10.0) == pytest.approx((H - 1.0) / math.tan(math.radians(10.0)), rel=1e-9)
    assert longest_shadow_m(sc, z0 + H + 2.0, 10.0) == 0.0


def test_sun_ground_grid_within_a_cell_budget():
    """The sun animation's grid (max_cells): the buildings' bbox grown on every side by the
    shadow at 10° elevation, H / tan 10°, with cells just large enough for the budget."""
    from stadtbild.analysis.shadow import sun_ground_grid
    from stadtbild.model.ground import ground_for

    H = 12.0
    sc = box_model([("b", X0, Y0, X0 + 10, Y0 + 20, 50.0, 50.0 + H)]).scene()
    grow = H / math.tan(math.radians(10.0))
    g = sun_ground_grid(sc, 0.5, ground_for(sc), max_cells=2000)
    side = math.sqrt((10 + 2 * grow) * (20 + 2 * grow) / 2000)
    assert g.cell_m == pytest.approx(side, rel=1e-9)
    assert g.nx * g.ny <= (math.ceil((10 + 2 * grow) / side) + 1) * (math.ceil((20 + 2 * grow) / side) + 1)
    xmin, ymin, xmax, ymax = g.extent_world
    assert xmin <= X0 - grow and xmax >= X0 + 10 + grow and xmax - xmin <= 10 + 2 * grow + 2 * side


def test_surface_shadow_of_a_roof_behind_a_tower():
    """surface_shadow (the light map of the pictures) against the analytic shadow: a 30 m tower
    south of a 10 m house, sun exactly from the south at 35°: the house roof is in shadow up to
    (30 − 10) / tan 35° = 28.56 m north of the tower's north face; its north wall faces away from
    the sun; below the horizon everything is in shadow."""
    from stadtbild.analysis.raycast import RayCaster
    from stadtbild.analysis.shadow import surface_shadow

    m = box_model([("tower", X0 - 50, Y0 - 10, X0 + 60, Y0, 0.0, 30.0), ("house", X0, Y0 + 5, X0 + 10, Y0 + 45, 0.0, 10.0)])
    sc = m.scene()
    rc = RayCaster(sc)
    e = math.radians(35.0)
    d = np.array([0.0, -math.cos(e), math.sin(e)])
    reach = 20.0 / math.tan(e)
    y = np.array([6.0, 15.0, reach - 0.3, reach + 0.3, 40.0])  # north of the tower's face at Y0
    roof = np.column_stack([np.full(len(y), X0 + 5.0), Y0 + y, np.full(len(y), 10.0)]) - sc.origin
    up = np.tile([0.0, 0.0, 1.0], (len(y), 1))
    assert surface_shadow(rc, roof, up, d).tolist() == [True, True, True, False, False]
    north_wall = np.array([[X0 + 5.0, Y0 + 45.0, 5.0]]) - sc.origin
    assert surface_shadow(rc, north_wall, np.array([[0.0, 1.0, 0.0]]), d).tolist() == [True]
    assert surface_shadow(rc, roof, up, np.array([0.0, -1.0, -0.01]) / math.hypot(1, 0.01)).all()


def test_sun_hours_samples_only_the_enabled_objects_surfaces(box):
    """A ray core with an object switched off (a scenario without it): that object neither
    shades nor gets facade/roof samples."""
    from stadtbild.analysis.raycast import RayCaster

    m = box_model([("tower", X0, Y0, X0 + 10, Y0 + 20, 0.0, 30.0), ("kiosk", X0 + 100, Y0, X0 + 104, Y0 + 4, 0.0, 3.0)])
    sc = m.scene()
    rc = RayCaster(sc)
    rc.set_object_enabled(np.array([oid != "kiosk" for oid in sc.object_ids]))
    r = sun_hours(sc, "2026-03-21", step_min=10.0, cell_m=2.0, surfaces=True, surface_cell_m=2.0, raycaster=rc,
                  site=_site_of(sc))
    assert len(r.surfaces) and set(np.unique(r.surfaces.object_index)) == {sc.object_ids.index("tower")}
    # the tower's walls and roof only, its GroundSurface left out as without an object mask:
    # 2·(10 + 20)·30 + 10·20 = 2000 m², one sample per started 4 m² of each triangle (2 m spacing):
    # roof 2 × ⌈100/4⌉ + walls 4 × ⌈150/4⌉ + 4 × ⌈300/4⌉ = 50 + 152 + 300 = 502
    from stadtbild.model.semantics import GROUND

    assert not (r.surfaces.surface_type == GROUND).any()
    assert r.surfaces.area_m2.sum() == pytest.approx(2000.0) and len(r.surfaces) == 502


def test_sun_hours_grid_leaves_out_footprints_and_follows_the_polygon(box):
    """The sun-hours grid skips the cells under the building (10 m × 20 m = 200 cells of 1 m),
    and with an analysis polygon covers just that polygon (a 30 m × 40 m rectangle east of the
    tower: 1200 cells)."""
    site = _site_of(box)
    r = sun_hours(box, "2026-03-21", step_min=10.0, cell_m=1.0, site=site)
    assert r.grid.footprint.sum() == 200 and r.grid.active.sum() == r.grid.inside.sum() - 200
    assert np.isnan(r.hours[r.grid.footprint]).all() and np.isfinite(r.hours[r.grid.active]).all()
    poly = shapely.box(X0 + 20, Y0 - 10, X0 + 50, Y0 + 30)
    rp = sun_hours(box, "2026-03-21", step_min=10.0, cell_m=1.0, polygon=poly, site=site)
    assert rp.grid.extent_world == pytest.approx((X0 + 20, Y0 - 10, X0 + 50, Y0 + 30))
    assert rp.grid.active.sum() == 1200


def test_half_minute_steps_give_the_day_length(box):
    """Steps down to a fraction of a minute are allowed: at 30 s an open cell far west of the
    tower has sun for as long as pvlib's SPA has the sun above the horizon that day (within one
    step at each end)."""
    import pandas as pd
    import pvlib

    site = _site_of(box)
    far = (X0 - 200.0, Y0, X0 - 198.0, Y0 + 2.0)
    r = sun_hours(box, "2026-06-21", step_min=0.5, cell_m=1.0, extent=far, site=site)
    day = pd.date_range("2026-06-21", periods=2880, freq="30s", tz=site.tz)
    el = pvlib.solarposition.get_solarposition(day, site.latitude_deg, site.longitude_deg)["apparent_elevation"]
    assert np.nanmax(r.hours) == pytest.approx((el > 0).sum() / 120.0, abs=1.5 / 60)
    with pytest.raises(Exception, match="--step"):
        sun_hours(box, "2026-06-21", step_min=0.0, site=site)


def test_grid_cell_limit_and_the_empty_model(box, monkeypatch):
    """A grid may have as many cells as the limit, not more (here the limit set to the 200 cells
    of a 10 m × 20 m extent); a model without surfaces and a zero sample spacing are one-line
    InputErrors that say so."""
    import stadtbild.analysis.ground_grid as gg
    from stadtbild.model.citymodel import CityModel
    from stadtbild.model.errors import InputError

    monkeypatch.setattr(gg, "MAX_CELLS", 200)
    assert gg.ground_grid(box, 1.0, extent=(X0, Y0, X0 + 10, Y0 + 20)).inside.size == 200
    with pytest.raises(InputError, match="limit 200"):
        gg.ground_grid(box, 1.0, extent=(X0, Y0, X0 + 10, Y0 + 21))
    empty = CityModel()
    empty.vertices = np.zeros((0, 3))
    with pytest.raises(InputError, match="^the model has no surface geometry$"):
        gg.building_bounds(empty.scene())
    with pytest.raises(InputError, match="spacing must be positive"):
        sample_surfaces(box, cell_m=0.0)


def test_surface_shadow_is_a_mask(box):
    """surface_shadow answers with booleans (the picture's light map indexes with them)."""
    from stadtbild.analysis.raycast import RayCaster
    from stadtbild.analysis.shadow import surface_shadow

    pts = np.array([[X0 + 5.0, Y0 + 10.0, 30.0]]) - box.origin
    out = surface_shadow(RayCaster(box), pts, np.array([[0.0, 0.0, 1.0]]), np.array([0.0, 0.0, 1.0]))
    assert out.dtype == bool and out.tolist() == [False]


def test_sun_hours_read_start_and_stop_in_the_given_time_zone(box):
    """``tz`` names the zone of the clock times: 05:00–08:00 in UTC is 05:00Z–08:00Z, not the
    site's own zone (Europe/Berlin, one hour ahead). An open cell far east of the tower then has
    sun for the 10-minute steps pvlib's SPA puts above the horizon, at 05:00Z–08:00Z (sunrise
    near Hanover on 21 March is about 05:20Z, so the zone changes the answer)."""
    import pandas as pd
    import pvlib

    from stadtbild.analysis.sun import site_from_model

    far = (X0 + 210.0, Y0, X0 + 212.0, Y0 + 2.0)  # the morning sun is in the east: nothing in front
    r = sun_hours(box, "2026-03-21", start="05:00", stop="08:00", step_min=10.0, cell_m=1.0, extent=far, tz="UTC")
    f = r.figures()
    assert (f["time_utc_start"], f["time_utc_end"]) == ("2026-03-21T05:00:00Z", "2026-03-21T08:00:00Z")
    site = site_from_model(box)  # the site's own zone, without tz
    assert site.tz == "Europe/Berlin"
    steps = pd.date_range("2026-03-21 05:00", "2026-03-21 08:00", freq="10min", tz="UTC")
    el = pvlib.solarposition.get_solarposition(steps, site.latitude_deg, site.longitude_deg)["apparent_elevation"]
    w = np.full(len(steps), 10.0 / 60.0)
    w[[0, -1]] /= 2.0  # trapezoidal rule
    expected = float(w[el.to_numpy() > 0].sum())
    assert 2.0 < expected < 2.9  # the sun rises within the period
    assert np.nanmax(r.hours) == pytest.approx(expected, abs=1e-9)
    assert f["possible_sun_hours_h"] == pytest.approx(expected, abs=1e-4)


def test_compare_refuses_results_of_other_grids_or_kinds(box):
    """compare takes two results of one kind on one grid, and says which rule was broken; on one
    grid the shadow difference is +1 / −1 / 0 per cell (here the same instant twice: 0 everywhere)."""
    from stadtbild.analysis.shadow import compare

    site = _site_of(box)
    e1 = (X0 - 40.0, Y0 - 10.0, X0 + 40.0, Y0 + 60.0)
    a = shadow_at(box, "2026-03-21T12:00", cell_m=2.0, extent=e1, site=site)
    b = shadow_at(box, "2026-03-21T12:00", cell_m=2.0, extent=(X0 - 40.0, Y0 - 10.0, X0 + 42.0, Y0 + 60.0), site=site)
    with pytest.raises(ValueError, match="^before and after were computed on different grids$"):
        compare(a, b)
    h = sun_hours(box, "2026-03-21", step_min=10.0, cell_m=2.0, extent=e1, site=site)
    with pytest.raises(ValueError, match="^compare needs two results of the same kind$"):
        compare(a, h)
    d = compare(a, shadow_at(box, "2026-03-21T12:00", cell_m=2.0, extent=e1, site=site))
    assert d.kind == "shadow" and np.nanmax(np.abs(d.ground)) == 0.0 and d.figures()["added_shadow_m2"] == 0.0


def test_shadow_and_sun_hours_rasters_carry_the_model_crs_and_cell_corners(box):
    """The GeoTIFF-ready rasters of an instant shadow and of sun-hours name the model's CRS
    (EPSG:25832, from the model, not a default) and place their cells in it: the grid's north-west
    corner snapped to whole cells of the model CRS, square cells of the requested size."""
    site = _site_of(box)
    ext = (X0 - 21.0, Y0 - 9.0, X0 + 31.0, Y0 + 41.0)
    for r in (shadow_at(box, "2026-03-21T12:00", cell_m=2.0, extent=ext, site=site),
              sun_hours(box, "2026-03-21", step_min=10.0, cell_m=2.0, extent=ext, site=site)):
        assert r.grid.crs is not None and r.grid.crs.epsg == 25832
        ras = r.raster()
        assert ras.crs == "EPSG:25832"
        # 2 m cells snapped outwards: x from X0 − 22 (a multiple of 2 at or below X0 − 21), y down from Y0 + 42
        assert ras.transform == pytest.approx((2.0, 0.0, X0 - 22.0, 0.0, -2.0, Y0 + 42.0))
        assert ras.values.shape == (26, 27)  # (42 + 10) / 2 rows, (32 + 22) / 2 columns


def test_a_sun_half_a_degree_high_casts_shadow_and_leaves_sun(box):
    """Just after sunrise (21 March, 06:30 CET, pvlib SPA: about 0.48° high, due east) the sun is
    up: the ground east of the tower has sun, the ground west of it, level with the tower, lies in
    its (kilometre-long) shadow — the instant is not treated as night."""
    import pandas as pd
    import pvlib

    site = _site_of(box)
    when = pd.Timestamp("2026-03-21 06:30", tz=SITE_TZ)
    el = pvlib.solarposition.get_solarposition(pd.DatetimeIndex([when]), site.latitude_deg,
                                               site.longitude_deg)["apparent_elevation"].iloc[0]
    assert 0.3 < el < 0.7
    r = shadow_at(box, "2026-03-21T06:30", cell_m=2.0, extent=(X0 - 30.0, Y0 - 10.0, X0 + 40.0, Y0 + 30.0), site=site)
    assert r.sun.elevation_deg[0] == pytest.approx(el, abs=0.02)
    x, y = r.grid.centres_local()
    x, y = x + box.origin[0] - X0, y + box.origin[1] - Y0
    east = r.grid.active & (x > 12.0)
    west = r.grid.active & (x < -2.0) & (y > 2.0) & (y < 18.0)
    # 2 m cells: east of x = 12 m 14 columns × 20 rows; west of x = −2 m and 2 < y < 18 m 14 × 8
    assert east.sum() == 14 * 20 and not r.shadow[east].any()
    assert west.sum() == 14 * 8 and r.shadow[west].all() and (r.caster[west] == 0).all()


def test_instant_shadow_reads_its_time_in_the_given_time_zone(box):
    """``tz`` names the zone of the time: 12:00 in UTC is 12:00Z (not 11:00Z as in the site's own
    Europe/Berlin), with the sun where pvlib's SPA has it then."""
    import pandas as pd
    import pvlib

    from stadtbild.analysis.sun import site_from_model

    r = shadow_at(box, "2026-03-21T12:00", cell_m=5.0, extent=(X0 - 10.0, Y0 - 10.0, X0 + 20.0, Y0 + 40.0), tz="UTC")
    f = r.figures()
    assert f["time_utc"] == "2026-03-21T12:00:00Z"
    site = site_from_model(box)
    sp = pvlib.solarposition.get_solarposition(pd.DatetimeIndex([pd.Timestamp("2026-03-21 12:00", tz="UTC")]),
                                               site.latitude_deg, site.longitude_deg)
    assert f["sun_elevation_deg"] == pytest.approx(sp["apparent_elevation"].iloc[0], abs=0.02)


def test_small_triangles_get_their_centroid_and_too_many_samples_are_refused():
    """Triangles smaller than one cell get one sample at their centroid, 1 cm out along the normal
    (a 1 m cube at 2 m spacing: 10 wall/roof triangles, 10 samples, each of its triangle's area);
    a request beyond max_points is refused with the count and the way out."""
    from stadtbild.model.errors import InputError

    cube = box_model([("cube", X0, Y0, X0 + 1, Y0 + 1, 0.0, 1.0)]).scene()
    s = sample_surfaces(cube, cell_m=2.0)
    assert len(s) == 10 and s.area_m2 == pytest.approx(0.5)
    c = cube.corners[s.triangle]
    expected = (c[:, 0] + c[:, 1] + c[:, 2]) / 3.0 + 0.01 * s.normals
    assert s.points == pytest.approx(expected, abs=1e-12)
    with pytest.raises(InputError, match="^2,000 facade/roof samples at 0.1 m spacing is too many; use a coarser spacing$"):
        sample_surfaces(box_model([("b", X0, Y0, X0 + 2, Y0 + 2, 0.0, 2.0)]).scene(), cell_m=0.1, max_points=1999)
