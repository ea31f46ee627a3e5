"""Footprints of city objects: what of an object stands on the ground, in plan (model CRS).

Used by the edits (``demolish_within`` picks objects by their footprint centroid, ``rotate`` turns
about it, ``set_roof`` re-extrudes the footprint).
"""
from __future__ import annotations

import numpy as np

from .citymodel import CityModel
from .errors import InputError
from .semantics import GROUND
from .surgery import roots


def footprint_centroids(model: CityModel, ids=None, by_root: bool = True) -> dict[str, np.ndarray]:
    """Plan centroid (x, y) of each object's footprint (see ``demolish_within``), aggregated to
    top-level objects when ``by_root`` (``"all"``: one centroid, key "all", of all of them
    together). Objects without surfaces are absent."""
    tri = model.triangulation()
    if len(tri.triangles) == 0:
        return {}
    obj_of_geom = np.array([g.object_index for g in model.geometries] + [-1], dtype=np.int64)
    # only the displayed geometry (highest LoD) of each object counts
    chosen = np.zeros(len(model.geometries) + 1, bool)
    gidx = {id(g): i for i, g in enumerate(model.geometries)}
    for g in model.selected_geometries(None, ids):
        chosen[gidx[id(g)]] = True
    tgeom = model.polygon_geometry[tri.polygon]
    tsel = chosen[tgeom]
    c = model.vertices[tri.triangles[tsel]]
    tobj = obj_of_geom[tgeom[tsel]]
    ids_list = model.object_ids
    if by_root == "all":  # one centroid of all the objects' footprints together
        group = np.zeros(len(tobj), dtype=np.int64)
        names = ["all"]
    elif by_root:
        r = roots(model)
        root_ids = sorted(set(r.values()), key=model.object_index)
        pos = {oid: k for k, oid in enumerate(root_ids)}
        rmap = np.array([pos[r[oid]] for oid in ids_list], dtype=np.int64)
        group = rmap[tobj]
        names = root_ids
    else:
        group = tobj
        names = ids_list
    nz2 = np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0])[:, 2]  # 2 × signed plan area
    cxy = c[:, :, :2].mean(axis=1)
    n = len(names)
    out = {}
    for sign in (-1, 1):
        w = np.where(sign * nz2 > 0, np.abs(nz2), 0.0)
        wsum = np.bincount(group, weights=w, minlength=n)
        sx = np.bincount(group, weights=w * cxy[:, 0], minlength=n)
        sy = np.bincount(group, weights=w * cxy[:, 1], minlength=n)
        for k in np.flatnonzero(wsum > 0):
            if names[k] not in out:
                out[names[k]] = np.array([sx[k] / wsum[k], sy[k] / wsum[k]])
    return out


def object_footprint(model: CityModel, ids, path=None):
    """The 2D footprint (shapely Polygon) of objects: union of their GroundSurface polygons, or of
    their downward-facing triangles when they have none (in plan, model CRS)."""
    import shapely

    from .extrude import footprint_polygon

    geoms = model.selected_geometries(None, ids)
    rings = []
    tri = model.triangulation()
    for g in geoms:
        for p in range(g.poly_start, g.poly_stop):
            if model.polygon_semantic[p] == GROUND:
                r0 = model.polygon_offsets[p]
                a, b = model.ring_offsets[r0], model.ring_offsets[r0 + 1]
                xy = model.vertices[model.ring_vertices[a:b], :2]
                if len(xy) >= 3:
                    rings.append(xy)
    polys = [shapely.Polygon(r) for r in rings]
    if not polys:
        sel = np.zeros(model.n_polygons, bool)
        for g in geoms:
            sel[g.poly_start:g.poly_stop] = True
        t = tri.triangles[sel[tri.polygon]]
        c = model.vertices[t]
        nz = np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0])[:, 2]
        polys = [shapely.Polygon(x[:, :2]) for x in c[nz < 0]]
    if not polys:
        raise InputError(path, f"object {ids[0]!r} has no ground surface to take a footprint from")
    polys = [p.buffer(0) if not p.is_valid else p for p in polys]
    fp = shapely.union_all([p for p in polys if p.area > 1e-9], grid_size=1e-4)
    fp = fp.buffer(1e-3, join_style="mitre").buffer(-1e-3, join_style="mitre")
    if fp.geom_type == "MultiPolygon":
        fp = max(fp.geoms, key=lambda g: g.area)
    fp = shapely.Polygon(fp.exterior).simplify(0.01)
    return footprint_polygon(fp, path)
