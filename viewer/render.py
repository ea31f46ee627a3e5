"""Off-screen rendering of a scene to PNG (no display needed: VTK falls back to EGL).

``render_scene`` is what ``main.py render`` and the no-display fallback of ``make run`` call.
"""
from __future__ import annotations

import os

import numpy as np

from model.scene import Scene


def prepare_offscreen() -> None:
    """Configure VTK for off-screen rendering when there is no X display (EGL, no warning).

    Every off-screen plotter passes ``off_screen=True`` itself: pyvista's global ``OFF_SCREEN``
    stays untouched, because it is also the default of the desktop's on-screen views
    (pyvistaqt.QtInteractor), which would then draw into an invisible buffer and leave the window
    black after the first exported picture."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")


def make_plotter(size=(1920, 1080)):
    prepare_offscreen()
    import pyvista as pv

    plotter = pv.Plotter(off_screen=True, window_size=list(size), lighting="none")
    plotter.set_background((0.78, 0.86, 0.95), top=(0.35, 0.55, 0.85))
    add_default_lights(plotter)
    return plotter


def add_default_lights(plotter, sun_direction=None) -> None:
    """A sun-like key light (from ``sun_direction``, a unit vector towards the sun, default from
    the south-west at 45° elevation) plus a soft fill light and ambient, so walls facing away
    from the sun stay readable."""
    import pyvista as pv

    if sun_direction is None:
        el, az = np.radians(45.0), np.radians(225.0)
        sun_direction = (np.sin(az) * np.cos(el), np.cos(az) * np.cos(el), np.sin(el))
    d = np.asarray(sun_direction, dtype=float)
    d = d / (np.linalg.norm(d) or 1.0)
    key = pv.Light(light_type="scene light", intensity=0.85)
    key.positional = False
    key.position = tuple(d * 1000.0)
    key.focal_point = (0.0, 0.0, 0.0)
    fill = pv.Light(light_type="scene light", intensity=0.35)
    fill.positional = False
    fill.position = tuple(np.array([-d[0], -d[1], 0.6]) * 1000.0)
    fill.focal_point = (0.0, 0.0, 0.0)
    plotter.add_light(key)
    plotter.add_light(fill)


def save_png(plotter, out_path) -> str:
    """Screenshot of ``plotter`` written to ``out_path`` via a temp file and a rename, so a
    failed render never leaves a half-written image under the user's name."""
    tmp = f"{out_path}.tmp.png"
    plotter.screenshot(tmp)
    os.replace(tmp, out_path)
    return str(out_path)


def render_scene(scene: Scene, out_path, size=(1920, 1080), view: str = "iso", colour_mode: str = "auto",
                 title: str | None = None, credit: str | None = None) -> str:
    """Render ``scene`` off-screen to a PNG at ``out_path``; returns the path."""
    from .camera import apply_view
    from .scene_view import add_scene

    if scene.n_triangles == 0:
        raise ValueError("nothing to render: the model has no surface geometry")
    plotter = make_plotter(size)
    try:
        add_scene(plotter, scene, colour_mode=colour_mode)
        apply_view(plotter, scene.bounds, view)
        font = max(10, int(size[1] / 60))
        if title:
            plotter.add_text(title, position="upper_left", font_size=font, color="black")
        if credit:
            plotter.add_text(credit, position="lower_right", font_size=max(8, font // 2), color="black")
        if scene.crs is not None and getattr(scene.crs, "name", None):
            plotter.add_text(scene.crs.name, position="lower_left", font_size=max(8, font // 2), color="black")
        plotter.enable_anti_aliasing("ssaa") if max(size) <= 4096 else None
        save_png(plotter, out_path)
    finally:
        plotter.close()
    return str(out_path)
