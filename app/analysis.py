"""Analysis dock: one page per analysis with its parameters, a shared date/time slider for the sun,
Run and Cancel. Each page is a small class that builds a job (run in a worker thread by the main
window) calling the function of its ``analysis`` module, and presents the result in the 3D view
and the legend. A page whose module is not in this build is shown disabled with a note.
"""
from __future__ import annotations

import datetime as dt
import importlib
import importlib.util

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDockWidget, QDoubleSpinBox, QFormLayout, QHBoxLayout,
                               QLabel, QProgressBar, QPushButton, QSlider, QSpinBox, QStackedWidget, QTimeEdit,
                               QVBoxLayout, QWidget)

from .i18n import format_number, tr
from .legend import colormap_rgb


def module_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


class AnalysisContext:
    """What a job needs, captured in the GUI thread (jobs never touch widgets)."""

    def __init__(self, model, scene, when_local: dt.datetime, selection: list[str], tz: str | None = None,
                 base_model=None):
        self.model = model
        self.base_model = base_model  # the unedited model when a variant is open (before/after)
        self.scene = scene
        self.when_local = when_local
        self.selection = list(selection)
        self.tz = tz


class AnalysisPage(QWidget):
    key = "page"
    module = ""
    uses_sun = False

    def __init__(self, parent=None):
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(2, 2, 2, 2)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.form.addRow(self.note)
        self.labels: dict[str, QLabel] = {}
        self.build()

    # -- to override
    def title(self) -> str:
        return self.key

    def description(self) -> str:
        return ""

    def build(self) -> None:
        pass

    def job(self, ctx: AnalysisContext):
        raise NotImplementedError

    def present(self, window, result) -> str:
        """Show ``result`` (view colours/overlays, legend); returns a one-line summary."""
        raise NotImplementedError

    # -- shared
    def available(self) -> bool:
        return module_available(self.module)

    def add_row(self, key: str, widget: QWidget) -> QWidget:
        label = QLabel()
        self.labels[key] = label
        self.form.addRow(label, widget)
        return widget

    def retranslate(self) -> None:
        text = self.description()
        if not self.available():
            text = tr("Not available in this build yet (module {m} is missing).").format(m=self.module)
        self.note.setText(text)
        for key, label in self.labels.items():
            label.setText(tr(key))


# --------------------------------------------------------------------------- pages

METRIC_CHOICES = [
    ("ridge_height_m", QT_TRANSLATE_NOOP("", "Building height (ridge)"), "m"),
    ("eave_height_m", QT_TRANSLATE_NOOP("", "Eave height"), "m"),
    ("footprint_area_m2", QT_TRANSLATE_NOOP("", "Footprint area"), "m²"),
    ("roof_area_m2", QT_TRANSLATE_NOOP("", "Roof area"), "m²"),
    ("volume_m3", QT_TRANSLATE_NOOP("", "Volume"), "m³"),
]


def per_object_to_triangles(scene, values_by_id: dict, default=np.nan) -> np.ndarray:
    """(m,) triangle values from {object id: value} (objects not in the dict get ``default``)."""
    per_obj = np.array([values_by_id.get(oid, default) for oid in scene.object_ids], dtype=float)
    return per_obj[scene.object_index] if scene.n_triangles else np.zeros(0)


class MetricsPage(AnalysisPage):
    key = "metrics"
    module = "analysis.metrics"

    def title(self) -> str:
        return tr("Building metrics")

    def description(self) -> str:
        return tr("Colours every building by a townscape metric (heights, areas, volume).")

    def build(self) -> None:
        self.metric = self.add_row(QT_TRANSLATE_NOOP("", "Metric"), QComboBox())
        for key, _label, _unit in METRIC_CHOICES:
            self.metric.addItem(key, key)

    def retranslate(self) -> None:
        super().retranslate()
        for i, (_key, label, unit) in enumerate(METRIC_CHOICES):
            self.metric.setItemText(i, f"{tr(label)} [{unit}]")

    def job(self, ctx):
        from analysis.metrics import compute_metrics

        model = ctx.model

        def run(progress, cancelled):
            progress(0.05)
            m = compute_metrics(model)
            progress(1.0)
            return m

        return run

    def present(self, window, metrics) -> str:
        key = self.metric.currentData()
        label = dict((k, lab) for k, lab, _u in METRIC_CHOICES)[key]
        unit = dict((k, u) for k, _l, u in METRIC_CHOICES)[key]
        window.metrics = metrics
        values = metrics.value_by_id(key)
        tri = per_object_to_triangles(window.scene, values)
        finite = tri[np.isfinite(tri)]
        vmin, vmax = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
        window.viewport.set_result_colours(colormap_rgb(tri, vmin, vmax, "viridis"))
        col = np.asarray(metrics[key], dtype=float)
        summary = tr("{n} buildings, mean {mean} {unit}").format(n=len(metrics), mean=format_number(np.nanmean(col), 1),
                                                                 unit=unit) if len(col) else ""
        window.legend.show_ramp(label, unit, vmin, vmax, "viridis", summary)
        return summary


class ShadowPage(AnalysisPage):
    """Cast shadow on the ground at the date/time of the slider (analysis.shadow)."""

    key = "shadow"
    module = "analysis.shadow"
    uses_sun = True

    def title(self) -> str:
        return tr("Shadow")

    def description(self) -> str:
        return tr("Shadow cast on the ground at the chosen date and local time (sun position: NREL SPA).")

    def build(self) -> None:
        self.grid = self.add_row(QT_TRANSLATE_NOOP("", "Grid spacing [m]"), QDoubleSpinBox())
        self.grid.setRange(0.25, 50.0)
        self.grid.setValue(2.0)
        self.grid.setSingleStep(0.5)

    def job(self, ctx):
        from . import analysis_calls

        return analysis_calls.shadow_job(ctx, grid_m=self.grid.value())

    def present(self, window, result) -> str:
        from . import analysis_calls

        return analysis_calls.present_shadow(window, result)


class SunHoursPage(AnalysisPage):
    key = "sunhours"
    module = "analysis.shadow"
    uses_sun = True

    def title(self) -> str:
        return tr("Sun hours")

    def description(self) -> str:
        return tr("Hours of direct sun on the ground over the chosen day (time steps ≤ 10 min).")

    def build(self) -> None:
        self.grid = self.add_row(QT_TRANSLATE_NOOP("", "Grid spacing [m]"), QDoubleSpinBox())
        self.grid.setRange(0.5, 50.0)
        self.grid.setValue(4.0)
        self.step = self.add_row(QT_TRANSLATE_NOOP("", "Time step [min]"), QSpinBox())
        self.step.setRange(1, 60)
        self.step.setValue(10)

    def available(self) -> bool:
        from . import analysis_calls

        return module_available(self.module) and analysis_calls.has_sunhours()

    def job(self, ctx):
        from . import analysis_calls

        return analysis_calls.sunhours_job(ctx, grid_m=self.grid.value(), step_min=self.step.value())

    def present(self, window, result) -> str:
        from . import analysis_calls

        return analysis_calls.present_sunhours(window, result)


class SightlinePage(AnalysisPage):
    key = "sightline"
    module = "analysis.sightline"

    def title(self) -> str:
        return tr("Sightline")

    def description(self) -> str:
        return tr("Is the target visible from the viewpoint? Pick both points in the 3D view.")

    def build(self) -> None:
        self.points: list = [None, None]  # local points picked in the view
        self.point_objects: list = [None, None]  # object ids hit by those picks (None: ground)
        row = QWidget()
        hl = QHBoxLayout(row)
        hl.setContentsMargins(0, 0, 0, 0)
        self.pick_from = QPushButton()
        self.pick_to = QPushButton()
        hl.addWidget(self.pick_from)
        hl.addWidget(self.pick_to)
        self.form.addRow(row)
        self.points_label = QLabel("–")
        self.form.addRow(self.points_label)
        self.eye = self.add_row(QT_TRANSLATE_NOOP("", "Eye height [m]"), QDoubleSpinBox())
        self.eye.setRange(0.0, 300.0)
        self.eye.setValue(1.6)

    def retranslate(self) -> None:
        super().retranslate()
        self.pick_from.setText(tr("Pick viewpoint"))
        self.pick_to.setText(tr("Pick target"))

    def job(self, ctx):
        from . import analysis_calls

        return analysis_calls.sightline_job(ctx, self.points, self.eye.value(), self.point_objects[1])

    def present(self, window, result) -> str:
        from . import analysis_calls

        return analysis_calls.present_sightline(window, result, self.points)


class _PickPage(AnalysisPage):
    """A page whose points are picked in the 3D view (``pick_buttons`` are wired by the main
    window to its point request; ``points`` / ``point_objects`` / ``points_label`` as on the
    sightline page)."""

    pick_texts: tuple = ()

    def add_pick_row(self) -> None:
        self.points = [None] * len(self.pick_texts)
        self.point_objects = [None] * len(self.pick_texts)
        row = QWidget()
        hl = QHBoxLayout(row)
        hl.setContentsMargins(0, 0, 0, 0)
        self.pick_buttons = [QPushButton() for _ in self.pick_texts]
        for b in self.pick_buttons:
            hl.addWidget(b)
        self.form.addRow(row)
        self.points_label = QLabel("–")
        self.form.addRow(self.points_label)
        self.eye = self.add_row(QT_TRANSLATE_NOOP("", "Eye height [m]"), QDoubleSpinBox())
        self.eye.setRange(0.0, 300.0)
        self.eye.setValue(1.6)

    def retranslate(self) -> None:
        super().retranslate()
        for b, text in zip(self.pick_buttons, self.pick_texts):
            b.setText(tr(text))


class ViewshedPage(_PickPage):
    """What is visible from a picked viewpoint within a radius (analysis.sightline.viewshed)."""

    key = "viewshed"
    module = "analysis.sightline"
    pick_texts = (QT_TRANSLATE_NOOP("", "Pick viewpoint"),)

    def title(self) -> str:
        return tr("Viewshed")

    def description(self) -> str:
        return tr("Ground and facades visible from the viewpoint within the radius. Pick the viewpoint in the 3D view.")

    def build(self) -> None:
        self.add_pick_row()
        self.radius = self.add_row(QT_TRANSLATE_NOOP("", "Radius [m]"), QDoubleSpinBox())
        self.radius.setRange(10.0, 5000.0)
        self.radius.setValue(500.0)
        self.radius.setSingleStep(50.0)
        self.grid = self.add_row(QT_TRANSLATE_NOOP("", "Grid spacing [m]"), QDoubleSpinBox())
        self.grid.setRange(0.5, 50.0)
        self.grid.setValue(2.0)

    def job(self, ctx):
        from . import analysis_calls

        return analysis_calls.viewshed_job(ctx, self.points, self.eye.value(), self.radius.value(), self.grid.value())

    def present(self, window, result) -> str:
        from . import analysis_calls

        return analysis_calls.present_viewshed(window, result)


class ViewconePage(_PickPage):
    """Protected view corridor from a picked viewpoint to a picked landmark (analysis.sightline.view_corridor)."""

    key = "viewcone"
    module = "analysis.sightline"
    pick_texts = (QT_TRANSLATE_NOOP("", "Pick viewpoint"), QT_TRANSLATE_NOOP("", "Pick target"))

    def title(self) -> str:
        return tr("View corridor")

    def description(self) -> str:
        return tr("Protected view (Sichtachse) to a landmark: buildings rising above the sight plane are shown in red.")

    def build(self) -> None:
        self.add_pick_row()
        self.half_angle = self.add_row(QT_TRANSLATE_NOOP("", "Half opening angle [°]"), QDoubleSpinBox())
        self.half_angle.setRange(0.1, 45.0)
        self.half_angle.setValue(5.0)

    def job(self, ctx):
        from . import analysis_calls

        return analysis_calls.viewcone_job(ctx, self.points, self.eye.value(), self.point_objects[1],
                                           self.half_angle.value())

    def present(self, window, result) -> str:
        from . import analysis_calls

        return analysis_calls.present_viewcone(window, result)


class SolarPage(AnalysisPage):
    key = "solar"
    module = "analysis.solar"

    def title(self) -> str:
        return tr("Solar potential")

    def description(self) -> str:
        return tr("Annual irradiation on roofs (direct + diffuse, Perez sky) and PV yield per building.")

    def build(self) -> None:
        self.grid = self.add_row(QT_TRANSLATE_NOOP("", "Sample spacing on roofs [m]"), QDoubleSpinBox())
        self.grid.setRange(0.25, 10.0)
        self.grid.setValue(1.0)

    def job(self, ctx):
        from . import analysis_calls

        return analysis_calls.solar_job(ctx, grid_m=self.grid.value())

    def present(self, window, result) -> str:
        from . import analysis_calls

        return analysis_calls.present_solar(window, result)


class SetbacksPage(AnalysisPage):
    key = "setbacks"
    module = "analysis.setbacks"

    def title(self) -> str:
        return tr("Setback areas")

    def description(self) -> str:
        return tr("Abstandsflächen by state building code; overlaps with neighbours are shown in red.")

    def build(self) -> None:
        from . import analysis_calls

        self.rule = self.add_row(QT_TRANSLATE_NOOP("", "Rule"), QComboBox())
        for key, name in analysis_calls.setback_rules():
            self.rule.addItem(name, key)

    def job(self, ctx):
        from . import analysis_calls

        return analysis_calls.setbacks_job(ctx, self.rule.currentData())

    def present(self, window, result) -> str:
        from . import analysis_calls

        return analysis_calls.present_setbacks(window, result)


class SunlightPage(AnalysisPage):
    """Facade sunlight after DIN 5034-1 (analysis.sunlight), with the variant compared to the
    existing state."""

    key = "sunlight"
    module = "analysis.sunlight"
    uses_sun = True  # the year comes from the date of the sun slider

    def title(self) -> str:
        return tr("Facade sunlight (DIN 5034-1)")

    def description(self) -> str:
        return tr("Possible sunshine at window height on every facade: ≥ 4 h on 21 March and ≥ 1 h on "
                  "17 January, sun ≥ 6° high and in front of the facade.")

    def build(self) -> None:
        self.spacing = self.add_row(QT_TRANSLATE_NOOP("", "Point spacing along facades [m]"), QDoubleSpinBox())
        self.spacing.setRange(0.5, 20.0)
        self.spacing.setValue(2.0)
        self.storey = self.add_row(QT_TRANSLATE_NOOP("", "Storey height [m]"), QDoubleSpinBox())
        self.storey.setRange(2.0, 10.0)
        self.storey.setValue(3.0)
        self.storey.setSingleStep(0.1)
        self.step = self.add_row(QT_TRANSLATE_NOOP("", "Time step [min]"), QSpinBox())
        self.step.setRange(1, 10)
        self.step.setValue(2)
        self.compare = QCheckBox()
        self.compare.setChecked(True)
        self.form.addRow(self.compare)

    def retranslate(self) -> None:
        super().retranslate()
        self.compare.setText(tr("Compare the variant with the existing state"))

    def job(self, ctx):
        from . import analysis_calls

        return analysis_calls.sunlight_job(ctx, ctx.when_local.year, self.spacing.value(), self.storey.value(),
                                           float(self.step.value()), self.compare.isChecked())

    def present(self, window, result) -> str:
        from . import analysis_calls

        return analysis_calls.present_sunlight(window, result)


PAGES = [ShadowPage, SunHoursPage, SunlightPage, SightlinePage, ViewshedPage, ViewconePage, SolarPage,
         MetricsPage, SetbacksPage]


# --------------------------------------------------------------------------- dock
class SunTimeWidget(QWidget):
    """Date and local time of day (slider in 10-minute steps) for the sun."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.date = QDateEdit(QDate(QDate.currentDate().year(), 6, 21))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd.MM.yyyy")
        row = QWidget()
        hl = QHBoxLayout(row)
        hl.setContentsMargins(0, 0, 0, 0)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 24 * 6 - 1)  # 10-minute steps
        self.slider.setValue(15 * 6)
        self.time = QTimeEdit(QTime(15, 0))
        self.time.setDisplayFormat("HH:mm")
        hl.addWidget(self.slider, 1)
        hl.addWidget(self.time)
        self.date_label = QLabel()
        self.time_label = QLabel()
        form.addRow(self.date_label, self.date)
        form.addRow(self.time_label, row)
        self.sun_label = QLabel()
        self.sun_label.setWordWrap(True)
        form.addRow(self.sun_label)
        self.slider.valueChanged.connect(self._slider_moved)
        self.time.timeChanged.connect(self._time_edited)
        self.date.dateChanged.connect(lambda _d: self.changed.emit())

    def retranslate(self) -> None:
        self.date_label.setText(tr("Date"))
        self.time_label.setText(tr("Local time"))

    def _slider_moved(self, v: int) -> None:
        t = QTime(v // 6, (v % 6) * 10)
        if self.time.time() != t:
            self.time.blockSignals(True)
            self.time.setTime(t)
            self.time.blockSignals(False)
        self.changed.emit()

    def _time_edited(self, t: QTime) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(t.hour() * 6 + t.minute() // 10)
        self.slider.blockSignals(False)
        self.changed.emit()

    def when_local(self) -> dt.datetime:
        d, t = self.date.date(), self.time.time()
        return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())

    def set_when(self, when: dt.datetime) -> None:
        self.date.setDate(QDate(when.year, when.month, when.day))
        self.time.setTime(QTime(when.hour, when.minute))


class AnalysisDock(QDockWidget):
    run_requested = Signal(object)  # the page
    cancel_requested = Signal()
    sun_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("AnalysisDock")
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 4, 4, 4)
        self.chooser = QComboBox()
        lay.addWidget(self.chooser)
        self.sun = SunTimeWidget()
        lay.addWidget(self.sun)
        self.stack = QStackedWidget()
        lay.addWidget(self.stack)
        self.pages: list[AnalysisPage] = []
        for cls in PAGES:
            page = cls()
            self.pages.append(page)
            self.stack.addWidget(page)
            self.chooser.addItem(page.key, page.key)
        buttons = QHBoxLayout()
        self.run_button = QPushButton()
        self.run_button.setObjectName("runAnalysis")
        self.cancel_button = QPushButton()
        self.cancel_button.setEnabled(False)
        self.clear_button = QPushButton()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.clear_button)
        lay.addLayout(buttons)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        lay.addWidget(self.progress)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.result_label)
        lay.addStretch(1)
        self.setWidget(body)
        self.chooser.currentIndexChanged.connect(self._page_changed)
        self.run_button.clicked.connect(lambda: self.run_requested.emit(self.current_page()))
        self.cancel_button.clicked.connect(self.cancel_requested.emit)
        self.sun.changed.connect(self.sun_changed.emit)
        self.retranslate()
        self._page_changed(0)

    def current_page(self) -> AnalysisPage:
        return self.pages[self.chooser.currentIndex()]

    def page(self, key: str) -> AnalysisPage:
        return next(p for p in self.pages if p.key == key)

    def show_page(self, key: str) -> AnalysisPage:
        idx = [p.key for p in self.pages].index(key)
        self.chooser.setCurrentIndex(idx)
        return self.pages[idx]

    def _page_changed(self, idx: int) -> None:
        self.stack.setCurrentIndex(idx)
        page = self.pages[idx]
        self.sun.setVisible(page.uses_sun)
        self.run_button.setEnabled(page.available() and not self.cancel_button.isEnabled())

    def refresh_availability(self) -> None:
        """Re-check which analysis modules exist (they may land while the window is open)."""
        importlib.invalidate_caches()
        for i, page in enumerate(self.pages):
            self.chooser.setItemText(i, page.title() + ("" if page.available() else " –"))
            page.retranslate()
        self._page_changed(self.chooser.currentIndex())

    def set_running(self, running: bool) -> None:
        self.cancel_button.setEnabled(running)
        self.run_button.setEnabled(not running and self.current_page().available())
        self.chooser.setEnabled(not running)
        if running:
            self.progress.setValue(0)

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Analysis"))
        self.run_button.setText(tr("Run"))
        self.cancel_button.setText(tr("Cancel"))
        self.clear_button.setText(tr("Clear result"))
        self.sun.retranslate()
        self.refresh_availability()
