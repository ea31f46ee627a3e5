"""Shared pieces of the exporters: triangles per object in output coordinates, scenario edits
(demolished / inserted ids), layer names, result colours and legends.

Output coordinates are the model CRS in metres, optionally shifted by an ``offset`` (the "local
origin" CAD users prefer): ``output = crs_xyz - offset``. The default local origin is the
model's own (``CityModel.origin``, the bbox minimum floored to whole metres), so that the shift
is an exact integer and float32 consumers (glTF, STL) keep millimetres.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from stadtbild.model.semantics import SURFACE_TYPES

#: semantic surface name -> short layer suffix
SURFACE_SHORT = {
    "RoofSurface": "ROOF", "WallSurface": "WALL", "GroundSurface": "GROUND",
    "ClosureSurface": "CLOSURE", "OuterCeilingSurface": "OUTERCEILING", "OuterFloorSurface": "OUTERFLOOR",
    "Window": "WINDOW", "Door": "DOOR", "InteriorWallSurface": "INTERIORWALL", "CeilingSurface": "CEILING",
    "FloorSurface": "FLOOR", "WaterSurface": "WATER", "WaterGroundSurface": "WATERGROUND",
    "WaterClosureSurface": "WATERCLOSURE", "TrafficArea": "TRAFFIC", "AuxiliaryTrafficArea": "AUXTRAFFIC",
    "TransportationMarking": "MARKING", "TransportationHole": "HOLE", "Terrain": "TERRAIN", "Other": "OTHER",
}
#: object types drawn on the layers of their parent kind
TYPE_ALIASES = {"BuildingPart": "Building", "BuildingInstallation": "Building",
                "BridgePart": "Bridge", "TunnelPart": "Tunnel"}

#: RGB (0-255) per semantic surface, the viewer's conventional palette (roof red, wall light grey)
SURFACE_RGB = {"RoofSurface": (196, 72, 56), "WallSurface": (215, 215, 205), "GroundSurface": (120, 110, 100),
               "ClosureSurface": (170, 170, 230), "Window": (120, 170, 220), "Door": (150, 110, 70),
               "Terrain": (150, 180, 120), "WaterSurface": (80, 140, 200)}
#: RGB per CityObject type for geometry without semantic surfaces (LoD1 districts)
TYPE_RGB = {"Building": (205, 120, 100), "BuildingPart": (205, 120, 100), "Road": (120, 120, 120),
            "Railway": (110, 90, 80), "TransportSquare": (150, 150, 150), "LandUse": (225, 215, 170),
            "PlantCover": (110, 170, 90), "SolitaryVegetationObject": (70, 140, 60), "WaterBody": (90, 150, 210),
            "Bridge": (170, 160, 150), "TINRelief": (150, 180, 120), "CityFurniture": (160, 120, 160)}
DEFAULT_RGB = (190, 190, 190)
INSERTED_RGB = (40, 150, 240)
DEMOLISHED_RGB = (230, 40, 40)


@dataclass
class Edits:
    """What a scenario changed, as exporters need it: ids demolished (absent from the edited
    model; drawn as outlines from ``original``) and ids inserted (new objects)."""

    demolished: list = field(default_factory=list)
    inserted: list = field(default_factory=list)
    original: object | None = None  # the untouched CityModel

    @classmethod
    def between(cls, original, edited) -> "Edits":
        """Compare the ids of the source model and the edited one."""
        before, after = set(original.objects), set(edited.objects)
        return cls(demolished=[i for i in original.objects if i not in after],
                   inserted=[i for i in edited.objects if i not in before], original=original)


def resolve_offset(model, local_origin) -> np.ndarray:
    """``False``/``None`` -> zeros (coordinates in the CRS); ``True`` -> the model's local origin;
    a sequence of 2 or 3 numbers -> that point (metres, CRS)."""
    if local_origin is None or local_origin is False:
        return np.zeros(3)
    if local_origin is True:
        return np.asarray(model.origin, dtype=float).copy()
    off = np.zeros(3)
    vals = np.asarray(local_origin, dtype=float).reshape(-1)
    off[: len(vals)] = vals[:3]
    return off


@dataclass
class ObjectMeshes:
    """All triangles to export, grouped by object (contiguous), in output coordinates.

    vertices (n,3) float64 output coordinates (CRS - offset), triangles (m,3), object_index (m,)
    into ``object_ids``, surface_type (m,) semantic codes, model_polygon (m,) row of the source
    polygon in the model's polygon table, ``starts`` (k+1,) triangle range per object.
    """

    vertices: np.ndarray
    triangles: np.ndarray
    object_index: np.ndarray
    surface_type: np.ndarray
    model_polygon: np.ndarray
    object_ids: list
    object_types: list
    starts: np.ndarray
    offset: np.ndarray

    @property
    def n_triangles(self) -> int:
        return len(self.triangles)

    def object_slice(self, k: int) -> slice:
        return slice(int(self.starts[k]), int(self.starts[k + 1]))

    def sub_mesh(self, tri_sel) -> tuple[np.ndarray, np.ndarray]:
        """(vertices, faces) of the selected triangles with compact vertex numbering."""
        tris = self.triangles[tri_sel]
        used, inv = np.unique(tris.reshape(-1), return_inverse=True)
        return self.vertices[used], inv.reshape(-1, 3)

    def triangle_areas(self) -> np.ndarray:
        c = self.vertices[self.triangles]
        return 0.5 * np.linalg.norm(np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0]), axis=1)


def object_meshes(model, lod=None, offset=None) -> ObjectMeshes:
    """Triangles of every object of ``model`` (its selected geometry at ``lod``)."""
    sc = model.scene(lod=lod)
    offset = np.zeros(3) if offset is None else np.asarray(offset, float)
    order = np.argsort(sc.object_index, kind="stable")
    obj = sc.object_index[order]
    starts = np.searchsorted(obj, np.arange(len(sc.object_ids) + 1))
    rows = np.asarray(sc.model_polygon)[sc.polygon_index[order]] if len(order) else np.zeros(0, np.int64)
    return ObjectMeshes(
        vertices=sc.vertices + (sc.origin - offset),
        triangles=sc.triangles[order], object_index=obj, surface_type=sc.surface_type[order],
        model_polygon=rows, object_ids=list(sc.object_ids), object_types=list(sc.object_types),
        starts=starts, offset=offset)


def layer_stem(object_type: str) -> str:
    """CityObject type -> upper-case layer stem (``BuildingPart`` -> ``BUILDING``)."""
    t = TYPE_ALIASES.get(object_type, object_type)
    t = re.sub(r"[^A-Za-z0-9]+", "_", t.lstrip("+")).strip("_")
    return (t or "OBJECT").upper()


def layer_name(object_type: str, surface_code: int) -> str:
    """``BUILDING_ROOF``, ``BUILDING_WALL`` … or the bare stem for surfaces without semantics."""
    name = SURFACE_TYPES[int(surface_code)]
    short = SURFACE_SHORT.get(name)
    stem = layer_stem(object_type)
    return f"{stem}_{short}" if short else stem


def safe_name(text: str, upper: bool = True) -> str:
    t = re.sub(r"[^A-Za-z0-9_-]+", "_", str(text)).strip("_") or "RESULT"
    return t.upper() if upper else t


# ---------------------------------------------------------------------- result colours
@dataclass
class Colouring:
    """Per-triangle result values and their classes/colours (see :func:`result_colouring`)."""

    name: str
    values: np.ndarray  # (m,) float, NaN = no value
    breaks: np.ndarray  # (c+1,) ascending class edges
    klass: np.ndarray  # (m,) int class index, -1 = no value
    class_rgb: np.ndarray  # (c, 3) uint8
    units: str = ""

    def legend(self) -> list[tuple[str, tuple]]:
        out = []
        for i in range(len(self.class_rgb)):
            lo, hi = self.breaks[i], self.breaks[i + 1]
            out.append((f"{_fmt(lo)} – {_fmt(hi)} {self.units}".strip(), tuple(int(c) for c in self.class_rgb[i])))
        return out

    def triangle_rgba(self, no_value_rgb=DEFAULT_RGB) -> np.ndarray:
        rgba = np.empty((len(self.klass), 4), dtype=np.uint8)
        rgba[:, :3] = no_value_rgb
        rgba[:, 3] = 255
        ok = self.klass >= 0
        rgba[ok, :3] = self.class_rgb[self.klass[ok]]
        return rgba


def _fmt(v: float) -> str:
    if v == 0 or 0.01 <= abs(v) < 1e5:
        return f"{v:.4g}"
    return f"{v:.3e}"


def result_colouring(analysis, meshes: ObjectMeshes) -> Colouring | None:
    """Values of ``analysis``' colour key on every exported triangle, classed by its breaks and
    coloured with its matplotlib colour map (class centres)."""
    key = analysis.colour_key()
    if key is None:
        return None
    kind, name = key
    if kind == "surfaces":
        per_row = np.asarray(analysis.surfaces[name], dtype=float)
        vals = np.full(meshes.n_triangles, np.nan)
        ok = (meshes.model_polygon >= 0) & (meshes.model_polygon < len(per_row))
        vals[ok] = per_row[meshes.model_polygon[ok]]
    else:
        per_obj = np.array([_num(analysis.objects.get(oid, {}).get(name)) for oid in meshes.object_ids], dtype=float)
        vals = per_obj[meshes.object_index] if len(per_obj) else np.zeros(0)
    breaks = analysis.breaks(vals)
    ncls = len(breaks) - 1
    klass = np.full(len(vals), -1, dtype=np.int64)
    fin = np.isfinite(vals)
    klass[fin] = np.clip(np.searchsorted(breaks, vals[fin], side="right") - 1, 0, ncls - 1)
    return Colouring(name=name, values=vals, breaks=breaks, klass=klass,
                     class_rgb=class_colours(analysis.cmap, ncls), units=analysis.units.get(name, ""))


def class_colours(cmap_name: str, n: int) -> np.ndarray:
    """(n, 3) uint8 colours sampled at class centres of a matplotlib colour map."""
    from matplotlib import colormaps

    try:
        cmap = colormaps[cmap_name]
    except KeyError:
        cmap = colormaps["viridis"]
    rgba = cmap((np.arange(n) + 0.5) / max(n, 1))
    return np.round(np.asarray(rgba)[:, :3] * 255).astype(np.uint8)


def _num(v) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return np.nan
    return f


def object_record(model, oid: str) -> dict:
    """Flat attributes of an object for tables/IFC/XDATA (scalars only; nested as JSON text)."""
    import json

    obj = model.objects[oid]
    out = {}
    for k, v in obj.attributes.items():
        if isinstance(v, (str, int, float, bool)) or v is None:
            out[k] = v
        else:
            out[k] = json.dumps(v, ensure_ascii=False)
    return out


# ---------------------------------------------------------------------- polygons as shapely
