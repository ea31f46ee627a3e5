"""Where the world lands on the screen of a VTK renderer, and the live 2D decorations of the 3D
view drawn from it: a north arrow (upper right) and a scale bar (lower left).

The same screen geometry sizes the north arrow and scale bar that :func:`viewer.media.decorate`
draws onto exported pictures (:func:`viewer.media.camera_geometry`), so the window and its
pictures agree:

* north: grid north (+y of the model CRS) as seen on the screen — the direction from the
  projected focal point to the projected point 1 % of the camera distance north of it, in
  degrees counter-clockwise from screen-up;
* metres per pixel at the focal point: perspective 2·d·tan(θ/2)/height (d the camera distance,
  θ the vertical view angle; exact at the view centre only), parallel 2·parallel_scale/height.
"""
from __future__ import annotations

import math

import numpy as np


#: renderer strings of Mesa's software rasterisers (and VMware's SVGA3D): GL without a GPU
SOFTWARE_RENDERERS = ("llvmpipe", "softpipe", "swrast", "SVGA3D")


def software_gl(render_window) -> bool:
    """Whether ``render_window`` draws with a software OpenGL (Mesa llvmpipe under Xvfb or over a
    remote desktop), where MSAA, FXAA and SSAO cost several times a frame; True when it has no
    context yet (the cautious case)."""
    try:
        caps = render_window.ReportCapabilities() or ""
    except Exception:  # noqa: BLE001 — no context yet
        return True
    return any(s in caps for s in SOFTWARE_RENDERERS)


def world_to_display(renderer, point) -> tuple[float, float]:
    """VTK display coordinates (pixels, origin bottom-left) of a 3D point in the renderer's world
    (the scene's local frame)."""
    renderer.SetWorldPoint(float(point[0]), float(point[1]), float(point[2]), 1.0)
    renderer.WorldToDisplay()
    x, y, _z = renderer.GetDisplayPoint()
    return x, y


def metres_per_pixel(renderer) -> float:
    """Metres per screen pixel at the camera's focal point (module docstring)."""
    cam = renderer.GetActiveCamera()
    h = max(renderer.GetSize()[1], 1)
    if cam.GetParallelProjection():
        return 2.0 * cam.GetParallelScale() / h
    return 2.0 * cam.GetDistance() * math.tan(math.radians(cam.GetViewAngle()) / 2) / h


def north_on_screen_deg(renderer) -> float | None:
    """Grid north on the screen in degrees counter-clockwise from screen-up; None when north is
    along the line of sight (a view straight down the y axis)."""
    cam = renderer.GetActiveCamera()
    f = np.array(cam.GetFocalPoint())
    step = max(cam.GetDistance() * 0.01, 0.01)
    x0, y0 = world_to_display(renderer, f)
    x1, y1 = world_to_display(renderer, f + np.array([0.0, step, 0.0]))
    if math.hypot(x1 - x0, y1 - y0) <= 1e-9:
        return None
    return math.degrees(math.atan2(-(x1 - x0), y1 - y0))


def nice_length(target: float) -> float:
    """The largest 1, 2 or 5 × 10^k that is <= target (scale bars)."""
    if not (target > 0 and math.isfinite(target)):
        return 1.0
    k = math.floor(math.log10(target))
    for m in (5.0, 2.0, 1.0):
        if m * 10 ** k <= target:
            return m * 10 ** k
    return 10 ** k


def decoration_scale(renderer) -> float:
    """Size factor of the north arrow and scale bar: 1 up to a 1080-pixel-high view, then in
    proportion (readable on a 4K projector)."""
    return max(1.0, renderer.GetSize()[1] / 1080.0)


class ScaleBar:
    """A 2D scale bar drawn by VTK in the lower-left corner, updated before every frame from the
    camera (:func:`metres_per_pixel`: in perspective views exact at the view centre only)."""

    TARGET_PX = 140

    def __init__(self, renderer):
        from vtkmodules.vtkCommonCore import vtkPoints
        from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
        from vtkmodules.vtkRenderingCore import vtkActor2D, vtkPolyDataMapper2D, vtkTextActor

        self.renderer = renderer
        self.points = vtkPoints()
        self.points.SetNumberOfPoints(6)
        lines = vtkCellArray()
        for a, b in ((0, 1), (2, 3), (4, 5)):
            lines.InsertNextCell(2)
            lines.InsertCellPoint(a)
            lines.InsertCellPoint(b)
        poly = vtkPolyData()
        poly.SetPoints(self.points)
        poly.SetLines(lines)
        self.poly = poly
        mapper = vtkPolyDataMapper2D()
        mapper.SetInputData(poly)
        self.actor = vtkActor2D()
        self.actor.SetMapper(mapper)
        self.actor.GetProperty().SetColor(0.05, 0.05, 0.05)
        self.actor.GetProperty().SetLineWidth(3)
        self.text = vtkTextActor()
        tp = self.text.GetTextProperty()
        tp.SetFontSize(15)
        tp.SetColor(0.05, 0.05, 0.05)
        tp.SetBold(True)
        renderer.AddViewProp(self.actor)
        renderer.AddViewProp(self.text)
        self.metres = None
        renderer.AddObserver("StartEvent", self.update)

    def set_visible(self, on: bool) -> None:
        self.actor.SetVisibility(bool(on))
        self.text.SetVisibility(bool(on))

    def visible(self) -> bool:
        return bool(self.actor.GetVisibility())

    def metres_per_pixel(self) -> float:
        return metres_per_pixel(self.renderer)

    def update(self, *_args) -> None:
        k = decoration_scale(self.renderer)
        mpp = self.metres_per_pixel()
        metres = nice_length(self.TARGET_PX * k * mpp)
        px = metres / mpp if mpp > 0 else 0.0
        x0, y0, tick = 20.0 * k, 18.0 * k, 7.0 * k
        self.text.GetTextProperty().SetFontSize(int(15 * k))
        self.actor.GetProperty().SetLineWidth(3 * k)
        for i, (x, y) in enumerate(((x0, y0), (x0 + px, y0), (x0, y0 - tick / 2), (x0, y0 + tick),
                                    (x0 + px, y0 - tick / 2), (x0 + px, y0 + tick))):
            self.points.SetPoint(i, x, y, 0.0)
        self.points.Modified()
        self.poly.Modified()
        self.metres = metres
        label = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
        self.text.SetInput(label)
        self.text.SetPosition(x0 + px + 8, y0 - 6)


class NorthArrow:
    """A 2D compass needle in the upper-right corner pointing to grid north as seen on the screen
    (:func:`north_on_screen_deg`), recomputed before every frame."""

    SIZE = 22.0

    def __init__(self, renderer):
        from vtkmodules.vtkCommonCore import vtkPoints, vtkUnsignedCharArray
        from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
        from vtkmodules.vtkRenderingCore import vtkActor2D, vtkPolyDataMapper2D, vtkTextActor

        self.renderer = renderer
        self.points = vtkPoints()
        self.points.SetNumberOfPoints(4)
        polys = vtkCellArray()
        for tri in ((0, 1, 2), (0, 2, 3)):
            polys.InsertNextCell(3)
            for k in tri:
                polys.InsertCellPoint(k)
        self.poly = vtkPolyData()
        self.poly.SetPoints(self.points)
        self.poly.SetPolys(polys)
        colours = vtkUnsignedCharArray()
        colours.SetNumberOfComponents(3)
        colours.InsertNextTuple3(178, 34, 34)  # needle split lengthwise: right half red
        colours.InsertNextTuple3(90, 20, 20)  # left half dark red (reads as a 3D needle)
        self.poly.GetCellData().SetScalars(colours)
        mapper = vtkPolyDataMapper2D()
        mapper.SetInputData(self.poly)
        self.actor = vtkActor2D()
        self.actor.SetMapper(mapper)
        self.text = vtkTextActor()
        self.text.SetInput("N")
        tp = self.text.GetTextProperty()
        tp.SetFontSize(16)
        tp.SetBold(True)
        tp.SetColor(0.1, 0.1, 0.1)
        tp.SetJustificationToCentered()
        tp.SetVerticalJustificationToCentered()
        renderer.AddViewProp(self.actor)
        renderer.AddViewProp(self.text)
        self.angle_deg = 0.0
        renderer.AddObserver("StartEvent", self.update)

    def screen_angle(self) -> float:
        """Angle of north on the screen, degrees counter-clockwise from screen-up (the last one
        while north points along the line of sight)."""
        angle = north_on_screen_deg(self.renderer)
        return self.angle_deg if angle is None else angle

    def update(self, *_args) -> None:
        self.angle_deg = self.screen_angle()
        w, h = self.renderer.GetSize()
        k = decoration_scale(self.renderer)
        cx, cy, r = w - 40.0 * k, h - 48.0 * k, self.SIZE * k
        self.text.GetTextProperty().SetFontSize(int(16 * k))
        a = math.radians(self.angle_deg)
        up = np.array([-math.sin(a), math.cos(a)])
        side = np.array([up[1], -up[0]])
        c = np.array([cx, cy])
        tip, tail = c + up * r, c - up * r
        left, right = c - side * r * 0.38, c + side * r * 0.38
        for i, p in enumerate((tip, right, tail, left)):
            self.points.SetPoint(i, p[0], p[1], 0.0)
        self.points.Modified()
        self.poly.Modified()
        label = c + up * (r + 12 * k)
        self.text.SetPosition(label[0], label[1])
