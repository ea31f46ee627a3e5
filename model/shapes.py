"""Model polygons as shapely geometries (vectorised over the CSR polygon table).

Every writer that needs a polygon as a geometry (GeoPackage / GeoJSON rows, the PDF report, batch
outputs) and the plan-view computations (footprints, setbacks) take it from here, so a polygon
becomes a shapely geometry in one way: its rings as stored (exterior first, not closed), rings with
fewer than 3 vertices left out, holes kept unless asked for the exterior only.
"""
from __future__ import annotations

import numpy as np


def _expand(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + c)`` for every (start, count) pair, vectorised."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    before = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return np.repeat(np.asarray(starts, dtype=np.int64) - before, counts) + np.arange(total, dtype=np.int64)


def polygon_shapes(model, rows, exterior_only: bool = False, plan: bool = False, origin=None) -> np.ndarray:
    """(len(rows),) object array of shapely Polygons of the model polygons ``rows``.

    Parameters
    ----------
    model : model.citymodel.CityModel
    rows : array of int
        Polygon rows of the model's polygon table.
    exterior_only : bool
        Only the exterior ring (no holes).
    plan : bool
        2D (x, y) instead of 3D coordinates.
    origin : array (3,), optional
        Subtracted from the coordinates (a local frame), metres; default: the model CRS.

    Returns
    -------
    Polygons (None for a polygon without a ring of at least 3 vertices, or whose exterior ring is
    one); coordinates in metres.
    """
    import shapely

    rows = np.asarray(rows, dtype=np.int64)
    out = np.full(len(rows), None, dtype=object)
    if not len(rows):
        return out
    po, ro = model.polygon_offsets, model.ring_offsets
    n_rings = po[rows + 1] - po[rows]
    if exterior_only:
        n_rings = np.minimum(n_rings, 1)
    ring_ids = _expand(po[rows], n_rings)
    lens = ro[ring_ids + 1] - ro[ring_ids]
    ok_ring = lens >= 3
    poly_of_ring = np.repeat(np.arange(len(rows)), n_rings)
    # a polygon whose exterior is too short has no shape (its holes do not become one)
    exterior = np.concatenate([[True], poly_of_ring[1:] != poly_of_ring[:-1]]) if len(poly_of_ring) else ok_ring
    bad_poly = np.zeros(len(rows), dtype=bool)
    bad_poly[poly_of_ring[exterior & ~ok_ring]] = True
    ok_ring &= ~bad_poly[poly_of_ring]
    ring_ids, lens, poly_of_ring = ring_ids[ok_ring], lens[ok_ring], poly_of_ring[ok_ring]
    if not len(ring_ids):
        return out
    coords = model.vertices[model.ring_vertices[_expand(ro[ring_ids], lens)]]
    if plan:
        coords = coords[:, :2]
    if origin is not None:
        coords = coords - np.asarray(origin, dtype=np.float64).reshape(-1)[: coords.shape[1]]
    rings = shapely.linearrings(coords, indices=np.repeat(np.arange(len(ring_ids)), lens))
    have, dense = np.unique(poly_of_ring, return_inverse=True)
    out[have] = shapely.polygons(rings, indices=dense.reshape(-1))
    return out
