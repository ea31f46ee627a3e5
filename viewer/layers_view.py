"""Geo layers and rasters on the terrain: draped polygons/lines, categorical styling, labels,
raster overlays with a colour ramp and scalar bar, flood depth as a translucent water surface.

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

from model.terrain import TerrainGrid

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


def drape_fill_polydata(geoms_local, grid: TerrainGrid, origin, terrain_scene=None,
                        offset_m: float = DEFAULT_OFFSET_M):
    """PolyData of the terrain triangles inside the polygons, lifted by ``offset_m``; cell data
    ``feature``."""
    import pyvista as pv

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


def add_layer(plotter, layer, grid: TerrainGrid, origin, terrain_scene=None, colour_by: str | None = None,
              label_by: str | None = None, offset_m: float = DEFAULT_OFFSET_M, fill_opacity: float = 0.45,
              line_width: float = 3.0, colour=(220, 40, 40), name: str | None = None, legend: bool = True):
    """Drape an ``importers.layers.Layer`` on the terrain: filled polygons (translucent) with
    outlines, or lines; coloured by the categories of attribute ``colour_by`` (legend) or one
    ``colour``; labels from attribute ``label_by`` at each feature's representative point.
    Returns the list of actors."""
    name = name or f"layer-{layer.name}"
    geoms = layer.to_local(origin)
    n = len(geoms)
    if colour_by:
        feat_rgb, entries = categorical_colours(layer.column(colour_by))
    else:
        feat_rgb, entries = np.tile(np.array(colour, dtype=np.uint8), (n, 1)), []
    actors = []
    fill = drape_fill_polydata(geoms, grid, origin, terrain_scene, offset_m)
    if fill.n_cells:
        fill.cell_data["rgb"] = feat_rgb[fill.cell_data["feature"]]
        actors.append(plotter.add_mesh(fill, scalars="rgb", rgb=True, opacity=fill_opacity, name=f"{name}-fill",
                                       pickable=False, lighting=False))
    lines = drape_lines_polydata(geoms, grid, origin, offset_m * 1.5)
    if lines.n_cells:
        lines.cell_data["rgb"] = (feat_rgb[lines.cell_data["feature"]] * 0.7).astype(np.uint8) if fill.n_cells \
            else feat_rgb[lines.cell_data["feature"]]
        actors.append(plotter.add_mesh(lines, scalars="rgb", rgb=True, line_width=line_width,
                                       name=f"{name}-lines", pickable=False, lighting=False,
                                       render_lines_as_tubes=False))
    if label_by:
        labels = [("" if v is None else str(v)) for v in layer.column(label_by)]
        ok = np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)
        if ok.any():
            rp = shapely.get_coordinates(shapely.point_on_surface(geoms[ok]))
            pts = np.c_[rp, drape_heights(rp, grid, origin, offset_m + 2.0)]
            actors.append(plotter.add_point_labels(pts, [labels[i] for i in np.flatnonzero(ok)], font_size=14,
                                                   point_size=1, shape_opacity=0.6, always_visible=True,
                                                   name=f"{name}-labels"))
    if legend and entries:
        plotter.add_legend([(label, np.array(rgb) / 255.0) for label, rgb in entries[:20]],
                           bcolor="white", border=True, face="rectangle",
                           size=(0.18, 0.045 * min(len(entries), 20) + 0.02), name=f"{name}-legend")
    return actors


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


def add_raster_overlay(plotter, grid: TerrainGrid, overlay, origin, band: int = 0, cmap: str = "viridis",
                       clim=None, title: str | None = None, opacity: float = 1.0, offset_m: float = 0.05,
                       name: str | None = None):
    """Drape an ``importers.terrain.RasterOverlay`` on the terrain: an RGB raster (orthophoto) as
    vertex colours, any other band with the colour ramp ``cmap`` and a scalar bar titled
    ``title`` (default: the raster's name). NaN (no data) cells are transparent-grey."""
    name = name or f"raster-{overlay.name}"
    if overlay.is_rgb:
        rgb = np.clip(np.nan_to_num(overlay.values[:, :, :3]), 0, 255).astype(np.uint8)
        mesh = terrain_polydata(grid, origin, rgb, lift_m=offset_m)
        return plotter.add_mesh(mesh, scalars="values", rgb=True, name=name, opacity=opacity, pickable=False,
                                lighting=True)
    vals = overlay.band(band)
    mesh = terrain_polydata(grid, origin, vals, lift_m=offset_m)
    finite = vals[np.isfinite(vals)]
    if clim is None:
        clim = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    return plotter.add_mesh(mesh, scalars="values", cmap=cmap, clim=clim, nan_opacity=0.0, opacity=opacity,
                            name=name, pickable=False,
                            scalar_bar_args={"title": title or overlay.name, "vertical": True,
                                             "position_x": 0.88, "position_y": 0.1, "height": 0.6,
                                             "color": "black", "fmt": "%.2f"})


def flood_surface(grid: TerrainGrid, depth: np.ndarray, origin, min_depth_m: float = 0.05):
    """Water surface of a flood-depth raster sampled on the grid nodes (``depth`` (rows, cols),
    metres): the terrain lifted by the depth, keeping triangles whose three corners are wet
    (depth ≥ ``min_depth_m``). Point data ``depth_m``."""
    import pyvista as pv

    mesh = terrain_polydata(grid, origin, values=depth, lift_m=np.where(np.isfinite(depth), depth, 0.0))
    d = np.asarray(mesh.point_data["values"], dtype=np.float64)
    wet = np.isfinite(d) & (d >= min_depth_m)
    faces = mesh.faces.reshape(-1, 4)[:, 1:]
    keep = wet[faces].all(axis=1)
    if not keep.any():
        return pv.PolyData()
    sub = faces[keep]
    used, inv = np.unique(sub.ravel(), return_inverse=True)
    out = pv.PolyData(np.asarray(mesh.points)[used], np.c_[np.full(len(sub), 3), inv.reshape(-1, 3)].ravel())
    out.point_data["depth_m"] = d[used]
    return out


def add_flood(plotter, grid: TerrainGrid, overlay, origin, band: int = 0, opacity: float = 0.6,
              cmap: str = "Blues", min_depth_m: float = 0.05, clim=None, title: str = "Wassertiefe [m]",
              name: str | None = None):
    """A flood-depth raster as a translucent water surface coloured by depth, with scalar bar."""
    depth = overlay.band(band)
    water = flood_surface(grid, depth, origin, min_depth_m)
    if not water.n_points:
        return None
    d = water.point_data["depth_m"]
    if clim is None:
        clim = (0.0, float(np.nanpercentile(d, 99)) or 1.0)
    if cmap == "Blues":  # the upper 65 % of Blues: shallow water light blue, never white
        from matplotlib import colormaps
        from matplotlib.colors import ListedColormap

        cmap = ListedColormap(colormaps["Blues"](np.linspace(0.35, 1.0, 256)))
    return plotter.add_mesh(water, scalars="depth_m", cmap=cmap, clim=clim, opacity=opacity,
                            name=name or f"flood-{overlay.name}", pickable=False, smooth_shading=True,
                            specular=0.4, scalar_bar_args={"title": title, "vertical": True, "position_x": 0.88,
                                                           "position_y": 0.1, "height": 0.6, "color": "black",
                                                           "fmt": "%.2f"})


def add_geodata(plotter, model, origin=None, colour_by: dict | None = None, label_by: dict | None = None):
    """Show what ``--terrain`` / ``--layer`` attached to ``model`` (``model.terrain_grid``,
    ``model.layers``): the terrain mesh and every layer draped on it. Without terrain, layers
    are drawn on a flat plane at the model's lowest height. ``colour_by`` / ``label_by`` map a
    layer name to the attribute to style / label it by. Returns True if anything was added."""
    grid = getattr(model, "terrain_grid", None)
    layers = getattr(model, "layers", None) or []
    origin = np.asarray(model.origin if origin is None else origin, dtype=np.float64).reshape(3)
    if grid is None and not layers:
        return False
    if grid is not None:
        add_terrain(plotter, grid, origin)
    else:  # a flat 2×2-node grid over the layers' and the model's extent
        boxes = [lyr.extent() for lyr in layers if lyr.extent()]
        bb = model.bbox()
        if bb is not None:
            boxes.append((bb[0], bb[1], bb[3], bb[4]))
        if not boxes:
            return False
        b = np.array(boxes)
        z0 = float(bb[2]) if bb is not None else 0.0
        xmin, ymin, xmax, ymax = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
        grid = TerrainGrid(np.full((2, 2), z0), xmin, ymax, max(xmax - xmin, 1.0), max(ymax - ymin, 1.0))
    terrain_scene = grid.scene(origin)
    for k, lyr in enumerate(layers):
        add_layer(plotter, lyr, grid, origin, terrain_scene, colour_by=(colour_by or {}).get(lyr.name),
                  label_by=(label_by or {}).get(lyr.name), colour=tuple(int(v) for v in PALETTE[(k + 5) % len(PALETTE)]),
                  name=f"layer-{k}-{lyr.name}")
    return True
