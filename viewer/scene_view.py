"""PyVista meshes of a Scene, coloured by semantic surface or object type, with picking data.

Cell data on every mesh:
    ``object_index``  index into ``scene.object_ids`` (picking returns the file's ids)
    ``surface_type``  semantic code
    ``rgb``           uint8 colours (used with ``rgb=True``)
Points are float64 local coordinates (``scene.origin`` is the offset to the model CRS).
"""
from __future__ import annotations

import numpy as np
import pyvista as pv

from stadtbild.model.scene import Scene
from stadtbild.model.semantics import SURFACE_CODE, SURFACE_TYPES

# Colours as in common CityGML viewers (FZKViewer, 3DCityDB web client): red-brown roofs,
# light walls, grey ground.
SURFACE_COLOURS: dict[str, tuple[int, int, int]] = {
    "Unknown": (214, 208, 196),
    "RoofSurface": (178, 77, 58),
    "WallSurface": (232, 230, 224),
    "GroundSurface": (140, 140, 140),
    "ClosureSurface": (200, 200, 230),
    "OuterCeilingSurface": (210, 205, 195),
    "OuterFloorSurface": (190, 185, 175),
    "Window": (120, 170, 210),
    "Door": (140, 100, 60),
    "WaterSurface": (90, 150, 210),
    "TrafficArea": (120, 120, 120),
    "AuxiliaryTrafficArea": (160, 160, 150),
    "Terrain": (170, 185, 140),
    "Other": (200, 200, 190),
}
TYPE_COLOURS: dict[str, tuple[int, int, int]] = {
    "Building": (222, 210, 190),
    "BuildingPart": (222, 210, 190),
    "BuildingInstallation": (200, 190, 170),
    "Bridge": (170, 170, 170),
    "BridgePart": (170, 170, 170),
    "Tunnel": (150, 140, 130),
    "Road": (110, 110, 110),
    "Railway": (120, 100, 90),
    "TransportSquare": (150, 150, 150),
    "Transportation": (110, 110, 110),
    "WaterBody": (90, 150, 210),
    "PlantCover": (110, 160, 90),
    "SolitaryVegetationObject": (60, 130, 60),
    "LandUse": (200, 215, 160),
    "TINRelief": (170, 185, 140),
    "ReliefFeature": (170, 185, 140),
    "CityFurniture": (160, 120, 160),
    "GenericCityObject": (180, 160, 200),
    "OtherConstruction": (180, 170, 160),
}
DEFAULT_COLOUR = (200, 200, 200)
SELECTION_COLOUR = (255, 200, 0)
#: the ground plane under a model; drawn without lighting in the window, so that its colour (and
#: a translucent result over it) is the same at every sun position and equals its legend swatch
GROUND_PLANE_RGB = (235, 235, 224)


def surface_colour_table() -> np.ndarray:
    """(n_codes, 3) uint8 colour per semantic code."""
    table = np.array([SURFACE_COLOURS.get(name, DEFAULT_COLOUR) for name in SURFACE_TYPES], dtype=np.uint8)
    return table


def triangle_colours(scene: Scene, mode: str = "auto") -> np.ndarray:
    """(m, 3) uint8 colour of every triangle. ``mode``: 'surface', 'type' or 'auto' (surface
    colours for objects with semantics, type colours for the others)."""
    m = scene.n_triangles
    type_table = np.array([TYPE_COLOURS.get(t, DEFAULT_COLOUR) for t in scene.object_types] or [DEFAULT_COLOUR],
                          dtype=np.uint8)
    by_type = type_table[scene.object_index] if m else np.zeros((0, 3), np.uint8)
    if mode == "type":
        return by_type
    by_surface = surface_colour_table()[scene.surface_type.astype(np.int64)] if m else by_type
    if mode == "surface":
        return by_surface
    has_sem = scene.surface_type != SURFACE_CODE["Unknown"]
    out = by_type.copy()
    out[has_sem] = by_surface[has_sem]
    return out


def scene_to_polydata(scene: Scene, colour_mode: str = "auto", triangle_mask=None) -> pv.PolyData:
    """One PolyData of the scene's triangles (optionally only the masked ones)."""
    tris = scene.triangles
    obj = scene.object_index
    surf = scene.surface_type
    rgb = triangle_colours(scene, colour_mode)
    if triangle_mask is not None:
        tris, obj, surf, rgb = tris[triangle_mask], obj[triangle_mask], surf[triangle_mask], rgb[triangle_mask]
    faces = np.empty((len(tris), 4), dtype=np.int64)
    faces[:, 0] = 3
    faces[:, 1:] = tris
    mesh = pv.PolyData(scene.vertices, faces.ravel()) if len(tris) else pv.PolyData()
    if len(tris):
        mesh.cell_data["object_index"] = obj
        mesh.cell_data["surface_type"] = surf
        mesh.cell_data["rgb"] = rgb
    return mesh


def ground_plane(scene: Scene, margin: float = 0.15, z: float | None = None) -> pv.PolyData:
    """A flat ground rectangle under the scene, ``margin`` × extent larger on every side."""
    lo, hi = scene.bounds
    ext = max(hi[0] - lo[0], hi[1] - lo[1], 1.0)
    zz = lo[2] - 0.05 if z is None else z
    pad = margin * ext
    return pv.Plane(center=((lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, zz), direction=(0, 0, 1),
                    i_size=hi[0] - lo[0] + 2 * pad, j_size=hi[1] - lo[1] + 2 * pad)


def add_scene(plotter, scene: Scene, colour_mode: str = "auto", ground: bool = True, name: str = "model",
              opacity: float = 1.0):
    """Add the scene (and a ground plane) to a PyVista plotter; returns the model actor."""
    mesh = scene_to_polydata(scene, colour_mode)
    actor = None
    if mesh.n_cells:
        actor = plotter.add_mesh(mesh, scalars="rgb", rgb=True, name=name, opacity=opacity,
                                 show_edges=False, lighting=True, smooth_shading=False,
                                 ambient=0.25, diffuse=0.75, specular=0.05)
    if ground and mesh.n_cells:
        plotter.add_mesh(ground_plane(scene), color=(0.93, 0.93, 0.9), name=f"{name}-ground",
                         pickable=False, ambient=0.4, diffuse=0.6)
    return actor


class DragGhost:
    """A translucent one-colour copy of some of a scene's triangles that follows a drag: moved
    and turned about a vertical axis by a transform on its actor (no new mesh per mouse move)."""

    def __init__(self, plotter, scene: Scene, triangle_mask, rgb, opacity: float, name: str = "ghost"):
        from vtkmodules.vtkCommonTransforms import vtkTransform

        coloured = scene_to_polydata(scene, triangle_mask=triangle_mask)
        mesh = pv.PolyData(coloured.points, coloured.faces)  # one ghost colour: no cell arrays
        self.plotter = plotter
        self.actor = plotter.add_mesh(mesh, color=rgb, opacity=opacity, name=name, pickable=False,
                                      reset_camera=False, render=False, lighting=True)
        self.transform = vtkTransform()
        self.transform.PostMultiply()
        self.actor.SetUserTransform(self.transform)

    def place(self, pivot_xy, offset_xy, angle_deg: float) -> None:
        """Turn by ``angle_deg`` (counter-clockwise) about the vertical axis through ``pivot_xy``,
        then move by ``offset_xy`` (local metres)."""
        t = self.transform
        t.Identity()
        t.Translate(-pivot_xy[0], -pivot_xy[1], 0.0)
        t.RotateZ(angle_deg)
        t.Translate(pivot_xy[0] + offset_xy[0], pivot_xy[1] + offset_xy[1], 0.0)
        t.Modified()

    def remove(self) -> None:
        self.plotter.remove_actor(self.actor, render=False)
