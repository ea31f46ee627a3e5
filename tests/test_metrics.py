"""Townscape metrics: analytic gable house, roof forms, BuildingPart aggregation, real files
(measuredHeight, roofType, trimesh volumes), the ``metrics`` CLI."""
from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys

import numpy as np
import pytest
import shapely
import trimesh

from stadtbild.analysis.metrics import CONTRACT_KEYS, compute_metrics
from stadtbild.importers import load
from stadtbild.model.semantics import GROUND, ROOF, WALL
from tests.conftest import ROOT, data_file
from tests.helpers import box_model, box_polygons, model_from_solids


def gable_house(x0=0.0, y0=0.0, length=12.0, width=8.0, eave=6.0, ridge=10.0, ground=0.0, flip=False,
                ridge_y=None):
    """Vertices and outward faces of a gable house: ridge along x at y0 + ``ridge_y`` (default
    width/2; elsewhere the two roof faces have different pitches)."""
    x1, y1, ym = x0 + length, y0 + width, y0 + (width / 2 if ridge_y is None else ridge_y)
    g, e, r = ground, ground + eave, ground + ridge
    v = np.array([[x0, y0, g], [x1, y0, g], [x1, y1, g], [x0, y1, g],      # 0-3 ground
                  [x0, y0, e], [x1, y0, e], [x1, y1, e], [x0, y1, e],      # 4-7 eave
                  [x0, ym, r], [x1, ym, r]], dtype=float)                  # 8-9 ridge
    faces = [([0, 3, 2, 1], GROUND),
             ([0, 1, 5, 4], WALL),            # south eave wall
             ([2, 3, 7, 6], WALL),            # north eave wall
             ([1, 2, 6, 9, 5], WALL),         # east gable wall
             ([3, 0, 4, 8, 7], WALL),         # west gable wall
             ([4, 5, 9, 8], ROOF),            # south roof
             ([6, 7, 8, 9], ROOF)]            # north roof
    if flip:
        faces = [(ring[::-1], code) for ring, code in faces]
    return v, faces


L, W, E, R = 12.0, 8.0, 6.0, 10.0


def test_gable_house_exact_values():
    m = model_from_solids([("house", *gable_house(length=L, width=W, eave=E, ridge=R))])
    row = compute_metrics(m).row("house")
    slope = math.hypot(W / 2, R - E)
    assert row["eave_height_m"] == pytest.approx(E, abs=1e-9)
    assert row["ridge_height_m"] == pytest.approx(R, abs=1e-9)
    assert row["ground_height_m"] == pytest.approx(0.0, abs=1e-9)
    assert row["footprint_area_m2"] == pytest.approx(L * W, rel=1e-9)
    assert row["volume_m3"] == pytest.approx(L * W * E + L * W * (R - E) / 2, rel=1e-9)
    assert row["roof_area_m2"] == pytest.approx(2 * L * slope, rel=1e-9)
    assert row["wall_area_m2"] == pytest.approx(2 * L * E + 2 * (W * E + W * (R - E) / 2), rel=1e-9)
    assert row["roof_type"] == "gable"
    assert row["closed"] is True and row["volume_method"] == "divergence"
    # roof tilt atan(4/4) = 45° -> the whole roof is in the 30–60° class
    assert row["roof_area_steep_m2"] == pytest.approx(2 * L * slope, rel=1e-9)
    assert row["roof_area_flat_m2"] == 0 and row["roof_area_moderate_m2"] == 0
    assert row["storeys"] == round(E / 3.0)


def test_volume_is_translation_and_orientation_invariant():
    """Same house at UTM coordinates (x 5e5, y 5.7e6, z 80) and with inward-facing rings."""
    ref = model_from_solids([("h", *gable_house())])
    far = model_from_solids([("h", *gable_house(x0=512345.5, y0=5723456.25, ground=80.0))])
    inward = model_from_solids([("h", *gable_house(flip=True))])
    v_ref = ref_vol = L * W * E + L * W * (R - E) / 2
    for m in (ref, far, inward):
        row = compute_metrics(m).row("h")
        assert row["volume_m3"] == pytest.approx(v_ref, rel=1e-9)
        assert row["eave_height_m"] == pytest.approx(E, abs=1e-6)
        assert row["ridge_height_m"] == pytest.approx(R, abs=1e-6)
    assert compute_metrics(far).row("h")["ground_height_m"] == pytest.approx(80.0)
    assert ref_vol > 0


def test_open_surface_uses_roof_prism_volume():
    """A box without its floor is not closed; the roof-prism fallback still gives L·W·H."""
    v, faces = gable_house()
    m = model_from_solids([("h", v, [f for f in faces if f[1] != GROUND])])
    row = compute_metrics(m).row("h")
    assert row["closed"] is False and row["volume_method"] == "roof-prism"
    assert row["volume_m3"] == pytest.approx(L * W * E + L * W * (R - E) / 2, rel=1e-9)
    # no GroundSurface: footprint from the 2D union of the projection (roofs), ground = lowest vertex
    assert row["footprint_area_m2"] == pytest.approx(L * W, rel=1e-9)


@pytest.mark.parametrize("form", ["flat", "gable", "hip", "shed", "pyramid"])
def test_roof_forms_of_extruded_buildings(form):
    """Solids built by model.extrude (another module's roof geometry) are classified back."""
    from stadtbild.model.extrude import extrude_footprint

    fp = [[0, 0], [16, 0], [16, 10], [0, 10]]
    solid = extrude_footprint(fp, ground_z=50.0, eave_height_m=9.0, roof=form, roof_height_m=4.0)
    m = model_from_solids([("b", solid.vertices, list(zip(solid.polygons, solid.semantics)))])
    row = compute_metrics(m).row("b")
    assert row["roof_type"] == {"pyramid": "hip"}.get(form, form)
    assert row["ground_height_m"] == pytest.approx(50.0)
    assert row["eave_height_m"] == pytest.approx(9.0, abs=1e-6)
    assert row["ridge_height_m"] == pytest.approx(9.0 if form == "flat" else 13.0, abs=1e-6)
    tm = trimesh.Trimesh(*_tri_mesh(solid.vertices, solid.polygons), process=True)
    assert row["volume_m3"] == pytest.approx(abs(tm.volume), rel=1e-9)
    assert row["footprint_area_m2"] == pytest.approx(160.0, rel=1e-9)


def _tri_mesh(vertices, polygons):
    faces = []
    for ring in polygons:
        for i in range(1, len(ring) - 1):
            faces.append([ring[0], ring[i], ring[i + 1]])
    return np.asarray(vertices, float), np.asarray(faces)


def test_box_storeys_and_flat_roof():
    m = box_model([("low", 0, 0, 10, 10, 0, 3.2), ("tower", 20, 0, 30, 10, 2, 44)])
    met = compute_metrics(m, storey_height_m=3.0)
    assert met.row("low")["storeys"] == 1
    assert met.row("tower")["storeys"] == 14
    assert met.row("tower")["ground_height_m"] == 2
    assert set(met["roof_type"]) == {"flat"}
    assert met.row("tower")["roof_area_flat_m2"] == pytest.approx(100.0)


def test_building_aggregates_its_parts():
    m = load(data_file("cityjson/DH_01_subs.city.json"))
    met = compute_metrics(m)
    rows = {r["id"]: r for r in met.records(digits=None)}
    buildings = [r for r in rows.values() if r["type"] == "Building"]
    assert buildings and any(r["type"] == "BuildingPart" for r in rows.values())
    for b in buildings:
        parts = [rows[c] for c in m.objects[b["id"]].children if c in rows]
        if not parts:
            continue
        for key in ("footprint_area_m2", "volume_m3", "roof_area_m2", "wall_area_m2"):
            assert b[key] == pytest.approx(sum(p[key] for p in parts), rel=1e-9), key
        assert b["ridge_z_m"] == pytest.approx(max(p["ridge_z_m"] for p in parts))
        assert b["ground_height_m"] == pytest.approx(min(p["ground_height_m"] for p in parts))


def _polygon_volume(model, oid) -> float:
    """Reference volume without any triangulation: divergence theorem over the polygons, each ring's
    vector area by Newell's method (holes, stored with the opposite orientation, subtract
    themselves): V = |Σ_rings (c · N_ring)| / 3, c the mean of the ring's vertices (exact for
    planar polygons; real LoD2 polygons are planar to a few mm, hence rel 1e-4 on real data). Reads the model's ring arrays only, not our triangulation."""
    g = model.select_geometry(model.objects[oid])
    v = model.vertices - model.vertices.min(axis=0)
    total = 0.0
    for r in range(model.polygon_offsets[g.poly_start], model.polygon_offsets[g.poly_stop]):
        ring = v[model.ring_vertices[model.ring_offsets[r]:model.ring_offsets[r + 1]]]
        nxt = np.roll(ring, -1, axis=0)
        newell = 0.5 * np.array([np.sum((ring[:, 1] - nxt[:, 1]) * (ring[:, 2] + nxt[:, 2])),
                                 np.sum((ring[:, 2] - nxt[:, 2]) * (ring[:, 0] + nxt[:, 0])),
                                 np.sum((ring[:, 0] - nxt[:, 0]) * (ring[:, 1] + nxt[:, 1]))])
        total += float(ring.mean(axis=0) @ newell)
    return abs(total) / 3.0


def _non_planarity(model, oid) -> float:
    """Largest distance (m) of a ring vertex from its ring's least-squares plane: where polygons
    are warped, the volume depends on how they are triangulated and no reference is exact."""
    g = model.select_geometry(model.objects[oid])
    v = model.vertices - model.vertices.min(axis=0)
    worst = 0.0
    for r in range(model.polygon_offsets[g.poly_start], model.polygon_offsets[g.poly_stop]):
        ring = v[model.ring_vertices[model.ring_offsets[r]:model.ring_offsets[r + 1]]]
        c = ring - ring.mean(axis=0)
        worst = max(worst, float(np.abs(c @ np.linalg.svd(c)[2][2]).max()))
    return worst


#: roofType codes of the SIG3D / CityGML 2.0 code list and the AdV (ALKIS) code list whose class
#: is unambiguous (Flachdach, Pultdach, Satteldach, Walmdach), written out here from the code
#: lists themselves; the other codes (Mansard, Zeltdach, Kuppel …) are left out of the comparison
REFERENCE_ROOF_CODES = {"1000": "flat", "1010": "shed", "1030": "gable", "1040": "hip",
                        "2100": "shed", "3100": "gable", "3200": "hip"}


def _file_code(attrs) -> str | None:
    v = attrs.get("roofType")
    v = v.get("value") if isinstance(v, dict) else v
    return None if v is None else str(v).strip().removesuffix(".0")


def test_measured_height_and_volumes_of_fzk_testcases():
    """lod2_buildings_v2: 100 LoD2 test buildings with measuredHeight and roofType."""
    m = load(data_file("cityjson/lod2_buildings_v2.city.json"))
    met = compute_metrics(m)
    measured = np.array([m.objects[i].attributes["measuredHeight"] for i in met.ids], float)
    assert np.allclose(met["ridge_height_m"], measured, atol=0.01)
    # the file says roofType 1030 (Satteldach, gable) for all of them
    codes = {_file_code(m.objects[i].attributes) for i in met.ids}
    assert codes == {"1030"}
    agree = np.mean(met["roof_type"] == "gable")
    assert agree >= 0.95, agree
    for oid in met.ids[:20]:
        assert met.row(oid)["volume_m3"] == pytest.approx(_polygon_volume(m, oid), rel=1e-6)


def test_delft_lod1_heights_vs_measured_height():
    """Delft (3D BGT LoD1 blocks without floors): computed height above the lowest vertex vs
    the file's measuredHeight."""
    m = load(data_file("demo/delft.city.json"))
    met = compute_metrics(m)
    d = met["height_diff_m"]
    d = d[np.isfinite(d)]
    assert len(d) >= 150
    assert np.median(np.abs(d)) < 0.3
    assert np.mean(np.abs(d) <= 1.0) >= 0.95
    # no floor -> the roof-prism volume; check against footprint × height for these flat blocks
    ok = met["volume_method"] == "roof-prism"
    assert ok.all()
    approx = met["footprint_area_m2"] * met["ridge_height_m"]
    assert np.median(np.abs(met["volume_m3"] / approx - 1)) < 0.05


def test_demo_district_volumes_against_trimesh_and_footprints_against_shapely(demo_model):
    met = compute_metrics(demo_model)
    closed = np.flatnonzero(met["closed"])
    assert len(closed) >= 30  # most Delfshaven MultiSurfaces have T-junctions or mixed orientation
    compared = 0
    for i in closed[:60]:
        oid = met.ids[i]
        if _non_planarity(demo_model, oid) < 0.005:
            assert met["volume_m3"][i] == pytest.approx(_polygon_volume(demo_model, oid), rel=1e-4)
            compared += 1
    assert compared >= 20
    # footprint from GroundSurface vs the independent 2D union of the roof projection (shapely)
    m = demo_model
    agree = 0
    sample = met.ids[:100]
    for oid in sample:
        g = m.select_geometry(m.objects[oid])
        polys = [p for p in range(g.poly_start, g.poly_stop) if m.polygon_semantic[p] == ROOF]
        rings = []
        for p in polys:
            r0 = m.polygon_offsets[p]
            idx = m.ring_vertices[m.ring_offsets[r0]:m.ring_offsets[r0 + 1]]
            if len(idx) >= 3:
                rings.append(shapely.make_valid(shapely.Polygon(m.vertices[idx, :2] - m.origin[:2])))
        ref = shapely.union_all(rings).area if rings else 0.0
        got = met.row(oid)["footprint_area_m2"]
        agree += abs(got - ref) <= 0.02 * max(ref, 1.0)
    assert agree >= 0.8 * len(sample), agree
    assert np.all(met["eave_height_m"][np.isfinite(met["eave_height_m"])] >= -1e-6)
    assert np.all(met["ridge_height_m"] >= met["eave_height_m"] - 1e-9)


def test_roof_area_classes_sum_to_roof_area(demo_model):
    met = compute_metrics(demo_model)
    s = sum(met[f"roof_area_{k}_m2"] for k in ("flat", "moderate", "steep", "very_steep"))
    assert np.allclose(s, met["roof_area_m2"], rtol=1e-9, atol=1e-9)


# ----------------------------------------------------------------------------- CLI
def _cli(*args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def test_cli_metrics_json_and_csv(tmp_path):
    src = data_file("cityjson/DH_01_subs.city.json")
    out = tmp_path / "m.csv"
    p = _cli("metrics", src, "-o", out, "--json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    m = load(src)
    n_buildings = sum(o.type == "Building" for o in m.objects.values())
    assert len(doc["buildings"]) == n_buildings
    for rec in doc["buildings"]:
        assert set(CONTRACT_KEYS) <= set(rec)
        assert rec["roof_type"] in ("flat", "shed", "gable", "hip", "complex", "none")
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == sum(o.type in ("Building", "BuildingPart") for o in m.objects.values())
    assert list(rows[0])[: len(CONTRACT_KEYS)] == list(CONTRACT_KEYS)


def test_cli_metrics_with_scenario(tmp_path):
    """An extruded design from a scenario shows up with its eave and ridge height."""
    scen = tmp_path / "v.scenario.json"
    scen.write_text(json.dumps({"name": "A", "edits": [
        {"op": "extrude", "id": "new-1", "footprint": [[0, 0], [20, 0], [20, 12], [0, 12]],
         "ground_z": 0.0, "height_m": 18.0, "roof": "gable", "roof_height_m": 5.0}]}))
    p = _cli("metrics", data_file("cityjson/lod2_buildings_v2.city.json"), "--scenario", scen, "--json")
    assert p.returncode == 0, p.stderr
    rec = {r["id"]: r for r in json.loads(p.stdout)["buildings"]}["new-1"]
    assert rec["eave_height_m"] == pytest.approx(18.0)
    assert rec["ridge_height_m"] == pytest.approx(23.0)
    assert rec["roof_type"] == "gable"
    assert rec["volume_m3"] == pytest.approx(20 * 12 * 18 + 20 * 12 * 5 / 2, rel=1e-6)


def test_cli_metrics_errors(tmp_path):
    p = _cli("metrics", data_file("invalid/truncated_with-errors.json"))
    assert p.returncode == 2 and p.stderr.startswith("error: ") and "Traceback" not in p.stderr
    p = _cli("metrics", data_file("cityjson/DH_01_subs.city.json"), "-o", tmp_path / "m.xlsx")
    assert p.returncode == 2 and "csv" in p.stderr


NRW_TILES = ["LoD2_32_328_5729_1_NW.gml", "LoD2_32_329_5727_1_NW.gml", "LoD2_32_330_5731_1_NW.gml",
             "LoD2_32_332_5726_1_NW.gml"]


def test_nrw_citygml_heights_and_roof_types_match_the_file():
    """Official NRW LoD2 (Geobasis NRW): measuredHeight and the AdV roofType code per building
    against what we compute from the geometry."""
    diffs, agree, total, vols = [], 0, 0, 0
    for name in NRW_TILES:
        m = load(data_file(f"citygml/nrw/{name}"))
        met = compute_metrics(m)
        d = met["height_diff_m"]
        diffs.append(d[np.isfinite(d)])
        ref = np.array([REFERENCE_ROOF_CODES.get(_file_code(m.objects[i].attributes)) for i in met.ids], dtype=object)
        coded = np.array([t is not None for t in ref])
        agree += int(np.sum(met["roof_type"][coded] == ref[coded]))
        total += int(coded.sum())
        for i in np.flatnonzero(met["closed"])[:10]:
            oid = met.ids[i]
            if m.objects[oid].type == "Building" and not m.objects[oid].children and _non_planarity(m, oid) < 0.005:
                assert met["volume_m3"][i] == pytest.approx(_polygon_volume(m, oid), rel=1e-4)
                vols += 1
    d = np.concatenate(diffs)
    assert len(d) >= 150
    assert np.mean(np.abs(d) <= 0.01) >= 0.99  # measuredHeight = highest − lowest point
    assert total >= 150 and agree / total >= 0.85, (agree, total)
    assert vols >= 10


@pytest.mark.parametrize("rel", ["invalid/emptygeom.json", "cityjson/cityobject_all_types.city.json"])
def test_buildings_without_geometry_get_empty_rows(rel):
    """A Building without surfaces is listed with no heights instead of crashing the command."""
    p = _cli("metrics", data_file(rel), "--json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["buildings"]
    empty = [b for b in doc["buildings"] if b["volume_method"] == "none"]
    assert empty and all(b["ridge_height_m"] is None for b in empty)
    # the reference: outer walls = WallSurface polygons of Buildings that have geometry, counted in the raw JSON
    raw = json.loads(data_file(rel).read_text())
    walls = sum(1 for o in raw["CityObjects"].values() if o["type"] == "Building" for g in o.get("geometry", [])
                if g.get("semantics") for v in _semantic_values(g)
                if v is not None and g["semantics"]["surfaces"][v]["type"] == "WallSurface")
    p = _cli("setbacks", data_file(rel), "--json")
    assert p.returncode == 0 and json.loads(p.stdout)["walls"] == walls


def _semantic_values(geometry):
    """The flat list of semantic surface indices of a CityJSON geometry (one per polygon)."""
    def flat(v):
        return [x for item in v for x in flat(item)] if isinstance(v, list) else [v]

    return flat(geometry["semantics"]["values"])


def test_records_csv_and_value_lookup_in_process():
    """The table the CLI writes, built in-process (the CLI tests run in a subprocess, which the
    mutation tester cannot trace): rounding to 4 decimals, NaN -> empty/None, ids and types."""
    m = box_model([("a", 0, 0, 10, 8, 0, 6.123456), ("b", 20, 0, 24, 3, 1, 4)])
    m.objects["a"].attributes["measuredHeight"] = {"value": 6.2, "uom": "m"}  # CityGML gml:MeasureType
    m.objects["b"].attributes["measuredHeight"] = "n/a"
    met = compute_metrics(m)
    recs = {r["id"]: r for r in met.records()}
    assert recs["a"]["ridge_height_m"] == 6.1235 and recs["a"]["footprint_area_m2"] == 80.0
    assert recs["a"]["measured_height_m"] == 6.2 and recs["b"]["measured_height_m"] is None
    assert recs["a"]["height_diff_m"] == pytest.approx(6.123456 - 6.2, abs=1e-4)
    assert recs["b"]["type"] == "Building" and recs["b"]["parent_id"] is None
    assert met.value_by_id("volume_m3") == pytest.approx({"a": 10 * 8 * 6.123456, "b": 4 * 3 * 3})
    rows = list(csv.DictReader(io.StringIO(met.to_csv_bytes().decode("utf-8"))))
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[0]["ridge_height_m"] == "6.1235" and rows[1]["measured_height_m"] == ""
    assert list(rows[0])[: len(CONTRACT_KEYS)] == list(CONTRACT_KEYS)


def _faces(*faces):
    """(face_row, face_unit, face_area) from (row, tilt °, azimuth °, area m²) tuples: the unit
    normal of a plane tilted ``tilt`` from the horizontal, facing ``azimuth`` (0 = north)."""
    rows = np.array([f[0] for f in faces])
    t, a = np.radians([f[1] for f in faces]), np.radians([f[2] for f in faces])
    unit = np.column_stack([np.sin(t) * np.sin(a), np.sin(t) * np.cos(a), np.cos(t)])
    return rows, unit, np.array([f[3] for f in faces], dtype=float)


def test_roof_classes_at_their_thresholds():
    """classify_roofs on faces given directly: the 10 % pitched share that separates flat roofs,
    the 25 % flat share a pitched roof may have, azimuth groups across north (wrap-around), the
    90° ± 25° steps of a hip roof, and roof faces stored upside down."""
    from stadtbild.analysis.metrics import classify_roofs

    def cls(*faces):
        rows, unit, area = _faces(*faces)
        return list(classify_roofs(rows, unit, area, int(rows.max()) + 1))

    # pitched share exactly 10 % -> pitched (a shed), 9.9 % -> flat; tilt 10° counts as pitched
    assert cls((0, 30, 180, 10.0), (0, 0, 0, 90.0)) == ["complex"]  # 10 % pitched, 90 % flat: mixed
    assert cls((0, 30, 180, 9.9), (0, 0, 0, 90.1)) == ["flat"]
    assert cls((0, 10.0, 180, 100.0)) == ["shed"] and cls((0, 9.9, 180, 100.0)) == ["flat"]
    # up to 25 % flat area on a gable roof is allowed, more makes it complex
    assert cls((0, 40, 0, 37.5), (0, 40, 180, 37.5), (0, 0, 0, 25.0)) == ["gable"]
    assert cls((0, 40, 0, 37.4), (0, 40, 180, 37.4), (0, 0, 0, 25.2)) == ["complex"]
    # faces 358° and 2° are one group across north: with 180° a gable, not three groups
    assert cls((0, 35, 358, 25.0), (0, 35, 2, 25.0), (0, 35, 180, 50.0)) == ["gable"]
    assert cls((1, 35, 170, 50.0), (1, 35, 350, 50.0), (0, 0, 0, 1.0)) == ["flat", "gable"]
    # the same across north in the first of several rows (each row wraps on its own)
    assert cls((0, 35, 358, 25.0), (0, 35, 2, 25.0), (0, 35, 180, 50.0),
               *((1, 30, a, 25.0) for a in (0, 90, 180, 270))) == ["gable", "hip"]
    # hip: four groups about 90° apart (steps within 90 ± 25°), else complex
    assert cls(*((0, 30, a, 25.0) for a in (0, 90, 180, 270))) == ["hip"]
    assert cls(*((0, 30, a, 25.0) for a in (0, 114, 180, 270))) == ["hip"]   # steps 114°, 66°, 90°
    assert cls(*((0, 30, a, 25.0) for a in (0, 116, 180, 270))) == ["complex"]  # 116° > 90 + 25
    # a roof face stored with its normal pointing down is the same roof
    rows, unit, area = _faces((0, 40, 0, 50.0), (0, 40, 180, 50.0))
    unit[1] *= -1.0
    assert list(classify_roofs(rows, unit, area, 1)) == ["gable"]
    assert list(classify_roofs(np.zeros(0, np.int64), np.zeros((0, 3)), np.zeros(0), 2)) == ["none", "none"]
    # "two opposite groups": mean directions at least 160° apart (resultant of the two unit
    # vectors 2·cos(80°) = 0.347 < 0.35); east- and west-facing halves alike
    assert cls((0, 35, 80, 50.0), (0, 35, 279.5, 50.0)) == ["gable"]     # 160.5° apart
    assert cls((0, 35, 80, 50.0), (0, 35, 280.5, 50.0)) == ["complex"]   # 159.5° apart
    assert cls((0, 35, 280, 50.0), (0, 35, 99.5, 50.0)) == ["gable"]     # 160.5° the other way round
    assert cls((0, 35, 0, 50.0), (0, 35, 120, 50.0)) == ["complex"]      # a corner, not a gable


@pytest.mark.parametrize("packed", [True, False], ids=["int64-keys", "unique-triples"])
def test_closedness_by_edge_balance_on_both_paths(packed, monkeypatch):
    """closed_rows on both of its edge-grouping paths (packed int64 keys; np.unique on (row, lo,
    hi) triples for models beyond EDGE_KEY_LIMIT vertices): a box and a gable house are closed,
    the same house without its floor is open, a box with one face reversed is open."""
    import stadtbild.analysis.metrics as metrics

    if not packed:
        monkeypatch.setattr(metrics, "EDGE_KEY_LIMIT", 0)
    v, faces = gable_house()
    bv, bfaces = box_polygons(30, 0, 40, 10, 0, 5)
    flipped = [(ring[::-1] if code == ROOF else ring, code) for ring, code in bfaces]
    m = model_from_solids([("house", v, faces), ("box", bv, bfaces),
                           ("floorless", v, [f for f in faces if f[1] != GROUND]), ("reversed", bv + [0, 20, 0], flipped)])
    met = compute_metrics(m)
    closed = {i: met.row(i)["closed"] for i in ("house", "box", "floorless", "reversed")}
    assert closed == {"house": True, "box": True, "floorless": False, "reversed": False}
    assert met.row("box")["volume_m3"] == pytest.approx(500.0, rel=1e-9)


def test_a_model_without_buildings_has_no_rows():
    """Only a tree: no rows, an empty table and a CSV with just the header."""
    m = box_model([("baum", 0, 0, 4, 4, 0, 9)])
    m.objects["baum"].type = "SolitaryVegetationObject"
    met = compute_metrics(m)
    assert len(met) == 0 and met.records() == [] and list(met.ids) == []
    assert len(met["volume_m3"]) == 0 and len(met["roof_type"]) == 0 and met.storey_height_m == 3.0
    rows = list(csv.reader(io.StringIO(met.to_csv_bytes().decode("utf-8"))))
    assert rows[0][: len(CONTRACT_KEYS)] == list(CONTRACT_KEYS) and len(rows) == 1


def test_object_footprints_of_objects_without_geometry():
    """object_footprints: a box's own footprint in the model CRS; an object without geometry has
    none (None, NaN) instead of failing, also when it is the only one asked for."""
    from stadtbild.model.citymodel import CityObject
    from stadtbild.model.footprint import object_footprints

    m = box_model([("a", 100, 200, 110, 208, 5, 11)])
    m.objects["leer"] = CityObject(id="leer", type="Building", geometries=[])
    fp = object_footprints(m)
    assert fp["a"][0].area == pytest.approx(80.0) and fp["a"][0].bounds == pytest.approx((100, 200, 110, 208))
    assert fp["a"][1] == pytest.approx(5.0)
    assert fp["leer"][0] is None and math.isnan(fp["leer"][1])
    only = object_footprints(m, ids=["leer"])
    assert only["leer"][0] is None and math.isnan(only["leer"][1])


def test_a_building_with_an_lod1_block_and_lod2_parts_is_measured_by_its_parts():
    """A Building whose own geometry is an LoD1 block (20 × 10 × 12 m) and whose two
    BuildingParts carry LoD2 solids (10 × 10 × 12 m and 10 × 10 × 6 m): the coarser own block is
    left out, the row is the parts' (volume 1800 m³, not 2400 or 4200; footprint 200 m²)."""
    from stadtbild.model.citymodel import CityObject

    m = model_from_solids([("b", *box_polygons(0, 0, 20, 10, 0, 12)), ("p1", *box_polygons(0, 0, 10, 10, 0, 12)),
                           ("p2", *box_polygons(10, 0, 20, 10, 0, 6))])
    m.objects["b"].geometries[0].lod = "1"
    for part in ("p1", "p2"):
        m.objects[part].type = "BuildingPart"
        m.objects[part].parents = ["b"]
    m.objects["b"].children = ["p1", "p2"]
    m.invalidate()
    row = compute_metrics(m).row("b")
    assert row["volume_m3"] == pytest.approx(1800.0, rel=1e-9)
    assert row["footprint_area_m2"] == pytest.approx(200.0, rel=1e-9)
    assert row["ridge_height_m"] == pytest.approx(12.0) and row["eave_height_m"] == pytest.approx(6.0)


def test_footprint_is_the_ground_polygon_under_an_overhanging_roof():
    """A 10 × 8 m house whose flat roof overhangs by 0.5 m all round: the footprint is the ground
    polygon (80 m²), not the roof's plan (99 m²); the roof area is the roof's 99 m²."""
    v, faces = box_polygons(0, 0, 10, 8, 0, 6)
    roof = np.array([[-0.5, -0.5, 6.0], [10.5, -0.5, 6.0], [10.5, 8.5, 6.0], [-0.5, 8.5, 6.0]])
    m = model_from_solids([("h", np.vstack([v, roof]), [f for f in faces if f[1] != ROOF] + [([8, 9, 10, 11], ROOF)])])
    row = compute_metrics(m).row("h")
    assert row["footprint_area_m2"] == pytest.approx(80.0) and row["roof_area_m2"] == pytest.approx(99.0)
    assert row["ground_height_m"] == pytest.approx(0.0) and row["eave_height_m"] == pytest.approx(6.0)


def test_a_gable_house_without_semantics_is_classified_from_its_normals():
    """The analytic gable house with every surface type removed (plain LoD2 geometry): the
    pitched faces facing up are roofs (area 2 · L · √((W/2)² + (R − E)²)), the floor ground, so
    the eave (6 m), ridge (10 m), roof type and footprint come out as with semantics."""
    v, faces = gable_house()
    m = model_from_solids([("h", v, [(ring, 0) for ring, _ in faces])])
    row = compute_metrics(m).row("h")
    assert row["roof_type"] == "gable" and row["eave_height_m"] == pytest.approx(E)
    assert row["ridge_height_m"] == pytest.approx(R) and row["footprint_area_m2"] == pytest.approx(L * W)
    assert row["roof_area_m2"] == pytest.approx(2 * L * math.hypot(W / 2, R - E), rel=1e-9)


def test_storeys_are_whole_numbers_and_objects_without_geometry_have_no_volume_method():
    """The table gives storeys as whole numbers (12 m eaves / 3 m -> 4, written "4", not "4.0");
    a Building without geometry gets the volume method "none" and no heights."""
    from stadtbild.model.citymodel import CityObject

    m = box_model([("a", 0, 0, 10, 8, 0, 12)])
    m.objects["leer"] = CityObject(id="leer", type="Building", geometries=[])
    met = compute_metrics(m)
    recs = {r["id"]: r for r in met.records()}
    assert recs["a"]["storeys"] == 4 and isinstance(recs["a"]["storeys"], int)
    assert recs["leer"]["volume_method"] == "none" and recs["leer"]["ridge_height_m"] is None
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(met.to_csv_bytes().decode("utf-8")))}
    assert rows["a"]["storeys"] == "4" and rows["leer"]["volume_method"] == "none"


def test_parts_meeting_with_float_noise_give_one_footprint():
    """Two BuildingParts sharing a wall whose coordinates differ by 1e-7 m (float noise of real
    data): the building's footprint is one 20 × 10 m polygon without a sliver (the union is
    snapped to 0.1 mm)."""
    from stadtbild.model.citymodel import CityObject
    from stadtbild.model.footprint import footprint_polygons

    m = box_model([("p1", 0, 0, 10, 10, 0, 6), ("p2", 10 + 1e-7, 0, 20, 10, 0, 6)])
    for part in ("p1", "p2"):
        m.objects[part].type = "BuildingPart"
        m.objects[part].parents = ["b"]
    m.objects["b"] = CityObject(id="b", type="Building", children=["p1", "p2"])
    m.invalidate()
    ids, fps, _, _ = footprint_polygons(m)
    fp = fps[ids.index("b")]
    assert fp.geom_type == "Polygon" and len(fp.interiors) == 0 and fp.area == pytest.approx(200.0, abs=1e-4)
