"""The tour editor of presentation mode (app.tour_dialog): views added, reordered, renamed,
timed and removed by its buttons and cells; a tour saved to a file and loaded back gives the
same stops (viewer.camera.Tour is the reference format)."""
from __future__ import annotations

import json

import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QFileDialog, QPushButton  # noqa: E402

pytestmark = pytest.mark.gui


def _button(dlg, text):
    return next(b for b in dlg.findChildren(QPushButton) if b.text() == text)


def test_tour_editor_orders_times_and_saves_views(qtbot, tmp_path, monkeypatch):
    from stadtbild.app import i18n
    from stadtbild.app.tour_dialog import TourDialog
    from stadtbild.viewer.camera import Tour

    i18n.set_language("en")
    views = [{"view": "iso", "name": "Overview", "duration_s": 4.0}, {"view": "top", "name": "Plan"}]
    added = []

    def add_current(n):
        added.append(n)
        return {"view": "iso-ne", "name": f"Current {n}", "duration_s": 3.0}

    dlg = TourDialog(views, add_current)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 2 and dlg.table.item(0, 0).text() == "Overview"
    qtbot.mouseClick(_button(dlg, "Add current view"), Qt.MouseButton.LeftButton)
    assert added == [2] and dlg.table.rowCount() == 3
    dlg.table.item(1, 0).setText("Site plan")
    dlg.table.cellWidget(1, 1).setValue(7.5)
    dlg.table.selectRow(2)
    qtbot.mouseClick(_button(dlg, "Up"), Qt.MouseButton.LeftButton)
    assert dlg.table.currentRow() == 1
    dlg.table.selectRow(0)
    qtbot.mouseClick(_button(dlg, "Remove"), Qt.MouseButton.LeftButton)
    out = dlg.result_views()
    assert [(v["view"], v["name"], v["duration_s"]) for v in out] == [("iso-ne", "Current 2", 3.0),
                                                                      ("top", "Site plan", 7.5)]
    assert views[1] == {"view": "top", "name": "Plan"}  # the caller's list stays as it was

    path = tmp_path / "walk.tour.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    qtbot.mouseClick(_button(dlg, "Save tour…"), Qt.MouseButton.LeftButton)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert [s["name"] for s in Tour.from_dict(saved).views] == ["Current 2", "Site plan"]

    other = TourDialog([], add_current)
    qtbot.addWidget(other)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    qtbot.mouseClick(_button(other, "Load tour…"), Qt.MouseButton.LeftButton)
    assert [(v["name"], v["duration_s"]) for v in other.result_views()] == [("Current 2", 3.0), ("Site plan", 7.5)]
