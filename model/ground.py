"""The ground: one model of the ground height that every analysis, edit and view asks, and the
scene the analyses trace (docs/ARCHITECTURE.md, "Contracts").

With a DEM attached (``--terrain``, :attr:`model.citymodel.CityModel.terrain_grid`) the ground is
that terrain; else the model's own TINRelief (gridded, :func:`relief_grid`); else a horizontal
plane at the model's lowest ground height (:func:`lowest_ground_z`: the lowest GroundSurface, else
the lowest vertex that is not terrain). Outside a terrain grid the plane height is used::

    ground = ground_of(model)                  # or ground_for(scene, terrain_grid)
    z = ground.height(xy_local)                # (n,) metres, the scene's local frame
    observers = np.c_[xy_local, z + 1.6]

Heights are bilinear in the DEM cells, or (``method="mesh"``) exactly on the terrain triangles the
ray core sees (:meth:`model.terrain.TerrainGrid.height`, which the adaptive mesh of
:mod:`model.terrain_mesh` answers for its own triangles). The scene to ray-cast is
:func:`analysis_scene`: the model scene plus the terrain mesh, so a hill shades and a ridge blocks
a view.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .scene import Scene
from .semantics import GROUND, TERRAIN
from .terrain import RELIEF_TYPES, TerrainGrid, grid_from_triangles, with_terrain

#: the ground text of ``info`` for the plane
PLANE_TEXT = "plane at lowest ground height"


@dataclass(eq=False)
class Ground:
    """Ground height lookup in a scene's local frame.

    origin   (3,) the scene origin in the model CRS, metres
    plane_z  the fallback height (lowest ground) in the local frame, metres
    grid     the terrain :class:`~model.terrain.TerrainGrid` or None
    kind     "terrain" (DEM), "relief" (the model's TINRelief) or "plane"
    """

    origin: np.ndarray
    plane_z: float = 0.0
    grid: TerrainGrid | None = None
    kind: str = "plane"

    def height(self, xy_local, method: str = "bilinear") -> np.ndarray:
        """Ground height (m, local frame) under local points ``xy_local`` (…, 2+).

        Parameters
        ----------
        xy_local : array (..., 2 or 3)
            Points in the scene's local frame, metres (z is ignored).
        method : {"bilinear", "mesh"}
            Bilinear in the DEM cells, or linear on the terrain mesh's own triangles.
        """
        xy = np.asarray(xy_local, dtype=np.float64)
        if self.grid is None:
            return np.full(xy.shape[:-1], self.plane_z)
        z = self.grid.height_local(xy, self.origin, method)
        return np.where(np.isfinite(z), z, self.plane_z)

    __call__ = height

    def normals(self, xy_local, method: str = "bilinear", step_m: float = 0.5) -> np.ndarray:
        """(…, 3) upward unit normals of the ground under ``xy_local`` (local frame, m) from central
        differences of :meth:`height` ``step_m`` metres apart (a plane gives (0, 0, 1))."""
        xy = np.asarray(xy_local, dtype=np.float64)[..., :2]
        if self.grid is None:
            out = np.zeros(xy.shape[:-1] + (3,))
            out[..., 2] = 1.0
            return out
        dx = np.array([step_m, 0.0])
        dy = np.array([0.0, step_m])
        gx = (self.height(xy + dx, method) - self.height(xy - dx, method)) / (2 * step_m)
        gy = (self.height(xy + dy, method) - self.height(xy - dy, method)) / (2 * step_m)
        n = np.stack([-gx, -gy, np.ones_like(gx)], axis=-1)
        return n / np.linalg.norm(n, axis=-1, keepdims=True)


def lowest_ground_z(scene: Scene) -> float:
    """Lowest GroundSurface height of ``scene`` (local frame, m), else its lowest vertex among
    non-terrain triangles, else its lowest vertex, else 0."""
    if scene.n_triangles == 0:
        return 0.0
    st = scene.surface_type
    for mask in (st == GROUND, st != TERRAIN):
        if mask.any():
            return float(scene.vertices[scene.triangles[mask].ravel(), 2].min())
    return float(scene.vertices[scene.triangles.ravel(), 2].min())


def ground_plane_z(model) -> float:
    """The lowest ground height of a whole model in its CRS (m) — the same rule as
    :func:`lowest_ground_z` over all its polygons, without triangulating: the lowest GroundSurface
    vertex, else the lowest vertex, else 0. The default ground of inserted objects."""
    if model.n_polygons == 0:
        return 0.0
    ground = model.polygon_semantic == GROUND
    sel = ground if ground.any() else np.ones(model.n_polygons, bool)
    rkeep = np.repeat(sel, np.diff(model.polygon_offsets))
    vkeep = np.repeat(rkeep, np.diff(model.ring_offsets))
    z = model.vertices[model.ring_vertices[vkeep], 2]
    return float(z.min()) if len(z) else 0.0


def relief_grid(scene: Scene, resolution_m: float = 1.0) -> TerrainGrid | None:
    """A height grid (spacing ``resolution_m``, m) from the TINRelief triangles of a model scene,
    linear on the TIN's own triangles (:func:`model.terrain.grid_from_triangles`); None if the
    scene has no relief."""
    relief = np.array([t in RELIEF_TYPES for t in scene.object_types] or [False])
    if not relief.any() or scene.n_triangles == 0:
        return None
    tris = scene.triangles[relief[scene.object_index]]
    return grid_from_triangles(scene.vertices + scene.origin, tris, resolution_m, crs=scene.crs,
                               source="TINRelief")


def ground_for(scene: Scene, grid: TerrainGrid | None = None, relief_resolution_m: float = 1.0) -> Ground:
    """The :class:`Ground` of ``scene``: the DEM ``grid`` if given, else the scene's TINRelief
    (gridded every ``relief_resolution_m`` metres), else a plane at :func:`lowest_ground_z`."""
    plane = lowest_ground_z(scene)
    if grid is not None:
        return Ground(origin=scene.origin, plane_z=plane, grid=grid, kind="terrain")
    rg = relief_grid(scene, relief_resolution_m)
    if rg is not None:
        return Ground(origin=scene.origin, plane_z=plane, grid=rg, kind="relief")
    return Ground(origin=scene.origin, plane_z=plane)


def ground_of(model, lod: str | None = None) -> Ground:
    """The ground of ``model``: :func:`ground_for` its scene at ``lod`` and its attached DEM."""
    return ground_for(model.scene(lod), model.terrain_grid)


def analysis_scene(model, lod: str | None = None) -> Scene:
    """The Scene every ray-casting analysis uses: ``model.scene(lod)`` with its TINRelief typed
    ``Terrain``, plus the attached DEM mesh (``model.terrain``, which replaces the model's own
    TINRelief; :func:`model.terrain.with_terrain`). Without terrain this is the model scene."""
    return with_terrain(model.scene(lod), model.terrain)


def describe_ground(model) -> str | None:
    """The ``info`` JSON's ``ground``: the DEM (file name), the model's TINRelief, or the plane;
    None for a model without geometry."""
    grid = model.terrain_grid
    if grid is not None:
        return f"terrain (DEM {Path(grid.source).name})" if grid.source else "terrain (DEM)"
    if any(o.type in RELIEF_TYPES and o.geometries for o in model.objects.values()):
        return "terrain (TINRelief of the model)"
    return PLANE_TEXT if model.bbox() is not None else None
