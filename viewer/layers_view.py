"""Geo layers on the terrain: draped polygons/lines, points as pins (POIs), categorical styling,
labels. (Raster overlays — flood depth, colour-ramped bands — and the orthophoto are textures
draped on the ground: :mod:`viewer.drape`, composed by :mod:`viewer.picture`.)

Draping: every vertex gets the terrain height under it plus a small ``offset_m`` (default 0.15 m,
against z-fighting). Edges are first densified (``shapely.segmentize``) to at most the DEM
spacing so long edges follow the terrain instead of cutting through hills. Heights come from
``TerrainGrid.height(method="mesh")``, i.e. exactly the terrain triangles that are drawn.
Polygon fills are the terrain triangles whose centroids lie in the polygon, lifted by the
offset (so a fill follows the terrain exactly; its edge is as fine as the DEM).

All coordinates are the scene's local frame (model CRS − ``origin``), like the model meshes of
``viewer/scene_view.py``. Pure helpers (``drape_*``, ``categorical_colours``) use numpy and
shapely only; functions that build meshes import pyvista lazily.
"""
from __future__ import annotations

import numpy as np
import shapely

from stadtbild.model.terrain import TerrainGrid

#: categorical palette (Okabe–Ito, colour-blind safe, then Tableau 10 for more classes)
PALETTE = np.array([
    (230, 159, 0), (86, 180, 233), (0, 158, 115), (240, 228, 66), (0, 114, 178), (213, 94, 0),
    (204, 121, 167), (120, 120, 120), (78, 121, 167), (242, 142, 43), (225, 87, 89), (118, 183, 178),
    (89, 161, 79), (237, 201, 72), (176, 122, 161), (255, 157, 167), (156, 117, 95), (186, 176, 172),
], dtype=np.uint8)
DEFAULT_OFFSET_M = 0.15


# ====================================================================== pure geometry
def drape_heights(xy_local, grid: TerrainGrid, origin, offset_m: float = DEFAULT_OFFSET_M) -> np.ndarray:
    """Terrain height (local frame, exactly on the terrain mesh) + ``offset_m`` under local
    points ``xy_local`` (n, 2). Points outside the DEM get its lowest height."""
    z = grid.height_local(np.asarray(xy_local, dtype=np.float64)[:, :2], origin, method="mesh")
    bad = ~np.isfinite(z)
    if bad.any():
        zr = grid.z_range
        z[bad] = (zr[0] if zr else 0.0) - float(np.asarray(origin).reshape(-1)[2])
    return z + offset_m


def drape_linework(geoms_local, grid: TerrainGrid, origin, offset_m: float = DEFAULT_OFFSET_M,
                   max_segment_m: float | None = None):
    """Lines of the geometries (polygon rings, line strings) densified and draped.

    Returns ``(points (n, 3), line_offsets (k+1,), feature (k,))``: line j runs over
    ``points[line_offsets[j]:line_offsets[j+1]]`` and belongs to geometry ``feature[j]``.
    ``max_segment_m`` defaults to the DEM spacing."""
    geoms = np.asarray(geoms_local, dtype=object)
    step = max_segment_m or min(grid.dx, grid.dy)
    valid = np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)
    idx = np.flatnonzero(valid)
    if not len(idx):
        return np.zeros((0, 3)), np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    g = geoms[idx]
    is_area = np.isin(shapely.get_type_id(g), [3, 6])  # Polygon, MultiPolygon
    g = np.where(is_area, shapely.boundary(g), g)
    g = shapely.segmentize(g, step)
    parts, part_of = shapely.get_parts(g, return_index=True)
    lines, line_of = shapely.get_parts(parts, return_index=True)  # MultiLineString boundaries
    feature_of_line = idx[part_of[line_of]]
    keep = np.isin(shapely.get_type_id(lines), [1, 2])  # LineString, LinearRing
    lines, feature_of_line = lines[keep], feature_of_line[keep]
    coords, line_index = shapely.get_coordinates(lines, return_index=True)
    counts = np.bincount(line_index, minlength=len(lines))
    offsets = np.zeros(len(lines) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    pts = np.c_[coords[:, :2], drape_heights(coords, grid, origin, offset_m)]
    return pts, offsets, feature_of_line


def polygon_fill_triangles(geoms_local, terrain_scene) -> tuple[np.ndarray, np.ndarray]:
    """Terrain triangles whose centroid lies in a polygon: ``(triangle indices, feature index)``
    (vectorised point-in-polygon with a shapely STRtree)."""
    geoms = np.asarray(geoms_local, dtype=object)
    is_area = np.array([g is not None and g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty
                        for g in geoms], dtype=bool)
    if not is_area.any() or terrain_scene.n_triangles == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    polys = geoms[is_area]
    feat = np.flatnonzero(is_area)
    xmin, ymin, xmax, ymax = shapely.total_bounds(polys)
    cen = terrain_scene.corners.mean(axis=1)
    near = np.flatnonzero((cen[:, 0] >= xmin) & (cen[:, 0] <= xmax) & (cen[:, 1] >= ymin) & (cen[:, 1] <= ymax))
    if not len(near):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    tree = shapely.STRtree(polys)
    pt_i, poly_i = tree.query(shapely.points(cen[near, 0], cen[near, 1]), predicate="within")
    # a triangle in two overlapping polygons is kept once (the first polygon)
    first = np.unique(pt_i, return_index=True)[1]
    return near[pt_i[first]], feat[poly_i[first]]


def categorical_colours(values) -> tuple[np.ndarray, list[tuple[str, tuple[int, int, int]]]]:
    """(n, 3) uint8 colour per value and the legend [(label, rgb)] in order of first appearance
    (None/NaN → grey "–")."""
    vals = ["–" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in values]
    cats = list(dict.fromkeys(vals))
    lut = {c: (160, 160, 160) if c == "–" else tuple(int(x) for x in PALETTE[i % len(PALETTE)])
           for i, c in enumerate(cats)}
    colours = np.array([lut[v] for v in vals], dtype=np.uint8).reshape(-1, 3)
    return colours, [(c, lut[c]) for c in cats]


# ====================================================================== meshes (pyvista)
def drape_lines_polydata(geoms_local, grid: TerrainGrid, origin, offset_m: float = DEFAULT_OFFSET_M,
                         max_segment_m: float | None = None):
    """PolyData of draped lines; cell data ``feature`` = index of the layer feature."""
    import pyvista as pv

    pts, offsets, feature = drape_linework(geoms_local, grid, origin, offset_m, max_segment_m)
    if not len(feature):
        return pv.PolyData()
    counts = np.diff(offsets)
    conn = np.empty(len(pts) + len(counts), dtype=np.int64)
    starts = offsets[:-1] + np.arange(len(counts))
    conn[starts] = counts
    mask = np.ones(len(conn), dtype=bool)
    mask[starts] = False
    conn[mask] = np.arange(len(pts))
    mesh = pv.PolyData(pts, lines=conn)
    mesh.cell_data["feature"] = feature
    return mesh


def flat_fill_triangles(geoms_local) -> tuple[np.ndarray, np.ndarray]:
    """Exact triangles (k, 3, 2) of the polygons (holes kept; shapely's constrained Delaunay
    triangulation, GEOS) and the feature index (k,) of each — fills on flat ground."""
    geoms = np.asarray(geoms_local, dtype=object)
    is_area = np.array([g is not None and not g.is_empty and shapely.get_type_id(g) in (3, 6) for g in geoms],
                       dtype=bool)
    idx = np.flatnonzero(is_area)
    if not len(idx):
        return np.zeros((0, 3, 2)), np.zeros(0, dtype=np.int64)
    tris, owner = shapely.get_parts(shapely.constrained_delaunay_triangles(geoms[idx]), return_index=True)
    coords = shapely.get_coordinates(shapely.get_exterior_ring(tris)).reshape(len(tris), 4, 2)[:, :3]
    return coords, idx[owner]


def drape_fill_polydata(geoms_local, grid: TerrainGrid, origin, terrain_scene=None,
                        offset_m: float = DEFAULT_OFFSET_M):
    """PolyData of the polygons' fill, lifted by ``offset_m``; cell data ``feature``. On a flat
    grid (no DEM) the exact triangulation of each polygon; on terrain the terrain triangles whose
    centroid lies inside (the edge is as fine as the DEM)."""
    import pyvista as pv

    zr = grid.z_range
    if zr is not None and zr[1] - zr[0] < 1e-9:
        tri2, feature = flat_fill_triangles(geoms_local)
        if not len(tri2):
            return pv.PolyData()
        z = zr[0] - float(np.asarray(origin).reshape(-1)[2]) + offset_m
        pts = np.c_[tri2.reshape(-1, 2), np.full(3 * len(tri2), z)]
        mesh = pv.PolyData(pts, np.c_[np.full(len(tri2), 3), np.arange(3 * len(tri2)).reshape(-1, 3)].ravel())
        mesh.cell_data["feature"] = feature
        return mesh
    terrain_scene = terrain_scene if terrain_scene is not None else grid.scene(origin)
    tri, feature = polygon_fill_triangles(geoms_local, terrain_scene)
    if not len(tri):
        return pv.PolyData()
    t = terrain_scene.triangles[tri]
    used, inv = np.unique(t.ravel(), return_inverse=True)
    pts = terrain_scene.vertices[used].copy()
    pts[:, 2] += offset_m
    faces = np.c_[np.full(len(t), 3), inv.reshape(-1, 3)].ravel()
    mesh = pv.PolyData(pts, faces)
    mesh.cell_data["feature"] = feature
    return mesh


def graduated_colours(values, classes: int = 5, cmap: str = "viridis", fmt=None):
    """(n, 3) uint8 colours of numeric ``values`` in ``classes`` quantile classes of the colour
    ramp ``cmap`` and the legend [(label "a – b", rgb)] from low to high (non-numeric → grey
    "–"). ``fmt(value)`` formats the class bounds (default: 4 significant digits)."""
    from matplotlib import colormaps

    fmt = fmt or (lambda v: f"{v:.4g}")
    vals = np.array([_as_float(v) for v in values], dtype=np.float64)
    ok = np.isfinite(vals)
    colours = np.full((len(vals), 3), 160, dtype=np.uint8)
    if not ok.any():
        return colours, [("–", (160, 160, 160))]
    edges = np.unique(np.quantile(vals[ok], np.linspace(0.0, 1.0, max(int(classes), 1) + 1)))
    if len(edges) == 1:
        edges = np.array([edges[0], edges[0]])
    k = np.clip(np.searchsorted(edges, vals[ok], side="right") - 1, 0, len(edges) - 2)
    ramp = colormaps[cmap](np.linspace(0.1, 0.95, len(edges) - 1))[:, :3]
    lut = (ramp * 255 + 0.5).astype(np.uint8)
    colours[ok] = lut[k]
    entries = [(f"{fmt(edges[i])} – {fmt(edges[i + 1])}", tuple(int(c) for c in lut[i])) for i in range(len(edges) - 1)]
    if not ok.all():
        entries.append(("–", (160, 160, 160)))
    return colours, entries


def _as_float(v) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


def is_numeric_column(values) -> bool:
    """True when every non-empty value of the column reads as a number."""
    seen = False
    for v in values:
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        if isinstance(v, (bool, np.bool_)) or not np.isfinite(_as_float(v)):
            return False
        seen = True
    return seen


def flat_fill_polydata(geoms_local, z: float):
    """PolyData of the polygons triangulated exactly (constrained Delaunay, holes kept) on the
    horizontal plane at local height ``z``; cell data ``feature``. For models without terrain,
    where a draped fill would have only the two triangles of a flat ground grid."""
    import pyvista as pv

    geoms = np.asarray(geoms_local, dtype=object)
    is_area = np.array([g is not None and g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty
                        for g in geoms], dtype=bool)
    idx = np.flatnonzero(is_area)
    if not len(idx):
        return pv.PolyData()
    tris = shapely.constrained_delaunay_triangles(shapely.make_valid(geoms[idx]))
    parts, owner = shapely.get_parts(tris, return_index=True)
    keep = shapely.get_type_id(parts) == 3  # triangles are Polygons
    parts, owner = parts[keep], owner[keep]
    if not len(parts):
        return pv.PolyData()
    ring = shapely.get_coordinates(shapely.get_exterior_ring(parts))  # 4 points per triangle (closed)
    xy = ring.reshape(-1, 4, 2)[:, :3, :]
    pts = np.c_[xy.reshape(-1, 2), np.full(3 * len(parts), float(z))]
    faces = np.c_[np.full(len(parts), 3), np.arange(3 * len(parts)).reshape(-1, 3)].ravel()
    mesh = pv.PolyData(pts, faces)
    mesh.cell_data["feature"] = idx[owner]
    return mesh


def add_layer(plotter, layer, grid: TerrainGrid, origin, terrain_scene=None, colour_by: str | None = None,
              label_by: str | None = None, offset_m: float = DEFAULT_OFFSET_M, fill_opacity: float = 0.45,
              line_width: float = 3.0, colour=(220, 40, 40), name: str | None = None, legend: bool = True,
              with_entries: bool = False, feature_rgb=None, flat_z: float | None = None, label_format=None):
    """Drape an ``importers.layers.Layer`` on the terrain: filled polygons (translucent) with
    outlines, or lines; coloured by the categories of attribute ``colour_by`` (legend), by
    precomputed ``feature_rgb`` ((n, 3) uint8, e.g. :func:`graduated_colours`) or one ``colour``;
    labels from attribute ``label_by`` (formatted by ``label_format(value)``) at each polygon's /
    line's representative point (points: :func:`add_points`). ``flat_z``: no terrain — the fill
    lies on the plane at that local height, triangulated exactly (:func:`flat_fill_polydata`).
    Returns the list of actors (and the legend entries [(label, rgb)] with ``with_entries``)."""
    from .drape import RANK_FILL, RANK_LINES, set_stack_rank

    name = name or f"layer-{layer.name}"
    geoms = layer.to_local(origin)
    n = len(geoms)
    if feature_rgb is not None:
        feat_rgb, entries = np.asarray(feature_rgb, dtype=np.uint8).reshape(n, 3), []
    elif colour_by:
        feat_rgb, entries = categorical_colours(layer.column(colour_by))
    else:
        feat_rgb, entries = np.tile(np.array(colour, dtype=np.uint8), (n, 1)), []
    actors = []
    if flat_z is not None:
        fill = flat_fill_polydata(geoms, flat_z + offset_m)
    else:
        fill = drape_fill_polydata(geoms, grid, origin, terrain_scene, offset_m)
    if fill.n_cells:
        fill.cell_data["rgb"] = feat_rgb[fill.cell_data["feature"]]
        actors.append(plotter.add_mesh(fill, scalars="rgb", rgb=True, opacity=fill_opacity, name=f"{name}-fill",
                                       pickable=False, lighting=False, reset_camera=False))
        set_stack_rank(actors[-1], RANK_FILL)
    lines = drape_lines_polydata(geoms, grid, origin, offset_m * 1.5)
    if lines.n_cells:
        lines.cell_data["rgb"] = (feat_rgb[lines.cell_data["feature"]] * 0.7).astype(np.uint8) if fill.n_cells \
            else feat_rgb[lines.cell_data["feature"]]
        actors.append(plotter.add_mesh(lines, scalars="rgb", rgb=True, line_width=line_width,
                                       name=f"{name}-lines", pickable=False, lighting=False,
                                       render_lines_as_tubes=False, reset_camera=False))
        set_stack_rank(actors[-1], RANK_LINES)
    if label_by:
        anchors = label_anchors(layer, grid, origin, label_by, offset_m, label_format)
        if anchors:
            actors.append(plotter.add_point_labels(np.array([a for a, _ in anchors]), [t for _, t in anchors],
                                                   font_size=14, point_size=1, shape_opacity=0.6,
                                                   always_visible=True, name=f"{name}-labels"))
    if legend and entries:
        plotter.add_legend([(label, np.array(rgb) / 255.0) for label, rgb in entries[:20]],
                           bcolor="white", border=True, face="rectangle",
                           size=(0.18, 0.045 * min(len(entries), 20) + 0.02), name=f"{name}-legend")
    return (actors, entries) if with_entries else actors


_POINT_TYPES = (0, 4)  # shapely Point, MultiPoint


def label_anchors(layer, grid: TerrainGrid, origin, label_by: str, offset_m: float = DEFAULT_OFFSET_M,
                  label_format=None) -> list:
    """[(xyz local, text)] label anchors of the polygons and lines of ``layer``: 2 m above the
    draped representative point of each feature (shapely ``point_on_surface``); ``label_format``
    turns a value into its text (default ``str``)."""
    fmt = label_format or str
    labels = [("" if v is None else fmt(v)) for v in layer.column(label_by)]
    geoms = layer.to_local(origin)
    ok = np.array([g is not None and not g.is_empty and shapely.get_type_id(g) not in _POINT_TYPES for g in geoms],
                  dtype=bool)
    if not ok.any():
        return []
    rp = shapely.get_coordinates(shapely.point_on_surface(geoms[ok]))
    pts = np.c_[rp, drape_heights(rp, grid, origin, offset_m + 2.0)]
    return [(pts[k], labels[i]) for k, i in enumerate(np.flatnonzero(ok)) if labels[i]]


def point_features(layer, origin) -> tuple[np.ndarray, np.ndarray]:
    """Local (k, 2) positions of the points of ``layer`` (MultiPoints split) and the feature
    index (k,) of each."""
    geoms = layer.to_local(origin)
    is_pt = np.array([g is not None and not g.is_empty and shapely.get_type_id(g) in _POINT_TYPES for g in geoms],
                     dtype=bool)
    idx = np.flatnonzero(is_pt)
    if not len(idx):
        return np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    parts, part_of = shapely.get_parts(geoms[idx], return_index=True)
    return shapely.get_coordinates(parts)[:, :2], idx[part_of]


#: marker head height above the ground (m): pins stand on the ground, their heads above cars
MARKER_HEIGHT_M = 4.0


def add_points(plotter, layer, grid: TerrainGrid, origin, colour_by: str | None = None, label_by: str | None = None,
               colour=(214, 39, 40), name: str | None = None, marker_px: float = 14.0, vtk_labels: bool = True,
               offset_m: float = DEFAULT_OFFSET_M, stand_on=None) -> dict:
    """Point features (POIs) of ``layer`` as pins: a thin stick from the draped ground up
    :data:`MARKER_HEIGHT_M` and a round marker head ``marker_px`` pixels wide (constant on
    screen), coloured by the categories of ``colour_by`` or ``colour``; with ``label_by`` a label
    per point. ``vtk_labels``: draw the labels with VTK (window) — else only return their anchors
    (stills draw them crisply, ``viewer.media.decorate``). ``stand_on(xy_local) -> z`` gives the
    height a pin stands on where it is higher than the ground (a roof under a POI).

    Returns {"actors": {name: actor}, "labels": [(xyz head, text)], "area_labels": label anchors
    of the layer's polygons/lines, "n_points", "colour": rgb of the markers}."""
    import pyvista as pv

    name = name or f"layer-{layer.name}"
    out = {"actors": {}, "labels": [], "area_labels": [], "n_points": 0, "colour": tuple(colour)}
    if label_by:
        out["area_labels"] = label_anchors(layer, grid, origin, label_by, offset_m)
    xy, feature = point_features(layer, origin)
    if not len(xy):
        return out
    z = drape_heights(xy, grid, origin, 0.0)
    if stand_on is not None:
        z = np.fmax(z, stand_on(xy))
    foot = np.c_[xy, z]
    head = np.c_[xy, z + MARKER_HEIGHT_M]
    if colour_by:
        rgb, _entries = categorical_colours(layer.column(colour_by))
        rgb = rgb[feature]
    else:
        rgb = np.tile(np.array(colour, dtype=np.uint8), (len(xy), 1))
    n = len(xy)
    sticks = pv.PolyData(np.vstack([foot, head]), lines=np.c_[np.full(n, 2), np.arange(n), np.arange(n) + n].ravel())
    out["actors"][f"{name}-sticks"] = plotter.add_mesh(sticks, color=(0.25, 0.25, 0.25), line_width=max(1.0, marker_px / 7),
                                                       name=f"{name}-sticks", pickable=False, lighting=False,
                                                       reset_camera=False)
    heads = pv.PolyData(head)
    heads.point_data["rgb"] = rgb
    out["actors"][f"{name}-markers"] = plotter.add_mesh(heads, scalars="rgb", rgb=True, point_size=marker_px,
                                                        render_points_as_spheres=True, name=f"{name}-markers",
                                                        pickable=False, reset_camera=False, ambient=0.6,
                                                        diffuse=0.4, specular=0.3)
    out["n_points"] = n
    if label_by:
        texts = [("" if v is None else str(v)) for v in layer.column(label_by)]
        out["labels"] = [(head[k], texts[feature[k]]) for k in range(n) if texts[feature[k]]]
        if vtk_labels and out["labels"]:
            for k, (p, text) in enumerate(out["labels"]):
                out["actors"][f"{name}-label-{k}"] = add_billboard_label(plotter, p, text, marker_px,
                                                                          f"{name}-label-{k}")
    return out


def add_billboard_label(plotter, point, text: str, marker_px: float = 14.0, name: str | None = None):
    """A label drawn over everything (a 2D text actor) with its text starting just right of
    ``point`` (a pin head ``marker_px`` wide), vertically centred on it, dark on a light box —
    as the stills draw them."""
    import vtk

    actor = vtk.vtkTextActor()
    actor.SetInput(str(text))
    size = int(max(12, marker_px))
    ref = vtk.vtkCoordinate()
    ref.SetCoordinateSystemToWorld()
    ref.SetValue(*map(float, point))
    pos = actor.GetPositionCoordinate()
    pos.SetCoordinateSystemToDisplay()
    pos.SetValue(marker_px * 0.8, -size * 0.45)
    pos.SetReferenceCoordinate(ref)
    tp = actor.GetTextProperty()
    tp.SetFontSize(size)
    tp.SetBold(True)
    tp.SetColor(0.08, 0.08, 0.08)
    tp.SetBackgroundColor(1.0, 1.0, 1.0)
    tp.SetBackgroundOpacity(0.75)
    actor.SetPickable(False)
    plotter.add_actor(actor, name=name, reset_camera=False, render=False)
    return actor


def terrain_polydata(grid: TerrainGrid, origin, values: np.ndarray | None = None, lift_m: float = 0.0):
    """The terrain mesh as PolyData (points = grid nodes with data, local frame), optionally with
    point data ``values`` (rows, cols[, k]) sampled on the grid nodes, and lifted by ``lift_m``
    (scalar or (rows, cols) array, e.g. water depth)."""
    import pyvista as pv

    sc = grid.scene(origin)
    origin = np.asarray(origin, dtype=np.float64).reshape(3)
    # grid.scene keeps only nodes used by triangles; map its vertices back to grid nodes
    r = np.rint((grid.y0 - (sc.vertices[:, 1] + origin[1])) / grid.dy).astype(np.int64)
    c = np.rint((sc.vertices[:, 0] + origin[0] - grid.x0) / grid.dx).astype(np.int64)
    pts = sc.vertices.copy()
    if np.ndim(lift_m):
        pts[:, 2] += np.nan_to_num(np.asarray(lift_m)[r, c])
    else:
        pts[:, 2] += lift_m
    faces = np.c_[np.full(sc.n_triangles, 3), sc.triangles].ravel()
    mesh = pv.PolyData(pts, faces)
    if values is not None:
        v = np.asarray(values)
        mesh.point_data["values"] = v[r, c]
    mesh.point_data["node_rc"] = np.c_[r, c]
    return mesh


def add_terrain(plotter, grid: TerrainGrid, origin, colour=(170, 185, 140), name: str = "terrain"):
    """The terrain mesh in the usual terrain colour (``viewer/scene_view.SURFACE_COLOURS``)."""
    mesh = terrain_polydata(grid, origin)
    return plotter.add_mesh(mesh, color=np.array(colour) / 255.0, name=name, pickable=False,
                            ambient=0.3, diffuse=0.7, smooth_shading=True)


def add_geodata(plotter, model, origin=None, colour_by: dict | None = None, label_by: dict | None = None):
    """Show what ``--terrain`` / ``--layer`` attached to ``model`` (``model.terrain_grid``,
    ``model.layers``) in ``plotter``: a :class:`viewer.picture.Picture` of the terrain and every
    layer draped on it (flat ground without terrain). ``colour_by`` / ``label_by`` map a layer
    name to the attribute to style / label it by. Returns the Picture (None if nothing to add)."""
    from .finish import Finish
    from .picture import LayerSpec, Picture, PictureSpec

    grid = model.terrain_grid
    layers = model.layers
    if grid is None and not layers:
        return None
    spec = PictureSpec(finish=Finish(anti_alias="none", occlusion="none", sky=False, fog=False), terrain=grid,
                       layers=[LayerSpec(lyr, (colour_by or {}).get(lyr.name), (label_by or {}).get(lyr.name))
                               for lyr in layers])
    return Picture(plotter, model.scene(), spec, window=True)
