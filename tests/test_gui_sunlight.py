"""Facade sunlight (DIN 5034-1) in the real window (pytest-qt under Xvfb): a variant with a tower,
the analysis page run in the worker, markers on the facades, the category legend, and the
numbers equal to the library run on the same scenes. Screenshot: tests/artifacts/gui-30-*.png."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from tests.conftest import DEMO
from tests.helpers import open_window
from tests.test_gui import shot

pytestmark = pytest.mark.gui

TOWER = {"op": "extrude", "id": "turm", "footprint": [[90950, 435760], [90970, 435760], [90970, 435780],
                                                      [90950, 435780]], "ground_z": 0.0, "height_m": 40.0}


@pytest.fixture(scope="module")
def win(qapp, tmp_path_factory):
    w = open_window(tmp_path_factory.mktemp("settings"), [DEMO], language="de")
    yield w
    w.close()


def test_sunlight_page_compares_the_variant_with_the_existing_state(win, qtbot, artifacts):
    from stadtbild.model.ground import analysis_scene, ground_of
    from stadtbild.analysis.sunlight import compare_sunlight, default_dates

    w = win
    w.push_edit(dict(TOWER), "Turm")
    assert "turm" in w.model.objects and "turm" not in w.base_model.objects
    dock = w.analysis
    page = dock.show_page("sunlight")
    page.spacing.setValue(3.0)
    dock.run_button.click()
    qtbot.waitUntil(lambda: "sunlight" in w.viewport.overlays and not w.jobs.busy(), timeout=120000)
    assert w.last_error is None
    res = w.last_result
    f = res.figures()
    assert res.before is not None and f["difference"]["points_losing_compliance"] > 0
    # one marker (one quad) per check point
    mesh = w.viewport.overlays["sunlight"].mapper.dataset
    assert mesh.n_cells == f["check_points"] > 5000
    st = w.legend.state
    assert st["kind"] == "categories" and len(st["items"]) == 4
    assert str(f["difference"]["points_losing_compliance"]) in st["summary"]
    assert w.projects.variant_results(w.variants.active())["sunlight_points_lost"] == \
        f["difference"]["points_losing_compliance"]
    # the same numbers as the library on the same scenes (what the CLI runs)
    after = analysis_scene(w.model)
    before = analysis_scene(w.base_model).shifted_to(after.origin)
    parent = {oid: o.parents[0] for oid, o in w.model.objects.items() if o.parents}
    ref = compare_sunlight(before, after, dates=default_dates(dock.sun.when_local().year), step_min=2.0,
                           spacing_m=3.0, storey_height_m=3.0, ground=ground_of(w.model), object_parent=parent)
    assert ref.figures() == {k: v for k, v in f.items()}
    assert np.array_equal(ref.lost_compliance(), res.lost_compliance())
    # a building that loses sunlight, clicked: its figures in the attribute dock (German UI)
    per_b = res.per_building()
    losing_ids, losing_n = np.unique(res.building_of_point()[res.lost_compliance()].astype(str), return_counts=True)
    bid, n_lost = str(losing_ids[0]), int(losing_n[0])
    w.set_selection([bid])
    rows = w.attributes.rows()
    sun_rows = {k: v for k, v in rows.items() if k.startswith("☼")}
    assert len(sun_rows) == 6, rows
    assert int(sun_rows["☼ Fassadenpunkte"]) == per_b[bid]["points"]
    assert int(sun_rows["☼ Beide Tage erfüllt"]) == per_b[bid]["meets_both"]
    assert int(sun_rows["☼ Punkte, die die Besonnung verlieren"]) == n_lost
    w.clear_result()
    w.set_selection([bid])
    assert not any(k.startswith("☼") for k in w.attributes.rows())
    w.set_selection([])
    w.analysis.run_button.click()  # the picture below shows the result again
    qtbot.waitUntil(lambda: "sunlight" in w.viewport.overlays and not w.jobs.busy(), timeout=120000)
    res = w.last_result
    # frame the tower and the buildings that lose sunlight (their south sides face the camera)
    losing = set(res.building_of_point()[res.lost_compliance()].tolist())
    w.viewport.set_view("iso", render=False)
    w.viewport.zoom_to(sorted(losing | {"turm"}))
    shot(w, artifacts, "30-sunlight-variant")
    w.undo_group.undo()
    qtbot.waitUntil(lambda: "turm" not in w.model.objects, timeout=15000)
