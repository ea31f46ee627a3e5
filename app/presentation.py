"""Presentation mode for council meetings and public events: one full-screen window with the 3D
view and nothing else but large, readable controls.

* Saved views (bookmarks, :mod:`viewer.camera`): Right / PageDown = next, Left / PageUp =
  previous (what presentation clickers send), with an eased camera flight between them;
  "Save view" adds the current camera; "Tour…" edits the list (order, names, seconds per view).
* Space plays / pauses the tour (flights and holds as in the video export) or the sun animation
  (the time of day runs on); Esc leaves; H hides the control bar; B toggles before/after.
* Sun: time-of-day and day-of-year sliders set the key light to the sun of the site (NREL SPA,
  :mod:`analysis.sun`) and, with "Shadows", draw the computed shadows on the ground, the roofs
  and the facades (:meth:`viewer.picture.Picture.sun_state`, one ray per ground cell and per
  light-map texel — the shadow analysis core — computed in a worker, shown when done).
* The window's picture (aerial image, rasters, 2D layers, textures, finish) comes along
  (``picture``: model → :class:`viewer.picture.PictureSpec`), in the view and in the exports.
* Before/after: a toggle between the existing state and the variant (demolished buildings as
  translucent ghosts, new ones highlighted), and "Side by side": the other state in a second view
  to the right whose camera follows the first (drag the divider to swipe).
* Export: a still (up to 7680×4320, legend, north arrow, scale bar, title, credit) or a video of
  the tour / sun animation (MP4), rendered off-screen in a worker thread with a progress bar and
  Cancel (:mod:`app.presentation_export`; the frames: :mod:`viewer.media`).

Texts are English source strings translated by :func:`app.i18n.tr`; German texts of this window
that the shared translation file does not have yet come from :data:`GERMAN`.
"""
from __future__ import annotations

import datetime as dt
import logging
import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (QCheckBox, QDialog, QHBoxLayout, QLabel, QPushButton, QSlider, QSplitter,
                               QVBoxLayout, QWidget)

from stadtbild.viewer.camera import camera_state

from . import i18n
from .workers import JobRunner

log = logging.getLogger("stadtbild.app")

#: German texts of this window (used when the translation file has none yet)
GERMAN = {
    "Presentation": "Präsentation", "Presentation (full screen)": "Präsentation (Vollbild)", "Previous": "Zurück", "Next": "Weiter", "Play": "Abspielen",
    "Pause": "Pause", "Time": "Uhrzeit", "Day": "Tag", "Shadows": "Schatten", "Before": "Vorher",
    "After": "Nachher", "Side by side": "Nebeneinander", "Save view": "Ansicht speichern", "Tour…": "Rundgang…",
    "Image…": "Bild…", "Video…": "Video…", "Cancel": "Abbrechen", "Exit (Esc)": "Beenden (Esc)",
    "View {k} of {n}": "Ansicht {k} von {n}", "no saved views": "keine gespeicherten Ansichten",
    "View {n}": "Ansicht {n}", "Sun: azimuth {az}°, elevation {el}°": "Sonne: Azimut {az}°, Höhe {el}°",
    "Sun below the horizon": "Sonne unter dem Horizont",
    "Show {name}": "{name} zeigen", "Toggle before/after (B)": "Vorher/Nachher umschalten (B)", "Existing": "Bestand", "Variant": "Planung",
    "Computing shadows …": "Schatten werden berechnet …", "Saved {path}": "Gespeichert: {path}",
    "Export cancelled": "Export abgebrochen", "Name": "Name", "Seconds": "Sekunden", "Up": "Nach oben",
    "Down": "Nach unten", "Remove": "Entfernen", "Add current view": "Aktuelle Ansicht hinzufügen",
    "Edit tour": "Rundgang bearbeiten", "Save tour…": "Rundgang speichern…", "Load tour…": "Rundgang laden…", "Play: tour": "Abspielen: Rundgang", "Play: sun": "Abspielen: Sonnenlauf",
    "Exporting …": "Export läuft …", "no site (CRS unknown): sun unavailable":
        "kein Standort (KBS unbekannt): Sonne nicht verfügbar",
}
FONT_PT = 16  # at a screen height of 1080 px; scaled with the screen the window opens on
TITLE_PT = 26
FLIGHT_S = 1.6
TICK_MS = 33
SUN_STEP_MIN = 10
SUN_TICK_MS = 120


def _t(text: str) -> str:
    out = i18n.tr(text)
    if out == text and i18n.current_language() == "de":
        return GERMAN.get(text, text)
    return out


class PresentationWindow(QWidget):
    """Full-screen presentation of a model (and optionally a variant of it).

    ``states``: [(name, model)] — the first is the existing state, the last the variant shown
    as "after" (one entry: no before/after). ``views``: bookmark dicts (model coordinates) or
    preset stops; the window edits this list in place and emits ``views_changed``."""

    views_changed = Signal(list)
    closed = Signal()

    def __init__(self, states, views=None, title: str = "", credit: str | None = None, parent=None,
                 fullscreen: bool = True, screen=None, when: dt.datetime | None = None, picture=None):
        super().__init__(parent, Qt.WindowType.Window)
        from PySide6.QtGui import QGuiApplication

        from .presentation_export import MediaExport
        from .viewport import Viewport

        screen = screen or (parent.screen() if parent is not None else QGuiApplication.primaryScreen())
        self.setScreen(screen)
        # type sizes follow the screen: readable from the back of a council chamber on a 4K
        # projector, and the two control rows still fit on a 1280×720 beamer
        scale = min(2.0, max(0.6, screen.geometry().height() / 1080.0))

        self.setObjectName("PresentationWindow")
        self.setWindowTitle(f"{title} – {_t('Presentation')}" if title else _t("Presentation"))
        self.states = list(states)
        if not self.states:
            raise ValueError("nothing to present")
        self.views: list = list(views or [])
        self.title = title
        self.credit = credit
        self.index = -1
        self._closed = False
        self.showing_after = len(self.states) > 1
        self._scenes: dict[int, object] = {}
        self._shadow_jobs: dict[int, object] = {}  # viewport id -> running sun job
        self._picture_of = picture or (lambda _model: None)
        self.last_shadow = None  # ground cells in shadow at the instant shown (with "Shadows")
        self._flight = None
        self._playing = None  # "tour" | "sun" | None
        self._tour_t0 = 0.0
        self.jobs = JobRunner(self)
        # stills and videos of what the window shows (file dialogs, progress, Cancel)
        self.media = MediaExport(self, self.jobs, self.shown, lambda text: self.sun_label.setText(text),
                                 bar_width=200 * scale)

        font = QFont(self.font())
        font.setPointSizeF(FONT_PT * scale)
        self.setFont(font)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        top = QWidget()
        top.setObjectName("presentationTop")
        top.setStyleSheet("#presentationTop { background: #1d2b3a; } QLabel { color: white; }")
        tl = QHBoxLayout(top)
        tl.setContentsMargins(24, 10, 24, 10)
        self.title_label = QLabel(title)
        tf = QFont(font)
        tf.setPointSizeF(TITLE_PT * scale)
        tf.setBold(True)
        self.title_label.setFont(tf)
        self.view_label = QLabel("")
        vf = QFont(font)
        vf.setPointSizeF((TITLE_PT - 4) * scale)
        self.view_label.setFont(vf)
        self.count_label = QLabel("")
        cf = QFont(font)
        cf.setPointSizeF((TITLE_PT - 8) * scale)
        self.count_label.setFont(cf)
        for label in (self.title_label, self.view_label, self.count_label):
            label.setMinimumWidth(1)  # long titles are cut, never widen the window past the screen
        tl.addWidget(self.title_label)
        tl.addSpacing(30)
        tl.addWidget(self.view_label, 1)
        tl.addWidget(self.count_label)
        lay.addWidget(top)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setHandleWidth(6)
        self.viewport = Viewport(self)
        self.viewport_b = Viewport(self)
        self.captions = []
        for vp in (self.viewport, self.viewport_b):
            pane = QWidget()
            pl = QVBoxLayout(pane)
            pl.setContentsMargins(0, 0, 0, 0)
            pl.setSpacing(0)
            cap = QLabel("")
            cap.setAlignment(Qt.AlignmentFlag.AlignCenter)
            capf = QFont(font)
            capf.setPointSizeF((TITLE_PT - 6) * scale)
            capf.setBold(True)
            cap.setFont(capf)
            cap.setStyleSheet("background: #dfe6ee; padding: 4px;")
            cap.hide()
            pl.addWidget(cap)
            pl.addWidget(vp, 1)
            self.captions.append(cap)
            self.splitter.addWidget(pane)
        self.pane_b = self.splitter.widget(1)
        self.pane_b.hide()
        lay.addWidget(self.splitter, 1)

        self.bar = QWidget()
        self.bar.setObjectName("presentationBar")
        self.bar.setStyleSheet("#presentationBar { background: #eef1f4; }")
        rows = QVBoxLayout(self.bar)
        rows.setContentsMargins(16, 6, 16, 6)
        rows.setSpacing(4)
        nav, sun_row = QHBoxLayout(), QHBoxLayout()  # two rows: all controls fit from 1280 px up
        rows.addLayout(nav)
        rows.addLayout(sun_row)
        bl = nav

        def button(text, slot, checkable=False):
            b = QPushButton(text)
            b.setCheckable(checkable)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the clicker shortcuts
            b.clicked.connect(slot)
            bl.addWidget(b)
            return b

        self.prev_button = button("◀ " + _t("Previous"), self.previous_view)
        self.play_button = button("▶ " + _t("Play"), self.toggle_play)
        self.next_button = button(_t("Next") + " ▶", self.next_view)
        bl.addSpacing(20)
        self.before_after_button = button("", self.toggle_before_after)
        self.split_check = QCheckBox(_t("Side by side"))
        self.split_check.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        bl.addWidget(self.split_check)
        has_variant = len(self.states) > 1
        self.before_after_button.setEnabled(has_variant)
        self.split_check.setEnabled(has_variant)
        bl.addStretch(1)
        self.save_view_button = button(_t("Save view"), self.save_current_view)
        self.tour_button = button(_t("Tour…"), self.edit_tour)
        self.image_button = button(_t("Image…"), self.media.still_dialog)
        self.video_button = button(_t("Video…"), lambda: self.media.video_dialog(self.play_kind()))
        bl.addWidget(self.media.progress)
        bl.addWidget(self.media.cancel_button)
        self.exit_button = button(_t("Exit (Esc)"), self.close)

        bl = sun_row
        bl.addWidget(QLabel(_t("Time")))
        self.time_slider = QSlider(Qt.Orientation.Horizontal)
        self.time_slider.setRange(0, 24 * 60 - SUN_STEP_MIN)
        self.time_slider.setSingleStep(SUN_STEP_MIN)
        self.time_slider.setPageStep(60)
        self.time_slider.setMinimumWidth(int(120 * scale))
        bl.addWidget(self.time_slider, 3)
        bl.addWidget(QLabel(_t("Day")))
        self.day_slider = QSlider(Qt.Orientation.Horizontal)
        self.day_slider.setRange(1, 365)
        self.day_slider.setPageStep(30)
        self.day_slider.setMinimumWidth(int(100 * scale))
        bl.addWidget(self.day_slider, 2)
        for s in (self.time_slider, self.day_slider):
            s.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sun_label = QLabel("")
        self.sun_label.setMinimumWidth(1)
        bl.addWidget(self.sun_label, 4)
        self.shadow_check = QCheckBox(_t("Shadows"))
        self.shadow_check.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        bl.addWidget(self.shadow_check)
        for child in self.bar.findChildren(QWidget):  # the bar's style sheet stops font inheritance
            child.setFont(font)
        box = int(round(16 * scale))
        self.bar.setStyleSheet(self.bar.styleSheet() + f" QCheckBox::indicator {{ width: {box}px; height: {box}px; }}")
        lay.addWidget(self.bar)

        # the date and time of the analyses (the main window's sun slider), else today 14:00
        when = when or dt.datetime.combine(dt.date.today(), dt.time(14, 0))
        self.year = when.year
        self.time_slider.setValue(when.hour * 60 + when.minute - (when.minute % SUN_STEP_MIN))
        self.day_slider.setValue(min(365, when.timetuple().tm_yday))
        self.time_slider.valueChanged.connect(self._sun_changed)
        self.day_slider.valueChanged.connect(self._sun_changed)
        self.shadow_check.toggled.connect(self._sun_changed)
        self.split_check.toggled.connect(self.set_split)

        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._key_slots = {}
        for keys, slot in (((Qt.Key.Key_Right, Qt.Key.Key_PageDown), self.next_view),
                           ((Qt.Key.Key_Left, Qt.Key.Key_PageUp), self.previous_view),
                           ((Qt.Key.Key_Space,), self.toggle_play), ((Qt.Key.Key_Escape,), self.close),
                           ((Qt.Key.Key_H,), self.toggle_bar), ((Qt.Key.Key_B,), self.toggle_before_after)):
            for k in keys:
                sc = QShortcut(QKeySequence(k), self)
                sc.setContext(Qt.ShortcutContext.WindowShortcut)
                sc.activated.connect(slot)
                self._key_slots[int(k.value)] = slot
        # Window shortcuts fire only while the window system calls this window active. A full-screen
        # window opened from the main window is not always activated (no window manager, focus
        # stealing prevention), so the 3D views also take the same keys directly.
        for vp in (self.viewport, self.viewport_b):
            vp.plotter.interactor.installEventFilter(self)
        self._linking = False
        self.viewport.plotter.camera.AddObserver("ModifiedEvent", self._follow_camera)
        # the first frame is framed once the view has its size on the screen (a camera fitted to a
        # window that is not shown yet looks at the city from hundreds of kilometres); until the
        # audience moves the camera, a resize frames it again
        self.auto_frame = True
        self.viewport.installEventFilter(self)
        self._show_state()
        self._update_labels()
        if fullscreen:
            self.showFullScreen()
            self.raise_()
            self.activateWindow()
            self.viewport.plotter.interactor.setFocus()
        QTimer.singleShot(0, self.frame)

    def frame(self) -> None:
        """Show the first saved view, or the whole model from the south-west (iso). Nothing once
        the window is closed (the timer that calls this may fire after a quick close)."""
        if self._closed:
            return
        if self.views:
            self.go_to(max(self.index, 0), animate=False)
        else:
            self.viewport.set_view("iso")
        self.auto_frame = True  # go_to ended it; a resize still frames the same way

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        """Presentation keys pressed in a 3D view when the window shortcut did not take them."""
        from PySide6.QtCore import QEvent

        if watched is self.viewport:
            if event.type() == QEvent.Type.Resize and self.auto_frame and self.isVisible():
                QTimer.singleShot(0, self.frame)
            return False
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.Wheel):
            self.auto_frame = False  # the camera is the audience's now
        if event.type() == QEvent.Type.KeyPress and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            slot = self._key_slots.get(int(event.key()))
            if slot is not None:
                slot()
                return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ states (before / after)
    def state_index(self) -> int:
        return len(self.states) - 1 if self.showing_after else 0

    def scene_of(self, k: int):
        if k not in self._scenes:
            self._scenes[k] = self.states[k][1].scene()
        return self._scenes[k]

    def _parts(self, k: int):
        """(scene, ghost, new ids) of state ``k``: a variant shows the existing buildings it
        removes as a ghost in its frame and highlights the ones it adds (None for the existing)."""
        from stadtbild.viewer.media import variant_ghost

        scene = self.scene_of(k)
        if k == 0:
            return scene, None, None
        ghost, new = variant_ghost(self.states[0][1], self.states[k][1], origin=scene.origin)
        return scene, ghost, new

    def _show_state(self, keep_camera: bool = False) -> None:
        cam = camera_state(self.viewport.plotter) if keep_camera else None
        k = self.state_index()
        scene, ghost, new = self._parts(k)
        self.viewport.picture_spec = self._picture_of(self.states[k][1])
        self.viewport.set_scene(scene, self.states[k][1], reset_camera=not keep_camera, ghost=ghost)
        self._highlight_new(self.viewport, new)
        if cam is not None:
            cam.apply(self.viewport.plotter)
        if self.split_check.isChecked():
            other = 0 if k else len(self.states) - 1
            sc2, gh2, new2 = self._parts(other)
            self.viewport_b.picture_spec = self._picture_of(self.states[other][1])
            self.viewport_b.set_scene(sc2, self.states[other][1], reset_camera=False, ghost=gh2)
            self._highlight_new(self.viewport_b, new2)
            self._follow_camera()
        other = 0 if k else len(self.states) - 1
        self.captions[0].setText(self.states[k][0])
        self.captions[1].setText(self.states[other][0])
        # the button names what it does: show the other state (not the one on screen)
        self.before_after_button.setText(_t("Show {name}").format(name=self.states[other][0]))
        self.before_after_button.setToolTip(_t("Toggle before/after (B)"))
        self._sun_changed()

    @staticmethod
    def _highlight_new(viewport, new) -> None:
        if new:
            viewport.set_selection(new, render=True)  # the selection colour marks what is planned

    def toggle_before_after(self) -> None:
        if len(self.states) < 2:
            return
        self.showing_after = not self.showing_after
        self._show_state(keep_camera=True)
        self._update_labels()

    def set_split(self, on: bool) -> None:
        self.pane_b.setVisible(bool(on))
        for cap in self.captions:
            cap.setVisible(bool(on))
        if on:
            self._show_state(keep_camera=True)
            w = max(self.splitter.width(), 2)
            self.splitter.setSizes([w // 2, w - w // 2])

    def _follow_camera(self, *_args) -> None:
        """The right view copies the left view's camera (split / swipe comparison)."""
        if self._linking or not self.viewport_b.isVisible():
            return
        self._linking = True
        try:
            camera_state(self.viewport.plotter).apply(self.viewport_b.plotter)
            self.viewport_b.render()
        finally:
            self._linking = False

    # ------------------------------------------------------------------ views and flights
    def _origin(self):
        return self.scene_of(0).origin

    def camera_of(self, k: int):
        from stadtbild.viewer.camera import resolve_view

        w, h = self.viewport.plotter.window_size
        scene = self.viewport.scene or self.scene_of(0)
        return resolve_view(self.views[k], scene.bounds, scene.origin, aspect=w / h if min(w, h) >= 16 else 16 / 9)

    def go_to(self, k: int, animate: bool = True) -> None:
        if not self.views:
            return
        k = max(0, min(len(self.views) - 1, int(k)))
        self.index = k
        self.auto_frame = False
        target = self.camera_of(k)
        if animate:
            self._flight = (camera_state(self.viewport.plotter), target, time.monotonic(), FLIGHT_S)
            if not self._timer.isActive():
                self._timer.start()
        else:
            self._flight = None
            target.apply(self.viewport.plotter)
            self.viewport.render()
        self._update_labels()

    def next_view(self) -> None:
        self._stop_play()
        if self.views:
            self.go_to(min(self.index + 1, len(self.views) - 1))

    def previous_view(self) -> None:
        self._stop_play()
        if self.views:
            self.go_to(max(self.index - 1, 0))

    def flying(self) -> bool:
        return self._flight is not None

    def _tick(self) -> None:
        now = time.monotonic()
        if self._playing == "tour":
            t = now - self._tour_t0
            tour, cams = self._tour_cache
            cam, k = tour.camera_at(t, cams)
            cam.apply(self.viewport.plotter)
            self.viewport.render()
            if k != self.index:
                self.index = k
                self._update_labels()
            if t >= tour.duration_s:
                self._stop_play()
            return
        if self._flight is not None:
            from stadtbild.viewer.camera import flight

            a, b, t0, dur = self._flight
            s = min(1.0, (now - t0) / dur)
            flight(a, b, s).apply(self.viewport.plotter)
            self.viewport.render()
            if s >= 1.0:
                self._flight = None
        if self._flight is None and self._playing is None:
            self._timer.stop()

    def current_tour(self):
        from stadtbild.viewer.camera import Tour

        return Tour(self.title or "Tour", [dict(v) for v in self.views])

    # ------------------------------------------------------------------ play / pause
    def toggle_play(self) -> None:
        if self._playing:
            self._stop_play()
            return
        if self.play_kind() == "tour":
            tour = self.current_tour()
            self._tour_cache = (tour, [self.camera_of(k) for k in range(len(self.views))])
            self._tour_t0 = time.monotonic()
            self._flight = None
            self._playing = "tour"
            self._timer.start()
        else:
            self._playing = "sun"
            self._sun_timer = QTimer(self)
            self._sun_timer.setInterval(SUN_TICK_MS)
            self._sun_timer.timeout.connect(self._sun_tick)
            self._sun_timer.start()
        self.play_button.setText("❚❚ " + _t("Pause"))

    def play_kind(self) -> str:
        """What Play and the video show: the tour with two saved views or more and "Shadows" off,
        else the sun over the day."""
        return "tour" if len(self.views) >= 2 and not self.shadow_check.isChecked() else "sun"

    def _sun_tick(self) -> None:
        v = self.time_slider.value() + SUN_STEP_MIN
        if v > self.time_slider.maximum():
            self._stop_play()
            return
        self.time_slider.setValue(v)

    def _stop_play(self) -> None:
        if self._playing == "sun":
            self._sun_timer.stop()
        self._playing = None
        self.play_button.setText("▶ " + _t("Play"))

    def playing(self):
        return self._playing

    # ------------------------------------------------------------------ sun and shadows
    def when_local(self) -> dt.datetime | None:
        from stadtbild.viewer.sun_animation import when_from_day_of_year

        site = self.site()
        if site is None:
            return None
        return when_from_day_of_year(self.year, self.day_slider.value(), self.time_slider.value(), site.tz)

    def site(self):
        if not hasattr(self, "_site"):
            try:
                from stadtbild.analysis.sun import site_from_model

                self._site = site_from_model(self.scene_of(0))
            except Exception as exc:  # noqa: BLE001 — no CRS: the sun controls just stay idle
                log.info("presentation: no site: %s", exc)
                self._site = None
        return self._site

    def _sun_changed(self, *_args) -> None:
        site = self.site()
        if site is None:
            self.sun_label.setText(_t("no site (CRS unknown): sun unavailable"))
            return
        from stadtbild.analysis.sun import sun_positions

        when = self.when_local()
        sun = sun_positions([when], site)
        self.sun = sun
        el, az = float(sun.elevation_deg[0]), float(sun.azimuth_deg[0])
        d = sun.direction_grid()[0]
        self._show_sun_text()
        self._update_shadows(d)
        if not self.shadow_check.isChecked():
            for vp in (self.viewport, self.viewport_b):
                if vp.scene is not None and (vp is self.viewport or vp.isVisible()):
                    vp.set_sun_direction(d if el > 0 else None)  # renders

    def _show_sun_text(self) -> None:
        when, sun = self.when_local(), self.sun
        el, az = float(sun.elevation_deg[0]), float(sun.azimuth_deg[0])
        text = f"{when:%d.%m.} {when:%H:%M} · "
        text += (_t("Sun: azimuth {az}°, elevation {el}°").format(az=f"{az:.0f}", el=f"{el:.0f}") if el > 0
                 else _t("Sun below the horizon"))
        self.sun_label.setText(text)

    def _update_shadows(self, d) -> None:
        """With "Shadows": the computed shadows of the selected instant in every visible view (a
        worker traces the rays; the view shows them when it is done). Without: the plain picture."""
        targets = [self.viewport] + ([self.viewport_b] if self.viewport_b.isVisible() else [])
        for vp in targets:
            if not self.shadow_check.isChecked():
                if vp.picture is not None and vp.picture.shading is not None:
                    vp.set_picture(vp.picture_spec, render=False)  # the picture without its sun
                continue
            self._start_shadow_job(vp, self.when_local())

    def _start_shadow_job(self, vp, when) -> None:
        """Trace the shadows of ``when`` for ``vp`` in a worker (one job per view: a newer instant
        waits until the running one is shown)."""
        from stadtbild.viewer.finish import PRESETS
        from stadtbild.viewer.picture import PictureSpec

        key = id(vp)
        if key in self._shadow_jobs:
            self._pending_sun = True
            return
        if vp.picture is None:
            vp.set_picture(vp.picture_spec or PictureSpec(finish=PRESETS["plain"]), render=False)
        picture, site = vp.picture, self.site()
        self.sun_label.setText(_t("Computing shadows …"))

        def run(progress, cancelled):
            picture.make_shading(site=site)
            return picture.sun_state(when)

        def done(state, vp=vp, picture=picture):
            self._shadow_jobs.pop(key, None)
            if vp.picture is picture and self.shadow_check.isChecked():
                vp.set_sun_time(when, state)
                if vp is self.viewport:
                    self.last_shadow = picture.last_ground_shadow
                    self.last_sun_state = state
            if getattr(self, "_pending_sun", False):
                self._pending_sun = False
                self._sun_changed()
            else:
                self._show_sun_text()

        def failed(msg):
            self._shadow_jobs.pop(key, None)
            self.sun_label.setText(msg)

        self._shadow_jobs[key] = self.jobs.start(run, _t("Shadows"), on_done=done, on_error=failed,
                                                 on_cancel=lambda: self._shadow_jobs.pop(key, None))

    def shown(self):
        """What the window shows now, as plain data for an export (:class:`app.presentation_export.Shown`)."""
        from .presentation_export import Shown

        k = self.state_index()
        scene, ghost, new = self._parts(k)
        when = self.when_local()
        return Shown(scene=scene, ghost=ghost, new_ids=new, camera=camera_state(self.viewport.plotter),
                     title=self.title or None, subtitle=self.view_label.text() or None, credit=self.credit,
                     picture=self._picture_of(self.states[k][1]), when=when,
                     tz=self.site().tz if when is not None else None, shadows=self.shadow_check.isChecked(),
                     tour=self.current_tour())

    # ------------------------------------------------------------------ saving views, tour
    def _current_bookmark(self, n: int) -> dict:
        from stadtbild.viewer.camera import bookmark_from_plotter

        scene = self.viewport.scene or self.scene_of(0)
        bm = bookmark_from_plotter(self.viewport.plotter, _t("View {n}").format(n=n + 1), origin=scene.origin)
        bm["duration_s"] = 4.0
        return bm

    def save_current_view(self) -> dict:
        bm = self._current_bookmark(len(self.views))
        self.views.append(bm)
        self.index = len(self.views) - 1
        self._update_labels()
        self.views_changed.emit(self.views)
        return bm

    def edit_tour(self) -> None:
        from .tour_dialog import TourDialog

        dlg = TourDialog(self.views, self._current_bookmark, self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.set_views(dlg.result_views())

    def save_tour(self, path) -> str:
        """Write the views as a tour JSON file (``main.py render FILE --tour T.json -o tour.mp4``)."""
        import json

        from stadtbild.model.fileio import atomic_write_bytes

        data = self.current_tour().to_dict()
        atomic_write_bytes(path, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        return str(path)

    def load_tour(self, path) -> None:
        """Replace the views by those of a tour JSON file (InputError for a bad file)."""
        from stadtbild.viewer.camera import Tour

        tour = Tour.load(path)
        self.set_views(tour.views)

    def store_in_project(self, project) -> None:
        """Put the views into a :class:`model.project.Project` as one tour (its ``views`` list)."""
        from stadtbild.viewer.camera import set_project_tour

        set_project_tour(project, self.current_tour())

    def set_views(self, views) -> None:
        self.views = [dict(v) for v in views]
        self.index = min(self.index, len(self.views) - 1)
        self._update_labels()
        self.views_changed.emit(self.views)

    # ------------------------------------------------------------------ labels, bar
    def _update_labels(self) -> None:
        state = self.states[self.state_index()][0] if len(self.states) > 1 else ""
        name = ""
        if 0 <= self.index < len(self.views):
            v = self.views[self.index]
            name = str(v.get("name") or v.get("view") or _t("View {n}").format(n=self.index + 1))
        self.view_label.setText(" · ".join(t for t in (state, name) if t))
        self.count_label.setText(_t("View {k} of {n}").format(k=self.index + 1, n=len(self.views)) if self.views
                                 and self.index >= 0 else (_t("no saved views") if not self.views else ""))

    def toggle_bar(self) -> None:
        self.bar.setVisible(not self.bar.isVisible())

    # ------------------------------------------------------------------ closing
    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self._closed = True
        self._timer.stop()
        self._stop_play()
        self.jobs.shutdown(3.0)
        self.viewport.close_view()
        self.viewport_b.close_view()
        self.closed.emit()
        super().closeEvent(event)


def open_presentation(window) -> PresentationWindow | None:
    """Open the presentation for a :class:`app.main_window.MainWindow`: its base model and the
    active variant as before/after, the views stored on the window (``presentation_views``)."""
    if window.base_model is None:
        return None
    states = [(_t("Existing"), window.base_model)]
    variant = window.variants.active() if hasattr(window, "variants") else None
    if window.model is not None and window.model is not window.base_model:
        states.append((getattr(variant, "name", None) or _t("Variant"), window.model))
    views = getattr(window, "presentation_views", None)
    if views is None:
        views = window.presentation_views = []
    from pathlib import Path

    title = ", ".join(Path(f).stem.replace(".city", "") for f in window.files[:2])
    state = getattr(window, "state", None)
    controls = getattr(window, "picture_controls", None)
    pres = PresentationWindow(states, views, title=title, screen=window.screen(),
                              when=state.when_local if state is not None else None,
                              picture=controls.spec if controls is not None else None)
    pres.views_changed.connect(lambda v: setattr(window, "presentation_views", list(v)))
    # back in the planner's window after Esc, with its shortcuts working (the window manager
    # would otherwise leave no window active once the full-screen window is gone); asked for once
    # the presentation is hidden, else the window manager may still hand the focus back to it
    pres.closed.connect(lambda: QTimer.singleShot(0, lambda: (window.raise_(), window.activateWindow())))
    window._presentation = pres
    return pres


def menu_text() -> str:
    """Text of the main window's View ▸ Presentation action."""
    return _t("Presentation (full screen)")
