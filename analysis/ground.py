"""Ground height under points, in a scene's local frame: the terrain when one is loaded, else a
horizontal plane at the model's lowest ground height (DESIGN.md, "Ground").

Shadow, sun-hours, sightline and viewshed code place observers and ground samples with it::

    ground = ground_for(scene, terrain_grid)        # terrain_grid: model.terrain.TerrainGrid | None
    z = ground.height(xy_local)                     # (n,) metres, same local frame as scene
    observers = np.c_[xy_local, z + 1.6]

or with the plain function ``terrain_height(xy_local, grid, origin)``. The scene to ray-cast is
``analysis_scene(model, lod)``: the model plus the DEM attached by ``--terrain`` (TINRelief
triangles typed ``Terrain``), so a hill shades and a ridge blocks a view. Heights are bilinear in the
DEM cells (or ``method="mesh"``: exactly on the terrain triangles the ray core sees). Outside the
terrain grid the plane height is used.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.scene import Scene
from model.semantics import GROUND, TERRAIN
from model.terrain import TerrainGrid, grid_from_triangles, with_terrain


def terrain_height(xy_local, grid: TerrainGrid, origin, method: str = "bilinear") -> np.ndarray:
    """Terrain height (m, local frame: z − origin[2]) at local points ``xy_local`` (…, 2+);
    NaN outside the grid. ``origin`` is the scene's origin (model CRS)."""
    return grid.height_local(xy_local, origin, method)


@dataclass(eq=False)
class Ground:
    """Ground height lookup. ``kind`` is "terrain" (DEM), "relief" (the model's TINRelief) or
    "plane"; ``plane_z`` is the fallback height in the local frame (m)."""

    origin: np.ndarray
    plane_z: float = 0.0
    grid: TerrainGrid | None = None
    kind: str = "plane"

    def height(self, xy_local, method: str = "bilinear") -> np.ndarray:
        """Ground height (m, local frame) under local points ``xy_local`` (…, 2+)."""
        xy = np.asarray(xy_local, dtype=np.float64)
        if self.grid is None:
            return np.full(xy.shape[:-1], self.plane_z)
        z = self.grid.height_local(xy, self.origin, method)
        return np.where(np.isfinite(z), z, self.plane_z)

    __call__ = height

    def normals(self, xy_local, method: str = "bilinear", step_m: float = 0.5) -> np.ndarray:
        """(…, 3) upward unit normals of the ground under ``xy_local`` from central differences of
        :meth:`height` ``step_m`` metres apart (a plane gives (0, 0, 1))."""
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

    def describe(self) -> str:
        """For the ``info`` JSON key ``ground``."""
        if self.kind == "terrain":
            return f"terrain (DEM {self.grid.source})" if self.grid is not None and self.grid.source else "terrain (DEM)"
        if self.kind == "relief":
            return "terrain (TINRelief of the model)"
        return "plane at lowest ground height"


def lowest_ground_z(scene: Scene) -> float:
    """Lowest GroundSurface height of the scene (local frame, m), else its lowest vertex among
    non-terrain triangles, else 0."""
    if scene.n_triangles == 0:
        return 0.0
    st = scene.surface_type
    for mask in (st == GROUND, st != TERRAIN):
        if mask.any():
            return float(scene.vertices[scene.triangles[mask].ravel(), 2].min())
    return float(scene.vertices[scene.triangles.ravel(), 2].min())


def ground_for(scene: Scene, grid: TerrainGrid | None = None, relief_resolution_m: float = 1.0) -> Ground:
    """The ground of ``scene``: the DEM ``grid`` if given, else the scene's TINRelief (gridded at
    ``relief_resolution_m``), else a plane at :func:`lowest_ground_z`."""
    plane = lowest_ground_z(scene)
    if grid is not None:
        return Ground(origin=scene.origin, plane_z=plane, grid=grid, kind="terrain")
    if any(t in ("TINRelief", "ReliefFeature") for t in scene.object_types):
        relief = np.array([t in ("TINRelief", "ReliefFeature") for t in scene.object_types])
        tris = scene.triangles[relief[scene.object_index]]
        rg = grid_from_triangles(scene.vertices + scene.origin, tris, relief_resolution_m,
                                 crs=scene.crs, source="TINRelief")
        if rg is not None:
            return Ground(origin=scene.origin, plane_z=plane, grid=rg, kind="relief")
    return Ground(origin=scene.origin, plane_z=plane)


def ground_for_model(model, lod=None) -> Ground:
    """:func:`ground_for` of ``model.scene(lod)`` with the DEM attached by the CLI
    (``model.terrain_grid``, see ``cli/common.py --terrain``)."""
    return ground_for(model.scene(lod), getattr(model, "terrain_grid", None))


def analysis_scene(model, lod=None) -> Scene:
    """The Scene every ray-casting analysis should use: ``model.scene(lod)`` with its TINRelief
    typed ``Terrain``, plus the DEM mesh attached by ``--terrain`` (``model.terrain``, which
    replaces the model's own TINRelief). Without terrain this is the model scene."""
    return with_terrain(model.scene(lod), getattr(model, "terrain", None))
