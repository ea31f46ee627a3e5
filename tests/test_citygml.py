"""CityGML 1.0/2.0/3.0 importer against independent references: XPath counts of the file's own
elements, hand-written CRS spellings, polygon areas by Newell's vector area (Newell 1972) computed
straight from the XML, the OGC v2/v3 sample pairs against each other, and hostile XML."""
from __future__ import annotations

import json
import os
import re
import threading
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from lxml import etree

from stadtbild.importers.citygml import read_citygml
from stadtbild.model.errors import InputError, UnsupportedFormatError
from stadtbild.model.semantics import ROOF, SURFACE_TYPES
from tests.conftest import DATA, data_file

CITYGML_FILES = sorted(p.relative_to(DATA).as_posix() for p in (DATA / "citygml").rglob("*.gml"))
INVALID_GML = sorted(p.relative_to(DATA).as_posix() for p in (DATA / "invalid").glob("*.gml"))

_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)


def _xml(path):
    return etree.parse(str(path), _SAFE)


# ---------------------------------------------------------------- independent references
#: the city objects of a file: children of the CityModel's members (CityGML names -> CityJSON)
TOP_LEVEL = "/*/*[local-name()='cityObjectMember' or local-name()='featureMember']/*"
TOP_NAMES = {"ReliefFeature": "TINRelief"}
#: nested features that are objects of their own in CityJSON 2.0
NESTED_NAMES = {"BuildingPart": "BuildingPart", "Room": "BuildingRoom", "BuildingRoom": "BuildingRoom",
                "BuildingFurniture": "BuildingFurniture", "BuildingInstallation": "BuildingInstallation",
                "IntBuildingInstallation": "BuildingInstallation", "Storey": "BuildingStorey",
                "BuildingUnit": "BuildingUnit"}
#: srsName spellings in the test data -> (horizontal, vertical) EPSG, from the AdV CRS register
#: (urn:adv:crs) and the OGC URN/URL rules
CRS_SPELLINGS = {
    "urn:adv:crs:ETRS89_UTM32*DE_DHHN92_NH": ("EPSG:25832", "EPSG:5783"),
    "urn:adv:crs:ETRS89_UTM32*DE_DHHN2016_NH*GCG2016": ("EPSG:25832", "EPSG:7837"),
    "urn:adv:crs:ETRS89_UTM33*DE_DHHN2016_NH": ("EPSG:25833", "EPSG:7837"),
    "urn:ogc:def:crs,crs:EPSG::25832,crs:EPSG::5783": ("EPSG:25832", "EPSG:5783"),
    "urn:ogc:def:crs:EPSG::28992": ("EPSG:28992", None),
    "http://www.opengis.net/def/crs/EPSG/0/3068": ("EPSG:3068", None),
    "urn:ogc:def:crs,crs:EPSG:6.12:3068,crs:EPSG:6.12:5783": ("EPSG:3068", "EPSG:5783"),
    "#local-CRS-1": (None, None),
}


def _expected_counts(tree) -> Counter:
    counts = Counter()
    for el in tree.xpath(TOP_LEVEL):
        name = etree.QName(el).localname
        counts[TOP_NAMES.get(name, name)] += 1
    for name, cj in NESTED_NAMES.items():
        n_all = int(tree.xpath(f"count(//*[local-name()='{name}'])"))
        n_top = int(tree.xpath(f"count({TOP_LEVEL}[local-name()='{name}'])"))
        counts[cj] += n_all - n_top
    return Counter({k: v for k, v in counts.items() if v})


def _envelope_srs(tree):
    srs = tree.xpath("/*/*[local-name()='boundedBy']/*[local-name()='Envelope']/@srsName")
    if srs:
        return srs[0]
    srs = tree.xpath("//@srsName")
    return srs[0] if srs else None


def _ring_coords(ring) -> np.ndarray:
    pl = ring.xpath("./*[local-name()='posList']")
    if pl:
        dim = int(pl[0].get("srsDimension", "3"))
        return np.array(pl[0].text.split(), float).reshape(-1, dim)
    return np.array([p.text.split() for p in ring.xpath("./*[local-name()='pos']")], float)


def _newell_area(ring_xyz: np.ndarray) -> np.ndarray:
    """Vector area of a closed or open ring (Newell's method): ½ Σ vᵢ × vᵢ₊₁."""
    v = ring_xyz - ring_xyz[0]  # relative to one vertex: no cancellation with UTM coordinates
    return 0.5 * np.cross(v, np.roll(v, -1, axis=0)).sum(axis=0)


def _polygon_area_xml(poly) -> float:
    ext = poly.xpath("./*[local-name()='exterior']/*")[0]
    n_ext = _newell_area(_ring_coords(ext))
    area = np.linalg.norm(n_ext)
    for inner in poly.xpath("./*[local-name()='interior']/*"):
        area -= np.linalg.norm(_newell_area(_ring_coords(inner)))
    return float(area)


def _planarity_m(poly) -> float:
    """Largest distance (m) of an exterior-ring vertex from the ring's Newell plane."""
    v = _ring_coords(poly.xpath("./*[local-name()='exterior']/*")[0])
    v = v - v[0]
    n = _newell_area(v)
    n = n / np.linalg.norm(n)
    d = v @ n
    return float(np.abs(d - d.mean()).max())


def _roof_area_xml(tree, object_id: str) -> float | None:
    """Roof area of one Building/BuildingPart: its own RoofSurfaces (not those of its parts).
    None when a roof polygon is not planar within 1 mm: the area of a warped polygon depends on
    how it is triangulated (real NRW roofs are warped by up to 5 cm, which changes areas by up to
    1e-4 relative), so only planar roofs are an exact reference."""
    el = tree.xpath(f"//*[@*[local-name()='id']='{object_id}']")[0]
    total = 0.0
    for roof in el.xpath(".//*[local-name()='RoofSurface']"):
        owner = roof.xpath("ancestor::*[local-name()='Building' or local-name()='BuildingPart'][1]")[0]
        if owner is not el:
            continue
        for poly in roof.xpath(".//*[local-name()='Polygon']"):
            if _planarity_m(poly) > 1e-3:
                return None
            total += _polygon_area_xml(poly)
    return total


def _roof_area_model(model, object_id: str) -> float:
    obj = model[object_id]
    areas = model.polygon_areas()
    total = 0.0
    for g in obj.geometries:
        sem = model.polygon_semantic[g.poly_start:g.poly_stop]
        total += float(areas[g.poly_start:g.poly_stop][sem == ROOF].sum())
    return total


# ---------------------------------------------------------------- every CityGML file
@pytest.mark.parametrize("rel", CITYGML_FILES)
def test_object_counts_equal_xpath_count(rel):
    path = data_file(rel)
    model = read_citygml(path)
    assert model.format == "CityGML"
    assert Counter(model.object_counts()) == _expected_counts(_xml(path))


@pytest.mark.parametrize("rel", CITYGML_FILES + ["invalid/Building_LOD1-LocalEngineeringCRS_v2.gml",
                                                 "invalid/invalid_building_v3.gml",
                                                 "invalid/nrw_empty_tile_NaN_envelope_LoD2_32_324_5730_1_NW.gml"])
def test_crs_and_version(rel):
    path = data_file(rel)
    tree = _xml(path)
    model = read_citygml(path)
    ns = etree.QName(tree.getroot()).namespace
    assert model.version == ns.rsplit("/", 1)[1]
    srs = _envelope_srs(tree)
    if srs is None:
        assert model.crs.name is None
        assert any("no CRS" in w for w in model.warnings)
        return
    horizontal, vertical = CRS_SPELLINGS[srs]
    assert model.crs.name == horizontal
    assert model.info()["vertical_crs"] == vertical
    if horizontal is None:
        assert any(srs in w for w in model.warnings)


@pytest.mark.parametrize("rel", INVALID_GML)
def test_invalid_gml_files_error_or_warn(rel):
    path = data_file(rel)
    tree = _xml(path)
    root_ns = etree.QName(tree.getroot()).namespace
    if not root_ns.startswith("http://www.opengis.net/citygml/"):
        with pytest.raises(UnsupportedFormatError) as exc:
            read_citygml(path)
        assert "not CityGML" in str(exc.value) and "\n" not in str(exc.value)
        return
    model = read_citygml(path)
    assert Counter(model.object_counts()) == _expected_counts(tree)
    if not model.objects:
        assert "the model contains no city objects" in model.warnings
        assert model.info()["bbox"] is None  # the NaN envelope is not taken as data


def test_nrw_tiles_have_semantic_solids_and_parts():
    path = data_file("citygml/nrw/LoD2_32_328_5729_1_NW.gml")
    tree = _xml(path)
    model = read_citygml(path)
    # every BuildingPart names its Building as parent and vice versa
    for part in tree.xpath("//*[local-name()='BuildingPart']"):
        pid = part.get("{http://www.opengis.net/gml}id")
        parent = part.xpath("ancestor::*[local-name()='Building'][1]")[0].get("{http://www.opengis.net/gml}id")
        assert model[pid].parents == [parent]
        assert pid in model[parent].children
    # solids reference the thematic polygons by xlink: one Solid per building, with semantics,
    # and every thematic polygon is in exactly one geometry
    n_thematic_polygons = int(tree.xpath("count(//*[local-name()='boundedBy']//*[local-name()='Polygon'])"))
    assert model.n_polygons == n_thematic_polygons
    solids = [g for g in model.geometries if g.type == "Solid"]
    assert len(solids) == int(tree.xpath("count(//*[local-name()='lod2Solid'])"))
    assert (model.polygon_semantic > 0).all()


@pytest.mark.parametrize("rel, n", [("citygml/nrw/LoD2_32_328_5729_1_NW.gml", 6),
                                    ("citygml/sachsen/LoD2_33_416_5656_2_SN_14_Buildings.gml", 4),
                                    ("citygml/fzk_haus/fzk_haus_lod2_v2.gml", 1),
                                    ("citygml/v3/lod2_buildings_v3.gml", 3)])
def test_roof_areas_equal_newell_areas_from_xml(rel, n):
    path = data_file(rel)
    tree = _xml(path)
    model = read_citygml(path)
    checked = 0
    for oid, obj in model.objects.items():
        if obj.type not in ("Building", "BuildingPart"):
            continue
        expected = _roof_area_xml(tree, oid)
        if not expected:
            continue
        assert _roof_area_model(model, oid) == pytest.approx(expected, rel=1e-6)
        checked += 1
        if checked == n:
            break
    assert checked == n


@pytest.mark.parametrize("v2, v3", [
    ("Building_LOD1-EPSG25832.gml", "Building_LOD1-EPSG25832.gml"),
    ("Building_LOD2-EPSG25832.gml", "Building_LOD2-EPSG25832.gml"),
    ("Building_and_garage_LOD2-EPSG25832.gml", "Building_and_garage_LOD2-EPSG25832.gml"),
    # per the data MANIFEST the v3 LOD3 file is the conversion of the v2 LOD4 file
    ("Building_LOD4-EPSG25832.gml", "Building_LOD3-EPSG25832.gml"),
])
def test_ogc_v2_v3_pairs_give_the_same_geometry(v2, v3):
    m2 = read_citygml(data_file(f"citygml/ogc_pairs/v2/{v2}"))
    m3 = read_citygml(data_file(f"citygml/ogc_pairs/v3/{v3}"))
    assert (m2.version, m3.version) == ("2.0", "3.0")
    assert m2.object_counts() == m3.object_counts()
    assert m2.n_polygons == m3.n_polygons
    assert len(m2.vertices) == len(m3.vertices)
    np.testing.assert_allclose(m2.bbox(), m3.bbox())
    for code in range(len(SURFACE_TYPES)):
        a2 = m2.polygon_areas()[m2.polygon_semantic == code].sum()
        a3 = m3.polygon_areas()[m3.polygon_semantic == code].sum()
        assert a2 == pytest.approx(a3, rel=1e-9, abs=1e-9), SURFACE_TYPES[code]
    b2 = next(o for o in m2.objects.values() if o.type == "Building")
    b3 = next(o for o in m3.objects.values() if o.type == "Building")
    for key in ("measuredHeight", "roofType", "function", "storeysAboveGround", "address.LocalityName",
                "address.ThoroughfareName", "address.ThoroughfareNumber", "address.PostalCode"):
        assert b2.attributes[key] == b3.attributes[key], key


def test_attributes_keep_their_types():
    model = read_citygml(data_file("citygml/nrw/LoD2_32_330_5731_1_NW.gml"))
    b = model["DENW34AL0001YOLd"]
    a = b.attributes
    assert a["Gemeindeschluessel"] == "05170048"  # AdV code: a string, leading zero kept
    assert a["DatenquelleDachhoehe"] == "1000"
    assert a["function"] == "51009_1610"
    assert a["roofType"] == "1000"
    assert a["measuredHeight"] == 2.83 and isinstance(a["measuredHeight"], float)
    assert b.extra["uom"]["measuredHeight"] == "urn:adv:uom:m"
    fzk = read_citygml(data_file("citygml/fzk_haus/fzk_haus_lod2_v2.gml"))
    a = next(iter(fzk.objects.values())).attributes
    assert a["storeysAboveGround"] == 2 and isinstance(a["storeysAboveGround"], int)
    assert a["GrossPlannedArea"] == 120.0  # gen:measureAttribute
    assert a["name"] == "AC14-FZK-Haus"
    assert a["address.ThoroughfareName"] == "Spöcker Straße"
    assert a["class"] == "1000" and a["usage"] == "1000"


def test_surface_attributes_of_german_lod2_kept_on_semantic_surfaces():
    path = data_file("citygml/sachsen/LoD2_33_416_5656_2_SN_14_Buildings.gml")
    tree = _xml(path)
    model = read_citygml(path)
    face = tree.xpath("//*[local-name()='RoofSurface']")[0]
    face_area = face.xpath("./*[local-name()='stringAttribute'][@name='FACEAREA']/*")[0].text
    found = [s for g in model.geometries for s in (g.semantic_surfaces or []) if s.get("FACEAREA") == face_area]
    assert found and found[0]["type"] == "RoofSurface"


def test_vertices_are_merged_and_rings_not_closed():
    path = data_file("citygml/fzk_haus/fzk_haus_lod2_v2.gml")
    tree = _xml(path)
    coords = {tuple(map(float, p.text.split())) for p in tree.xpath("//*[local-name()='Polygon']//*[local-name()='pos']")}
    model = read_citygml(path)
    assert len(model.vertices) == len(coords) == model.file_vertex_count
    starts, ends = model.ring_offsets[:-1], model.ring_offsets[1:] - 1
    assert (model.ring_vertices[starts] != model.ring_vertices[ends]).all()


def test_lod3_openings_are_window_and_door_in_v2_and_v3():
    m2 = read_citygml(data_file("citygml/ogc_pairs/v2/Building_LOD3-EPSG25832.gml"))
    tree = _xml(data_file("citygml/ogc_pairs/v2/Building_LOD3-EPSG25832.gml"))
    counts = m2.semantic_counts()
    assert counts["Window"] == int(tree.xpath("count(//*[local-name()='Window']//*[local-name()='Polygon'])"))
    assert counts["Door"] == int(tree.xpath("count(//*[local-name()='Door']//*[local-name()='Polygon'])"))
    m3 = read_citygml(data_file("citygml/ogc_pairs/v3/Building_LOD3-EPSG25832.gml"))
    assert m3.semantic_counts()["Window"] == m2.semantic_counts()["Window"] * 2  # 2 windows -> 4 polygons in v3 file
    # a window's semantic object names its wall as parent (CityJSON semantics hierarchy)
    sem = [s for g in m3.geometries for s in (g.semantic_surfaces or []) if s["type"] == "Window"]
    assert sem and all("parent" in s for s in sem)


# ---------------------------------------------------------------- all city object types
SQ = "0 0 0 10 0 0 10 10 0 0 10 0 0 0 0"


def _poly(coords, gid=None):
    i = f' gml:id="{gid}"' if gid else ""
    return (f"<gml:Polygon{i}><gml:exterior><gml:LinearRing><gml:posList>{coords}</gml:posList>"
            f"</gml:LinearRing></gml:exterior></gml:Polygon>")


def _ms(*polys):
    return "<gml:MultiSurface>" + "".join(f"<gml:surfaceMember>{p}</gml:surfaceMember>" for p in polys) + "</gml:MultiSurface>"


_NS = ('xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:gml="http://www.opengis.net/gml" '
       'xmlns:bldg="http://www.opengis.net/citygml/building/2.0" xmlns:brid="http://www.opengis.net/citygml/bridge/2.0" '
       'xmlns:tun="http://www.opengis.net/citygml/tunnel/2.0" xmlns:wtr="http://www.opengis.net/citygml/waterbody/2.0" '
       'xmlns:veg="http://www.opengis.net/citygml/vegetation/2.0" xmlns:frn="http://www.opengis.net/citygml/cityfurniture/2.0" '
       'xmlns:luse="http://www.opengis.net/citygml/landuse/2.0" xmlns:tran="http://www.opengis.net/citygml/transportation/2.0" '
       'xmlns:gen="http://www.opengis.net/citygml/generics/2.0" xmlns:grp="http://www.opengis.net/citygml/cityobjectgroup/2.0" '
       'xmlns:xlink="http://www.w3.org/1999/xlink"')


def _doc(members: str, srs: str = "EPSG:25832", head: str = "") -> str:
    env = (f'<gml:boundedBy><gml:Envelope srsName="{srs}" srsDimension="3"><gml:lowerCorner>0 0 0</gml:lowerCorner>'
           f'<gml:upperCorner>1 1 1</gml:upperCorner></gml:Envelope></gml:boundedBy>') if srs else ""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{head}<core:CityModel {_NS}>{env}{members}</core:CityModel>\n'


def _member(feature: str) -> str:
    return f"<core:cityObjectMember>{feature}</core:cityObjectMember>"


ALL_TYPES = _doc("".join(_member(f) for f in [
    f'<brid:Bridge gml:id="bridge1"><brid:lod2MultiSurface>{_ms(_poly(SQ))}</brid:lod2MultiSurface>'
    f'<brid:boundedBy><brid:RoofSurface><brid:lod2MultiSurface>{_ms(_poly("0 0 5 10 0 5 10 10 5 0 0 5"))}</brid:lod2MultiSurface></brid:RoofSurface></brid:boundedBy>'
    f'<brid:consistsOfBridgePart><brid:BridgePart gml:id="bridgepart1"><brid:lod1Solid><gml:Solid><gml:exterior><gml:CompositeSurface>'
    f'<gml:surfaceMember>{_poly(SQ)}</gml:surfaceMember></gml:CompositeSurface></gml:exterior></gml:Solid></brid:lod1Solid></brid:BridgePart></brid:consistsOfBridgePart></brid:Bridge>',
    f'<tun:Tunnel gml:id="tunnel1"><tun:lod1Solid><gml:Solid><gml:exterior><gml:CompositeSurface><gml:surfaceMember>{_poly(SQ)}</gml:surfaceMember>'
    f'</gml:CompositeSurface></gml:exterior></gml:Solid></tun:lod1Solid></tun:Tunnel>',
    f'<wtr:WaterBody gml:id="water1"><wtr:class>1010</wtr:class><wtr:boundedBy><wtr:WaterSurface><wtr:lod2Surface>{_poly(SQ)}</wtr:lod2Surface></wtr:WaterSurface></wtr:boundedBy>'
    f'<wtr:boundedBy><wtr:WaterGroundSurface><wtr:lod2Surface>{_poly("0 0 -2 10 0 -2 10 10 -2 0 0 -2")}</wtr:lod2Surface></wtr:WaterGroundSurface></wtr:boundedBy></wtr:WaterBody>',
    f'<veg:PlantCover gml:id="plants1"><veg:averageHeight uom="m">1.5</veg:averageHeight><veg:lod1MultiSurface>{_ms(_poly(SQ))}</veg:lod1MultiSurface></veg:PlantCover>',
    # a unit-square template (floor and top), scaled by 2 in x/y and 4 in z, placed at (50, 50, 0)
    f'<veg:SolitaryVegetationObject gml:id="tree1"><veg:height uom="m">8</veg:height><veg:lod2ImplicitRepresentation><core:ImplicitGeometry>'
    f'<core:transformationMatrix>2 0 0 0 0 2 0 0 0 0 4 0 0 0 0 1</core:transformationMatrix><core:relativeGMLGeometry>'
    f'{_ms(_poly("0 0 0 1 0 0 1 1 0 0 1 0"), _poly("0 0 1 1 0 1 1 1 1 0 1 1"))}</core:relativeGMLGeometry>'
    f'<core:referencePoint><gml:Point><gml:pos>50 50 0</gml:pos></gml:Point></core:referencePoint></core:ImplicitGeometry></veg:lod2ImplicitRepresentation></veg:SolitaryVegetationObject>',
    f'<frn:CityFurniture gml:id="bench1"><frn:function>1000</frn:function><frn:lod2Geometry>{_ms(_poly(SQ))}</frn:lod2Geometry></frn:CityFurniture>',
    f'<luse:LandUse gml:id="landuse1"><luse:lod1MultiSurface>{_ms(_poly(SQ))}</luse:lod1MultiSurface></luse:LandUse>',
    f'<tran:Road gml:id="road1"><tran:lod1MultiSurface>{_ms(_poly(SQ))}</tran:lod1MultiSurface>'
    f'<tran:trafficArea><tran:TrafficArea><tran:function>1</tran:function><tran:lod2MultiSurface>{_ms(_poly("0 0 0 5 0 0 5 5 0 0 0 0"))}</tran:lod2MultiSurface></tran:TrafficArea></tran:trafficArea>'
    f'<tran:auxiliaryTrafficArea><tran:AuxiliaryTrafficArea><tran:lod2MultiSurface>{_ms(_poly("5 0 0 10 0 0 10 5 0 5 0 0"))}</tran:lod2MultiSurface></tran:AuxiliaryTrafficArea></tran:auxiliaryTrafficArea></tran:Road>',
    f'<tran:Railway gml:id="rail1"><tran:lod1MultiSurface>{_ms(_poly(SQ))}</tran:lod1MultiSurface></tran:Railway>',
    '<gen:GenericCityObject gml:id="generic1"><gen:intAttribute name="n"><gen:value>7</gen:value></gen:intAttribute>'
    '<gen:doubleAttribute name="d"><gen:value>2.5</gen:value></gen:doubleAttribute><gen:dateAttribute name="when"><gen:value>2020-01-02</gen:value></gen:dateAttribute>'
    '<gen:uriAttribute name="link"><gen:value>https://example.org/x</gen:value></gen:uriAttribute>'
    '<gen:measureAttribute name="area"><gen:value uom="m2">12.5</gen:value></gen:measureAttribute>'
    '<gen:stringAttribute name="code"><gen:value>007</gen:value></gen:stringAttribute>'
    '<gen:genericAttributeSet name="set"><gen:intAttribute name="inner"><gen:value>3</gen:value></gen:intAttribute></gen:genericAttributeSet>'
    f'<gen:lod1Geometry>{_ms(_poly(SQ))}</gen:lod1Geometry></gen:GenericCityObject>',
    '<grp:CityObjectGroup gml:id="group1"><grp:groupMember xlink:href="#bench1"/><grp:groupMember xlink:href="#tree1"/></grp:CityObjectGroup>',
]))


@pytest.fixture()
def all_types_model(tmp_path):
    path = tmp_path / "all_types.gml"
    path.write_text(ALL_TYPES, encoding="utf-8")
    return read_citygml(path), _xml(path)


def test_all_city_object_types(all_types_model):
    model, tree = all_types_model
    expected = _expected_counts(tree)
    expected["BridgePart"] = int(tree.xpath("count(//*[local-name()='BridgePart'])"))
    expected["TransportSquare"] += 0
    assert Counter(model.object_counts()) == +expected
    assert model["bridgepart1"].parents == ["bridge1"]
    assert set(model["group1"].children) == {"bench1", "tree1"}
    sem = model.semantic_counts()
    for name in ("RoofSurface", "WaterSurface", "WaterGroundSurface", "TrafficArea", "AuxiliaryTrafficArea"):
        assert sem[name] == 1, name
    a = model["generic1"].attributes
    assert a == {"n": 7, "d": 2.5, "when": "2020-01-02", "link": "https://example.org/x", "area": 12.5,
                 "code": "007", "set": {"inner": 3}}
    assert model["generic1"].extra["uom"]["area"] == "m2"
    # every object with geometry in the file has geometry in the model
    for oid in ("bridge1", "tunnel1", "water1", "plants1", "tree1", "bench1", "landuse1", "road1", "rail1", "generic1"):
        assert model[oid].geometries, oid


def test_implicit_geometry_is_expanded(all_types_model):
    model, _ = all_types_model
    g = model["tree1"].geometries[0]
    rows = model.ring_vertices[model.ring_offsets[model.polygon_offsets[g.poly_start]]:
                               model.ring_offsets[model.polygon_offsets[g.poly_stop]]]
    pts = model.vertices[rows]
    # x' = M·x + reference point with M = diag(2, 2, 4)
    template = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]], float)
    np.testing.assert_allclose(pts, template * [2, 2, 4] + [50, 50, 0])


# ---------------------------------------------------------------- hostile and broken input
_BUILDING = (f'<bldg:Building gml:id="b1"><gml:name>{{name}}</gml:name><bldg:lod1MultiSurface>{_ms(_poly("0 0 0 1 0 0 1 1 0 0 0 0"))}'
             f'</bldg:lod1MultiSurface></bldg:Building>')


def _read_with_timeout(path, seconds=20.0):
    """read_citygml in a daemon thread: a parser that opened the FIFO 'secret' would block."""
    box = {}

    def work():
        try:
            box["model"] = read_citygml(path)
        except InputError as exc:
            box["error"] = exc

    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(seconds)
    return t.is_alive(), box


def _fifo_secret(tmp_path) -> Path:
    secret = tmp_path / "secret"
    os.mkfifo(secret)
    return secret


def _release_fifo(secret: Path) -> None:
    try:
        fd = os.open(secret, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
    except OSError:
        pass


def test_external_entity_reads_no_local_file(tmp_path):
    # the "secret" is a named pipe: opening it for reading blocks, so a parser that resolved the
    # entity would hang here instead of returning
    secret = _fifo_secret(tmp_path)
    path = tmp_path / "xxe.gml"
    head = f'<!DOCTYPE core:CityModel [\n <!ENTITY xxe SYSTEM "file://{secret}">\n]>\n'
    path.write_text(_doc(_member(_BUILDING.format(name="&xxe;")), head=head))
    hung, box = _read_with_timeout(path)
    _release_fifo(secret)
    assert not hung, "the parser tried to read the external entity"
    model = box["model"]
    assert model["b1"].attributes.get("name") in (None, "")
    assert model.n_polygons == 1


def test_external_dtd_is_not_loaded(tmp_path):
    secret = _fifo_secret(tmp_path)
    path = tmp_path / "dtd.gml"
    head = f'<!DOCTYPE core:CityModel SYSTEM "file://{secret}">\n'
    path.write_text(_doc(_member(_BUILDING.format(name="plain")), head=head))
    hung, box = _read_with_timeout(path)
    _release_fifo(secret)
    assert not hung, "the parser tried to load the external DTD"
    assert box["model"]["b1"].attributes["name"] == "plain"


def test_billion_laughs_is_refused_quickly(tmp_path):
    ents = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10)]
    head = "<!DOCTYPE core:CityModel [\n" + "\n".join(ents) + "\n]>\n"
    path = tmp_path / "laughs.gml"
    path.write_text(_doc(_member(_BUILDING.format(name="&lol9;")), head=head))
    hung, box = _read_with_timeout(path, 20)
    assert not hung
    if "model" in box:  # entities left unexpanded
        assert len(str(box["model"]["b1"].attributes.get("name", ""))) < 100
    else:
        assert "\n" not in str(box["error"])


def test_truncated_file_keeps_complete_objects_with_a_warning(tmp_path):
    src = data_file("citygml/nrw/LoD2_32_328_5729_1_NW.gml").read_bytes()
    cut = src[: len(src) * 6 // 10]
    path = tmp_path / "truncated.gml"
    path.write_bytes(cut)
    model = read_citygml(path)
    complete_members = cut.count(b"</core:cityObjectMember>")
    assert model.object_counts()["Building"] == complete_members
    assert any("the file ends early" in w and f"only the {len(model.objects)} object(s)" in w for w in model.warnings)
    path.write_bytes(src[:300])  # cut inside the header: nothing to read, and it says why (issue 18 g)
    with pytest.raises(InputError) as exc:
        read_citygml(path)
    assert exc.value.code == "truncated_xml" and "the file ends early" in str(exc.value)
    assert "Extra content" not in str(exc.value)


def test_damage_in_the_middle_is_not_called_truncation(tmp_path):
    src = data_file("citygml/nrw/LoD2_32_328_5729_1_NW.gml").read_bytes()
    k = src.index(b"<gml:posList", len(src) // 3)
    path = tmp_path / "damaged.gml"
    path.write_bytes(src[:k] + b"<gml:posList <<" + src[k + 12:])  # broken markup, the file still ends properly
    model = read_citygml(path)
    assert any("malformed XML" in w and "ends early" not in w for w in model.warnings)


def test_empty_file_is_an_error(tmp_path):
    path = tmp_path / "empty.gml"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="file is empty"):
        read_citygml(path)


@pytest.mark.parametrize("bad", ["0 0 0 1 0 0 1 1 0 0 0", "0 0 0 1 0 0 1 x 0 0 0 0", "0 0 0 1 0 0 1 NaN 0 0 0 0", ""])
def test_bad_poslist_skips_the_ring_with_a_warning(tmp_path, bad):
    good = _poly("0 0 0 4 0 0 4 3 0 0 0 0", "good")
    feature = (f'<bldg:Building gml:id="b1"><bldg:lod1MultiSurface>{_ms(_poly(bad, "bad"), good)}'
               f'</bldg:lod1MultiSurface></bldg:Building>')
    path = tmp_path / "bad.gml"
    path.write_text(_doc(_member(feature)))
    model = read_citygml(path)
    assert model.n_polygons == 1
    assert model.polygon_areas()[0] == pytest.approx(6.0)
    assert any("bad coordinate list" in w for w in model.warnings)


def test_2d_coordinates_and_unknown_srs_load_with_warnings(tmp_path):
    feature = ('<bldg:Building gml:id="b1"><bldg:lod0FootPrint><gml:MultiSurface><gml:surfaceMember><gml:Polygon><gml:exterior>'
               '<gml:LinearRing><gml:posList srsDimension="2">0 0 4 0 4 3 0 0</gml:posList></gml:LinearRing></gml:exterior>'
               '</gml:Polygon></gml:surfaceMember></gml:MultiSurface></bldg:lod0FootPrint></bldg:Building>')
    path = tmp_path / "flat.gml"
    path.write_text(_doc(_member(feature), srs="urn:example:my-local-grid"))
    model = read_citygml(path)
    assert model.crs.name is None
    assert any("urn:example:my-local-grid" in w for w in model.warnings)
    assert any("2D" in w for w in model.warnings)
    np.testing.assert_allclose(model.vertices[:, 2], 0.0)
    assert model.polygon_areas()[0] == pytest.approx(6.0)


def test_xlink_to_a_later_member_is_resolved_after_the_pass(tmp_path):
    first = ('<bldg:Building gml:id="b1"><bldg:lod2Solid><gml:Solid><gml:exterior><gml:CompositeSurface>'
             '<gml:surfaceMember xlink:href="#later"/></gml:CompositeSurface></gml:exterior></gml:Solid></bldg:lod2Solid>'
             '<bldg:lod1MultiSurface><gml:MultiSurface><gml:surfaceMember xlink:href="#nowhere"/></gml:MultiSurface>'
             '</bldg:lod1MultiSurface></bldg:Building>')
    second = f'<bldg:Building gml:id="b2"><bldg:lod2MultiSurface>{_ms(_poly("0 0 0 2 0 0 2 2 0 0 0 0", "later"))}</bldg:lod2MultiSurface></bldg:Building>'
    path = tmp_path / "xlink.gml"
    path.write_text(_doc(_member(first) + _member(second)))
    model = read_citygml(path)
    g = model["b1"].geometries
    assert [x.type for x in g] == ["Solid"] and g[0].n_polygons == 1
    assert model.polygon_areas()[g[0].poly_start] == pytest.approx(2.0)
    assert any("#nowhere" in w for w in model.warnings)


# ---------------------------------------------------------------- several files, CLI
def test_cli_info_several_files_as_one_model(capsys):
    from stadtbild.cli import main

    a = data_file("citygml/nrw/LoD2_32_330_5731_1_NW.gml")
    b = data_file("citygml/nrw/LoD2_32_332_5726_1_NW.gml")
    assert main(["info", str(a), str(b), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    expected = _expected_counts(_xml(a)) + _expected_counts(_xml(b))
    assert info["object_counts"] == dict(expected)
    assert info["format"] == "CityGML" and info["crs"] == "EPSG:25832"
    assert info["files"] == [str(a), str(b)]
    assert main(["info", str(a), "--json", "--crs", "EPSG:25833"]) == 0
    assert json.loads(capsys.readouterr().out)["crs"] == "EPSG:25833"


def test_cli_info_not_citygml_is_one_error_line(capsys):
    from stadtbild.cli import main

    assert main(["info", str(data_file("invalid/csol1b_no_citygml_namespace.gml"))]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "not CityGML" in err[0]


# ---------------------------------------------------------------- convert to CityJSON 2.0
CITYJSON2_TYPES = {
    "Bridge", "BridgePart", "BridgeInstallation", "BridgeConstructiveElement", "BridgeRoom", "BridgeFurniture",
    "Building", "BuildingPart", "BuildingInstallation", "BuildingConstructiveElement", "BuildingFurniture",
    "BuildingStorey", "BuildingRoom", "BuildingUnit", "CityFurniture", "CityObjectGroup", "GenericCityObject",
    "LandUse", "OtherConstruction", "PlantCover", "SolitaryVegetationObject", "TINRelief", "TransportSquare",
    "Railway", "Road", "Tunnel", "TunnelPart", "TunnelInstallation", "TunnelConstructiveElement",
    "TunnelHollowSpace", "TunnelFurniture", "WaterBody", "Waterway"}
CITYJSON2_SEMANTICS = {
    "RoofSurface", "GroundSurface", "WallSurface", "ClosureSurface", "OuterCeilingSurface", "OuterFloorSurface",
    "Window", "Door", "InteriorWallSurface", "CeilingSurface", "FloorSurface", "WaterSurface", "WaterGroundSurface",
    "WaterClosureSurface", "TrafficArea", "AuxiliaryTrafficArea", "TransportationMarking", "TransportationHole"}
_DEPTH = {"MultiSurface": 3, "CompositeSurface": 3, "Solid": 4, "MultiSolid": 5, "CompositeSolid": 5}


def _check_cityjson2(doc: dict) -> None:
    """The structural rules of the CityJSON 2.0 specification (§2–§3, geometry objects §3.3,
    semantics §3.3.3), checked by hand: no schema files or cjvalpy are available offline."""
    assert doc["type"] == "CityJSON" and doc["version"] == "2.0"
    assert len(doc["transform"]["scale"]) == 3 and len(doc["transform"]["translate"]) == 3
    nv = len(doc["vertices"])
    assert all(len(v) == 3 and all(isinstance(c, int) for c in v) for v in doc["vertices"])
    cos = doc["CityObjects"]
    for oid, co in cos.items():
        assert co["type"] in CITYJSON2_TYPES, co["type"]
        for p in co.get("parents", []):
            assert oid in cos[p].get("children", [])
        for c in co.get("children", []):
            assert oid in cos[c].get("parents", [])
        for g in co.get("geometry", []):
            depth = _DEPTH[g["type"]]
            assert re.fullmatch(r"[0-3](\.[0-3])?", g["lod"]), g["lod"]

            def walk(b, d):
                if d == 1:
                    assert len(b) >= 3 and all(isinstance(i, int) and 0 <= i < nv for i in b)
                    return
                assert isinstance(b, list) and b
                for x in b:
                    walk(x, d - 1)

            walk(g["boundaries"], depth)
            sem = g.get("semantics")
            if sem:
                surfaces = sem["surfaces"]
                for s in surfaces:
                    assert s["type"] in CITYJSON2_SEMANTICS, s["type"]
                    if "parent" in s:
                        assert 0 <= s["parent"] < len(surfaces)

                def values(b, v, d):  # values mirror the boundaries down to the surfaces
                    if d == 3:
                        assert len(v) == len(b)
                        assert all(x is None or 0 <= x < len(surfaces) for x in v)
                        return
                    assert len(v) == len(b)
                    for bb, vv in zip(b, v):
                        values(bb, vv, d - 1)

                values(g["boundaries"], sem["values"], depth)


@pytest.mark.parametrize("rel", ["citygml/nrw/LoD2_32_328_5729_1_NW.gml",
                                 "citygml/ogc_pairs/v3/Building_LOD3-EPSG25832.gml",
                                 "citygml/v3/BuildingUnits_Storeys_xlink.gml",
                                 "citygml/ogc_pairs/v2/Building_LOD4-EPSG25832.gml",
                                 "citygml/fzk_haus/fzk_haus_lod3_v2.gml"])
def test_convert_writes_valid_cityjson_that_reads_back_the_same(tmp_path, capsys, rel):
    from cjio import cityjson

    from stadtbild.cli import main
    from stadtbild.importers import load

    src = data_file(rel)
    out = tmp_path / "out.city.json"
    assert main(["convert", str(src), str(out), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    model = read_citygml(src)
    assert res["path"] == str(out) and res["format"] == "CityJSON" and res["objects"] == len(model.objects)
    doc = json.loads(out.read_text())
    _check_cityjson2(doc)
    with open(out) as fh:  # a second reader: cjio
        cm = cityjson.reader(fh)
    assert Counter(o["type"] for o in cm.j["CityObjects"].values()) == Counter(model.object_counts())
    if model.crs:  # the horizontal code, or the EPSG compound with the height datum where one exists
        from pyproj import CRS

        written = CRS.from_epsg(int(cm.get_epsg()))
        parts = [c.to_epsg() for c in written.sub_crs_list] if written.is_compound else [written.to_epsg()]
        assert parts[0] == model.crs.epsg
        assert parts[1:] in ([], [model.crs.vertical_epsg])
    back = load(out)
    assert back.object_counts() == model.object_counts()
    assert back.n_polygons == model.n_polygons
    # CityJSON stores millimetres: exact for mm data (NRW), ~1e-4 for the LoD3 models' sub-mm data
    mm_exact = np.allclose(model.vertices, np.round(model.vertices, 3), rtol=0, atol=1e-7)
    for code in range(1, len(SURFACE_TYPES)):
        a0 = model.polygon_areas()[model.polygon_semantic == code].sum()
        a1 = back.polygon_areas()[back.polygon_semantic == code].sum()
        if SURFACE_TYPES[code] in CITYJSON2_SEMANTICS:
            assert a1 == pytest.approx(a0, rel=1e-6 if mm_exact else 1e-3, abs=1e-6), SURFACE_TYPES[code]
    for oid, obj in model.objects.items():
        assert back[oid].parents == obj.parents and sorted(back[oid].children) == sorted(obj.children)
        assert back[oid].attributes == json.loads(json.dumps(obj.attributes))


def test_convert_several_tiles_and_bad_output(tmp_path, capsys):
    from stadtbild.cli import main

    tiles = [str(data_file(f"citygml/nrw/{n}")) for n in ("LoD2_32_330_5731_1_NW.gml", "LoD2_32_332_5726_1_NW.gml")]
    out = tmp_path / "tiles.city.jsonl"
    assert main(["convert", *tiles, str(out), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["format"] == "CityJSONSeq"
    assert res["objects"] == sum(sum(_expected_counts(_xml(t)).values()) for t in tiles)
    lines = out.read_text().splitlines()
    assert json.loads(lines[0])["type"] == "CityJSON" and len(lines) == 1 + res["objects"]
    assert main(["convert", tiles[0], str(tmp_path / "out.txt")]) == 2
    err = capsys.readouterr().err
    assert "error: " in err and ".city.json" in err


@pytest.mark.parametrize("srs, epsg, vertical", [
    ("EPSG:25832", "EPSG:25832", None),
    ("urn:adv:crs:ETRS89_UTM32*DE_DHHN2016_NH", "EPSG:25832", "EPSG:7837"),
    ("urn:ogc:def:crs,crs:EPSG::25832,crs:EPSG::7837", "EPSG:25832", "EPSG:7837"),
    ("http://www.opengis.net/def/crs/EPSG/0/25832", "EPSG:25832", None),
    ("urn:ogc:def:crs:EPSG::25833", "EPSG:25833", None),
])
def test_srsname_spellings_of_the_issue(tmp_path, srs, epsg, vertical):
    path = tmp_path / "crs.gml"
    path.write_text(_doc(_member(_BUILDING.format(name="x")), srs=srs))
    model = read_citygml(path)
    assert (model.crs.name, model.info()["vertical_crs"]) == (epsg, vertical)
    assert not model.warnings


_NS3 = ('xmlns="http://www.opengis.net/citygml/3.0" xmlns:gml="http://www.opengis.net/gml/3.2" '
        'xmlns:gen="http://www.opengis.net/citygml/generics/3.0" xmlns:tran="http://www.opengis.net/citygml/transportation/3.0" '
        'xmlns:xlink="http://www.w3.org/1999/xlink"')


def test_citygml3_spaces_generic_attributes_and_implicit_geometry(tmp_path):
    sq = "0 0 0 10 0 0 10 10 0 0 10 0 0 0 0"
    poly = (f'<gml:Polygon gml:id="{{}}"><gml:exterior><gml:LinearRing><gml:posList srsDimension="3">{{}}</gml:posList>'
            f'</gml:LinearRing></gml:exterior></gml:Polygon>')
    doc = f'''<?xml version="1.0" encoding="UTF-8"?>
<CityModel {_NS3}>
 <gml:boundedBy><gml:Envelope srsName="EPSG:25832"><gml:lowerCorner>0 0 0</gml:lowerCorner><gml:upperCorner>9 9 9</gml:upperCorner></gml:Envelope></gml:boundedBy>
 <cityObjectMember><tran:Road gml:id="road3">
  <tran:section><tran:Section gml:id="sec1"><tran:trafficSpace><tran:TrafficSpace gml:id="ts1">
   <boundary><tran:TrafficArea gml:id="ta1"><lod2MultiSurface><gml:MultiSurface><gml:surfaceMember>{poly.format("p1", sq)}</gml:surfaceMember></gml:MultiSurface></lod2MultiSurface></tran:TrafficArea></boundary>
  </tran:TrafficSpace></tran:trafficSpace></tran:Section></tran:section></tran:Road></cityObjectMember>
 <cityObjectMember><gen:GenericOccupiedSpace gml:id="gos1">
  <genericAttribute><gen:StringAttribute><gen:name>Gemeindeschluessel</gen:name><gen:value>05170048</gen:value></gen:StringAttribute></genericAttribute>
  <genericAttribute><gen:IntAttribute><gen:name>n</gen:name><gen:value>4</gen:value></gen:IntAttribute></genericAttribute>
  <genericAttribute><gen:MeasureAttribute><gen:name>h</gen:name><gen:value uom="m">3.5</gen:value></gen:MeasureAttribute></genericAttribute>
  <lod1ImplicitRepresentation><ImplicitGeometry><transformationMatrix>1 0 0 0 0 1 0 0 0 0 1 0 0 0 0 1</transformationMatrix>
   <relativeGeometry><gml:MultiSurface gml:id="tmpl"><gml:surfaceMember>{poly.format("tp", "0 0 0 1 0 0 1 1 0 0 0 0")}</gml:surfaceMember></gml:MultiSurface></relativeGeometry>
   <referencePoint><gml:Point><gml:pos>100 200 5</gml:pos></gml:Point></referencePoint></ImplicitGeometry></lod1ImplicitRepresentation>
 </gen:GenericOccupiedSpace></cityObjectMember>
 <cityObjectMember><gen:GenericOccupiedSpace gml:id="gos2">
  <lod1ImplicitRepresentation><ImplicitGeometry><transformationMatrix>1 0 0 0 0 1 0 0 0 0 1 0 0 0 0 1</transformationMatrix>
   <relativeGeometry xlink:href="#tmpl"/><referencePoint><gml:Point><gml:pos>300 200 5</gml:pos></gml:Point></referencePoint></ImplicitGeometry></lod1ImplicitRepresentation>
 </gen:GenericOccupiedSpace></cityObjectMember>
</CityModel>
'''
    path = tmp_path / "v3.gml"
    path.write_text(doc)
    model = read_citygml(path)
    assert model.version == "3.0" and model.crs.name == "EPSG:25832"
    assert model.object_counts() == {"GenericCityObject": 2, "Road": 1}
    # the TrafficArea of the road's section / traffic space is a surface of the road
    road = model["road3"]
    assert model.semantic_counts() == {"TrafficArea": 1}
    assert road.geometries and road.geometries[0].semantic_surfaces[0]["type"] == "TrafficArea"
    a = model["gos1"].attributes
    assert a == {"Gemeindeschluessel": "05170048", "n": 4, "h": 3.5}
    # one template, placed twice (the second time by xlink to the template's gml:id)
    for oid, x in (("gos1", 100.0), ("gos2", 300.0)):
        g = model[oid].geometries[0]
        r0 = model.polygon_offsets[g.poly_start]
        pts = model.vertices[model.ring_vertices[model.ring_offsets[r0]:model.ring_offsets[r0 + 1]]]
        np.testing.assert_allclose(pts, [[x, 200, 5], [x + 1, 200, 5], [x + 1, 201, 5]])
