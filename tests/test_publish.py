"""``publish``: 3D Tiles 1.1 of Bestand and variants, checked against the official 3D Tiles JSON
schemas, structural rules (independent checker ``tests/tiles3d_check.py``), the Khronos glTF
validator, independent geodesy (WGS 84 formulas, the EPSG RD origin, NGA's EGM96 test value) and
the public-export redaction."""
from __future__ import annotations

import copy
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from stadtbild import cli
from stadtbild.exporters.results import AnalysisResult, Raster, Results
from stadtbild.importers import load
from stadtbild.model.scenario import Scenario
from tests.conftest import DEMO, ROOT, data_file
from tests.tiles3d_check import feature_vertices, read_glb, schema_errors, structure_problems

TOWER = {"name": "Variante A", "edits": [
    {"op": "demolish", "ids": ["{10A31B7E-8FC2-45EE-836A-1DB9FEF06E04}"]},
    {"op": "extrude", "id": "new-1", "footprint": [[90950, 435760], [90970, 435760], [90970, 435772], [90950, 435772]],
     "ground_z": 0.0, "height_m": 38.0, "roof": "flat"}]}
TOWER_TOP_M = 38.0
WGS84_A, WGS84_F = 6378137.0, 1 / 298.257223563


def geodetic_to_ecef(lon, lat, h):
    """WGS 84 geodetic -> ECEF by the closed formula (EPSG Guidance Note 7-2, §2.2.1), not PROJ."""
    e2 = WGS84_F * (2 - WGS84_F)
    lam, phi = np.radians(lon), np.radians(lat)
    n = WGS84_A / np.sqrt(1 - e2 * np.sin(phi) ** 2)
    return np.column_stack([(n + h) * np.cos(phi) * np.cos(lam), (n + h) * np.cos(phi) * np.sin(lam),
                            (n * (1 - e2) + h) * np.sin(phi)])


def ecef_to_geodetic(xyz):
    """ECEF -> (lon, lat, h) by Bowring's iteration (GN 7-2 §2.2.1), not PROJ."""
    e2 = WGS84_F * (2 - WGS84_F)
    x, y, z = np.asarray(xyz, float).T
    lon = np.degrees(np.arctan2(y, x))
    p = np.hypot(x, y)
    phi = np.arctan2(z, p * (1 - e2))
    for _ in range(10):
        n = WGS84_A / np.sqrt(1 - e2 * np.sin(phi) ** 2)
        h = p / np.cos(phi) - n
        phi = np.arctan2(z, p * (1 - e2 * n / (n + h)))
    return lon, np.degrees(phi), h


def run(capsys, *argv) -> tuple[int, dict | None, str]:
    capsys.readouterr()
    rc = cli.main(list(map(str, argv)))
    cap = capsys.readouterr()
    out = json.loads(cap.out) if rc == 0 and "--json" in argv else None
    return rc, out, cap.err


def demo_results(path: Path, scenario_path: Path) -> Path:
    """A results file for the variant: solar-like values on roof surfaces (kWh/m²·a rising with the
    polygon's height), a sun-hours raster around the tower and a sightline + corridor."""
    import shapely

    from stadtbild.model.semantics import ROOF

    base = load(DEMO)
    variant = Scenario.load(scenario_path).apply(base)
    sc = variant.scene()
    vals = np.full(variant.n_polygons, np.nan)
    roofs = variant.polygon_semantic == ROOF
    vals[roofs] = 600.0 + 10.0 * np.arange(roofs.sum()) % 500
    xs = np.arange(60)
    raster = Raster(np.add.outer(np.arange(40) / 4.0, xs / 10.0), (2.0, 0.0, 90900.0, 0.0, -2.0, 435800.0), nodata=-1,
                    units="h")
    a = AnalysisResult(name="solar", title="Solarpotenzial", surfaces={"kwh_m2a": vals}, units={"kwh_m2a": "kWh/m²·a"},
                       colour_by="kwh_m2a", cmap="inferno",
                       objects={"new-1": {"total_kwh_a": 123456.0, "owner": "Secret Owner GmbH"}})
    b = AnalysisResult(name="sunhours", title="Sonnenstunden 21.03.", rasters={"sunhours": raster}, units={"value": "h"})
    c = AnalysisResult(name="sight", title="Sichtachse", layers={"axis": [
        (shapely.LineString([(90900, 435700, 1.6), (90990, 435800, 30.0)]), {"value": 1.0}),
        (shapely.Polygon([(90900, 435700, 1.6), (90990, 435790, 25.0), (90985, 435805, 25.0)]), {"value": 0.0})]})
    Results([a, b, c], crs="EPSG:28992").save(path, variant)
    assert sc.n_triangles
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo published with the tower variant, a saved view and results (CLI, --json)."""
    tmp = tmp_path_factory.mktemp("publish")
    scen = tmp / "tower.scenario.json"
    scen.write_text(json.dumps(TOWER))
    results = demo_results(tmp / "r.json", scen)
    proj = tmp / "p.stadtbild"
    proj.write_text(json.dumps({"format": "stadtbild-project", "version": 1, "sources": [], "scenarios": [],
                                "views": [{"type": "view", "name": "Turm von oben", "position": [90960, 435766, 420],
                                           "focal_point": [90960, 435766, 0], "view_up": [0, 1, 0],
                                           "view_angle": 40, "frame": "model"}]}))
    out = tmp / "site"
    rc = cli.main(["publish", str(DEMO), "--scenario", str(scen), "--results", str(results), "--views", str(proj),
                   "--licence", "GPL-3.0 (val3dity demo data)", "--date-time", "2026-06-21T17:00",
                   "-o", str(out), "--json"])
    assert rc == 0
    return out


@pytest.fixture(scope="module")
def summary(site):
    return json.loads((site / "scene.json").read_text())


def test_publish_json_contract(tmp_path, capsys):
    rc, out, err = run(capsys, "publish", DEMO, "-o", tmp_path / "s", "--json")
    assert rc == 0, err
    for key in ("path", "tilesets", "features", "bytes", "layers"):  # DESIGN.md, stable
        assert key in out
    assert out["features"] == 853 and out["layers"] == []
    assert out["tilesets"] == ["tiles/bestand/tileset.json", "tiles/ground/tileset.json"]
    on_disk = sum(f.stat().st_size for f in Path(out["path"]).rglob("*") if f.is_file())
    assert out["bytes"] == on_disk
    assert out["frame"]["vertical"]["method"] == "EGM96"


def test_every_tileset_validates_against_the_official_schema(site, summary):
    paths = [s["tileset"] for s in summary["states"]] + [summary["ground"]] + \
            [lay["tileset"] for lay in summary["layers"] if "tileset" in lay]
    assert len(paths) == 2 + 1 + 2  # Bestand, variant, ground, raster, sightline layer
    for rel in paths:
        doc = json.loads((site / rel).read_text())
        assert doc["asset"]["version"] == "1.1"
        assert schema_errors(doc) == [], rel


def test_tileset_structure_holds(site, summary):
    counts = {}
    for s in summary["states"]:
        problems, c = structure_problems(site / s["tileset"])
        assert problems == [], problems[:5]
        counts[s["key"]] = c
        assert c["features"] == s["features"]
    assert counts["bestand"]["features"] == 853
    assert counts["variante-a"]["features"] == 853  # one demolished, one new
    assert counts["bestand"]["contents"] >= 4  # a tree, not one tile
    for rel in [summary["ground"]] + [lay["tileset"] for lay in summary["layers"] if "tileset" in lay]:
        problems, _ = structure_problems(site / rel)
        assert problems == [], (rel, problems[:5])


def _first_leaf(tile):
    while "content" not in tile:
        tile = tile["children"][0]
    return tile


def test_the_checker_finds_broken_tilesets(site, tmp_path):
    """Each structural rule fails on a tileset broken on purpose (the checks can fail)."""
    src = site / "tiles" / "bestand"
    doc = json.loads((src / "tileset.json").read_text())

    def broken(edit, name):
        d = tmp_path / name
        shutil.copytree(src, d)
        bad = copy.deepcopy(doc)
        edit(bad, d)
        (d / "tileset.json").write_text(json.dumps(bad))
        return structure_problems(d / "tileset.json")[0]

    def shrink(bad, d):
        _first_leaf(bad["root"])["boundingVolume"]["box"][11] *= 0.5  # half the height

    def missing(bad, d):
        _first_leaf(bad["root"])["content"]["uri"] = "content/none.glb"

    def error_up(bad, d):
        bad["root"]["children"][0]["geometricError"] = bad["root"]["geometricError"] * 2

    def rows(bad, d):  # one property-table row fewer than features
        leaf = _first_leaf(bad["root"])
        f = d / leaf["content"]["uri"]
        raw = f.read_bytes()
        jlen = int.from_bytes(raw[12:16], "little")
        g = json.loads(raw[20:20 + jlen])
        g["extensions"]["EXT_structural_metadata"]["propertyTables"][0]["count"] -= 1
        text = json.dumps(g).encode()
        text += b" " * (-len(text) % 4)
        body = raw[20 + jlen:]
        f.write_bytes(raw[:8] + (12 + 8 + len(text) + len(body)).to_bytes(4, "little")
                      + len(text).to_bytes(4, "little") + raw[16:20] + text + body)

    assert any("reaches outside" in p for p in broken(shrink, "a"))
    assert any("does not resolve" in p for p in broken(missing, "b"))
    assert any("geometricError" in p for p in broken(error_up, "c"))
    assert any("property table rows" in p for p in broken(rows, "d"))
    assert schema_errors({"asset": {"version": "1.1"}, "geometricError": -1, "root": {}}) != []


def test_every_tile_passes_the_khronos_gltf_validator(site):
    from tests.validators import gltf_reports

    glbs = sorted(site.rglob("*.glb"))
    assert len(glbs) >= 8
    reports = gltf_reports(*glbs)
    assert len(reports) == len(glbs)
    bad = [(r["uri"], m["code"], m["message"]) for r in reports for m in r["issues"]["messages"] if m["severity"] <= 1]
    assert bad == []  # no error and no warning (the extensions themselves the validator only names)


def test_rd_new_origin_lands_on_its_published_wgs84_position():
    """EPSG's RD New origin (Amersfoort, x 155000, y 463000) is 52.15517440 N, 5.38720621 E
    (RDNAPTRANS); without the RD grid PROJ's Helmert is good to about a metre."""
    from stadtbild.exporters.publish.geodesy import SiteFrame
    from stadtbild.model.crs import CRSInfo

    f = SiteFrame(CRSInfo(28992), [155000.0, 463000.0, 0.0])
    lon, lat, _ = f.geodetic([[155000.0, 463000.0, 0.0]])
    assert abs(lat[0] - 52.15517440) * 111_250 < 2.0 and abs(lon[0] - 5.38720621) * 68_400 < 2.0


def test_egm96_undulation_matches_the_nga_test_value():
    """NGA's EGM96 test point 38.6281550 N, 269.7791550 E has N = -31.628 m; the 15' grid
    interpolation is good to a few centimetres there."""
    from stadtbild.exporters.publish.geodesy import egm96_grid_path, geoid_undulation_egm96

    if egm96_grid_path() is None:
        pytest.fail("egm96_15.gtx missing: the Makefile installs Debian's proj-data")
    n = geoid_undulation_egm96([269.7791550 - 360.0], [38.6281550])
    assert n[0] == pytest.approx(-31.628, abs=0.05)


def _tower_ecef(site, state="variante-a"):
    """ECEF of every vertex of feature new-1, read back from the tiles."""
    return feature_vertices(site / "tiles" / state / "tileset.json")["new-1"][0]


def test_tower_stands_at_its_real_position_and_ellipsoidal_height(site):
    """The tower's corners, read back from the tiles and converted with closed formulas, are where
    pyproj puts the model's RD coordinates, and its roof is at 38 m NAP + the EGM96 undulation."""
    from pyproj import Transformer

    from stadtbild.exporters.publish.geodesy import geoid_undulation_egm96

    ecef = _tower_ecef(site)
    lon, lat, h = ecef_to_geodetic(ecef)
    rd = Transformer.from_crs(28992, 4326, always_xy=True)
    x, y = rd.transform(lon, lat, direction="INVERSE")
    # every vertex lies on the footprint's rectangle, to the millimetre
    assert x.min() == pytest.approx(90950, abs=0.01) and x.max() == pytest.approx(90970, abs=0.01)
    assert y.min() == pytest.approx(435760, abs=0.01) and y.max() == pytest.approx(435772, abs=0.01)
    n = geoid_undulation_egm96([lon.mean()], [lat.mean()])[0]
    assert 43.0 < n < 44.5  # EGM96 at Rotterdam
    assert h.max() == pytest.approx(TOWER_TOP_M + n, abs=0.01)
    assert h.min() == pytest.approx(0.0 + n, abs=0.01)
    # the independent closed formula agrees with PROJ's geocentric conversion used by the writer
    back = geodetic_to_ecef(lon, lat, h)
    assert np.abs(back - ecef).max() < 1e-3


def test_given_geoid_undulation_moves_the_site_vertically(tmp_path, capsys):
    rc, out, err = run(capsys, "publish", DEMO, "-o", tmp_path / "s", "--geoid-undulation", "40", "--json")
    assert rc == 0, err
    assert out["frame"]["vertical"] == {"method": "given", "geoid_undulation_m": 40.0, "vertical_crs": None}
    assert out["frame"]["anchor_lon_lat_h"][2] == pytest.approx(40.0 + out["frame"]["anchor_model"][2], abs=1e-6)


def test_vertical_crs_is_named_and_egm96_used_without_the_national_grid(tmp_path, capsys):
    rc, out, err = run(capsys, "publish", data_file("cityjson/dummy.city.json"), "-o", tmp_path / "s", "--json")
    assert rc == 0, err
    v = out["frame"]["vertical"]
    assert v["vertical_crs"] == "EPSG:5709"  # NAP, from the compound EPSG:7415
    assert v["method"] in ("EGM96", "national geoid (PROJ)")


def _all_bytes(folder: Path) -> bytes:
    return b"".join(f.read_bytes() for f in sorted(folder.rglob("*")) if f.is_file())


def test_no_internal_attribute_reaches_the_site(tmp_path, capsys):
    """Addresses (CityGML xAL, Dresden) and owners never reach any file of the site; a settings
    file adds names; the same model published without redaction does hold them (the check can fail)."""
    from stadtbild.exporters.publish import public_states, publish_site

    sachsen = data_file("citygml/sachsen/LoD2_33_416_5656_2_SN_14_Buildings.gml")
    cfg = tmp_path / "public.json"
    cfg.write_text(json.dumps({"internal_attributes": ["Grundriss*"]}))
    rc, out, err = run(capsys, "publish", sachsen, "-o", tmp_path / "s", "--public-config", cfg, "--json")
    assert rc == 0, err
    blob = _all_bytes(tmp_path / "s")
    for secret in ("Ratsstraße".encode(), b"Dresden", b"Grundrissaktualitaet", b"2010-04-29"):
        assert secret not in blob
    assert out["internal_values_removed"] > 0
    scene = json.loads((tmp_path / "s" / "scene.json").read_text())
    names = {v["name"] for v in scene["schema"].values()}
    assert "measuredHeight" in names and not any(n.lower().startswith("address") for n in names)
    rc, out, err = run(capsys, "publish", data_file("cityjson/dummy.city.json"), "-o", tmp_path / "d", "--json")
    assert b"Elvis" not in _all_bytes(tmp_path / "d")
    # without redaction the very same bytes are there: the test above can fail
    raw_states, _ = public_states(load(sachsen), patterns=[])
    publish_site(raw_states, tmp_path / "raw", with_viewer=False, public_patterns=[])
    assert "Ratsstraße".encode() in _all_bytes(tmp_path / "raw")


def test_per_building_results_are_redacted_too(site):
    blob = _all_bytes(site)
    assert b"Secret Owner" not in blob
    assert b"solar.total_kwh_a" in blob  # the public result value is there


def test_result_layers_are_listed_with_legends(site, summary):
    kinds = {lay["kind"]: lay for lay in summary["layers"]}
    assert set(kinds) == {"surface", "raster", "geometry"}
    surf = kinds["surface"]
    assert surf["state"] == "variante-a" and surf["units"] == "kWh/m²·a" and len(surf["legend"]) == 8
    # the colour attribute of the surface layer holds the legend's colours (linear RGB, see tiles3d)
    ts = json.loads((site / "tiles" / "variante-a" / "tileset.json").read_text())
    doc, binary = read_glb(site / "tiles" / "variante-a" / _first_leaf(ts["root"])["content"]["uri"])
    from stadtbild.exporters.publish.tiles3d import linear_to_srgb_u8
    from tests.tiles3d_check import accessor

    prim = doc["meshes"][0]["primitives"][0]
    vals = accessor(doc, binary, prim["attributes"][f"_{surf['property'].upper()}"])
    cols = accessor(doc, binary, prim["attributes"][f"_C_{surf['property'].upper()}"])
    has = vals > -9998
    assert has.any() and (~has).any()  # roofs have values, walls not
    legend = np.array([e["rgb"] for e in surf["legend"]])
    shown = np.unique(linear_to_srgb_u8(cols[has][:, :3]), axis=0)
    assert len(shown) > 1 and all(np.abs(legend - c).max(axis=1).min() == 0 for c in shown)
    ray = kinds["raster"]
    assert ray["units"] == "h" and ray["legend"][0]["label"].endswith("h")
    geo = kinds["geometry"]
    assert geo["lines"] == 1 and geo["polygons"] == 1


def test_views_become_ecef_cameras(site, summary):
    (view,) = summary["views"]
    assert view["name"] == "Turm von oben"
    lon, lat, h = ecef_to_geodetic([view["position"]])
    from stadtbild.exporters.publish.geodesy import geoid_undulation_egm96

    assert h[0] == pytest.approx(420 + geoid_undulation_egm96(lon, lat)[0], abs=0.05)
    up_local = np.array(view["position"]) / np.linalg.norm(view["position"])
    assert np.dot(view["direction"], up_local) < -0.999  # looking straight down


def test_errors_are_one_line(tmp_path, capsys):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    rc, _, err = run(capsys, "publish", DEMO, "-o", busy)
    assert rc == 2 and err.count("\n") == 1 and "not an earlier published site" in err
    assert (busy / "notes.txt").read_text() == "mine"
    rc, _, err = run(capsys, "publish", DEMO, "-o", tmp_path / "s", "--results", f"Nirgendwo={DEMO}")
    assert rc == 2 and "no state 'Nirgendwo'" in err and err.count("\n") == 1
    rc, _, err = run(capsys, "publish", data_file("invalid/Building_LOD1-LocalEngineeringCRS_v2.gml"), "-o",
                     tmp_path / "t")
    assert rc == 2 and "no known CRS" in err.splitlines()[-1]


def test_missing_viewer_is_said_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("STADTBILD_WEB_DIST", str(tmp_path / "nothing"))
    rc, _, err = run(capsys, "publish", DEMO, "-o", tmp_path / "s")
    assert rc == 0
    lines = [ln for ln in err.splitlines() if "viewer" in ln]
    assert len(lines) == 1 and "make web" in lines[0]
    assert not (tmp_path / "s" / "index.html").exists() and (tmp_path / "s" / "tiles").is_dir()


def test_republish_replaces_the_site(tmp_path, capsys):
    scen = tmp_path / "t.scenario.json"
    scen.write_text(json.dumps(TOWER))
    assert run(capsys, "publish", DEMO, "--scenario", scen, "-o", tmp_path / "s")[0] == 0
    assert (tmp_path / "s" / "tiles" / "variante-a").is_dir()
    assert run(capsys, "publish", DEMO, "-o", tmp_path / "s")[0] == 0
    assert not (tmp_path / "s" / "tiles" / "variante-a").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp folders left


def test_viewer_page_requests_only_relative_urls(site):
    """The page and the copied viewer name no other origin (the browser test checks the requests)."""
    if not (site / "index.html").is_file():
        pytest.skip("web viewer not built (make web)")
    for name in ("index.html", "app.js", "style.css", "base.js"):
        text = (site / name).read_text()
        assert "http://" not in text and "https://" not in text, name


def test_geotiff_result_becomes_a_draped_raster_layer(tmp_path, capsys):
    """``--results x.tif`` (e.g. ``sunhours -o x.tif``): a raster layer of Bestand, its texture
    coloured by the legend, no-data cells transparent."""
    import rasterio
    from rasterio.transform import from_origin

    tif = tmp_path / "sonne.tif"
    values = np.tile(np.linspace(0, 12, 50, dtype="float32"), (40, 1))
    values[:5, :5] = -1
    with rasterio.open(tif, "w", driver="GTiff", width=50, height=40, count=1, dtype="float32", crs="EPSG:28992",
                       transform=from_origin(90900, 435800, 2, 2), nodata=-1) as ds:
        ds.write(values, 1)
        ds.update_tags(1, units="h")
    rc, out, err = run(capsys, "publish", DEMO, "--results", f"Bestand={tif}", "-o", tmp_path / "s", "--json")
    assert rc == 0, err
    scene = json.loads((tmp_path / "s" / "scene.json").read_text())
    (layer,) = scene["layers"]
    assert layer["kind"] == "raster" and layer["state"] == "bestand" and layer["units"] == "h"
    doc, binary = read_glb(tmp_path / "s" / layer["tileset"].replace("tileset.json", "content.glb"))
    import io

    from PIL import Image

    view = doc["bufferViews"][doc["images"][0]["bufferView"]]
    img = np.asarray(Image.open(io.BytesIO(binary[view["byteOffset"]:view["byteOffset"] + view["byteLength"]])))
    assert img.shape == (40, 50, 4)
    assert (img[:5, :5, 3] == 0).all() and (img[10:, :, 3] > 0).all()
    legend = np.array([e["rgb"] for e in layer["legend"]])
    first, last = img[20, 0, :3], img[20, -1, :3]
    assert (legend[0] == first).all() and (legend[-1] == last).all()
    problems, _ = structure_problems(tmp_path / "s" / layer["tileset"])
    assert problems == []


def test_large_city_gets_blocks_in_inner_tiles(tmp_path):
    """A city larger than 4 leaf tiles gets coarse content (one block per building, REPLACE
    refinement) in the inner tiles above its leaves, so that it shows from afar; the tree stays
    valid and every block carries the same feature rows as the buildings it stands for."""
    from benchmarks.citygen import write_city
    from stadtbild.exporters.publish import public_states, publish_site
    from tests.validators import gltf_reports

    src = write_city(tmp_path / "city.city.json", 1200)
    states, _ = public_states(load(src))
    out = publish_site(states, tmp_path / "s", with_viewer=False, max_features=50)
    ts_path = tmp_path / "s" / "tiles" / "bestand" / "tileset.json"
    assert schema_errors(json.loads(ts_path.read_text())) == []
    problems, counts = structure_problems(ts_path)
    assert problems == [] and counts["features"] == out["features"] == 1200

    def walk(t, depth=0):
        yield t, depth
        for ch in t.get("children", []):
            yield from walk(ch, depth + 1)

    tiles = list(walk(json.loads(ts_path.read_text())["root"]))
    blocks = [t for t, _ in tiles if t.get("children") and "content" in t]
    assert blocks and all(t["refine"] == "REPLACE" for t in blocks)
    assert all(t["content"]["uri"].endswith("_blocks.glb") for t in blocks)
    # a block tile holds 10 triangles and one property-table row per building below it
    doc, _ = read_glb(ts_path.parent / blocks[0]["content"]["uri"])
    rows = doc["extensions"]["EXT_structural_metadata"]["propertyTables"][0]["count"]
    tris = doc["accessors"][doc["meshes"][0]["primitives"][0]["indices"]]["count"] // 3
    assert tris == 10 * rows and 4 * 50 < rows <= 20 * 50
    reports = gltf_reports(*(ts_path.parent / t["content"]["uri"] for t in blocks[:3]))
    assert all(r["issues"]["numErrors"] == 0 and r["issues"]["numWarnings"] == 0 for r in reports)
