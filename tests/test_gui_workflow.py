"""The planner's work is never lost and always belongs to a named variant (issue 18 §3 a, b, k),
driven through the real window with real keys and clicks (pytest-qt under Xvfb).

- a: Datei ▸ Öffnen with an unsaved variant asks Speichern / Verwerfen / Abbrechen; every model
  has its own autosave journal and opening another model never overwrites or removes it.
- b: recovery is offered only for journals that hold changes, and never in a blocking dialog.
- k: edits go into a named variant (Bestand stays the untouched source); the project keeps the
  variants' edits, the undo history and the 2D layers; Beenden with unsaved work asks, and the
  journal is kept when the user leaves without saving.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from stadtbild.model.autosave import read_journal  # noqa: E402
from tests.conftest import DEMO, data_file  # noqa: E402
from tests.dialogs import answer_when_shown, type_into_file_dialog  # noqa: E402
from tests.helpers import click_building, open_window, wait_idle  # noqa: E402

pytestmark = pytest.mark.gui
B = QMessageBox.StandardButton
OTHER = "cityjson/rotterdam_subset.city.json"  # a second, small model


@pytest.fixture
def window(qapp, qtbot, tmp_path, monkeypatch):
    """A fresh window on the demo with its own settings and autosave folder; the unsaved-work
    question is asked for real (no scripted answer)."""
    monkeypatch.setenv("STADTBILD_AUTOSAVE_DIR", str(tmp_path / "autosave"))
    monkeypatch.delenv("STADTBILD_UNSAVED", raising=False)
    monkeypatch.delenv("STADTBILD_RECOVER", raising=False)
    w = open_window(tmp_path, [DEMO])
    w.activateWindow()  # as a window manager does when the window maps
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=15000)
    wait_idle(qtbot, w)
    yield w
    monkeypatch.setenv("STADTBILD_UNSAVED", "discard")  # teardown never waits for a question
    w.close()


def demolish_by_keyboard(qtbot, w, object_id):
    """Click the building, press Entf (Delete) in the view: the planner's demolition."""
    click_building(qtbot, w, object_id)
    n = len(w.model.objects)
    QTest.keyClick(w.viewport.plotter.interactor, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: len(w.model.objects) < n, timeout=15000)


def buildings(w, n):
    return sorted(i for i, o in w.base_model.objects.items() if not o.parents)[:n]


def journal_of(w, files=None):
    """The journal (newest first) in the window's autosave folder whose sources are ``files``
    (default: the open model's), by content, or None."""
    folder = w.autosave.saver.folder
    want = sorted(str(Path(f).resolve()) for f in (files or w.files))
    found = [p for p in sorted(folder.glob("*.autosave.json"), key=lambda p: p.stat().st_mtime, reverse=True)
             if read_journal(p) is not None and sorted(read_journal(p).sources) == want]
    return found[0] if found else None


# ------------------------------------------------------------------ k: named variants
def test_edit_in_bestand_goes_into_a_new_named_variant(window, qtbot):
    w = window
    target = buildings(w, 1)[0]
    assert w.variants.list.currentRow() == 0  # Bestand is active after opening
    demolish_by_keyboard(qtbot, w, target)
    vd = w.variants
    assert vd.variants[0].edits == []  # Bestand stays the untouched source
    assert vd.list.currentRow() == 1 and vd.active().name == "Variante A"
    assert vd.active().edits == [{"op": "demolish", "ids": [target]}]
    assert vd.list.item(0).text() == "Bestand" and vd.list.item(1).text() == "Variante A  (1 Änderung)"
    assert "Variante A" in w.statusBar().currentMessage()
    assert vd.rename_button.isEnabled() and vd.delete_button.isEnabled()  # a variant of the user's
    vd.list.setCurrentRow(0)  # Bestand shows every building again
    assert target in w.model.objects and len(w.model.objects) == len(w.base_model.objects)
    # the source model's row is neither renamed nor deleted (its name follows the UI language)
    assert not vd.rename_button.isEnabled() and not vd.delete_button.isEnabled()
    QTest.mouseClick(vd.rename_button, Qt.MouseButton.LeftButton)
    assert vd.list.item(0).text() == "Bestand" and QApplication.activeModalWidget() is None


# ------------------------------------------------------------------ a: open asks, journals per model
def test_open_with_unsaved_variant_asks_and_cancel_keeps_the_work(window, qtbot):
    w = window
    demolish_by_keyboard(qtbot, w, buildings(w, 1)[0])
    ans = answer_when_shown("unsavedDialog", B.Cancel)
    QTest.keyClick(w, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)  # Datei ▸ Öffnen
    qtbot.waitUntil(lambda: ans.done, timeout=15000)
    assert ans.modal and "1 ungesicherte Änderung („Variante A“)" in ans.text  # singular: one edit
    assert {"Speichern", "Verwerfen", "Abbrechen"} <= set(ans.buttons)
    assert w.variants.active().edits and w.files == [str(DEMO)]  # nothing replaced


def test_open_discard_keeps_the_journal_of_the_previous_model(window, qtbot, tmp_path):
    w = window
    ids = buildings(w, 2)
    for oid in ids:
        demolish_by_keyboard(qtbot, w, oid)
    w.autosave.save_now()
    journal = journal_of(w)
    assert journal is not None and read_journal(journal).n_edits == 2
    other = data_file(OTHER)
    ans = answer_when_shown("unsavedDialog", B.Discard)
    files = type_into_file_dialog(other)
    QTest.keyClick(w, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.files == [str(other)] and w.scene is not None, timeout=30000)
    assert ans.done and files.done
    wait_idle(qtbot, w)
    w.autosave.save_now()  # the new model's (empty) state is journalled right away …
    rec = read_journal(journal)  # … and the demo's journal is still there, with both edits
    assert rec is not None and rec.n_edits == 2 and rec.closed_unsaved
    assert [s["edits"] for s in rec.scenarios if s["edits"]] == [[{"op": "demolish", "ids": [i]} for i in ids]]
    assert journal_of(w, [other]) is None  # nothing to journal for the untouched new model
    # an edit of the new model goes to the new model's own journal
    w.set_selection([sorted(w.model.objects)[0]])
    w.demolish_selected()
    w.autosave.save_now()
    assert journal_of(w, [other]) is not None and journal_of(w, [other]) != journal
    assert read_journal(journal).n_edits == 2


# ------------------------------------------------------------------ b: recovery prompts
def _dead_journal(folder: Path, name: str, sources, scenarios) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps({"format": "stadtbild-autosave", "version": 1, "pid": 999999998,
                                "process_start": 1.0, "saved_at": "2026-11-20T10:00:00Z",
                                "sources": [str(s) for s in sources], "scenarios": scenarios,
                                "active_scenario": scenarios[-1]["name"], "project_path": None, "extra": {}}))
    return path


def test_start_offers_no_recovery_for_an_empty_journal_and_never_blocks(window, qtbot):
    w = window
    folder = w.autosave.saver.folder
    other = data_file(OTHER)
    empty = _dead_journal(folder, "session-999999998-1.autosave.json", [other],
                          [{"name": "Bestand", "edits": []}])
    assert w.autosave.offer_recovery([DEMO]) is None  # as run_app does at start: no prompt about 0 changes
    assert getattr(w.autosave, "offer_box", None) is None and QApplication.activeModalWidget() is None
    # a crashed session with real work on another file: offered, but not modal — the demo stays usable
    full = _dead_journal(folder, "model-0123456789abcdef-999999997-1.autosave.json", [other],
                         [{"name": "Bestand", "edits": []},
                          {"name": "Variante X", "edits": [{"op": "demolish", "ids": ["x"]}]}])
    w.autosave.offer_recovery([DEMO])
    box = w.autosave.offer_box
    assert box is not None and box.isVisible() and not box.isModal()
    assert QApplication.activeModalWidget() is None
    assert "1 ungesicherte Änderung von " in box.text() and other.name in box.text()  # singular: one edit
    target = buildings(w, 1)[0]
    click_building(qtbot, w, target)  # the window takes clicks while the question is open
    QTest.mouseClick(box.button(B.Discard), Qt.MouseButton.LeftButton)
    assert not full.exists() and empty.exists()  # declined: removed; the empty one was never asked about


def test_reopening_a_model_left_unsaved_offers_its_work_back(window, qtbot):
    w = window
    ids = buildings(w, 2)
    for oid in ids:
        demolish_by_keyboard(qtbot, w, oid)
    QTest.keyClick(w.viewport.plotter.interactor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(w.variants.active().edits) == 1, timeout=15000)
    ans = answer_when_shown("unsavedDialog", B.Discard)
    w.open_paths([data_file(OTHER)])  # e.g. from the recent files
    qtbot.waitUntil(lambda: w.files == [str(data_file(OTHER))], timeout=30000)
    assert ans.done
    wait_idle(qtbot, w)
    assert w.autosave.offer_box is None  # the other model has no journal: nothing offered
    w.open_paths([DEMO])  # back to the demo: its discarded work is offered, non-modal
    qtbot.waitUntil(lambda: w.autosave.offer_box is not None, timeout=30000)
    box = w.autosave.offer_box
    assert not box.isModal() and "nicht gesichert" in box.text()
    QTest.mouseClick(box.button(B.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(w.variants.variants) == 2, timeout=30000)
    v = w.variants.active()
    assert v.name == "Variante A" and v.edits == [{"op": "demolish", "ids": [ids[0]]}]
    # the undo history came back too: the undone demolition can be redone
    stack = w.state.stack(v)
    assert (stack.count(), stack.index()) == (2, 1), (stack.count(), stack.index())
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=15000)
    QTest.keyClick(w.viewport.plotter.interactor, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(v.edits) == 2, timeout=15000)
    assert ids[1] not in w.model.objects


# ------------------------------------------------------------------ k: the project keeps everything
def test_project_keeps_variants_history_and_layers(window, qtbot, tmp_path):
    w = window
    ids = buildings(w, 3)
    for oid in ids:
        demolish_by_keyboard(qtbot, w, oid)
    QTest.keyClick(w.viewport.plotter.interactor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(w.variants.active().edits) == 2, timeout=15000)
    lo, _hi = w.scene.bounds
    ox, oy = w.scene.origin[:2]
    x, y = ox + lo[0] + 50, oy + lo[1] + 50
    gj = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
          "features": [{"type": "Feature", "properties": {"flst": "12/3", "nutzung": "Wohnen"},
                        "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + 40, y], [x + 40, y + 25],
                                                                         [x, y + 25], [x, y]]]}}]}
    layer_path = tmp_path / "flurstuecke.geojson"
    layer_path.write_text(json.dumps(gj))
    w.add_layer_file(layer_path, {"label_by": "flst", "colour": [0, 114, 178]})
    qtbot.waitUntil(lambda: len(w.geo_layers.entries) == 1, timeout=20000)
    project = tmp_path / "plan.stadtbild"
    files = type_into_file_dialog(project)
    QTest.keyClick(w, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Projekt speichern
    qtbot.waitUntil(lambda: project.exists(), timeout=30000)
    assert files.done and not w.projects.has_unsaved_work()
    assert journal_of(w) is None  # saved: no journal needed
    data = json.loads(project.read_text())
    assert [s["name"] for s in data["scenarios"]] == ["Variante A"]  # Bestand is the source, not a scenario
    assert data["history"]["Variante A"]["index"] == 2 and len(data["history"]["Variante A"]["commands"]) == 3
    assert data["layers"][0]["path"] == "flurstuecke.geojson" and data["layers"][0]["style"]["label_by"] == "flst"

    w.projects.new_project()  # nothing unsaved: no question
    assert len(w.variants.variants) == 1 and not w.geo_layers.entries
    w.projects.open(project)
    qtbot.waitUntil(lambda: len(w.variants.variants) == 2 and len(w.geo_layers.entries) == 1, timeout=30000)
    wait_idle(qtbot, w)
    v = w.variants.active()
    assert v.name == "Variante A" and [e["ids"][0] for e in v.edits] == ids[:2]
    assert w.geo_layers.entries[0].style["label_by"] == "flst"
    assert not w.projects.has_unsaved_work()
    QTest.keyClick(w.viewport.plotter.interactor, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)  # redo
    qtbot.waitUntil(lambda: len(v.edits) == 3, timeout=15000)
    assert w.projects.has_unsaved_work()
    for _ in range(3):
        QTest.keyClick(w.viewport.plotter.interactor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: v.edits == [], timeout=15000)
    assert all(i in w.model.objects for i in ids)


# ------------------------------------------------------------------ k: quitting
def test_quit_with_unsaved_work_asks_and_keeps_the_journal(window, qtbot):
    w = window
    demolish_by_keyboard(qtbot, w, buildings(w, 1)[0])
    ans = answer_when_shown("unsavedDialog", B.Cancel)
    QTest.keyClick(w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)  # Datei ▸ Beenden
    qtbot.waitUntil(lambda: ans.done, timeout=15000)
    assert "beendet" in ans.text
    assert w.isVisible()  # Abbrechen: still open, work still there
    assert w.variants.active().edits
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=15000)  # the keyboard is back
    ans = answer_when_shown("unsavedDialog", B.Discard)
    QTest.keyClick(w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=15000)
    journal = journal_of(w)
    assert journal is not None  # a normal exit with unsaved work keeps the journal …
    rec = read_journal(journal)
    assert rec.n_edits == 1 and rec.closed_unsaved  # … as the last copy, offered when the demo is opened again
