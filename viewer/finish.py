"""Depth and finish of the picture: anti-aliasing, ambient occlusion or eye-dome lighting, a sky
gradient and horizon fog — one :class:`Finish` per view, the same in the window, presentation mode,
``render`` stills and videos.

* Anti-aliasing: ``ssaa`` supersamples — off-screen stills and videos are rendered at
  :func:`supersampling` × the size and reduced with a box filter (each output pixel the mean of
  k×k samples), the one method that works off-screen with Mesa (EGL/OSMesa: multisampled
  framebuffers are not used and VTK's FXAA shader draws black, measured); in a window it is VTK's
  vtkSSAAPass. ``fxaa`` (Lottes 2009, VTK's vtkOpenGLFXAAFilter) and ``msaa`` (4 samples) are for
  windows on a GPU; on software OpenGL they fall back to ``none``.
* ``ssao``: VTK's screen-space ambient occlusion pass (Bavoil & Sainz 2008, hemisphere kernel),
  with a radius in metres scaled to the scene; ``edl``: eye-dome lighting (Boucheny 2009), which
  outlines depth edges (best for point clouds and massing models).
* Sky: a vertical gradient from the haze colour at the horizon to blue at the zenith.
* Fog: every actor's fragment colour is mixed with the haze colour by eye-space depth
  (``1/gl_FragCoord.w`` = −z of the view frame in perspective), from :attr:`Finish.fog_start`
  to :attr:`Finish.fog_end` times the distance to the focal point, at most :data:`FOG_MAX` —
  a linear fog (OpenGL 1.x ``GL_LINEAR`` fog) done as a VTK shader replacement, so it works in
  every render pass; parallel projections (top views) have no fog. The ground then reaches to a
  horizon (:func:`horizon_ground`) that fades into the sky.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

ANTI_ALIAS = ("none", "ssaa", "fxaa", "msaa")
OCCLUSION = ("none", "ssao", "edl")
#: haze at the horizon (also the fog colour) and blue at the zenith
HORIZON_RGB = (0.80, 0.86, 0.92)
ZENITH_RGB = (0.33, 0.53, 0.82)
FOG_MAX = 0.85
#: near/far ratio of the clipping range with the horizon disc (VTK default 0.001; 24-bit depth)
NEAR_TOLERANCE = 2e-4
#: larger frames than this many pixels per side are not supersampled (memory: k² × the frame)
SSAA_MAX_SIDE = 4096
#: off-screen supersampling factor per side
SSAA_FACTOR = 2


def supersampling(finish: "Finish", size) -> int:
    """Samples per pixel side for an off-screen frame of ``size`` with ``finish``: 2 for ``ssaa``
    up to :data:`SSAA_MAX_SIDE` pixels per side (a 4K still renders at 8K), else 1 (an 8K frame's
    pixels are too small to show stairs on a projector)."""
    if finish.anti_alias == "ssaa" and max(int(size[0]), int(size[1])) <= SSAA_MAX_SIDE:
        return SSAA_FACTOR
    return 1

_FOG_IMPL = """//VTK::Light::Impl
  if (fogEnabled > 0.5 && gl_FragCoord.w > 0.0) {
    float fogDepth = 1.0 / gl_FragCoord.w;
    float fogF = clamp((fogDepth - fogStart) / max(fogEnd - fogStart, 1e-3), 0.0, 1.0) * fogMax;
    gl_FragData[0].rgb = mix(gl_FragData[0].rgb, fogColor, fogF);
  }
"""


@dataclass
class Finish:
    """How a view is finished (see module docstring). ``fog_start``/``fog_end``: multiples of the
    camera's distance to its focal point where fog begins / is at :data:`FOG_MAX`."""

    anti_alias: str = "ssaa"
    occlusion: str = "ssao"
    sky: bool = True
    fog: bool = True
    fog_start: float = 1.3
    fog_end: float = 4.0

    def __post_init__(self) -> None:
        if self.anti_alias not in ANTI_ALIAS:
            raise ValueError(f"unknown anti-aliasing {self.anti_alias!r} (choose from {', '.join(ANTI_ALIAS)})")
        if self.occlusion not in OCCLUSION:
            raise ValueError(f"unknown ambient occlusion {self.occlusion!r} (choose from {', '.join(OCCLUSION)})")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data) -> "Finish":
        data = dict(data or {})
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


#: presets: a council picture (default of stills), an interactive window on software OpenGL, bare
PRESETS = {
    "presentation": Finish(),
    "interactive": Finish(anti_alias="none", occlusion="none", sky=True, fog=True),
    "plain": Finish(anti_alias="none", occlusion="none", sky=False, fog=False),
}


def parse_finish(text: str | None, default: str = "presentation") -> Finish:
    """``--finish`` of the CLI: comma-separated words, optionally starting with a preset name
    (default ``default``) that the others modify: ``ssaa|fxaa|msaa|noaa``, ``ssao|edl|noao``,
    ``sky|nosky``, ``fog|nofog`` (e.g. ``plain,ssaa`` or ``presentation,edl,nofog``)."""
    words = [w.strip() for w in (text or "").lower().split(",") if w.strip()]
    if words and words[0] in PRESETS:
        default = words.pop(0)
    base = Finish(**asdict(PRESETS[default]))
    for word in words:
        if word in ("ssaa", "fxaa", "msaa"):
            base.anti_alias = word
        elif word in ("noaa", "no-aa"):
            base.anti_alias = "none"
        elif word in ("ssao", "edl"):
            base.occlusion = word
        elif word in ("noao", "no-ao"):
            base.occlusion = "none"
        elif word in ("sky", "nosky", "no-sky"):
            base.sky = word == "sky"
        elif word in ("fog", "nofog", "no-fog"):
            base.fog = word == "fog"
        else:
            raise ValueError(f"unknown finish {word!r} (presets {', '.join(PRESETS)}; or ssaa, fxaa, msaa, noaa, "
                             f"ssao, edl, noao, sky, nosky, fog, nofog)")
    return base


def set_background(plotter, finish: Finish) -> None:
    """The sky gradient with ``finish.sky``; otherwise the plotter keeps its own background."""
    if finish.sky:
        plotter.set_background(HORIZON_RGB, top=ZENITH_RGB)


class FogUpdater:
    """Keeps the fog uniforms of every actor of a renderer in step with the camera (an observer
    on the renderer's StartEvent, so it also follows interactive orbiting)."""

    def __init__(self, renderer, finish: Finish):
        self.renderer = renderer
        self.finish = finish
        self._seen: set = set()
        self._tag = renderer.AddObserver("StartEvent", self._update)

    def _update(self, *_args) -> None:
        ren = self.renderer
        cam = ren.GetActiveCamera()
        enabled = 1.0 if self.finish.fog and not cam.GetParallelProjection() else 0.0
        dist = float(cam.GetDistance())
        start, end = self.finish.fog_start * dist, self.finish.fog_end * dist
        actors = ren.GetActors()
        actors.InitTraversal()
        for _ in range(actors.GetNumberOfItems()):
            actor = actors.GetNextActor()
            if actor is None:
                break
            sp = actor.GetShaderProperty()
            key = id(sp)
            if key not in self._seen:
                sp.AddFragmentShaderReplacement("//VTK::Light::Impl", True, _FOG_IMPL, False)
                self._seen.add(key)
            u = sp.GetFragmentCustomUniforms()
            u.SetUniformf("fogEnabled", enabled)
            u.SetUniformf("fogStart", start)
            u.SetUniformf("fogEnd", end)
            u.SetUniformf("fogMax", FOG_MAX)
            u.SetUniform3f("fogColor", list(HORIZON_RGB))

    def remove(self) -> None:
        self.renderer.RemoveObserver(self._tag)
        self.finish = Finish(**{**asdict(self.finish), "fog": False})
        self._update()


def apply_finish(plotter, finish: Finish, scene_size_m: float, size=None, software_gl: bool = True,
                 offscreen_supersample: int = 0) -> dict:
    """Set up ``plotter`` for ``finish``: background, fog observer, AA and AO passes.
    ``scene_size_m``: the model's horizontal extent (SSAO radius). ``offscreen_supersample``: the
    caller renders at that factor and reduces (``ssaa`` of stills, :func:`supersampling`).
    Returns what was applied (``{"anti_alias": …, "occlusion": …}``: an unavailable AA falls
    back, see module docstring)."""
    set_background(plotter, finish)
    applied = {"anti_alias": "none", "occlusion": "none", "sky": finish.sky, "fog": finish.fog}
    old = getattr(plotter, "_stadtbild_fog", None)
    if old is not None:
        old.remove()
    plotter._stadtbild_fog = FogUpdater(plotter.renderer, finish) if finish.fog else None
    if finish.sky:  # the horizon disc reaches kilometres: keep the near plane close
        plotter.renderer.SetNearClippingPlaneTolerance(NEAR_TOLERANCE)
    if finish.occlusion == "ssao":
        # a street canyon's contact shadow; the bias keeps the far ground free of depth-quantisation stripes
        radius = float(np.clip(scene_size_m * 0.01, 1.5, 5.0))
        plotter.enable_ssao(radius=radius, bias=0.5 * radius, kernel_size=64, blur=True)
        applied["occlusion"] = "ssao"
    elif finish.occlusion == "edl":
        plotter.enable_eye_dome_lighting()
        applied["occlusion"] = "edl"
    w, h = size or plotter.window_size
    if offscreen_supersample > 1:
        applied["anti_alias"] = f"ssaa {offscreen_supersample}×{offscreen_supersample}"
    elif offscreen_supersample:
        pass
    elif finish.anti_alias == "ssaa" and max(w, h) <= SSAA_MAX_SIDE:
        plotter.enable_anti_aliasing("ssaa")
        applied["anti_alias"] = "ssaa"
    elif finish.anti_alias == "fxaa" and not software_gl:
        plotter.renderer.SetUseFXAA(True)
        applied["anti_alias"] = "fxaa"
    elif finish.anti_alias == "msaa" and not software_gl:
        plotter.ren_win.SetMultiSamples(4)
        applied["anti_alias"] = "msaa"
    return applied


def horizon_ground(centre_xy, z: float, radius_m: float, rgb=(0.86, 0.87, 0.82)):
    """A disc of the ground plane (local frame) of ``radius_m`` around ``centre_xy`` at height
    ``z``: with fog it reaches the horizon and fades into the sky."""
    import pyvista as pv

    disc = pv.Disc(center=(float(centre_xy[0]), float(centre_xy[1]), float(z)), inner=0.0, outer=float(radius_m),
                   normal=(0, 0, 1), r_res=1, c_res=96)
    return disc, {"color": rgb, "pickable": False, "ambient": 0.4, "diffuse": 0.6, "specular": 0.0}
