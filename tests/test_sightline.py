"""Sightlines, viewsheds, protected view corridors and landmark visibility (issue 6).

References are independent of analysis.sightline: analytic line/box geometry, shapely areas for
viewshed shares, trimesh's pure-python ray/triangle engine and the numpy ray backend for the demo
district, rasterio for the written GeoTIFF, brute-force sampling for the exact corridor rise."""
from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
import shapely

from stadtbild.analysis.raycast import RayCaster
from stadtbild.analysis.corridor import Corridor, max_rise_above, view_corridor
from stadtbild.analysis.landmark import landmark_visibility, street_points
from stadtbild.analysis.sightline import place_points, sightline, target_points
from stadtbild.analysis.viewshed import viewshed
from tests.conftest import DEMO, ROOT
from tests.helpers import box_model

TALLEST = "{B68741B6-AB73-4AF0-A1D0-29A60CF26190}"  # 41.16 m, the tallest building of the demo
X0, Y0 = 500000.0, 5700000.0


def scene_of(*boxes):
    return box_model([(oid, X0 + x0, Y0 + y0, X0 + x1, Y0 + y1, z0, z1) for oid, x0, y0, x1, y1, z0, z1 in boxes]).scene()


def eye(scene, x, y, z=None):
    return place_points(scene, [[X0 + x, Y0 + y] + ([] if z is None else [z])])[0]


# ====================================================================== sightline
def test_box_between_observer_and_target_blocks_and_moved_aside_does_not():
    # observer at (0,0) eye 1.6 m, target 100 m east at 10 m; box 40..42 m east, 8 m high.
    # the line is at z = 1.6 + 8.4·x/100: 4.96 m at x = 40 < 8 -> blocked, first hit on the face x = 40
    far = ("far", 300, 300, 301, 301, 0, 1)  # keeps the ground plane at z = 0 in both scenes
    s = scene_of(("box", 40, -3, 42, 3, 0, 8), far)
    r = sightline(s, eye(s, 0, 0), eye(s, 100, 0, 10.0))
    assert not r.visible and r.blocked_by == ["box"]
    hit = s.to_world(r.first_hit)
    assert hit == pytest.approx([X0 + 40, Y0, 1.6 + 8.4 * 0.4], abs=0.01)
    assert r.distance_m == pytest.approx(math.hypot(40, 8.4 * 0.4), abs=0.01)
    moved = scene_of(("box", 40, 10, 42, 16, 0, 8), far)
    r2 = sightline(moved, eye(moved, 0, 0), eye(moved, 100, 0, 10.0))
    assert r2.visible and r2.blocked_by == [] and r2.first_hit is None
    assert r2.distance_m == pytest.approx(math.hypot(100, 8.4), abs=1e-6)


def test_lower_box_under_the_line_does_not_block_and_clearance_is_analytic():
    # line from (0,0,1.6) to (100,0,21.6): at x in [40,42] its height is 9.6..10.0; box 7 m high
    s = scene_of(("low", 40, -3, 42, 3, 0, 7))
    r = sightline(s, eye(s, 0, 0), eye(s, 100, 0, 21.6), clearance_step_m=0.05)
    assert r.visible and r.blocked_by == []
    c, at = r.clearance.minimum()
    # least clearance over the box's roof edge nearest the observer: 9.6 - 7 = 2.6 m (within 1 cm),
    # elsewhere the clearance is the line height above the ground plane (>= 1.6 m at the observer)
    over_box = (r.clearance.xy[:, 0] + s.origin[0] >= X0 + 40.05) & (r.clearance.xy[:, 0] + s.origin[0] <= X0 + 41.95)
    xw = r.clearance.xy[over_box, 0] + s.origin[0] - X0
    assert r.clearance.clearance_m[over_box] == pytest.approx(1.6 + 0.2 * xw - 7.0, abs=0.01)
    assert r.clearance.clearance_m[over_box].min() == pytest.approx(2.6, abs=0.03)
    assert c == pytest.approx(1.6, abs=1e-6) and at == pytest.approx(0.0)


def test_clearance_through_a_tower_is_the_line_height_minus_the_tower_height():
    """A level line at eye height (1.6 m) through a 60 m tower: wherever the line runs inside the
    tower, geometry rises 58.4 m through it (clearance 1.6 − 60), whatever the line's own height;
    outside it the ground plane lies 1.6 m below. The least clearance is inside the tower."""
    s = scene_of(("tower", 40, -5, 50, 5, 0, 60), ("far", 300, 300, 301, 301, 0, 1))
    r = sightline(s, eye(s, 0, 0), eye(s, 100, 0), clearance_step_m=0.5)
    assert not r.visible and r.blocked_by == ["tower"]
    c = r.clearance
    x = c.xy[:, 0] + s.origin[0] - X0
    inside = (x > 40.01) & (x < 49.99)
    outside = (x < 39.99) | (x > 50.01)
    assert inside.sum() == 19 and outside.sum() == 180
    assert c.clearance_m[inside] == pytest.approx(1.6 - 60.0, abs=1e-6)
    assert (c.object_index[inside] == s.object_ids.index("tower")).all()
    assert (c.object_index[outside] == -1).all()  # the ground plane
    assert c.clearance_m[outside] == pytest.approx(1.6, abs=1e-6)
    low, at = c.minimum()
    assert low == pytest.approx(-58.4, abs=1e-6) and 40.0 <= at <= 40.5


def test_clearance_profile_samples_every_step_up_to_max_samples():
    """Samples lie evenly from end to end, no further apart than ``step_m`` (hand counts: 30 m at
    1 m is 31 samples, 10 m at 3 m is 5 samples 2.5 m apart, 0.4 m at 1 m the two ends), and there
    are never more than ``max_samples`` (30 m at 0.5 m would be 61: capped at exactly 25)."""
    from stadtbild.analysis.sightline import clearance_profile

    s = scene_of(("far", 300, 300, 301, 301, 0, 1))
    rc = RayCaster(s)
    p0 = eye(s, 0, 0)

    def profile(length, step, **kw):
        return clearance_profile(rc, p0, p0 + np.array([length, 0.0, 0.0]), step, **kw)

    for length, step, n in ((30.0, 1.0, 31), (10.0, 3.0, 5), (0.4, 1.0, 2)):
        c = profile(length, step)
        assert len(c.s_m) == n
        assert c.s_m == pytest.approx(np.linspace(0.0, length, n))
        assert c.xy.shape == (n, 2) and c.xy[:, 0] - p0[0] == pytest.approx(c.s_m)
        assert c.xy[:, 1] == pytest.approx(p0[1]) and c.z_line == pytest.approx(p0[2])
    c = profile(30.0, 0.5, max_samples=25)
    assert len(c.s_m) == 25 and c.s_m[-1] == pytest.approx(30.0) and np.diff(c.s_m) == pytest.approx(1.25)
    assert c.clearance_m == pytest.approx(1.6)


def test_all_blockers_are_listed_nearest_first():
    s = scene_of(("c", 70, -2, 72, 2, 0, 30), ("a", 20, -2, 22, 2, 0, 30), ("b", 45, -2, 47, 2, 0, 30),
                 ("aside", 45, 10, 47, 14, 0, 30))
    r = sightline(s, eye(s, 0, 0), eye(s, 100, 0))
    assert r.blocked_by == ["a", "b", "c"]
    assert r.blocker_distances_m == pytest.approx([20.0, 45.0, 70.0], abs=0.01)


def test_target_object_is_visible_when_the_line_reaches_it_first():
    s = scene_of(("tower", 100, -3, 106, 3, 0, 40), ("wall", 40, -20, 42, 20, 0, 10))
    # top of the tower: the line passes over the 10 m wall (at x = 40 it is at ~16.8 m)
    top = target_points(s, "tower", "top").points[0]
    assert s.to_world(top)[2] == pytest.approx(40.0)
    assert sightline(s, eye(s, 0, 0), target_id="tower").visible
    # its centroid (20 m high inside the solid) is hidden behind the wall
    r = sightline(s, eye(s, 0, 0), target_id="tower", aim="centre")
    assert not r.visible and r.blocked_by == ["wall"]
    # "any": the top and some upper facade points are visible, lower ones are not
    r = sightline(s, eye(s, 0, 0), target_id="tower", aim="any", n_points=40)
    assert r.visible and 1 <= r.visible_points < r.n_points


def test_any_aim_counts_the_top_and_the_points_facing_the_observer():
    """aim "any" from the west at eye level with nothing in between: seen are the top corner (it
    counts from every side) and exactly the sampled points of the west wall, the only face that
    faces the observer (the roof and the other walls face away or sideways); aim "centre" is one
    point, seen."""
    s = scene_of(("tower", 100, -3, 106, 3, 0, 40))
    o = eye(s, 0, 0)
    r = sightline(s, o, target_id="tower", aim="any", n_points=40, clearance_step_m=None)
    west = target_points(s, "tower", "any", n_points=40).normals[:, 0] < -0.5
    assert r.n_points == 40 and west.sum() >= 3
    assert r.visible and r.visible_points == 1 + int(west.sum())
    c = sightline(s, o, target_id="tower", aim="centre", clearance_step_m=None)
    f = c.figures()
    assert c.visible and (f["aim"], f["target_points"], f["visible_points"]) == ("centre", 1, 1)


def test_target_object_figures_and_the_clearance_over_it():
    """A sightline to an object: the figures name it and the aim; the clearance profile has no
    value over the target itself (NaN: the line ends on it) and the analytic one elsewhere, here
    the least clearance 1.6 m at the observer's eye above the ground; "centroid" is another name
    for the centre aim, the middle of the box (103, 0, 20)."""
    s = scene_of(("tower", 100, -3, 106, 3, 0, 40), ("wall", 40, -20, 42, 20, 0, 10))
    r = sightline(s, eye(s, 0, 0), target_id="tower", clearance_step_m=0.5)
    f = r.figures()
    assert f["visible"] and (f["target_id"], f["aim"], f["target_points"], f["visible_points"]) == ("tower", "top", 1, 1)
    top = s.to_world(r.target)
    assert top[2] == pytest.approx(40.0) and top[0] in (pytest.approx(X0 + 100), pytest.approx(X0 + 106))
    c = r.clearance
    over_tower = c.object_index == s.object_ids.index("tower")
    assert over_tower.any() and np.isnan(c.clearance_m[over_tower]).all()
    assert np.isfinite(c.clearance_m[~over_tower]).all()
    xw = c.xy[:, 0] + s.origin[0] - X0
    over_wall = (xw > 40.05) & (xw < 41.95) & (np.abs(c.xy[:, 1] + s.origin[1] - Y0) < 19.9)
    z_line = 1.6 + (40.0 - 1.6) * c.s_m[over_wall] / r.length_m
    assert c.clearance_m[over_wall] == pytest.approx(z_line - 10.0, abs=0.01)
    assert (f["min_clearance_m"], f["min_clearance_at_m"]) == (pytest.approx(1.6), 0.0)
    centre = target_points(s, "tower", aim="centroid")
    assert centre.aim == "centre" and s.to_world(centre.points[0]) == pytest.approx([X0 + 103, Y0, 20.0], abs=1e-6)


def test_any_aim_spreads_its_points_over_a_house_without_a_ground_surface():
    """aim "any" with n_points = 32 on a 10 × 20 × 30 m house modelled without its GroundSurface
    (common in LoD2 data): the top corner and 31 points spread by area over walls and roof
    (2000 m², about one per 64.5 m²), each 1 cm outside the surface it lies on, its outward normal
    given; the roof (200 m², 10 %) and each wall get their share (about 3 and 5–9 points)."""
    from tests.helpers import box_polygons, model_from_solids
    from stadtbild.model.semantics import GROUND

    v, faces = box_polygons(X0, Y0, X0 + 10, Y0 + 20, 0.0, 30.0)
    s = model_from_solids([("house", v, [f for f in faces if f[1] != GROUND])]).scene()
    tp = target_points(s, "house", aim="any", n_points=32)
    assert tp.aim == "any" and len(tp.points) == 32
    top = s.to_world(tp.points[0]) - np.array([X0, Y0, 0.0])  # a roof corner (all four are equally high)
    assert min(abs(top[0]), abs(top[0] - 10)) < 1e-9 and min(abs(top[1]), abs(top[1] - 20)) < 1e-9 and top[2] == 30.0
    assert (tp.normals[0] == 0).all()  # counts from every side
    default = target_points(s, "house")  # the default aim is the top
    assert default.aim == "top" and default.points.tolist() == tp.points[:1].tolist()
    p, n = s.to_world(tp.points[1:]) - np.array([X0, Y0, 0.0]), tp.normals[1:]
    assert np.linalg.norm(n, axis=1) == pytest.approx(1.0)
    # each point lies 1 cm off the face its normal names: x = -0.01 / 10.01, y = -0.01 / 20.01, z = 30.01
    plane = np.where(n[:, 0] < -0.5, -p[:, 0], np.where(n[:, 0] > 0.5, p[:, 0] - 10.0,
                     np.where(n[:, 1] < -0.5, -p[:, 1], np.where(n[:, 1] > 0.5, p[:, 1] - 20.0, p[:, 2] - 30.0))))
    assert plane == pytest.approx(0.01, abs=1e-9)
    faces_hit = {tuple(np.round(k).astype(int)) for k in n}
    assert faces_hit == {(-1, 0, 0), (1, 0, 0), (0, -1, 0), (0, 1, 0), (0, 0, 1)}
    roof = int((n[:, 2] > 0.5).sum())
    assert 2 <= roof <= 5


def test_any_aim_at_a_finely_faceted_round_tower():
    """aim "any" at a round tower of 1500 facets (6000 triangles, as photogrammetric or LoD3 models
    have): 32 points, the top and 31 on its wall and roof, each 1 cm outside the surface (10.01 m
    from the axis or 30.01 m high), and the tower seen from the west; more triangles than the
    points asked for must not refuse the sampling."""
    from stadtbild.model.extrude import extrude_footprint
    from tests.helpers import model_from_solids

    a = np.linspace(0.0, 2.0 * np.pi, 1500, endpoint=False)
    fp = np.c_[X0 + 100 + 10.0 * np.cos(a), Y0 + 10.0 * np.sin(a)].tolist()
    solid = extrude_footprint(fp, ground_z=0.0, eave_height_m=30.0, roof="flat")
    s = model_from_solids([("round", solid.vertices, list(zip(solid.polygons, solid.semantics)))]).scene()
    assert s.n_triangles > 5000
    tp = target_points(s, "round", aim="any", n_points=32)
    assert len(tp.points) == 32
    p = s.to_world(tp.points[1:]) - np.array([X0 + 100, Y0, 0.0])
    on_roof = tp.normals[1:, 2] > 0.5
    assert p[on_roof, 2] == pytest.approx(30.01, abs=1e-6)
    # on a facet the point lies 1 cm outside the chord, between 9.99 and 10.01 m from the axis
    r = np.hypot(p[~on_roof, 0], p[~on_roof, 1])
    assert ((r > 10.0 * np.cos(np.pi / 1500) + 0.0099) & (r < 10.011)).all() and (~on_roof).sum() >= 20
    res = sightline(s, eye(s, 0, 0), target_id="round", aim="any", n_points=32, clearance_step_m=None)
    assert res.visible and res.n_points == 32


def test_the_top_of_a_flat_roofed_l_is_its_corner_nearest_the_middle():
    """aim "top" on an L-shaped flat-roofed house (all six roof corners equally high): the corner
    nearest their mean (4.67, 4.67), i.e. the inner corner (4, 4); "any" adds points on the
    house itself only (within its box), none on its neighbour."""
    from stadtbild.model.extrude import extrude_footprint
    from tests.helpers import model_from_solids

    fp = [[X0, Y0], [X0 + 10, Y0], [X0 + 10, Y0 + 4], [X0 + 4, Y0 + 4], [X0 + 4, Y0 + 10], [X0, Y0 + 10]]
    solid = extrude_footprint(fp, ground_z=0.0, eave_height_m=9.0, roof="flat")
    other = extrude_footprint([[X0 + 30, Y0], [X0 + 40, Y0], [X0 + 40, Y0 + 10], [X0 + 30, Y0 + 10]], ground_z=0.0,
                              eave_height_m=20.0, roof="flat")
    m = model_from_solids([("l", solid.vertices, list(zip(solid.polygons, solid.semantics))),
                           ("nachbar", other.vertices, list(zip(other.polygons, other.semantics)))])
    s = m.scene()
    assert s.to_world(target_points(s, "l", "top").points[0]) == pytest.approx([X0 + 4, Y0 + 4, 9.0], abs=1e-6)
    anyp = s.to_world(target_points(s, "l", "any", n_points=24).points)
    assert len(anyp) >= 20
    assert (anyp[:, 0] >= X0 - 0.02).all() and (anyp[:, 0] <= X0 + 10.02).all()
    assert (anyp[:, 1] >= Y0 - 0.02).all() and (anyp[:, 1] <= Y0 + 10.02).all() and (anyp[:, 2] <= 9.02).all()


def _gatehouse(x0, y0, y1):
    """A closed gatehouse solid: two 2 m piers and the storey on them (x0 … x0 + 10, z 5 … 10)
    over a 6 m wide, 5 m high passage running along y from y0 to y1."""
    from stadtbild.model.semantics import GROUND, ROOF, WALL

    xz = [(0, 0), (2, 0), (2, 5), (8, 5), (8, 0), (10, 0), (10, 10), (0, 10)]  # inverted U, counter-clockwise
    front = [[X0 + x0 + x, Y0 + y0, z] for x, z in xz]
    back = [[X0 + x0 + x, Y0 + y1, z] for x, z in xz]
    v = np.array(front + back, dtype=float)
    n = len(xz)
    faces = [(list(range(n)), WALL), (list(range(2 * n - 1, n - 1, -1)), WALL)]
    for i in range(n):
        j = (i + 1) % n
        (xa, za), (xb, zb) = xz[i], xz[j]
        code = GROUND if za == zb == 0 else (WALL if xa == xb else (ROOF if za == zb == 10 else GROUND))
        faces.append(([j, i, n + i, n + j], code))
    return v, faces


def test_a_passage_through_a_gatehouse_is_open():
    """A sightline through the passage of a gatehouse (under its upper storey, between its piers)
    is open: two of the building's horizontal faces lie above it, so it runs outside the volume;
    the same line at 7 m runs inside the storey and is blocked where it enters (y = −20)."""
    from tests.helpers import model_from_solids

    v, faces = _gatehouse(40.0, -20.0, 20.0)
    m = model_from_solids([("tor", v, faces)])
    s = m.scene()
    assert m.objects["tor"] and s.n_triangles > 0
    through = sightline(s, eye(s, 45, -100), eye(s, 45, 100, 1.6))
    assert through.visible and through.blocked_by == []
    high = sightline(s, eye(s, 45, -100, 7.0), eye(s, 45, 100, 7.0))
    assert not high.visible and high.blocked_by == ["tor"] and high.distance_m == pytest.approx(80.0, abs=0.01)


def test_a_viewpoint_outside_the_model_extent_lists_the_building_it_looks_into():
    """Observer south-west of every building (negative local coordinates: outside the modelled
    tile), line to a point 10 m up inside a 40 × 40 × 20 m block: it enters through the south wall
    at 2/3 of its plan run, x = 10 m, z = 1.6 + 2/3 · 8.4 = 7.2 m, 2/3 · |(60, 60, 8.4)| = 56.85 m
    from the eye (the exact blocker list, not only the first hit)."""
    s = scene_of(("block", 0, 0, 40, 40, 0, 20), ("ne", 60, 60, 70, 70, 0, 5))
    r = sightline(s, eye(s, -30, -40), eye(s, 30, 20, 10.0), clearance_step_m=None)
    assert not r.visible and r.blocked_by == ["block"]
    assert r.blocker_distances_m == pytest.approx([2 / 3 * math.sqrt(60**2 + 60**2 + 8.4**2)], abs=0.01)
    assert s.to_world(r.first_hit) == pytest.approx([X0 + 10, Y0, 7.2], abs=0.01)


def test_terrain_ridge_is_a_blocker():
    from stadtbild.model.terrain import TerrainGrid, with_terrain

    xs = np.arange(-100.0, 201.0, 2.0)
    ys = np.arange(100.0, -101.0, -2.0)
    gx, gy = np.meshgrid(xs, ys)
    z = np.maximum(0.0, 12.0 * (1 - np.abs(gx - 50.0) / 20.0))  # N–S ridge 12 m high at x = 50
    grid = TerrainGrid(z=z, x0=X0 - 100, y0=Y0 + 100, dx=2.0, dy=2.0)
    s = with_terrain(scene_of(("far", 180, 80, 181, 81, 0, 1)), grid)
    r = sightline(s, eye(s, 0, 0, 1.6), eye(s, 100, 0, 1.6))
    assert not r.visible and r.blocked_by == ["terrain"]
    # analytic: the level line z = 1.6 meets the slope 12(1 - (50 - x)/20) at x = 50 - 20(1 - 1.6/12)
    assert s.to_world(r.first_hit)[0] == pytest.approx(X0 + 50 - 20 * (1 - 1.6 / 12), abs=0.01)


# ====================================================================== viewshed
def test_viewshed_of_an_open_field_is_complete_within_the_radius():
    s = scene_of(("far", 900, 900, 905, 905, 0, 5))
    r = viewshed(s, eye(s, 0, 0), radius_m=200.0, cell_m=2.0, surfaces=False)
    f = r.figures()
    assert f["visible_fraction"] == 1.0 and f["visible_objects"] == []
    # the sampled area is the disc (shapely reference, cell-centre rule within 1 %)
    disc = shapely.Point(0, 0).buffer(200.0, 256).area
    assert f["ground_area_m2"] == pytest.approx(disc, rel=0.01)
    assert f["sample_count"] == int(r.active.sum())


def test_viewshed_behind_a_long_wall_matches_the_half_disc():
    # a 100 m high wall from y=-300 to 300 at x = 20..21: everything east of it is hidden
    s = scene_of(("wall", 20, -300, 21, 300, 0, 100))
    r = viewshed(s, eye(s, 0, 0), radius_m=150.0, cell_m=1.0, surface_cell_m=2.0)
    disc = shapely.Point(0, 0).buffer(150.0, 512)
    west = disc.intersection(shapely.box(-200, -200, 20, 200)).area
    open_ground = disc.area - disc.intersection(shapely.box(20, -300, 21, 300)).area
    assert r.visible_fraction == pytest.approx(west / open_ground, abs=0.01)
    assert r.visible_object_ids() == ["wall"]
    # samples on the wall's west face are seen, on its east face never
    s_pts = r.surfaces.points + s.origin
    east = s_pts[:, 0] > X0 + 20.5
    assert not r.surface_visible[east].any() and r.surface_visible[~east].any()
    # polygons of the visible ground have the same area as the visible cells
    assert r.polygons().area == pytest.approx(r.figures()["visible_ground_area_m2"], rel=1e-6)


def test_viewshed_field_of_view_quarter():
    s = scene_of(("far", 900, 900, 905, 905, 0, 5))
    r = viewshed(s, eye(s, 0, 0), radius_m=100.0, cell_m=1.0, surfaces=False, azimuth_deg=45.0, hfov_deg=90.0)
    quarter = math.pi * 100.0 ** 2 / 4
    assert r.figures()["ground_area_m2"] == pytest.approx(quarter, rel=0.02)
    x, y = r.grid.centres_local()
    xw = (x + s.origin[0] - X0)[r.active]
    yw = (y + s.origin[1] - Y0)[r.active]
    assert (xw >= -0.5).all() and (yw >= -0.5).all()  # north-east quadrant only


def test_viewshed_vertical_field_of_view():
    s = scene_of(("tower", 50, -5, 60, 5, 0, 80))
    o = eye(s, 0, 0)
    down = viewshed(s, o, radius_m=100.0, cell_m=2.0, vmin_deg=-90.0, vmax_deg=0.0, surface_cell_m=2.0)
    up = viewshed(s, o, radius_m=100.0, cell_m=2.0, vmin_deg=20.0, vmax_deg=90.0, surface_cell_m=2.0)
    assert down.active.sum() > 0 and up.active.sum() == 0  # the ground lies below the eye
    # facade samples in the upward field: elevation angle >= 20° seen from the eye (analytic)
    v = up.surfaces.points - o
    el = np.degrees(np.arctan2(v[:, 2], np.hypot(v[:, 0], v[:, 1])))
    assert len(el) and (el >= 20.0 - 1e-9).all()
    west = up.surfaces.points[:, 0] + s.origin[0] < X0 + 50.01
    assert up.surface_visible[west].all() and not up.surface_visible[~west].any()


def test_panorama_sees_a_wall_over_its_azimuth_range():
    from stadtbild.analysis.viewshed import panorama

    # wall x = 10..11, y = -10..10, 100 m high: from (0, 0) it spans azimuth 45°..135° at eye level
    s = scene_of(("wall", 10, -10, 11, 10, 0, 100))
    p = panorama(s, eye(s, 0, 0), n_azimuth=360, n_elevation=31, elevation_range_deg=(-30.0, 30.0))
    level = p.object_index[15]  # elevation 0°
    assert p.elevation_deg[15] == pytest.approx(0.0)
    hit_az = p.azimuth_deg[level >= 0]
    assert hit_az.min() == pytest.approx(45.5, abs=1.0) and hit_az.max() == pytest.approx(134.5, abs=1.0)
    east = int(np.argmin(np.abs(p.azimuth_deg - 90.5)))
    assert p.distance_m[15, east] == pytest.approx(10.0 / math.cos(math.radians(0.5)), abs=1e-6)
    assert p.visible_object_ids() == ["wall"]


# ====================================================================== corridor
def test_corridor_height_limit_is_the_linear_sight_plane(tmp_path):
    import rasterio

    s = scene_of(("far", 500, 500, 501, 501, 0, 1))
    vp, tg = eye(s, 0, 0), eye(s, 300, 100, 51.6)
    res = view_corridor(s, vp, target=tg, half_angle_deg=6.0)
    D = math.hypot(300, 100)
    raster, grid = res.height_limit(cell_m=2.0)
    x, y = grid.centres_local()
    d = (np.stack([x, y], -1) - vp[:2]) @ (np.array([300, 100]) / D)
    expected = 1.6 + (51.6 - 1.6) * d / D
    inside = grid.inside
    assert inside.sum() > 1000
    assert np.abs(raster.values[inside] - expected[inside]).max() < 0.01
    assert (raster.values[~inside] == -9999).all()
    # written GeoTIFF: same values at the same model-CRS places
    from stadtbild.exporters.tables import write_geotiff

    write_geotiff(raster, tmp_path / "limit.tif")
    with rasterio.open(tmp_path / "limit.tif") as ds:
        assert ds.crs.to_epsg() == 25832
        px, py = X0 + 150.0, Y0 + 50.0  # on the axis, half way: 26.6 m
        val = next(ds.sample([(px, py)]))[0]
    assert val == pytest.approx(26.6, abs=0.01 + 0.5 * 2.0 * 50 / D)
    # the triangulated surface passes through viewpoint and target heights
    v, f = res.corridor.surface(s)
    assert f.shape == (1, 3) and v[0] == pytest.approx(s.to_world(vp))


def test_corridor_intruders_and_their_rise():
    # axis along x from (0,0,1.6) to (200,0,41.6): plane z = 1.6 + 0.2·a
    s = scene_of(("inside", 100, -2, 104, 2, 0, 30), ("below", 50, -2, 54, 2, 0, 10),
                 ("beside", 100, 40, 104, 44, 0, 60), ("edge", 150, 10, 154, 30, 0, 42),
                 ("target", 198, -2, 202, 2, 0, 41.6))
    assert "target" not in [s.object_ids[i] for i in
                            view_corridor(s, eye(s, 0, 0), target_id="target", half_angle_deg=5.0).intruders]
    res = view_corridor(s, eye(s, 0, 0), target=eye(s, 200, 0, 41.6), half_angle_deg=5.0)
    got = {s.object_ids[i]: a for i, a in zip(res.intruders, res.above_m)}
    assert "beside" not in got and "below" not in got
    # inside: top face 30 m at a = 100 (plane 21.6) -> 8.4 m
    assert got["inside"] == pytest.approx(8.4, abs=0.01)
    # edge: enters the wedge |y| <= a·tan5° where y = 10 at a = 10/tan5° = 114.3 -> beyond the
    # box's near face (150): the lowest plane point inside is at a = 150 (y=10 <= 13.1) -> 42 - 31.6
    assert got["edge"] == pytest.approx(42 - (1.6 + 0.2 * 150), abs=0.01)
    assert [s.object_ids[i] for i in res.intruders] == ["edge", "inside", "target"]
    assert got["target"] == pytest.approx(41.6 - (1.6 + 0.2 * 198), abs=0.01)
    # a wider strip (width 100 m) also catches "beside" (60 - (1.6 + 0.2·100))
    wide = view_corridor(s, eye(s, 0, 0), target=eye(s, 200, 0, 41.6), width_m=100.0)
    got = {s.object_ids[i]: a for i, a in zip(wide.intruders, wide.above_m)}
    assert got["beside"] == pytest.approx(60 - 21.6, abs=0.01)


def test_exact_rise_is_the_maximum_of_dense_samples():
    rng = np.random.default_rng(6)
    corr = Corridor([0, 0, 2.0], [100, 30, 22.0], half_angle_deg=8.0)
    tris = rng.uniform([-10, -30, 0], [110, 60, 40], size=(400, 3, 3))
    tris[:100, :, :2] = tris[:100, :1, :2] + rng.uniform(-8, 8, size=(100, 3, 2))  # small ones too
    tris[100:150, 1, :2] = tris[100:150, 0, :2]  # vertical triangles (walls)
    exact, _ = max_rise_above(corr, tris)
    u, v = np.meshgrid(np.linspace(0, 1, 161), np.linspace(0, 1, 161))
    keep = (u + v) <= 1
    u, v = u[keep], v[keep]
    pts = tris[:, :1] + u[None, :, None] * (tris[:, 1:2] - tris[:, :1]) + v[None, :, None] * (tris[:, 2:3] - tris[:, :1])
    inside = corr.contains(pts.reshape(-1, 3)).reshape(pts.shape[:2])
    rise = np.where(inside, pts[..., 2] - corr.plane_z(pts.reshape(-1, 3)).reshape(pts.shape[:2]), -np.inf)
    brute = rise.max(axis=1)
    hit = np.isfinite(brute)
    assert hit.sum() > 100
    assert (exact[hit] >= brute[hit] - 1e-9).all()          # exact is never below a sample
    assert np.abs(exact[hit] - brute[hit]).max() < 0.6      # and close to the dense maximum


# ====================================================================== landmark visibility
def test_landmark_visibility_from_street_points():
    # tower 30 m; 20 m high wall 40 m west of it spanning y = -50..50 hides the tower's lower part;
    # points far west see the tower top over the wall, points close behind the wall do not
    s = scene_of(("tower", 0, -3, 6, 3, 0, 30), ("wall", -42, -50, -40, 50, 0, 20))
    obs = np.array([eye(s, -300, 0), eye(s, -45, 0), eye(s, 50, 0)])
    r = landmark_visibility(s, "tower", obs, aim="top")
    # analytic: the line from (x, 0, 1.6) to the tower top (~(0, 0, 30)) must clear the wall top (-40, 20):
    # at x=-300 the line height at the wall is 1.6 + 28.4·260/300 = 26.2 > 20 -> visible;
    # at x=-45: 1.6 + 28.4·5/45 = 4.8 < 20 -> hidden; east of the tower nothing is between
    assert r.visible.tolist() == [True, False, True]


# ====================================================================== demo district
@pytest.fixture(scope="module")
def demo_scene():
    from stadtbild.model.ground import analysis_scene
    from stadtbild.importers import load

    return analysis_scene(load(DEMO))


def _trimesh_blockers(scene, o, t, exclude=-1):
    """{object: entry distance} of the objects the segment o->t (local) crosses before the target
    object, by trimesh's pure-python ray/triangle engine (independent of Embree and of our numpy
    BVH)."""
    import trimesh
    from trimesh.ray.ray_triangle import RayMeshIntersector

    mesh = trimesh.Trimesh(scene.vertices, scene.triangles, process=False)
    d = (t - o) / np.linalg.norm(t - o)
    loc, ray, tri = RayMeshIntersector(mesh).intersects_location(o[None], d[None], multiple_hits=True)
    dist = (loc - o) @ d
    keep = dist < np.linalg.norm(t - o) - 0.02
    objs = scene.object_index[tri[keep]]
    order = np.argsort(dist[keep])
    out = {}
    for k, dd in zip(objs[order], dist[keep][order]):
        if k == exclude:
            out[-1] = float(dd)  # where the line reaches the target object
            break
        out.setdefault(int(k), float(dd))
    return out


def _prism_entries(scene, o, t, step_m=0.05):
    """{object: first point inside its building prism} along o->t, points every ``step_m`` (shapely
    footprints and roof heights, tests.test_sightline_blockers): row houses of the demo have no
    party walls, so a line can enter one without crossing any of its faces."""
    from tests.test_sightline_blockers import _Prisms

    prisms = _prisms_cache.setdefault(id(scene), _Prisms(scene))
    length = np.linalg.norm(t - o)
    s = np.arange(0.0, length - 0.02, step_m)
    pts = o + s[:, None] * (t - o) / length
    out = {}
    for i, k in sorted(prisms.inside(pts)):
        out.setdefault(k, float(s[i]))
    return out


_prisms_cache: dict = {}


def test_demo_tallest_building_from_street_points(demo_scene):
    s = demo_scene
    oi = s.object_number(TALLEST)
    heights = np.full(len(s.object_ids), -np.inf)
    np.maximum.at(heights, s.object_index, s.corners[:, :, 2].max(axis=1))
    assert int(np.argmax(heights)) == oi
    rc = RayCaster(s)
    for street, expect in (((91135.0, 435565.0), True), ((90700.0, 435700.0), False)):
        o = place_points(s, [street])[0]
        r = sightline(s, o, target_id=TALLEST, raycaster=rc)
        assert r.visible is expect
        # reference: faces crossed (trimesh) up to the target, plus buildings entered through a
        # missing party wall (first point inside the building's prism), before the target is reached
        faces = _trimesh_blockers(s, o, r.target, exclude=oi)
        inside = _prism_entries(s, o, r.target)
        end = min(faces.pop(-1, np.inf), inside.pop(oi, np.inf))
        ref = {k: min(faces.get(k, np.inf), inside.get(k, np.inf)) for k in set(faces) | set(inside)}
        ref = {k: v for k, v in ref.items() if v < end}
        # same objects, each entered at the same distance (adjoining buildings share a wall, so
        # ties are listed in either order); face entries to 1 cm, prism entries to the 5 cm step
        got = dict(zip(map(int, r.blockers), r.blocker_distances_m))
        assert got == pytest.approx(ref, abs=0.06)
        assert all(got[k] == pytest.approx(v, abs=0.01) for k, v in faces.items() if v <= inside.get(k, np.inf))
        assert list(r.blocker_distances_m) == sorted(r.blocker_distances_m)
        if not expect:
            assert len(ref) >= 3  # a real street canyon: several buildings in the way


def test_demo_landmark_visibility_embree_equals_numpy(demo_scene):
    s = demo_scene
    grid, mask, obs = street_points(s, cell_m=25.0)
    a = landmark_visibility(s, TALLEST, obs, aim="top", raycaster=RayCaster(s, backend="embree"))
    b = landmark_visibility(s, TALLEST, obs, aim="top", raycaster=RayCaster(s, backend="numpy"))
    assert 0.1 < a.visible_fraction < 0.9
    assert (a.visible == b.visible).mean() >= 0.995


# ====================================================================== CLI
def _cli(*args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def test_cli_sightline_with_scenario_moving_the_blocker(tmp_path):
    model = box_model([("box", X0 + 40, Y0 - 3, X0 + 42, Y0 + 3, 0, 8), ("far", X0 + 300, Y0 + 300, X0 + 301, Y0 + 301, 0, 1)])
    from stadtbild.exporters.cityjson import write_cityjson

    path = tmp_path / "boxes.city.json"
    write_cityjson(model, path)
    common = ["sightline", path, "--from", f"{X0},{Y0}", "--to", f"{X0 + 100},{Y0},10", "--json"]
    p = _cli(*common, "-o", tmp_path / "line.geojson")
    assert p.returncode == 0, p.stderr
    f = json.loads(p.stdout)
    assert f["visible"] is False and f["blocked_by"] == ["box"]
    assert f["first_hit"] == pytest.approx([X0 + 40, Y0, 1.6 + 8.4 * 0.4], abs=0.01)
    gj = json.loads((tmp_path / "line.geojson").read_text())
    assert gj["crs"]["properties"]["name"].endswith("25832")
    assert {ft["properties"]["kind"] for ft in gj["features"]} >= {"sightline", "first_hit", "blocker"}
    sc = tmp_path / "aside.scenario.json"
    sc.write_text(json.dumps({"name": "aside", "edits": [{"op": "move", "ids": ["box"], "offset": [0, 20, 0]}]}))
    p = _cli(*common, "--scenario", sc)
    assert p.returncode == 0, p.stderr
    f = json.loads(p.stdout)
    assert f["visible"] is True and f["blocked_by"] == [] and f["first_hit"] is None


def test_cli_viewcone_and_viewshed_outputs(tmp_path):
    import rasterio

    p = _cli("viewcone", DEMO, "--from", "91135,435565", "--target", TALLEST, "--half-angle", "8", "--json",
             "-o", tmp_path / "limit.tif")
    assert p.returncode == 0, p.stderr
    f = json.loads(p.stdout)
    assert set(f) >= {"intruding", "target"} and all(set(e) >= {"id", "above_m"} for e in f["intruding"])
    assert f["target"][2] == pytest.approx(41.158, abs=1e-3)
    with rasterio.open(tmp_path / "limit.tif") as ds:
        v = ds.read(1)
        assert ds.crs.to_epsg() == 28992
        good = v[v != ds.nodata]
        assert 1.6 - 0.1 < good.min() and good.max() < 41.2
    p = _cli("viewcone", DEMO, "--from", "91135,435565", "--target", TALLEST, "-o", tmp_path / "limit.obj")
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "limit.obj").read_text().count("\nf ") == 1
    p = _cli("viewshed", DEMO, "--from", "91135,435565", "--radius", "150", "--grid", "4", "--json",
             "-o", tmp_path / "vs.csv")
    assert p.returncode == 0, p.stderr
    f = json.loads(p.stdout)
    assert set(f) >= {"visible_fraction", "visible_objects", "sample_count"} and 0 < f["visible_fraction"] < 1
    assert len((tmp_path / "vs.csv").read_text().splitlines()) == f["sample_count"] + 1


def test_cli_errors_are_one_line():
    p = _cli("sightline", DEMO, "--from", "91135,435565", "--target", "no-such-building", "--json")
    assert p.returncode == 2 and p.stderr.strip().startswith("error:") and "no-such-building" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
    p = _cli("viewcone", DEMO, "--from", "91135,x", "--target", TALLEST)
    assert p.returncode == 2 and p.stderr.startswith("error:")
    p = _cli("viewshed", DEMO, "--from", "91135,435565", "-o", "/tmp/out.xyz")
    assert p.returncode == 2 and "unknown output type" in p.stderr


def test_cli_landmark_visibility_in_a_street_layer(tmp_path):
    """--landmark with a --layer street polygon: street points are the grid cells inside it
    (shapely count), and a street right beside the landmark sees it."""
    from stadtbild.exporters.cityjson import write_cityjson

    model = box_model([("tower", X0, Y0, X0 + 6, Y0 + 6, 0, 30), ("block", X0 - 60, Y0 - 20, X0 - 40, Y0 + 26, 0, 25)])
    path = tmp_path / "m.city.json"
    write_cityjson(model, path)
    street = shapely.box(X0 - 100, Y0 + 10, X0 + 40, Y0 + 20)  # runs east-west north of the tower
    (tmp_path / "street.geojson").write_text(json.dumps({
        "type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
        "features": [{"type": "Feature", "properties": {"name": "Hauptstraße"},
                      "geometry": shapely.geometry.mapping(street)}]}))
    p = _cli("viewshed", path, "--landmark", "tower", "--layer", tmp_path / "street.geojson", "--grid", "2",
             "--json", "-o", tmp_path / "lm.csv")
    assert p.returncode == 0, p.stderr
    f = json.loads(p.stdout)
    # cell centres on the 2 m grid snapped to the CRS that fall inside the street (and outside the block)
    xs = np.arange(X0 - 100 + 1, X0 + 40, 2.0)
    ys = np.arange(Y0 + 10 + 1, Y0 + 20, 2.0)
    gx, gy = np.meshgrid(xs, ys)
    inside = shapely.contains_xy(street, gx, gy) & ~shapely.contains_xy(shapely.box(X0 - 60, Y0 - 20, X0 - 40, Y0 + 26), gx, gy)
    assert f["sample_count"] == int(inside.sum())
    rows = (tmp_path / "lm.csv").read_text().splitlines()[1:]
    seen = {(round(float(r.split(",")[0]) - X0), int(r.split(",")[3])) for r in rows}
    assert (1, 1) in seen  # right beside the tower
    # behind the 25 m block (west of x0-60) at eye height the 30 m tower top is hidden close to the block
    assert (-61, 0) in seen
    assert 0 < f["visible_fraction"] < 1
