"""CityJSON 2.0 / CityJSONSeq writer: round trips through our reader and through cjio."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from stadtbild.exporters.cityjson import cityjson_lod, cityjson_type, write_cityjson, write_cityjsonseq
from stadtbild.importers import load
from tests.conftest import data_file

FILES = ["demo/delft.city.json", "cityjson/DH_01_subs.city.json", "cityjson/multi_lod.city.json",
         "cityjson/dummy.city.json", "cityjsonseq/3dbag_b2.city.jsonl", "citygml/nrw/LoD2_32_332_5726_1_NW.gml",
         "citygml/ogc_pairs/v2/Building_and_garage_LOD2-EPSG25832.gml"]


@pytest.mark.parametrize("rel", FILES)
@pytest.mark.parametrize("seq", [False, True], ids=["cityjson", "cityjsonseq"])
def test_round_trip_keeps_objects_areas_and_semantics(tmp_path, rel, seq):
    src = load(data_file(rel))
    out = tmp_path / ("out.city.jsonl" if seq else "out.city.json")
    (write_cityjsonseq if seq else write_cityjson)(src, out)
    back = load(out)
    expected: dict[str, int] = {}
    for obj in src.objects.values():
        expected[cityjson_type(obj.type)] = expected.get(cityjson_type(obj.type), 0) + 1
    assert back.object_counts() == dict(sorted(expected.items()))
    assert set(back.objects) == set(src.objects)
    assert back.semantic_counts() == src.semantic_counts()
    # geometry: polygon areas per object equal within the 1 mm quantisation
    for oid in list(src.objects)[:200]:
        a = sum(src.polygon_areas()[g.poly_start:g.poly_stop].sum() for g in src.objects[oid].geometries)
        b = sum(back.polygon_areas()[g.poly_start:g.poly_stop].sum() for g in back.objects[oid].geometries)
        assert b == pytest.approx(a, rel=1e-4, abs=1e-3), oid
    assert np.allclose(back.bbox(), src.bbox(), atol=1e-3)
    for oid, obj in src.objects.items():
        assert back.objects[oid].parents == obj.parents
        assert sorted(back.objects[oid].children) == sorted(obj.children)


def _raw_coordinates(path) -> np.ndarray:
    """All vertex coordinates of a CityJSON / CityJSONSeq file, de-quantised here from the raw JSON
    (x = i × scale + translate, CityJSON 2.0 §8.3), independent of our reader."""
    lines = [json.loads(ln) for ln in path.read_text().splitlines() if ln.strip()] if path.suffix == ".jsonl" \
        else [json.loads(path.read_text())]
    t = lines[0]["transform"]
    scale, translate = np.array(t["scale"]), np.array(t["translate"])
    return np.concatenate([np.array(d["vertices"], dtype=np.float64).reshape(-1, 3) * scale + translate
                           for d in lines if d["vertices"]])


@pytest.mark.parametrize("rel", ["cityjson/multi_lod.city.json", "cityjsonseq/3dbag_b2.city.jsonl",
                                 "demo/delft.city.json"])
@pytest.mark.parametrize("seq", [False, True], ids=["cityjson", "cityjsonseq"])
def test_round_trip_is_lossless_whatever_the_source_translate(tmp_path, rel, seq):
    """multi_lod's translate (153200.847921, 414118.20999) and 3dbag_b2's (85088.390625, …) are not
    multiples of their 1 mm scale: every written vertex must still be exactly a source vertex (it
    used to move by up to 0.5 mm), in the file and after reading it back."""
    from scipy.spatial import cKDTree

    path = data_file(rel)
    src = _raw_coordinates(path)
    out = tmp_path / ("out.city.jsonl" if seq else "out.city.json")
    (write_cityjsonseq if seq else write_cityjson)(load(path), out)
    written = _raw_coordinates(out)
    dist, _ = cKDTree(src).query(written)
    assert dist.max() < 1e-6, f"vertices moved by up to {dist.max() * 1000:.3f} mm"
    dist_back, _ = cKDTree(src).query(load(out).vertices)
    assert dist_back.max() < 1e-6
    assert len(np.unique(np.round(written, 6), axis=0)) == len(np.unique(np.round(src, 6), axis=0))


@pytest.mark.parametrize("rel, url_code", [
    ("cityjson/dummy.city.json", 7415),                                  # RD New + NAP kept
    ("citygml/ogc_pairs/v2/Building_LOD2-EPSG25832.gml", 5555),          # 25832 + DHHN92 -> compound
    ("citygml/fzk_haus/fzk_haus_lod2_v2.gml", 5555),                     # AdV URN with DHHN92
    ("citygml/nrw/LoD2_32_332_5726_1_NW.gml", 25832),                    # DHHN2016: EPSG has no compound
])
def test_reference_system_keeps_the_height_datum_where_epsg_has_a_code(tmp_path, rel, url_code):
    from pyproj import CRS

    src = load(data_file(rel))
    out = write_cityjson(src, tmp_path / "out.city.json")
    ref = json.loads(out.read_text())["metadata"]["referenceSystem"]
    assert ref == f"https://www.opengis.net/def/crs/EPSG/0/{url_code}"
    crs = CRS.from_epsg(url_code)
    if crs.is_compound:  # independent check of the compound's parts with pyproj
        parts = [c.to_epsg() for c in crs.sub_crs_list]
        assert parts == [src.crs.epsg, src.crs.vertical_epsg]
    back = load(out)
    assert back.crs.epsg == src.crs.epsg


def test_results_as_surface_and_object_attributes(tmp_path):
    """A solar cadastre: values per roof polygon become semantic surface attributes."""
    src = load(data_file("cityjson/lod2_buildings_v2.city.json"))
    roofs = np.flatnonzero(src.polygon_semantic == 1)
    surface_attrs = {int(p): {"irradiation_kwh_m2a": 1000.0 + i} for i, p in enumerate(roofs)}
    first = next(iter(src.objects))
    out = write_cityjson(src, tmp_path / "solar.city.json", object_attributes={first: {"pv_kwh_a": 1234.5}},
                         surface_attributes=surface_attrs)
    doc = json.loads(out.read_text())
    assert doc["CityObjects"][first]["attributes"]["pv_kwh_a"] == 1234.5
    values = [s["irradiation_kwh_m2a"] for o in doc["CityObjects"].values() for g in o["geometry"]
              for s in g.get("semantics", {}).get("surfaces", []) if "irradiation_kwh_m2a" in s]
    assert sorted(values) == sorted(v["irradiation_kwh_m2a"] for v in surface_attrs.values())
    back = load(out)
    assert back.semantic_counts() == src.semantic_counts()


def test_cjio_reads_the_output(tmp_path):
    from cjio import cityjson

    out = write_cityjson(load(data_file("citygml/nrw/LoD2_32_329_5727_1_NW.gml")), tmp_path / "nrw.city.json")
    with open(out) as fh, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cm = cityjson.reader(fh)
    src = load(data_file("citygml/nrw/LoD2_32_329_5727_1_NW.gml"))
    assert len(cm.j["CityObjects"]) == len(src.objects)
    assert cm.j["version"] == "2.0"
    for obj in cm.j["CityObjects"].values():
        for g in obj.get("geometry", []):
            assert g["lod"] in {"0", "1", "2", "3"} or g["lod"][0] in "0123"


def test_lod_strings():
    assert [cityjson_lod(v) for v in ("2.2", "4", 2, None, "x", "1")] == ["2.2", "3", "2", "2", "2", "1"]
