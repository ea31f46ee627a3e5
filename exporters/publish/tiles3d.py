"""3D Tiles 1.1 tilesets of a city model: a spatial quadtree of glTF 2.0 (GLB) tiles in the
model's real position, one feature per building with its public attributes.

Tileset (3D Tiles 1.1, OGC 22-025r4):

- ``root.transform`` takes the site's east-north-up frame to ECEF (:mod:`.geodesy`); every tile's
  ``boundingVolume.box`` is an axis-aligned box in that frame, tight around its content and its
  children; ``refine`` is ADD: a building lives in exactly one leaf tile.
- Tree: a quadtree over the buildings' plan centres, split until a tile holds at most
  ``max_features`` buildings and ``max_triangles`` triangles. Inner tiles have no content; their
  ``geometricError`` is an eighth of their cell's side, halving with every level, leaves have 0,
  so a client loads a district's tiles when the camera comes within a few kilometres and a
  city of 100 000 buildings streams by view.
- Content: one GLB per leaf (:mod:`.glb`); vertices float32 relative to the tile centre (node
  translation), glTF Y-up as 3D Tiles 1.1 §"glTF transforms" expects. One primitive with
  POSITION, NORMAL (per planar polygon: flat shading; the vertices are split per polygon),
  COLOR_0 (linear RGBA, 16 bit: roof / wall / ground colours of :data:`exporters._common.SURFACE_RGB`, new buildings
  in :data:`~exporters._common.INSERTED_RGB`) and ``_FEATURE_ID_0``.
- ``EXT_mesh_features``: feature ID = row of the tile's property table = one building (a
  BuildingPart counts to its building). ``EXT_structural_metadata``: class ``building`` with
  ``id`` (the file's id), ``type``, ``height_m`` and every public attribute (numbers as FLOAT64
  with noData -9999, everything else as STRING, nested values as JSON text); per-surface result
  layers as property attributes of class ``surface`` (value per vertex, float32, noData -9999)
  plus a colour attribute ``_C_<LAYER>`` (linear RGBA of the layer's legend class), which the
  viewer shows instead of COLOR_0 when the layer is switched on.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


from .._common import DEFAULT_RGB, INSERTED_RGB, SURFACE_RGB, TYPE_RGB
from .glb import GlbBuilder

FEATURE_CLASS = "building"
SURFACE_CLASS = "surface"
NO_DATA = -9999.0
MAX_FEATURES_PER_TILE = 400
MAX_TRIANGLES_PER_TILE = 60_000


def _write_file(path: Path, data: bytes) -> None:
    """Files go into the site's temporary folder, which :func:`exporters.publish.site.publish_site`
    renames into place as a whole: that rename makes the site atomic, so no per-file fsync."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# ====================================================================== colours
def srgb_to_linear(rgb_u8) -> np.ndarray:
    """sRGB 0-255 -> linear 0-1 (IEC 61966-2-1). glTF vertex colours and colour factors are linear
    (glTF 2.0 §3.9.2), so our sRGB palette is converted before it is written."""
    c = np.asarray(rgb_u8, dtype=float) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def linear_u16(rgba_u8) -> np.ndarray:
    """(n, 4) sRGB uint8 -> (n, 4) linear uint16 (normalized COLOR_0; 16 bits keep the dark tones)."""
    rgba = np.asarray(rgba_u8)
    out = np.empty(rgba.shape, dtype=np.uint16)
    out[..., :3] = np.round(srgb_to_linear(rgba[..., :3]) * 65535.0)
    out[..., 3] = np.round(rgba[..., 3].astype(float) / 255.0 * 65535.0)
    return out


def linear_to_srgb_u8(linear_u16_rgb) -> np.ndarray:
    """Inverse of :func:`linear_u16` for the colour channels (tests, tools)."""
    c = np.asarray(linear_u16_rgb, dtype=float) / 65535.0
    s = np.where(c <= 0.0031308, c * 12.92, 1.055 * c ** (1 / 2.4) - 0.055)
    return np.round(s * 255.0).astype(np.uint8)


# ====================================================================== metadata schema
@dataclass
class Property:
    key: str  # identifier in the schema (``^[a-zA-Z_][a-zA-Z0-9_]*$``)
    name: str  # the attribute's own name, shown to people
    type: str  # "STRING" | "FLOAT64"


@dataclass
class SurfaceLayer:
    """A per-surface result shown on the buildings (solar kWh/m²·a per roof surface …)."""

    key: str  # property key, attribute ``_<KEY>`` and colour attribute ``_C_<KEY>``
    title: str
    units: str
    legend: list  # [(label, (r, g, b))]
    breaks: list


@dataclass
class Schema:
    """The metadata classes shared by all tilesets of a site."""

    properties: list = field(default_factory=list)
    surface_layers: list = field(default_factory=list)

    def to_json(self) -> dict:
        props = {}
        for p in self.properties:
            d = {"name": p.name}
            if p.type == "STRING":
                d["type"] = "STRING"
            else:
                d.update(type="SCALAR", componentType="FLOAT64", noData=NO_DATA)
            props[p.key] = d
        classes = {FEATURE_CLASS: {"name": "Gebäude / building", "properties": props}}
        if self.surface_layers:
            classes[SURFACE_CLASS] = {"name": "Flächenergebnis / surface result", "properties": {
                s.key: {"name": s.title, "type": "SCALAR", "componentType": "FLOAT32", "noData": NO_DATA}
                for s in self.surface_layers}}
        return {"id": "stadtbild", "classes": classes}


def identifier(name: str, taken: set) -> str:
    """A schema identifier for an attribute name (ASCII letters, digits, ``_``), unique in ``taken``."""
    base = re.sub(r"[^A-Za-z0-9_]+", "_", str(name)).strip("_") or "attribute"
    if base[0].isdigit():
        base = "_" + base
    key, k = base, 2
    while key in taken:
        key, k = f"{base}_{k}", k + 1
    taken.add(key)
    return key


def build_schema(records_per_state: list, surface_layers: list) -> Schema:
    """Properties for the union of the feature records of all states: ``id``, ``type`` and
    ``height_m`` first, then every other name in first-seen order; a property is FLOAT64 when all
    its present values are numbers (not booleans), else STRING."""
    numeric: dict[str, bool] = {"id": False, "type": False, "height_m": True}
    for records in records_per_state:
        for rec in records:
            for k, v in rec.items():
                if k in ("id", "type", "height_m") or v is None:
                    numeric.setdefault(k, True)
                    continue
                is_num = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                numeric[k] = numeric.get(k, True) and is_num
    taken: set = set()
    props = [Property(identifier(n, taken), n, "FLOAT64" if num else "STRING") for n, num in numeric.items()]
    return Schema(props, list(surface_layers))


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float, np.integer, np.floating)):
        return f"{v}"
    return json.dumps(v, ensure_ascii=False, default=str)


def _number(v) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return NO_DATA
    return f if np.isfinite(f) else NO_DATA


# ====================================================================== one state's content
@dataclass
class StateMesh:
    """A state's triangles prepared for tiling: ENU vertices, feature per triangle, colours and
    per-surface layer values (all per triangle)."""

    name: str
    vertices_enu: np.ndarray  # (n, 3) float64
    triangles: np.ndarray  # (m, 3) int64
    polygon_key: np.ndarray  # (m,) int64: triangles with one key share vertices and normal
    feature: np.ndarray  # (m,) int64 into feature_ids
    rgba: np.ndarray  # (m, 4) uint8
    feature_ids: list
    records: list  # one dict per feature
    layer_values: dict = field(default_factory=dict)  # key -> (m,) float32 (NaN = none)
    layer_rgba: dict = field(default_factory=dict)  # key -> (m, 4) uint8


def feature_records(model, feature_ids: list, heights: np.ndarray, extra: dict | None = None) -> list:
    """One record per feature: ``id``, ``type``, ``height_m`` (highest minus lowest point, m) and
    the object's attributes (the model is expected to be redacted already), plus ``extra``
    {feature id: {name: value}} (per-building results)."""
    out = []
    for fid, h in zip(feature_ids, heights):
        obj = model.objects[fid]
        rec = {"id": fid, "type": obj.type, "height_m": round(float(h), 2) if np.isfinite(h) else None}
        for k, v in (obj.attributes or {}).items():
            if k not in rec:
                rec[k] = v
        rec.update((extra or {}).get(fid, {}))
        out.append(rec)
    return out


def state_mesh(name: str, model, frame, lod=None, inserted=(), analyses=(), extra_records=None) -> tuple:
    """(StateMesh, [SurfaceLayer]) of a model: triangles at ``lod`` in the site's ENU frame, one
    feature per top-level object, surface colours, and the per-surface/per-object colouring of
    each analysis in ``analyses`` (:class:`exporters.results.AnalysisResult`)."""
    from stadtbild.model.surgery import roots

    from .._common import object_meshes, result_colouring, safe_name

    meshes = object_meshes(model, lod)
    used, inv = np.unique(meshes.triangles.reshape(-1), return_inverse=True)
    enu = frame.to_enu(meshes.vertices[used]) if len(used) else np.zeros((0, 3))
    tris = inv.reshape(-1, 3).astype(np.int64)
    root_of = roots(model)
    feature_ids = list(dict.fromkeys(root_of[oid] for oid in meshes.object_ids))
    fpos = {fid: k for k, fid in enumerate(feature_ids)}
    obj_feature = np.array([fpos[root_of[oid]] for oid in meshes.object_ids], dtype=np.int64)
    feature = obj_feature[meshes.object_index] if len(tris) else np.zeros(0, np.int64)
    # heights per feature: highest minus lowest vertex (ENU up; curvature is negligible per building)
    z = enu[tris, 2] if len(tris) else np.zeros((0, 3))
    zmax = np.full(len(feature_ids), -np.inf)
    zmin = np.full(len(feature_ids), np.inf)
    np.maximum.at(zmax, feature, z.max(axis=1) if len(z) else z)
    np.minimum.at(zmin, feature, z.min(axis=1) if len(z) else z)
    heights = np.where(np.isfinite(zmax) & np.isfinite(zmin), zmax - zmin, np.nan)
    rgba = surface_rgba(meshes, inserted)
    key = np.where(meshes.model_polygon >= 0, meshes.model_polygon, -1 - np.arange(len(tris)))
    sm = StateMesh(name, enu, tris, key.astype(np.int64), feature, rgba, feature_ids,
                   feature_records(model, feature_ids, heights, extra_records))
    layers = []
    for a in analyses:
        col = result_colouring(a, meshes)
        if col is None or not np.isfinite(col.values).any():
            continue
        lkey = identifier(safe_name(f"{a.name}_{col.name}", upper=False).lower(), set())
        sm.layer_values[lkey] = np.where(np.isfinite(col.values), col.values, NO_DATA).astype(np.float32)
        sm.layer_rgba[lkey] = col.triangle_rgba()
        layers.append(SurfaceLayer(lkey, a.title or a.name, col.units,
                                   [(lab, tuple(int(c) for c in rgb)) for lab, rgb in col.legend()],
                                   [float(b) for b in col.breaks]))
    return sm, layers


def surface_rgba(meshes, inserted=()) -> np.ndarray:
    """(m, 4) uint8 colour per triangle: semantic surface colour, else the object type's, else grey;
    inserted objects in the 'new' colour (walls a lighter tint of it, so roofs stay apart)."""
    from stadtbild.model.semantics import SURFACE_TYPES

    surf = np.array([SURFACE_RGB.get(n, (0, 0, 0)) for n in SURFACE_TYPES], dtype=np.uint8)
    has = np.array([n in SURFACE_RGB for n in SURFACE_TYPES], dtype=bool)
    obj_rgb = np.array([TYPE_RGB.get(t, DEFAULT_RGB) for t in meshes.object_types] or [DEFAULT_RGB], dtype=np.uint8)
    st = meshes.surface_type.astype(np.int64)
    out = np.empty((len(st), 4), dtype=np.uint8)
    out[:, 3] = 255
    out[:, :3] = np.where(has[st][:, None], surf[st], obj_rgb[meshes.object_index] if len(st) else surf[st])
    if inserted:
        ins = np.array([oid in set(inserted) for oid in meshes.object_ids], dtype=bool)
        tri_ins = ins[meshes.object_index]
        wall = tri_ins & (st != 1)  # RoofSurface = 1
        out[tri_ins, :3] = INSERTED_RGB
        out[wall, :3] = (np.asarray(INSERTED_RGB) * 0.45 + 255 * 0.55).astype(np.uint8)
    return out


# ====================================================================== tile content (GLB)
def flat_vertices(vertices, triangles, key):
    """Split vertices per polygon key: (positions (v, 3), new triangles (m, 3), triangle of each new
    vertex (v,), unit normals (v, 3) = the area-weighted normal of the vertex's polygon)."""
    m = len(triangles)
    c = vertices[triangles]
    raw = np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0])
    ukey, kinv = np.unique(key, return_inverse=True)
    pn = np.zeros((len(ukey), 3))
    np.add.at(pn, kinv, raw)
    length = np.linalg.norm(pn, axis=1)
    pn = np.where(length[:, None] > 0, pn / np.where(length > 0, length, 1.0)[:, None], [0.0, 0.0, 1.0])
    pair = triangles.astype(np.int64) * len(ukey) + kinv[:, None]
    upair, pinv = np.unique(pair.reshape(-1), return_inverse=True)
    first = np.zeros(len(upair), dtype=np.int64)
    first[pinv] = np.repeat(np.arange(m), 3)  # a triangle using each new vertex (all share its key)
    positions = vertices[upair // len(ukey)]
    normals = pn[upair % len(ukey)]
    return positions, pinv.reshape(-1, 3), first, normals


def feature_property_table(builder: GlbBuilder, schema: Schema, records: list) -> dict:
    """An EXT_structural_metadata property table of ``records`` (one row each) in ``builder``.
    Numbers are FLOAT64 (missing: the class's noData), text is UTF-8 with UINT32 offsets."""
    props = {}
    for p in schema.properties:
        values = [r.get(p.name) for r in records]
        if p.type == "STRING":
            enc = [_text(v).encode("utf-8") for v in values]
            if not any(enc):  # no value in this tile: the (optional) property is left out of its table,
                continue  # as glTF forbids empty buffer views
            offsets = np.zeros(len(enc) + 1, dtype=np.uint32)
            offsets[1:] = np.cumsum([len(e) for e in enc], dtype=np.uint64)
            props[p.key] = {"values": builder.view(b"".join(enc)), "stringOffsets": builder.view(offsets.tobytes()),
                            "stringOffsetType": "UINT32"}
        else:
            arr = np.array([_number(v) for v in values], dtype=np.float64)
            if (arr == NO_DATA).all():  # left out like an empty text column
                continue
            props[p.key] = {"values": builder.view(arr.tobytes())}
    return {"name": FEATURE_CLASS, "class": FEATURE_CLASS, "count": len(records), "properties": props}


def building_glb(sm: StateMesh, tri_sel: np.ndarray, schema: Schema) -> tuple[bytes, np.ndarray, np.ndarray, list]:
    """GLB of the selected triangles of a state; returns (bytes, bbox min, bbox max in ENU, the
    feature ids of the tile in property-table row order)."""
    tris = sm.triangles[tri_sel]
    feats_global = sm.feature[tri_sel]
    ufeat, local_feat = np.unique(feats_global, return_inverse=True)
    positions, new_tris, first, normals = flat_vertices(sm.vertices_enu, tris, sm.polygon_key[tri_sel])
    lo, hi = positions.min(axis=0), positions.max(axis=0)
    centre = np.round((lo + hi) / 2.0, 3)
    yup = np.column_stack([positions[:, 0] - centre[0], positions[:, 2] - centre[2], -(positions[:, 1] - centre[1])])
    nyup = np.column_stack([normals[:, 0], normals[:, 2], -normals[:, 1]]).astype(np.float32)
    b = GlbBuilder()
    attrs = {"POSITION": b.accessor(yup.astype(np.float32), min_max=True),
             "NORMAL": b.accessor(nyup),
             "COLOR_0": b.accessor(linear_u16(sm.rgba[tri_sel][first]), normalized=True),
             "_FEATURE_ID_0": b.accessor(local_feat[first].astype(np.float32))}
    prim = {"attributes": attrs, "indices": b.indices(new_tris), "material": 0, "mode": 4,
            "extensions": {"EXT_mesh_features": {"featureIds": [
                {"featureCount": int(len(ufeat)), "attribute": 0, "propertyTable": 0, "label": "building"}]}}}
    meta = {"schema": schema.to_json(),
            "propertyTables": [feature_property_table(b, schema, [sm.records[i] for i in ufeat])]}
    if sm.layer_values:
        pa = {}
        for key, vals in sm.layer_values.items():
            attrs[f"_{key.upper()}"] = b.accessor(vals[tri_sel][first].astype(np.float32))
            attrs[f"_C_{key.upper()}"] = b.accessor(linear_u16(sm.layer_rgba[key][tri_sel][first]), normalized=True)
            pa[key] = {"attribute": f"_{key.upper()}"}
        meta["propertyAttributes"] = [{"class": SURFACE_CLASS, "properties": pa}]
        prim["extensions"]["EXT_structural_metadata"] = {"propertyAttributes": [0]}
    b.gltf.update({
        "scene": 0, "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "translation": [float(centre[0]), float(centre[2]), float(-centre[1])]}],
        "meshes": [{"primitives": [prim]}],
        "materials": [{"name": "surface", "doubleSided": True,
                       "pbrMetallicRoughness": {"baseColorFactor": [1, 1, 1, 1], "metallicFactor": 0.0,
                                                "roughnessFactor": 0.9}}],
        "extensions": {"EXT_structural_metadata": meta}})
    b.extensions.update({"EXT_mesh_features", "EXT_structural_metadata"})
    return b.to_bytes(), lo, hi, [sm.feature_ids[i] for i in ufeat]


# ====================================================================== coarse blocks
BOX_TRIANGLES = 10  # top and four sides of a block
#: inner tiles holding between PROXY_MIN_TILES and PROXY_MAX_TILES leaves' worth of buildings get
#: a coarse content of blocks (one box per building) and REPLACE refinement, so that a large city
#: shows its blocks from afar instead of an empty ground; smaller sites need none
PROXY_MIN_TILES = 4
PROXY_MAX_TILES = 20
_BOX_FACES = np.array([[4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4], [1, 2, 6], [1, 6, 5],
                       [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7]])


def proxy_mesh(sm: StateMesh) -> StateMesh:
    """One block per feature: its axis-aligned box in the ENU frame (top and sides, 10 triangles,
    in feature order), the top in the colour of the feature's highest triangle (its roof), the
    sides in that of its steepest one (a wall); same features and layer attributes (no values) as
    ``sm``, records cut to id, type and height, so picking and the layer shaders work on the blocks
    too while a block tile stays small."""
    n = len(sm.feature_ids)
    c = sm.vertices_enu[sm.triangles]
    lo = np.full((n, 3), np.inf)
    hi = np.full((n, 3), -np.inf)
    np.minimum.at(lo, sm.feature, c.min(axis=1))
    np.maximum.at(hi, sm.feature, c.max(axis=1))
    x = np.stack([lo[:, 0], hi[:, 0], hi[:, 0], lo[:, 0]], 1)
    y = np.stack([lo[:, 1], lo[:, 1], hi[:, 1], hi[:, 1]], 1)
    verts = np.concatenate([np.stack([x, y, np.repeat(lo[:, 2:], 4, 1)], -1),
                            np.stack([x, y, np.repeat(hi[:, 2:], 4, 1)], -1)], axis=1).reshape(-1, 3)
    tris = (np.arange(n)[:, None, None] * 8 + _BOX_FACES[None]).reshape(-1, 3)
    feature = np.repeat(np.arange(n), BOX_TRIANGLES)
    nrm = np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0])
    steep = np.abs(nrm[:, 2]) / np.maximum(np.linalg.norm(nrm, axis=1), 1e-12)
    order = np.lexsort((c[:, :, 2].mean(axis=1), sm.feature))  # per feature, highest last
    top = np.zeros(n, np.int64)
    top[sm.feature[order]] = order
    order = np.lexsort((-steep, sm.feature))  # per feature, steepest (smallest |nz|) last
    side = np.zeros(n, np.int64)
    side[sm.feature[order]] = order
    rgba = np.repeat(sm.rgba[side], BOX_TRIANGLES, axis=0)
    rgba.reshape(n, BOX_TRIANGLES, 4)[:, :2] = sm.rgba[top][:, None]
    key = np.repeat(np.arange(n * 5), 2)  # two triangles per face share vertices and normal
    brief = [{k: r.get(k) for k in ("id", "type", "height_m")} for r in sm.records]  # the rest when near
    out = StateMesh(sm.name, verts, tris, key, feature, rgba, sm.feature_ids, brief)
    for k in sm.layer_values:
        out.layer_values[k] = np.full(len(tris), NO_DATA, np.float32)
        out.layer_rgba[k] = rgba
    return out


# ====================================================================== spatial tree
@dataclass
class Node:
    level: int
    x: int
    y: int
    size: float  # side of the quadtree cell, m
    items: np.ndarray | None = None  # feature indices (leaves)
    children: list = field(default_factory=list)


def quadtree(centres: np.ndarray, weights: np.ndarray, max_items: int, max_weight: float,
             max_depth: int = 14) -> Node:
    """A quadtree over plan points (k, 2): a cell is split while it holds more than ``max_items``
    points or more than ``max_weight`` total weight (triangles)."""
    lo = centres.min(axis=0) if len(centres) else np.zeros(2)
    hi = centres.max(axis=0) if len(centres) else np.ones(2)
    size = float(max(hi - lo)) * 1.0001 + 1e-3

    def split(idx: np.ndarray, level: int, x: int, y: int, origin: np.ndarray, side: float) -> Node:
        node = Node(level, x, y, side)
        if (len(idx) <= max_items and weights[idx].sum() <= max_weight) or level >= max_depth or len(idx) <= 1:
            node.items = idx
            return node
        half = side / 2.0
        qx = (centres[idx, 0] >= origin[0] + half).astype(int)
        qy = (centres[idx, 1] >= origin[1] + half).astype(int)
        for dx in (0, 1):
            for dy in (0, 1):
                sub = idx[(qx == dx) & (qy == dy)]
                if len(sub):
                    node.children.append(split(sub, level + 1, 2 * x + dx, 2 * y + dy,
                                               origin + np.array([dx, dy]) * half, half))
        if len(node.children) == 1:  # all in one quadrant: no empty level in between
            only = node.children[0]
            only.level, only.x, only.y = level, x, y
            return only
        return node

    return split(np.arange(len(centres)), 0, 0, 0, lo, size)


def box_json(lo, hi, pad: float = 0.01) -> list:
    """3D Tiles ``box`` (centre + three half-axes) of an axis-aligned box, padded by ``pad`` m."""
    lo, hi = np.asarray(lo, float) - pad, np.asarray(hi, float) + pad
    c, h = (lo + hi) / 2.0, (hi - lo) / 2.0
    return [round(float(v), 4) for v in (*c, h[0], 0, 0, 0, h[1], 0, 0, 0, h[2])]


def tileset_error(lo, hi) -> float:
    """The tileset's geometricError: what is lost when the whole tileset is not drawn, i.e. all of
    it: its diagonal, at least 200 m, so that clients draw it from several kilometres away
    (a client draws the root while error × screen height / (distance × 2 tan(fov/2)) exceeds its
    maximum screen-space error, 16 px in CesiumJS)."""
    return round(max(float(np.linalg.norm(np.asarray(hi, float) - np.asarray(lo, float))), 200.0), 3)


def column_major(m: np.ndarray) -> list:
    return [float(v) for v in np.asarray(m, float).T.reshape(-1)]


def write_state_tileset(sm: StateMesh, frame, schema: Schema, folder: Path, extras: dict | None = None,
                        max_features: int = MAX_FEATURES_PER_TILE,
                        max_triangles: int = MAX_TRIANGLES_PER_TILE) -> dict:
    """Write ``folder/tileset.json`` and ``folder/content/*.glb`` for one state. Returns
    {tiles, features, triangles, bytes}."""
    folder = Path(folder)
    (folder / "content").mkdir(parents=True, exist_ok=True)
    nfeat = len(sm.feature_ids)
    if nfeat == 0 or len(sm.triangles) == 0:
        raise ValueError(f"{sm.name}: nothing to publish (no surface geometry)")
    # plan centre and triangle count of each feature
    c = sm.vertices_enu[sm.triangles].mean(axis=1)[:, :2]
    cnt = np.bincount(sm.feature, minlength=nfeat).astype(float)
    centres = np.column_stack([np.bincount(sm.feature, c[:, 0], nfeat), np.bincount(sm.feature, c[:, 1], nfeat)])
    centres /= np.maximum(cnt, 1)[:, None]
    tree = quadtree(centres, cnt, max_features, max_triangles)
    tri_order = np.argsort(sm.feature, kind="stable")
    starts = np.searchsorted(sm.feature[tri_order], np.arange(nfeat + 1))
    written = {"tiles": 0, "bytes": 0}
    proxies = proxy_mesh(sm) if nfeat > PROXY_MIN_TILES * max_features else None

    def leaves_of(node: Node) -> list:
        return [node] if node.items is not None else [lf for ch in node.children for lf in leaves_of(ch)]

    def leaf_items(node: Node) -> np.ndarray:
        return node.items if node.items is not None else np.concatenate([leaf_items(ch) for ch in node.children])

    def emit(node: Node, proxied: bool) -> tuple[dict, np.ndarray, np.ndarray]:
        tile: dict = {}
        if node.items is not None:
            sel = np.concatenate([tri_order[starts[f]:starts[f + 1]] for f in np.sort(node.items)])
            data, lo, hi, _ = building_glb(sm, sel, schema)
            uri = f"content/{node.level}_{node.x}_{node.y}.glb"
            _write_file(folder / uri, data)
            written["tiles"] += 1
            written["bytes"] += len(data)
            lo, hi = lo - 0.01, hi + 0.01  # float32 rounding of the content stays inside
            tile.update(boundingVolume={"box": box_json(lo, hi, pad=0.0)}, geometricError=0.0, content={"uri": uri})
            return tile, lo, hi
        items = leaf_items(node)
        proxy_here = (proxies is not None and not proxied
                      and PROXY_MIN_TILES * max_features < len(items) <= PROXY_MAX_TILES * max_features)
        # below a block tile its leaves hang directly: a client replaces the blocks only when all its
        # children are ready, and an empty in-between tile counts as ready (holes in CesiumJS)
        children = leaves_of(node) if proxy_here else node.children
        kids = [emit(ch, proxied or proxy_here) for ch in children]
        lo = np.min([k[1] for k in kids], axis=0) - 0.001  # the union of the children's boxes
        hi = np.max([k[2] for k in kids], axis=0) + 0.001
        tile.update(boundingVolume={"box": box_json(lo, hi, pad=0.0)},
                    geometricError=round(node.size / 8.0, 3), children=[k[0] for k in kids])
        if proxy_here:  # blocks of all buildings below, replaced by the real ones when near
            sel = (np.sort(items)[:, None] * BOX_TRIANGLES + np.arange(BOX_TRIANGLES)).reshape(-1)
            data, _, _, _ = building_glb(proxies, sel, schema)
            uri = f"content/{node.level}_{node.x}_{node.y}_blocks.glb"
            _write_file(folder / uri, data)
            written["tiles"] += 1
            written["bytes"] += len(data)
            tile.update(content={"uri": uri}, refine="REPLACE")
        return tile, lo, hi

    root, lo, hi = emit(tree, False)
    root.setdefault("refine", "ADD")
    root["transform"] = column_major(frame.enu_to_ecef_matrix())
    doc = {"asset": {"version": "1.1", "generator": "Stadtbild publish",
                     "extras": dict(frame.summary(), **(extras or {}))},
           "geometricError": tileset_error(lo, hi), "root": root}
    data = json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
    _write_file(folder / "tileset.json", data)
    return {"tiles": written["tiles"], "features": nfeat, "triangles": int(len(sm.triangles)),
            "bytes": written["bytes"] + len(data), "bounds_enu": [lo.tolist(), hi.tolist()]}


def single_tile_tileset(folder: Path, frame, glb: bytes, lo, hi, extras: dict | None = None) -> int:
    """A tileset of one tile (ground plate, a result layer); returns the bytes written."""
    folder = Path(folder)
    _write_file(folder / "content.glb", glb)
    root = {"boundingVolume": {"box": box_json(lo, hi, pad=0.05)}, "geometricError": 0.0, "refine": "ADD",
            "content": {"uri": "content.glb"}, "transform": column_major(frame.enu_to_ecef_matrix())}
    doc = {"asset": {"version": "1.1", "generator": "Stadtbild publish",
                     "extras": dict(frame.summary(), **(extras or {}))},
           "geometricError": tileset_error(lo, hi), "root": root}
    data = json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
    _write_file(folder / "tileset.json", data)
    return len(glb) + len(data)
