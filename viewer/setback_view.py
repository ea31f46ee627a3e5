"""Abstandsflächen drawn on the ground: translucent green rectangles in front of the walls,
red where a wall has a conflict (:class:`analysis.setbacks.SetbackResult`), with outlines and a
legend. Coordinates: the scene's local frame (the result's local xy is shifted by
``result.origin − scene.origin``); z is the ground height of each wall's building (or
``z_local``) + a small lift so the areas do not z-fight with the ground plane."""
from __future__ import annotations

import numpy as np
import shapely

OK_COLOUR = (60, 170, 90)
VIOLATION_COLOUR = (220, 30, 30)
LIFT_M = 0.08


def setback_polydata(result, scene=None, z_local: float | None = None, lift_m: float = LIFT_M, colours=None,
                     new_walls=None):
    """PolyData of the outer walls' setback areas (two triangles per rectangle), cell data
    ``violation`` (0/1), ``wall`` (index into ``result.wall_ids``) and ``rgb``; plus a line
    PolyData of their outlines. Returns (fill, outline).

    ``colours``: (kept, conflict, existing conflict) RGB, default :data:`OK_COLOUR` and
    :data:`VIOLATION_COLOUR`; with ``new_walls`` (wall ids of a variant's new conflicts) the
    conflicts of other walls, which the existing state has already, get the third colour."""
    import pyvista as pv

    idx = np.flatnonzero(result.kind == "outer")
    idx = idx[~shapely.is_empty(result.areas[idx])]
    shift = np.zeros(2)
    origin_z = float(result.origin[2])
    if scene is not None:
        shift = (np.asarray(result.origin) - np.asarray(scene.origin))[:2]
        origin_z = float(scene.origin[2])
    if not len(idx):
        return pv.PolyData(), pv.PolyData()
    if z_local is not None:
        z = np.full(len(idx), float(z_local))
    elif result.ground_z is not None and len(result.ground_z):
        z = np.asarray(result.ground_z, dtype=float)[idx] - origin_z
    else:
        z = np.full(len(idx), float(scene.bounds[0][2]) if scene is not None else 0.0)
    z = z + lift_m
    coords = shapely.get_coordinates(shapely.get_exterior_ring(result.areas[idx])).reshape(len(idx), 5, 2)[:, :4]
    pts = np.concatenate([coords.reshape(-1, 2) + shift, np.repeat(z, 4)[:, None]], axis=1)
    base = np.arange(len(idx)) * 4
    tris = np.concatenate([np.stack([base, base + 1, base + 2], 1), np.stack([base, base + 2, base + 3], 1)])
    faces = np.hstack([np.full((len(tris), 1), 3), tris]).ravel()
    fill = pv.PolyData(pts, faces)
    bad = result.violating_mask()[idx].astype(np.uint8)
    cell_bad = np.concatenate([bad, bad])
    fill.cell_data["violation"] = cell_bad
    fill.cell_data["wall"] = np.concatenate([idx, idx])
    ok_rgb, bad_rgb, existing_rgb = colours or (OK_COLOUR, VIOLATION_COLOUR, VIOLATION_COLOUR)
    rgb = np.where(bad[:, None] == 1, bad_rgb, ok_rgb)
    if new_walls is not None:
        new = set(new_walls)
        existing = (bad == 1) & np.array([result.wall_ids[i] not in new for i in idx], dtype=bool)
        rgb[existing] = existing_rgb
    fill.cell_data["rgb"] = np.concatenate([rgb, rgb]).astype(np.uint8)
    segs = np.stack([base, base + 1, base + 1, base + 2, base + 2, base + 3, base + 3, base], 1).reshape(-1, 2)
    outline = pv.PolyData(pts + [0, 0, 0.01], lines=np.hstack([np.full((len(segs), 1), 2), segs]).ravel())
    outline.cell_data["violation"] = np.repeat(bad, 4)
    return fill, outline


def add_setbacks(plotter, result, scene=None, z_local: float | None = None, opacity: float = 0.45,
                 name: str = "setbacks", legend: bool = True):
    """Add the setback areas of ``result`` to a PyVista plotter (violations red). Returns the
    fill actor (None when there are no areas)."""
    fill, outline = setback_polydata(result, scene, z_local)
    if not fill.n_cells:
        return None
    actor = plotter.add_mesh(fill, scalars="rgb", rgb=True, opacity=opacity, name=name, pickable=True,
                             lighting=False, show_scalar_bar=False)
    bad = outline.extract_cells(np.flatnonzero(outline.cell_data["violation"] == 1))
    good = outline.extract_cells(np.flatnonzero(outline.cell_data["violation"] == 0))
    if good.n_cells:
        plotter.add_mesh(good, color=np.array(OK_COLOUR) / 255, line_width=1.5, name=f"{name}-outline",
                         pickable=False, lighting=False)
    if bad.n_cells:
        plotter.add_mesh(bad, color=np.array(VIOLATION_COLOUR) / 255, line_width=3, name=f"{name}-violations",
                         pickable=False, lighting=False)
    if legend:
        plotter.add_legend([[f"Abstandsfläche ({result.rule.name})", np.array(OK_COLOUR) / 255],
                            ["Überschneidung / Verstoß", np.array(VIOLATION_COLOUR) / 255]],
                           bcolor=(1.0, 1.0, 1.0), border=True, size=(0.34, 0.09), loc="lower left", face="rectangle",
                           background_opacity=0.85)
    return actor
