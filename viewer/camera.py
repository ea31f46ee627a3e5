"""Named camera views of a scene (iso, top, north, south, east, west).

A view is (position, focal point, view-up) in local scene coordinates (metres). "north" means the
camera looks *towards* north (standing south of the model), as in CAD "front" views of a site
plan whose front faces south.
"""
from __future__ import annotations

import numpy as np

VIEWS = ("iso", "top", "north", "south", "east", "west", "iso-ne", "iso-nw", "iso-se")

# direction from the focal point to the camera (x east, y north, z up)
_DIRECTIONS = {
    "iso": (-1.0, -1.0, 0.9),  # from the south-west, looking north-east
    "iso-se": (1.0, -1.0, 0.9),
    "iso-ne": (1.0, 1.0, 0.9),
    "iso-nw": (-1.0, 1.0, 0.9),
    "top": (0.0, 0.0, 1.0),
    "north": (0.0, -1.0, 0.35),
    "south": (0.0, 1.0, 0.35),
    "east": (-1.0, 0.0, 0.35),
    "west": (1.0, 0.0, 0.35),
}


def view_camera(bounds: np.ndarray, view: str = "iso", fov_deg: float = 30.0, aspect: float = 16 / 9):
    """Camera (position, focal_point, view_up) that frames ``bounds`` ((2,3) local lo/hi) from
    the named ``view``."""
    if view not in _DIRECTIONS:
        raise ValueError(f"unknown view {view!r} (choose from {', '.join(VIEWS)})")
    lo, hi = np.asarray(bounds, dtype=float)
    centre = (lo + hi) / 2
    radius = 0.5 * float(np.linalg.norm(hi - lo)) or 10.0
    direction = np.array(_DIRECTIONS[view], dtype=float)
    direction /= np.linalg.norm(direction)
    half = np.radians(fov_deg) / 2
    fit = min(np.tan(half), np.tan(half) * max(aspect, 1e-3))
    distance = radius / np.sin(np.arctan(fit)) * 1.02
    position = centre + direction * distance
    up = (0.0, 1.0, 0.0) if view == "top" else (0.0, 0.0, 1.0)
    return tuple(position), tuple(centre), up


def apply_view(plotter, bounds, view: str = "iso") -> None:
    w, h = plotter.window_size
    pos, focal, up = view_camera(bounds, view, fov_deg=plotter.camera.view_angle, aspect=w / max(h, 1))
    plotter.camera_position = [pos, focal, up]
    plotter.reset_camera_clipping_range()
