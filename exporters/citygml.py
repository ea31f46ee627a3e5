"""CityGML 2.0 writer (OGC 12-019) of the (edited) model, streamed with ``lxml.etree.xmlfile``.

What municipal systems such as 3DCityDB ingest:

- ``core:CityModel`` with ``gml:boundedBy/gml:Envelope`` (srsName ``urn:ogc:def:crs:EPSG::<code>``,
  compound ``urn:ogc:def:crs,crs:EPSG::<h>,crs:EPSG::<v>`` with a vertical datum, srsDimension 3)
  and one ``core:cityObjectMember`` per top-level object.
- Buildings as ``bldg:Building`` (parts nested as ``bldg:consistsOfBuildingPart/bldg:BuildingPart``).
  LoD2+ geometry with semantics is written as thematic surfaces ``bldg:boundedBy/bldg:RoofSurface``
  (WallSurface, GroundSurface, ClosureSurface, OuterCeilingSurface, OuterFloorSurface) each with a
  ``bldg:lod<n>MultiSurface``; a Solid additionally as ``bldg:lod<n>Solid`` whose
  ``gml:CompositeSurface`` references those polygons by ``xlink:href`` (the layout of German
  state LoD2 data). Polygons without a building semantic go to ``bldg:lod<n>MultiSurface`` (or the
  solid inline). LoD1 (no thematic surfaces in CityGML 2.0) as ``lod1Solid``/``lod1MultiSurface``.
  Element order follows ``AbstractBuildingType`` of building.xsd.
- Other object types as ``gen:GenericCityObject`` with ``gen:lod<n>Geometry`` and the original
  type in the generic attribute ``originalType`` (a pragmatic choice: the LandUse/Transportation/
  Vegetation modules are not written).
- ``gml:id`` = the object id when it is a valid XML NCName; otherwise (e.g. GUIDs in braces from
  CityJSON) a sanitised id and the original in ``gml:name`` and the generic attribute
  ``identifier``. Polygons get ``<object id>_p<n>``.
- Attributes as generic attributes (``gen:stringAttribute`` / ``intAttribute`` /
  ``doubleAttribute``); ``measuredHeight`` (uom m), ``storeysAboveGround``, ``yearOfConstruction``,
  ``roofType``, ``function``, ``usage``, ``class`` as the bldg elements when their values fit.
  Object results (``object_attributes`` {id: {name: value}}) become generic attributes too.
- Coordinates with 4 decimals (0.1 mm) in the model CRS.
"""
from __future__ import annotations

import re

import numpy as np

from stadtbild.model.semantics import SURFACE_TYPES

NS = {
    "core": "http://www.opengis.net/citygml/2.0",
    "bldg": "http://www.opengis.net/citygml/building/2.0",
    "gen": "http://www.opengis.net/citygml/generics/2.0",
    "luse": "http://www.opengis.net/citygml/landuse/2.0",
    "veg": "http://www.opengis.net/citygml/vegetation/2.0",
    "tran": "http://www.opengis.net/citygml/transportation/2.0",
    "wtr": "http://www.opengis.net/citygml/waterbody/2.0",
    "brid": "http://www.opengis.net/citygml/bridge/2.0",
    "frn": "http://www.opengis.net/citygml/cityfurniture/2.0",
    "gml": "http://www.opengis.net/gml",
    "xlink": "http://www.w3.org/1999/xlink",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
SCHEMA_LOCATION = " ".join(f"{NS[p]} http://schemas.opengis.net/citygml/{d}/2.0/{d}.xsd" for p, d in (
    ("bldg", "building"), ("gen", "generics"), ("luse", "landuse"), ("veg", "vegetation"),
    ("tran", "transportation"), ("wtr", "waterbody"), ("brid", "bridge"), ("frn", "cityfurniture")))
#: other object types with a plain surface property per LoD: type -> (prefix, element, property
#: name pattern, allowed LoDs) after the module schemas (landUse.xsd, vegetation.xsd, …)
SIMPLE_TYPES = {
    "LandUse": ("luse", "LandUse", "lod{n}MultiSurface", (0, 1, 2, 3, 4)),
    "PlantCover": ("veg", "PlantCover", "lod{n}MultiSurface", (1, 2, 3, 4)),
    "SolitaryVegetationObject": ("veg", "SolitaryVegetationObject", "lod{n}Geometry", (1, 2, 3, 4)),
    "Road": ("tran", "Road", "lod{n}MultiSurface", (1, 2, 3, 4)),
    "Railway": ("tran", "Railway", "lod{n}MultiSurface", (1, 2, 3, 4)),
    "TransportSquare": ("tran", "Square", "lod{n}MultiSurface", (1, 2, 3, 4)),
    "WaterBody": ("wtr", "WaterBody", "lod{n}MultiSurface", (0, 1)),
    "Bridge": ("brid", "Bridge", "lod{n}MultiSurface", (1, 2, 3, 4)),
    "CityFurniture": ("frn", "CityFurniture", "lod{n}Geometry", (1, 2, 3, 4)),
    "GenericCityObject": ("gen", "GenericCityObject", "lod{n}Geometry", (0, 1, 2, 3, 4)),
}
THEMATIC = ("RoofSurface", "WallSurface", "GroundSurface", "ClosureSurface", "OuterCeilingSurface",
            "OuterFloorSurface")
BUILDING_TYPES = ("Building", "BuildingPart")
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
# bldg elements in schema order with the value check for writing them (else generic attributes)
_BLDG_SIMPLE = ("class", "function", "usage", "yearOfConstruction", "roofType", "measuredHeight",
                "storeysAboveGround")


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def gml_id(oid: str) -> str:
    """A valid NCName for an object id (the id itself when it already is one)."""
    if _NCNAME.match(oid):
        return oid
    s = re.sub(r"[^A-Za-z0-9_.\-]", "_", oid).strip("_")
    if not s or not (s[0].isalpha() or s[0] == "_"):
        s = "id_" + s
    return s


def srs_name(model) -> str | None:
    crs = model.crs
    if not crs or not crs.epsg:
        return None
    if crs.vertical_epsg:
        return f"urn:ogc:def:crs,crs:EPSG::{crs.epsg},crs:EPSG::{crs.vertical_epsg}"
    return f"urn:ogc:def:crs:EPSG::{crs.epsg}"


def _poslist(xyz: np.ndarray) -> str:
    ring = np.vstack([xyz, xyz[:1]])
    return " ".join(np.char.mod("%.4f", ring.ravel()).tolist()).replace(".0000", "")


class _Writer:
    def __init__(self, model, lod, object_attributes):
        self.m = model
        self.lod = lod
        self.results = object_attributes or {}
        self.used_ids: set[str] = set()
        self.n_polygons = 0
        self.n_objects = 0

    def unique_id(self, base: str) -> str:
        gid, k = base, 1
        while gid in self.used_ids:
            k += 1
            gid = f"{base}_{k}"
        self.used_ids.add(gid)
        return gid

    # -------------------------------------------------------------- geometry
    def polygon(self, xf, row: int, pid: str | None):
        from lxml import etree

        m = self.m
        attrs = {_q("gml", "id"): pid} if pid else {}
        with xf.element(_q("gml", "Polygon"), attrs):
            r0, r1 = m.polygon_offsets[row], m.polygon_offsets[row + 1]
            for k, ri in enumerate(range(r0, r1)):
                idx = m.ring_vertices[m.ring_offsets[ri]:m.ring_offsets[ri + 1]]
                with xf.element(_q("gml", "exterior" if k == 0 else "interior")):
                    with xf.element(_q("gml", "LinearRing")):
                        el = etree.Element(_q("gml", "posList"), srsDimension="3")
                        el.text = _poslist(m.vertices[idx])
                        xf.write(el)
        self.n_polygons += 1

    def valid_rows(self, rows):
        m = self.m
        out = []
        for r in rows:
            r0 = m.polygon_offsets[r]
            if m.ring_offsets[r0 + 1] - m.ring_offsets[r0] >= 3:
                out.append(int(r))
        return out

    def multisurface(self, xf, rows, ids):
        with xf.element(_q("gml", "MultiSurface")):
            for r in rows:
                with xf.element(_q("gml", "surfaceMember")):
                    self.polygon(xf, r, ids.get(r))

    def solid(self, xf, rows, ids, hrefs: set):
        with xf.element(_q("gml", "Solid")):
            with xf.element(_q("gml", "exterior")):
                with xf.element(_q("gml", "CompositeSurface")):
                    for r in rows:
                        if r in hrefs:
                            xf.write(_href_member(ids[r]))
                        else:
                            with xf.element(_q("gml", "surfaceMember")):
                                self.polygon(xf, r, ids.get(r))

    # -------------------------------------------------------------- objects
    def write_object(self, xf, oid: str):
        m = self.m
        obj = m.objects[oid]
        is_bldg = obj.type in BUILDING_TYPES
        g = m.select_geometry(obj, self.lod)
        simple = SIMPLE_TYPES.get(obj.type)
        if simple is not None and g is not None and _lod_major(g.lod, 1) not in simple[3]:
            simple = None
        if simple is None:
            simple = SIMPLE_TYPES["GenericCityObject"]
        tag = _q("bldg", obj.type) if is_bldg else _q(simple[0], simple[1])
        gid = self.unique_id(gml_id(oid))
        self.n_objects += 1
        attrs = dict(obj.attributes)
        if oid in self.results:
            attrs.update(self.results[oid])
        with xf.element(tag, {_q("gml", "id"): gid}):
            if gid != oid:
                _text(xf, _q("gml", "name"), oid)
            generic = {k: v for k, v in attrs.items() if not (is_bldg and k in _BLDG_SIMPLE and _fits(k, v))}
            if gid != oid:
                generic.setdefault("identifier", oid)
            if not is_bldg and simple[1] == "GenericCityObject" and obj.type != "GenericCityObject":
                generic.setdefault("originalType", obj.type)
            for k, v in generic.items():
                _generic(xf, k, v)
            if not is_bldg:
                if g is not None:
                    lodn = _lod_major(g.lod, 1)
                    rows = self.valid_rows(range(g.poly_start, g.poly_stop))
                    lodn = min(max(lodn, 0), 4)
                    with xf.element(_q(simple[0], simple[2].format(n=lodn))):
                        self.multisurface(xf, rows, {r: f"{gid}_p{i}" for i, r in enumerate(rows)})
                return
            for k in _BLDG_SIMPLE:
                if k in attrs and _fits(k, attrs[k]):
                    v = attrs[k]
                    if k == "measuredHeight":
                        _text(xf, _q("bldg", k), _num(v), uom="m")
                    elif k in ("yearOfConstruction", "storeysAboveGround"):
                        _text(xf, _q("bldg", k), str(int(float(v))))
                    else:
                        _text(xf, _q("bldg", k), str(v))
            geoms = [g] if (self.lod is not None and g is not None) else \
                [x for x in obj.geometries if x.n_polygons > 0]
            if geoms:
                self.building_geometry(xf, geoms, gid)
            for child in obj.children:
                if child in m.objects and m.objects[child].type == "BuildingPart":
                    with xf.element(_q("bldg", "consistsOfBuildingPart")):
                        self.write_object(xf, child)

    def building_geometry(self, xf, geoms, gid: str):
        """All surface geometries of a building (or the one of ``lod``) in schema order:
        lod1/lod2 Solid+MultiSurface, thematic surfaces (with openings), lod3/lod4."""
        m = self.m
        per_lod: dict[int, dict] = {}
        k = 0
        for g in geoms:
            n = min(max(_lod_major(g.lod, 2), 1), 4)
            d = per_lod.setdefault(n, {"solid": [], "ms": [], "groups": {}, "openings": []})
            rows = self.valid_rows(range(g.poly_start, g.poly_stop))
            sems = g.semantic_surfaces or []
            for r in rows:
                d.setdefault("ids", {})[r] = f"{gid}_p{k}"
                k += 1
            is_solid = g.type in ("Solid", "CompositeSolid", "MultiSolid")
            for r in rows:
                name = SURFACE_TYPES[int(m.polygon_semantic[r])]
                surf = int(m.polygon_surface[r])
                if n >= 2 and name in THEMATIC:
                    d["groups"].setdefault((id(g), surf if surf >= 0 else -1, name), {"rows": [], "g": g})["rows"].append(r)
                    (d["solid"] if is_solid else d.setdefault("themonly", [])).append(r)
                elif n >= 3 and name in ("Window", "Door"):
                    sem = sems[surf] if 0 <= surf < len(sems) and isinstance(sems[surf], dict) else {}
                    d["openings"].append((r, name, id(g), sem.get("parent"), surf))
                    (d["solid"] if is_solid else d.setdefault("themonly", [])).append(r)
                else:
                    (d["solid"] if is_solid else d["ms"]).append(r)
        # openings need a thematic parent surface of the same LoD, else they stay plain
        for n, d in per_lod.items():
            for r, name, gkey, parent, surf in d["openings"]:
                target = next((key for key in d["groups"] if key[0] == gkey and key[1] == parent), None) \
                    if parent is not None else None
                if target is None:
                    target = next((key for key in d["groups"] if key[2] == "WallSurface"), None) or \
                        next(iter(d["groups"]), None)
                if target is None:
                    if r not in d["solid"]:
                        d["ms"].append(r)
                    continue
                d["groups"][target].setdefault("openings", {}).setdefault((name, surf), []).append(r)

        def direct(n):
            d = per_lod.get(n)
            if not d:
                return
            hrefs = {r for grp in d["groups"].values() for r in grp["rows"]} | \
                    {r for grp in d["groups"].values() for rs in grp.get("openings", {}).values() for r in rs}
            if d["solid"]:
                with xf.element(_q("bldg", f"lod{n}Solid")):
                    self.solid(xf, d["solid"], d["ids"], hrefs)
            if d["ms"]:
                with xf.element(_q("bldg", f"lod{n}MultiSurface")):
                    self.multisurface(xf, d["ms"], d["ids"])

        direct(1)
        direct(2)
        for n in sorted(per_lod):
            d = per_lod[n]
            for (gkey, surf, name), grp in d["groups"].items():
                sid = self.unique_id(f"{gid}_{name}_{n}_{surf if surf >= 0 else 0}")
                sems = grp["g"].semantic_surfaces or []
                semobj = sems[surf] if 0 <= surf < len(sems) else None
                with xf.element(_q("bldg", "boundedBy")):
                    with xf.element(_q("bldg", name), {_q("gml", "id"): sid}):
                        if isinstance(semobj, dict):
                            for key, v in semobj.items():
                                if key not in ("type", "parent", "children"):
                                    _generic(xf, key, v)
                        with xf.element(_q("bldg", f"lod{n}MultiSurface")):
                            self.multisurface(xf, grp["rows"], d["ids"])
                        for (oname, osurf), rs in grp.get("openings", {}).items():
                            with xf.element(_q("bldg", "opening")):
                                with xf.element(_q("bldg", oname), {_q("gml", "id"): self.unique_id(f"{sid}_{oname}_{osurf}")}):
                                    with xf.element(_q("bldg", f"lod{n}MultiSurface")):
                                        self.multisurface(xf, rs, d["ids"])
        direct(3)
        direct(4)


def _href_member(pid: str):
    from lxml import etree

    return etree.Element(_q("gml", "surfaceMember"), {_q("xlink", "href"): f"#{pid}"})


def _lod_major(lod, default: int) -> int:
    try:
        return int(float(str(lod).split(".")[0]))
    except (TypeError, ValueError):
        return default


def _fits(k: str, v) -> bool:
    if k == "measuredHeight":
        return _is_num(v)
    if k in ("yearOfConstruction", "storeysAboveGround"):
        return _is_num(v) and float(v) == int(float(v)) and float(v) >= 0
    return isinstance(v, (str, int)) and not isinstance(v, bool) and str(v) != ""


def _is_num(v) -> bool:
    try:
        return np.isfinite(float(v)) and not isinstance(v, bool)
    except (TypeError, ValueError):
        return False


def _num(v) -> str:
    return repr(float(v))


def _text(xf, tag, text, **attrs):
    from lxml import etree

    el = etree.Element(tag, attrs)
    el.text = text
    xf.write(el)


def _generic(xf, name, value):
    from lxml import etree

    if value is None:
        return
    if isinstance(value, bool):
        kind, text = "stringAttribute", "true" if value else "false"
    elif isinstance(value, (int, np.integer)):
        kind, text = "intAttribute", str(int(value))
    elif isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            return
        kind, text = "doubleAttribute", repr(float(value))
    elif isinstance(value, str):
        kind, text = "stringAttribute", value
    else:
        import json

        kind, text = "stringAttribute", json.dumps(value, ensure_ascii=False, default=str)
    el = etree.Element(_q("gen", kind), name=str(name))
    v = etree.SubElement(el, _q("gen", "value"))
    v.text = _xml_safe(text)
    xf.write(el)


def _xml_safe(text: str) -> str:
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)


def write_citygml(model, path, lod=None, object_attributes=None, name: str | None = None) -> dict:
    """Write ``model`` as CityGML 2.0 (streamed to a temp file, then renamed). Returns a summary
    (objects written, polygons)."""
    from lxml import etree

    from stadtbild.model.fileio import replace_via_temp

    w = _Writer(model, lod, object_attributes)

    def write(tmp):
        with etree.xmlfile(tmp, encoding="utf-8") as xf:
            xf.write_declaration()
            with xf.element(_q("core", "CityModel"), {_q("xsi", "schemaLocation"): SCHEMA_LOCATION}, nsmap=NS):
                _text(xf, _q("gml", "name"), name or "; ".join(map(str, model.sources)) or "Stadtbild export")
                bb = model.bbox()
                srs = srs_name(model)
                if bb is not None:
                    env_attrs = {"srsDimension": "3"}
                    if srs:
                        env_attrs["srsName"] = srs
                    env = etree.Element(_q("gml", "boundedBy"))
                    e = etree.SubElement(env, _q("gml", "Envelope"), env_attrs)
                    etree.SubElement(e, _q("gml", "lowerCorner")).text = " ".join(f"{v:.4f}" for v in bb[:3])
                    etree.SubElement(e, _q("gml", "upperCorner")).text = " ".join(f"{v:.4f}" for v in bb[3:])
                    xf.write(env)
                for oid, obj in model.objects.items():
                    if any(p in model.objects for p in obj.parents) and obj.type == "BuildingPart":
                        continue  # nested in its building
                    with xf.element(_q("core", "cityObjectMember")):
                        w.write_object(xf, oid)

    replace_via_temp(path, write)
    return {"objects": w.n_objects, "polygons": w.n_polygons}
