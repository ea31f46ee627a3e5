"""Footprints of city objects: what of an object stands on the ground, seen from above.

The rule (one for the whole program: metrics, setbacks, exports, the batch outputs and the edits)
-------------------------------------------------------------------------------------------------
An object's footprint is the plan projection (2D union, holes kept) of its **ground polygons**:
the GroundSurface polygons, where polygons without semantics count as ground when they face
down (:func:`effective_semantics`: tilt ≥ :data:`WALL_TILT_DEG` is wall, facing down ground,
facing up roof, as for LoD1 blocks). An object without ground polygons (a roof-only MultiSurface,
a TIN) uses all its **non-vertical** polygons instead. Vertical polygons never count (their
projection has no area). A Building includes its BuildingParts (:func:`object_rows`).

Footprints are unions of the polygons' projections, made valid and snapped to a 0.1 mm grid
(shapely/GEOS), computed in the model's local frame (``model.origin``) for precision. Used by
``demolish_within`` (which objects' footprint centroid lies in a polygon), ``rotate`` (about the
footprint centroid), ``set_roof`` (re-extrudes the footprint), ``analysis.metrics`` and
``analysis.setbacks``, the GIS/CAD/PDF exporters and the batch outputs.
"""
from __future__ import annotations

import math

import numpy as np
import shapely

from .cache import cached
from .citymodel import CityModel
from .errors import InputError
from .ranges import concatenated_ranges
from .semantics import GROUND, ROOF, UNKNOWN, WALL
from .shapes import polygon_shapes
from .surgery import roots

#: polygons without semantics steeper than this (tilt from horizontal, °) are walls
WALL_TILT_DEG = 80.0
#: snap grid of the footprint unions (m)
UNION_GRID_M = 1e-4


@cached
def polygon_unit_normals(model: CityModel) -> np.ndarray:
    """(P, 3) unit normal of every polygon (cached, read-only): the normalised vector area Σ n·A
    of its triangles (right-hand rule of the exterior ring), the triangulator's Newell normal for
    a polygon that gave no triangles, zero for degenerate ones."""
    n_poly = model.n_polygons
    tri = model.triangulation()
    c = (model.vertices - model.origin)[tri.triangles]
    cross = np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0])  # 2 × vector area per triangle
    vec_area = np.stack([np.bincount(tri.polygon, weights=0.5 * cross[:, k], minlength=n_poly)
                         for k in range(3)], axis=1) if n_poly else np.zeros((0, 3))
    length = np.linalg.norm(vec_area, axis=1)
    unit = np.zeros((n_poly, 3))
    ok = length > 0
    unit[ok] = vec_area[ok] / length[ok, None]
    # polygons that produced no triangles: fall back to the Newell normal
    bad = ~ok & (np.linalg.norm(tri.normals, axis=1) > 0) if len(tri.normals) else ~ok
    if bad.any():
        unit[bad] = tri.normals[bad] / np.linalg.norm(tri.normals[bad], axis=1)[:, None]
    return unit


def effective_semantics(model: CityModel) -> np.ndarray:
    """(P,) semantic code per polygon; polygons without semantics get one inferred from the
    normal: tilt ≥ :data:`WALL_TILT_DEG` wall, facing down ground, facing up roof."""
    unit = polygon_unit_normals(model)
    sem = model.polygon_semantic.astype(np.int16).copy()
    unknown = sem == UNKNOWN
    if unknown.any():
        nz = unit[unknown, 2]
        steep = np.abs(nz) < math.cos(math.radians(WALL_TILT_DEG))
        sem[unknown] = np.where(steep, WALL, np.where(nz < 0, GROUND, ROOF))
    return sem


def object_rows(model: CityModel, lod, types):
    """Rows (object ids) and the (polygon, row) pairs: own selected geometry plus, for an object
    with children, the children's (recursively). The own geometry is dropped when it has a
    lower LoD than the children's (a Building with an LoD1 block and LoD2 parts)."""
    ids = [oid for oid, o in model.objects.items() if o.type in types]
    row_of = {oid: i for i, oid in enumerate(ids)}
    selected = {}
    for oid, obj in model.objects.items():
        g = model.select_geometry(obj, lod)
        if g is not None:
            selected[oid] = g

    def descendants(oid, seen):
        for c in model.objects[oid].children:
            if c in model.objects and c not in seen:
                seen.add(c)
                yield c
                yield from descendants(c, seen)

    starts, stops, rows = [], [], []
    for oid in ids:
        r = row_of[oid]
        parts = [c for c in descendants(oid, {oid}) if c in selected]
        own = selected.get(oid)
        if own is not None and parts:
            best_child = max(selected[c].lod_value for c in parts)
            if own.lod_value < best_child:
                own = None
        for g in ([own] if own is not None else []) + [selected[c] for c in parts]:
            starts.append(g.poly_start)
            stops.append(g.poly_stop)
            rows.append(r)
    starts = np.asarray(starts, dtype=np.int64)
    stops = np.asarray(stops, dtype=np.int64)
    counts = stops - starts
    pair_row = np.repeat(np.asarray(rows, dtype=np.int64), counts)
    pair_poly = concatenated_ranges(starts, counts)
    parent_ids = []
    for oid in ids:
        ps = [p for p in model.objects[oid].parents if p in model.objects]
        parent_ids.append(ps[0] if ps else None)
    return ids, pair_poly, pair_row, parent_ids


def footprint_pairs(model: CityModel, pair_poly: np.ndarray, pair_row: np.ndarray, n_rows: int) -> np.ndarray:
    """(len(pair_poly),) bool: the (polygon, row) pairs that make up each row's footprint under the
    rule of the module docstring (ground polygons, else non-vertical polygons)."""
    unit = polygon_unit_normals(model)
    horiz = model.polygon_areas()[pair_poly] * np.abs(unit[pair_poly, 2])
    is_ground = (effective_semantics(model)[pair_poly] == GROUND) & (horiz > 1e-9)
    has_ground = np.bincount(pair_row, weights=is_ground.astype(float), minlength=n_rows) > 0
    return np.where(has_ground[pair_row], is_ground, horiz > 1e-9)


def projected_unions(model: CityModel, pair_poly, pair_row, rows, poly_mask) -> np.ndarray:
    """Shapely geometry per row in ``rows``: the 2D union of the xy projection (local
    coordinates, relative to ``model.origin``; holes kept) of that row's polygons where
    ``poly_mask`` (per pair) is set, made valid and snapped to :data:`UNION_GRID_M`; empty polygons
    for rows without such polygons."""
    rows = np.asarray(rows, dtype=np.int64)
    out = np.array([shapely.Polygon() for _ in range(len(rows))], dtype=object)
    if not len(rows) or not len(pair_row):
        return out
    slot = np.full(int(max(pair_row.max(), rows.max())) + 1, -1, dtype=np.int64)
    slot[rows] = np.arange(len(rows))
    sel = (slot[pair_row] >= 0) & poly_mask
    polys, pslot = pair_poly[sel], slot[pair_row[sel]]
    if not len(polys):
        return out
    shapes = polygon_shapes(model, polys, plan=True, origin=model.origin)
    good = shapes != None  # noqa: E711 (element-wise)
    pslot = pslot[good]
    if not len(pslot):
        return out
    geoms = shapely.make_valid(shapes[good])
    order = np.argsort(pslot, kind="stable")
    ps = pslot[order]
    cut = np.flatnonzero(np.concatenate([[True], ps[1:] != ps[:-1]]))
    for a, b in zip(cut, np.concatenate([cut[1:], [len(ps)]])):
        u = shapely.union_all(geoms[order[a:b]], grid_size=UNION_GRID_M)
        out[ps[a]] = shapely.union_all(shapely.get_parts(u)[shapely.area(shapely.get_parts(u)) > 0]) \
            if u.geom_type == "GeometryCollection" else u
    return out


def footprint_polygons(model: CityModel, lod: str | None = None, types=("Building",)):
    """(ids, footprints, pair_poly, pair_row): per object of ``types`` with its parts
    (:func:`object_rows`) its footprint (shapely, local xy relative to ``model.origin``; the rule
    of the module docstring) and the (polygon, row) pairs it was made of."""
    ids, pair_poly, pair_row, _ = object_rows(model, lod, set(types))
    n = len(ids)
    if n == 0:
        return ids, np.zeros(0, dtype=object), pair_poly, pair_row
    fp = projected_unions(model, pair_poly, pair_row, np.arange(n), footprint_pairs(model, pair_poly, pair_row, n))
    return ids, fp, pair_poly, pair_row


def _own_pairs(model: CityModel, ids, lod: str | None = None):
    """(pair_poly, pair_row): the polygons of each object's own selected geometry, row = position
    in ``ids``."""
    starts, counts = [], []
    for oid in ids:
        g = model.select_geometry(model.objects[oid], lod)
        starts.append(g.poly_start if g is not None else 0)
        counts.append(g.n_polygons if g is not None else 0)
    counts = np.asarray(counts, dtype=np.int64)
    pair_row = np.repeat(np.arange(len(ids)), counts)
    before = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(counts) else np.zeros(0, np.int64)
    pair_poly = np.repeat(np.asarray(starts, dtype=np.int64) - before, counts) + np.arange(int(counts.sum()))
    return pair_poly, pair_row


def polygon_z_min(model: CityModel) -> np.ndarray:
    """(P,) lowest z of every polygon (all its rings; NaN for an empty one), model CRS, m."""
    out = np.full(model.n_polygons, np.nan)
    if model.n_polygons and len(model.ring_vertices):
        vstart = model.ring_offsets[model.polygon_offsets[:-1]]
        vstop = model.ring_offsets[model.polygon_offsets[1:]]
        nonempty = vstop > vstart
        out[nonempty] = np.minimum.reduceat(model.vertices[model.ring_vertices, 2], vstart[nonempty])
    return out


def object_footprints(model: CityModel, ids=None, lod: str | None = None) -> dict:
    """{id: (footprint, zmin)} of objects on their own (``ids``, default all; their selected
    geometry at ``lod``, without their parts): the footprint (shapely, model CRS, None without
    one) and the lowest z of its polygons (m, NaN without)."""
    ids = list(model.objects) if ids is None else [i for i in ids if i in model.objects]
    pair_poly, pair_row = _own_pairs(model, ids, lod)
    pick = footprint_pairs(model, pair_poly, pair_row, len(ids))
    shapes = projected_unions(model, pair_poly, pair_row, np.arange(len(ids)), pick)
    zmin = np.full(len(ids), np.inf)
    pz = polygon_z_min(model)[pair_poly[pick]]
    ok = np.isfinite(pz)
    np.minimum.at(zmin, pair_row[pick][ok], pz[ok])
    origin = model.origin
    out = {}
    for k, oid in enumerate(ids):
        fp = shapes[k]
        fp = None if fp is None or fp.is_empty else shapely.transform(fp, lambda xy: xy + origin[:2])
        out[oid] = (fp, float(zmin[k]) if np.isfinite(zmin[k]) else float("nan"))
    return out


def footprint_centroids(model: CityModel, ids=None, by_root: bool = True) -> dict[str, np.ndarray]:
    """Plan centroid (x, y, model CRS) of each object's footprint (the area-weighted centroid of
    the plan projection of its footprint polygons' triangles), aggregated to top-level objects
    when ``by_root`` (``"all"``: one centroid, key "all", of all of them together). Objects
    without a footprint are absent. Used by ``demolish_within`` and ``rotate``."""
    tri = model.triangulation()
    ids_list = model.object_ids
    chosen = [i for i in (ids_list if ids is None else ids) if i in model.objects]
    if len(tri.triangles) == 0 or not chosen:
        return {}
    pair_poly, pair_row = _own_pairs(model, chosen)
    pick = footprint_pairs(model, pair_poly, pair_row, len(chosen))
    poly_obj = np.full(model.n_polygons, -1, dtype=np.int64)  # footprint polygon -> object index
    poly_obj[pair_poly[pick]] = [model.object_index(chosen[r]) for r in pair_row[pick]]
    tobj = poly_obj[tri.polygon] if len(tri.polygon) else np.zeros(0, np.int64)
    tsel = tobj >= 0
    c = model.vertices[tri.triangles[tsel]]
    tobj = tobj[tsel]
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
    w = np.abs(np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0])[:, 2])  # 2 × plan area
    cxy = c[:, :, :2].mean(axis=1)
    n = len(names)
    wsum = np.bincount(group, weights=w, minlength=n)
    sx = np.bincount(group, weights=w * cxy[:, 0], minlength=n)
    sy = np.bincount(group, weights=w * cxy[:, 1], minlength=n)
    return {names[k]: np.array([sx[k] / wsum[k], sy[k] / wsum[k]]) for k in np.flatnonzero(wsum > 0)}


def object_footprint(model: CityModel, ids, path=None):
    """The footprint of objects together (``ids``, e.g. a building and its parts) as one clean
    simple polygon for re-extrusion (``set_roof``): the union of their footprints (module
    docstring), its largest part, without holes, simplified to 1 cm. InputError without one."""
    from .extrude import footprint_polygon

    ids = [i for i in ids if i in model.objects]
    fps = [fp for fp, _ in object_footprints(model, ids).values() if fp is not None]
    if not fps:
        raise InputError(path, f"object {ids[0] if ids else '?'!r} has no ground surface to take a footprint from")
    fp = shapely.union_all(fps, grid_size=UNION_GRID_M)
    fp = fp.buffer(1e-3, join_style="mitre").buffer(-1e-3, join_style="mitre")
    if fp.geom_type == "MultiPolygon":
        fp = max(fp.geoms, key=lambda g: g.area)
    fp = shapely.Polygon(fp.exterior).simplify(0.01)
    return footprint_polygon(fp, path)
