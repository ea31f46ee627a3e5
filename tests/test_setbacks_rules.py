"""Abstandsflächen as a planner in NRW needs them (issue 18 §3 m): the rule of the model's Land
(from the buildings' Gemeindeschlüssel, else the position), slivers below a stated tolerance are
not conflicts, and a variant's new conflicts are told apart from those that exist already."""
from __future__ import annotations

import copy
import json
import subprocess
import sys

import numpy as np
import pytest

from analysis.setbacks import (SLIVER_AREA_M2, SLIVER_WIDTH_M, choose_rule, compare_conflicts, compute_setbacks,
                               land_at)
from importers import load
from model.scenario import Scenario
from tests.conftest import DEMO, ROOT, data_file
from tests.helpers import box_model

NRW = sorted((data_file("citygml/nrw")).glob("LoD2_*.gml"))

#: Landeshauptstädte (state capitals) with their WGS84 position (rounded), written out here as the
#: independent reference: city -> (lon, lat, Land)
CAPITALS = {
    "Kiel": (10.13, 54.32, "SH"), "Hamburg": (9.99, 53.55, "HH"), "Hannover": (9.74, 52.37, "NI"),
    "Bremen": (8.81, 53.08, "HB"), "Düsseldorf": (6.78, 51.23, "NW"), "Wiesbaden": (8.24, 50.08, "HE"),
    "Mainz": (8.27, 50.00, "RP"), "Stuttgart": (9.18, 48.78, "BW"), "München": (11.58, 48.14, "BY"),
    "Saarbrücken": (6.99, 49.24, "SL"), "Berlin": (13.40, 52.52, "BE"), "Potsdam": (13.06, 52.39, "BB"),
    "Schwerin": (11.41, 53.63, "MV"), "Dresden": (13.74, 51.05, "SN"), "Magdeburg": (11.63, 52.13, "ST"),
    "Erfurt": (11.03, 50.98, "TH"),
}


@pytest.mark.parametrize("city", sorted(CAPITALS))
def test_land_of_every_state_capital(city):
    lon, lat, land = CAPITALS[city]
    found = land_at(lon, lat)
    assert found["land"] == land and found["distance_km"] < 10


def test_outside_germany_is_no_land():
    assert land_at(4.48, 51.92)["land"] is None  # Rotterdam
    assert land_at(2.35, 48.86)["land"] is None  # Paris


@pytest.mark.parametrize("path", NRW, ids=lambda p: p.name[:22])
def test_nrw_tiles_get_the_nrw_rule_by_default(path):
    model = load(path)
    res = compute_setbacks(model)  # no rule given
    assert res.rule.key == "bauo-nrw"
    choice = res.summary()["rule_choice"]
    assert choice["land"] == "NW" and choice["source"] == "attribute"


def test_without_gemeindeschluessel_the_position_decides():
    model = load(NRW[0])
    for obj in model.objects.values():
        obj.attributes.pop("Gemeindeschluessel", None)
    choice = choose_rule(model)
    assert choice == {**choice, "rule": "bauo-nrw", "land": "NW", "source": "location"}


def test_other_places_get_their_rule():
    assert choose_rule(load(data_file("citygml/sachsen/LoD2_33_416_5656_2_SN_14_Buildings.gml")))["land"] == "SN"
    demo = choose_rule(load(DEMO))  # Rotterdam: not in Germany, Musterbauordnung
    assert demo["land"] is None and demo["rule"] == "mbo" and demo["source"] == "location"
    assert choose_rule(box_model([("a", 0, 0, 10, 10, 0, 9)], crs_epsg=None))["source"] == "default"


# ------------------------------------------------------------------ slivers
def _pair(gap_m: float, depth_overlap_m: float):
    """Two 10 m long houses of 7.5 m wall height (MBO: T = 3 m) facing each other across a gap;
    their setback areas overlap by ``6 − gap`` in depth over 10 m, and ``a``'s area reaches into
    ``b`` by ``depth_overlap_m`` when negative gaps are used for the building case."""
    return box_model([("a", 0, 0, 10, 8, 0, 7.5), ("b", 0, 8 + gap_m, 10, 16 + gap_m, 0, 7.5)])


def test_sliver_overlaps_are_not_conflicts():
    # gap 5.96 m: the two 3 m deep areas overlap in a 0.04 m × 10 m strip (0.4 m²): a sliver
    thin = compute_setbacks(_pair(5.96, 0), "mbo")
    assert thin.violations == [] and thin.slivers_ignored >= 2
    # gap 5.0 m: a 1 m × 10 m overlap (10 m²): a conflict, both ways
    real = compute_setbacks(_pair(5.0, 0), "mbo")
    assert sorted((v["id"], v["other_id"]) for v in real.violations) == [("a", "b"), ("b", "a")]
    assert all(v["overlap_m2"] == pytest.approx(10.0, abs=1e-6) for v in real.violations)
    s = real.summary()
    assert s["tolerance"] == {"min_overlap_m2": SLIVER_AREA_M2, "min_width_m": SLIVER_WIDTH_M}


def test_no_nrw_conflict_is_a_sliver():
    for path in NRW:
        res = compute_setbacks(load(path))
        for v in res.violations:
            assert v["overlap_m2"] > SLIVER_AREA_M2
    # the 0.01 m² overlaps of the old count are gone: fewer buildings flagged than before (125 of 162)
    flagged = sum(len({v["id"] for v in compute_setbacks(load(p)).violations}) for p in NRW)
    assert flagged < 125


# ------------------------------------------------------------------ a variant's new conflicts
def free_spot(result, size_m: float, near_m: float, far_m: float):
    """Local (x, y) of the lower-left corner of a free ``size_m`` square whose distance to the
    nearest building footprint lies between ``near_m`` and ``far_m``."""
    import shapely

    fps = shapely.union_all(result.footprints)
    xmin, ymin, xmax, ymax = fps.bounds
    for y in np.arange(ymin, ymax, 2.0):
        for x in np.arange(xmin, xmax, 2.0):
            sq = shapely.box(x, y, x + size_m, y + size_m)
            if near_m <= sq.distance(fps) <= far_m:
                return float(x), float(y)
    raise AssertionError("no free spot")


def test_variant_conflicts_new_apart_from_existing():
    model = load(NRW[1])
    before = compute_setbacks(model)
    # a 30 m tower on open ground 4–8 m from the nearest building: T = 0.4 × 30 = 12 m reaches it
    x0, y0 = free_spot(before, 12.0, 4.0, 8.0)
    x0, y0 = x0 + model.origin[0], y0 + model.origin[1]
    tower = {"op": "extrude", "id": "turm", "footprint": [[x0, y0], [x0 + 12, y0], [x0 + 12, y0 + 12],
                                                         [x0, y0 + 12]],
             "ground_z": float(model.bbox()[2]), "height_m": 30.0, "roof": "flat"}
    after_model = Scenario.from_dict({"name": "Turm", "edits": [tower]}).apply(model)
    after = compute_setbacks(after_model)
    cmp = compare_conflicts(before, after)
    assert cmp["new"], "the tower must add conflicts"
    assert all("turm" in (v["id"], v["other_id"]) for v in cmp["new"])  # only the tower's
    keys = {(v["id"], str(v["other_id"]), v["kind"]) for v in before.violations}
    assert {(v["id"], str(v["other_id"]), v["kind"]) for v in cmp["existing"]} <= keys
    assert len(cmp["new"]) + len(cmp["existing"]) == len(after.violations)
    same = compare_conflicts(before, compute_setbacks(copy.deepcopy(model)))
    assert same["new"] == [] and same["resolved"] == []


def test_cli_default_rule_is_the_land_of_the_model():
    out = subprocess.run([sys.executable, "main.py", "setbacks", str(NRW[0]), "--json"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    s = json.loads(out.stdout)
    assert s["rule"] == "bauo-nrw" and s["rule_choice"]["land"] == "NW"
    assert s["slivers_ignored"] > 0 and all(v["overlap_m2"] > SLIVER_AREA_M2 for v in s["violations"])
