"""CityJSON / CityJSONSeq import on the real files of ../shared/data, checked against an
independent reading with the json module, numpy and shapely."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import shapely

from stadtbild.importers import load
from stadtbild.model.errors import InputError
from tests.conftest import DATA, data_file

CITYJSON_FILES = sorted(p.relative_to(DATA).as_posix() for p in (DATA / "cityjson").glob("*.json")) + \
    sorted(p.relative_to(DATA).as_posix() for p in (DATA / "demo").glob("*.json"))
SEQ_FILES = sorted(p.relative_to(DATA).as_posix() for p in (DATA / "cityjsonseq").glob("*.jsonl"))

EXPECTED_CRS = {  # from MANIFEST.md; 7415 is RD New + NAP, i.e. EPSG:28992 horizontally
    "demo/3-20-DELFSHAVEN.city.json": (28992, None),
    "demo/delft.city.json": (28992, 5709),
    "cityjson/rotterdam_subset.city.json": (None, None),
    "cityjson/rotterdam_one.city.json": (28992, 5709),
    "cityjson/DH_01_subs.city.json": (None, None),
    "cityjson/twobuildings_m.json": (28992, 5709),
    "cityjson/lod2_buildings_v2.city.json": (3068, None),
    "cityjson/cityjson_fake_complete.city.json": (2355, None),
    "cityjsonseq/3dbag_b2.city.jsonl": (28992, 5709),
    "cityjsonseq/lod2_buildings_as_CityJSON_features.city.jsonl": (None, None),
}


def _independent_json(path: Path):
    """Read a CityJSON(Seq) with the json module: list of (objects dict, vertices array)."""
    if path.suffix == ".jsonl":
        lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        header, feats = lines[0], lines[1:]
        tr = header.get("transform")
        out = []
        for f in feats:
            v = np.array(f["vertices"], float).reshape(-1, 3)
            if tr:
                v = v * tr["scale"] + tr["translate"]
            out.append((f["CityObjects"], v))
        return header, out
    doc = json.loads(path.read_text())
    v = np.array(doc["vertices"], float).reshape(-1, 3)
    if doc.get("transform"):
        v = v * doc["transform"]["scale"] + doc["transform"]["translate"]
    return doc, [(doc["CityObjects"], v)]


def _polygons(geom):
    """Polygons (list of rings of vertex indices) of a CityJSON geometry, by nesting depth."""
    t, b = geom["type"], geom.get("boundaries")
    if t in ("MultiSurface", "CompositeSurface"):
        return list(b)
    if t == "Solid":
        return [p for shell in b for p in shell]
    if t in ("MultiSolid", "CompositeSolid"):
        return [p for solid in b for shell in solid for p in shell]
    return []


def _nonplanarity(coords_rings) -> tuple[float, float]:
    """(largest distance of a vertex from the least-squares plane, perimeter) of a polygon."""
    pts = np.concatenate(coords_rings)
    c = pts - pts.mean(axis=0)
    normal = np.linalg.svd(c)[2][2]
    perimeter = sum(np.linalg.norm(np.roll(r, -1, axis=0) - r, axis=1).sum() for r in coords_rings)
    return float(np.abs(c @ normal).max()), float(perimeter)


def _plane_area(coords_rings) -> float:
    """Area of a planar 3D polygon with holes: project to its plane (Newell normal basis) and
    use shapely."""
    ext = coords_rings[0]
    n = np.zeros(3)
    for i in range(len(ext)):
        a, b = ext[i], ext[(i + 1) % len(ext)]
        n += [(a[1] - b[1]) * (a[2] + b[2]), (a[2] - b[2]) * (a[0] + b[0]), (a[0] - b[0]) * (a[1] + b[1])]
    if np.linalg.norm(n) == 0:
        return 0.0
    n /= np.linalg.norm(n)
    u = np.cross(n, [1, 0, 0] if abs(n[0]) < 0.9 else [0, 1, 0])
    u /= np.linalg.norm(u)
    w = np.cross(n, u)
    origin = ext[0]
    rings2d = [[((p - origin) @ u, (p - origin) @ w) for p in ring] for ring in coords_rings]
    poly = shapely.Polygon(rings2d[0], rings2d[1:])
    return poly.area


@pytest.mark.parametrize("rel", CITYJSON_FILES + SEQ_FILES)
def test_object_counts_match_independent_count(rel):
    path = data_file(rel)
    _, parts = _independent_json(path)
    expected = Counter(o["type"] for cos, _ in parts for o in cos.values())
    model = load(path)
    assert model.object_counts() == dict(sorted(expected.items()))


@pytest.mark.parametrize("rel", sorted(EXPECTED_CRS))
def test_crs(rel):
    model = load(data_file(rel))
    assert (model.crs.epsg, model.crs.vertical_epsg) == EXPECTED_CRS[rel]


@pytest.mark.parametrize("rel", ["demo/3-20-DELFSHAVEN.city.json", "cityjson/lod2_buildings_v2.city.json",
                                 "cityjson/DH_01_subs.city.json", "cityjsonseq/3dbag_b2.city.jsonl",
                                 "cityjson/twobuildings_m.json"])
def test_bbox_equals_extent_of_referenced_vertices(rel):
    path = data_file(rel)
    _, parts = _independent_json(path)
    pts = []
    for cos, v in parts:
        for o in cos.values():
            for g in o.get("geometry", []):
                for poly in _polygons(g):
                    for ring in poly:
                        pts.append(v[ring])
    pts = np.concatenate(pts)
    expected = np.concatenate([pts.min(axis=0), pts.max(axis=0)])
    assert np.allclose(load(path).bbox(), expected, atol=1e-9)


@pytest.mark.parametrize("rel", ["demo/3-20-DELFSHAVEN.city.json", "cityjson/DH_01_subs.city.json",
                                 "cityjson/lod2_buildings_v2.city.json", "cityjson/multi_lod.city.json",
                                 "cityjsonseq/3dbag_b2.city.jsonl", "demo/delft.city.json"])
def test_triangle_areas_per_object_equal_polygon_areas(rel):
    """Sum of scene triangle areas per object == sum of shapely polygon areas of the selected
    geometry, within 1e-6 relative."""
    path = data_file(rel)
    model = load(path)
    scene = model.scene()
    tri_area = np.bincount(scene.object_index, weights=scene.triangle_areas, minlength=len(scene.object_ids))
    _, parts = _independent_json(path)
    raw = {oid: (o, v) for cos, v in parts for oid, o in cos.items()}
    checked = 0
    for k, oid in enumerate(scene.object_ids):
        obj = model.objects[oid]
        chosen = model.select_geometry(obj)
        o, v = raw[oid]
        geoms = [g for g in o.get("geometry", []) if str(g.get("lod")) == chosen.lod and g["type"] == chosen.type]
        geom = max(geoms, key=lambda g: len(_polygons(g)))
        expected = tolerance = 0.0
        for poly in _polygons(geom):
            rings = [v[ring] for ring in poly]
            area = _plane_area(rings)
            expected += area
            # real data is quantised to 1 mm, so some polygons are not exactly planar; there the
            # triangulated 3D area may exceed the projected (shapely) area by at most about
            # perimeter × out-of-plane deviation
            dev, perimeter = _nonplanarity(rings)
            tolerance += 1e-6 * area + (perimeter * dev if dev > 1e-6 else 0.0)
        assert abs(tri_area[k] - expected) <= tolerance + 1e-9, oid
        checked += 1
    assert checked == len(scene.object_ids) > 0


def test_triangles_point_outwards_for_closed_solids():
    """For closed LoD2 solids the divergence theorem gives a positive volume only when every
    triangle is oriented outwards."""
    model = load(data_file("cityjson/lod2_buildings_v2.city.json"))
    scene = model.scene()
    c = scene.corners
    signed = np.einsum("ij,ij->i", c[:, 0], np.cross(c[:, 1], c[:, 2])) / 6.0
    vol = np.bincount(scene.object_index, weights=signed)
    assert (vol > 0).all()


def test_holes_are_subtracted():
    """A square with a square hole: area = outer − inner (earcut path)."""
    from stadtbild.model.triangulate import triangulate

    v = np.array([[0, 0, 0], [10, 0, 0], [10, 10, 0], [0, 10, 0],
                  [2, 2, 0], [2, 4, 0], [4, 4, 0], [4, 2, 0]], float)
    t = triangulate(v, np.arange(8), np.array([0, 4, 8]), np.array([0, 2]))
    c = v[t.triangles]
    area = 0.5 * np.linalg.norm(np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0]), axis=1).sum()
    assert area == pytest.approx(96.0)
    assert (np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0])[:, 2] > 0).all()


def test_concave_polygon_area():
    from stadtbild.model.triangulate import triangulate

    # an L-shaped vertical wall (concave), in the x-z plane
    v = np.array([[0, 0, 0], [6, 0, 0], [6, 0, 2], [2, 0, 2], [2, 0, 6], [0, 0, 6]], float)
    t = triangulate(v, np.arange(6), np.array([0, 6]), np.array([0, 1]))
    c = v[t.triangles]
    area = 0.5 * np.linalg.norm(np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0]), axis=1).sum()
    assert area == pytest.approx(6 * 2 + 2 * 4)


def test_degenerate_polygons_dropped_with_warning(demo_model):
    demo_model.triangulation()
    assert any("degenerate" in w for w in demo_model.warnings)


def test_geometry_template_is_placed():
    """geomtemplate_2: a tree template placed at its anchor with the transformation matrix."""
    path = data_file("cityjson/geomtemplate_2.city.json")
    doc = json.loads(path.read_text())
    model = load(path)
    geom = doc["CityObjects"][next(iter(doc["CityObjects"]))]["geometry"][0]
    tv = np.array(doc["geometry-templates"]["vertices-templates"], float)
    v = np.array(doc["vertices"], float)
    if doc.get("transform"):
        v = v * doc["transform"]["scale"] + doc["transform"]["translate"]
    m = np.array(geom["transformationMatrix"], float).reshape(4, 4)
    placed = (np.c_[tv, np.ones(len(tv))] @ m.T)[:, :3] + v[geom["boundaries"][0]]
    tmpl = doc["geometry-templates"]["templates"][geom["template"]]
    idx = sorted({i for poly in _polygons(tmpl) for ring in poly for i in ring})
    expected = np.concatenate([placed[idx].min(axis=0), placed[idx].max(axis=0)])
    assert np.allclose(model.bbox(), expected, atol=1e-9)


def test_lod_choice(tmp_path):
    model = load(data_file("cityjson/multi_lod.city.json"))
    assert model.lods() == ["1.2", "1.3", "2.2"]
    best = model.scene()
    lod12 = model.scene(lod="1.2")
    assert best.n_triangles > lod12.n_triangles > 0
    assert set(best.object_ids) == set(lod12.object_ids)


def test_cityjsonseq_matches_cityjson_of_same_buildings():
    """The 100 FZK/IAI buildings as CityJSON and as CityJSONSeq give the same geometry."""
    a = load(data_file("cityjson/lod2_buildings_v2.city.json"))
    b = load(data_file("cityjsonseq/lod2_buildings_as_CityJSON_features.city.jsonl"))
    assert len(a) == len(b) == 100
    assert a.scene().triangle_areas.sum() == pytest.approx(b.scene().triangle_areas.sum(), rel=1e-9)


def test_extensions_and_unknown_semantics_kept():
    model = load(data_file("cityjson/cityjson_fake_complete.city.json"))
    assert "+NoiseBuilding" in model.object_counts()
    assert model.semantic_counts().get("Other", 0) >= 1  # +PatioDoor


def test_several_files_as_one_model():
    from stadtbild.importers import load_many

    m = load_many([data_file("cityjson/rotterdam_one.city.json"), data_file("demo/3-20-DELFSHAVEN.city.json")])
    assert len(m) == 854
    assert m.crs.epsg == 28992


def test_source_file_never_written(tmp_path):
    import hashlib

    path = data_file("demo/delft.city.json")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    model = load(path)
    model.scene()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


# ---------------------------------------------------------------- malformed input, file by file
ERRORS = {  # file -> words the one-line error must contain
    "invalid/invalid_missing_type.json": "not a CityJSON file",
    "invalid/invalid_u64_f64_bounds.json": "64-bit integer range",
    "invalid/invalid_cityjsonfeature_root_id_unresolved.city.jsonl": "one object per line",
    "invalid/invalid_json_cityjson.json": "invalid JSON",
    "invalid/truncated_with-errors.json": "invalid JSON",
    "invalid/completely_empty.json": "file is empty",
    "invalid/empty_primitive_1_version0.1.json": "unsupported CityJSON version 0.1",
    "invalid/unclosedbracket.city.jsonl": "line 1: invalid JSON",
    "invalid/geojson_not_cityjson.json": "type is 'Feature'",
}
LOADS_WITH_WARNING = {  # file -> (objects, words of the warning)
    "invalid/invalid_out_of_range_vertex_index.json": (1, "vertices that do not exist"),
    "invalid/wrong_vertex_index_22.json": (1, "vertices that do not exist"),
    "invalid/emptygeom.json": (1, "no city object has geometry"),
    "invalid/cityjson_minimal_empty.city.json": (0, "contains no city objects"),
    "invalid/several_lods_invalid.json": (2, "several geometries at LoD 1.3"),
}


@pytest.mark.parametrize("rel", sorted(ERRORS))
def test_malformed_files_give_one_line_error(rel):
    path = data_file(rel)
    with pytest.raises(InputError) as err:
        load(path)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(str(path))
    assert ERRORS[rel] in msg


@pytest.mark.parametrize("rel", sorted(LOADS_WITH_WARNING))
def test_damaged_but_showable_files_load_with_warning(rel):
    n, words = LOADS_WITH_WARNING[rel]
    model = load(data_file(rel))
    model.scene()
    assert len(model) == n
    assert any(words in w for w in model.warnings), model.warnings


def test_empty_primitive_loads_the_non_empty_solid():
    model = load(data_file("invalid/empty_primitive.json"))
    # one unit cube remains of the CompositeSolid: 6 faces, area 6 m²
    assert model.scene().triangle_areas.sum() == pytest.approx(6.0)
