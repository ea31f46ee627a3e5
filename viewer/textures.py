"""The model's own textures and material colours in the 3D view (:mod:`model.appearance`).

Triangles whose polygon has a texture image that is present next to the model are drawn by one
actor per image: unshared vertices with the image's texture coordinates, white cell colours (the
texel is the colour; VTK's lighting multiplies it), the image as a VTK texture with the model's
wrap mode — ``wrap`` repeat, ``mirror`` mirrored repeat, ``clamp`` edge clamp, ``border`` the
border colour, ``none`` (CityGML: the texture once, the surface's own colour outside) clamped to a
border of the surfaces' semantic colour. With the sun's light map (:mod:`viewer.lightmap`) the actor carries it as a second,
modulating texture on its own coordinates (VTK multi-texturing). Every textured actor keeps the
cell data ``object_index`` / ``surface_type`` for picking.

Material colours (CityJSON ``materials``, CityGML ``X3DMaterial`` diffuse colours) replace the
semantic colours of their untextured triangles.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

#: texture images are scaled down to at most this many pixels per side on loading
MAX_IMAGE_PX = 4096


@lru_cache(maxsize=64)
def _image_array(path: str) -> np.ndarray | None:
    """RGB(A) uint8 pixels of an image file (row 0 at the top), at most :data:`MAX_IMAGE_PX` per
    side; None when unreadable."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            im = im.convert("RGBA" if "A" in im.getbands() else "RGB")
            if max(im.size) > MAX_IMAGE_PX:
                im.thumbnail((MAX_IMAGE_PX, MAX_IMAGE_PX))
            return np.asarray(im)
    except Exception:  # noqa: BLE001 — an unreadable image counts as missing
        return None


def vtk_texture(image, surface_rgb=(255, 255, 255)) -> object | None:
    """A vtkTexture of a :class:`model.appearance.TextureImage` with its wrap mode (None when the
    file is missing or unreadable); ``none`` shows ``surface_rgb`` (the surfaces' own colour,
    0..255) outside the image."""
    import pyvista as pv
    import vtk

    if image.path is None:
        return None
    arr = _image_array(image.path)
    if arr is None:
        return None
    tex = pv.Texture(np.ascontiguousarray(arr))
    tex.interpolate = True
    tex.SetMipmap(True)
    if image.wrap == "wrap":
        tex.SetWrap(vtk.vtkTexture.Repeat)
    elif image.wrap == "mirror":
        tex.SetWrap(vtk.vtkTexture.MirroredRepeat)
    elif image.wrap == "clamp":
        tex.SetWrap(vtk.vtkTexture.ClampToEdge)
    else:
        tex.SetWrap(vtk.vtkTexture.ClampToBorder)
        border = image.border_rgba if image.wrap == "border" and image.border_rgba else \
            tuple(np.asarray(surface_rgb, float)[:3] / 255.0) + (1.0,)
        tex.SetBorderColor(*(list(border) + [1.0] * (4 - len(border)))[:4])
    return tex


def texture_assignment(model, scene) -> tuple[np.ndarray, np.ndarray]:
    """Per scene triangle the image index it is drawn with (-1: none, or the image is missing)
    and its corners' texture coordinates (m, 3, 2)."""
    from stadtbild.model.appearance import scene_texture_coordinates

    image, uv = scene_texture_coordinates(model, scene)
    tex = getattr(model, "textures", None)
    if tex is not None and (image >= 0).any():
        present = np.array([im.path is not None and _image_array(im.path) is not None for im in tex.images] or [False])
        image = np.where(image >= 0, np.where(present[np.maximum(image, 0)], image, -1), -1).astype(np.int32)
    return image, uv


def material_colours(model, scene, rgb: np.ndarray) -> np.ndarray:
    """``rgb`` (m, 3) uint8 with the material colours of the scene's triangles put in."""
    tex = getattr(model, "textures", None)
    model_polygon = getattr(scene, "model_polygon", None)
    if tex is None or tex.polygon_rgb is None or model_polygon is None or not tex.matches(model):
        return rgb
    ok = scene.polygon_index >= 0
    col = np.full((scene.n_triangles, 3), np.nan, np.float32)
    col[ok] = tex.polygon_rgb[np.asarray(model_polygon)[scene.polygon_index[ok]]]
    has = np.isfinite(col).all(axis=1)
    out = rgb.copy()
    out[has] = np.clip(np.round(col[has] * 255), 0, 255).astype(np.uint8)
    return out


def textured_polydata(scene, triangles: np.ndarray, uv: np.ndarray, light_tcoords=None):
    """PolyData of scene ``triangles`` with unshared vertices, texture coordinates ``uv`` (k, 3, 2)
    as ``image_tc`` (and ``light_tc`` (k, 3, 2) for the light map), white cell colours and the
    picking cell data."""
    import pyvista as pv

    k = len(triangles)
    faces = np.c_[np.full(k, 3), np.arange(3 * k).reshape(k, 3)].ravel()
    mesh = pv.PolyData(scene.corners[triangles].reshape(-1, 3), faces)
    mesh.point_data["image_tc"] = np.asarray(uv, np.float32).reshape(-1, 2)
    mesh.point_data.active_texture_coordinates_name = "image_tc"
    if light_tcoords is not None:
        mesh.point_data["light_tc"] = np.asarray(light_tcoords, np.float32).reshape(-1, 2)
    mesh.cell_data["object_index"] = scene.object_index[triangles]
    mesh.cell_data["surface_type"] = scene.surface_type[triangles]
    mesh.cell_data["rgb"] = np.full((k, 3), 255, np.uint8)
    mesh.cell_data.active_scalars_name = "rgb"
    return mesh


def add_textured_actor(plotter, mesh, texture, name: str, lightmap=None, pickable: bool = True):
    """Add ``mesh`` (:func:`textured_polydata`) drawn with ``texture`` and, when given, the
    light-map texture as a second, modulating one on ``light_tc``. Returns the vtkActor."""
    import vtk

    mapper = vtk.vtkPolyDataMapper()
    mapper.SetInputData(mesh)
    mapper.SetScalarModeToUseCellFieldData()
    mapper.SelectColorArray("rgb")
    mapper.SetColorModeToDirectScalars()
    mapper.ScalarVisibilityOn()
    actor = vtk.vtkActor()
    actor.SetMapper(mapper)
    prop = actor.GetProperty()
    prop.SetAmbient(0.25)
    prop.SetDiffuse(0.75)
    prop.SetSpecular(0.0)
    prop.SetInterpolationToFlat()
    if lightmap is None:
        actor.SetTexture(texture)
    else:
        prop.SetTexture("image", texture)
        lightmap.SetBlendingMode(vtk.vtkTexture.VTK_TEXTURE_BLENDING_MODE_MODULATE)
        prop.SetTexture("lightmap", lightmap)
        mapper.MapDataArrayToMultiTextureAttribute("image", "image_tc", vtk.vtkDataObject.FIELD_ASSOCIATION_POINTS)
        mapper.MapDataArrayToMultiTextureAttribute("lightmap", "light_tc",
                                                   vtk.vtkDataObject.FIELD_ASSOCIATION_POINTS)
    actor.SetPickable(bool(pickable))
    plotter.add_actor(actor, name=name, reset_camera=False, render=False)
    return actor
