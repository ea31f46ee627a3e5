"""The Bebauungsplan in the window (issue 23): the plan dropped on the window becomes a layer (Baufenster
volumes, zones on the ground), its rows in the layer tree switch it, the existing buildings in the
plan area hide with one click, and the analysis page checks the variant: compliant buildings green,
violating ones red, a table whose rows select the building, the check's figures in the attribute
dock, a report file. Driven with real events (drop, mouse clicks on the widgets); pictures from the
X screen (tests/screenshots.py): tests/artifacts/gui-bplan-*.png.

References: which building breaks what is known by construction (the same synthetic buildings as
tests/test_bplan.py: compliant, 0.5 m too high, 1 m over the Baugrenze, two storeys too many), the
pixels under each building's roof are read from the screen at the place VTK's own projection puts
the roof, and the envelope's colour is the PlanZV colour of the zone (model.bplan)."""
from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDropEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.conftest import data_file  # noqa: E402
from tests.helpers import open_window  # noqa: E402
from tests.screenshots import capture, save_screenshot, triangles_mask  # noqa: E402
from tests.test_bplan import HAFENCITY_GBH34, PLANS, hafencity_edits  # noqa: E402

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A small city model near HafenCity 7 (an existing building in a Baufenster of the plan, one
    outside the plan area) and the variant of tests/test_bplan.py as a scenario file."""
    from stadtbild.exporters.cityjson import write_cityjson
    from stadtbild.importers.xplanung import read_xplanung
    from tests.helpers import box_model

    tmp = tmp_path_factory.mktemp("gui-bplan")
    plan = read_xplanung(data_file(PLANS["5.2"]), crs=25832)
    g = plan.by_id()[HAFENCITY_GBH34].geometry
    other = next(f for f in plan.baufenster if f.id.startswith("GML_c5e9d7b7")).geometry.representative_point()
    model = box_model([("bestand", other.x - 6, other.y - 6, other.x + 6, other.y + 6, 8.3, 22.0),
                       ("ausserhalb", 565000.0, 5932900.0, 565012.0, 5932912.0, 8.3, 20.0)])
    base = tmp / "hafencity.city.json"
    write_cityjson(model, base)
    edits = hafencity_edits(g)
    sc = tmp / "variante-a.scenario.json"
    sc.write_text(json.dumps({"name": "Variante A", "edits": edits}))
    return base, sc, data_file(PLANS["5.2"])


@pytest.fixture(scope="module")
def window(qapp, files, tmp_path_factory):
    w = open_window(tmp_path_factory.mktemp("settings"), [files[0]], size=(1500, 950))
    yield w
    w.close()


def drop_files(window, paths) -> None:
    """Drop files on the window as a file manager does (drag-enter, drop)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(window.viewport.mapTo(window, window.viewport.rect().center()))
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)


def click_check(tree, item) -> None:
    """Click the check box of a layer-tree row with the mouse."""
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

    rect = tree.visualItemRect(item)
    opt = QStyleOptionViewItem()
    opt.rect = rect
    opt.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = tree.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, opt, tree)
    QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, box.center())


def roof_triangles(window, oid) -> np.ndarray:
    """Local corners of the up-facing triangles of an object on screen."""
    sc = window.scene
    c = sc.corners
    n = np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0])
    k = sc.object_ids.index(oid)
    return c[(sc.object_index == k) & (n[:, 2] > 0)]


def mean_rgb(window, shot, mask) -> np.ndarray:
    view = shot.crop(window.viewport).astype(float)
    h, w = min(view.shape[0], mask.shape[0]), min(view.shape[1], mask.shape[1])
    m = mask[:h, :w]
    assert m.sum() > 20, "the region is not on screen"
    return view[:h, :w][m].mean(axis=0)


def test_a_dropped_plan_is_a_layer_of_envelopes_that_the_layer_tree_switches(window, files, qtbot):
    from stadtbild.model.bplan import NUTZUNG_COLOURS

    _base, _sc, plan = files
    drop_files(window, [plan])
    qtbot.waitUntil(lambda: window.bplan.plan is not None and "bplan-envelopes" in window.viewport.overlays,
                    timeout=60000)
    window.bplan.frame("top")  # the whole plan area from above (loading framed it from the side)
    for name in window.bplan._drawn:
        window.viewport.overlays[name].SetVisibility(False)
    before = capture(window)  # the same view without the plan
    window.bplan._visibility()
    assert window.last_error is None, window.last_error
    assert window.scene is not None and "bestand" in window.model.objects  # the plan is not a model
    env = window.bplan.envelopes
    k = [z.id for z in env.zones].index(HAFENCITY_GBH34)
    top = env.triangles[(env.owner == k)]
    corners = env.vertices[top]
    top_caps = corners[np.all(np.abs(corners[:, :, 2] - env.top_z[k]) < 1e-6, axis=1)]
    mask = triangles_mask(window.viewport, top_caps, shrink_px=3)
    shot = save_screenshot(window, "gui-bplan-1-plan-layer")
    with_plan, without = mean_rgb(window, shot, mask), mean_rgb(window, before, mask)
    mi = np.array(NUTZUNG_COLOURS["MI"], float)
    # the Baufenster volume tints the view towards the Mischgebiet brown of PlanZV
    assert np.linalg.norm(with_plan - mi) < np.linalg.norm(without - mi) - 20
    rows = window.layers.toggle_items
    assert set(rows) == {"bplan-3d", "bplan-ground"}
    assert "HafenCity7" in rows["bplan-3d"].text(0) and "HafenCity7" in rows["bplan-ground"].text(0)
    click_check(window.layers.tree, rows["bplan-3d"])  # the volumes off: the plan on the ground stays
    qtbot.waitUntil(lambda: not window.viewport.overlays["bplan-envelopes"].GetVisibility(), timeout=5000)
    ground_only = mean_rgb(window, capture(window), mask)
    assert np.linalg.norm(ground_only - with_plan) > 15
    click_check(window.layers.tree, window.layers.toggle_items["bplan-ground"])  # both off: as before
    qtbot.waitUntil(lambda: not window.viewport.overlays["bplan-zones"].GetVisibility(), timeout=5000)
    assert np.linalg.norm(mean_rgb(window, capture(window), mask) - without) < 12
    for key in ("bplan-3d", "bplan-ground"):
        click_check(window.layers.tree, window.layers.toggle_items[key])
    qtbot.waitUntil(lambda: window.viewport.overlays["bplan-envelopes"].GetVisibility()
                    and window.viewport.overlays["bplan-zones"].GetVisibility(), timeout=5000)


def test_existing_buildings_in_the_plan_area_hide_with_one_click(window, qtbot):
    page = window.analysis.show_page("bplan")
    window.analysis.raise_()
    window.viewport.set_view("top")
    mask = triangles_mask(window.viewport, roof_triangles(window, "bestand"), shrink_px=2)
    shown = mean_rgb(window, capture(window), mask)
    QTest.mouseClick(page.hide_box, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(8, page.hide_box.height() // 2))
    qtbot.waitUntil(lambda: "bestand" in window.viewport.hidden, timeout=10000)
    assert window.bplan.hide_action.isChecked()
    assert "ausserhalb" not in window.viewport.hidden  # outside the plan area: stays
    hidden = mean_rgb(window, capture(window), mask)
    assert np.abs(hidden - shown).max() > 25  # the roof is gone from that place
    obj, _p = window.viewport.pick(QPoint(*[int(v) for v in np.argwhere(mask)[len(np.argwhere(mask)) // 2][::-1]]))
    assert obj != "bestand"  # a hidden building cannot be clicked
    window.viewport.zoom_to(["bestand"])  # the picture: the Baufenster where it stood, empty
    save_screenshot(window, "gui-bplan-2-existing-hidden")
    QTest.mouseClick(page.hide_box, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(8, page.hide_box.height() // 2))
    qtbot.waitUntil(lambda: not window.viewport.hidden, timeout=10000)


def test_the_variant_is_checked_on_the_analysis_page(window, files, qtbot, tmp_path):
    _base, sc, _plan = files
    window.load_scenario_file(sc)
    qtbot.waitUntil(lambda: "high" in window.model.objects, timeout=60000)
    dock = window.analysis
    page = dock.show_page("bplan")
    before = window.last_run
    QTest.mouseClick(dock.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.last_run is not before and not dock.cancel_button.isEnabled(), timeout=120000)
    assert window.last_error is None, window.last_error
    res = window.last_run.result
    got = sorted((v.id, v.kind, round(v.amount, 3)) for v in res.violations)
    assert got == [("bestand", "storeys", 4.0), ("high", "height", 0.5), ("out", "baugrenze", 1.0),
                   ("storeys", "storeys", 2.0)]
    window.viewport.set_view("top")
    window.viewport.zoom_to(["ok", "high", "out", "storeys"])
    shot = save_screenshot(window, "gui-bplan-3-check")
    for oid, want in (("ok", "green"), ("high", "red"), ("out", "red"), ("storeys", "red")):
        r, g, b = mean_rgb(window, shot, triangles_mask(window.viewport, roof_triangles(window, oid), shrink_px=2))
        assert (g > r + 30) if want == "green" else (r > g + 60), (oid, r, g, b)
    assert page.table.rowCount() == 5  # four buildings with violations, then the compliant one
    texts = [page.table.item(i, 0).text() for i in range(page.table.rowCount())]
    assert texts[-1] == "ok" and set(texts[:4]) == {"bestand", "high", "out", "storeys"}
    row = texts.index("out")
    rect = page.table.visualItemRect(page.table.item(row, 0))
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    qtbot.waitUntil(lambda: window.selected == ["out"], timeout=5000)
    t = window.attributes.table
    attrs = {t.item(i, 0).text(): t.item(i, 1).text() for i in range(t.rowCount()) if t.item(i, 1) is not None}
    assert [k for k in attrs if k.startswith("§")], attrs  # the check's figures of the clicked building
    assert any("Baugrenze" in k and "1" in v for k, v in attrs.items())
    legend = " ".join(window.legend.texts())
    assert "4" in legend and "1" in legend
    outside = window.viewport.overlays["bplan-outside"].GetMapper().GetInput()
    b = outside.GetBounds()  # the 1 m strip outside the Baugrenze, from the ground to the roof
    fp_out = np.asarray(json.loads(sc.read_text())["edits"][2]["footprint"]) - window.scene.origin[:2]
    assert b[4] == pytest.approx(8.3 - window.scene.origin[2], abs=1e-6)
    assert b[5] == pytest.approx(28.3 + 0.05 - window.scene.origin[2], abs=1e-6)
    assert fp_out[:, 0].min() - 1e-6 <= b[0] and b[1] <= fp_out[:, 0].max() + 1e-6
    out = tmp_path / "pruefung.pdf"
    assert window.bplan.save_report(out) == str(out)
    assert out.read_bytes().startswith(b"%PDF")
    save_screenshot(window, "gui-bplan-4-selected")


def test_a_truncated_plan_dropped_on_the_window_is_a_one_line_error(window, files, qtbot, tmp_path):
    _base, _sc, plan = files
    bad = tmp_path / "abgeschnitten.gml"
    bad.write_bytes(plan.read_bytes()[:100_000])
    loaded = window.bplan.plan
    window.last_error = None
    drop_files(window, [bad])
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=30000)
    assert "truncated" in window.last_error and str(bad) in window.last_error and "\n" not in window.last_error
    assert window.bplan.plan is loaded  # the plan shown before stays
    if window._error_box is not None:
        window._error_box.done(0)
        window._error_box = None


def test_the_variant_comparison_counts_the_violations_of_every_variant(window, qtbot):
    """Variants compared side by side: the Bebauungsplan check of Bestand is run on demand with the
    same parameters, the table counts buildings with violations and violations per variant."""
    assert "high" in window.model.objects and window.state.runs(analysis="bplan")  # after the check above
    window.variants.compare_button.click()
    qtbot.waitUntil(lambda: window.projects.dialog is not None and window.projects.dialog.isVisible(),
                    timeout=180000)
    d = window.projects.dialog
    # Bestand: its one building in the plan area has 5 estimated storeys in a I Baufenster
    assert [d.cell("bplan_buildings_violating", k) for k in (0, 1)] == ["1", "4  (Δ +3)"]
    assert [d.cell("bplan_violations", k) for k in (0, 1)] == ["1", "4  (Δ +3)"]
    from PySide6.QtWidgets import QTableWidget

    d.findChild(QTableWidget).scrollToBottom()  # the Bebauungsplan rows come last
    save_screenshot(d, "gui-bplan-5-compare")
    d.close()


def test_a_saved_project_brings_the_plan_back_as_it_was_shown(window, files, qtbot, tmp_path):
    """The Bebauungsplan is part of the planner's work: a project saved with the plan placed (the
    zones on the ground switched off, the existing buildings in the plan area hidden) opens in a
    fresh window with the same plan, the same rows ticked and the same buildings hidden."""
    from pathlib import Path

    from tests.helpers import wait_idle

    _base, _sc, plan = files
    if window.bplan.plan is None:
        drop_files(window, [plan])
        qtbot.waitUntil(lambda: window.bplan.plan is not None, timeout=60000)
    wait_idle(qtbot, window)
    window.bplan.set_show_ground(False)
    window.bplan.set_hide_existing(True)
    hidden = sorted(window.bplan.hidden)
    assert hidden  # the existing building inside the plan area
    project = tmp_path / "hafencity.stadtbild"
    assert window.projects.save_to(project)
    saved = json.loads(project.read_text(encoding="utf-8"))["plans"]
    assert [(Path(p["absolute_path"]), p["show_envelopes"], p["show_ground"], p["hide_existing"]) for p in saved] \
        == [(Path(plan).resolve(), True, False, True)]
    other = open_window(tmp_path / "settings", [files[0]], size=(1200, 800))
    try:
        assert other.bplan.plan is None
        other.projects.open(project)
        qtbot.waitUntil(lambda: other.bplan.plan is not None and "bplan-envelopes" in other.viewport.overlays,
                        timeout=60000)
        wait_idle(qtbot, other)
        assert other.bplan.path == str(Path(plan).resolve()) and other.bplan.name() == window.bplan.name()
        assert other.viewport.overlays["bplan-envelopes"].GetVisibility()
        assert not other.viewport.overlays["bplan-zones"].GetVisibility()
        rows = other.layers.toggle_items
        assert rows["bplan-3d"].checkState(0) == Qt.CheckState.Checked
        assert rows["bplan-ground"].checkState(0) == Qt.CheckState.Unchecked
        assert other.bplan.hide_existing and other.bplan.hide_action.isChecked()
        assert sorted(other.bplan.hidden) == hidden
        assert not other.projects.has_unsaved_work()  # opened as saved, the plan included
    finally:
        other.projects.mark_saved()
        other.close()
    window.bplan.set_hide_existing(False)
    window.bplan.set_show_ground(True)
