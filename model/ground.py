"""The ground of a city model: its lowest ground height (DESIGN.md, "Ground")."""
from __future__ import annotations

import numpy as np

from .citymodel import CityModel
from .semantics import GROUND


def ground_plane_z(model: CityModel) -> float:
    """The model's lowest ground height: lowest GroundSurface vertex, else lowest vertex, else 0
    (DESIGN.md "Ground" without terrain)."""
    if model.n_polygons == 0:
        return 0.0
    ground = model.polygon_semantic == GROUND
    sel = ground if ground.any() else np.ones(model.n_polygons, bool)
    rkeep = np.repeat(sel, np.diff(model.polygon_offsets))
    vkeep = np.repeat(rkeep, np.diff(model.ring_offsets))
    z = model.vertices[model.ring_vertices[vkeep], 2]
    return float(z.min()) if len(z) else 0.0
