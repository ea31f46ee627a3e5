"""Everything Stadtbild writes in CityJSON, CityJSONSeq, CityGML 2.0 and glTF/GLB passes the
format's official validator (see :mod:`tests.validators`): the CityJSON 2.0.2 JSON schemas, the OGC
CityGML 2.0 XSDs and the Khronos glTF validator. Covered writers: ``export`` (with analysis results
as attributes), ``convert`` (CityJSON 1.x, CityGML 1/2/3, CityJSONSeq in), ``apply`` (inserted and
extruded buildings), ``solar -o *.city.json`` and ``sunlight -o *.city.json / *.city.jsonl``.

The first tests break a valid output on purpose and expect the validators to say so, so that a
validator that accepted anything would fail here.
"""
from __future__ import annotations

import json

import pytest

from stadtbild.cli import main
from tests.conftest import DEMO, data_file
from tests.validators import (citygml2_errors, cityjson_errors, cityjsonseq_errors, gltf_errors,
                              require_gltf_validator)

NRW = "citygml/nrw/LoD2_32_329_5727_1_NW.gml"
#: inputs of every kind the readers take (CityJSON 1.0/1.1/2.0, CityJSONSeq, CityGML 1.0/2.0/3.0)
INPUTS = ["cityjson/DH_01_subs.city.json", "cityjson/cityobject_all_types.city.json",
          "cityjson/semantic_all_types.city.json", "cityjson/geomtemplate_2.city.json", "cityjson/cube_v10.city.json",
          "cityjson/multi_lod.city.json", "cityjson/rotterdam_one.city.json", "cityjsonseq/3dbag_b2.city.jsonl",
          "citygml/v1/DenHaag_1BwBP.gml", "citygml/v2/lod3_building_v2.gml", "citygml/v3/lod2_buildings_v3.gml",
          "citygml/fzk_haus/fzk_haus_lod2_v2.gml", NRW]


def run(*argv):
    assert main(list(map(str, argv))) == 0


# ---------------------------------------------------------------------- the validators can say no
SMALL = "citygml/fzk_haus/fzk_haus_lod2_v2.gml"  # one LoD2 house: fast enough for the reference engine


@pytest.mark.parametrize("engine", ["python", "rs"])
def test_cityjson_validators_reject_broken_outputs(tmp_path, engine):
    """Both schema engines (the reference ``jsonschema`` and ``jsonschema-rs``) accept our output
    and reject the same faults put into it."""
    src = data_file(SMALL)
    cj, seq = tmp_path / "m.city.json", tmp_path / "m.city.jsonl"
    run("export", src, "-o", cj)
    run("export", src, "-o", seq)
    assert cityjson_errors(cj, engine) == [] and cityjsonseq_errors(seq, engine) == []

    doc = json.loads(cj.read_text())
    oid = next(iter(doc["CityObjects"]))
    doc["CityObjects"][oid]["type"] = "Bulding"
    assert cityjson_errors(doc, engine)
    doc = json.loads(cj.read_text())
    doc["transform"]["scale"] = [0.001, 0.001]
    assert cityjson_errors(doc, engine)
    doc = json.loads(cj.read_text())
    geom = next(g for o in doc["CityObjects"].values() for g in o.get("geometry", []))
    geom["semantics"]["surfaces"][0]["type"] = "RoofSurfaces"
    assert cityjson_errors(doc, engine)

    lines = seq.read_text().splitlines()
    feature = json.loads(lines[1])
    feature["type"] = "CityJSON"  # a feature line that is not a CityJSONFeature
    (tmp_path / "bad.city.jsonl").write_text("\n".join([lines[0], json.dumps(feature)]) + "\n")
    assert cityjsonseq_errors(tmp_path / "bad.city.jsonl", engine)
    (tmp_path / "header.city.jsonl").write_text(lines[0] + "\n")
    assert cityjsonseq_errors(tmp_path / "header.city.jsonl", engine)


def test_citygml_and_gltf_validators_reject_broken_outputs(tmp_path):
    """The CityGML XSDs and the Khronos validator find faults put into otherwise valid outputs."""
    src = data_file(SMALL)
    gml, glb = tmp_path / "m.gml", tmp_path / "m.glb"
    run("export", src, "-o", gml)
    run("export", src, "-o", glb)
    assert citygml2_errors(gml) == []

    text = gml.read_text(encoding="utf-8")
    (tmp_path / "bad.gml").write_text(text.replace("<bldg:lod2MultiSurface>", "<bldg:lod7MultiSurface>", 1)
                                      .replace("</bldg:lod2MultiSurface>", "</bldg:lod7MultiSurface>", 1), encoding="utf-8")
    assert "<bldg:lod7MultiSurface>" in (tmp_path / "bad.gml").read_text(encoding="utf-8")
    assert citygml2_errors(tmp_path / "bad.gml")

    require_gltf_validator()
    assert gltf_errors(glb) == []
    data = bytearray(glb.read_bytes())
    (tmp_path / "short.glb").write_bytes(bytes(data[:len(data) // 2]))
    assert gltf_errors(tmp_path / "short.glb")
    gltf = tmp_path / "m.gltf"
    run("export", src, "-o", gltf)
    doc = json.loads(gltf.read_text())
    doc["accessors"][0]["count"] += 1_000_000  # an accessor reading past its buffer
    (tmp_path / "bad.gltf").write_text(json.dumps(doc))
    assert gltf_errors(tmp_path / "bad.gltf")


# ---------------------------------------------------------------------- export / convert of every input
@pytest.mark.parametrize("rel", INPUTS, ids=lambda r: r.rsplit("/", 1)[-1])
def test_export_of_every_input_is_schema_valid(tmp_path, rel):
    src = data_file(rel)
    cj, seq, gml = tmp_path / "o.city.json", tmp_path / "o.city.jsonl", tmp_path / "o.gml"
    run("convert", src, cj)
    run("convert", src, seq)
    run("export", src, "-o", gml)
    assert cityjson_errors(cj) == []
    assert cityjsonseq_errors(seq) == []
    assert citygml2_errors(gml) == []


@pytest.mark.parametrize("rel", [NRW, "citygml/fzk_haus/fzk_haus_lod2_v2.gml", "cityjson/DH_01_subs.city.json",
                                 "citygml/v3/lod2_buildings_v3.gml"], ids=lambda r: r.rsplit("/", 1)[-1])
def test_gltf_and_glb_pass_the_khronos_validator(tmp_path, rel):
    require_gltf_validator()
    src = data_file(rel)
    glb, gltf, local = tmp_path / "o.glb", tmp_path / "o.gltf", tmp_path / "local.glb"
    run("export", src, "-o", glb)
    run("export", src, "-o", gltf)
    run("export", src, "--local-origin", "-o", local)
    assert gltf_errors(glb, gltf, local) == []


# ---------------------------------------------------------------------- analysis results as attributes
@pytest.fixture(scope="module")
def nrw_with_results(tmp_path_factory):
    """The NRW tile and the outputs of real analysis runs on it, as ``export --results`` takes them:
    ``solar`` (CityJSON solar cadastre, and GeoJSON with per-roof-surface figures) and ``metrics``
    (per-building heights, areas, roof type: object attributes)."""
    out = tmp_path_factory.mktemp("results")
    files = {"roofs": out / "roofs.city.json", "solar": out / "solar.geojson", "metrics": out / "metrics.json"}
    run("solar", data_file(NRW), "--grid", "2", "-o", files["roofs"])
    run("solar", data_file(NRW), "--grid", "2", "-o", files["solar"])
    run("metrics", data_file(NRW), "-o", files["metrics"])
    return data_file(NRW), files


def test_solar_cadastre_city_json_is_schema_valid(nrw_with_results):
    _, files = nrw_with_results
    assert cityjson_errors(files["roofs"]) == []
    doc = json.loads(files["roofs"].read_text())
    surf_attrs = [s for o in doc["CityObjects"].values() for g in o.get("geometry", [])
                  for s in g.get("semantics", {}).get("surfaces", []) if len(s) > 1]
    assert surf_attrs, "the solar figures must be in the file (semantic surface attributes)"


@pytest.mark.parametrize("kind", ["solar", "metrics"])
def test_export_with_results_is_valid_in_every_format(nrw_with_results, tmp_path, kind):
    """Per-surface (solar) and per-building (metrics) results as attributes in CityJSON,
    CityJSONSeq and CityGML 2.0 (generic attributes), and as colours in GLB."""
    src, files = nrw_with_results
    outs = {s: tmp_path / f"r{s}" for s in (".city.json", ".city.jsonl", ".gml", ".glb")}
    for out in outs.values():
        run("export", src, "--results", files[kind], "-o", out)
    assert cityjson_errors(outs[".city.json"]) == []
    assert cityjsonseq_errors(outs[".city.jsonl"]) == []
    assert citygml2_errors(outs[".gml"]) == []
    doc = json.loads(outs[".city.json"].read_text())
    if kind == "solar":
        attrs = [s for o in doc["CityObjects"].values() for g in o.get("geometry", [])
                 for s in g.get("semantics", {}).get("surfaces", []) if any(k.startswith("solar_") for k in s)]
        assert attrs, "per-surface results must reach the CityJSON as surface attributes"
    else:
        attrs = [o["attributes"] for o in doc["CityObjects"].values() if "metrics_roof_type" in o.get("attributes", {})]
        assert attrs, "per-building results must reach the CityJSON as attributes"
        assert "metrics_roof_type" in outs[".gml"].read_text(encoding="utf-8")
    require_gltf_validator()
    assert gltf_errors(outs[".glb"]) == []


def test_sunlight_city_json_and_seq_are_schema_valid(tmp_path):
    """Facade sunlight (DIN 5034-1) with per-building attributes, as CityJSON and CityJSONSeq."""
    src = data_file("citygml/fzk_haus/fzk_haus_lod2_v2.gml")
    cj, seq = tmp_path / "s.city.json", tmp_path / "s.city.jsonl"
    for out in (cj, seq):
        run("sunlight", src, "--equinox", "2026-03-21", "--winter", "2026-01-17", "--step", "10", "-o", out)
    assert cityjson_errors(cj) == []
    assert cityjsonseq_errors(seq) == []
    doc = json.loads(cj.read_text())
    assert any("sunlight_points" in o.get("attributes", {}) for o in doc["CityObjects"].values())


def test_apply_with_inserted_and_extruded_buildings_is_schema_valid(tmp_path):
    """A scenario that inserts a mesh design and extrudes a gable house, written by ``apply`` as
    CityJSON and CityJSONSeq and by ``export`` as CityGML 2.0 and GLB."""
    import trimesh

    design = tmp_path / "design.glb"
    trimesh.creation.box(extents=(10, 8, 12)).export(design)
    x, y = 90950.0, 435760.0
    scen = tmp_path / "v.scenario.json"
    scen.write_text(json.dumps({"name": "Variante", "edits": [
        {"op": "demolish_within", "polygon": [[x - 30, y - 30], [x + 30, y - 30], [x + 30, y + 30], [x - 30, y + 30]]},
        {"op": "insert", "file": "design.glb", "at": [x, y, 0.0], "rotation_deg": 30, "scale": 1.0, "id": "neu-1"},
        {"op": "extrude", "id": "neu-2", "footprint": [[x + 20, y], [x + 32, y], [x + 32, y + 9], [x + 20, y + 9]],
         "ground_z": 0.0, "height_m": 9.0, "roof": "gable", "roof_height_m": 4.0}]}))
    cj, seq, gml, glb = (tmp_path / n for n in ("a.city.json", "a.city.jsonl", "a.gml", "a.glb"))
    run("apply", DEMO, "--scenario", scen, "-o", cj)
    run("apply", DEMO, "--scenario", scen, "-o", seq)
    run("export", DEMO, "--scenario", scen, "-o", gml)
    run("export", DEMO, "--scenario", scen, "-o", glb)
    assert cityjson_errors(cj) == []
    assert cityjsonseq_errors(seq) == []
    assert citygml2_errors(gml) == []
    doc = json.loads(cj.read_text())
    assert {"neu-1", "neu-2"} <= set(doc["CityObjects"])
    require_gltf_validator()
    assert gltf_errors(glb) == []


def test_demo_district_exports_are_valid(tmp_path):
    """The 853-building demo, the file a new user exports first."""
    outs = [tmp_path / n for n in ("d.city.json", "d.city.jsonl", "d.gml")]
    for out in outs:
        run("export", DEMO, "-o", out)
    assert cityjson_errors(outs[0]) == [] and cityjsonseq_errors(outs[1]) == [] and citygml2_errors(outs[2]) == []
    assert len(json.loads(outs[0].read_text())["CityObjects"]) == 853
