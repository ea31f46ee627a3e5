"""Light maps: the computed sun shadow on roofs and facades as a texture of the model mesh.

The shadow analysis decides per sample point whether the sun is blocked (a ray towards the sun,
:mod:`analysis.shadow`). To *show* that on every wall and roof, each triangle gets a rectangle
("chart") of texels in one atlas texture; every texel centre is a sample point on its triangle,
its ray decides sun or shadow, and the mesh draws with the atlas as a second, multiplying texture
(a light map, as in game engines since Quake, Abrash 1997): a shadowed texel multiplies the lit
colour by the triangle's *shade factor*, the ratio of what the surface receives without the sun's
direct light to what it receives with it under the renderer's lights (VTK's Phong model
``C·(ambient + diffuse·Σ Iₗ·max(0, n·lₗ))``, exact per flat triangle), so a wall in shadow looks
exactly like the same wall lit by the fill light alone.

Chart of a triangle (P0, P1, P2) with P0→P1 its longest edge: local u along P0→P1, v in the
triangle's plane towards P2, so the triangle spans [0, |P0P1|] × [0, h]; texels of ``texel_m``
metres plus one texel of padding on every side. Padding texels and texels beyond the hypotenuse
sample the nearest point of the triangle (barycentric coordinates clipped), so bilinear filtering
never bleeds in a neighbour chart's value. Charts are packed in shelves (rows of charts sorted by
height), with a texel size chosen so the atlas fits the texel budget.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: padding texels around every chart
PAD = 1
#: largest atlas side (GL_MAX_TEXTURE_SIZE of Mesa llvmpipe is 16384; 8192 keeps uploads quick)
MAX_SIDE = 8192


@dataclass(eq=False)
class Atlas:
    """Charts of triangles in one texture.

    triangles   (k,) scene triangle of each chart
    texel_m     texel size, metres
    size        (width, height) of the atlas in texels
    tcoords     (k, 3, 2) float32 texture coordinates (0..1) of each triangle's corners, in the
                scene's corner order
    texel_tri   (t,) chart (index into ``triangles``) of every used texel, in texel order
    texel_rc    (t, 2) int32 (row, column) of every used texel in the atlas image
    texel_bary  (t, 3) float32 barycentric coordinates of the texel's sample point on its triangle
    """

    triangles: np.ndarray
    texel_m: float
    size: tuple
    tcoords: np.ndarray
    texel_tri: np.ndarray
    texel_rc: np.ndarray
    texel_bary: np.ndarray

    @property
    def white_tcoord(self) -> tuple[float, float]:
        """Texture coordinate of a texel that is always 255 (the atlas' last row): for triangles
        without a chart (ground and closure surfaces)."""
        return 0.5 / self.size[0], 0.5 / self.size[1]

    @property
    def n_texels(self) -> int:
        return len(self.texel_tri)

    def points(self, corners: np.ndarray) -> np.ndarray:
        """(t, 3) sample point of every texel on its triangle (``corners``: the scene's (m, 3, 3)
        corner array)."""
        tri = self.triangles[self.texel_tri]
        out = np.zeros((len(tri), 3), dtype=np.float64)
        for k in range(3):  # three (t, 3) gathers instead of one (t, 3, 3) temporary
            out += self.texel_bary[:, k, None] * corners[tri, k]
        return out

    def image(self, texel_values: np.ndarray, fill: int = 255) -> np.ndarray:
        """(height, width) uint8 atlas image with ``texel_values`` (t,) at the used texels."""
        w, h = self.size
        img = np.full((h, w), fill, dtype=np.uint8)
        img[self.texel_rc[:, 0], self.texel_rc[:, 1]] = texel_values
        return img


def _charts(corners: np.ndarray):
    """Per triangle: the rotation putting the longest edge first, its length L and the height h
    of the opposite corner over it, and the local 2D coordinates (k, 3, 2) of the corners in the
    scene's corner order."""
    e = np.stack([corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 1], corners[:, 0] - corners[:, 2]], axis=1)
    lengths = np.linalg.norm(e, axis=2)
    first = np.argmax(lengths, axis=1)  # edge first→first+1 is the longest
    k = np.arange(len(corners))
    p0 = corners[k, first]
    p1 = corners[k, (first + 1) % 3]
    p2 = corners[k, (first + 2) % 3]
    base = np.maximum(lengths[k, first], 1e-12)
    u = (p1 - p0) / base[:, None]
    n = np.cross(p1 - p0, p2 - p0)
    n /= np.maximum(np.linalg.norm(n, axis=1), 1e-30)[:, None]
    v = np.cross(n, u)
    rel = corners - p0[:, None, :]
    local = np.stack([np.einsum("kij,kj->ki", rel, u), np.einsum("kij,kj->ki", rel, v)], axis=2)
    height = np.maximum(local[:, :, 1].max(axis=1), 0.0)
    return local, base, height


def layout(corners: np.ndarray, triangles: np.ndarray, max_texels: int = 4_000_000, texel_m: float | None = None,
           min_texel_m: float = 0.1) -> Atlas:
    """Pack charts of the triangles ``triangles`` (indices into ``corners`` (m, 3, 3)) into one
    atlas of at most ``max_texels`` texels (the texel size grows until it fits; ``texel_m`` fixes
    a starting size, never finer than ``min_texel_m``)."""
    triangles = np.asarray(triangles, dtype=np.int64)
    c = np.asarray(corners, dtype=np.float64)[triangles]
    local, base, height = _charts(c)
    area = 0.5 * base * height
    if texel_m is None:  # ≈ half the texels inside triangles (charts are rectangles around them)
        texel_m = float(np.sqrt(max(area.sum(), 1e-6) * 2.6 / max_texels))
    texel_m = max(float(texel_m), min_texel_m)
    for _ in range(24):
        w = np.ceil(base / texel_m).astype(np.int64) + 2 * PAD
        h = np.ceil(height / texel_m).astype(np.int64) + 2 * PAD
        total = int((w * h).sum())
        side = int(min(MAX_SIDE, max(64, 64 * np.ceil(np.sqrt(total * 1.08) / 64))))
        if total <= max_texels and w.max() <= side:
            pos, atlas_h = _pack(w, h, side)
            if atlas_h <= MAX_SIDE and side * atlas_h <= max_texels * 1.25:
                break
        texel_m *= 1.15
    else:  # pragma: no cover - 24 × 15 % covers any scene
        raise ValueError("cannot fit the light map into the texel budget")
    width = side
    height_px = int(atlas_h) + 1  # plus one white row (:attr:`Atlas.white_tcoord`)
    # texture coordinates of the corners (texel units → 0..1); image row 0 is the top (t = 1), as
    # pyvista hands numpy images to VTK
    x0 = pos[:, 0] + PAD
    y0 = pos[:, 1] + PAD
    tc = np.empty((len(triangles), 3, 2), dtype=np.float64)
    tc[:, :, 0] = (x0[:, None] + local[:, :, 0] / texel_m) / width
    tc[:, :, 1] = 1.0 - (y0[:, None] + local[:, :, 1] / texel_m) / height_px
    # every texel of every chart: its sample point in barycentric coordinates of the triangle
    n_tex = w * h
    chart = np.repeat(np.arange(len(triangles), dtype=np.int32), n_tex)
    j = np.arange(n_tex.sum(), dtype=np.int64) - np.repeat(np.cumsum(n_tex) - n_tex, n_tex)
    wc = w[chart]
    col = j % wc
    row = j // wc
    sx = (col - PAD + 0.5) * texel_m  # local chart coordinates of the texel centre
    sy = (row - PAD + 0.5) * texel_m
    bary = _barycentric_clipped(local, chart, sx, sy)
    rc = np.stack([pos[chart, 1] + row, pos[chart, 0] + col], axis=1).astype(np.int32)
    return Atlas(triangles=triangles, texel_m=texel_m, size=(width, height_px), tcoords=tc.astype(np.float32),
                 texel_tri=chart, texel_rc=rc, texel_bary=bary)


def _pack(w: np.ndarray, h: np.ndarray, side: int) -> tuple[np.ndarray, int]:
    """Shelf packing: charts sorted by height (tallest first) fill rows of ``side`` texels.
    Returns (k, 2) (x, y) texel positions and the total height. One numpy step per row."""
    order = np.argsort(-h, kind="stable")
    ws = w[order]
    cum = np.concatenate([[0], np.cumsum(ws)])
    pos = np.zeros((len(w), 2), dtype=np.int64)
    start, y, n = 0, 0, len(order)
    while start < n:
        stop = int(np.searchsorted(cum, cum[start] + side, side="right")) - 1
        stop = max(stop, start + 1)
        idx = order[start:stop]
        pos[idx, 0] = cum[start:stop] - cum[start]
        pos[idx, 1] = y
        y += int(h[order[start]])
        start = stop
    return pos, y


def _barycentric_clipped(local: np.ndarray, chart: np.ndarray, sx: np.ndarray, sy: np.ndarray) -> np.ndarray:
    """Barycentric coordinates (n, 3) float32 of 2D points (sx, sy) in the triangles
    ``local[chart]`` ((k, 3, 2) corners), clipped to the triangle (negative weights to 0,
    renormalised). The 2×2 inverse is computed per triangle, then gathered per point."""
    a = local[:, 0]
    v0, v1 = local[:, 1] - a, local[:, 2] - a
    det = v0[:, 0] * v1[:, 1] - v0[:, 1] * v1[:, 0]
    det = np.where(np.abs(det) > 1e-18, det, 1.0)
    inv = np.stack([v1[:, 1], -v1[:, 0], -v0[:, 1], v0[:, 0]], axis=1) / det[:, None]
    g = inv[chart]
    px = sx - a[chart, 0]
    py = sy - a[chart, 1]
    out = np.empty((len(sx), 3), dtype=np.float32)
    out[:, 1] = g[:, 0] * px + g[:, 1] * py
    out[:, 2] = g[:, 2] * px + g[:, 3] * py
    out[:, 0] = 1.0 - out[:, 1] - out[:, 2]
    np.maximum(out, 0.0, out=out)
    total = out.sum(axis=1, keepdims=True)
    np.divide(out, total, out=out, where=total > 0)
    return out


def lightmapped(mesh, scene, atlas: Atlas, triangles=None):
    """A copy of ``mesh`` (the PolyData of ``scene``'s triangles ``triangles`` — default all — in
    that order, e.g. :func:`viewer.scene_view.scene_to_polydata`) with unshared vertices, three
    per triangle, and texture coordinates into ``atlas`` (triangles without a chart get its white
    texel). Cell data (colours, object index for picking) is kept."""
    import pyvista as pv

    src = pv.wrap(mesh)
    tri = np.arange(scene.n_triangles) if triangles is None else np.asarray(triangles, dtype=np.int64)
    m = len(tri)
    if src.n_cells != m:
        raise ValueError(f"mesh has {src.n_cells} cells, expected {m} triangles")
    pts = scene.corners[tri].reshape(-1, 3)
    faces = np.empty((m, 4), dtype=np.int64)
    faces[:, 0] = 3
    faces[:, 1:] = np.arange(3 * m).reshape(m, 3)
    out = pv.PolyData(pts, faces.ravel())
    for name in src.cell_data.keys():
        out.cell_data[name] = src.cell_data[name]
    if "rgb" in out.cell_data:  # the colours the viewer draws with (rgb=True)
        out.cell_data.active_scalars_name = "rgb"
    out.active_texture_coordinates = light_tcoords(atlas, scene.n_triangles, tri).reshape(-1, 2)
    return out


def light_tcoords(atlas: Atlas, n_triangles: int, triangles) -> np.ndarray:
    """(k, 3, 2) float32 light-map texture coordinates of the corners of scene ``triangles``
    (those without a chart: the atlas' white texel)."""
    tri = np.asarray(triangles, dtype=np.int64)
    chart_of = np.full(n_triangles, -1, dtype=np.int64)
    chart_of[atlas.triangles] = np.arange(len(atlas.triangles))
    k = chart_of[tri]
    tc = np.empty((len(tri), 3, 2), dtype=np.float32)
    tc[:] = atlas.white_tcoord
    tc[k >= 0] = atlas.tcoords[k[k >= 0]]
    return tc
