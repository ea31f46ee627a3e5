"""Solar results, colour themes, projects and variant comparison in the real window (pytest-qt
under Xvfb). Expected values come from the scene's triangles (areas, normals, signed volumes),
from the project file on disk (SHA-256 with hashlib) and from the solar result's per-surface rows,
not from the window code under test. Screenshots: tests/artifacts/gui-2x-*.png.
"""
from __future__ import annotations

import hashlib
import json
import shutil

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtWidgets import QMessageBox

from tests.conftest import DEMO
from tests.helpers import open_window
from tests.screenshots import save_screenshot
from tests.test_gui import click_at_object, shot, top_roof_target

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def win(qapp, tmp_path_factory):
    w = open_window(tmp_path_factory.mktemp("settings"), [DEMO], language="de")
    yield w
    w.close()


def wait_idle(qtbot, w, timeout=60000):
    qtbot.waitUntil(lambda: not w.jobs.busy(), timeout=timeout)


def test_solar_roof_click_shows_figures_and_monthly_chart(win, qtbot, artifacts):
    w = win
    dock = w.analysis
    page = dock.show_page("solar")
    page.grid.setValue(6.0)
    dock.run_button.click()
    qtbot.waitUntil(lambda: w.solar.result is not None, timeout=60000)
    assert w.last_error is None
    res = w.solar.result
    assert w.viewport.result_rgb is not None
    assert w.legend.state["kind"] == "ramp" and w.legend.state["unit"] == "kWh/m²·a"
    finite = res.irradiation_kwh_m2a[np.isfinite(res.irradiation_kwh_m2a)]
    st = w.legend.state  # rounded to 100 kWh/m²·a: max rounded up, 2nd percentile rounded down
    assert finite.max() <= st["vmax"] < finite.max() + 100 and st["vmax"] % 100 == 0
    assert np.percentile(finite, 2) - 100 < st["vmin"] <= np.percentile(finite, 2) and st["vmin"] % 100 == 0

    target, _pos = click_at_object(qtbot, w)
    qtbot.waitUntil(lambda: w.selected == [target], timeout=15000)
    sc = w.scene
    # the clicked triangle: the centroid of the highest big roof triangle (independent of picking)
    _oid, point = top_roof_target(sc)
    tri = int(np.argmin(np.linalg.norm(sc.corners.mean(axis=1) - point, axis=1)))
    assert w.viewport.last_pick_triangle is not None
    poly = sc.polygon_index[tri]
    area_ref = float(sc.triangle_areas[sc.polygon_index == poly].sum())
    n = sc.face_normals[tri] / np.linalg.norm(sc.face_normals[tri])
    tilt_ref = float(np.degrees(np.arccos(abs(n[2]))))
    rows = w.attributes.rows()
    assert rows["ID"] == target
    assert float(rows["☀ Dachfläche [m²]"].replace(".", "").replace(",", ".")) == pytest.approx(area_ref, abs=0.06)
    assert float(rows["☀ Neigung [°]"].replace(",", ".")) == pytest.approx(tilt_ref, abs=1.0)
    if tilt_ref > 2:
        az_ref = float(np.degrees(np.arctan2(n[0], n[1])) % 360)
        az = float(rows["☀ Ausrichtung [°] (0 = Nord, im Uhrzeigersinn)"].replace(",", "."))
        assert min(abs(az - az_ref), 360 - abs(az - az_ref)) < 2.0
    fig = w.solar.surface_figures()
    kwp = float(rows["☀ PV-Leistung [kWp]"].replace(",", "."))
    suitable_area = float(rows["☀ Geeignete Fläche [m²]"].replace(".", "").replace(",", "."))
    assert kwp == pytest.approx(0.2 * suitable_area, abs=0.02)  # 0.2 kWp per m² of suitable area
    assert rows["☀ Für PV geeignet"] == ("ja" if fig["suitable_area_m2"] > 0 else "nein")
    assert "☀ Einstrahlung [kWh/m²·a]" in rows and "☀ PV-Ertrag [kWh/a]" in rows
    # the chart shows the building's monthly yield: the sum over its roof surfaces' rows
    assert w.solar.box.isVisible()
    bars = w.solar.chart.bar_heights()
    surfaces = [res.surface_row(i) for i in range(len(res.surfaces))]
    mine = [i for i, r in enumerate(surfaces) if r["building_id"] == target]
    assert mine
    ref = np.asarray(res.monthly_yield_kwh)[mine].sum(axis=0)
    assert np.allclose(bars, ref, rtol=1e-9, atol=1e-6)
    assert sum(bars) == pytest.approx(sum(r["yield_kwh_a"] for r in (surfaces[i] for i in mine)), abs=0.1 * len(mine))
    if sum(bars) > 0:
        assert np.argmax(bars) in (4, 5, 6)  # May-July peak in Rotterdam
    shot(w, artifacts, "21-solar-roof-clicked")
    # the selected building is highlighted in cyan over the result colours (not the ramp's yellow)
    from stadtbild.app.viewport import RESULT_SELECTION_RGB

    layer = w.viewport.layers["Building"]
    sel_cells = sc.object_index[layer["tri"]] == sc.object_number(target)
    assert np.all(np.asarray(layer["mesh"].cell_data["rgb"])[sel_cells] == RESULT_SELECTION_RGB)
    # two buildings selected (search / box select too): the chart shows their sum
    other = next(b for b in res.buildings() if b != target and res.buildings()[b]["yield_kwh_a"] > 0)
    w.set_selection([target, other])
    both = ref + np.asarray(res.buildings()[other]["monthly_yield_kwh"])
    assert np.allclose(w.solar.chart.bar_heights(), both, rtol=1e-9)
    assert "2 Gebäude" in w.solar.title.text()
    w.analysis.clear_button.click()
    assert not w.solar.box.isVisible() and w.solar.result is None
    assert not any(k.startswith("☀") for k in w.attributes.rows())


def test_colour_by_height_roof_type_and_object_type(win, qtbot, artifacts):
    w = win
    w.set_selection([])
    wait_idle(qtbot, w)
    assert w.colour_themes.menu.title() == "Einfärben &nach"
    w.colour_themes.actions["height"].trigger()
    qtbot.waitUntil(lambda: w.colour_themes.applied_scene is w.scene, timeout=20000)
    st = w.legend.state
    assert st["kind"] == "ramp" and st["unit"] == "m"
    sc = w.scene
    # the object drawn with the top colour of the ramp is the tallest by its own triangles
    zmin = np.full(len(sc.object_ids), np.inf)
    zmax = np.full(len(sc.object_ids), -np.inf)
    np.minimum.at(zmin, sc.object_index, sc.corners[:, :, 2].min(axis=1))
    np.maximum.at(zmax, sc.object_index, sc.corners[:, :, 2].max(axis=1))
    tallest = int(np.argmax(zmax - zmin))
    assert st["vmax"] == pytest.approx(float(zmax[tallest] - zmin[tallest]), abs=0.5)
    import matplotlib

    top = (np.array(matplotlib.colormaps["viridis"](1.0)[:3]) * 255 + 0.5).astype(int)
    rgb = w.viewport.theme_rgb[sc.object_index == tallest]
    assert np.abs(rgb.astype(int) - top).max() <= 1
    shot(w, artifacts, "22-colour-by-height")

    w.colour_themes.actions["roof_type"].trigger()
    st = w.legend.state
    assert st["kind"] == "categories"
    counted = sum(int(label.rsplit("(", 1)[1].rstrip(")")) for label, _rgb in st["items"])
    types = [v for v in w.colour_themes.values if isinstance(v, str)]
    assert counted == len(types) and counted > 800
    assert any(label.startswith("Satteldach") for label, _ in st["items"])
    shot(w, artifacts, "23-colour-by-roof-type")

    w.colour_themes.actions["object_type"].trigger()
    assert [label for label, _ in w.legend.state["items"]] == ["Building (853)"]
    w.colour_themes.actions["storeys"].trigger()
    assert w.legend.state["vmin"] >= 1
    w.colour_themes.actions["surfaces"].trigger()
    assert w.viewport.theme_rgb is None and w.viewport.result_rgb is None and w.legend.state["kind"] == "surfaces"


def prism_volume(scene, k: int) -> float:
    """Volume of object ``k`` from its triangles, m³: divergence theorem with the field
    (0, 0, z − z_base), so a missing or open ground face (z = z_base) adds nothing."""
    c = scene.corners[scene.object_index == k]
    z0 = c[:, :, 2].min()
    cross_z = np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0])[:, 2] / 2.0  # signed projected area
    return float(abs((cross_z * (c[:, :, 2].mean(axis=1) - z0)).sum()))


def test_project_variants_compare_save_open_and_changed_source(win, qtbot, tmp_path, artifacts):
    w = win
    src = tmp_path / "quartier.city.json"
    shutil.copyfile(DEMO, src)
    w.open_paths([src])
    qtbot.waitUntil(lambda: w.files == [str(src)] and w.scene is not None, timeout=30000)
    wait_idle(qtbot, w)
    base_scene = w.scene
    ids = [oid for oid in base_scene.object_ids if not w.base_model.objects[oid].parents]
    vols = {oid: prism_volume(base_scene, base_scene.object_number(oid)) for oid in ids[:40]}
    big = max(vols, key=vols.get)  # the largest of the first 40 buildings
    small = min(vols, key=vols.get)

    vd = w.variants
    vd.new_button.click()  # Variant A: demolish `big`
    vd.name_dialog.accept()  # "Neu" asks for the name; the proposed one is fine
    assert vd.list.currentRow() == 1
    w.set_selection([big])
    w.demolish_selected()
    vd.copy_button.click()  # its copy, then also demolish `small`
    w.set_selection([small])
    w.demolish_selected()
    vd.active().name = "Variante B"
    vd.edits_changed()
    assert len(w.model.objects) == 851
    # the undo stack is per variant: undo in B does not touch A
    vd.list.setCurrentRow(1)
    assert len(w.model.objects) == 852
    vd.list.setCurrentRow(2)
    w.actions_by_name["undo"].trigger()
    assert vd.variants[2].edits == [{"op": "demolish", "ids": [big]}] and vd.variants[1].edits == [
        {"op": "demolish", "ids": [big]}]
    w.actions_by_name["redo"].trigger()
    assert len(w.model.objects) == 851

    # shadow for the existing state and for variant A
    dock = w.analysis
    page = dock.show_page("shadow")
    page.grid.setValue(4.0)
    for row in (0, 1):
        vd.list.setCurrentRow(row)
        w.last_result = None
        dock.run_button.click()
        qtbot.waitUntil(lambda: w.last_result is not None, timeout=30000)
    # a sightline from high up onto the ground under `big`: blocked by it in Bestand, not in A
    k = base_scene.object_number(big)
    c = base_scene.corners[base_scene.object_index == k].reshape(-1, 3)
    centre_world = base_scene.to_world(np.array([*((c.min(axis=0) + c.max(axis=0)) / 2)[:2], c[:, 2].min()]))
    page = dock.show_page("sightline")
    blockers = []
    for row in (0, 1):
        vd.list.setCurrentRow(row)
        page.set_point(0, centre_world + np.array([-60.0, 0.0, 60.0]))
        page.set_point(1, centre_world + np.array([0, 0, 0.2]))
        w.last_result = None
        dock.run_button.click()
        qtbot.waitUntil(lambda: w.last_result is not None, timeout=30000)
        blockers.append(set(w.last_result.blocked_by))
    assert big in blockers[0] and big not in blockers[1]
    shadow0 = w.projects.variant_results(vd.variants[0])["shadow_area_m2"]
    shadow_a = w.projects.variant_results(vd.variants[1])["shadow_area_m2"]

    assert w.actions_by_name["compare_variants"] in w.menus["file"].actions()
    assert w.actions_by_name["project_save"].text() == "Projekt &speichern"
    vd.compare_button.click()
    qtbot.waitUntil(lambda: w.projects.dialog is not None and w.projects.dialog.isVisible(), timeout=20000)
    d = w.projects.dialog
    assert [d.table.horizontalHeaderItem(c).text() for c in range(3)] == ["Bestand", "Variante A", "Variante B"]

    def num(text):
        return float(text.split("(")[0].strip().replace(".", "").replace(",", "."))

    def delta(text):
        return float(text.split("Δ")[1].rstrip(")").strip().replace("+", "").replace(".", "").replace(",", "."))

    assert num(d.cell("buildings", 0)) == len(ids)
    assert num(d.cell("buildings", 2)) == len(ids) - 2
    assert delta(d.cell("volume_m3", 1)) == pytest.approx(-vols[big], rel=0.01, abs=2)
    assert delta(d.cell("volume_m3", 2)) == pytest.approx(-vols[big] - vols[small], rel=0.01, abs=2)
    assert num(d.cell("shadow_area_m2", 0)) == pytest.approx(shadow0, abs=1)
    assert delta(d.cell("shadow_area_m2", 1)) == pytest.approx(shadow_a - shadow0, abs=1)
    # B had no shadow run: the comparison computed it with the same time, grid and study area;
    # the library's own run on B's model is the reference
    from stadtbild.model.ground import analysis_scene
    from stadtbild.analysis.shadow import shadow_at
    from stadtbild.app.scenario_adapter import apply_variant

    when = w.state.when_local
    ref_b = shadow_at(analysis_scene(apply_variant(w.base_model, vd.variants[2])), when, cell_m=4.0,
                      extent=w.study_extent)
    assert num(d.cell("shadow_area_m2", 2)) == pytest.approx(ref_b.figures()["shadow_area_m2"], abs=1)
    # one study area for all: the open ground differs only by the demolished footprints (the small
    # one covers less than a 4 m cell)
    assert num(d.cell("open_ground_m2", 0)) < num(d.cell("open_ground_m2", 1)) <= num(d.cell("open_ground_m2", 2))
    assert f"{when:%d.%m.%Y %H:%M}" in d.parameters_label.text()
    assert num(d.cell("sightline_blockers", 0)) == len(blockers[0])
    assert delta(d.cell("sightline_blockers", 1)) == len(blockers[1]) - len(blockers[0])
    d.resize(900, 560)
    save_screenshot(d, "gui-24-compare-variants")
    d.close()

    # save: sources with their checksum, the variants as named scenarios, the view
    vd.list.setCurrentRow(2)
    proj = tmp_path / "plan.stadtbild"
    assert w.projects.save_to(proj)
    data = json.loads(proj.read_text(encoding="utf-8"))
    assert data["sources"][0]["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert [s["name"] for s in data["scenarios"]] == ["Variante A", "Variante B"]
    assert data["scenarios"][1]["edits"] == [{"op": "demolish", "ids": [big]}, {"op": "demolish", "ids": [small]}]
    assert data["active_scenario"] == "Variante B"
    assert any(v.get("name") == "Fenster" for v in data["views"])
    cam = np.array(w.viewport.plotter.camera.position)

    w.analysis.page("shadow").grid.setValue(2.0)
    # the source changes: opening warns in a dialog, the variants come back, B is active
    with open(src, "ab") as fh:
        fh.write(b"\n")
    w.viewport.set_view("top")
    w.projects.open(proj)
    qtbot.waitUntil(lambda: w.projects._warning_box is not None and w.projects._warning_box.isVisible(),
                    timeout=10000)
    box = w.projects._warning_box
    assert isinstance(box, QMessageBox) and "checksum differs" in box.text()
    qtbot.waitUntil(lambda: w.projects.path == proj, timeout=30000)
    assert len(vd.variants) == 3 and vd.active() is vd.variants[2]
    assert [v.name for v in vd.variants] == ["Bestand", "Variante A", "Variante B"]
    assert big not in w.model.objects and small not in w.model.objects and len(w.model.objects) == len(ids) - 2
    assert np.allclose(w.viewport.plotter.camera.position, cam, atol=0.01)
    assert w.projects.variant_results(vd.variants[1])["shadow_area_m2"] == pytest.approx(shadow_a)
    assert w.analysis.page("shadow").grid.value() == 4.0  # the pages' parameters come back
    assert data["analysis"]["pages"]["shadow"]["Grid spacing [m]"] == 4.0
    shot(w, artifacts, "25-project-reopened")
    box.done(0)
