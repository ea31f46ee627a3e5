"""Analysis results in the window: one state, results keyed by variant + analysis + parameters,
comparisons like with like, live shadow, stale marking, results as layers (issue 18 §3 c, d, §4).

References: the sun from pvlib's SPA run here, the shadow of an isolated box tower from geometry
(the ground swept by its footprint along the shadow direction: L · w⊥ with L = h / tan(elevation)),
and the library (analysis.shadow) run on the same scenes. Screenshots: tests/artifacts/gui-4x-*.png.
"""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from tests.conftest import DEMO  # noqa: E402
from tests.helpers import open_window  # noqa: E402
from tests.screenshots import capture, disc_mask, save_screenshot, triangles_mask  # noqa: E402

pytestmark = pytest.mark.gui

TOWER_M = 40.0
SIDE_M = 20.0


@pytest.fixture(scope="module")
def shared(qapp, tmp_path_factory):
    w = open_window(tmp_path_factory.mktemp("settings"), [DEMO])
    w.demo_model = w.base_model
    yield w
    w.close()


@pytest.fixture
def window(shared, qtbot):
    w = shared
    if w._error_box is not None:
        w._error_box.done(0)
        w._error_box = None
    w.last_error = None
    w.show_model(w.demo_model, w.demo_model.scene(), [str(DEMO)])  # fresh: one variant, no results
    qtbot.waitUntil(lambda: not w.jobs.busy(), timeout=60000)
    return w


def run(qtbot, window, key, **values):
    """Choose the page, set its values, press Run (the real button), wait for the result."""
    dock = window.analysis
    page = dock.show_page(key)
    for name, v in values.items():
        getattr(page, name).setValue(v)
    before = window.last_run
    QTest.mouseClick(dock.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.last_run is not before and not dock.cancel_button.isEnabled(), timeout=180000)
    assert window.last_error is None, window.last_error
    return window.last_run


def tower_site(window):
    """Open ground 150 m south of the district (model CRS): the tower's shadow at 15:00 falls on
    empty ground (no other building south of the buildings' bbox)."""
    lo, hi = window.scene.bounds
    c = window.scene.to_world(np.array([(lo[0] + hi[0]) / 2, lo[1] - 150.0, lo[2]]))
    return c[0], c[1]


def add_tower(window, name="Turm 40 m"):
    """A new variant with a 20 × 20 m box tower, 40 m high (flat roof), on open ground."""
    window.variants.new_button.click()  # "Neu" asks for the name (issue 18 h)
    window.variants.name_dialog.setTextValue(name)
    window.variants.name_dialog.accept()
    assert window.variants.active().name == name
    x, y = tower_site(window)
    h = SIDE_M / 2
    fp = [[x - h, y - h], [x + h, y - h], [x + h, y + h], [x - h, y + h]]
    ground = float(window.scene.to_world([0.0, 0.0, window.viewport.ground_z])[2])
    window.push_edit({"op": "extrude", "id": "turm", "footprint": fp, "ground_z": ground, "height_m": TOWER_M,
                      "roof": "flat", "roof_height_m": 0.0}, "Turm")
    assert "turm" in window.model.objects
    return x, y


def spa(window, when_utc: str):
    """Sun azimuth/elevation (°) by pvlib at the model's bbox centre (independent of the app)."""
    import pandas as pd
    import pvlib
    from pyproj import Transformer

    bb = window.base_model.bbox()
    lon, lat = Transformer.from_crs(28992, 4326, always_xy=True).transform((bb[0] + bb[3]) / 2, (bb[1] + bb[4]) / 2)
    sp = pvlib.solarposition.spa_python(pd.DatetimeIndex([pd.Timestamp(when_utc)]), lat, lon)
    return float(sp["azimuth"].iloc[0]), float(sp["apparent_elevation"].iloc[0])


def tower_shadow_m2(az_deg, el_deg) -> float:
    """Shadow of the isolated square tower on open ground outside its footprint: the footprint
    swept along the shadow (length h / tan e, direction opposite the sun's azimuth)."""
    length = TOWER_M / math.tan(math.radians(el_deg))
    phi = math.radians(az_deg + 180.0)
    return length * SIDE_M * (abs(math.sin(phi)) + abs(math.cos(phi)))


def de(text: str) -> float:
    """A German-formatted number ('54.176' / '3,5') as float."""
    return float(text.split("(")[0].strip().replace(".", "").replace(",", "."))


# ------------------------------------------------------------------------------ §3 c: like with like
def test_compare_uses_the_same_time_for_every_variant(window, qtbot, artifacts):
    """Bestand was last run at 10:00, the tower variant at 15:00: the comparison must not put those
    side by side. It compares both at 15:00 (the time on the panel), computing Bestand's 15:00
    run on demand: the difference is the tower's own shadow, as geometry says."""
    dock = window.analysis
    dock.show_page("shadow")
    dock.sun.set_when(dt.datetime(2026, 3, 21, 10, 0))
    run(qtbot, window, "shadow", grid=2.0)
    add_tower(window)
    dock.sun.set_when(dt.datetime(2026, 3, 21, 15, 0))
    run(qtbot, window, "shadow")
    window.variants.compare_button.click()
    qtbot.waitUntil(lambda: window.projects.dialog is not None and window.projects.dialog.isVisible(),
                    timeout=180000)
    d = window.projects.dialog
    az, el = spa(window, "2026-03-21T14:00Z")  # 15:00 CET
    expected = tower_shadow_m2(az, el)
    base, variant = de(d.cell("shadow_area_m2", 0)), de(d.cell("shadow_area_m2", 1))
    assert variant - base == pytest.approx(expected, rel=0.06)
    assert "21.03.2026 15:00" in d.parameters_label.text()  # the table states the parameters
    save_screenshot(d, "gui-40-compare-like-with-like")
    d.close()


def test_open_ground_does_not_change_with_the_time_of_day(window, qtbot):
    """The 'Freifläche' the shadow share is measured against is one study area: the same at 10:00
    and at 15:00 (before the fix it grew with the shadow's length and direction)."""
    dock = window.analysis
    areas = []
    for hour in (10, 15):
        dock.sun.set_when(dt.datetime(2026, 3, 21, hour, 0))
        r = run(qtbot, window, "shadow", grid=4.0)
        areas.append(r.result.figures()["ground_area_m2"])
        assert f"{areas[-1]:,.0f}".replace(",", ".") in window.legend.summary.text()
    assert areas[0] == areas[1]


# ------------------------------------------------------------------------------ §3 d: live, stale, layers
def slider_x(slider, value: int) -> int:
    """Widget x of the handle centre for ``value`` (Qt's own slider geometry)."""
    from PySide6.QtWidgets import QStyle, QStyleOptionSlider

    opt = QStyleOptionSlider()
    slider.initStyleOption(opt)
    style = slider.style()
    groove = style.subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderGroove, slider)
    handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, slider)
    span = groove.width() - handle.width()
    return groove.x() + handle.width() // 2 + QStyle.sliderPositionFromValue(slider.minimum(), slider.maximum(),
                                                                             value, span)


def drag_slider(slider, to_value: int, steps: int = 8) -> None:
    """Drag the handle with the mouse (press on it, several moves, release), as a planner does."""
    y = slider.height() // 2
    x0, x1 = slider_x(slider, slider.value()), slider_x(slider, to_value)
    QTest.mousePress(slider, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(x0, y))
    for k in range(1, steps + 1):
        QTest.mouseMove(slider, QPoint(x0 + (x1 - x0) * k // steps, y))
        QTest.qWait(15)
    QTest.mouseRelease(slider, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(x1, y))


def test_shadow_follows_the_time_slider(window, qtbot, artifacts):
    """Dragging the time slider recomputes the instant shadow where the slider comes to rest:
    the overlay, the legend and the layer show the new time, not the old shadow."""
    dock = window.analysis
    dock.sun.set_when(dt.datetime(2026, 3, 21, 11, 0))
    first = run(qtbot, window, "shadow", grid=4.0)
    slider = dock.sun.slider
    drag_slider(slider, 16 * 6)
    rested = dock.sun.when_local()
    assert abs(slider.value() - 16 * 6) <= 1  # the handle went where it was dragged
    expect = f"{rested:%Y-%m-%d %H:%M}"
    qtbot.waitUntil(lambda: expect in window.legend.summary.text(), timeout=30000)
    shown = [r for r in window.state.shown_runs() if r.key.analysis == "shadow"]
    assert len(shown) == 1 and shown[0] is not first and shown[0].key.param("time") == rested.isoformat(
        timespec="minutes")
    assert window.viewport.overlays["shadow"].GetMapper().GetInput().GetNumberOfCells() == shown[0].layer.cells
    assert "⚠" not in " ".join(window.legend.texts())
    save_screenshot(window, "gui-41-shadow-after-slider")


def test_live_shadow_while_the_slider_is_held_debounced_and_without_piles(window, qtbot):
    """A move of the slider computes nothing itself, it restarts the debounce timer; held still
    with the button down, the shadow of that time appears (live, not only on release), the old
    one marked stale meanwhile; released elsewhere, the new time is computed at
    once (no debounce wait). The positions on the way do not pile up as layers: the run asked
    for and the current one stay."""
    dock = window.analysis
    dock.sun.set_when(dt.datetime(2026, 3, 21, 11, 0))
    first = run(qtbot, window, "shadow", grid=4.0)
    slider = dock.sun.slider
    started = []
    window.jobs.job_started.connect(started.append)
    y = slider.height() // 2
    x0, x1, x2 = slider_x(slider, slider.value()), slider_x(slider, 13 * 6), slider_x(slider, 16 * 6)
    QTest.mousePress(slider, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(x0, y))
    moved = 0
    for k in range(1, 13):
        n, v = len(started), slider.value()
        QTest.mouseMove(slider, QPoint(x0 + (x1 - x0) * k // 12, y))
        if slider.value() != v:  # debounced: a new time only restarts the timer
            moved += 1
            assert window._live_timer.isActive() and len(started) == n
        QTest.qWait(20)
    assert moved >= 8
    held = dock.sun.when_local().isoformat(timespec="minutes")
    assert "⚠" in " ".join(window.legend.texts())  # the 11:00 shadow still drawn: marked stale
    qtbot.waitUntil(lambda: any(r.key.param("time") == held for r in window.state.shown_runs()), timeout=30000)
    qtbot.waitUntil(lambda: window._analysis_job is None, timeout=30000)
    assert "⚠" not in " ".join(window.legend.texts())
    QTest.mouseMove(slider, QPoint(x2, y))
    QTest.mouseRelease(slider, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(x2, y))
    assert not window._live_timer.isActive() and window._analysis_job is not None  # at once
    rested = dock.sun.when_local().isoformat(timespec="minutes")
    qtbot.waitUntil(lambda: any(r.key.param("time") == rested for r in window.state.shown_runs()), timeout=30000)
    window.jobs.job_started.disconnect(started.append)
    kept = window.state.runs(analysis="shadow")
    assert [r.key.param("time") for r in kept] == ["2026-03-21T11:00", rested]
    assert kept[0] is first and not first.visible
    rows = [item for item in window.layers.result_items if item.text(0).startswith("Schatten")]
    assert len(rows) == 2


def test_results_of_other_parameters_are_marked_stale(window, qtbot):
    """Sun hours of 21 June stay on screen when the date changes, but the legend and the layer
    say they are stale and for which date; the page's result line too."""
    dock = window.analysis
    dock.sun.set_when(dt.datetime(2026, 6, 21, 12, 0))
    run(qtbot, window, "sunhours", grid=10.0)
    assert "⚠" not in " ".join(window.legend.texts())
    dock.sun.set_when(dt.datetime(2026, 3, 21, 12, 0))
    texts = " ".join(window.legend.texts())
    assert "⚠" in texts and "21.06.2026" in texts
    assert "21.06.2026" in dock.result_label.text() and dock.result_label.text().startswith("⚠")
    row = window.layers.result_items[-1]
    assert row.checkState(0) == Qt.CheckState.Checked and row.toolTip(0)


def test_result_text_belongs_to_its_page(window, qtbot):
    """The shadow's result line is not shown under another page."""
    dock = window.analysis
    dock.sun.set_when(dt.datetime(2026, 3, 21, 15, 0))
    run(qtbot, window, "shadow", grid=4.0)
    assert "Schatten" in dock.result_label.text()
    dock.show_page("solar")
    assert dock.result_label.text() == ""
    dock.show_page("shadow")
    assert "Schatten" in dock.result_label.text()


def test_results_are_layers_that_do_not_pile_up(window, qtbot, artifacts):
    """Shadow, then a sightline, then solar: only the newest is drawn (no shadow grid under
    sightline colours under solar colours); each stays a layer that can be ticked on again, and
    results drawing on the same things switch each other off."""
    dock = window.analysis
    vp = window.viewport
    dock.sun.set_when(dt.datetime(2026, 3, 21, 15, 0))
    run(qtbot, window, "shadow", grid=4.0)
    assert "shadow" in vp.overlays
    sc = window.scene
    lo, hi = sc.bounds
    page = dock.page("sightline")
    page.set_point(0, sc.to_world(np.array([(lo[0] + hi[0]) / 2, lo[1] - 20, lo[2]])))
    page.set_point(1, sc.to_world(np.array([(lo[0] + hi[0]) / 2, hi[1] + 20, lo[2]])))
    run(qtbot, window, "sightline")
    assert "shadow" not in vp.overlays and "sightline" in vp.overlays
    solar = run(qtbot, window, "solar", grid=5.0)
    assert "sightline" not in vp.overlays and "shadow" not in vp.overlays
    assert np.array_equal(vp.result_rgb, solar.layer.building_rgb)
    assert window.legend.state["kind"] == "ramp" and len(window.legend.entries) == 1
    rows = {item.text(0): item for item in window.layers.result_items}
    assert len(rows) == 3
    shadow_row = next(item for text, item in rows.items() if text.startswith("Schatten"))
    shadow_row.setCheckState(0, Qt.CheckState.Checked)  # shadow on the ground + solar on the roofs
    qtbot.waitUntil(lambda: "shadow" in vp.overlays, timeout=5000)
    assert np.array_equal(vp.result_rgb, solar.layer.building_rgb) and len(window.legend.entries) == 2
    save_screenshot(window, "gui-42-shadow-and-solar-layers")
    sight_row = next(item for item in window.layers.result_items if item.text(0).startswith("Sicht"))
    sight_row.setCheckState(0, Qt.CheckState.Checked)  # colours buildings too: solar goes off
    qtbot.waitUntil(lambda: "sightline" in vp.overlays, timeout=5000)
    assert not np.array_equal(vp.result_rgb, solar.layer.building_rgb)
    assert not solar.visible and "shadow" in vp.overlays


# ------------------------------------------------------------------------------ §4: one state
def test_docks_and_view_follow_the_state(window, qtbot):
    """Selection and variants changed on the state (not through any widget) reach the 3D view,
    the attribute dock and the variants dock: they subscribe to its signals."""
    from stadtbild.viewer.scene_view import SELECTION_COLOUR

    st = window.state
    oid = next(o for o in window.model.objects if not window.model.objects[o].parents)
    st.set_selection([oid])
    assert window.attributes.object_id == oid
    mesh = window.viewport.layers["Building"]["mesh"]
    k = window.scene.object_number(oid)
    sel = np.all(np.asarray(mesh.cell_data["rgb"]) == SELECTION_COLOUR, axis=1)
    assert np.array_equal(sel, np.asarray(mesh.cell_data["object_index"]) == k)
    v = st.add_variant("Variante X", [{"op": "demolish", "ids": [oid]}])
    assert window.variants.list.item(window.variants.list.count() - 1).text().startswith("Variante X")
    assert window.variants.list.currentRow() == len(st.variants) - 1 and st.active is v
    assert oid not in window.model.objects and oid not in window.scene.object_ids  # the view followed
    assert window.attributes.object_id is None


def test_no_polling_timer_and_no_missing_module_paths(window):
    """Every analysis is part of the build: no page says it is missing, no timer re-checks modules."""
    from PySide6.QtCore import QTimer

    notes = [p.note.text() for p in window.analysis.pages]
    assert not any("build" in n or "Build" in n or "nicht verfügbar" in n for n in notes)
    timers = [t for t in window.findChildren(QTimer) if t.isActive() and t.interval() == 30000]
    assert all(t.parent() is window.autosave for t in timers)  # the autosave journal is the only 30-s timer


# ------------------------------------------------------------------------------ pixels: shadow, legend
def test_shadow_darkens_the_ground_north_east_of_the_tower(window, qtbot, artifacts):
    """In the top view at 15:00 the shadow overlay darkens the ground north-east of the tower and
    leaves the south-west as it was; its legend swatch is the colour drawn there."""
    x, y = add_tower(window)
    vp = window.viewport
    sc = window.scene
    centre = sc.to_local(np.array([x, y, window.scene.to_world([0, 0, vp.ground_z])[2]]))
    vp.set_view("top")
    vp.plotter.renderer.ResetCamera((centre[0] - 90, centre[0] + 90, centre[1] - 90, centre[1] + 90,
                                     vp.ground_z, vp.ground_z + 1))
    vp.plotter.reset_camera_clipping_range()  # the whole tower, not the ground slab only
    vp.render()
    az, el = spa(window, "2026-03-21T14:00Z")
    length = TOWER_M / math.tan(math.radians(el))
    away = np.radians(az + 180.0)  # compass: 0 = north, clockwise
    step = np.array([math.sin(away), math.cos(away), 0.0])
    ne = centre + step * (SIDE_M / 2 + 0.5 * length)  # halfway along the shadow, outside the footprint
    sw = centre - step * (SIDE_M / 2 + 0.5 * length)  # the same distance towards the sun: sunlit
    before = capture(window).crop(vp)
    window.analysis.sun.set_when(dt.datetime(2026, 3, 21, 15, 0))
    run(qtbot, window, "shadow", grid=1.0)
    after = save_screenshot(window, "gui-43-tower-shadow").crop(vp)
    ne_px, sw_px = disc_mask(vp, ne, 6), disc_mask(vp, sw, 6)

    def luma(a):
        return (np.asarray(a, float) @ np.array([0.299, 0.587, 0.114])).mean()

    assert luma(after[ne_px]) < luma(before[ne_px]) - 40
    assert abs(luma(after[sw_px]) - luma(before[sw_px])) < 3
    swatch = np.array(window.legend.swatch_colours(0)[0])  # "Schatten auf dem Boden"
    drawn = np.median(after[ne_px].reshape(-1, 3), axis=0)
    assert np.abs(drawn - swatch).max() <= 6, (drawn, swatch)
    sun = np.median(before[sw_px].reshape(-1, 3), axis=0)
    assert np.abs(sun - np.array(window.legend.swatch_colours(0)[1])).max() <= 6


def test_surface_legend_swatches_are_the_colours_drawn(window, qtbot, artifacts):
    """Roof and wall swatches of the default legend match the tower's roof and sunlit wall as
    drawn (the wall swatch used to be the near-white material colour while walls render grey)."""
    add_tower(window)
    vp = window.viewport
    sc = window.scene
    k = sc.object_number("turm")
    tri = sc.object_index == k
    c = sc.corners[tri].reshape(-1, 3)
    mid = (c.min(axis=0) + c.max(axis=0)) / 2
    cam = vp.plotter.camera
    # from the south-west, 30° above: roof, south and west walls in view
    cam.focal_point = tuple(mid)
    cam.position = tuple(mid + np.array([-1.0, -1.0, 0.82]) * 110)
    cam.up = (0.0, 0.0, 1.0)
    vp.plotter.reset_camera_clipping_range()
    vp.set_sun_direction(None)  # the default key light (south-west, 45° up): the legend follows it
    window.legend.show_surfaces()
    shot = save_screenshot(window, "gui-44-legend-and-walls").crop(vp)
    n = sc.face_normals
    roof = triangles_mask(vp, sc.corners[tri & (n[:, 2] > 0.9)], shrink_px=3)
    south = triangles_mask(vp, sc.corners[tri & (n[:, 1] < -0.9)], shrink_px=3)
    assert roof.sum() > 500 and south.sum() > 500
    swatches = dict(zip(["roof", "wall", "ground", "selected"], window.legend.swatch_colours(0)))
    drawn_roof = np.median(shot[roof].reshape(-1, 3), axis=0)
    drawn_wall = np.median(shot[south].reshape(-1, 3), axis=0)
    assert np.abs(drawn_roof - swatches["roof"]).max() <= 8, (drawn_roof, swatches["roof"])
    assert np.abs(drawn_wall - swatches["wall"]).max() <= 8, (drawn_wall, swatches["wall"])
