"""CityGML 1.0 / 2.0 / 3.0 reader, streamed with lxml ``iterparse``.

Specs: OGC 08-007r1 (CityGML 1.0), OGC 12-019 (CityGML 2.0), OGC 20-010 + 21-006 (CityGML 3.0
conceptual model and GML encoding), GML 3.1.1 (OGC 03-105r1) and GML 3.2.1 (ISO 19136).

How it works
------------
- The file is read with ``lxml.etree.iterparse`` and only the end events of the CityModel's
  members (``cityObjectMember``, ``gml:featureMember``, ``appearanceMember``) are delivered. Each
  member (one top-level city object with its parts, rooms, thematic surfaces …) is turned into
  model objects as soon as it is complete and then cleared and unlinked from the tree, so memory
  holds one member at a time, never the whole document.
- The parser is safe against hostile XML: entities are not expanded (``resolve_entities=False``),
  no DTD is loaded, nothing is fetched from the network (``no_network=True``) and libxml2's size
  limits stay on (``huge_tree=False``). A file with an external entity or DTD reads no local file.
- Coordinates (``gml:posList``, a run of ``gml:pos`` or GML 2 ``gml:coordinates``) are collected
  as text while a member is walked and parsed for a batch of members (≈4,000 rings) by one
  ``numpy.fromstring`` call ('nan'-separated), then split, checked and stripped of the closing
  vertex with index arithmetic. ``srsDimension`` comes from the element, its geometry or the
  envelope (default 3; 2D gets z = 0). Rings are stored not closed. A ring whose count is not a
  multiple of ``srsDimension``, or that holds non-numbers, is skipped and counted in a warning.
- Polygons become rows of the model's CSR polygon table through
  :class:`model.citymodel.BoundaryBuilder`. ``xlink:href`` references to polygons or surface
  aggregates (``#id``) are resolved first within the member, then against all earlier members;
  references to later members are resolved after the pass. ``gml:OrientableSurface`` with
  ``orientation="-"`` reverses its rings.
- Thematic surfaces (``boundedBy`` in 1.0/2.0, ``boundary`` in 3.0: RoofSurface, WallSurface …,
  openings Window/Door, 3.0 WindowSurface/DoorSurface, TrafficArea, WaterSurface …) give their
  polygons a semantic code (:func:`model.semantics.surface_code`) and a semantic surface object
  (type + the surface's attributes). When a solid of the object references those polygons (the
  usual way in German LoD2 data), the solid carries the semantics; thematic polygons not used by
  any direct geometry of the object become one ``MultiSurface`` per LoD, as CityJSON converters
  (citygml-tools) do.
- Implicit geometries (``lodXImplicitRepresentation``) are expanded into explicit polygons:
  v' = M · (x, y, z, 1)ᵀ + referencePoint (CityGML 2.0 §8.3.4).
- Terrain (``dem:TINRelief`` — ``gml:TriangulatedSurface``, or ``gml:Tin`` control points
  triangulated by Delaunay) gets the semantic code ``Terrain``.
- Identical coordinates are merged at the end (``np.unique`` on the exact float64 triples); the
  number of distinct vertices is ``model.file_vertex_count``.

Object types are given their CityJSON 2.0 names (``Room`` -> ``BuildingRoom``, ``Storey`` ->
``BuildingStorey``, ``ReliefFeature``/``TINRelief`` -> ``TINRelief`` …). Parts, rooms,
installations, furniture, storeys and units become child objects with ``parents``/``children``
links. Attributes: ``gml:name``, ``gml:description``, generic attributes with their types
(string/int/double/date/uri/measure, 3.0 ``genericAttribute``), class/function/usage (strings,
codes keep their leading zeros), ``measuredHeight`` (float; its unit in ``extra["uom"]``),
``storeysAboveGround`` (int), ``roofType`` …, the address flattened as ``address.LocalityName`` …
(and as a CityJSON ``address`` in ``extra``). Curves (terrain intersections, MultiCurve) and
appearances (textures, materials) are not read.
"""
from __future__ import annotations

import gc
import math
import re
import sys
import warnings
from pathlib import Path

import numpy as np
from lxml import etree

from model.citymodel import BoundaryBuilder, CityModel, CityObject, Geometry
from model.crs import CRSInfo, parse_crs
from model.errors import InputError, UnsupportedFormatError
from model.semantics import TERRAIN, surface_code

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_GML_NS = ("http://www.opengis.net/gml", "http://www.opengis.net/gml/3.2")
_CITYGML_PREFIX = "http://www.opengis.net/citygml/"
_CORE_VERSIONS = {
    "http://www.opengis.net/citygml/1.0": "1.0",
    "http://www.opengis.net/citygml/2.0": "2.0",
    "http://www.opengis.net/citygml/3.0": "3.0",
}
_MEMBER_TAGS = ("{*}cityObjectMember", "{*}featureMember", "{*}featureMembers", "{*}appearanceMember",
                "{*}Envelope")

#: CityGML feature local name -> CityJSON 2.0 object type
OBJECT_TYPES = {
    "Building": "Building", "BuildingPart": "BuildingPart", "Room": "BuildingRoom",
    "BuildingRoom": "BuildingRoom", "BuildingInstallation": "BuildingInstallation",
    "IntBuildingInstallation": "BuildingInstallation", "BuildingFurniture": "BuildingFurniture",
    "BuildingConstructiveElement": "BuildingConstructiveElement", "Storey": "BuildingStorey",
    "BuildingUnit": "BuildingUnit",
    "Bridge": "Bridge", "BridgePart": "BridgePart", "BridgeInstallation": "BridgeInstallation",
    "IntBridgeInstallation": "BridgeInstallation", "BridgeConstructionElement": "BridgeConstructiveElement",
    "BridgeConstructiveElement": "BridgeConstructiveElement", "BridgeRoom": "BridgeRoom",
    "BridgeFurniture": "BridgeFurniture",
    "Tunnel": "Tunnel", "TunnelPart": "TunnelPart", "TunnelInstallation": "TunnelInstallation",
    "IntTunnelInstallation": "TunnelInstallation", "HollowSpace": "TunnelHollowSpace",
    "TunnelFurniture": "TunnelFurniture", "TunnelConstructiveElement": "TunnelConstructiveElement",
    "ReliefFeature": "TINRelief", "TINRelief": "TINRelief",
    "WaterBody": "WaterBody", "PlantCover": "PlantCover",
    "SolitaryVegetationObject": "SolitaryVegetationObject", "CityFurniture": "CityFurniture",
    "LandUse": "LandUse", "Road": "Road", "Railway": "Railway", "Track": "Road",
    "Square": "TransportSquare", "TransportationComplex": "Road", "Waterway": "Waterway",
    "GenericCityObject": "GenericCityObject", "GenericOccupiedSpace": "GenericCityObject",
    "GenericUnoccupiedSpace": "GenericCityObject", "GenericLogicalSpace": "GenericCityObject",
    "OtherConstruction": "OtherConstruction", "CityObjectGroup": "CityObjectGroup",
}
#: features nested in a city object that become child objects (others are read into their parent)
CHILD_FEATURES = {
    "BuildingPart", "Room", "BuildingRoom", "BuildingInstallation", "IntBuildingInstallation",
    "BuildingFurniture", "BuildingConstructiveElement", "Storey", "BuildingUnit",
    "BridgePart", "BridgeInstallation", "IntBridgeInstallation", "BridgeConstructionElement",
    "BridgeConstructiveElement", "BridgeRoom", "BridgeFurniture",
    "TunnelPart", "TunnelInstallation", "IntTunnelInstallation", "HollowSpace", "TunnelFurniture",
    "TunnelConstructiveElement",
}
#: properties whose children are thematic (semantic) surfaces
THEMATIC_PROPERTIES = {"boundedBy", "boundary", "opening", "fillingSurface", "filling", "trafficArea",
                       "auxiliaryTrafficArea", "marking", "hole"}
#: CityGML thematic surface names that differ from the CityJSON semantic names
_SURFACE_ALIASES = {"Marking": "TransportationMarking", "HoleSurface": "TransportationHole",
                    "Hole": "TransportationHole", "WindowSurface": "Window", "DoorSurface": "Door"}
_SKIP_PROPERTIES = {"appearance", "externalReference", "generalizesTo", "groupMember", "parent",
                    "adeOfAbstractCityObject"}
_INT_ATTRS = {"storeysAboveGround", "storeysBelowGround", "yearOfConstruction", "yearOfDemolition"}
_FLOAT_ATTRS = {"measuredHeight", "averageHeight", "height", "trunkDiameter", "crownDiameter"}
_FLOAT_LIST_ATTRS = {"storeyHeightsAboveGround", "storeyHeightsBelowGround"}
_GENERIC_1_2 = {"stringAttribute": "string", "intAttribute": "int", "doubleAttribute": "double",
                "dateAttribute": "date", "uriAttribute": "uri", "measureAttribute": "measure",
                "genericAttributeSet": "set"}
_GENERIC_3 = {"StringAttribute": "string", "IntAttribute": "int", "DoubleAttribute": "double",
              "DateAttribute": "date", "UriAttribute": "uri", "MeasureAttribute": "measure",
              "CodeAttribute": "string", "GenericAttributeSet": "set"}
_LOD_PROPERTY = re.compile(r"^lod([0-4])([A-Z]\w*)$")
_CURVE_WORDS = ("Curve", "TerrainIntersection", "Point", "Network")
#: xAL 2 (CityGML 1.0/2.0) and xAL 3 (CityGML 3.0) address parts -> flat key
_ADDRESS_KEYS = {
    ("CountryName", None): "CountryName", ("Country", "NameElement"): "CountryName",
    ("LocalityName", None): "LocalityName", ("Locality", "NameElement"): "LocalityName",
    ("DependentLocalityName", None): "DependentLocalityName",
    ("ThoroughfareName", None): "ThoroughfareName", ("Thoroughfare", "NameElement"): "ThoroughfareName",
    ("ThoroughfareNumber", None): "ThoroughfareNumber", ("Thoroughfare", "Number"): "ThoroughfareNumber",
    ("PostalCodeNumber", None): "PostalCode", ("PostCode", "Identifier"): "PostalCode",
    ("AdministrativeAreaName", None): "AdministrativeAreaName",
}
_MAX_XLINK_DEPTH = 16
_SURFACE_CODES: dict = {}
_RING_TAGS = ("{*}LinearRing", "{*}Ring")
#: members are emitted in batches so that their coordinates are parsed by one numpy call
_BATCH_RINGS = 4096
_POLYGON_TAGS = {f"{{{ns}}}{name}" for ns in _GML_NS for name in ("Polygon", "PolygonPatch", "Triangle", "Rectangle")}
_POSLIST_TAGS = {f"{{{ns}}}posList" for ns in _GML_NS}
_BATCH_MEMBERS = 512
#: |coordinate| above this is no place on Earth (as in the CityJSON reader): the ring is skipped
MAX_COORDINATE = 1e9
#: lxml parser settings of every XML reader: no entity expansion, no DTD, nothing fetched from the
#: network, libxml2's size limits on, no recovery from errors (hostile XML, see module docstring)
SAFE_PARSER = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True,
                   remove_pis=True, dtd_validation=False, recover=False)

_local_cache: dict = {}


def _local(tag) -> str:
    """Local name of an element tag ('{ns}Name' -> 'Name'); '' for comments/entities."""
    name = _local_cache.get(tag)
    if name is None:
        if not isinstance(tag, str):
            return ""
        name = tag.rpartition("}")[2]
        _local_cache[tag] = name
    return name


def _ns(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def _children(el):
    """Element children only (no comments, processing instructions or entity references)."""
    return el.iterchildren(etree.Element)


def _text(el) -> str:
    return (el.text or "").strip()


class _Member:
    """State of one top-level member while it is read: polygon definitions by gml:id, the object
    records in document order, and the coordinate texts of its rings, parsed in one batch when
    the member is complete (rings are placeholders until then: ring number, ~number = reversed)."""

    __slots__ = ("defs", "objects", "texts", "dims", "ring_lists")

    def __init__(self):
        self.defs: dict = {}
        self.objects: list = []
        self.texts: list = []
        self.dims: list = []
        self.ring_lists: list = []  # (polygon key, list of ring placeholders) to materialise


class _VertexPool:
    """Vertex coordinates in chunks; indices are handed out in the order chunks are added."""

    __slots__ = ("chunks", "n")

    def __init__(self):
        self.chunks: list = []
        self.n = 0

    def add(self, arr: np.ndarray) -> int:
        start = self.n
        self.chunks.append(arr)
        self.n += len(arr)
        return start

    def array(self) -> np.ndarray:
        if not self.chunks:
            return np.zeros((0, 3), dtype=np.float64)
        return self.chunks[0] if len(self.chunks) == 1 else np.concatenate(self.chunks)


class _ObjectRecord:
    __slots__ = ("id", "type", "attributes", "extra", "parent", "geometries", "thematic", "surfaces",
                 "surface_parents", "children_refs")

    def __init__(self, oid: str, otype: str, parent: str | None):
        self.id = oid
        self.type = otype
        self.attributes: dict = {}
        self.extra: dict = {}
        self.parent = parent
        self.geometries: list = []  # (gtype, lod, shells: list[list[item]])
        self.thematic: list = []  # (lod, code, surface index, items)
        self.surfaces: list = []  # semantic surface dicts (type and attributes)
        self.surface_parents: list = []  # index of the surface an opening belongs to, or None
        self.children_refs: list = []


class _Reader:
    def __init__(self, path: Path, model: CityModel):
        self.path = path
        self.model = model
        self.builder = BoundaryBuilder()
        # compact storage of the flat index lists (8 bytes per entry instead of a Python int)
        from array import array

        for name in ("ring_vertices", "ring_lengths", "poly_nrings", "poly_shell", "poly_geometry",
                     "poly_surface"):
            setattr(self.builder, name, array("q"))
        self.builder.poly_semantic = array("h")
        self.pool = _VertexPool()
        self.batch: list = []  # members read but not yet emitted (their rings are parsed together)
        self.batch_rings = 0
        self.global_defs: dict = {}
        self.templates: dict = {}
        self.deferred: list = []
        self.dim_default = 3
        self.srs_names: dict[str, int] = {}
        self.counter = 0
        self.bad_rings = 0
        self.bad_ring_example = ""
        self.two_d = False
        self.unresolved_refs = 0
        self.unresolved_example = ""
        self.skipped_curves = 0
        self.member: _Member | None = None
        self.warn_log: list = []
        self.object_index: dict[str, int] = {}
        self.pending_children: list = []
        self.id_attr = "{http://www.opengis.net/gml}id"

    # ------------------------------------------------------------------ coordinates
    def _coord_text(self, el, dim: int):
        """(text, srsDimension) of the coordinates of a LinearRing / LineString / Point / control
        point list; text None when the element holds none."""
        if not len(el):
            return None, dim
        first = el[0]
        ln = _local(first.tag)
        if ln == "posList":
            text = first.text
            d = first.get("srsDimension") or el.get("srsDimension")
            if d:
                dim = int(d) if d.isdecimal() else 0
        elif ln == "pos":
            text = " ".join(k.text or "" for k in el if _local(k.tag) == "pos")
            d = first.get("srsDimension")
            if d:
                dim = int(d) if d.isdecimal() else 0
        elif ln == "coordinates":
            cs = first.get("cs", ",")
            ts = first.get("ts", " ")
            dec = first.get("decimal", ".")
            raw = first.text or ""
            parts = raw.split()
            dim = len(parts[0].split(cs)) if parts else dim
            text = raw.replace(dec, ".") if dec != "." else raw
            text = text.replace(cs, " ").replace(ts, " ")
        elif ln in ("pointProperty", "pointRep"):
            pts = []
            for k in el:
                for p in _children(k):
                    for q in _children(p):
                        pts.append(q.text or "")
            text = " ".join(pts)
        else:
            return None, dim
        return text, dim

    def _parse_coords(self, text, dim: int) -> np.ndarray | None:
        """(n, 3) float64 from a coordinate text, or None if it is not a list of finite numbers
        whose count is a multiple of ``dim`` (2 or 3; 2D gets z = 0)."""
        if not text:
            return None
        n_warn = len(self.warn_log)
        try:
            arr = np.fromstring(text, sep=" ")
        except ValueError:  # a token that is not a number (numpy >= 2.3 raises)
            return None
        if len(self.warn_log) != n_warn:  # a token that is not a number (older numpy warns)
            del self.warn_log[n_warn:]
            return None
        n = arr.size
        if not n or dim not in (2, 3) or n % dim or not math.isfinite(arr.sum()) or np.abs(arr).max() > MAX_COORDINATE:
            return None
        arr = arr.reshape(-1, dim)
        if dim == 2:
            self.two_d = True
            arr = np.column_stack([arr, np.zeros(len(arr))])
        return arr

    def _coords(self, el, dim: int) -> np.ndarray | None:
        text, dim = self._coord_text(el, dim)
        return self._parse_coords(text, dim)

    def _add_vertices(self, arr: np.ndarray) -> int:
        return self.pool.add(arr)

    def _ring(self, lr, dim: int) -> int:
        """Register a LinearRing's coordinate text with the member; returns its ring number
        (materialised into a range of vertex indices by :meth:`_materialise`)."""
        if _local(lr.tag) == "Ring":  # gml:Ring of curve members: concatenate the curves' points
            parts = []
            for cm in _children(lr):
                for curve in _children(cm):
                    for seg in curve.iter("{*}posList", "{*}pos"):
                        parts.append(seg.text or "")
            text = " ".join(parts)
        else:
            text, dim = self._coord_text(lr, dim)
        m = self.member
        m.texts.append(text or "")
        m.dims.append(dim)
        return len(m.texts) - 1

    def _polygon(self, el, dim: int, defs: dict):
        """gml:Polygon / PolygonPatch / Triangle / Rectangle -> leaf item. The exterior ring comes
        first in document order (GML schema), interiors follow."""
        m = self.member
        texts, dims = m.texts, m.dims
        rings = []
        for lr in el.iter(*_RING_TAGS):
            first = lr[0] if len(lr) else None
            if first is not None and first.tag in _POSLIST_TAGS:  # the common case, inline
                d = first.get("srsDimension") or lr.get("srsDimension")
                rings.append(len(texts))
                texts.append(first.text or "")
                dims.append(dim if d is None else int(d) if d.isdecimal() else 0)
            else:
                rings.append(self._ring(lr, dim))
        if not rings:
            self.bad_rings += 1
            return None
        gid = el.get(self.id_attr)
        self.counter += 1
        key = gid or self.counter
        item = ("P", key, rings)
        m.ring_lists.append((key, rings))
        if gid:
            defs[gid] = [item]
        return item

    def _materialise(self, member: _Member) -> None:
        """Parse the ring texts of one member (a template) and resolve its ring placeholders."""
        ranges = self._parse_rings(member.texts, member.dims) if member.texts else []
        self._apply_ranges(member, ranges, 0)

    def _apply_ranges(self, member: _Member, ranges: list, base: int) -> None:
        """Replace the ring placeholders of ``member``'s polygons by ranges of vertex indices (in
        place; ring number r is ``ranges[base + r]``). A polygon whose exterior is bad loses all
        rings (and is skipped later); a bad interior ring is dropped."""
        for key, rings in member.ring_lists:
            out = []
            for k, r in enumerate(rings):
                rng = ranges[base + (r if r >= 0 else ~r)]
                if rng is None:
                    self.bad_rings += 1
                    if not self.bad_ring_example:
                        self.bad_ring_example = f"polygon {key}" if isinstance(key, str) else ""
                    if k == 0:
                        out = []
                        break
                    continue
                out.append(rng if r >= 0 else rng[::-1])
            rings[:] = out
        member.texts = []
        member.dims = []
        member.ring_lists = []

    def _parse_rings(self, texts: list, dims: list) -> list:
        """Vertex ranges (or None for a bad ring) of ring coordinate texts. Fast path: all rings
        3D, joined with 'nan' separators and parsed by one ``numpy.fromstring``; closing vertices
        are dropped and vertices gathered with index arithmetic. Anything unusual (2D, bad
        tokens, a 'nan' in the data) falls back to one parse per ring."""
        n = len(texts)
        big = None
        if dims.count(3) == n:
            n_warn = len(self.warn_log)
            try:
                big = np.fromstring(" nan ".join(texts), sep=" ")
            except ValueError:
                big = None
            if len(self.warn_log) != n_warn:
                del self.warn_log[n_warn:]
                big = None
        if big is not None:
            seps = np.flatnonzero(np.isnan(big))
            if len(seps) == n - 1 and not (np.abs(big) > MAX_COORDINATE).any():  # also inf
                bounds = np.empty(n + 1, dtype=np.int64)
                bounds[0] = 0
                bounds[1:-1] = seps + 1
                bounds[-1] = len(big) + 1
                starts = bounds[:-1]
                counts = bounds[1:] - 1 - starts
                nv = counts // 3
                ok = (counts % 3 == 0) & (nv >= 3)
                cols = np.arange(3)
                closed = np.zeros(n, dtype=bool)
                okr = np.flatnonzero(ok)  # only complete rings: empty/short texts index nothing
                closed[okr] = (big[starts[okr, None] + cols] == big[(starts + counts - 3)[okr, None] + cols]).all(axis=1)
                lens = nv - closed
                ok &= lens >= 3
                lens = np.where(ok, lens, 0)
                total = int(lens.sum())
                before = np.zeros(n, dtype=np.int64)
                np.cumsum(lens[:-1], out=before[1:])
                ring_of = np.repeat(np.arange(n), lens)
                j = np.arange(total) - before[ring_of]
                base = starts[ring_of] + 3 * j
                verts = big[base[:, None] + cols]
                start = self._add_vertices(verts) if total else 0
                out = [None] * n
                for i, (b, ln_) in enumerate(zip((before + start).tolist(), lens.tolist())):
                    if ln_:
                        out[i] = range(b, b + ln_)
                return out
        out = []
        for text, dim in zip(texts, dims):
            arr = self._parse_coords(text, dim)
            if arr is None or len(arr) < 3:
                out.append(None)
                continue
            last = len(arr) - 1
            a0, al = arr[0], arr[last]
            if a0[0] == al[0] and a0[1] == al[1] and a0[2] == al[2]:
                arr = arr[:last]
            if len(arr) < 3:
                out.append(None)
                continue
            start = self._add_vertices(arr)
            out.append(range(start, start + len(arr)))
        return out

    # ------------------------------------------------------------------ surfaces
    def _surfaces(self, el, out: list, dim: int, defs: dict) -> None:
        """Append the polygon items of any GML surface element ``el`` to ``out``."""
        ln = _local(el.tag)
        d = el.get("srsDimension")
        if d and d.isdecimal():
            dim = int(d)
        if ln in ("Polygon", "PolygonPatch", "Triangle", "Rectangle"):
            item = self._polygon(el, dim, defs)
            if item is not None:
                out.append(item)
            return
        if ln == "OrientableSurface":
            reverse = el.get("orientation", "+") == "-"
            inner: list = []
            for base in (el):
                href = base.get(XLINK_HREF)
                if href:
                    inner.append(("R", href.lstrip("#"), False))
                else:
                    for g in (base):
                        self._surfaces(g, inner, dim, defs)
            if reverse:
                inner = [_reversed_item(it, self.member) for it in inner]
            start = len(out)
            out.extend(inner)
            gid = el.get(self.id_attr)
            if gid:
                defs[gid] = out[start:]
            return
        if ln in ("Solid", "MultiSolid", "CompositeSolid"):
            for shell in self._solid_shells(el, dim, defs):
                out.extend(shell)
            return
        if ln in ("Curve", "LineString", "MultiCurve", "CompositeCurve", "Point", "MultiPoint", "OrientableCurve"):
            self.skipped_curves += 1
            return
        # aggregates: MultiSurface, CompositeSurface, Shell, Surface, TriangulatedSurface, Tin,
        # MultiGeometry, …
        start = len(out)
        for member in el:
            href = member.get(XLINK_HREF)
            if href:
                out.append(("R", href.lstrip("#"), False))
                continue
            if _local(member.tag) in ("controlPoint", "stopLines", "breakLines", "maxLength"):
                continue
            for g in member:
                if g.tag in _POLYGON_TAGS and g.get("srsDimension") is None:
                    item = self._polygon(g, dim, defs)  # the common case, without recursion
                    if item is not None:
                        out.append(item)
                else:
                    self._surfaces(g, out, dim, defs)
        if ln == "Tin" and len(out) == start:
            self._tin_control_points(el, out, dim)
        gid = el.get(self.id_attr)
        if gid:
            defs[gid] = out[start:]

    def _tin_control_points(self, el, out: list, dim: int) -> None:
        """gml:Tin given only by control points: Delaunay triangulation in x/y (scipy/Qhull)."""
        cp = next((c for c in (el) if _local(c.tag) == "controlPoint"), None)
        if cp is None:
            return
        arr = self._coords(cp, dim)
        if arr is None or len(arr) < 3:
            self.bad_rings += 1
            return
        try:
            from scipy.spatial import Delaunay

            tri = Delaunay(arr[:, :2]).simplices
        except Exception:
            self.bad_rings += 1
            return
        start = self._add_vertices(arr)
        for a, b, c in tri.tolist():
            self.counter += 1
            out.append(("P", self.counter, ((start + a, start + b, start + c),)))

    def _solid_shells(self, el, dim: int, defs: dict) -> list:
        """Shells (lists of items) of a gml:Solid, MultiSolid or CompositeSolid."""
        ln = _local(el.tag)
        shells = []
        if ln == "Solid":
            for b in (el):
                if _local(b.tag) not in ("exterior", "interior"):
                    continue
                items: list = []
                href = b.get(XLINK_HREF)
                if href:
                    items.append(("R", href.lstrip("#"), False))
                for g in (b):
                    self._surfaces(g, items, dim, defs)
                shells.append(items)
        else:
            for member in (el):
                href = member.get(XLINK_HREF)
                if href:
                    shells.append([("R", href.lstrip("#"), False)])
                    continue
                for g in (member):
                    shells.extend(self._solid_shells(g, dim, defs))
        gid = el.get(self.id_attr)
        if gid:
            defs[gid] = [it for s in shells for it in s]
        return shells

    def _geometry(self, el, dim: int, defs: dict):
        """A geometry element -> (type, shells, shells_per_solid) or None."""
        ln = _local(el.tag)
        srs = el.get("srsName")
        if srs:
            self.srs_names[srs] = self.srs_names.get(srs, 0) + 1
        if ln == "Solid":
            return "Solid", self._solid_shells(el, dim, defs), None
        if ln in ("MultiSolid", "CompositeSolid"):
            per_solid, shells = [], []
            for member in (el):
                href = member.get(XLINK_HREF)
                if href:
                    shells.append([("R", href.lstrip("#"), False)])
                    per_solid.append(1)
                    continue
                for g in (member):
                    s = self._solid_shells(g, dim, defs)
                    shells.extend(s)
                    per_solid.append(len(s))
            return ln, shells, per_solid
        if ln in ("Curve", "LineString", "MultiCurve", "CompositeCurve", "Point", "MultiPoint", "OrientableCurve"):
            self.skipped_curves += 1
            return None
        items: list = []
        self._surfaces(el, items, dim, defs)
        if ln in ("CompositeSurface", "Shell"):
            gtype = "CompositeSurface"
        elif ln in ("TriangulatedSurface", "Tin"):
            gtype = "CompositeSurface"
        else:
            gtype = "MultiSurface"
        return gtype, [items], None

    # ------------------------------------------------------------------ implicit geometry
    def _implicit(self, el, dim: int):
        """An ImplicitGeometry element -> (type, shells, per_solid) in world coordinates or None."""
        matrix = np.eye(4)
        ref = None
        template = None
        for c in (el):
            cl = _local(c.tag)
            if cl == "transformationMatrix":
                vals = _floats(_text(c))
                if vals is not None and len(vals) == 16 and np.isfinite(vals).all():
                    matrix = vals.reshape(4, 4)
            elif cl in ("relativeGMLGeometry", "relativeGeometry"):
                href = c.get(XLINK_HREF)
                if href:
                    template = self.templates.get(href.lstrip("#"))
                else:
                    g = next(iter(c), None)
                    if g is not None:
                        template = self._make_template(g, dim)
            elif cl == "referencePoint":
                for p in c.iter("{*}pos", "{*}coordinates"):
                    vals = _floats((p.text or "").replace(",", " "))
                    if vals is not None and len(vals) >= 2 and np.isfinite(vals).all():
                        ref = np.r_[vals[:3], np.zeros(3 - len(vals[:3]))]
                    break
        if template is None or ref is None:
            if template is None:
                self.unresolved_refs += 1
                self.unresolved_example = self.unresolved_example or "implicit geometry template"
            return None
        verts, gtype, shells, per_solid = template
        placed = verts @ matrix[:3, :3].T + matrix[:3, 3] + ref
        offset = self._add_vertices(placed)
        out_shells = []
        for shell in shells:
            new = []
            for _tag, _key, rings in shell:
                self.counter += 1
                new.append(("P", self.counter, tuple(_shift_ring(r, offset) for r in rings)))
            out_shells.append(new)
        return gtype, out_shells, per_solid

    def _make_template(self, g, dim: int):
        """Parse a template geometry into its own vertex list (local coordinates)."""
        saved, saved_pool = self.member, self.pool
        self.member, self.pool = _Member(), _VertexPool()
        defs: dict = {}
        try:
            parsed = self._geometry(g, dim, defs)
            tm, pool = self.member, self.pool
            self._materialise(tm)
        finally:
            self.member, self.pool = saved, saved_pool
        if parsed is None or not pool.n:
            return None
        gtype, shells, per_solid = parsed
        resolved = []
        for shell in shells:
            leaves: list = []
            for it in shell:
                leaves.extend(self._resolve(it, defs, None, 0))
            resolved.append([("P", k, r) for k, r in leaves])
        template = (pool.array(), gtype, resolved, per_solid)
        gid = g.get(self.id_attr)
        if gid:
            self.templates[gid] = template
        return template

    # ------------------------------------------------------------------ objects
    def _object(self, el, parent: str | None, member: _Member, dim: int) -> None:
        ln = _local(el.tag)
        oid = el.get("{http://www.opengis.net/gml}id") or el.get("{http://www.opengis.net/gml/3.2}id")
        if not oid:
            self.counter += 1
            oid = f"{ln}_{self.counter}"
        rec = _ObjectRecord(oid, OBJECT_TYPES.get(ln, ln), parent)
        member.objects.append(rec)
        self._object_content(el, rec, member, dim, own=True)

    def _object_content(self, el, rec: _ObjectRecord, member: _Member, dim: int, own: bool) -> None:
        """Read the properties of feature ``el`` into ``rec`` (``own`` False for features that are
        read into their parent, e.g. a TINRelief inside a ReliefFeature)."""
        defs = member.defs
        tin_lod = None
        for prop in el:
            tag = prop.tag
            kind = _PROP_KINDS.get(tag) or _prop_kind(tag)
            k = kind[0]
            if k == "geom" or k == "implicit":
                lod = kind[1]
                href = prop.get(XLINK_HREF)
                if href:
                    rec.geometries.append(("MultiSurface", lod, [[("R", href.lstrip("#"), False)]], None))
                    continue
                for g in prop:
                    parsed = self._implicit(g, dim) if k == "implicit" else self._geometry(g, dim, defs)
                    if parsed is not None:
                        gtype, shells, per_solid = parsed
                        rec.geometries.append((gtype, lod, shells, per_solid))
            elif k == "thematic":
                for s in prop:
                    self._thematic(s, rec, member, dim, None)
            elif k == "curve" or k == "none" or k == "skip":
                if k == "skip" and kind[1] == "groupMember" and prop.get(XLINK_HREF):
                    rec.children_refs.append(prop.get(XLINK_HREF).lstrip("#"))
            elif k == "gml":
                if own and kind[1] in ("name", "description", "identifier") and prop.text:
                    _add_attr(rec.attributes, kind[1], " ".join(prop.text.split()))
            elif k == "generic":
                if own:
                    _generic_attribute(prop, kind[1], rec.attributes, rec.extra)
            elif k == "generic3":
                if own:
                    for a in prop:
                        _generic_attribute(a, _GENERIC_3.get(_local(a.tag), "string"), rec.attributes, rec.extra)
            elif k == "tin":  # dem:TINRelief
                for g in prop:
                    parsed = self._geometry(g, dim, defs)
                    if parsed is not None:
                        rec.geometries.append(("CompositeSurface", tin_lod or "1", parsed[1], None))
            elif k == "lod":
                tin_lod = _text(prop) or None
            elif k == "address":
                if own:
                    _address(prop, rec)
            elif k == "height3":
                if own:
                    _height_3(prop, rec)
            elif not len(prop):
                if own and not prop.get(XLINK_HREF):  # an href here points to another feature
                    _simple_attribute(prop, kind[1], rec)
            else:
                for feat in prop:
                    fkind = _PROP_KINDS.get(feat.tag) or _prop_kind(feat.tag)
                    if fkind[0] == "childfeature":
                        self._object(feat, rec.id, member, dim)
                    elif fkind[0] == "feature":
                        # a feature read into its parent (TINRelief of a ReliefFeature, 3.0
                        # Section, TrafficSpace, …)
                        self._object_content(feat, rec, member, dim, own=False)

    def _thematic(self, s, rec: _ObjectRecord, member: _Member, dim: int, parent_surface: int | None) -> None:
        ln = _local(s.tag)
        if not ln:
            return
        name = _SURFACE_ALIASES.get(ln, ln)
        surface = {"type": name}
        index = len(rec.surfaces)
        rec.surfaces.append(surface)
        rec.surface_parents.append(parent_surface)
        code = _SURFACE_CODES.get(name)
        if code is None:
            code = _SURFACE_CODES[name] = surface_code(name)
        defs = member.defs
        for prop in s:
            tag = prop.tag
            kind = _PROP_KINDS.get(tag) or _prop_kind(tag)
            k = kind[0]
            if k == "geom" or k == "implicit":
                lod = kind[1]
                href = prop.get(XLINK_HREF)
                if href:
                    rec.thematic.append((lod, code, index, [("R", href.lstrip("#"), False)]))
                    continue
                for g in prop:
                    parsed = self._implicit(g, dim) if k == "implicit" else self._geometry(g, dim, defs)
                    if parsed is not None:
                        items = [it for shell in parsed[1] for it in shell]
                        rec.thematic.append((lod, code, index, items))
            elif k == "thematic":
                for o in prop:
                    self._thematic(o, rec, member, dim, index)
            elif k == "generic":
                _generic_attribute(prop, kind[1], surface, None)
            elif k == "generic3":
                for a in prop:
                    _generic_attribute(a, _GENERIC_3.get(_local(a.tag), "string"), surface, None)
            elif k == "gml" and kind[1] == "name" and prop.text:
                surface.setdefault("name", " ".join(prop.text.split()))
            elif k == "other" and not len(prop) and prop.text and prop.text.strip():
                surface[kind[1]] = prop.text.strip()  # function, usage, class … of the surface

    # ------------------------------------------------------------------ resolving references
    def _resolve(self, item, defs: dict, unresolved: list | None, depth: int) -> list:
        """Leaves (key, rings) of an item; references looked up in ``defs``, then in all earlier
        members. Unresolved ids are appended to ``unresolved``."""
        if item[0] == "P":
            return [(item[1], item[2])]
        _tag, target, reverse = item
        found = defs.get(target)
        if found is None:
            found = self.global_defs.get(target)
            if found is not None:
                leaves = [(k, tuple(r[::-1] for r in rings) if reverse else rings) for k, rings in found]
                return leaves
        if found is None or depth > _MAX_XLINK_DEPTH:
            if unresolved is not None:
                unresolved.append(target)
            return []
        out = []
        for sub in found:
            for k, rings in self._resolve(sub, defs, unresolved, depth + 1):
                out.append((k, tuple(r[::-1] for r in rings) if reverse else rings))
        return out

    # ------------------------------------------------------------------ emitting
    def _flush(self) -> None:
        """Parse the rings of all batched members in one go, then emit the members in order."""
        batch = self.batch
        if not batch:
            return
        texts: list = []
        dims: list = []
        bases = []
        for m in batch:
            bases.append(len(texts))
            texts.extend(m.texts)
            dims.extend(m.dims)
        ranges = self._parse_rings(texts, dims) if texts else []
        for m, base in zip(batch, bases):
            self._apply_ranges(m, ranges, base)
            self._finish_member(m)
        self.batch = []
        self.batch_rings = 0

    def _finish_member(self, member: _Member) -> None:
        defs = member.defs
        for rec in member.objects:
            self._emit_object(rec, defs)
        # make this member's polygons available to later members' references
        gdefs = self.global_defs
        for gid, items in defs.items():
            if len(items) == 1 and items[0][0] == "P":  # a polygon: the common case
                gdefs[gid] = [(items[0][1], items[0][2])]
                continue
            leaves = []
            for it in items:
                leaves.extend(self._resolve(it, defs, None, 0))
            gdefs[gid] = leaves

    def _emit_object(self, rec: _ObjectRecord, defs: dict) -> None:
        model = self.model
        if rec.id in model.objects:
            model.warn(f"duplicate city object id {rec.id!r}; the later one was kept")
            obj_index = self.object_index[rec.id]
        else:
            obj_index = len(model.objects)
            self.object_index[rec.id] = obj_index
        obj = CityObject(id=rec.id, type=rec.type, attributes=rec.attributes, source=str(self.path))
        if rec.extra:
            obj.extra = rec.extra
        if rec.parent:
            obj.parents.append(rec.parent)
            self.pending_children.append((rec.parent, rec.id))
        if rec.children_refs:
            obj.children.extend(rec.children_refs)
        model.objects[rec.id] = obj
        # semantics of polygons named in thematic surfaces
        sem: dict = {}
        thematic_leaves = []
        for lod, code, sidx, items in rec.thematic:
            leaves = []
            for it in items:
                leaves.extend(self._resolve(it, defs, None, 0))
            thematic_leaves.append((lod, code, sidx, leaves))
            for key, _rings in leaves:
                sem[key] = (code, sidx)
            for it in items:  # an aggregate id referenced by a solid carries the same semantics
                if it[0] == "R":
                    sem.setdefault(it[1], (code, sidx))
        terrain = rec.type == "TINRelief"
        direct = []
        used: set = set()
        for gtype, lod, shells, per_solid in rec.geometries:
            unresolved: list = []
            resolved_shells = []
            for shell in shells:
                leaves = []
                for it in shell:
                    leaves.extend(self._resolve(it, defs, unresolved, 0))
                resolved_shells.append(leaves)
            if unresolved:
                self.deferred.append((obj, obj_index, gtype, lod, shells, per_solid, sem, (rec.surfaces, rec.surface_parents), terrain))
                continue
            for leaves in resolved_shells:
                used.update(k for k, _ in leaves)
            direct.append([gtype, lod, resolved_shells, per_solid])
        # thematic polygons not used by a direct geometry: added to a direct MultiSurface /
        # CompositeSurface of the same LoD, else one MultiSurface per LoD
        by_lod: dict = {}
        seen: set = set()
        for lod, code, sidx, leaves in thematic_leaves:
            for k, r in leaves:
                if k not in used and k not in seen:
                    seen.add(k)
                    by_lod.setdefault(lod, []).append((k, r))
        for d in direct:
            if d[0] in ("MultiSurface", "CompositeSurface") and d[1] in by_lod:
                d[2][-1] = d[2][-1] + by_lod.pop(d[1])
        for gtype, lod, resolved_shells, per_solid in direct:
            self._add_geometry(obj, obj_index, gtype, lod, resolved_shells, per_solid, sem, (rec.surfaces, rec.surface_parents), terrain)
        for lod, leaves in sorted(by_lod.items()):
            self._add_geometry(obj, obj_index, "MultiSurface", lod, [leaves], None, sem, (rec.surfaces, rec.surface_parents), terrain)

    def _add_geometry(self, obj, obj_index, gtype, lod, resolved_shells, per_solid, sem, surfaces, terrain) -> None:
        if not any(resolved_shells):
            return
        model = self.model
        b = self.builder
        geom_index = len(model.geometries)
        g = Geometry(type=gtype, lod=lod, object_index=obj_index)
        g.poly_start = b.n_polygons
        slots: dict = {}
        local_surfaces: list = []
        solid = gtype in ("Solid", "MultiSolid", "CompositeSolid")
        add = b.add_polygon
        for leaves in resolved_shells:
            shell = b.new_shell() if solid else -1
            for key, rings in leaves:
                if not rings:  # its exterior ring was bad
                    continue
                s = sem.get(key)
                if s is None:
                    add(rings, TERRAIN if terrain else 0, -1, shell, geom_index)
                    continue
                code, sidx = s
                slot = slots.get(sidx)
                if slot is None:
                    slot = len(local_surfaces)
                    slots[sidx] = slot
                    local_surfaces.append(sidx)
                add(rings, code, slot, shell, geom_index)
        g.poly_stop = b.n_polygons
        if g.poly_stop == g.poly_start:
            return
        if local_surfaces:
            dicts, parents = surfaces
            out = [dicts[sidx] for sidx in local_surfaces]  # shared unless a hierarchy is added
            copied: set = set()
            for slot, sidx in enumerate(local_surfaces):
                p = parents[sidx]
                if p is not None and p in slots:
                    ps = slots[p]
                    out[slot] = dict(out[slot], parent=ps)
                    if ps not in copied:
                        out[ps] = dict(out[ps], children=[])
                        copied.add(ps)
                    out[ps]["children"].append(slot)
            g.semantic_surfaces = out
        if per_solid and gtype != "Solid":
            g.extra = {"shells_per_solid": list(per_solid)}
        model.geometries.append(g)
        obj.geometries.append(g)

    def _finish_deferred(self) -> None:
        for obj, obj_index, gtype, lod, shells, per_solid, sem, surfaces, terrain in self.deferred:
            unresolved: list = []
            resolved_shells = []
            for shell in shells:
                leaves = []
                for it in shell:
                    leaves.extend(self._resolve(it, {}, unresolved, 0))
                resolved_shells.append(leaves)
            if unresolved:
                self.unresolved_refs += len(unresolved)
                self.unresolved_example = self.unresolved_example or f"#{unresolved[0]} in {obj.id}"
            self._add_geometry(obj, obj_index, gtype, lod, resolved_shells, per_solid, sem, surfaces, terrain)
        self.deferred = []

    # ------------------------------------------------------------------ the pass
    def read(self) -> CityModel:
        path = self.path
        model = self.model
        root_tag, version = _sniff_root(path)
        model.version = version
        if version == "3.0":
            self.id_attr = "{http://www.opengis.net/gml/3.2}id"
        root_local = _local(root_tag)
        parser_kwargs = dict(events=("end",), tag=_MEMBER_TAGS, **SAFE_PARSER)
        root = None
        envelope_srs = None
        truncated = None
        with warnings.catch_warnings(record=True) as wlog:
            warnings.simplefilter("always")
            self.warn_log = wlog
            try:
                context = etree.iterparse(str(path), **parser_kwargs)
                for _event, elem in context:
                    parent = elem.getparent()
                    if root is None:
                        root = elem.getroottree().getroot()
                    ln = _local(elem.tag)
                    if ln == "Envelope":
                        grand = parent.getparent() if parent is not None else None
                        if grand is not None and grand is root:
                            envelope_srs = elem.get("srsName") or envelope_srs
                            d = elem.get("srsDimension")
                            if d and d.isdecimal():
                                self.dim_default = int(d)
                        elif elem.get("srsName"):  # an object's own envelope
                            srs = elem.get("srsName")
                            self.srs_names[srs] = self.srs_names.get(srs, 0) + 1
                        continue
                    if parent is not root:
                        continue
                    if ln != "appearanceMember":
                        for feat in _children(elem):
                            self._read_member(feat)
                    elem.clear(keep_tail=False)
                    while elem.getprevious() is not None:
                        del root[0]
                if root is None:
                    root = context.root
            except etree.XMLSyntaxError as exc:
                truncated = exc
            if root is not None and root_local in OBJECT_TYPES and truncated is None:
                self._read_member(root)  # a single feature as the document root
            self._flush()
        self.warn_log = []
        if truncated is not None:
            msg = _syntax_message(truncated)
            if not model.objects:
                raise InputError(path, f"malformed XML: {msg}")
            model.warn(f"malformed XML ({msg}): the file is truncated or damaged; only the "
                       f"{len(model.objects)} object(s) before that point were read")
        self._finish_deferred()
        self._set_crs(envelope_srs)
        return self._finish()

    def _read_member(self, feat) -> None:
        ln = _local(feat.tag)
        if not ln:
            return
        member = self.member = _Member()
        try:
            self._object(feat, None, member, self.dim_default)
        finally:
            self.member = None
        self.batch.append(member)
        self.batch_rings += len(member.texts)
        if self.batch_rings >= _BATCH_RINGS or len(self.batch) >= _BATCH_MEMBERS:
            self._flush()

    def _set_crs(self, envelope_srs) -> None:
        model = self.model
        srs = envelope_srs
        if not srs and self.srs_names:
            srs = max(self.srs_names, key=self.srs_names.get)
        others = [s for s in self.srs_names if s != srs and parse_crs(s).epsg != parse_crs(srs).epsg]
        if others:
            model.warn(f"several CRS in the file ({srs}, {others[0]}); {srs} is used")
        if not srs:
            model.crs = CRSInfo(None)
            model.warn("no CRS in the file (no srsName); coordinates are used as they are")
            return
        model.crs = parse_crs(srs)
        if not model.crs:
            model.warn(f"CRS {srs!r} is not a known EPSG code; coordinates are used as they are")

    def _finish(self) -> CityModel:
        model = self.model
        b = self.builder
        verts = self.pool.array()
        self.pool = None
        model.set_boundaries(b)
        self.builder = None
        # merge identical coordinates
        if len(verts):
            unique, inverse = np.unique(verts, axis=0, return_inverse=True)
            inverse = inverse.reshape(-1)
            model.vertices = unique
            if len(model.ring_vertices):
                model.ring_vertices = inverse[model.ring_vertices].astype(np.int64)
        else:
            model.vertices = np.zeros((0, 3), dtype=np.float64)
        model.file_vertex_count = len(model.vertices)
        model.metadata["citygml_curve_geometries_skipped"] = self.skipped_curves
        # children links
        for parent, child in self.pending_children:
            p = model.objects.get(parent)
            if p is not None and child not in p.children:
                p.children.append(child)
        dangling = 0
        for obj in model.objects.values():
            if obj.children:
                ok = [c for c in obj.children if c in model.objects and c != obj.id]
                dangling += len(obj.children) - len(ok)
                obj.children = ok
                for c in ok:
                    child = model.objects[c]
                    if obj.id not in child.parents:
                        child.parents.append(obj.id)
        if dangling:
            model.warn(f"{dangling} group member reference(s) point to missing objects and were dropped")
        if self.bad_rings:
            where = f" (first at {self.bad_ring_example})" if self.bad_ring_example else ""
            model.warn(f"{self.bad_rings} ring(s) with a bad coordinate list (count not a multiple of "
                       f"srsDimension, fewer than 3 points, or not numbers) were skipped{where}")
        if self.two_d:
            model.warn("some coordinates are 2D; z was set to 0")
        if self.unresolved_refs:
            model.warn(f"{self.unresolved_refs} xlink reference(s) point to nothing in the file and were "
                       f"ignored (e.g. {self.unresolved_example})")
        if not model.objects:
            model.warn("the model contains no city objects")
        elif not model.geometries:
            model.warn("no city object has geometry: nothing to display")
        model.invalidate()
        return model


def _floats(text: str):
    """Numbers of a whitespace-separated list, or None if one is not a number."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return np.fromstring(text, sep=" ")
    except (ValueError, DeprecationWarning):
        return None


def _shift_ring(ring, offset: int):
    if isinstance(ring, range):
        return range(ring.start + offset, ring.stop + offset, ring.step)
    return tuple(v + offset for v in ring)


_PROP_KINDS: dict = {}


def _prop_kind(tag) -> tuple:
    """How a child element of a feature is read, by its tag (cached): ("geom", lod),
    ("implicit", lod), ("thematic",), ("generic", type) …, ("other", local name)."""
    if not isinstance(tag, str):
        return ("none",)
    ln = _local(tag)
    ns = _ns(tag)
    m = _LOD_PROPERTY.match(ln)
    if ns in _GML_NS:
        kind = ("gml", ln)
    elif m:
        lod, what = m.group(1), m.group(2)
        if what == "ImplicitRepresentation":
            kind = ("implicit", lod)
        elif any(w in what for w in _CURVE_WORDS):
            kind = ("curve", lod)
        else:
            kind = ("geom", lod)
    elif ln == "tin":
        kind = ("tin",)
    elif ln == "lod" and ns.startswith(_CITYGML_PREFIX):
        kind = ("lod",)
    elif ln in THEMATIC_PROPERTIES:
        kind = ("thematic",)
    elif ln in _GENERIC_1_2:
        kind = ("generic", _GENERIC_1_2[ln])
    elif ln == "genericAttribute":
        kind = ("generic3",)
    elif ln == "address":
        kind = ("address",)
    elif ln == "height" and ns.endswith("construction/3.0"):
        kind = ("height3",)
    elif ln in _SKIP_PROPERTIES or ln in ("Address", "ImplicitGeometry", "Appearance"):
        kind = ("skip", ln)
    elif ln in CHILD_FEATURES:
        kind = ("childfeature", ln)
    elif ns.startswith(_CITYGML_PREFIX) and ln[:1].isupper():
        kind = ("feature", ln)
    else:
        kind = ("other", ln)
    _PROP_KINDS[tag] = kind
    return kind


def _reversed_item(item, member: _Member | None = None):
    """The item with its orientation flipped (GML OrientableSurface orientation="-")."""
    if item[0] == "P":
        rings = item[2]
        if rings and isinstance(rings[0], int):  # placeholders: ~ring = reversed
            new = [~r for r in rings]
            if member is not None:
                member.ring_lists.append((item[1], new))
        else:
            new = [r[::-1] for r in rings]
        return ("P", item[1], new)
    return ("R", item[1], not item[2])


def _intern(text: str) -> str:
    """Short attribute values (codes, dates, names) repeat across thousands of buildings: one
    shared string each."""
    return sys.intern(text) if len(text) <= 40 else text


def _add_attr(attrs: dict, key: str, value) -> None:
    """Set an attribute; a repeated property becomes a list."""
    if key in attrs:
        old = attrs[key]
        if isinstance(old, list):
            old.append(value)
        else:
            attrs[key] = [old, value]
    else:
        attrs[key] = value


def _to_number(text: str, kind):
    try:
        return kind(text)
    except (TypeError, ValueError):
        return text


def _simple_attribute(prop, ln: str, rec: _ObjectRecord) -> None:
    text = _text(prop)
    if not text:
        return
    if ln in _INT_ATTRS:
        value = _to_number(text[:4] if ln.startswith("year") and len(text) > 4 and text[4] == "-" else text, int)
    elif ln in _FLOAT_ATTRS:
        value = _to_number(text, float)
    elif ln in _FLOAT_LIST_ATTRS:
        try:
            value = [float(v) for v in text.split()]
            value = value[0] if len(value) == 1 else value
        except ValueError:
            value = text
    else:
        value = _intern(text)
    uom = prop.get("uom")
    if uom:
        rec.extra.setdefault("uom", {})[ln] = uom
    _add_attr(rec.attributes, ln, value)


def _generic_attribute(el, kind: str, attrs: dict, extra: dict | None) -> None:
    """CityGML generic attribute (1.0/2.0 ``gen:stringAttribute name=…`` or 3.0
    ``gen:StringAttribute`` with ``gen:name``) into ``attrs`` with its type."""
    name = el.get("name")
    value_el = None
    members = []
    for c in _children(el):
        cl = _local(c.tag)
        if cl == "name" and name is None:
            name = _text(c)
        elif cl == "value":
            value_el = c
        elif kind == "set":
            members.append(c)
    if not name:
        return
    name = sys.intern(name)
    if kind == "set":
        sub: dict = {}
        for c in members:
            cl = _local(c.tag)
            if cl == "genericAttribute":
                for a in _children(c):
                    _generic_attribute(a, _GENERIC_3.get(_local(a.tag), "string"), sub, extra)
            elif cl in _GENERIC_1_2:
                _generic_attribute(c, _GENERIC_1_2[cl], sub, extra)
        attrs[name] = sub
        return
    if value_el is None:
        return
    text = _text(value_el)
    if kind == "int":
        value = _to_number(text, int)
    elif kind in ("double", "measure"):
        value = _to_number(text, float)
        uom = value_el.get("uom") or el.get("uom")
        if kind == "measure" and uom and extra is not None:
            extra.setdefault("uom", {})[name] = uom
    else:
        value = _intern(text)
    attrs[name] = value


def _address(prop, rec: _ObjectRecord) -> None:
    """Flatten an address (xAL 2 or 3) into ``address.<Part>`` attributes and a CityJSON address."""
    flat: dict = {}
    for el in prop.iter(etree.Element):
        if len(el):
            continue
        text = _text(el)
        if not text:
            continue
        ln = _local(el.tag)
        if ln in ("pos", "posList"):
            continue
        parent = el.getparent()
        key = _ADDRESS_KEYS.get((ln, None)) or _ADDRESS_KEYS.get((_local(parent.tag), ln))
        if key is None:
            key = ln
        flat.setdefault(key, _intern(text))
    if not flat:
        return
    existing = rec.extra.setdefault("address", [])
    existing.append(dict(flat))
    suffix = "" if len(existing) == 1 else f"[{len(existing)}]"
    for k, v in flat.items():
        rec.attributes[f"address.{k}{suffix}"] = v


def _height_3(prop, rec: _ObjectRecord) -> None:
    """CityGML 3.0 ``con:height/con:Height``: the measured roof-edge height above the lowest ground
    point is CityGML 2.0's ``measuredHeight``; other references keep their names."""
    for h in _children(prop):
        parts = {_local(c.tag): c for c in _children(h)}
        val = parts.get("value")
        if val is None:
            continue
        value = _to_number(_text(val), float)
        high = _text(parts["highReference"]) if "highReference" in parts else ""
        low = _text(parts["lowReference"]) if "lowReference" in parts else ""
        if high == "highestRoofEdge" and low == "lowestGroundPoint":
            key = "measuredHeight"
        else:
            key = f"height_{high or 'unknown'}_{low or 'unknown'}"
        rec.attributes[key] = value
        if val.get("uom"):
            rec.extra.setdefault("uom", {})[key] = val.get("uom")


def _syntax_message(exc: Exception) -> str:
    """One short line from an lxml XMLSyntaxError: 'line N: what'."""
    msg = getattr(exc, "msg", None) or str(exc)
    msg = re.sub(r"\s*\([^()]*line \d+\)\s*$", "", " ".join(str(msg).split()))
    msg = re.sub(r",? line \d+, column \d+$", "", msg)
    line = getattr(exc, "lineno", None)
    if line:
        msg = f"line {line}: {msg}"
    return msg[:200]


def root_element(path: Path):
    """The document's root element (its tag and namespace declarations; read up to its start
    tag only) with the safe parser settings; InputError for an unreadable or empty file, or
    bytes that are not XML. Shared by the XML readers (CityGML, XPlanGML)."""
    try:
        size = path.stat().st_size
        fh = open(path, "rb")
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror or exc})") from None
    if size == 0:
        fh.close()
        raise InputError(path, "file is empty")
    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True, load_dtd=False,
                                 huge_tree=False, remove_comments=True)
    root = None
    error = None
    with fh:
        while root is None and error is None:
            chunk = fh.read(4096)
            try:
                if chunk:
                    parser.feed(chunk)
                else:
                    parser.close()
            except etree.XMLSyntaxError as exc:
                error = exc
            for _event, el in parser.read_events():
                root = el
                break
            if not chunk:
                break
    if root is None and error is not None:
        raise InputError(path, f"not well-formed XML ({_syntax_message(error)})")
    if root is None or not isinstance(root.tag, str):
        raise InputError(path, "no XML root element found")
    return root


def _sniff_root(path: Path) -> tuple[str, str]:
    """(root tag, CityGML version) from the first bytes of the file, with the same safe parser
    settings; raises InputError for an empty file, non-XML or a document that is not CityGML."""
    root_tag = root_element(path).tag
    ns = _ns(root_tag)
    local = _local(root_tag)
    version = _CORE_VERSIONS.get(ns)
    if version is None and ns.startswith(_CITYGML_PREFIX) and local in OBJECT_TYPES:
        version = ns.rstrip("/").rpartition("/")[2]
        version = version if version in ("1.0", "2.0", "3.0") else None
    if version is None or (local != "CityModel" and local not in OBJECT_TYPES):
        where = f" in namespace {ns}" if ns else " without a namespace"
        raise UnsupportedFormatError(
            path, f"not CityGML: the root element is <{local}>{where} (expected a CityGML 1.0, 2.0 or 3.0 "
                  f"CityModel)")
    return root_tag, version


def read_citygml(path) -> CityModel:
    """Read a CityGML 1.0/2.0/3.0 file into a :class:`CityModel` (streamed; see module docstring).

    Raises :class:`InputError` (one line) for an empty file, XML that is not well-formed before
    any object could be read, or a document that is not CityGML. Files that are damaged later on,
    have bad coordinate lists, unknown CRS or dangling references load with ``model.warnings``.
    """
    path = Path(path)
    model = CityModel()
    model.format = "CityGML"
    model.sources = [str(path)]
    reader = _Reader(path, model)
    # The reader allocates millions of small tuples/lists/dicts that never form reference cycles;
    # the cyclic garbage collector would rescan all of them again and again (≈30 % of the time
    # for 10,000 buildings), so it is paused while reading.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return reader.read()
    finally:
        if gc_was_enabled:
            gc.enable()


__all__ = ["read_citygml", "OBJECT_TYPES"]
