"""The desktop window driven for real under Xvfb (pytest-xvfb starts it; pytest-qt drives it).

Each test opens the bundled demo district (853 LoD2 buildings of Rotterdam Delfshaven), then
clicks, edits and analyses like a user. Expected values come from the model data itself (which
building lies under a screen point is computed from the scene's triangles and the renderer's
world-to-display transform, not from the picking code under test). Screenshots of every main state
go to tests/artifacts/ (or $OUT).
"""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import QPoint, QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from model.semantics import SURFACE_CODE  # noqa: E402
from tests.conftest import DEMO, data_file  # noqa: E402

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, tmp_path):
    from app.main_window import MainWindow

    settings = QSettings(str(tmp_path / "stadtbild.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    w.open_paths([DEMO])
    qtbot.waitUntil(lambda: w.scene is not None, timeout=30000)
    yield w
    w.close()


def shot(window, artifacts, name):
    path = artifacts / f"gui-{name}.png"
    window.save_window_image(path)
    assert path.stat().st_size > 10000
    return path


def top_roof_target(scene):
    """The highest sizeable roof triangle of the scene (unoccluded in a top view): its object id
    and centroid (local)."""
    roof = (scene.surface_type == SURFACE_CODE["RoofSurface"]) & (scene.triangle_areas > 15.0)
    idx = np.flatnonzero(roof)
    centroids = scene.corners[idx].mean(axis=1)
    best = idx[np.argmax(centroids[:, 2])]
    return scene.object_ids[scene.object_index[best]], scene.corners[best].mean(axis=0)


def click_at_object(qtbot, window, object_id=None, modifier=Qt.KeyboardModifier.NoModifier):
    """Top view, zoom to the building, click the centroid of its highest big roof triangle."""
    vp = window.viewport
    scene = window.scene
    if object_id is None:
        object_id, point = top_roof_target(scene)
    else:
        k = scene.object_number(object_id)
        sel = np.flatnonzero((scene.object_index == k) & (scene.surface_type == SURFACE_CODE["RoofSurface"]))
        best = sel[np.argmax(scene.triangle_areas[sel])]
        point = scene.corners[best].mean(axis=0)
    vp.set_view("top")
    vp.zoom_to([object_id])
    pos = vp.world_to_widget(point)
    w = vp.plotter.interactor
    assert 0 <= pos.x() < w.width() and 0 <= pos.y() < w.height()
    QTest.mouseClick(w, Qt.MouseButton.LeftButton, modifier, pos)
    return object_id, pos


def test_opens_demo_in_german_with_layers_and_first_frame(window, artifacts):
    assert window.windowTitle().startswith("3-20-DELFSHAVEN.city.json")
    assert window.menus["file"].title() == "&Datei"
    assert len(window.model.objects) == 853
    assert window.layers.type_items["Building"].text(0) == "Building (853)"
    # the view shows the whole district: every building centre projects inside the view
    xy = window.viewport._project(window.viewport.object_centre)
    w = window.viewport.plotter.interactor
    assert np.all((xy[:, 0] > 0) & (xy[:, 0] < w.width()) & (xy[:, 1] > 0) & (xy[:, 1] < w.height()))
    assert 0 < window.timings["first_frame_s"] < 30
    assert window.viewport._scale.metres in (50, 100, 200, 500)  # a round scale-bar length for ~1 km
    shot(window, artifacts, "01-demo")


def test_click_selects_building_and_attribute_dock_shows_its_id(window, qtbot, artifacts):
    expected, _pos = click_at_object(qtbot, window)
    qtbot.waitUntil(lambda: window.attributes.object_id == expected, timeout=5000)
    rows = window.attributes.rows()
    assert rows["ID"] == expected
    assert rows["Typ"] == "Building"
    assert rows["TerrainHeight"] == str(window.model.objects[expected].attributes["TerrainHeight"])
    # highlight: every triangle of the building (and only those) is drawn in the selection colour
    from viewer.scene_view import SELECTION_COLOUR

    mesh = window.viewport.layers["Building"]["mesh"]
    obj = np.asarray(mesh.cell_data["object_index"])
    is_sel = np.all(np.asarray(mesh.cell_data["rgb"]) == SELECTION_COLOUR, axis=1)
    k = window.scene.object_number(expected)
    assert np.array_equal(is_sel, obj == k)
    shot(window, artifacts, "02-selected")


def test_shift_click_adds_and_box_select(window, qtbot, artifacts):
    first, _ = click_at_object(qtbot, window)
    qtbot.waitUntil(lambda: window.selected == [first], timeout=5000)
    # a second building: the highest roof of another building
    scene = window.scene
    roof = (scene.surface_type == SURFACE_CODE["RoofSurface"]) & (scene.triangle_areas > 15.0)
    other_obj = scene.object_index != scene.object_number(first)
    idx = np.flatnonzero(roof & other_obj)
    second = scene.object_ids[scene.object_index[idx[np.argmax(scene.corners[idx][:, :, 2].mean(axis=1))]]]
    click_at_object(qtbot, window, second, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: len(window.selected) == 2, timeout=5000)
    assert set(window.selected) == {first, second}
    # box select: drag over the left half of the view in the iso view; compare with the centres
    # projected by VTK's own world->display transform (vtkCoordinate), one by one
    vp = window.viewport
    vp.set_view("iso")
    window.actions_by_name["mode_box"].trigger()
    w = vp.plotter.interactor
    a, b = QPoint(5, 5), QPoint(w.width() // 2, w.height() - 5)
    QTest.mousePress(w, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(w, QPoint(w.width() // 4, w.height() // 2))
    QTest.mouseMove(w, b)
    QTest.mouseRelease(w, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
    expected = set()
    for oid, c in zip(scene.object_ids, vp.object_centre):
        p = vp.world_to_widget(c)
        if a.x() <= p.x() <= b.x() and a.y() <= p.y() <= b.y():
            expected.add(oid)
    assert 50 < len(expected) < 853
    got = set(window.selected)
    assert len(got ^ expected) <= 2  # rounding of centres lying on the border pixel
    shot(window, artifacts, "03-box-selected")
    window.actions_by_name["mode_select"].trigger()


def test_demolish_undo_redo_and_history(window, qtbot, artifacts):
    target, _ = click_at_object(qtbot, window)
    qtbot.waitUntil(lambda: window.selected == [target], timeout=5000)
    window.actions_by_name["demolish"].trigger()
    assert target not in window.model.objects
    assert len(window.model.objects) == 852
    assert target not in window.scene.object_ids
    assert window.variants.active().edits == [{"op": "demolish", "ids": [target]}]
    assert window.variants.history.model().rowCount() == 2  # <original> + the demolition
    assert window.base_model is not window.model and target in window.base_model.objects  # source untouched
    shot(window, artifacts, "04-demolished")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: target in window.model.objects, timeout=5000)
    assert len(window.scene.object_ids) == 853
    assert window.variants.active().edits == []
    shot(window, artifacts, "05-undone")
    QTest.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: target not in window.model.objects, timeout=5000)
    # compare mode: the demolished building appears as a transparent ghost
    window.variants.compare.setChecked(True)
    assert "ghost" in window.viewport.overlays
    window.variants.compare.setChecked(False)


def test_variants_are_independent(window, qtbot):
    target, _ = click_at_object(qtbot, window)
    qtbot.waitUntil(lambda: window.selected == [target], timeout=5000)
    window.variants.new_button.click()
    window.set_selection([target])
    window.demolish_selected()
    assert len(window.model.objects) == 852
    window.variants.list.setCurrentRow(0)  # back to the existing state
    assert len(window.model.objects) == 853
    window.variants.list.setCurrentRow(1)
    assert len(window.model.objects) == 852


def test_metrics_analysis_colours_buildings_and_shows_legend(window, qtbot, artifacts):
    from analysis.metrics import compute_metrics

    dock = window.analysis
    page = dock.show_page("metrics")
    page.metric.setCurrentIndex(page.metric.findData("ridge_height_m"))
    dock.run_button.click()
    qtbot.waitUntil(lambda: not dock.cancel_button.isEnabled(), timeout=60000)
    assert window.last_error is None
    ref = compute_metrics(window.model)["ridge_height_m"]
    ref = ref[np.isfinite(ref)]
    st = window.legend.state
    assert st["kind"] == "ramp"
    assert st["vmax"] == pytest.approx(ref.max())
    assert st["vmin"] == pytest.approx(ref.min())
    assert window.viewport.result_rgb is not None
    shot(window, artifacts, "06-metrics-legend")


def test_measure_distance_and_height(window, qtbot):
    vp = window.viewport
    vp.set_view("top")
    window.actions_by_name["mode_distance"].trigger()
    lo, hi = window.scene.bounds
    # two points on the open ground (outside the district's bbox, on the ground plane) 100 m apart
    y = lo[1] - 20.0
    p1, p2 = np.array([lo[0] + 100, y, vp.ground_z]), np.array([lo[0] + 200, y, vp.ground_z])
    w = vp.plotter.interactor
    for p in (p1, p2):
        QTest.mouseClick(w, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, vp.world_to_widget(p))
        qtbot.wait(20)
    qtbot.waitUntil(lambda: "100" in window.statusBar().currentMessage(), timeout=3000)
    # one screen pixel is ~1 m here: the clicked points are within a pixel of the targets
    res = vp._last_distance
    assert res["distance_m"] == pytest.approx(100.0, abs=2.5)
    assert res["dz_m"] == pytest.approx(0.0, abs=1e-6)
    # height above ground of the highest roof point: its z minus the building's footing
    oid, point = top_roof_target(window.scene)
    vp.zoom_to([oid])
    window.actions_by_name["mode_height"].trigger()
    QTest.mouseClick(w, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, vp.world_to_widget(point))
    qtbot.waitUntil(lambda: vp._last_height is not None, timeout=3000)
    k = window.scene.object_number(oid)
    footing = window.scene.corners[window.scene.object_index == k][:, :, 2].min()
    assert vp._last_height["height_above_ground_m"] == pytest.approx(point[2] - footing, abs=0.5)
    window.actions_by_name["mode_select"].trigger()


def test_language_switch_and_persisted(window, qtbot, artifacts):
    assert window.attributes.windowTitle() == "Attribute"
    window.actions_by_name["lang_en"].trigger()
    assert window.menus["file"].title() == "&File"
    assert window.attributes.windowTitle() == "Attributes"
    assert window.analysis.run_button.text() == "Run"
    assert window.settings.language() == "en"
    shot(window, artifacts, "07-english")
    window.actions_by_name["lang_de"].trigger()
    assert window.menus["file"].title() == "&Datei"
    assert window.analysis.run_button.text() == "Starten"


def test_bad_file_gives_one_line_error_dialog(window, qtbot):
    """The CLI's one-line cause (``error: FILE: what``) appears as the dialog text."""
    bad = data_file("invalid/invalid_json_cityjson.json")
    window.last_error = None
    window.open_paths([bad])
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=20000)
    assert "\n" not in window.last_error
    assert window.last_error.startswith(f"{bad}: invalid JSON")
    assert window._error_box.isVisible() and window._error_box.text() == window.last_error
    window._error_box.close()
    assert len(window.model.objects) == 853  # the open model stays


def test_search_by_id_selects(window, qtbot):
    some = sorted(window.model.objects)[100]
    window.search.edit.setText(some[1:9])
    window.search.run()
    assert some in window.search.found
    window.search.results.item(window.search.found.index(some)).setSelected(True)
    assert window.selected == [some]
