"""Textures and material colours of a city model's surfaces (CityJSON ``appearance``, CityGML
``app:`` ParameterizedTexture / GeoreferencedTexture / X3DMaterial), as plain arrays.

One theme is held at a time (CityGML and CityJSON allow several, e.g. "Summer" / "Winter"):

    images          [TextureImage]: the image files, resolved next to the model (``path`` None when
                    the file is missing)
    polygon_image   (P,) int32 image of every model polygon, -1 = not textured
    ring_uv         (V, 2) float32 texture coordinate of every ring vertex (aligned with
                    ``CityModel.ring_vertices``), NaN where the polygon is not textured
    polygon_rgb     (P, 3) float32 diffuse material colour 0..1 per polygon, NaN = none

A ``CityModel`` carries it as ``model.textures`` (None without appearance). The arrays follow the
model's polygon rows; a model whose polygons changed since (scenario edits, merges) no longer
matches them, and :func:`scene_texture_coordinates` then reports nothing textured.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: wrap modes of CityGML 2.0 (app:WrapModeType) and CityJSON textures
WRAP_MODES = ("none", "wrap", "mirror", "clamp", "border")


@dataclass
class TextureImage:
    """One texture image: ``uri`` as written in the model, ``path`` the file found next to the
    model (None: missing), ``wrap`` one of :data:`WRAP_MODES`, ``border_rgba`` 0..1 for "border"."""

    uri: str
    path: str | None = None
    wrap: str = "none"
    border_rgba: tuple | None = None


@dataclass(eq=False)
class Textures:
    """Textures of one theme of a model (see module docstring)."""

    images: list
    polygon_image: np.ndarray
    ring_uv: np.ndarray
    polygon_rgb: np.ndarray | None = None
    theme: str | None = None
    themes: list = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        """URIs of the images that are referenced but not present next to the model."""
        return [im.uri for im in self.images if im.path is None]

    def missing_note(self) -> str | None:
        """One line on the referenced images that are not next to the model (None when all are
        there), said where textures are drawn (render, the window), not on every load: an analysis
        does not need them."""
        missing = self.missing
        if not missing:
            return None
        return (f"{len(missing)} of {len(self.images)} texture images are missing next to the model "
                f"(e.g. {missing[0]}); those surfaces keep their colours")

    def summary(self) -> dict:
        """What ``info`` reports (JSON-ready)."""
        used = np.unique(self.polygon_image[self.polygon_image >= 0])
        return {"theme": self.theme, "themes": list(self.themes), "images": len(self.images),
                "images_used": int(len(used)), "missing_images": len(self.missing),
                "textured_polygons": int((self.polygon_image >= 0).sum()),
                "material_polygons": int(np.isfinite(self.polygon_rgb[:, 0]).sum()) if self.polygon_rgb is not None
                else 0}

    def matches(self, model) -> bool:
        """True while the arrays still follow ``model``'s polygons and rings."""
        return len(self.polygon_image) == model.n_polygons and len(self.ring_uv) == len(model.ring_vertices)


def empty_textures(model, theme=None, themes=()) -> Textures:
    """A :class:`Textures` of ``model`` with nothing textured yet (importers fill it in)."""
    return Textures(images=[], polygon_image=np.full(model.n_polygons, -1, np.int32),
                    ring_uv=np.full((len(model.ring_vertices), 2), np.nan, np.float32),
                    polygon_rgb=np.full((model.n_polygons, 3), np.nan, np.float32), theme=theme,
                    themes=list(themes))


def corner_ring_positions(model, triangles: np.ndarray, polygons: np.ndarray) -> np.ndarray:
    """(m, 3) position in ``model.ring_vertices`` of each corner of triangles (m, 3) (vertex
    indices of the model) of model polygons ``polygons`` (m,): the ring vertex of that polygon
    holding that vertex (-1 if none). Vectorised with one sort of (polygon, vertex) keys."""
    ring_len = np.diff(model.ring_offsets)
    poly_of_ring = np.repeat(np.arange(model.n_polygons, dtype=np.int64), np.diff(model.polygon_offsets))
    poly_of_pos = np.repeat(poly_of_ring, ring_len)
    nv = max(int(model.ring_vertices.max(initial=0)) + 1, 1)
    keys = poly_of_pos * nv + model.ring_vertices
    order = np.argsort(keys, kind="stable")
    skeys = keys[order]
    want = (np.asarray(polygons, np.int64)[:, None] * nv + np.asarray(triangles, np.int64)).ravel()
    at = np.clip(np.searchsorted(skeys, want), 0, max(len(skeys) - 1, 0))
    found = len(skeys) > 0
    out = np.where(found & (skeys[at] == want), order[at], -1) if found else np.full(len(want), -1)
    return out.reshape(-1, 3)


def scene_texture_coordinates(model, scene) -> tuple[np.ndarray, np.ndarray]:
    """Per triangle of ``scene`` (built from ``model``): the texture image index (m,) (-1 = none)
    and the (m, 3, 2) float32 texture coordinates of its corners (NaN = none). Triangles whose
    corners lack coordinates are reported untextured."""
    tex = getattr(model, "textures", None)
    m = scene.n_triangles
    none = (np.full(m, -1, np.int32), np.full((m, 3, 2), np.nan, np.float32))
    model_polygon = getattr(scene, "model_polygon", None)
    if tex is None or model_polygon is None or not tex.matches(model) or m == 0:
        return none
    ok = scene.polygon_index >= 0
    poly = np.full(m, -1, np.int64)
    poly[ok] = np.asarray(model_polygon)[scene.polygon_index[ok]]
    image = np.where(poly >= 0, tex.polygon_image[np.maximum(poly, 0)], -1).astype(np.int32)
    sel = np.flatnonzero(image >= 0)
    uv = none[1]
    if not len(sel):
        return image, uv
    model_vertex = getattr(scene, "model_vertex", None)
    if model_vertex is None:
        return none
    vid = np.asarray(model_vertex)[scene.triangles[sel]]
    pos = corner_ring_positions(model, vid, poly[sel])
    got = np.where(pos[..., None] >= 0, tex.ring_uv[np.maximum(pos, 0)], np.nan)
    uv[sel] = got
    bad = ~np.isfinite(uv[sel]).all(axis=(1, 2))
    image[sel[bad]] = -1
    return image, uv
