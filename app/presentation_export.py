"""Media export of presentation mode: a still (PNG, up to 7680×4320, legend, north arrow, scale
bar, title, credit) or a video (MP4) of the tour or of the sun over the selected day, of what the
presentation shows when the export starts.

The window hands over a :class:`Shown` (plain data: scene, ghost, camera, picture, tour, instant);
the frames are rendered off-screen by :mod:`viewer.media` (:func:`viewer.media.screenshot`,
:func:`viewer.media.render_tour`) and :func:`viewer.sun_animation.render_sun_animation` in a
worker (:class:`app.workers.JobRunner`). This module owns the Qt side: the file dialogs, the
progress bar, Cancel and the line that says where the file went.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QProgressBar, QPushButton

from .presentation import _t

#: the window of the sun video, local time (the presentation's "Play: sun" covers the same hours)
SUN_VIDEO_HOURS = ("06:00", "20:00")


@dataclasses.dataclass(frozen=True)
class Shown:
    """What the presentation shows when an export starts, taken in the GUI thread.

    ``scene``: the state on screen (:class:`model.scene.Scene`); ``ghost``: the demolished
    buildings in its frame or None; ``new_ids``: the planned objects (highlighted) or None;
    ``camera``: :class:`viewer.camera.CameraState` of the view; ``picture``: the state's
    :class:`viewer.picture.PictureSpec` as the window builds it, or None; ``when``/``tz``: the
    selected local instant and the site's time zone (None without a site); ``shadows``: the
    "Shadows" box; ``tour``: the saved views as a :class:`viewer.camera.Tour`."""

    scene: object
    ghost: object
    new_ids: list | None
    camera: object
    title: str | None
    subtitle: str | None
    credit: str | None
    picture: object
    when: dt.datetime | None
    tz: object
    shadows: bool
    tour: object


def export_picture(shown: Shown, sun: bool, finish: str = "presentation"):
    """The picture of an export: the window's parts (aerial image, rasters, layers, textures) with
    the ``finish`` preset, and with ``sun`` the selected instant's sun and shadows."""
    from stadtbild.viewer.finish import PRESETS
    from stadtbild.viewer.picture import PictureSpec

    spec = shown.picture or PictureSpec(finish=PRESETS["presentation"])
    when = shown.when if sun else None
    return dataclasses.replace(spec, finish=PRESETS[finish], when=when, tz=shown.tz if when is not None else None)


def still_task(shown: Shown, path, size=(7680, 4320)):
    """The worker function ``run(progress, cancelled)`` rendering the decorated still of
    ``shown`` at ``size`` pixels (the sun and shadows with "Shadows")."""
    from stadtbild.viewer.media import screenshot

    picture = export_picture(shown, sun=shown.shadows)

    def run(progress, cancelled):
        return screenshot(shown.scene, path, size=size, camera=shown.camera, title=shown.title,
                          subtitle=shown.subtitle, credit=shown.credit, ghost=shown.ghost,
                          highlight_ids=shown.new_ids, progress=progress, picture=picture)

    return run


def video_task(shown: Shown, path, kind: str = "tour", size=(1920, 1080), fps: float = 30.0,
               step_min: float = 10.0):
    """The worker function rendering the MP4 of the tour (``kind="tour"``, its own cameras) or of
    the sun over the selected day (``kind="sun"``, :data:`SUN_VIDEO_HOURS` every ``step_min``
    minutes, from the camera of the view); interactive finish, no supersampling."""
    picture = export_picture(shown, sun=False, finish="interactive")
    if kind == "tour":
        from stadtbild.viewer.media import render_tour

        def run(progress, cancelled):
            return render_tour(shown.scene, shown.tour, path, size=size, fps=fps, title=shown.title,
                               credit=shown.credit, ghost=shown.ghost, progress=progress, cancelled=cancelled,
                               picture=picture)
        return run
    if shown.when is None:
        raise ValueError(_t("no site (CRS unknown): sun unavailable"))
    from stadtbild.viewer.sun_animation import render_sun_animation

    start, stop = SUN_VIDEO_HOURS

    def run(progress, cancelled):
        return render_sun_animation(shown.scene, path, date=shown.when.date(), start=start, stop=stop,
                                    step_min=step_min, fps=fps, size=size, view=shown.camera, title=shown.title,
                                    credit=shown.credit, progress=progress, cancelled=cancelled, picture=picture)
    return run


class MediaExport(QObject):
    """Still and video export of a presentation window, one at a time, in its worker runner.

    ``shown``: a callable returning the :class:`Shown` of the moment; ``status``: shows a line
    of text (where the file went, the error, "Export cancelled"). ``progress`` and
    ``cancel_button`` are the widgets the window puts into its control bar; ``job`` is the running
    export (None when idle), ``last`` the result dict of the last one (or {"message": …})."""

    def __init__(self, parent, jobs, shown, status, bar_width: int = 200):
        super().__init__(parent)
        self._parent = parent
        self.jobs = jobs
        self.shown = shown
        self.status = status
        self.job = None
        self.last = None
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(int(bar_width))
        self.progress.hide()
        self.cancel_button = QPushButton(_t("Cancel"))
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the clicker shortcuts
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()

    def still(self, path, size=(7680, 4320)):
        """Render the current view off-screen at ``size`` in a worker; returns the Job."""
        return self._start(still_task(self.shown(), path, size=size))

    def video(self, path, kind: str = "tour", size=(1920, 1080), fps: float = 30.0, step_min: float = 10.0):
        """MP4 of the tour (``kind="tour"``) or of the sun over the selected day from 06:00 to
        20:00 (``kind="sun"``), rendered off-screen in a worker; returns the Job."""
        try:
            task = video_task(self.shown(), path, kind=kind, size=size, fps=fps, step_min=step_min)
        except ValueError as exc:  # no site: no sun video
            self._ended(message=str(exc))
            return None
        return self._start(task)

    def still_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self._parent, _t("Image…"), "praesentation.png", "PNG (*.png)")
        if path:
            self.still(path if path.lower().endswith(".png") else path + ".png")

    def video_dialog(self, kind: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self._parent, _t("Video…"), "praesentation.mp4", "MP4 (*.mp4)")
        if path:
            self.video(path if path.lower().endswith(".mp4") else path + ".mp4", kind=kind)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _start(self, fn):
        from stadtbild.viewer.media import ExportCancelled

        from .workers import Cancelled

        def run(progress, cancelled):
            try:
                return fn(progress, cancelled)
            except ExportCancelled:
                raise Cancelled() from None

        job = self.jobs.start(run, _t("Exporting …"), on_done=lambda r: self._ended(r),
                              on_error=lambda m: self._ended(message=m),
                              on_cancel=lambda: self._ended(message=_t("Export cancelled")))
        self.job = job
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        job.signals.progress.connect(lambda f: self.progress.setValue(int(f * 1000)))
        return job

    def _ended(self, result=None, message: str | None = None) -> None:
        self.job = None
        self.progress.hide()
        self.cancel_button.hide()
        self.last = result if result is not None else {"message": message}
        if result is not None:
            self.status(_t("Saved {path}").format(path=result.get("path")))
        elif message:
            self.status(message)
