"""Abstandsflächen: depths per state rule, minimum, roof shares, conflicts between buildings,
party walls, parcels, outputs (GeoJSON read back by GDAL, DXF audited by ezdxf), real data."""
from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
import shapely

from stadtbild.analysis.setbacks import RULES, compute_setbacks, read_parcels
from stadtbild.importers import load
from stadtbild.model.errors import InputError
from stadtbild.model.semantics import GROUND, ROOF, WALL
from tests.conftest import ROOT, data_file
from tests.helpers import box_model, box_polygons, model_from_solids, prism_polygons
from tests.test_metrics import gable_house


def _depths_by_normal(result):
    """{(nx, ny) rounded: depth} of the outer walls of a single axis-aligned building."""
    out = {}
    for i in np.flatnonzero(result.kind == "outer"):
        rect = result.areas[i]
        out[i] = result.depth_m[i]
        assert rect.area == pytest.approx(result.length_m[i] * result.depth_m[i], rel=1e-9)
    return out


@pytest.mark.parametrize("rule,depth", [("nbauo", 6.0), ("bauo-nrw", 4.8), ("mbo", 4.8), ("baybo", 4.8)])
def test_12m_wall_depth(rule, depth):
    m = box_model([("b", 0, 0, 10, 20, 0, 12)])
    r = compute_setbacks(m, rule)
    assert r.n_walls == 4 and list(r.kind) == ["outer"] * 4
    assert np.allclose(r.depth_m, depth)
    assert np.allclose(r.wall_height_m, 12.0)
    # the rectangles lie in front of the walls: outside the footprint, touching it
    fp = shapely.box(0, 0, 10, 20)
    for rect in r.areas:
        rect = shapely.transform(rect, lambda xy: xy + r.origin[:2])
        assert rect.intersection(fp).area == pytest.approx(0.0, abs=1e-9)
        assert rect.distance(fp) == pytest.approx(0.0, abs=1e-9)
    total = sum(a.area for a in r.areas)
    assert total == pytest.approx(depth * 2 * (10 + 20), rel=1e-9)


@pytest.mark.parametrize("rule", list(RULES))
def test_minimum_3m_for_low_walls(rule):
    m = box_model([("garage", 0, 0, 6, 3, 0, 2.5), ("shed", 20, 0, 24, 4, 0, 5.9)])
    r = compute_setbacks(m, rule)
    assert np.allclose(r.depth_m, 3.0)
    assert np.all(RULES[rule].factor * r.height_m < 3.0)


def test_two_buildings_9m_apart_conflict_under_nbauo_not_under_nrw():
    # facing walls x = 10 and x = 19, 10 m high, 15 m long
    m = box_model([("a", 0, 0, 10, 15, 0, 10), ("b", 19, 0, 29, 15, 0, 10)])
    nb = compute_setbacks(m, "nbauo")
    conflicts = [v for v in nb.violations if v["kind"] == "setback"]
    assert {(v["id"], v["other_id"]) for v in conflicts} == {("a", "b"), ("b", "a")}
    # 5 m + 5 m − 9 m = 1 m overlap strip along the 15 m wall
    assert all(v["overlap_m2"] == pytest.approx(1.0 * 15.0, rel=1e-6) for v in conflicts)
    assert not [v for v in nb.violations if v["kind"] == "building"]  # 5 m < 9 m
    nrw = compute_setbacks(m, "bauo-nrw")
    assert nrw.violations == []  # 4 m + 4 m < 9 m
    assert nrw.summary()["violating_walls"] == 0 and nb.summary()["violating_walls"] == 2


def test_setback_area_over_neighbour_building():
    m = box_model([("tall", 0, 0, 10, 10, 0, 20), ("low", 14, 0, 24, 10, 0, 3)])
    r = compute_setbacks(m, "mbo")  # 0.4 × 20 = 8 m reaches 4 m into "low"
    on_building = [v for v in r.violations if v["kind"] == "building"]
    assert [(v["id"], v["other_id"]) for v in on_building] == [("tall", "low")]
    assert on_building[0]["overlap_m2"] == pytest.approx(4.0 * 10.0, rel=1e-6)


def test_party_walls_need_no_setback():
    m = box_model([("a", 0, 0, 10, 10, 0, 12), ("b", 10, 0, 20, 10, 0, 12)])
    r = compute_setbacks(m, "nbauo")
    assert sorted(r.kind) == ["outer"] * 6 + ["party"] * 2
    assert r.violations == []


def test_inward_oriented_polygons_give_the_same_areas():
    v, faces = box_polygons(0, 0, 10, 20, 0, 12)
    flipped = model_from_solids([("b", v, [(ring[::-1], code) for ring, code in faces])])
    r = compute_setbacks(flipped, "nbauo")
    fp = shapely.box(0, 0, 10, 20)
    for rect in r.areas:
        rect = shapely.transform(rect, lambda xy: xy + r.origin[:2])
        assert rect.intersection(fp).area == pytest.approx(0.0, abs=1e-9)


def _house_walls(rule, ridge, width=8.0, eave=6.0):
    m = model_from_solids([("h", *gable_house(length=12.0, width=width, eave=eave, ridge=ridge))])
    r = compute_setbacks(m, rule)
    # walls in gable_house order: south eave, north eave, east gable, west gable
    return r, r.height_m[:2], r.height_m[2:4]


@pytest.mark.parametrize("tilt_deg", [30.0, 50.0, 75.0])
def test_roof_share_mbo_and_nrw(tilt_deg):
    width, eave = 8.0, 6.0
    dh = (width / 2) * math.tan(math.radians(tilt_deg))
    share_mbo = 1.0 if tilt_deg > 70 else (1 / 3 if tilt_deg > 45 else 0.0)
    share_nrw = 1.0 if tilt_deg >= 70 else 1 / 3
    for rule, share in (("mbo", share_mbo), ("baybo", share_mbo), ("bauo-nrw", share_nrw)):
        r, eave_walls, gable_walls = _house_walls(rule, eave + dh, width, eave)
        assert np.allclose(r.wall_height_m, eave), rule
        assert np.allclose(eave_walls, eave + share * dh, atol=1e-6), rule
        assert np.allclose(gable_walls, eave + share * dh, atol=1e-6), rule
        assert np.allclose(r.depth_m, np.maximum(0.4 * r.height_m, 3.0))


# MBO §6(4) sentences 3-4 and BayBO Art. 6(4) sentence 3: the roof height is added to the wall
# height "voll" for roofs steeper than 70°, "zu einem Drittel" for roofs steeper than 45°, not at
# all up to 45°; BauO NRW 2018 §6(4): one third below 70°, in full from 70° on.
MBO_SHARES = [(44.9, 0.0), (45.0, 0.0), (45.1, 1 / 3), (69.9, 1 / 3), (70.0, 1 / 3), (70.1, 1.0)]
NRW_SHARES = [(2.0, 1 / 3), (9.0, 1 / 3), (30.0, 1 / 3), (45.0, 1 / 3), (69.9, 1 / 3), (70.0, 1.0), (70.1, 1.0)]


@pytest.mark.parametrize("rule,tilt_deg,share", [(r, t, s) for r in ("mbo", "baybo") for t, s in MBO_SHARES]
                         + [("bauo-nrw", t, s) for t, s in NRW_SHARES])
def test_roof_share_at_and_either_side_of_each_pitch_limit(rule, tilt_deg, share):
    """A gable house (8 m deep, 6 m eaves) whose roof pitch is built at, 0.1° below and 0.1° above
    each statutory limit: the eave walls' H = Wandhöhe + share × roof height, T = max(0.4 H, 3 m).
    The rule's own share function agrees on the exact angles."""
    width, eave = 8.0, 6.0
    dh = (width / 2) * math.tan(math.radians(tilt_deg))
    r, eave_walls, gable_walls = _house_walls(rule, eave + dh, width, eave)
    assert np.allclose(r.wall_height_m, eave)
    assert eave_walls == pytest.approx([eave + share * dh] * 2, abs=1e-6)
    assert gable_walls == pytest.approx([eave + share * dh] * 2, abs=1e-6)
    assert r.depth_m[:2] == pytest.approx([max(0.4 * (eave + share * dh), 3.0)] * 2, abs=1e-6)
    assert RULES[rule].roof_share(np.array([tilt_deg]))[0] == pytest.approx(share)


def test_pitch_limits_are_not_flipped_by_rounding_noise():
    """A 45° or 70° roof whose computed tilt is off by float noise counts as exactly at the limit."""
    for noise in (-1e-9, 1e-9):
        assert RULES["mbo"].roof_share(np.array([45.0 + noise, 70.0 + noise])) == pytest.approx([0.0, 1 / 3])
        assert RULES["bauo-nrw"].roof_share(np.array([70.0 + noise]))[0] == 1.0


@pytest.mark.parametrize("rule,ridge,expected_h,expected_t", [
    # worked examples after MBO §6(4) / BayBO Art. 6(4): 10 m deep house, 6.50 m Wandhöhe (eaves)
    # a) 38° roof, ridge 6.50 + 5 × tan 38° = 10.41 m: roof not added (≤ 45°): H = 6.50, T = 2.60 → 3 m minimum
    ("mbo", 6.5 + 5 * math.tan(math.radians(38)), 6.5, 3.0),
    # b) 55° roof: roof height 7.14 m, one third added: H = 6.50 + 2.38 = 8.88 m, T = 0.4 H = 3.55 m
    ("baybo", 6.5 + 5 * math.tan(math.radians(55)), 6.5 + 5 * math.tan(math.radians(55)) / 3,
     0.4 * (6.5 + 5 * math.tan(math.radians(55)) / 3)),
    # c) 75° roof (Steildach): roof height 18.66 m in full: H = 25.16 m, T = 10.06 m
    ("mbo", 6.5 + 5 * math.tan(math.radians(75)), 6.5 + 5 * math.tan(math.radians(75)),
     0.4 * (6.5 + 5 * math.tan(math.radians(75)))),
])
def test_setback_worked_examples(rule, ridge, expected_h, expected_t):
    m = model_from_solids([("h", *gable_house(length=12.0, width=10.0, eave=6.5, ridge=ridge))])
    r = compute_setbacks(m, rule)
    assert r.height_m[:2] == pytest.approx([expected_h] * 2, abs=1e-3)
    assert r.depth_m[:2] == pytest.approx([expected_t] * 2, abs=1e-3)


def test_nbauo_counts_every_point():
    """NBauO: the gable peak counts fully; a 75° roof behind the eave wall adds what its ridge
    point needs beyond its distance from the wall (0.5 h − s)."""
    width, eave = 8.0, 6.0
    dh = 4.0 * math.tan(math.radians(75.0))
    r, eave_walls, gable_walls = _house_walls("nbauo", eave + dh, width, eave)
    assert np.allclose(gable_walls, eave + dh)
    # ridge point: required 0.5 (eave + dh) − 4 m from the wall line -> H_eff = eave + dh − 8
    assert np.allclose(eave_walls, max(eave, eave + dh - 4.0 / 0.5), atol=1e-6)
    r45, eave45, _ = _house_walls("nbauo", eave + 4.0, width, eave)  # 45°: the eave governs
    assert np.allclose(eave45, eave)


def _two_roofs_house(steep_deg=75.0, steep_rise=3.0, shallow_deg=50.0, shallow_rise=5.0, eave=6.0):
    """A 20 m × 10 m house with one south wall (y = 0, eaves 6 m) under two roof parts: over
    x 0–10 a steep face rising ``steep_rise`` at ``steep_deg``, over x 10–20 a shallower face
    rising higher, each continued by a flat roof to the back. Returns the model and the roof
    points (x, y, z) of the two faces' upper edges."""
    d1 = steep_rise / math.tan(math.radians(steep_deg))
    d2 = shallow_rise / math.tan(math.radians(shallow_deg))
    z1, z2 = eave + steep_rise, eave + shallow_rise
    v = [[0, 0, 0], [20, 0, 0], [20, 10, 0], [0, 10, 0],          # 0-3 ground
         [0, 0, eave], [10, 0, eave], [20, 0, eave],              # 4-6 eaves
         [0, d1, z1], [10, d1, z1], [10, 10, z1], [0, 10, z1],    # 7-10 steep part's top
         [10, d2, z2], [20, d2, z2], [20, 10, z2], [10, 10, z2]]  # 11-14 shallow part's top
    faces = [([0, 3, 2, 1], GROUND), ([0, 1, 6, 5, 4], WALL),
             ([4, 5, 8, 7], ROOF), ([7, 8, 9, 10], ROOF), ([5, 6, 12, 11], ROOF), ([11, 12, 13, 14], ROOF)]
    return model_from_solids([("h", np.array(v, float), faces)]), np.array([v[7], v[8], v[11], v[12]], float)


@pytest.mark.parametrize("rule", ["mbo", "baybo", "bauo-nrw"])
def test_a_wall_under_two_roof_parts_takes_the_larger_addition(rule):
    """MBO/BayBO/BauO NRW §6(4): each roof is added by its own pitch. Over one half of the wall a 75°
    roof rises 3 m (in full: +3 m), over the other a 50° roof rises 5 m (one third: +1.67 m); the
    one rectangle of the wall has the larger H = 6 + 3 = 9 m, T = 3.6 m (the highest face's pitch
    applied to the highest rise would give 6 + 5/3 = 7.67 m)."""
    model, _ = _two_roofs_house()
    res = compute_setbacks(model, rule)
    assert res.n_walls == 1
    assert res.height_m == pytest.approx([6.0 + max(3.0 * 1.0, 5.0 / 3.0)], abs=1e-6)
    assert res.depth_m == pytest.approx([0.4 * 9.0], abs=1e-6)


def test_nbauo_a_wall_under_two_roof_parts_keeps_every_roof_point_at_half_its_height():
    """NBauO §5(2): every point keeps 0.5 h; a roof point at height z and run s behind the wall
    needs the area to reach 0.5 z − s in front of it. The worst point of the two roof parts (and
    the eaves' 3 m) gives the depth, here the top edge of the 75° face: 0.5 × 9 − 3/tan 75°."""
    model, top_edges = _two_roofs_house()
    res = compute_setbacks(model, "nbauo")
    needed = max(3.0, *(0.5 * z - y for _, y, z in top_edges), 0.5 * 6.0)
    assert needed == pytest.approx(4.5 - 3.0 / math.tan(math.radians(75.0)))
    assert res.depth_m == pytest.approx([needed], abs=1e-6)


def test_roof_faces_behind_the_ridge_do_not_count_for_the_wall_in_front():
    """An asymmetric gable house (10 m deep, 10 m eaves, ridge 7.5 m behind the south wall): the
    south face is 30° (nothing added under MBO), the north face 60° (one third). The south wall
    gets H = 10 m (T = 4 m), the north wall 10 + 4.33/3 m: a face that looks the other way is
    not the roof over a wall."""
    rise = 7.5 * math.tan(math.radians(30.0))
    assert rise == pytest.approx(2.5 * math.tan(math.radians(60.0)))
    house = gable_house(length=12.0, width=10.0, eave=10.0, ridge=10.0 + rise, ridge_y=7.5)
    res = compute_setbacks(model_from_solids([("h", *house)]), "mbo")
    # walls in gable_house order: south eave, north eave, east gable, west gable
    assert res.height_m[:2] == pytest.approx([10.0, 10.0 + rise / 3.0], abs=1e-6)
    assert res.depth_m[:2] == pytest.approx([4.0, 0.4 * (10.0 + rise / 3.0)], abs=1e-6)


def test_roof_shares_do_not_depend_on_where_the_houses_stand():
    """Worked example b) (55° roof, 10 m deep, 6.50 m eaves: H = 6.50 + 7.14/3 m) for two houses at
    NRW tile coordinates (EPSG:25832), the second 150 m east and 230 m north of the first: the
    roofs are found over the eave walls of both, far from the model's local origin."""
    rise = 5 * math.tan(math.radians(55))
    x0, y0 = 328000.0, 5729000.0
    model = model_from_solids([("near", *gable_house(x0, y0, 12.0, 10.0, 6.5, 6.5 + rise)),
                               ("far", *gable_house(x0 + 150, y0 + 230, 12.0, 10.0, 6.5, 6.5 + rise))])
    res = compute_setbacks(model, "mbo")
    eave_walls = [i for i, w in enumerate(res.wall_ids) if w.endswith(("#1", "#2"))]  # south, north
    assert len(eave_walls) == 4
    assert res.height_m[eave_walls] == pytest.approx([6.5 + rise / 3] * 4, abs=1e-6)


@pytest.mark.parametrize("covered", [0.4, 0.6])
def test_a_wall_is_a_party_wall_only_where_a_neighbour_covers_most_of_it(covered):
    """The east wall (8 m) of house a meets a neighbour over ``covered`` of its length, at either
    end (the neighbour reaching 5 m beyond that end): over 40 % it is an outer wall with its
    3 m area (MBO §6(1): only walls built against the boundary need none), over 60 % a party
    wall (the module's rule: more than half of the probe strip along the wall)."""
    for start, stop in ((-5.0, 8.0 * covered), (8.0 * (1 - covered), 13.0)):
        model = box_model([("a", 0, 0, 10, 8, 0, 7.5), ("n", 10, start, 20, stop, 0, 7.5)])
        res = compute_setbacks(model, "mbo")
        east = res.wall_ids.index("a#3")  # box_polygons: ground, roof, south, east, north, west
        assert shapely.get_coordinates(res.footprints[0]).max(axis=0)[0] == pytest.approx(10.0)
        assert res.kind[east] == ("outer" if covered < 0.5 else "party"), (start, stop)
        assert res.areas[east].area == pytest.approx(24.0 if covered < 0.5 else 0.0)


def test_violations_come_out_in_the_same_order_whatever_the_file_order():
    """A 20 m tower whose east wall's area (T = 8 m) reaches two low neighbours: the conflicts of
    that one wall are listed by building, wall, kind and other building, not in the order the
    objects were stored."""
    boxes = [("tower", 0, 0, 10, 10, 0, 20.0), ("zeta", 14, 0, 24, 4.5, 0, 3.0), ("beta", 14, 5.5, 24, 10, 0, 3.0)]
    first = compute_setbacks(box_model(boxes), "mbo").violations
    again = compute_setbacks(box_model(boxes[::-1]), "mbo").violations
    assert first == again
    keys = [(v["id"], v["wall_id"], v["kind"], str(v["other_id"])) for v in first]
    assert keys == sorted(keys) and {("tower", "beta"), ("tower", "zeta")} <= {k[::3] for k in keys}


@pytest.mark.parametrize("turn_deg,counts", [(0.0, True), (29.5, True), (30.5, False), (45.0, False)])
def test_a_roof_face_counts_for_the_wall_it_looks_at_within_30_degrees(turn_deg, counts):
    """A flat-roofed 10 × 8 m box, eaves 6 m, with a 75° roof triangle rising 3 × sin 75° m from the
    middle of the south wall's top, its downhill direction turned ``turn_deg`` away from the wall's
    normal: within 30° (the module's tolerance) it is the wall's roof, added in full under MBO
    (H = 6 + 2.90 m, T = 3.56 m); beyond, the wall keeps H = 6 m."""
    tilt, turn = math.radians(75.0), math.radians(turn_deg)
    uphill = np.array([-math.sin(turn) * math.cos(tilt), math.cos(turn) * math.cos(tilt), math.sin(tilt)])
    along = np.array([math.cos(turn), math.sin(turn), 0.0])  # the face's horizontal contour line
    a = np.array([5.0, 0.0, 6.0])
    v, faces = box_polygons(0, 0, 10, 8, 0, 6.0)
    v = np.vstack([v, a, a + 3 * uphill + 2 * along, a + 3 * uphill - 2 * along])
    res = compute_setbacks(model_from_solids([("h", v, faces + [([8, 9, 10], ROOF)])]), "mbo")
    south = res.wall_ids.index("h#2")
    rise = 3 * math.sin(tilt)
    assert res.height_m[south] == pytest.approx(6.0 + (rise if counts else 0.0), abs=1e-6)
    assert res.depth_m[south] == pytest.approx(max(0.4 * (6.0 + (rise if counts else 0.0)), 3.0), abs=1e-6)


def test_walls_are_measured_from_the_ground_surface_not_from_a_lower_ramp_wall():
    """A 6 m box on its GroundSurface at 0 m with the retaining wall of a garage ramp reaching 1.5 m
    below it (x 0–4 along the south side): the Wandhöhe of the box's walls is taken from the
    building's ground surface (MBO §6(4): from the Geländeoberfläche), 6 m, not from the ramp's
    bottom; without a ground surface the lowest point is the ground."""
    v, faces = box_polygons(0, 0, 10, 8, 0, 6.0)
    ramp = np.array([[0, -3, -1.5], [4, -3, -1.5], [4, -3, 0.0], [0, -3, 0.0]])  # faces -y
    v = np.vstack([v, ramp])
    with_ground = compute_setbacks(model_from_solids([("h", v, faces + [([8, 9, 10, 11], WALL)])]), "mbo")
    box_walls = [with_ground.wall_ids.index(f"h#{k}") for k in (2, 3, 4, 5)]
    assert with_ground.wall_height_m[box_walls] == pytest.approx([6.0] * 4)
    no_ground = [(r, c) for r, c in faces if c != GROUND] + [([8, 9, 10, 11], WALL)]
    without = compute_setbacks(model_from_solids([("h", v, no_ground)]), "mbo")
    assert without.wall_height_m[box_walls] == pytest.approx([7.5] * 4)


def test_the_lod_asked_for_is_the_one_measured():
    """A building stored as a 12 m LoD1 block and a 20 m LoD2 block: T = 0.4 H of the LoD asked
    for (4.8 m, 8 m), the highest when none is given."""
    model = model_from_solids([("b", *box_polygons(0, 0, 10, 10, 0, 12.0), "1"),
                               ("b", *box_polygons(0, 0, 10, 10, 0, 20.0), "2")])
    assert compute_setbacks(model, "mbo", lod="1").depth_m == pytest.approx([4.8] * 4)
    assert compute_setbacks(model, "mbo", lod="2").depth_m == pytest.approx([8.0] * 4)
    assert compute_setbacks(model, "mbo").depth_m == pytest.approx([8.0] * 4)


def test_a_degenerate_last_polygon_changes_nothing():
    """A zero-area polygon (three collinear points, as LoD2 exports contain) at the end of the
    model has no triangles; the roof centroids of the other polygons are still found and the
    result is that of the house without it."""
    v, faces = gable_house(length=12.0, width=8.0, eave=6.0, ridge=6.0 + 4.0 * math.tan(math.radians(60.0)))
    clean = compute_setbacks(model_from_solids([("h", v, faces)]), "mbo")
    line = np.vstack([v, [[6.0, 0.0, 0.0]]])  # vertex 10 halfway between 0 and 1
    model = model_from_solids([("h", line, faces + [([0, 10, 1], ROOF)])])
    assert model.n_polygons - 1 not in set(model.triangulation().polygon.tolist())
    with_line = compute_setbacks(model, "mbo")
    assert with_line.height_m == pytest.approx(clean.height_m)
    assert clean.height_m[:2] == pytest.approx([6.0 + 4.0 * math.tan(math.radians(60.0)) / 3] * 2)


def test_parcel_boundary_crossing(tmp_path):
    import pyogrio.raw

    m = box_model([("a", 0, 0, 10, 10, 0, 10), ("b", 30, 0, 40, 10, 0, 10)])
    # parcel of "a" ends 2 m east of its wall (x = 12); NBauO depth 5 m -> 3 m × 10 m outside
    parcels = [shapely.box(-10, -10, 12, 20), shapely.box(12, -10, 50, 20)]
    path = tmp_path / "parcels.gpkg"
    pyogrio.raw.write(path, shapely.to_wkb(np.array(parcels, dtype=object)), [np.array(["P1", "P2"], dtype=object)],
                      fields=["id"], geometry_type="Polygon", crs="EPSG:25832", driver="GPKG")
    geoms, ids = read_parcels(path)
    assert ids == ["P1", "P2"]
    r = compute_setbacks(m, "nbauo", parcels=geoms, parcel_ids=ids)
    bad = [v for v in r.violations if v["kind"] == "parcel"]
    assert [(v["id"], v["other_id"]) for v in bad] == [("a", "P2")]
    assert bad[0]["overlap_m2"] == pytest.approx(30.0, rel=1e-6)
    # "b" stands 18 m inside P2: its west area (5 m) stays on the plot; others leave P2 at y
    assert all(v["id"] == "a" for v in bad)


def test_demo_district_properties(demo_model):
    r = compute_setbacks(demo_model, "mbo")
    outer = np.flatnonzero(r.kind == "outer")
    assert len(outer) > 1000
    areas = shapely.area(r.areas[outer])
    assert np.allclose(areas, r.length_m[outer] * r.depth_m[outer], rtol=1e-6)
    assert np.all(r.depth_m >= 3.0 - 1e-9)
    # outer areas face away from their own building: little overlap with the own footprint
    own = shapely.area(shapely.intersection(r.areas[outer], r.footprints[[r.footprint_ids.index(b) for b in np.array(r.building_ids)[outer]]]))
    assert np.median(own / areas) < 0.01
    # setback conflicts are symmetric between buildings (per wall, overlaps just above the
    # 0.01 m² tolerance on one side may be split below it over several walls on the other)
    pairs = {(v["id"], v["other_id"]) for v in r.violations if v["kind"] == "setback"}
    big = {(v["id"], v["other_id"]) for v in r.violations if v["kind"] == "setback" and v["overlap_m2"] >= 1.0}
    assert big and all((b, a) in pairs for a, b in big)


def _cli(*args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def test_cli_setbacks_geojson_and_dxf(tmp_path):
    import ezdxf
    import pyogrio

    m = box_model([("a", 0, 0, 10, 15, 0, 10), ("b", 19, 0, 29, 15, 0, 10)])
    src = tmp_path / "two.city.json"
    _write_cityjson(m, src)
    gj = tmp_path / "s.geojson"
    p = _cli("setbacks", src, "--rule", "nbauo", "-o", gj, "--json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["rule"] == "nbauo" and doc["walls"] == 8
    assert {(v["id"], v["other_id"]) for v in doc["violations"]} == {("a", "b"), ("b", "a")}
    assert all(set(v) >= {"id", "other_id", "overlap_m2"} for v in doc["violations"])
    meta, _, wkb, fields = pyogrio.raw.read(gj)
    assert len(wkb) == 8 and meta["crs"] == "EPSG:25832"
    viol = fields[meta["fields"].tolist().index("violation")]
    assert int(np.sum(viol)) == 2
    dxf = tmp_path / "s.dxf"
    p = _cli("setbacks", src, "--rule", "bauo-nrw", "-o", dxf)
    assert p.returncode == 0, p.stderr
    d = ezdxf.readfile(dxf)
    assert not d.audit().has_errors
    msp = d.modelspace()
    assert len(msp.query('LWPOLYLINE[layer=="ABSTANDSFLAECHE"]')) == 8
    assert len(msp.query('HATCH[layer=="ABSTANDSFLAECHE"]')) == 8
    assert len(msp.query('*[layer=="ABSTANDSFLAECHE_VERLETZUNG"]')) == 0
    p = _cli("setbacks", src, "--rule", "hbo")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    p = _cli("setbacks", src, "--parcels", tmp_path / "missing.gpkg")
    assert p.returncode == 2 and p.stderr.startswith("error: ")


def _write_cityjson(model, path):
    """Minimal CityJSON 2.0 of a box model (for CLI tests)."""
    objs = {}
    for oid, obj in model.objects.items():
        g = obj.geometries[0]
        sem_names = {GROUND: "GroundSurface", ROOF: "RoofSurface", WALL: "WallSurface"}
        shell, values, surfaces = [], [], []
        for p in range(g.poly_start, g.poly_stop):
            r0 = model.polygon_offsets[p]
            ring = model.ring_vertices[model.ring_offsets[r0]:model.ring_offsets[r0 + 1]].tolist()
            shell.append([ring])
            surfaces.append({"type": sem_names[int(model.polygon_semantic[p])]})
            values.append(len(surfaces) - 1)
        objs[oid] = {"type": "Building", "geometry": [{"type": "Solid", "lod": "2", "boundaries": [shell],
                                                       "semantics": {"surfaces": surfaces, "values": [values]}}]}
    doc = {"type": "CityJSON", "version": "2.0", "transform": {"scale": [0.001] * 3, "translate": [0, 0, 0]},
           "metadata": {"referenceSystem": "https://www.opengis.net/def/crs/EPSG/0/25832"},
           "CityObjects": objs,
           "vertices": np.round(model.vertices * 1000).astype(int).tolist()}
    path.write_text(json.dumps(doc))


def test_nrw_tile_setbacks():
    """Official NRW LoD2 tile under BauO NRW: geometry of the areas, H ≥ Wandhöhe, the depth
    rule, and flat-roofed buildings get no roof share."""
    from stadtbild.analysis.metrics import compute_metrics

    m = load(data_file("citygml/nrw/LoD2_32_329_5727_1_NW.gml"))
    r = compute_setbacks(m, "bauo-nrw")
    outer = np.flatnonzero(r.kind == "outer")
    assert len(outer) >= 100
    assert np.allclose(shapely.area(r.areas[outer]), r.length_m[outer] * r.depth_m[outer], rtol=1e-6)
    assert np.all(r.height_m >= r.wall_height_m - 1e-9)
    assert np.allclose(r.depth_m, np.maximum(0.4 * r.height_m, 3.0))
    met = compute_metrics(m, types=("Building",))
    flat = {oid for oid, t in zip(met.ids, met["roof_type"]) if t == "flat"}
    in_flat = np.array([b in flat for b in r.building_ids])
    assert in_flat.any()
    assert np.allclose(r.height_m[in_flat], r.wall_height_m[in_flat], atol=0.05)
    # a flat-roofed building's Wandhöhe is its height (roof edge above ground)
    by_id = dict(zip(met.ids, met["ridge_height_m"]))
    wh = np.array([by_id[b] for b in np.array(r.building_ids)[in_flat]])
    assert np.all(r.wall_height_m[in_flat] <= wh + 0.05)


def test_setback_view_draws_violations_red(artifacts):
    """Viewer helper: two rectangles per outer wall on the ground, red for conflicting walls,
    visible in an off-screen picture (pixels checked)."""
    from matplotlib.image import imread

    from stadtbild.analysis.metrics import compute_metrics
    from stadtbild.viewer.setback_view import VIOLATION_COLOUR, setback_polydata
    from stadtbild.viewer.themes import metric_values, render_theme

    m = box_model([("a", 0, 0, 10, 15, 0, 10), ("b", 19, 0, 29, 15, 0, 14)])
    r = compute_setbacks(m, "nbauo")
    scene = m.scene()
    fill, outline = setback_polydata(r, scene)
    assert fill.n_cells == 2 * 8 and outline.n_cells == 4 * 8
    assert int(fill.cell_data["violation"].sum()) == 2 * 2
    assert np.allclose(fill.points[:, 2], 0.08)  # ground (z = 0) + lift
    met = compute_metrics(m)
    h = metric_values(scene, met, "ridge_height_m")
    assert list(h) == [10.0, 14.0]
    out = artifacts / "setbacks_two_buildings.png"
    render_theme(scene, met, out, "height", size=(800, 600), setbacks=r, view="top")
    img = (imread(out)[..., :3] * 255).round().astype(int)
    red = (np.abs(img - np.array(VIOLATION_COLOUR)).sum(axis=2) < 60).sum()
    assert red > 200, red


def test_stepped_building_upper_wall_counts_and_shared_wall_is_interior():
    """Building of two parts: a 52 m tower (x 0–10) and a 6 m wing (x 10–30). The tower's
    east wall rises above the wing: an outer wall with H = 52 m measured from the ground (NBauO
    depth 26 m reaches 1 m into the neighbour at x 35–45); the wing's west wall is hidden by the
    tower (interior)."""
    from stadtbild.model.citymodel import CityObject

    z = 80.0  # ground at 80 m above the datum: heights must be measured from it
    m = box_model([("tower", 0, 0, 10, 10, z, z + 52), ("wing", 10, 0, 30, 10, z, z + 6), ("n", 35, 0, 45, 10, z, z + 6)])
    for part in ("tower", "wing"):
        m.objects[part].type = "BuildingPart"
        m.objects[part].parents = ["b"]
    m.objects["b"] = CityObject(id="b", type="Building", children=["tower", "wing"])
    m.invalidate()
    r = compute_setbacks(m, "nbauo")
    kinds = {w: k for w, k in zip(r.wall_ids, r.kind)}
    # box_polygons wall order: #2 south, #3 east, #4 north, #5 west
    assert kinds["tower#3"] == "outer" and kinds["wing#5"] == "interior"
    i = r.wall_ids.index("tower#3")
    assert r.height_m[i] == pytest.approx(52.0) and r.depth_m[i] == pytest.approx(26.0)
    hits = [v for v in r.violations if v["wall_id"] == "tower#3" and v["kind"] == "building"]
    assert [(v["id"], v["other_id"]) for v in hits] == [("b", "n")]
    assert hits[0]["overlap_m2"] == pytest.approx(10.0, rel=1e-6)


def test_cli_parcels_from_wgs84_geojson_are_reprojected(tmp_path):
    """Parcels given as RFC 7946 GeoJSON (WGS84) are reprojected (pyproj) to the model's
    EPSG:25832 before the plot-boundary check."""
    from pyproj import Transformer

    x, y = 500000.0, 5700000.0
    m = box_model([("a", x, y, x + 10, y + 10, 50, 60)])
    src = tmp_path / "a.city.json"
    _write_cityjson(m, src)
    to_wgs = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)
    feats = []
    for pid, (x0, y0, x1, y1) in {"P1": (x - 10, y - 10, x + 12, y + 20), "P2": (x + 12, y - 10, x + 50, y + 20)}.items():
        ring = [to_wgs.transform(px, py) for px, py in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))]
        feats.append({"type": "Feature", "properties": {"id": pid},
                      "geometry": {"type": "Polygon", "coordinates": [ring]}})
    parcels = tmp_path / "parcels.geojson"
    parcels.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    p = _cli("setbacks", src, "--rule", "nbauo", "--parcels", parcels, "--json")
    assert p.returncode == 0, p.stderr
    bad = [v for v in json.loads(p.stdout)["violations"] if v["kind"] == "parcel"]
    # east wall: 5 m deep, parcel ends 2 m away -> 3 m × 10 m on P2; other sides stay on P1
    assert [(v["wall_id"].split("#")[0], v["other_id"]) for v in bad] == [("a", "P2")]
    assert bad[0]["overlap_m2"] == pytest.approx(30.0, rel=0.01)


def test_parcels_from_wgs84_geojson_and_the_geojson_output_in_process(tmp_path):
    """The same plot-boundary case as the CLI test, in-process (the mutation tester cannot trace a
    subprocess): WGS84 GeoJSON parcels reprojected to EPSG:25832 (ids from the "Flurstueck"
    property), the conflict, and the GeoJSON the command writes (areas, keys, conflicts)."""
    from pyproj import Transformer

    x, y = 500000.0, 5700000.0
    m = box_model([("a", x, y, x + 10, y + 10, 50, 60)])
    to_wgs = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)
    feats = []
    for pid, (x0, y0, x1, y1) in {"P1": (x - 10, y - 10, x + 12, y + 20), "P2": (x + 12, y - 10, x + 50, y + 20)}.items():
        ring = [to_wgs.transform(px, py) for px, py in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))]
        feats.append({"type": "Feature", "properties": {"Flurstueck": pid},
                      "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path = tmp_path / "parcels.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    geoms, ids = read_parcels(path, model_crs=m.crs)
    assert ids == ["P1", "P2"]
    assert geoms[0].area == pytest.approx(22 * 30, rel=1e-6) and geoms[1].bounds[0] == pytest.approx(x + 12, abs=0.01)
    r = compute_setbacks(m, "nbauo", parcels=geoms, parcel_ids=ids)
    bad = [v for v in r.violations if v["kind"] == "parcel"]
    assert [(v["id"], v["other_id"]) for v in bad] == [("a", "P2")]
    assert bad[0]["overlap_m2"] == pytest.approx(30.0, rel=0.01)
    doc = json.loads(r.to_geojson_bytes())
    assert doc["type"] == "FeatureCollection" and doc["name"] == "abstandsflaechen_nbauo"
    assert "25832" in json.dumps(doc["crs"])
    props = [f["properties"] for f in doc["features"]]
    assert len(props) == 4 and {p["rule"] for p in props} == {"nbauo"} and {p["object_id"] for p in props} == {"a"}
    assert all(p["h_m"] == 10.0 and p["depth_m"] == 5.0 for p in props)
    assert sorted(len(p["conflicts"]) for p in props) == [0, 0, 0, 1]
    assert [p["conflicts"] for p in props if p["conflicts"]] == [["parcel"]]
    areas = [shapely.geometry.shape(f["geometry"]).area for f in doc["features"]]
    assert sorted(areas) == pytest.approx([50.0] * 4)
    with pytest.raises(InputError):
        read_parcels(tmp_path / "missing.geojson")
    (tmp_path / "bad.geojson").write_text("{not json")
    with pytest.raises(InputError) as err:
        read_parcels(tmp_path / "bad.geojson")
    assert str(tmp_path / "bad.geojson") in str(err.value)


def test_a_building_belongs_to_the_parcel_holding_most_of_it():
    """A house standing 2 m on parcel A and 10 m on parcel B belongs to B (the larger share of its
    footprint, whatever the parcels' order): every setback area that leaves B crosses into A (the
    west wall's, and the west ends of the north and south walls' areas), none is reported against
    B. With NBauO (0.5 H, at least 3 m) a 6 m house needs 3 m."""
    m = box_model([("h", 8, 5, 20, 15, 0, 6)])
    parcels = [shapely.box(0, 0, 10, 20), shapely.box(10, 0, 40, 20)]
    r = compute_setbacks(m, "nbauo", parcels=parcels, parcel_ids=["A", "B"])
    bad = [v for v in r.violations if v["kind"] == "parcel"]
    assert bad and {v["other_id"] for v in bad} == {"A"}
    # west wall: its 3 m × 10 m area lies wholly on A; north and south: 2 m × 3 m each on A
    assert sorted(v["overlap_m2"] for v in bad) == pytest.approx([6.0, 6.0, 30.0], abs=1e-6)


def test_a_building_on_no_parcel_is_not_checked_against_a_nearby_one():
    """A house standing in the notch of an L-shaped parcel (inside the parcel's bounding box, but
    on no parcel: public land) has no plot of its own to leave; the house on the parcel still
    gets its parcel check."""
    ell = shapely.Polygon([(0, 0), (20, 0), (20, 20), (40, 20), (40, 40), (0, 40)])  # notch: x 20..40, y 0..20
    m = box_model([("street", 25, 5, 35, 15, 0, 6), ("own", 14, 30, 19, 35, 0, 6)])
    assert not ell.intersects(shapely.box(25, 5, 35, 15)) and ell.envelope.contains(shapely.box(25, 5, 35, 15))
    r = compute_setbacks(m, "nbauo", parcels=[ell], parcel_ids=["L"])
    bad = [v for v in r.violations if v["kind"] == "parcel"]
    # "own" (x 14..19) needs 3 m: its east area reaches x = 22, 2 m beyond the parcel's edge at x = 20
    # (y 30..35 lies in the upper arm, which spans x 0..40) -> stays on L; nothing else leaves it
    assert [v["id"] for v in bad] == []
    near = box_model([("street", 25, 5, 35, 15, 0, 6), ("own", 14, 5, 19, 15, 0, 6)])
    r2 = compute_setbacks(near, "nbauo", parcels=[ell], parcel_ids=["L"])
    bad2 = [v for v in r2.violations if v["kind"] == "parcel"]
    assert [(v["id"], v["other_id"]) for v in bad2] == [("own", None)]  # east area x 19..22 leaves L
    assert bad2[0]["overlap_m2"] == pytest.approx(2.0 * 10.0, abs=1e-6)


def _lean_to(x0, x1, y0, y1, z0, high, low):
    """A lean-to solid against a wall at x = x0: roof from ``high`` at x0 down to ``low`` at x1
    (box_polygons' vertex and face order)."""
    v, faces = box_polygons(x0, y0, x1, y1, z0, high)
    v[[5, 6], 2] = low
    return v, faces


@pytest.mark.parametrize("x0,y0", [(0.0, 0.0), (328000.0, 5729000.0)])
@pytest.mark.parametrize("low,kind", [(4.0, "interior"), (2.0, "outer")])
def test_a_wall_behind_a_sloping_annex_is_hidden_when_the_annex_roof_reaches_its_top(low, kind, x0, y0):
    """A 6 m house (x 0–10) with a 4 m deep lean-to annex on its east side, both parts of one
    building. The annex roof falls from 6 m at the house wall to ``low`` at x = 14: 0.3 m in front
    of the wall it stands at 6 − 0.3·(6 − low)/4 m, i.e. 5.85 m (within 0.2 m of the wall's top:
    the house wall is hidden, interior) or 5.7 m (below: a stepped wall, outer). The same at NRW
    tile coordinates (EPSG:25832), far from zero."""
    from stadtbild.model.citymodel import CityObject

    m = model_from_solids([("haus", *box_polygons(x0, y0, x0 + 10, y0 + 10, 0, 6)),
                           ("anbau", *_lean_to(x0 + 10, x0 + 14, y0, y0 + 10, 0, 6, low))])
    for part in ("haus", "anbau"):
        m.objects[part].type = "BuildingPart"
        m.objects[part].parents = ["b"]
    m.objects["b"] = CityObject(id="b", type="Building", children=["haus", "anbau"])
    m.invalidate()
    r = compute_setbacks(m, "nbauo")
    kinds = {w: k for w, k in zip(r.wall_ids, r.kind)}
    assert kinds["haus#3"] == kind  # box_polygons: #3 is the east wall


def test_walls_stored_inside_out_get_their_areas_outside():
    """A box whose rings all run the wrong way (normals pointing in): the setback areas still
    lie outside the footprint, 5 m deep (NBauO, 10 m), the same rectangles as for the box stored
    the right way round."""
    v, faces = box_polygons(0, 0, 10, 8, 0, 10)
    shed = box_polygons(-100, -300, -98, -298, 0, 2)  # far away, so that the house's local x and y differ
    right = compute_setbacks(model_from_solids([("h", v, faces), ("s", *shed)]), "nbauo")
    wrong = compute_setbacks(model_from_solids([("h", v, [(ring[::-1], code) for ring, code in faces]), ("s", *shed)]),
                             "nbauo")
    fp = shapely.box(0, 0, 10, 8)
    for r in (right, wrong):
        own = np.array([b == "h" for b in r.building_ids])
        areas = shapely.transform(r.areas[(r.kind == "outer") & own], lambda xy: xy + r.origin[:2])
        assert len(areas) == 4 and np.allclose(r.depth_m[own], 5.0)
        assert all(shapely.area(shapely.intersection(a, fp)) < 1e-9 for a in areas)
        assert shapely.union_all(areas).area == pytest.approx(2 * (10 * 5) + 2 * (8 * 5))


def test_walls_of_a_narrow_slot_stored_inside_out_get_the_same_areas():
    """A U-shaped house (10 × 8 m, 10 m high) with a 0.8 m wide slot cut 5 m deep into it, stored
    the right way round and with every ring reversed: the same setback rectangle for every wall,
    the slot's walls included (a point a metre behind such a wall lies in the other arm)."""
    ring = [(0, 0), (10, 0), (10, 8), (5.4, 8), (5.4, 3), (4.6, 3), (4.6, 8), (0, 8)]
    v, faces = prism_polygons(ring, 0.0, 10.0)
    right = compute_setbacks(model_from_solids([("u", v, faces)]), "mbo")
    wrong = compute_setbacks(model_from_solids([("u", v, [(r[::-1], code) for r, code in faces])]), "mbo")
    assert right.n_walls == wrong.n_walls == 8 and list(right.kind) == list(wrong.kind)
    same = shapely.area(shapely.symmetric_difference(right.areas, wrong.areas))
    assert same == pytest.approx([0.0] * 8, abs=1e-9)
    # the slot's side walls face each other: their 4 m areas (0.4 × 10 m) cross the slot
    slot = [i for i, w in enumerate(right.wall_ids) if w in ("u#5", "u#7")]  # ground, roof, then edges
    assert shapely.area(right.areas[slot]) == pytest.approx([5.0 * 4.0] * 2)


def test_buildings_without_walls_give_an_empty_wall_table():
    """Roof-only buildings (a LoD1 'roof print' without walls): no walls, no areas, no violations,
    but the footprint of each building (its roof's plan, 10 × 8 m) and the CRS are kept."""
    roof = np.array([[0, 0, 6.0], [10, 0, 6.0], [10, 8, 6.0], [0, 8, 6.0]])
    m = model_from_solids([("dach", roof, [([0, 1, 2, 3], ROOF)])])
    r = compute_setbacks(m, "mbo")
    assert r.n_walls == 0 and r.violations == [] and r.crs_name == m.crs.name and len(r.areas) == 0
    assert np.allclose(r.origin, m.origin)  # the footprints are relative to it
    assert r.footprint_ids == ["dach"] and r.footprints[0].area == pytest.approx(80.0)
    assert r.summary()["walls"] == 0
    # the per-wall fields stay arrays with one entry per wall (SetbackResult), here none
    for name in ("wall_height_m", "height_m", "depth_m", "length_m", "kind", "areas", "ground_z"):
        assert np.asarray(getattr(r, name)).shape == (0,), name
    assert json.loads(r.to_geojson_bytes())["features"] == []


def test_the_default_rule_follows_the_land_and_unknown_rules_are_input_errors():
    """Without a rule the library chooses the Land's ("auto", issue 18 m): a model without a
    CRS has no Land, so the Musterbauordnung §6(4),(5): 0.4 H, at least 3 m (a 10 m house needs
    4 m, a 4 m one 3 m); NBauO §5(2) when asked for: 0.5 H, at least 3 m (5 m and 3 m); an
    unknown rule is a one-line InputError naming the choices."""
    houses = box_model([("hoch", 0, 0, 10, 8, 0, 10), ("flach", 50, 0, 60, 8, 0, 4)])
    r = compute_setbacks(houses)
    assert r.rule.key == "mbo"
    depth = {b: d for b, d in zip(r.building_ids, r.depth_m)}
    assert depth["hoch"] == pytest.approx(4.0) and depth["flach"] == pytest.approx(3.0)
    r = compute_setbacks(houses, "nbauo")
    depth = {b: d for b, d in zip(r.building_ids, r.depth_m)}
    assert depth["hoch"] == pytest.approx(5.0) and depth["flach"] == pytest.approx(3.0)
    with pytest.raises(InputError, match="unknown setback rule 'bw'.*nbauo"):
        compute_setbacks(box_model([("h", 0, 0, 10, 8, 0, 10)]), "bw")


def test_eaves_overhang_does_not_widen_the_footprint():
    """A 10 × 8 m house whose roof overhangs the walls by 0.5 m all round: the footprint (and the
    line the setback depth is measured from) is the ground polygon, 80 m², not the roof's 99 m²;
    the south wall's area starts at the wall (y = 0) and is 10 × 5 m."""
    v, faces = box_polygons(0, 0, 10, 8, 0, 10)
    faces = [f for f in faces if f[1] != ROOF]
    roof = np.array([[-0.5, -0.5, 10.0], [10.5, -0.5, 10.0], [10.5, 8.5, 10.0], [-0.5, 8.5, 10.0]])
    m = model_from_solids([("h", np.vstack([v, roof]), faces + [([8, 9, 10, 11], ROOF)])])
    r = compute_setbacks(m, "nbauo")
    assert r.footprints[0].area == pytest.approx(80.0)
    south = [a for a, d in zip(r.areas, r.kind) if d == "outer"
             and shapely.transform(a, lambda xy: xy + r.origin[:2]).bounds[3] == pytest.approx(0.0, abs=1e-6)]
    assert len(south) == 1 and shapely.transform(south[0], lambda xy: xy + r.origin[:2]).bounds == \
        pytest.approx((0.0, -5.0, 10.0, 0.0), abs=1e-6)
