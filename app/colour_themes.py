"""View ▸ Colour by (issue 11, viewer part): the buildings coloured by a townscape figure with its
legend in the legend dock.

Themes: semantic surfaces (the default colours), object type (one colour per CityGML/CityJSON
type), building height (ridge, m above ground), eave height (m above ground), storeys (estimate,
eave height / 3 m), volume (m³) and roof type (flat/shed/gable/hip/complex). The figures are those
of :func:`analysis.metrics.compute_metrics`; they are mapped onto the scene objects with
:func:`viewer.themes.metric_values` (BuildingParts take their own row, children without a row
their parent's) and coloured with the same colour maps and roof-type colours as
:data:`viewer.themes.THEMES` / :data:`viewer.themes.ROOF_TYPE_STYLE`. The window colours its own
per-type meshes (so picking, selection highlight and layer visibility keep working) instead of
adding the separate actor that :func:`viewer.themes.add_metric_theme` draws for off-screen images.

The chosen theme stays on after edits: it is drawn again once the metrics of the edited model are
computed.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QAction, QActionGroup

from .i18n import format_number, tr

#: menu entries: key -> (label, viewer.themes theme name or None, unit, decimals)
THEME_MENU = {
    "surfaces": (QT_TRANSLATE_NOOP("", "Semantic surfaces"), None, "", 0),
    "object_type": (QT_TRANSLATE_NOOP("", "Object type"), None, "", 0),
    "height": (QT_TRANSLATE_NOOP("", "Building height"), "height", "m", 1),
    "eave": (QT_TRANSLATE_NOOP("", "Eave height"), "eave", "m", 1),
    "storeys": (QT_TRANSLATE_NOOP("", "Storeys (estimate)"), "storeys", "", 0),
    "volume": (QT_TRANSLATE_NOOP("", "Volume"), "volume", "m³", 0),
    "roof_type": (QT_TRANSLATE_NOOP("", "Roof type"), "roof_type", "", 0),
}
ROOF_LABELS = {"flat": QT_TRANSLATE_NOOP("", "Flat roof"), "shed": QT_TRANSLATE_NOOP("", "Shed roof"),
               "gable": QT_TRANSLATE_NOOP("", "Gable roof"), "hip": QT_TRANSLATE_NOOP("", "Hip roof"),
               "complex": QT_TRANSLATE_NOOP("", "Complex roof"), "none": QT_TRANSLATE_NOOP("", "No roof")}
TYPE_PALETTE = "tab10"
NO_VALUE_RGB = (190, 190, 190)


def type_colours(types) -> dict[str, tuple[int, int, int]]:
    """A distinct colour per object type (matplotlib's tab10, in order of first appearance)."""
    import matplotlib

    cmap = matplotlib.colormaps[TYPE_PALETTE]
    return {t: tuple(int(c * 255 + 0.5) for c in cmap(k % 10)[:3]) for k, t in enumerate(dict.fromkeys(types))}


class ColourThemes:
    """The View ▸ Colour by submenu and the colouring of the window's view."""

    def __init__(self, window):
        self.window = window
        self.theme = "surfaces"
        self.applied_scene = None
        self.values = None  # per scene object: the value coloured (float or category)
        self.menu = window.menus["view"].addMenu("")
        group = QActionGroup(window)
        group.setExclusive(True)
        self.actions: dict[str, QAction] = {}
        for key in THEME_MENU:
            a = QAction(window)
            a.setCheckable(True)
            a.triggered.connect(lambda _=False, k=key: self.set_theme(k))
            group.addAction(a)
            self.menu.addAction(a)
            self.actions[key] = a
        self.actions["surfaces"].setChecked(True)
        window.jobs.job_ended.connect(self._job_ended)
        window.analysis.clear_button.clicked.connect(lambda: self.set_theme("surfaces"))

    def retranslate(self) -> None:
        self.menu.setTitle(tr("Colour &by"))
        for key, a in self.actions.items():
            a.setText(tr(THEME_MENU[key][0]))
        if self.theme != "surfaces" and self.applied_scene is self.window.scene:
            self.window.results_view.redraw()

    def _set_checked(self, key: str) -> None:
        self.theme = key
        self.actions[key].setChecked(True)

    # ------------------------------------------------------------ colouring
    def set_theme(self, key: str) -> None:
        if key not in THEME_MENU:
            raise ValueError(f"unknown colour theme {key!r}")
        self._set_checked(key)
        w = self.window
        if w.scene is None:
            return
        if key == "surfaces":
            self.applied_scene = None
            w.viewport.set_theme_colours(None)
            w.results_view.redraw()
            return
        if THEME_MENU[key][1] is not None and (w.metrics is None or w.metrics is False):
            w.statusBar().showMessage(tr("Computing building metrics …"), 5000)
            self.applied_scene = None  # drawn when the metrics job ends (_job_ended)
            return
        self.apply()

    def _job_ended(self, _job) -> None:
        w = self.window
        if self.theme != "surfaces" and self.applied_scene is not w.scene and w.scene is not None and (
                THEME_MENU[self.theme][1] is None or w.metrics is not None):
            self.apply()

    def object_values(self) -> np.ndarray:
        """The value of the current theme per scene object (NaN / None where there is none)."""
        w = self.window
        scene = w.scene
        if self.theme == "object_type":
            return np.asarray(scene.object_types, dtype=object)
        from stadtbild.viewer.themes import THEMES, metric_values

        column = THEMES[THEME_MENU[self.theme][1]][0]
        return metric_values(scene, w.metrics, column)

    def apply(self) -> None:
        from stadtbild.viewer.themes import ROOF_TYPE_STYLE, THEMES

        from .legend import colormap_rgb

        w = self.window
        scene = w.scene
        values = self.object_values()
        self.values = values
        if self.theme in ("object_type", "roof_type"):
            style = (type_colours(values) if self.theme == "object_type"
                     else {k: v[1] for k, v in ROOF_TYPE_STYLE.items()})
            obj_rgb = np.array([style.get(v, NO_VALUE_RGB) for v in values] or [NO_VALUE_RGB], dtype=np.uint8)
        else:
            vals = np.asarray(values, dtype=float)
            finite = vals[np.isfinite(vals)]
            self.vmin, self.vmax = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
            cmap = THEMES[THEME_MENU[self.theme][1]][2]
            obj_rgb = colormap_rgb(vals, self.vmin, self.vmax, cmap, nan_rgb=NO_VALUE_RGB)
        self.applied_scene = scene
        w.viewport.set_theme_colours(obj_rgb[scene.object_index])
        w.results_view.redraw()
        w.legend.show()
        w.legend.raise_()

    def legend_entry(self) -> dict | None:
        """The legend of the theme on screen (None: the semantic surface colours)."""
        from stadtbild.viewer.themes import ROOF_TYPE_STYLE, THEMES

        w = self.window
        if self.theme == "surfaces" or self.applied_scene is not w.scene or self.values is None:
            return None
        label, theme, unit, dec = THEME_MENU[self.theme]
        values = self.values
        if self.theme == "object_type":
            counts: dict = {}
            for v in values:
                counts[v] = counts.get(v, 0) + 1
            colours = type_colours(values)
            return {"kind": "categories", "title": label, "items": [(f"{t} ({n})", colours[t]) for t, n in counts.items()],
                    "summary": tr("{n} objects").format(n=len(values)), "lit": True}
        if self.theme == "roof_type":
            present = [v for v in values if isinstance(v, str)]
            items = [(f"{tr(ROOF_LABELS.get(k, k))} ({present.count(k)})", ROOF_TYPE_STYLE[k][1])
                     for k in ROOF_TYPE_STYLE if k in present]
            return {"kind": "categories", "title": label, "items": items, "lit": True,
                    "summary": tr("Roof type from the roof surfaces' tilts and orientations (analysis.metrics)")}
        vals = np.asarray(values, float)
        n = int(np.isfinite(vals).sum())
        summary = tr("{n} objects, mean {mean} {unit}").format(
            n=n, mean=format_number(float(np.nanmean(vals)) if n else 0.0, dec), unit=unit)
        if self.theme == "storeys":
            summary += "; " + tr("storeys estimated as eave height / 3 m")
        return {"kind": "ramp", "title": label, "unit": unit, "vmin": self.vmin, "vmax": self.vmax,
                "cmap": THEMES[theme][2], "summary": summary, "decimals": dec, "lit": True}
