"""Terrain (DEM / TINRelief) and 2D geo layers: reading, reprojection, terrain in the ray core,
ground heights, draping, layer round trips, CLI.

References are independent of the code under test: analytic terrain profiles, pvlib sun
positions with an analytic horizon angle, pyproj transformations, the ray core hitting the terrain
mesh from above.
"""
from __future__ import annotations

import json

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from stadtbild.analysis.raycast import RayCaster
from stadtbild.exporters.vector import write_layer
from stadtbild.importers.layers import read_layer, read_layers
from stadtbild.exporters.tables import write_geotiff
from stadtbild.importers.terrain import check_ground_heights, read_dem, sample_raster
from stadtbild.model.citymodel import BoundaryBuilder, CityModel, CityObject, Geometry
from stadtbild.model.ground import ground_for, relief_grid
from stadtbild.model.layer import Layer
from stadtbild.model.terrain import mark_relief, with_terrain
from stadtbild.model.crs import CRSInfo
from stadtbild.model.errors import InputError
from stadtbild.model.semantics import TERRAIN
from stadtbild.model.terrain import TerrainGrid
from tests.conftest import data_file
from tests.helpers import box_model
from tests.screenshots import save_frame

X0, Y0 = 350000.0, 5650000.0  # a site in EPSG:25832 (near Cologne)


def grid_of(fn, xmin, xmax, ymin, ymax, step=1.0, epsg=25832) -> TerrainGrid:
    """A TerrainGrid with z = fn(x, y) on nodes from (xmin, ymax) east/south."""
    xs = np.arange(xmin, xmax + step / 2, step)
    ys = np.arange(ymax, ymin - step / 2, -step)
    gx, gy = np.meshgrid(xs, ys)
    return TerrainGrid(fn(gx, gy), xs[0], ys[0], step, step, crs=CRSInfo(epsg))


def ridge(yc, height, half_width, base=100.0):
    """Triangular east–west ridge: crest at y = yc, ``height`` above ``base``."""
    return lambda x, y: base + height * np.maximum(0.0, 1.0 - np.abs(y - yc) / half_width)


def write_xyz(path, grid: TerrainGrid, zone_prefix: int | None = None, header: bool = False, drop=()):
    xs, ys = grid.node_xy()
    gx, gy = np.meshgrid(xs, ys)
    pts = np.c_[gx.ravel(), gy.ravel(), grid.z.ravel()]
    keep = np.ones(len(pts), bool)
    keep[list(drop)] = False
    pts = pts[keep]
    if zone_prefix:
        pts[:, 0] += zone_prefix * 1_000_000
    with open(path, "w") as fh:
        if header:
            fh.write("x y z\n")
        np.savetxt(fh, pts, fmt="%.2f")


# ====================================================================== reading
def test_geotiff_round_trip_heights_and_mesh(tmp_path):
    g = grid_of(lambda x, y: 50 + 0.01 * (x - X0) + 0.02 * (y - Y0), X0, X0 + 50, Y0, Y0 + 40)
    write_geotiff(g.raster(), tmp_path / "dem.tif")
    r = read_dem(tmp_path / "dem.tif", model_crs="EPSG:25832")
    assert r.shape == g.shape and (r.x0, r.y0, r.dx, r.dy) == (g.x0, g.y0, 1.0, 1.0)
    pts = np.c_[np.random.default_rng(1).uniform(X0, X0 + 50, 200), np.random.default_rng(2).uniform(Y0, Y0 + 40, 200)]
    expected = 50 + 0.01 * (pts[:, 0] - X0) + 0.02 * (pts[:, 1] - Y0)
    for method in ("bilinear", "mesh"):  # a plane is reproduced exactly by both
        assert np.abs(r.height(pts, method) - expected).max() < 1e-4  # float32 GeoTIFF
    sc = r.scene(np.array([X0, Y0, 40.0]))
    assert sc.n_triangles == 2 * 50 * 40
    assert (sc.surface_type == TERRAIN).all() and sc.object_ids == ["terrain"] and sc.object_types == ["TINRelief"]
    assert (sc.face_normals[:, 2] > 0).all()  # counter-clockwise seen from above
    assert sc.triangle_areas.sum() == pytest.approx(50 * 40 * np.sqrt(1 + 0.01**2 + 0.02**2), rel=1e-6)
    assert np.allclose(sc.bounds[0], [0, 0, 50 - 40.0], atol=1e-4)


def test_xyz_dgm1_tile_with_zone_prefix_header_and_gaps(tmp_path):
    g = grid_of(lambda x, y: 60 + np.sin((x - X0) / 7.0), X0, X0 + 30, Y0, Y0 + 20)
    path = tmp_path / "dgm1_32_350_5650_1_nw.xyz"
    write_xyz(path, g, zone_prefix=32, header=True, drop=[5, 40])
    r = read_dem(path)
    assert r.crs.epsg == 25832
    assert r.shape == g.shape and r.x0 == X0 and r.y0 == Y0 + 20
    assert np.isnan(r.z).sum() == 2
    ok = np.isfinite(r.z)
    assert np.abs(r.z[ok] - g.z[ok]).max() < 0.006  # written with 2 decimals


def test_xyz_missing_points_drop_their_cells(tmp_path):
    g = grid_of(lambda x, y: 0 * x + 5.0, X0, X0 + 10, Y0, Y0 + 10)
    path = tmp_path / "tile.xyz"
    write_xyz(path, g, drop=[11 * 5 + 5])  # an interior node: its 4 cells (8 triangles) go
    r = read_dem(path, dem_crs="EPSG:25832")
    assert r.scene(np.zeros(3)).n_triangles == 2 * 100 - 8


@pytest.mark.parametrize("content, what", [
    (b"1 2 3\n2 2 3\n1 3 3\n2 3 3\n4 5\n", "malformed"),
    (b"hello world\n", "not an XYZ"),
    (b"1 1 1\n2 2 2\n3.5 3 3\n4 4 4\n10 1 1\n", "regular"),
])
def test_bad_xyz_is_an_input_error(tmp_path, content, what):
    path = tmp_path / "bad.xyz"
    path.write_bytes(content)
    with pytest.raises(InputError, match=what):
        read_dem(path, dem_crs=25832)


def test_not_a_raster_is_an_input_error(tmp_path):
    path = tmp_path / "x.tif"
    path.write_bytes(b"\x00\x01garbage")
    with pytest.raises(InputError, match="cannot read DEM"):
        read_dem(path)


def test_reprojection_25833_to_25832_lands_at_the_right_place(tmp_path):
    """A narrow peak placed at a known point in UTM 33 is found at pyproj's transform of that
    point in UTM 32 after reading the DEM for a 25832 model (GDAL warper, bilinear)."""
    to33 = Transformer.from_crs(25832, 25833, always_xy=True)
    px32, py32 = 690000.0, 5700000.0  # east Germany, valid in both zones
    px33, py33 = to33.transform(px32, py32)
    cx, cy = round(px33), round(py33)
    peak = lambda x, y: 200 + 30 * np.exp(-((x - px33) ** 2 + (y - py33) ** 2) / (2 * 8.0**2))  # noqa: E731
    g33 = grid_of(peak, cx - 150, cx + 150, cy - 150, cy + 150, epsg=25833)
    write_geotiff(g33.raster(), tmp_path / "dem33.tif")
    g32 = read_dem(tmp_path / "dem33.tif", model_crs="EPSG:25832")
    assert g32.crs.epsg == 25832 and g32.dx == 1.0
    r, c = np.unravel_index(np.nanargmax(g32.z), g32.shape)
    xs, ys = g32.node_xy()
    assert np.hypot(xs[c] - px32, ys[r] - py32) <= 1.0  # the top node is within one cell of it
    assert g32.height([[px32, py32]])[0] == pytest.approx(230.0, abs=0.3)
    # a point 40 m east of the peak in UTM 32, checked against the analytic surface
    qx33, qy33 = to33.transform(px32 + 40.0, py32)
    assert g32.height([[px32 + 40.0, py32]])[0] == pytest.approx(peak(qx33, qy33), abs=0.05)
    # an XYZ tile of zone 33 (CRS from its name) lands at the same place
    write_xyz(tmp_path / "dgm1_33_000_0000_1_sn.xyz", g33)
    g32b = read_dem(tmp_path / "dgm1_33_000_0000_1_sn.xyz", model_crs=25832)
    assert g32b.height([[px32, py32]])[0] == pytest.approx(230.0, abs=0.3)


def test_resolution_decimates_by_averaging(tmp_path):
    g = grid_of(lambda x, y: 10 + 0.1 * (x - X0), X0, X0 + 99, Y0, Y0 + 99)
    write_geotiff(g.raster(), tmp_path / "dem.tif")
    r = read_dem(tmp_path / "dem.tif", resolution_m=5.0)
    assert r.dx == 5.0 and r.shape == (20, 20)
    # cell averages of a plane are the plane at the cell centre
    assert r.height([[X0 + 52.5, Y0 + 40.0]])[0] == pytest.approx(10 + 0.1 * 52.5, abs=1e-3)


# ====================================================================== terrain in the ray core
def _building_far_away():
    return box_model([("house", X0 + 150, Y0 + 30, X0 + 160, Y0 + 40, 100.0, 103.0)])


def test_ridge_blocks_a_sightline_that_is_clear_without_terrain():
    yc, H, W = Y0, 15.0, 30.0
    grid = grid_of(ridge(yc, H, W), X0 - 100, X0 + 100, Y0 - 150, Y0 + 150)
    scene = _building_far_away().scene()
    ground = ground_for(scene, grid)
    assert ground.kind == "terrain"
    xy = scene.to_local(np.array([[X0, yc - 80.0], [X0, yc + 80.0]]))
    eye = np.c_[xy, ground.height(xy) + 1.6]
    assert eye[:, 2] + scene.origin[2] == pytest.approx([101.6, 101.6])
    d = eye[1] - eye[0]
    dist = np.linalg.norm(d)
    d = (d / dist)[None]
    assert not RayCaster(scene).occluded(eye[:1], d, tmax=dist)[0]
    full = with_terrain(scene, grid)
    rc = RayCaster(full)
    assert rc.occluded(eye[:1], d, tmax=dist)[0]
    hit = rc.first_hit(eye[:1], d, tmax=dist)
    assert full.object_ids[hit.object_index[0]] == "terrain"
    # analytic: the line z = 101.6 meets the near slope 100 + H(1 - (yc - y)/W) at yc - W(1 - 1.6/H)
    assert hit.point[0, 1] + scene.origin[1] == pytest.approx(yc - W * (1 - 1.6 / H), abs=0.01)
    # a ridge lower than the line of sight does not block
    low = grid_of(ridge(yc, 1.2, W), X0 - 100, X0 + 100, Y0 - 150, Y0 + 150)
    assert not RayCaster(with_terrain(scene, low)).occluded(eye[:1], d, tmax=dist)[0]


def test_hill_south_shortens_winter_sun_hours_by_the_horizon_angle():
    """Sun-hours on 21 December at a point with an east–west ridge (crest H above the point,
    D to the south). Analytic horizon in sun azimuth az: atan(H·cos(az − 180°) / D); the sun
    counts when its elevation (pvlib SPA) is above it. The ray core on the terrain scene must
    give the same count up to one 5-minute step at each of the two transitions."""
    import pandas as pd
    import pvlib

    D, H, W = 100.0, 20.0, 40.0
    grid = grid_of(ridge(Y0 - D, H, W), X0 - 200, X0 + 200, Y0 - 250, Y0 + 50)
    scene = _building_far_away().scene()
    full = with_terrain(scene, grid)
    ground = ground_for(scene, grid)
    p = np.c_[scene.to_local(np.array([[X0, Y0]])), [[0.0]]]
    p[0, 2] = ground.height(p[:, :2])[0] + 0.05
    lon, lat = Transformer.from_crs(25832, 4326, always_xy=True).transform(X0, Y0)
    step_min = 5
    times = pd.date_range("2026-12-21 06:00", "2026-12-21 18:00", freq=f"{step_min}min", tz="Europe/Berlin")
    sp = pvlib.solarposition.get_solarposition(times, lat, lon)
    el = np.radians(sp["elevation"].to_numpy())
    az = np.radians(sp["azimuth"].to_numpy())
    up = el > 0
    d = np.c_[np.sin(az) * np.cos(el), np.cos(az) * np.cos(el), np.sin(el)][up]
    sunny = ~RayCaster(full).occluded(np.repeat(p, len(d), axis=0), d)
    computed_h = sunny.sum() * step_min / 60
    flat_h = up.sum() * step_min / 60
    crest_above_point = (Y0 * 0 + 100.0 + H) - (p[0, 2] + scene.origin[2])
    cos_daz = np.cos(az[up] - np.pi)
    horizon = np.arctan(crest_above_point * np.clip(cos_daz, 0, None) / D)
    expected_h = (el[up] > horizon).sum() * step_min / 60
    # without terrain the point has sun all day long
    assert (~RayCaster(scene).occluded(np.repeat(p, len(d), axis=0), d)).sum() == up.sum()
    assert flat_h - expected_h > 3.0  # the hill matters (≈ 7.9 h of daylight, ≈ 4 h left)
    assert abs((flat_h - computed_h) - (flat_h - expected_h)) <= 2 * step_min / 60


def test_terrain_near_field_gives_the_same_shadows_and_sun_hours(monkeypatch):
    """Ground samples on terrain trace their first 0.5 m without the terrain (the ground normal
    decides the slope's own shadow): on hills with slopes steeper than the winter sun and two
    houses standing in them, instant shadows (with their casters) and sun-hours equal the full
    trace, every ray through the terrain BVH from the sample on, in every cell; and a sample
    0.25 m in front of a wall, with the sun behind the wall, is shadowed by the house (the wall
    lies inside the near field)."""
    import stadtbild.analysis.ground_grid as sh
    from stadtbild.analysis.shadow import shadow_at, sun_hours

    def hills(x, y):
        return (100.0 + 12.0 * np.exp(-((x - X0) ** 2 + (y - Y0 - 40) ** 2) / 900.0)
                + 4.0 * np.sin((x - X0) / 23.0) * np.cos((y - Y0) / 31.0))

    grid = grid_of(hills, X0 - 120, X0 + 120, Y0 - 120, Y0 + 120)
    houses = box_model([("a", X0 - 40, Y0 - 60, X0 - 25, Y0 - 50, 90.0, 112.0),
                        ("b", X0 + 10, Y0 - 10, X0 + 22, Y0 + 2, 90.0, 115.0)])
    scene = with_terrain(houses.scene(), grid)
    ground = ground_for(houses.scene(), grid)
    ext = (X0 - 80.0, Y0 - 80.0, X0 + 80.0, Y0 + 80.0)
    kw = dict(cell_m=1.0, extent=ext, ground=ground)
    res = {}
    for near_m in (0.5, 0.0):
        monkeypatch.setattr(sh, "TERRAIN_NEAR_M", near_m)
        res[near_m] = (shadow_at(scene, "2026-12-21T10:30", raycaster=RayCaster(scene), **kw),
                       sun_hours(scene, date="2026-03-21", step_min=10.0, raycaster=RayCaster(scene), **kw))
    (s_fast, h_fast), (s_full, h_full) = res[0.5], res[0.0]
    active = s_full.grid.active
    assert active.sum() > 20000
    assert 0.1 < s_full.shadow[active].mean() < 0.9  # both sun and shadow on the ground
    np.testing.assert_array_equal(s_fast.shadow[active], s_full.shadow[active])
    np.testing.assert_array_equal(s_fast.caster[active], s_full.caster[active])
    np.testing.assert_allclose(h_fast.hours[active], h_full.hours[active], atol=1e-9)
    # the terrain casts some of the shadow itself (slopes facing away from the low sun)
    terrain_obj = scene.object_ids.index("terrain")
    assert (s_full.caster[active] == terrain_obj).sum() > 100
    # 0.25 m north of house b's north wall, the sun low in the south: the house's shadow
    monkeypatch.setattr(sh, "TERRAIN_NEAR_M", 0.5)
    rc = RayCaster(scene)
    xy = scene.to_local(np.array([[X0 + 16.0, Y0 + 2.25]]))
    p = np.c_[xy, ground.height(xy) + sh.TERRAIN_LIFT_M]
    g1 = sh.ground_grid(scene, 1.0, extent=ext, ground=ground)
    near = sh.terrain_near_field(scene, rc, g1, ground, p)
    assert near is not None and near.caster is not None
    d = np.array([0.0, -np.cos(np.radians(15)), np.sin(np.radians(15))])
    from stadtbild.analysis.casters import first_casters

    hit, obj = first_casters(rc, p, d, near=near)
    assert hit[0] and scene.object_ids[obj[0]] == "b"
    assert obj.dtype == np.int32  # as documented: millions of samples per grid


def _ray_hits_boxes(points, d, boxes) -> np.ndarray:
    """(k,) bool: the rays from ``points`` (k, 3) towards the unit vector ``d`` meet one of the
    axis-aligned ``boxes`` ((xmin, ymin, zmin), (xmax, ymax, zmax)) at t > 0 (slab method,
    Kay & Kajiya 1986): an analytic shadow reference independent of the ray core."""
    out = np.zeros(len(points), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for lo, hi in boxes:
            t1, t2 = (np.asarray(lo) - points) / d, (np.asarray(hi) - points) / d
            t_in = np.nanmax(np.minimum(t1, t2), axis=1)
            t_out = np.nanmin(np.maximum(t1, t2), axis=1)
            out |= (t_out > np.maximum(t_in, 0.0))
    return out


def test_demolished_house_on_terrain_casts_no_shadow_through_the_near_field():
    """A caller's ray caster over a terrain scene, reused while houses are demolished and restored
    on it (``set_object_enabled``, as a scenario does): the instant shadow and the sun-hours of
    every ground cell equal an analytic ray–box test against the houses that are standing, at
    every step. The near field traces the first 0.5 m of each ray in a terrain-free caster that
    is built once per ray caster: with a stale mask there, a demolished house still shadows the
    cells 0.25 m north of its north wall (and of its east/west walls) and the cells inside its
    old footprint next to its south wall."""
    from stadtbild.analysis.shadow import shadow_at, sun_hours

    slope = 0.02  # terrain rising 2 % to the east: no self-shadow for the sun of the day
    dem = grid_of(lambda x, y: 100.0 + slope * (x - X0), X0 - 60, X0 + 60, Y0 - 60, Y0 + 60)
    boxes = {"a": (X0 - 20, Y0 - 5, X0 - 8, Y0 + 5, 95.0, 110.0), "b": (X0 + 8, Y0 - 5, X0 + 16, Y0 + 5, 95.0, 106.0)}
    houses = box_model([(k, *v) for k, v in boxes.items()])
    scene = with_terrain(houses.scene(), dem)
    ground = ground_for(houses.scene(), dem)
    ext = (X0 - 30.0, Y0 - 12.0, X0 + 26.0, Y0 + 30.0)
    kw = dict(cell_m=0.5, extent=ext, ground=ground)  # cell centres 0.25 m from every wall
    rc = RayCaster(scene)
    o = scene.origin

    def analytic(standing):
        """Per cell of the grid: (inside a standing house, sample point on the plane + 5 cm)."""
        xmin, ymax = ext[0], ext[3]
        nx, ny = int((ext[2] - ext[0]) / 0.5), int((ext[3] - ext[1]) / 0.5)
        x, y = np.meshgrid(xmin + 0.25 + 0.5 * np.arange(nx), ymax - 0.25 - 0.5 * np.arange(ny))
        under = np.zeros(x.shape, dtype=bool)
        for k in standing:
            x0, y0, x1, y1 = boxes[k][:4]
            under |= (x > x0) & (x < x1) & (y > y0) & (y < y1)
        pts = np.c_[x.ravel() - o[0], y.ravel() - o[1], 100.0 + slope * (x.ravel() - X0) + 0.05 - o[2]]
        local = [((b[0] - o[0], b[1] - o[1], b[4] - o[2]), (b[2] - o[0], b[3] - o[1], b[5] - o[2]))
                 for b in (boxes[k] for k in standing)]
        return under, pts, local

    def check(standing):
        s = shadow_at(scene, "2026-03-21T12:00", raycaster=rc, **kw)
        under, pts, local = analytic(standing)
        assert s.shadow.shape == under.shape
        np.testing.assert_array_equal(s.grid.footprint, under)
        d = s.sun.direction_grid()[0]
        assert 30.0 < s.sun.elevation_deg[0] < 45.0
        expected = _ray_hits_boxes(pts, d, local).reshape(under.shape)
        active = ~under
        assert expected[active].sum() > 200  # the standing houses' shadows are on the grid
        np.testing.assert_array_equal(s.shadow[active], expected[active])
        casters = {scene.object_ids[i] for i in np.unique(s.caster[s.shadow & active])}
        assert casters == set(standing)
        h = sun_hours(scene, date="2026-03-21", start="09:00", stop="15:00", step_min=10.0, raycaster=rc, **kw)
        up = h.sun.elevation_deg > 0
        dirs, w = h.sun.direction_grid()[up], h.weights_h[up]
        sunny = np.stack([~_ray_hits_boxes(pts, dj, local) for dj in dirs], axis=1)
        np.testing.assert_allclose(h.hours[active], (sunny @ w).reshape(under.shape)[active], atol=1e-9)
        return s, h

    a = scene.object_ids.index("a")
    both, _ = check(["a", "b"])
    demolished = rc.enabled_objects
    demolished[a] = False
    rc.set_object_enabled(demolished)
    s, h = check(["b"])
    # the ground just north of a's north wall, in its shadow before, has the sun now
    x, y = s.grid.centres_local()
    north = (np.abs(y + o[1] - (Y0 + 5.25)) < 1e-6) & (x + o[0] > X0 - 20) & (x + o[0] < X0 - 8)
    assert north.sum() == 24 and both.shadow[north].all() and not s.shadow[north].any()
    assert np.isclose(h.hours[north], h.hours[north].max()).all()
    rc.set_object_enabled(np.ones_like(demolished))
    check(["a", "b"])  # restored: the near field follows the mask back


def test_the_lee_side_just_behind_a_crest_is_in_its_own_shadow():
    """An east–west ridge with 45° slopes, the winter noon sun (about 15° high) in the south: the
    north slope faces away from the sun, so every ground cell on it is in the terrain's shadow
    (slope normal (0, 1, 1)/√2 · sun < 0), and every cell on the south slope has sun — also the
    row of samples 3 cm north of the crest, whose 5 cm lift puts them above the crest: a ray from
    there clears it, the ground normal says what the ground gets (ground_grid's near field)."""
    from stadtbild.analysis.shadow import shadow_at

    yc = Y0 + 0.47  # the crest on a DEM node row, 3 cm south of a row of 1 m cell centres
    dem = grid_of(ridge(yc, 10.0, 10.0), X0 - 40, X0 + 40, yc - 30, yc + 30)
    houses = _building_far_away()
    scene = with_terrain(houses.scene(), dem)
    ground = ground_for(houses.scene(), dem)
    r = shadow_at(scene, "2026-12-21T12:00", cell_m=1.0, extent=(X0 - 5, Y0 - 5, X0 + 5, Y0 + 5), ground=ground)
    d = r.sun.direction_grid()[0]
    assert 10.0 < r.sun.elevation_deg[0] < 20.0 and d[1] < -0.9
    assert np.array([0.0, 1.0, 1.0]) @ d < 0 < np.array([0.0, -1.0, 1.0]) @ d
    _x, y = r.grid.centres_local()
    lee = y + scene.origin[1] > yc
    assert r.grid.active.all() and lee.sum() == 50 and (~lee).sum() == 50
    assert r.shadow[lee].all() and not r.shadow[~lee].any()
    assert (r.caster[lee] == scene.object_ids.index("terrain")).all()
    just_behind = np.abs(y + scene.origin[1] - (yc + 0.03)) < 1e-6
    assert just_behind.sum() == 10 and (r.grid.z[just_behind] + scene.origin[2] + r.grid.lift_m > 110.0).all()


def test_relief_object_types_are_terrain_and_make_no_footprints():
    """terrain_objects: a TINRelief, ReliefFeature or Terrain object is terrain even when its
    triangles carry other surface types (a relief block read with walls and a roof), a Building
    owning one Terrain triangle is terrain, a plain Building is not. Only ground under a
    non-terrain object is a footprint cell: 100 cells under the 10 × 10 m building, none under
    the three relief blocks of the same size."""
    import dataclasses

    from stadtbild.analysis.casters import terrain_objects
    from stadtbild.analysis.ground_grid import ground_grid

    names = ["bldg", "tin", "relief", "terrain"]
    sc = box_model([(n, X0 + 20 * i, Y0, X0 + 20 * i + 10, Y0 + 10, 100.0, 105.0)
                    for i, n in enumerate(names)]).scene()
    assert terrain_objects(sc).tolist() == [False, False, False, False]
    typed = dataclasses.replace(sc, object_types=["Building", "TINRelief", "ReliefFeature", "Terrain"])
    assert (typed.surface_type != TERRAIN).all()
    assert terrain_objects(typed).tolist() == [False, True, True, True]
    st = sc.surface_type.copy()
    st[np.flatnonzero(sc.object_index == 2)[0]] = TERRAIN
    assert terrain_objects(dataclasses.replace(sc, surface_type=st)).tolist() == [False, False, True, False]
    g = ground_grid(typed, 1.0, extent=(X0 - 5, Y0 - 5, X0 + 75, Y0 + 15), raycaster=RayCaster(typed))
    x, y = g.centres_local()
    x, y = x + typed.origin[0] - X0, y + typed.origin[1] - Y0
    assert g.footprint.sum() == 100
    assert g.footprint[(x > 0) & (x < 10) & (y > 0) & (y < 10)].all()


# ====================================================================== ground heights
def test_ground_check_reports_floating_and_buried_buildings_only():
    slope = lambda x, y: 100.0 + 0.1 * (x - X0)  # noqa: E731  (10 % slope rising east)
    grid = grid_of(slope, X0 - 20, X0 + 200, Y0 - 20, Y0 + 60)
    model = box_model([
        ("ok", X0, Y0, X0 + 10, Y0 + 10, 100.0, 108.0),             # ground at downhill corner height
        ("floating", X0 + 50, Y0, X0 + 60, Y0 + 10, 107.0, 115.0),  # terrain 105..106 → +1 m
        ("buried", X0 + 100, Y0, X0 + 110, Y0 + 10, 108.0, 118.0),  # terrain 110..111 → −2 m
        ("slight", X0 + 150, Y0, X0 + 160, Y0 + 10, 115.4, 120.0),  # terrain 115..116 → +0.4 m
    ])
    report = {r["id"]: r for r in check_ground_heights(model.scene(), grid, tolerance_m=0.5)}
    assert set(report) == {"floating", "buried"}
    assert report["floating"]["status"] == "floating"
    assert report["floating"]["offset_m"] == pytest.approx(107.0 - 106.0, abs=1e-6)
    assert report["buried"]["status"] == "buried"
    assert report["buried"]["offset_m"] == pytest.approx(108.0 - 110.0, abs=1e-6)
    assert report["buried"]["terrain_z_m"] == pytest.approx(110.0, abs=1e-3)


def _model_with_tin(plane):
    """A model with one building and a TINRelief (CompositeSurface of triangles) of z = plane."""
    model = box_model([("b", X0 + 20, Y0 + 20, X0 + 30, Y0 + 30, 100.0, 106.0)])
    xs, ys = np.meshgrid(np.linspace(X0, X0 + 60, 7), np.linspace(Y0, Y0 + 60, 7))
    v = np.c_[xs.ravel(), ys.ravel(), plane(xs.ravel(), ys.ravel())]
    b = BoundaryBuilder()
    # keep the existing polygons
    n_old = len(model.vertices)
    tins = CityModel()
    tins.crs = model.crs
    tris = []
    for r in range(6):
        for c in range(6):
            i = r * 7 + c
            tris += [[i, i + 1, i + 8], [i, i + 8, i + 7]]
    g = Geometry(type="CompositeSurface", lod="1", object_index=0, poly_start=0)
    for t in tris:
        b.add_polygon([t], 0, -1, -1, 0)
    g.poly_stop = b.n_polygons
    tins.geometries.append(g)
    tins.objects["relief-1"] = CityObject(id="relief-1", type="TINRelief", geometries=[g])
    tins.vertices = v
    tins.set_boundaries(b)
    assert n_old
    return model.merged(tins)


def test_tin_relief_of_the_model_is_terrain_and_ground():
    plane = lambda x, y: 100.0 + 0.05 * (x - X0) - 0.02 * (y - Y0)  # noqa: E731
    model = _model_with_tin(plane)
    scene = model.scene()
    marked = mark_relief(scene)
    relief_idx = marked.object_ids.index("relief-1")
    assert (marked.surface_type[marked.object_index == relief_idx] == TERRAIN).all()
    assert not (marked.surface_type[marked.object_index != relief_idx] == TERRAIN).any()
    rg = relief_grid(scene, 0.5)
    pts = np.c_[np.random.default_rng(3).uniform(X0, X0 + 60, 100), np.random.default_rng(4).uniform(Y0, Y0 + 60, 100)]
    assert np.nanmax(np.abs(rg.height(pts) - plane(pts[:, 0], pts[:, 1]))) < 1e-9
    ground = ground_for(scene)
    assert ground.kind == "relief"
    assert ground.height(scene.to_local(pts[:5]))[0] + scene.origin[2] == pytest.approx(plane(*pts[0]), abs=1e-9)


def test_tin_relief_in_real_citygml_is_terrain():
    from stadtbild.importers import load

    model = load(data_file("citygml/ogc_pairs/v2/Building_LOD1-EPSG25832.gml"))
    scene = mark_relief(model.scene())
    relief = [i for i, t in enumerate(scene.object_types) if t == "TINRelief"]
    assert len(relief) == 1
    tri = scene.object_index == relief[0]
    assert tri.any() and (scene.surface_type[tri] == TERRAIN).all()
    rg = relief_grid(scene, 1.0)
    assert rg is not None and np.isfinite(rg.z).any()


# ====================================================================== draping
def test_draped_polygon_vertices_lie_on_the_terrain_within_1cm():
    from stadtbild.viewer.layers_view import drape_linework

    bumpy = lambda x, y: 80 + 6 * np.sin((x - X0) / 13.0) * np.cos((y - Y0) / 9.0)  # noqa: E731
    grid = grid_of(bumpy, X0, X0 + 200, Y0, Y0 + 200)
    origin = np.array([X0, Y0, 70.0])
    poly = shapely.Polygon([(X0 + 10.3, Y0 + 12.7), (X0 + 187.1, Y0 + 20.2), (X0 + 150.4, Y0 + 180.9), (X0 + 20.0, Y0 + 150.0)],
                           holes=[[(X0 + 60, Y0 + 60), (X0 + 90, Y0 + 60), (X0 + 75, Y0 + 95)]])
    line = shapely.LineString([(X0 + 5, Y0 + 190), (X0 + 195, Y0 + 5)])
    layer = Layer("t", np.array([poly, line], dtype=object), {}, CRSInfo(25832))
    pts, offsets, feature = drape_linework(layer.to_local(origin), grid, origin, offset_m=0.0)
    assert sorted(set(feature.tolist())) == [0, 1] and len(offsets) == 4  # 2 rings + 1 line
    # densified: no segment longer than the DEM spacing, original corners kept
    seg = np.hypot(*np.diff(pts[:, :2], axis=0).T)
    inner = np.ones(len(seg), bool)
    inner[offsets[1:-1] - 1] = False  # between lines
    assert seg[inner].max() <= 1.0 + 1e-9
    assert np.isclose(pts[:, :2], [10.3, 12.7]).all(axis=1).any()
    # reference: where a vertical ray from above hits the terrain mesh
    terrain = grid.scene(origin)
    rc = RayCaster(terrain)
    hits = rc.first_hit(np.c_[pts[:, :2], np.full(len(pts), 100.0)], np.tile([0.0, 0.0, -1.0], (len(pts), 1)))
    assert hits.hit.all()
    assert np.abs(pts[:, 2] - hits.point[:, 2]).max() < 0.01
    # with the default offset every vertex floats that much above the terrain
    pts2, _, _ = drape_linework(layer.to_local(origin), grid, origin)
    assert np.allclose(pts2[:, 2] - pts[:, 2], 0.15)


def test_polygon_fill_covers_the_terrain_triangles_inside():
    from stadtbild.viewer.layers_view import polygon_fill_triangles

    grid = grid_of(lambda x, y: 0 * x + 50.0, X0, X0 + 40, Y0, Y0 + 40)
    origin = np.array([X0, Y0, 0.0])
    sq = shapely.box(10, 10, 30, 20)  # local frame, 20 × 10 m → 400 triangles of 0.5 m²
    tri, feat = polygon_fill_triangles(np.array([sq], dtype=object), grid.scene(origin))
    assert (feat == 0).all()
    assert grid.scene(origin).triangle_areas[tri].sum() == pytest.approx(sq.area)


# ====================================================================== raster overlays
def test_flood_raster_in_another_crs_is_sampled_onto_the_terrain_nodes(tmp_path):
    """A depth raster in UTM 33 whose depth grows linearly with the UTM 33 easting: sampled onto
    a UTM 32 terrain grid, each node holds the depth of pyproj's transform of that node."""
    to33 = Transformer.from_crs(25832, 25833, always_xy=True)
    x32, y32 = 690000.0, 5700000.0
    grid = grid_of(lambda x, y: 0 * x + 100.0, x32, x32 + 60, y32, y32 + 60)
    cx, cy = (round(v) for v in to33.transform(x32 + 30, y32 + 30))
    e0 = cx - 100.0
    depth = grid_of(lambda x, y: 0.01 * (x - e0) + 0 * y, cx - 100, cx + 100, cy - 100, cy + 100, epsg=25833)
    write_geotiff(depth.raster(), tmp_path / "flood33.tif")
    ov = sample_raster(tmp_path / "flood33.tif", grid)
    assert ov.values.shape == (*grid.shape, 1) and not ov.is_rgb
    xs, ys = grid.node_xy()
    gx, gy = np.meshgrid(xs, ys)
    ex, _ = to33.transform(gx, gy)
    assert np.nanmax(np.abs(ov.band(0) - 0.01 * (ex - e0))) < 0.005


# ====================================================================== layers
def _parcels(crs=25832):
    geoms = np.array([shapely.box(X0, Y0, X0 + 30, Y0 + 20),
                      shapely.MultiPolygon([shapely.box(X0 + 40, Y0, X0 + 50, Y0 + 10),
                                            shapely.box(X0 + 60, Y0, X0 + 70, Y0 + 10)])], dtype=object)
    return Layer("parcels", geoms, {"flurstueck": np.array(["12/1", "13"], dtype=object),
                                    "area_m2": np.array([600.0, 200.0]), "storeys": np.array([2, 3])},
                 CRSInfo(crs))


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".shp"])
def test_layer_round_trip(tmp_path, suffix):
    src = _parcels()
    path = tmp_path / f"parcels{suffix}"
    write_layer(src, path)
    back = read_layer(path, model_crs="EPSG:25832")
    assert back.crs.epsg == 25832 and len(back) == 2
    assert back.records() == src.records()
    for a, b in zip(src.geometries, back.geometries):
        assert shapely.equals_exact(shapely.normalize(a), shapely.normalize(b), tolerance=1e-6)
    assert len(back.polygons()) == 3  # the MultiPolygon parcel has two parts
    # read for a model in UTM 33: coordinates equal pyproj's transform of the originals
    b33 = read_layer(path, model_crs=25833)
    tr = Transformer.from_crs(25832, 25833, always_xy=True)
    for a, b in zip(src.geometries, b33.geometries):
        exp = shapely.transform(a, lambda c: np.array(tr.transform(c[:, 0], c[:, 1])).T)
        assert shapely.equals_exact(shapely.normalize(exp), shapely.normalize(b), tolerance=1e-6)


def test_geojson_without_crs_is_wgs84(tmp_path):
    lon, lat = 6.96, 50.94
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Denkmal", "nr": 7},
         "geometry": {"type": "Point", "coordinates": [lon, lat]}}]}
    path = tmp_path / "monuments.geojson"
    path.write_text(json.dumps(doc))
    lyr = read_layer(path, model_crs="EPSG:25832")
    x, y = Transformer.from_crs(4326, 25832, always_xy=True).transform(lon, lat)
    assert lyr.geometries[0].x == pytest.approx(x, abs=1e-6) and lyr.geometries[0].y == pytest.approx(y, abs=1e-6)
    assert lyr.records() == [{"name": "Denkmal", "nr": 7}]


def test_multi_layer_geopackage_gives_one_layer_each(tmp_path):
    path = tmp_path / "plan.gpkg"
    write_layer(_parcels(), path)
    streets = Layer("streets", np.array([shapely.LineString([(X0, Y0), (X0 + 100, Y0 + 5)])], dtype=object),
                    {"name": np.array(["Hauptstraße"], dtype=object)}, CRSInfo(25832))
    import pyogrio

    pyogrio.raw.write(path, shapely.to_wkb(streets.geometries), [streets.attributes["name"]], ["name"],
                      driver="GPKG", crs="EPSG:25832", geometry_type="LineString", layer="streets", append=True)
    layers = {lyr.name: lyr for lyr in read_layers(path, 25832)}
    assert set(layers) == {"parcels", "streets"}
    assert layers["streets"].records() == [{"name": "Hauptstraße"}]


def test_bad_layer_file_is_an_input_error(tmp_path):
    path = tmp_path / "x.gpkg"
    path.write_text("not a geopackage")
    with pytest.raises(InputError):
        read_layer(path)


# ====================================================================== CLI
def test_cli_info_reports_terrain_and_layers(tmp_path, capsys):
    """info on a real CityJSON file (EPSG:3068, Berlin Soldner) with a DEM in UTM 33 and a
    GeoJSON layer in WGS84: both are reprojected to EPSG:3068 and reported. The DEM is a tilted
    plane (0 m at the site centre, rising 10 cm per metre eastwards in UTM 33), so that the
    buildings (all with their ground at 0 m) are buried in the east and float in the west."""
    from stadtbild.cli import main
    from stadtbild.importers import load

    path = data_file("cityjson/lod2_buildings_v2.city.json")
    bb = load(path).bbox()
    to33 = Transformer.from_crs(3068, 25833, always_xy=True)
    xs33, ys33 = to33.transform([bb[0] - 30, bb[3] + 30, bb[0] - 30, bb[3] + 30], [bb[1] - 30, bb[1] - 30, bb[4] + 30, bb[4] + 30])
    xc33, _ = to33.transform((bb[0] + bb[3]) / 2, (bb[1] + bb[4]) / 2)

    def plane(x, y):
        return 0.1 * (x - xc33) + 0 * y

    g = grid_of(plane, np.floor(min(xs33)) - 5, np.ceil(max(xs33)) + 5,
                np.floor(min(ys33)) - 5, np.ceil(max(ys33)) + 5, step=2.0, epsg=25833)
    write_geotiff(g.raster(), tmp_path / "dem.tif")
    lon, lat = Transformer.from_crs(3068, 4326, always_xy=True).transform((bb[0] + bb[3]) / 2, (bb[1] + bb[4]) / 2)
    (tmp_path / "poi.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "x"}, "geometry": {"type": "Point", "coordinates": [lon, lat]}}]}))
    rc = main(["info", str(path), "--terrain", str(tmp_path / "dem.tif"), "--layer", str(tmp_path / "poi.geojson"), "--json"])
    assert rc == 0
    info = json.loads(capsys.readouterr().out)
    t = info["terrain"]
    assert t["crs"] == "EPSG:3068" and t["triangles"] > 0
    assert t["bounds"][0] <= bb[0] and t["bounds"][1] <= bb[1] and t["bounds"][2] >= bb[3] and t["bounds"][3] >= bb[4]
    assert t["z_range_m"][0] < -5.0 and t["z_range_m"][1] > 5.0
    assert info["ground"].startswith("terrain")
    assert info["layers"][0]["features"] == 1 and info["layers"][0]["crs"] == "EPSG:3068"
    ext = info["layers"][0]["extent"]
    # the layer is in model coordinates (metres, not degrees). WGS84 -> DHDN has several PROJ
    # operations whose results differ by ~1 cm (which one PROJ picks depended on what ran before
    # in the same process: 12 mm seen), so 5 cm is the honest tolerance of this round trip
    assert ext[0] == pytest.approx((bb[0] + bb[3]) / 2, abs=0.05)
    assert ext[1] == pytest.approx((bb[1] + bb[4]) / 2, abs=0.05)
    # reference ground check: the analytic plane under each building's ground corners (its
    # lowest vertices), floating when every corner is > 0.5 m above it, buried when every corner
    # is > 0.5 m below; buildings within 0.2 m of either threshold are left out (the DEM is
    # resampled from UTM 33 to Soldner)
    model = load(path)
    sc = model.scene()
    floating, buried, unclear = set(), set(), set()
    for k, oid in enumerate(sc.object_ids):
        v = sc.vertices[np.unique(sc.triangles[sc.object_index == k])] + sc.origin
        corners = v[v[:, 2] <= v[:, 2].min() + 0.05]
        x33, y33 = to33.transform(corners[:, 0], corners[:, 1])
        offset = corners[:, 2] - plane(np.asarray(x33), np.asarray(y33))
        if abs(offset.min() - 0.5) < 0.2 or abs(offset.max() + 0.5) < 0.2:
            unclear.add(oid)
        elif offset.min() > 0.5:
            floating.add(oid)
        elif offset.max() < -0.5:
            buried.add(oid)
    assert len(floating) >= 10 and len(buried) >= 10 and len(unclear) <= 10
    assert {r["id"] for r in t["floating_buildings"]} - unclear == floating
    assert {r["id"] for r in t["buried_buildings"]} - unclear == buried


def test_cli_bad_terrain_file_is_one_error_line(tmp_path, capsys):
    from stadtbild.cli import main

    bad = tmp_path / "dem.tif"
    bad.write_text("nope")
    rc = main(["info", str(data_file("cityjson/rotterdam_one.city.json")), "--terrain", str(bad)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and err[-1].startswith(f"error: {bad}:")


def test_attached_terrain_reaches_the_analysis_scene(tmp_path):
    from stadtbild.model.ground import analysis_scene, ground_of
    from stadtbild.importers.terrain import attach_terrain

    grid = grid_of(ridge(Y0, 10.0, 20.0), X0 - 50, X0 + 50, Y0 - 50, Y0 + 50)
    write_geotiff(grid.raster(), tmp_path / "dem.tif")
    model = box_model([("house", X0 + 30, Y0 + 30, X0 + 40, Y0 + 40, 95.0, 103.0)])  # 5 m below ground
    attach_terrain(model, tmp_path / "dem.tif")
    sc = analysis_scene(model)
    assert sc.object_ids == ["house", "terrain"] and np.allclose(sc.origin, model.origin)
    assert (sc.surface_type[sc.object_index == 1] == TERRAIN).all()
    assert [r["id"] for r in model.terrain_check] == ["house"] and model.terrain_check[0]["status"] == "buried"
    assert any("buried" in w for w in model.warnings)
    g = ground_of(model)
    assert g.kind == "terrain"
    local = sc.to_local(np.array([[X0, Y0 + 5.0]]))
    assert g.height(local)[0] + sc.origin[2] == pytest.approx(100 + 10 * (1 - 5 / 20), abs=1e-4)


def test_layers_render_draped_with_category_colours(tmp_path, artifacts):
    """Off-screen render (EGL) of a terrain with a parcel layer coloured by attribute: both
    category colours appear on screen, in proportion to the parcels' areas."""
    pytest.importorskip("pyvista")
    from stadtbild.viewer.layers_view import PALETTE, add_layer, add_terrain
    from stadtbild.viewer.render import make_plotter

    grid = grid_of(lambda x, y: 100 + 0.02 * (x - X0), X0, X0 + 100, Y0, Y0 + 100)
    origin = np.array([X0, Y0, 100.0])
    parcels = Layer("parcels", np.array([shapely.box(X0 + 10, Y0 + 10, X0 + 50, Y0 + 50),
                                         shapely.box(X0 + 60, Y0 + 10, X0 + 80, Y0 + 50)], dtype=object),
                    {"use": np.array(["WA", "MI"], dtype=object)}, CRSInfo(25832))
    p = make_plotter((600, 600))
    add_terrain(p, grid, origin)
    add_layer(p, parcels, grid, origin, colour_by="use", label_by="use", fill_opacity=1.0, legend=False)
    p.view_xy()
    p.enable_parallel_projection()
    img = p.screenshot(None, return_img=True)
    save_frame(img, "terrain_layers")
    p.close()
    rgb = img[:, :, :3].astype(int)
    counts = [int((np.abs(rgb - PALETTE[k].astype(int)).max(axis=2) <= 12).sum()) for k in range(2)]
    assert counts[0] > 1000 and counts[1] > 500
    assert counts[0] / counts[1] == pytest.approx(1600 / 800, rel=0.25)  # parcel areas 40×40 and 20×40


def test_attach_reads_only_the_model_area_and_coarsens_big_dems(tmp_path):
    from stadtbild.importers.terrain import attach_terrain

    plane = lambda x, y: 100 + 0.01 * (x - X0) + 0.02 * (y - Y0)  # noqa: E731
    write_geotiff(grid_of(plane, X0 - 500, X0 + 500, Y0 - 500, Y0 + 500).raster(), tmp_path / "big.tif")
    model = box_model([("h", X0, Y0, X0 + 10, Y0 + 10, 100.0, 106.0)])
    g = attach_terrain(model, tmp_path / "big.tif", margin_m=50.0)
    xmin, ymin, xmax, ymax = g.bounds
    assert X0 - 53 <= xmin <= X0 - 49 and X0 + 59 <= xmax <= X0 + 63  # bbox ± 50 m (+ ≤ 2 cells)
    assert Y0 - 53 <= ymin <= Y0 - 49 and Y0 + 59 <= ymax <= Y0 + 63
    assert g.dx == 1.0
    coarse = attach_terrain(model, tmp_path / "big.tif", margin_m=200.0, max_nodes=20_000)
    assert coarse.dx == np.ceil(np.sqrt(410.0**2 / 20_000))  # (10 m + 2 × 200 m)² area → factor 3
    assert any("coarsened" in w for w in model.warnings)
    assert coarse.height([[X0 + 5.0, Y0 + 5.0]])[0] == pytest.approx(plane(X0 + 5.0, Y0 + 5.0), abs=1e-3)
    far = box_model([("far", X0 + 5000, Y0, X0 + 5010, Y0 + 10, 100.0, 106.0)])
    with pytest.raises(InputError, match="does not cover"):
        attach_terrain(far, tmp_path / "big.tif", margin_m=50.0)


def test_esri_ascii_grid_with_nodata(tmp_path):
    """ESRI ASCII grid: xllcorner/yllcorner is the lower-left corner of the lower-left cell, the
    values belong to the cell centres (GDAL AAIGrid)."""
    path = tmp_path / "dem.asc"
    path.write_text("ncols 3\nnrows 2\nxllcorner 350000\nyllcorner 5650000\ncellsize 2\nNODATA_value -9999\n"
                    "10 11 12\n13 -9999 15\n")
    g = read_dem(path, dem_crs="EPSG:25832")
    assert g.shape == (2, 3) and (g.x0, g.y0, g.dx) == (350001.0, 5650003.0, 2.0)
    assert g.z[0].tolist() == [10, 11, 12] and g.z[1, 0] == 13 and np.isnan(g.z[1, 1])
    assert g.height([[350002.0, 5650003.0]])[0] == pytest.approx(10.5)
    assert g.scene(np.zeros(3)).n_triangles == 0  # both cells touch the no-data node


def test_sun_hours_on_terrain_report_progress_per_chunk():
    """Ground samples on a terrain mesh take the near-field path of the ray core; the progress
    callback (the GUI's progress bar) still hears of every finished chunk of samples, not only
    the final (1, 1)."""
    from stadtbild.analysis.shadow import sun_hours

    grid = grid_of(lambda x, y: 100.0 + 0.05 * (x - X0), X0 - 60, X0 + 60, Y0 - 60, Y0 + 60)
    houses = box_model([("a", X0 - 5, Y0 - 5, X0 + 5, Y0 + 5, 99.0, 110.0)])
    scene = with_terrain(houses.scene(), grid)
    ground = ground_for(houses.scene(), grid)
    calls = []
    r = sun_hours(scene, date="2026-03-21", step_min=10.0, cell_m=1.0, extent=(X0 - 40, Y0 - 40, X0 + 40, Y0 + 40),
                  ground=ground, raycaster=RayCaster(scene), progress=lambda done, total: calls.append((done, total)))
    n = int(r.grid.active.sum())
    assert n > 3000 and calls[-1] == (1, 1)
    # hours, not step counts: an open cell on the gentle slope gets about the equinox day (≈ 12 h)
    assert 11.0 < np.nanmax(r.hours) < 12.8
    chunks = [c for c in calls[:-1] if c[1] > 1]
    assert chunks and chunks[-1][0] == chunks[-1][1]  # every chunk reported, the last one completes


def test_ground_samples_lie_on_the_terrain_mesh_the_rays_see():
    """The ground grid's samples take their height from the terrain triangles themselves (as a
    vertical ray finds them), not from a bilinear surface through the DEM nodes: on a
    checkerboard DEM (nodes alternately 100 m and 101 m) the two differ by 0.5 m at every cell
    centre, which would put samples under or over the mesh."""
    from stadtbild.analysis.ground_grid import ground_grid

    grid = grid_of(lambda x, y: 100.0 + (np.round(x - X0) + np.round(y - Y0)) % 2, X0 - 20, X0 + 20, Y0 - 20, Y0 + 20)
    houses = _building_far_away()
    scene = with_terrain(houses.scene(), grid)
    ground = ground_for(houses.scene(), grid)
    g = ground_grid(scene, 1.0, extent=(X0 - 10, Y0 - 10, X0 + 10, Y0 + 10), ground=ground)
    x, y = g.centres_local()
    top = np.c_[x.ravel(), y.ravel(), np.full(x.size, 500.0)]
    hit = RayCaster(scene).first_hit(top, np.array([0.0, 0.0, -1.0]))
    assert hit.hit.all()
    assert np.allclose(g.z.ravel(), hit.point[:, 2], atol=1e-3)
    assert np.ptp(g.z) == pytest.approx(1.0, abs=1e-6)  # the mesh's checkerboard, not bilinear 0.5 everywhere
