"""Bebauungsplan (XPlanGML) import, envelopes and the compliance check of a variant (issue 23).

References are independent of the reader: feature counts by XPath, polygon areas from the
files' coordinates with shapely and — for rings with circular arcs — the exact area (chord
polygon plus circular segments, analytic), heights as written in the files, the Gauss-Krüger
plan against pyproj, and synthetic buildings placed in real Baufenster whose exceedances are
known by construction."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from lxml import etree

from stadtbild.importers.gml_shapes import arc_points
from stadtbild.importers.xplanung import read_xplanung
from stadtbild.model.errors import InputError
from tests.conftest import ROOT, data_file

PLANS = {
    "5.1": "xplanung/BP2070_xplan51.gml",
    "5.2": "xplanung/HafenCity7_xplan52.gml",
    "5.4": "xplanung/BPlan002_xplan54.gml",
    "6.0": "xplanung/BPlan_Ueberlappung_valide_xplan60.gml",
}
GML = "http://www.opengis.net/gml/3.2"
HAFENCITY_GBH34 = "GML_092dc747-9a4a-4bf2-8e13-acda57503fde"  # Baufenster: VII, GBH ≤ 34 m NHN


def xml(path):
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))


def xplan_ns(tree) -> str:
    return etree.QName(tree.getroot()).namespace


def read_layer(path, layer=None):
    """({column: values}, shapely geometries, CRS text) of a vector layer, read with GDAL."""
    import pyogrio.raw

    meta, _fids, wkb, data = pyogrio.raw.read(path, layer=layer)
    return dict(zip(meta["fields"], data)), list(shapely.from_wkb(wkb)), str(meta["crs"])


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


# ====================================================================== independent geometry
def _numbers(el):
    return np.array((el.text or "").split(), dtype=float).reshape(-1, int(el.get("srsDimension", "2")))[:, :2]


def _circle(p0, p1, p2):
    """Centre and radius of the circle through three points (relative to p0 for precision)."""
    b, c = p1 - p0, p2 - p0
    d = 2 * (b[0] * c[1] - b[1] * c[0])
    ux = (c[1] * (b @ b) - b[1] * (c @ c)) / d
    uy = (b[0] * (c @ c) - c[0] * (b @ b)) / d
    return p0 + np.array([ux, uy]), math.hypot(ux, uy)


def _arc_sweep(p0, p1, p2):
    centre, r = _circle(p0, p1, p2)
    a0, a2 = (math.atan2(*(p - centre)[::-1]) for p in (p0, p2))
    ccw = (p1 - p0)[0] * (p2 - p0)[1] - (p1 - p0)[1] * (p2 - p0)[0] > 0
    return (((a2 - a0) % (2 * math.pi)) if ccw else ((a0 - a2) % (2 * math.pi))), r, centre


def ring_exact(ring) -> tuple[float, float]:
    """(signed exact area, arc length) of a gml:LinearRing or gml:Ring: shoelace of the chord
    polygon plus, per circular arc, its circular segment r²/2 (θ − sin θ) with the sign of the
    side it bulges to."""
    pts, segs = [], []
    for el in ring.iter(f"{{{GML}}}posList"):
        parent = etree.QName(el.getparent()).localname
        xy = _numbers(el)
        if parent == "ArcString":
            for k in range(0, len(xy) - 2, 2):
                segs.append((xy[k], xy[k + 1], xy[k + 2]))
            pts += [xy[k] for k in range(0, len(xy), 2)]
        else:
            pts += list(xy)
    p = np.array(pts)
    p = p - p[0]  # national grid coordinates: keep the shoelace products small
    area = 0.5 * float(np.sum(p[:-1, 0] * p[1:, 1] - p[1:, 0] * p[:-1, 1]) + p[-1, 0] * p[0, 1] - p[0, 0] * p[-1, 1])
    arc_len = 0.0
    for p0, p1, p2 in segs:
        theta, r, _c = _arc_sweep(p0, p1, p2)
        side = (p2 - p0)[0] * (p1 - p0)[1] - (p2 - p0)[1] * (p1 - p0)[0]
        area += (-1 if side > 0 else 1) * 0.5 * r * r * (theta - math.sin(theta))
        arc_len += r * theta
    return area, arc_len


def file_polygon_areas(tree) -> dict:
    """{feature id: (area m², arc length m)} of every feature's polygons (exteriors minus
    interiors), from the file's coordinates."""
    out = {}
    for member in tree.getroot():
        for feat in member:
            fid = feat.get(f"{{{GML}}}id")
            total = arc = 0.0
            found = False
            for prop in feat:
                if etree.QName(prop).localname not in ("position", "raeumlicherGeltungsbereich", "geltungsbereich"):
                    continue
                for poly in prop.iter(f"{{{GML}}}Polygon"):
                    found = True
                    for b in poly:
                        a, ln = ring_exact(b[0])
                        total += abs(a) if etree.QName(b).localname == "exterior" else -abs(a)
                        arc += ln
                break
            if found:
                out[fid] = (total, arc)
    return out


# ====================================================================== reading
@pytest.mark.parametrize("version", sorted(PLANS))
def test_feature_counts_equal_xpath_counts(version):
    path = data_file(PLANS[version])
    tree = xml(path)
    ns = xplan_ns(tree)
    plan = read_xplanung(path)
    assert plan.version == version
    counts = plan.counts()
    file_types = {etree.QName(f).localname for m in tree.getroot() for f in m if etree.QName(f).namespace == ns}
    assert set(counts) == file_types
    for t in file_types:
        assert counts[t] == int(tree.xpath(f"count(//x:{t})", namespaces={"x": ns})), t
    info = plan.info()
    assert info["hoehenangaben"] == int(tree.xpath("count(//x:XP_Hoehenangabe)", namespaces={"x": ns}))
    assert info["baufenster"] == int(tree.xpath("count(//x:BP_UeberbaubareGrundstuecksFlaeche)", namespaces={"x": ns}))
    assert info["baugebiete"] == int(tree.xpath("count(//x:BP_BaugebietsTeilFlaeche)", namespaces={"x": ns}))
    assert info["plans"] == int(tree.xpath("count(//x:BP_Plan)", namespaces={"x": ns})) == 1
    assert info["objects"] == sum(counts.values()) == int(tree.xpath("count(/*/*/*[@gml:id])",
                                                                     namespaces={"gml": GML}))
    assert info["unknown_features"] == {}


def test_manifest_counts():
    """The counts the data MANIFEST lists (Baufenster, BTF, XP_Hoehenangabe)."""
    expect = {"5.2": (25, 3, 38), "5.1": (31, 37, 0), "5.4": (0, 3, 0), "6.0": (21, 7, 3)}
    for version, (bf, btf, hoehen) in expect.items():
        info = read_xplanung(data_file(PLANS[version])).info()
        assert (info["baufenster"], info["baugebiete"], info["hoehenangaben"]) == (bf, btf, hoehen)


@pytest.mark.parametrize("version", sorted(PLANS))
def test_areas_equal_shapely_areas_of_the_file_polygons(version):
    """Linear rings: the shapely area of the file's coordinates (to 1e-6 m²); rings with circular
    arcs: the exact analytic area within the densification bound: every chord lies within 1 cm
    of its arc, so the area lost is at most 2/3 · 0.01 m · arc length."""
    path = data_file(PLANS[version])
    ref = file_polygon_areas(xml(path))
    plan = read_xplanung(path)
    got = {f.id: f.file_geometry.area for f in plan.features
           if f.file_geometry is not None and f.file_geometry.geom_type in ("Polygon", "MultiPolygon")}
    assert set(got) == set(ref)
    n_arcs = 0
    for fid, (area, arc_len) in ref.items():
        bound = 2 / 3 * 0.01 * arc_len + 1e-6 * max(1.0, area)
        assert abs(got[fid] - area) <= bound, (fid, got[fid], area, bound)
        if arc_len:
            n_arcs += 1
            assert got[fid] < area + 1e-6 or got[fid] > area  # chords cut inside or outside
    if version == "5.2":
        assert n_arcs >= 5  # HafenCity has arc-bounded zones: the bound above was exercised


def test_arcs_are_densified_within_one_centimetre():
    """Every ArcString of HafenCity: the importer's points lie on the circle through the file's
    three points, and no chord is farther than 1 cm from the arc (sagitta)."""
    tree = xml(data_file(PLANS["5.2"]))
    arcs = tree.getroot().iter(f"{{{GML}}}ArcString")
    worst, n = 0.0, 0
    for a in arcs:
        xy = _numbers(a[0])
        for k in range(0, len(xy) - 2, 2):
            p0, p1, p2 = xy[k], xy[k + 1], xy[k + 2]
            centre, r = _circle(p0, p1, p2)
            pts = arc_points(p0, p1, p2, 0.01)
            assert np.allclose(pts[[0, -1]], [p0, p2])
            assert np.abs(np.hypot(*(pts - centre).T) - r).max() < 1e-6
            mid = (pts[1:] + pts[:-1]) / 2
            sagitta = r - np.hypot(*(mid - centre).T)
            worst = max(worst, float(sagitta.max()))
            n += 1
            theta, _r, _c = _arc_sweep(p0, p1, p2)
            assert len(pts) - 1 >= theta / (2 * math.acos(1 - 0.01 / r)) - 1e-9  # not coarser than needed
    assert n > 20
    assert worst <= 0.01 + 1e-9


def test_heights_equal_the_file_values():
    for version in ("5.2", "6.0"):
        path = data_file(PLANS[version])
        tree = xml(path)
        ns = xplan_ns(tree)
        by_id = read_xplanung(path).by_id()
        n = 0
        for h in tree.xpath("//x:XP_Hoehenangabe", namespaces={"x": ns}):
            feat = h.getparent().getparent()
            f = by_id[feat.get(f"{{{GML}}}id")]
            vals = {etree.QName(c).localname: c.text for c in h}
            key = (float(vals["h"]) if "h" in vals else None, float(vals["hMin"]) if "hMin" in vals else None,
                   int(vals["hoehenbezug"]) if "hoehenbezug" in vals else None,
                   int(vals["bezugspunkt"]) if "bezugspunkt" in vals else None)
            assert key in [(x.h, x.h_min, x.hoehenbezug, x.bezugspunkt) for x in f.heights]
            n += 1
        assert n == read_xplanung(path).hoehenangaben
    hc = read_xplanung(data_file(PLANS["5.2"])).by_id()[HAFENCITY_GBH34]
    (h,) = hc.heights
    assert (h.upper, h.reference, h.absolute, h.limits) == (34.0, "GBH", True, "top")
    assert hc.storey_limits() == {"max": 7.0} and hc.number("GRZ") == 1.0


def test_fixings_roof_text_and_art_der_nutzung():
    plan = read_xplanung(data_file(PLANS["6.0"]))
    btf = plan.by_id()["Gml_E2FA9054-EDEE-40B2-B3EC-78C40BA82D74"]
    assert (btf.nutzung, btf.bauweise, btf.number("GRZ"), btf.number("GFZ")) == ("WR", "offen", 0.2, 0.3)
    assert btf.roof() == {"forms": ["Satteldach"]}  # 6.0 BP_Dachgestaltung
    assert btf.texts and all("text" in t or "schluessel" in t for t in btf.texts)
    assert btf.label().startswith("WR · I · GRZ 0.2 · GFZ 0.3")


# ====================================================================== CRS
def test_gauss_krueger_plan_lands_on_the_pyproj_transformed_place():
    """BP2070 is in DHDN / 3-degree Gauss-Krüger zone 3 (EPSG:31467); read into ETRS89 / UTM 32N
    every Baufenster vertex is where pyproj puts the file's coordinates."""
    from pyproj import Transformer

    path = data_file(PLANS["5.1"])
    tree = xml(path)
    ns = xplan_ns(tree)
    t = Transformer.from_crs(31467, 25832, always_xy=True)
    plan = read_xplanung(path, crs="EPSG:25832")
    assert (plan.crs.epsg, plan.source_crs.epsg) == (25832, 31467)
    by_id = plan.by_id()
    n = 0
    for feat in tree.xpath("//x:BP_UeberbaubareGrundstuecksFlaeche", namespaces={"x": ns}):
        ring = feat.find(f".//{{{GML}}}exterior//{{{GML}}}posList")
        gk = _numbers(ring)
        x, y = t.transform(gk[:, 0], gk[:, 1])
        got = np.asarray(by_id[feat.get(f"{{{GML}}}id")].geometry.exterior.coords)
        assert np.abs(got - np.c_[x, y]).max() < 1e-6
        n += 1
    assert n == 31
    assert 3e5 < x[0] < 7e5 and 5.8e6 < y[0] < 6.0e6  # UTM 32N, northern Germany (Hamburg)


@pytest.mark.parametrize("srs", ["EPSG:31467", "urn:adv:crs:DE_DHDN_3GK3", "urn:ogc:def:crs:EPSG::31467",
                                 "http://www.opengis.net/def/crs/EPSG/0/31467"])
def test_a_gauss_krueger_copy_of_a_plan_lands_where_the_original_is(tmp_path, srs):
    """HafenCity (UTM 32N) transformed to Gauss-Krüger with pyproj and written with another
    srsName spelling, read back into UTM 32N: the Baufenster lie where the original ones do
    (the round trip through pyproj's DHDN↔ETRS89 operation; arcs re-densified in GK)."""
    from pyproj import Transformer

    src = data_file(PLANS["5.2"])
    tree = xml(src)
    t = Transformer.from_crs(25832, 31467, always_xy=True)
    for el in tree.getroot().iter(f"{{{GML}}}posList", f"{{{GML}}}pos", f"{{{GML}}}lowerCorner",
                                  f"{{{GML}}}upperCorner"):
        xy = np.array(el.text.split(), dtype=float).reshape(-1, 2)
        x, y = t.transform(xy[:, 0], xy[:, 1])
        el.text = " ".join(f"{a:.4f} {b:.4f}" for a, b in zip(x, y))
    for el in tree.getroot().iter():
        if el.get("srsName"):
            el.set("srsName", srs)
    gk = tmp_path / "hafencity_gk.gml"
    tree.write(str(gk), xml_declaration=True, encoding="utf-8")
    back = read_xplanung(gk, crs=25832)
    orig = read_xplanung(src).by_id()
    assert back.source_crs.epsg == 31467 and back.crs.epsg == 25832
    for f in back.baufenster + back.baugebiete:
        o = orig[f.id].geometry
        assert abs(f.geometry.area - o.area) < 1e-4 * o.area
        assert shapely.hausdorff_distance(f.geometry, o) < 0.02  # 4-decimal rounding + arcs re-densified
    assert shapely.hausdorff_distance(back.geltungsbereich(), read_xplanung(src).geltungsbereich()) < 0.02


# ====================================================================== versions and bad input
def _rewrite(tmp_path, name, old: bytes, new: bytes, src="5.2", truncate: int | None = None) -> Path:
    data = data_file(PLANS[src]).read_bytes()
    data = data.replace(old, new) if old else data
    if truncate:
        data = data[:truncate]
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_xplangml_4_1_is_read(tmp_path):
    p = _rewrite(tmp_path, "hc41.gml", b"http://www.xplanung.de/xplangml/5/2", b"http://www.xplanung.de/xplangml/4/1")
    plan = read_xplanung(p)
    ref = read_xplanung(data_file(PLANS["5.2"]))
    assert plan.version == "4.1"
    assert plan.counts() == ref.counts()
    assert [f.heights for f in plan.baufenster] == [f.heights for f in ref.baufenster]


@pytest.mark.parametrize("case", ["version3", "citygml", "not-xml", "empty", "truncated", "broken-tag", "fplan",
                                  "bad-crs"])
def test_bad_plans_give_one_line_errors_and_exit_code_2(tmp_path, case):
    if case == "version3":
        p = _rewrite(tmp_path, "v3.gml", b"http://www.xplanung.de/xplangml/5/2", b"http://www.xplanung.de/xplangml/3/0")
        expect = "XPlanGML 3.0 is not supported"
    elif case == "citygml":
        p = data_file("citygml/v2/FZK-Haus_LoD2.gml") if (data_file("citygml/v2").exists() and
                                                           (data_file("citygml/v2") / "FZK-Haus_LoD2.gml").exists()) \
            else next(data_file("citygml/v2").glob("*.gml"))
        expect = "not XPlanGML"
    elif case == "not-xml":
        p = tmp_path / "x.gml"
        p.write_bytes(b"PK\x03\x04 this is a zip, not XML")
        expect = "not well-formed XML"
    elif case == "empty":
        p = tmp_path / "e.gml"
        p.write_bytes(b"")
        expect = "file is empty"
    elif case == "truncated":
        p = _rewrite(tmp_path, "t.gml", b"", b"", truncate=len(data_file(PLANS["5.2"]).read_bytes()) // 2)
        expect = "truncated"
    elif case == "broken-tag":
        p = _rewrite(tmp_path, "b.gml", b"<xplan:GRZ>1.0</xplan:GRZ>", b"<xplan:GRZ>1.0</xplan:GFZ>")
        expect = "malformed XML"
    elif case == "fplan":
        p = tmp_path / "fp.gml"
        p.write_text('<xplan:XPlanAuszug xmlns:xplan="http://www.xplanung.de/xplangml/5/2" '
                     'xmlns:gml="http://www.opengis.net/gml/3.2"><gml:featureMember><xplan:FP_Plan gml:id="a">'
                     '<xplan:name>F</xplan:name></xplan:FP_Plan></gml:featureMember></xplan:XPlanAuszug>')
        expect = "not a Bebauungsplan"
    else:
        p = _rewrite(tmp_path, "c.gml", b'srsName="EPSG:25832"', b'srsName="EPSG:99999999"')
        expect = "unknown CRS"
    with pytest.raises(InputError) as err:
        read_xplanung(p, crs=25832)
    msg = str(err.value)
    assert "\n" not in msg and expect in msg and str(p) in msg
    if case != "citygml":  # a CityGML file is a city model for info
        r = run_cli("info", p, "--json")
        assert r.returncode == 2 and r.stdout == ""
        assert r.stderr.count("\n") == 1 and r.stderr.startswith("error: ") and "Traceback" not in r.stderr
    r = run_cli("bplan", data_file("cityjson/twobuildings_m.json"), "--plan", p, "--json")
    assert r.returncode == 2 and r.stdout == "" and r.stderr.startswith("error: ") and r.stderr.count("\n") == 1
    assert expect in r.stderr


def test_unknown_feature_types_are_counted_and_reported_not_fatal(tmp_path):
    extra = (b'<gml:featureMember><xplan:BP_Phantasieflaeche gml:id="u1"><xplan:position><gml:Polygon '
             b'srsName="EPSG:25832"><gml:exterior><gml:LinearRing><gml:posList>565900 5932700 565910 5932700 '
             b'565910 5932710 565900 5932700</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>'
             b'</xplan:position></xplan:BP_Phantasieflaeche></gml:featureMember>'
             b'<gml:featureMember><xplan:BP_Phantasieflaeche gml:id="u2"/></gml:featureMember></xplan:XPlanAuszug>')
    p = _rewrite(tmp_path, "u.gml", b"</xplan:XPlanAuszug>", extra)
    plan = read_xplanung(p)
    assert plan.unknown_types == {"BP_Phantasieflaeche": 2}
    assert any("BP_Phantasieflaeche (2)" in w for w in plan.warnings)
    assert plan.by_id()["u1"].geometry.area == pytest.approx(50.0)
    r = run_cli("info", p, "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["unknown_features"] == {"BP_Phantasieflaeche": 2}


def test_hostile_xml_entities_are_not_expanded(tmp_path):
    """An external entity naming /etc/passwd is not read into the plan (the CityGML reader's
    parser settings)."""
    head = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    data = data_file(PLANS["5.4"]).read_bytes()
    data = head + data.split(b"?>", 1)[1].replace(b"<xplan:name>BPlan002_5-4</xplan:name>",
                                                  b"<xplan:name>&xxe;</xplan:name>", 1)
    p = tmp_path / "xxe.gml"
    p.write_bytes(data)
    try:
        plan = read_xplanung(p)
    except InputError as exc:
        assert "root:" not in str(exc)
        return
    assert "root:" not in repr([f.attributes for f in plan.features])


# ====================================================================== the variant check
def _edge_rect(poly, depth=8.0, shift=0.0, frac=(0.3, 0.7)):
    """A rectangle on the longest edge of ``poly``: ``depth`` m deep, covering ``frac`` of the
    edge, moved ``shift`` m outwards (perpendicular to the edge)."""
    ext = np.asarray(poly.exterior.coords)
    seg = np.diff(ext, axis=0)
    length = np.hypot(*seg.T)
    k = int(np.argmax(length))
    p, u = ext[k], seg[k] / length[k]
    n = np.array([u[1], -u[0]])
    if poly.contains(shapely.Point(p + 0.5 * length[k] * u + 0.1 * n)):
        n = -n
    a, b = p + frac[0] * length[k] * u, p + frac[1] * length[k] * u
    return [[float(v) for v in x + shift * n] for x in (a, b, b - depth * n, a - depth * n)]


def _base_model(tmp_path, x, y):
    from stadtbild.exporters.cityjson import write_cityjson
    from tests.helpers import box_model

    path = tmp_path / "base.city.json"
    write_cityjson(box_model([("far-away", x, y, x + 8, y + 8, 0.0, 6.0)]), path)
    return path


def hafencity_edits(g) -> list:
    """Four new buildings in the Baufenster ``g`` (VII, GBH ≤ 34 m NHN; ground 8.3 m NHN):
    compliant, 0.5 m over the height limit, 1 m over the Baugrenze, two storeys too many."""
    return [
        {"op": "extrude", "id": "ok", "footprint": _edge_rect(g, frac=(0.1, 0.3)), "ground_z": 8.3, "height_m": 25.7,
         "attributes": {"storeysAboveGround": 7}},
        {"op": "extrude", "id": "high", "footprint": _edge_rect(g, frac=(0.4, 0.55)), "ground_z": 8.3,
         "height_m": 34.5 - 8.3, "attributes": {"storeysAboveGround": 7}},
        {"op": "extrude", "id": "out", "footprint": _edge_rect(g, shift=1.0, frac=(0.65, 0.85)), "ground_z": 8.3,
         "height_m": 20.0, "attributes": {"storeysAboveGround": 6}},
        {"op": "extrude", "id": "storeys", "footprint": _edge_rect(g, shift=-9.0, frac=(0.6, 0.9)), "ground_z": 8.3,
         "height_m": 25.0, "attributes": {"storeysAboveGround": 9}},
    ]


@pytest.fixture(scope="module")
def hafencity_variant(tmp_path_factory):
    """HafenCity 7: four new buildings in the Baufenster VII / GBH ≤ 34 m NHN (ground 8.3 m NHN):
    compliant, 0.5 m over the height limit, 1 m over the Baugrenze, two storeys too many."""
    from stadtbild.importers import load
    from stadtbild.model.scenario import Scenario

    tmp = tmp_path_factory.mktemp("hafencity")
    plan = read_xplanung(data_file(PLANS["5.2"]), crs=25832)
    g = plan.by_id()[HAFENCITY_GBH34].geometry
    sc_path = tmp / "variante.scenario.json"
    sc_path.write_text(json.dumps({"name": "Variante A", "edits": hafencity_edits(g)}))
    base = _base_model(tmp, 565000.0, 5932000.0)
    sc = Scenario.load(sc_path)
    variant = sc.apply(load(base))
    return plan, g, variant, sc, base, sc_path


def test_synthetic_buildings_in_a_real_baufenster_report_exactly_their_exceedance(hafencity_variant):
    from stadtbild.analysis.bplan import check_compliance

    plan, g, variant, sc, _base, _sc_path = hafencity_variant
    union = shapely.union_all([f.geometry for f in plan.baufenster])
    ok, high, out, storeys = (shapely.Polygon(e["footprint"]) for e in (x.data for x in sc.edits))
    assert all(g.buffer(1e-6).contains(b) for b in (ok, high, storeys))  # on the Baugrenze, to float precision
    outside = out.difference(union)
    assert outside.area == pytest.approx(out.area / 8.0, rel=1e-6)  # 1 m of the 8 m depth lies outside

    res = check_compliance(variant, plan, inserted=sc.last_report.inserted)
    checks = res.by_id()
    assert [b.id for b in res.buildings][:4] == ["ok", "high", "out", "storeys"]  # inserted first
    assert "far-away" not in checks  # outside the plan area: not checked
    assert checks["ok"].violations == [] and checks["ok"].compliant

    (v,) = checks["high"].violations
    assert (v.kind, v.feature, v.reference) == ("height", HAFENCITY_GBH34, "GBH")
    assert v.amount == pytest.approx(0.5, abs=1e-9) and v.limit == 34.0 and v.value == pytest.approx(34.5)

    (v,) = checks["out"].violations
    assert v.kind == "baugrenze" and v.amount == pytest.approx(1.0, abs=1e-6)
    assert checks["out"].area_outside_m2 == pytest.approx(outside.area, rel=1e-6)

    (v,) = checks["storeys"].violations  # 9 storeys (file attribute) in a VII Baufenster, top 33.3 m
    assert (v.kind, v.amount, v.limit, v.value, v.bound) == ("storeys", 2.0, 7.0, 9.0, "max")
    summary = res.summary()
    assert {"plans", "baufenster", "buildings_checked", "violations", "crs"} <= set(summary)
    assert (summary["crs"], summary["baufenster"], summary["plans"], summary["buildings_checked"]) == \
        ("EPSG:25832", 25, 1, 4)
    assert sorted(v["kind"] for v in summary["violations"]) == ["baugrenze", "height", "storeys"]


def _straight_baulinie(plan):
    """(Baufenster geometry, Baulinie segment (p, q)) — the longest straight Baulinie segment that
    lies on the boundary of a Baufenster."""
    best = None
    for line in plan.baulinien:
        xy = np.asarray(line.geometry.coords)
        for p, q in zip(xy[:-1], xy[1:]):
            length = float(np.hypot(*(q - p)))
            seg = shapely.LineString([p, q])
            for bf in plan.baufenster:
                if seg.distance(bf.geometry.boundary) < 1e-3 and seg.hausdorff_distance(
                        seg.intersection(bf.geometry.boundary.buffer(1e-3))) < 1e-3:
                    if best is None or length > best[0]:
                        best = (length, bf.geometry, p, q)
    return best[1], best[2], best[3]


@pytest.fixture(scope="module")
def bp2070_variant(tmp_path_factory):
    """BP2070 (Gauss-Krüger plan, model in UTM 32N): one building filling a Baufenster of a GI zone
    (GRZ 0.8) 5 mm inside its Baugrenze, one set back 2 m behind a Baulinie, one compliant."""
    from stadtbild.importers import load
    from stadtbild.model.scenario import Scenario

    tmp = tmp_path_factory.mktemp("bp2070")
    plan = read_xplanung(data_file(PLANS["5.1"]), crs=25832)
    btf = plan.by_id()["GML_c35a6066-9b5a-4a58-8ccb-a1c2b5aa6e2d"] if "GML_c35a6066-9b5a-4a58-8ccb-a1c2b5aa6e2d" in \
        plan.by_id() else next(f for f in plan.baugebiete if f.id.startswith("GML_c35a6066"))
    bf = max((f for f in plan.baufenster if f.geometry.within(btf.geometry.buffer(0.01))),
             key=lambda f: f.geometry.intersection(btf.geometry).area)
    full = bf.geometry.buffer(-0.005, join_style="mitre")
    g, p, q = _straight_baulinie(plan)
    u = (q - p) / np.hypot(*(q - p))
    n = np.array([u[1], -u[0]])
    if g.contains(shapely.Point((p + q) / 2 + 0.1 * n)) is False:
        n = -n  # n points into the Baufenster
    length = float(np.hypot(*(q - p)))
    a, b = p + 0.3 * length * u, p + 0.7 * length * u
    behind = [[float(v) for v in x] for x in (a + 2 * n, b + 2 * n, b + 12 * n, a + 12 * n)]
    a2, b2 = p + 0.75 * length * u, p + 0.95 * length * u
    on_line = [[float(v) for v in x] for x in (a2, b2, b2 + 10 * n, a2 + 10 * n)]
    # a house turned by atan(2/20 m): its façade 1 m behind the Baulinie at one end, 3 m at the other
    a3, b3 = p + 0.05 * length * u + 1.0 * n, p + 0.05 * length * u + 20.0 * u + 3.0 * n
    d = (b3 - a3) / np.hypot(*(b3 - a3))
    n3 = np.array([-d[1], d[0]]) if np.dot([-d[1], d[0]], n) > 0 else np.array([d[1], -d[0]])
    tilted = [[float(v) for v in x] for x in (a3, b3, b3 + 8 * n3, a3 + 8 * n3)]
    edits = [
        {"op": "extrude", "id": "tilted", "footprint": tilted, "ground_z": 5.0, "height_m": 9.0},
        {"op": "extrude", "id": "grz", "footprint": [list(map(float, c)) for c in np.asarray(full.exterior.coords)[:-1]],
         "ground_z": 5.0, "height_m": 12.0, "attributes": {"storeysAboveGround": 1}},
        {"op": "extrude", "id": "setback", "footprint": behind, "ground_z": 5.0, "height_m": 9.0},
        {"op": "extrude", "id": "on-line", "footprint": on_line, "ground_z": 5.0, "height_m": 9.0},
    ]
    sc_path = tmp / "gewerbe.scenario.json"
    sc_path.write_text(json.dumps({"name": "Gewerbe", "edits": edits}))
    base = _base_model(tmp, 560000.0, 5930000.0)
    sc = Scenario.load(sc_path)
    return plan, btf, bf, g, sc, sc.apply(load(base)), base, sc_path


def test_a_building_exceeding_grz_and_one_behind_a_baulinie(bp2070_variant):
    from stadtbild.analysis.bplan import check_compliance

    plan, btf, bf, g, sc, variant, _base, _sc = bp2070_variant
    res = check_compliance(variant, plan, inserted=sc.last_report.inserted)
    checks = res.by_id()
    assert checks["grz"].violations == []  # inside its Baufenster, on its Baulinien within 1 cm
    assert checks["on-line"].violations == []
    fp = shapely.Polygon(sc.edits[1].data["footprint"])
    zone = next(z for z in res.zones if z.id == btf.id)
    expect = fp.intersection(btf.geometry).area / btf.geometry.area
    (v,) = zone.violations
    assert v.kind == "grz" and v.limit == 0.8
    assert v.amount == pytest.approx(expect - 0.8, abs=1e-9) and v.value == pytest.approx(expect, abs=1e-9)
    assert zone.gfz == pytest.approx(expect, abs=1e-9) and not any(x.kind == "gfz" for x in zone.violations)
    (v,) = checks["setback"].violations
    assert v.kind == "baulinie" and v.amount == pytest.approx(2.0, abs=1e-6)
    assert all(shapely.Polygon(e.data["footprint"]).within(g.buffer(1e-6)) for e in sc.edits if e.data["id"] != "grz")
    (v,) = checks["tilted"].violations  # the far end decides: the line there is 3 cos(α) from the façade
    assert v.kind == "baulinie" and v.amount == pytest.approx(3.0 * math.cos(math.atan2(2.0, 20.0)), abs=1e-6)
    kinds = sorted(v.kind for v in res.violations)
    assert kinds == ["baulinie", "baulinie", "grz"]


def test_gfz_uses_the_floor_area_estimate_of_the_variant_comparison(bp2070_variant):
    """GFZ reached = Σ footprint × storeys / zone area, with the storey estimate of
    analysis.variants.variant_figures when the building has no storeysAboveGround."""
    from stadtbild.analysis.bplan import check_compliance
    from stadtbild.analysis.variants import variant_figures
    from stadtbild.model.scenario import Scenario

    plan, btf, bf, g, sc, variant, _base, _sc = bp2070_variant
    data = dict(sc.edits[1].data)
    data.pop("attributes")
    data["height_m"] = 25.0  # no storeysAboveGround: estimate round(25 / 3) = 8 storeys
    sc2 = Scenario.from_dict({"name": "hoch", "edits": [data]})
    from stadtbild.importers import load

    v2 = sc2.apply(load(_base))
    res = check_compliance(v2, plan, inserted=sc2.last_report.inserted)
    zone = next(z for z in res.zones if z.id == btf.id)
    fp = shapely.Polygon(data["footprint"])
    share = fp.intersection(btf.geometry).area
    gfa = variant_figures(v2, "x")["gross_floor_area_m2"] - variant_figures(load(_base), "x")["gross_floor_area_m2"]
    assert gfa == pytest.approx(fp.area * 8, rel=1e-4)
    assert zone.gfz == pytest.approx(share * 8 / btf.geometry.area, rel=1e-9)
    (v,) = [x for x in zone.violations if x.kind == "gfz"]
    assert v.amount == pytest.approx(share * 8 / btf.geometry.area - 2.4, abs=1e-9)


# ====================================================================== CLI and outputs
def test_bplan_cli_json_and_every_output_format(hafencity_variant, tmp_path, capsys):
    import pyogrio

    _plan, _g, _variant, _sc, base, sc_path = hafencity_variant
    plan_file = data_file(PLANS["5.2"])
    r = run_cli("bplan", base, "--plan", plan_file, "--scenario", sc_path, "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["plans"], out["baufenster"], out["buildings_checked"], out["crs"]) == (1, 25, 4, "EPSG:25832")
    got = sorted((v["id"], v["kind"], v["amount"]) for v in out["violations"])
    assert got == [("high", "height", 0.5), ("out", "baugrenze", 1.0), ("storeys", "storeys", 2.0)]
    from stadtbild.cli import main as cli_main

    for suffix in ("geojson", "gpkg", "csv", "pdf"):  # in this process: the same command, no start-up
        path = tmp_path / f"report.{suffix}"
        assert cli_main(["bplan", str(base), "--plan", str(plan_file), "--scenario", str(sc_path), "-o", str(path),
                         "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["path"] == str(path)
    cols, geoms, crs = read_layer(tmp_path / "report.geojson")
    assert list(cols["id"]) == ["ok", "high", "out", "storeys"]
    assert [bool(v) for v in cols["compliant"]] == [True, False, False, False]
    assert "25832" in crs
    assert geoms[0].area == pytest.approx(shapely.Polygon(_sc.edits[0].data["footprint"]).area, rel=2e-5)  # 0.1 mm
    layers = {name for name, _ in pyogrio.list_layers(tmp_path / "report.gpkg")}
    assert layers == {"buildings", "violations", "baugebiete", "baufenster", "geltungsbereich"}
    vcols, vgeoms, _crs = read_layer(tmp_path / "report.gpkg", "violations")
    assert sorted(vcols["kind"]) == ["baugrenze", "height", "storeys"]
    out_part = vgeoms[list(vcols["kind"]).index("baugrenze")]
    assert out_part.area == pytest.approx(shapely.Polygon(_sc.edits[2].data["footprint"]).area / 8, rel=1e-4)
    csv_text = (tmp_path / "report.csv").read_text().splitlines()
    assert csv_text[0].startswith("id,status,compliant") and len(csv_text) == 5 and "EPSG:25832" in csv_text[1]
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 2


def test_info_reports_a_plans_counts_as_for_city_models():
    r = run_cli("info", data_file(PLANS["6.0"]), "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    for key in ("format", "version", "crs", "object_counts", "lods", "bbox", "vertices", "triangles"):
        assert key in info
    assert (info["format"], info["version"], info["crs"]) == ("XPlanGML", "6.0", "EPSG:25832")
    assert info["object_counts"]["BP_UeberbaubareGrundstuecksFlaeche"] == 21 and info["baufenster"] == 21
    r = run_cli("info", data_file(PLANS["5.1"]), "--crs", "EPSG:25832", "--json")
    info = json.loads(r.stdout)
    assert (info["crs"], info["source_crs"]) == ("EPSG:25832", "EPSG:31467")
    assert 5.8e6 < info["bbox"][1] < 6.0e6 and 3e5 < info["bbox"][0] < 7e5


def test_a_plan_given_as_city_model_says_what_it_is(tmp_path):
    r = run_cli("metrics", data_file(PLANS["5.2"]), "--json")
    assert r.returncode == 2 and "XPlanGML Bebauungsplan" in r.stderr and r.stderr.count("\n") == 1


# ====================================================================== envelopes and pictures
def _ground(z_local=0.0, grid=None, origin=(0.0, 0.0, 0.0)):
    from stadtbild.model.ground import Ground

    return Ground(origin=np.asarray(origin, float), plane_z=z_local, grid=grid, kind="terrain" if grid else "plane")


def _one_envelope(env, zone_id):
    import trimesh

    k = [z.id for z in env.zones].index(zone_id)
    sel = env.owner == k
    used, inv = np.unique(env.triangles[sel].ravel(), return_inverse=True)
    return k, trimesh.Trimesh(env.vertices[used], inv.reshape(-1, 3), process=True)


def test_envelope_is_a_closed_volume_from_the_ground_to_the_absolute_limit():
    """GBH ≤ 34 m NHN over flat ground at 8.3 m: a watertight prism whose volume (trimesh) is
    the Baufenster's area × 25.7 m."""
    from stadtbild.analysis.bplan_envelopes import envelopes, prepare

    plan = read_xplanung(data_file(PLANS["5.2"]), crs=25832)
    origin = np.array([565000.0, 5932000.0, 0.0])
    prep = prepare(plan, origin)
    env = envelopes(prep, _ground(8.3, origin=origin))
    k, mesh = _one_envelope(env, HAFENCITY_GBH34)
    area = plan.by_id()[HAFENCITY_GBH34].geometry.area
    assert mesh.is_watertight and mesh.is_winding_consistent
    assert abs(mesh.volume) == pytest.approx(area * (34.0 - 8.3), rel=1e-6)
    assert env.top_z[k] == pytest.approx(34.0) and env.source[k] == "limit"
    assert mesh.bounds[0][2] == pytest.approx(8.3) and mesh.bounds[1][2] == pytest.approx(34.0)
    zc = [z for z in env.zones if z.id == HAFENCITY_GBH34][0]
    assert tuple(env.colours[k]) == zc.colour  # MI (inherited from the building zone): PlanZV brown
    from stadtbild.model.bplan import NUTZUNG_COLOURS

    assert zc.nutzung == "MI" and zc.colour == NUTZUNG_COLOURS["MI"]


def test_envelope_with_a_relative_limit_and_on_a_terrain(tmp_path):
    """The same Baufenster with its 34 m measured from the ground (hoehenbezug 2000), on a
    terrain sloping 5 % eastwards: the bottom follows the terrain, the top is 34 m above the
    lowest ground point of the outline."""
    from stadtbild.analysis.bplan_envelopes import envelopes, prepare
    from stadtbild.model.terrain import TerrainGrid

    p = _rewrite(tmp_path, "rel.gml", b"<xplan:hoehenbezug>1000</xplan:hoehenbezug>\n          <xplan:bezugspunkt>6000"
                 b"</xplan:bezugspunkt>\n          <xplan:h uom=\"m\">34</xplan:h>",
                 b"<xplan:hoehenbezug>2000</xplan:hoehenbezug>\n          <xplan:bezugspunkt>6000"
                 b"</xplan:bezugspunkt>\n          <xplan:h uom=\"m\">34</xplan:h>")
    plan = read_xplanung(p, crs=25832)
    h = plan.by_id()[HAFENCITY_GBH34].heights[0]
    assert (h.hoehenbezug, h.absolute) == (2000, False)
    origin = np.array([565800.0, 5932600.0, 0.0])
    x = np.arange(565800.0, 566001.0, 1.0)
    y = np.arange(5932800.0, 5932599.0, -1.0)
    zz = np.tile(5.0 + 0.05 * (x - x[0]), (len(y), 1))
    grid = TerrainGrid(zz, x[0], y[0], 1.0, 1.0)
    env = envelopes(prepare(plan, origin), _ground(0.0, grid=grid, origin=origin))
    k, mesh = _one_envelope(env, HAFENCITY_GBH34)
    g = plan.by_id()[HAFENCITY_GBH34].geometry
    lowest = 5.0 + 0.05 * (g.bounds[0] - x[0])
    assert env.top_z[k] == pytest.approx(lowest + 34.0, abs=1e-6)
    assert env.bottom_z[k] == pytest.approx(lowest, abs=1e-6)
    bottom = env.vertices[env.triangles[env.owner == k].ravel()]
    low = bottom[bottom[:, 2] < env.top_z[k] - 1e-6]
    assert np.allclose(low[:, 2], 5.0 + 0.05 * (low[:, 0] + origin[0] - x[0]), atol=1e-6)  # on the terrain
    assert mesh.is_watertight


def test_render_with_the_plan_draws_envelopes_and_hides_existing_buildings(hafencity_variant, tmp_path):
    """render --plan: the picture differs from the plain one inside the plan area and shows the
    envelope colour; --hide-existing hides the existing building standing in the plan area."""
    from PIL import Image

    from stadtbild.exporters.cityjson import write_cityjson
    from tests.helpers import box_model

    plan, g, _variant, _sc, _base, sc_path = hafencity_variant
    c = g.representative_point()
    base = tmp_path / "in_plan.city.json"
    write_cityjson(box_model([("bestand", c.x - 5, c.y - 5, c.x + 5, c.y + 5, 8.3, 30.0)]), base)
    pics = {}
    for name, extra in (("plain", []), ("plan", ["--plan", data_file(PLANS["5.2"])]),
                        ("hidden", ["--plan", data_file(PLANS["5.2"]), "--hide-existing"])):
        out = tmp_path / f"{name}.png"
        r = run_cli("render", base, "--scenario", sc_path, "-o", out, "--size", "640x360", "--view", "top", "--json",
                    *extra)
        assert r.returncode == 0, r.stderr
        pics[name] = (np.asarray(Image.open(out).convert("RGB")).astype(int), json.loads(r.stdout))
    assert pics["plan"][1]["plan"]["baufenster"] == 25 and pics["hidden"][1]["plan"]["hidden_existing"] == 1
    assert pics["hidden"][1]["objects"] == pics["plan"][1]["objects"] - 1
    diff = np.abs(pics["plan"][0] - pics["plain"][0]).sum(axis=2) > 30
    assert diff.mean() > 0.2  # the plan covers much of the frame
    img = pics["plan"][0].reshape(-1, 3)
    brownish = (img[:, 0] > img[:, 2] + 25) & (img[:, 1] > img[:, 2] + 5)  # MI zones/envelopes over blue sky
    assert brownish.mean() > 0.05
    assert (np.abs(pics["hidden"][0] - pics["plan"][0]).sum(axis=2) > 30).any()


def test_a_stepped_tower_over_overlapping_upper_level_baufenster(tmp_path):
    """HafenCity's stacked Baufenster (ebene 0: I, GBH ≤ 13; ebene 1: II–V ≤ 26, VI–XIII ≤ 53,
    XIV–XVI ≤ 65.5 m NHN): one building of four slabs, each the Baufenster 1 cm inside, up to its
    limit, is compliant (each part is judged by the most permissive Baufenster over it); raised
    by 0.5 m it breaks exactly the tower's limit."""
    from stadtbild.analysis.bplan import check_compliance
    from stadtbild.exporters.cityjson import write_cityjson
    from stadtbild.importers import load
    from stadtbild.model.extrude import extrude_footprint
    from stadtbild.model.surgery import solids_model
    from tests.helpers import box_model

    plan = read_xplanung(data_file(PLANS["5.2"]), crs=25832)
    slabs = [next(f for f in plan.baufenster if f.id.startswith(k)) for k in
             ("GML_f5810a83", "GML_7ddc701d", "GML_b473520b", "GML_ee89b16f")]
    assert [f.ebene for f in slabs] == [0, 1, 1, 1]
    for lift, name in ((0.0, "ok"), (0.5, "high")):
        shells, z0 = [], 10.0
        for f, top in zip(slabs, (13.0, 26.0, 53.0, 65.5 + lift)):
            fp = f.geometry.buffer(-0.01, join_style="mitre")
            shells.append(extrude_footprint(list(map(list, np.asarray(fp.exterior.coords)[:-1])), z0, top - z0))
            z0 = top
        base = box_model([("x", 565000, 5932000, 565001, 5932001, 0, 1)])
        tower = solids_model(base, [("tower", shells)], multi=True)
        path = tmp_path / f"{name}.city.json"
        write_cityjson(tower, path)
        res = check_compliance(load(path), plan, storey_height_m=3.4)
        (chk,) = res.buildings
        assert chk.area_outside_m2 < 1e-6
        if name == "ok":
            assert chk.violations == [], [v.to_dict() for v in chk.violations]
        else:
            (v,) = chk.violations
            assert (v.kind, v.feature) == ("height", slabs[3].id) and v.amount == pytest.approx(0.5, abs=1e-6)


def test_an_eave_limit_is_checked_at_the_eave_of_a_pitched_roof(tmp_path):
    """The GBH ≤ 34 m Baufenster turned into a Traufhöhe TH ≤ 34 m NHN: a gable house with its
    eave 0.25 m too high and its ridge 4 m above is reported 0.25 m over, not 4.25 m."""
    from stadtbild.analysis.bplan import check_compliance
    from stadtbild.importers import load
    from stadtbild.model.scenario import Scenario

    p = _rewrite(tmp_path, "th.gml", b"<xplan:bezugspunkt>6000</xplan:bezugspunkt>\n          <xplan:h uom=\"m\">34</xplan:h>",
                 b"<xplan:bezugspunkt>1000</xplan:bezugspunkt>\n          <xplan:h uom=\"m\">34</xplan:h>")
    plan = read_xplanung(p, crs=25832)
    g = plan.by_id()[HAFENCITY_GBH34].geometry
    assert plan.by_id()[HAFENCITY_GBH34].heights[0].reference == "TH"
    sc = Scenario.from_dict({"name": "g", "edits": [
        {"op": "extrude", "id": "gable", "footprint": _edge_rect(g, frac=(0.4, 0.55), depth=10.0), "ground_z": 8.3,
         "height_m": 34.25 - 8.3, "roof": "gable", "roof_height_m": 4.0, "attributes": {"storeysAboveGround": 7}}]})
    variant = sc.apply(load(_base_model(tmp_path, 565000.0, 5932000.0)))
    res = check_compliance(variant, plan, inserted=sc.last_report.inserted)
    (v,) = res.by_id()["gable"].violations
    assert (v.kind, v.reference) == ("height", "TH") and v.amount == pytest.approx(0.25, abs=1e-6)


def test_the_largest_distance_outside_is_found_between_vertices():
    """A U-shaped buildable area with a 4 m wide, 10 m deep notch that a building covers: every
    vertex of the part outside touches the Baufenster, the farthest point (2 m) lies in the middle
    of the notch's mouth."""
    from stadtbild.analysis.bplan import _max_distance_outside

    allowed = shapely.Polygon([(0, 0), (14, 0), (14, 20), (9, 20), (9, 10), (5, 10), (5, 20), (0, 20)])
    notch = shapely.box(5, 10, 9, 20)
    assert _max_distance_outside(notch, allowed) == pytest.approx(2.0, abs=1e-9)


def test_every_envelope_of_the_real_plans_is_a_closed_outward_volume():
    """All Baufenster of the four plans (rings as the files orient them): watertight,
    consistently wound, positive volume = area × height over flat ground (trimesh)."""
    from stadtbild.analysis.bplan_envelopes import envelopes, prepare

    n = 0
    for version in sorted(PLANS):
        plan = read_xplanung(data_file(PLANS[version]))
        prep = prepare(plan, np.zeros(3))
        env = envelopes(prep, _ground(0.0))
        for z in env.zones:
            k, mesh = _one_envelope(env, z.id)
            assert mesh.is_watertight and mesh.is_winding_consistent, z.id
            assert mesh.volume == pytest.approx(z.geometry.area * (env.top_z[k] - env.bottom_z[k]), rel=1e-6), z.id
            n += 1
    assert n == 25 + 31 + 21
    plan = read_xplanung(data_file(PLANS["5.2"]))
    for f in plan.baufenster:  # rings the other way round (a file may give them clockwise)
        f.geometry = f.geometry.reverse()
    env = envelopes(prepare(plan, np.zeros(3)), _ground(0.0))
    for z in env.zones:
        k, mesh = _one_envelope(env, z.id)
        assert mesh.is_winding_consistent and mesh.volume > 0, z.id


def test_a_placeholder_height_of_zero_is_not_applied_and_is_named(tmp_path):
    """HafenCity gives some Baufenster "GBH 0.0 m NHN" (a placeholder far below the ground at
    8.3 m): a building there gets no height violation, the warning names the Baufenster."""
    from stadtbild.analysis.bplan import check_compliance
    from stadtbild.importers import load
    from stadtbild.model.scenario import Scenario

    plan = read_xplanung(data_file(PLANS["5.2"]), crs=25832)
    bf = plan.by_id()["GML_dc74f22e-26a1-4805-98b4-daee8fe2d014"]
    assert bf.heights[0].upper == 0.0
    c = bf.geometry.representative_point()
    sc = Scenario.from_dict({"name": "p", "edits": [{"op": "extrude", "id": "b", "ground_z": 8.3, "height_m": 12.0,
                                                    "footprint": [[c.x - 2, c.y - 2], [c.x + 2, c.y - 2],
                                                                  [c.x + 2, c.y + 2], [c.x - 2, c.y + 2]]}]})
    res = check_compliance(sc.apply(load(_base_model(tmp_path, 565000.0, 5932000.0))), plan, inserted=["b"])
    assert not any(v.kind == "height" for v in res.violations)
    assert any(bf.id in w and "not applied" in w for w in res.warnings)


def test_baufenster_inherit_the_fixings_of_their_building_zone(tmp_path):
    """XPlanGML 6.0: the Baufenster carry no fixings, the WR zone says I (one full storey) and
    PlanZV red: a two-storey house in a Baufenster breaks the zone's Z, reported on the Baufenster."""
    from stadtbild.analysis.bplan import check_compliance
    from stadtbild.analysis.bplan_envelopes import prepare
    from stadtbild.importers import load
    from stadtbild.model.bplan import NUTZUNG_COLOURS
    from stadtbild.model.scenario import Scenario

    plan = read_xplanung(data_file(PLANS["6.0"]), crs=25832)
    prep = prepare(plan, np.zeros(3))
    z = next(b for b in prep.baufenster if b.btf is not None and b.btf.nutzung == "WR")
    assert z.feature.storey_limits() == {} and z.storeys == {"max": 1.0}
    assert z.nutzung == "WR" and z.colour == NUTZUNG_COLOURS["WR"]
    c = z.geometry.representative_point()
    sc = Scenario.from_dict({"name": "p", "edits": [{"op": "extrude", "id": "haus", "ground_z": 5.0, "height_m": 6.5,
                                                    "footprint": [[c.x - 4, c.y - 4], [c.x + 4, c.y - 4],
                                                                  [c.x + 4, c.y + 4], [c.x - 4, c.y + 4]],
                                                    "attributes": {"storeysAboveGround": 2}}]})
    base = _base_model(tmp_path, 574000.0, 5947000.0)
    res = check_compliance(sc.apply(load(base)), plan, inserted=["haus"])
    (v,) = res.by_id()["haus"].violations
    assert (v.kind, v.amount, v.feature, v.limit) == ("storeys", 1.0, z.id, 1.0)
    # the zone also limits the ridge to 9 m above ground: the Baufenster inherits that too
    fh = (b'<xplan:GRZ>0.2</xplan:GRZ>', b'<xplan:GRZ>0.2</xplan:GRZ><xplan:hoehenangabe><xplan:XP_Hoehenangabe>'
          b'<xplan:hoehenbezug>2000</xplan:hoehenbezug><xplan:bezugspunkt>2000</xplan:bezugspunkt>'
          b'<xplan:h uom="m">9</xplan:h></xplan:XP_Hoehenangabe></xplan:hoehenangabe>')
    p = _rewrite(tmp_path, "fh.gml", *fh, src="6.0")
    plan = read_xplanung(p, crs=25832)
    data = dict(sc.edits[0].data, roof="gable", roof_height_m=3.5, attributes={"storeysAboveGround": 1})
    sc2 = Scenario.from_dict({"name": "g", "edits": [data]})
    res = check_compliance(sc2.apply(load(base)), plan, inserted=["haus"])
    (v,) = res.by_id()["haus"].violations
    assert (v.kind, v.reference, v.feature) == ("height", "FH", z.id) and v.amount == pytest.approx(1.0, abs=1e-6)


def test_a_plan_in_latitude_longitude_lands_where_the_projected_one_is(tmp_path):
    """BPlan002 (UTM 32N) written in EPSG:4326 with GML's latitude-first axis order: read into
    UTM 32N it lies on the original to the millimetre; read alone it is projected to metres."""
    from pyproj import Transformer

    src = data_file(PLANS["5.4"])
    tree = xml(src)
    t = Transformer.from_crs(25832, 4326)  # EPSG order: latitude, longitude
    for el in tree.getroot().iter(f"{{{GML}}}posList", f"{{{GML}}}pos", f"{{{GML}}}lowerCorner",
                                  f"{{{GML}}}upperCorner"):
        xy = np.array(el.text.split(), dtype=float).reshape(-1, 2)
        lat, lon = t.transform(xy[:, 0], xy[:, 1])
        el.text = " ".join(f"{a:.10f} {b:.10f}" for a, b in zip(lat, lon))
    for el in tree.getroot().iter():
        if el.get("srsName"):
            el.set("srsName", "urn:ogc:def:crs:EPSG::4326")
    p = tmp_path / "wgs84.gml"
    tree.write(str(p), xml_declaration=True, encoding="utf-8")
    back = read_xplanung(p, crs=25832)
    orig = read_xplanung(src).by_id()
    for f in back.baugebiete:
        assert shapely.hausdorff_distance(f.geometry, orig[f.id].geometry) < 0.002
    alone = read_xplanung(p)
    assert alone.crs.epsg == 32632 and any("projected to EPSG:32632" in w for w in alone.warnings)
    assert alone.info()["area_m2"] == pytest.approx(read_xplanung(src).info()["area_m2"], rel=2e-3)
