"""Sunlight in the picture: one directional light from the sun of a local date and time, and the
*computed* instant shadow on the ground, the roofs and the facades.

The sun direction comes from NREL SPA (:mod:`analysis.sun`, the model's site and time zone); the
shadows from the shadow analysis' rays (:class:`analysis.raycast.RayCaster` with ground-cover
objects switched off, as in :func:`analysis.shadow.shadow_at`):

* the ground: the cells of the analysis' ground grid (:class:`analysis.shadow.GroundGrid`, grown
  around the buildings by the shadow length at 12° sun elevation), drawn as a black texture whose
  alpha ``1 − s`` darkens a shadowed cell to what the ground gets without the sun (``s`` the
  ground's shade factor, :func:`shade_factor`), over the plain ground or the orthophoto alike;
* roofs and facades: one sample per light-map texel (:mod:`viewer.lightmap`), traced exactly as
  the analysis traces its facade samples (:func:`analysis.shadow.surface_shadow`: a surface facing
  away from the sun is in its own shadow, the others cast a ray from 1 cm off the surface).

VTK's shadow-map pass is not the reference (see :mod:`viewer.sun_animation`): the computed
shadows agree with ``main.py shadow --surfaces`` by construction.

Lights (:func:`sun_lights`): the sun as the viewer's key light, its fill light
from the opposite side (the bright sky and ground bounce there) and a sky light from above that
fades as the sun climbs, so low-sun pictures stay readable. A sun below the horizon leaves fill
and sky light only.
"""
from __future__ import annotations

import time

import numpy as np

from .render import MESH_AMBIENT, MESH_DIFFUSE, default_lights

#: the light from the sky above, fading as the sun climbs (keeps low-sun pictures readable)
SKY_INTENSITY = 0.3
#: Phong coefficients (ambient, diffuse) of the city meshes and of the ground (as the viewer adds them)
MESH_MATERIAL = (MESH_AMBIENT, MESH_DIFFUSE)
GROUND_MATERIAL = (0.4, 0.6)
#: at most this many light-map texels (interactive: ~0.5 m texels on the demo district)
DEFAULT_MAX_TEXELS = 3_000_000


def sun_lights(sun_direction) -> list[tuple[np.ndarray, float]]:
    """[(unit direction towards the light, intensity)] of the sun (the viewer's key light,
    :func:`viewer.render.default_lights`), its fill light and the sky light for a sun in
    ``sun_direction`` (unit vector towards the sun, x east, y north, z up); the sun's entry is
    first (intensity 0 below the horizon)."""
    d = np.asarray(sun_direction, dtype=float)
    d = d / (np.linalg.norm(d) or 1.0)
    (key, key_i), fill = default_lights(d)
    return [(key, key_i if d[2] > 0 else 0.0), fill,
            (np.array([0.0, 0.0, 1.0]), SKY_INTENSITY * (1.0 - float(max(d[2], 0.0))))]


def set_sun(plotter, sun_direction) -> None:
    """Replace the plotter's lights by :func:`sun_lights` (VTK scene lights, directional)."""
    from .render import add_lights

    plotter.remove_all_lights()
    add_lights(plotter, sun_lights(sun_direction))


def shade_factor(normals, sun_direction, material=MESH_MATERIAL) -> np.ndarray:
    """(n,) ratio of the light a surface with unit ``normals`` (n, 3) receives under
    :func:`sun_lights` *without* the sun's direct light to the light it receives *with* it
    (VTK's Phong model, ambient + diffuse, two-sided: a back face is lit like its front):
    multiplying a lit pixel by it gives the pixel in shadow."""
    n = np.asarray(normals, dtype=float).reshape(-1, 3)
    ambient, diffuse = material
    lights = sun_lights(sun_direction)
    terms = [intensity * np.maximum(n @ d, 0.0) for d, intensity in lights]
    without = ambient + diffuse * sum(terms[1:])
    with_sun = without + diffuse * terms[0]
    return np.where(with_sun > 0, without / np.maximum(with_sun, 1e-12), 1.0)


class SunShading:
    """Computed shadows of one scene for any sun direction: a light map of its roofs and
    facades (:mod:`viewer.lightmap`) and the analysis' ground grid.

    ``scene`` is what is drawn (its triangles get the light map); ``occluders`` the scene the rays
    see, in the same local frame (default ``scene``; with a DEM the analysis scene, model plus
    terrain: :func:`model.ground.analysis_scene`). ``max_texels`` bounds the light map (texel
    size follows); ``cell_m`` is the ground grid's cell size (coarser for big models, see
    :class:`viewer.sun_animation.SunShadows`)."""

    def __init__(self, scene, occluders=None, cell_m: float = 1.0, site=None, tz: str | None = None,
                 max_texels: int = DEFAULT_MAX_TEXELS):
        from stadtbild.model.semantics import CLOSURE, GROUND, TERRAIN

        from .lightmap import layout
        from .sun_animation import SunShadows

        t0 = time.perf_counter()
        self.scene = scene
        occluders = scene if occluders is None else occluders
        if not np.allclose(occluders.origin, scene.origin):
            raise ValueError("the occluder scene must share the drawn scene's local frame")
        self.ground_shadows = SunShadows(occluders, cell_m=cell_m, site=site, tz=tz)
        self.site = self.ground_shadows.site
        self.rc = self.ground_shadows.rc  # ground cover switched off, as in the analysis
        surfaces = np.flatnonzero(~np.isin(scene.surface_type, [GROUND, CLOSURE, TERRAIN])
                                  & (scene.triangle_areas > 1e-8))
        self.atlas = layout(scene.corners, surfaces, max_texels=max_texels)
        self.normals = scene.face_normals[self.atlas.triangles]
        self._points = None
        self.setup_s = time.perf_counter() - t0
        self.last_s = None

    @property
    def grid(self):
        return self.ground_shadows.grid

    def positions(self, times):
        return self.ground_shadows.positions(times)

    def texel_points(self) -> np.ndarray:
        if self._points is None:
            self._points = self.atlas.points(self.scene.corners)
        return self._points

    def surface_shadow(self, direction) -> np.ndarray:
        """(texels,) bool: light-map texels in shadow for a sun in ``direction``."""
        from stadtbild.analysis.shadow import surface_shadow

        tri_normals = self.normals[self.atlas.texel_tri]
        return surface_shadow(self.rc, self.texel_points(), tri_normals, direction)

    def lightmap(self, direction, shadow=None) -> np.ndarray:
        """(h, w) uint8 light-map image: 255 where the sun shines, 255·shade factor in shadow."""
        shadow = self.surface_shadow(direction) if shadow is None else shadow
        factor = shade_factor(self.normals, direction)[self.atlas.texel_tri]
        values = np.where(shadow, np.round(255.0 * factor), 255.0).astype(np.uint8)
        return self.atlas.image(values)

    def ground_rgba(self, direction, shadow=None) -> np.ndarray:
        """(ny, nx, 4) uint8: black with alpha 1 − shade factor on shadowed ground cells of the
        analysis grid (transparent elsewhere), row 0 = north."""
        from stadtbild.model.ground import ground_for

        g = self.grid
        shadow = self.ground_shadows.shadow(direction) if shadow is None else shadow
        if g.lift_m > 0.02:  # terrain / ground cover: the slope of each cell counts
            x, y = g.centres_local()
            normals = ground_for(self.rc.scene).normals(np.stack([x, y], axis=-1)).reshape(-1, 3)
        else:
            normals = np.array([[0.0, 0.0, 1.0]])
        s = shade_factor(normals, direction, GROUND_MATERIAL).reshape(-1)
        alpha = np.broadcast_to(np.round(255.0 * (1.0 - s)), g.nx * g.ny).reshape(g.shape)
        out = np.zeros(g.shape + (4,), dtype=np.uint8)
        out[..., 3] = np.where(shadow, alpha, 0).astype(np.uint8)
        return out

    def ground_bounds_local(self) -> tuple:
        g = self.grid
        return (g.x0, g.y_top - g.ny * g.cell_m, g.x0 + g.nx * g.cell_m, g.y_top)

    def compute(self, direction) -> dict:
        """Both shadow images for one sun direction (and timings)."""
        t0 = time.perf_counter()
        surf = self.surface_shadow(direction)
        t1 = time.perf_counter()
        ground = self.ground_shadows.shadow(direction)
        t2 = time.perf_counter()
        out = {"lightmap": self.lightmap(direction, surf), "ground": self.ground_rgba(direction, ground),
               "surface_shadow": surf, "ground_shadow": ground, "surface_s": t1 - t0, "ground_s": t2 - t1}
        self.last_s = time.perf_counter() - t0
        return out
