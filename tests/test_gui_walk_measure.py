"""Walk mode and measuring through the real window (issue 18 §3 l, o).

References are independent of the picking and walking code: building footprints as shapely
polygons from the GroundSurface triangles, a numpy Möller–Trumbore intersection of the view ray
with every triangle of the scene, the roof corners and polygon edges of the file, the sky colour
of the view's background, the screen capture (tests/screenshots.py).
Screenshots: tests/artifacts/gui-5x-*.png.
"""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from stadtbild.model.semantics import SURFACE_CODE  # noqa: E402
from tests.conftest import DEMO, data_file  # noqa: E402
from tests.helpers import open_window  # noqa: E402
from tests.screenshots import project, save_screenshot  # noqa: E402

pytestmark = pytest.mark.gui

NRW = "citygml/nrw/LoD2_32_328_5729_1_NW.gml"
HALL = "DENW34AL0001XVAu"  # a 35 m × 54 m hall of that tile


def footprints(scene):
    """shapely union of every object's GroundSurface triangles (plan view, local frame)."""
    import shapely

    g = scene.surface_type == SURFACE_CODE["GroundSurface"]
    return shapely.union_all(shapely.polygons(scene.corners[g][:, :, :2]))


def ray_hit(scene, origin, direction):
    """Nearest intersection of a ray with the scene's triangles (Möller–Trumbore, numpy)."""
    v0, v1, v2 = (scene.corners[:, k] for k in range(3))
    e1, e2 = v1 - v0, v2 - v0
    p = np.cross(direction, e2)
    det = np.einsum("ij,ij->i", e1, p)
    ok = np.abs(det) > 1e-12
    inv = np.where(ok, 1.0 / np.where(ok, det, 1.0), 0.0)
    t0 = origin - v0
    u = np.einsum("ij,ij->i", t0, p) * inv
    q = np.cross(t0, e1)
    v = (q @ direction) * inv
    t = np.einsum("ij,ij->i", e2, q) * inv
    hit = ok & (u >= 0) & (v >= 0) & (u + v <= 1) & (t > 0)
    if not hit.any():
        return None
    k = np.flatnonzero(hit)[np.argmin(t[hit])]
    return origin + t[k] * direction


@pytest.fixture
def nrw_window(qapp, tmp_path):
    w = open_window(tmp_path, [data_file(NRW)])
    yield w
    w.close()


def test_walk_starts_on_open_ground_facing_the_focus_and_takes_keys(nrw_window, qtbot, artifacts):
    w = nrw_window
    vp = w.viewport
    sc = w.scene
    k = sc.object_number(HALL)
    c = sc.corners[sc.object_index == k].reshape(-1, 3)
    centre = (c.min(axis=0) + c.max(axis=0)) / 2
    cam = vp.plotter.camera
    focus = centre + np.array([0.0, 15.0, 0.0])  # looking north at a point just beyond the hall's middle
    cam.focal_point = tuple(focus)
    cam.position = tuple(focus + np.array([0.0, -150.0, 120.0]))
    cam.up = (0.0, 0.0, 1.0)
    vp.plotter.reset_camera_clipping_range()
    vp.render()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=15000)
    # the planner searched for something before: the keyboard is in the search field
    w.search.show()
    w.search.raise_()
    qtbot.waitUntil(lambda: w.search.edit.isVisible(), timeout=5000)
    QTest.mouseClick(w.search.edit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.search.edit, timeout=5000)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_W,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)  # Begehen
    qtbot.waitUntil(lambda: vp.mode == "walk", timeout=5000)
    eye = np.array(cam.position)
    import shapely

    fp = footprints(sc)
    assert not fp.contains(shapely.Point(eye[:2])), "the walk starts inside a building"
    assert fp.distance(shapely.Point(eye[:2])) >= 1.9
    assert eye[2] == pytest.approx(vp.ground_z + 1.6)
    look = np.array(cam.focal_point) - eye
    to_focus = focus[:2] - eye[:2]
    assert np.degrees(np.arccos(np.dot(look[:2], to_focus) / np.linalg.norm(look[:2]) / np.linalg.norm(to_focus))) < 1.0
    assert not vp._scale.visible()  # no scale bar at eye level
    # clipping for eye level: the ground at the bottom edge of the view lies h / tan(½ view
    # angle) ahead (2.8 m at 1.6 m and 60°), and a façade one walks up to half a metre ahead
    # must not be cut open: near plane ≤ 0.5 m (VTK's automatic range, made for views from
    # above, gives 0.65 m here and metres on larger scenes); the far plane behind the whole tile
    near, far = cam.clipping_range
    lo, hi = sc.bounds
    assert near <= 0.5 < 1.6 / np.tan(np.radians(cam.view_angle / 2)) and far >= np.linalg.norm(hi - lo)
    shot = save_screenshot(w, "gui-50-walk-start")
    view = shot.crop(vp).astype(int)
    low = view[2 * view.shape[0] // 3:]
    sky = (low[..., 2] > low[..., 0] + 30) & (low[..., 2] > 150)  # the blue background
    assert sky.mean() < 0.02, "the ground near the viewer is clipped: sky in the lower third"
    # W walks 2 m at once: the view took the keys from the search field, no click needed
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_W)
    assert np.linalg.norm(np.array(cam.position) - eye) == pytest.approx(2.0, abs=1e-6)
    assert w.search.edit.text() == ""  # and no "w" typed into the search
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert vp.mode == "select" and vp._scale.visible()


# ------------------------------------------------------------------------------ measuring
@pytest.fixture(scope="module")
def demo(qapp, tmp_path_factory):
    w = open_window(tmp_path_factory.mktemp("settings"), [DEMO])
    yield w
    w.close()


def gable_ridges(scene, n=6):
    """Ridge segments (local) of gable roofs: edges shared by two roof triangles of one object
    whose normals lean to opposite sides, the longest first."""
    roof = np.flatnonzero((scene.surface_type == SURFACE_CODE["RoofSurface"]) & (scene.triangle_areas > 2.0))
    tri = scene.triangles[roof]
    edges = {}
    for t, r in zip(tri, roof):
        for a, b in ((t[0], t[1]), (t[1], t[2]), (t[2], t[0])):
            edges.setdefault((min(a, b), max(a, b)), []).append(r)
    out = []
    for (a, b), rs in edges.items():
        if len(rs) != 2 or scene.object_index[rs[0]] != scene.object_index[rs[1]]:
            continue
        n0, n1 = scene.face_normals[rs[0]], scene.face_normals[rs[1]]
        if n0[2] < 0.3 or n1[2] < 0.3 or np.dot(n0[:2], n1[:2]) > -0.05:
            continue
        pa, pb = scene.vertices[a], scene.vertices[b]
        if abs(pa[2] - pb[2]) < 0.05 and np.linalg.norm(pb - pa) > 6.0:
            out.append((pa, pb, rs))
    out.sort(key=lambda e: -np.linalg.norm(e[1] - e[0]))
    return out[:n]


def test_height_near_a_ridge_lands_on_the_real_roof_plane(demo, qtbot):
    """Clicks a pixel or two beside ridges: the measured point is where the view ray meets the
    roof triangles (numpy reference), not on the other roof plane extended past the ridge."""
    w = demo
    vp = w.viewport
    sc = w.scene
    ridges = gable_ridges(sc)
    assert len(ridges) >= 3
    w.actions_by_name["mode_height"].trigger()
    errors, snapped, on_ridge = [], [], []
    for pa, pb, _rs in ridges:
        mid = (pa + pb) / 2
        oid = sc.object_ids[sc.object_index[_rs[0]]]
        vp.zoom_to([oid])
        cam = vp.plotter.camera  # look across the ridge from the side, 35° up
        along = (pb - pa) / np.linalg.norm(pb - pa)
        side = np.cross(along, [0, 0, 1.0])
        cam.focal_point = tuple(mid)
        cam.position = tuple(mid + (side * np.cos(np.radians(35)) + np.array([0, 0, np.sin(np.radians(35))])) * 60)
        cam.up = (0.0, 0.0, 1.0)
        vp.plotter.reset_camera_clipping_range()
        vp.render()
        ridge_px = project(vp, [mid])[0]
        for dy in (-2, -1, 1, 2, 3):
            pos = QPoint(int(round(ridge_px[0])), int(round(ridge_px[1])) + dy)
            origin, direction = vp.view_ray(pos)
            ref = ray_hit(sc, origin, direction)
            if ref is None:
                continue  # above the ridge on the screen: the far roof plane is out of sight there
            _oid, picked = vp.pick(pos)  # the point under the cursor, before snapping
            errors.append(float(np.linalg.norm(picked - ref)))
            vp._last_height = None
            QTest.mouseClick(vp.plotter.interactor, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
            qtbot.waitUntil(lambda: vp._last_height is not None, timeout=15000)
            got = sc.to_local(vp._last_height["point"])
            if vp._last_height.get("snap") == "edge":
                # on a true edge of the building under the cursor (the ridge, or above it on the
                # screen the building behind), a few pixels from the cursor
                from stadtbild.app.viewport import _boundary_edges

                ea, eb = _boundary_edges(sc, np.flatnonzero(sc.object_index == sc.object_number(_oid)))
                seg = eb - ea
                t = np.clip(np.einsum("ij,ij->i", got - ea, seg) / np.maximum(np.einsum("ij,ij->i", seg, seg), 1e-12), 0, 1)
                assert np.min(np.linalg.norm(ea + t[:, None] * seg - got, axis=1)) < 1e-3
                assert np.hypot(*(project(vp, [got])[0] - [pos.x(), pos.y()])) <= 10.5
                if _oid == oid:
                    r = pb - pa
                    on_ridge.append(float(np.linalg.norm(pa + np.clip(np.dot(got - pa, r) / np.dot(r, r), 0, 1) * r - got)))
                snapped.append(got)
            else:
                errors.append(float(np.linalg.norm(got - ref)))
    assert len(errors) >= 10 and snapped and on_ridge
    assert max(errors) < 0.01, f"picked points off the roof by up to {max(errors):.3f} m near ridges"
    assert max(on_ridge) < 1e-3  # a pixel below the ridge, the height is the ridge's
    w.actions_by_name["mode_select"].trigger()


def test_distance_snaps_to_corners_and_edges_and_the_panel_copies(demo, qtbot, artifacts):
    w = demo
    vp = w.viewport
    sc = w.scene
    w.measure.clear()
    k = int(np.argmax(sc.triangle_areas * (sc.surface_type == SURFACE_CODE["RoofSurface"])))
    oid = sc.object_ids[sc.object_index[k]]
    vp.set_view("top")
    vp.zoom_to([oid])
    corner = sc.vertices[sc.triangles[k][0]]
    w.actions_by_name["mode_distance"].trigger()
    cx, cy = project(vp, [corner])[0]
    first = QPoint(int(round(cx)) + 5, int(round(cy)) + 4)  # 6 px beside the corner
    QTest.mouseClick(vp.plotter.interactor, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, first)
    # the second point: near the middle of a true edge of the same roof polygon
    from stadtbild.app.viewport import _boundary_edges

    a, b = _boundary_edges(sc, np.flatnonzero(sc.polygon_index == sc.polygon_index[k]))
    corners_px = project(vp, np.unique(sc.vertices[sc.triangles].reshape(-1, 3), axis=0))
    mids_px = project(vp, (a + b) / 2)
    clear = [np.nanmin(np.hypot(*(corners_px - m).T)) for m in mids_px]
    j = int(np.argmax(clear))  # the edge whose middle is farthest from any corner on the screen
    assert clear[j] > 25
    mid = (a[j] + b[j]) / 2
    mx, my = project(vp, [mid])[0]
    normal = np.array([-(project(vp, [b[j]])[0] - project(vp, [a[j]])[0])[1],
                       (project(vp, [b[j]])[0] - project(vp, [a[j]])[0])[0]])
    normal /= np.linalg.norm(normal)
    second = QPoint(int(round(mx + 4 * normal[0])), int(round(my + 4 * normal[1])))
    QTest.mouseClick(vp.plotter.interactor, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, second)
    qtbot.waitUntil(lambda: len(w.measure.measurements) == 1, timeout=15000)
    m = w.measure.measurements[0]
    assert m["snap"] == ("vertex", "edge")
    assert np.allclose(m["a"], sc.to_world(corner), atol=1e-6)
    pb = sc.to_local(m["b"])
    seg = b[j] - a[j]
    t = np.clip(np.dot(pb - a[j], seg) / np.dot(seg, seg), 0, 1)
    assert np.linalg.norm(a[j] + t * seg - pb) < 1e-3  # on the edge
    assert m["distance_m"] == pytest.approx(np.linalg.norm(pb - corner), abs=1e-6)
    # an area in the same panel, the surface named in German
    w.actions_by_name["mode_area"].trigger()
    QTest.mouseClick(vp.plotter.interactor, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     vp.world_to_widget(sc.corners[k].mean(axis=0)))
    qtbot.waitUntil(lambda: len(w.measure.measurements) == 2, timeout=15000)
    assert "Dachfläche" in w.statusBar().currentMessage() and "RoofSurface" not in w.statusBar().currentMessage()
    w.measure.table.clearSelection()
    text = w.measure.copy()
    assert QApplication.clipboard().text() == text
    lines = text.strip().split("\n")
    assert lines[0].split("\t") == ["Messung", "Wert", "Details"] and len(lines) == 3
    assert lines[1].startswith("Strecke\t") and lines[1].split("\t")[1] == f"{m['distance_m']:.2f}".replace(".", ",") + " m"
    assert "Dachfläche" in lines[2] and "RoofSurface" not in text
    save_screenshot(w, "gui-51-measurements")
    w.actions_by_name["mode_select"].trigger()
