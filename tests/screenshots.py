"""What a person sees: screenshots of the GUI taken from the X screen, for every GUI test.

Qt's ``QWidget.grab()`` paints the widget tree into an image, but the 3D views are native child
windows that VTK draws into with OpenGL (GLX, Mesa llvmpipe under Xvfb): Qt's grab of them is
uninitialised memory, which is what the GUI tests used to save. :func:`capture` instead reads the
X server's own pixels of the area the window covers (``QScreen.grabWindow`` on the root window,
an ``XGetImage`` of the screen): the window with its frame from the window manager, its docks, the
3D views as drawn, and any dialog on top of it — exactly what a person at the screen sees.

The reading itself is :func:`app.screen_capture.grab_screen` (the app's ``gui --screenshot`` uses it
too): every VTK view inside the window renders its current frame, Qt flushes its painting, and the
screen is read until two reads agree (a frame still being drawn on a loaded machine differs from the
next one), so the picture is the settled frame.

:func:`noise_fraction` tells a real picture from uninitialised memory: in a rendered city, nearly
all neighbouring pixels are alike (they differ at edges only); in garbage most of them differ
wildly. :func:`assert_real_view` fails on such noise and on a blank (single-colour) view;
:func:`save_screenshot` applies it to the 3D views of every picture it writes, and
:func:`save_frame` to off-screen frames (presentation stills, video frames).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tests.conftest import ARTIFACTS

#: a neighbouring pixel pair differs "wildly" when a colour channel differs by more than this (0..255)
WILD_STEP = 48
#: share of wildly differing neighbours above which a tile of an image is noise, not a rendering.
#: Measured on the pictures the suite saved before the helper existed: rendered views reach at most
#: 0.25 in their busiest tile (a whole district at 320×180), uninitialised GL memory 0.5–1.0.
NOISE_LIMIT = 0.4
#: pure black pixels (an OpenGL surface nobody drew into) above this share: nothing was rendered;
#: rendered views have none (the background is a sky gradient, surfaces are lit)
BLACK_LIMIT = 0.2
#: one colour on more than this share of the pixels: a blank view
BLANK_LIMIT = 0.995
TILE_PX = 128


@dataclass
class Shot:
    """A screen capture: ``rgb`` (h, w, 3) uint8 of the screen rectangle whose top-left corner is
    ``origin`` (global screen pixels), and the device-pixel ratio of that screen."""

    rgb: np.ndarray
    origin: tuple[int, int]
    ratio: float = 1.0

    def rect_of(self, widget) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) pixel box of ``widget`` inside :attr:`rgb` (clipped to the image)."""
        from PySide6.QtCore import QPoint

        g = widget.mapToGlobal(QPoint(0, 0))
        r = self.ratio
        x0 = int(round((g.x() - self.origin[0]) * r))
        y0 = int(round((g.y() - self.origin[1]) * r))
        x1, y1 = x0 + int(round(widget.width() * r)), y0 + int(round(widget.height() * r))
        h, w = self.rgb.shape[:2]
        return max(0, x0), max(0, y0), min(w, x1), min(h, y1)

    def crop(self, widget) -> np.ndarray:
        """The pixels of ``widget`` as shown on the screen."""
        x0, y0, x1, y1 = self.rect_of(widget)
        return self.rgb[y0:y1, x0:x1]

    def pixel(self, widget, pos) -> np.ndarray:
        """RGB of the screen pixel at widget position ``pos`` (QPoint, widget pixels)."""
        x0, y0, _x1, _y1 = self.rect_of(widget)
        return self.rgb[y0 + int(round(pos.y() * self.ratio)), x0 + int(round(pos.x() * self.ratio))]

    def save(self, path) -> Path:
        """Write the capture as PNG (temp file + rename: never a half-written picture)."""
        from PIL import Image

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.png")
        Image.fromarray(np.ascontiguousarray(self.rgb)).save(tmp)
        os.replace(tmp, path)
        return path


# ------------------------------------------------------------------------------ reading the screen
def vtk_views(widget) -> list:
    """The visible 3D views inside ``widget``'s window."""
    from stadtbild.app.screen_capture import vtk_views as views

    return views(widget)


def capture(widget, frame: bool = True, timeout_s: float = 10.0) -> Shot:
    """The screen pixels of ``widget``'s top-level window (with the window manager's frame when
    ``frame``) after its 3D views rendered their current frame, read until two reads agree
    (:func:`app.screen_capture.grab_screen`)."""
    from PySide6.QtGui import QImage

    from stadtbild.app.screen_capture import grab_screen

    image, origin = grab_screen(widget, frame=frame, timeout_s=timeout_s)
    assert image.format() == QImage.Format.Format_RGB888
    w, h = image.width(), image.height()
    arr = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * h).reshape(h, image.bytesPerLine())
    rgb = arr[:, : w * 3].reshape(h, w, 3).copy()
    return Shot(rgb, origin, float(image.devicePixelRatio() or 1.0))


# ------------------------------------------------------------------------------ noise and blank views
def noise_fraction(rgb) -> float:
    """Share of horizontally and vertically neighbouring pixel pairs whose colours differ by more
    than :data:`WILD_STEP` in some channel (0 = smooth picture, ~1 = random noise)."""
    a = np.asarray(rgb, np.int16)
    if a.ndim == 2:
        a = a[:, :, None]
    if a.shape[0] < 2 or a.shape[1] < 2:
        return 0.0
    dx = np.abs(np.diff(a, axis=1)).max(axis=2) > WILD_STEP
    dy = np.abs(np.diff(a, axis=0)).max(axis=2) > WILD_STEP
    return float((dx.sum() + dy.sum()) / (dx.size + dy.size))


def tile_noise(rgb) -> float:
    """The largest :func:`noise_fraction` over tiles of about :data:`TILE_PX` pixels (at most 6 × 6):
    garbage in part of a view (the lower half of an uncleared GL surface) is found too."""
    a = np.asarray(rgb)
    h, w = a.shape[:2]
    ny, nx = (int(np.clip(n // TILE_PX, 1, 6)) for n in (h, w))
    return max(noise_fraction(a[i * h // ny:(i + 1) * h // ny, j * w // nx:(j + 1) * w // nx])
               for i in range(ny) for j in range(nx))


def dominant_share(rgb) -> float:
    """Share of the pixels that have the most frequent colour (1.0: a blank, single-colour image)."""
    a = np.asarray(rgb, np.uint8).reshape(-1, 3)
    if not len(a):
        return 1.0
    keys = (a[:, 0].astype(np.int32) << 16) | (a[:, 1].astype(np.int32) << 8) | a[:, 2]
    return float(np.bincount(np.unique(keys, return_inverse=True)[1]).max() / len(keys))


def black_share(rgb) -> float:
    """Share of pure black pixels (every channel ≤ 2)."""
    a = np.asarray(rgb, np.uint8)
    return float((a[..., :3].max(axis=-1) <= 2).mean()) if a.size else 1.0


def assert_real_view(rgb, what: str = "3D view") -> None:
    """Fail unless ``rgb`` looks like a rendering: no noisy tile (uninitialised GL memory), not
    largely pure black (an OpenGL surface nobody drew into) and not a single colour."""
    n = tile_noise(rgb)
    assert n < NOISE_LIMIT, f"{what}: {100 * n:.0f} % of neighbouring pixels differ wildly: noise, not a rendering"
    b = black_share(rgb)
    assert b < BLACK_LIMIT, f"{what}: {100 * b:.0f} % of the pixels are pure black: nothing was drawn"
    d = dominant_share(rgb)
    assert d < BLANK_LIMIT, f"{what}: {100 * d:.1f} % of the pixels have one colour: nothing was drawn"


# ------------------------------------------------------------------------------ saving
def artifact_path(name: str) -> Path:
    name = name if name.endswith(".png") else f"{name}.png"
    return ARTIFACTS / name


def save_screenshot(widget, name: str, frame: bool = True) -> Shot:
    """Capture ``widget``'s window from the screen (:func:`capture`), check every 3D view in it
    shows a rendering (:func:`assert_real_view`) and write it to ``tests/artifacts/<name>.png``
    (or $OUT). Returns the :class:`Shot` (``shot.path`` is where it went)."""
    shot = capture(widget, frame=frame)
    for k, vp in enumerate(vtk_views(widget)):
        assert_real_view(shot.crop(vp), f"{name}: 3D view {k + 1}")
    shot.path = shot.save(artifact_path(name))
    return shot


def save_frame(rgb, name: str) -> Path:
    """Write an off-screen rendered frame ((h, w, 3) uint8: a still, a video frame) to the
    artifacts after the same check as the screen captures."""
    rgb = np.asarray(rgb, np.uint8)[..., :3]
    assert_real_view(rgb, name)
    return Shot(rgb, (0, 0)).save(artifact_path(name))


# ------------------------------------------------------------------------------ where things are on the screen
def project(viewport, points_local) -> np.ndarray:
    """(n, 2) widget pixel positions (x right, y down) of local 3D points, by the renderer's own
    composite projection matrix (VTK), independent of the window's picking code."""
    ren = viewport.plotter.renderer
    w, h = viewport.plotter.ren_win.GetSize()
    m = ren.GetActiveCamera().GetCompositeProjectionTransformMatrix(w / max(h, 1), -1, 1)
    mat = np.array([[m.GetElement(i, j) for j in range(4)] for i in range(4)])
    pts = np.asarray(points_local, float).reshape(-1, 3)
    hom = np.c_[pts, np.ones(len(pts))] @ mat.T
    ndc = hom[:, :2] / hom[:, 3:4]
    ratio = viewport.plotter.interactor.devicePixelRatioF()
    return np.c_[(ndc[:, 0] + 1) * 0.5 * w / ratio, (h - 1 - (ndc[:, 1] + 1) * 0.5 * h) / ratio]


def triangles_mask(viewport, corners_local, shrink_px: float = 0.0) -> np.ndarray:
    """(h, w) bool mask of the widget pixels covered by the projected triangles ((k, 3, 3) local
    corners); ``shrink_px`` erodes it (pixels at edges mix colours)."""
    from PIL import Image, ImageDraw

    w, h = viewport.width(), viewport.height()
    img = Image.new("1", (w, h), 0)
    draw = ImageDraw.Draw(img)
    xy = project(viewport, np.asarray(corners_local, float).reshape(-1, 3)).reshape(-1, 3, 2)
    for tri in xy:
        if np.isfinite(tri).all():
            draw.polygon([tuple(p) for p in tri], fill=1)
    mask = np.asarray(img, bool)
    if shrink_px > 0:
        from scipy.ndimage import binary_erosion

        mask = binary_erosion(mask, iterations=int(round(shrink_px)))
    return mask


def disc_mask(viewport, centre_local, radius_px: float) -> np.ndarray:
    """(h, w) bool mask of a disc of ``radius_px`` around a projected local point."""
    w, h = viewport.width(), viewport.height()
    cx, cy = project(viewport, [centre_local])[0]
    yy, xx = np.mgrid[0:h, 0:w]
    return (xx - cx) ** 2 + (yy - cy) ** 2 <= radius_px ** 2
