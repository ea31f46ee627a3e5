"""The planner's workstation as a new user meets it (issue 18 §3 f, g, h, i, j, m, n), driven
through the real window with real keys and clicks under Xvfb and a window manager; pictures are
real screen captures (tests/screenshots.py).

- f: buildings are named by address / name / short id (undo text, history, attribute dock).
- g: messages, values and numbers in German.
- h: tool hints, the roof height off for flat roofs, shortcuts after dialogs.
- i: the council report (PDF) holds each analysis, its map and legend, parameters, figures per
  variant against Bestand, what changed, data credit, CRS and date — in German.
- j: the export dialog adds the chosen format's ending and remembers folder and format.
- m: setbacks on NRW data: the NRW rule, parcels loaded in the window, the variant's new conflicts.
- n: 2D layers filled, styled by attribute, labelled, in the legend; a click reads a parcel;
  search has no cap.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox  # noqa: E402

from tests.conftest import data_file  # noqa: E402
from tests.dialogs import answer_when_shown, type_into_file_dialog  # noqa: E402
from tests.helpers import box_model, click_building, open_window, wait_idle  # noqa: E402
from tests.screenshots import artifact_path, disc_mask, save_screenshot  # noqa: E402

pytestmark = pytest.mark.gui
B = QMessageBox.StandardButton
NRW = data_file("citygml/nrw/LoD2_32_329_5727_1_NW.gml")  # 47 buildings with addresses (Wesel)


@pytest.fixture(scope="module")
def win(qapp, tmp_path_factory):
    folder = tmp_path_factory.mktemp("planner")
    w = open_window(folder, [NRW])
    w.nrw_model = w.base_model
    w.folder = folder
    yield w
    w.close()


@pytest.fixture
def window(win, qtbot):
    """The module's window on the NRW tile, fresh: German, no variant, no selection, active."""
    w = win
    if w._error_box is not None:
        w._error_box.done(0)
        w._error_box = None
    if w.base_model is not w.nrw_model or len(w.variants.variants) > 1:
        w.show_model(w.nrw_model, w.nrw_model.scene(), [str(NRW)])
    w.set_selection([])
    w.viewport.set_mode("select")
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=15000)
    wait_idle(qtbot, w)
    return w


def addressed(w):
    """A building with one address (and its "street number")."""
    for oid, o in sorted(w.base_model.objects.items()):
        a = o.attributes
        if not o.parents and "address.ThoroughfareName" in a and "address.ThoroughfareName[1]" not in a \
                and oid in w.scene.object_ids:
            return oid, f"{a['address.ThoroughfareName']} {a['address.ThoroughfareNumber']}"
    raise AssertionError("no building with an address")


# ------------------------------------------------------------------ f: labels
def test_buildings_are_named_by_their_address(window, qtbot):
    w = window
    oid, label = addressed(w)
    click_building(qtbot, w, oid)
    assert w.attributes.label == label and label in w.attributes.header.text()
    assert w.attributes.header.toolTip() == oid and w.attributes.rows()["ID"] == oid  # the full id stays
    QTest.keyClick(w.viewport.plotter.interactor, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: oid not in w.model.objects, timeout=15000)
    stack = w.state.stack()
    assert stack.text(stack.index() - 1) == f"Abriss {label}"  # undo text and history: the address
    history = w.variants.history.model()
    shown = [history.data(history.index(r, 0)) for r in range(history.rowCount())]
    assert f"Abriss {label}" in shown and not any(oid in s for s in shown)
    assert oid not in w.actions_by_name["undo"].text() and label in w.actions_by_name["undo"].text()
    save_screenshot(w, "gui-planner-f-address-label")


def test_sightline_result_names_blockers_by_label():
    from stadtbild.app.analysis_calls import sightline_layer, with_labels
    from stadtbild.importers import load

    model = load(NRW)
    scene = model.scene()
    oid, label = next((i, f"{o.attributes['address.ThoroughfareName']} {o.attributes['address.ThoroughfareNumber']}")
                      for i, o in sorted(model.objects.items())
                      if "address.ThoroughfareName" in o.attributes and "address.ThoroughfareName[1]" not in o.attributes
                      and i in scene.object_ids)
    k = scene.object_number(oid)
    c = scene.corners[scene.object_index == k].reshape(-1, 3)
    centre = c.mean(axis=0)
    lo, hi = c.min(axis=0), c.max(axis=0)
    from stadtbild.analysis.sightline import sightline

    res = sightline(scene, np.array([lo[0] - 30.0, centre[1], lo[2] + 2.0]),
                    target=np.array([hi[0] + 30.0, centre[1], lo[2] + 2.0]))
    assert oid in res.blocked_by
    layer = sightline_layer(scene, np.zeros((scene.n_triangles, 3), np.uint8), with_labels(res, model, res.blocked_by))
    assert label in layer.summary and oid not in layer.summary


# ------------------------------------------------------------------ g: German
def test_errors_values_and_numbers_in_german(window, qtbot, tmp_path):
    w = window
    bad = data_file("invalid/geojson_not_cityjson.json")
    w.open_paths([bad])
    qtbot.waitUntil(lambda: w.last_error is not None, timeout=30000)
    assert w.last_error == f"{bad}: keine CityJSON-Datei (Typ ist 'Feature')"
    assert w._error_box.text() == w.last_error
    w._error_box.done(0)
    w.last_error = None
    cut = tmp_path / "abgeschnitten.gml"
    data = NRW.read_bytes()
    cut.write_bytes(data[: len(data) // 2])  # an interrupted copy: the first half of the buildings load
    w.open_paths([cut])
    qtbot.waitUntil(lambda: w.last_error is not None, timeout=30000)
    assert w.files == [str(cut)] and 0 < len(w.base_model.objects) < len(w.nrw_model.objects)
    assert w.last_error.startswith(f"{cut}: die Datei endet vorzeitig (abgeschnitten in Zeile ")
    assert w.last_error.endswith(f"nur die {len(w.base_model.objects)} Objekt(e) davor wurden gelesen")
    assert "Extra content" not in w.last_error and "XML" not in w.last_error
    save_screenshot(w, "gui-planner-g-truncated-citygml")
    w._error_box.done(0)
    w.last_error = None
    w.show_model(w.nrw_model, w.nrw_model.scene(), [str(NRW)])
    # values and numbers of the attribute dock: decimal comma, decoded roof class
    oid, _label = addressed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=15000)
    click_building(qtbot, w, oid)
    qtbot.waitUntil(lambda: w.metrics is not None and w.attributes.object_id == oid, timeout=60000)
    w._show_attributes()
    rows = w.attributes.rows()
    h = w.model.objects[oid].attributes["measuredHeight"]
    assert rows["measuredHeight"] == str(h).replace(".", ",")
    roof = rows["∑ Dachform"]
    assert roof in ("Flachdach", "Pultdach", "Satteldach", "Walmdach", "Mischform", "kein Dach")
    for text in rows.values():
        assert not any(en in text for en in ("flat", "gable", "complex", "hip"))


# ------------------------------------------------------------------ h: guidance
def test_tool_hints_flat_roof_and_shortcuts_after_dialogs(window, qtbot, tmp_path):
    w = window
    QTest.keyClick(w, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.viewport.mode == "draw"
    hint = w.guidance.text()
    assert "Doppelklick oder Eingabetaste schließt den Umriss" in hint and "Esc bricht ab" in hint
    assert w.guidance.hint.isVisible()
    vp = w.viewport
    vp.set_view("top")
    vp.zoom_to([])
    lo, hi = w.scene.bounds
    cx, cy = (lo[:2] + hi[:2]) / 2
    for k, (dx, dy) in enumerate(((0, 0), (20, 0), (20, 20), (0, 20))):
        QTest.mouseClick(vp.plotter.interactor, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         vp.world_to_widget(np.array([cx + dx, cy + dy, vp.ground_z])))
        qtbot.waitUntil(lambda kk=k: len(vp._draw_points) == kk + 1, timeout=10000)
    QTest.keyClick(vp.plotter.interactor, Qt.Key.Key_Return)  # closes the outline, as the hint says
    qtbot.waitUntil(lambda: w._dialog is not None and w._dialog.isVisible(), timeout=15000)
    d = w._dialog
    roof, roof_h = d.fields["roof"], d.fields["roof_height_m"]
    roof.setCurrentIndex(roof.findData("flat"))
    assert not roof_h.isEnabled() and "Flachdach hat keine Dachhöhe" in roof_h.toolTip()
    roof.setCurrentIndex(roof.findData("gable"))
    assert roof_h.isEnabled()
    save_screenshot(w, "gui-planner-h-extrude-dialog")
    QTest.keyClick(d, Qt.Key.Key_Escape)
    # Ctrl+E right after dialogs, also when the search field had the keyboard before
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=15000)
    w.search.show()
    w.search.raise_()  # the planner clicks the "Suche" tab, then into the field
    qtbot.waitUntil(lambda: w.search.edit.isVisible(), timeout=5000)
    QTest.mouseClick(w.search.edit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.search.edit, timeout=5000)
    files_cancel = answer_when_shown("QFileDialog", "Abbrechen")  # Datei ▸ Öffnen, then Abbrechen
    QTest.keyClick(w.search.edit, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: files_cancel.done, timeout=15000)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=15000)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=15000)
    QApplication.processEvents()  # what the event loop does before the planner's next key press
    ans = answer_when_shown("exportDialog", "Abbrechen")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: ans.done, timeout=15000)
    assert ans.title == "Export" and ans.done


def test_new_asks_for_the_variant_name(window, qtbot):
    w = window
    QTest.mouseClick(w.variants.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.variants.name_dialog is not None and w.variants.name_dialog.isVisible(), timeout=10000)
    d = w.variants.name_dialog
    assert d.textValue() == "Variante A"
    from PySide6.QtWidgets import QLineEdit

    edit = d.findChild(QLineEdit)
    edit.selectAll()
    QTest.keyClicks(edit, "Turm am Markt")
    QTest.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(w.variants.variants) == 2, timeout=10000)
    assert w.variants.active().name == "Turm am Markt" and w.variants.list.currentItem().text() == "Turm am Markt"


# ------------------------------------------------------------------ j: export dialog
def _when_dialog(name: str, act) -> dict:
    """Poll (no sleep) for the window's dialog named ``name``; when it shows, call ``act(dialog)``.
    Returns a dict that gets "done" when it happened."""
    from PySide6.QtCore import QTimer

    seen = {}

    def poll():
        d = next((x for x in QApplication.topLevelWidgets() if x.objectName() == name and x.isVisible()), None)
        if d is None:
            QTimer.singleShot(20, poll)
            return
        act(d)
        seen["done"] = True

    QTimer.singleShot(0, poll)
    return seen


def _button(d, which):
    return d.findChild(QDialogButtonBox).button(which)


def test_export_dialog_adds_the_ending_and_remembers_the_folder(window, qtbot, tmp_path):
    w = window
    out = tmp_path / "exporte"
    out.mkdir()
    typed = {}

    def fill(d):  # DXF in the format list, a name without ending, OK
        d.format.setCurrentIndex(d.format.findData("DXF"))
        d.path_edit.selectAll()
        QTest.keyClicks(d.path_edit, str(out / "lageplan"))
        typed["path"] = d.path()
        QTest.mouseClick(_button(d, QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    seen = _when_dialog("exportDialog", fill)
    QTest.keyClick(w, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "done" in seen, timeout=30000)
    qtbot.waitUntil(lambda: (out / "lageplan.dxf").exists(), timeout=120000)
    assert typed["path"] == str(out / "lageplan.dxf")
    wait_idle(qtbot, w)
    # the next export starts in that folder, with that format
    again = {}

    def look(d):
        again["path"], again["format"] = d.path(), d.format.currentData()
        d.path_edit.selectAll()
        QTest.keyClicks(d.path_edit, str(out / "modell.gml"))  # a name with another format's own ending …
        again["typed"] = d.path(), d.format.currentData()  # … chooses that format
        QTest.mouseClick(_button(d, QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=15000)
    seen = _when_dialog("exportDialog", look)
    QTest.keyClick(w, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "done" in seen, timeout=30000)
    assert Path(again["path"]).parent == out and again["path"].endswith(".dxf") and again["format"] == "DXF"
    assert again["typed"] == (str(out / "modell.gml"), "CityGML")


# ------------------------------------------------------------------ m: setbacks
def test_setbacks_nrw_rule_parcels_and_new_conflicts(window, qtbot, tmp_path):
    import shapely

    from stadtbild.analysis.setbacks import compute_setbacks
    from tests.test_setbacks_rules import free_spot

    w = window
    model = w.base_model
    before = compute_setbacks(model)
    # parcels: a 1 m wider box around every footprint (a toy cadastre), as GeoJSON in EPSG:25832
    feats = []
    for k, fp in enumerate(before.footprints):
        poly = shapely.affinity.translate(fp.envelope.buffer(1.0, join_style=2), *model.origin[:2])
        feats.append({"type": "Feature", "properties": {"flstkennz": f"05{k:04d}", "nutzung": "Wohnen"},
                      "geometry": json.loads(shapely.to_geojson(poly))})
    parcels = tmp_path / "flurstuecke.geojson"
    parcels.write_text(json.dumps({"type": "FeatureCollection", "features": feats,
                                   "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}}))
    page = w.analysis.show_page("setbacks")
    assert page.rule.currentData() == "auto"
    files = type_into_file_dialog(parcels)
    QTest.mouseClick(page.parcels_button, Qt.MouseButton.LeftButton)  # "Flurstücke laden…"
    qtbot.waitUntil(lambda: files.done and page.parcels_path == str(parcels), timeout=30000)
    qtbot.waitUntil(lambda: len(w.geo_layers.entries) == 1, timeout=30000)  # shown as a 2D layer too
    # a variant: a 30 m tower next to a building
    x0, y0 = free_spot(before, 12.0, 4.0, 8.0)
    x0, y0 = x0 + model.origin[0], y0 + model.origin[1]
    w.push_edit({"op": "extrude", "id": "turm", "footprint": [[x0, y0], [x0 + 12, y0], [x0 + 12, y0 + 12],
                                                              [x0, y0 + 12]],
                 "ground_z": float(model.bbox()[2]), "height_m": 30.0, "roof": "flat"}, "Turm")
    qtbot.waitUntil(lambda: "turm" in w.model.objects, timeout=30000)
    assert w.variants.active().name == "Variante A"
    QTest.mouseClick(w.analysis.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.analysis.cancel_button.isEnabled(), timeout=180000)
    wait_idle(qtbot, w)
    assert w.last_error is None
    summary = w.legend.summary.text()
    assert "BauO NRW 2018 (Nordrhein-Westfalen, Bundesland aus dem Gemeindeschlüssel)" in summary
    assert "die Variante fügt" in summary and "Flurstücke geprüft" in summary and "Splitter ignoriert" in summary
    run = w.state.shown_runs()[-1]
    conflicts = run.result.conflicts
    assert conflicts["new"] and all("turm" in (v["id"], v["other_id"]) for v in conflicts["new"])
    items = [label for label, _rgb in w.legend.state["items"]]
    assert items == ["Abstandsfläche eingehalten", "Neuer Konflikt der Variante", "Konflikt im Bestand"]
    rgb = np.asarray(w.viewport.overlays["setbacks"].GetMapper().GetInput().cell_data["rgb"])
    from stadtbild.app.analysis_calls import BAD_RGB, EXISTING_RGB

    assert np.all(rgb == BAD_RGB, axis=1).any() and np.all(rgb == EXISTING_RGB, axis=1).any()
    w.viewport.set_view("top")
    w.viewport.zoom_to(["turm"])
    save_screenshot(w, "gui-planner-m-setbacks-new-conflicts")


# ------------------------------------------------------------------ n: layers and search
def test_parcel_layer_styled_labelled_in_legend_and_clickable(window, qtbot, tmp_path):
    import shapely

    from stadtbild.analysis.setbacks import compute_setbacks

    w = window
    model = w.base_model
    ox, oy = model.origin[:2]
    fps = shapely.union_all(compute_setbacks(model).footprints)
    x0, y0 = _open_ground(fps, 110.0, 25.0)  # three parcels on open ground, side by side (local)
    feats = []
    for k, (x, y, use) in enumerate(((x0, y0, "Wohnen"), (x0 + 40, y0, "Gewerbe"), (x0 + 80, y0, "Wohnen"))):
        poly = shapely.box(x + ox, y + oy, x + ox + 30, y + oy + 25)
        feats.append({"type": "Feature", "properties": {"flstkennz": f"12-{k}", "nutzung": use, "flaeche": 750.0 + k},
                      "geometry": json.loads(shapely.to_geojson(poly))})
    path = tmp_path / "parzellen.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats,
                                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}}))
    files = type_into_file_dialog(path)
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, w.add_layer_dialog)  # Datei ▸ 2D-Ebene hinzufügen…
    qtbot.waitUntil(lambda: files.done, timeout=30000)
    qtbot.waitUntil(lambda: len(w.geo_layers.entries) == 1, timeout=30000)
    entry = w.geo_layers.entries[0]
    # filled: the fill triangles cover exactly the three parcels (3 × 750 m²)
    import pyvista as pv

    meshes = [pv.wrap(a.GetMapper().GetInput()) for a in entry.actors if a.IsA("vtkActor")]
    fill = next(m for m in meshes if m.n_cells and m.GetCellType(0) == 5)  # VTK_TRIANGLE
    area = float(fill.compute_cell_sizes()["Area"].sum())
    assert area == pytest.approx(3 * 750.0, rel=1e-6)
    # style by attribute and label by a field through the style dialog (the row's swatch button)
    QTest.mouseClick(w.layers.tree.itemWidget(entry.item, 1), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.geo_layers.dialog is not None and w.geo_layers.dialog.isVisible(), timeout=10000)
    d = w.geo_layers.dialog
    d.colour_by.setCurrentIndex(d.colour_by.findData("nutzung"))
    d.label_by.setCurrentIndex(d.label_by.findData("flstkennz"))
    QTest.mouseClick(d.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: entry.style["colour_by"] == "nutzung", timeout=10000)
    legend_texts = w.legend.texts()
    assert "nutzung: Wohnen" in legend_texts and "nutzung: Gewerbe" in legend_texts
    assert any("2D-Ebene: parzellen" in t for t in legend_texts)
    assert [w.layers.tree.topLevelItem(w.layers.tree.indexOfTopLevelItem(entry.item)).child(i).text(0)
            for i in range(entry.item.childCount())] == ["nutzung: Wohnen", "nutzung: Gewerbe"]
    assert any(a.GetClassName() == "vtkActor2D" or "Label" in a.GetClassName() for a in entry.actors)  # labels
    # a click on the ground inside the second parcel shows its attributes
    vp = w.viewport
    vp.set_view("top")
    vp.zoom_to([])
    target = np.array([x0 + 40 + 15, y0 + 12, vp.ground_z])
    QTest.mouseClick(vp.plotter.interactor, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     vp.world_to_widget(target))
    qtbot.waitUntil(lambda: w.attributes.rows().get("flstkennz") == "12-1", timeout=15000)
    rows = w.attributes.rows()
    assert rows["nutzung"] == "Gewerbe" and rows["flaeche"] == "751"
    # the pixels: each parcel is filled with its class colour (a quarter into the parcel, away
    # from the label in its middle), the ground between two parcels is not
    vp.plotter.renderer.ResetCamera((x0 - 5, x0 + 115, y0 - 10, y0 + 35, vp.ground_z, vp.ground_z + 1))
    vp.plotter.reset_camera_clipping_range()
    vp.render()
    shot = save_screenshot(w, "gui-planner-n-parcels-styled").crop(vp).astype(float)
    classes = dict(entry.legend)
    ground = np.median(shot[disc_mask(vp, np.array([x0 + 35, y0 + 12, vp.ground_z]), 4)], axis=0)  # between parcels
    for x, use in ((x0, "Wohnen"), (x0 + 40, "Gewerbe"), (x0 + 80, "Wohnen")):
        rgb = np.array(classes[f"nutzung: {use}"], float)
        inside = np.median(shot[disc_mask(vp, np.array([x + 7.5, y0 + 6.0, vp.ground_z]), 4)], axis=0)
        # moved from the ground colour towards the class colour by at least a fifth of the way
        assert np.dot(inside - ground, rgb - ground) / np.dot(rgb - ground, rgb - ground) > 0.2, (use, inside, ground)


def _open_ground(footprints, width: float, height: float):
    """Local lower-left corner of a free ``width`` × ``height`` rectangle 5–40 m from buildings."""
    import shapely

    xmin, ymin, xmax, ymax = footprints.bounds
    for y in np.arange(ymin, ymax, 3.0):
        for x in np.arange(xmin, xmax, 3.0):
            if 5.0 <= shapely.box(x, y, x + width, y + height).distance(footprints) <= 40.0:
                return float(x), float(y)
    raise AssertionError("no open ground")


def test_search_lists_and_selects_every_hit(qapp):
    from stadtbild.app.search import SearchDock

    model = box_model([(f"haus-{i}", (i % 50) * 12.0, (i // 50) * 12.0, (i % 50) * 12.0 + 8, (i // 50) * 12.0 + 8,
                        0.0, 9.0) for i in range(2500)])
    dock = SearchDock()
    dock.set_model(model)
    picked = []
    dock.select_ids.connect(picked.append)
    dock.edit.setText("haus")
    found = dock.run()
    assert len(found) == 2500 and dock.results.count() == 2500
    assert dock.count.text() == "2.500 gefunden"
    dock.select_all.click()
    assert len(picked[-1]) == 2500


# ------------------------------------------------------------------ i: the council report
def test_council_report_holds_every_analysis_in_german(window, qtbot, tmp_path):
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.fail("poppler-utils (pdftotext, pdftoppm) missing: make testdeps installs them")
    w = window
    oid, label = addressed(w)
    w.set_selection([oid])
    w.demolish_selected()  # → Variante A
    qtbot.waitUntil(lambda: oid not in w.model.objects, timeout=15000)
    dock = w.analysis
    for key in ("shadow", "setbacks"):
        page = dock.show_page(key)
        if key == "shadow":
            page.grid.setValue(4.0)
        for row in (0, 1):
            w.variants.list.setCurrentRow(row)
            QTest.mouseClick(dock.run_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: not dock.cancel_button.isEnabled(), timeout=180000)
            wait_idle(qtbot, w)
            assert w.last_error is None
    pdf = tmp_path / "ratsvorlage.pdf"
    from stadtbild.app.export_dialog import start_report

    start_report(w, pdf)
    qtbot.waitUntil(lambda: pdf.exists() or w.last_error is not None, timeout=180000)
    assert w.last_error is None
    wait_idle(qtbot, w)
    # the pages as pictures (tests/artifacts/gui-planner-i-report-N.png)
    out = artifact_path("gui-planner-i-report").with_suffix("")
    for old in out.parent.glob(out.name + "-*.png"):  # pages of an earlier run are not this report's
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(pdf), str(out)], check=True)
    pngs = sorted(out.parent.glob(out.name + "-*.png"))
    assert len(pngs) == 4
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    assert "Bericht für den Rat" in pages[0] and "EPSG:25832" in pages[0] and "Quellenvermerk" in pages[0]
    assert "Bestand, Variante A" in pages[0] and "Schatten" in pages[0] and "Abstandsflächen" in pages[0]
    assert "Was sich ändert" in pages[1] and f"Abriss: {label}" in pages[1] and "Δ gegenüber dem Bestand" in pages[1]
    shadow = next(p for p in pages if p.lstrip().startswith("Schatten"))
    assert "Parameter" in shadow and "Kennzahlen je Variante" in shadow and "Schatten am Boden [m²]" in shadow
    assert "Bestand" in shadow and "Variante A" in shadow and "Seite 3 von 4" in shadow
    setbacks = next(p for p in pages if p.lstrip().startswith("Abstandsflächen"))
    assert "Legende" in setbacks and "Abstandsfläche eingehalten" in setbacks and "Konflikt im Bestand" in setbacks
    assert "Konflikte der Variante" in setbacks and "BauO NRW 2018" in setbacks
    import re

    for english in ("Existing", "Parameters", "page", "What changed", "Shadow", "Legend", "Variant"):
        assert not re.search(rf"\b{english}\b", text), english
    assert "0,1" in shadow.split("Schattenanteil der")[1][:80]  # German decimal comma in the figures
    # the map of the shadow page shows the shadow colour of its legend
    from PIL import Image

    img = np.asarray(Image.open(pngs[2]).convert("RGB"))
    swatch = next(r for r in w.state.runs(analysis="shadow")).layer.legend["items"][0][1]  # as in the legend
    assert (np.abs(img.astype(int) - np.array(swatch)).max(axis=2) < 12).sum() > 50
