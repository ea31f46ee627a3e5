"""Whole cities in the 3D view: a folder of tiles shown through ``viewer.tiles.TileManager``.

The normal "Open" path merges every file into one model and one Scene (fine up to a few ten
thousand buildings). "Open city (tiles)…" instead shows the tiles the camera needs, loaded in the
background with progress in the status bar, full LoD2 near the camera and blocks far away, within
a memory budget (setting ``view/memory_budget_mb``, MiB, default 4096). A click on a building shows
its id and attributes (``picked`` signal). Analyses and edits work on an opened model, not on the
city overview: select an area and open those tiles for that.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog

from .i18n import tr

DEFAULT_BUDGET_MB = 4096.0


def memory_budget_mb(settings) -> float:
    """The memory budget of the tiled view from the user settings (MiB)."""
    try:
        v = float(settings.q.value("view/memory_budget_mb", DEFAULT_BUDGET_MB))
        return v if v > 0 else DEFAULT_BUDGET_MB
    except (TypeError, ValueError, AttributeError):
        return DEFAULT_BUDGET_MB


class CityTiles(QObject):
    """Drives a TileManager in a ``app.viewport.Viewport``: a timer applies camera changes and adds
    loaded tiles (GUI thread), clicks are picked to the file's ids."""

    progress = Signal(int, int)  # tiles loaded so far, tiles asked for
    picked = Signal(object, object, object)  # id (or None), type, attributes

    def __init__(self, viewport, paths, memory_budget=DEFAULT_BUDGET_MB, near_m=None, far_m=None, workers=2):
        super().__init__(viewport)
        from stadtbild.viewer import tiles as vt

        self.viewport = viewport
        sources, self.warnings = vt.file_sources(paths)
        self.mgr = vt.TileManager(viewport.plotter, sources, near_m=near_m or vt.NEAR_M, far_m=far_m or vt.FAR_M,
                                  memory_budget_mb=memory_budget, workers=workers,
                                  progress=lambda done, total, _tid: self.progress.emit(done, total))
        self._last_camera = None
        self._press = None
        self._scene_at_start = getattr(viewport, "scene", None)
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self.tick)
        viewport.plotter.interactor.installEventFilter(self)

    def start(self) -> None:
        """Frame the whole city from the south-west and start loading."""
        from stadtbild.viewer.camera import apply_view

        apply_view(self.viewport.plotter, self.mgr.scene_bounds, "iso")
        self.viewport.plotter.camera.clipping_range = (1.0, 1e6)
        self.mgr.update(render=True)
        self.timer.start()

    def tick(self) -> None:
        if getattr(self.viewport, "scene", None) is not self._scene_at_start:  # a model was opened
            self.close(clear=True)
            return
        cam = self.viewport.plotter.camera
        state = (tuple(cam.position), tuple(cam.focal_point))
        busy = any(t.loading for t in self.mgr.tiles)
        if state != self._last_camera or busy or self.mgr._done:
            self._last_camera = state
            self.mgr.update(render=True)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        et = event.type()
        if et == QEvent.Type.MouseButtonPress:
            self._press = event.position().toPoint()
        elif et == QEvent.Type.MouseButtonRelease and self._press is not None:
            pos = event.position().toPoint()
            if (pos - self._press).manhattanLength() <= 4:
                x, y = self.viewport._display_xy(pos)
                self.pick_display(x, y)
            self._press = None
        return False

    def pick_display(self, x: float, y: float):
        """Pick at VTK display pixel (x, y); emits and returns (id, type, attributes) or None."""
        hit = self.mgr.pick_object(x, y)
        self.picked.emit(*(hit or (None, None, None)))
        return hit

    def close(self, clear: bool = False) -> None:
        """Stop loading; ``clear`` also removes the tiles from the view (another model opened)."""
        self.timer.stop()
        self.viewport.plotter.interactor.removeEventFilter(self)
        self.mgr.close()
        if clear:
            self.mgr.clear()
            self.viewport.plotter.render()


def open_city_dialog(window) -> CityTiles | None:
    """Ask for a folder of tiles and show it as a city in ``window.viewport`` (the main window's
    one-line hook). The open model's own meshes are removed from the view."""
    folder = QFileDialog.getExistingDirectory(window, tr("Open a city (folder of tiles)"), str(Path.home()))
    if not folder:
        return None
    return show_city(window, [folder])


def show_city(window, paths) -> CityTiles:
    vp = window.viewport
    old = getattr(window, "city_tiles", None)
    if old is not None:
        old.close(clear=True)
    for layer in list(getattr(vp, "layers", {}).values()):
        if layer.get("actor") is not None:
            vp.plotter.remove_actor(layer["actor"], render=False)
        layer["visible"] = False
    if getattr(vp, "ground_actor", None) is not None:
        vp.ground_actor.SetVisibility(False)
    settings = getattr(window, "settings", None)
    city = CityTiles(vp, paths, memory_budget=memory_budget_mb(settings) if settings else DEFAULT_BUDGET_MB)
    status = window.statusBar()
    n = len(city.mgr.tiles)
    city.progress.connect(lambda done, total: status.showMessage(
        tr("City: {done} of {n} tiles loaded ({mb} MB meshes)").format(done=done, n=n, mb=round(city.mgr.memory_mb())),
        5000))
    city.picked.connect(lambda oid, typ, attrs: status.showMessage(
        f"{oid} ({typ}): " + ", ".join(f"{k}={v}" for k, v in list((attrs or {}).items())[:6]) if oid else "", 15000))
    window.city_tiles = city
    city.start()
    return city
