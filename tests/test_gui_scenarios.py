"""The planner's eight scenarios of issue 18 §2, end to end through the real window: menus opened
with the mouse, dialogs answered with the keyboard, the 3D view clicked, dragged and wheeled, the
time slider dragged; every step checked on the model state and on the pixels of the screen
(tests/screenshots.py), with a screenshot per step in tests/artifacts/scenario-*.png.

References are independent of the window code: heights and areas from the model's own vertices
and polygons, the sun from pvlib's SPA, the shadow of a box tower from geometry, blockers of a
sightline from shapely footprints, DXF read back with ezdxf, the PDF with pdftotext, the input
errors' one-line form (``FILE: what``).
"""
from __future__ import annotations

import datetime as dt
import math
import subprocess

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QWheelEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QInputDialog, QLineEdit, QMessageBox  # noqa: E402

from stadtbild.model.semantics import SURFACE_CODE  # noqa: E402
from tests.conftest import DEMO, data_file  # noqa: E402
from tests.gui_driver import choose_file, click, drag, is_file_dialog, menu_action, type_text, when_dialog  # noqa: E402
from tests.screenshots import disc_mask, project, save_screenshot  # noqa: E402
from tests.test_gui import is_highlight, is_roof_red, roof_mask, top_roof_target  # noqa: E402

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def planner(qapp, tmp_path_factory):
    """The window as a planner starts it: empty, German, its own settings."""
    from PySide6.QtCore import QSettings

    from stadtbild.app.main_window import MainWindow

    settings = QSettings(str(tmp_path_factory.mktemp("settings") / "stadtbild.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings, language="de")
    w.resize(1400, 900)
    w.show()
    QTest.qWaitForWindowExposed(w)
    yield w
    w.close()


def focus(qtbot, w):
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=15000)


def open_file(qtbot, w, path, shortcut=True):
    """Datei ▸ Öffnen (Ctrl+O or the menu), the path typed into the file dialog."""
    answered = when_dialog(is_file_dialog, lambda d: choose_file(d, path))
    if shortcut:
        focus(qtbot, w)
        QTest.keyClick(w, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    else:
        menu_action(w, "file", w.actions_by_name["open"])
    qtbot.waitUntil(lambda: answered["done"], timeout=30000)
    assert answered["error"] is None, answered["error"]


def fresh_demo(qtbot, w):
    """Back to the demo as opened, no selection, no variants, no results (between scenarios)."""
    if w.base_model is None or not w.files or not w.files[0].endswith(DEMO.name):
        open_file(qtbot, w, DEMO)
        qtbot.waitUntil(lambda: w.scene is not None and w.files and w.files[0].endswith(DEMO.name), timeout=60000)
    else:
        w.show_model(w.base_model, w.base_model.scene(), w.files)
    qtbot.waitUntil(lambda: not w.jobs.busy(), timeout=60000)
    if w._error_box is not None:
        w._error_box.done(0)
        w._error_box = None
    w.last_error = None


def wheel(widget, pos: QPoint, notches: int) -> None:
    for _ in range(abs(notches)):
        ev = QWheelEvent(QPointF(pos), QPointF(widget.mapToGlobal(pos)), QPoint(0, 0),
                         QPoint(0, 120 if notches > 0 else -120), Qt.MouseButton.NoButton,
                         Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(widget, ev)


def de_number(text: str) -> float:
    return float(str(text).split("(")[0].strip().replace(".", "").replace(",", "."))


def run_page(qtbot, w, key):
    """Press Starten with the mouse on the page shown and wait for its result."""
    before = w.last_run
    click(w.analysis.run_button)
    qtbot.waitUntil(lambda: w.last_run is not before and not w.analysis.cancel_button.isEnabled(), timeout=240000)
    assert w.last_error is None, w.last_error
    assert w.last_run.key.analysis == key
    return w.last_run


def choose_page(qtbot, w, key):
    """The Analyse tab, then the page chosen in its combo box with the keyboard."""
    w.analysis.show()
    w.analysis.raise_()
    dock = w.analysis
    combo = dock.chooser
    target = [p.key for p in dock.pages].index(key)
    combo.setFocus()
    while combo.currentIndex() != target:
        QTest.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)
    return dock.current_page()


# ------------------------------------------------------------------------------ 1 orient and pick
def test_1_orient_top_view_pick_a_building_and_read_its_figures(planner, qtbot):
    w = planner
    fresh_demo(qtbot, w)
    vp = w.viewport
    inter = vp.plotter.interactor
    assert len(w.model.objects) == 853
    save_screenshot(w, "scenario-1a-opened")
    # orient: orbit with a left drag, then the top view and north up from the keyboard
    cam0 = np.array(vp.plotter.camera.position)
    drag(inter, QPoint(inter.width() // 2, inter.height() // 2), QPoint(inter.width() // 2 + 160, inter.height() // 2 - 40))
    assert np.linalg.norm(np.array(vp.plotter.camera.position) - cam0) > 1.0  # the drag orbited
    focus(qtbot, w)
    QTest.keyClick(w, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(w, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    d = np.array(vp.plotter.camera.focal_point) - np.array(vp.plotter.camera.position)
    assert d[2] / np.linalg.norm(d) < -0.999  # looking straight down
    assert abs(vp._north.angle_deg) < 1.0  # north up on the screen
    # zoom onto the tallest building with the wheel, then click it
    oid, point = top_roof_target(w.scene)
    for _ in range(4):
        wheel(inter, vp.world_to_widget(point), 2)
    pos = vp.world_to_widget(point)
    click(inter, pos)
    qtbot.waitUntil(lambda: w.selected == [oid] and w.attributes.object_id == oid, timeout=15000)
    qtbot.waitUntil(lambda: w.metrics is not None, timeout=60000)
    shot = save_screenshot(w, "scenario-1b-picked")
    assert is_highlight(shot.crop(vp)[roof_mask(w, oid)]).mean() > 0.9
    # its height, roof area and footprint in the attribute dock, against the file's geometry
    rows = w.attributes.rows()
    k = w.scene.object_number(oid)
    tris = w.scene.corners[w.scene.object_index == k]
    z = tris[:, :, 2]
    height = de_number(next(v for key, v in rows.items() if key.startswith("∑ Höhe (höchster")))
    assert height == pytest.approx(z.max() - z.min(), abs=0.006)
    roof = (w.scene.surface_type == SURFACE_CODE["RoofSurface"]) & (w.scene.object_index == k)
    e1 = w.scene.corners[roof][:, 1] - w.scene.corners[roof][:, 0]
    e2 = w.scene.corners[roof][:, 2] - w.scene.corners[roof][:, 0]
    roof_area = 0.5 * np.linalg.norm(np.cross(e1, e2), axis=1).sum()
    assert de_number(rows["∑ Dachfläche [m²]"]) == pytest.approx(roof_area, abs=0.006)
    from stadtbild.analysis.metrics import compute_metrics

    rt = compute_metrics(w.model).row(oid)["roof_type"]
    assert rt == "complex"  # the tallest building: several roof planes of different pitch
    assert rows["∑ Dachform"] == "Mischform"  # the class in German, as the legend names it (defect g)


# ------------------------------------------------------------------------------ 2 demolish and undo
def test_2_demolish_and_undo(planner, qtbot):
    w = planner
    fresh_demo(qtbot, w)
    vp = w.viewport
    inter = vp.plotter.interactor
    oid, point = top_roof_target(w.scene)
    focus(qtbot, w)
    QTest.keyClick(w, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    vp.zoom_to([oid])
    click(inter, vp.world_to_widget(point))
    qtbot.waitUntil(lambda: w.selected == [oid], timeout=15000)
    mask = roof_mask(w, oid)
    QTest.keyClick(inter, Qt.Key.Key_Delete)  # the view has the focus after the click
    qtbot.waitUntil(lambda: oid not in w.model.objects, timeout=15000)
    assert w.variants.active().edits == [{"op": "demolish", "ids": [oid]}] and oid in w.base_model.objects
    gone = save_screenshot(w, "scenario-2a-demolished").crop(vp)
    assert (is_highlight(gone[mask]) | is_roof_red(gone[mask])).mean() < 0.05
    focus(qtbot, w)
    QTest.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: oid in w.model.objects, timeout=15000)
    back = save_screenshot(w, "scenario-2b-undone").crop(vp)
    assert is_roof_red(back[mask]).mean() > 0.8
    QTest.keyClick(w, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: oid not in w.model.objects, timeout=15000)
    assert w.variants.history.model().rowCount() == 2


# ------------------------------------------------------------------------------ 3 shadow, then the slider
def spa(w, when_utc: str):
    import pandas as pd
    import pvlib
    from pyproj import Transformer

    bb = w.base_model.bbox()
    lon, lat = Transformer.from_crs(28992, 4326, always_xy=True).transform((bb[0] + bb[3]) / 2, (bb[1] + bb[4]) / 2)
    sp = pvlib.solarposition.spa_python(pd.DatetimeIndex([pd.Timestamp(when_utc)]), lat, lon)
    return float(sp["azimuth"].iloc[0]), float(sp["apparent_elevation"].iloc[0])


def test_3_instant_shadow_on_21_march_at_15_then_drag_the_time_slider(planner, qtbot):
    from stadtbild.model.ground import analysis_scene
    from stadtbild.analysis.shadow import shadow_at
    from tests.test_gui_results import drag_slider

    w = planner
    fresh_demo(qtbot, w)
    vp = w.viewport
    page = choose_page(qtbot, w, "shadow")
    sun = w.analysis.sun
    type_text(sun.date, "21.03.2026")
    QTest.keyClick(sun.date, Qt.Key.Key_Return)
    type_text(sun.time, "15:00")
    QTest.keyClick(sun.time, Qt.Key.Key_Return)
    assert sun.when_local() == dt.datetime(2026, 3, 21, 15, 0)
    type_text(page.grid, "2")
    focus(qtbot, w)
    QTest.keyClick(w, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    run = run_page(qtbot, w, "shadow")
    f = run.result.figures()
    az, el = spa(w, "2026-03-21T14:00Z")  # 15:00 CET
    assert f["sun_azimuth_deg"] == pytest.approx(az, abs=0.05) and f["sun_elevation_deg"] == pytest.approx(el, abs=0.05)
    ref = shadow_at(analysis_scene(w.model), dt.datetime(2026, 3, 21, 15, 0), cell_m=2.0, extent=w.study_extent)
    assert f["shadow_area_m2"] == pytest.approx(ref.figures()["shadow_area_m2"])
    # closer, around the tallest building: a 2 m cell is several pixels wide
    oid, point = top_roof_target(w.scene)
    vp.plotter.renderer.ResetCamera((point[0] - 120, point[0] + 120, point[1] - 120, point[1] + 120,
                                     vp.ground_z, vp.ground_z + 1))
    vp.plotter.reset_camera_clipping_range()
    shot = save_screenshot(w, "scenario-3a-shadow-1500")
    # shadowed open-ground cells are drawn in the legend's shadow colour, sunlit ones in its sun
    # colour (cells whose 3 × 3 neighbours are alike, so no cell edge or footprint is in the sample)
    from scipy.ndimage import binary_erosion

    g = run.result.grid
    shadow = run.result.shadow & g.active
    sunny = ~run.result.shadow & g.active
    rows, cols = np.nonzero(binary_erosion(shadow, iterations=1))
    sun_r, sun_c = np.nonzero(binary_erosion(sunny, iterations=1))
    rng = np.random.default_rng(3)
    view = shot.crop(vp)

    def colours(r, c):
        centre = np.array([point[0], point[1]])  # cells within the view
        xs = g.x0 + (c + 0.5) * g.cell_m
        ys = g.y_top - (r + 0.5) * g.cell_m
        near = np.hypot(xs - centre[0], ys - centre[1]) < 100
        r, c = r[near], c[near]
        pick = rng.choice(len(r), size=min(60, len(r)), replace=False)
        xs = g.x0 + (c[pick] + 0.5) * g.cell_m
        ys = g.y_top - (r[pick] + 0.5) * g.cell_m
        pts = np.round(project(vp, np.c_[xs, ys, np.full(len(xs), vp.ground_z)])).astype(int)
        inside = (pts[:, 0] > 2) & (pts[:, 1] > 2) & (pts[:, 0] < vp.width() - 2) & (pts[:, 1] < vp.height() - 2)
        return view[pts[inside, 1], pts[inside, 0]].astype(int)

    shade_px, sun_px = colours(rows, cols), colours(sun_r, sun_c)
    swatch_shadow, swatch_sun = (np.array(c) for c in w.legend.swatch_colours(0)[:2])
    assert len(shade_px) >= 30 and len(sun_px) >= 30
    # (some cells lie behind taller buildings in the perspective view: 85 %)
    assert (np.abs(shade_px - swatch_shadow).max(axis=1) <= 8).mean() > 0.85
    assert (np.abs(sun_px - swatch_sun).max(axis=1) <= 8).mean() > 0.85
    # the time slider dragged to 17:00: the shadow follows, as the library computes it then
    drag_slider(sun.slider, 17 * 6)
    assert sun.when_local() == dt.datetime(2026, 3, 21, 17, 0)
    qtbot.waitUntil(lambda: any(r.key.param("time") == "2026-03-21T17:00" for r in w.state.shown_runs()),
                    timeout=60000)
    later = next(r for r in w.state.shown_runs() if r.key.analysis == "shadow")
    ref17 = shadow_at(analysis_scene(w.model), dt.datetime(2026, 3, 21, 17, 0), cell_m=2.0, extent=w.study_extent)
    assert later.result.figures()["shadow_area_m2"] == pytest.approx(ref17.figures()["shadow_area_m2"])
    assert later.result.figures()["shadow_area_m2"] > f["shadow_area_m2"]  # a lower sun, longer shadows
    assert "2026-03-21 17:00" in w.legend.summary.text()
    save_screenshot(w, "scenario-3b-shadow-1700")


# ------------------------------------------------------------------------------ 4 variant with a tower
TOWER = (20.0, 30.0, 40.0)  # m: footprint 20 × 30, eave 40, flat roof


def test_4_named_variant_draw_and_extrude_a_40_m_tower_and_compare(planner, qtbot):
    w = planner
    fresh_demo(qtbot, w)
    vp = w.viewport
    inter = vp.plotter.interactor
    w.variants.show()
    w.variants.raise_()
    # a new variant, named by the planner
    def name_it(d):
        type_text(d.findChild(QLineEdit), "Turm 40 m")
        QTest.keyClick(d.findChild(QLineEdit), Qt.Key.Key_Return)

    named = when_dialog(lambda d: isinstance(d, QInputDialog), name_it)
    click(w.variants.new_button)  # "Neu" asks for the name (defect h)
    qtbot.waitUntil(lambda: named["done"] and len(w.variants.variants) == 2, timeout=15000)
    assert named["error"] is None, named["error"]
    assert w.variants.active().name == "Turm 40 m"
    # draw the footprint with four clicks on open ground south of the district, Enter, extrude
    lo, hi = w.scene.bounds
    x0, y0 = (lo[0] + hi[0]) / 2, lo[1] - 150.0
    corners = np.array([[x0, y0], [x0 + TOWER[0], y0], [x0 + TOWER[0], y0 + TOWER[1]], [x0, y0 + TOWER[1]]])
    vp.set_view("top")
    vp.plotter.renderer.ResetCamera((x0 - 60, x0 + 80, y0 - 60, y0 + 90, vp.ground_z, vp.ground_z + 1))
    vp.plotter.reset_camera_clipping_range()
    vp.render()
    focus(qtbot, w)
    QTest.keyClick(w, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert vp.mode == "draw"
    for c in corners:
        click(inter, vp.world_to_widget([c[0], c[1], vp.ground_z]))
        QTest.qWait(30)
    qtbot.waitUntil(lambda: len(vp._draw_points) == 4, timeout=15000)
    save_screenshot(w, "scenario-4a-footprint")

    def extrude(d):
        type_text(d.fields["height_m"], "40")
        d.fields["roof"].setCurrentIndex(d.fields["roof"].findData("flat"))
        QTest.mouseClick(d.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                         Qt.MouseButton.LeftButton)

    done = when_dialog(lambda d: d.objectName() == "extrudeDialog", extrude)
    QTest.keyClick(inter, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: done["done"] and len(w.model.objects) == 854, timeout=15000)
    new = [o for o in w.model.objects if o not in w.base_model.objects]
    assert len(new) == 1
    k = w.scene.object_number(new[0])
    z = w.scene.corners[w.scene.object_index == k][:, :, 2]
    assert z.max() - z.min() == pytest.approx(TOWER[2], abs=0.01)
    vp.set_view("iso")
    vp.zoom_to(new)
    save_screenshot(w, "scenario-4b-tower")
    # shadow at 15:00 for the variant; the comparison computes Bestand's at the same time
    choose_page(qtbot, w, "shadow")
    w.analysis.sun.set_when(dt.datetime(2026, 3, 21, 15, 0))
    w.analysis.page("shadow").grid.setValue(2.0)
    run_page(qtbot, w, "shadow")
    w.variants.show()
    w.variants.raise_()
    click(w.variants.compare_button)
    qtbot.waitUntil(lambda: w.projects.dialog is not None and w.projects.dialog.isVisible(), timeout=240000)
    d = w.projects.dialog
    assert [d.table.horizontalHeaderItem(c).text() for c in range(2)] == ["Bestand", "Turm 40 m"]
    area = TOWER[0] * TOWER[1]
    vol = float(d.cell("volume_m3", 1).split("Δ")[1].strip(" )").replace("+", "").replace(".", "").replace(",", "."))
    assert vol == pytest.approx(area * TOWER[2], rel=0.01)  # clicks land within centimetres
    az, el = spa(w, "2026-03-21T14:00Z")
    length = TOWER[2] / math.tan(math.radians(el))
    phi = math.radians(az + 180.0)
    swept = length * (TOWER[0] * abs(math.cos(phi)) + TOWER[1] * abs(math.sin(phi)))
    base_shadow, var_shadow = de_number(d.cell("shadow_area_m2", 0)), de_number(d.cell("shadow_area_m2", 1))
    assert var_shadow - base_shadow == pytest.approx(swept, rel=0.06)
    assert "21.03.2026 15:00" in d.parameters_label.text()
    save_screenshot(d, "scenario-4c-compare")
    d.close()


# ------------------------------------------------------------------------------ 5 sightline, solar, a roof
def test_5_sightline_between_two_picked_points_then_roof_solar_and_a_roof_clicked(planner, qtbot):
    import shapely

    w = planner
    fresh_demo(qtbot, w)
    vp = w.viewport
    inter = vp.plotter.interactor
    scene = w.scene
    focus(qtbot, w)
    QTest.keyClick(w, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = choose_page(qtbot, w, "sightline")
    lo, hi = scene.bounds
    x = float(np.median(vp.object_centre[:, 0]))
    a = np.array([x, lo[1] - 15.0, vp.ground_z])
    b = np.array([x, hi[1] + 15.0, vp.ground_z])
    for button, p in ((page.pick_from, a), (page.pick_to, b)):
        click(button)
        assert vp.mode == "point"
        click(inter, vp.world_to_widget(p))
        qtbot.waitUntil(lambda: vp.mode == "select", timeout=15000)
    res = run_page(qtbot, w, "sightline").result
    pa, pb = (scene.to_local(p) for p in page.points)
    line = shapely.LineString([pa[:2], pb[:2]])
    ground = scene.surface_type == SURFACE_CODE["GroundSurface"]
    crossed = {scene.object_ids[k] for k in np.unique(scene.object_index[ground])
               if shapely.union_all(shapely.polygons(scene.corners[ground & (scene.object_index == k)][:, :, :2]))
               .intersects(line)}
    assert not res.visible and set(res.blocked_by) == crossed and len(crossed) >= 2
    shot = save_screenshot(w, "scenario-5a-sightline")
    blocker = res.blocked_by[0]
    red = shot.crop(vp)[roof_mask(w, blocker)].astype(int)
    assert ((red[:, 0] > 150) & (red[:, 1] < 80) & (red[:, 2] < 80)).mean() > 0.8  # the blocker drawn red
    # solar potential of the roofs, then a roof clicked: its figures in the attribute dock
    choose_page(qtbot, w, "solar")
    w.analysis.page("solar").grid.setValue(2.0)
    solar = run_page(qtbot, w, "solar").result
    assert "sightline" not in vp.overlays  # the sightline is a layer switched off, not drawn below
    # the highest big flat roof: its colour as drawn is the legend's ramp colour of its irradiation
    flat = np.flatnonzero((scene.surface_type == SURFACE_CODE["RoofSurface"]) & (scene.face_normals[:, 2] > 0.995)
                          & (scene.triangle_areas > 15.0))
    tri = flat[np.argmax(scene.corners[flat][:, :, 2].mean(axis=1))]
    oid, point = scene.object_ids[scene.object_index[tri]], scene.corners[tri].mean(axis=0)
    vp.zoom_to([oid])
    surface = int(solar.surfaces.triangle_surface[tri])
    value = float(solar.irradiation_kwh_m2a[surface])
    from stadtbild.app.legend import colormap_rgb

    st = w.legend.state
    expected = colormap_rgb([value], st["vmin"], st["vmax"], st["cmap"])[0].astype(float)
    factor = w.legend.shade((255, 255, 255))[0] / 255.0  # the legend's ramp is shaded as a flat roof
    shot = save_screenshot(w, "scenario-5b-solar")
    drawn = np.median(shot.crop(vp)[disc_mask(vp, point, 3)].reshape(-1, 3), axis=0)
    assert np.abs(drawn - expected * factor).max() <= 12, (drawn, expected * factor)
    # a click on that roof: its figures in the attribute dock, the building's monthly yield charted
    click(inter, vp.world_to_widget(point))
    qtbot.waitUntil(lambda: w.solar.surface == surface and w.attributes.object_id == oid, timeout=15000)
    row = solar.surface_row(surface, scene)
    rows = w.attributes.rows()
    shown = de_number(next(v for key, v in rows.items() if key.startswith("☀ Einstrahlung")))
    assert shown == pytest.approx(row["irradiation_kwh_m2a"], abs=0.5)
    monthly = solar.buildings()[oid]["monthly_yield_kwh"]
    assert np.allclose(w.solar.chart.bar_heights(), monthly, rtol=1e-9)
    save_screenshot(w, "scenario-5c-roof-clicked")


# ------------------------------------------------------------------------------ 6 presentation
def test_6_presentation_next_view_and_esc(planner, qtbot):
    w = planner
    fresh_demo(qtbot, w)
    focus(qtbot, w)
    QTest.keyClick(w, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: getattr(w, "_presentation", None) is not None and w._presentation.isVisible(),
                    timeout=15000)
    p = w._presentation
    qtbot.waitUntil(lambda: p.geometry() == p.screen().geometry(), timeout=15000)
    inter = p.viewport.plotter.interactor
    first = save_screenshot(p, "scenario-6a-presentation")
    overview_scale = p.viewport._scale.metres
    red = first.crop(p.viewport).astype(int)
    assert ((red[..., 0] > 60) & (red[..., 0] - red[..., 1] > 35) & (red[..., 0] - red[..., 2] > 35)).mean() > 0.01
    # two saved views: the overview, and a closer one after a wheel zoom
    click(p.save_view_button)
    wheel(inter, QPoint(inter.width() // 2, inter.height() // 2), 6)
    click(p.save_view_button)
    assert len(p.views) == 2 and p.index == 1
    QTest.keyClick(inter, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: p.index == 0 and not p.flying(), timeout=15000)
    QTest.keyClick(inter, Qt.Key.Key_Right)  # next view: a flight to the close one
    assert p.index == 1
    qtbot.waitUntil(lambda: not p.flying(), timeout=15000)
    cam = p.camera_of(1)
    assert np.linalg.norm(np.array(p.viewport.plotter.camera.position) - cam.position) < 1e-3 * np.linalg.norm(
        cam.position - cam.focal_point)
    save_screenshot(p, "scenario-6b-next-view")
    assert p.count_label.text() == "Ansicht 2 von 2"
    assert p.viewport._scale.metres < overview_scale  # closer than the overview
    QTest.keyClick(inter, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not p.isVisible(), timeout=15000)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=15000)  # back at the planner's window
    assert len(w.presentation_views) == 2


# ------------------------------------------------------------------------------ 7 export DXF and PDF
def test_7_export_dxf_and_a_pdf_report_through_the_menu(planner, qtbot, tmp_path):
    import ezdxf

    w = planner
    fresh_demo(qtbot, w)
    oid, _p = top_roof_target(w.scene)
    w.set_selection([oid])
    w.demolish_selected()  # a variant edit the exports carry
    for fmt, name in (("DXF", "export.dxf"), ("PDF", "bericht.pdf")):
        out = tmp_path / name

        def fill(d, fmt=fmt, out=out):
            combo = d.format  # the format chosen with the keyboard, the name typed without its ending
            combo.setFocus()
            QTest.keyClick(combo, Qt.Key.Key_Home)
            while combo.currentData() != fmt:
                QTest.keyClick(combo, Qt.Key.Key_Down)
            type_text(d.path_edit, str(out.with_suffix("")))
            assert d.path() == str(out)  # the dialog adds the format's ending (defect j)
            QTest.mouseClick(d.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                             Qt.MouseButton.LeftButton)

        answered = when_dialog(lambda d: d.objectName() == "exportDialog", fill)
        menu_action(w, "file", w.actions_by_name["export"])
        qtbot.waitUntil(lambda: answered["done"], timeout=15000)
        assert answered["error"] is None, answered["error"]
        qtbot.waitUntil(lambda out=out: out.exists() and not w.jobs.busy(), timeout=120000)
        assert w.last_error is None, w.last_error
    doc = ezdxf.readfile(tmp_path / "export.dxf")
    handles = {e.dxf.get("handle") for e in doc.modelspace()}
    assert len(handles) > 800  # the district (less the demolished building) as CAD entities
    data = (tmp_path / "bericht.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(tmp_path / "bericht.pdf"), "-"], capture_output=True, text=True,
                          timeout=60).stdout
    assert w.variants.active().name in text
    save_screenshot(w, "scenario-7-exported")


# ------------------------------------------------------------------------------ 8 bad input
def test_8_a_non_city_json_and_a_truncated_citygml_give_one_line_errors(planner, qtbot, tmp_path):
    w = planner
    fresh_demo(qtbot, w)
    truncated = tmp_path / "abgeschnitten.gml"
    full = data_file("citygml/nrw/LoD2_32_330_5731_1_NW.gml").read_bytes()
    truncated.write_bytes(full[: len(full) // 2])
    for path, says in ((data_file("invalid/geojson_not_cityjson.json"), "keine CityJSON-Datei"),
                       (truncated, "endet vorzeitig")):  # in German, and what is wrong (defect g)
        w.last_error = None
        open_file(qtbot, w, path, shortcut=False)  # Datei ▸ Öffnen… with the mouse
        qtbot.waitUntil(lambda: w.last_error is not None, timeout=60000)
        box = w._error_box
        assert isinstance(box, QMessageBox) and box.isVisible() and box.text() == w.last_error
        assert "\n" not in w.last_error and w.last_error.startswith(f"{path}: ") and says in w.last_error
        assert len(w.model.objects) == 853 and w.files[0].endswith(DEMO.name)  # the open model stays
        save_screenshot(box, f"scenario-8-{path.stem}")
        QTest.keyClick(box, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not box.isVisible(), timeout=10000)
        w._error_box = None
