"""Model surgery: new CityModels made of pieces of others, without re-triangulating.

Edits (:mod:`model.edits`), subsets (:mod:`model.spatial`) and undo all build their result with
:func:`assemble`: the polygon table of the objects taken is filtered with boolean masks and their
cached triangulation is carried over (filtered and renumbered) instead of being recomputed; only
new or transformed objects (a few hundred polygons) are triangulated. :func:`extract` and
:func:`compact` give standalone copies that hold only the vertices their objects use.

Models built here share their vertex arrays with the models they came from; nothing here changes
an input model in place (except :func:`transform_part`, on a standalone part).
"""
from __future__ import annotations

import numpy as np

from .cache import peek, put
from .citymodel import BoundaryBuilder, CityModel, CityObject, Geometry
from .semantics import GROUND, ROOF
from .triangulate import Triangulation


def _range_mask(starts: np.ndarray, stops: np.ndarray, n: int) -> np.ndarray:
    """Boolean mask of length n, True inside every [start, stop) (vectorised)."""
    d = np.zeros(n + 1, dtype=np.int64)
    np.add.at(d, starts, 1)
    np.add.at(d, stops, -1)
    return np.cumsum(d[:-1]) > 0


def _copy_object(obj: CityObject, geometries: list, live: set | None = None) -> CityObject:
    return CityObject(
        id=obj.id, type=obj.type, attributes=dict(obj.attributes), geometries=geometries,
        parents=[p for p in obj.parents if live is None or p in live],
        children=[c for c in obj.children if live is None or c in live],
        extra=obj.extra, source=obj.source)


def assemble(base: CityModel, parts, order=None, filter_links: bool = True) -> CityModel:
    """A new model made of objects taken from several models.

    base   the model whose header (format, version, CRS, metadata, appearance …) is kept
    parts  list of (model, ids): the objects ``ids`` of ``model`` (their geometries, polygons,
           attributes) are taken; models sharing one vertex array share it in the result
    order  final order of the object ids (default: parts in turn)
    filter_links  drop parent/child links to objects that are not in the result (default)

    The triangulation of every part is reused (filtered, renumbered) when the part's model has
    it cached, so untouched geometry is never triangulated again. Parent/child links to objects
    that are not in the result are dropped.
    """
    out = CityModel()
    for name in ("format", "version", "crs", "metadata", "appearance", "geometry_templates",
                 "extensions", "transform"):
        setattr(out, name, getattr(base, name))
    out.sources = list(base.sources)
    out.warnings = list(base.warnings)
    out.file_vertex_count = 0
    out.terrain_grid, out.terrain, out.layers = base.terrain_grid, base.terrain, base.layers
    out.terrain_check = base.terrain_check
    ids_all = [oid for _, ids in parts for oid in ids]
    if order is None:
        order = ids_all
    else:
        have = set(ids_all)
        order = [oid for oid in order if oid in have]
        seen = set(order)
        order += [oid for oid in ids_all if oid not in seen]
    if len(set(order)) != len(order):
        raise ValueError("assemble: duplicate object ids")
    new_index = {oid: k for k, oid in enumerate(order)}
    live = set(order)

    vert_chunks, vert_offset_of = [], {}
    nv = 0
    rv_l, ro_l, po_l, sem_l, surf_l, shell_l, pg_l = [], [], [], [], [], [], []
    tri_l, tpoly_l, tnorm_l, tdeg_l = [], [], [], []
    n_rings = n_poly = n_geom = n_shell = 0
    geoms_of: dict[str, list] = {}
    all_geoms: list[Geometry] = []
    for m, ids in parts:
        ids = list(ids)
        if not ids:
            continue
        key = id(m.vertices)
        if key not in vert_offset_of:
            vert_offset_of[key] = nv
            vert_chunks.append(m.vertices)
            nv += len(m.vertices)
            if m.sources:
                out.sources += [s for s in m.sources if s not in out.sources]
        voff = vert_offset_of[key]
        geoms = [g for oid in ids for g in m.objects[oid].geometries]
        starts = np.array([g.poly_start for g in geoms], dtype=np.int64)
        stops = np.array([g.poly_stop for g in geoms], dtype=np.int64)
        pkeep = _range_mask(starts, stops, m.n_polygons) if geoms else np.zeros(m.n_polygons, bool)
        kept_before = np.concatenate([[0], np.cumsum(pkeep)])
        nr = np.diff(m.polygon_offsets)
        rkeep = np.repeat(pkeep, nr)
        rl = np.diff(m.ring_offsets)
        vkeep = np.repeat(rkeep, rl)
        rv_l.append(m.ring_vertices[vkeep] + voff)
        ro_l.append(rl[rkeep])
        po_l.append(nr[pkeep])
        sem_l.append(m.polygon_semantic[pkeep])
        surf_l.append(m.polygon_surface[pkeep])
        sh = m.polygon_shell[pkeep].astype(np.int64)
        if len(sh) and (sh >= 0).any():
            used_shells, sh_new = np.unique(sh[sh >= 0], return_inverse=True)
            sh2 = np.full(len(sh), -1, dtype=np.int64)
            sh2[sh >= 0] = sh_new + n_shell
            n_shell += len(used_shells)
            sh = sh2
        shell_l.append(sh.astype(np.int32))
        # geometries, renumbered
        gmap = {}
        for g in geoms:
            ng = Geometry(type=g.type, lod=g.lod, object_index=0,
                          poly_start=int(kept_before[g.poly_start]) + n_poly,
                          poly_stop=int(kept_before[g.poly_stop]) + n_poly,
                          semantic_surfaces=g.semantic_surfaces,
                          points=None if g.points is None else g.points + voff,
                          lines=None if g.lines is None else [ln + voff for ln in g.lines],
                          extra=g.extra)
            gmap[id(g)] = ng
        for oid in ids:
            gl = [gmap[id(g)] for g in m.objects[oid].geometries]
            geoms_of[oid] = (m, gl)
        # polygon -> geometry index in the output (geometries are stored in part order)
        old_gidx = {id(g): i for i, g in enumerate(m.geometries)}
        gremap = np.full(len(m.geometries) + 1, -1, dtype=np.int64)
        for k, g in enumerate(geoms):
            gremap[old_gidx[id(g)]] = n_geom + k
        pg_l.append(gremap[m.polygon_geometry[pkeep]].astype(np.int32))
        all_geoms.extend(gmap[id(g)] for g in geoms)
        # triangulation, filtered
        tri = m.triangulation()
        tk = pkeep[tri.polygon] if len(tri.polygon) else np.zeros(0, bool)
        tri_l.append(tri.triangles[tk] + voff)
        tpoly_l.append(kept_before[tri.polygon[tk]] + n_poly)
        tnorm_l.append(tri.normals[pkeep] if len(tri.normals) == m.n_polygons else np.zeros((int(pkeep.sum()), 3)))
        deg = tri.degenerate[pkeep[tri.degenerate]] if len(tri.degenerate) else tri.degenerate
        tdeg_l.append(kept_before[deg] + n_poly)
        n_rings += int(rkeep.sum())
        n_poly += int(pkeep.sum())
        n_geom += len(geoms)
        if m is not base:
            out.warnings += [w for w in m.warnings if w not in out.warnings]
    out.vertices = np.concatenate(vert_chunks) if len(vert_chunks) > 1 else (
        vert_chunks[0] if vert_chunks else np.zeros((0, 3)))

    def cat(chunks, dtype):
        return np.concatenate(chunks).astype(dtype, copy=False) if chunks else np.zeros(0, dtype)

    out.ring_vertices = cat(rv_l, np.int64)
    out.ring_offsets = np.concatenate([[0], np.cumsum(cat(ro_l, np.int64))]).astype(np.int64)
    out.polygon_offsets = np.concatenate([[0], np.cumsum(cat(po_l, np.int64))]).astype(np.int64)
    out.polygon_semantic = cat(sem_l, np.int16)
    out.polygon_surface = cat(surf_l, np.int32)
    out.polygon_shell = cat(shell_l, np.int32)
    out.polygon_geometry = cat(pg_l, np.int32)
    out.geometries = all_geoms
    out.file_vertex_count = int(np.count_nonzero(out.used_vertex_mask()))  # what an export writes
    for oid in order:
        m, gl = geoms_of[oid]
        for g in gl:
            g.object_index = new_index[oid]
        out.objects[oid] = _copy_object(m.objects[oid], gl, live if filter_links else None)
    out.invalidate()
    tris = np.concatenate(tri_l) if tri_l else np.zeros((0, 3), np.int64)
    put(out, CityModel.triangulation, Triangulation(
        tris.astype(np.int64, copy=False), cat(tpoly_l, np.int64),
        cat(tdeg_l, np.int64), np.concatenate(tnorm_l) if tnorm_l else np.zeros((0, 3))))
    if out.terrain_grid is not None and not np.array_equal(out.origin, base.origin):
        out.terrain = out.terrain_grid.scene(out.origin, crs=out.crs)  # the terrain Scene is in local coordinates
    return out


def _keep_used_vertices(part: CityModel) -> np.ndarray:
    """Renumber ``part`` in place so that it holds only the vertices its geometries use (a new,
    contiguous vertex array); returns the old -> new vertex index map."""
    used = part.used_vertex_mask()
    remap = np.cumsum(used) - 1
    part.vertices = np.ascontiguousarray(part.vertices[used], dtype=np.float64)
    part.ring_vertices = remap[part.ring_vertices]
    for g in part.geometries:
        if g.points is not None:
            g.points = remap[g.points]
        if g.lines is not None:
            g.lines = [remap[ln] for ln in g.lines]
    part.file_vertex_count = len(part.vertices)
    return remap


def extract(model: CityModel, ids) -> CityModel:
    """A standalone copy of the objects ``ids`` with only the vertices they use (a new vertex
    array, so it can be transformed without touching ``model``). Not triangulated yet."""
    part = assemble(model, [(model, list(ids))])
    part.invalidate()
    _keep_used_vertices(part)
    part.warnings = []
    return part


def compact(model: CityModel) -> CityModel:
    """A standalone copy of ``model`` holding only the vertices its geometries use (so that a
    small subset of a large city can be pickled or written cheaply); the cached triangulation is
    carried over with renumbered vertex indices, so nothing is triangulated again."""
    tri = model.triangulation()
    out = assemble(model, [(model, list(model.objects))])
    t = peek(out, CityModel.triangulation) or tri
    remap = _keep_used_vertices(out)
    out.invalidate()
    put(out, CityModel.triangulation, Triangulation(remap[t.triangles], t.polygon, t.degenerate, t.normals))
    return out


def transform_part(part: CityModel, fn) -> None:
    """Apply ``fn((n, 3) xyz) -> (n, 3)`` to a standalone part's vertices in place (derived data
    is dropped; a part is small, its triangulation is recomputed on demand). The objects' stored
    ``geographicalExtent`` becomes stale and is dropped."""
    part.vertices = np.asarray(fn(part.vertices.copy()), dtype=np.float64)
    for obj in part.objects.values():
        if obj.extra and "geographicalExtent" in obj.extra:
            obj.extra = {k: v for k, v in obj.extra.items() if k != "geographicalExtent"} or None
    part.invalidate()


def descendants(model: CityModel, ids) -> list[str]:
    """``ids`` (those in the model) plus all their children, grandchildren …, in model order."""
    want = set()
    stack = [i for i in ids if i in model.objects]
    while stack:
        oid = stack.pop()
        if oid in want:
            continue
        want.add(oid)
        stack.extend(c for c in model.objects[oid].children if c in model.objects)
    return [oid for oid in model.objects if oid in want]


def roots(model: CityModel) -> dict[str, str]:
    """Object id -> id of its top-level ancestor."""
    out = {}
    for oid in model.objects:
        cur, seen = oid, {oid}
        while model.objects[cur].parents:
            p = model.objects[cur].parents[0]
            if p not in model.objects or p in seen:
                break
            seen.add(p)
            cur = p
        out[oid] = cur
    return out


def extract_keep(model: CityModel, ids) -> CityModel:
    """Like :func:`extract` but keeping the model's vertex array (so a restore re-uses it and the
    restored model shares the very same vertices)."""
    return assemble(model, [(model, list(ids))], filter_links=False)


def _relink(model: CityModel) -> None:
    """Make parent/child links symmetric again (after objects came back)."""
    for oid, obj in model.objects.items():
        for p in obj.parents:
            par = model.objects.get(p)
            if par is not None and oid not in par.children:
                par.children.append(oid)


def solids_model(base: CityModel, solids, object_type="Building", lod="2.2", attributes=None,
                 multi: bool = False) -> CityModel:
    """A small CityModel from [(id, ExtrudedSolid-like or list of them)] in ``base``'s CRS.
    ``multi``: each object holds a MultiSolid made of its shells; else one Solid."""
    out = CityModel()
    out.format, out.version, out.crs = base.format, base.version, base.crs
    b = BoundaryBuilder()
    verts, nv = [], 0
    sem_surfaces = [{"type": "GroundSurface"}, {"type": "WallSurface"}, {"type": "RoofSurface"}]
    slot = {GROUND: 0, 2: 1, ROOF: 2}
    for k, (oid, shells) in enumerate(solids):
        shells = shells if isinstance(shells, list) else [shells]
        gi = len(out.geometries)
        g = Geometry(type="MultiSolid" if multi else "Solid", lod=lod, object_index=k, poly_start=b.n_polygons)
        any_sem = False
        for s in shells:
            sh = b.new_shell()
            for ring, code in zip(s.polygons, s.semantics):
                sl = slot.get(code, -1) if code else -1
                any_sem |= sl >= 0
                b.add_polygon([[i + nv for i in ring]], int(code), sl, sh, gi)
            verts.append(np.asarray(s.vertices, float))
            nv += len(s.vertices)
        g.poly_stop = b.n_polygons
        g.semantic_surfaces = sem_surfaces if any_sem else None
        out.geometries.append(g)
        attrs = dict((attributes or {}).get(oid, {}))
        out.objects[oid] = CityObject(id=oid, type=object_type, attributes=attrs, geometries=[g])
    out.vertices = np.concatenate(verts) if verts else np.zeros((0, 3))
    out.file_vertex_count = len(out.vertices)
    out.set_boundaries(b)
    return out
