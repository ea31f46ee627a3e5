"""The viewshed and view-corridor pages of the analysis dock, driven under Xvfb (pytest-qt):
points picked by clicks in the top view, results compared with the library run on the same
scene and points, and the window saved as PNG (tests/artifacts/gui-viewshed.png, gui-viewcone.png)."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from tests.conftest import DEMO  # noqa: E402
from tests.screenshots import save_screenshot  # noqa: E402

pytestmark = pytest.mark.gui

TALLEST = "{B68741B6-AB73-4AF0-A1D0-29A60CF26190}"
STREET = (91135.0, 435565.0)  # a street point with a view of the tallest building


@pytest.fixture
def window(qtbot, tmp_path):
    from stadtbild.app.main_window import MainWindow

    w = MainWindow(QSettings(str(tmp_path / "stadtbild.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    w.open_paths([DEMO])
    qtbot.waitUntil(lambda: w.scene is not None, timeout=30000)
    yield w
    w.close()


def _pick(qtbot, window, button, local_point):
    vp = window.viewport
    button.click()
    assert vp.mode == "point"
    QTest.mouseClick(vp.plotter.interactor, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     vp.world_to_widget(local_point))
    qtbot.waitUntil(lambda: vp.mode == "select", timeout=15000)


def _run(qtbot, window):
    dock = window.analysis
    dock.run_button.click()
    qtbot.waitUntil(lambda: not dock.cancel_button.isEnabled(), timeout=120000)
    assert window.last_error is None
    return window.last_result


def test_viewshed_page(window, qtbot, artifacts):
    from stadtbild.model.ground import analysis_scene
    from stadtbild.analysis.viewshed import viewshed

    vp = window.viewport
    vp.set_view("top")
    page = window.analysis.show_page("viewshed")
    page.radius.setValue(200.0)
    page.grid.setValue(4.0)
    street = np.array([*STREET, 0.0]) - window.scene.origin
    street[2] = vp.ground_z
    _pick(qtbot, window, page.pick_buttons[0], street)
    picked = window.scene.to_local(page.points[0])  # the page keeps model coordinates
    assert np.hypot(*(picked - street)[:2]) < 3.0
    res = _run(qtbot, window)
    ref = viewshed(analysis_scene(window.model), picked + [0, 0, 1.6], radius_m=200.0, cell_m=4.0)
    assert res.visible_fraction == pytest.approx(ref.visible_fraction, abs=1e-9)
    assert 0.2 < res.visible_fraction < 1.0
    assert "viewshed" in vp.overlays
    save_screenshot(window, "gui-viewshed")


def test_viewcone_page(window, qtbot, artifacts):
    from stadtbild.model.ground import analysis_scene
    from stadtbild.analysis.corridor import view_corridor

    page = window.analysis.show_page("viewcone")
    page.half_angle.setValue(8.0)
    scene = window.scene
    street = np.array([*STREET, 0.0]) - scene.origin
    street[2] = window.viewport.ground_z
    page.set_point(0, scene.to_world(street))
    page.set_point(1, scene.to_world(scene.vertices[scene.triangles[scene.object_index == scene.object_number(TALLEST)][0, 0]]),
                   TALLEST)
    res = _run(qtbot, window)
    ref = view_corridor(analysis_scene(window.model), street + [0, 0, 1.6], target_id=TALLEST, half_angle_deg=8.0)
    assert res.figures()["intruding"] == ref.figures()["intruding"]
    assert res.figures()["target_id"] == TALLEST
    assert "viewcone" in window.viewport.overlays
    red = np.array([oid in {e["id"] for e in ref.figures()["intruding"]} for oid in scene.object_ids])
    if red.any():
        assert (window.viewport.result_rgb[red[scene.object_index]] == (220, 40, 40)).all()
    window.viewport.set_view("iso")
    save_screenshot(window, "gui-viewcone")
