"""Exporters: every format is written and read back with the format's own library (ezdxf and GDAL
for DXF, trimesh for OBJ/glTF/STL, ifcopenshell for IFC, our CityGML reader + lxml XPath for
CityGML, pyogrio/GDAL for GeoPackage/GeoJSON, rasterio for GeoTIFF, cjio for CityJSON).

Checks per the issue: same number of objects, same total area per layer within 1e-6 relative,
same bbox in the CRS within 1 mm, ids preserved. The reference figures come from the source
model (polygon areas from its own triangulation, its bbox), never from the exporter.

Main input: a real NRW LoD2 tile (EPSG:25832 + DHHN2016, northings ~5.7e6 m, Buildings with
BuildingParts) — small enough to keep this file fast; the demo district for the id-with-braces
cases.
"""
from __future__ import annotations

import csv
import json
import struct
import subprocess
import sys

import numpy as np
import pytest
import shapely

from stadtbild.exporters._common import DEFAULT_RGB, Edits
from stadtbild.exporters.results import AnalysisResult, Results
from stadtbild.importers import load
from stadtbild.model.errors import InputError
from stadtbild.model.raster import Raster
from stadtbild.model.semantics import SURFACE_TYPES
from tests.conftest import ROOT, data_file

NRW = "citygml/nrw/LoD2_32_329_5727_1_NW.gml"
REL = 1e-6
MM = 1e-3
LAYER_OF = {"RoofSurface": "BUILDING_ROOF", "WallSurface": "BUILDING_WALL", "GroundSurface": "BUILDING_GROUND",
            "ClosureSurface": "BUILDING_CLOSURE"}


# ---------------------------------------------------------------------- fixtures and references
@pytest.fixture(scope="module")
def nrw():
    return load(data_file(NRW))


def geometry_ids(model):
    return {oid for oid, o in model.objects.items() if model.select_geometry(o) is not None}


def area_by_semantic(model) -> dict[str, float]:
    """Reference: area per semantic type over the polygons of the selected geometries."""
    areas = model.polygon_areas()
    out: dict[str, float] = {}
    for g in model.selected_geometries():
        for r in range(g.poly_start, g.poly_stop):
            name = SURFACE_TYPES[int(model.polygon_semantic[r])]
            out[name] = out.get(name, 0.0) + float(areas[r])
    return {k: v for k, v in out.items() if v > 0}


def ref_bbox(model) -> np.ndarray:
    sc = model.scene()
    v = sc.vertices[np.unique(sc.triangles)] + sc.origin
    return np.concatenate([v.min(axis=0), v.max(axis=0)])


def tri_area(corners: np.ndarray) -> float:
    """Sum of triangle areas, corners (n, 3, 3)."""
    return float(0.5 * np.linalg.norm(np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]),
                                      axis=1).sum())


def assert_close(a: dict, b: dict, rel=REL):
    assert set(a) == set(b), (a, b)
    for k in a:
        assert a[k] == pytest.approx(b[k], rel=rel), k


@pytest.fixture(scope="module")
def nrw_results(nrw):
    """Results an analysis could hand over: per-surface values (here the polygon's mean height,
    a number we can recompute), per-object values, 2D layers and a raster."""
    bb = nrw.bbox()
    zmean = np.array([nrw.vertices[nrw.ring_vertices[nrw.ring_offsets[nrw.polygon_offsets[r]]:
                                                       nrw.ring_offsets[nrw.polygon_offsets[r] + 1]]][:, 2].mean()
                      for r in range(nrw.n_polygons)])
    roofs = np.where(nrw.polygon_semantic == SURFACE_TYPES.index("RoofSurface"), zmean, np.nan)
    shadow = shapely.Polygon([(bb[0], bb[1]), (bb[0] + 40, bb[1]), (bb[0] + 40, bb[1] + 30), (bb[0], bb[1] + 30)],
                             [[(bb[0] + 10, bb[1] + 10), (bb[0] + 20, bb[1] + 10), (bb[0] + 20, bb[1] + 20),
                               (bb[0] + 10, bb[1] + 20)]])
    sight = shapely.LineString([(bb[0] + 1, bb[1] + 1, 30.0), (bb[3] - 1, bb[4] - 1, 25.0)])
    raster = Raster(np.arange(20, dtype=float).reshape(4, 5), (2.0, 0.0, bb[0], 0.0, -2.0, bb[4]), nodata=-1,
                    units="h")
    a = AnalysisResult(
        name="roofheight", title="Dachhöhe", parameters={"what": "mean z"}, figures={"roofs": int(np.isfinite(roofs).sum())},
        objects={oid: {"n_polygons": i} for i, oid in enumerate(nrw.objects)}, surfaces={"z_m": roofs},
        layers={"shadow": [(shadow, {"value": 2.0})], "sightlines": [(sight, {"visible": False})],
                "classes": [(shapely.box(bb[0], bb[1], bb[0] + 5, bb[1] + 5), {"class": "A"}),
                            (shapely.box(bb[0] + 50, bb[1], bb[0] + 55, bb[1] + 5), {"class": "B"})]},
        rasters={"sunhours": raster}, units={"z_m": "m"}, classes=[0, 25, 30, 35, 60])
    return Results([a], crs=nrw.crs.name, source=NRW)


# ---------------------------------------------------------------------- DXF
def _dxf_polyfaces(doc):
    """{layer: [(id, corners (n,3,3))]} of the POLYFACE entities, read with ezdxf."""
    out: dict[str, list] = {}
    for e in doc.modelspace().query("POLYLINE"):
        if not e.is_poly_face_mesh:
            continue
        verts, faces = e.indexed_faces()
        pts = np.array([v.dxf.location for v in verts], dtype=float)
        tris = np.array([f.indices for f in faces], dtype=np.int64)
        oid = e.get_xdata("STADTBILD")[0].value
        out.setdefault(e.dxf.layer, []).append((oid, pts[tris]))
    return out


def test_dxf_round_trip_ezdxf_areas_bbox_ids(nrw, tmp_path):
    import ezdxf
    import ezdxf.recover

    from stadtbild.exporters.dxf import write_dxf

    for local in (False, True):
        path = tmp_path / f"nrw_{local}.dxf"
        summary = write_dxf(nrw, path, local_origin=local)
        doc = ezdxf.readfile(path)
        assert not doc.audit().has_errors
        _, auditor = ezdxf.recover.readfile(path)  # the tolerant loader finds nothing to repair
        assert not auditor.has_errors and not auditor.fixes
        assert "STADTBILD" in doc.appids
        assert doc.header["$INSUNITS"] == 6
        custom = dict(doc.header.custom_vars)
        assert custom["STADTBILD_CRS"] == "EPSG:25832"
        offset = np.array([float(custom[f"STADTBILD_OFFSET_{a}"]) for a in "XYZ"])
        assert np.allclose(offset, nrw.origin if local else 0.0)
        assert np.allclose(offset, summary["offset"])
        faces = _dxf_polyfaces(doc)
        ref = area_by_semantic(nrw)
        got = {k: sum(tri_area(c) for _, c in faces[LAYER_OF[k]]) for k in ref}
        assert_close(got, ref)
        ids = {oid for ents in faces.values() for oid, _ in ents}
        assert ids == geometry_ids(nrw)
        allc = np.concatenate([c.reshape(-1, 3) for ents in faces.values() for _, c in ents]) + offset
        assert np.abs(np.concatenate([allc.min(0), allc.max(0)]) - ref_bbox(nrw)).max() < MM


def _wkb_polygons(buf: bytes):
    """Minimal ISO/EWKB reader for Polygon, MultiPolygon, PolyhedralSurface, TIN (Z or not):
    yields rings of each polygon as (n, dim) arrays — GDAL's DXF geometries, read without shapely
    (which does not know PolyhedralSurface)."""
    def read(off):
        endian = "<" if buf[off] == 1 else ">"
        (t,) = struct.unpack_from(endian + "I", buf, off + 1)
        off += 5
        has_z = bool(t & 0x80000000) or (t % 10000) // 1000 in (1, 3)
        base = (t & 0xFFFF) % 1000
        dim = 3 if has_z else 2
        if base == 3:
            (nr,) = struct.unpack_from(endian + "I", buf, off)
            off += 4
            rings = []
            for _ in range(nr):
                (npt,) = struct.unpack_from(endian + "I", buf, off)
                off += 4
                rings.append(np.frombuffer(buf, dtype=endian + "f8", count=npt * dim, offset=off).reshape(npt, dim))
                off += 8 * npt * dim
            return [rings], off
        if base in (6, 15, 16):
            (n,) = struct.unpack_from(endian + "I", buf, off)
            off += 4
            polys = []
            for _ in range(n):
                p, off = read(off)
                polys.extend(p)
            return polys, off
        return [], off  # lines/points: not areas
    return read(0)[0]


def _newell_area(ring: np.ndarray) -> float:
    """Area of a (planar) ring by Newell's vector area; coordinates centred first so that
    national-grid magnitudes (5.7e6 m) do not cancel digits away."""
    r = ring[:-1] if np.array_equal(ring[0], ring[-1]) else ring
    if r.shape[1] == 2:
        r = np.column_stack([r, np.zeros(len(r))])
    r = r - r.mean(axis=0)
    return 0.5 * float(np.linalg.norm(np.cross(r, np.roll(r, -1, axis=0)).sum(axis=0)))


def newell_by_semantic(model) -> dict[str, float]:
    """Reference for polygon-level formats: Newell area of every source polygon (exterior minus
    holes) per semantic type — equals the triangulated area for planar polygons, and is what a
    polygon reader computes for slightly non-planar roofs too."""
    out: dict[str, float] = {}
    po, ro = model.polygon_offsets, model.ring_offsets
    for g in model.selected_geometries():
        for r in range(g.poly_start, g.poly_stop):
            rings = [model.vertices[model.ring_vertices[ro[i]:ro[i + 1]]] for i in range(po[r], po[r + 1])]
            a = _newell_area(rings[0]) - sum(_newell_area(h) for h in rings[1:])
            name = SURFACE_TYPES[int(model.polygon_semantic[r])]
            out[name] = out.get(name, 0.0) + a
    return out


def test_dxf_second_reader_gdal(nrw, nrw_results, tmp_path):
    """GDAL's DXF driver (through pyogrio) sees the same layers, entity counts, areas and bbox;
    the hatch (shadow polygon with a hole) keeps its area; the sightline is a 3D line."""
    import ezdxf
    import pyogrio.raw

    from stadtbild.exporters.dxf import write_dxf

    path = tmp_path / "nrw_results.dxf"
    write_dxf(nrw, path, results=nrw_results)
    meta, _, wkbs, fields = pyogrio.raw.read(path)
    names = list(meta["fields"])
    layers = np.asarray(fields[names.index("Layer")])
    handles = np.asarray(fields[names.index("EntityHandle")])
    doc = ezdxf.readfile(path)
    ids_by_handle = {e.dxf.handle: e.get_xdata("STADTBILD")[0].value for e in doc.modelspace().query("POLYLINE")}
    ref = area_by_semantic(nrw)
    for sem, layer in ((k, LAYER_OF[k]) for k in ref):
        sel = np.flatnonzero(layers == layer)
        area = sum(_newell_area(rings[0]) for i in sel for rings in _wkb_polygons(wkbs[i]))
        assert area == pytest.approx(ref[sem], rel=REL), layer
        assert {ids_by_handle[h] for h in handles[sel]} <= geometry_ids(nrw)
    geo = np.flatnonzero(np.isin(layers, list(LAYER_OF.values())))
    pts = np.concatenate([rings[0] for i in geo for rings in _wkb_polygons(wkbs[i])])
    assert np.abs(np.concatenate([pts.min(0), pts.max(0)]) - ref_bbox(nrw)).max() < MM
    # result faces: every roof with a value is on RESULT_ROOFHEIGHT, same roof area
    res = np.flatnonzero(layers == "RESULT_ROOFHEIGHT")
    res_area = sum(_newell_area(rings[0]) for i in res for rings in _wkb_polygons(wkbs[i]))
    assert res_area == pytest.approx(ref["RoofSurface"], rel=REL)
    # the shadow HATCH: area of the polygon minus its hole, 40*30 - 10*10
    sh = np.flatnonzero(layers == "RESULT_ROOFHEIGHT_SHADOW")
    hatch = [shapely.from_wkb(wkbs[i]) for i in sh if shapely.from_wkb(wkbs[i]).geom_type.endswith("Polygon")]
    assert sum(h.area for h in hatch) == pytest.approx(1100.0, rel=REL)
    lines = [e for e in doc.modelspace().query("LINE") if e.dxf.layer == "RESULT_ROOFHEIGHT_SIGHTLINES"]
    assert len(lines) == 1 and lines[0].dxf.start.z == pytest.approx(30.0)
    # legend block with one square per class (4 classes); the faces use exactly those colours
    blk = doc.blocks.get("LEGEND_ROOFHEIGHT")
    assert blk is not None and len(blk.query("SOLID")) == 4
    legend_colours = {e.dxf.true_color for e in blk.query("SOLID")}
    face_colours = {e.dxf.true_color for e in doc.modelspace().query("POLYLINE") if e.dxf.layer == "RESULT_ROOFHEIGHT"}
    assert face_colours and face_colours <= legend_colours
    # each face's XDATA value lies in the class its colour stands for
    breaks = nrw_results.analyses[0].classes
    order = [e.dxf.true_color for e in blk.query("SOLID")]
    for e in doc.modelspace().query("POLYLINE"):
        if e.dxf.layer == "RESULT_ROOFHEIGHT":
            value = e.get_xdata("STADTBILD")[-1].value
            k = order.index(e.dxf.true_color)
            assert breaks[k] <= value <= breaks[k + 1]
    # categorical classes: one colour per class name, in its own legend
    cls = doc.blocks.get("LEGEND_ROOFHEIGHT_CLASSES")
    assert cls is not None and len(cls.query("SOLID")) == 2
    hatch_colours = {e.dxf.true_color for e in doc.modelspace().query("HATCH") if e.dxf.layer == "RESULT_ROOFHEIGHT_CLASSES"}
    assert len(hatch_colours) == 2


def test_dxf_scenario_layers(nrw, tmp_path):
    """Demolished objects become dashed outlines (one per building footprint ring), inserted
    ones sit on INSERTED."""
    import ezdxf

    from stadtbild.exporters.dxf import write_dxf

    ids = [oid for oid, o in nrw.objects.items() if o.type == "Building" and nrw.select_geometry(o) is not None]
    gone, new = ids[:2], ids[2]
    kept = [oid for oid in nrw.objects if oid not in gone]
    edited = _subset(nrw, kept)
    path = tmp_path / "edits.dxf"
    write_dxf(edited, path, edits=Edits(demolished=gone, inserted=[new], original=nrw))
    doc = ezdxf.readfile(path)
    demo = [e for e in doc.modelspace().query("LWPOLYLINE") if e.dxf.layer == "DEMOLISHED"]
    assert {e.get_xdata("STADTBILD")[0].value for e in demo} == set(gone)
    assert doc.layers.get("DEMOLISHED").dxf.linetype == "DASHED"
    # the outline encloses the footprint: its area equals the ground surface area
    for oid in gone:
        g = nrw.select_geometry(nrw.objects[oid])
        rows = [r for r in range(g.poly_start, g.poly_stop) if SURFACE_TYPES[nrw.polygon_semantic[r]] == "GroundSurface"]
        outline = sum(shapely.Polygon(np.array(e.get_points("xy"))).area for e in demo
                      if e.get_xdata("STADTBILD")[0].value == oid)
        assert outline == pytest.approx(float(nrw.polygon_areas()[rows].sum()), rel=1e-6)
    ins = _dxf_polyfaces(doc)["INSERTED"]
    assert {oid for oid, _ in ins} == {new}


def _subset(model, keep):
    from stadtbild.model.surgery import assemble

    return assemble(model, [(model, list(keep))])


# ---------------------------------------------------------------------- meshes (trimesh)
def test_glb_round_trip_trimesh(nrw, nrw_results, tmp_path):
    import trimesh

    from stadtbild.exporters.meshes import Z_UP_TO_Y_UP, write_gltf

    for local in (False, True):
        path = tmp_path / f"nrw_{local}.glb"
        write_gltf(nrw, path, analysis=nrw_results.analyses[0], local_origin=local)
        scene = trimesh.load(path)
        assert set(scene.geometry) == geometry_ids(nrw)
        meta = scene.metadata
        assert meta["crs"] == "EPSG:25832" and meta["up_axis"] == "Y"
        origin = np.array(meta["origin"])
        pts, area, cols = [], 0.0, set()
        for node in scene.graph.nodes_geometry:
            matrix, gname = scene.graph[node]
            mesh = scene.geometry[gname]
            assert node == gname == mesh.metadata["id"]
            v = trimesh.transform_points(mesh.vertices, matrix)
            v = v @ Z_UP_TO_Y_UP[:3, :3]  # back to Z up (inverse of a rotation = transpose)
            if local:
                v = v + origin
            pts.append(v)
            area += mesh.area
            assert mesh.visual.vertex_colors.shape == (len(mesh.vertices), 4)
            cols.update(map(tuple, mesh.visual.vertex_colors[:, :3].tolist()))
        pts = np.concatenate(pts)
        assert np.abs(np.concatenate([pts.min(0), pts.max(0)]) - ref_bbox(nrw)).max() < MM
        assert area == pytest.approx(sum(area_by_semantic(nrw).values()), rel=1e-5)  # float32 vertices
        legend = {tuple(c["rgb"]) for c in meta["legend"]["classes"]}
        assert len(cols & legend) >= 2 and cols - legend <= {DEFAULT_RGB}


def test_obj_round_trip_trimesh(nrw, tmp_path):
    import trimesh

    from stadtbild.exporters.meshes import write_obj

    path = tmp_path / "nrw.obj"
    write_obj(nrw, path)
    assert (tmp_path / "nrw.mtl").is_file()
    scene = trimesh.load(path, split_objects=True, group_material=False)
    by_group: dict[str, float] = {}
    ids = set()
    pts = []
    for name, mesh in scene.geometry.items():
        oid, group = name.rsplit("#", 1)
        ids.add(oid)
        by_group[group] = by_group.get(group, 0.0) + mesh.area
        pts.append(mesh.vertices)
        assert mesh.visual.material.diffuse is not None
    assert ids == geometry_ids(nrw)
    ref = {LAYER_OF[k].split("_")[1]: v for k, v in area_by_semantic(nrw).items()}
    assert_close(by_group, ref, rel=1e-6)
    pts = np.concatenate(pts)
    assert np.abs(np.concatenate([pts.min(0), pts.max(0)]) - ref_bbox(nrw)).max() < MM


def test_stl_merged_and_per_object(nrw, tmp_path):
    import trimesh

    from stadtbild.exporters.meshes import write_stl

    path = tmp_path / "nrw.stl"
    write_stl(nrw, path)
    head = path.read_bytes()[:80].decode("ascii")
    offset = np.array([float(v) for v in head.split("offset")[1].split()[:3]])
    mesh = trimesh.load(path)
    assert mesh.area == pytest.approx(sum(area_by_semantic(nrw).values()), rel=1e-5)
    b = mesh.bounds + offset
    assert np.abs(b.reshape(-1) - ref_bbox(nrw)).max() < MM
    path2 = tmp_path / "per_object.stl"
    write_stl(nrw, path2, per_object=True)
    scene = trimesh.load(path2)
    assert set(scene.geometry) == geometry_ids(nrw)


# ---------------------------------------------------------------------- IFC
def test_ifc_round_trip_ifcopenshell(nrw, nrw_results, tmp_path):
    import ifcopenshell
    import ifcopenshell.validate

    from stadtbild.exporters.ifc import write_ifc

    path = tmp_path / "nrw.ifc"
    write_ifc(nrw, path, results=nrw_results)
    f = ifcopenshell.open(path)
    assert f.schema == "IFC4"
    logger = ifcopenshell.validate.json_logger()
    ifcopenshell.validate.validate(f, logger)
    assert logger.statements == []
    proxies = f.by_type("IfcBuildingElementProxy")
    assert {p.Name for p in proxies} == geometry_ids(nrw)
    assert all(p.Tag == p.Name for p in proxies)
    # top-level Buildings are IfcBuildings; BuildingParts sit in their parent building
    tops = {oid for oid, o in nrw.objects.items() if o.type == "Building"}
    assert {b.Name for b in f.by_type("IfcBuilding")} == tops
    for rel in f.by_type("IfcRelContainedInSpatialStructure"):
        for el in rel.RelatedElements:
            obj = nrw.objects[el.Name]
            assert rel.RelatingStructure.Name == (obj.parents[0] if obj.parents else obj.id)
    (conv,) = f.by_type("IfcMapConversion")
    assert conv.TargetCRS.Name == "EPSG:25832" and conv.TargetCRS.VerticalDatum == "EPSG:7837"
    offset = np.array([conv.Eastings, conv.Northings, conv.OrthogonalHeight])
    got, pts = {}, []
    for lay in f.by_type("IfcPresentationLayerAssignment"):
        for fs in lay.AssignedItems:
            xyz = np.array(fs.Coordinates.CoordList) + offset
            tris = np.array(fs.CoordIndex) - 1
            got[lay.Name] = got.get(lay.Name, 0.0) + tri_area(xyz[tris])
            pts.append(xyz)
    ref = {LAYER_OF[k]: v for k, v in area_by_semantic(nrw).items()}
    assert_close(got, ref)
    pts = np.concatenate(pts)
    assert np.abs(np.concatenate([pts.min(0), pts.max(0)]) - ref_bbox(nrw)).max() < MM
    # per-object results as a property set, result colours on the face sets
    pset = {p.Name: p.NominalValue.wrappedValue for rel in f.by_type("IfcRelDefinesByProperties")
            if rel.RelatingPropertyDefinition.Name == "Stadtbild_roofheight"
            for p in rel.RelatingPropertyDefinition.HasProperties if rel.RelatedObjects[0].Name == proxies[0].Name}
    assert pset == nrw_results.analyses[0].objects[proxies[0].Name]
    assert len(f.by_type("IfcIndexedColourMap")) == sum(len(lay.AssignedItems) for lay in f.by_type("IfcPresentationLayerAssignment"))


def test_ifc_geometry_kernel_agrees(nrw, tmp_path):
    """ifcopenshell's geometry kernel (independent of our coordinates bookkeeping) places every
    element where the model has it: bbox of all shapes + map conversion = model bbox."""
    import ifcopenshell
    import ifcopenshell.geom

    from stadtbild.exporters.ifc import write_ifc

    path = tmp_path / "geom.ifc"
    write_ifc(nrw, path)
    f = ifcopenshell.open(path)
    settings = ifcopenshell.geom.settings()
    settings.set("use-world-coords", True)
    (conv,) = f.by_type("IfcMapConversion")
    offset = np.array([conv.Eastings, conv.Northings, conv.OrthogonalHeight])
    pts, area = [], 0.0
    for p in f.by_type("IfcBuildingElementProxy"):
        shape = ifcopenshell.geom.create_shape(settings, p)
        v = np.array(shape.geometry.verts).reshape(-1, 3) + offset
        tri = np.array(shape.geometry.faces).reshape(-1, 3)
        pts.append(v)
        area += tri_area(v[tri])
    pts = np.concatenate(pts)
    assert np.abs(np.concatenate([pts.min(0), pts.max(0)]) - ref_bbox(nrw)).max() < MM
    assert area == pytest.approx(sum(area_by_semantic(nrw).values()), rel=1e-5)


# ---------------------------------------------------------------------- CityGML
def test_citygml_reimport_counts_areas_ids(nrw, tmp_path):
    from lxml import etree

    from stadtbild.exporters.citygml import NS, write_citygml

    path = tmp_path / "nrw.gml"
    write_citygml(nrw, path)
    back = load(path)
    assert back.object_counts() == nrw.object_counts()
    assert set(back.objects) == set(nrw.objects)
    assert back.crs == type(back.crs)(25832, 7837, back.crs.text)
    assert back.semantic_counts() == nrw.semantic_counts()
    assert_close(area_by_semantic(back), area_by_semantic(nrw))
    assert np.abs(back.bbox() - nrw.bbox()).max() < MM
    for oid, o in nrw.objects.items():
        assert back.objects[oid].parents == o.parents
        assert back.objects[oid].attributes == o.attributes  # AdV attributes, function, address
    doc = etree.parse(str(path))
    # XPath counts against the source model; every xlink points at a polygon in the file
    assert len(doc.xpath("//bldg:Building", namespaces=NS)) == nrw.object_counts()["Building"]
    assert len(doc.xpath("//bldg:BuildingPart", namespaces=NS)) == nrw.object_counts()["BuildingPart"]
    assert len(doc.xpath("//bldg:RoofSurface//gml:Polygon", namespaces=NS)) == nrw.semantic_counts()["RoofSurface"]
    gml_ids = set(doc.xpath("//@gml:id", namespaces=NS))
    hrefs = doc.xpath("//@xlink:href", namespaces=NS)
    assert hrefs and {h[1:] for h in hrefs} <= gml_ids
    assert len(gml_ids) == len(doc.xpath("//@gml:id", namespaces=NS))  # unique


def test_citygml_ids_that_are_not_ncnames(tmp_path):
    """CityJSON ids such as '{GUID}' are not valid gml:ids: written sanitised, the original in
    gml:name and the generic attribute 'identifier'; nothing lost on re-import."""
    from lxml import etree

    from stadtbild.exporters.citygml import NS, write_citygml

    model = load(data_file("cityjson/rotterdam_subset.city.json"))  # Rotterdam '{GUID}' ids, no CRS
    path = tmp_path / "rotterdam.gml"
    write_citygml(model, path)
    doc = etree.parse(str(path))
    names = doc.xpath("//bldg:Building/gml:name/text()", namespaces=NS)
    assert set(names) == set(model.objects) and all(n.startswith("{") for n in names)
    back = load(path)
    assert {o.attributes["identifier"] for o in back.objects.values()} == set(model.objects)
    assert_close(area_by_semantic(back), area_by_semantic(model))
    assert np.abs(back.bbox() - model.bbox()).max() < MM


# ---------------------------------------------------------------------- tables and rasters
def test_gpkg_layers_crs_and_values(nrw, nrw_results, tmp_path):
    import pyogrio
    import pyogrio.raw

    from stadtbild.exporters.tables import write_gpkg

    path = tmp_path / "nrw.gpkg"
    write_gpkg(nrw, path, results=nrw_results)
    assert [name for name, _ in pyogrio.list_layers(path)] == ["objects", "surfaces", "roofheight_shadow",
                                                                "roofheight_sightlines", "roofheight_classes"]
    info = pyogrio.read_info(path, layer="objects")
    assert info["crs"] == "EPSG:25832" and info["features"] == len(nrw.objects)
    meta, _, geoms, fields = pyogrio.raw.read(path, layer="objects")
    col = dict(zip(meta["fields"], fields))
    assert list(col["id"]) == list(nrw.objects)
    assert list(col["roofheight_n_polygons"]) == list(range(len(nrw.objects)))
    meta, _, geoms, fields = pyogrio.raw.read(path, layer="surfaces")
    col = dict(zip(meta["fields"], fields))
    polys = shapely.from_wkb(geoms)
    assert len(polys) == sum(g.n_polygons for g in nrw.selected_geometries())
    # 3D polygons as written by GDAL, area by Newell from their coordinates = model areas
    areas = np.array([_newell_area(np.asarray(p.exterior.coords)) - sum(_newell_area(np.asarray(h.coords))
                                                                        for h in p.interiors) for p in polys])
    by_sem = {}
    for s, a in zip(col["surface_type"], areas):
        by_sem[s] = by_sem.get(s, 0.0) + a
    assert_close(by_sem, newell_by_semantic(nrw))
    assert sum(col["area_m2"]) == pytest.approx(sum(area_by_semantic(nrw).values()), rel=REL)
    z = np.array([np.asarray(p.exterior.coords)[:-1, 2].mean() for p in polys])
    roof = np.asarray(col["surface_type"]) == "RoofSurface"
    assert np.allclose(col["roofheight_z_m"][roof], z[roof], atol=1e-6)
    assert np.isnan(col["roofheight_z_m"][~roof]).all()
    # tilt/azimuth agree with the Newell normal of the polygons GDAL read back
    def newell(p):
        r = np.asarray(p.exterior.coords)[:-1]
        r = r - r.mean(axis=0)
        return np.cross(r, np.roll(r, -1, axis=0)).sum(axis=0)

    n = np.array([newell(p) for p in polys])
    n /= np.linalg.norm(n, axis=1)[:, None]
    big = areas > 0.5
    assert np.allclose(col["tilt_deg"][big], np.degrees(np.arccos(n[big, 2])), atol=1e-3)
    sloped = big & (np.hypot(n[:, 0], n[:, 1]) > 0.1)
    az = np.degrees(np.arctan2(n[sloped, 0], n[sloped, 1])) % 360
    diff = (col["azimuth_deg"][sloped] - az + 180) % 360 - 180
    assert np.abs(diff).max() < 1e-3
    walls = np.asarray(col["surface_type"]) == "WallSurface"
    assert np.median(np.abs(col["tilt_deg"][walls] - 90)) < 1.0


def test_geojson_and_csv(nrw, nrw_results, tmp_path):
    import pyogrio

    from stadtbild.exporters.tables import write_csv, write_geojson

    gj = tmp_path / "nrw.geojson"
    write_geojson(nrw, gj, results=nrw_results)
    assert pyogrio.read_info(gj)["crs"] == "EPSG:25832"
    doc = json.loads(gj.read_text())
    assert [f["properties"]["id"] for f in doc["features"]] == list(nrw.objects)
    wgs = tmp_path / "wgs.geojson"
    write_geojson(nrw, wgs, wgs84=True)
    lon, lat = json.loads(wgs.read_text())["features"][0]["geometry"]["coordinates"][0][0][0][:2]
    assert 6.0 < lon < 7.0 and 51.0 < lat < 52.0  # Wesel, NRW
    path = tmp_path / "surfaces.csv"
    write_csv(nrw, path, results=nrw_results, table="surfaces")
    rows = list(csv.DictReader(path.open()))
    assert len(rows) == sum(g.n_polygons for g in nrw.selected_geometries())
    assert sum(float(r["area_m2"]) for r in rows) == pytest.approx(sum(area_by_semantic(nrw).values()), rel=REL)
    assert {r["crs"] for r in rows} == {"EPSG:25832"}


def test_geotiff_round_trip_rasterio(nrw_results, tmp_path):
    import rasterio

    from stadtbild.exporters.tables import write_geotiff

    r = nrw_results.analyses[0].rasters["sunhours"]
    path = tmp_path / "sun.tif"
    write_geotiff(r, path, crs="EPSG:25832")
    with rasterio.open(path) as src:
        assert src.crs.to_epsg() == 25832
        assert tuple(src.transform)[:6] == pytest.approx(r.transform)
        assert np.array_equal(src.read(1), r.values.astype(np.float32))
        assert src.nodata == -1 and src.tags()["units"] == "h"


def test_results_json_round_trip(nrw, nrw_results, tmp_path):
    path = tmp_path / "R.json"
    nrw_results.save(path, nrw)
    back = Results.load(path, nrw)
    a, b = nrw_results.analyses[0], back.analyses[0]
    assert np.array_equal(np.isnan(a.surfaces["z_m"]), np.isnan(b.surfaces["z_m"]))
    assert np.allclose(a.surfaces["z_m"], b.surfaces["z_m"], equal_nan=True)
    assert b.objects == a.objects and b.classes == a.classes
    assert b.layers["shadow"][0][0].equals(a.layers["shadow"][0][0])
    assert np.array_equal(b.rasters["sunhours"].values, a.rasters["sunhours"].values)


def test_pdf_report_pages(nrw, nrw_results, tmp_path):
    from stadtbild.exporters.report import write_report

    path = tmp_path / "r.pdf"
    summary = write_report(nrw, path, results=nrw_results, scenario_name="Variante A")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and summary["pages"] == 2
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type /Page>") >= 2


# ---------------------------------------------------------------------- CLI
def _cli(*args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


def test_cli_export_with_scenario_and_results(nrw, nrw_results, tmp_path):
    import cjio.cityjson

    bb = nrw.bbox()
    gone = [oid for oid, o in nrw.objects.items() if o.type == "Building" and not o.children][:2]
    scen = tmp_path / "a.scenario.json"
    scen.write_text(json.dumps({"name": "A", "edits": [
        {"op": "demolish", "ids": gone},
        {"op": "extrude", "id": "new-1", "footprint": [[bb[0] + 5, bb[1] + 5], [bb[0] + 25, bb[1] + 5],
                                                       [bb[0] + 25, bb[1] + 20], [bb[0] + 5, bb[1] + 20]],
         "ground_z": 21.0, "height_m": 9.0, "roof": "gable", "roof_height_m": 3.0}]}))
    res = tmp_path / "R.json"
    nrw_results.save(res, nrw)
    out = tmp_path / "out.city.json"
    p = _cli("export", data_file(NRW), "--scenario", scen, "--results", res, "-o", out, "--json")
    assert p.returncode == 0, p.stderr
    j = json.loads(p.stdout)
    assert {k: j[k] for k in ("format", "objects", "demolished", "inserted")} == {
        "format": "CityJSON", "objects": len(nrw.objects) - 2 + 1, "demolished": 2, "inserted": 1}
    assert j["path"] == str(out) and set(j["demolished_ids"]) == set(gone)
    with open(out, encoding="utf-8") as fh:
        cm = cjio.cityjson.reader(fh)
    assert cm.get_version() == "2.0"
    cos = cm.j["CityObjects"]
    assert len(cos) == j["objects"] and "new-1" in cos and not set(gone) & set(cos)
    keep = next(oid for oid in nrw.objects if oid not in gone)
    assert cos[keep]["attributes"]["roofheight_n_polygons"] == nrw_results.analyses[0].objects[keep]["n_polygons"]
    # the same through DXF: outlines for the demolished, the new building on INSERTED
    dxf = tmp_path / "out.dxf"
    p = _cli("export", data_file(NRW), "--scenario", scen, "-o", dxf, "--local-origin", "--json")
    assert p.returncode == 0, p.stderr
    import ezdxf

    doc = ezdxf.readfile(dxf)
    assert {e.get_xdata("STADTBILD")[0].value for e in doc.modelspace().query("LWPOLYLINE")
            if e.dxf.layer == "DEMOLISHED"} == set(gone)
    assert {oid for oid, _ in _dxf_polyfaces(doc)["INSERTED"]} == {"new-1"}


def test_cli_export_errors(tmp_path):
    src = data_file(NRW)
    p = _cli("export", src, "-o", tmp_path / "x.docx")
    assert p.returncode == 2 and p.stderr.startswith("error: ") and "unknown export format" in p.stderr
    p = _cli("export", src, "-o", src)
    assert p.returncode == 2 and "overwrite" in p.stderr
    p = _cli("export", src, "-o", tmp_path / "x.tif")
    assert p.returncode == 2 and "raster" in p.stderr
    bad = tmp_path / "R.json"
    bad.write_text("{not json")
    p = _cli("export", src, "--results", bad, "-o", tmp_path / "x.csv")
    assert p.returncode == 2 and str(bad) in p.stderr
    assert "Traceback" not in p.stderr


def test_results_from_other_commands(nrw, tmp_path):
    """``export --results`` also takes the analysis commands' own JSON/GeoJSON outputs."""
    ids = list(nrw.objects)[:3]
    metrics = tmp_path / "metrics.json"
    metrics.write_text(json.dumps({"buildings": [{"id": oid, "volume_m3": 10.0 * i} for i, oid in enumerate(ids)],
                                   "count": 3, "crs": "EPSG:25832"}))
    r = Results.load(metrics, nrw)
    (a,) = r.analyses
    assert a.name == "metrics" and a.figures == {"count": 3} and r.crs == "EPSG:25832"
    assert {oid: v["volume_m3"] for oid, v in a.objects.items()} == {oid: 10.0 * i for i, oid in enumerate(ids)}
    solar = tmp_path / "solar.geojson"
    rows = [5, 17]
    solar.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": None, "properties": {"model_polygon": row, "kwh_m2a": 800.0 + row}}
        for row in rows] + [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.0, 2.0]},
                            "properties": {"note": "x"}}]}))
    (b,) = Results.load(solar, nrw).analyses
    vals = b.surfaces["kwh_m2a"]
    assert len(vals) == nrw.n_polygons and np.flatnonzero(np.isfinite(vals)).tolist() == rows
    assert vals[17] == 817.0 and b.layers["solar"][0][1] == {"note": "x"}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"hello": "world"}))
    with pytest.raises(InputError):
        Results.load(bad, nrw)


def test_ifc_passes_express_where_rules(nrw, nrw_results, tmp_path):
    """ifcopenshell's validator with the IFC4 EXPRESS WHERE rules, on the tile written with
    analysis results (property sets), in the default run (~5 s); a WHERE rule broken on purpose
    in the written file is found."""
    import ifcopenshell
    import ifcopenshell.validate

    from stadtbild.exporters.ifc import write_ifc

    path = tmp_path / "tile.ifc"
    write_ifc(nrw, path, results=nrw_results)
    logger = ifcopenshell.validate.json_logger()
    ifcopenshell.validate.validate(ifcopenshell.open(path), logger, express_rules=True)
    assert logger.statements == []
    # IfcDirection WHERE rule MagnitudeGreaterZero (IFC4): break it and expect a report
    broken = ifcopenshell.open(path)
    broken.by_type("IfcDirection")[0].DirectionRatios = (0.0, 0.0, 0.0)
    logger = ifcopenshell.validate.json_logger()
    ifcopenshell.validate.validate(broken, logger, express_rules=True)
    assert logger.statements, "the EXPRESS rule check must find the broken WHERE rule"


def test_dxf_terrain_and_overlay_layers(tmp_path, monkeypatch):
    """With --terrain and --layer the DXF carries TERRAIN (split into several POLYFACEs when above
    the per-entity limit — lowered here to keep the test small) and OVERLAY_<name> hatches; areas
    agree with the sources."""
    import ezdxf
    import pyogrio.raw
    import rasterio
    from rasterio.transform import from_origin

    import stadtbild.exporters.dxf
    from stadtbild import exporters
    from stadtbild.exporters.dxf import write_dxf
    from stadtbild.exporters.tables import write_gpkg
    from stadtbild.importers.layers import attach_layers
    from stadtbild.importers.terrain import attach_terrain

    model = load(data_file(NRW))
    bb = model.bbox()
    nx, ny = int((bb[3] - bb[0] + 40) / 25), int((bb[4] - bb[1] + 40) / 25)
    dem = tmp_path / "dem.tif"
    z = 20 + 0.01 * np.arange(nx)[None, :] + 0.02 * np.arange(ny)[:, None]
    with rasterio.open(dem, "w", driver="GTiff", width=nx, height=ny, count=1, dtype="float32", crs="EPSG:25832",
                       transform=from_origin(bb[0] - 20, bb[4] + 20, 25, 25)) as dst:
        dst.write(z.astype("float32"), 1)
    attach_terrain(model, dem, mesh_tolerance_m=0)  # the regular grid mesh: a planar DEM still has many triangles
    monkeypatch.setattr(exporters.dxf, "MAX_POLYFACE", 1000)
    assert model.terrain.n_triangles > 1000  # forces a split
    overlay = tmp_path / "footprints.gpkg"
    write_gpkg(model, overlay)
    attach_layers(model, [overlay])
    path = tmp_path / "terrain.dxf"
    write_dxf(model, path)
    doc = ezdxf.readfile(path)
    assert not doc.audit().has_errors
    terrain = _dxf_polyfaces(doc)["TERRAIN"]
    assert len(terrain) >= 2
    for e in doc.modelspace().query("POLYLINE"):
        assert e.dxf.m_count <= 1000 and e.dxf.n_count <= 1000
    assert sum(tri_area(c) for _, c in terrain) == pytest.approx(float(model.terrain.triangle_areas.sum()), rel=REL)
    meta, _, wkbs, fields = pyogrio.raw.read(path)
    layers = np.asarray(fields[list(meta["fields"]).index("Layer")])
    hatch = sum(shapely.from_wkb(wkbs[i]).area for i in np.flatnonzero(layers == "OVERLAY_OBJECTS"))
    _, _, _, ofields = pyogrio.raw.read(overlay, layer="objects", columns=["footprint_area_m2"])
    assert hatch == pytest.approx(float(np.nansum(ofields[0])), rel=REL)


def test_glb_obj_ifc_carry_terrain(tmp_path):
    """An attached DEM becomes one more glTF node / OBJ object 'terrain' and an IFC
    IfcGeographicElement (TERRAIN) at the DEM's heights."""
    import ifcopenshell
    import rasterio
    import trimesh
    from rasterio.transform import from_origin

    from stadtbild.exporters.ifc import write_ifc
    from stadtbild.exporters.meshes import TERRAIN_NODE, Z_UP_TO_Y_UP, write_gltf, write_obj
    from stadtbild.importers.terrain import attach_terrain

    model = load(data_file(NRW))
    bb = model.bbox()
    dem = tmp_path / "flat.tif"
    with rasterio.open(dem, "w", driver="GTiff", width=40, height=40, count=1, dtype="float32", crs="EPSG:25832",
                       transform=from_origin(bb[0] - 20, bb[4] + 20, 30, 30)) as dst:
        dst.write(np.full((40, 40), 19.5, dtype="float32"), 1)
    attach_terrain(model, dem)
    terrain_area = float(model.terrain.triangle_areas.sum())
    write_ifc(model, tmp_path / "t.ifc")
    ifc = ifcopenshell.open(tmp_path / "t.ifc")  # keep the file alive while its entities are used
    (geo,) = ifc.by_type("IfcGeographicElement")
    (conv,) = ifc.by_type("IfcMapConversion")
    (fs,) = geo.Representation.Representations[0].Items
    xyz = np.array(fs.Coordinates.CoordList)
    assert geo.PredefinedType == "TERRAIN"
    assert np.allclose(xyz[:, 2] + conv.OrthogonalHeight, 19.5, atol=1e-3)
    assert tri_area(xyz[np.array(fs.CoordIndex) - 1]) == pytest.approx(terrain_area, rel=REL)
    write_obj(model, tmp_path / "t.obj")
    obj = trimesh.load(tmp_path / "t.obj", split_objects=True, group_material=False)
    assert obj.geometry[f"{TERRAIN_NODE}#TERRAIN"].area == pytest.approx(terrain_area, rel=REL)
    path = tmp_path / "t.glb"
    write_gltf(model, path)
    scene = trimesh.load(path)
    matrix, gname = scene.graph[TERRAIN_NODE]
    v = trimesh.transform_points(scene.geometry[gname].vertices, matrix) @ Z_UP_TO_Y_UP[:3, :3]
    assert np.allclose(v[:, 2], 19.5, atol=1e-3)
    assert scene.geometry[gname].area == pytest.approx(float(model.terrain.triangle_areas.sum()), rel=1e-5)
    assert set(scene.geometry) == geometry_ids(model) | {TERRAIN_NODE}


def test_dxf_hides_triangulation_edges(nrw, tmp_path):
    """Visible POLYFACE edges are exactly the polygon outlines: their total length per layer
    equals the perimeter of the source polygons (rings incl. holes) of that semantic type."""
    import ezdxf

    from stadtbild.exporters.dxf import write_dxf

    path = tmp_path / "edges.dxf"
    write_dxf(nrw, path)
    doc = ezdxf.readfile(path)
    visible: dict[str, float] = {}
    for e in doc.modelspace().query("POLYLINE"):
        verts = list(e.vertices)
        m = e.dxf.m_count
        pts = np.array([v.dxf.location for v in verts[:m]])
        for rec in verts[m:]:
            idx = [rec.dxf.vtx0, rec.dxf.vtx1, rec.dxf.vtx2]
            for i in range(3):
                if idx[i] > 0:
                    a, b = abs(idx[i]) - 1, abs(idx[(i + 1) % 3]) - 1
                    visible[e.dxf.layer] = visible.get(e.dxf.layer, 0.0) + float(np.linalg.norm(pts[a] - pts[b]))
    ref: dict[str, float] = {}
    po, ro = nrw.polygon_offsets, nrw.ring_offsets
    for g in nrw.selected_geometries():
        for r in range(g.poly_start, g.poly_stop):
            layer = LAYER_OF[SURFACE_TYPES[int(nrw.polygon_semantic[r])]]
            for i in range(po[r], po[r + 1]):
                ring = nrw.vertices[nrw.ring_vertices[ro[i]:ro[i + 1]]]
                ref[layer] = ref.get(layer, 0.0) + float(np.linalg.norm(np.roll(ring, -1, axis=0) - ring, axis=1).sum())
    assert_close(visible, ref, rel=1e-6)


def test_dxf_default_entity_counts_per_layer(nrw, tmp_path):
    """The default export has one POLYFACE per object and semantic surface (with area) on that
    surface's layer, and one face record per triangle of the model's triangulation — counted by
    ezdxf and by GDAL; the VERTEX records (written in bulk) are well-formed: handles unique and
    below $HANDSEED, owned by their POLYLINE, face indices within the POLYFACE's vertices, every
    vertex used."""
    import ezdxf
    import pyogrio.raw

    from stadtbild.exporters.dxf import write_dxf

    path = tmp_path / "counts.dxf"
    write_dxf(nrw, path)
    # references from the model: (object, semantic) pairs with area; triangles with area
    areas = nrw.polygon_areas()
    ref_entities: dict[str, int] = {}
    for obj in nrw.objects.values():
        g = nrw.select_geometry(obj)
        if g is None:
            continue
        per_sem: dict[str, float] = {}
        for r in range(g.poly_start, g.poly_stop):
            name = SURFACE_TYPES[int(nrw.polygon_semantic[r])]
            per_sem[name] = per_sem.get(name, 0.0) + float(areas[r])
        for name, a in per_sem.items():
            if a > 0:
                ref_entities[LAYER_OF[name]] = ref_entities.get(LAYER_OF[name], 0) + 1
    sc = nrw.scene()
    c = sc.vertices[sc.triangles]
    tri_areas = 0.5 * np.linalg.norm(np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0]), axis=1)
    ref_faces: dict[str, int] = {}
    for code, n in zip(*np.unique(sc.surface_type[tri_areas > 0], return_counts=True)):
        ref_faces[LAYER_OF[SURFACE_TYPES[int(code)]]] = int(n)

    doc = ezdxf.readfile(path)
    assert not doc.audit().has_errors
    entities: dict[str, int] = {}
    faces: dict[str, int] = {}
    for e in doc.modelspace().query("POLYLINE"):
        assert e.is_poly_face_mesh
        layer = e.dxf.layer
        entities[layer] = entities.get(layer, 0) + 1
        verts = list(e.vertices)
        m, n = e.dxf.m_count, e.dxf.n_count
        assert len(verts) == m + n
        assert all(v.dxf.owner == e.dxf.handle and v.dxf.layer == layer for v in verts)
        assert all(v.dxf.flags == 192 for v in verts[:m]) and all(v.dxf.flags == 128 for v in verts[m:])
        idx = np.abs(np.array([[r.dxf.vtx0, r.dxf.vtx1, r.dxf.vtx2] for r in verts[m:]]))
        assert idx.min() >= 1 and idx.max() <= m and len(np.unique(idx)) == m  # in range, none unused
        faces[layer] = faces.get(layer, 0) + n
    assert entities == ref_entities
    assert faces == ref_faces
    # GDAL reads one feature per POLYFACE on the same layers
    meta, _, _, fields = pyogrio.raw.read(path)
    layers = np.asarray(fields[list(meta["fields"]).index("Layer")])
    assert {k: int((layers == k).sum()) for k in ref_entities} == ref_entities
    # handles (group code 5, 105 for DIMSTYLE) are unique in the file and below $HANDSEED
    lines = path.read_text().split("\n")
    pairs = list(zip(lines[0::2], lines[1::2]))
    handles = [int(v, 16) for k, (code, v) in enumerate(pairs)  # ($HANDSEED's own value is a code 5 too)
               if code.strip() in ("5", "105") and pairs[k - 1][1] != "$HANDSEED"]
    assert len(handles) > 2 * sum(ref_faces.values())  # the bulk-written VERTEX records are among them
    assert len(handles) == len(set(handles))
    assert max(handles) < int(doc.header["$HANDSEED"], 16)


def test_dxf_packed_records_equal_ezdxf_entities(nrw, nrw_results, tmp_path):
    """The bulk-written POLYFACE records (default) are tag for tag what ezdxf writes from its own
    VERTEX entities (packed=False): the ENTITIES sections of both files are identical."""
    from stadtbild.exporters.dxf import write_dxf

    def entities_section(path):
        text = path.read_text()
        start = text.index("ENTITIES\n")
        return text[start:text.index("\n  0\nENDSEC\n", start)]

    fast, slow = tmp_path / "packed.dxf", tmp_path / "entities.dxf"
    write_dxf(nrw, fast, results=nrw_results)
    write_dxf(nrw, slow, results=nrw_results, packed=False)
    a, b = entities_section(fast), entities_section(slow)
    assert a.count("\nVERTEX\n") > 2000
    assert a == b


def test_raster_isolines_analytic_and_in_dxf(nrw, tmp_path):
    """Isolines of a ramp (value = column index) at level L run along x = x0 + a·(L + 0.5)
    (between pixel centres), and land on their own DXF layer with one polyline per level."""
    import ezdxf

    from stadtbild.exporters.dxf import write_dxf
    from stadtbild.exporters.results import raster_isolines

    bb = nrw.bbox()
    x0, y1 = bb[0], bb[4]
    ramp = Raster(np.tile(np.arange(10, dtype=float), (6, 1)), (3.0, 0.0, x0, 0.0, -3.0, y1), nodata=-1, units="h")
    lines = raster_isolines(ramp, [2.5, 6.0])
    assert [p["value"] for _, p in lines] == [2.5, 6.0]
    for (line, props) in lines:
        xy = np.asarray(line.coords)
        assert np.allclose(xy[:, 0], x0 + 3.0 * (props["value"] + 0.5))
        assert xy[:, 1].min() == pytest.approx(y1 - 3.0 * 5.5) and xy[:, 1].max() == pytest.approx(y1 - 1.5)
    a = AnalysisResult(name="sun", rasters={"hours": ramp}, units={"hours": "h"})
    path = tmp_path / "iso.dxf"
    write_dxf(nrw, path, results=Results([a]))
    doc = ezdxf.readfile(path)
    iso = [e for e in doc.modelspace() if e.dxf.layer == "RESULT_SUN_HOURS_ISO"]
    breaks = a.breaks(ramp.valid_values())
    assert len(iso) == len(breaks) - 2  # one line per interior class break


@pytest.mark.parametrize("suffix", [".dxf", ".obj", ".glb", ".gltf", ".stl", ".ifc", ".city.json", ".city.jsonl",
                                    ".gml", ".csv", ".geojson", ".gpkg", ".tif", ".pdf"])
def test_export_dispatch_every_suffix(nrw, nrw_results, tmp_path, suffix):
    """The one entry point (CLI and GUI) writes every format by its suffix; what it reports as
    written matches the objects in the model (rasters: one)."""
    from stadtbild.exporters.export import export, format_of

    path = tmp_path / f"out{suffix}"
    summary = export(nrw, path, results=nrw_results, edits=Edits(original=nrw))
    assert path.is_file() and path.stat().st_size > 0
    expected = {"GeoTIFF": 1, "DXF": len(geometry_ids(nrw)), "OBJ": len(geometry_ids(nrw)),
                "GLB": len(geometry_ids(nrw)), "glTF": len(geometry_ids(nrw)), "STL": len(geometry_ids(nrw)),
                "IFC": len(geometry_ids(nrw))}.get(format_of(path), len(nrw.objects))
    assert summary["objects"] == expected
    assert not list(tmp_path.glob(".out*"))  # no temp files left behind
