"""Analysis dock: one page per analysis with its parameters, a shared date/time slider for the sun,
Run and Cancel. Each page is a small class that states its parameters (:meth:`AnalysisPage.params`:
what a result is keyed by, together with the variant, see :mod:`app.state`), builds a job (run in
a worker thread by the main window) calling its ``analysis`` function, and turns the result into a
layer (:meth:`AnalysisPage.layer`) that :class:`app.results_view.ResultsView` draws.

Picked points are kept in model coordinates (CRS), so that they stay where they were picked when
an edit moves the scene's local origin, and so that the same points can be used for every variant.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (QAbstractSpinBox, QCheckBox, QComboBox, QDateEdit, QDockWidget, QDoubleSpinBox,
                               QFormLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSlider, QSpinBox,
                               QStackedWidget, QTimeEdit, QVBoxLayout, QWidget)

from . import analysis_calls
from .i18n import format_number, tr
from .legend import colormap_rgb


class AnalysisContext:
    """What a job needs, captured in the GUI thread (jobs never touch widgets)."""

    def __init__(self, model, scene, when_local: dt.datetime, selection: list[str], tz: str | None = None,
                 base_model=None, extent=None):
        self.model = model
        self.base_model = base_model  # the unedited model when a variant is open (before/after)
        self.scene = scene
        self.when_local = when_local
        self.selection = list(selection)
        self.tz = tz
        self.extent = extent  # the study area of shadow and sun-hours (model CRS), analysis_calls.study_extent


class AnalysisPage(QWidget):
    key = "page"
    uses_sun = False
    changed = Signal()  # a parameter changed

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

    def params(self, ctx: AnalysisContext) -> dict:
        """The parameters a run now would be computed with (JSON-able values); results are keyed by them."""
        raise NotImplementedError

    def job(self, ctx: AnalysisContext):
        raise NotImplementedError

    def layer(self, scene, base_rgb, result):
        """How ``result`` is drawn on ``scene`` (:class:`app.state.ResultLayer`)."""
        raise NotImplementedError

    def parameter_text(self, params: dict) -> str:
        """The parameters in words, for the comparison table and stale notes."""
        return ", ".join(f"{k} {v}" for k, v in params.items() if not isinstance(v, (list, tuple)))

    # -- shared
    def add_row(self, key: str, widget: QWidget) -> QWidget:
        label = QLabel()
        self.labels[key] = label
        self.form.addRow(label, widget)
        if isinstance(widget, QAbstractSpinBox) and hasattr(widget, "valueChanged"):
            widget.valueChanged.connect(lambda *_a: self.changed.emit())
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(lambda *_a: self.changed.emit())
        return widget

    def retranslate(self) -> None:
        self.note.setText(self.description())
        for key, label in self.labels.items():
            label.setText(tr(key))


def when_text(when: dt.datetime) -> str:
    return f"{when:%d.%m.%Y %H:%M}"


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

    def params(self, ctx) -> dict:
        return {"metric": self.metric.currentData()}

    def job(self, ctx):
        from stadtbild.analysis.metrics import compute_metrics

        model = ctx.model

        def run(progress, cancelled):
            progress(0.05)
            m = compute_metrics(model)
            progress(1.0)
            return m

        return run

    def layer(self, scene, base_rgb, metrics, key=None):
        from .state import ResultLayer

        key = key or self.metric.currentData()
        label = dict((k, lab) for k, lab, _u in METRIC_CHOICES)[key]
        unit = dict((k, u) for k, _l, u in METRIC_CHOICES)[key]
        values = metrics.value_by_id(key)
        tri = per_object_to_triangles(scene, values)
        finite = tri[np.isfinite(tri)]
        vmin, vmax = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
        col = np.asarray(metrics[key], dtype=float)
        summary = tr("{n} buildings, mean {mean} {unit}").format(n=len(metrics), mean=format_number(np.nanmean(col), 1),
                                                                 unit=unit) if len(col) else ""
        legend = {"kind": "ramp", "title": label, "unit": unit, "vmin": vmin, "vmax": vmax, "cmap": "viridis",
                  "summary": summary, "decimals": 1, "lit": True}
        return ResultLayer(tr(label), summary, building_rgb=colormap_rgb(tri, vmin, vmax, "viridis"), legend=legend)

    def parameter_text(self, params: dict) -> str:
        return tr(dict((k, lab) for k, lab, _u in METRIC_CHOICES).get(params.get("metric"), ""))


class _SunPage(AnalysisPage):
    """A page whose result depends on the sun (date/time of the shared slider) and the study area."""

    uses_sun = True

    def _grid_row(self, value: float) -> QDoubleSpinBox:
        grid = self.add_row(QT_TRANSLATE_NOOP("", "Grid spacing [m]"), QDoubleSpinBox())
        grid.setRange(0.25, 50.0)
        grid.setValue(value)
        grid.setSingleStep(0.5)
        return grid


class ShadowPage(_SunPage):
    """Cast shadow on the ground at the date/time of the slider (analysis.shadow)."""

    key = "shadow"

    def title(self) -> str:
        return tr("Shadow")

    def description(self) -> str:
        return tr("Shadow cast on the ground at the chosen date and local time (sun position: NREL SPA). "
                  "Recomputed live while the time slider moves.")

    def build(self) -> None:
        self.grid = self._grid_row(2.0)

    def params(self, ctx) -> dict:
        return {"time": ctx.when_local.isoformat(timespec="minutes"), "grid_m": self.grid.value(),
                "extent": list(ctx.extent) if ctx.extent is not None else None}

    def job(self, ctx):
        return analysis_calls.shadow_job(ctx, cell_m=self.grid.value(), extent=ctx.extent)

    def layer(self, scene, base_rgb, result):
        return analysis_calls.shadow_layer(scene, base_rgb, result)

    def parameter_text(self, params: dict) -> str:
        return tr("{when}, grid {g} m").format(when=analysis_calls.when_text(params["time"]),
                                               g=format_number(params["grid_m"], 2))


class SunHoursPage(_SunPage):
    key = "sunhours"

    def title(self) -> str:
        return tr("Sun hours")

    def description(self) -> str:
        return tr("Hours of direct sun on the ground over the chosen day (time steps ≤ 10 min).")

    def build(self) -> None:
        self.grid = self._grid_row(4.0)
        self.step = self.add_row(QT_TRANSLATE_NOOP("", "Time step [min]"), QSpinBox())
        self.step.setRange(1, 60)
        self.step.setValue(10)

    def params(self, ctx) -> dict:
        return {"date": ctx.when_local.date().isoformat(), "grid_m": self.grid.value(), "step_min": self.step.value(),
                "extent": list(ctx.extent) if ctx.extent is not None else None}

    def job(self, ctx):
        return analysis_calls.sunhours_job(ctx, cell_m=self.grid.value(), step_min=self.step.value(), extent=ctx.extent)

    def layer(self, scene, base_rgb, result):
        return analysis_calls.sunhours_layer(scene, base_rgb, result)

    def parameter_text(self, params: dict) -> str:
        d = params["date"]
        return tr("{date}, grid {g} m, step {s} min").format(date=f"{d[8:10]}.{d[5:7]}.{d[0:4]}",
                                                             g=format_number(params["grid_m"], 2), s=params["step_min"])


class _PickPage(AnalysisPage):
    """A page whose points are picked in the 3D view (``pick_buttons`` are wired by the main
    window to its point request). ``points``: the picked points in model coordinates (CRS) or
    None; ``point_objects``: the object hit by each pick (None: the ground)."""

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

    def set_point(self, slot: int, world, object_id=None) -> None:
        """A point picked in the view (model coordinates) for ``slot``."""
        self.points[slot] = None if world is None else np.asarray(world, float)
        self.point_objects[slot] = object_id
        self.points_label.setText("  →  ".join(
            "–" if w is None else f"{format_number(w[0], 1)}, {format_number(w[1], 1)}, {format_number(w[2], 1)}"
            for w in self.points))
        self.changed.emit()

    def point_params(self) -> dict:
        return {"points": [None if p is None else [round(float(c), 3) for c in p] for p in self.points],
                "targets": list(self.point_objects), "eye_m": self.eye.value()}

    def retranslate(self) -> None:
        super().retranslate()
        for b, text in zip(self.pick_buttons, self.pick_texts):
            b.setText(tr(text))

    def parameter_text(self, params: dict) -> str:
        pts = [p for p in params.get("points", []) if p is not None]
        return " → ".join(f"{format_number(p[0], 1)}, {format_number(p[1], 1)}" for p in pts) + \
            ", " + tr("eye {h} m").format(h=format_number(params.get("eye_m", 0.0), 1))


class SightlinePage(_PickPage):
    key = "sightline"
    pick_texts = (QT_TRANSLATE_NOOP("", "Pick viewpoint"), QT_TRANSLATE_NOOP("", "Pick target"))

    def title(self) -> str:
        return tr("Sightline")

    def description(self) -> str:
        return tr("Is the target visible from the viewpoint? Pick both points in the 3D view.")

    def build(self) -> None:
        self.add_pick_row()
        self.pick_from, self.pick_to = self.pick_buttons

    def params(self, ctx) -> dict:
        return self.point_params()

    def job(self, ctx):
        return analysis_calls.sightline_job(ctx, self.points, self.eye.value(), self.point_objects[1])

    def layer(self, scene, base_rgb, result):
        return analysis_calls.sightline_layer(scene, base_rgb, result)


class ViewshedPage(_PickPage):
    """What is visible from a picked viewpoint within a radius (analysis.sightline.viewshed)."""

    key = "viewshed"
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

    def params(self, ctx) -> dict:
        return {**self.point_params(), "radius_m": self.radius.value(), "grid_m": self.grid.value()}

    def job(self, ctx):
        return analysis_calls.viewshed_job(ctx, self.points, self.eye.value(), self.radius.value(), self.grid.value())

    def layer(self, scene, base_rgb, result):
        return analysis_calls.viewshed_layer(scene, base_rgb, result)


class ViewconePage(_PickPage):
    """Protected view corridor from a picked viewpoint to a picked landmark (analysis.sightline.view_corridor)."""

    key = "viewcone"
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

    def params(self, ctx) -> dict:
        return {**self.point_params(), "half_angle_deg": self.half_angle.value()}

    def job(self, ctx):
        return analysis_calls.viewcone_job(ctx, self.points, self.eye.value(), self.point_objects[1],
                                           self.half_angle.value())

    def layer(self, scene, base_rgb, result):
        return analysis_calls.viewcone_layer(scene, base_rgb, result)


class SolarPage(AnalysisPage):
    key = "solar"

    def title(self) -> str:
        return tr("Solar potential")

    def description(self) -> str:
        return tr("Annual irradiation on roofs (direct + diffuse, Perez sky) and PV yield per building.")

    def build(self) -> None:
        self.grid = self.add_row(QT_TRANSLATE_NOOP("", "Sample spacing on roofs [m]"), QDoubleSpinBox())
        self.grid.setRange(0.25, 10.0)
        self.grid.setValue(1.0)

    def params(self, ctx) -> dict:
        return {"grid_m": self.grid.value(), "weather": "default"}

    def job(self, ctx):
        return analysis_calls.solar_job(ctx, cell_m=self.grid.value())

    def layer(self, scene, base_rgb, result):
        return analysis_calls.solar_layer(scene, base_rgb, result)

    def parameter_text(self, params: dict) -> str:
        return tr("default weather of the site (clear-sky model), roof samples every {g} m").format(
            g=format_number(params["grid_m"], 2))


class SetbacksPage(AnalysisPage):
    """Abstandsflächen (analysis.setbacks): the rule of the model's Land by default, optional
    parcels (Flurstücke) for the plot-boundary check, and the conflicts a variant adds shown
    apart from those the existing buildings already have."""

    key = "setbacks"

    def title(self) -> str:
        return tr("Setback areas")

    def description(self) -> str:
        return tr("Abstandsflächen by state building code; overlaps with neighbours are shown in red.")

    def build(self) -> None:
        self.rule = self.add_row(QT_TRANSLATE_NOOP("", "Rule"), QComboBox())
        self.rule.addItem("auto", "auto")
        for key, name in analysis_calls.setback_rules():
            self.rule.addItem(name, key)
        row = QWidget()
        hl = QHBoxLayout(row)
        hl.setContentsMargins(0, 0, 0, 0)
        self.parcels_button = QPushButton()
        self.parcels_button.setObjectName("loadParcels")
        self.parcels_clear = QPushButton()
        hl.addWidget(self.parcels_button, 1)
        hl.addWidget(self.parcels_clear)
        self.add_row(QT_TRANSLATE_NOOP("", "Parcels"), row)
        self.parcels_label = QLabel()
        self.parcels_label.setWordWrap(True)
        self.form.addRow(self.parcels_label)
        self.parcels_path: str | None = None
        self.compare = QCheckBox()
        self.compare.setChecked(True)
        self.form.addRow(self.compare)
        self.parcels_button.clicked.connect(self.choose_parcels)
        self.parcels_clear.clicked.connect(lambda: self.set_parcels(None))

    def retranslate(self) -> None:
        super().retranslate()
        self.rule.setItemText(0, tr("Automatic: the Land of the model"))
        self.parcels_button.setText(tr("Load parcels…"))
        self.parcels_clear.setText(tr("None"))
        self.compare.setText(tr("New conflicts apart"))  # short: the page sets the dock's width
        self.compare.setToolTip(tr("Variant: show its new conflicts apart from the existing ones"))
        self._parcels_text()

    def _parcels_text(self) -> None:
        from pathlib import Path

        self.parcels_label.setText(tr("Parcels: {file}").format(file=Path(self.parcels_path).name)
                                   if self.parcels_path else tr("No parcels: the plot boundaries are not checked"))

    def choose_parcels(self) -> None:
        from .geo_layers import ask_layer_file

        path = ask_layer_file(self, tr("Parcels (Flurstücke)"))
        if path:
            self.set_parcels(path)

    def set_parcels(self, path) -> None:
        """Use the polygons of ``path`` as parcels, and show them as a 2D layer."""
        self.parcels_path = str(path) if path else None
        self._parcels_text()
        window = self.window()
        if path and hasattr(window, "geo_layers"):
            if str(path) not in {e.path for e in window.geo_layers.entries}:
                window.geo_layers.add_file(path, {"fill_opacity": 0.12, "colour": [90, 90, 90]})

    def params(self, ctx) -> dict:
        return {"rule": self.rule.currentData(), "parcels": self.parcels_path, "compare": self.compare.isChecked()}

    def job(self, ctx):
        return analysis_calls.setbacks_job(ctx, self.rule.currentData(), self.parcels_path, self.compare.isChecked())

    def layer(self, scene, base_rgb, result):
        return analysis_calls.setbacks_layer(scene, base_rgb, result)

    def parameter_text(self, params: dict) -> str:
        k = self.rule.findData(params.get("rule"))
        text = self.rule.itemText(k) if k >= 0 else str(params.get("rule"))
        if params.get("parcels"):
            from pathlib import Path

            text += ", " + tr("Parcels: {file}").format(file=Path(params["parcels"]).name)
        return text


class SunlightPage(_SunPage):
    """Facade sunlight after DIN 5034-1 (analysis.sunlight), with the variant compared to the
    existing state."""

    key = "sunlight"

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
        self.compare.toggled.connect(lambda _on: self.changed.emit())
        self.form.addRow(self.compare)

    def retranslate(self) -> None:
        super().retranslate()
        self.compare.setText(tr("Compare the variant with the existing state"))

    def params(self, ctx) -> dict:
        return {"year": ctx.when_local.year, "spacing_m": self.spacing.value(), "storey_m": self.storey.value(),
                "step_min": self.step.value(), "compare": self.compare.isChecked()}

    def job(self, ctx):
        return analysis_calls.sunlight_job(ctx, ctx.when_local.year, self.spacing.value(), self.storey.value(),
                                           float(self.step.value()), self.compare.isChecked())

    def layer(self, scene, base_rgb, result):
        return analysis_calls.sunlight_layer(scene, base_rgb, result)

    def parameter_text(self, params: dict) -> str:
        return tr("21 March and 17 January {y}, points every {s} m").format(y=params["year"],
                                                                             s=format_number(params["spacing_m"], 1))


PAGES = [ShadowPage, SunHoursPage, SunlightPage, SightlinePage, ViewshedPage, ViewconePage, SolarPage,
         MetricsPage, SetbacksPage]


def all_pages() -> list:
    """The page classes of the dock: those above and the Bebauungsplan check (``app.bplan``,
    which builds on this module's :class:`AnalysisPage`)."""
    from .bplan import BplanPage

    return PAGES + [BplanPage]


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
    page_changed = Signal(object)  # the page now shown
    params_changed = Signal(object)  # the page whose parameters changed

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
        for cls in all_pages():
            page = cls()
            self.pages.append(page)
            self.stack.addWidget(page)
            self.chooser.addItem(page.key, page.key)
            page.changed.connect(lambda p=page: self.params_changed.emit(p))
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
        self.run_button.setEnabled(not self.cancel_button.isEnabled())
        self.page_changed.emit(page)

    def set_running(self, running: bool) -> None:
        self.cancel_button.setEnabled(running)
        self.run_button.setEnabled(not running)
        self.chooser.setEnabled(not running)
        if running:
            self.progress.setValue(0)

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Analysis"))
        self.run_button.setText(tr("Run"))
        self.cancel_button.setText(tr("Cancel"))
        self.clear_button.setText(tr("Clear result"))
        self.sun.retranslate()
        for i, page in enumerate(self.pages):
            self.chooser.setItemText(i, page.title())
            page.retranslate()
