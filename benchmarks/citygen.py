"""Synthetic LoD2 cities for benchmarks: gable-roofed houses on a street grid, written as
CityJSON 2.0 (with transform and Roof/Wall/GroundSurface semantics). Deterministic (seeded)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson


def house_arrays(n_buildings: int, seed: int = 1, spacing: float = 18.0):
    """Per building: ground footprint corners and heights, as arrays.

    Returns (x0, y0, w, d, eave, ridge, rot) with footprints w×d metres, eave 6–15 m, ridge
    eave + 2–5 m, arranged on a grid of ``spacing`` metres with random jitter.
    """
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n_buildings)))
    ij = np.stack(np.unravel_index(np.arange(n_buildings), (side, side)), axis=1).astype(float)
    x0 = ij[:, 0] * spacing + rng.uniform(0, 2, n_buildings)
    y0 = ij[:, 1] * spacing + rng.uniform(0, 2, n_buildings)
    w = rng.uniform(8, 13, n_buildings)
    d = rng.uniform(8, 13, n_buildings)
    eave = rng.uniform(6, 15, n_buildings)
    ridge = eave + rng.uniform(2, 5, n_buildings)
    return x0, y0, w, d, eave, ridge


def gable_house_vertices(x0, y0, w, d, eave, ridge, base=(500000.0, 5700000.0, 50.0)):
    """(n, 10, 3) vertices of gable houses (4 ground, 4 eave, 2 ridge) in absolute coordinates."""
    n = len(x0)
    bx, by, bz = base
    v = np.zeros((n, 10, 3))
    xs = np.stack([x0, x0 + w, x0 + w, x0], 1) + bx
    ys = np.stack([y0, y0, y0 + d, y0 + d], 1) + by
    v[:, 0:4, 0], v[:, 0:4, 1], v[:, 0:4, 2] = xs, ys, bz
    v[:, 4:8, 0], v[:, 4:8, 1], v[:, 4:8, 2] = xs, ys, (bz + eave)[:, None]
    v[:, 8, :] = np.stack([x0 + bx, y0 + d / 2 + by, bz + ridge], 1)
    v[:, 9, :] = np.stack([x0 + w + bx, y0 + d / 2 + by, bz + ridge], 1)
    return v


# faces of one house (indices into its 10 vertices), outward, with semantic slot
#  0 ground, 1 roof, 2 wall
GABLE_FACES = [
    ([0, 3, 2, 1], 0),
    ([4, 5, 9, 8], 1),          # south roof
    ([6, 7, 8, 9], 1),          # north roof
    ([0, 1, 5, 4], 2),          # south wall
    ([1, 2, 6, 9, 5], 2),       # east gable wall
    ([2, 3, 7, 6], 2),          # north wall
    ([3, 0, 4, 8, 7], 2),       # west gable wall
]


def city_cityjson(n_buildings: int, seed: int = 1) -> dict:
    """A CityJSON 2.0 document with ``n_buildings`` LoD2 gable houses (EPSG:25832)."""
    verts = gable_house_vertices(*house_arrays(n_buildings, seed))
    scale = 0.001
    translate = verts.reshape(-1, 3).min(axis=0).floor() if hasattr(verts, "floor") else np.floor(verts.reshape(-1, 3).min(axis=0))
    q = np.round((verts.reshape(-1, 3) - translate) / scale).astype(np.int64)
    sem = {"surfaces": [{"type": "GroundSurface"}, {"type": "RoofSurface"}, {"type": "WallSurface"}],
           "values": [[s for _, s in GABLE_FACES]]}
    cos = {}
    for b in range(n_buildings):
        off = b * 10
        shell = [[[i + off for i in ring]] for ring, _ in GABLE_FACES]
        cos[f"B{b:06d}"] = {
            "type": "Building",
            "attributes": {"measuredHeight": float(verts[b, 8, 2] - verts[b, 0, 2]), "function": "31001_1000"},
            "geometry": [{"type": "Solid", "lod": "2.2", "boundaries": [shell], "semantics": sem}],
        }
    return {"type": "CityJSON", "version": "2.0",
            "transform": {"scale": [scale] * 3, "translate": translate.tolist()},
            "metadata": {"referenceSystem": "https://www.opengis.net/def/crs/EPSG/0/25832"},
            "CityObjects": cos, "vertices": q.tolist()}


def write_city(path, n_buildings: int, seed: int = 1) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_bytes(orjson.dumps(city_cityjson(n_buildings, seed)))
    return path
