"""A spatial index of the objects of a city model, bbox subsetting and neighbour queries.

Per object the 2D bounding box (metres, model CRS) of all its geometries (every LoD) is computed
vectorised from the CSR polygon table (``model.citymodel`` module docstring): vertex → ring →
polygon → geometry → object with ``np.minimum.reduceat``/``np.minimum.at``, no Python loop over
polygons. Objects are grouped under their top-level ancestor (a Building with its BuildingParts):
selection and subsetting always keep a group together, and a group's box is the union of its
members' boxes. The boxes go into a shapely ``STRtree`` (Sort-Tile-Recursive R-tree, Leutenegger
et al. 1997) for window and distance queries.

Ownership rule (used by ``--bbox`` and by ``analysis.batch`` to give every building to exactly one
tile): a group belongs to the window ``[xmin, xmax) × [ymin, ymax)`` that holds the *centre of its
2D bbox* (half-open, so neighbouring windows never both take an object).

Subsets are assembled with ``model.surgery.assemble``: they share the parent's vertex array and
reuse its cached triangulation (filtered, renumbered), keep ids, attributes and parent/child links.
:func:`model.surgery.compact` turns such a subset into a standalone model that holds only its own vertices (for
shipping to another process or writing), again carrying the triangulation over.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import codes
from .cache import cached
from .citymodel import CityModel
from .errors import InputError


@dataclass(eq=False)
class SpatialIndex:
    """2D boxes of the objects of one model and of their top-level groups.

    ids          object ids in model order
    bounds       (n, 4) [xmin, ymin, xmax, ymax] per object (NaN without geometry), model CRS, m
    root         (n,) index of each object's top-level ancestor (itself for top-level objects)
    group_ids    ids of the top-level objects (model order)
    group_bounds (g, 4) union of the boxes of each group's members (NaN without geometry)
    group_of     (n,) index into group_ids of every object
    tree         shapely STRtree over the boxes of the groups with geometry
    tree_groups  (t,) group index of every tree item
    """

    ids: list
    bounds: np.ndarray
    root: np.ndarray
    group_ids: list
    group_bounds: np.ndarray
    group_of: np.ndarray
    tree: object
    tree_groups: np.ndarray

    @property
    def group_centres(self) -> np.ndarray:
        """(g, 2) centre of each group's 2D bbox (NaN without geometry)."""
        b = self.group_bounds
        return np.column_stack([(b[:, 0] + b[:, 2]) / 2.0, (b[:, 1] + b[:, 3]) / 2.0])

    def groups_owned_by(self, window) -> np.ndarray:
        """Indices of the groups whose bbox centre lies in ``[xmin, xmax) × [ymin, ymax)``."""
        xmin, ymin, xmax, ymax = (float(v) for v in window)
        c = self.group_centres
        with np.errstate(invalid="ignore"):
            inside = (c[:, 0] >= xmin) & (c[:, 0] < xmax) & (c[:, 1] >= ymin) & (c[:, 1] < ymax)
        return np.flatnonzero(inside)

    def groups_intersecting(self, window) -> np.ndarray:
        """Indices of the groups whose bbox intersects the closed window (STRtree query)."""
        import shapely

        if len(self.tree_groups) == 0:
            return np.zeros(0, np.int64)
        hits = self.tree.query(shapely.box(*[float(v) for v in window]), predicate="intersects")
        return np.unique(self.tree_groups[hits])

    def groups_within(self, groups, radius_m: float) -> np.ndarray:
        """Indices of the groups whose bbox lies within ``radius_m`` (2D distance between boxes)
        of the box of any of ``groups``; the given groups included."""
        import shapely

        groups = np.asarray(groups, dtype=np.int64)
        b = self.group_bounds[groups]
        b = b[np.isfinite(b).all(axis=1)]
        if len(b) == 0 or len(self.tree_groups) == 0:
            return np.unique(groups)
        boxes = shapely.box(b[:, 0], b[:, 1], b[:, 2], b[:, 3])
        _, hits = self.tree.query(boxes, predicate="dwithin", distance=float(radius_m))
        return np.unique(np.concatenate([groups, self.tree_groups[hits]]))

    def members(self, groups) -> list[str]:
        """Ids of all objects of ``groups`` (members in model order)."""
        want = np.zeros(len(self.group_ids), dtype=bool)
        want[np.asarray(groups, dtype=np.int64)] = True
        return [self.ids[i] for i in np.flatnonzero(want[self.group_of])]


def object_bounds(model: CityModel) -> np.ndarray:
    """(n, 4) 2D bbox [xmin, ymin, xmax, ymax] of every object over all its geometries (surfaces,
    points, lines), in model order; NaN rows for objects without geometry. Vectorised over the CSR
    arrays."""
    n = len(model.objects)
    lo = np.full((n, 2), np.inf)
    hi = np.full((n, 2), -np.inf)
    geom_obj = np.array([g.object_index for g in model.geometries], dtype=np.int64)
    if model.n_polygons and len(model.ring_vertices):
        # polygon boxes: reduce over each polygon's slice of the flat ring-vertex array
        vstart = model.ring_offsets[model.polygon_offsets[:-1]]
        vstop = model.ring_offsets[model.polygon_offsets[1:]]
        nonempty = vstop > vstart
        xy = model.vertices[model.ring_vertices, :2]
        starts = vstart[nonempty]
        pmin = np.minimum.reduceat(xy, starts, axis=0)
        pmax = np.maximum.reduceat(xy, starts, axis=0)
        pobj = geom_obj[model.polygon_geometry[nonempty]]
        ok = np.isfinite(pmin).all(axis=1) & np.isfinite(pmax).all(axis=1)
        np.minimum.at(lo, pobj[ok], pmin[ok])
        np.maximum.at(hi, pobj[ok], pmax[ok])
    for g in model.geometries:  # points / lines (rare: vegetation, furniture)
        idx = []
        if g.points is not None and len(g.points):
            idx.append(np.asarray(g.points, dtype=np.int64))
        if g.lines:
            idx.extend(np.asarray(line, dtype=np.int64) for line in g.lines)
        if idx:
            xy = model.vertices[np.concatenate(idx), :2]
            xy = xy[np.isfinite(xy).all(axis=1)]
            if len(xy):
                lo[g.object_index] = np.minimum(lo[g.object_index], xy.min(axis=0))
                hi[g.object_index] = np.maximum(hi[g.object_index], xy.max(axis=0))
    out = np.concatenate([lo, hi], axis=1)
    out[~np.isfinite(out).all(axis=1)] = np.nan
    return out


def _roots(model: CityModel) -> np.ndarray:
    ids = model.object_ids
    index = {oid: i for i, oid in enumerate(ids)}
    root = np.arange(len(ids), dtype=np.int64)
    for i, oid in enumerate(ids):
        cur, seen = oid, {oid}
        while True:
            parents = [p for p in model.objects[cur].parents if p in index]
            if not parents or parents[0] in seen:
                break
            cur = parents[0]
            seen.add(cur)
        root[i] = index[cur]
    return root


@cached
def spatial_index(model: CityModel) -> SpatialIndex:
    """The (cached) :class:`SpatialIndex` of ``model``."""
    import shapely

    bounds = object_bounds(model)
    root = _roots(model)
    group_idx, group_of = np.unique(root, return_inverse=True)
    g = len(group_idx)
    lo = np.full((g, 2), np.inf)
    hi = np.full((g, 2), -np.inf)
    ok = np.isfinite(bounds).all(axis=1)
    np.minimum.at(lo, group_of[ok], bounds[ok, :2])
    np.maximum.at(hi, group_of[ok], bounds[ok, 2:])
    gb = np.concatenate([lo, hi], axis=1)
    gb[~np.isfinite(gb).all(axis=1)] = np.nan
    have = np.flatnonzero(np.isfinite(gb).all(axis=1))
    tree = shapely.STRtree(shapely.box(gb[have, 0], gb[have, 1], gb[have, 2], gb[have, 3]))
    ids = model.object_ids
    return SpatialIndex(ids=ids, bounds=bounds, root=root, group_ids=[ids[i] for i in group_idx],
                        group_bounds=gb, group_of=group_of.astype(np.int64), tree=tree, tree_groups=have)


def _check_bbox(bbox) -> tuple[float, float, float, float]:
    try:
        xmin, ymin, xmax, ymax = (float(v) for v in bbox)
    except (TypeError, ValueError):
        raise InputError(None, f"--bbox needs 4 numbers xmin,ymin,xmax,ymax, got {bbox!r}") from None
    if not all(np.isfinite([xmin, ymin, xmax, ymax])) or xmax <= xmin or ymax <= ymin:
        raise InputError(None, f"--bbox {xmin},{ymin},{xmax},{ymax}: needs xmin < xmax and ymin < ymax")
    return xmin, ymin, xmax, ymax


def ids_in_bbox(model: CityModel, bbox) -> list[str]:
    """Ids of the objects (whole groups) whose group's bbox centre lies in ``bbox``, model order."""
    idx = spatial_index(model)
    return idx.members(idx.groups_owned_by(_check_bbox(bbox)))


def subset(model: CityModel, ids) -> CityModel:
    """A model of the objects ``ids`` (model order kept), sharing ``model``'s vertex array and
    triangulation (``model.surgery.assemble``)."""
    from .surgery import assemble

    want = set(ids)
    order = [oid for oid in model.objects if oid in want]
    return assemble(model, [(model, order)])


def subset_bbox(model: CityModel, bbox) -> CityModel:
    """The objects of ``model`` whose (group's) 2D bbox centre lies in ``bbox`` = (xmin, ymin,
    xmax, ymax) in the model CRS (half-open, see module docstring); a Building keeps its parts.
    The model CRS must be projected (metres); the result shares ``model``'s arrays."""
    ids = ids_in_bbox(model, bbox)
    out = subset(model, ids)
    if not ids:
        out.warn(f"--bbox {','.join(f'{v:g}' for v in _check_bbox(bbox))} holds no objects", codes.NOTHING_IN_AREA)
    return out


def neighbours_within(model: CityModel, ids, radius_m: float) -> list[str]:
    """Ids of the objects (whole groups) whose 2D bbox lies within ``radius_m`` metres of the bbox
    of the group of any of ``ids`` — the candidates that can shade or be seen from them — not
    including the groups of ``ids`` themselves. Model order."""
    if not (np.isfinite(radius_m) and radius_m >= 0):
        raise InputError(None, f"radius must be a non-negative number of metres, got {radius_m}")
    idx = spatial_index(model)
    pos = {oid: i for i, oid in enumerate(idx.ids)}
    own = np.unique([idx.group_of[pos[i]] for i in ids if i in pos]).astype(np.int64)
    near = idx.groups_within(own, radius_m)
    return idx.members(np.setdiff1d(near, own))
