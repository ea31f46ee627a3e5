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
- GML geometry (coordinates, rings, polygons, surfaces, solids, TINs, implicit geometries and
  ``xlink:href`` references) is read by :class:`importers.gml_geometry.GmlGeometryReader`, whose
  polygons become rows of the model's CSR polygon table through
  :class:`model.citymodel.BoundaryBuilder`; attributes by :mod:`importers.citygml_attributes`.
- Thematic surfaces (``boundedBy`` in 1.0/2.0, ``boundary`` in 3.0: RoofSurface, WallSurface …,
  openings Window/Door, 3.0 WindowSurface/DoorSurface, TrafficArea, WaterSurface …) give their
  polygons a semantic code (:func:`model.semantics.surface_code`) and a semantic surface object
  (type + the surface's attributes). When a solid of the object references those polygons (the
  usual way in German LoD2 data), the solid carries the semantics; thematic polygons not used by
  any direct geometry of the object become one ``MultiSurface`` per LoD, as CityJSON converters
  (citygml-tools) do.
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
import re
import warnings
from pathlib import Path

import numpy as np
from lxml import etree

from stadtbild.model import codes
from stadtbild.model.citymodel import BoundaryBuilder, CityModel, CityObject, Geometry
from stadtbild.model.crs import CRSInfo, parse_crs
from stadtbild.model.errors import InputError, UnsupportedFormatError, input_error, os_error
from stadtbild.model.semantics import TERRAIN, surface_code

from .citygml_attributes import (GENERIC_1_2, GENERIC_3, add_attribute, generic_attribute, read_address, read_height_3,
                                 simple_attribute)
from .gml_geometry import GML_NS as _GML_NS
from .gml_geometry import XLINK_HREF, GmlGeometryReader, Member, element_children, element_text, local_name, namespace

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
_LOD_PROPERTY = re.compile(r"^lod([0-4])([A-Z]\w*)$")
_CURVE_WORDS = ("Curve", "TerrainIntersection", "Point", "Network")
_SURFACE_CODES: dict = {}
#: members are emitted in batches so that their coordinates are parsed by one numpy call
_BATCH_RINGS = 4096
_BATCH_MEMBERS = 512
#: lxml parser settings of every XML reader: no entity expansion, no DTD, nothing fetched from the
#: network, libxml2's size limits on, no recovery from errors (hostile XML, see module docstring)
SAFE_PARSER = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True,
                   remove_pis=True, dtd_validation=False, recover=False)

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

class _Reader(GmlGeometryReader):
    """The CityGML features of one file, on top of the GML geometry reader."""

    def __init__(self, path: Path, model: CityModel):
        super().__init__()
        self.path = path
        self.model = model
        self.builder = BoundaryBuilder()
        # compact storage of the flat index lists (8 bytes per entry instead of a Python int)
        from array import array

        for name in ("ring_vertices", "ring_lengths", "poly_nrings", "poly_shell", "poly_geometry",
                     "poly_surface"):
            setattr(self.builder, name, array("q"))
        self.builder.poly_semantic = array("h")
        self.batch: list = []  # members read but not yet emitted (their rings are parsed together)
        self.batch_rings = 0
        self.deferred: list = []
        self.dim_default = 3
        self.object_index: dict[str, int] = {}
        self.pending_children: list = []

    # ------------------------------------------------------------------ objects
    def _object(self, el, parent: str | None, member: Member, dim: int) -> None:
        ln = local_name(el.tag)
        oid = el.get("{http://www.opengis.net/gml}id") or el.get("{http://www.opengis.net/gml/3.2}id")
        if not oid:
            self.counter += 1
            oid = f"{ln}_{self.counter}"
        rec = _ObjectRecord(oid, OBJECT_TYPES.get(ln, ln), parent)
        member.objects.append(rec)
        self._object_content(el, rec, member, dim, own=True)

    def _object_content(self, el, rec: _ObjectRecord, member: Member, dim: int, own: bool) -> None:
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
                    add_attribute(rec.attributes, kind[1], " ".join(prop.text.split()))
            elif k == "generic":
                if own:
                    generic_attribute(prop, kind[1], rec.attributes, rec.extra)
            elif k == "generic3":
                if own:
                    for a in prop:
                        generic_attribute(a, GENERIC_3.get(local_name(a.tag), "string"), rec.attributes, rec.extra)
            elif k == "tin":  # dem:TINRelief
                for g in prop:
                    parsed = self._geometry(g, dim, defs)
                    if parsed is not None:
                        rec.geometries.append(("CompositeSurface", tin_lod or "1", parsed[1], None))
            elif k == "lod":
                tin_lod = element_text(prop) or None
            elif k == "address":
                if own:
                    read_address(prop, rec)
            elif k == "height3":
                if own:
                    read_height_3(prop, rec)
            elif not len(prop):
                if own and not prop.get(XLINK_HREF):  # an href here points to another feature
                    simple_attribute(prop, kind[1], rec)
            else:
                for feat in prop:
                    fkind = _PROP_KINDS.get(feat.tag) or _prop_kind(feat.tag)
                    if fkind[0] == "childfeature":
                        self._object(feat, rec.id, member, dim)
                    elif fkind[0] == "feature":
                        # a feature read into its parent (TINRelief of a ReliefFeature, 3.0
                        # Section, TrafficSpace, …)
                        self._object_content(feat, rec, member, dim, own=False)

    def _thematic(self, s, rec: _ObjectRecord, member: Member, dim: int, parent_surface: int | None) -> None:
        ln = local_name(s.tag)
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
                generic_attribute(prop, kind[1], surface, None)
            elif k == "generic3":
                for a in prop:
                    generic_attribute(a, GENERIC_3.get(local_name(a.tag), "string"), surface, None)
            elif k == "gml" and kind[1] == "name" and prop.text:
                surface.setdefault("name", " ".join(prop.text.split()))
            elif k == "other" and not len(prop) and prop.text and prop.text.strip():
                surface[kind[1]] = prop.text.strip()  # function, usage, class … of the surface

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

    def _finish_member(self, member: Member) -> None:
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
            model.warn(f"duplicate city object id {rec.id!r}; the later one was kept", codes.DUPLICATE_IDS)
            obj_index = self.object_index[rec.id]
        else:
            obj_index = len(model.objects)
            self.object_index[rec.id] = obj_index
        obj = CityObject(id=rec.id, type=rec.type, attributes=rec.attributes, source=str(self.path))
        if rec.extra:
            obj.extra = rec.extra
        if rec.parent and rec.parent != rec.id:  # a part with its parent's (duplicate) id is no child of itself
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
        root_local = local_name(root_tag)
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
                    ln = local_name(elem.tag)
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
                        for feat in element_children(elem):
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
            line = getattr(truncated, "lineno", None) or "?"
            cut = _ends_early(path, root_local)
            if not model.objects:
                if cut:
                    raise input_error(path, "truncated_xml", line=line)
                raise input_error(path, "malformed_xml", line=line, detail=_syntax_detail(truncated))
            if cut:
                notice = input_error(path, "truncated_partly_read", line=line, n=len(model.objects))
                model.warn(notice.message, codes.DAMAGED_FILE)
                model.notices = [*getattr(model, "notices", []), notice]  # the window shows these
            else:
                model.warn(f"malformed XML ({_syntax_message(truncated)}): the file is damaged; only the "
                           f"{len(model.objects)} object(s) before that point were read", codes.DAMAGED_FILE)
        self._finish_deferred()
        self._set_crs(envelope_srs)
        return self._finish()

    def _read_member(self, feat) -> None:
        ln = local_name(feat.tag)
        if not ln:
            return
        member = self.member = Member()
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
            model.warn(f"several CRS in the file ({srs}, {others[0]}); {srs} is used", codes.CRS)
        if not srs:
            model.crs = CRSInfo(None)
            model.warn("no CRS in the file (no srsName); coordinates are used as they are", codes.CRS)
            return
        model.crs = parse_crs(srs)
        if not model.crs:
            model.warn(f"CRS {srs!r} is not a known EPSG code; coordinates are used as they are", codes.CRS)

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
            model.warn(f"{dangling} group member reference(s) point to missing objects and were dropped", codes.DANGLING_LINKS)
        if self.bad_rings:
            where = f" (first at {self.bad_ring_example})" if self.bad_ring_example else ""
            model.warn(f"{self.bad_rings} ring(s) with a bad coordinate list (count not a multiple of "
                       f"srsDimension, fewer than 3 points, or not numbers) were skipped{where}", codes.BAD_RINGS)
        if self.two_d:
            model.warn("some coordinates are 2D; z was set to 0", codes.TWO_D_COORDINATES)
        if self.unresolved_refs:
            model.warn(f"{self.unresolved_refs} xlink reference(s) point to nothing in the file and were "
                       f"ignored (e.g. {self.unresolved_example})", codes.DANGLING_REFERENCES)
        if not model.objects:
            model.warn("the model contains no city objects", codes.EMPTY)
        elif not model.geometries:
            model.warn("no city object has geometry: nothing to display", codes.EMPTY)
        model.invalidate()
        return model


_PROP_KINDS: dict = {}


def _prop_kind(tag) -> tuple:
    """How a child element of a feature is read, by its tag (cached): ("geom", lod),
    ("implicit", lod), ("thematic",), ("generic", type) …, ("other", local name)."""
    if not isinstance(tag, str):
        return ("none",)
    ln = local_name(tag)
    ns = namespace(tag)
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
    elif ln in GENERIC_1_2:
        kind = ("generic", GENERIC_1_2[ln])
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


def _syntax_detail(exc: Exception) -> str:
    """The parser's own words of an lxml XMLSyntaxError, one short line without its position."""
    msg = getattr(exc, "msg", None) or str(exc)
    msg = re.sub(r"\s*\([^()]*line \d+\)\s*$", "", " ".join(str(msg).split()))
    msg = re.sub(r",? line \d+(, column \d+)?$", "", msg)
    return msg[:160]


def _syntax_message(exc: Exception) -> str:
    """One short line from an lxml XMLSyntaxError: 'line N: what'."""
    msg = _syntax_detail(exc)
    line = getattr(exc, "lineno", None)
    if line:
        msg = f"line {line}: {msg}"
    return msg[:200]


def _ends_early(path: Path, root_local: str) -> bool:
    """True when the document's root element is never closed: the file was cut off (an
    interrupted download or copy), rather than damaged in the middle. Reads the last 64 KiB."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - 65536))
            tail = fh.read()
    except OSError:
        return False
    tail = re.sub(rb"<!--.*?-->", b"", tail, flags=re.S).rstrip()
    return re.search(rb"</(?:[\w.-]+:)?" + re.escape(root_local.encode()) + rb"\s*>$", tail) is None


def root_element(path: Path):
    """The document's root element (its tag and namespace declarations; read up to its start
    tag only) with the safe parser settings; InputError for an unreadable or empty file, or
    bytes that are not XML. Shared by the XML readers (CityGML, XPlanGML)."""
    try:
        size = path.stat().st_size
        fh = open(path, "rb")
    except OSError as exc:
        raise os_error(path, exc) from None
    if size == 0:
        fh.close()
        raise input_error(path, "empty_file")
    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True, load_dtd=False,
                                 huge_tree=False, remove_comments=True)
    root = None
    error = None
    at_end = False
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
                at_end = not chunk  # the data ran out before the root element started
            for _event, el in parser.read_events():
                root = el
                break
            if not chunk:
                break
    if root is None and error is not None:
        if at_end:
            raise input_error(path, "truncated_xml", line=getattr(error, "lineno", None) or "?")
        raise input_error(path, "not_xml", line=getattr(error, "lineno", None) or "?", detail=_syntax_detail(error))
    if root is None or not isinstance(root.tag, str):
        raise input_error(path, "no_xml_root")
    return root


def _sniff_root(path: Path) -> tuple[str, str]:
    """(root tag, CityGML version) from the first bytes of the file, with the same safe parser
    settings; raises InputError for an empty file, non-XML or a document that is not CityGML."""
    root_tag = root_element(path).tag
    ns = namespace(root_tag)
    local = local_name(root_tag)
    version = _CORE_VERSIONS.get(ns)
    if version is None and ns.startswith(_CITYGML_PREFIX) and local in OBJECT_TYPES:
        version = ns.rstrip("/").rpartition("/")[2]
        version = version if version in ("1.0", "2.0", "3.0") else None
    if version is None or (local != "CityModel" and local not in OBJECT_TYPES):
        raise input_error(path, "not_citygml", UnsupportedFormatError, root=local, namespace=ns or "–")
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
