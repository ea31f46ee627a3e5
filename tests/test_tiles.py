"""The tiled city viewer (viewer.tiles): blocks, levels by camera distance and frustum, memory
budget, background loading, picking back to the file's ids.

References: analytic box/gable volumes (trimesh), the tile files' own geographicalExtent and the
NRW CityGML envelopes, VTK's own picker on a rendered frame (off-screen EGL), a screenshot saved to
tests/artifacts/tiles_city.png and looked at.
"""
from __future__ import annotations

import numpy as np
import pytest
import trimesh

from tests.conftest import data_file
from tests.helpers import box_model, model_from_solids
from tests.screenshots import save_frame, save_screenshot

pv = pytest.importorskip("pyvista")


def _trimesh(v, t):
    return trimesh.Trimesh(vertices=v, faces=t, process=True)


def test_blocks_of_boxes_are_the_boxes():
    from stadtbild.viewer.tiles import block_arrays

    model = box_model([("a", 0, 0, 10, 6, 0, 9), ("b", 20, 0, 24, 4, 1, 3)])
    v, t, o, top = block_arrays(model.scene())
    for k, (w, d, h) in enumerate([(10, 6, 9), (4, 4, 2)]):
        sel = o == k
        assert top[sel].sum() == 2  # the roof rectangle: two triangles
        zs = v[np.unique(t[sel])][:, 2]
        assert zs.min() == pytest.approx([0, 1][k]) and zs.max() == pytest.approx([9, 3][k])
        # wall area = perimeter × height; top area = footprint
        c = v[t[sel]]
        area = 0.5 * np.linalg.norm(np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0]), axis=1)
        assert area[top[sel]].sum() == pytest.approx(w * d)
        assert area[~top[sel]].sum() == pytest.approx(2 * (w + d) * h)


def test_block_of_a_gable_house_encloses_it():
    """Footprint extruded to the ridge: volume = footprint × (ridge − ground) (trimesh, closed with
    the footprint as bottom)."""
    from stadtbild.viewer.tiles import block_arrays

    v = np.array([[0, 0, 0], [8, 0, 0], [8, 10, 0], [0, 10, 0], [0, 0, 6], [8, 0, 6], [8, 10, 6], [0, 10, 6],
                  [4, 0, 9], [4, 10, 9]], float)
    from stadtbild.model.semantics import GROUND, ROOF, WALL

    faces = [([0, 3, 2, 1], GROUND), ([4, 8, 9, 7], ROOF), ([8, 5, 6, 9], ROOF), ([0, 1, 5, 8, 4], WALL),
             ([1, 2, 6, 5], WALL), ([2, 3, 7, 9, 6], WALL), ([3, 0, 4, 7], WALL)]
    model = model_from_solids([("h", v, faces)])
    bv, bt, _, top = block_arrays(model.scene())
    bottom = bt[top][:, ::-1].copy()
    verts = np.concatenate([bv, bv[np.unique(bt[top])] * [1, 1, 0]])
    # close the block with the footprint at z = 0 to measure its volume
    remap = {int(i): len(bv) + k for k, i in enumerate(np.unique(bt[top]))}
    bottom = np.vectorize(remap.get)(bottom)
    mesh = _trimesh(verts, np.concatenate([bt, bottom]))
    mesh.merge_vertices()
    assert mesh.is_watertight
    assert abs(mesh.volume) == pytest.approx(8 * 10 * 9, rel=1e-9)


def test_sniffed_extents_match_the_files():
    from stadtbild.importers import load
    from stadtbild.viewer.tiles import sniff_bbox

    for rel in ("citygml/nrw/LoD2_32_329_5727_1_NW.gml", "demo/3-20-DELFSHAVEN.city.json"):
        bb = sniff_bbox(data_file(rel))
        real = load(data_file(rel)).bbox()
        # NRW envelopes are the 1 km tile frame (buildings on the frame stick out by metres):
        # the sniffed box must still contain every object, and be no more than frame + margin
        assert (bb[:2] <= real[:2] + 1e-6).all() and (bb[3:5] >= real[3:5] - 1e-6).all()
        assert np.all(np.abs(bb[[0, 1, 3, 4]] - real[[0, 1, 3, 4]]) < 1000.0)
    assert np.allclose(sniff_bbox(data_file("demo/3-20-DELFSHAVEN.city.json")),
                       load(data_file("demo/3-20-DELFSHAVEN.city.json")).bbox(), atol=1e-3)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """A 2 × 2 tile city of gable houses (benchmarks.bench_scale generator, 500 m tiles)."""
    import benchmarks.bench_scale as bs
    from benchmarks import common

    folder = tmp_path_factory.mktemp("city")
    old = bs.WORK
    bs.WORK = folder
    try:
        path = bs.write_tiled_city(3000)  # 55 × 55 houses on 18 m = 990 m: 4 tiles
    finally:
        bs.WORK = old
    del common
    return path


def _manager(city, **kw):
    from stadtbild.viewer.render import make_plotter
    from stadtbild.viewer.tiles import TileManager, file_sources

    sources, warnings = file_sources([city])
    assert not warnings and len(sources) == 4
    plotter = make_plotter((800, 600))
    return plotter, TileManager(plotter, sources, **kw)


def _look(plotter, at, offset):
    at = np.asarray(at, float)
    plotter.camera_position = [tuple(at + offset), tuple(at), (0, 0, 1)]
    plotter.camera.clipping_range = (1.0, 20000.0)


def test_levels_follow_camera_distance_and_frustum(city, artifacts):
    plotter, mgr = _manager(city, near_m=300.0, far_m=3000.0, workers=2)
    try:
        b = mgr.local_bounds
        first = b[0].mean(axis=0)
        _look(plotter, first, np.array([-120.0, -120.0, 80.0]))
        assert mgr.wait(60)
        c = mgr.counts()
        assert c["loaded"] >= 1 and c["near"] >= 1 and c["failed"] == 0
        near_tiles = [t for t in mgr.tiles if t.level == "near"]
        # a near tile shows its LoD2 mesh, whose cells are the file's triangles
        t0 = near_tiles[0]
        assert t0.actor_near.GetVisibility() and (t0.actor_far is None or not t0.actor_far.GetVisibility())
        from stadtbild.importers import load

        sc = load(t0.source.path).scene()
        assert t0.near.n_cells == sc.n_triangles
        assert t0.far.n_cells < t0.near.n_cells
        save_frame(plotter.screenshot(None, return_img=True), "tiles_city")
        # looking straight up into the sky: every tile outside the frustum → hidden
        _look(plotter, first + [0, 0, 500.0], np.array([0.0, -1.0, -400.0]))
        mgr.update()
        assert mgr.counts()["hidden"] == 4 and mgr.triangles_drawn() == 0
        # far away above the city: blocks (far) only, fewer triangles than the full meshes
        centre = mgr.scene_bounds.mean(axis=0)
        _look(plotter, centre, np.array([-1200.0, -1200.0, 1200.0]))
        assert mgr.wait(60)
        c = mgr.counts()
        assert c["far"] == 4 and c["near"] == 0
        full = sum(load(t.source.path).scene().n_triangles for t in mgr.tiles)
        assert 0 < mgr.triangles_drawn() < full
        # beyond far_m (zoomed out): only the roof print, two triangles per rectangular house
        mgr.far_m = 500.0
        mgr.update()
        c = mgr.counts()
        assert c["overview"] == 4 and c["far"] == 0
        assert mgr.triangles_drawn() == 2 * sum(len(load(t.source.path).objects) for t in mgr.tiles)
    finally:
        mgr.close()
        plotter.close()


def test_picking_returns_the_file_id(city):
    plotter, mgr = _manager(city, near_m=400.0, far_m=3000.0)
    try:
        from stadtbild.importers import load

        src = mgr.tiles[0].source
        model = load(src.path)
        oid = list(model.objects)[len(model) // 2]
        sc = model.scene(object_ids=[oid])
        top = sc.vertices[sc.triangles].reshape(-1, 3).mean(axis=0) + sc.origin - mgr.origin
        _look(plotter, top, np.array([0.0, -0.01, 150.0]))  # straight down onto the roof
        assert mgr.wait(60)
        plotter.render()
        w, h = plotter.window_size
        assert mgr.pick(w / 2, h / 2) == oid
        # the far blocks map back to the same ids
        t = mgr.tiles[0]
        assert t.ids == list(model.objects)
        assert set(np.unique(t.far.cell_data["object_index"])) <= set(range(len(t.ids)))
    finally:
        mgr.close()
        plotter.close()


def test_memory_budget_evicts_meshes_of_tiles_not_near(city):
    plotter, mgr = _manager(city, near_m=5000.0, far_m=9000.0, memory_budget_mb=10_000.0)
    try:
        centre = mgr.scene_bounds.mean(axis=0)
        _look(plotter, centre, np.array([-600.0, -600.0, 600.0]))
        assert mgr.wait(60)
        everything = mgr.memory_mb()
        assert mgr.counts()["near"] == 4 and everything > 0
        # shrink the budget and move so that only one tile stays near: the others lose their
        # full meshes, the near one keeps it
        mgr.memory_budget_mb = everything * 0.5
        mgr.near_m = 200.0
        first = mgr.local_bounds[0].mean(axis=0)
        _look(plotter, first, np.array([-80.0, -80.0, 60.0]))
        mgr.update()
        near = [t for t in mgr.tiles if t.level == "near"]
        assert near and all(t.near is not None for t in near)
        assert mgr.memory_mb() <= everything * 0.5 + max(t.mesh_mb for t in near)
        assert any(t.near is None and t.far is not None for t in mgr.tiles if t.level == "far")
    finally:
        mgr.close()
        plotter.close()


def test_grid_sources_cut_one_model(demo_model):
    from stadtbild.viewer.tiles import grid_sources

    src = grid_sources(demo_model, 300.0)
    assert sum(s.objects for s in src) == len(demo_model)
    ids = [oid for s in src for oid in s.load().objects]
    assert sorted(ids) == sorted(demo_model.objects)


# ------------------------------------------------------------------------------------- GUI
@pytest.mark.gui
def test_city_tiles_in_the_viewport(city, qtbot, artifacts):
    """The app's tiled city: loads in the background with progress, a click returns the file id
    of the building under the cursor (computed from the tile file's own triangles)."""
    pytest.importorskip("pytestqt")
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    from stadtbild.app.city_tiles import CityTiles
    from stadtbild.app.viewport import Viewport
    from stadtbild.importers import load

    vp = Viewport()
    vp.resize(900, 600)
    vp.show()
    QTest.qWaitForWindowExposed(vp)
    city_view = CityTiles(vp, [city], near_m=400.0, far_m=4000.0)
    progress = []
    city_view.progress.connect(lambda d, t: progress.append((d, t)))
    try:
        city_view.start()
        qtbot.waitUntil(lambda: city_view.mgr.counts()["loaded"] == 4 and city_view.mgr.counts()["loading"] == 0,
                        timeout=60000)
        assert progress and progress[-1][0] >= 4
        # fly down onto one building of the first tile and click the centre of the view
        model = load(city_view.mgr.tiles[0].source.path)
        oid = list(model.objects)[7]
        sc = model.scene(object_ids=[oid])
        top = sc.vertices[sc.triangles].reshape(-1, 3).mean(axis=0) + sc.origin - city_view.mgr.origin
        vp.plotter.camera_position = [tuple(top + [0.0, -0.01, 120.0]), tuple(top), (0, 0, 1)]
        vp.plotter.camera.clipping_range = (1.0, 20000.0)
        qtbot.waitUntil(lambda: city_view.mgr.tiles[0].actor_near is not None
                        and city_view.mgr.tiles[0].actor_near.GetVisibility(), timeout=30000)
        vp.plotter.render()
        hits = []
        city_view.picked.connect(lambda i, t, a: hits.append((i, t, a)))
        centre = QPoint(vp.plotter.interactor.width() // 2, vp.plotter.interactor.height() // 2)
        QTest.mouseClick(vp.plotter.interactor, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
        qtbot.waitUntil(lambda: bool(hits), timeout=15000)
        assert hits[-1][0] == oid and hits[-1][1] == "Building"
        assert hits[-1][2]["measuredHeight"] == pytest.approx(model.objects[oid].attributes["measuredHeight"])
        save_screenshot(vp, "tiles_gui")
    finally:
        city_view.close()
        vp.close_view() if hasattr(vp, "close_view") else vp.close()
