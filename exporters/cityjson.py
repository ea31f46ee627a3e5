"""CityJSON 2.0 and CityJSONSeq writer for a (possibly edited) city model, with analysis results.

Spec: CityJSON 2.0.1 (https://www.cityjson.org/specs/2.0.1/) and CityJSONSeq.

- Vertices are quantised with a ``transform`` (scale 1 mm by default, translate = the integer
  metre below the bbox minimum); a model read from CityJSON keeps its source transform, so that
  a round trip is lossless (:func:`output_transform`); only vertices used by geometries are written.
- Semantic surfaces: the file's own semantic objects are kept; polygons that only carry a
  semantic code (CityGML import, extrusions, inserted meshes) get one semantic object per type.
  Results per polygon (``surface_attributes``: {model polygon row: {name: value}}) turn those
  polygons' semantics into their own semantic objects holding the values — a solar cadastre
  stores kWh/m²·a per roof surface that way.
- Object results (``object_attributes``: {id: {name: value}}) are merged into ``attributes``.
- Appearances (materials/textures) are not written: after edits their per-polygon references
  would no longer match. Object types that CityJSON 2.0 does not know become GenericCityObject
  with the original type in the attribute ``originalType``.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import orjson

from stadtbild.model.citymodel import CityModel, Geometry
from stadtbild.model.fileio import atomic_write_bytes
from stadtbild.model.semantics import SURFACE_TYPES

CITYJSON_TYPES = {
    "Bridge", "BridgePart", "BridgeInstallation", "BridgeConstructiveElement", "BridgeRoom",
    "BridgeFurniture", "Building", "BuildingPart", "BuildingInstallation",
    "BuildingConstructiveElement", "BuildingFurniture", "BuildingStorey", "BuildingRoom",
    "BuildingUnit", "CityFurniture", "CityObjectGroup", "GenericCityObject", "LandUse",
    "OtherConstruction", "PlantCover", "SolitaryVegetationObject", "TINRelief", "TransportSquare",
    "Railway", "Road", "Tunnel", "TunnelPart", "TunnelInstallation", "TunnelConstructiveElement",
    "TunnelHollowSpace", "TunnelFurniture", "WaterBody", "Waterway",
}
_TYPE_MAP = {"Storey": "BuildingStorey", "Room": "BuildingRoom", "ReliefFeature": "TINRelief",
             "Track": "Road", "Square": "TransportSquare", "Intersection": "Road", "Section": "Road"}
_SEMANTIC_OK = set(SURFACE_TYPES) - {"Unknown", "Terrain", "Other"}


def _json_safe(value):
    """Attributes as JSON: numpy scalars to Python, NaN/inf to None."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return _json_safe(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def cityjson_type(object_type: str) -> str:
    """The CityJSON 2.0 type an object is written as: CityGML names mapped (Storey ->
    BuildingStorey …); types CityJSON does not know, and extension types (which would need an
    extension schema), become GenericCityObject (the original type is kept in ``originalType``)."""
    otype = _TYPE_MAP.get(object_type, object_type)
    return otype if otype in CITYJSON_TYPES else "GenericCityObject"


def cityjson_lod(lod, default: str = "2") -> str:
    """A LoD as CityJSON 2.0 writes it: a string "0".."3" or "n.m"; CityGML 2.0 LoD4 (interior)
    becomes "3", the highest LoD CityJSON knows."""
    if lod is None:
        return default
    try:
        value = float(lod)
    except (TypeError, ValueError):
        return default
    if value > 3.9:
        return "3"
    if value < 0:
        return "0"
    text = str(lod)
    return text if text.replace(".", "", 1).isdigit() else str(int(value))


def _crs_url(model: CityModel) -> str | None:
    """OGC URL of the model CRS; a compound code written in the source (7415 = RD New + NAP) is
    kept so the vertical datum is not lost."""
    from stadtbild.model.crs import _EPSG_RE, compound_epsg

    if not (model.crs and model.crs.epsg):
        return None
    codes = [int(a or b) for a, b in _EPSG_RE.findall(model.crs.text or "")]
    if len(codes) == 1:
        code = codes[0]
    else:  # e.g. CityGML "crs:EPSG::25832,crs:EPSG::5783" or an AdV URN: keep the height datum
        code = compound_epsg(model.crs.epsg, model.crs.vertical_epsg) or model.crs.epsg
    return f"https://www.opengis.net/def/crs/EPSG/0/{code}"


class _Writer:
    def __init__(self, model: CityModel, object_attributes, surface_attributes, scale: float):
        self.m = model
        self.obj_attrs = object_attributes or {}
        self.surf_attrs = surface_attributes or {}
        self.scale = scale

    def geometry(self, g: Geometry, vmap: np.ndarray) -> dict | None:
        m = self.m
        if g.points is not None:
            return {"type": "MultiPoint", "lod": cityjson_lod(g.lod, "1"), "boundaries": vmap[g.points].tolist()}
        if g.lines is not None:
            return {"type": "MultiLineString", "lod": cityjson_lod(g.lod, "1"),
                    "boundaries": [vmap[line].tolist() for line in g.lines]}
        if g.n_polygons == 0:
            return None
        polys = []
        ro, po, rv = m.ring_offsets, m.polygon_offsets, m.ring_vertices
        for p in range(g.poly_start, g.poly_stop):
            rings = [vmap[rv[ro[r]:ro[r + 1]]].tolist() for r in range(po[p], po[p + 1])]
            polys.append(rings)
        # semantics
        surfaces: list[dict] = []
        values: list = []
        type_slot: dict[int, int] = {}
        orig = g.semantic_surfaces or []
        orig_slot: dict[int, int] = {}
        any_sem = False
        for k, p in enumerate(range(g.poly_start, g.poly_stop)):
            code = int(m.polygon_semantic[p])
            extra = self.surf_attrs.get(p)
            src = int(m.polygon_surface[p])
            name = SURFACE_TYPES[code] if 0 <= code < len(SURFACE_TYPES) else "Unknown"
            if code == 0 and not extra:
                values.append(None)
                continue
            any_sem = True
            if extra is not None:
                base = dict(orig[src]) if 0 <= src < len(orig) and isinstance(orig[src], dict) else {}
                base.pop("parent", None)
                base.pop("children", None)
                if "type" not in base:
                    base["type"] = name if name in _SEMANTIC_OK else "RoofSurface" if code == 0 else name
                base.update(_json_safe(extra))
                surfaces.append(base)
                values.append(len(surfaces) - 1)
            elif 0 <= src < len(orig) and isinstance(orig[src], dict) and orig[src].get("type"):
                if src not in orig_slot:
                    s = dict(orig[src])
                    s.pop("parent", None)
                    s.pop("children", None)
                    surfaces.append(_json_safe(s))
                    orig_slot[src] = len(surfaces) - 1
                values.append(orig_slot[src])
            elif name in _SEMANTIC_OK or name.startswith("+"):
                if code not in type_slot:
                    surfaces.append({"type": name})
                    type_slot[code] = len(surfaces) - 1
                values.append(type_slot[code])
            else:
                values.append(None)
        gtype = g.type
        lod = cityjson_lod(g.lod)
        shells = m.polygon_shell[g.poly_start:g.poly_stop]
        if gtype in ("Solid", "MultiSolid", "CompositeSolid") and len(shells) and (shells >= 0).all():
            # group polygons by shell, in order of appearance
            order: list[int] = []
            groups: dict[int, list[int]] = {}
            for k, s in enumerate(shells.tolist()):
                if s not in groups:
                    groups[s] = []
                    order.append(s)
                groups[s].append(k)
            shell_polys = [[polys[k] for k in groups[s]] for s in order]
            shell_vals = [[values[k] for k in groups[s]] for s in order]
            if gtype == "Solid":
                boundaries, sem_values = shell_polys, shell_vals
            else:
                per_solid = (g.extra or {}).get("shells_per_solid") or [1] * len(shell_polys)
                if sum(per_solid) != len(shell_polys):
                    per_solid = [1] * len(shell_polys)
                boundaries, sem_values, i = [], [], 0
                for n in per_solid:
                    boundaries.append(shell_polys[i:i + n])
                    sem_values.append(shell_vals[i:i + n])
                    i += n
        else:
            gtype = "CompositeSurface" if gtype in ("TIN", "Triangulated", "CompositeSurface") else "MultiSurface"
            boundaries, sem_values = polys, values
        out = {"type": gtype, "lod": lod, "boundaries": boundaries}
        if any_sem and surfaces:
            out["semantics"] = {"surfaces": surfaces, "values": sem_values}
        return out

    def city_object(self, oid: str, vmap: np.ndarray) -> dict:
        obj = self.m.objects[oid]
        otype = cityjson_type(obj.type)
        attrs = dict(obj.attributes)
        if otype != _TYPE_MAP.get(obj.type, obj.type):
            attrs["originalType"] = obj.type
        attrs.update(self.obj_attrs.get(oid, {}))
        out: dict = {"type": otype}
        if attrs:
            out["attributes"] = _json_safe(attrs)
        geoms = [self.geometry(g, vmap) for g in obj.geometries]
        geoms = [g for g in geoms if g is not None]
        if geoms:
            out["geometry"] = geoms
        live = self.m.objects
        if obj.parents:
            ps = [p for p in obj.parents if p in live]
            if ps:
                out["parents"] = ps
        if obj.children:
            cs = [c for c in obj.children if c in live]
            if cs:
                out["children"] = cs
        for key in ("address", "geographicalExtent"):
            if obj.extra and key in obj.extra:
                out[key] = _json_safe(obj.extra[key])
        return out


def output_transform(model: CityModel, verts: np.ndarray, scale: float):
    """(scale (3,), translate (3,)) of the written ``transform``. A model read from CityJSON keeps
    its source grid: its own translate, and its scale where finer than ``scale``, so that every
    unedited vertex is written back exactly (x = i × scale + translate is reproduced, whatever the
    translate; re-quantising on a grid through another origin moved vertices by up to half a scale
    unit when the source translate was not a multiple of the scale). Other models get ``scale``
    and the integer metre below the bbox minimum."""
    src = getattr(model, "transform", None)
    try:
        src_scale = np.array(src["scale"], dtype=np.float64).reshape(3)
        src_translate = np.array(src["translate"], dtype=np.float64).reshape(3)
        usable = bool(np.isfinite(src_scale).all() and (src_scale > 0).all() and np.isfinite(src_translate).all())
    except (TypeError, KeyError, ValueError):
        usable = False
    if usable:
        return np.minimum(src_scale, scale), src_translate
    return np.full(3, float(scale)), (np.floor(verts.min(axis=0)) if len(verts) else np.zeros(3))


def _quantise(verts: np.ndarray, scale: np.ndarray, translate: np.ndarray) -> np.ndarray:
    return np.round((verts - translate) / scale).astype(np.int64)


def model_to_cityjson(model: CityModel, object_attributes=None, surface_attributes=None,
                      scale: float = 0.001) -> dict:
    """The model as a CityJSON 2.0 document (dict)."""
    used = model.used_vertex_mask()
    vmap = np.cumsum(used) - 1
    verts = model.vertices[used]
    scale_xyz, translate = output_transform(model, verts, scale)
    q = _quantise(verts, scale_xyz, translate)
    w = _Writer(model, object_attributes, surface_attributes, scale)
    cos = {oid: w.city_object(oid, vmap) for oid in model.objects}
    meta: dict = {}
    url = _crs_url(model)
    if url:
        meta["referenceSystem"] = url
    bb = model.bbox()
    if bb is not None:
        meta["geographicalExtent"] = [round(float(v), 4) for v in bb]
    for key in ("title", "identifier", "pointOfContact", "referenceDate"):
        if key in model.metadata:
            meta[key] = model.metadata[key]
    return {
        "type": "CityJSON",
        "version": "2.0",
        "transform": {"scale": [float(v) for v in scale_xyz], "translate": [float(t) for t in translate]},
        "metadata": meta,
        "CityObjects": cos,
        "vertices": q.tolist(),
    }


def write_cityjson(model: CityModel, path, object_attributes=None, surface_attributes=None,
                   scale: float = 0.001) -> Path:
    """Write ``model`` as CityJSON 2.0 to ``path`` atomically. See module docstring for the
    result hooks. Returns the path."""
    path = Path(path)
    doc = model_to_cityjson(model, object_attributes, surface_attributes, scale)
    atomic_write_bytes(path, orjson.dumps(doc))
    return path


def write_cityjsonseq(model: CityModel, path, object_attributes=None, surface_attributes=None,
                      scale: float = 0.001) -> Path:
    """Write ``model`` as CityJSONSeq: a header line, then one CityJSONFeature per top-level
    object (an object without parents, together with its children), each with its own vertices."""
    path = Path(path)
    used = model.used_vertex_mask()
    all_verts = model.vertices[used] if used.any() else np.zeros((0, 3))
    scale_xyz, translate = output_transform(model, all_verts, scale)
    w = _Writer(model, object_attributes, surface_attributes, scale)
    header = {"type": "CityJSON", "version": "2.0",
              "transform": {"scale": [float(v) for v in scale_xyz], "translate": [float(t) for t in translate]},
              "metadata": {}, "CityObjects": {}, "vertices": []}
    url = _crs_url(model)
    if url:
        header["metadata"]["referenceSystem"] = url
    lines = [orjson.dumps(header)]
    for oid, obj in model.objects.items():
        if any(p in model.objects for p in obj.parents):
            continue
        members = [oid] + [c for c in obj.children if c in model.objects]
        # vertices of this feature
        mask = np.zeros(len(model.vertices), dtype=bool)
        for mid in members:
            for g in model.objects[mid].geometries:
                if g.n_polygons:
                    r0 = model.polygon_offsets[g.poly_start]
                    r1 = model.polygon_offsets[g.poly_stop]
                    mask[model.ring_vertices[model.ring_offsets[r0]:model.ring_offsets[r1]]] = True
                if g.points is not None:
                    mask[g.points] = True
                if g.lines:
                    for line in g.lines:
                        mask[line] = True
        vmap = np.cumsum(mask) - 1
        q = _quantise(model.vertices[mask], scale_xyz, translate)
        feature = {"type": "CityJSONFeature", "id": oid,
                   "CityObjects": {mid: w.city_object(mid, vmap) for mid in members},
                   "vertices": q.tolist()}
        lines.append(orjson.dumps(feature))
    atomic_write_bytes(path, b"\n".join(lines) + b"\n")
    return path
