"""The Scene: merged triangle arrays of a city model at one LoD, the input of every analysis.

A Scene is plain numpy data (no VTK, no Qt). Coordinates are float64 metres *relative to*
``origin`` (the model's local origin, normally its bbox minimum), so that float32 copies for the GPU
or Embree keep centimetre precision in national grids (EPSG:25832 northings are ~5.7e6 m).
Absolute coordinates in the model CRS are ``vertices + origin``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .cache import cached
from .semantics import SURFACE_TYPES


@dataclass(eq=False)
class Scene:
    """Triangles of a model (or of a scenario applied to it).

    vertices        (n, 3) float64, metres, local coordinates (absolute = vertices + origin)
    triangles       (m, 3) int64 indices into ``vertices``; counter-clockwise seen from the
                    outside for closed solids (normal = right-hand rule)
    object_index    (m,) int32 index into ``object_ids`` of the object owning each triangle
    surface_type    (m,) int16 semantic code (``model.semantics.SURFACE_TYPES``)
    polygon_index   (m,) int32 index of the source polygon (into ``polygon_object`` etc.), so
                    per-surface results (solar per roof surface) can be aggregated; -1 if none
    object_ids      the objects' ids as in the file (CityJSON key / gml:id) or new ids of inserted ones
    object_types    CityObject type per object id ("Building", "BuildingPart", ...)
    polygon_object  (p,) int32 object index per polygon
    origin          (3,) float64 the local origin in the model CRS, metres
    crs             ``model.crs.CRSInfo`` or None
    lod             the LoD this scene was built from ("2.2", "2", "best", ...)
    """

    vertices: np.ndarray
    triangles: np.ndarray
    object_index: np.ndarray
    surface_type: np.ndarray
    object_ids: list[str]
    object_types: list[str] = field(default_factory=list)
    polygon_index: np.ndarray | None = None
    polygon_object: np.ndarray | None = None
    origin: np.ndarray = field(default_factory=lambda: np.zeros(3))
    crs: object | None = None
    lod: str | None = None

    def __post_init__(self) -> None:
        self.vertices = np.ascontiguousarray(self.vertices, dtype=np.float64).reshape(-1, 3)
        self.triangles = np.ascontiguousarray(self.triangles, dtype=np.int64).reshape(-1, 3)
        m = len(self.triangles)
        self.object_index = np.ascontiguousarray(self.object_index, dtype=np.int32).reshape(m)
        self.surface_type = np.ascontiguousarray(self.surface_type, dtype=np.int16).reshape(m)
        if self.polygon_index is None:
            self.polygon_index = np.full(m, -1, dtype=np.int32)
        else:
            self.polygon_index = np.ascontiguousarray(self.polygon_index, dtype=np.int32).reshape(m)
        if self.polygon_object is None:
            self.polygon_object = np.zeros(0, dtype=np.int32)
        self.origin = np.asarray(self.origin, dtype=np.float64).reshape(3)
        self.object_ids = list(self.object_ids)
        if not self.object_types:
            self.object_types = ["Unknown"] * len(self.object_ids)
        self._cache: dict = {}

    # ------------------------------------------------------------------ derived arrays (cached)
    @property
    def n_triangles(self) -> int:
        return len(self.triangles)

    @property
    @cached
    def corners(self) -> np.ndarray:
        """(m, 3, 3) float64 triangle corner coordinates, local metres (cached, read-only)."""
        return self.vertices[self.triangles]

    @property
    @cached
    def face_normals_raw(self) -> np.ndarray:
        """(m, 3) un-normalised normals (length = 2 × triangle area, m²; cached, read-only)."""
        c = self.corners
        return np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0])

    @property
    @cached
    def triangle_areas(self) -> np.ndarray:
        """(m,) triangle areas in m² (cached, read-only)."""
        return 0.5 * np.linalg.norm(self.face_normals_raw, axis=1)

    @property
    @cached
    def face_normals(self) -> np.ndarray:
        """(m, 3) unit normals (zero vector for degenerate triangles; cached, read-only)."""
        raw = self.face_normals_raw
        length = np.linalg.norm(raw, axis=1)
        n = np.zeros_like(raw)
        ok = length > 0
        n[ok] = raw[ok] / length[ok, None]
        return n

    @property
    def bounds(self) -> np.ndarray:
        """(2, 3) local bbox [[xmin, ymin, zmin], [xmax, ymax, zmax]] of used vertices."""
        if len(self.triangles) == 0:
            return np.zeros((2, 3))
        used = self.vertices[np.unique(self.triangles)]
        return np.array([used.min(axis=0), used.max(axis=0)])

    def to_local(self, xyz) -> np.ndarray:
        """Model-CRS coordinates -> local coordinates of this scene."""
        return np.asarray(xyz, dtype=np.float64) - self.origin[: np.shape(xyz)[-1]]

    def to_world(self, xyz) -> np.ndarray:
        """Local coordinates -> model-CRS coordinates."""
        return np.asarray(xyz, dtype=np.float64) + self.origin[: np.shape(xyz)[-1]]

    @cached
    def _id_lookup(self) -> dict:
        return {oid: i for i, oid in enumerate(self.object_ids)}

    def object_number(self, object_id: str) -> int:
        """Index of an object id in ``object_ids`` (KeyError if absent)."""
        return self._id_lookup()[object_id]

    def surface_name(self, code: int) -> str:
        return SURFACE_TYPES[int(code)]

    def select(self, triangle_mask: np.ndarray) -> "Scene":
        """A new Scene holding only the masked triangles (object/polygon tables kept)."""
        mask = np.asarray(triangle_mask, dtype=bool)
        return Scene(
            vertices=self.vertices,
            triangles=self.triangles[mask],
            object_index=self.object_index[mask],
            surface_type=self.surface_type[mask],
            polygon_index=self.polygon_index[mask],
            polygon_object=self.polygon_object,
            object_ids=self.object_ids,
            object_types=self.object_types,
            origin=self.origin,
            crs=self.crs,
            lod=self.lod,
        )

    def shifted_to(self, origin) -> "Scene":
        """The same triangles expressed in the local frame of ``origin`` (this scene when it
        already is), e.g. a "before" scene in the frame of the "after" scene of a scenario."""
        origin = np.asarray(origin, dtype=np.float64).reshape(3)
        if np.array_equal(self.origin, origin):
            return self
        return Scene(vertices=self.vertices + (self.origin - origin), triangles=self.triangles,
                     object_index=self.object_index, surface_type=self.surface_type, object_ids=self.object_ids,
                     object_types=self.object_types, polygon_index=self.polygon_index,
                     polygon_object=self.polygon_object, origin=origin, crs=self.crs, lod=self.lod)

    @staticmethod
    def concatenate(scenes: list["Scene"]) -> "Scene":
        """Merge scenes sharing one origin (object and polygon indices are renumbered)."""
        scenes = [s for s in scenes if s is not None]
        if not scenes:
            raise ValueError("no scenes to concatenate")
        origin = scenes[0].origin
        verts, tris, obj, surf, poly, pobj, ids, types = [], [], [], [], [], [], [], []
        v_off = o_off = p_off = 0
        for s in scenes:
            shift = s.origin - origin
            verts.append(s.vertices + shift)
            tris.append(s.triangles + v_off)
            obj.append(s.object_index + o_off)
            surf.append(s.surface_type)
            pi = s.polygon_index.copy()
            pi[pi >= 0] += p_off
            poly.append(pi)
            pobj.append(s.polygon_object + o_off)
            ids.extend(s.object_ids)
            types.extend(s.object_types)
            v_off += len(s.vertices)
            o_off += len(s.object_ids)
            p_off += len(s.polygon_object)
        return Scene(
            vertices=np.concatenate(verts),
            triangles=np.concatenate(tris),
            object_index=np.concatenate(obj),
            surface_type=np.concatenate(surf),
            polygon_index=np.concatenate(poly),
            polygon_object=np.concatenate(pobj),
            object_ids=ids,
            object_types=types,
            origin=origin,
            crs=scenes[0].crs,
            lod=scenes[0].lod,
        )
