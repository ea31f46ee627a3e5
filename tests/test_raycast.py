"""Ray-casting core: analytic box cases on both backends, object masks, and Embree vs numpy on
100,000 random rays over the Delfshaven demo district."""
from __future__ import annotations

import numpy as np
import pytest

from stadtbild.analysis.raycast import RayCaster, embree_available, offset_points
from tests.helpers import box_model

BACKENDS = ["numpy"] + (["embree"] if embree_available() else [])


def boxes_scene(boxes):
    return box_model(boxes).scene()


@pytest.fixture(scope="module")
def one_box():
    # a 10 x 20 x 15 m box with its corner at (100, 200, 0) in the CRS
    return boxes_scene([("b", 100.0, 200.0, 110.0, 220.0, 0.0, 15.0)])


@pytest.mark.parametrize("backend", BACKENDS)
def test_vertical_ray_hits_roof_at_analytic_distance(one_box, backend):
    rc = RayCaster(one_box, backend=backend)
    start = one_box.to_local([[105.0, 210.0, 40.0], [95.0, 210.0, 40.0]])
    h = rc.first_hit(start, [[0, 0, -1], [0, 0, -1]])
    assert h.hit.tolist() == [True, False]
    assert h.distance[0] == pytest.approx(25.0, abs=1e-4)
    assert np.isinf(h.distance[1]) and h.triangle[1] == -1 and h.object_index[1] == -1
    assert np.isnan(h.point[1]).all()
    assert one_box.object_ids[h.object_index[0]] == "b"
    np.testing.assert_allclose(one_box.to_world(h.point[0]), [105.0, 210.0, 15.0], atol=1e-4)
    # the triangle reported really is a roof triangle (normal up)
    assert one_box.face_normals[h.triangle[0]][2] == pytest.approx(1.0)


@pytest.mark.parametrize("backend", BACKENDS)
def test_occlusion_respects_tmax_and_tmin(one_box, backend):
    rc = RayCaster(one_box, backend=backend)
    # horizontal ray towards the west wall (x = 100) from x = 90: wall at 10 m, far wall at 20 m
    o = one_box.to_local([[90.0, 210.0, 5.0]] * 4)
    d = [1.0, 0.0, 0.0]
    tmax = np.array([9.9, 10.1, np.inf, 50.0])
    tmin = np.array([0.0, 0.0, 20.1, 0.0])
    assert rc.occluded(o, d, tmax=tmax, tmin=tmin).tolist() == [False, True, False, True]
    h = rc.first_hit(o[:1], d)
    assert h.distance[0] == pytest.approx(10.0, abs=1e-4)


@pytest.mark.parametrize("backend", BACKENDS)
def test_bad_rays_are_misses_not_errors(one_box, backend):
    rc = RayCaster(one_box, backend=backend)
    o = one_box.to_local([[105.0, 210.0, 40.0]] * 3)
    o[2, 0] = np.nan
    d = np.array([[0, 0, 0], [0, 0, -1], [0, 0, -1]], float)
    assert rc.occluded(o, d).tolist() == [False, True, False]
    assert rc.first_hit(o, d).hit.tolist() == [False, True, False]
    assert rc.occluded(np.zeros((0, 3)), np.zeros((0, 3))).shape == (0,)
    with pytest.raises(ValueError):
        rc.occluded(o, np.zeros((2, 3)))


@pytest.mark.parametrize("backend", BACKENDS)
def test_disabled_objects_neither_occlude_nor_get_hit(backend):
    # a row of 10 boxes along x; a ray along the row from the west
    boxes = [(f"b{i}", 20.0 * i, 0.0, 20.0 * i + 10.0, 10.0, 0.0, 10.0) for i in range(10)]
    scene = boxes_scene(boxes)
    rc = RayCaster(scene, backend=backend)
    o = scene.to_local([[-5.0, 5.0, 5.0]])
    d = [1.0, 0.0, 0.0]
    for disabled, expect_first in ([[], 0], [[0], 1], [[0, 1, 2, 3, 4], 5], [[0, 2], 1],
                                   [list(range(10)), None], [[], 0]):
        mask = np.ones(10, bool)
        mask[disabled] = False
        rc.set_object_enabled(mask)
        h = rc.first_hit(o, d)
        if expect_first is None:
            assert not h.hit[0] and not rc.occluded(o, d)[0]
        else:
            assert scene.object_ids[h.object_index[0]] == f"b{expect_first}"
            assert h.distance[0] == pytest.approx(5.0 + 20.0 * expect_first, abs=1e-3)
            assert rc.occluded(o, d)[0]
            # bounded ray that ends just before the first enabled box is free
            assert not rc.occluded(o, d, tmax=4.9 + 20.0 * expect_first)[0]
    with pytest.raises(ValueError):
        rc.set_object_enabled(np.ones(3, bool))


@pytest.mark.parametrize("backend", BACKENDS)
def test_object_mask_matches_a_scene_without_those_objects(demo_model, backend):
    """Masked queries equal queries on a scene built without the masked objects (independent
    reference: Scene.select), for a few and for many disabled objects."""
    scene = demo_model.scene()
    rng = np.random.default_rng(7)
    n = 20_000 if backend == "embree" else 5_000
    lo, hi = scene.bounds
    o = lo + rng.random((n, 3)) * (hi - lo)
    d = rng.normal(size=(n, 3))
    d[:, 2] = np.abs(d[:, 2]) * 0.3  # mostly low, long rays through many buildings
    rc = RayCaster(scene, backend=backend)
    for fraction in (0.05, 0.6):
        mask = rng.random(len(scene.object_ids)) > fraction
        rc.set_object_enabled(mask)
        reference = RayCaster(scene.select(mask[scene.object_index]), backend=backend)
        assert (rc.occluded(o, d) != reference.occluded(o, d)).sum() <= n * 1e-4
        a, b = rc.first_hit(o, d), reference.first_hit(o, d)
        assert (a.hit != b.hit).sum() <= n * 1e-4
        both = a.hit & b.hit
        assert np.abs(a.distance[both] - b.distance[both]).max() < 1e-2
        assert mask[a.object_index[a.hit]].all()


def test_chunking_and_threads_do_not_change_answers(demo_model):
    scene = demo_model.scene()
    rng = np.random.default_rng(3)
    lo, hi = scene.bounds
    o = lo + rng.random((30_000, 3)) * (hi - lo)
    d = rng.normal(size=(30_000, 3))
    one = RayCaster(scene, threads=1, chunk_size=1_000_000)
    many = RayCaster(scene, threads=2, chunk_size=777)
    assert np.array_equal(one.occluded(o, d), many.occluded(o, d))
    assert np.array_equal(one.first_hit(o, d).triangle, many.first_hit(o, d).triangle)


def test_offset_points_moves_along_unit_normal():
    p = offset_points([[0, 0, 0], [1, 1, 1], [2, 2, 2]], [[0, 0, 5], [3, 4, 0], [0, 0, 0]], eps=0.5)
    np.testing.assert_allclose(p, [[0, 0, 0.5], [1.3, 1.4, 1], [2, 2, 2]])


def test_empty_scene_never_hits():
    from stadtbild.model.scene import Scene

    scene = Scene(np.zeros((0, 3)), np.zeros((0, 3)), np.zeros(0), np.zeros(0), [])
    for backend in BACKENDS:
        rc = RayCaster(scene, backend=backend)
        assert not rc.occluded([[0, 0, 0]], [[0, 0, 1]]).any()
        assert not rc.first_hit([[0, 0, 0]], [[0, 0, 1]]).hit.any()


def _grazing(scene, o, d, margin=1e-4):
    """Rays whose answer flips when every triangle grows or shrinks by ``margin`` (barycentric):
    edge-grazing rays where either answer is right."""
    grown = RayCaster(scene, backend="numpy")
    grown._impl.margin = margin
    shrunk = RayCaster(scene, backend="numpy")
    shrunk._impl.margin = -margin
    g, s = grown.first_hit(o, d), shrunk.first_hit(o, d)
    return (g.hit != s.hit) | (g.triangle != s.triangle) | (np.abs(g.distance - s.distance) > 1e-3)


@pytest.mark.skipif(not embree_available(), reason="embreex not installed")
def test_embree_and_numpy_agree_on_100k_random_rays_over_demo(demo_model):
    scene = demo_model.scene()
    rng = np.random.default_rng(2026)
    n = 100_000
    lo, hi = scene.bounds
    o = lo - 20 + rng.random((n, 3)) * (hi - lo + 40)
    d = rng.normal(size=(n, 3))
    embree = RayCaster(scene, backend="embree")
    numpy_rc = RayCaster(scene, backend="numpy")

    occ_e, occ_n = embree.occluded(o, d), numpy_rc.occluded(o, d)
    assert 0.05 < occ_e.mean() < 0.95  # a real mix of blocked and free rays
    hit_e, hit_n = embree.first_hit(o, d), numpy_rc.first_hit(o, d)
    assert np.array_equal(occ_e, hit_e.hit) and np.array_equal(occ_n, hit_n.hit)

    both = hit_e.hit & hit_n.hit
    # float32 (Embree) vs float64 (numpy): ~1e-5 relative error in the plane offset, amplified
    # by 1/cos(incidence) for rays nearly parallel to the triangle
    unit = d / np.linalg.norm(d, axis=1, keepdims=True)
    cos = np.abs(np.einsum("ij,ij->i", unit[both], scene.face_normals[hit_n.triangle[both]]))
    tolerance = 1e-3 / np.maximum(cos, 1e-3)
    distance_differs = np.zeros(n, bool)
    distance_differs[both] = np.abs(hit_e.distance[both] - hit_n.distance[both]) > tolerance
    mismatch = np.flatnonzero((occ_e != occ_n) | distance_differs)
    if len(mismatch):
        grazing = _grazing(scene, o[mismatch], d[mismatch])
        assert grazing.all(), f"{(~grazing).sum()} non-grazing mismatches of {len(mismatch)}"
    assert len(mismatch) < n * 1e-3
    # same distance -> same object (different triangles only where two share the hit point)
    same = both & ~distance_differs
    assert (hit_e.object_index[same] != hit_n.object_index[same]).sum() <= n * 1e-3


@pytest.mark.parametrize("backend", BACKENDS)
def test_visible_sum_equals_a_loop_of_occlusion_queries(demo_model, backend):
    scene = demo_model.scene()
    rng = np.random.default_rng(5)
    n = 4000 if backend == "numpy" else 40_000
    lo, hi = scene.bounds
    o = np.column_stack([lo[:2] + rng.random((n, 2)) * (hi[:2] - lo[:2]), np.full(n, lo[2] + 0.01)])
    normals = rng.normal(size=(n, 3))
    az, el = rng.uniform(0, 2 * np.pi, 12), rng.uniform(0.1, 1.2, 12)
    dirs = np.column_stack([np.sin(az) * np.cos(el), np.cos(az) * np.cos(el), np.sin(el)])
    w = rng.uniform(0.1, 1.0, 12)
    rc = RayCaster(scene, backend=backend, chunk_size=3000)
    expected = sum(w[j] * ~rc.occluded(o, dirs[j]) for j in range(12))
    np.testing.assert_allclose(rc.visible_sum(o, dirs, w), expected, atol=1e-12)
    facing = normals @ dirs.T > 0
    expected_n = sum(w[j] * (~rc.occluded(o, dirs[j]) & facing[:, j]) for j in range(12))
    np.testing.assert_allclose(rc.visible_sum(o, dirs, w, normals=normals), expected_n, atol=1e-12)
    mask = np.ones(len(scene.object_ids), bool)
    mask[::7] = False
    rc.set_object_enabled(mask)
    expected_m = sum(w[j] * ~rc.occluded(o, dirs[j]) for j in range(12))
    np.testing.assert_allclose(rc.visible_sum(o, dirs, w), expected_m, atol=1e-12)


def test_toggling_objects_while_another_thread_queries_gives_consistent_answers(demo_model):
    """Each query sees one object mask (before or after a concurrent toggle), never a mix."""
    import threading

    scene = demo_model.scene()
    rng = np.random.default_rng(9)
    lo, hi = scene.bounds
    o = lo + rng.random((60_000, 3)) * (hi - lo)
    d = rng.normal(size=(60_000, 3))
    d[:, 2] = np.abs(d[:, 2]) * 0.2
    rc = RayCaster(scene, chunk_size=2000)
    mask = np.ones(len(scene.object_ids), bool)
    mask[::3] = False
    full = rc.occluded(o, d)
    rc.set_object_enabled(mask)
    masked = rc.occluded(o, d)
    assert (full != masked).sum() > 100
    stop = threading.Event()

    def toggler():
        k = 0
        while not stop.is_set():
            rc.set_object_enabled(mask if k % 2 else np.ones_like(mask))
            k += 1

    t = threading.Thread(target=toggler)
    t.start()
    try:
        for _ in range(8):
            got = rc.occluded(o, d)
            assert np.array_equal(got, full) or np.array_equal(got, masked)
    finally:
        stop.set()
        t.join()


@pytest.mark.parametrize("elevation_deg, azimuth_deg", [(4.0, 95.0), (30.0, 220.0), (89.5, 10.0)])
def test_numpy_shared_direction_path_matches_bvh_path_and_embree(demo_model, elevation_deg, azimuth_deg):
    """Sun rays (one direction for all origins) take the numpy backend's projected-grid lookup;
    it must find exactly what its BVH traversal finds (same exact triangle test), and agree with
    Embree on occlusion."""
    scene = demo_model.scene()
    rng = np.random.default_rng(int(azimuth_deg))
    lo, hi = scene.bounds
    n = 20_000
    o = np.column_stack([lo[:2] + rng.random((n, 2)) * (hi[:2] - lo[:2]), rng.uniform(0.01, 20.0, n)])
    e, a = np.radians(elevation_deg), np.radians(azimuth_deg)
    d = np.array([np.sin(a) * np.cos(e), np.cos(a) * np.cos(e), np.sin(e)])
    rn = RayCaster(scene, backend="numpy")
    one = rn.first_hit(o, d)
    per_ray = rn.first_hit(o, np.tile(d, (n, 1)))  # (n, 3) directions: BVH traversal
    assert np.array_equal(one.triangle, per_ray.triangle)
    assert np.array_equal(one.distance, per_ray.distance)
    assert 0.02 < one.hit.mean() < 0.98
    if embree_available():
        occ_e = RayCaster(scene, backend="embree").occluded(o, d)
        mismatch = np.flatnonzero(occ_e != rn.occluded(o, d))
        if len(mismatch):
            assert _grazing(scene, o[mismatch], np.tile(d, (len(mismatch), 1))).all()
        assert len(mismatch) <= n * 1e-3
