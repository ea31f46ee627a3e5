"""Off-screen rendering of a scene to PNG (no display needed: VTK falls back to EGL).

``render_scene`` is what ``main.py render`` and the no-display fallback of ``make run`` call.
"""
from __future__ import annotations

import os

import numpy as np

from stadtbild.model.scene import Scene


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


#: the default lights: a key light (the sun) and a fill light from the opposite side, 0.6 up
KEY_INTENSITY = 0.85
FILL_INTENSITY = 0.35
DEFAULT_SUN_AZIMUTH_DEG = 225.0  # south-west
DEFAULT_SUN_ELEVATION_DEG = 45.0
#: surface material of the city meshes (Phong coefficients as given to add_mesh)
MESH_AMBIENT = 0.25
MESH_DIFFUSE = 0.75


def default_lights(sun_direction=None) -> list[tuple[np.ndarray, float]]:
    """(unit direction towards the light, intensity) of the key and the fill light for a sun in
    ``sun_direction`` (unit vector towards the sun; default: south-west at 45° elevation)."""
    if sun_direction is None:
        el, az = np.radians(DEFAULT_SUN_ELEVATION_DEG), np.radians(DEFAULT_SUN_AZIMUTH_DEG)
        sun_direction = (np.sin(az) * np.cos(el), np.cos(az) * np.cos(el), np.sin(el))
    d = np.asarray(sun_direction, dtype=float)
    d = d / (np.linalg.norm(d) or 1.0)
    fill = np.array([-d[0], -d[1], 0.6])
    return [(d, KEY_INTENSITY), (fill / np.linalg.norm(fill), FILL_INTENSITY)]


def add_default_lights(plotter, sun_direction=None) -> None:
    """A sun-like key light (from ``sun_direction``, a unit vector towards the sun, default from
    the south-west at 45° elevation) plus a soft fill light and ambient, so walls facing away
    from the sun stay readable."""
    add_lights(plotter, default_lights(sun_direction))


def add_lights(plotter, lights) -> None:
    """Add directional scene lights [(unit direction towards the light, intensity)]."""
    import pyvista as pv

    for direction, intensity in lights:
        light = pv.Light(light_type="scene light", intensity=float(intensity))
        light.positional = False
        light.position = tuple(np.asarray(direction, float) * 1000.0)
        light.focal_point = (0.0, 0.0, 0.0)
        plotter.add_light(light)


def lit_rgb(rgb, normal, sun_direction=None, ambient: float = MESH_AMBIENT,
            diffuse: float = MESH_DIFFUSE) -> tuple[int, int, int]:
    """The colour a surface of colour ``rgb`` facing ``normal`` shows under the default lights
    (:func:`default_lights`): VTK's Phong model without the (small) specular term,
    c · (ambient + diffuse · Σ intensity · max(0, n·l)). Legends use it so that their swatches are
    the colours drawn, not the unlit material colours."""
    n = np.asarray(normal, float)
    n = n / (np.linalg.norm(n) or 1.0)
    k = ambient + diffuse * sum(i * max(0.0, float(n @ d)) for d, i in default_lights(sun_direction))
    return tuple(int(v) for v in np.clip(np.round(np.asarray(rgb, float) * k), 0, 255))


def save_png(plotter, out_path) -> str:
    """Screenshot of ``plotter`` written to ``out_path`` via a temp file and a rename, so a
    failed render never leaves a half-written image under the user's name."""
    tmp = f"{out_path}.tmp.png"
    plotter.screenshot(tmp)
    os.replace(tmp, out_path)
    return str(out_path)


def add_captions(plotter, scene, size, title: str | None = None, subtitle: str | None = None,
                 credit: str | None = None) -> None:
    """The texts of an off-screen picture, each in one place: ``title`` upper left, ``subtitle``
    (what the picture shows: sun position, figures) lower left, the ``credit`` and the CRS name of
    ``scene`` lower right (credit above the CRS). Font sizes follow the picture height ``size[1]``
    (title h/60 px, the others half of it, at least 10 and 8)."""
    font = max(10, int(size[1] / 60))
    small = max(8, font // 2)
    if title:
        plotter.add_text(title, position="upper_left", font_size=font, color="black")
    if subtitle:
        plotter.add_text(subtitle, position="lower_left", font_size=small, color="black")
    crs = getattr(getattr(scene, "crs", None), "name", None)
    corner = "\n".join(t for t in (credit, crs) if t)
    if corner:
        plotter.add_text(corner, position="lower_right", font_size=small, color="black")


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
        add_captions(plotter, scene, size, title, credit=credit)
        plotter.enable_anti_aliasing("ssaa") if max(size) <= 4096 else None
        save_png(plotter, out_path)
    finally:
        plotter.close()
    return str(out_path)
