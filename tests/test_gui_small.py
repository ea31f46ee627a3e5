"""The smaller items of issue 18 §3 p, each through the real window: measuredHeight after "Höhe
festlegen", Cancel when the bar is at 100 %, the wheel zooms towards the cursor, ALKIS codes
decoded, the layer tree counts what the file has, Help ▸ Navigation.

References: the GML file's own elements (counted with a regular expression), the AdV code list
entries quoted in the test, the camera geometry (a point under the cursor stays under it).
"""
from __future__ import annotations

import re
import threading

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QKeySequence, QWheelEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialogButtonBox  # noqa: E402

from tests.conftest import DEMO, data_file  # noqa: E402
from tests.helpers import open_window  # noqa: E402
from tests.screenshots import project, save_screenshot  # noqa: E402

pytestmark = pytest.mark.gui

NRW = "citygml/nrw/LoD2_32_328_5729_1_NW.gml"


@pytest.fixture(scope="module")
def nrw(qapp, tmp_path_factory):
    w = open_window(tmp_path_factory.mktemp("settings"), [data_file(NRW)])
    yield w
    w.close()


def number(text: str) -> float:
    return float(text.replace(".", "").replace(",", ".")) if "," in text else float(text)


def test_set_height_updates_measured_height_in_the_attribute_dock(nrw, qtbot):
    w = nrw
    oid = "DENW34AL0000rEeC"  # measuredHeight 2.416 in the file
    w.set_selection([oid])
    assert number(w.attributes.rows()["measuredHeight"]) == pytest.approx(2.416)
    w.actions_by_name["set_height"].trigger()
    d = w._dialog
    qtbot.waitUntil(lambda: d.isVisible(), timeout=5000)
    d.fields["height_m"].setValue(25.0)
    ok = d.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    QTest.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.attributes.object_id == oid and
                    number(w.attributes.rows()["measuredHeight"]) == pytest.approx(25.0), timeout=15000)
    k = w.scene.object_number(oid)
    z = w.scene.corners[w.scene.object_index == k][:, :, 2]
    assert z.max() - z.min() == pytest.approx(25.0, abs=1e-6)
    w.undo_group.undo()
    qtbot.waitUntil(lambda: number(w.attributes.rows()["measuredHeight"]) == pytest.approx(2.416), timeout=15000)


def test_alkis_codes_are_decoded_in_the_attribute_dock(nrw):
    w = nrw
    w.set_selection(["DENW34AL0000rEeC"])
    rows = w.attributes.rows()
    # AdV GeoInfoDok: AX_Gebaeudefunktion 1010 = Wohnhaus, AX_Dachform 1000 = Flachdach
    assert rows["function"] == "Wohnhaus (31001_1010)"
    assert rows["roofType"] == "Flachdach (1000)"


def test_layer_tree_counts_the_buildings_of_the_file(nrw):
    """Buildings whose geometry lies in their BuildingParts count too (151 of 162 before)."""
    text = data_file(NRW).read_text(encoding="utf-8")
    buildings = len(re.findall(r"<bldg:Building[\s>]", text))
    parts = len(re.findall(r"<bldg:BuildingPart[\s>]", text))
    assert buildings == 105 and parts == 20
    items = nrw.layers.type_items
    assert items["Building"].text(0) == f"Building ({buildings})"
    assert items["BuildingPart"].text(0) == f"BuildingPart ({parts})"


def test_wheel_zooms_towards_the_point_under_the_cursor(nrw, qtbot):
    w = nrw
    vp = w.viewport
    vp.set_view("iso")
    inter = vp.plotter.interactor
    cursor = QPoint(inter.width() // 4, inter.height() * 2 // 3)  # well off the view centre
    _oid, target = vp.pick(cursor)
    assert target is not None
    before = float(np.linalg.norm(np.array(vp.plotter.camera.position) - target))
    for _ in range(3):
        ev = QWheelEvent(QPointF(cursor), QPointF(inter.mapToGlobal(cursor)), QPoint(0, 0), QPoint(0, 120),
                         Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(inter, ev)
    after = float(np.linalg.norm(np.array(vp.plotter.camera.position) - target))
    assert after == pytest.approx(before / 1.2 ** 3, rel=1e-6)  # closer by the wheel factor …
    x, y = project(vp, [target])[0]
    assert abs(x - cursor.x()) < 1.0 and abs(y - cursor.y()) < 1.0  # … and the point stays under the cursor


def test_help_lists_navigation_and_keys(nrw, qtbot, artifacts):
    w = nrw
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=15000)
    QTest.keyClick(w, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: w._dialog is not None and w._dialog.objectName() == "navigationHelp"
                    and w._dialog.isVisible(), timeout=10000)
    d = w._dialog
    text = d.text.toPlainText()
    assert w.menus["help"].actions()[0].text().replace("&", "") == "Navigation und Tasten"
    top = QKeySequence("Ctrl+2").toString(QKeySequence.SequenceFormat.NativeText)
    assert top in text and w.actions_by_name["view_top"].text().replace("&", "") in text
    for words in ("Mausrad", "Begehen", "Präsentation", "Vorwärts"):
        assert words.lower() in text.lower(), words
    save_screenshot(d, "gui-60-navigation-help")
    d.close()


def test_cancel_when_the_bar_shows_100_percent(qapp, qtbot, tmp_path):
    """The worker has finished (bar at 100 %) but its result has not reached the window yet: a
    click on Abbrechen still cancels, no result is shown."""
    w = open_window(tmp_path, [DEMO])
    try:
        dock = w.analysis
        page = dock.show_page("shadow")
        page.grid.setValue(8.0)
        QTest.mouseClick(dock.run_button, Qt.MouseButton.LeftButton)
        job = w._analysis_job
        assert job is not None
        assert job.done.wait(120)  # finished in its thread; the result is queued for the window
        QTest.mouseClick(dock.cancel_button, Qt.MouseButton.LeftButton)  # delivered before the queued result
        qtbot.waitUntil(lambda: not dock.cancel_button.isEnabled(), timeout=30000)
        assert dock.result_label.text() == "Abgebrochen"
        assert not w.state.results and "shadow" not in w.viewport.overlays
    finally:
        w.close()
