"""Before/after of a scenario traced against ONE ray structure (analysis.scenario_rays) gives the
same results as two separate runs (one RayCaster per scene), on the real demo district with a
scenario that demolishes buildings and extrudes a 60 m tower."""
from __future__ import annotations

import json

import numpy as np
import pytest

from tests.conftest import DEMO

HALF = 150.0  # m: a 300 × 300 m piece of the demo keeps the solar runs short


@pytest.fixture(scope="module")
def piece():
    """(source model, scenario model, scenario dict, bbox string) on the centre of the demo."""
    from stadtbild.importers import load
    from stadtbild.model.scenario import Scenario
    from stadtbild.model.spatial import subset_bbox

    full = load(DEMO)
    bb = full.bbox()
    cx, cy = float(bb[0] + bb[3]) / 2, float(bb[1] + bb[4]) / 2
    box = (cx - HALF, cy - HALF, cx + HALF, cy + HALF)
    model = subset_bbox(full, box)
    ids = sorted(i for i, o in model.objects.items() if o.type == "Building")
    gone = [str(i) for i in np.random.default_rng(7).choice(ids, 15, replace=False)]
    doc = {"name": "tower", "edits": [
        {"op": "demolish", "ids": gone},
        {"op": "extrude", "id": "tower", "footprint": [[cx, cy], [cx + 20, cy], [cx + 20, cy + 20], [cx, cy + 20]],
         "ground_z": 0.0, "height_m": 60.0}]}
    after = Scenario.from_dict(doc).apply(model)
    return model, after, doc, ",".join(f"{v:.3f}" for v in box), gone


def _corner_set(scene, tri_mask=None):
    c = scene.vertices[scene.triangles] + scene.origin
    if tri_mask is not None:
        c = c[tri_mask]
    return np.unique(np.round(c.reshape(len(c), 9), 6), axis=0)


def test_union_scene_masks_select_each_state(piece):
    from stadtbild.analysis.scenario_rays import before_after_scene

    model, after, _, _, gone = piece
    sb, sa = model.scene(), after.scene()
    ba = before_after_scene(sb, sa)
    u = ba.scene
    # the after part is the after scene 1:1
    assert u.object_ids[:len(sa.object_ids)] == sa.object_ids
    assert np.array_equal(u.vertices[u.triangles[:sa.n_triangles]], sa.vertices[sa.triangles])
    # changed objects: exactly the demolished ones and the tower
    assert sorted(u.object_ids[i] for i in np.flatnonzero(ba.changed)) == sorted(gone + ["tower"])
    # each mask selects exactly the triangles of its scene
    for mask, scene in ((ba.before, sb), (ba.after, sa)):
        sel = mask[u.object_index]
        assert sel.sum() == scene.n_triangles
        assert np.array_equal(_corner_set(u, sel), _corner_set(scene))
    # the index maps point back into the before scene
    tb = ba.before_triangle[ba.before[u.object_index]]
    assert np.array_equal(u.vertices[u.triangles[ba.before[u.object_index]]], sb.vertices[sb.triangles[tb]])
    ob = ba.before_object[ba.before]
    assert [u.object_ids[i] for i in np.flatnonzero(ba.before)] == [sb.object_ids[i] for i in ob]


def test_union_scene_needs_one_origin(piece):
    from stadtbild.analysis.scenario_rays import before_after_scene
    from stadtbild.model.scene import Scene

    model, after, *_ = piece
    sb, sa = model.scene(), after.scene()
    moved = Scene(vertices=sa.vertices - 1.0, triangles=sa.triangles, object_index=sa.object_index,
                  surface_type=sa.surface_type, object_ids=sa.object_ids, origin=sa.origin + 1.0)
    assert before_after_scene(sb, moved) is None


def _rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.abs(a - b) / np.maximum(np.abs(b), 1e-300)


def test_solar_before_after_on_one_bvh_equals_two_runs(piece):
    from stadtbild.analysis.scenario_rays import TwoStateCaster, before_after_scene
    from stadtbild.analysis.solar import (
        SolarOptions,
        compute_solar,
        model_site,
        scenario_difference,
    )
    from stadtbild.analysis.weather import default_weather

    model, after, *_ = piece
    sb, sa = model.scene(), after.scene()
    opt = SolarOptions(cell_m=2.0)
    weather = default_weather(51.91, 4.45, 0.0)
    two_after = compute_solar(sa, weather, opt, model=after)
    two_before = compute_solar(sb, weather, opt, model=model)
    ba = before_after_scene(sb, sa)
    rc = ba.raycaster()  # one BVH, states by object masks
    rc.set_object_enabled(ba.after)
    one_after = compute_solar(ba.scene, weather, opt, model=after, raycaster=rc, site=model_site(sa))
    rc.set_object_enabled(ba.before)
    one_before = compute_solar(ba.scene, weather, opt, model=model, raycaster=rc, site=model_site(sb))
    two_state = TwoStateCaster(ba)  # common BVH + one small BVH per state (what the CLI uses)
    two_state.use("after")
    ts_after = compute_solar(ba.scene, weather, opt, model=after, raycaster=two_state, site=model_site(sa))
    assert np.array_equal(ts_after.sample_kwh_m2a, one_after.sample_kwh_m2a)
    two_state.use("before")
    ts_before = compute_solar(ba.scene, weather, opt, model=model, raycaster=two_state, site=model_site(sb))
    assert np.array_equal(ts_before.sample_kwh_m2a, one_before.sample_kwh_m2a)
    for one, two in ((one_after, two_after), (one_before, two_before)):
        def per_surface(r):
            return {(r.object_ids[r.surfaces.object_index[i]], tuple(np.round(r.surfaces.centroid[i], 6))):
                    (r.irradiation_kwh_m2a[i], r.yield_kwh_a[i], r.unshaded_kwh_m2a[i]) for i in range(len(r.surfaces))}
        s1, s2 = per_surface(one), per_surface(two)
        assert len(s1) == len(s2) > 300 and s1.keys() == s2.keys()
        keys = sorted(s1)
        v1, v2 = np.array([s1[k] for k in keys]), np.array([s2[k] for k in keys])
        assert _rel(v1, v2).max() <= 1e-9
        assert (v2[:, 0] < v2[:, 2] - 1.0).sum() > 50  # shading really acts on many surfaces
        b1, b2 = one.buildings(), two.buildings()
        assert b1.keys() == b2.keys()
        assert max(_rel(b1[b]["yield_kwh_a"], b2[b]["yield_kwh_a"]) for b in b1) <= 1e-9
    d1, d2 = scenario_difference(one_before, one_after), scenario_difference(two_before, two_after)
    assert d1["neighbour_loss_kwh_a"] > 1000.0  # the tower takes sun from its neighbours
    assert _rel(d1["neighbour_loss_kwh_a"], d2["neighbour_loss_kwh_a"]) <= 1e-9
    assert d1["affected"] == d2["affected"] and d1["removed"] == d2["removed"]


def _same_distance_casters(scene, points, d, obj_a, obj_b):
    """True per ray when objects ``obj_a`` and ``obj_b`` are hit at the same distance (coincident
    party walls: which of them Embree reports first depends on the BVH, not on the geometry)."""
    from stadtbild.analysis.raycast import RayCaster

    out = np.zeros(len(points), dtype=bool)
    for a, b in set(zip(obj_a.tolist(), obj_b.tolist())):
        k = (obj_a == a) & (obj_b == b)
        ta = RayCaster(scene.select(scene.object_index == a)).first_hit(points[k], d).distance
        tb = RayCaster(scene.select(scene.object_index == b)).first_hit(points[k], d).distance
        out[k] = np.abs(ta - tb) < 1e-4
    return out


@pytest.mark.parametrize("kind", ["shadow", "sunhours"])
def test_shadow_and_sunhours_before_after_on_one_bvh_equal_two_runs(piece, kind):
    from stadtbild.analysis.shadow import before_after

    model, after, *_ = piece
    sb, sa = model.scene(), after.scene()
    if kind == "shadow":
        kw = {"time": "2026-03-21T15:00", "cell_m": 1.0, "surfaces": True}
    else:
        kw = {"date": "2026-03-21", "start": "09:00", "stop": "17:00", "step_min": 10, "cell_m": 2.0,
              "surfaces": True, "surface_cell_m": 2.0}
    one = before_after(sb, sa, kind, shared_rays=True, **kw)
    two = before_after(sb, sa, kind, shared_rays=False, **kw)
    assert one.before.scene is sb and one.after.scene is sa
    assert np.array_equal(np.isnan(one.ground), np.isnan(two.ground))
    assert np.nanmax(np.abs(one.ground - two.ground)) <= 1e-9
    assert np.nanmin(one.ground) < 0  # the tower takes sun/adds shadow somewhere
    assert one.figures() == two.figures()
    for state in ("before", "after"):
        r1, r2 = getattr(one, state), getattr(two, state)
        for f in ("points", "triangle", "object_index", "area_m2"):
            assert np.array_equal(getattr(r1.surfaces, f), getattr(r2.surfaces, f)), f
        if kind == "sunhours":
            assert np.array_equal(np.isnan(r1.hours), np.isnan(r2.hours))
            ok = ~np.isnan(r2.hours)
            assert np.all(np.abs(r1.hours[ok] - r2.hours[ok]) <= 1e-9 * np.maximum(r2.hours[ok], 1.0))
            assert np.all(np.abs(r1.surface_hours - r2.surface_hours) <= 1e-9 * np.maximum(r2.surface_hours, 1.0))
        else:
            assert np.array_equal(r1.shadow, r2.shadow) and np.array_equal(r1.caster, r2.caster)
            assert np.array_equal(r1.surface_shadow, r2.surface_shadow)
            diff = np.flatnonzero(r1.surface_caster != r2.surface_caster)
            d = r1.sun.direction_grid()[0]
            tie = _same_distance_casters(r1.scene, r1.surfaces.points[diff], d,
                                         r1.surface_caster[diff], r2.surface_caster[diff])
            assert tie.all(), f"{(~tie).sum()} surface samples with a different caster that is not a tie"


def _cli_json(argv, capsys):
    from stadtbild.cli import main

    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def test_cli_solar_and_sunhours_scenario_same_json_as_two_runs(piece, tmp_path, capsys, monkeypatch):
    import stadtbild.analysis.scenario_rays as sr

    _, _, doc, bbox, _ = piece
    scen = tmp_path / "tower.scenario.json"
    scen.write_text(json.dumps(doc))
    solar = ["solar", DEMO, "--bbox", bbox, "--scenario", scen, "--grid", "3", "--json"]
    sun = ["sunhours", DEMO, "--bbox", bbox, "--scenario", scen, "--compare", "--date", "2026-03-21",
           "--from", "10:00", "--to", "15:00", "--grid", "3", "--json"]
    calls = []
    real = sr.before_after_scene
    monkeypatch.setattr(sr, "before_after_scene", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setenv("STADTBILD_SHARED_RAYS", "1")  # the union route
    one = [_cli_json(solar, capsys), _cli_json(sun, capsys)]
    assert len(calls) == 2
    monkeypatch.setenv("STADTBILD_SHARED_RAYS", "0")  # the default: two ray structures
    two = [_cli_json(solar, capsys), _cli_json(sun, capsys)]
    assert len(calls) == 2
    assert one == two
    assert one[0]["scenario"]["neighbour_loss_kwh_a"] > 0 and "tower" in one[0]["scenario"]["inserted"]
    assert one[1]["difference"]["area_losing_sun_m2"] > 0
