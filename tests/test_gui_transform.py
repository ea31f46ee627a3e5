"""Move/rotate by dragging in the 3D view (app.transform_tool), driven by real mouse events under
Xvfb (tests/desktop.py starts it with a window manager, pytest-qt drives it).

Screen positions come from world points through the renderer's world-to-display transform; the
expected offsets are the ground points under the press and release pixels, computed here from
the camera's composite projection matrix (not by the tool's own ray code). Footprint centroids
are the shapely centroids of the union of each building's downward-facing triangles; rotation
angles come from a 2D Kabsch fit of the building's triangle corners before and after.
"""
from __future__ import annotations

import re

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QWheelEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.helpers import open_window  # noqa: E402
from tests.conftest import DEMO  # noqa: E402
from tests.screenshots import save_screenshot  # noqa: E402

pytestmark = pytest.mark.gui
NO_MOD = Qt.KeyboardModifier.NoModifier
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture(scope="module")
def shared_window(qapp, tmp_path_factory):
    w = open_window(tmp_path_factory.mktemp("settings"), [DEMO])
    w.demo_model = w.base_model
    yield w
    w.close()


@pytest.fixture
def window(shared_window):
    w = shared_window
    if w.base_model is not w.demo_model or w.variants.active().edits or len(w.variants.variants) > 1:
        w.show_model(w.demo_model, w.demo_model.scene(), [str(DEMO)])
    w.set_selection([])
    w.viewport.set_mode("select")
    if w.settings.language() != "de":
        w.set_language("de")
    return w


# ------------------------------------------------------------------ independent references
def members_mask(window, root):
    from stadtbild.app.scenario_adapter import expand_with_parts

    sc = window.scene
    nums = [sc.object_number(i) for i in expand_with_parts(window.model, [root]) if i in sc.object_ids]
    return np.isin(sc.object_index, nums)


def footprint(window, root):
    """Shapely plan footprint (model CRS) of the building: union of its downward triangles."""
    import shapely

    sc = window.scene
    mask = members_mask(window, root) & (sc.face_normals[:, 2] < -0.5)
    tris = sc.to_world(sc.corners[mask].reshape(-1, 3)).reshape(-1, 3, 3)[:, :, :2]
    return shapely.union_all([shapely.Polygon(t) for t in tris if shapely.Polygon(t).area > 1e-6], grid_size=1e-4)


def ground_under(vp, pixel: QPoint, z: float) -> np.ndarray:
    """Local point where the view ray through a widget pixel meets the plane at height ``z``,
    by inverting the camera's composite projection matrix (numpy)."""
    w, h = vp.plotter.ren_win.GetSize()
    ratio = vp.plotter.interactor.devicePixelRatioF()
    m = vp.plotter.renderer.GetActiveCamera().GetCompositeProjectionTransformMatrix(w / max(h, 1), -1, 1)
    mat = np.array([[m.GetElement(i, j) for j in range(4)] for i in range(4)])
    inv = np.linalg.inv(mat)
    x = pixel.x() * ratio
    y = h - 1 - pixel.y() * ratio
    ndc_x, ndc_y = 2 * x / w - 1, 2 * y / h - 1
    ends = []
    for depth in (-1.0, 1.0):
        p = inv @ np.array([ndc_x, ndc_y, depth, 1.0])
        ends.append(p[:3] / p[3])
    d = ends[1] - ends[0]
    return ends[0] + (z - ends[0][2]) / d[2] * d


def kabsch_angle_deg(before_xy: np.ndarray, after_xy: np.ndarray) -> float:
    """Best-fit plan rotation (counter-clockwise, degrees) taking ``before`` onto ``after``."""
    a = before_xy - before_xy.mean(axis=0)
    b = after_xy - after_xy.mean(axis=0)
    return float(np.degrees(np.arctan2((a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]).sum(), (a * b).sum())))


def pick_building(window):
    """A tall building whose footprint is compact (it holds a 5 m disc around its centroid) so
    that a top view straight above it shows its roof at the centroid pixel."""
    model = window.model
    sc = window.scene
    tops = [oid for oid, o in model.objects.items() if not o.parents and o.type == "Building"]
    zmax = {oid: window.viewport.object_max[window.viewport._id_index[oid]][2]
            for oid in tops if oid in window.viewport._id_index}
    for oid in sorted(zmax, key=zmax.get, reverse=True)[:40]:
        fp = footprint(window, oid)
        if fp.geom_type == "Polygon" and fp.centroid.buffer(5.0).within(fp):
            base_z = float(sc.corners[members_mask(window, oid)][:, :, 2].min())
            return oid, fp, base_z
    raise AssertionError("no compact tall building in the demo")


def top_roof_point(window, oid) -> np.ndarray:
    """Centroid (local) of the building's highest sizeable roof triangle (unoccluded from above)."""
    sc = window.scene
    roof = np.flatnonzero(members_mask(window, oid) & (sc.face_normals[:, 2] > 0.5) & (sc.triangle_areas > 2.0))
    return sc.corners[roof[np.argmax(sc.corners[roof][:, :, 2].mean(axis=1))]].mean(axis=0)


def top_view_over(vp, centre_local, half=60.0):
    vp.set_view("top")
    c = np.asarray(centre_local, float)
    vp.plotter.renderer.ResetCamera((c[0] - half, c[0] + half, c[1] - half, c[1] + half, vp.ground_z, vp.ground_z + 1))
    vp.plotter.reset_camera_clipping_range()
    vp.render()


def drag(vp, press: QPoint, release: QPoint, mods=NO_MOD, steps=6, before_release=None, release_mods=None):
    it = vp.plotter.interactor
    QTest.mousePress(it, LEFT, mods, press)
    for k in range(1, steps + 1):
        QTest.mouseMove(it, press + (release - press) * (k / steps))
        QTest.qWait(5)
    if before_release is not None:
        before_release()
    QTest.mouseRelease(it, LEFT, mods if release_mods is None else release_mods, release)
    QTest.qWait(10)


# ------------------------------------------------------------------ tests
def test_drag_moves_building_then_undo_restores(window, artifacts):
    """A left drag moves the footprint centroid by the ground distance between the press and
    release points (±0.5 m) as ONE undoable 'move' edit; undo gives back the exact vertices."""
    vp = window.viewport
    oid, fp0, _base_z = pick_building(window)
    c0 = np.array(fp0.centroid.coords[0])
    c0_local = window.scene.to_local(np.r_[c0, 0.0])[:2]
    top_view_over(vp, c0_local)
    window.set_selection([oid])
    window.actions_by_name["transform"].trigger()
    assert vp.mode == "transform" and window.transform_tool.ids == [oid]
    assert window.actions_by_name["transform"].iconText() == "Verschieben/Drehen"
    verts0 = window.model.vertices.copy()
    n_edits = len(window.variants.active().edits)
    stack = window.variants.active_stack()
    index0 = stack.index()

    grab = top_roof_point(window, oid)  # the roof point grabbed; it follows the cursor at its height
    press = vp.world_to_widget(grab)
    release = vp.world_to_widget(grab + np.array([18.0, -11.0, 0.0]))
    expected = ground_under(vp, release, grab[2])[:2] - ground_under(vp, press, grab[2])[:2]

    def during():
        assert window.transform_tool._ghost is not None  # the live preview, no edit yet
        assert len(window.variants.active().edits) == n_edits
        msg = window.statusBar().currentMessage()  # German UI: live offset and angle
        assert msg.startswith("Versatz ") and "Drehung 0,0°" in msg, msg
        nums = re.match(r"Versatz ([-−\d.,]+) m, ([-−\d.,]+) m", msg).groups()
        shown = [float(v.replace(".", "").replace(",", ".").replace("−", "-")) for v in nums]
        assert abs(shown[0] - expected[0]) < 0.02 and abs(shown[1] - expected[1]) < 0.02, (shown, expected)
        save_screenshot(window, "gui-31-transform-dragging")

    drag(vp, press, release, before_release=during)
    edits = window.variants.active().edits
    if stack is not window.variants.active_stack():  # the edit of Bestand went into a new variant
        assert window.variants.variants[0].edits == [] and n_edits == 0 and stack.index() == index0
        stack, index0 = window.variants.active_stack(), 0
    assert len(edits) == n_edits + 1 and stack.index() == index0 + 1  # one undo step
    assert edits[-1]["op"] == "move" and edits[-1]["ids"] == [oid]
    fp1 = footprint(window, oid)
    shift = np.array(fp1.centroid.coords[0]) - c0
    assert np.linalg.norm(shift - expected) < 0.5, (shift, expected)
    assert np.linalg.norm(shift - np.array([18.0, -11.0])) < 0.5
    assert abs(fp1.area - fp0.area) < 0.01 * fp0.area
    save_screenshot(window, "gui-32-transform-moved")

    stack.undo()
    assert len(window.variants.active().edits) == n_edits
    assert np.array_equal(window.model.vertices, verts0)


def test_shift_drag_rotates_about_centroid(window, qtbot, artifacts):
    """Shift + drag rotates the building about its footprint centroid by the angle swept around
    it (±1°, from a Kabsch fit of the corners); the centroid stays put."""
    vp = window.viewport
    oid, fp0, base_z = pick_building(window)
    c0 = np.array(fp0.centroid.coords[0])
    c0_local = window.scene.to_local(np.r_[c0, 0.0])[:2]
    top_view_over(vp, c0_local)
    window.transform_tool.start([oid])
    mask = members_mask(window, oid)
    corners0 = window.scene.to_world(window.scene.corners[mask].reshape(-1, 3))[:, :2]
    u = np.array([1.0, 0.0])
    press_local = np.r_[c0_local + 4.0 * u, base_z]
    turn = np.radians(35.0)
    end_dir = np.array([np.cos(turn), np.sin(turn)])
    press = vp.world_to_widget(press_local)
    release = vp.world_to_widget(np.r_[c0_local + 25.0 * end_dir, base_z])
    gp, gr = ground_under(vp, press, base_z)[:2], ground_under(vp, release, base_z)[:2]
    expected = np.degrees(np.arctan2(gr[1] - c0_local[1], gr[0] - c0_local[0])
                          - np.arctan2(gp[1] - c0_local[1], gp[0] - c0_local[0]))
    drag(vp, press, release, mods=Qt.KeyboardModifier.ShiftModifier)
    edit = window.variants.active().edits[-1]
    assert edit["op"] == "rotate" and edit["ids"] == [oid]
    mask1 = members_mask(window, oid)
    corners1 = window.scene.to_world(window.scene.corners[mask1].reshape(-1, 3))[:, :2]
    assert corners1.shape == corners0.shape
    angle = kabsch_angle_deg(corners0, corners1)
    assert abs(angle - expected) < 1.0, (angle, expected)
    assert abs(angle - 35.0) < 2.5  # nominal: the press pixel 4 m from the pivot is rounded to ±0.1 m
    fp1 = footprint(window, oid)
    assert np.linalg.norm(np.array(fp1.centroid.coords[0]) - c0) < 0.1
    save_screenshot(window, "gui-33-transform-rotated")

    # Alt + wheel: 3 notches of 5° become ONE rotate edit of 15° after the last notch
    n_edits = len(window.variants.active().edits)
    it = vp.plotter.interactor
    centre_px = vp.world_to_widget(np.r_[c0_local, base_z])
    for _ in range(3):
        ev = QWheelEvent(QPointF(centre_px), QPointF(it.mapToGlobal(centre_px)), QPoint(0, 0), QPoint(0, 120),
                         Qt.MouseButton.NoButton, Qt.KeyboardModifier.AltModifier, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(it, ev)
        QTest.qWait(20)
    assert len(window.variants.active().edits) == n_edits  # still a preview
    assert window.transform_tool._ghost is not None and window.transform_tool.last_values[2] == 15.0
    qtbot.waitUntil(lambda: len(window.variants.active().edits) == n_edits + 1, timeout=15000)
    edits = window.variants.active().edits
    assert len(edits) == n_edits + 1 and edits[-1]["op"] == "rotate" and edits[-1]["rotation_deg"] == 15.0
    corners2 = window.scene.to_world(window.scene.corners[members_mask(window, oid)].reshape(-1, 3))[:, :2]
    assert abs(kabsch_angle_deg(corners1, corners2) - 15.0) < 0.01


def test_escape_cancels_and_ctrl_snaps(window, artifacts):
    """Esc during a drag leaves the model and the edits unchanged; Ctrl on release snaps the
    offset to 0.5 m steps; a drag on another building retargets the tool to it."""
    vp = window.viewport
    oid, fp0, _base_z = pick_building(window)
    c0_local = window.scene.to_local(np.r_[np.array(fp0.centroid.coords[0]), 0.0])[:2]
    vp.set_view("iso")  # Esc drag in the perspective iso view, grabbing the highest roof triangle
    window.transform_tool.start([])  # nothing targeted: pressing on the building targets it
    verts0 = window.model.vertices.copy()
    edits0 = [dict(e) for e in window.variants.active().edits]
    roof_pt = top_roof_point(window, oid)
    grab = vp.world_to_widget(roof_pt)

    def escape():
        assert window.transform_tool._ghost is not None
        save_screenshot(window, "gui-35-transform-iso-drag-before-esc")
        QTest.keyClick(vp.plotter.interactor, Qt.Key.Key_Escape)

    drag(vp, grab, grab + QPoint(120, 40), before_release=escape)
    assert window.transform_tool.ids == [oid]
    top_view_over(vp, c0_local)
    press = vp.world_to_widget(roof_pt)
    release = vp.world_to_widget(roof_pt + np.array([-13.3, 7.7, 0.0]))
    assert window.variants.active().edits == edits0
    assert window.model.vertices is not None and np.array_equal(window.model.vertices, verts0)
    assert window.transform_tool._ghost is None and vp.mode == "transform"

    drag(vp, press, release, release_mods=Qt.KeyboardModifier.ControlModifier)
    edit = window.variants.active().edits[-1]
    assert edit["op"] == "move"
    off = np.array(edit["offset"][:2])
    assert np.allclose(off / 0.5, np.round(off / 0.5), atol=1e-9)
    assert np.linalg.norm(off - np.array([-13.3, 7.7])) < 0.75
    QTest.keyClick(vp.plotter.interactor, Qt.Key.Key_Escape)  # Esc when idle leaves the tool
    assert vp.mode == "select" and not window.transform_tool.active


def test_insert_then_drag_into_place(window, qtbot, tmp_path, artifacts):
    """After 'insert design at a clicked point' the tool targets the new design: dragging it
    moves it by the dragged ground distance; each step is its own undo entry."""
    import trimesh

    path = tmp_path / "pavilion.obj"
    trimesh.creation.box(extents=(12.0, 8.0, 6.0)).export(path)
    vp = window.viewport
    lo, _hi = window.scene.bounds
    target = np.array([lo[0] + 120.0, lo[1] - 40.0, vp.ground_z])
    target_world = window.scene.to_world(target)
    top_view_over(vp, target[:2], half=45.0)
    window.start_insert(path)
    QTest.mouseClick(vp.plotter.interactor, LEFT, NO_MOD, vp.world_to_widget(target))
    qtbot.waitUntil(lambda: window._dialog is not None and window._dialog.objectName() == "insertDialog",
                    timeout=15000)
    window._dialog.accept()
    tool = window.transform_tool
    new = [i for i in window.model.objects if i not in window.base_model.objects]
    assert new and tool.active and tool.ids == [i for i in new if not window.model.objects[i].parents]
    assert vp.mode == "transform"
    fp0 = footprint(window, tool.ids[0])
    c0 = np.array(fp0.centroid.coords[0])
    assert np.linalg.norm(c0 - target_world[:2]) < 0.3
    here = window.scene.to_local(np.r_[c0, vp.ground_z + window.scene.origin[2]])
    z = float(window.scene.corners[members_mask(window, tool.ids[0])][:, :, 2].max())  # grab its top
    press = vp.world_to_widget(np.r_[here[:2], z])
    release = vp.world_to_widget(np.r_[here[:2] + np.array([6.0, 9.0]), z])
    expected = ground_under(vp, release, z)[:2] - ground_under(vp, press, z)[:2]
    drag(vp, press, release)
    ops = [e["op"] for e in window.variants.active().edits]
    assert ops[-2:] == ["insert", "move"]
    c1 = np.array(footprint(window, tool.ids[0]).centroid.coords[0])
    assert np.linalg.norm((c1 - c0) - expected) < 0.5
    save_screenshot(window, "gui-34-insert-dragged")
    window.variants.active_stack().undo()
    c_back = np.array(footprint(window, tool.ids[0]).centroid.coords[0])
    assert np.linalg.norm(c_back - c0) < 1e-6
