"""Stadtbild main window: the 3D view in the centre, docks for layers, attributes, search,
analysis, variants and legend, menus and toolbars, status bar with cursor coordinates.

Everything slow (loading, analyses) runs in :mod:`app.workers` jobs; the window stays responsive
and every job can be cancelled. Bad input ends in a dialog with the one-line cause of
``model.errors.InputError``.

The window's state (model, variants, selection, sun time, analysis results) is one
:class:`app.state.AppState` (``window.state``); the docks and the 3D view follow its signals, the
analysis results are drawn by :class:`app.results_view.ResultsView`. ``window.model``,
``window.scene`` … are read-only views of that state.
"""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QImage, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (QApplication, QFileDialog, QLabel, QMainWindow, QMessageBox, QProgressBar,
                               QPushButton, QToolBar)

from stadtbild.model.labels import labels_text
from stadtbild.model.resources import DEMO_DISTRICT

from . import i18n
from .analysis import AnalysisContext, AnalysisDock
from .attributes import AttributeDock
from .city_tiles import open_city_dialog
from .commands import demolish_command
from .i18n import error_text, format_number, tr
from .layers import LayerDock
from .picture_controls import _t as _pt
from .legend import LegendDock
from .scenario_adapter import apply_variant, expand_with_parts, load_variant, save_variant
from .results_view import ResultsView
from .search import SearchDock
from .settings import Settings
from .state import AnalysisRun, AppState
from .variants import VariantsDock
from .viewport import Viewport
from .workers import JobRunner

log = logging.getLogger("stadtbild.app")
LIVE_SHADOW_DEBOUNCE_MS = 100  # the slider may move on; the shadow of where it rests is computed
MODEL_FILTER = QT_TRANSLATE_NOOP(
    "", "City models (*.json *.city.json *.jsonl *.city.jsonl *.gml *.xml *.citygml);;All files (*)")


class MainWindow(QMainWindow):
    def __init__(self, qsettings=None, language: str | None = None):
        super().__init__()
        self.setObjectName("StadtbildMainWindow")
        self.settings = Settings(qsettings)
        i18n.set_language(language or self.settings.language(i18n.DEFAULT_LANGUAGE))
        self.jobs = JobRunner(self)
        self.undo_group = QUndoGroup(self)
        self.state = AppState(self.undo_group, self)
        self.last_result = None
        self.last_run: AnalysisRun | None = None
        self.timings: dict[str, float] = {}
        self.last_error: str | None = None
        self._error_box = None
        self._load_job = None
        self._analysis_job = None
        self._live_job = None
        self.study_extent = None  # shadow / sun-hours area of the open model (analysis_calls.study_extent)
        self.compare = False

        self.viewport = Viewport(self)
        self.setCentralWidget(self.viewport)
        self.layers = LayerDock(self.viewport, self)
        self.attributes = AttributeDock(self)
        self.search = SearchDock(self)
        self.analysis = AnalysisDock(self)
        self.variants = VariantsDock(self.state, self)
        self.legend = LegendDock(self)
        from .measure_panel import MeasureDock

        self.measure = MeasureDock(self)  # every measurement in a table to copy from
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.layers)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.search)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.variants)
        self.tabifyDockWidget(self.search, self.variants)
        self.search.raise_()
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.attributes)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.analysis)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.legend)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.measure)
        self.tabifyDockWidget(self.attributes, self.analysis)
        self.tabifyDockWidget(self.analysis, self.measure)
        self.attributes.raise_()

        from .picture_controls import PictureControls

        self.picture_controls = PictureControls(self)  # orthophoto, rasters, 2D layers, textures, finish
        self._build_actions()
        self._build_status_bar()
        self.setAcceptDrops(True)

        vp = self.viewport
        vp.object_clicked.connect(self.on_object_clicked)
        vp.box_selected.connect(self.on_box_selected)
        vp.cursor_moved.connect(self.on_cursor)
        vp.measured.connect(lambda text: self.statusBar().showMessage(text, 0))
        vp.measurement.connect(self.measure.add)
        self.measure.clear_button.clicked.connect(lambda: (self.viewport.clear_measurements(), self.measure.clear()))
        vp.point_picked.connect(self._point_picked)
        vp.mode_changed.connect(self._mode_changed)
        vp.footprint_drawn.connect(self.on_footprint_drawn)
        from .geo_layers import GeoLayers

        self.geo_layers = GeoLayers(self)  # 2D layers on the ground: style, labels, legend, click
        self._dialog = None
        self.search.select_ids.connect(self.select_and_zoom)
        self.analysis.run_requested.connect(self.run_analysis)
        self.analysis.cancel_requested.connect(self.cancel_analysis)
        self.analysis.clear_button.clicked.connect(self.clear_result)
        self.analysis.sun_changed.connect(self._sun_changed)
        for page in self.analysis.pages:  # sightline / viewshed / view corridor pages: points picked in the view
            for slot, button in enumerate(getattr(page, "pick_buttons", ())):
                button.clicked.connect(lambda _c=False, k=page.key, s=slot: self._ask_point(k, s))
        self._point_request = None
        self.state.active_variant_changed.connect(lambda _v: self.apply_edits(reset_camera=False))
        self.variants.compare_changed.connect(self._compare_changed)
        self.variants.load_requested.connect(self.load_scenario)
        self.variants.save_requested.connect(self.save_scenario)
        self.undo_group.indexChanged.connect(lambda _i: self.state.edits_changed())
        self.state.selection_changed.connect(self._selection_changed)
        self.results_view = ResultsView(self.state, self.viewport, self.legend, self.layers, self,
                                        extra_legend=self._theme_legend, describe_stale=self.describe_stale)
        self.state.results_changed.connect(self._show_page_result)
        self.analysis.page_changed.connect(lambda _p: self._show_page_result())
        self.analysis.params_changed.connect(self._page_params_changed)
        self.viewport.light_changed.connect(self.legend.set_sun_direction)
        self._live_timer = QTimer(self)  # the instant shadow follows the time slider (debounced)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_SHADOW_DEBOUNCE_MS)
        self._live_timer.timeout.connect(self._live_shadow)
        self.analysis.sun.slider.sliderReleased.connect(self._slider_released)
        self.attributes.row_providers.append(self._sunlight_rows)  # the clicked building's DIN 5034-1 figures
        self.state.results_changed.connect(self._show_attributes)

        self.resize(1500, 950)
        geometry, state = self.settings.layout()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        from .autosave import AutosaveController

        self.autosave = AutosaveController(self)  # journal of the edits; recovery after a crash
        from .colour_themes import ColourThemes
        from .project_io import ProjectController
        from .solar_panel import SolarController

        self.solar = SolarController(self)  # roof figures + monthly chart after a solar run
        self.colour_themes = ColourThemes(self)  # View > Colour by
        self.projects = ProjectController(self)  # File > project, variant comparison
        from .transform_tool import TransformTool

        self.transform_tool = TransformTool(self)  # Edit > move/rotate by dragging in the view
        from .bplan import PlanController

        self.bplan = PlanController(self)  # File > Bebauungsplan (XPlanGML): layer, hiding, compliance page
        from .guidance import Guidance

        self.guidance = Guidance(self)  # tool hints in the status bar, keyboard back after dialogs
        self.retranslate()

    # ------------------------------------------------------------------ the state, read-only
    @property
    def base_model(self):
        """The untouched source model."""
        return self.state.base_model

    @property
    def model(self):
        """The active variant's model (what the view shows)."""
        return self.state.model

    @property
    def scene(self):
        return self.state.scene

    @property
    def files(self) -> list[str]:
        return self.state.files

    @property
    def selected(self) -> list[str]:
        """Selected objects (roots: buildings, not their parts)."""
        return self.state.selection

    @property
    def metrics(self):
        return self.state.metrics

    # ------------------------------------------------------------------ actions, menus
    def _act(self, slot=None, shortcut=None, checkable=False, group=None) -> QAction:
        a = QAction(self)
        if slot is not None:
            a.triggered.connect(slot)
        if shortcut:
            a.setShortcuts(shortcut if isinstance(shortcut, list) else [shortcut])
        a.setCheckable(checkable)
        if group is not None:
            group.addAction(a)
        return a

    def _build_actions(self) -> None:
        A = {}
        A["open"] = self._act(self.open_dialog, QKeySequence.StandardKey.Open)
        A["open_folder"] = self._act(self.open_folder_dialog)
        A["open_city"] = self._act(lambda: open_city_dialog(self))  # tiled city view (viewer.tiles)
        A["open_demo"] = self._act(lambda: self.open_paths([DEMO_DISTRICT]))
        A["screenshot"] = self._act(self.save_screenshot_dialog)
        A["export"] = self._act(self.export_dialog, QKeySequence("Ctrl+E"))
        A["publish"] = self._act(self.publish_dialog)
        A["quit"] = self._act(self.close, QKeySequence.StandardKey.Quit)
        A["undo"] = self.undo_group.createUndoAction(self)
        A["undo"].setShortcuts([QKeySequence("Ctrl+Z")])
        A["redo"] = self.undo_group.createRedoAction(self)
        A["redo"].setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        A["demolish"] = self._act(self.demolish_selected, QKeySequence(Qt.Key.Key_Delete))
        A["set_height"] = self._act(self.set_height_selected)
        A["draw_extrude"] = self._act(lambda: self.viewport.set_mode("draw"), QKeySequence("Ctrl+Shift+E"))
        A["insert_file"] = self._act(self.insert_file_dialog)
        A["add_layer"] = self._act(self.add_layer_dialog)
        pc = self.picture_controls
        A["add_ortho"] = self._act(pc.add_ortho_dialog)
        A["add_flood"] = self._act(lambda: pc.add_raster_dialog("flood"))
        A["add_raster"] = self._act(lambda: pc.add_raster_dialog("ramp"))
        finishes = QActionGroup(self)
        for preset in ("presentation", "interactive", "plain"):
            A[f"finish_{preset}"] = self._act(lambda _=False, p=preset: self._set_finish(p), checkable=True,
                                              group=finishes)
        A["finish_plain"].setChecked(True)
        for part in ("sky", "fog", "ssao", "edl"):
            A[f"finish_{part}"] = self._act(lambda on, pp=part: self._set_finish(pp, on), checkable=True)
        A["clear_selection"] = self._act(lambda: self.set_selection([]))
        A["load_scenario"] = self._act(self.load_scenario)
        A["save_scenario"] = self._act(self.save_scenario)
        views = {"iso": "1", "top": "2", "north": "3"}
        for v, key in views.items():
            A[f"view_{v}"] = self._act(lambda _=False, vv=v: self.viewport.set_view(vv), QKeySequence(f"Ctrl+{key}"))
        A["north_up"] = self._act(self.viewport.north_up, QKeySequence("Ctrl+N"))
        A["zoom_sel"] = self._act(lambda: self.viewport.zoom_to(), QKeySequence("Ctrl+F"))
        A["zoom_all"] = self._act(lambda: self.viewport.zoom_to([]), QKeySequence("Ctrl+0"))
        A["presentation"] = self._act(self.open_presentation, QKeySequence(Qt.Key.Key_F5))  # app.presentation
        tools = QActionGroup(self)
        tools.setExclusive(True)
        for mode, key in (("select", "S"), ("box", "B"), ("distance", "M"), ("height", "H"), ("area", "A"),
                          ("walk", "W")):
            A[f"mode_{mode}"] = self._act(lambda _=False, m=mode: self.viewport.set_mode(m),
                                          QKeySequence(f"Ctrl+Shift+{key}"), checkable=True, group=tools)
        A["mode_select"].setChecked(True)
        A["clear_measure"] = self._act(lambda: (self.viewport.clear_measurements(), self.measure.clear()))
        langs = QActionGroup(self)
        for lang in i18n.LANGUAGES:
            A[f"lang_{lang}"] = self._act(lambda _=False, lg=lang: self.set_language(lg), checkable=True, group=langs)
        A["about"] = self._act(self.about)
        A["navigation_help"] = self._act(self.navigation_help, QKeySequence(Qt.Key.Key_F1))
        self.actions_by_name = A

        mb = self.menuBar()
        self.menus = {}
        m = self.menus["file"] = mb.addMenu("")
        m.addActions([A["open"], A["open_folder"], A["open_city"], A["open_demo"], A["add_layer"], A["add_ortho"],
                      A["add_flood"], A["add_raster"]])
        self.recent_menu = m.addMenu("")
        m.addSeparator()
        m.addActions([A["load_scenario"], A["save_scenario"], A["export"], A["publish"], A["screenshot"]])
        m.addSeparator()
        m.addAction(A["quit"])
        m = self.menus["edit"] = mb.addMenu("")
        m.addActions([A["undo"], A["redo"]])
        m.addSeparator()
        m.addActions([A["demolish"], A["set_height"], A["draw_extrude"], A["insert_file"], A["clear_selection"]])
        m = self.menus["view"] = mb.addMenu("")
        m.addActions([A["view_iso"], A["view_top"], A["view_north"], A["north_up"]])
        m.addSeparator()
        m.addActions([A["zoom_sel"], A["zoom_all"]])
        m.addAction(A["presentation"])
        m.addSeparator()
        self.finish_menu = m.addMenu("")
        self.finish_menu.addActions([A["finish_presentation"], A["finish_interactive"], A["finish_plain"]])
        self.finish_menu.addSeparator()
        self.finish_menu.addActions([A["finish_sky"], A["finish_fog"], A["finish_ssao"], A["finish_edl"]])
        self._sync_finish_actions()
        self.docks_menu = m.addMenu("")
        for d in (self.layers, self.attributes, self.search, self.analysis, self.variants, self.legend, self.measure):
            self.docks_menu.addAction(d.toggleViewAction())
        m = self.menus["tools"] = mb.addMenu("")
        m.addActions([A["mode_select"], A["mode_box"], A["mode_distance"], A["mode_height"], A["mode_area"],
                      A["mode_walk"]])
        m.addSeparator()
        m.addAction(A["clear_measure"])
        m = self.menus["language"] = mb.addMenu("")
        m.addActions([A["lang_de"], A["lang_en"]])
        m = self.menus["help"] = mb.addMenu("")
        m.addAction(A["navigation_help"])
        m.addAction(A["about"])

        tb = self.toolbar = QToolBar(self)
        tb.setObjectName("MainToolBar")
        self.addToolBar(tb)
        tb.addActions([A["open"]])
        tb.addSeparator()
        tb.addActions([A["view_iso"], A["view_top"], A["view_north"], A["north_up"], A["zoom_sel"]])
        tb.addSeparator()
        tb.addActions([A["mode_select"], A["mode_box"], A["mode_distance"], A["mode_height"], A["mode_area"],
                       A["mode_walk"]])
        tb.addSeparator()
        tb.addActions([A["demolish"], A["draw_extrude"], A["undo"], A["redo"]])

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.cursor_label = QLabel()
        self.cursor_label.setMinimumWidth(420)
        self.selection_label = QLabel()
        self.selection_label.setMinimumWidth(110)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(180)
        self.progress.hide()
        self.cancel_button = QPushButton()
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.jobs.cancel_all)
        sb.addPermanentWidget(self.selection_label)
        sb.addPermanentWidget(self.cursor_label)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.cancel_button)
        self.jobs.job_started.connect(self._job_started)
        self.jobs.job_ended.connect(self._job_ended)

    def retranslate(self) -> None:
        A = self.actions_by_name
        texts = {
            "open": tr("&Open…"), "open_folder": tr("Open &folder of tiles…"), "open_demo": tr("Open &demo district"),
            "open_city": tr("Open &city (large folder of tiles)…"),
            "screenshot": tr("Save &image of the view…"), "quit": tr("&Quit"), "export": tr("&Export…"),
            "publish": tr("&Publish…"),
            "demolish": tr("&Demolish selected"), "clear_selection": tr("Clear selection"),
            "load_scenario": tr("Load &variant (scenario)…"), "save_scenario": tr("Save variant (scenario)…"),
            "view_iso": tr("Isometric view"), "view_top": tr("Top view"), "view_north": tr("Front view (looking north)"),
            "north_up": tr("North up"), "zoom_sel": tr("Zoom to selection"), "zoom_all": tr("Zoom to all"),
            "mode_select": tr("Select"), "mode_box": tr("Box select"), "mode_distance": tr("Measure distance"),
            "mode_height": tr("Measure height above ground"), "mode_walk": tr("Walk (eye height 1.6 m)"),
            "mode_area": tr("Measure the area of a surface"),
            "clear_measure": tr("Clear measurements"), "about": tr("About Stadtbild"),
            "navigation_help": tr("Navigation and keys"),
            "set_height": tr("Set &height of selected…"), "draw_extrude": tr("Draw footprint and e&xtrude"),
            "insert_file": tr("&Insert design (file) at a point…"), "add_layer": tr("Add 2D &layer (GeoJSON, GPKG, SHP)…"),
            "add_ortho": _pt("Add aerial image (orthophoto)…"), "add_flood": _pt("Add flood depth raster…"),
            "add_raster": _pt("Add raster (colour ramp)…"),
            "finish_presentation": _pt("Presentation (anti-aliasing, ambient occlusion)"),
            "finish_interactive": _pt("Interactive (sky and haze)"), "finish_plain": _pt("Plain"),
            "finish_sky": _pt("Sky"), "finish_fog": _pt("Haze"), "finish_ssao": _pt("Ambient occlusion (SSAO)"),
            "finish_edl": _pt("Eye-dome lighting"),
            "lang_de": "Deutsch", "lang_en": "English",
        }
        for k, text in texts.items():
            A[k].setText(text)
        short = {"open": tr("Open"), "view_iso": tr("Iso"), "view_top": tr("Top"), "view_north": tr("Front"),
                 "north_up": tr("North"), "zoom_sel": tr("Zoom"), "mode_select": tr("Select"),
                 "mode_box": tr("Box"), "mode_distance": tr("Distance"), "mode_height": tr("Height"),
                 "mode_area": tr("Area"),
                 "mode_walk": tr("Walk"), "demolish": tr("Demolish"), "draw_extrude": tr("Extrude")}
        for k, text in short.items():
            A[k].setIconText(text)
            A[k].setToolTip(texts[k].replace("&", ""))
        from .presentation import menu_text as presentation_text

        A["presentation"].setText(presentation_text())
        A["undo"].setText(tr("&Undo"))
        A["redo"].setText(tr("&Redo"))
        A[f"lang_{i18n.current_language()}"].setChecked(True)
        menu_texts = {"file": tr("&File"), "edit": tr("&Edit"), "view": tr("&View"), "tools": tr("&Tools"),
                      "language": tr("&Language"), "help": tr("&Help")}
        for k, text in menu_texts.items():
            self.menus[k].setTitle(text)
        self.recent_menu.setTitle(tr("Recent files"))
        self.docks_menu.setTitle(tr("Panels"))
        self.finish_menu.setTitle(_pt("Picture quality"))
        self.toolbar.setWindowTitle(tr("Tools"))
        self.cancel_button.setText(tr("Cancel"))
        for d in (self.layers, self.attributes, self.search, self.analysis, self.variants, self.legend, self.measure):
            d.retranslate()
        for ext in (getattr(self, "solar", None), getattr(self, "colour_themes", None), getattr(self, "projects", None),
                    getattr(self, "transform_tool", None), getattr(self, "bplan", None),
                    getattr(self, "guidance", None)):
            if ext is not None:
                ext.retranslate()
        self._update_title()
        self._update_selection_label()
        self._fill_recent_menu()
        if self.viewport.scene is None:
            self.cursor_label.setText(tr("Open a city model: File ▸ Open, or drop files here"))

    def set_language(self, lang: str) -> None:
        i18n.set_language(lang)
        self.settings.set_language(lang)
        self.retranslate()

    def _update_title(self) -> None:
        name = ", ".join(Path(f).name for f in self.files[:3]) + (" …" if len(self.files) > 3 else "")
        self.setWindowTitle(f"{name} – Stadtbild" if name else "Stadtbild")

    # ------------------------------------------------------------------ files
    def open_dialog(self) -> None:
        if not self.projects.maybe_save(tr("opening another model")):
            return
        start = str(Path(self.files[0]).parent) if self.files else str(Path.home())
        paths, _ = QFileDialog.getOpenFileNames(self, tr("Open city model(s)"), start, tr(MODEL_FILTER))
        if paths:
            self.open_paths(paths, ask=False)

    def open_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Open a folder of tiles"), str(Path.home()))
        if folder:
            self.open_paths([folder])

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        entries = self.settings.recent_files()
        for paths in entries:
            label = Path(paths[0]).name + (f" (+{len(paths) - 1})" if len(paths) > 1 else "")
            a = self.recent_menu.addAction(label)
            a.setToolTip("\n".join(paths))
            a.triggered.connect(lambda _=False, p=paths: self.open_paths(p))
        if not entries:
            a = self.recent_menu.addAction(tr("(none)"))
            a.setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(tr("Clear list"), lambda: (self.settings.clear_recent(), self._fill_recent_menu()))

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_paths(paths)

    def open_paths(self, paths, ask: bool = True) -> None:
        """Load one file, several files (tiles) or a folder as one model, in a worker thread.
        With ``ask``, unsaved work is first saved or discarded (or the open cancelled) by the
        user (app.project_io.ProjectController.maybe_save)."""
        if ask and not self.projects.maybe_save(tr("opening another model")):
            return
        paths = [str(p) for p in paths]
        from stadtbild.importers.xplanung import is_xplangml

        plans = [p for p in paths if Path(p).is_file() and is_xplangml(p)]
        if plans:  # a Bebauungsplan dropped or opened: a plan layer of the open model, not a model
            for p in plans:
                self.bplan.load(p)
            paths = [p for p in paths if p not in plans]
            if not paths:
                return
        if self._load_job is not None:
            self._load_job.cancel()
        t0 = time.perf_counter()

        def load(progress, cancelled):
            from stadtbild.importers import load as load_one
            from stadtbild.importers import load_many

            progress(0.02)
            model = load_one(paths[0]) if len(paths) == 1 else load_many(paths)
            progress(0.6)
            if cancelled():
                return None
            scene = model.scene()
            progress(1.0)
            return model, scene, time.perf_counter() - t0

        self.statusBar().showMessage(tr("Loading {name} …").format(name=", ".join(Path(p).name for p in paths)))
        job = self.jobs.start(load, tr("Loading"), on_done=lambda r: self._loaded(job, paths, r, t0),
                              on_error=lambda msg: self._load_failed(job, msg),
                              on_cancel=lambda: self._load_cancelled(job))
        self._load_job = job

    def _load_failed(self, job, message: str) -> None:
        if job is self._load_job:
            self._load_job = None
        self.statusBar().clearMessage()
        self.show_error(message)

    def _load_cancelled(self, job) -> None:
        if job is self._load_job:
            self._load_job = None
        self.statusBar().showMessage(tr("Loading cancelled"), 5000)

    def _loaded(self, job, paths, result, t0: float) -> None:
        if job is not self._load_job or result is None:
            return
        self._load_job = None
        model, scene, load_s = result
        self.show_model(model, scene, paths, t0=t0, load_s=load_s)

    def show_model(self, model, scene, paths, t0: float | None = None, load_s: float = 0.0) -> None:
        """Make an already loaded ``model`` (and its ``scene``) the open model: fresh variants,
        selection, layers, view."""
        t0 = time.perf_counter() if t0 is None else t0
        if scene.n_triangles == 0:
            self.show_error(tr("{file}: nothing to show: the model has no surface geometry").format(file=paths[0]))
            return
        self.clear_result()
        self.viewport.set_mode("select")
        self.viewport.layers = {}  # a new model starts with default layer colours
        self.geo_layers.clear()
        self.picture_controls.clear()  # no aerial image or rasters of the last model
        self.viewport.picture_spec = self.picture_controls.spec(model)  # its textures, the finish
        self.viewport.selection = []
        t1 = time.perf_counter()
        self.viewport.set_scene(scene, model, reset_camera=True)  # renders the first frame synchronously
        self.study_extent = None
        self.state.open_model(model, scene, paths)
        projects = getattr(self, "projects", None)
        if projects is not None:  # a model opened on its own is no saved project (yet)
            projects.path = None
            projects.mark_saved()
        self.autosave.switch_to_work()  # its own journal; the previous model's stays
        self.timings = {"load_s": load_s, "first_frame_s": time.perf_counter() - t0,
                        "scene_to_frame_s": time.perf_counter() - t1}
        self.layers.populate(self._type_counts(), paths)
        self.picture_controls._rows()
        self.search.set_model(model)
        self.attributes.show_object(None, None, None)
        self.legend.show_surfaces()
        self.settings.add_recent(paths)
        self._fill_recent_menu()
        self._update_title()
        self._update_selection_label()
        self.cursor_label.setText("")
        self._update_params()
        textures = getattr(model, "textures", None)
        texture_note = textures.missing_note() if textures is not None else None
        for w in [*model.warnings, *([texture_note] if texture_note else [])]:
            log.info("%s", w)
        for notice in getattr(model, "notices", []):  # loaded, but not whole (a cut-off file): say so
            self.show_error(error_text(notice))
        crs = model.crs.name or tr("unknown CRS")
        self.statusBar().showMessage(
            tr("{n} objects, {t} triangles, {crs} – first frame after {s} s").format(
                n=len(model.objects), t=scene.n_triangles, crs=crs, s=format_number(self.timings["first_frame_s"], 2)),
            15000)
        self._sun_changed()
        self._start_metrics()
        self.autosave.offer_for_open_model()  # its unsaved work from a crash or a discard, if any

    def _type_counts(self) -> dict[str, int]:
        """Objects per type as the file has them (a Building whose geometry is in its
        BuildingParts counts too), for the types the view draws."""
        drawn = dict.fromkeys(self.scene.object_types)
        counts = {t: 0 for t in drawn}
        for obj in self.model.objects.values():
            if obj.type in counts:
                counts[obj.type] += 1
        return counts

    def _start_metrics(self) -> None:
        """Computed metrics for the attribute table, in the background (analysis.metrics)."""
        from stadtbild.analysis.metrics import compute_metrics

        model = self.model

        def run(progress, cancelled):
            return model, compute_metrics(model)

        def done(result):
            m, metrics = result
            if m is self.model:
                self.state.metrics = metrics
                self._show_attributes()

        self.jobs.start(run, tr("Metrics"), on_done=done, on_error=lambda msg: log.warning("metrics: %s", msg))

    # ------------------------------------------------------------------ errors
    def show_error(self, message: str) -> None:
        """A dialog with the one-line cause (non-blocking, so workers and tests go on)."""
        self.last_error = message
        log.warning("error dialog: %s", message)  # also into the log file (model.logs.setup_file_logging)
        box = QMessageBox(QMessageBox.Icon.Warning, tr("Stadtbild – error"), message, QMessageBox.StandardButton.Ok,
                          self)
        box.setObjectName("errorDialog")
        # with the extra "Copy log" button Qt finds no escape button by itself, and then neither
        # Esc nor the title bar's close button (nor close()) dismisses the box
        box.setEscapeButton(QMessageBox.StandardButton.Ok)
        copy_log = box.addButton(tr("Copy log"), QMessageBox.ButtonRole.ActionRole)
        copy_log.setToolTip(tr("Copy this message and the end of the log file, e.g. for a support request"))
        copy_log.clicked.connect(lambda: self.copy_log(message))
        box.open()
        self._error_box = box

    def copy_log(self, message: str = "") -> str:
        """Put the message, the version and the end of the log file on the clipboard."""
        from stadtbild.model.logs import log_path, read_log_tail, version

        text = f"Stadtbild {version()}\n{message}\n\n--- {log_path()} ---\n{read_log_tail()}"
        QApplication.clipboard().setText(text)
        return text

    def export_dialog(self) -> None:
        from .export_dialog import ask_export

        ask_export(self)

    def publish_dialog(self) -> None:
        from .publish_dialog import ask_publish

        ask_publish(self)

    # ------------------------------------------------------------------ selection
    def _root(self, oid: str) -> str:
        model = self.model or self.base_model
        seen = set()
        while model is not None and oid in model.objects and model.objects[oid].parents and oid not in seen:
            seen.add(oid)
            parent = model.objects[oid].parents[0]
            if parent not in model.objects:
                break
            oid = parent
        return oid

    def on_object_clicked(self, oid, additive: bool) -> None:
        if oid is None:
            if not additive:
                self.set_selection([])
                hit = self.geo_layers.feature_at(getattr(self.viewport, "last_click_point", None))
                if hit is not None:  # a click on a parcel (2D layer): its attributes
                    self.geo_layers.show_feature(*hit)
            return
        root = self._root(oid)
        if additive:
            sel = [s for s in self.selected if s != root] if root in self.selected else self.selected + [root]
        else:
            sel = [root]
        self.set_selection(sel)

    def on_box_selected(self, ids, additive: bool) -> None:
        roots = list(dict.fromkeys(self._root(i) for i in ids))
        self.set_selection(list(dict.fromkeys(self.selected + roots)) if additive else roots)

    def set_selection(self, ids) -> None:
        self.state.set_selection(ids)

    def _selection_changed(self, ids) -> None:
        model = self.model
        highlight = expand_with_parts(model, ids) if model is not None else set()
        self.viewport.set_selection(sorted(highlight))
        self._show_attributes()
        self._update_selection_label()

    def select_and_zoom(self, ids) -> None:
        self.set_selection([self._root(i) for i in ids])
        self.viewport.zoom_to(sorted(expand_with_parts(self.model, self.selected)))

    def _show_attributes(self) -> None:
        last = self.selected[-1] if self.selected else None
        metrics = None
        if last is not None and self.metrics is not None:
            try:
                row = self.metrics.row(last)
                metrics = {k: v for k, v in row.items() if k in ("ground_height_m", "eave_height_m", "ridge_height_m",
                                                                 "volume_m3", "roof_type") and v is not None}
            except (ValueError, KeyError):
                metrics = None
        self.attributes.show_object(self.model, self.scene, last, len(self.selected), metrics)

    def _sunlight_rows(self, object_id) -> list:
        """Attribute rows of the facade sunlight result on screen for the clicked building."""
        from .analysis_calls import sunlight_rows

        run = next((r for r in reversed(self.state.shown_runs()) if r.key.analysis == "sunlight"), None)
        if run is None or object_id is None:
            return []
        return sunlight_rows(run.result, self._root(object_id))

    def _update_selection_label(self) -> None:
        n = len(self.selected)
        self.selection_label.setText(tr("{n} selected").format(n=n) if n else "")

    def on_cursor(self, info) -> None:
        if info is None:
            self.cursor_label.setText("")
            return
        x, y, z = info["world"]
        crs = (self.model.crs.name if self.model is not None and self.model.crs.name else "")
        text = f"X {format_number(x, 2)}  Y {format_number(y, 2)}  Z {format_number(z, 2)} m"
        text += "  · " + tr("{h} m above ground").format(h=format_number(info["height_above_ground_m"], 2))
        if crs:
            text += f"  · {crs}"
        self.cursor_label.setText(text)
        self.last_cursor = info

    # ------------------------------------------------------------------ editing
    def demolish_selected(self) -> None:
        if not self.selected or self.variants.active_stack() is None:
            self.statusBar().showMessage(tr("Select buildings first (click in the 3D view)"), 5000)
            return
        ids = list(self.selected)
        variant, stack = self.edit_stack()
        stack.push(demolish_command(variant, ids, lambda: self.apply_edits(reset_camera=False), self.model))

    def edit_stack(self):
        """(variant, undo stack) that takes the next edit: a new named variant when "Bestand" (the
        untouched source) is active (app.variants.VariantsDock.stack_for_edit)."""
        variant, stack, created = self.variants.stack_for_edit()
        if created:
            self.statusBar().showMessage(tr("Edits go into the new variant “{name}”; Bestand stays the untouched "
                                            "source (rename the variant in the Variants panel)").format(name=variant.name),
                                         15000)
        return variant, stack

    def apply_edits(self, reset_camera: bool = False) -> None:
        """Rebuild the model and view from the base model and the active variant's edits."""
        if self.base_model is None:
            return
        variant = self.variants.active()
        try:
            model = apply_variant(self.base_model, variant)
            scene = model.scene()
        except Exception as exc:  # noqa: BLE001 — shown as a dialog, the edit stays in the list
            from stadtbild.model.errors import InputError

            self.show_error(error_text(exc) if isinstance(exc, InputError) else f"{type(exc).__name__}: {exc}")
            return
        ghost = None
        if self.compare and variant is not None and variant.edits:
            removed = [i for i in self.base_model.objects if i not in model.objects]
            if removed:
                ghost = self.base_model.scene(object_ids=removed)
        self.viewport.picture_spec = self.picture_controls.spec(model)  # the picture of this variant
        self.viewport.set_scene(scene, model, reset_camera=reset_camera, ghost=ghost)
        self.state.set_scene(model, scene)  # selection, result layers and the legend follow
        self.layers.populate(self._type_counts(), self.files)
        self.geo_layers.attach_rows()
        self.search.set_model(model)
        self._update_params()
        self._start_metrics()

    def _compare_changed(self, on: bool) -> None:
        self.compare = bool(on)
        self.apply_edits()

    def load_scenario(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Load variant"), "", tr("Scenarios (*.scenario.json *.json)"))
        if path:
            self.load_scenario_file(path)

    def load_scenario_file(self, path) -> None:
        from stadtbild.model.errors import InputError

        try:
            v = load_variant(path)
        except InputError as exc:
            self.show_error(error_text(exc))
            return
        self.variants.add_variant(v.name, v.edits)

    def save_scenario(self) -> None:
        v = self.variants.active()
        if v is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, tr("Save variant"), f"{v.name}.scenario.json",
                                              tr("Scenarios (*.scenario.json)"))
        if path:
            if any(Path(path).resolve() == Path(f).resolve() for f in self.files):
                self.show_error(tr("{file}: refusing to overwrite an input file").format(file=path))
                return
            save_variant(v, path)

    # ------------------------------------------------------------------ analyses
    def analysis_context(self, variant=None) -> AnalysisContext:
        """What a job of the active variant (or of ``variant``, whose model is then built) needs."""
        model, scene = self.model, self.scene
        if variant is not None and variant is not self.state.active:
            model = apply_variant(self.base_model, variant)
            scene = model.scene()
        if self.study_extent is None and self.base_model is not None:
            from .analysis_calls import study_extent

            self.study_extent = study_extent(self.base_model)
        ctx = AnalysisContext(model, scene, self.state.when_local, self.selected, base_model=self.base_model,
                              extent=self.study_extent)
        ctx.variant = variant or self.state.active  # whose edits these are (the plan check lists new ones first)
        return ctx

    def _update_params(self, pages=None) -> None:
        """Tell the state what every page would compute now (results not matching become stale)."""
        if self.base_model is None:
            return
        ctx = self.analysis_context()
        for page in pages or self.analysis.pages:
            self.state.set_params(page.key, page.params(ctx))

    def _page_params_changed(self, page) -> None:
        self._update_params([page])

    def describe_stale(self, run) -> str:
        """Why ``run`` is stale, in words: other edits of its variant, or other parameters."""
        from .state import edits_fingerprint

        v = self.state.variant_by_uid(run.key.variant)
        if v is None or run.key.edits != edits_fingerprint(v.edits):
            return tr("stale: computed before the latest edits")
        page = self.analysis.page(run.key.analysis)
        return tr("stale: computed for {params}").format(params=page.parameter_text(dict(run.key.params)))

    def run_analysis(self, page, variant=None, show: bool = True, on_done=None, replaces=None):
        """Run ``page`` for the active variant (or ``variant``) with the page's parameters now; a
        result with the same key is shown at once instead of being computed again. ``replaces``:
        a shown result the new one takes the place of (a live update: no progress, the other
        layers stay). Returns the job (None when the result was there or the run could not start)."""
        from stadtbild.model.errors import InputError

        if self.scene is None:
            self.show_error(tr("Open a city model first"))
            return None
        variant = variant or self.state.active
        try:
            ctx = self.analysis_context(variant)
            key = self._key(page, variant, ctx)
            done = self.state.result_for(key)
            if done is not None:
                if replaces is not None:
                    self.state.add_result(done, show=False, replaces=replaces)
                else:
                    done.live = False  # asked for: a layer that stays when the slider moves on
                self._finish_run(done, page, show, on_done)
                return None
            fn = page.job(ctx)
        except InputError as exc:
            self.show_error(error_text(exc))
            return None
        live = replaces is not None
        if not live:
            self.analysis.set_running(True)
            self.analysis.result_label.setText(tr("Running {name} …").format(name=page.title()))
        scene = ctx.scene
        job = self.jobs.start(fn, page.title(),
                              on_done=lambda r: self._analysis_done(job, page, key, scene, r, show, on_done, replaces),
                              on_error=lambda msg: self._analysis_failed(job, msg),
                              on_cancel=lambda: self._analysis_cancelled(job), quiet=True)
        if not live:
            job.signals.progress.connect(lambda f: self.analysis.progress.setValue(int(f * 1000)))
        self._analysis_job = job
        return job

    def _key(self, page, variant, ctx):
        from .state import ResultKey

        return ResultKey.make(variant, page.key, page.params(ctx))

    def _analysis_done(self, job, page, key, scene, result, show, on_done, replaces=None) -> None:
        from .state import AnalysisRun
        from stadtbild.viewer.scene_view import triangle_colours

        self._analysis_job = None
        if replaces is None:
            self.analysis.set_running(False)
            self.analysis.progress.setValue(1000)
        layer = page.layer(scene, triangle_colours(scene), result)
        run = AnalysisRun(key, result, layer, scene, seconds=job.seconds or 0.0)
        v = self.state.variant_by_uid(key.variant)
        if v is None:
            return  # the variant was deleted meanwhile
        self.state.add_result(run, show=show and v is self.state.active, replaces=replaces)
        self._finish_run(run, page, show, on_done)

    def _finish_run(self, run, page, show: bool, on_done) -> None:
        if show and run.key.variant == self.state.active.uid:
            self.state.set_visible(run.key, True)
            if page.key == "metrics" and self.state.drawable(run):
                self.state.metrics = run.result
            self.last_result = run.result
            self.last_run = run
            self._show_page_result()
            self.legend.show()
            self.legend.raise_()
        if on_done is not None:
            on_done(run)

    def _show_page_result(self) -> None:
        """The analysis dock's result line: the newest run of the page on screen for the active
        variant, with its time and a stale note — never the text of another page."""
        page = self.analysis.current_page()
        if self._analysis_job is not None:
            return
        runs = self.state.runs(analysis=page.key)
        if not runs:
            self.analysis.result_label.setText("")
            return
        current = self.state.result_for(self.state.current_key(page.key))
        run = current or runs[-1]
        text = run.layer.summary + f"  ({format_number(run.seconds, 1)} s)"
        if self.state.is_stale(run):
            text = "⚠ " + self.describe_stale(run) + "\n" + text
        self.analysis.result_label.setText(text)

    def _analysis_failed(self, job, message: str) -> None:
        self._analysis_job = None
        if job is not self._live_job:
            self.analysis.set_running(False)
            self.analysis.result_label.setText("")
        self.show_error(message)

    def _analysis_cancelled(self, job) -> None:
        if job is self._live_job:  # a live shadow overtaken by the slider: nothing to report
            self._live_job = None
            if self._analysis_job is job:
                self._analysis_job = None
            return
        self.analysis.set_running(False)
        self._analysis_job = None
        self.analysis.progress.setValue(0)
        self.analysis.result_label.setText(tr("Cancelled"))

    def cancel_analysis(self) -> None:
        if self._analysis_job is not None:
            self._analysis_job.cancel()

    def clear_result(self) -> None:
        """Hide the results of the active variant (they stay in the layer tree)."""
        self.state.hide_results()
        self.analysis.result_label.setText("")
        self.results_view.redraw()

    def _theme_legend(self) -> list:
        themes = getattr(self, "colour_themes", None)
        entry = themes.legend_entry() if themes is not None else None
        return [entry] if entry else []

    def _sun_changed(self) -> None:
        from . import analysis_calls

        self.state.set_when(self.analysis.sun.when_local())
        if self.scene is None:
            return
        self._update_params([p for p in self.analysis.pages if p.uses_sun])
        info = analysis_calls.sun_position(self.model, self.state.when_local)
        if info is None:
            self.analysis.sun.sun_label.setText("")
            return
        az, el = info["azimuth_deg"], info["elevation_deg"]
        self.analysis.sun.sun_label.setText(tr("Sun: azimuth {az}°, elevation {el}° ({tz}, {utc} UTC)").format(
            az=format_number(az, 1), el=format_number(el, 1), tz=info["tz"], utc=info["time_utc"][11:16]))
        self.viewport.set_sun_direction(info["direction"] if el > 0 else None)
        if any(r.key.analysis == "shadow" for r in self.state.shown_runs()):
            self._live_timer.start()  # restarts while the slider moves: computed where it rests

    def _live_shadow(self) -> None:
        """The shown shadow follows the sun slider: the shadow at the new time replaces it (from
        the results when that time was computed before), computed in the background."""
        shown = [r for r in self.state.shown_runs() if r.key.analysis == "shadow"]
        if not shown:
            return
        if self._analysis_job is not None:
            if self._analysis_job is self._live_job:  # an earlier slider position: obsolete now
                self._analysis_job.cancel()
            self._live_timer.start()  # one job at a time: again once it has stopped
            return
        self._live_job = self.run_analysis(self.analysis.page("shadow"), show=False, replaces=shown[-1])

    def _slider_released(self) -> None:
        """The slider let go: the shadow of where it rests at once, without the debounce."""
        if self._live_timer.isActive():
            self._live_timer.stop()
            self._live_shadow()

    # ------------------------------------------------------------------ editing tools
    def _new_id(self, stem: str = "new") -> str:
        existing = set(self.base_model.objects) | set(self.model.objects)
        for v in self.variants.variants:
            for e in v.edits:
                existing.add(str(e.get("id", "")))
        k = 1
        while f"{stem}-{k}" in existing:
            k += 1
        return f"{stem}-{k}"

    def push_edit(self, edit: dict, text: str) -> None:
        """Push one scenario edit (DESIGN.md format) as an undoable command on the active variant."""
        from .commands import EditCommand

        if self.variants.active_stack() is None or self.base_model is None:
            return
        variant, stack = self.edit_stack()
        stack.push(EditCommand(variant, edit, lambda: self.apply_edits(reset_camera=False), text))

    def on_footprint_drawn(self, pts_local) -> None:
        from .edit_dialogs import extrude_dialog

        self.viewport.set_mode("select")
        footprint = [[float(x), float(y)] for x, y in self.scene.to_world(np.c_[pts_local, np.zeros(len(pts_local))])[:, :2]]
        ground_z = float(self.scene.to_world([0.0, 0.0, self.viewport.ground_z])[2])
        d = extrude_dialog(self)
        d.setObjectName("extrudeDialog")

        def accepted():
            v = d.values()
            new_id = self._new_id()
            edit = {"op": "extrude", "id": new_id, "footprint": footprint, "ground_z": ground_z,
                    "height_m": float(v["height_m"]), "roof": v["roof"],
                    "roof_height_m": float(v["roof_height_m"]) if v["roof"] != "flat" else 0.0}
            self.push_edit(edit, tr("New building {id}").format(id=new_id))
            self.set_selection([new_id])

        d.accepted.connect(accepted)
        d.open()
        self._dialog = d

    def set_height_selected(self) -> None:
        from .edit_dialogs import height_dialog

        if not self.selected:
            self.statusBar().showMessage(tr("Select buildings first (click in the 3D view)"), 5000)
            return
        ids = list(self.selected)
        k = self.scene.object_number(ids[-1]) if ids[-1] in self.scene.object_ids else None
        current = float(self.viewport.object_max[k][2] - self.viewport.object_min[k][2]) if k is not None else 10.0
        d = height_dialog(current, self)
        d.setObjectName("heightDialog")

        def accepted():
            h = float(d.values()["height_m"])
            self.push_edit({"op": "set_height", "ids": ids, "height_m": h},
                           tr("Set height of {id} to {h} m").format(id=labels_text(self.model, ids, 2),
                                                                    h=format_number(h, 1)))

        d.accepted.connect(accepted)
        d.open()
        self._dialog = d

    def insert_file_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Insert design"), "", tr(
            "Designs (*.glb *.gltf *.obj *.stl *.ifc *.json *.gml);;All files (*)"))
        if path:
            self.start_insert(path)

    def start_insert(self, path) -> None:
        """Ask for the insertion point in the view, then rotation and scale; then the design can be
        dragged into place (move/rotate tool, one undoable edit per drag, Esc leaves the tool)."""
        from .edit_dialogs import insert_dialog

        path = str(Path(path).resolve())

        def at_point(p, _oid):
            world = self.scene.to_world(np.asarray(p, float))
            d = insert_dialog(self)
            d.setObjectName("insertDialog")

            def accepted():
                v = d.values()
                new_id = self._new_id("design")
                before = set(self.model.objects) if self.model is not None else set()
                edit = {"op": "insert", "file": path, "at": [float(c) for c in world],
                        "rotation_deg": float(v["rotation_deg"]), "scale": float(v["scale"]), "id": new_id}
                if v["placement"] == "georeferenced":
                    del edit["at"]
                elif v["placement"] != "auto":
                    edit["anchor"] = v["placement"]
                self.push_edit(edit, tr("Insert {name}").format(name=Path(path).name))
                self.transform_tool.start_for_new(before)  # place it by dragging (app.transform_tool)

            d.accepted.connect(accepted)
            d.open()
            self._dialog = d

        self._point_request = at_point
        self.viewport.set_mode("point")
        self.statusBar().showMessage(tr("Click the insertion point in the 3D view"), 0)

    def _set_finish(self, what: str, on: bool = True) -> None:
        """View ▸ Picture quality: a preset, or one part of the finish switched on or off."""
        from stadtbild.viewer.finish import PRESETS, Finish

        pc = self.picture_controls
        if what in PRESETS:
            finish = Finish(**PRESETS[what].to_dict())
        else:
            finish = Finish(**pc.finish.to_dict())
            if what in ("sky", "fog"):
                setattr(finish, what, bool(on))
            else:
                finish.occlusion = what if on else "none"
        pc.set_finish(finish)
        self._sync_finish_actions()

    def _sync_finish_actions(self) -> None:
        A, f = self.actions_by_name, self.picture_controls.finish
        for a in ("finish_sky", "finish_fog", "finish_ssao", "finish_edl"):
            A[a].blockSignals(True)
        A["finish_sky"].setChecked(f.sky)
        A["finish_fog"].setChecked(f.fog)
        A["finish_ssao"].setChecked(f.occlusion == "ssao")
        A["finish_edl"].setChecked(f.occlusion == "edl")
        for a in ("finish_sky", "finish_fog", "finish_ssao", "finish_edl"):
            A[a].blockSignals(False)

    def add_layer_dialog(self) -> None:
        from .geo_layers import ask_layer_file

        path = ask_layer_file(self, tr("Add 2D layer"))
        if path:
            self.add_layer_file(path)

    def add_layer_file(self, path, style: dict | None = None):
        """Read a GeoJSON/GPKG/Shapefile (reprojected to the model CRS) in a worker and show it on
        the ground, styled (app.geo_layers)."""
        return self.geo_layers.add_file(path, style)

    def _ask_point(self, page_key: str, slot: int) -> None:
        self._point_request = (page_key, slot)
        self.viewport.set_mode("point")
        self.statusBar().showMessage(tr("Click a point in the 3D view"), 0)

    def _point_picked(self, p, oid=None) -> None:
        if self._point_request is None:
            return
        if callable(self._point_request):
            request, self._point_request = self._point_request, None
            self.viewport.set_mode("select")
            self.statusBar().clearMessage()
            request(p, oid)
            return
        key, slot = self._point_request
        self._point_request = None
        self.analysis.page(key).set_point(slot, self.scene.to_world(np.asarray(p, float)), oid)
        self.viewport.set_mode("select")
        self.statusBar().clearMessage()

    def _mode_changed(self, mode: str) -> None:
        a = self.actions_by_name.get(f"mode_{mode}")
        if a is not None:
            a.setChecked(True)

    # ------------------------------------------------------------------ jobs in the status bar
    def _job_started(self, job) -> None:
        if getattr(job, "quiet", False):  # shown elsewhere (the analysis dock's own bar)
            return
        self.progress.setRange(0, 0)  # busy until the job reports progress (some never do)
        self.progress.setFormat(job.label)
        self.progress.show()
        self.cancel_button.show()
        job.signals.progress.connect(lambda f, j=job: self._job_progress(j, f))

    def _job_progress(self, job, fraction: float) -> None:
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1000)
            self.progress.setFormat(f"{job.label} %p%")
        self.progress.setValue(int(fraction * 1000))

    def _job_ended(self, job) -> None:
        if not any(not getattr(j, "quiet", False) for j in self.jobs.active):
            self.progress.hide()
            self.cancel_button.hide()

    # ------------------------------------------------------------------ images
    def grab_window(self) -> QImage:
        """The window as it is on the screen, 3D view included (:func:`app.screen_capture.grab_screen`;
        Qt's widget grab cannot read the OpenGL view)."""
        from .screen_capture import grab_screen

        return grab_screen(self, frame=False)[0]

    def save_window_image(self, path) -> str:
        img = self.grab_window()
        tmp = f"{path}.tmp.png"
        if not img.save(tmp, "PNG"):
            raise OSError(f"cannot write {path}")
        os.replace(tmp, path)
        return str(path)

    def save_screenshot_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Save image of the view"), "stadtbild.png", "PNG (*.png)")
        if path:
            if not path.lower().endswith(".png"):
                path += ".png"
            self.viewport.screenshot(path)

    def open_presentation(self) -> None:
        """Full-screen presentation of the open model and the active variant (app.presentation)."""
        from .presentation import open_presentation

        open_presentation(self)

    def navigation_help(self) -> None:
        """Help ▸ Navigation and keys: mouse, keys of the tools, walk and presentation mode; the
        shortcuts are read from the actions themselves."""
        from .help_dialog import navigation_dialog

        d = navigation_dialog(self)
        d.open()
        self._dialog = d

    def about(self) -> None:
        from stadtbild.model.logs import version

        QMessageBox.about(self, tr("About Stadtbild"), tr(
            "<b>Stadtbild</b> {v}<br>3D city-model viewer and planning tool.<br>"
            "Licence: GPL-3.0-or-later. Works fully offline.").format(v=version()))

    def closeEvent(self, event) -> None:  # noqa: N802
        unsaved = self.projects.has_unsaved_work()
        if not self.projects.maybe_save(tr("quitting")):  # Save / Discard / Cancel
            event.ignore()
            return
        if not unsaved:
            self.autosave.discard()  # everything is saved (or there was nothing): no journal needed
        self.autosave.stop()  # unsaved work that the user discarded keeps its journal
        self.settings.save_layout(self.saveGeometry(), self.saveState())
        self.jobs.shutdown(3.0)
        self.viewport.close_view()
        super().closeEvent(event)


def run_app(files, language: str | None = None, screenshot: str | None = None, ortho=None) -> int:
    """Start the application with ``files`` (one model) and orthophotos ``ortho`` on the ground;
    returns the exit code."""
    import sys

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Stadtbild")
    app.setOrganizationName("Stadtbild")
    window = MainWindow(language=language)
    window.show()
    from stadtbild.model.logs import setup_file_logging

    setup_file_logging()
    recovered = window.autosave.offer_recovery(files)  # a crashed session's edits, if any (non-blocking)
    if files and recovered is None:
        window.open_paths(files)
    if ortho:
        def add_ortho():
            if window._load_job is not None or window.scene is None:
                QTimer.singleShot(200, add_ortho)
                return
            window.picture_controls.add_ortho_files(ortho)

        QTimer.singleShot(0, add_ortho)
    if screenshot:
        def shoot():
            if window._load_job is not None:
                QTimer.singleShot(200, shoot)
                return
            window.save_window_image(screenshot)
            window.close()

        QTimer.singleShot(500, shoot)
    return app.exec()
