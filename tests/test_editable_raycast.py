"""EditableRayCaster (source BVH + object mask + a small BVH of the added geometry) answers like a
RayCaster rebuilt on the edited scene: demo district, 100 buildings demolished, 50 inserted."""
from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import DEMO

N_RAYS = 100_000


@pytest.fixture(scope="module")
def edited():
    """(source scene, edited scene, demolished ids, inserted ids)."""
    from stadtbild.importers import load
    from stadtbild.model.scenario import Scenario

    model = load(DEMO)
    ids = sorted(i for i, o in model.objects.items() if o.type == "Building")
    rng = np.random.default_rng(11)
    gone = [str(i) for i in rng.choice(ids, 100, replace=False)]
    lo, hi = model.bbox()[:2], model.bbox()[3:5]
    edits = [{"op": "demolish", "ids": gone}]
    new = []
    for k in range(50):  # 50 houses spread over the district (some where old ones stood)
        x, y = lo + rng.random(2) * (hi - lo - 20)
        h = float(rng.uniform(6, 40))
        new.append(f"plan-{k}")
        edits.append({"op": "extrude", "id": new[-1], "footprint": [[x, y], [x + 14, y], [x + 14, y + 10], [x, y + 10]],
                      "ground_z": 0.0, "height_m": h, "roof": "gable" if k % 2 else "flat"})
    after = Scenario.from_dict({"name": "plan", "edits": edits}).apply(model)
    return model.scene(), after.scene(), gone, new


def _rays(scene, n, seed):
    rng = np.random.default_rng(seed)
    b = scene.bounds
    lo = np.r_[b[0, :2] - 20.0, b[0, 2]]
    hi = np.r_[b[1, :2] + 20.0, b[0, 2] + 45.0]
    o = lo + rng.random((n, 3)) * (hi - lo)
    d = rng.normal(size=(n, 3))
    return o, d / np.linalg.norm(d, axis=1)[:, None]


def _unstable(rc, o, d, answer):
    """True where the reference answer changes when the origin moves by 1 mm (grazing rays)."""
    flip = np.zeros(len(o), dtype=bool)
    for axis in range(3):
        for s in (-1e-3, 1e-3):
            step = np.zeros(3)
            step[axis] = s
            flip |= rc.occluded(o + step, d) != answer
    return flip


@pytest.mark.parametrize("route", ["mask", "rebuild"])
def test_editable_raycaster_equals_rebuilt_scene(edited, route, monkeypatch):
    import stadtbild.analysis.editable_raycast as er
    from stadtbild.analysis.editable_raycast import EditableRayCaster
    from stadtbild.analysis.raycast import RayCaster

    # the source part either masks the demolished objects or is rebuilt without them
    monkeypatch.setattr(er, "MASK_COST_RATIO", 0.0 if route == "mask" else 1e9)

    src, after, gone, new = edited
    erc = EditableRayCaster(src)
    erc.sync(after)
    assert (erc._core is erc.source) == (route == "mask")
    # the edit is recognised as exactly what the scenario did
    assert sorted(np.asarray(src.object_ids)[erc.removed]) == sorted(gone)
    assert sorted(erc.added_scene.object_ids[i] for i in np.unique(erc.added_scene.object_index)) == sorted(new)
    ref = RayCaster(after)
    shift = src.origin - after.origin  # queries are in the source frame
    o, d = _rays(src, N_RAYS, 5)
    occ, occ_ref = erc.occluded(o, d), ref.occluded(o + shift, d)
    assert 0.05 < occ.mean() < 0.95
    bad = np.flatnonzero(occ != occ_ref)
    assert not (~_unstable(ref, o[bad] + shift, d[bad], occ_ref[bad])).any(), f"{len(bad)} occlusion mismatches"
    h, hr = erc.first_hit(o, d), ref.first_hit(o + shift, d)
    assert np.array_equal(h.hit, hr.hit) or set(np.flatnonzero(h.hit != hr.hit)) <= set(bad)
    both = h.hit & hr.hit
    assert np.array_equal(erc.scene.object_index[h.triangle[h.hit]], h.object_index[h.hit])  # triangle numbering
    assert np.all(np.abs(h.distance[both] - hr.distance[both]) < 2e-3)
    ids = np.array(erc.scene.object_ids, dtype=object)[h.object_index[both]]
    ids_ref = np.array(after.object_ids, dtype=object)[hr.object_index[both]]
    diff = np.flatnonzero(ids != ids_ref)
    # a different object only where two objects are hit at the same distance (coincident walls)
    for k in diff:
        i = np.flatnonzero(both)[k]
        sub = after.select(after.object_index == after.object_number(ids[k]))
        t = RayCaster(sub).first_hit(o[i:i + 1] + shift, d[i:i + 1]).distance[0]
        assert abs(t - hr.distance[i]) < 2e-3
    assert len(diff) < 20
    # inserted objects are really hit, demolished ones never
    hit_ids = set(ids)
    assert hit_ids & set(new) and not hit_ids & set(gone)


def test_edit_undo_and_masks(edited):
    from stadtbild.analysis.editable_raycast import EditableRayCaster
    from stadtbild.analysis.raycast import RayCaster

    src, _, gone, _ = edited
    erc = EditableRayCaster(src)
    erc.prepare()
    o, d = _rays(src, 20_000, 9)
    base = RayCaster(src).occluded(o, d)
    erc.edit(removed=gone)
    assert erc.removed.sum() == len(gone) and erc.added_scene is None
    # analyses may switch objects off on top of the edit; removed ones stay off
    erc.set_object_enabled(np.ones(len(erc.scene.object_ids), dtype=bool))
    assert erc.enabled_objects.sum() == len(src.object_ids) - len(gone)
    fewer = erc.occluded(o, d)
    assert (fewer <= base).all() and fewer.sum() < base.sum()
    erc.edit()  # undo everything: the source again
    assert np.array_equal(erc.occluded(o, d), base)


def test_shadow_analysis_accepts_editable_raycaster(edited):
    from stadtbild.analysis.editable_raycast import EditableRayCaster
    from stadtbild.analysis.shadow import shadow_at

    src, after, *_ = edited
    erc = EditableRayCaster(src)
    erc.sync(after)
    kw = {"time": "2026-06-21T17:00", "cell_m": 2.0}
    res = shadow_at(erc.scene, raycaster=erc, **kw)
    ref = shadow_at(after, extent=res.grid.extent_world, **kw)
    assert res.shadow.sum() > 1000
    assert (res.shadow != ref.shadow).sum() <= 2  # (0 on the demo; grazing rays may flip)
    assert np.array_equal(res.grid.footprint, ref.grid.footprint)
