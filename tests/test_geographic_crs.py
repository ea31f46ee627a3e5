"""Models in a geographic CRS (degrees) are reprojected on load to the UTM zone of their datum,
with the axis order of the CRS honoured (EPSG:6697 and 4979 put latitude first, as PLATEAU's
CityGML and cjio's CityJSON reprojection do), and every analysis says which CRS it ran in.

The geographic files are made here from real projected data: the NRW LoD2 tile's buildings,
moved (a pure translation) to Tokyo in JGD2011 / UTM zone 54N (EPSG:6691) and written as
PLATEAU-style CityGML in EPSG:6697 (JGD2011 + JGD2011 height, latitude-longitude-height); the
Delft demo moved to UTM 31N (EPSG:32631) and written as CityJSON in EPSG:4979. The reference for
the reprojected coordinates is the translated projected geometry; areas are those of the source
model (a translation keeps them).
"""
from __future__ import annotations

import json
import re

import numpy as np
import pytest
from pyproj import Transformer

from stadtbild.cli import main
from stadtbild.importers import load
from tests.conftest import data_file

NRW = "citygml/nrw/LoD2_32_329_5727_1_NW.gml"
TOKYO_E, TOKYO_N = 386000.0, 3950000.0  # JGD2011 / UTM 54N, near Tokyo station (35.68° N, 139.76° E)


def _max_distance(a, b) -> float:
    """Largest distance from a point of ``a`` to its nearest point of ``b`` and back (the vertex
    order of two reads need not agree)."""
    from scipy.spatial import cKDTree

    return max(cKDTree(b).query(a)[0].max(), cKDTree(a).query(b)[0].max())


@pytest.fixture(scope="module")
def plateau_gml(tmp_path_factory):
    """(path, source model, translation) of the NRW tile as PLATEAU-style CityGML in EPSG:6697."""
    src_path = data_file(NRW)
    src = load(src_path)
    bb = src.bbox()
    centre = np.array([(bb[0] + bb[3]) / 2, (bb[1] + bb[4]) / 2])
    offset = np.array([TOKYO_E, TOKYO_N]) - np.round(centre)
    to_geo = Transformer.from_crs(6691, 6668)  # authority axis order: latitude, longitude

    def convert(match):
        vals = np.array(match.group(2).split(), dtype=float).reshape(-1, 3)
        lat, lon = to_geo.transform(vals[:, 0] + offset[0], vals[:, 1] + offset[1])
        text = " ".join(f"{a:.10f} {b:.10f} {h:.3f}" for a, b, h in zip(lat, lon, vals[:, 2]))
        return f"{match.group(1)}{text}{match.group(3)}"

    text = src_path.read_text(encoding="utf-8")
    text = re.sub(r'srsName="[^"]*"', 'srsName="http://www.opengis.net/def/crs/EPSG/0/6697"', text)
    text = re.sub(r"(<gml:(?:posList|pos|lowerCorner|upperCorner)[^>]*>)([^<]+)(</gml:)", convert, text)
    out = tmp_path_factory.mktemp("plateau") / "53394611_bldg_6697.gml"
    out.write_text(text, encoding="utf-8")
    return out, src, offset


def test_plateau_citygml_in_6697_is_reprojected_to_jgd2011_utm(plateau_gml):
    path, src, offset = plateau_gml
    m = load(path)
    assert m.crs.epsg == 6691 and m.crs.vertical_epsg == 6695  # JGD2011 / UTM 54N + JGD2011 height
    assert m.reprojection is not None and m.reprojection.latitude_first
    assert any("EPSG:6697" in w and "EPSG:6691" in w for w in m.warnings)
    expected = src.vertices.copy()
    expected[:, :2] += offset
    assert _max_distance(m.vertices, expected) < 0.002  # 1e-10° in the file ≈ 0.01 mm
    assert m.polygon_areas().sum() == pytest.approx(src.polygon_areas().sum(), rel=1e-6)
    assert m.transform is None


def test_metrics_of_a_geographic_model_are_in_metres(plateau_gml, capsys):
    """Footprint and roof areas as in the projected source (they used to be 0.0 m² and 0.0073 m²)."""
    path, _, _ = plateau_gml
    assert main(["metrics", str(data_file(NRW)), "--json"]) == 0
    ref = {b["id"]: b for b in json.loads(capsys.readouterr().out)["buildings"]}
    assert main(["metrics", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    got = {b["id"]: b for b in out["buildings"]}
    assert set(got) == set(ref)
    for oid, b in ref.items():
        for key in ("footprint_area_m2", "roof_area_m2", "wall_area_m2", "volume_m3", "eave_height_m"):
            if b[key] is not None:
                assert got[oid][key] == pytest.approx(b[key], rel=1e-4, abs=0.01), (oid, key)
    assert sum(b["footprint_area_m2"] for b in got.values()) > 1000.0
    assert out["analysis_crs"] == "EPSG:6691" and out["reprojected_from"] == "EPSG:6697"


def test_shadow_of_a_geographic_model_runs_in_utm(plateau_gml, capsys):
    """``shadow`` used to stop with "the model position (35.7, 139.7) is outside its CRS"."""
    path, _, _ = plateau_gml
    assert main(["shadow", str(path), "--time", "2026-06-21T12:00", "--grid", "4", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["analysis_crs"] == "EPSG:6691"
    assert out["shadow_area_m2"] > 0 and 60 < out["sun_elevation_deg"] < 80  # Tokyo, June noon: 77.7°
    assert main(["sun", "--lat", "35.68", "--lon", "139.76", "--time", "2026-06-21T12:00", "--tz", "Asia/Tokyo",
                 "--json"]) == 0
    sun = json.loads(capsys.readouterr().out)
    assert out["sun_elevation_deg"] == pytest.approx(sun["elevation_deg"], abs=0.3)


def test_longitude_first_file_is_recognised_when_unambiguous(plateau_gml, tmp_path):
    """A file that writes longitude first although its CRS says latitude first: 139.7 cannot be a
    latitude, so it is read the other way round, and the note says so."""
    path, src, offset = plateau_gml

    def swap(match):
        vals = np.array(match.group(2).split(), dtype=float).reshape(-1, 3)[:, [1, 0, 2]]
        return match.group(1) + " ".join(f"{a:.10f} {b:.10f} {h:.3f}" for a, b, h in vals) + match.group(3)

    text = re.sub(r"(<gml:(?:posList|pos|lowerCorner|upperCorner)[^>]*>)([^<]+)(</gml:)", swap,
                  path.read_text(encoding="utf-8"))
    swapped = tmp_path / "lonlat.gml"
    swapped.write_text(text, encoding="utf-8")
    m = load(swapped)
    assert m.crs.epsg == 6691 and not m.reprojection.latitude_first
    assert "against the CRS's axis order" in m.reprojection.note
    expected = src.vertices[:, :2] + offset
    assert _max_distance(m.vertices[:, :2], expected) < 0.002


def test_cityjson_in_4979_is_reprojected_to_wgs84_utm(tmp_path, capsys):
    """The Delft demo moved to UTM 31N and written as CityJSON in EPSG:4979 (latitude, longitude,
    ellipsoidal height; transform 1e-9° ≈ 0.1 mm): read back in EPSG:32631 within 1 mm, with the
    same areas, and exported again in metres, schema-valid."""
    from tests.validators import cityjson_errors

    raw = json.loads(data_file("demo/delft.city.json").read_text())
    scale, translate = np.array(raw["transform"]["scale"]), np.array(raw["transform"]["translate"])
    xyz = np.array(raw["vertices"], dtype=float) * scale + translate
    offset = np.array([600000.0, 5760000.0]) - np.round(xyz[:, :2].min(axis=0))
    lat, lon = Transformer.from_crs(32631, 4326).transform(xyz[:, 0] + offset[0], xyz[:, 1] + offset[1])
    geo = np.column_stack([lat, lon, xyz[:, 2]])
    g_scale = np.array([1e-9, 1e-9, 0.001])
    g_translate = np.floor(geo.min(axis=0))
    raw["transform"] = {"scale": g_scale.tolist(), "translate": g_translate.tolist()}
    raw["vertices"] = np.round((geo - g_translate) / g_scale).astype(np.int64).tolist()
    raw["metadata"]["referenceSystem"] = "https://www.opengis.net/def/crs/EPSG/0/4979"
    raw["metadata"].pop("geographicalExtent", None)
    path = tmp_path / "delft_4979.city.json"
    path.write_text(json.dumps(raw))

    m = load(path)
    src = load(data_file("demo/delft.city.json"))
    assert m.crs.epsg == 32631 and m.crs.vertical_epsg is None
    assert "ellipsoidal" in m.reprojection.note
    expected = src.vertices.copy()
    expected[:, :2] += offset
    assert _max_distance(m.vertices, expected) < 0.001
    assert m.polygon_areas().sum() == pytest.approx(src.polygon_areas().sum(), rel=1e-6)
    out = tmp_path / "delft_utm.city.json"
    assert main(["convert", str(path), str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["crs"] == "EPSG:32631" and summary["reprojected_from"] == "EPSG:4979"
    assert cityjson_errors(out) == []
    doc = json.loads(out.read_text())
    assert doc["metadata"]["referenceSystem"].endswith("/EPSG/0/32631")
    assert doc["transform"]["scale"] == [0.001] * 3


def test_projected_models_are_left_alone(demo_model):
    assert demo_model.reprojection is None and demo_model.crs.epsg == 28992


@pytest.mark.parametrize("geo_epsg,lon,lat,expected", [
    (4326, 9.15, 51.85, 32632), (4979, 4.35, 52.0, 32631), (6668, 139.76, 35.68, 6691),
    (4258, 13.4, 52.5, 25833), (4258, 7.0, 51.0, 25832), (4937, 9.9, 53.55, 25832),
    (4326, 151.2, -33.9, 32756), (4289, 4.9, 52.37, 28992),
])
def test_projected_crs_for_each_datum(geo_epsg, lon, lat, expected):
    """The UTM zone of the source's own datum (no datum shift: exact), ETRS89 -> ETRS89/UTM, the
    German and Dutch national standard; Amersfoort -> RD New."""
    from stadtbild.model.crs import projected_crs_for

    assert projected_crs_for(geo_epsg, lon, lat) == expected
