"""Landmark visibility: from which street points a landmark can be seen.

Works on a :class:`model.scene.Scene` in its local frame and with the ray core, as
:mod:`analysis.sightline` (whose points, targets and line traces it uses).

Method (docs/ARCHITECTURE.md, "Methods")
----------------------------------------
Landmark visibility
    Is landmark L visible from each street point of an area: for each observer, rays to up to
    ``n_points`` points on L (its top plus area-weighted samples on its facades and roofs that face
    the observer); visible if any ray reaches L.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .casters import make_raycaster
from stadtbild.model.ground import ground_for
from .sightline import EYE_HEIGHT_M, target_points, trace_lines
from .viewshed import RAY_BATCH


@dataclass(eq=False)
class LandmarkResult:
    """Visibility of one landmark from many observers (local): ``visible`` (n,) bool,
    ``visible_points`` (n,) how many of the landmark's ``n_points`` target points are seen."""

    scene: object
    landmark: int
    observers: np.ndarray
    visible: np.ndarray
    visible_points: np.ndarray
    n_points: int
    grid: object = None
    grid_mask: np.ndarray | None = None

    @property
    def visible_fraction(self) -> float:
        return float(self.visible.mean()) if len(self.visible) else 0.0

    def figures(self) -> dict:
        ids = self.scene.object_ids
        return {"visible_fraction": round(self.visible_fraction, 6),
                "visible_objects": [ids[self.landmark]] if self.visible.any() else [],
                "sample_count": int(len(self.visible)), "landmark": ids[self.landmark],
                "observers_seeing_landmark": int(self.visible.sum()), "target_points": int(self.n_points)}

    def raster(self):
        """Ground raster of the observer grid (when built by :func:`street_points`): 1 landmark
        visible, 0 not, -1 nodata."""
        v = np.full(self.grid.shape, -1.0)
        v[self.grid_mask] = self.visible.astype(float)
        return self.grid.raster(v, nodata=-1.0, units="landmark visible (1) / hidden (0)")

    def polygons(self):
        from .ground_grid import raster_polygons

        m = np.zeros(self.grid.shape, dtype=bool)
        m[self.grid_mask] = self.visible
        return raster_polygons(m, self.grid.transform)


def street_points(scene, extent=None, polygon=None, cell_m: float = 5.0, eye_height_m: float = EYE_HEIGHT_M,
                  ground=None, raycaster=None):
    """Observer points on the open ground (not under buildings) of an area: (grid, mask (ny, nx),
    eye points (n, 3) local) on a ``cell_m`` grid over ``extent`` / ``polygon`` (model CRS)."""
    from .ground_grid import ground_grid

    rc = make_raycaster(scene, raycaster)
    grid = ground_grid(scene, cell_m, extent=extent, polygon=polygon, ground=(ground or ground_for(scene)), raycaster=rc)
    mask = grid.active
    pts = grid.sample_points(mask)
    pts[:, 2] += eye_height_m - grid.lift_m
    return grid, mask, pts


def landmark_visibility(scene, landmark_id: str, observers, aim: str = "any", n_points: int = 32,
                        raycaster=None, progress=None) -> LandmarkResult:
    """Is the landmark visible from each observer (local eye points (n, 3))? Rays to its target
    points (:func:`target_points`), visible if any ray reaches it; batches of ≤ :data:`RAY_BATCH` rays."""
    rc = make_raycaster(scene, raycaster)
    tp = target_points(scene, landmark_id, aim, n_points)
    obs = np.atleast_2d(np.asarray(observers, dtype=np.float64))
    k = len(tp.points)
    n = len(obs)
    counts = np.zeros(n, dtype=np.int64)
    per = max(1, RAY_BATCH // k)
    omni = np.abs(tp.normals).sum(axis=1) == 0
    for s in range(0, n, per):
        o = obs[s:s + per]
        oo = np.repeat(o, k, axis=0)
        tt = np.tile(tp.points, (len(o), 1))
        nn = np.tile(tp.normals, (len(o), 1))
        facing = np.tile(omni, len(o)) | (np.einsum("ij,ij->i", nn, oo - tt) > 0)
        reached = np.zeros(len(oo), dtype=bool)
        if facing.any():
            reached[facing] = trace_lines(rc, oo[facing], tt[facing], tp.object_index).reached
        counts[s:s + per] = reached.reshape(len(o), k).sum(axis=1)
        if progress is not None:
            progress(min(s + per, n), n)
    return LandmarkResult(scene=scene, landmark=tp.object_index, observers=obs, visible=counts > 0,
                          visible_points=counts, n_points=k)
