"""Images draped on the ground: orthophoto tiles, colour-ramped rasters (flood depth, any single
band), the computed ground shadow — each a texture on a patch of the ground surface.

The ground is :class:`model.ground.Ground`: the terrain (``--terrain`` DEM or the model's
TINRelief) or the horizontal plane at the model's lowest ground height. A patch over a rectangle of
the local frame is a regular grid of that surface (one quad on the plane; nodes of at most
``max_cells`` × ``max_cells`` cells on the terrain, heights exactly on the terrain mesh) whose
texture coordinates are the *planar* projection of x/y onto the rectangle: texel (i, j) of an
image covers exactly its cell of the rectangle seen from above, so a raster's cells land where
they are in the model CRS.

Layers stack without depth fighting through VTK's coincident-topology polygon offset (each stack
level is pulled ``rank`` steps towards the camera in depth-buffer units, independent of the
distance), not by lifting them in metres: a 2 cm lift is lost in the depth buffer at a few hundred
metres (measured: a translucent layer 2 cm above the ground vanished in an oblique view at 130 m).
This needs VTK's process-wide resolve mode "polygon offset" (ParaView's default; VTK's is off),
which :func:`set_stack_rank` switches on. Raster overlays are cut-outs (:func:`add_draped_image`
``cutout=True``): drawn opaque in their exact legend colours, texels below half alpha discarded,
so a flood map shows precisely its wet cells.

Stack levels (``rank``): 0 ground / terrain colour, 1 orthophoto, 2 ground shadow, 3 raster
overlays, 4 draped vector fills, 5 draped lines.
"""
from __future__ import annotations

import numpy as np

#: polygon-offset steps per stack level (factor, units), see module docstring. VTK applies them in
#: the fragment shader: depth + factor·|∇depth| + units/65000 (normalised depth), so a "unit" is
#: ~250 ULPs of a 24-bit buffer — at 1.5 km with a 3 m near plane that is 12 m. A hundredth of a
#: unit (≈ 2.6 ULP) per level separates coplanar layers; a quarter pixel's depth slope per level
#: keeps them apart at grazing angles without hiding the feet of buildings.
OFFSET_FACTOR = -0.25
OFFSET_UNITS = -0.01
RANK_ORTHO = 1
RANK_SHADOW = 2
RANK_RASTER = 3
RANK_FILL = 4
RANK_LINES = 5


def set_stack_rank(actor, rank: int) -> None:
    """Pull ``actor`` ``rank`` levels towards the camera in depth (polygon offset), so coplanar
    draped layers draw in stack order."""
    from vtkmodules.vtkRenderingCore import vtkMapper

    if vtkMapper.GetResolveCoincidentTopology() != 1:  # VTK_RESOLVE_POLYGON_OFFSET
        vtkMapper.SetResolveCoincidentTopologyToPolygonOffset()
    mapper = actor.GetMapper()
    mapper.SetRelativeCoincidentTopologyPolygonOffsetParameters(OFFSET_FACTOR * rank, OFFSET_UNITS * rank)
    mapper.SetRelativeCoincidentTopologyLineOffsetParameters(OFFSET_FACTOR * rank, OFFSET_UNITS * rank)


def ground_patch(ground, bounds_local, max_cells: int = 64):
    """PolyData of the ground over ``bounds_local`` (xmin, ymin, xmax, ymax, local frame) with
    planar texture coordinates: (0, 0) at (xmin, ymin), (1, 1) at (xmax, ymax).

    ``ground``: an :class:`model.ground.Ground` (terrain heights, ``method="mesh"``) or a
    number (a flat plane at that local height)."""
    import pyvista as pv

    xmin, ymin, xmax, ymax = (float(v) for v in bounds_local)
    grid = getattr(ground, "grid", None)
    if grid is None:
        nx = ny = 1
    else:  # node spacing no finer than the DEM's, at most max_cells per side
        nx = int(np.clip(np.ceil((xmax - xmin) / grid.dx), 1, max_cells))
        ny = int(np.clip(np.ceil((ymax - ymin) / grid.dy), 1, max_cells))
    xs = np.linspace(xmin, xmax, nx + 1)
    ys = np.linspace(ymin, ymax, ny + 1)
    x, y = np.meshgrid(xs, ys)
    if grid is None:
        z = np.full(x.shape, float(getattr(ground, "plane_z", ground)))
    else:
        z = ground.height(np.stack([x, y], axis=-1), method="mesh")
    pts = np.column_stack([x.ravel(), y.ravel(), z.ravel()])
    r, c = np.meshgrid(np.arange(ny), np.arange(nx), indexing="ij")
    n00 = (r * (nx + 1) + c).ravel()
    quads = np.column_stack([np.full(len(n00), 4), n00, n00 + 1, n00 + nx + 2, n00 + nx + 1])
    mesh = pv.PolyData(pts, quads.ravel())
    tc = np.column_stack([(pts[:, 0] - xmin) / max(xmax - xmin, 1e-9), (pts[:, 1] - ymin) / max(ymax - ymin, 1e-9)])
    mesh.active_texture_coordinates = tc.astype(np.float32)
    return mesh


def image_texture(rgba: np.ndarray, interpolate: bool = True, mipmap: bool = False):
    """A VTK texture of an (h, w, 3|4) uint8 image whose row 0 is the *north* edge (as rasters
    are stored), for :func:`ground_patch` coordinates (t = 0 in the south)."""
    import pyvista as pv

    # pyvista turns a numpy image upside down for VTK (whose first row is t = 0), so row 0 = north
    tex = pv.Texture(np.ascontiguousarray(np.asarray(rgba, dtype=np.uint8)))
    tex.interpolate = bool(interpolate)
    tex.SetMipmap(bool(mipmap))
    tex.repeat = False
    tex.SetEdgeClamp(True)
    return tex


_CUTOUT_IMPL = """//VTK::TCoord::Impl
  if (gl_FragData[0].a < 0.5) { discard; }
"""


def add_draped_image(plotter, ground, rgba: np.ndarray, bounds_local, name: str, rank: int, interpolate: bool = True,
                     opacity: float = 1.0, lighting: bool = True, max_cells: int = 64, cutout: bool = False):
    """Drape an image over the rectangle ``bounds_local`` of the ground; returns the actor.
    ``interpolate=False`` shows raster cells as sharp squares (classified data); ``cutout``: an
    opaque layer whose texels below half alpha are not drawn (module docstring)."""
    mesh = ground_patch(ground, bounds_local, max_cells)
    return add_textured(plotter, mesh, rgba, name, rank, interpolate, opacity, lighting, cutout)


def add_textured(plotter, mesh, rgba: np.ndarray, name: str, rank: int, interpolate: bool = True,
                 opacity: float = 1.0, lighting: bool = True, cutout: bool = False):
    """Add a patch (with texture coordinates) textured by ``rgba`` at stack level ``rank``: opaque
    for RGB or fully opaque RGBA, a cut-out (``cutout``), or translucent by its alpha."""
    partial = rgba.shape[2] == 4 and bool((rgba[:, :, 3] < 255).any())
    tex = image_texture(rgba if partial else rgba[:, :, :3], interpolate=interpolate)
    actor = plotter.add_mesh(mesh, texture=tex, name=name, opacity=opacity, pickable=False, reset_camera=False,
                             render=False, lighting=lighting, ambient=0.4 if lighting else 1.0,
                             diffuse=0.6 if lighting else 0.0, specular=0.0)
    if cutout and partial:
        actor.ForceOpaqueOn()
        actor.GetShaderProperty().AddFragmentShaderReplacement("//VTK::TCoord::Impl", True, _CUTOUT_IMPL, False)
    elif partial:
        actor.GetProperty().SetOpacity(min(opacity, 0.9999))  # translucent pass: alpha of the texels counts
    set_stack_rank(actor, rank)
    return actor


# ====================================================================== colour ramps
def colour_ramp(values: np.ndarray, cmap: str = "viridis", clim=None, below=None, alpha: float = 1.0,
                lut_size: int = 256) -> tuple[np.ndarray, tuple[float, float]]:
    """(h, w, 4) uint8 RGBA of a band through the matplotlib colour map ``cmap`` over ``clim``
    (default: the finite range); NaN cells, and cells below ``below`` when given, are fully
    transparent. Returns the image and the clim used."""
    v = np.asarray(values, dtype=float)
    show = np.isfinite(v)
    if below is not None:
        show &= v >= below
    finite = v[show]
    if clim is None:
        clim = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if clim[1] <= clim[0]:
            clim = (clim[0], clim[0] + 1.0)
    lut = (np.asarray(ramp_colours(cmap, lut_size)) * 255).round().astype(np.uint8)
    k = np.clip(((np.nan_to_num(v) - clim[0]) / (clim[1] - clim[0]) * (lut_size - 1)).round(), 0,
                lut_size - 1).astype(np.int64)
    out = np.zeros(v.shape + (4,), dtype=np.uint8)
    out[..., :3] = lut[k, :3]
    out[..., 3] = np.where(show, int(round(alpha * 255)), 0)
    return out, (float(clim[0]), float(clim[1]))


#: flood depth: the upper 65 % of matplotlib's "Blues" (shallow water light blue, never white)
FLOOD_CMAP = "flood"


def ramp_colours(cmap: str, n: int = 256) -> np.ndarray:
    """(n, 4) float RGBA 0..1 of a colour map name (matplotlib's, or :data:`FLOOD_CMAP`)."""
    from matplotlib import colormaps

    if cmap == FLOOD_CMAP:
        return colormaps["Blues"](np.linspace(0.35, 1.0, n))
    try:
        return colormaps[cmap](np.linspace(0.0, 1.0, n))
    except KeyError:
        raise ValueError(f"unknown colour ramp {cmap!r} (any matplotlib colour map, e.g. viridis, "
                         f"terrain, magma, Blues)") from None
