"""Solar results in the window (issue 7, viewer part): after a run of the solar page the roofs are
coloured by annual irradiation (kWh/m²·a, :func:`app.analysis_calls.solar_layer`, legend dock);
clicking a roof surface adds its figures to the attribute dock (area m², tilt °, azimuth ° with
0° = north clockwise, kWh/m²·a, suitable, kWp, kWh/a — the row of
:meth:`analysis.solar.SolarResult.surface_row`), and a bar chart under the attribute table shows
the selected building's monthly PV yield (kWh per month, :meth:`SolarResult.buildings`,
matplotlib ``FigureCanvasQTAgg``); with several buildings selected, their sum.

The controller follows the solar result shown in the view (:meth:`app.state.AppState.shown_runs`):
after an edit the figures go with the result's layer, and come back when the layer is shown again.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from .i18n import format_number, tr

MONTHS = (QT_TRANSLATE_NOOP("", "Jan"), QT_TRANSLATE_NOOP("", "Feb"), QT_TRANSLATE_NOOP("", "Mar"),
          QT_TRANSLATE_NOOP("", "Apr"), QT_TRANSLATE_NOOP("", "May"), QT_TRANSLATE_NOOP("", "Jun"),
          QT_TRANSLATE_NOOP("", "Jul"), QT_TRANSLATE_NOOP("", "Aug"), QT_TRANSLATE_NOOP("", "Sep"),
          QT_TRANSLATE_NOOP("", "Oct"), QT_TRANSLATE_NOOP("", "Nov"), QT_TRANSLATE_NOOP("", "Dec"))

#: rows shown for a clicked roof surface: (key of surface_row, label, decimals)
SURFACE_ROWS = (
    ("area_m2", QT_TRANSLATE_NOOP("", "Roof surface area [m²]"), 1),
    ("tilt_deg", QT_TRANSLATE_NOOP("", "Tilt [°]"), 1),
    ("azimuth_deg", QT_TRANSLATE_NOOP("", "Azimuth [°] (0 = north, clockwise)"), 0),
    ("irradiation_kwh_m2a", QT_TRANSLATE_NOOP("", "Irradiation [kWh/m²·a]"), 0),
    ("shading_loss", QT_TRANSLATE_NOOP("", "Shading loss [%]"), 1),
    ("suitable", QT_TRANSLATE_NOOP("", "Suitable for PV"), 0),
    ("suitable_area_m2", QT_TRANSLATE_NOOP("", "Suitable area [m²]"), 1),
    ("kwp", QT_TRANSLATE_NOOP("", "PV power [kWp]"), 2),
    ("yield_kwh_a", QT_TRANSLATE_NOOP("", "PV yield [kWh/a]"), 0),
)


class MonthlyChart(QWidget):
    """Monthly PV yield (kWh) of one building as bars (matplotlib in Qt)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.figure = Figure(figsize=(3.2, 1.9), dpi=90)
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setMinimumHeight(170)
        lay.addWidget(self.canvas)
        self.values: list[float] = []
        self.building_id: str | None = None

    def show_values(self, building_id: str, values) -> None:
        self.building_id = building_id
        self.values = [float(v) for v in values]
        self.figure.clear()
        ax = self.figure.add_subplot(111)
        ax.bar(range(12), self.values, color="#e8a33d")
        ax.set_xticks(range(12))
        ax.set_xticklabels([tr(m) for m in MONTHS], fontsize=7)
        ax.tick_params(axis="y", labelsize=7)
        ax.set_title(tr("Monthly PV yield [kWh], total {total} kWh/a").format(
            total=format_number(sum(self.values), 0)), fontsize=8)
        ax.grid(axis="y", alpha=0.3)
        self.figure.tight_layout(pad=0.4)
        self.canvas.draw_idle()

    def bar_heights(self) -> list[float]:
        """Heights of the drawn bars (for tests: what the chart really shows)."""
        if not self.figure.axes:
            return []
        return [float(p.get_height()) for p in self.figure.axes[0].patches]


class SolarController:
    """Keeps the last solar result of the window and shows a clicked roof's figures and the
    selected building's monthly chart in the attribute dock."""

    def __init__(self, window):
        self.window = window
        self.result = None
        self.scene = None
        self.surface: int | None = None  # index of the clicked roof surface in the result
        dock = window.attributes
        self.title = QLabel()
        self.chart = MonthlyChart()
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.addWidget(self.title)
        lay.addWidget(self.chart)
        self.box = box
        self.title.setWordWrap(True)
        dock.widget().layout().addWidget(box)
        box.hide()
        dock.extra_rows = self._extra_rows
        # after the window's own slot (selection + attribute table), add the roof's figures
        window.viewport.object_clicked.connect(self._clicked)
        window.state.results_changed.connect(self._results_changed)

    def _results_changed(self) -> None:
        """Follow the solar result shown in the view (if any)."""
        w = self.window
        run = next((r for r in reversed(w.state.shown_runs()) if r.key.analysis == "solar"), None)
        if run is None:
            if self.result is not None:
                self.clear()
        elif run.result is not self.result or self.scene is not w.scene:
            self.set_result(run.result, w.scene)

    # ------------------------------------------------------------ state
    def set_result(self, result, scene) -> None:
        self.result, self.scene, self.surface = result, scene, None
        self.refresh()

    def clear(self) -> None:
        had = self.surface is not None
        self.result, self.scene, self.surface = None, None, None
        self.box.hide()
        if had:
            self.window._show_attributes()

    def active(self) -> bool:
        return self.result is not None and self.scene is self.window.scene

    def _clicked(self, oid, additive: bool) -> None:
        if not self.active():
            return
        tri = self.window.viewport.last_pick_triangle
        self.surface = None
        if oid is not None and tri is not None:
            s = int(self.result.surfaces.triangle_surface[tri])
            self.surface = s if s >= 0 else None
        self.refresh()

    def surface_figures(self) -> dict | None:
        """The clicked surface's figures (surface_row plus ``suitable``), or None."""
        if not self.active() or self.surface is None:
            return None
        row = self.result.surface_row(self.surface, self.scene)
        row["suitable"] = bool(row["suitable_area_m2"] > 0)
        return row

    def rows(self) -> list[tuple[str, str]]:
        """(label, text) rows of the clicked roof surface for the attribute table."""
        fig = self.surface_figures()
        if fig is None:
            return []
        out = []
        for key, label, dec in SURFACE_ROWS:
            v = fig.get(key)
            if key == "suitable":
                text = tr("yes") if v else tr("no")
            elif key == "shading_loss":
                text = format_number(100.0 * float(v), dec)
            elif v is None:
                text = tr("– (flat)")
            else:
                text = format_number(float(v), dec)
            out.append(("☀ " + tr(label), text))
        return out

    def _extra_rows(self, object_id) -> list[tuple[str, str]]:
        """Hook of the attribute dock (called whenever the selection changes): the chart of the
        selection, and the clicked roof's rows when it belongs to ``object_id``."""
        self._update_chart()
        fig = self.surface_figures()
        if fig is None or object_id is None:
            return []
        w = self.window
        if object_id not in (fig["building_id"], fig["object_id"]) and w._root(fig["object_id"]) != object_id:
            return []
        return self.rows()

    def refresh(self) -> None:
        """Re-fill the attribute table (with the roof rows) and the chart."""
        self.window._show_attributes()
        self._update_chart()

    def _update_chart(self) -> None:
        """The selected buildings' monthly yield (their sum when several are selected)."""
        w = self.window
        if not self.active():
            self.box.hide()
            return
        per_building = self.result.buildings()
        chosen = [i for i in w.selected if i in per_building]
        if not chosen:
            self.box.hide()
            return
        keys = ("roof_area_m2", "suitable_area_m2", "kwp", "yield_kwh_a")
        b = {k: sum(per_building[i][k] for i in chosen) for k in keys}
        b["monthly_yield_kwh"] = list(np.sum([per_building[i]["monthly_yield_kwh"] for i in chosen], axis=0))
        building = chosen[-1] if len(chosen) == 1 else tr("{n} buildings").format(n=len(chosen))
        self.title.setText("<b>" + tr("Solar potential of {id}").format(id=building) + "</b><br>" + tr(
            "{area} m² roof, {suitable} m² suitable, {kwp} kWp, {kwh} kWh/a").format(
            area=format_number(b["roof_area_m2"], 0), suitable=format_number(b["suitable_area_m2"], 0),
            kwp=format_number(b["kwp"], 1), kwh=format_number(b["yield_kwh_a"], 0)))
        if self.chart.building_id != building or self.chart.values != [float(v) for v in b["monthly_yield_kwh"]]:
            self.chart.show_values(building, b["monthly_yield_kwh"])
        self.box.show()

    def retranslate(self) -> None:
        if self.active():
            self.refresh()


def per_building_monthly(result, building_id: str) -> np.ndarray:
    """Monthly yield (kWh, Jan…Dec) of one building summed from the per-surface rows (used by the
    tests as an independent sum of :attr:`SolarResult.monthly_yield_kwh`)."""
    rows = [i for i, b in enumerate(result.surface_building) if result.building_ids[b] == building_id]
    return np.asarray(result.monthly_yield_kwh, float)[rows].sum(axis=0) if rows else np.zeros(12)
