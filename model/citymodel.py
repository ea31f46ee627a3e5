"""The city model: objects, attributes, hierarchy and geometries per LoD with semantic surfaces.

Storage is "struct of arrays" so that a 50,000-building city loads and triangulates in seconds:
all polygons of all geometries live in one CSR structure over one vertex array (as CityJSON
stores them), and every :class:`Geometry` is a slice ``[poly_start, poly_stop)`` of that table.

    vertices          (N, 3) float64 absolute coordinates in the model CRS (metres)
    ring_vertices     (V,)   int64 vertex indices, ring after ring (rings not closed)
    ring_offsets      (R+1,) start of each ring in ring_vertices
    polygon_offsets   (P+1,) start of each polygon in the ring list (first ring = exterior)
    polygon_semantic  (P,)   int16 semantic code (model.semantics)
    polygon_surface   (P,)   int32 index into the owning geometry's ``semantic_surfaces`` or -1
    polygon_shell     (P,)   int32 shell number (unique in the model) for solids, -1 otherwise
    polygon_geometry  (P,)   int32 index into ``geometries``

Objects keep the file's ids; parent/child links (Building -> BuildingPart) are kept both ways.
The local origin (``origin``) is the bbox minimum of the model; scenes are built relative to it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from typing import TYPE_CHECKING

from . import codes
from .cache import cached
from .codes import Coded
from .crs import CRSInfo
from .ground import describe_ground
from .scene import Scene
from .semantics import SURFACE_TYPES
from .triangulate import Triangulation, triangulate

if TYPE_CHECKING:
    from .layer import Layer
    from .terrain import TerrainGrid

SURFACE_GEOMETRY_TYPES = ("MultiSurface", "CompositeSurface", "Solid", "MultiSolid", "CompositeSolid",
                          "TIN", "Triangulated")


@dataclass(slots=True)
class Geometry:
    """One geometry of an object at one LoD; its polygons are ``model`` rows poly_start..poly_stop."""

    type: str
    lod: str | None
    object_index: int
    poly_start: int = 0
    poly_stop: int = 0
    semantic_surfaces: list | None = None  # the file's semantic surface objects (with attributes)
    points: np.ndarray | None = None  # MultiPoint vertex indices
    lines: list | None = None  # MultiLineString: list of vertex index arrays
    extra: dict | None = None  # material / texture / template information as read

    @property
    def n_polygons(self) -> int:
        return self.poly_stop - self.poly_start

    @property
    def lod_value(self) -> float:
        """The LoD as a number for ordering ("2.2" -> 2.2, None -> -1)."""
        try:
            return float(self.lod)
        except (TypeError, ValueError):
            return -1.0


@dataclass(slots=True)
class CityObject:
    id: str
    type: str
    attributes: dict = field(default_factory=dict)
    geometries: list = field(default_factory=list)  # list[Geometry]
    parents: list = field(default_factory=list)
    children: list = field(default_factory=list)
    extra: dict | None = None  # other members as read (address, geographicalExtent, …)
    source: str | None = None  # file it came from


class BoundaryBuilder:
    """Accumulates polygons in flat lists while an importer walks a file."""

    __slots__ = ("ring_vertices", "ring_lengths", "poly_nrings", "poly_semantic", "poly_surface",
                 "poly_shell", "poly_geometry", "n_shells")

    def __init__(self) -> None:
        self.ring_vertices: list[int] = []
        self.ring_lengths: list[int] = []
        self.poly_nrings: list[int] = []
        self.poly_semantic: list[int] = []
        self.poly_surface: list[int] = []
        self.poly_shell: list[int] = []
        self.poly_geometry: list[int] = []
        self.n_shells = 0

    @property
    def n_polygons(self) -> int:
        return len(self.poly_nrings)

    def add_polygon(self, rings, semantic: int, surface: int, shell: int, geometry: int) -> None:
        """rings: sequence of sequences of vertex indices (exterior first, not closed)."""
        for ring in rings:
            self.ring_vertices.extend(ring)
            self.ring_lengths.append(len(ring))
        self.poly_nrings.append(len(rings))
        self.poly_semantic.append(semantic)
        self.poly_surface.append(surface)
        self.poly_shell.append(shell)
        self.poly_geometry.append(geometry)

    def new_shell(self) -> int:
        self.n_shells += 1
        return self.n_shells - 1

    def arrays(self) -> dict:
        ring_offsets = np.zeros(len(self.ring_lengths) + 1, dtype=np.int64)
        np.cumsum(np.asarray(self.ring_lengths, dtype=np.int64), out=ring_offsets[1:])
        polygon_offsets = np.zeros(len(self.poly_nrings) + 1, dtype=np.int64)
        np.cumsum(np.asarray(self.poly_nrings, dtype=np.int64), out=polygon_offsets[1:])
        return dict(
            ring_vertices=np.asarray(self.ring_vertices, dtype=np.int64),
            ring_offsets=ring_offsets,
            polygon_offsets=polygon_offsets,
            polygon_semantic=np.asarray(self.poly_semantic, dtype=np.int16),
            polygon_surface=np.asarray(self.poly_surface, dtype=np.int32),
            polygon_shell=np.asarray(self.poly_shell, dtype=np.int32),
            polygon_geometry=np.asarray(self.poly_geometry, dtype=np.int32),
        )


def _empty_int(dtype=np.int64):
    return np.zeros(0, dtype=dtype)


class CityModel:
    """A loaded city model (see module docstring for the storage layout).

    Besides the file's content a model carries what the user attached to it for every command:
    ``terrain_grid`` (:class:`model.terrain.TerrainGrid` of a DEM, model CRS), ``terrain`` (its mesh
    as a :class:`model.scene.Scene` in the model's local frame), ``terrain_check`` (buildings that
    float above or are buried in that terrain, ``importers.terrain.check_ground_heights``) and
    ``layers`` (2D :class:`model.layer.Layer` overlays in the model CRS). Edits and subsets keep them.
    """

    def __init__(self) -> None:
        self.format: str = "CityJSON"
        self.version: str | None = None
        self.crs: CRSInfo = CRSInfo(None)
        self.sources: list[str] = []
        self.metadata: dict = {}
        self.appearance: dict | None = None
        self.textures = None  # model.appearance.Textures of one theme (importers/appearance.py)
        self.geometry_templates: dict | None = None
        self.extensions: dict | None = None
        self.transform: dict | None = None  # CityJSON transform as read (kept for export)
        self.reprojection = None  # model.crs.Reprojection when read in a geographic CRS
        self.warnings: list[str] = []
        self.objects: dict[str, CityObject] = {}
        self.geometries: list[Geometry] = []
        self.file_vertex_count = 0
        self.vertices = np.zeros((0, 3), dtype=np.float64)
        self.ring_vertices = _empty_int()
        self.ring_offsets = np.zeros(1, dtype=np.int64)
        self.polygon_offsets = np.zeros(1, dtype=np.int64)
        self.polygon_semantic = _empty_int(np.int16)
        self.polygon_surface = _empty_int(np.int32)
        self.polygon_shell = _empty_int(np.int32)
        self.polygon_geometry = _empty_int(np.int32)
        self.terrain_grid: TerrainGrid | None = None
        self.terrain: Scene | None = None
        self.terrain_check: list[dict] = []
        self.layers: list[Layer] = []
        self._cache: dict = {}

    # ------------------------------------------------------------------ construction helpers
    def set_boundaries(self, builder: BoundaryBuilder) -> None:
        for name, arr in builder.arrays().items():
            setattr(self, name, arr)
        self.invalidate()

    def invalidate(self) -> None:
        """Drop cached derived data (after vertices or polygons were changed)."""
        self._cache.clear()

    def warn(self, message: str, code: str | None = None) -> None:
        """Add a warning once; ``code`` is one of :mod:`model.codes` (kept with the text)."""
        if message not in self.warnings:
            self.warnings.append(Coded(code, message) if code else message)

    # ------------------------------------------------------------------ basic queries
    @property
    @cached
    def object_ids(self) -> list[str]:
        """The object ids in model order (cached)."""
        return list(self.objects)

    @cached
    def _id_index(self) -> dict:
        return {oid: i for i, oid in enumerate(self.objects)}

    def object_index(self, object_id: str) -> int:
        """Position of ``object_id`` in :attr:`object_ids` (KeyError if absent)."""
        return self._id_index()[object_id]

    def __len__(self) -> int:
        return len(self.objects)

    def __contains__(self, object_id: str) -> bool:
        return object_id in self.objects

    def __getitem__(self, object_id: str) -> CityObject:
        return self.objects[object_id]

    @property
    def n_polygons(self) -> int:
        return len(self.polygon_offsets) - 1

    def object_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for obj in self.objects.values():
            counts[obj.type] = counts.get(obj.type, 0) + 1
        return dict(sorted(counts.items()))

    def lods(self) -> list[str]:
        """LoDs present in the geometries, sorted (as strings, e.g. ["1.2", "2.2"])."""
        found = {g.lod for g in self.geometries if g.lod is not None}
        return sorted(found, key=lambda s: (_lod_float(s), s))

    def used_vertex_mask(self) -> np.ndarray:
        mask = np.zeros(len(self.vertices), dtype=bool)
        if len(self.ring_vertices):
            mask[self.ring_vertices] = True
        for g in self.geometries:
            if g.points is not None and len(g.points):
                mask[g.points] = True
            if g.lines:
                for line in g.lines:
                    mask[line] = True
        return mask

    @cached
    def bbox(self) -> np.ndarray | None:
        """[xmin, ymin, zmin, xmax, ymax, zmax] of the vertices used by geometries, in the CRS (m);
        None for a model without geometry. Cached, read-only."""
        used = self.vertices[self.used_vertex_mask()] if len(self.vertices) else self.vertices
        used = used[np.isfinite(used).all(axis=1)] if len(used) else used
        return np.concatenate([used.min(axis=0), used.max(axis=0)]) if len(used) else None

    @property
    def origin(self) -> np.ndarray:
        """Local origin (bbox minimum) in the CRS, metres; zeros for an empty model."""
        bb = self.bbox()
        return np.zeros(3) if bb is None else np.floor(bb[:3])

    # ------------------------------------------------------------------ triangulation & scenes
    @cached
    def triangulation(self) -> Triangulation:
        """Triangles of all polygons of all geometries (cached). Degenerate polygons are counted
        in ``warnings``."""
        tri = triangulate(self.vertices, self.ring_vertices, self.ring_offsets, self.polygon_offsets)
        if len(tri.degenerate):
            self.warn(f"{len(tri.degenerate)} degenerate polygon(s) (fewer than 3 distinct "
                      f"vertices or zero area) were dropped", codes.DEGENERATE_POLYGONS)
        return tri

    @cached
    def polygon_areas(self) -> np.ndarray:
        """True 3D area (m²) of every polygon, holes subtracted, from the triangulation (cached)."""
        tri = self.triangulation()
        c = self.vertices[tri.triangles]
        a = 0.5 * np.linalg.norm(np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0]), axis=1)
        return np.bincount(tri.polygon, weights=a, minlength=self.n_polygons)

    def select_geometry(self, obj: CityObject, lod: str | None = None) -> Geometry | None:
        """The geometry of ``obj`` to show/analyse: the surface geometry of the requested LoD
        (exact "2.2", or major "2" matching "2.x"), else the highest LoD with surfaces."""
        surf = [g for g in obj.geometries if g.n_polygons > 0]
        if not surf:
            return None
        if lod not in (None, "best", "highest"):
            exact = [g for g in surf if g.lod == lod]
            if not exact:
                exact = [g for g in surf if g.lod is not None and g.lod.split(".")[0] == str(lod).split(".")[0]]
            if not exact:
                return None
            surf = exact
        return max(surf, key=lambda g: (g.lod_value, g.n_polygons))

    def selected_geometries(self, lod: str | None = None, object_ids=None) -> list[Geometry]:
        ids = self.objects if object_ids is None else object_ids
        out = []
        for oid in ids:
            g = self.select_geometry(self.objects[oid], lod)
            if g is not None:
                out.append(g)
        return out

    def scene(self, lod: str | None = None, object_ids=None, types=None) -> Scene:
        """Merged triangles at one LoD (default: the highest per object). ``object_ids`` restricts
        to those objects, ``types`` to those CityObject types. Cached per arguments."""
        return self._scene(lod, None if object_ids is None else tuple(object_ids),
                           None if types is None else tuple(types))

    @cached
    def _scene(self, lod, object_ids, types) -> Scene:
        ids = list(self.objects) if object_ids is None else list(object_ids)
        if types is not None:
            wanted = set(types)
            ids = [i for i in ids if self.objects[i].type in wanted]
        geoms = self.selected_geometries(lod, ids)
        tri = self.triangulation()
        poly_selected = np.zeros(self.n_polygons, dtype=bool)
        for g in geoms:
            poly_selected[g.poly_start:g.poly_stop] = True
        tmask = poly_selected[tri.polygon] if len(tri.polygon) else np.zeros(0, bool)
        tris = tri.triangles[tmask]
        tpoly = tri.polygon[tmask]
        all_ids = self.object_ids
        obj_of_geom = np.array([g.object_index for g in self.geometries], dtype=np.int32)
        poly_obj_model = obj_of_geom[self.polygon_geometry] if self.n_polygons else _empty_int(np.int32)
        # compact vertices and renumber
        used, inverse = np.unique(tris.reshape(-1), return_inverse=True)
        origin = self.origin
        scene_ids = [all_ids[i] for i in sorted({g.object_index for g in geoms})]
        model_to_scene = np.full(len(all_ids), -1, dtype=np.int32)
        for k, oid in enumerate(scene_ids):
            model_to_scene[self.object_index(oid)] = k
        sel_polys = np.flatnonzero(poly_selected)
        poly_renum = np.full(self.n_polygons, -1, dtype=np.int32)
        poly_renum[sel_polys] = np.arange(len(sel_polys), dtype=np.int32)
        sc = Scene(
            vertices=self.vertices[used] - origin,
            triangles=inverse.reshape(-1, 3),
            object_index=model_to_scene[poly_obj_model[tpoly]] if len(tpoly) else _empty_int(np.int32),
            surface_type=self.polygon_semantic[tpoly],
            polygon_index=poly_renum[tpoly],
            polygon_object=model_to_scene[poly_obj_model[sel_polys]] if len(sel_polys) else _empty_int(np.int32),
            object_ids=scene_ids,
            object_types=[self.objects[i].type for i in scene_ids],
            origin=origin,
            crs=self.crs,
            lod=lod or "best",
        )
        sc.model_polygon = sel_polys  # scene polygon -> model polygon row (for write-back)
        sc.model_vertex = used  # scene vertex -> model vertex row (texture coordinates)
        return sc

    # ------------------------------------------------------------------ summaries
    def info(self) -> dict:
        """The ``info`` JSON of the CLI (keys are a stable contract, see docs/ARCHITECTURE.md)."""
        bb = self.bbox()
        sc = self.scene()
        return {
            "format": self.format,
            "version": self.version,
            "crs": self.crs.name,
            "vertical_crs": f"EPSG:{self.crs.vertical_epsg}" if self.crs.vertical_epsg else None,
            "object_counts": self.object_counts(),
            "objects": len(self.objects),
            "lods": self.lods(),
            "bbox": None if bb is None else [round(float(v), 4) for v in bb],
            "vertices": int(self.file_vertex_count or len(self.vertices)),
            "triangles": int(sc.n_triangles),
            "semantic_surfaces": self.semantic_counts(),
            "files": list(self.sources),
            "ground": describe_ground(self),
            "warnings": list(self.warnings),
            "textures": self.textures.summary() if self.textures is not None else None,
        }

    def semantic_counts(self) -> dict[str, int]:
        counts = np.bincount(self.polygon_semantic.astype(np.int64), minlength=len(SURFACE_TYPES))
        return {SURFACE_TYPES[i]: int(c) for i, c in enumerate(counts) if c and i}

    # ------------------------------------------------------------------ combining models
    def merged(self, other: "CityModel") -> "CityModel":
        """A new model holding this model's objects and ``other``'s (ids must not collide:
        colliding ids of ``other`` get a suffix and a warning). Vertices of ``other`` are taken
        as they are (same CRS assumed; reproject first if not)."""
        out = CityModel()
        out.format, out.version, out.crs = self.format, self.version, self.crs
        out.sources = self.sources + [s for s in other.sources if s not in self.sources]
        out.metadata = dict(self.metadata)
        # one source grid for the export only when both parts share it (else re-quantised)
        out.transform = self.transform if self.transform == other.transform else None
        out.reprojection = self.reprojection
        out.warnings = self.warnings + [w for w in other.warnings if w not in self.warnings]
        out.file_vertex_count = self.file_vertex_count + other.file_vertex_count
        nv, nr, npoly, ng = len(self.vertices), len(self.ring_offsets) - 1, self.n_polygons, len(self.geometries)
        nshell = int(self.polygon_shell.max()) + 1 if len(self.polygon_shell) else 0
        out.vertices = np.concatenate([self.vertices, other.vertices])
        out.ring_vertices = np.concatenate([self.ring_vertices, other.ring_vertices + nv])
        out.ring_offsets = np.concatenate([self.ring_offsets, other.ring_offsets[1:] + self.ring_offsets[-1]])
        out.polygon_offsets = np.concatenate([self.polygon_offsets, other.polygon_offsets[1:] + nr])
        out.polygon_semantic = np.concatenate([self.polygon_semantic, other.polygon_semantic])
        out.polygon_surface = np.concatenate([self.polygon_surface, other.polygon_surface])
        oshell = other.polygon_shell.copy()
        oshell[oshell >= 0] += nshell
        out.polygon_shell = np.concatenate([self.polygon_shell, oshell])
        out.polygon_geometry = np.concatenate([self.polygon_geometry, other.polygon_geometry + ng])
        rename: dict[str, str] = {}
        for oid in other.objects:
            if oid in self.objects:
                new = oid
                k = 1
                while new in self.objects or new in other.objects:
                    k += 1
                    new = f"{oid}_{k}"
                rename[oid] = new
        if rename:
            out.warn(f"{len(rename)} duplicate object id(s) renamed (e.g. {next(iter(rename))})", codes.DUPLICATE_IDS)
        n_self_obj = len(self.objects)
        for g in self.geometries:
            out.geometries.append(_copy_geometry(g, 0, 0, 0))
        for g in other.geometries:
            out.geometries.append(_copy_geometry(g, n_self_obj, npoly, nv))
        self_index = {id(g): i for i, g in enumerate(self.geometries)}  # once, not per object
        other_index = {id(g): i for i, g in enumerate(other.geometries)}
        for obj in self.objects.values():
            out.objects[obj.id] = _copy_object(obj, out.geometries, self.geometries, 0, {}, self_index)
        for obj in other.objects.values():
            out.objects[rename.get(obj.id, obj.id)] = _copy_object(obj, out.geometries, other.geometries, ng, rename,
                                                                   other_index)
        return out


def _copy_geometry(g: Geometry, obj_off: int, poly_off: int, vert_off: int) -> Geometry:
    return Geometry(
        type=g.type, lod=g.lod, object_index=g.object_index + obj_off,
        poly_start=g.poly_start + poly_off, poly_stop=g.poly_stop + poly_off,
        semantic_surfaces=g.semantic_surfaces,
        points=None if g.points is None else g.points + vert_off,
        lines=None if g.lines is None else [line + vert_off for line in g.lines],
        extra=g.extra,
    )


def _copy_object(obj: CityObject, new_geoms: list, old_geoms: list, geom_off: int, rename: dict,
                 index: dict | None = None) -> CityObject:
    if index is None:
        index = {id(g): i for i, g in enumerate(old_geoms)}
    return CityObject(
        id=rename.get(obj.id, obj.id), type=obj.type, attributes=dict(obj.attributes),
        geometries=[new_geoms[index[id(g)] + geom_off] for g in obj.geometries],
        parents=[rename.get(p, p) for p in obj.parents], children=[rename.get(c, c) for c in obj.children],
        extra=obj.extra, source=obj.source,
    )


def _lod_float(s) -> float:
    try:
        v = float(s)
        return v if math.isfinite(v) else -1.0
    except (TypeError, ValueError):
        return -1.0


def drop_polygons(model: CityModel, drop: np.ndarray) -> int:
    """Remove the polygons flagged in ``drop`` (bool, per polygon) from ``model`` in place,
    keeping geometry slices consistent. Returns the number removed."""
    drop = np.asarray(drop, dtype=bool)
    n = int(drop.sum())
    if not n:
        return 0
    keep = ~drop
    nrings = np.diff(model.polygon_offsets)
    ring_keep = np.repeat(keep, nrings)
    ring_len = np.diff(model.ring_offsets)
    vert_keep = np.repeat(ring_keep, ring_len)
    model.ring_vertices = model.ring_vertices[vert_keep]
    kept_len = ring_len[ring_keep]
    model.ring_offsets = np.concatenate([[0], np.cumsum(kept_len)]).astype(np.int64)
    model.polygon_offsets = np.concatenate([[0], np.cumsum(nrings[keep])]).astype(np.int64)
    for name in ("polygon_semantic", "polygon_surface", "polygon_shell", "polygon_geometry"):
        setattr(model, name, getattr(model, name)[keep])
    kept_before = np.concatenate([[0], np.cumsum(keep)])
    for g in model.geometries:
        g.poly_start = int(kept_before[g.poly_start])
        g.poly_stop = int(kept_before[g.poly_stop])
    model.invalidate()
    return n
