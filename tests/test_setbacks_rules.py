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
import shapely

from stadtbild.analysis.setbacks import (SLIVER_AREA_M2, SLIVER_WIDTH_M, choose_rule, compare_conflicts, compute_setbacks,
                               land_at)
from stadtbild.importers import load
from stadtbild.model.scenario import Scenario
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


# ------------------------------------------------------------------ the rule of the Gemeindeschlüssel
#: statutory depth of the Abstandsfläche, T = factor × H, at least minimum_m, written out from the
#: codes as the independent reference: rule -> (factor, minimum (m), paragraph)
STATUTE_DEPTH = {
    "mbo": (0.4, 3.0, "MBO 2002 §6(5) Satz 1: 0,4 H, mindestens 3 m"),
    "baybo": (0.4, 3.0, "BayBO Art. 6(5) Satz 1: 0,4 H, mindestens 3 m"),
    "bauo-nrw": (0.4, 3.0, "BauO NRW 2018 §6(5) Satz 1: 0,4 H, mindestens 3 m"),
    "nbauo": (0.5, 3.0, "NBauO §5(2) Satz 1: 0,5 H, mindestens jedoch 3 m"),
}
#: Amtliche Gemeindeschlüssel (Statistisches Bundesamt, Gemeindeverzeichnis) of the four towns of the
#: brief and of one city per remaining Land, with the Land and the building code that governs there
#: (Länder without a rule of their own follow the MBO's 0,4 H / 3 m)
TOWNS = {
    "Braunschweig": ("03101000", "NI", "nbauo"), "Krefeld": ("05114000", "NW", "bauo-nrw"),
    "Herrenberg": ("08115021", "BW", "mbo"), "Kempten (Allgäu)": ("09763000", "BY", "baybo"),
    "Kiel": ("01002000", "SH", "mbo"), "Hamburg": ("02000000", "HH", "mbo"), "Bremen": ("04011000", "HB", "mbo"),
    "Wiesbaden": ("06414000", "HE", "mbo"), "Mainz": ("07315000", "RP", "mbo"),
    "Saarbrücken": ("10041100", "SL", "mbo"), "Berlin": ("11000000", "BE", "mbo"),
    "Potsdam": ("12054000", "BB", "mbo"), "Schwerin": ("13004000", "MV", "mbo"),
    "Dresden": ("14612000", "SN", "mbo"), "Magdeburg": ("15003000", "ST", "mbo"), "Erfurt": ("16051000", "TH", "mbo"),
}


def _towers(keys, height_m=12.0, crs_epsg=None):
    """One 10 m × 10 m tower of ``height_m`` per key, 50 m apart (no conflicts), each carrying
    ``Gemeindeschluessel`` = key (None: no attribute); no CRS, so the position cannot decide."""
    model = box_model([(f"b{k}", 50.0 * k, 0, 50.0 * k + 10, 10, 0, height_m) for k in range(len(keys))],
                      crs_epsg=crs_epsg)
    for k, key in enumerate(keys):
        if key is not None:
            model.objects[f"b{k}"].attributes["Gemeindeschluessel"] = key
    return model


@pytest.mark.parametrize("town", sorted(TOWNS))
def test_the_gemeindeschluessel_chooses_the_lands_rule_and_its_statutory_depth(town):
    """A 12 m tower carrying the town's Gemeindeschlüssel gets its Land's code without any CRS,
    and the depth T = factor × 12 m of that code's paragraph (NBauO 6.0 m, the others 4.8 m)."""
    ags, land, rule = TOWNS[town]
    res = compute_setbacks(_towers([ags]))
    assert res.rule.key == rule
    assert res.choice == {**res.choice, "land": land, "source": "attribute", "rule": rule}
    factor, minimum, _ = STATUTE_DEPTH[rule]
    assert res.depth_m == pytest.approx([max(factor * 12.0, minimum)] * 4, abs=1e-9)
    assert res.height_m == pytest.approx([12.0] * 4, abs=1e-9)


@pytest.mark.parametrize("rule", sorted(STATUTE_DEPTH))
@pytest.mark.parametrize("height_m", [3.0, 7.5, 7.6, 12.0, 30.0])
def test_depth_factor_and_minimum_of_each_code(rule, height_m):
    """T = max(factor × H, minimum) of the paragraph in STATUTE_DEPTH, either side of the point
    where the minimum stops governing (7.5 m for 0.4 H, 6 m for 0.5 H); the rule states them."""
    factor, minimum, _ = STATUTE_DEPTH[rule]
    res = compute_setbacks(_towers([None], height_m), rule)
    assert (res.rule.factor, res.rule.minimum_m) == (factor, minimum)
    assert res.depth_m == pytest.approx([max(factor * height_m, minimum)] * 4, abs=1e-9)
    # each area is the wall's 10 m times that depth
    assert [a.area for a in res.areas] == pytest.approx([10.0 * max(factor * height_m, minimum)] * 4, abs=1e-6)


def test_gemeindeschluessel_stored_as_a_number_keeps_its_land():
    """An AGS read from an integer attribute has lost its leading zero: 1002000 is Kiel (01, SH),
    not Saarland (10); 3101000 is Braunschweig (03, NI); a 12-digit Regionalschlüssel as a
    number likewise. Eight-digit keys of the Länder 10–16 stay as they are."""
    for key, land in ((1002000, "SH"), (3101000, "NI"), (51140000000, "NW"), ("5114000", "NW"),
                      (14612000, "SN"), ("09763000", "BY")):
        assert choose_rule(_towers([key]))["land"] == land, key
    assert compute_setbacks(_towers([3101000])).rule.key == "nbauo"


def test_most_buildings_must_carry_the_key():
    """"when most buildings carry one": 2 of 3 decide; 2 of 4 (half) and 1 of 3 do not, and
    without a CRS the Musterbauordnung applies (source "default"). Unknown Land prefixes (00, 17,
    99) and other attributes are no votes."""
    assert choose_rule(_towers(["09763000", "09763000", None]))["land"] == "BY"
    assert choose_rule(_towers(["09763000", "05114000", "09763000"]))["land"] == "BY"
    for keys in (["09763000", "09763000", None, None], ["09763000", None, None],
                 ["00000000", "17000000", "99123456"], [None]):
        choice = choose_rule(_towers(keys))
        assert (choice["rule"], choice["land"], choice["source"]) == ("mbo", None, "default"), keys
        assert "no CRS" in choice["note"]
    # a BuildingPart is no building of its own: its key does not count, nor does it count as one
    model = _towers(["09763000", None])
    model.objects["b1"].type = "BuildingPart"
    model.objects["b1"].parents = ["b0"]
    assert choose_rule(model)["land"] == "BY"


def test_the_real_tiles_carry_the_gemeindeschluessel_the_rule_reads():
    """The NRW and Saxony LoD2 tiles (CityGML 1.0) carry ``gen:stringAttribute
    name="Gemeindeschluessel"``: the vote counts the top-level Buildings with it as lxml counts
    them in the file itself."""
    from lxml import etree

    for path, land in ((NRW[0], "NW"), (data_file("citygml/sachsen/LoD2_33_416_5656_2_SN_14_Buildings.gml"), "SN")):
        root = etree.parse(str(path)).getroot()
        top = root.findall("{*}cityObjectMember/{*}Building")
        carrying = [b for b in top if any(a.get("name") == "Gemeindeschluessel" and a.findtext("{*}value")
                                          for a in b.findall("{*}stringAttribute"))]
        choice = choose_rule(load(path))
        assert (choice["land"], choice["source"]) == (land, "attribute")
        assert f"{len(carrying)} of {len(top)} buildings" in choice["note"]
        assert len(carrying) > len(top) / 2


def test_the_position_decides_with_the_distance_to_the_nearest_place():
    """Without keys the model's position decides; the note names the distance land_at reports
    for the WGS84 centre of the model's bounding box (pyproj, independent of the model code)."""
    from pyproj import Transformer

    model = load(data_file("citygml/sachsen/LoD2_33_416_5656_2_SN_14_Buildings.gml"))
    for obj in model.objects.values():
        obj.attributes.pop("Gemeindeschluessel", None)
    bb = model.bbox()
    lon, lat = Transformer.from_crs(model.crs.epsg, 4326, always_xy=True).transform((bb[0] + bb[3]) / 2,
                                                                                     (bb[1] + bb[4]) / 2)
    choice = choose_rule(model)
    assert (choice["land"], choice["source"], choice["rule"]) == ("SN", "location", "mbo")
    assert f"nearest place {land_at(lon, lat)['distance_km']} km" in choice["note"]
    assert 12.5 < lon < 15.1 and 50.1 < lat < 51.7  # Saxony's extent


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


def _rectangle_overlap(length_m, depth_m, min_area_m2=SLIVER_AREA_M2, min_width_m=SLIVER_WIDTH_M):
    """(area, counts as a conflict) of a length × depth rectangle of overlap, by hand: area
    L·d, mean width 2A/P = L·d / (L + d); a conflict when both exceed their tolerance."""
    area = length_m * depth_m
    return area, area > min_area_m2 and area / (length_m + depth_m) > min_width_m


# (gap between the houses (m), shift of b along x (m)): the two 3 m deep areas in the gap overlap
# in a rectangle (10 − shift) m long and (6 − gap) m deep
SLIVER_CASES = {
    "0.4 m² strip: too small and too thin": (5.96, 0.0),
    "0.6 m² strip 6 cm wide: too thin": (5.94, 0.0),
    "1.5 m² strip 15 cm wide: a conflict": (5.85, 0.0),
    "0.4 m² corner 29 cm wide: too small": (5.0, 9.6),
    "0.6 m² corner 38 cm wide: a conflict": (5.0, 9.4),
    "0.005 m²: numerical noise, not even a sliver": (5.9995, 0.0),
}


@pytest.mark.parametrize("case", sorted(SLIVER_CASES))
def test_setback_area_overlaps_against_rectangle_geometry(case):
    """Houses a (10 × 8 m) and b (10 × 8 m, ``gap`` north of a, shifted along x), 7.5 m high:
    MBO T = 0.4 × 7.5 = 3 m. a's north area and b's south area overlap in the rectangle
    (10 − shift) × (6 − gap); no other pair of areas or footprints meets. Each side reports it once
    (a → b, b → a): as two conflicts of that area, or as two slivers when the area or the mean
    width is within the tolerance, or not at all at or below 0.01 m²."""
    gap, shift = SLIVER_CASES[case]
    model = box_model([("a", 0, 0, 10, 8, 0, 7.5), ("b", shift, 8 + gap, shift + 10, 16 + gap, 0, 7.5)])
    res = compute_setbacks(model, "mbo")
    area, conflict = _rectangle_overlap(10.0 - shift, 6.0 - gap)
    if conflict:
        assert sorted((v["id"], v["other_id"], v["kind"]) for v in res.violations) == [("a", "b", "setback"),
                                                                                       ("b", "a", "setback")]
        assert [v["overlap_m2"] for v in res.violations] == pytest.approx([area] * 2, abs=1e-3)
        assert res.slivers_ignored == 0
    else:
        assert res.violations == []
        assert res.slivers_ignored == (2 if area > 0.01 else 0)
    assert res.summary()["slivers_ignored"] == res.slivers_ignored


def test_areas_reaching_a_neighbour_by_a_sliver():
    """Gap 2.96 m: each 3 m area covers the other house by a 0.04 × 10 m strip (0.4 m², a sliver,
    once per side) while the two areas overlap by 2.96 × 10 m (a conflict per side); at a gap of
    2.85 m the 0.15 × 10 m strips are conflicts with the building."""
    res = compute_setbacks(box_model([("a", 0, 0, 10, 8, 0, 7.5), ("b", 0, 10.96, 10, 18.96, 0, 7.5)]), "mbo")
    assert sorted((v["id"], v["kind"], v["overlap_m2"]) for v in res.violations) == [
        ("a", "setback", pytest.approx(29.6, abs=1e-3)), ("b", "setback", pytest.approx(29.6, abs=1e-3))]
    assert res.slivers_ignored == 2
    res = compute_setbacks(box_model([("a", 0, 0, 10, 8, 0, 7.5), ("b", 0, 10.85, 10, 18.85, 0, 7.5)]), "mbo")
    got = sorted((v["id"], v["kind"], v["overlap_m2"]) for v in res.violations)
    assert got == [("a", "building", pytest.approx(1.5, abs=1e-3)), ("a", "setback", pytest.approx(28.5, abs=1e-3)),
                   ("b", "building", pytest.approx(1.5, abs=1e-3)), ("b", "setback", pytest.approx(28.5, abs=1e-3))]
    assert res.slivers_ignored == 0


def test_tolerances_given_by_the_caller_decide():
    """The 0.4 m² strip 4 cm wide (gap 5.96 m) and the 0.6 m² strip 6 cm wide (gap 5.94 m) count
    once the caller's tolerances lie below them, and the result states the tolerances used."""
    for gap, area_m2, width_m in ((5.96, 0.3, 0.03), (5.94, 0.3, 0.05)):
        model = box_model([("a", 0, 0, 10, 8, 0, 7.5), ("b", 0, 8 + gap, 10, 16 + gap, 0, 7.5)])
        res = compute_setbacks(model, "mbo", sliver_area_m2=area_m2, sliver_width_m=width_m)
        area, conflict = _rectangle_overlap(10.0, 6.0 - gap, area_m2, width_m)
        assert conflict and len(res.violations) == 2 and res.slivers_ignored == 0
        assert [v["overlap_m2"] for v in res.violations] == pytest.approx([area] * 2, abs=1e-3)
        assert res.summary()["tolerance"] == {"min_overlap_m2": area_m2, "min_width_m": width_m}
        strict = compute_setbacks(model, "mbo", sliver_area_m2=area_m2, sliver_width_m=width_m + 0.02)
        assert strict.violations == [] and strict.slivers_ignored == 2


@pytest.mark.parametrize("beyond_m", [0.04, 0.15])
def test_parcel_boundary_crossed_by_a_sliver(beyond_m):
    """House 10 × 8 m, 7.5 m high (MBO T = 3 m) on a parcel reaching 3.5 m beyond three walls and
    ``3 − beyond_m`` beyond the north wall: the north area crosses the boundary by a
    beyond_m × 10 m strip, a sliver at 4 cm (0.4 m²), a conflict of 1.5 m² at 15 cm."""
    model = box_model([("a", 0, 0, 10, 8, 0, 7.5)])
    parcel = shapely.box(-3.5, -3.5, 13.5, 11.0 - beyond_m)
    res = compute_setbacks(model, "mbo", parcels=[parcel], parcel_ids=["flst-1"])
    area, conflict = _rectangle_overlap(10.0, beyond_m)
    assert res.parcels_checked == 1
    if conflict:
        assert [(v["id"], v["kind"], v["other_id"]) for v in res.violations] == [("a", "parcel", None)]
        assert res.violations[0]["overlap_m2"] == pytest.approx(area, abs=1e-3)
        assert res.slivers_ignored == 0
    else:
        assert res.violations == [] and res.slivers_ignored == 1


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


def test_a_conflict_with_another_neighbour_is_new():
    """Bestand: a and b 4 m apart (their 3 m areas overlap). Variant: b demolished, c built at the
    same place. a's conflicts with c are new and those with b resolved, although a's wall and the
    kind are the same: a conflict is about (building, other building, kind)."""
    a, spot = ("a", 0, 0, 10, 8, 0, 7.5), (0, 12, 10, 20, 0, 7.5)
    before = compute_setbacks(box_model([a, ("b", *spot)]), "mbo")
    after = compute_setbacks(box_model([a, ("c", *spot)]), "mbo")
    cmp = compare_conflicts(before, after)
    assert sorted((v["id"], v["other_id"]) for v in cmp["new"]) == [("a", "c"), ("c", "a")]
    assert sorted((v["id"], v["other_id"]) for v in cmp["resolved"]) == [("a", "b"), ("b", "a")]
    assert cmp["existing"] == []


def test_cli_default_rule_is_the_land_of_the_model():
    out = subprocess.run([sys.executable, "main.py", "setbacks", str(NRW[0]), "--json"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    s = json.loads(out.stdout)
    assert s["rule"] == "bauo-nrw" and s["rule_choice"]["land"] == "NW"
    assert s["slivers_ignored"] > 0 and all(v["overlap_m2"] > SLIVER_AREA_M2 for v in s["violations"])
