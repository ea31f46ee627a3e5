"""Single-tile tilesets beside the buildings: the ground that receives the shadows, result rasters
draped on the ground (sun-hours, shadow), and result geometry layers (sightlines, view
corridor surfaces, shadow polygons).

- Ground: the model's terrain (``--terrain``, TINRelief triangles) when attached, else a
  horizontal plate at the model's lowest ground height (DESIGN.md "Ground"), 5 cm lower so that
  buildings' ground surfaces win the depth test, extending the model's extent by a margin.
- Rasters: a grid of quads over the raster's extent, every corner converted exactly to ENU, with
  the raster classed by the analysis' legend and coloured by its colour map as a PNG texture
  (nearest filter: the cells stay cells; no-data cells transparent), ``KHR_materials_unlit`` so
  the colours read true under any sun. Placed 0.25 m above the ground.
- Geometry layers: LineStrings as glTF LINES (3D lines kept, 2D lines on the ground), Polygons
  triangulated (``model.triangulate``, holes kept) as translucent unlit surfaces; coloured by the
  ``value`` property through the legend classes, else by ``class``, else one colour. Points are
  left out (a public scene has no use for sample points).
"""
from __future__ import annotations

import io

import numpy as np

from .glb import GlbBuilder
from .tiles3d import flat_vertices, linear_u16, srgb_to_linear

GROUND_RGB = (196, 200, 188)
PLATE_LIFT_M = 0.25  # rasters above the ground plate
LINE_LIFT_M = 0.3


def _grid(xmin, ymin, xmax, ymax, n: int):
    xs = np.linspace(xmin, xmax, n + 1)
    ys = np.linspace(ymin, ymax, n + 1)
    gx, gy = np.meshgrid(xs, ys)
    i = np.arange(n)
    a = (i[:, None] * (n + 1) + i[None, :]).reshape(-1)  # lower-left corner of each cell
    tris = np.concatenate([np.column_stack([a, a + 1, a + n + 2]), np.column_stack([a, a + n + 2, a + n + 1])])
    return np.column_stack([gx.reshape(-1), gy.reshape(-1)]), tris


def _yup(p, centre):
    return np.column_stack([p[:, 0] - centre[0], p[:, 2] - centre[2], -(p[:, 1] - centre[1])]).astype(np.float32)


def _finish(b: GlbBuilder, prim: dict, material: dict, centre) -> bytes:
    b.gltf.update({"scene": 0, "scenes": [{"nodes": [0]}],
                   "nodes": [{"mesh": 0, "translation": [float(centre[0]), float(centre[2]), float(-centre[1])]}],
                   "meshes": [{"primitives": [prim]}], "materials": [material]})
    return b.to_bytes()


def ground_glb(frame, model, margin_m: float = 150.0) -> tuple[bytes, np.ndarray, np.ndarray]:
    """(GLB, ENU min, ENU max) of the ground: the attached terrain or a plate (see module docstring)."""
    from stadtbild.model.ground import ground_plane_z

    terrain = model.terrain
    if terrain is not None and getattr(terrain, "n_triangles", 0):
        xyz = terrain.vertices + np.asarray(terrain.origin, float)
        tris = np.asarray(terrain.triangles, np.int64)
        key = np.zeros(len(tris), np.int64) - 1 - np.arange(len(tris))
    else:
        bb = model.bbox()
        z = ground_plane_z(model) - 0.05
        span = max(bb[3] - bb[0], bb[4] - bb[1])
        m = max(margin_m, 0.25 * span)
        n = int(np.clip(span / 100.0, 4, 64))  # a vertex every ~100 m follows the Earth's curvature
        xy, tris = _grid(bb[0] - m, bb[1] - m, bb[3] + m, bb[4] + m, n)
        xyz = np.column_stack([xy, np.full(len(xy), z)])
        key = np.zeros(len(tris), np.int64)
    enu = frame.to_enu(xyz)
    pos, new_tris, _, normals = flat_vertices(enu, tris, key)
    lo, hi = pos.min(axis=0), pos.max(axis=0)
    centre = np.round((lo + hi) / 2, 3)
    b = GlbBuilder()
    prim = {"attributes": {"POSITION": b.accessor(_yup(pos, centre), min_max=True),
                           "NORMAL": b.accessor(np.column_stack([normals[:, 0], normals[:, 2], -normals[:, 1]])
                                                .astype(np.float32))},
            "indices": b.indices(new_tris), "material": 0, "mode": 4}
    ground_linear = [float(c) for c in srgb_to_linear(GROUND_RGB)] + [1.0]
    mat = {"name": "ground", "pbrMetallicRoughness": {"baseColorFactor": ground_linear,
                                                      "metallicFactor": 0.0, "roughnessFactor": 1.0}}
    return _finish(b, prim, mat, centre), lo, hi


def raster_rgba(values: np.ndarray, nodata, breaks, class_rgb, alpha: int = 200, class_alpha=None) -> np.ndarray:
    """(rows, cols, 4) uint8: each finite, non-nodata cell in the colour of its legend class
    (opacity ``alpha``, or ``class_alpha`` per class); no-data cells transparent."""
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    if nodata is not None and np.isfinite(nodata):
        ok &= v != nodata
    k = np.clip(np.searchsorted(np.asarray(breaks, float), np.where(ok, v, 0), side="right") - 1, 0,
                len(class_rgb) - 1)
    out = np.zeros(v.shape + (4,), dtype=np.uint8)
    out[..., :3] = np.asarray(class_rgb, np.uint8)[k]
    a = np.full(len(class_rgb), alpha) if class_alpha is None else np.asarray(class_alpha)
    out[..., 3] = np.where(ok, a[k], 0)
    return out


def png_bytes(rgba: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def raster_glb(frame, raster, z: float, breaks, class_rgb, class_alpha=None) -> tuple[bytes, np.ndarray, np.ndarray]:
    """(GLB, ENU min, ENU max) of a raster draped at height ``z`` (model CRS) as a textured grid."""
    rows, cols = raster.values.shape
    a, bb_, c, d, e, f = raster.transform
    n = int(np.clip(max(rows, cols) / 16, 2, 32))
    uv_grid, tris = _grid(0.0, 0.0, 1.0, 1.0, n)
    col, row = uv_grid[:, 0] * cols, uv_grid[:, 1] * rows
    x = a * col + bb_ * row + c
    y = d * col + e * row + f
    enu = frame.to_enu(np.column_stack([x, y, np.full(len(x), z)]))
    lo, hi = enu.min(axis=0), enu.max(axis=0)
    centre = np.round((lo + hi) / 2, 3)
    # keep the triangles counter-clockwise seen from above whatever the grid's orientation
    cc = enu[tris]
    up = np.cross(cc[:, 1] - cc[:, 0], cc[:, 2] - cc[:, 0])[:, 2]
    tris = np.where((up < 0)[:, None], tris[:, ::-1], tris)
    b = GlbBuilder()
    png = png_bytes(raster_rgba(raster.values, raster.nodata, breaks, class_rgb, class_alpha=class_alpha))
    img = b.image_png(png)
    b.gltf["samplers"] = [{"magFilter": 9728, "minFilter": 9728, "wrapS": 33071, "wrapT": 33071}]
    b.gltf["textures"] = [{"sampler": 0, "source": img}]
    prim = {"attributes": {"POSITION": b.accessor(_yup(enu, centre), min_max=True),
                           "TEXCOORD_0": b.accessor(uv_grid.astype(np.float32))},
            "indices": b.indices(tris), "material": 0, "mode": 4}
    mat = {"name": "raster", "alphaMode": "BLEND", "doubleSided": True,
           "pbrMetallicRoughness": {"baseColorTexture": {"index": 0}, "metallicFactor": 0.0, "roughnessFactor": 1.0},
           "extensions": {"KHR_materials_unlit": {}}}
    b.extensions.add("KHR_materials_unlit")
    return _finish(b, prim, mat, centre), lo, hi


def _feature_rgba(props: list, breaks, class_rgb, default_rgb, alpha: int) -> np.ndarray:
    out = np.empty((len(props), 4), dtype=np.uint8)
    out[:, :3] = default_rgb
    out[:, 3] = alpha
    classes = sorted({str(p.get("class")) for p in props if p.get("class") is not None})
    palette = {name: class_rgb[i % len(class_rgb)] for i, name in enumerate(classes)}
    for i, p in enumerate(props):
        v = p.get("value")
        if isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v) and breaks is not None:
            k = int(np.clip(np.searchsorted(breaks, v, side="right") - 1, 0, len(class_rgb) - 1))
            out[i, :3] = class_rgb[k]
        elif p.get("class") is not None:
            out[i, :3] = palette[str(p["class"])]
    return out


def geometry_glb(frame, features: list, ground_z: float, breaks, class_rgb,
                 default_rgb=(230, 60, 40)) -> tuple[bytes, np.ndarray, np.ndarray, dict] | None:
    """(GLB, ENU min, ENU max, counts) of a layer's shapely geometries (see the module docstring);
    None when it holds no lines or polygons."""
    import shapely

    from stadtbild.model.triangulate import triangulate

    lines, line_rgba, polys, poly_rgba = [], [], [], []
    rgba = _feature_rgba([p for _, p in features], breaks, class_rgb, default_rgb, 255)
    for (geom, _), col in zip(features, rgba):
        for part in getattr(geom, "geoms", [geom]):
            if part.is_empty:
                continue
            if part.geom_type in ("LineString", "LinearRing"):
                lines.append(part)
                line_rgba.append(col)
            elif part.geom_type == "Polygon":
                polys.append(part)
                poly_rgba.append(col)
    if not lines and not polys:
        return None

    def xyz(coords) -> np.ndarray:
        c = np.asarray(coords, dtype=float)
        if c.shape[1] == 2:
            c = np.column_stack([c, np.full(len(c), ground_z + LINE_LIFT_M)])
        return c

    b = GlbBuilder()
    prims, pts_all = [], []
    if lines:
        segs = [xyz(shapely.get_coordinates(ln, include_z=ln.has_z)) for ln in lines]
        p = np.vstack(segs)
        starts = np.cumsum([0] + [len(s) for s in segs])
        idx = np.concatenate([np.column_stack([np.arange(s0, s1 - 1), np.arange(s0 + 1, s1)])
                              for s0, s1 in zip(starts[:-1], starts[1:]) if s1 - s0 >= 2])
        cols = np.repeat(np.asarray(line_rgba), [len(s) for s in segs], axis=0)
        prims.append(("lines", frame.to_enu(p), idx, cols))
    if polys:
        verts, ring_v, ring_off, poly_off, cols = [], [], [0], [0], []
        nv = 0
        for poly, col in zip(polys, poly_rgba):
            for ring in [poly.exterior, *poly.interiors]:
                c = xyz(shapely.get_coordinates(ring, include_z=poly.has_z))[:-1]
                verts.append(c)
                ring_v.append(np.arange(nv, nv + len(c)))
                nv += len(c)
                ring_off.append(nv)
                cols.append(np.tile(col, (len(c), 1)))
            poly_off.append(len(ring_off) - 1)
        v = np.vstack(verts)
        tri = triangulate(v, np.concatenate(ring_v), np.asarray(ring_off), np.asarray(poly_off))
        if len(tri.triangles):
            c = np.vstack(cols)
            c[:, 3] = 150
            prims.append(("surfaces", frame.to_enu(v), tri.triangles, c))
    if not prims:
        return None
    pts_all = np.vstack([p[1] for p in prims])
    lo, hi = pts_all.min(axis=0), pts_all.max(axis=0)
    centre = np.round((lo + hi) / 2, 3)
    out = []
    for kind, enu, idx, cols in prims:
        out.append({"attributes": {"POSITION": b.accessor(_yup(enu, centre), min_max=True),
                                   "COLOR_0": b.accessor(linear_u16(np.ascontiguousarray(cols, dtype=np.uint8)),
                                                         normalized=True)},
                    "indices": b.indices(idx), "material": 0, "mode": 1 if kind == "lines" else 4})
    mat = {"name": "layer", "alphaMode": "BLEND", "doubleSided": True,
           "pbrMetallicRoughness": {"baseColorFactor": [1, 1, 1, 1], "metallicFactor": 0.0, "roughnessFactor": 1.0},
           "extensions": {"KHR_materials_unlit": {}}}
    b.extensions.add("KHR_materials_unlit")
    b.gltf.update({"scene": 0, "scenes": [{"nodes": [0]}],
                   "nodes": [{"mesh": 0, "translation": [float(centre[0]), float(centre[2]), float(-centre[1])]}],
                   "meshes": [{"primitives": out}], "materials": [mat]})
    return b.to_bytes(), lo, hi, {"lines": len(lines), "polygons": len(polys)}
